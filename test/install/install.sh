#!/usr/bin/env bash
# install.sh BUILD SRC WORK: cmake --install BUILD into WORK/prefix, move the
# prefix (the installed qc must find its runtime relative to itself), then
# with the moved prefix only:
#   qc --version, qc <command> --version, qc-opt --version;
#   quantize and compile the bundled MNIST CNN, build examples/embed against
#   the package's qc::runtime and classify the 1,000 test digits (>= 97 %);
#   --with-runtime copies the installed libqcrt.a and headers;
#   a C program links qc::runtime_shared (libqcrt.so) and runs the model;
#   build examples/quantizer-plugin against qc::quantizer_sdk and quantize
#   with it through the installed qc.
set -euo pipefail
BUILD=$1 SRC=$2 WORK=$3
CC=${QC_CC:-cc} CXX=${QC_CXX:-c++}
rm -rf "$WORK" && mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== cmake --install"
cmake --install "$BUILD" --prefix "$WORK/staged" > "$WORK/install.log"
mv "$WORK/staged" "$WORK/prefix"
P="$WORK/prefix"
for f in bin/qc bin/qc-opt bin/qc-kernelgen lib/libqcrt.a lib/libqcrt.so \
         include/qc_runtime.h include/qc_model_abi.h include/qc/Quantizer.h \
         include/qc/quantizer_plugin.h lib/cmake/qc/qcConfig.cmake \
         lib/cmake/qc/qcConfigVersion.cmake lib/cmake/qc/qcSDKTargets.cmake \
         lib/cmake/qc/qcRuntimeTargets.cmake; do
  [[ -e "$P/$f" ]] || fail "not installed: $f"
done
# Nothing of the build or source tree leaks into the installed package.
if grep -rl -e "$BUILD" -e "$SRC" "$P/lib/cmake/qc"; then fail "build paths in the package"; fi

echo "== versions"
"$P/bin/qc" --version | tee "$WORK/version.txt"
grep -q '^qc (qc) [0-9]\+\.[0-9]\+\.[0-9]\+$' "$WORK/version.txt" || fail "qc --version"
grep -q 'built with LLVM and MLIR 19\.' "$WORK/version.txt" || fail "qc --version: LLVM"
for cmd in import run quantize export-onnx compile bench; do
  "$P/bin/qc" $cmd --version > "$WORK/v-$cmd.txt"
  cmp -s "$WORK/version.txt" "$WORK/v-$cmd.txt" || fail "qc $cmd --version differs"
done
# Output to a file, then grep: `cmd | grep -q` under pipefail fails when grep
# exits at its match before cmd has written the rest (SIGPIPE).
"$P/bin/qc-opt" --version > "$WORK/v-qc-opt.txt"
grep -q '^qc-opt (qc) ' "$WORK/v-qc-opt.txt" || fail "qc-opt --version"

echo "== quantize and compile MNIST with the installed qc"
M="$SRC/examples/mnist"
"$P/bin/qc" quantize "$M/mnist_cnn.onnx" --quantizer x86 --calib "$M/calib_images.npy" \
  --input-shape input=1,1,28,28 --quiet -o "$WORK/mnist.q.mlir"
"$P/bin/qc" compile "$WORK/mnist.q.mlir" --name mnist -o "$WORK/model"
[[ ! -e "$WORK/model/libqcrt.a" ]] || fail "runtime copied without --with-runtime"
"$P/bin/qc" compile "$WORK/mnist.q.mlir" --name mnist --with-runtime -o "$WORK/model-rt"
for f in libqcrt.a:lib/libqcrt.a qc_runtime.h:include/qc_runtime.h qc_model_abi.h:include/qc_model_abi.h; do
  cmp "$WORK/model-rt/${f%%:*}" "$P/${f#*:}" || fail "--with-runtime: ${f%%:*} is not the installed one"
done

echo "== examples/embed against find_package(qc) (qc::runtime)"
cmake -S "$SRC/examples/embed" -B "$WORK/embed" -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_BUILD_TYPE=Release -DQC_MODEL_DIR="$WORK/model" -DCMAKE_PREFIX_PATH="$P" \
  > "$WORK/embed-configure.log"
grep -q "qc runtime: qc::runtime of qc" "$WORK/embed-configure.log" || fail "embed did not use the package"
cmake --build "$WORK/embed" > "$WORK/embed-build.log"
"$WORK/embed/mnist_classify" "$M/test_images.npy" "$M/test_labels.npy" 1 "$WORK/logits-static.f32" \
  | tee "$WORK/embed.txt"
acc=$(sed -n 's/^accuracy: \([0-9.]*\)%.*/\1/p' "$WORK/embed.txt")
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$acc') >= 97.0 else 1)" || fail "accuracy $acc% < 97%"

echo "== the shared runtime (qc::runtime_shared, libqcrt.so)"
mkdir -p "$WORK/shared-src"
cat > "$WORK/shared-src/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(qc_shared_runtime C)
find_package(qc 0.1 REQUIRED COMPONENTS runtime)
add_executable(mnist_shared "$SRC/examples/embed/main.c" "$WORK/model/mnist.o")
target_include_directories(mnist_shared PRIVATE "$WORK/model")
target_link_libraries(mnist_shared PRIVATE qc::runtime_shared)
CMAKE
cmake -S "$WORK/shared-src" -B "$WORK/shared" -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_PREFIX_PATH="$P" > "$WORK/shared-configure.log"
cmake --build "$WORK/shared" > "$WORK/shared-build.log"
# The loader's choice, read from a file (`ldd | grep -q` under pipefail fails
# at random: grep exits at its match, ldd dies of SIGPIPE; seen in CI) and
# compared by real path (the prefix may be reached through a symlink).
ldd "$WORK/shared/mnist_shared" > "$WORK/shared-ldd.txt"
found=$(awk '$1 == "libqcrt.so.0" { print $3 }' "$WORK/shared-ldd.txt")
if [[ -z "$found" || "$(readlink -f "$found")" != "$(readlink -f "$P/lib/libqcrt.so.0")" ]]; then
  cat "$WORK/shared-ldd.txt" >&2
  readelf -d "$WORK/shared/mnist_shared" | grep -E 'NEEDED|RPATH|RUNPATH' >&2 || true
  fail "not linked with the installed libqcrt.so (the loader picks '${found:-nothing}')"
fi
"$WORK/shared/mnist_shared" "$M/test_images.npy" "$M/test_labels.npy" 1 "$WORK/logits-shared.f32" > "$WORK/shared.txt"
cmp "$WORK/logits-static.f32" "$WORK/logits-shared.f32" || fail "shared and static runtime disagree"

echo "== examples/quantizer-plugin against find_package(qc) (qc::quantizer_sdk)"
cmake -S "$SRC/examples/quantizer-plugin" -B "$WORK/plugin" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$P" > "$WORK/plugin-configure.log"
cmake --build "$WORK/plugin" > "$WORK/plugin-build.log"
"$P/bin/qc" import "$M/mnist_cnn.onnx" -o "$WORK/mnist.mlir"
"$P/bin/qc-opt" "$WORK/mnist.mlir" \
  --qc-annotate="quantizer=my_npu;xnnpack plugins=$WORK/plugin/libmy_npu_quantizer.so" \
  > "$WORK/annotated.mlir"
grep -q 'qc.annotated_by = "my_npu"' "$WORK/annotated.mlir" || fail "the plugin annotated nothing"
"$P/bin/qc" quantize "$M/mnist_cnn.onnx" --quantizer "my_npu;xnnpack" \
  --quantizer-plugin "$WORK/plugin/libmy_npu_quantizer.so" --calib "$M/calib_images.npy" \
  --input-shape input=1,1,28,28 --quiet -o "$WORK/mnist.npu.q.mlir"
grep -q 'qc.quantize' "$WORK/mnist.npu.q.mlir" || fail "qc quantize with the plugin"
echo "PASS"
