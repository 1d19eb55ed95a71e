//===- Kernels.h - Reference float and quantization kernels -----*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The reference kernels behind qc's executor (`qc run`, calibration) and the
/// oracle that generated code is tested against. Semantics are ONNX's; layout
/// is NCHW; tensors are row-major `xt::xarray<float>` (quantized values are
/// `xt::xarray<int32_t>`, wide enough for every supported integer range).
///
/// Kernels whose inputs can be inconsistent (shapes, attributes) return
/// absl::StatusOr with an InvalidArgument message naming the kernel and the
/// offending value; purely elementwise unary kernels cannot fail and return
/// the tensor directly. Nothing here throws or asserts on user data.
///
/// Memory: a kernel that returns a status checks every result and workspace
/// with reserveMemory (MemoryLimit.h) before allocating it: ResourceExhausted
/// when the caller's ScopedMemoryLimit leaves no room, InvalidArgument when a
/// size overflows. (The executor checks the results of the elementwise
/// kernels that cannot fail before calling them.)
///
/// Floating-point behaviour: kernels are compiled with -ffp-contract=off, and
/// the GEMM behind conv2d / convTranspose2d / matmul / gemm accumulates every
/// output in a fixed order (see Gemm.h), so results are bit-identical across
/// machines and instruction sets. Conv and matmul accumulate in float32, as
/// PyTorch and ONNX Runtime do; reductions (softmax, layerNorm, reduceMean,
/// pools' averages) accumulate in double.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_EXECUTOR_KERNELS_H
#define QC_COMPILER_EXECUTOR_KERNELS_H

#include "support/Shapes.h"

#include "absl/status/statusor.h"

#include <xtensor/xarray.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <string_view>
#include <vector>

namespace qc::ref {

using Tensor = xt::xarray<float>;
/// Quantized values (u8, s8, s16 or s32 range) held as int32.
using QTensor = xt::xarray<int32_t>;

/// The shape of \p t as int64 dimensions.
Shape shapeOf(const Tensor &t);
Shape shapeOf(const QTensor &t);

/// A zero-filled tensor of \p shape (dimensions must be non-negative).
Tensor zeros(const Shape &shape);

//===----------------------------------------------------------------------===//
// Convolution and matrix products
//===----------------------------------------------------------------------===//

/// ONNX Conv, 2-D: x (N, C, H, W), w (C_out, C / groups, kH, kW), optional
/// bias (C_out) (nullptr for none). Depthwise convolutions (one input
/// channel per group) take a direct fast path; everything else is im2col +
/// the blocked GEMM.
absl::StatusOr<Tensor> conv2d(const Tensor &x, const Tensor &w,
                              const Tensor *bias, const Conv2dAttrs &attrs);

/// ONNX ConvTranspose, 2-D: x (N, C, H, W), w (C, C_out / groups, kH, kW),
/// optional bias (C_out). Explicit pads only (an importer resolves auto_pad
/// and output_shape into pads and outputPadding).
absl::StatusOr<Tensor> convTranspose2d(const Tensor &x, const Tensor &w,
                                       const Tensor *bias,
                                       const ConvTranspose2dAttrs &attrs);

/// ONNX MatMul (numpy matmul): batch dimensions broadcast, 1-D operands are
/// promoted to a row (first) or column (second) vector and the promoted
/// dimension is removed from the result.
absl::StatusOr<Tensor> matmul(const Tensor &a, const Tensor &b);

/// ONNX Gemm: alpha * A' * B' + beta * C with A' = transA ? A^T : A (and B'
/// likewise); \p c (optional, nullptr for none) broadcasts unidirectionally
/// to (M, N).
absl::StatusOr<Tensor> gemm(const Tensor &a, const Tensor &b, const Tensor *c,
                            float alpha = 1.0f, float beta = 1.0f,
                            bool transA = false, bool transB = false);

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// ONNX BatchNormalization in inference mode: x (N, C, ...) and 1-D
/// per-channel scale, bias, mean, var:
/// y = (x - mean) / sqrt(var + epsilon) * scale + bias.
absl::StatusOr<Tensor> batchNorm(const Tensor &x, const Tensor &scale,
                                 const Tensor &bias, const Tensor &mean,
                                 const Tensor &var, float epsilon = 1e-5f);

/// ONNX LayerNormalization: normalizes over dimensions [axis, rank) (axis may
/// be negative); scale and optional bias broadcast unidirectionally to
/// x.shape[axis:].
absl::StatusOr<Tensor> layerNorm(const Tensor &x, const Tensor &scale,
                                 const Tensor *bias, int64_t axis = -1,
                                 float epsilon = 1e-5f);

/// ONNX Softmax (opset 13): along one axis (may be negative), computed as
/// exp(x - max) / sum so that large inputs do not overflow: e[j] =
/// softmaxExp(double(x[j]) - max), summed in double in 8 partial sums
/// (support/SoftmaxExp.h: e[j] goes to sum j mod 8, in j order; then
/// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))), out[j] =
/// float(e[j] / sum). The
/// order is fixed so that compiled code computes the same with vectors of 8
/// doubles (FloatNormalize.cpp, emitSoftmax), bit for bit, on every target.
absl::StatusOr<Tensor> softmax(const Tensor &x, int64_t axis = -1);
/// exp(x) in double from +, -, * and exact power-of-two scaling only, so
/// that compiled vector code reproduces it bit for bit (the C library's exp
/// differs between machines and has no vector form): qc::math::exp
/// (support/Math.h, which documents the sequence). Within 2 ulp of exp on
/// [-745, 709] (test/unit/reference/ElementwiseTest.cpp), 0 at -inf, +inf
/// above 709.8.
double softmaxExp(double x);
/// Activations with parameters (ONNX LeakyRelu, ThresholdedRelu, Elu, Celu,
/// Selu); NaN propagates.
Tensor leakyRelu(const Tensor &x, float alpha);
Tensor thresholdedRelu(const Tensor &x, float alpha);
Tensor elu(const Tensor &x, float alpha);
Tensor celu(const Tensor &x, float alpha);
Tensor selu(const Tensor &x, float alpha, float gamma);
/// ONNX PRelu: x if x >= 0 else slope * x (slope broadcasts).
absl::StatusOr<Tensor> prelu(const Tensor &x, const Tensor &slope);
/// ONNX LogSoftmax (opset 13) along one axis: x - max - log(sum(exp(x - max)))
/// in double.
absl::StatusOr<Tensor> logSoftmax(const Tensor &x, int64_t axis = -1);

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// NaN: every activation propagates NaN as ONNX Runtime and PyTorch do
// (relu, clamp, hardswish, hardsigmoid, sigmoid, tanh, gelu, erf, sqrt;
// softmax makes its whole row NaN; maxPool2d's window too, as PyTorch,
// where ONNX Runtime skips a NaN that is not first in its window).

/// max(x, 0) with std::max's order: relu(NaN) = NaN, relu(-0) = -0.
Tensor relu(const Tensor &x);
/// min(max(x, lo), hi), as ONNX Clip (so lo > hi gives hi everywhere).
Tensor clamp(const Tensor &x, float lo, float hi);
/// ONNX HardSwish: x * max(0, min(1, x / 6 + 0.5)).
Tensor hardswish(const Tensor &x);
/// ONNX HardSigmoid: max(0, min(1, alpha * x + beta)); NaN when that is.
Tensor hardsigmoid(const Tensor &x, float alpha = 0.2f, float beta = 0.5f);
/// qc's own float transcendentals (support/Math.h): the float widened to
/// double, one fixed sequence of double operations, rounded once to float;
/// compiled code runs the same sequence on vectors (FloatElementwise.cpp), so
/// the two agree bit for bit. At most 1 ulp from the correctly rounded
/// value; NaN propagates. expF32 is exp, 0 below -103.98 (after subnormals),
/// +inf above 88.72; logF32(+-0) = -inf, logF32(x < 0) = NaN (the positive
/// quiet NaN), logF32(+inf) = +inf; erfF32(+-0) = +-0, erfF32(+-inf) = +-1;
/// tanhF32 the same; sigmoidF32(-inf) = 0, sigmoidF32(+inf) = 1.
float expF32(float x);
float logF32(float x);
float erfF32(float x);
float tanhF32(float x);
float sigmoidF32(float x);
/// sigmoidF32, tanhF32, erfF32 per element.
Tensor sigmoid(const Tensor &x);
Tensor tanh(const Tensor &x);
Tensor erf(const Tensor &x);
Tensor sqrt(const Tensor &x);
/// Math functions of ONNX (float32; NaN propagates). exp and log are
/// expF32 / logF32 (compiled code computes the same bits), the others
/// std:: functions, round is round half to even (std::nearbyint).
Tensor abs(const Tensor &x);
Tensor neg(const Tensor &x);
Tensor exp(const Tensor &x);
Tensor log(const Tensor &x);
Tensor reciprocal(const Tensor &x);
Tensor floor(const Tensor &x);
Tensor ceil(const Tensor &x);
Tensor round(const Tensor &x);
Tensor sign(const Tensor &x);
Tensor sin(const Tensor &x);
Tensor cos(const Tensor &x);
Tensor tan(const Tensor &x);
Tensor asin(const Tensor &x);
Tensor acos(const Tensor &x);
Tensor atan(const Tensor &x);
Tensor sinh(const Tensor &x);
Tensor cosh(const Tensor &x);
Tensor asinh(const Tensor &x);
Tensor acosh(const Tensor &x);
Tensor atanh(const Tensor &x);
Tensor softplus(const Tensor &x);
Tensor softsign(const Tensor &x);

enum class GeluApproximation { None, Tanh };
/// ONNX Gelu: 0.5 x (1 + erf(x / sqrt(2))) or, with Tanh,
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), in float with
/// erfF32 / tanhF32: (0.5f * x) * (1.0f + erfF32(x * 0.70710677f)) and
/// (0.5f * x) * (1.0f + tanhF32(0.7978846f * (x + ((0.044715f * x) * x) *
/// x))).
Tensor gelu(const Tensor &x,
            GeluApproximation approximation = GeluApproximation::None);

/// Binary ops with numpy (multidirectional) broadcasting.
absl::StatusOr<Tensor> add(const Tensor &a, const Tensor &b);
absl::StatusOr<Tensor> sub(const Tensor &a, const Tensor &b);
absl::StatusOr<Tensor> mul(const Tensor &a, const Tensor &b);
absl::StatusOr<Tensor> div(const Tensor &a, const Tensor &b);
/// pow: powElement per element.
absl::StatusOr<Tensor> pow(const Tensor &a, const Tensor &b);
/// x^y: exponent 2 is x * x, 3 is (x * x) * x, 1 is x, 0.5 is sqrt(x) (with
/// pow's +0 for -0 and +inf for -inf), as ONNX Runtime and PyTorch compute
/// them; any other exponent the C library's powf.
float powElement(float x, float y);
/// ONNX Max / Min of two inputs (numpy maximum / minimum: NaN wins).
absl::StatusOr<Tensor> max(const Tensor &a, const Tensor &b);
absl::StatusOr<Tensor> min(const Tensor &a, const Tensor &b);

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

/// ONNX MaxPool, 2-D NCHW. Padding never wins the max.
absl::StatusOr<Tensor> maxPool2d(const Tensor &x, const Pool2dAttrs &attrs);

/// ONNX AveragePool, 2-D NCHW (dilations must be 1). With countIncludePad
/// the divisor counts padding but, as in PyTorch and ONNX Runtime, not the
/// part of a ceil-mode window that hangs past the end padding.
absl::StatusOr<Tensor> avgPool2d(const Tensor &x, const Pool2dAttrs &attrs,
                                 bool countIncludePad = false);

/// ONNX GlobalAveragePool: (N, C, d1, ...) -> (N, C, 1, ...).
absl::StatusOr<Tensor> globalAvgPool(const Tensor &x);

/// ONNX ReduceMean: empty \p axes reduces over all dimensions; axes may be
/// negative and must be distinct.
absl::StatusOr<Tensor> reduceMean(const Tensor &x,
                                  const std::vector<int64_t> &axes,
                                  bool keepdims = true);

/// ONNX Reduce{Max,Min,Sum,Prod,SumSquare,L1,L2,LogSum,LogSumExp}: the
/// shape rule is support/Shapes.h's `reductionShape` (empty \p axes reduces
/// every dimension); sums and products accumulate in double; Max / Min give
/// NaN when a reduced element is NaN. Reducing an empty dimension is an
/// error.
enum class ReduceKind { Max, Min, Sum, Prod, SumSquare, L1, L2, LogSum, LogSumExp };
absl::StatusOr<Tensor> reduce(const Tensor &x, ReduceKind kind,
                              const std::vector<int64_t> &axes,
                              bool keepdims = true);

/// ONNX ArgMax (\p isMax) / ArgMin along \p axis: the first (or with
/// \p selectLast the last) index of the extreme value; NaN is the extreme
/// (numpy). Indices are returned as int32 (the axis must be shorter than
/// 2^31).
absl::StatusOr<QTensor> argExtreme(const Tensor &x, bool isMax, int64_t axis,
                                   bool keepdims, bool selectLast);

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// ONNX Reshape: one dimension may be -1 (inferred); 0 copies the input
/// dimension unless \p allowZero.
absl::StatusOr<Tensor> reshape(const Tensor &x, const Shape &shape,
                               bool allowZero = false);

/// ONNX Transpose: \p perm must be a permutation of [0, rank); empty means
/// reverse the dimensions.
absl::StatusOr<Tensor> transpose(const Tensor &x,
                                 const std::vector<int64_t> &perm);

/// ONNX Concat along \p axis (may be negative); all other dimensions must
/// match.
absl::StatusOr<Tensor> concat(const std::vector<Tensor> &inputs, int64_t axis);

/// ONNX Slice (opset 13): negative starts/ends count from the end, values
/// are clamped to the dimension, negative steps walk backwards. Empty
/// \p axes means [0, starts.size()); empty \p steps means all 1.
absl::StatusOr<Tensor> slice(const Tensor &x, const std::vector<int64_t> &starts,
                             const std::vector<int64_t> &ends,
                             const std::vector<int64_t> &axes = {},
                             const std::vector<int64_t> &steps = {});

enum class PadMode { Constant, Reflect, Edge, Wrap };
/// Parses an ONNX Pad mode string ("constant", "reflect", "edge", "wrap").
absl::StatusOr<PadMode> parsePadMode(std::string_view mode);

/// ONNX Pad: \p pads is [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
/// (2 * rank values; negative values crop). Reflect and wrap repeat as
/// numpy.pad does when a pad exceeds the dimension.
absl::StatusOr<Tensor> pad(const Tensor &x, const std::vector<int64_t> &pads,
                           PadMode mode = PadMode::Constant,
                           float value = 0.0f);

enum class ResizeMode { Nearest, Linear };
enum class CoordinateTransformMode {
  HalfPixel,
  Asymmetric,
  AlignCorners,
  PytorchHalfPixel
};
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

/// Parse ONNX Resize attribute strings ("nearest" / "linear", "half_pixel" /
/// "asymmetric" / "align_corners" / "pytorch_half_pixel",
/// "round_prefer_floor" / "round_prefer_ceil" / "floor" / "ceil").
absl::StatusOr<ResizeMode> parseResizeMode(std::string_view mode);
absl::StatusOr<CoordinateTransformMode>
parseCoordinateTransformMode(std::string_view mode);
absl::StatusOr<NearestMode> parseNearestMode(std::string_view mode);

struct ResizeAttrs {
  ResizeMode mode = ResizeMode::Nearest;
  CoordinateTransformMode coordinateTransformMode =
      CoordinateTransformMode::HalfPixel;
  NearestMode nearestMode = NearestMode::RoundPreferFloor;
};

/// ONNX Resize of a 4-D NCHW tensor to \p outShape (N and C unchanged).
/// Coordinates map with scale = out / in per axis, unless \p scales (4
/// values, the ONNX "scales" input) is given, in which case the coordinate
/// transform uses those and \p outShape must equal floor(in * scale). Linear
/// is bilinear over H and W with source coordinates clamped to the input.
absl::StatusOr<Tensor> resize(const Tensor &x, const Shape &outShape,
                              const ResizeAttrs &attrs,
                              const std::vector<float> &scales = {});

/// Whether \p scales (one per NCHW dimension) produced \p outShape from
/// \p inShape: N and C scales 1, and floor(float(in) * scale) == out for H
/// and W (compared in double, so a NaN or huge scale is a mismatch rather
/// than an out-of-range conversion). Then ONNX maps coordinates with the
/// scales (Resize given `scales`); otherwise the model gave `sizes` and the
/// mapping is out / in. The one test of the executor and of codegen.
bool resizeScalesGiveSizes(const Shape &inShape, const Shape &outShape,
                           const std::vector<float> &scales);

/// The coordinate scale of H and W (index 0 and 1) for resizing \p inShape
/// to \p outShape: out / in, or \p scales[2..3] when given (checked: they
/// must give outShape as floor(in * scale), N and C scales 1). Errors name
/// the op "resize".
absl::StatusOr<std::array<float, 2>>
resizeAxisScales(const Shape &inShape, const Shape &outShape,
                 const std::vector<float> &scales);

/// Nearest mode along one axis: the source index of each output index.
std::vector<int64_t> resizeNearestIndices(int64_t outSize, int64_t inSize,
                                          float scale,
                                          CoordinateTransformMode ctm,
                                          NearestMode nearest);

/// Linear mode along one axis: the two source indices of each output index
/// and their weights (w0 = 1 - l, w1 = l, f32), the source coordinate
/// clamped to [0, in - 1].
struct ResizeTap {
  int64_t i0, i1;
  float w0, w1;
};
std::vector<ResizeTap> resizeLinearTaps(int64_t outSize, int64_t inSize,
                                        float scale,
                                        CoordinateTransformMode ctm);

/// qc.qresize's fixed-point weights of a tap: w1 = round_half_to_even(l *
/// 2048), w0 = 2048 - w1 (QCIntOps.td).
constexpr int32_t kResizeWeightOne = 2048;
inline std::pair<int32_t, int32_t> resizeFixedWeights(const ResizeTap &t) {
  auto w1 = static_cast<int32_t>(
      std::nearbyint(t.w1 * static_cast<float>(kResizeWeightOne)));
  return {kResizeWeightOne - w1, w1};
}

//===----------------------------------------------------------------------===//
// Quantization (DESIGN.md "Numerics")
//===----------------------------------------------------------------------===//

/// Inclusive range of quantized values.
struct QuantRange {
  int64_t qmin;
  int64_t qmax;
};

enum class QuantType { U8, S8, S16, S32 };

/// The full range of \p type, e.g. [-128, 127] for S8.
QuantRange quantRange(QuantType type);

/// q = clamp(round_half_to_even(x * (1.0f / scale)) + zeroPoint, qmin, qmax)
///
/// Rounding is std::nearbyint under the default floating-point environment
/// (round to nearest, ties to even); nothing in qc changes the rounding mode.
/// x / scale is computed as x * (1.0f / scale) in float32, exactly as
/// torch.quantize_per_tensor / per_channel do, so results match PyTorch bit
/// for bit. (ONNX Runtime divides instead; the two differ by one step on
/// roughly one value in a million, where x * (1/scale) and x / scale fall on
/// different sides of a rounding tie.) NaN inputs are an error; infinities
/// saturate.
///
/// Errors: scale not finite and > 0, zeroPoint outside [qmin, qmax], a range
/// with qmin > qmax or not within int32.
absl::StatusOr<QTensor> quantizePerTensor(const Tensor &x, float scale,
                                          int64_t zeroPoint, QuantRange range);

/// dequantize(q) = float(q - zeroPoint) * scale.
absl::StatusOr<Tensor> dequantizePerTensor(const QTensor &q, float scale,
                                           int64_t zeroPoint);

/// Per-channel quantize: channel c along \p axis (may be negative) uses
/// scales[c] and zeroPoints[c]; both must have x.shape[axis] entries.
absl::StatusOr<QTensor>
quantizePerChannel(const Tensor &x, const std::vector<float> &scales,
                   const std::vector<int64_t> &zeroPoints, int64_t axis,
                   QuantRange range);

/// Per-channel dequantize, the inverse of quantizePerChannel.
absl::StatusOr<Tensor>
dequantizePerChannel(const QTensor &q, const std::vector<float> &scales,
                     const std::vector<int64_t> &zeroPoints, int64_t axis);

/// Block (group) dequantize, ONNX DequantizeLinear-21 with `block_size`:
/// element i along \p axis uses the qparams of block i / \p blockSize;
/// scales / zeroPoints are row-major over the shape with dimension axis
/// replaced by ceil(dim / blockSize). float(q - zeroPoint) * scale.
absl::StatusOr<Tensor> dequantizeBlocked(const QTensor &q,
                                         const std::vector<float> &scales,
                                         const std::vector<int64_t> &zeroPoints,
                                         int64_t axis, int64_t blockSize);

/// The weight-only linear (docs/quantization.md, "The reference rule"):
/// y[m, n] = bias[n] + the sum over the groups g of K (ascending, groups of
/// \p group, the last may be shorter) of scale[n, g] * p[m, n, g], with
///   p = 0; for k in g ascending: p = fma(float(q[n, k] - zp[n, g]), x[m, k], p)
///   y = 0; for g ascending: y = fma(scale[n, g], p, y); then y = y + bias[n]
/// (fma correctly rounded, std::fma). \p x is [M, K] row-major; \p q is
/// [N, K] row-major (integer weights, |q - zp| < 2^24); \p scales and
/// \p zeroPoints are [N, groups]; \p bias has N entries or none. Returns
/// [M, N]. Every compiled weight-only GEMM / GEMV computes exactly this.
absl::StatusOr<Tensor> weightOnlyLinear(const Tensor &x,
                                        const std::vector<int32_t> &q,
                                        const std::vector<float> &scales,
                                        const std::vector<int32_t> &zeroPoints,
                                        int64_t n, int64_t group,
                                        const Tensor *bias);

/// DESIGN.md's requantize of int32 accumulators:
/// q = clamp(round_half_to_even(float(acc) * multiplier[c]) + zeroPoint,
///           qmin, qmax)
/// where multiplier[c] = s_in * s_w[c] / s_out, computed by the caller in
/// float32. One multiplier means per-tensor (\p axis is then ignored);
/// otherwise there is one per index of \p axis. Narrowing \p range (e.g. to
/// [zp, 255] for a fused ReLU) applies the fused activation clamp.
absl::StatusOr<QTensor> requantize(const QTensor &acc,
                                   const std::vector<float> &multipliers,
                                   int64_t axis, int64_t zeroPoint,
                                   QuantRange range);

/// Per-tensor qparams chosen at run time (dynamic quantization).
struct DynamicQParams {
  float scale;
  int64_t zeroPoint;
};

/// PyTorch's quant_utils::ChooseQuantizationParams (preserve_sparsity and
/// force_scale_power_of_two off), what `quantized::linear_dynamic` (fbgemm,
/// oneDNN, QNNPACK) and torch.quantize_per_tensor_dynamic use: the range
/// [min(0, lo), max(0, hi)] maps to [qmin, qmax] with the scale computed in
/// double, 0.1 when it is 0 or has an infinite f32 reciprocal, at least
/// 6.1e-5 (lo / hi scaled alike), and the zero point from the end with the
/// smaller rounding error, rounded half to even and clamped. Errors: a
/// non-finite bound, lo > hi, an empty range.
absl::StatusOr<DynamicQParams> chooseQuantizationParams(float lo, float hi,
                                                        QuantRange range);

/// qc.dynamic_fake_quant: chooseQuantizationParams over x's min / max, then
/// quantizePerTensor and dequantizePerTensor. \p chosen (optional) receives
/// the qparams. Errors: NaN or infinite elements (naming the first index).
absl::StatusOr<Tensor> dynamicFakeQuant(const Tensor &x, QuantRange range,
                                        DynamicQParams *chosen = nullptr);

/// qc.dynamic_fake_quant with per_token: dynamicFakeQuant of each row (the
/// last dimension's values at one index of the leading ones) with its own
/// qparams. Errors: NaN or infinite elements (naming the first index).
absl::StatusOr<Tensor> dynamicFakeQuantPerToken(const Tensor &x,
                                                QuantRange range);

} // namespace qc::ref

#endif // QC_COMPILER_EXECUTOR_KERNELS_H
