//===- GemmCases.h - Edge-shape cases for the GEMM kernel tests -*- C++ -*-===//
//
// The shapes, zero points, clamps and data the generated kernels are checked
// on, for x86 (GemmKernelTest.cpp, native) and AArch64 (qc-gemm-casegen
// writes them to files the qemu-run harness reads). Deterministic: the same
// cases and bytes on every machine.
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_UNIT_CODEGEN_GEMMCASES_H
#define QC_TEST_UNIT_CODEGEN_GEMMCASES_H

#include "passes/Codegen/GemmLayout.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qc::codegen::test {

/// How the operands are filled.
enum class DataKind {
  /// Uniform random bytes, bias and per-channel multipliers.
  Random,
  /// Activations and weights at the extremes of their ranges (largest
  /// accumulators, both signs).
  Extremes,
  /// Multipliers 0.5 / 0.25 so many products land exactly on .5 ties.
  Ties,
  /// Random operands, multipliers so large that most outputs saturate far
  /// beyond 16 bits, yet |acc * m| < 2^30 for any activations (the bound of
  /// the integer-clamp kernels, PackedGemmWeights::integerClampExact).
  Saturating,
  /// Multipliers ~10^6: float(acc) * m leaves int32's range, so only the
  /// float clamp is exact (integerClampExact is false).
  Overflowing,
};

struct GemmCase {
  std::string name;
  int64_t m = 1, n = 1, k = 1;
  /// Row strides; equal to k / n unless the case tests padding between rows.
  int64_t lda = 1, ldc = 1;
  int32_t zpA = 0, zpOut = 0;
  int32_t qmin = 0, qmax = 255;
  bool perChannel = true;
  bool hasBias = true;
  DataKind data = DataKind::Random;
  uint64_t seed = 1;
};

/// Operands of one case, unpacked.
struct GemmCaseData {
  std::vector<uint8_t> a;         // m * lda bytes (u8 or s8 bit patterns)
  std::vector<int8_t> weights;    // n * k, one row per output column
  std::vector<int32_t> bias;      // n (empty when the case has none)
  std::vector<float> multipliers; // n, or 1 per tensor
};

/// Every case, for activations of \p aType and outputs of \p cType (zero
/// points and clamps are drawn from those types' ranges, limits included).
std::vector<GemmCase> makeGemmCases(QType aType, QType cType);

/// The case's operands.
GemmCaseData makeGemmCaseData(const GemmCase &gemmCase, QType aType);

/// The reference output (m * ldc bytes; bytes between rows hold the canary).
std::vector<uint8_t> referenceOutput(const GemmCase &gemmCase,
                                     const GemmCaseData &data, QType aType,
                                     QType cType);

} // namespace qc::codegen::test

#endif // QC_TEST_UNIT_CODEGEN_GEMMCASES_H
