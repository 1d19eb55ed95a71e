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
# Then, per model, float / wo_int8 / wo_int4 alternated process by process (best of REPEATS each, so the
# other jobs' load hits all three alike) with the ratios, and `qc bench --profile`'s per-kind table (the
# linear row: the GEMVs' time, GMAC/s and GB/s) of float and wo_int4.
#
#   bench/tokens/decode.sh [--qc PATH] [--out DIR] [--repeats R] [--min-time S] [--models "gpt2 gpt2_h512"]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="gpt2 gpt2_h512"
qc="${QC_BUILD_DIR:-$repo/build}/bin/qc"
out="" repeats=3 min_time=2
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --qc) qc="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --repeats) repeats="$2"; args+=("$1" "$2"); shift 2 ;;
    --min-time) min_time="$2"; args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "decode.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
table_file=$(mktemp)
if [[ -z "$out" ]]; then
  out=$(mktemp -d)
  trap 'rm -f "$table_file"; rm -rf "$out"' EXIT
else
  trap 'rm -f "$table_file"' EXIT
fi
"$repo/bench/tokens/run.sh" "${args[@]}" --qc "$qc" --out "$out" --seq 1 --threads 1 --models "$models" \
  --modes "float wo_int8 wo_int4 wo_int4e4" | tee "$table_file"
# Columns: model mode SQNR_dB size_MB smaller qc_1t_ms vs_float ort_1t_ms
awk '$2 ~ /^wo_int4/ {
  s = $3 + 0; x = $5 + 0; v = $7 + 0
  printf "bar (%s seq 1, %s): %.2fx smaller, SQNR %s dB, %.2fx qc float: %s%s%s -> %s\n", $1, $2, x, $3, v,
    (x >= 3.5 ? "size ok" : "size NOT ok"), (s >= 25 ? ", SQNR ok" : ", SQNR NOT ok"),
    (v >= 2 ? ", speed ok" : ", speed NOT ok"), (x >= 3.5 && s >= 25 && v >= 2 ? "MET" : "NOT MET") }' "$table_file"

# The three programs alternated process by process, then the profiles of float and int4.
median() { "$qc" bench "$1" --threads 1 --input "input_ids=$out/ids_s1.npy" --min-time "$min_time" | awk '/^median_ms:/ {print $2}'; }
for name in $models; do
  declare -A best=()
  for ((r = 0; r < repeats; r++)); do
    for mode in float wo_int8 wo_int4; do
      program=$out/$name.$mode.mlir
      [[ $mode == float ]] && program=$out/${name}_s1.onnx
      m=$(median "$program")
      best[$mode]=$(awk -v a="$m" -v b="${best[$mode]:-}" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
  done
  awk -v n="$name" -v f="${best[float]}" -v i8="${best[wo_int8]}" -v i4="${best[wo_int4]}" 'BEGIN {
    printf "alternated (%s seq 1, 1 thread, best of %d each): float %.4f ms, wo_int8 %.4f ms (%.2fx), wo_int4 %.4f ms (%.2fx)\n",
      n, '"$repeats"', f, i8, f / i8, i4, f / i4 }'
  for mode in float wo_int4; do
    program=$out/$name.$mode.mlir
    [[ $mode == float ]] && program=$out/${name}_s1.onnx
    echo "profile ($name seq 1, $mode): $("$qc" bench "$program" --threads 1 --input "input_ids=$out/ids_s1.npy" \
      --min-time "$min_time" --profile | awk '/^ by kind/ {on = 1; next} on && $1 == "linear" {print; exit}')"
  done
  unset best
done
