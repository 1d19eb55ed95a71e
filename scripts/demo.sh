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
