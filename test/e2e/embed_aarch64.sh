#!/usr/bin/env bash
# The MNIST CNN compiled for AArch64 (dotprod or i8mm), linked into the
# examples/embed C program with libqcrt, cross-compiled with clang-19 and run
# under qemu-aarch64 -cpu max: every one of the 1,000 digits' logits must be
# byte-identical to the same program built for this x86 host (which the
# e2e.compiled_exact tests hold equal to the reference executor).
#
#   embed_aarch64.sh QC TARGET WORKDIR
set -euo pipefail
QC=$1 TARGET=$2 WORK=$3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MNIST=$ROOT/examples/mnist EMBED=$ROOT/examples/embed RT=$ROOT/runtime
SYSROOT=/usr/aarch64-linux-gnu
for tool in clang-19 qemu-aarch64; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[[ -f $SYSROOT/include/stdio.h ]] || { echo "SKIP: no AArch64 sysroot at $SYSROOT"; exit 77; }

dir=$WORK/$TARGET
rm -rf "$dir" && mkdir -p "$dir"
"$QC" quantize "$MNIST/mnist_cnn.onnx" --quantizer x86 --calib "$MNIST/calib_images.npy" \
  --input-shape input=1,1,28,28 --quiet -o "$dir/mnist.q.mlir"
build() { # OUTDIR TARGET CLANG-FLAGS...
  local out=$1 target=$2; shift 2
  "$QC" compile "$dir/mnist.q.mlir" --target "$target" --name mnist -o "$out" >/dev/null
  clang-19 "$@" -std=c11 -O2 -Wall -Werror -I"$out" -I"$RT/include" -I"$ROOT" \
    "$EMBED/main.c" "$out/mnist.o" "$RT/lib/cpu_features.c" "$RT/lib/runtime.c" \
    "$RT/lib/thread_pool.c" "$RT/lib/profile.c" -fuse-ld=lld -lpthread -o "$out/mnist_classify"
}
build "$dir/host" host
build "$dir/arm" "$TARGET" --target=aarch64-linux-gnu
"$dir/host/mnist_classify" "$MNIST/test_images.npy" "$MNIST/test_labels.npy" 1 "$dir/host.f32"
qemu-aarch64 -L "$SYSROOT" -cpu max "$dir/arm/mnist_classify" \
  "$MNIST/test_images.npy" "$MNIST/test_labels.npy" 2 "$dir/arm.f32"
cmp "$dir/host.f32" "$dir/arm.f32"
echo "OK: $TARGET under qemu: 10,000 logits byte-identical to the x86 host build"
