//===- GemmAvx2.cpp - AVX2 build of the float GEMM ------------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// Compiled with -mavx2 only (no -mfma, and -ffp-contract=off) so that it
// returns exactly what the generic build returns: 8-float vectors, a 6 x 16
// register tile. Called only after a run-time CPU check.
//
//===----------------------------------------------------------------------===//

#if !defined(__AVX2__)
#error "GemmAvx2.cpp must be compiled with -mavx2"
#endif
#if defined(__FMA__)
#error "GemmAvx2.cpp must not be compiled with -mfma (results must not depend on the ISA)"
#endif

#define QC_GEMM_NAMESPACE avx2
#define QC_GEMM_VECTOR_FLOATS 8
#define QC_GEMM_MR 6
#define QC_GEMM_NRV 2
#include "reference/GemmImpl.inc"
