#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every
# test (GoogleTest unit tests, lit/FileCheck tests, end-to-end tests against
# ONNX Runtime) through ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QC_BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
cd "$BUILD"
ctest --output-on-failure -j "${QC_JOBS:-$(nproc)}" "$@"
