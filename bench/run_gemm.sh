#!/usr/bin/env bash
# Builds qc-gemm-bench (bench/gemm) and runs it once per x86 variant, each
# time with oneDNN (the peer, when libdnnl.so.2 is installed) limited to the
# same instruction set. Extra arguments go to qc-gemm-bench
# (--min-ms=N --reps=N --no-peer). Build dir: $QC_BUILD_DIR or build/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QC_BUILD_DIR:-$ROOT/build}"

if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld
fi
cmake --build "$BUILD" --target qc-gemm-bench -j "${QC_JOBS:-2}"

for variant in "x86-64-avx512vnni AVX512_CORE_VNNI" "x86-64-avxvnni AVX2_VNNI" \
               "x86-64-avx2 AVX2"; do
  read -r target dnnl_isa <<<"$variant"
  DNNL_MAX_CPU_ISA="$dnnl_isa" OMP_NUM_THREADS=1 \
    "$BUILD/bin/qc-gemm-bench" --isa="$target" "$@"
done
