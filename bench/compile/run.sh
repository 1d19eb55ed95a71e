#!/usr/bin/env bash
# Compile time of `qc compile` (issue 13 item 4): CPU seconds (user + sys) and wall seconds of
# `QC_CACHE=0 qc compile MODEL --target T` for the examples/ocr recognizer, the CRNN (LSTM) and
# CRNN-GRU recognizers, MobileNetV2, MobileNetV3-small and ResNet-18, the best of --repeats processes each (a busy machine only makes a
# process slower), plus the share of LLVM -O3 and LLVM code generation from one --mlir-timing run.
# With --baseline QC2 the same for a second qc binary, the processes alternating, and the ratio.
# See bench/README.md, "Compile time".
#
#   bench/compile/run.sh [--qc PATH] [--baseline PATH] [--targets "host x86-64"] [--repeats N]
#                        [--models DIR] [--model-list "..."] [--out DIR]
#
#   --qc PATH        the qc binary (default: $QC_BUILD_DIR/bin/qc, QC_BUILD_DIR defaulting to build/)
#   --baseline PATH  another qc binary to measure in the same run (e.g. main's), shown as "before"
#   --targets "…"    qc compile targets (default "host")
#   --repeats N      processes per model, target and binary (default 3)
#   --models DIR     folder with mobilenet_v2 / mobilenet_v3_small / resnet18 .onnx and .input.npy as
#                    test/models/export_models.py writes them (default: $QC_BUILD_DIR/test/models/onnx)
#   --model-list "…" models (default "ocr crnn crnn_gru mobilenet_v2 mobilenet_v3_small resnet18"; ocr
#                    is examples/ocr/ocr.onnx at 1x1x32x128, crnn / crnn_gru the unrolled LSTM / GRU
#                    recognizers of test/models)
#   --out DIR        work folder for calibration data, quantized models and logs (default: a temp dir)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo/bench/lib.sh"
build="${QC_BUILD_DIR:-$repo/build}"
baseline=""
targets="host"
models_dir="$build/test/models/onnx"
model_list="ocr crnn crnn_gru mobilenet_v2 mobilenet_v3_small resnet18"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --models) models_dir="$2"; shift 2 ;;
    --model-list) model_list="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bench_common_flag "$1" "${2:-}" || { echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2; }
       shift 2 ;;
  esac
done
bench_check_qc "$qc"
[[ -z "$baseline" ]] || bench_check_qc "$baseline"
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --repeats must be a positive integer" >&2; exit 2; }
bench_out_dir
export QC_CACHE=0

# quantize NAME: $out/NAME.q.mlir (x86 quantizer) with the first binary.
quantize() {
  local m=$1
  if [[ "$m" == ocr ]]; then
    "$qc" quantize "$repo/examples/ocr/ocr.onnx" --quantizer x86 --calib "$repo/examples/ocr/calib_images.npy" \
      --input-shape image=1,1,32,128 --quiet -o "$out/ocr.q.mlir"
    return
  fi
  # The CNNs' sample is NAME.input.npy, the CRNNs' NAME.image.npy.
  local sample="$models_dir/$m.input.npy"
  [[ -f "$sample" ]] || sample="$models_dir/$m.image.npy"
  [[ -f "$models_dir/$m.onnx" && -f "$sample" ]] ||
    { echo "run.sh: $models_dir/$m.onnx or .input.npy missing (test/models/export_models.py, or --models)" >&2; exit 1; }
  "$python" - "$sample" "$out/$m.calib.npy" <<'PY'
import sys, numpy as np
x = np.load(sys.argv[1])
np.save(sys.argv[2], np.random.default_rng(0).standard_normal((8,) + x.shape[1:]).astype(np.float32))
PY
  "$qc" quantize "$models_dir/$m.onnx" --quantizer x86 --calib "$out/$m.calib.npy" --quiet -o "$out/$m.q.mlir"
}

# measure QC MODEL TARGET: prints "cpu_s wall_s" of one qc compile process.
measure() {
  /usr/bin/time -f "%U %S %e" -o "$out/time.txt" "$1" compile "$out/$2.q.mlir" --target "$3" \
    -o "$out/compiled" > "$out/compile.log" 2>&1 ||
    { cat "$out/compile.log" >&2; echo "run.sh: qc compile of $2 for $3 failed" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1 + $2, $3 }' "$out/time.txt"
}

# best "cpu wall" lines on stdin: the lowest of each column.
best() { awk 'NR == 1 || $1 < c { c = $1 } NR == 1 || $2 < w { w = $2 } END { printf "%.2f %.2f\n", c, w }'; }

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load0="$(cut -d' ' -f1-3 /proc/loadavg)"
rows=()
for m in $model_list; do
  echo "== $m: qc quantize (x86 quantizer)"
  quantize "$m"
  for t in $targets; do
    runs_new="" runs_old=""
    for ((r = 1; r <= repeats; ++r)); do
      [[ -z "$baseline" ]] || runs_old+="$(measure "$baseline" "$m" "$t")"$'\n'
      runs_new+="$(measure "$qc" "$m" "$t")"$'\n'
    done
    read -r cpu wall < <(printf '%s' "$runs_new" | best)
    steps="$(sed -n 's/^qc: \([0-9]*\) steps.*/\1/p' "$out/compile.log")"
    # One --mlir-timing run for the shares of LLVM -O3 and code generation.
    "$qc" compile "$out/$m.q.mlir" --target "$t" -o "$out/compiled" --mlir-timing > "$out/timing.log" 2>&1
    share() { sed -n "s/.*(\s*\([0-9.]*\)%)\s*$1\$/\1/p" "$out/timing.log" | head -n 1; }
    row="$m|$t|${steps:-?}|$cpu|$wall|$(share 'LLVM -O3')|$(share 'LLVM code generation')"
    if [[ -n "$baseline" ]]; then
      read -r ocpu owall < <(printf '%s' "$runs_old" | best)
      row+="|$ocpu|$owall|$(awk -v a="$cpu" -v b="$ocpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    fi
    rows+=("$row")
    echo "$row"
  done
done

echo
echo "Compile time: QC_CACHE=0 qc compile, best of $repeats processes, $started"
echo "CPU: $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1) ($(nproc) logical CPUs);" \
  "load average at start $load0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [[ -n "$baseline" ]]; then
  echo "| model | target | steps | CPU s | wall s | LLVM -O3 % | LLVM codegen % | baseline CPU s | baseline wall s | CPU ratio |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
else
  echo "| model | target | steps | CPU s | wall s | LLVM -O3 % | LLVM codegen % |"
  echo "|---|---|---:|---:|---:|---:|---:|"
fi
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
