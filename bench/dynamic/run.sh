#!/usr/bin/env bash
# Native dynamic quantization benchmark (issue 14): one nn.TransformerEncoderLayer(256, 4) at sequence 128
# and its MLP alone (Linear 256->1024, ReLU, Linear 1024->256: only the layers dynamic quantization
# touches) (bench/dynamic/export_encoder.py), batch 1, each as
#   (a) qc float32 compiled code                               (`qc bench` on the float model)
#   (b) qc dynamic int8, per tensor   (x86,dynamic=1,dynamic_reduce_range=0 -> qc.dynamic_qlinear)
#   (c) qc dynamic int8, per token    (the same with granularity=per_token)
# Each is timed in REPEATS separate `qc bench` processes (median latency of each, the best of them
# reported), one after the other in the same run; the speed-ups are against (a). SQNR is the quantized
# program's output (reference executor) against the float model's. See docs/codegen.md.
#
#   bench/dynamic/run.sh [--qc PATH] [--out DIR] [--threads N] [--repeats R] [--min-time S]
#                        [--seq N] [--d-model N] [--heads N]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seq=128
d_model=256
heads=4
source "$repo/bench/lib.sh"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  if bench_common_flag "$@"; then shift 2; continue; fi
  case "$1" in
    --seq) seq="$2"; shift 2 ;;
    --d-model) d_model="$2"; shift 2 ;;
    --heads) heads="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
bench_check_qc "$qc"
bench_out_dir

"$python" "$repo/bench/dynamic/export_encoder.py" "$out" --seq "$seq" --d-model "$d_model" --heads "$heads"
input=$out/x.npy
best() {  # MODEL: best of REPEATS processes' median_ms
  bench_best "$qc" "$1" "$repeats" --threads "$threads" --input "x=$input" --min-time "$min_time"
}
sqnr() {  # MODEL NAME: the SQNR of MODEL's output against $name's float output
  "$qc" run "$1" --input "x=$input" --output-dir "$out/$2.out" >/dev/null
  bench_sqnr "$out/$name.float.out/y.npy" "$out/$2.out/y.npy"
}

echo "$threads thread(s), best of $repeats processes ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-36s %10s %9s %9s %s\n' mode median_ms speedup SQNR_dB ops
for name in encoder mlp; do
  model=$out/$name.onnx
  "$qc" quantize "$model" --quantizer x86,dynamic=1,dynamic_reduce_range=0 --lower-to-integer --quiet \
    -o "$out/$name.per_tensor.mlir"
  "$qc" quantize "$model" --quantizer x86,dynamic=1,dynamic_reduce_range=0,granularity=per_token \
    --lower-to-integer --quiet -o "$out/$name.per_token.mlir"
  "$qc" run "$model" --input "x=$input" --output-dir "$out/$name.float.out" >/dev/null
  f=$(best "$model")
  printf '%-36s %10s %9s %9s %s\n' "$name float32" "$f" "1.00x" "-" "-"
  for mode in per_tensor per_token; do
    t=$(best "$out/$name.$mode.mlir")
    s=$(sqnr "$out/$name.$mode.mlir" "$name.$mode")
    n=$(grep -c 'qc.dynamic_qlinear' "$out/$name.$mode.mlir" || true)
    printf '%-36s %10s %9s %9s %s\n' "$name dynamic int8 $mode" "$t" \
      "$(awk -v f="$f" -v t="$t" 'BEGIN { printf "%.2fx", f / t }')" "$s" "$n qc.dynamic_qlinear"
  done
done
