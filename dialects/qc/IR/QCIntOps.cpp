//===- QCIntOps.cpp - integer compute ops: verifiers, multipliers ---------===//
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/QCQParams.h"
#include "support/Shapes.h"

#include "mlir/Dialect/Traits.h"

#include "mlir/IR/OpImplementation.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

using namespace mlir;
using namespace mlir::qc;

namespace {
LogicalResult checkScale(Operation *op, StringRef name, float s) {
  if (!isValidQuantScale(s))
    return op->emitOpError() << "'" << name << "' " << kQuantScaleRule
                             << ", got " << s;
  return success();
}

/// A requantize multiplier derived from the scales (\p how says from which)
/// must be usable: finite and > 0 (valid scales can still underflow or
/// overflow it).
LogicalResult checkMultiplier(Operation *op, StringRef how, float m) {
  if (!isValidRequantMultiplier(m))
    return op->emitOpError() << "requantize multiplier " << how << " = " << m
                             << " is not finite and > 0 (the scales are too "
                                "far apart)";
  return success();
}

/// A zero point must lie in the storage range of `type`'s element type.
LogicalResult checkZeroPoint(Operation *op, StringRef name, int64_t zp,
                             Type type) {
  auto range = storageRange(cast<ShapedType>(type).getElementType());
  if (failed(range))
    return op->emitOpError("element type must be ui8, i8 or i16");
  if (zp < range->first || zp > range->second)
    return op->emitOpError() << "'" << name << "' " << zp << " is outside ["
                             << range->first << ", " << range->second
                             << "] of " << type;
  return success();
}

/// The shared epilogue checks: scales, zero points, the clamp range within
/// the result's storage range, and weight_scale / bias against `channels`.
LogicalResult verifyEpilogue(Operation *op, float inputScale,
                             int64_t inputZp, Type inputType,
                             ArrayRef<float> weightScale, float outputScale,
                             int64_t outputZp, Type outputType,
                             int64_t clampMin, int64_t clampMax,
                             int64_t channels, Value bias) {
  if (failed(checkScale(op, "input_scale", inputScale)) ||
      failed(checkScale(op, "output_scale", outputScale)) ||
      failed(checkZeroPoint(op, "input_zero_point", inputZp, inputType)) ||
      failed(checkZeroPoint(op, "output_zero_point", outputZp, outputType)))
    return failure();
  // The 16x8 form: int16 inputs are symmetric (docs/codegen.md, "int16").
  if (cast<ShapedType>(inputType).getElementType().isInteger(16) && inputZp != 0)
    return op->emitOpError() << "an i16 input needs 'input_zero_point' 0 "
                                "(symmetric int16), got "
                             << inputZp;
  for (float s : weightScale)
    if (failed(checkScale(op, "weight_scale", s)))
      return failure();
  if (weightScale.size() != 1 &&
      (ShapedType::isDynamic(channels) ||
       static_cast<int64_t>(weightScale.size()) != channels))
    return op->emitOpError() << "'weight_scale' needs 1 (per tensor) or "
                             << channels << " (per output channel) entries, got "
                             << weightScale.size();
  auto range =
      storageRange(cast<ShapedType>(outputType).getElementType());
  if (clampMin > clampMax || clampMin < range->first ||
      clampMax > range->second)
    return op->emitOpError() << "clamp range [" << clampMin << ", "
                             << clampMax << "] is empty or does not fit "
                             << outputType;
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        (!ShapedType::isDynamic(channels) &&
         !biasType.isDynamicDim(0) && biasType.getDimSize(0) != channels))
      return op->emitOpError() << "bias must be 1-D with " << channels
                               << " entries, got " << biasType;
  }
  return success();
}

SmallVector<float> multipliers(float inputScale, ArrayRef<float> weightScale,
                               float outputScale) {
  SmallVector<float> m;
  m.reserve(weightScale.size());
  for (float sw : weightScale) {
    // Two separate f32 operations, in this order (DESIGN.md).
    float product = inputScale * sw;
    m.push_back(product / outputScale);
  }
  return m;
}

int64_t dim(Type type, unsigned i) {
  return cast<RankedTensorType>(type).getDimSize(i);
}

/// The output extent of one windowed dimension (NCHW dim 2 or 3) for an
/// input extent \p in, or nullopt when the attributes overflow int64 or the
/// padded input is smaller than the dilated window: the one window rule,
/// support/Shapes.h's windowExtent.
std::optional<int64_t> windowedExtent(int64_t in, int64_t kernel,
                                      int64_t stride, int64_t padBegin,
                                      int64_t padEnd, int64_t dilation,
                                      bool ceil) {
  ::qc::WindowExtent extent =
      ::qc::windowExtent(in, kernel, stride, padBegin, padEnd, dilation, ceil);
  if (extent.overflow || !extent.fits)
    return std::nullopt;
  return extent.size;
}

/// The result's H and W against the input's, for a windowed op whose
/// attributes are already checked.
LogicalResult verifyWindowedShape(Operation *op, RankedTensorType in,
                                  RankedTensorType out,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations,
                                  bool ceilMode) {
  for (unsigned d = 0; d < 2; ++d) {
    int64_t i = in.getDimSize(2 + d), o = out.getDimSize(2 + d);
    if (ShapedType::isDynamic(i) || ShapedType::isDynamic(o) ||
        ShapedType::isDynamic(kernel[d]) || kernel[d] < 1)
      continue;
    int64_t dil = dilations.empty() ? 1 : dilations[d];
    std::optional<int64_t> extent = windowedExtent(
        i, kernel[d], strides[d], pads[d], pads[d + 2], dil, ceilMode);
    if (!extent)
      return op->emitOpError()
             << "the window (kernel " << kernel[d] << ", dilation " << dil
             << ", pads " << pads[d] << " + " << pads[d + 2]
             << ") does not fit input dimension " << 2 + d << " of " << in;
    if (o != *extent)
      return op->emitOpError()
             << "result dimension " << 2 + d << " is " << o << ", but "
             << in << " with kernel " << kernel[d] << ", stride "
             << strides[d] << ", pads " << pads[d] << " + " << pads[d + 2]
             << ", dilation " << dil << (ceilMode ? " and ceil_mode" : "")
             << " gives " << *extent;
  }
  return success();
}

/// qconv2d's H and W by the conv rule.
LogicalResult verifyConvShape(QConv2dOp op) {
  auto w = op.getWeight().getType();
  int64_t kernel[2] = {w.getDimSize(2), w.getDimSize(3)};
  return verifyWindowedShape(op, op.getInput().getType(),
                             op.getOutput().getType(), kernel,
                             op.getStrides(), op.getPads(), op.getDilations(),
                             /*ceilMode=*/false);
}

bool mismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// Per-tensor qparams and the clamp range of an elementwise integer op.
LogicalResult verifyElementwise(Operation *op,
                                ArrayRef<std::tuple<StringRef, float, StringRef,
                                                    int64_t, Type>> inputs,
                                float outputScale, int64_t outputZp,
                                Type out, int64_t lo, int64_t hi) {
  for (auto [scaleName, scale, zpName, zp, type] : inputs)
    if (failed(checkScale(op, scaleName, scale)) ||
        failed(checkZeroPoint(op, zpName, zp, type)))
      return failure();
  if (failed(checkScale(op, "output_scale", outputScale)) ||
      failed(checkZeroPoint(op, "output_zero_point", outputZp, out)))
    return failure();
  auto range = storageRange(cast<ShapedType>(out).getElementType());
  if (lo > hi || lo < range->first || hi > range->second)
    return op->emitOpError() << "clamp range [" << lo << ", " << hi
                             << "] is empty or does not fit " << out;
  return success();
}

/// verifyElementwise for an op with output_scale, output_zero_point, a
/// clamp range and one requantize multiplier (qc.qmul, qc.qrequantize;
/// `how` says how the multiplier is formed).
template <typename OpT>
LogicalResult verifyElementwiseOp(
    OpT op,
    ArrayRef<std::tuple<StringRef, float, StringRef, int64_t, Type>> inputs,
    Type out, StringRef how) {
  if (failed(verifyElementwise(op, inputs, op.getOutputScale().convertToFloat(),
                               static_cast<int64_t>(op.getOutputZeroPoint()),
                               out, static_cast<int64_t>(op.getClampMin()),
                               static_cast<int64_t>(op.getClampMax()))))
    return failure();
  return checkMultiplier(op, how, op.getRequantMultiplier());
}

/// The epilogue of qc.qconv2d / qc.qlinear (verifyEpilogue with the op's
/// qparams, clamp range and bias) and its requantize multipliers.
template <typename OpT>
LogicalResult verifyGemmEpilogue(OpT op, Type inputType, Type outputType,
                                 int64_t channels) {
  if (failed(verifyEpilogue(
          op, op.getInputScale().convertToFloat(),
          static_cast<int64_t>(op.getInputZeroPoint()), inputType,
          op.getWeightScale(), op.getOutputScale().convertToFloat(),
          static_cast<int64_t>(op.getOutputZeroPoint()), outputType,
          static_cast<int64_t>(op.getClampMin()),
          static_cast<int64_t>(op.getClampMax()), channels, op.getBias())))
    return failure();
  for (float m : op.getRequantMultipliers())
    if (failed(checkMultiplier(op,
                               "input_scale * weight_scale / "
                               "output_scale",
                               m)))
      return failure();
  return success();
}

/// Every entry of `values` (attribute `name`) is at least `min`.
LogicalResult checkAtLeast(Operation *op, StringRef name,
                           ArrayRef<int64_t> values, int64_t min) {
  for (int64_t v : values)
    if (v < min)
      return op->emitOpError() << name << " must be >= " << min;
  return success();
}

/// `in` and `out` have the same shape (an elementwise op of one input).
LogicalResult verifySameShape(Operation *op, Type in, Type out) {
  if (failed(verifyCompatibleShape(in, out)))
    return op->emitOpError()
           << "input and result must have the same shape, got " << in << " -> "
           << out;
  return success();
}

/// The input and output of a 2-D pooling op: 4-D (NCHW) with the same
/// batch and channels.
LogicalResult verifyPoolShapes(Operation *op, ShapedType in, ShapedType out) {
  if (in.getRank() != 4 || out.getRank() != 4)
    return op->emitOpError() << "input and output must be 4-D (NCHW), got "
                             << in << " and " << out;
  if (mismatch(dim(in, 0), dim(out, 0)) || mismatch(dim(in, 1), dim(out, 1)))
    return op->emitOpError()
           << "output " << out << " does not keep the batch and channels of "
           << in;
  return success();
}
} // namespace

LogicalResult QMulOp::verify() {
  Type lhs = getLhs().getType(), rhs = getRhs().getType(),
       out = getOutput().getType();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(getLhs().getType().getShape(),
                                          getRhs().getType().getShape(),
                                          shape) ||
      failed(verifyCompatibleShape(shape, getOutput().getType().getShape())))
    return emitOpError() << "the result must have the operands' broadcast "
                            "shape (numpy rules), got "
                         << lhs << ", " << rhs << " -> " << out;
  return verifyElementwiseOp(
      *this,
      {{"lhs_scale", getLhsScale().convertToFloat(), "lhs_zero_point",
        static_cast<int64_t>(getLhsZeroPoint()), lhs},
       {"rhs_scale", getRhsScale().convertToFloat(), "rhs_zero_point",
        static_cast<int64_t>(getRhsZeroPoint()), rhs}},
      out, "lhs_scale * rhs_scale / output_scale");
}

namespace {
/// qc.qmax / qc.qmin: one 8-bit element type, the broadcast shape.
LogicalResult verifyExtremeOp(Operation *op, ShapedType lhs, ShapedType rhs,
                              ShapedType out) {
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape) ||
      failed(verifyCompatibleShape(shape, out.getShape())))
    return op->emitOpError() << "the result must have the operands' broadcast "
                                "shape (numpy rules), got "
                             << lhs << ", " << rhs << " -> " << out;
  if (lhs.getElementType() != out.getElementType() ||
      rhs.getElementType() != out.getElementType())
    return op->emitOpError() << "operands and result must have one element "
                                "type, got "
                             << lhs << ", " << rhs << " -> " << out;
  return success();
}
} // namespace

LogicalResult QMaxOp::verify() {
  return verifyExtremeOp(*this, getLhs().getType(), getRhs().getType(),
                         getOutput().getType());
}

LogicalResult QMinOp::verify() {
  return verifyExtremeOp(*this, getLhs().getType(), getRhs().getType(),
                         getOutput().getType());
}

float QMulOp::getRequantMultiplier() {
  // Two separate f32 operations, in this order (the op's description).
  float product =
      getLhsScale().convertToFloat() * getRhsScale().convertToFloat();
  return product / getOutputScale().convertToFloat();
}

LogicalResult QMatmulOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto out = getOutput().getType();
  int64_t rank = lhs.getRank();
  if (rank < 2 || rhs.getRank() != rank || out.getRank() != rank)
    return emitOpError() << "needs lhs [..., M, K], rhs [..., K, N] and a "
                            "result [..., M, N] of one rank >= 2, got "
                         << lhs << ", " << rhs << " -> " << out;
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (mismatch(dim(lhs, d), dim(rhs, d)) || mismatch(dim(lhs, d), dim(out, d)))
      return emitOpError() << "operands and result must have the same batch "
                              "dimensions (no broadcasting), got "
                           << lhs << ", " << rhs << " -> " << out;
  if (mismatch(dim(lhs, rank - 1), dim(rhs, rank - 2)))
    return emitOpError() << "lhs " << lhs << " and rhs " << rhs
                         << " disagree on K";
  if (mismatch(dim(out, rank - 2), dim(lhs, rank - 2)) ||
      mismatch(dim(out, rank - 1), dim(rhs, rank - 1)))
    return emitOpError() << "result " << out << " is not [..., M, N] of lhs "
                         << lhs << " and rhs " << rhs;
  int64_t k = dim(lhs, rank - 1);
  if (!ShapedType::isDynamic(k) && k > kMaxK)
    return emitOpError() << "K = " << k << " is too large for exact int32 "
                            "accumulation (at most " << kMaxK << ")";
  return verifyElementwiseOp(
      *this,
      {{"lhs_scale", getLhsScale().convertToFloat(), "lhs_zero_point",
        static_cast<int64_t>(getLhsZeroPoint()), lhs},
       {"rhs_scale", getRhsScale().convertToFloat(), "rhs_zero_point", 0,
        rhs}},
      out, "lhs_scale * rhs_scale / output_scale");
}

float QMatmulOp::getRequantMultiplier() {
  // Two separate f32 operations, in this order (the op's description).
  float product =
      getLhsScale().convertToFloat() * getRhsScale().convertToFloat();
  return product / getOutputScale().convertToFloat();
}

LogicalResult QRequantizeOp::verify() {
  Type in = getInput().getType(), out = getOutput().getType();
  if (failed(verifySameShape(*this, in, out)))
    return failure();
  return verifyElementwiseOp(
      *this,
      {{"input_scale", getInputScale().convertToFloat(), "input_zero_point",
        static_cast<int64_t>(getInputZeroPoint()), in}},
      out, "input_scale / output_scale");
}

float QRequantizeOp::getRequantMultiplier() {
  return getInputScale().convertToFloat() / getOutputScale().convertToFloat();
}

LogicalResult QLutOp::verify() {
  Type in = getInput().getType(), out = getOutput().getType();
  if (failed(verifySameShape(*this, in, out)))
    return failure();
  ArrayRef<int32_t> table = getTable();
  if (table.size() != 256)
    return emitOpError() << "table must have 256 entries (one per 8-bit "
                            "input value), got "
                         << table.size();
  auto range = storageRange(cast<ShapedType>(out).getElementType());
  for (auto [i, v] : llvm::enumerate(table))
    if (v < range->first || v > range->second)
      return emitOpError() << "table entry " << i << " = " << v
                           << " does not fit " << out;
  return success();
}

int64_t QLutOp::getInputMin() {
  return getInput().getType().getElementType().isUnsignedInteger() ? 0 : -128;
}

/// What qc.qconv2d and qc.qconv_transpose2d check alike: input, weight and
/// output 4-D (\p weightLayout names the weight's layout), the window
/// attributes (\p windowCounts: "needs ..." when their counts are wrong)
/// at least 1 (strides, dilations) or 0 (pads, output_padding), and groups
/// >= 1 dividing the \p channels \p channelsWhat.
template <typename ConvOpT>
static LogicalResult verifyConvFrame(ConvOpT op, StringRef weightLayout,
                                     bool countsOk, StringRef windowCounts,
                                     ArrayRef<int64_t> outputPadding,
                                     int64_t channels, StringRef channelsWhat) {
  ShapedType inputType = op.getInput().getType();
  ShapedType weightType = op.getWeight().getType();
  ShapedType outputType = op.getOutput().getType();
  if (inputType.getRank() != 4 || weightType.getRank() != 4 ||
      outputType.getRank() != 4)
    return op->emitOpError() << "input, weight and output must be 4-D (NCHW, "
                             << weightLayout << "), got " << inputType << ", "
                             << weightType << ", " << outputType;
  if (!countsOk)
    return op->emitOpError(windowCounts);
  if (failed(checkAtLeast(op, "strides", op.getStrides(), 1)) ||
      failed(checkAtLeast(op, "dilations", op.getDilations(), 1)) ||
      failed(checkAtLeast(op, "pads", op.getPads(), 0)) ||
      failed(checkAtLeast(op, "output_padding", outputPadding, 0)))
    return failure();
  int64_t groups = static_cast<int64_t>(op.getGroups());
  if (groups < 1 ||
      (!ShapedType::isDynamic(channels) && channels % groups != 0))
    return op->emitOpError()
           << "groups " << groups << " must be >= 1 and divide the " << channels
           << " " << channelsWhat;
  return success();
}

LogicalResult QConv2dOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  auto outputType = getOutput().getType();
  int64_t outChannels =
      weightType.getRank() == 4 ? dim(weightType, 0) : ShapedType::kDynamic;
  if (failed(verifyConvFrame(*this, "OIHW",
                             getStrides().size() == 2 &&
                                 getPads().size() == 4 &&
                                 getDilations().size() == 2,
                             "needs 2 strides, 4 pads and 2 dilations", {},
                             outChannels, "output channels")))
    return failure();
  int64_t groups = static_cast<int64_t>(getGroups());
  int64_t inChannels = dim(inputType, 1);
  int64_t perGroup = dim(weightType, 1);
  if (!ShapedType::isDynamic(inChannels) && !ShapedType::isDynamic(perGroup) &&
      inChannels != perGroup * groups)
    return emitOpError() << "input has " << inChannels
                         << " channels but weight expects " << perGroup
                         << " x " << groups << " groups";
  if (mismatch(dim(outputType, 1), outChannels) ||
      mismatch(dim(outputType, 0), dim(inputType, 0)))
    return emitOpError() << "output " << outputType
                         << " does not match batch / output channels of "
                         << inputType << " and " << weightType;
  if (failed(verifyGemmEpilogue(*this, inputType, outputType, outChannels)))
    return failure();
  return verifyConvShape(*this);
}

SmallVector<float> QConv2dOp::getRequantMultipliers() {
  return multipliers(getInputScale().convertToFloat(), getWeightScale(),
                     getOutputScale().convertToFloat());
}

/// The shapes of qc.qlinear and qc.dynamic_qlinear: input [..., K], weight
/// [N, K], output [..., N] with the input's leading dimensions.
template <typename LinearOpT>
static LogicalResult verifyLinearShapes(LinearOpT op) {
  ShapedType inputType = op.getInput().getType();
  ShapedType weightType = op.getWeight().getType();
  ShapedType outputType = op.getOutput().getType();
  if (inputType.getRank() < 1 || weightType.getRank() != 2 ||
      outputType.getRank() != inputType.getRank())
    return op->emitOpError() << "needs an input of rank >= 1, a 2-D weight and "
                                "an output of the input's rank, got "
                             << inputType << ", " << weightType << ", "
                             << outputType;
  int64_t rank = inputType.getRank();
  if (mismatch(dim(inputType, rank - 1), dim(weightType, 1)))
    return op->emitOpError() << "input " << inputType << " and weight "
                             << weightType << " disagree on K";
  if (mismatch(dim(outputType, rank - 1), dim(weightType, 0)))
    return op->emitOpError() << "output " << outputType << " does not have the "
                             << dim(weightType, 0) << " features of the weight";
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (mismatch(dim(outputType, d), dim(inputType, d)))
      return op->emitOpError() << "output " << outputType
                               << " does not keep the leading dimensions of "
                               << inputType;
  return success();
}

LogicalResult QLinearOp::verify() {
  if (failed(verifyLinearShapes(*this)))
    return failure();
  return verifyGemmEpilogue(*this, getInput().getType(), getOutput().getType(),
                            dim(getWeight().getType(), 0));
}

SmallVector<float> QLinearOp::getRequantMultipliers() {
  return multipliers(getInputScale().convertToFloat(), getWeightScale(),
                     getOutputScale().convertToFloat());
}

LogicalResult QAddOp::verify() {
  Type lhs = getLhs().getType(), rhs = getRhs().getType(),
       out = getOutput().getType();
  if (failed(verifyCompatibleShape(lhs, rhs)) ||
      failed(verifyCompatibleShape(lhs, out)))
    return emitOpError() << "operands and result must have the same shape "
                            "(no broadcasting), got "
                         << lhs << ", " << rhs << " -> " << out;
  if (failed(checkScale(*this, "lhs_scale", getLhsScale().convertToFloat())) ||
      failed(checkScale(*this, "rhs_scale", getRhsScale().convertToFloat())) ||
      failed(checkScale(*this, "output_scale",
                        getOutputScale().convertToFloat())) ||
      failed(checkZeroPoint(*this, "lhs_zero_point",
                            static_cast<int64_t>(getLhsZeroPoint()), lhs)) ||
      failed(checkZeroPoint(*this, "rhs_zero_point",
                            static_cast<int64_t>(getRhsZeroPoint()), rhs)) ||
      failed(checkZeroPoint(*this, "output_zero_point",
                            static_cast<int64_t>(getOutputZeroPoint()), out)))
    return failure();
  auto range = storageRange(cast<ShapedType>(out).getElementType());
  int64_t lo = static_cast<int64_t>(getClampMin());
  int64_t hi = static_cast<int64_t>(getClampMax());
  if (lo > hi || lo < range->first || hi > range->second)
    return emitOpError() << "clamp range [" << lo << ", " << hi
                         << "] is empty or does not fit " << out;
  float so = getOutputScale().convertToFloat();
  if (failed(checkMultiplier(*this, "lhs_scale / output_scale",
                             getLhsScale().convertToFloat() / so)) ||
      failed(checkMultiplier(*this, "rhs_scale / output_scale",
                             getRhsScale().convertToFloat() / so)))
    return failure();
  return success();
}

LogicalResult QMaxPool2dOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "input and output element types differ: " << in
                         << " vs " << out;
  if (failed(verifyPoolShapes(*this, in, out)))
    return failure();
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getPads().size() != 4 || getDilations().size() != 2)
    return emitOpError("needs 2 kernel sizes, 2 strides, 4 pads and 2 "
                       "dilations");
  if (failed(checkAtLeast(*this, "kernel sizes", getKernel(), 1)) ||
      failed(checkAtLeast(*this, "strides", getStrides(), 1)) ||
      failed(checkAtLeast(*this, "dilations", getDilations(), 1)) ||
      failed(checkAtLeast(*this, "pads", getPads(), 0)))
    return failure();
  return verifyWindowedShape(*this, in, out, getKernel(), getStrides(),
                             getPads(), getDilations(), getCeilMode());
}

LogicalResult QAvgPool2dOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (failed(verifyPoolShapes(*this, in, out)))
    return failure();
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getPads().size() != 4)
    return emitOpError("needs 2 kernel sizes, 2 strides and 4 pads");
  if (failed(checkAtLeast(*this, "kernel sizes", getKernel(), 1)) ||
      failed(checkAtLeast(*this, "strides", getStrides(), 1)))
    return failure();
  for (unsigned i = 0; i < 4; ++i)
    if (getPads()[i] < 0 || getPads()[i] >= getKernel()[i % 2])
      return emitOpError("pads must be >= 0 and smaller than the kernel");
  if (getKernel()[0] > 65793 || getKernel()[1] > 65793 ||
      getKernel()[0] * getKernel()[1] > 65793)
    return emitOpError() << "window of " << getKernel()[0] << " x "
                         << getKernel()[1]
                         << " elements exceeds 65793 (the sum must be exact "
                            "in f32)";
  if (failed(checkScale(*this, "input_scale",
                        getInputScale().convertToFloat())) ||
      failed(checkScale(*this, "output_scale",
                        getOutputScale().convertToFloat())) ||
      failed(checkZeroPoint(*this, "input_zero_point",
                            static_cast<int64_t>(getInputZeroPoint()), in)) ||
      failed(checkZeroPoint(*this, "output_zero_point",
                            static_cast<int64_t>(getOutputZeroPoint()), out)))
    return failure();
  auto range = storageRange(out.getElementType());
  int64_t lo = static_cast<int64_t>(getClampMin());
  int64_t hi = static_cast<int64_t>(getClampMax());
  if (lo > hi || lo < range->first || hi > range->second)
    return emitOpError() << "clamp range [" << lo << ", " << hi
                         << "] is empty or does not fit " << out;
  if (failed(verifyWindowedShape(*this, in, out, getKernel(), getStrides(),
                                 getPads(), {}, getCeilMode())))
    return failure();
  // The multiplier of every window lies between those of 1 and of
  // kernel[0] * kernel[1] elements.
  float si = getInputScale().convertToFloat(),
        so = getOutputScale().convertToFloat();
  for (int64_t count : {int64_t{1}, getKernel()[0] * getKernel()[1]})
    if (failed(checkMultiplier(*this, "input_scale / (output_scale * count)",
                               requantMultiplier(si, so, count))))
      return failure();
  return success();
}

float QAvgPool2dOp::requantMultiplier(float inputScale, float outputScale,
                                      int64_t count) {
  // Two separate f32 operations, in this order (the op's description).
  float divisor = outputScale * static_cast<float>(count);
  return inputScale / divisor;
}

LogicalResult DynamicQLinearOp::verify() {
  if (failed(verifyLinearShapes(*this)))
    return failure();
  auto weightType = getWeight().getType();
  int64_t k = dim(weightType, 1), n = dim(weightType, 0);
  Type dtype = getDtype();
  auto limits = storageRange(dtype);
  auto it = dyn_cast<IntegerType>(dtype);
  if (failed(limits) || !it || it.getWidth() != 8)
    return emitOpError("dtype must be ui8 or i8, got ") << dtype;
  int64_t qmin = static_cast<int64_t>(getQuantMin()),
          qmax = static_cast<int64_t>(getQuantMax());
  if (qmin >= qmax || qmin < limits->first || qmax > limits->second)
    return emitOpError("quantization range [")
           << qmin << ", " << qmax << "] is empty or does not fit " << dtype;
  ArrayRef<float> scales = getWeightScale();
  if (scales.size() != 1 &&
      (ShapedType::isDynamic(n) || static_cast<int64_t>(scales.size()) != n))
    return emitOpError() << "needs 1 or " << n << " weight scales, got "
                         << scales.size();
  for (float s : scales)
    if (failed(checkScale(*this, "weight_scale", s)))
      return failure();
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || mismatch(biasType.getDimSize(0), n))
      return emitOpError() << "bias " << biasType << " must be 1-D with the "
                           << n << " features of the weight";
  }
  // |q - z| <= 255 and |w| <= 128: sum_k (q - z) w must fit int32.
  constexpr int64_t kMaxK = std::numeric_limits<int32_t>::max() / (255 * 128);
  if (!ShapedType::isDynamic(k) && k > kMaxK)
    return emitOpError() << "K = " << k << " is too large for exact int32 "
                         << "accumulation (at most " << kMaxK << ")";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/qc/IR/QCIntOps.cpp.inc"

//===----------------------------------------------------------------------===//
// qc.qresize, qc.qconv_transpose2d
//===----------------------------------------------------------------------===//

LogicalResult QResizeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError() << "input and output must be 4-D (NCHW), got " << in
                         << " and " << out;
  if (mismatch(dim(in, 0), dim(out, 0)) || mismatch(dim(in, 1), dim(out, 1)))
    return emitOpError() << "output " << out
                         << " does not keep the batch and channels of " << in;
  if (getSizes().size() != 4 || getScales().size() != 4)
    return emitOpError("needs 4 sizes and 4 scales");
  for (float s : getScales())
    if (!(s > 0.0f) || !std::isfinite(s))
      return emitOpError() << "scales must be positive and finite, got " << s;
  StringRef mode = getMode(), ctm = getCoordinateTransformationMode(),
            nearest = getNearestMode();
  if (mode != "nearest" && mode != "linear")
    return emitOpError() << "mode must be nearest or linear, got \"" << mode
                         << "\"";
  if (ctm != "half_pixel" && ctm != "pytorch_half_pixel" &&
      ctm != "align_corners" && ctm != "asymmetric")
    return emitOpError() << "unsupported coordinate_transformation_mode \""
                         << ctm << "\"";
  if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" &&
      nearest != "floor" && nearest != "ceil")
    return emitOpError() << "unsupported nearest_mode \"" << nearest << "\"";
  if (failed(verifyElementwise(
          *this,
          {{"input_scale", getInputScale().convertToFloat(),
            "input_zero_point", static_cast<int64_t>(getInputZeroPoint()),
            in}},
          getOutputScale().convertToFloat(),
          static_cast<int64_t>(getOutputZeroPoint()), out,
          static_cast<int64_t>(getClampMin()),
          static_cast<int64_t>(getClampMax()))))
    return failure();
  float m = getRequantMultiplier();
  if (failed(checkMultiplier(*this, "input_scale / output_scale", m)))
    return failure();
  if (mode == "linear" && !(m * 0x1p-22f >= std::numeric_limits<float>::min()))
    return emitOpError() << "requantize multiplier (input_scale / "
                            "output_scale) * 2^-22 = "
                         << m * 0x1p-22f << " is not a normal f32";
  return success();
}

float QResizeOp::getRequantMultiplier() {
  return getInputScale().convertToFloat() / getOutputScale().convertToFloat();
}

LogicalResult QConvTranspose2dOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  auto outputType = getOutput().getType();
  int64_t inChannels =
      weightType.getRank() == 4 ? dim(weightType, 0) : ShapedType::kDynamic;
  if (failed(verifyConvFrame(
          *this, "[C_in, C_out/groups, kh, kw]",
          getStrides().size() == 2 && getPads().size() == 4 &&
              getDilations().size() == 2 && getOutputPadding().size() == 2,
          "needs 2 strides, 4 pads, 2 dilations and 2 output_padding values",
          getOutputPadding(), inChannels, "input channels of the weight")))
    return failure();
  int64_t groups = static_cast<int64_t>(getGroups());
  if (mismatch(dim(inputType, 1), inChannels))
    return emitOpError() << "input has " << dim(inputType, 1)
                         << " channels but the weight has " << inChannels;
  int64_t outChannels = ShapedType::isDynamic(dim(weightType, 1))
                            ? ShapedType::kDynamic
                            : dim(weightType, 1) * groups;
  if (mismatch(dim(outputType, 1), outChannels) ||
      mismatch(dim(outputType, 0), dim(inputType, 0)))
    return emitOpError() << "output " << outputType
                         << " does not match batch / output channels of "
                         << inputType << " and " << weightType;
  if (failed(verifyEpilogue(*this, getInputScale().convertToFloat(),
                            static_cast<int64_t>(getInputZeroPoint()),
                            inputType, getWeightScale(),
                            getOutputScale().convertToFloat(),
                            static_cast<int64_t>(getOutputZeroPoint()),
                            outputType, static_cast<int64_t>(getClampMin()),
                            static_cast<int64_t>(getClampMax()), outChannels,
                            getBias())))
    return failure();
  for (float m : getRequantMultipliers())
    if (failed(checkMultiplier(*this, "input_scale * weight_scale / "
                                      "output_scale", m)))
      return failure();
  if (inputType.hasStaticShape() && weightType.hasStaticShape() &&
      outputType.hasStaticShape()) {
    ::qc::ConvTranspose2dAttrs attrs;
    std::copy(getStrides().begin(), getStrides().end(), attrs.strides.begin());
    std::copy(getPads().begin(), getPads().end(), attrs.pads.begin());
    std::copy(getDilations().begin(), getDilations().end(),
              attrs.dilations.begin());
    std::copy(getOutputPadding().begin(), getOutputPadding().end(),
              attrs.outputPadding.begin());
    attrs.groups = groups;
    absl::StatusOr<::qc::Shape> shape = ::qc::convTranspose2dOutputShape(
        ::qc::Shape(inputType.getShape().begin(), inputType.getShape().end()),
        ::qc::Shape(weightType.getShape().begin(),
                    weightType.getShape().end()),
        attrs);
    if (!shape.ok())
      return emitOpError() << std::string(shape.status().message());
    if (ArrayRef<int64_t>(*shape) != outputType.getShape())
      return emitOpError() << "result " << outputType << " differs from the "
                           << "transposed convolution's shape ["
                           << ArrayRef<int64_t>(*shape) << "]";
  }
  return success();
}

SmallVector<float> QConvTranspose2dOp::getRequantMultipliers() {
  return multipliers(getInputScale().convertToFloat(), getWeightScale(),
                     getOutputScale().convertToFloat());
}
