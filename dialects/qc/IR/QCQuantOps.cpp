//===- QCQuantOps.cpp - observe / quantize / dequantize verifiers ---------===//
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/QCQParams.h"

#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::qc;

namespace {
/// Checks scale / zero_point / axis of a quantize-like op against the shape
/// of the float side `shaped`, and the range against the storage type.
LogicalResult verifyQParams(Operation *op, RankedTensorType shaped,
                            ArrayRef<float> scale, ArrayRef<int64_t> zeroPoint,
                            std::optional<int64_t> axis,
                            std::optional<std::pair<int64_t, int64_t>> range,
                            Type storage) {
  if (scale.empty() || scale.size() != zeroPoint.size())
    return op->emitOpError("needs as many zero points as scales (at least "
                           "one), got ")
           << scale.size() << " scales and " << zeroPoint.size()
           << " zero points";
  for (float s : scale)
    if (!isValidQuantScale(s))
      return op->emitOpError("scales ") << kQuantScaleRule << ", got " << s;
  if (!axis) {
    if (scale.size() != 1)
      return op->emitOpError("per-tensor qparams need one scale, got ")
             << scale.size() << " (set `axis` for per-channel)";
  } else {
    if (*axis < 0 || *axis >= shaped.getRank())
      return op->emitOpError("axis ")
             << *axis << " is out of range for rank " << shaped.getRank();
    int64_t dim = shaped.getDimSize(*axis);
    if (!ShapedType::isDynamic(dim) &&
        static_cast<int64_t>(scale.size()) != dim)
      return op->emitOpError("per-channel qparams need ")
             << dim << " scales (dimension " << *axis << "), got "
             << scale.size();
  }
  if (storage) {
    auto limits = storageRange(storage);
    if (failed(limits))
      return op->emitOpError("storage type must be ui8, i8, i16 or i32");
    int64_t lo = range ? range->first : limits->first;
    int64_t hi = range ? range->second : limits->second;
    if (lo >= hi || lo < limits->first || hi > limits->second)
      return op->emitOpError("quantization range [")
             << lo << ", " << hi << "] is empty or does not fit " << storage;
    for (int64_t zp : zeroPoint)
      if (zp < lo || zp > hi)
        return op->emitOpError("zero point ")
               << zp << " is outside [" << lo << ", " << hi << "]";
  }
  return success();
}

// I64Attr getters return uint64_t; the values are signed.
std::pair<int64_t, int64_t> signedRange(uint64_t lo, uint64_t hi) {
  return {static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
}
std::optional<int64_t> signedAxis(std::optional<uint64_t> axis) {
  if (!axis)
    return std::nullopt;
  return static_cast<int64_t>(*axis);
}

LogicalResult sameShape(Operation *op, Type a, Type b) {
  if (failed(verifyCompatibleShape(a, b)))
    return op->emitOpError("input and output shapes differ: ")
           << a << " vs " << b;
  return success();
}
} // namespace

LogicalResult ObserveOp::verify() {
  if (getScale().has_value() != getZeroPoint().has_value())
    return emitOpError("calibrated qparams need both scale and zero_point");
  if (!getScale())
    return success();
  QuantSpecAttr spec = getSpec();
  std::optional<int64_t> axis;
  if (spec.getAxis() >= 0)
    axis = spec.getAxis();
  return verifyQParams(*this, getType(), *getScale(), *getZeroPoint(), axis,
                       std::make_pair(spec.getQuantMin(), spec.getQuantMax()),
                       spec.getDtype());
}

LogicalResult QuantizeOp::verify() {
  if (failed(sameShape(*this, getInput().getType(), getType())))
    return failure();
  return verifyQParams(*this, getInput().getType(), getScale(),
                       getZeroPoint(), signedAxis(getAxis()),
                       signedRange(getQuantMin(), getQuantMax()),
                       getType().getElementType());
}

LogicalResult DequantizeOp::verify() {
  if (failed(sameShape(*this, getInput().getType(), getType())))
    return failure();
  if (std::optional<uint64_t> blockAttr = getBlockSize()) {
    auto block = static_cast<int64_t>(*blockAttr);
    RankedTensorType type = getType();
    std::optional<int64_t> axis = signedAxis(getAxis());
    if (!axis || *axis < 0 || *axis >= type.getRank())
      return emitOpError("block_size needs an axis inside the rank ")
             << type.getRank();
    if (block < 1)
      return emitOpError("block_size must be positive, got ") << block;
    if (!type.hasStaticShape())
      return emitOpError("block_size needs a static shape, got ") << type;
    int64_t blocks = 1;
    for (int64_t d = 0; d < type.getRank(); ++d)
      blocks *= d == *axis ? (type.getDimSize(d) + block - 1) / block
                           : type.getDimSize(d);
    ArrayRef<float> scale = getScale();
    ArrayRef<int64_t> zeroPoint = getZeroPoint();
    if (static_cast<int64_t>(scale.size()) != blocks ||
        zeroPoint.size() != scale.size())
      return emitOpError("block_size ")
             << block << " along axis " << *axis << " of " << type << " needs "
             << blocks << " scales and zero points, got " << scale.size()
             << " and " << zeroPoint.size();
    for (float s : scale)
      if (!isValidQuantScale(s))
        return emitOpError("scales ") << kQuantScaleRule << ", got " << s;
    auto limits = storageRange(getInput().getType().getElementType());
    if (failed(limits))
      return emitOpError("storage type must be ui8, i8, i16 or i32");
    for (int64_t zp : zeroPoint)
      if (zp < limits->first || zp > limits->second)
        return emitOpError("zero point ")
               << zp << " is outside [" << limits->first << ", "
               << limits->second << "]";
    return success();
  }
  return verifyQParams(*this, getType(), getScale(), getZeroPoint(),
                       signedAxis(getAxis()), std::nullopt,
                       getInput().getType().getElementType());
}

LogicalResult FakeQuantOp::verify() {
  auto range = signedRange(getQuantMin(), getQuantMax());
  if (range.first >= range.second)
    return emitOpError("quantization range [")
           << range.first << ", " << range.second << "] is empty";
  return verifyQParams(*this, getType(), getScale(), getZeroPoint(),
                       signedAxis(getAxis()), range, Type());
}

LogicalResult DynamicFakeQuantOp::verify() {
  Type dtype = getDtype();
  auto limits = storageRange(dtype);
  auto it = dyn_cast<IntegerType>(dtype);
  if (failed(limits) || !it || it.getWidth() != 8)
    return emitOpError("dtype must be ui8 or i8, got ") << dtype;
  auto [lo, hi] = signedRange(getQuantMin(), getQuantMax());
  if (lo >= hi || lo < limits->first || hi > limits->second)
    return emitOpError("quantization range [")
           << lo << ", " << hi << "] is empty or does not fit " << dtype;
  return success();
}

#define GET_OP_CLASSES
#include "dialects/qc/IR/QCQuantOps.cpp.inc"
