//===- GemmGeneric.cpp - Portable build of the float GEMM -----------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// Compiled with the baseline flags of the target (SSE2 on x86-64, NEON on
// AArch64): 4-float vectors, a 6 x 8 register tile.
//
//===----------------------------------------------------------------------===//

#define QC_GEMM_NAMESPACE generic
#define QC_GEMM_VECTOR_FLOATS 4
#define QC_GEMM_MR 6
#define QC_GEMM_NRV 2
#include "reference/GemmImpl.inc"
