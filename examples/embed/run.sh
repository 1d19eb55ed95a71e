#!/usr/bin/env bash
# examples/embed: quantize the bundled MNIST CNN, compile it to native code
# (mnist.o + mnist.h + libqcrt.a), build the plain C program of this folder
# against it and classify the 1,000 held-out digits.
#
#   examples/embed/run.sh [--out DIR] [--target T] [--threads N] [--check]
#
# --check fails unless the accuracy is at least 97.0 % (float: 97.6 %).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
QC="${QC:-$ROOT/build/bin/qc}"
OUT="$ROOT/out/embed" TARGET=host THREADS=1 CHECK=0
while (($#)); do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --target) TARGET=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --check) CHECK=1; shift ;;
    *) echo "usage: $0 [--out DIR] [--target T] [--threads N] [--check]" >&2; exit 2 ;;
  esac
done
MNIST="$ROOT/examples/mnist"
mkdir -p "$OUT"

echo "== qc quantize (x86 quantizer, batch 1)"
"$QC" quantize "$MNIST/mnist_cnn.onnx" --quantizer x86 --calib "$MNIST/calib_images.npy" \
  --input-shape input=1,1,28,28 --quiet -o "$OUT/mnist.q.mlir"
echo "== qc compile --target $TARGET"
"$QC" compile "$OUT/mnist.q.mlir" --target "$TARGET" --name mnist --with-runtime -o "$OUT/model" |
  tee "$OUT/compile.log"
echo "== build the C program (cmake, no LLVM/MLIR/C++)"
cmake -S "$HERE" -B "$OUT/build" -DQC_MODEL_DIR="$OUT/model" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$OUT/build" >/dev/null
echo "== classify the 1,000 held-out digits"
"$OUT/build/mnist_classify" "$MNIST/test_images.npy" "$MNIST/test_labels.npy" "$THREADS" | tee "$OUT/result.txt"
if ((CHECK)); then
  acc=$(sed -n 's/^accuracy: \([0-9.]*\)%.*/\1/p' "$OUT/result.txt")
  /usr/bin/python3 -c "import sys; sys.exit(0 if float('$acc') >= 97.0 else 1)" ||
    { echo "FAIL: accuracy $acc% < 97.0%"; exit 1; }
fi
echo "== QC_PROFILE=1: libqcrt prints the per-step table to stderr when the session ends"
QC_PROFILE=1 "$OUT/build/mnist_classify" "$MNIST/test_images.npy" "$MNIST/test_labels.npy" "$THREADS" \
  2> "$OUT/profile.txt" >/dev/null
sed -n '1,12p' "$OUT/profile.txt"
if ((CHECK)); then
  steps=$(sed -n 's/^qc: \([0-9]*\) steps;.*/\1/p' "$OUT/compile.log")
  grep -q "^qc profile: model 'mnist', $THREADS thread(s), 1000 profiled run(s), $steps steps" \
    "$OUT/profile.txt" || { echo "FAIL: no profile of 1000 runs and $steps steps on stderr"; exit 1; }
  rows=$(sed -n '/^ step  kind/,/^$/p' "$OUT/profile.txt" | grep -c '^ *[0-9]')
  ((rows == steps)) || { echo "FAIL: $rows profile rows, $steps steps"; exit 1; }
  grep -q '/conv1/Conv' "$OUT/profile.txt" || { echo "FAIL: no node names in the profile"; exit 1; }
fi
