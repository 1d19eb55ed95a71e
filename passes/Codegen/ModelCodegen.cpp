//===- ModelCodegen.cpp - A whole integer program as one native function --===//
//
// Two passes over the entry function's ops, in program order (one "step" per
// op that does work):
//
//   plan   gives every tensor a place: a model input (row-major, as the
//          caller passes it) or a buffer of the arena. 4-D activations are
//          NHWC in the arena; reshape / flatten of a row-major tensor is a
//          view of the same bytes. Each buffer lives from the step that
//          writes it to the last step that reads it, and buffers whose
//          lifetimes do not overlap share bytes (first fit).
//   emit   builds, for each step, scf loops over LLVM-dialect memory accesses
//          (the code LLVM's -O3 vectorizes for the target), or calls of the
//          generated GEMM kernels on constants packed now. Steps that are
//          worth splitting are separate functions run through the runtime's
//          parallel_for. Requantization is DESIGN.md's rule, written exactly
//          as the GEMM kernels' epilogue, so every step equals the reference
//          executor bit for bit.
//
// After lowering to the LLVM dialect, the descriptor (qc_model_abi.h) is
// added as a constant global that points at the entry function.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "support/Shapes.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Target.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <cstdio>
#include <cstddef>
#include <functional>
#include <map>
#include <numeric>

namespace mlir::qc {

using ::qc::codegen::GemmIsa;
using ::qc::codegen::GemmKernelConfig;
using ::qc::codegen::PackedGemmWeights;
using ::qc::codegen::QType;

std::string cStringLiteral(StringRef s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\' || c == '?') {
      // '?' too: "??/" would be a trigraph under strict ISO C modes.
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      // Always three octal digits, so a following digit cannot join it.
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", c);
      out += esc;
    }
  }
  return out + "\"";
}

FailureOr<func::FuncOp> getEntryFunction(ModuleOp module) {
  func::FuncOp only;
  int count = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.getName() == "main")
      return func;
    only = func;
    ++count;
  }
  if (count == 1)
    return only;
  emitError(module.getLoc())
      << (count == 0 ? "the module has no function"
                     : "the module has several functions and none is @main");
  return failure();
}

bool isModelName(StringRef name) {
  // ASCII letters, digits and '_' only (llvm::isAlpha / isAlnum do not
  // depend on the locale or on the sign of char).
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string cCommentText(StringRef s) {
  std::string out;
  for (char c : s)
    out += (llvm::isAlnum(c) || StringRef(" _-.,:[]=+").contains(c)) ? c
                                                                     : '_';
  return out;
}

namespace model_codegen {

/// Types qc compile moves across the model's boundary, as qc_dtype values.
int32_t toDtype(Type t) {
  if (t.isF32())
    return QC_DTYPE_FLOAT32;
  if (t.isUnsignedInteger(8))
    return QC_DTYPE_UINT8;
  if (t.isInteger(8))
    return QC_DTYPE_INT8;
  if (t.isInteger(32))
    return QC_DTYPE_INT32;
  if (t.isSignlessInteger(64))
    return QC_DTYPE_INT64;
  return QC_DTYPE_UNDEFINED;
}

const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
    return "float32";
  case QC_DTYPE_UINT8:
    return "uint8";
  case QC_DTYPE_INT8:
    return "int8";
  case QC_DTYPE_INT32:
    return "int32";
  case QC_DTYPE_INT64:
    return "int64";
  default:
    return "undefined";
  }
}

const char *const kSupported =
    "qc.quantize / qc.dequantize (per tensor), qc.qconv2d (any groups), "
    "qc.qlinear, qc.dynamic_qlinear, qc.qmatmul, qc.qadd, qc.qmul, "
    "qc.qrequantize, "
    "qc.qlut, qc.qmax, qc.qmin, qc.qmax_pool2d, qc.qavg_pool2d, qc.reshape, qc.flatten, qc.transpose, qc.slice, "
    "qc.concat, qc.gather (run-time i64 / i32 indices), qc.qresize, "
    "qc.qconv_transpose2d (int16 activations: qc.qconv2d, qc.qlinear, qc.qadd, "
    "qc.qmul, qc.qrequantize and data movement), and in float "
    "qc.global_avg_pool2d, qc.resize";

void ModelBuilder::loopNest(ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> innerStrides,
                            const std::function<void(ArrayRef<Value>)> &body) {
  SmallVector<int64_t> order(shape.size());
  std::iota(order.begin(), order.end(), 0);
  // (std::stable_sort's buffer API is deprecated under clang-19 + libstdc++.)
  std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
    return innerStrides[x] != innerStrides[y] ? innerStrides[x] > innerStrides[y]
                                              : x < y;
  });
  SmallVector<Value> ivs(shape.size());
  std::function<void(size_t)> level = [&](size_t l) {
    if (l == order.size()) {
      body(ivs);
      return;
    }
    int64_t d = order[l];
    if (shape[d] == 1) {
      ivs[d] = cI64(0);
      level(l + 1);
      return;
    }
    forN(shape[d], [&](Value iv) {
      ivs[d] = iv;
      level(l + 1);
    });
  };
  level(0);
}

void ModelBuilder::parallelLoopNest(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> innerStrides,
    ArrayRef<Value> pointers,
    const std::function<void(ArrayRef<Value>, ArrayRef<Value>)> &body,
    const std::function<void(ArrayRef<Value>)> &prologue,
    const std::function<void(ArrayRef<Value>)> &epilogue) {
  int64_t outer = -1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] > 1 &&
        (outer < 0 || innerStrides[d] > innerStrides[outer]))
      outer = static_cast<int64_t>(d);
  SmallVector<int64_t> rest(shape.begin(), shape.end());
  int64_t count = outer < 0 ? 1 : shape[outer];
  if (outer >= 0)
    rest[outer] = 1;
  parallel(count, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
    if (prologue)
      prologue(p);
    forRange(begin, end, [&](Value iv) {
      loopNest(rest, innerStrides, [&](ArrayRef<Value> ivs) {
        SmallVector<Value> all(ivs.begin(), ivs.end());
        if (outer >= 0)
          all[outer] = iv;
        body(all, p);
      });
    });
    if (epilogue)
      epilogue(p);
  });
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

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

ModelDescriptorInfo ModelBuilder::describe() {
  ModelDescriptorInfo info;
  info.name = options.name;
  info.requiredIsa = ::qc::codegen::getTarget(isas.back()).requiredIsaBits;
  auto tensor = [&](Type t, StringAttr name, const std::string &fallback) {
    auto rt = cast<RankedTensorType>(t);
    ModelDescriptorInfo::Tensor d;
    d.name = name ? name.str() : fallback;
    d.dtype = toDtype(rt.getElementType());
    d.shape.assign(rt.getShape().begin(), rt.getShape().end());
    return d;
  };
  for (unsigned i = 0; i < src.getNumArguments(); ++i)
    info.inputs.push_back(
        tensor(src.getArgument(i).getType(),
               src.getArgAttrOfType<StringAttr>(i, "qc.name"),
               "input" + std::to_string(i)));
  for (unsigned i = 0; i < src.getNumResults(); ++i)
    info.outputs.push_back(
        tensor(src.getFunctionType().getResult(i),
               src.getResultAttrOfType<StringAttr>(i, "qc.name"),
               "output" + std::to_string(i)));
  info.arenaSize = static_cast<uint64_t>(arenaBytes);
  info.arenaAlignment = QC_ARENA_DEFAULT_ALIGNMENT;
  for (const ArenaBuffer &buf : buffers)
    info.buffers.push_back({buf.name, static_cast<uint64_t>(buf.offset),
                            static_cast<uint64_t>(buf.bytes)});
  return info;
}

//===----------------------------------------------------------------------===//
// Emission helpers
//===----------------------------------------------------------------------===//

std::string ModelBuilder::addConstant(StringRef hint, ArrayRef<char> bytes) {
  // Identical contents share one global: the steps of an unrolled LSTM /
  // GRU read the same packed weights, and so may the variants of a fat
  // object.
  std::string &name = constantsByBytes[std::string(bytes.begin(), bytes.end())];
  if (!name.empty())
    return name;
  name = (prefix + "_const" + Twine(constantCount++) + "_" + hint).str();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = RankedTensorType::get({static_cast<int64_t>(bytes.size())}, i8);
  auto value = DenseElementsAttr::getFromRawBuffer(type, bytes);
  b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i8, bytes.size()),
                           /*isConstant=*/true, LLVM::Linkage::Internal, name,
                           value, /*alignment=*/64);
  constantBytes += bytes.size();
  return name;
}

Value ModelBuilder::stepParam(Attribute value) {
  auto global = dyn_cast<FlatSymbolRefAttr>(value);
  if (!stepRecord)
    return global ? addressOf(global.getValue())
                  : b.create<arith::ConstantOp>(loc, cast<TypedAttr>(value))
                        .getResult();
  // A load at the start of the step function: loop-invariant for LLVM
  // whatever the body's stores may alias.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(stepRecord->block);
  Type type = global ? Type(ptr) : cast<TypedAttr>(value).getType();
  int64_t slot =
      stepRecord->firstSlot + static_cast<int64_t>(stepRecord->params.size());
  stepRecord->params.push_back(value);
  return load(type, gep(stepRecord->block->getArgument(0), cI64(slot), ptr));
}

void ModelBuilder::parallel(
    int64_t count, ArrayRef<Value> pointers,
    const std::function<void(Value, Value, ArrayRef<Value>)> &body) {
  // The step function: void (void *user, int64_t begin, int64_t end).
  // The record: the pointers, then the step parameters (stepParam), one
  // 8-byte slot each.
  std::string name = (prefix + "_step" + Twine(functionCount++)).str();
  auto fnType = b.getFunctionType({ptr, i64, i64}, {});
  func::FuncOp fn;
  StepRecord record;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(entry);
    fn = b.create<func::FuncOp>(loc, name, fnType);
    fn->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    Block *block = fn.addEntryBlock();
    b.setInsertionPointToStart(block);
    SmallVector<Value> args;
    Value user = block->getArgument(0);
    for (size_t i = 0; i < pointers.size(); ++i)
      args.push_back(load(ptr, gep(user, cI64(static_cast<int64_t>(i)), ptr)));
    record.block = block;
    record.firstSlot = static_cast<int64_t>(pointers.size());
    StepRecord *outer = stepRecord;
    stepRecord = &record;
    body(block->getArgument(1), block->getArgument(2), args);
    stepRecord = outer;
    b.create<func::ReturnOp>(loc);
  }
  // The call: ctx->parallel_for(ctx, 0, count, fn, record).
  size_t slots = pointers.size() + record.params.size();
  Value user = b.create<LLVM::AllocaOp>(
      loc, ptr, LLVM::LLVMArrayType::get(ptr, std::max<size_t>(1, slots)),
      cI32(1), 8);
  for (auto [i, p] : llvm::enumerate(pointers))
    store(p, gep(user, cI64(static_cast<int64_t>(i)), ptr));
  // The parameters' values, made here in the caller (stepRecord is the
  // caller's again: the entry's constants, or an enclosing step's loads).
  for (auto [i, value] : llvm::enumerate(record.params))
    store(stepParam(value),
          gep(user, cI64(record.firstSlot + static_cast<int64_t>(i)), ptr));
  Value fnValue = b.create<func::ConstantOp>(loc, fnType,
                                             SymbolRefAttr::get(fn));
  Value fnPtr =
      b.create<UnrealizedConversionCastOp>(loc, TypeRange{ptr}, fnValue)
          .getResult(0);
  Value parallelFor =
      load(ptr, gep(ctxArg, cI64(offsetof(qc_exec_context, parallel_for)), i8));
  auto callType = LLVM::LLVMFunctionType::get(
      LLVM::LLVMVoidType::get(ctx), {ptr, i64, i64, ptr, ptr});
  b.create<LLVM::CallOp>(
      loc, callType,
      ValueRange{parallelFor, ctxArg, cI64(0), cI64(count), fnPtr, user});
}

} // namespace model_codegen

} // namespace mlir::qc
