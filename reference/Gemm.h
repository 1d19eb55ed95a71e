//===- Gemm.h - Float GEMM used by the reference kernels --------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The single-precision GEMM behind conv2d, convTranspose2d, matmul and gemm.
/// It is cache-blocked (BLIS-style packing of A and B panels) around a
/// register-tiled micro-kernel written with GCC vector extensions. A portable
/// build is always present; on x86-64 an AVX2 build of the same source is
/// picked at run time when the CPU has it.
///
/// Determinism: every C element is accumulated in increasing k order, one
/// product at a time, without fused multiply-add (the kernels are compiled
/// with -ffp-contract=off). The result therefore does not depend on the
/// blocking, the tile sizes or the instruction set: all builds return
/// bit-identical results on every machine.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_EXECUTOR_GEMM_H
#define QC_COMPILER_EXECUTOR_GEMM_H

#include <cstdint>

namespace qc::ref::detail {

/// A strided read-only matrix view: element (i, j) is at
/// data[i * rowStride + j * colStride].
struct MatrixView {
  const float *data;
  int64_t rowStride;
  int64_t colStride;
};

/// C (m x n, row stride ldc, unit column stride) = A (m x k) * B (k x n),
/// or C += A * B when \p accumulate is set. With k == 0 and !accumulate, C is
/// zero-filled.
void sgemm(int64_t m, int64_t n, int64_t k, MatrixView a, MatrixView b,
           float *c, int64_t ldc, bool accumulate);

/// Name of the GEMM build selected for this CPU ("avx2" or "generic").
const char *sgemmVariantName();

namespace generic {
void sgemm(int64_t m, int64_t n, int64_t k, MatrixView a, MatrixView b,
           float *c, int64_t ldc, bool accumulate);
} // namespace generic

namespace avx2 {
/// Only defined on x86-64; call only when the CPU supports AVX2.
void sgemm(int64_t m, int64_t n, int64_t k, MatrixView a, MatrixView b,
           float *c, int64_t ldc, bool accumulate);
} // namespace avx2

} // namespace qc::ref::detail

#endif // QC_COMPILER_EXECUTOR_GEMM_H
