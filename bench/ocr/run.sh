#!/usr/bin/env bash
# The OCR example's recognizer (examples/ocr: CNN + 2 transformer layers, 1x1x32x128) as qc int8 compiled
# code against ONNX Runtime fp32 on the float model, batch 1, in one script: the processes alternate
# (qc, ORT, qc, ORT, ...) and each side's figure is the best of --repeats processes, each the median over
# >= --min-time seconds of runs (ORT's time on this VM is bimodal from one process to the next).
#
#   bench/ocr/run.sh [--qc PATH] [--threads N] [--repeats N] [--min-time S] [--profile] [--out DIR]
#
#   --qc PATH      qc binary (default: $QC, else build/bin/qc)
#   --threads N    threads for both sides (default 1)
#   --repeats N    processes per side (default 3)
#   --min-time S   seconds of timed runs per process (default 2)
#   --profile      also print qc bench --profile's per-step table once (after the timed runs)
#   --out DIR      where the quantized model, the input and the logs go (default: a fresh temp dir)
#
# Needs node with test/ort/node_modules/onnxruntime-node (scripts/npm-setup.sh) in this checkout or in
# the one $QC_ORT_ROOT names, and /usr/bin/python3 with numpy.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
qc="${QC:-$repo/build/bin/qc}" threads=1 repeats=3 min_time=2 profile=0 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --qc) qc="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --profile) profile=1; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x "$qc" ]] || { echo "run.sh: qc not found at '$qc' (build it or pass --qc)" >&2; exit 2; }
ort_root="${QC_ORT_ROOT:-$repo}"
[[ -d "$ort_root/test/ort/node_modules/onnxruntime-node" ]] ||
  { echo "run.sh: no onnxruntime-node under $ort_root/test/ort (scripts/npm-setup.sh, or set QC_ORT_ROOT)" >&2; exit 2; }
out="${out:-$(mktemp -d /tmp/qc-ocr-bench.XXXXXX)}"
mkdir -p "$out"
ex="$repo/examples/ocr"

"$qc" quantize "$ex/ocr.onnx" --quantizer x86 --calib "$ex/calib_images.npy" --input-shape image=1,1,32,128 \
  --quiet -o "$out/ocr.q.mlir"
/usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])[:1].astype(np.float32) / 255)" \
  "$ex/eval_images.npy" "$out/image.npy"

field() { sed -n "s/^$1: //p" "$2" | tail -1; }
qc_best="" ort_best=""
for i in $(seq 1 "$repeats"); do
  "$qc" bench "$out/ocr.q.mlir" --threads "$threads" --input "image=$out/image.npy" --min-time "$min_time" \
    > "$out/qc.$i.log" 2>&1
  node "$ort_root/bench/models/ort_bench.js" "$ex/ocr.onnx" "$out/image.npy" --threads "$threads" \
    --min-time "$min_time" > "$out/ort.$i.log" 2>&1
  q="$(field median_ms "$out/qc.$i.log")" o="$(field median_ms "$out/ort.$i.log")"
  echo "process $i: qc int8 median $q ms, ORT fp32 median $o ms"
  qc_best="$(/usr/bin/python3 -c "import sys; v = [float(x) for x in sys.argv[1:] if x]; print(min(v))" $q $qc_best)"
  ort_best="$(/usr/bin/python3 -c "import sys; v = [float(x) for x in sys.argv[1:] if x]; print(min(v))" $o $ort_best)"
done
ratio="$(/usr/bin/python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$qc_best" "$ort_best")"
echo "ocr, $threads thread(s), best of $repeats: qc int8 $qc_best ms, ORT fp32 $ort_best ms, qc / ORT fp32 = $ratio"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
if [[ $profile -eq 1 ]]; then
  "$qc" bench "$out/ocr.q.mlir" --threads "$threads" --input "image=$out/image.npy" --min-time "$min_time" --profile
fi
