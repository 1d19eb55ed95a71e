#!/usr/bin/env bash
# deb.sh BUILD SRC WORK: cpack -G DEB, then check the package without root:
#   its control file (name, version, Depends) and that every shared library
#   the unpacked tools name (DT_NEEDED) belongs to a package it depends on (or to libc6 /
#   its own files), and that every dependency is installed here;
#   unpack it (dpkg-deb -x) into WORK/root and, with WORK/root/usr/bin/qc:
#   --version, quantize + compile MNIST (the runtime found at
#   WORK/root/usr/lib), build the C example with the unpacked headers and
#   libqcrt.a and classify the 1,000 test digits (>= 97 %).
set -euo pipefail
BUILD=$1 SRC=$2 WORK=$3
CC=${QC_CC:-cc}
rm -rf "$WORK" && mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== cpack -G DEB"
(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/pkg" > "$WORK/cpack.log") ||
  { cat "$WORK/cpack.log"; fail "cpack"; }
deb=$(ls "$WORK"/pkg/qc_*.deb)
echo "$deb"
dpkg-deb -I "$deb" | tee "$WORK/control.txt"
[[ $(dpkg-deb -f "$deb" Package) == qc ]] || fail "package name"
version=$(dpkg-deb -f "$deb" Version)
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n "$depends" ]] || fail "no Depends"
dpkg-deb -c "$deb" > "$WORK/contents.txt"
for f in ./usr/bin/qc ./usr/bin/qc-opt ./usr/lib/libqcrt.a ./usr/lib/libqcrt.so \
         ./usr/include/qc_runtime.h ./usr/include/qc/Quantizer.h ./usr/lib/cmake/qc/qcConfig.cmake; do
  grep -q " $f\( \|$\)" "$WORK/contents.txt" || fail "not in the package: $f"
done

echo "== unpack"
dpkg-deb -x "$deb" "$WORK/root"
R="$WORK/root/usr"
"$R/bin/qc" --version | tee "$WORK/version.txt"
grep -q "^qc (qc) $version\$" "$WORK/version.txt" || fail "qc --version is not the package's $version"

echo "== dependencies"
# The package names in Depends (without versions and alternatives).
declared=$(echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | sort -u)
for pkg in $declared; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    fail "dependency $pkg is not an installed Debian package here"
done
for tool in qc qc-opt qc-kernelgen; do
  ldd "$R/bin/$tool" > "$WORK/ldd-$tool.txt"
  ! grep -q "not found" "$WORK/ldd-$tool.txt" || { cat "$WORK/ldd-$tool.txt"; fail "$tool: a library is missing"; }
  # Each library the tool itself names (DT_NEEDED; what those load in turn
  # is their packages' business), resolved as the loader does.
  for needed in $(objdump -p "$R/bin/$tool" | awk '$1 == "NEEDED" {print $2}'); do
    lib=$(awk -v n="$needed" '$1 == n && $2 == "=>" {print $3}' "$WORK/ldd-$tool.txt")
    # The dynamic loader is listed by its path alone.
    [[ -n "$lib" ]] || lib=$(awk -v n="/$needed" 'substr($1, length($1) - length(n) + 1) == n {print $1}' "$WORK/ldd-$tool.txt")
    [[ -n "$lib" ]] || fail "$tool: $needed not resolved"
    real=$(readlink -f "$lib")
    owner=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true)
    owner=${owner%%:*}
    [[ -n "$owner" ]] || fail "$tool loads $lib, which no Debian package owns"
    echo "$declared" | grep -qx "$owner" || fail "$tool loads $lib of package $owner, which Depends does not name"
  done
done

echo "== MNIST with the unpacked qc"
M="$SRC/examples/mnist"
"$R/bin/qc" quantize "$M/mnist_cnn.onnx" --quantizer xnnpack --calib "$M/calib_images.npy" \
  --input-shape input=1,1,28,28 --quiet -o "$WORK/mnist.q.mlir"
"$R/bin/qc" compile "$WORK/mnist.q.mlir" --name mnist --with-runtime -o "$WORK/model"
cmp "$WORK/model/libqcrt.a" "$R/lib/libqcrt.a" || fail "--with-runtime did not take the unpacked runtime"
# CFLAGS / LDFLAGS: a sanitizer build's libqcrt.a needs its runtime at link
# time (scripts/test.sh exports -fsanitize=... there).
# shellcheck disable=SC2086
"$CC" -std=c11 -O2 ${CFLAGS:-} -I"$WORK/model" "$SRC/examples/embed/main.c" "$WORK/model/mnist.o" \
  "$WORK/model/libqcrt.a" -lpthread ${LDFLAGS:-} -o "$WORK/mnist_classify"
"$WORK/mnist_classify" "$M/test_images.npy" "$M/test_labels.npy" 1 | tee "$WORK/result.txt"
acc=$(sed -n 's/^accuracy: \([0-9.]*\)%.*/\1/p' "$WORK/result.txt")
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$acc') >= 97.0 else 1)" || fail "accuracy $acc% < 97%"
echo "PASS"
