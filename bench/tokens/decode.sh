#!/usr/bin/env bash
# Sequence-1 decode step of the GPT-2-like decoders (issue 14's weight-only bar): bench/tokens/run.sh at
# --seq 1 on gpt2 (hidden 256, 21 MB of float constants: they fit a 32 MB L3) and gpt2_h512 (hidden
# 512, 67 MB: a step reads them from memory), 1 thread, best of REPEATS processes each, in one run:
#   float      qc float32 compiled code
#   wo_int8    weight-only int8 per output channel (token embedding int8 per row)
#   wo_int4    weight-only int4, groups of 32, MSE clipping (token embedding int8 per row)
#   wo_int4e4  the same with the token embedding int4 in groups of 32
# Then the bar per model: int4 >= 3.5x smaller than float (all constants of the compiled object),
# SQNR >= 25 dB against float, latency <= float / 2. One token through the whole model without a KV
# cache: at sequence 1 every linear is a GEMV (a matrix-vector product).
#
#   bench/tokens/decode.sh [--qc PATH] [--out DIR] [--repeats R] [--min-time S] [--models "gpt2 gpt2_h512"]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="gpt2 gpt2_h512"
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --qc|--out|--repeats|--min-time) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "decode.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
table_file=$(mktemp)
trap 'rm -f "$table_file"' EXIT
"$repo/bench/tokens/run.sh" "${args[@]}" --seq 1 --threads 1 --models "$models" \
  --modes "float wo_int8 wo_int4 wo_int4e4" | tee "$table_file"
# Columns: model mode SQNR_dB size_MB smaller qc_1t_ms vs_float ort_1t_ms
awk '$2 ~ /^wo_int4/ {
  s = $3 + 0; x = $5 + 0; v = $7 + 0
  printf "bar (%s seq 1, %s): %.2fx smaller, SQNR %s dB, %.2fx qc float: %s%s%s -> %s\n", $1, $2, x, $3, v,
    (x >= 3.5 ? "size ok" : "size NOT ok"), (s >= 25 ? ", SQNR ok" : ", SQNR NOT ok"),
    (v >= 2 ? ", speed ok" : ", speed NOT ok"), (x >= 3.5 && s >= 25 && v >= 2 ? "MET" : "NOT MET") }' "$table_file"
