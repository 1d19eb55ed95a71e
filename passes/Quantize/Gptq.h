//===- Gptq.h - GPTQ weight rounding with the inputs' Hessian ---*- C++ -*-===//
//
// The arithmetic of qc-weight-only's method=gptq (Frantar et al. 2023,
// "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
// Transformers"): the Hessian H = X^T X / n of a layer's inputs X (n rows of
// K features, measured on the calibration data) and the column-by-column
// quantization of a weight [rows, K] that feeds each column's rounding error
// forward to the columns not yet quantized through the upper Cholesky factor
// of H^-1. No MLIR here: WeightOnly.cpp measures X and writes the constants.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_GPTQ_H
#define QC_PASSES_QUANTIZE_GPTQ_H

#include "quantizers/observers/QParams.h"

#include "absl/status/statusor.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mlir::qc {

/// The sum of x x^T over the rows x of a layer's input (K features each).
class HessianAccumulator {
public:
  explicit HessianAccumulator(int64_t k) : k(k), sum(k * k, 0.0) {}
  /// Adds `rows` rows of K values (row-major).
  void add(const float *values, int64_t rows);
  int64_t features() const { return k; }
  int64_t rows() const { return count; }
  /// H = sum / rows, [K, K] row-major (all zeros without rows).
  std::vector<double> hessian() const;

private:
  int64_t k;
  std::vector<double> sum; // upper triangle filled while adding
  int64_t count = 0;
};

struct GptqOptions {
  /// Input channels per group of qparams (K: one group per row).
  int64_t groupSize;
  /// Dampening: damp * mean(diag H) is added to H's diagonal.
  double damp = 0.01;
  /// Quantize the columns in order of decreasing H[j, j] ("act order"); the
  /// group qparams are then chosen from the weights before any update
  /// (static groups), so the groups stay K-contiguous for the dequantize.
  bool actOrder = false;
};

/// The qparams of one group of (current) weight values.
using ChooseQParams =
    std::function<absl::StatusOr<::qc::QParams>(const std::vector<float> &)>;
/// One value's quantized integer under `qp` (DESIGN.md's quantize).
using QuantizeValue = std::function<int32_t(float, const ::qc::QParams &)>;

struct GptqResult {
  /// [rows, K] integers.
  std::vector<int32_t> q;
  /// [rows, groups] qparams.
  std::vector<::qc::QParams> qparams;
  /// The dampening factor used (damp, or 10x / 100x it when H was not
  /// positive definite).
  double damp = 0;
};

/// GPTQ of the weight `w` [rows, K] (row = output channel, row-major) with
/// the Hessian `h` [K, K]. Columns whose H[j, j] is 0 (an input never seen
/// non-zero) are quantized as they are. Fails when H + damping has no
/// Cholesky factor even at 100x the dampening.
absl::StatusOr<GptqResult> gptq(std::vector<double> w, int64_t rows, int64_t k,
                                std::vector<double> h,
                                const GptqOptions &options,
                                const ChooseQParams &choose,
                                const QuantizeValue &quantize);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_GPTQ_H
