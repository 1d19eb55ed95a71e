#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every
# test (GoogleTest unit tests, lit/FileCheck tests, end-to-end tests against
# ONNX Runtime, the fuzz targets' smoke runs and reproducers) through ctest.
# Extra arguments go to ctest (e.g. -L fuzz, -R lit).
#
# QC_SANITIZE=address,undefined ./scripts/test.sh builds everything with those
# sanitizers into build-asan/ (see scripts/build.sh) and runs the suite there:
# any sanitizer report fails its test (docs/robustness.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${QC_SANITIZE:-}" ]]; then
  if [[ ",$QC_SANITIZE," == *,address,* ]]; then default=build-asan; else default=build-sanitize; fi
  BUILD="${QC_BUILD_DIR:-$ROOT/$default}"
else
  BUILD="${QC_BUILD_DIR:-$ROOT/build}"
fi

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"

if [[ -n "${QC_SANITIZE:-}" ]]; then
  # Every report stops the process with a non-zero exit and a symbolized
  # stack. Leaks are checked (LSan, part of ASan); the few that LLVM/MLIR's
  # process-lifetime singletons make are suppressed by name in lsan.supp.
  # Only qc's own binaries carry the runtime: Python and node (ONNX Runtime,
  # PyTorch) run as usual, nothing is LD_PRELOADed.
  # allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs when
  # the code inlining it is instrumented (qc's) and does not unpoison them
  # when it is not (libMLIR's), so MLIR writing into a slab qc's code started
  # is a false use-after-poison (seen in qc quantize's qc-annotate).
  # Reports also go to files in $BUILD/sanitizer-reports (one per process),
  # so that one hidden behind a test that expects a failing exit (`not qc
  # ...`) is still seen: any file there fails the run.
  REPORTS="$BUILD/sanitizer-reports"
  rm -rf "$REPORTS" && mkdir -p "$REPORTS"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:detect_odr_violation=0:check_initialization_order=1:allow_user_poisoning=0:log_path=$REPORTS/asan}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:report_error_type=1:log_path=$REPORTS/ubsan}"
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0}"
  for s in llvm-symbolizer-19 llvm-symbolizer; do
    if command -v "$s" >/dev/null 2>&1; then export ASAN_SYMBOLIZER_PATH="$(command -v "$s")"; break; fi
  done
  # C programs the tests build against the instrumented libqcrt.a (the embed
  # example) link the same sanitizer runtime.
  export CC=clang-19 CXX=clang++-19
  export CFLAGS="-fsanitize=$QC_SANITIZE" CXXFLAGS="-fsanitize=$QC_SANITIZE" LDFLAGS="-fsanitize=$QC_SANITIZE"
fi

cd "$BUILD"
rc=0
ctest --output-on-failure -j "${QC_JOBS:-$(nproc)}" "$@" || rc=$?
if [[ -n "${QC_SANITIZE:-}" ]] && compgen -G "$REPORTS/*" >/dev/null; then
  echo "test.sh: sanitizer reports (also from tests that passed):" >&2
  for f in "$REPORTS"/*; do echo "== $f" >&2; head -40 "$f" >&2; done
  rc=1
fi
exit "$rc"
