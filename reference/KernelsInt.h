//===- KernelsInt.h - reference integer kernels (qc.qconv2d, ...) -*- C++ -*-===//
//
// The reference semantics of the integer ops of QCIntOps.td, written
// literally: integer accumulation (int64, checked to fit int32, the
// accumulator width DESIGN.md fixes), then the requantize rule
//   q = clamp(round_half_to_even(float(acc) * multiplier[c]) + zeroPoint,
//             clampMin, clampMax)
// in f32 (rounding with std::nearbyint, ties to even).
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXECUTOR_KERNELSINT_H
#define QC_COMPILER_EXECUTOR_KERNELSINT_H

#include "reference/Kernels.h"
#include "support/Shapes.h"

#include <vector>

namespace qc::ref {

/// The requantize epilogue: one multiplier (per tensor) or one per output
/// channel; the result range [clampMin, clampMax] (includes the activation).
struct Requantize {
  std::vector<float> multipliers;
  int64_t zeroPoint = 0;
  int64_t clampMin = 0;
  int64_t clampMax = 255;
};

/// NCHW x (values of the input dtype) minus xZeroPoint (padding is the zero
/// point, i.e. real zero) convolved with OIHW int8 w, plus optional int32
/// bias [O], requantized per output channel.
absl::StatusOr<QTensor> qconv2d(const QTensor &x, int64_t xZeroPoint,
                                const QTensor &w, const QTensor *bias,
                                const Conv2dAttrs &attrs,
                                const Requantize &epilogue);

/// x [..., K] minus xZeroPoint times w [N, K]^T plus optional bias [N],
/// requantized per output feature.
absl::StatusOr<QTensor> qlinear(const QTensor &x, int64_t xZeroPoint,
                                const QTensor &w, const QTensor *bias,
                                const Requantize &epilogue);

/// a, b of the same shape: v = float(a - aZp) * ma + float(b - bZp) * mb
/// (f32, two products then a sum), then round half to even, + zeroPoint,
/// clamp. `epilogue.multipliers` is unused.
absl::StatusOr<QTensor> qadd(const QTensor &a, int64_t aZeroPoint, float ma,
                             const QTensor &b, int64_t bZeroPoint, float mb,
                             const Requantize &epilogue);

/// Max pooling of integer values, exactly as the float maxPool2d (same
/// window and padding rules): the values are converted to f32 and back,
/// which is exact for every 8- and 16-bit value.
/// `storageMin` is the result for a window that covers no input.
absl::StatusOr<QTensor> qmaxPool2d(const QTensor &x, const Pool2dAttrs &attrs,
                                   int32_t storageMin);

/// a, b broadcast as numpy's: p = (a - aZp) * (b - bZp) (int32), then
/// round_half_to_even(float(p) * m) + zeroPoint, clamp (qc.qmul).
/// `epilogue.multipliers` is unused.
absl::StatusOr<QTensor> qmul(const QTensor &a, int64_t aZeroPoint,
                             const QTensor &b, int64_t bZeroPoint, float m,
                             const Requantize &epilogue);

/// max(a, b) (isMax) or min(a, b) per element, a and b broadcast as
/// numpy's (qc.qmax / qc.qmin: both in the result's qparams).
absl::StatusOr<QTensor> qextreme(const QTensor &a, const QTensor &b,
                                 bool isMax);

/// a [..., M, K] minus aZeroPoint times b [..., K, N] (same batch
/// dimensions; b symmetric, zero point 0) in int32 per batch index, then
/// round_half_to_even(float(acc) * m) + zeroPoint, clamp (qc.qmatmul).
/// `epilogue.multipliers` is unused.
absl::StatusOr<QTensor> qmatmul(const QTensor &a, int64_t aZeroPoint,
                                const QTensor &b, float m,
                                const Requantize &epilogue);

/// round_half_to_even(float(x - xZeroPoint) * m) + zeroPoint, clamp
/// (qc.qrequantize). `epilogue.multipliers` is unused.
absl::StatusOr<QTensor> qrequantize(const QTensor &x, int64_t xZeroPoint,
                                    float m, const Requantize &epilogue);

/// y = table[x - inputMin] (qc.qlut): 256 entries, one per 8-bit input
/// value; an input outside [inputMin, inputMin + 255] is an error.
absl::StatusOr<QTensor> qlut(const QTensor &x, int64_t inputMin,
                             const std::vector<int32_t> &table);

/// Average pooling of integer values (qc.qavg_pool2d): per window
/// sum = sum (x - xZeroPoint) over the input elements in it (int32; padding
/// adds nothing) and count = the float avgPool2d's divisor, then
/// clamp(round_half_to_even(float(sum) * m) + zeroPoint, clampMin, clampMax)
/// with m = avgPoolMultiplier(inputScale, outputScale, count).
/// `epilogue.multipliers` is unused.
absl::StatusOr<QTensor> qavgPool2d(const QTensor &x, int64_t xZeroPoint,
                                   float inputScale, const Pool2dAttrs &attrs,
                                   bool countIncludePad, float outputScale,
                                   const Requantize &epilogue);

/// m = inputScale / (outputScale * float(count)) in f32: the product, then
/// the quotient (QCIntOps.td, qc.qavg_pool2d).
float avgPoolMultiplier(float inputScale, float outputScale, int64_t count);

/// qc.dynamic_qlinear (QCIntOps.td): the float x [..., K] quantized with
/// qparams chosen at run time (chooseQuantizationParams over the whole
/// tensor, or over each row of K values when \p perToken), multiplied by
/// the symmetric int8 w [N, K] in int32 as
///   acc = sum_k q[m, k] * w[n, k] - z_m * sum_k w[n, k],
/// then y = float(acc) * (s_m * weightScales[n]) + bias[n] in f32 (two
/// roundings). \p chosen (optional) receives each row's (or the one)
/// qparams. Errors: NaN or infinite input elements (naming the first),
/// shapes, weight scales.
absl::StatusOr<Tensor> dynamicQLinear(const Tensor &x, const QTensor &w,
                                      const std::vector<float> &weightScales,
                                      const Tensor *bias, QuantRange range,
                                      bool perToken,
                                      std::vector<DynamicQParams> *chosen =
                                          nullptr);

/// qc.qresize (QCIntOps.td): nearest copies x[src] requantized by m =
/// input_scale / output_scale; linear sums the four taps with the
/// fixed-point weights (resizeFixedWeights) in int32 and requantizes with
/// m * 2^-22. \p outShape and \p scales as for resize(). `multipliers` of
/// \p epilogue is unused.
absl::StatusOr<QTensor> qresize(const QTensor &x, int64_t xZeroPoint,
                                const Shape &outShape,
                                const ResizeAttrs &attrs,
                                const std::vector<float> &scales, float m,
                                const Requantize &epilogue);

/// qc.qconv_transpose2d: NCHW x minus xZeroPoint, weights [C_in, C_out /
/// groups, kh, kw] int8, optional int32 bias [C_out]; the int32 sum of
/// convTranspose2d, requantized per output channel.
absl::StatusOr<QTensor> qconvTranspose2d(const QTensor &x, int64_t xZeroPoint,
                                         const QTensor &w, const QTensor *bias,
                                         const ConvTranspose2dAttrs &attrs,
                                         const Requantize &epilogue);

} // namespace qc::ref

#endif // QC_COMPILER_EXECUTOR_KERNELSINT_H
