//===- ImportQuant.cpp - QuantizeLinear / DequantizeLinear ----------------===//
//
// ONNX QDQ models (opsets 10-21) -> qc.quantize / qc.dequantize, the ops of
// the converted Q/DQ program (docs/quantization.md, "ONNX QDQ import"):
//   QuantizeLinear(x, scale, zero_point)   -> qc.quantize   (ui8 / i8)
//   DequantizeLinear(q, scale, zero_point) -> qc.dequantize (ui8 / i8 / i32)
// per tensor (scalar scale) or per axis (1-D scale, `axis` attribute, opset
// 13+). Integer initializers read by DequantizeLinear (quantized weights and
// biases) become integer qc.constant ops, kept as they are.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCQParams.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {

/// The qc element type of an ONNX quantized type, or null.
Type quantElementType(Builder &b, int32_t onnxType) {
  switch (static_cast<OnnxDataType>(onnxType)) {
  case OnnxDataType::Uint8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case OnnxDataType::Int8:
    return b.getIntegerType(8);
  case OnnxDataType::Int32:
    return b.getI32Type();
  default:
    return nullptr;
  }
}

int64_t rawInt(const OnnxTensor &t, int64_t i) {
  switch (static_cast<OnnxDataType>(t.dataType)) {
  case OnnxDataType::Uint8:
    return static_cast<uint8_t>(t.data[i]);
  case OnnxDataType::Int8:
    return static_cast<int8_t>(t.data[i]);
  case OnnxDataType::Int32: {
    int32_t v;
    std::memcpy(&v, t.data.data() + 4 * i, 4);
    return v;
  }
  default:
    return 0;
  }
}

} // namespace

/// Reads the scale (input 1) and the zero point (input 2, optional) of a
/// QuantizeLinear / DequantizeLinear node and the axis; `zpType` receives the
/// ONNX type of the zero point (Uint8 when absent, the ONNX default).
/// DequantizeLinear-21 with block_size: scale and zero point of the input's
/// rank, the axis dimension ceil(dim / block_size), the others equal.
LogicalResult Importer::blockQuantParams(
    const NodeRef &n, ArrayRef<int64_t> shape, int64_t block,
    ArrayRef<int64_t> scaleShape, const std::vector<float> &scale,
    std::vector<int64_t> &zeroPoint, std::optional<int64_t> &axis,
    int32_t &zpType, std::optional<int64_t> &blockSize) {
  if (opset() < 21)
    return error(n) << "block_size needs opset 21, the model imports opset "
                    << opset();
  FailureOr<int64_t> a = intAttr(n, "axis", 1);
  if (failed(a))
    return failure();
  int64_t rank = static_cast<int64_t>(shape.size());
  int64_t ax = *a < 0 ? *a + rank : *a;
  if (ax < 0 || ax >= rank)
    return badAttr(n, "axis", Twine(*a))
           << " (the input has rank " << rank << ")";
  if (static_cast<int64_t>(scaleShape.size()) != rank)
    return error(n) << "a blocked scale needs the input's rank " << rank
                    << ", got " << shapeText(scaleShape);
  for (int64_t d = 0; d < rank; ++d) {
    if (ShapedType::isDynamic(shape[d]))
      return error(n) << "blocked quantization needs a static input shape, "
                         "got "
                      << shapeText(shape);
    int64_t want = d == ax ? (shape[d] + block - 1) / block : shape[d];
    if (scaleShape[d] != want)
      return error(n) << "block_size " << block << " along axis " << ax
                      << " of an input " << shapeText(shape)
                      << " needs a scale of shape with dimension " << d << " = "
                      << want << ", got " << shapeText(scaleShape);
  }
  for (auto [i, s] : llvm::enumerate(scale))
    if (!isValidQuantScale(s))
      return error(n) << "scale " << numberText(s) << " (entry " << i << ") "
                      << kQuantScaleRule;
  zpType = static_cast<int32_t>(OnnxDataType::Uint8);
  if (hasInput(n, 2)) {
    ValueEntry *e = lookup(n, 2);
    if (!e || !e->tensor)
      return error(n) << "the zero point (input #2) must be an initializer "
                         "or Constant";
    const OnnxTensor &t = *e->tensor;
    zpType = t.dataType;
    if (!quantElementType(b(), zpType) ||
        zpType == static_cast<int32_t>(OnnxDataType::Int32))
      return error(n) << "zero point of type " << onnxDataTypeName(zpType)
                      << ": qc imports blocked uint8, int8, uint4 and int4";
    if (t.numElements() != static_cast<int64_t>(scale.size()))
      return error(n) << "the zero point has " << t.numElements()
                      << " elements, the scale " << scale.size();
    for (int64_t i = 0; i < t.numElements(); ++i)
      zeroPoint.push_back(rawInt(t, i));
  } else {
    zeroPoint.assign(scale.size(), 0);
  }
  axis = ax;
  blockSize = block;
  return success();
}

LogicalResult Importer::quantParams(const NodeRef &n, ArrayRef<int64_t> shape,
                                    std::vector<float> &scale,
                                    std::vector<int64_t> &zeroPoint,
                                    std::optional<int64_t> &axis,
                                    int32_t &zpType,
                                    std::optional<int64_t> *blockSize) {
  if (opset() < 10)
    return error(n) << "QuantizeLinear / DequantizeLinear need opset 10, the "
                       "model imports opset "
                    << opset();
  FailureOr<int64_t> bs = intAttr(n, "block_size", 0);
  if (failed(bs))
    return failure();
  if (*bs != 0 && (!blockSize || *bs < 0))
    return error(n) << "blocked quantization (block_size = " << *bs
                    << ") is supported for a DequantizeLinear with a "
                       "positive block size only";
  SmallVector<int64_t> scaleShape;
  if (!constantFloats(n, 1, scaleShape, scale))
    return error(n) << "the scale (input #1) must be a float constant";
  if (*bs > 0)
    return blockQuantParams(n, shape, *bs, scaleShape, scale, zeroPoint, axis,
                            zpType, *blockSize);
  if (scaleShape.size() > 1)
    return error(n) << "the scale must be a scalar or 1-D, got rank "
                    << scaleShape.size();
  zpType = static_cast<int32_t>(OnnxDataType::Uint8);
  if (hasInput(n, 2)) {
    ValueEntry *e = lookup(n, 2);
    if (!e || !e->tensor)
      return error(n) << "the zero point (input #2) must be an initializer "
                         "or Constant";
    const OnnxTensor &t = *e->tensor;
    zpType = t.dataType;
    if (!quantElementType(b(), zpType))
      return error(n) << "zero point of type " << onnxDataTypeName(zpType)
                      << ": qc imports uint8, int8 and int32 (bias) Q/DQ";
    if (t.numElements() != static_cast<int64_t>(scale.size()))
      return error(n) << "the zero point has " << t.numElements()
                      << " elements, the scale " << scale.size();
    for (int64_t i = 0; i < t.numElements(); ++i)
      zeroPoint.push_back(rawInt(t, i));
  } else {
    zeroPoint.assign(scale.size(), 0);
  }
  // The dialect's one scale rule (QCQParams.h): normal, with a normal
  // reciprocal (a denormal scale would quantize everything to the range's
  // ends).
  for (auto [i, s] : llvm::enumerate(scale))
    if (!isValidQuantScale(s))
      return error(n) << "scale " << numberText(s)
                      << (scale.size() > 1 ? " (entry " + std::to_string(i) + ")"
                                           : std::string())
                      << " " << kQuantScaleRule;
  // A 1-D scale of one element is per-tensor quantization: PyTorch keeps
  // its scales in 1-element buffers and exports them without an axis
  // (opset 13's default axis 1 then names some other dimension), and ONNX
  // Runtime's tools write such scales too. Broadcasting one scale along any
  // axis is the per-tensor rule, so the axis is not checked.
  if (scaleShape.size() == 1 && scale.size() == 1)
    scaleShape.clear();
  if (scaleShape.size() == 1) {
    if (opset() < 13)
      return error(n) << "a 1-D scale (per-axis quantization) needs opset 13, "
                         "the model imports opset "
                      << opset();
    FailureOr<int64_t> a = intAttr(n, "axis", 1);
    if (failed(a))
      return failure();
    int64_t rank = static_cast<int64_t>(shape.size());
    int64_t ax = *a < 0 ? *a + rank : *a;
    if (ax < 0 || ax >= rank)
      return badAttr(n, "axis", Twine(*a)) << " (the input has rank " << rank
                                           << ")";
    axis = ax;
    if (!ShapedType::isDynamic(shape[ax]) &&
        shape[ax] != static_cast<int64_t>(scale.size()))
      return error(n) << "per-axis scale has " << scale.size()
                      << " entries, the input's dimension " << ax << " is "
                      << shape[ax];
  }
  return success();
}

LogicalResult Importer::importQuantizeLinear(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  auto xt = cast<RankedTensorType>(x->getType());
  std::vector<float> scale;
  std::vector<int64_t> zp;
  std::optional<int64_t> axis;
  int32_t zpType;
  if (failed(quantParams(n, xt.getShape(), scale, zp, axis, zpType)))
    return failure();
  if (FailureOr<int64_t> od = intAttr(n, "output_dtype", 0); failed(od))
    return failure();
  else if (*od != 0 && hasInput(n, 2) && *od != zpType)
    return error(n) << "output_dtype disagrees with the zero point's type";
  else if (*od != 0)
    zpType = static_cast<int32_t>(*od);
  Type et = quantElementType(b(), zpType);
  if (!et || et.isInteger(32))
    return error(n) << "QuantizeLinear to " << onnxDataTypeName(zpType)
                    << ": qc imports uint8 and int8";
  bool isUnsigned = et.isUnsignedInteger();
  auto type = RankedTensorType::get(xt.getShape(), et);
  IntegerAttr axisAttr = axis ? b().getI64IntegerAttr(*axis) : IntegerAttr();
  auto op = builder.create<QuantizeOp>(
      n.loc, type, *x, b().getDenseF32ArrayAttr(scale),
      b().getDenseI64ArrayAttr(zp), axisAttr,
      b().getI64IntegerAttr(isUnsigned ? 0 : -128),
      b().getI64IntegerAttr(isUnsigned ? 255 : 127));
  setOutput(n, 0, op.getResult());
  return success();
}

LogicalResult Importer::importDequantizeLinear(const NodeRef &n) {
  // The quantized input: an integer initializer (weights, biases) becomes
  // an integer constant as it is; otherwise a value of a quantized type.
  Value q;
  ValueEntry *e = lookup(n, 0);
  if (!e)
    return error(n) << "input #0 is required but missing";
  if (!e->value && e->tensor) {
    const OnnxTensor &t = *e->tensor;
    Type et = quantElementType(b(), t.dataType);
    if (!et)
      return error(n) << "input #0 ('" << t.name << "') has type "
                      << onnxDataTypeName(t.dataType)
                      << ": qc imports uint8, int8 and int32 Q/DQ";
    SmallVector<int64_t> shape(t.dims.begin(), t.dims.end());
    if (t.numElements() == 0)
      return error(n) << "input #0 ('" << t.name << "') is an empty tensor "
                      << shapeText(shape)
                      << "; qc does not compute empty tensors";
    auto type = RankedTensorType::get(shape, et);
    std::string hint = resourceKey(t.name);
    ElementsAttr attr = makeConstantAttr(
        type, ArrayRef<char>(t.data.data(), t.data.size()), hint);
    q = builder.create<ConstantOp>(n.loc, type, attr).getResult();
    e->value = q;
  } else {
    FailureOr<Value> v = anyInput(n, 0);
    if (failed(v))
      return failure();
    q = *v;
  }
  auto qt = cast<RankedTensorType>(q.getType());
  Type et = qt.getElementType();
  if (!(et.isInteger(8) || et.isInteger(32)))
    return error(n) << "input #0 must be a uint8, int8 or int32 tensor, got "
                    << qt;
  std::vector<float> scale;
  std::vector<int64_t> zp;
  std::optional<int64_t> axis;
  int32_t zpType;
  std::optional<int64_t> block;
  if (failed(quantParams(n, qt.getShape(), scale, zp, axis, zpType, &block)))
    return failure();
  if (hasInput(n, 2) && quantElementType(b(), zpType) != et)
    return error(n) << "the zero point's type " << onnxDataTypeName(zpType)
                    << " differs from the input's " << qt;
  if (et.isInteger(32))
    for (int64_t z : zp)
      if (z != 0)
        return error(n) << "an int32 DequantizeLinear needs zero point 0, got "
                        << z;
  auto type = RankedTensorType::get(qt.getShape(), b().getF32Type());
  IntegerAttr axisAttr = axis ? b().getI64IntegerAttr(*axis) : IntegerAttr();
  auto op = builder.create<DequantizeOp>(
      n.loc, type, q, b().getDenseF32ArrayAttr(scale),
      b().getDenseI64ArrayAttr(zp), axisAttr,
      block ? b().getI64IntegerAttr(*block) : IntegerAttr());
  setOutput(n, 0, op.getResult());
  return success();
}

LogicalResult Importer::importIntegerClamp(const NodeRef &n, Value q, double lo,
                                           double hi) {
  auto quant = q.getDefiningOp<QuantizeOp>();
  if (!quant)
    return error(n) << "input #0 ('" << n.node.inputs[0] << "') is of type "
                    << q.getType()
                    << "; qc imports a Clip / Relu of quantized values "
                       "only directly after a QuantizeLinear (it narrows that "
                       "node's range)";
  if (std::isnan(lo) || std::isnan(hi))
    return error(n) << "a bound of the Clip is NaN";
  auto qmin = static_cast<int64_t>(quant.getQuantMin());
  auto qmax = static_cast<int64_t>(quant.getQuantMax());
  // Integer clamp bounds: the integers in [lo, hi].
  int64_t newMin =
      lo <= static_cast<double>(qmin)
          ? qmin
          : static_cast<int64_t>(std::min<double>(std::ceil(lo), qmax + 1));
  int64_t newMax =
      hi >= static_cast<double>(qmax)
          ? qmax
          : static_cast<int64_t>(std::max<double>(std::floor(hi), qmin - 1));
  for (int64_t zp : quant.getZeroPoint())
    if (newMin >= newMax || zp < newMin || zp > newMax)
      return error(n) << "clamping the quantized values of '"
                      << n.node.inputs[0] << "' (range [" << qmin << ", "
                      << qmax << "], zero point " << zp << ") to ["
                      << numberText(lo) << ", " << numberText(hi)
                      << "] leaves the range [" << newMin << ", " << newMax
                      << "]; a quantization range must hold two values or "
                         "more, the zero point among them";
  auto op = builder.create<QuantizeOp>(
      n.loc, quant.getType(), quant.getInput(), quant.getScaleAttr(),
      quant.getZeroPointAttr(), quant.getAxisAttr(),
      b().getI64IntegerAttr(newMin), b().getI64IntegerAttr(newMax));
  setOutput(n, 0, op.getResult());
  return success();
}
