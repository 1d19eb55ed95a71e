//===- ProgramChecks.cpp - what qc-plan-memory checks around the plan -----===//
//
// The checks of the memory-plan step (MemoryPlan.cpp runs them): before
// planning, every tensor of the program static, positive and within
// kMaxCompiledTensorBytes, every op's element types ones its emitter
// implements (verifyStorageTypes), names C strings can hold; before
// placing, every buffer's size; after placing (and when qc-lower-model
// reads a plan back), every buffer and view inside the arena.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "support/Shapes.h"

#include "llvm/Support/raw_ostream.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <string>

namespace mlir::qc::model_codegen {


namespace {
/// "element type i16" for messages.
std::string typeText(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

bool isInt8(Type t) { return t.isInteger(8); }
/// 8-bit or int16 activations (the 16x8 steps of Int16.cpp).
bool isInt8Or16(Type t) { return t.isInteger(8) || t.isInteger(16); }
} // namespace

/// "input 'x' (#0)" for messages: the model's name for an argument.
std::string describeInput(func::FuncOp func, BlockArgument arg) {
  std::string s = "input ";
  if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "qc.name"))
    s += "'" + name.str() + "' ";
  return s + "(#" + std::to_string(arg.getArgNumber()) + ")";
}

LogicalResult ModelBuilder::verifyProgram() {
  // Every tensor the program holds (inputs, constants, results of every op):
  // ranked, static, every dimension >= 1, and at most
  // kMaxCompiledTensorBytes bytes, computed without overflow.
  auto checkTensor = [&](Operation *where, Value v,
                         const Twine &what) -> LogicalResult {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    auto fail = [&]() {
      InFlightDiagnostic d = where ? where->emitError() : src.emitError();
      d << "qc compile: " << what << " has type " << v.getType() << "; ";
      return d;
    };
    if (!type)
      return fail() << "compiled code needs ranked tensors";
    if (!type.hasStaticShape()) {
      bool inputsStatic = llvm::all_of(src.getArgumentTypes(), [](Type t) {
        auto rt = dyn_cast<RankedTensorType>(t);
        return rt && rt.hasStaticShape();
      });
      if (where && inputsStatic)
        return fail() << "every dimension must be static, and shape "
                         "inference does not reach this op (the integer ops "
                         "of qc-lower-to-integer have no shape rule): bind "
                         "the input shapes on the Q/DQ program (`qc "
                         "quantize` without --lower-to-integer, then `qc "
                         "compile --input-shape`)";
      return fail() << "every dimension must be static (bind the model's "
                       "dynamic input dimensions with --input-shape "
                       "NAME=D0,D1,...)";
    }
    for (int64_t d : type.getShape())
      if (d < 1)
        return fail() << "compiled code needs every dimension >= 1 (empty "
                         "tensors are not supported)";
    Type et = type.getElementType();
    if (!et.isIntOrFloat())
      return fail() << "compiled code needs integer or float elements";
    int64_t bytes = satMul(product(type.getShape()), elementBytes(et));
    if (bytes > kMaxCompiledTensorBytes)
      return fail() << "it would take "
                    << (bytes == std::numeric_limits<int64_t>::max()
                            ? std::string("more than 2^63")
                            : std::to_string(bytes))
                    << " bytes, more than the 2^40 a compiled tensor may have";
    return success();
  };
  for (BlockArgument arg : src.getArguments())
    if (failed(checkTensor(nullptr, arg, describeInput(src, arg))))
      return failure();
  for (Operation &op : src.getBody().front()) {
    if (isa<func::ReturnOp>(op))
      continue;
    for (auto [i, r] : llvm::enumerate(op.getResults()))
      if (failed(checkTensor(&op, r,
                             "result #" + Twine(i) + " of '" +
                                 op.getName().getStringRef() + "'")))
        return failure();
    // Window and padding attributes feed compile-time index arithmetic
    // (int64): beyond 2^40 (far past any tensor extent) they are refused
    // rather than risk an overflow there.
    for (StringRef name : {"strides", "pads", "dilations", "kernel"})
      if (auto attr = op.getAttrOfType<DenseI64ArrayAttr>(name))
        for (int64_t v : attr.asArrayRef())
          if (v > kMaxCompiledTensorBytes || v < -kMaxCompiledTensorBytes)
            return op.emitError()
                   << "qc compile: '" << op.getName() << "' has " << name
                   << " entry " << v << ", beyond the 2^40 compiled code "
                   << "supports";
    // Tables the emitters build at compile time from the shapes: average
    // pools hold one entry per output position (a multiplier or a window),
    // a depthwise conv a row of zero points as wide as an input row, a pad
    // one input offset per output index of each dimension.
    int64_t tableBytes = 0;
    if (isa<QAvgPool2dOp, AvgPool2dOp>(op)) {
      auto out = cast<RankedTensorType>(op.getResult(0).getType());
      if (out.getRank() == 4)
        tableBytes = satMul(satMul(out.getDimSize(2), out.getDimSize(3)), 8);
    } else if (isa<QConv2dOp>(op)) {
      auto in = cast<RankedTensorType>(op.getOperand(0).getType());
      if (in.getRank() == 4)
        tableBytes = satMul(in.getDimSize(1), in.getDimSize(3));
    } else if (isa<PadOp>(op)) {
      auto out = cast<RankedTensorType>(op.getResult(0).getType());
      for (int64_t d : out.getShape())
        tableBytes = std::min(std::numeric_limits<int64_t>::max() - 1,
                              tableBytes + satMul(d, 8));
    }
    if (tableBytes > kMaxCompiledConstantBytes)
      return op.emitError() << "qc compile: '" << op.getName()
                            << "' would need a compile-time table of "
                            << tableBytes
                            << " bytes (from its shapes), more than 2^31";
    // Constants are read into memory (and packed) at compile time: a splat
    // of a huge type takes no space in the file but would here.
    if (auto c = dyn_cast<ConstantOp>(op)) {
      auto type = cast<RankedTensorType>(c.getType());
      int64_t bytes = satMul(product(type.getShape()),
                             elementBytes(type.getElementType()));
      if (bytes > kMaxCompiledConstantBytes)
        return op.emitError()
               << "qc compile: a constant of type " << c.getType() << " ("
               << bytes << " bytes) is larger than the 2^31 bytes qc "
               << "compile reads into memory";
    }
    if (failed(verifyStorageTypes(&op)))
      return failure();
  }
  // Names become C strings of the descriptor: no NUL inside.
  auto checkName = [&](StringAttr name, StringRef what,
                       unsigned i) -> LogicalResult {
    if (name && name.getValue().contains('\0'))
      return src.emitError() << "qc compile: the name of " << what << " #"
                             << i
                             << " contains a NUL byte, which a C string "
                                "(the runtime's tensor name) cannot hold";
    return success();
  };
  for (unsigned i = 0; i < src.getNumArguments(); ++i)
    if (failed(checkName(src.getArgAttrOfType<StringAttr>(i, "qc.name"),
                         "input", i)))
      return failure();
  for (unsigned i = 0; i < src.getNumResults(); ++i)
    if (failed(checkName(src.getResultAttrOfType<StringAttr>(i, "qc.name"),
                         "output", i)))
      return failure();
  return success();
}

LogicalResult ModelBuilder::verifyStorageTypes(Operation *op) {
  // The element types each emitter implements. Anything else the verifiers
  // accept (i16 / i32 quantized activations, ...) would be read or stored
  // with the wrong width: an error naming the op and the type instead.
  auto elementOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getElementType();
  };
  auto refuse = [&](StringRef role, Type t, StringRef supported) {
    return op->emitError() << "qc compile: '" << op->getName() << "' with "
                           << role << " of element type " << typeText(t)
                           << " is not supported by the native code yet ("
                           << supported << ")";
  };
  constexpr const char *k8bit = "quantized activations must be ui8 or i8";
  constexpr const char *k16bit =
      "quantized activations must be ui8, i8 or i16";
  if (isa<ConstantOp>(op) || isFoldedDequantize(op))
    return success(); // read at compile time by their users
  if (isFloatOp(op) && failed(refuseUnloweredInt16(op)))
    return failure();
  if (auto q = dyn_cast<QuantizeOp>(op)) {
    if (!isInt8Or16(elementOf(q.getResult())))
      return refuse("a result", elementOf(q.getResult()), k16bit);
    return success();
  }
  if (auto dq = dyn_cast<DequantizeOp>(op)) {
    Type t = elementOf(dq.getInput());
    if (!isInt8Or16(t) && !t.isInteger(32))
      return refuse("an operand", t, "it dequantizes ui8, i8, i16 and i32");
    return success();
  }
  if (isa<QConv2dOp, QLinearOp>(op)) {
    Type in = elementOf(op->getOperand(0)), w = elementOf(op->getOperand(1)),
         out = elementOf(op->getResult(0));
    if (!isInt8Or16(in))
      return refuse("an input", in, k16bit);
    if (!w.isSignlessInteger(8) && !w.isSignedInteger(8))
      return refuse("weights", w, "weights must be i8");
    if (op->getNumOperands() > 2 && !elementOf(op->getOperand(2)).isInteger(32))
      return refuse("a bias", elementOf(op->getOperand(2)),
                    "the bias must be i32");
    if (!isInt8Or16(out))
      return refuse("a result", out, k16bit);
    return success();
  }
  if (isa<QAddOp, QMulOp, QRequantizeOp>(op)) {
    for (Value v : op->getOperands())
      if (!isInt8Or16(elementOf(v)))
        return refuse("an operand", elementOf(v), k16bit);
    if (!isInt8Or16(elementOf(op->getResult(0))))
      return refuse("a result", elementOf(op->getResult(0)), k16bit);
    return success();
  }
  if (auto ct = dyn_cast<QConvTranspose2dOp>(op)) {
    Type in = elementOf(ct.getInput()), out = elementOf(ct.getResult());
    if (!isInt8(in))
      return refuse("an input", in, k8bit);
    if (!isInt8(out))
      return refuse("a result", out, k8bit);
    return success();
  }
  if (auto rs = dyn_cast<ResizeOp>(op)) {
    if (!elementOf(rs.getInput()).isF32())
      return refuse("an input", elementOf(rs.getInput()),
                    "a float resize takes f32");
    return success();
  }
  if (isa<QMatmulOp>(op)) {
    // The ODS types already say ui8 / i8 lhs and result, i8 rhs; the
    // emitter packs the rhs as the GEMM kernels' weights.
    for (Value v : op->getOperands())
      if (!isInt8(elementOf(v)))
        return refuse("an operand", elementOf(v), k8bit);
    return success();
  }
  if (isa<QLutOp, QMaxPool2dOp, QAvgPool2dOp, QResizeOp, QMaxOp, QMinOp>(op)) {
    for (Value v : op->getOperands())
      if (!isInt8(elementOf(v)))
        return refuse("an operand", elementOf(v), k8bit);
    if (!isInt8(elementOf(op->getResult(0))))
      return refuse("a result", elementOf(op->getResult(0)), k8bit);
    return success();
  }
  if (isa<ReshapeOp, FlattenOp, TransposeOp, SliceOp, ConcatOp>(op)) {
    // Data movement copies elements of f32, ui8, i8 or i32 (the model's I/O
    // types); shape operands are read at compile time.
    auto moves = [](Type t) {
      return t.isF32() || t.isInteger(8) || t.isInteger(16) ||
             t.isInteger(32) || t.isInteger(64);
    };
    Type t = elementOf(op->getResult(0));
    if (!moves(t))
      return refuse("a result", t, "data movement copies f32, ui8, i8, i16, "
                                   "i32 and i64 tensors");
    return success();
  }
  return success(); // float ops: checkFloatOperands checks float32
}

LogicalResult ModelBuilder::verifyBufferSizes() {
  for (const ArenaBuffer &buf : buffers)
    if (buf.bytes < 1 || buf.bytes > kMaxCompiledTensorBytes)
      return src.emitError()
             << "qc compile: arena buffer '" << buf.name << "' would take "
             << (buf.bytes == std::numeric_limits<int64_t>::max()
                     ? std::string("more than 2^63")
                     : std::to_string(buf.bytes))
             << " bytes; a buffer must have 1 to 2^40 bytes";
  return success();
}

LogicalResult ModelBuilder::verifyPlan() {
  constexpr int64_t align = QC_ARENA_DEFAULT_ALIGNMENT;
  // The arena, placed: overflow-checked, each buffer inside it and aligned.
  if (arenaBytes < 0 || arenaBytes > kMaxCompiledTensorBytes)
    return src.emitError() << "qc compile: the arena would take "
                           << arenaBytes << " bytes, more than 2^40";
  for (const ArenaBuffer &buf : buffers)
    if (buf.offset < 0 || buf.offset % align != 0 ||
        buf.offset > arenaBytes - buf.bytes)
      return src.emitError()
             << "qc compile: internal error: arena buffer '" << buf.name
             << "' (offset " << buf.offset << ", " << buf.bytes
             << " bytes) is not an aligned part of the " << arenaBytes
             << "-byte arena";
  // Every tensor (views included) within what it addresses: the lowest and
  // the highest element it reaches lie inside its buffer or input.
  for (auto &[value, r] : refs) {
    if (r.kind == TensorRef::Constant)
      continue;
    // (Dimensions are >= 1 and at most 2^40 bytes, offsets and strides
    // below 2^62: the sums below cannot overflow unless a product
    // saturates, which then stays out of range.)
    int64_t lo = r.offset, hi = r.offset;
    for (auto [d, st] : llvm::zip(r.shape, r.strides)) {
      int64_t reach = satMul(d - 1, st < 0 ? -st : st);
      if (reach >= kMaxCompiledTensorBytes)
        reach = kMaxCompiledTensorBytes;
      if (st < 0)
        lo -= reach;
      else
        hi += reach;
    }
    int64_t eb = elementBytes(r.element);
    int64_t limit =
        r.kind == TensorRef::Arena
            ? buffers[r.index].bytes
            : satMul(product(cast<RankedTensorType>(
                                 src.getArgument(r.index).getType())
                                 .getShape()),
                     eb);
    if (lo < 0 || hi >= kMaxCompiledTensorBytes ||
        satMul(hi + 1, eb) > limit)
      return src.emitError()
             << "qc compile: internal error: a tensor of shape ["
             << ArrayRef<int64_t>(r.shape) << "] reaches elements " << lo << " to " << hi
             << " outside its " << limit << "-byte "
             << (r.kind == TensorRef::Arena ? "buffer '" + buffers[r.index].name + "'"
                                            : std::string("input"));
  }
  return success();
}
} // namespace mlir::qc::model_codegen
