#!/usr/bin/env bash
# Configures (once) and builds qc into build/ (override with QC_BUILD_DIR).
#
# QC_SANITIZE=address,undefined (any -fsanitize list) builds the whole project
# instrumented into its own tree, build-asan/ (build-sanitize/ for a list
# without address); see docs/robustness.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${QC_JOBS:-$(nproc)}"
SANITIZE="${QC_SANITIZE:-}"
if [[ -n "$SANITIZE" ]]; then
  [[ "$SANITIZE" =~ ^[a-z,-]+$ ]] || { echo "build.sh: QC_SANITIZE='$SANITIZE' is not a list of sanitizers (e.g. address,undefined)" >&2; exit 2; }
  if [[ ",$SANITIZE," == *,address,* ]]; then default=build-asan; else default=build-sanitize; fi
  BUILD="${QC_BUILD_DIR:-$ROOT/$default}"
else
  BUILD="${QC_BUILD_DIR:-$ROOT/build}"
fi

# ccache, where installed, lets several work trees share compiled objects
# (CCACHE_BASEDIR makes their paths relative).
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$ROOT")}"
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" "${LAUNCHER[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DQC_SANITIZE="$SANITIZE" \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld
fi
cmake --build "$BUILD" -j "$JOBS"
