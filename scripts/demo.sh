#!/usr/bin/env bash
# qc's main job on the bundled MNIST CNN (examples/mnist): install what is
# missing, build, import the ONNX model, run the held-out digits through the
# reference executor and report the accuracy. Results go to out/mnist/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QC_BUILD_DIR:-$ROOT/build}"
OUT="$ROOT/out/mnist"
QC="$BUILD/bin/qc"
EX="$ROOT/examples/mnist"

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$OUT"

echo "== qc import: ONNX -> qc dialect (simplified: BatchNorm folded)"
"$QC" import "$EX/mnist_cnn.onnx" -o "$OUT/mnist_cnn.mlir"
grep -c "qc\.\(conv2d\|linear\|max_pool2d\|relu\)" "$OUT/mnist_cnn.mlir" | sed 's/^/   qc compute ops: /'

echo "== qc run: reference executor on $(/usr/bin/python3 -c "import numpy as np; print(np.load('$EX/test_images.npy').shape[0])") held-out digits"
"$QC" run "$OUT/mnist_cnn.mlir" --input input="$EX/test_images.npy" --output-dir "$OUT/float"

echo "== accuracy (float, reference executor)"
/usr/bin/python3 "$EX/accuracy.py" "$OUT/float/logits.npy" "$EX/test_labels.npy" \
  --reference "$EX/test_logits_ref.npy"

# --- Quantization flow ------------------------------------------------------
# Post-training int8 quantization with both built-in quantizers (x86,
# xnnpack), calibrated on 200 training images, and float vs int8 accuracy on
# the same held-out digits (examples/mnist/quantize.sh).
echo "== qc quantize: int8 with the x86 and xnnpack quantizers, float vs int8 accuracy"
QC="$QC" "$EX/quantize.sh" --out "$OUT/quant"

# --- Native code ---------------------------------------------------------------
# qc compile: the int8 model to an object file + C header for this CPU, linked
# with libqcrt into the plain C program of examples/embed, which classifies the
# same held-out digits.
echo "== qc compile + examples/embed: native int8 code in a plain C program"
QC="$QC" "$ROOT/examples/embed/run.sh" --out "$OUT/embed"
