#!/usr/bin/env bash
# Float models compiled by qc, exact (the default: bit-identical with `qc run`) and with --float-fma
# (fused multiply-adds, not bit-exact), beside ONNX Runtime fp32, alternated in one script: each round
# times every model in the three modes, 1 thread, `--min-time` seconds each (docs/codegen.md, "Float
# steps").
#
#   bench/float_fma.sh [--models "mobilenet_v2 resnet18"] [--rounds 3] [--min-time 2]
#
# Models: $QC_BUILD_DIR/test/models/onnx/M.{onnx,input.npy} (written by the model tests' export).
# Prints "round model mode median_ms load_average" per measurement.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QC_BUILD_DIR:-$repo/build}"
models="mobilenet_v2 resnet18"
rounds=3
min_time=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "float_fma.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
dir="$build/test/models/onnx"
for m in $models; do
  [[ -f "$dir/$m.onnx" && -f "$dir/$m.input.npy" ]] ||
    { echo "float_fma.sh: $dir/$m.onnx or its .input.npy missing (run the model tests' export)" >&2; exit 1; }
done
median() { sed -n 's/^median_ms: //p'; }
for ((r = 1; r <= rounds; ++r)); do
  for m in $models; do
    for mode in exact fma ort; do
      case "$mode" in
        exact) v="$("$build/bin/qc" bench "$dir/$m.onnx" --threads 1 --input "$dir/$m.input.npy" --min-time "$min_time" | median)" ;;
        fma) v="$("$build/bin/qc" bench "$dir/$m.onnx" --threads 1 --float-fma --input "$dir/$m.input.npy" --min-time "$min_time" | median)" ;;
        ort) v="$(node "$repo/bench/models/ort_bench.js" "$dir/$m.onnx" "$dir/$m.input.npy" --threads 1 --min-time "$min_time" | median)" ;;
      esac
      echo "$r $m $mode $v $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
