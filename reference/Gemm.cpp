//===- Gemm.cpp - Run-time selection of the float GEMM build --------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/Gemm.h"

namespace qc::ref::detail {

namespace {

bool useAvx2() {
#if defined(QC_GEMM_HAVE_AVX2)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

} // namespace

void sgemm(int64_t m, int64_t n, int64_t k, MatrixView a, MatrixView b,
           float *c, int64_t ldc, bool accumulate) {
#if defined(QC_GEMM_HAVE_AVX2)
  if (useAvx2())
    return avx2::sgemm(m, n, k, a, b, c, ldc, accumulate);
#endif
  generic::sgemm(m, n, k, a, b, c, ldc, accumulate);
}

const char *sgemmVariantName() { return useAvx2() ? "avx2" : "generic"; }

} // namespace qc::ref::detail
