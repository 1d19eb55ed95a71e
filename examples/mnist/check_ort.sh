#!/usr/bin/env bash
# Checks the committed MNIST files against ONNX Runtime: runs mnist_cnn.onnx on all test_images.npy in one batch
# with onnxruntime-node (CPU), requires the logits to match PyTorch's (test_logits_ref.npy, rtol 1e-5 of
# max|ref|) and the top-1 accuracy to equal the float accuracy recorded in metrics.json.
#
#   examples/mnist/check_ort.sh [OUT_DIR]        (default OUT_DIR: a temporary directory)
# Needs scripts/npm-setup.sh to have been run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EX="$ROOT/examples/mnist"
if [[ $# -ge 1 ]]; then
  OUT="$1"
else
  OUT="$(mktemp -d -t qc_mnist_ort.XXXXXX)"
  trap 'rm -rf "$OUT"' EXIT
fi

node "$ROOT/test/ort/ort_run.js" "$EX/mnist_cnn.onnx" --input input="$EX/test_images.npy" --output-dir "$OUT"
/usr/bin/python3 "$ROOT/test/ort/compare_npy.py" "$OUT/logits.npy" "$EX/test_logits_ref.npy" --rtol 1e-5
expected="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['float_top1_accuracy'])" \
  "$EX/metrics.json")"
report="$(/usr/bin/python3 "$EX/accuracy.py" "$OUT/logits.npy" "$EX/test_labels.npy" \
  --reference "$EX/test_logits_ref.npy" --min "$expected")"
echo "$report"
grep -q "differing from the reference: 0/" <<<"$report" || {
  echo "check_ort.sh: ONNX Runtime's predictions differ from PyTorch's" >&2
  exit 1
}
echo "check_ort.sh: ONNX Runtime reproduces PyTorch's float accuracy $expected on examples/mnist"
