//===- FloatCodegen.cpp - the float steps' shared plan and operands ------===//
//
// What every float step shares (a float32 op that a partially quantized or
// unquantized program keeps); the steps are in the files of their families
// (LowerModel.cpp lists them; docs/codegen.md has the rules):
//   FloatElementwise.cpp    unary and binary elementwise ops, pow, the math
//                           functions (support/Math.h on MLIR values)
//   FloatGemm.cpp           conv2d, linear, matmul (register-tiled GEMM)
//   FloatConvTranspose.cpp  conv_transpose2d
//   FloatPool.cpp           max_pool2d, avg_pool2d
//   FloatNormalize.cpp      softmax, log_softmax, layer_norm, batch_norm
//   FloatReduce.cpp         reductions, ArgMax / ArgMin
//   DataMovement.cpp        pad
//   DynamicLinear.cpp       dynamic_fake_quant (run-time qparams)
// Here: which ops are float steps, their shared plan rules (operands, the
// result's layout; a family file has its ops' own checks and scratch),
// constant operands (folded at compile time, or read from the object),
// broadcasting strides, C library calls and the vector width.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"
#include "passes/Codegen/Target.h"

#include "dialects/qc/IR/QCConstants.h"
#include "support/MemoryLimit.h"
#include "support/Shapes.h"

#include <limits>

namespace mlir::qc::model_codegen {

/// Strides of \p r read as a tensor of \p outShape (numpy broadcasting:
/// leading dimensions added, size-1 dimensions repeated with stride 0).
SmallVector<int64_t> broadcastStrides(const TensorRef &r,
                                      ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> s(outShape.size(), 0);
  size_t shift = outShape.size() - r.shape.size();
  for (size_t d = 0; d < r.shape.size(); ++d)
    s[d + shift] = r.shape[d] == 1 ? 0 : r.strides[d];
  return s;
}

bool ModelBuilder::isFloatOp(Operation *op) {
  const LoweringPattern *pattern = findPattern(op);
  return pattern && pattern->floatStep();
}

bool ModelBuilder::isFoldedDequantize(Operation *op) {
  auto dq = dyn_cast<DequantizeOp>(op);
  return dq && dq.getInput().getDefiningOp<ConstantOp>() &&
         cast<RankedTensorType>(dq.getResult().getType())
             .getElementType()
             .isF32();
}

bool ModelBuilder::isFloatConstant(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto c = dyn_cast<ConstantOp>(def))
    return cast<RankedTensorType>(v.getType()).getElementType().isF32();
  return isFoldedDequantize(def);
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

const char *const kFloatSupported =
    "and in float32 qc.conv2d, qc.conv_transpose2d, qc.linear, qc.matmul, "
    "qc.relu, qc.clamp, qc.sigmoid, qc.tanh, qc.hardswish, qc.hardsigmoid, "
    "qc.gelu, qc.erf, qc.sqrt, qc.abs, qc.neg, qc.exp, qc.log, "
    "qc.reciprocal, qc.floor, qc.ceil, qc.round, qc.leaky_relu, qc.add, "
    "qc.sub, qc.mul, qc.div, qc.pow, qc.max, qc.min, qc.prelu, "
    "qc.max_pool2d, qc.avg_pool2d, qc.reduce_mean, qc.softmax, "
    "qc.log_softmax, "
    "qc.layer_norm, qc.batch_norm, qc.pad, qc.dynamic_fake_quant";

LogicalResult ModelBuilder::checkFloatOperands(Operation *op) {
  // Activations come from compiled ops; constants are read at compile time.
  for (Value v : op->getOperands())
    if (!isFloatConstant(v) && failed(requireRef(op, v, "an operand")))
      return failure();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.getElementType().isF32())
    return op->emitError() << "qc compile: '" << op->getName()
                           << "' must have a float32 result";
  for (Value v : op->getOperands())
    if (!cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return op->emitError() << "qc compile: the operands of '"
                             << op->getName() << "' must be float32";
  return success();
}

LogicalResult ModelBuilder::checkFloatConvOperands(Operation *op,
                                                  Value weight, Value bias) {
  if (failed(checkFloatOperands(op)))
    return failure();
  if (cast<RankedTensorType>(op->getResult(0).getType()).getRank() != 4 ||
      cast<RankedTensorType>(weight.getType()).getRank() != 4 ||
      !isFloatConstant(weight) || (bias && !isFloatConstant(bias)))
    return op->emitError() << "qc compile: " << op->getName()
                           << " needs a 4-D input and constant weights and "
                              "bias";
  return success();
}

bool ModelBuilder::hasNhwcOperand(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  for (Value v : op->getOperands()) {
    auto it = refs.find(v);
    if (it != refs.end() && it->second.isNhwc() &&
        ArrayRef<int64_t>(it->second.shape) == type.getShape())
      return true;
  }
  return false;
}

LogicalResult ModelBuilder::planFloatRowMajor(Operation *op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  placeResult(op, /*rowMajor=*/true);
  return success();
}

LogicalResult ModelBuilder::planFloatNhwc(Operation *op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  placeResult(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

FailureOr<std::vector<float>> ModelBuilder::foldFloatConstant(Operation *op,
                                                              Value v) {
  // The values are held here and once more in the object: both under the
  // memory cap (--max-memory), checked before anything is read.
  auto vt = cast<RankedTensorType>(v.getType());
  std::optional<int64_t> bytes = ::qc::tensorBytes(
      ::qc::Shape(vt.getShape().begin(), vt.getShape().end()), sizeof(float));
  if (!bytes || *bytes > ::qc::maxMemory() / 2)
    return op->emitError()
           << "qc compile: the constant operand of shape "
           << ::qc::shapeToString(
                  ::qc::Shape(vt.getShape().begin(), vt.getShape().end()))
           << " needs "
           << (bytes ? ::qc::formatBytes(*bytes) : std::string("more than "
                                                               "2^63 bytes"))
           << " twice (as float32 values and in the object), more than the "
              "memory cap of "
           << ::qc::formatBytes(::qc::maxMemory())
           << " allows (raise it with --max-memory SIZE)";
  if (auto c = v.getDefiningOp<ConstantOp>()) {
    auto values = getConstantValues<float>(c.getValue());
    if (failed(values))
      return op->emitError("qc compile: cannot read a float constant operand");
    return *values;
  }
  // A dequantized constant: (q - zp) * scale, per tensor or per channel, as
  // the reference's dequantize computes it.
  auto dq = v.getDefiningOp<DequantizeOp>();
  auto c = dq ? dq.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return op->emitError("qc compile: expected a constant operand");
  auto type = cast<RankedTensorType>(c.getType());
  FailureOr<std::vector<int32_t>> q;
  Type et = type.getElementType();
  std::vector<int32_t> wide;
  if (et.getIntOrFloatBitWidth() == 8) {
    auto v8 = getConstantValues<int8_t>(c.getValue());
    if (failed(v8))
      return op->emitError("qc compile: cannot read a quantized constant");
    for (int8_t x : *v8)
      wide.push_back(et.isUnsignedInteger() ? static_cast<uint8_t>(x) : x);
  } else if (et.getIntOrFloatBitWidth() == 32) {
    auto v32 = getConstantValues<int32_t>(c.getValue());
    if (failed(v32))
      return op->emitError("qc compile: cannot read a quantized constant");
    wide = std::move(*v32);
  } else {
    return op->emitError("qc compile: unsupported quantized constant type");
  }
  ArrayRef<float> scales = dq.getScale();
  ArrayRef<int64_t> zps = dq.getZeroPoint();
  std::optional<uint64_t> axis = dq.getAxis();
  // Blocks of `block` along the axis (1: per channel), `blocks` of them.
  // block_size: the qparams of blocks along the axis, over the shape with
  // the axis dimension replaced by `blocks` (row-major).
  int64_t inner = 1, channels = 1, block = 0;
  if (axis) {
    channels = type.getDimSize(*axis);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    if (std::optional<uint64_t> bs = dq.getBlockSize())
      block = static_cast<int64_t>(*bs);
  }
  const int64_t blocks = block ? (channels + block - 1) / block : channels;
  const int64_t outer = static_cast<int64_t>(wide.size()) /
                        std::max<int64_t>(channels * inner, 1);
  const int64_t expected =
      !axis ? 1 : (block ? outer * blocks * inner : channels);
  if (static_cast<int64_t>(scales.size()) != expected ||
      zps.size() != scales.size())
    return op->emitError("qc compile: malformed dequantize of a constant");
  std::vector<float> out(wide.size());
  for (size_t i = 0; i < wide.size(); ++i) {
    const int64_t e = static_cast<int64_t>(i);
    int64_t ch = !axis   ? 0
                 : block ? ((e / (channels * inner)) * blocks +
                            (e / inner) % channels / block) *
                                   inner +
                               e % inner
                         : (e / inner) % channels;
    // In int64, as the reference's dequantize (an int32 difference of an
    // int32 value and its zero point could overflow).
    out[i] = static_cast<float>(int64_t{wide[i]} - zps[ch]) * scales[ch];
  }
  return out;
}

FailureOr<std::vector<float>>
ModelBuilder::foldFloatBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return std::vector<float>(channels, 0.0f);
  FailureOr<std::vector<float>> values = foldFloatConstant(op, bias);
  if (failed(values))
    return failure();
  if (static_cast<int64_t>(values->size()) != channels)
    return op->emitError() << "qc compile: the bias has " << values->size()
                           << " values for " << channels << " channels";
  return values;
}

FailureOr<ModelBuilder::FloatOperand>
ModelBuilder::floatOperand(Operation *op, Value v) {
  auto it = refs.find(v);
  if (it != refs.end())
    return FloatOperand{it->second, basePointer(it->second)};
  FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
  if (failed(values))
    return failure();
  auto type = cast<RankedTensorType>(v.getType());
  FloatOperand r;
  r.ref.shape.assign(type.getShape().begin(), type.getShape().end());
  r.ref.strides = rowMajorStrides(r.ref.shape);
  r.ref.element = f32;
  countFloatWeights(static_cast<int64_t>(values->size()));
  r.base = constantArray<float>("f32", *values);
  return r;
}

FailureOr<TensorRef> ModelBuilder::constantOperand(ConstantOp c) {
  // The element bytes as the reference executor reads them.
  auto type = cast<RankedTensorType>(c.getType());
  Type et = type.getElementType();
  std::vector<char> bytes;
  bool ok = false;
  auto append = [&](auto values) {
    if (failed(values))
      return;
    const char *p = reinterpret_cast<const char *>(values->data());
    bytes.assign(p, p + values->size() * sizeof((*values)[0]));
    ok = true;
  };
  if (et.isF32())
    append(getConstantValues<float>(c.getValue()));
  else if (et.isInteger(8))
    append(getConstantValues<int8_t>(c.getValue()));
  else if (et.isInteger(16))
    append(getConstantValues<int16_t>(c.getValue()));
  else if (et.isInteger(32))
    append(getConstantValues<int32_t>(c.getValue()));
  else if (et.isInteger(64))
    append(getConstantValues<int64_t>(c.getValue()));
  else if (et.isInteger(1)) // a byte per bool, read as `byte != 0`
    append(getConstantValues<int8_t>(c.getValue()));
  if (!ok)
    return failure();
  if (bytes.empty())
    bytes.assign(1, 0); // an empty tensor: a pointer that is never read
  TensorRef r;
  r.kind = TensorRef::Constant;
  r.index = static_cast<int64_t>(constantOperandBytes.size());
  r.shape.assign(type.getShape().begin(), type.getShape().end());
  r.strides = rowMajorStrides(r.shape);
  r.element = et;
  constantOperandBytes.push_back(std::move(bytes));
  return r;
}

Value ModelBuilder::constantOperandPointer(int64_t index) {
  auto key = std::make_pair(prefix, index);
  auto it = constantOperandGlobals.find(key);
  if (it == constantOperandGlobals.end())
    it = constantOperandGlobals
             .emplace(key, addConstant("operand", constantOperandBytes[index]))
             .first;
  return addressOf(it->second);
}

Value ModelBuilder::callLibm(StringRef name, ValueRange args) {
  Type t = args.front().getType();
  auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!fn) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    fn = b.create<LLVM::LLVMFuncOp>(
        loc, name,
        LLVM::LLVMFunctionType::get(t, SmallVector<Type>(args.size(), t)));
  }
  return b.create<LLVM::CallOp>(loc, fn, args).getResult();
}

int64_t ModelBuilder::floatLanes() const {
  return ::qc::codegen::getTarget(currentIsa).floatLanes;
}

LogicalResult ModelBuilder::bindFloatData(Operation *op) {
  // The data operand of a float op may be a constant the reference executor
  // evaluates (e.g. a qc.pad of a constant with --no-simplify): it is read
  // from the object like a constant operand of an integer op.
  Value data = op->getOperand(0);
  if (!refs.count(data)) {
    auto c = data.getDefiningOp<ConstantOp>();
    FailureOr<TensorRef> r =
        c ? constantOperand(c) : FailureOr<TensorRef>(failure());
    if (failed(r))
      return op->emitError() << "qc compile: the input of '" << op->getName()
                             << "' must be computed or a readable constant";
    refs[data] = *r;
  }
  return success();
}

} // namespace mlir::qc::model_codegen
