#!/usr/bin/env bash
# Post-training int8 quantization of the MNIST CNN with both built-in
# quantizers (x86, xnnpack), calibrated on calib_images.npy (200 training
# images), then run on the 1,000 held-out test images with the reference
# executor; prints float vs int8 top-1 accuracy.
#
#   examples/mnist/quantize.sh [--out DIR] [--max-drop POINTS] [--observer KIND]
#
#   --out DIR          where models and logits go (default: out/mnist-quant)
#   --max-drop POINTS  exit 1 if an int8 model loses more than POINTS
#                      percentage points of accuracy against float
#   --observer KIND    activation observer override (qc quantize --observer)
#
# qc is $QC if set, else `qc` on PATH, else build/bin/qc.
set -euo pipefail
EX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EX/../.." && pwd)"
OUT="$ROOT/out/mnist-quant"
MAX_DROP=""
OBSERVER=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --max-drop) MAX_DROP="$2"; shift 2 ;;
    --observer) OBSERVER=(--observer "$2"); shift 2 ;;
    *) echo "quantize.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [[ -n "${QC:-}" ]]; then :
elif command -v qc >/dev/null 2>&1; then QC="$(command -v qc)"
else QC="$ROOT/build/bin/qc"; fi
PY=/usr/bin/python3
mkdir -p "$OUT"

# accuracy LOGITS -> "0.9760"
accuracy() {
  "$PY" "$EX/accuracy.py" "$1" "$EX/test_labels.npy" | sed -n 's/^top-1 accuracy: \([0-9.]*\).*/\1/p'
}

"$QC" run "$EX/mnist_cnn.onnx" --input input="$EX/test_images.npy" --output-dir "$OUT/float" >/dev/null
FLOAT=$(accuracy "$OUT/float/logits.npy")
printf '%-10s top-1 %s\n' float "$FLOAT"

STATUS=0
for Q in x86 xnnpack; do
  "$QC" quantize "$EX/mnist_cnn.onnx" --quantizer "$Q" "${OBSERVER[@]}" \
    --calib "$EX/calib_images.npy" -o "$OUT/mnist_cnn.$Q.q.mlir"
  "$QC" run "$OUT/mnist_cnn.$Q.q.mlir" --input input="$EX/test_images.npy" \
    --output-dir "$OUT/$Q" >/dev/null
  INT8=$(accuracy "$OUT/$Q/logits.npy")
  DROP=$("$PY" -c "print(f'{100 * ($FLOAT - $INT8):.1f}')")
  printf '%-10s top-1 %s  (int8, drop %s points vs float)\n' "$Q" "$INT8" "$DROP"
  if [[ -n "$MAX_DROP" ]] && "$PY" -c "import sys; sys.exit(0 if 100 * ($FLOAT - $INT8) > $MAX_DROP + 1e-9 else 1)"; then
    echo "quantize.sh: $Q int8 accuracy $INT8 is more than $MAX_DROP points below float $FLOAT" >&2
    STATUS=1
  fi
done
exit $STATUS
