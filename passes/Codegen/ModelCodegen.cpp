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

uint64_t getRequiredIsaBits(GemmIsa isa) {
  constexpr uint64_t v3 = QC_ISA_X86_AVX2 | QC_ISA_X86_FMA | QC_ISA_X86_BMI2;
  switch (isa) {
  case GemmIsa::X86Avx2:
    return v3;
  case GemmIsa::X86AvxVnni:
    return v3 | QC_ISA_X86_AVXVNNI;
  case GemmIsa::X86Avx512Vnni:
    return v3 | QC_ISA_X86_AVX512F | QC_ISA_X86_AVX512BW |
           QC_ISA_X86_AVX512VL | QC_ISA_X86_AVX512DQ | QC_ISA_X86_AVX512CD |
           QC_ISA_X86_AVX512VNNI;
  case GemmIsa::Aarch64Dotprod:
    return QC_ISA_AARCH64_DOTPROD;
  case GemmIsa::Aarch64I8mm:
    return QC_ISA_AARCH64_DOTPROD | QC_ISA_AARCH64_I8MM;
  }
  return 0;
}

TargetSpec getModelTargetSpec(GemmIsa isa) {
  TargetSpec spec = getTargetSpec(isa);
  // The generated loops (depthwise conv, requantize) are worth full 512-bit
  // vectors; LLVM's generic x86-64-v4 tuning would stop at 256 bits.
  if (isa == GemmIsa::X86Avx512Vnni)
    spec.features += ",-prefer-256-bit";
  return spec;
}

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

std::string cCommentText(StringRef s) {
  std::string out;
  for (char c : s)
    out += (llvm::isAlnum(c) || StringRef(" _-.,:[]=+").contains(c)) ? c
                                                                     : '_';
  return out;
}

namespace model_codegen {

/// Rows per im2col + GEMM block inside one thread's chunk: the block's
/// im2col rows are still in cache when the kernel reads them.
constexpr int64_t kIm2colBlockRows = 96;

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
  default:
    return "undefined";
  }
}

/// Windows with more taps than this are loops, not unrolled code.
constexpr int64_t kMaxUnrolledTaps = 64;

constexpr const char *kSupported =
    "qc.quantize / qc.dequantize (per tensor), qc.qconv2d (any groups), "
    "qc.qlinear, qc.qadd, qc.qmul, qc.qrequantize, qc.qlut, qc.qmax_pool2d, "
    "qc.qavg_pool2d, qc.reshape, qc.flatten, qc.transpose, qc.slice, "
    "qc.concat, and in float qc.global_avg_pool2d";

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

/// "input 'x' (#0)" for messages: the model's name for an argument.
std::string describeInput(func::FuncOp func, BlockArgument arg) {
  std::string s = "input ";
  if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "qc.name"))
    s += "'" + name.str() + "' ";
  return s + "(#" + std::to_string(arg.getArgNumber()) + ")";
}
} // namespace

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
  if (isa<ConstantOp>(op) || isFoldedDequantize(op))
    return success(); // read at compile time by their users
  if (auto q = dyn_cast<QuantizeOp>(op)) {
    if (!isInt8(elementOf(q.getResult())))
      return refuse("a result", elementOf(q.getResult()), k8bit);
    return success();
  }
  if (auto dq = dyn_cast<DequantizeOp>(op)) {
    Type t = elementOf(dq.getInput());
    if (!isInt8(t) && !t.isInteger(32))
      return refuse("an operand", t, "it dequantizes ui8, i8 and i32");
    return success();
  }
  if (isa<QConv2dOp, QLinearOp>(op)) {
    Type in = elementOf(op->getOperand(0)), w = elementOf(op->getOperand(1)),
         out = elementOf(op->getResult(0));
    if (!isInt8(in))
      return refuse("an input", in, k8bit);
    if (!w.isSignlessInteger(8) && !w.isSignedInteger(8))
      return refuse("weights", w, "weights must be i8");
    if (op->getNumOperands() > 2 && !elementOf(op->getOperand(2)).isInteger(32))
      return refuse("a bias", elementOf(op->getOperand(2)),
                    "the bias must be i32");
    if (!isInt8(out))
      return refuse("a result", out, k8bit);
    return success();
  }
  if (isa<QAddOp, QMulOp, QRequantizeOp, QLutOp, QMaxPool2dOp, QAvgPool2dOp>(
          op)) {
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
      return t.isF32() || t.isInteger(8) || t.isInteger(32);
    };
    Type t = elementOf(op->getResult(0));
    if (!moves(t))
      return refuse("a result", t, "data movement copies f32, ui8, i8 and "
                                   "i32 tensors");
    return success();
  }
  return success(); // float ops: planFloatOp checks float32
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
  info.requiredIsa = getRequiredIsaBits(isas.back());
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
// Planning
//===----------------------------------------------------------------------===//

LogicalResult ModelBuilder::plan() {
  for (BlockArgument arg : src.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() ||
        toDtype(type.getElementType()) == QC_DTYPE_UNDEFINED)
      return src.emitError()
             << "qc compile: " << describeInput(src, arg) << " has type "
             << arg.getType()
             << "; inputs must be static-shaped f32, ui8, i8 or i32 tensors "
                "(bind dynamic dimensions with --input-shape)";
    TensorRef r;
    r.kind = TensorRef::Input;
    r.index = arg.getArgNumber();
    r.shape.assign(type.getShape().begin(), type.getShape().end());
    r.strides = rowMajorStrides(r.shape);
    r.element = type.getElementType();
    refs[arg] = r;
  }

  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || isFoldedDequantize(op))
      continue;
    ++step;
    for (Value operand : op->getOperands())
      use(operand);
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        if (failed(requireRef(op, v, "result")))
          return failure();
        auto type = cast<RankedTensorType>(v.getType());
        if (toDtype(type.getElementType()) == QC_DTYPE_UNDEFINED)
          return op->emitError() << "qc compile: result #" << i
                                 << " has unsupported element type "
                                 << type.getElementType();
      }
      continue;
    }
    if (isFloatOp(op)) {
      if (failed(planFloatOp(op)))
        return failure();
      continue;
    }
    if (!isa<QuantizeOp, DequantizeOp, QConv2dOp, QLinearOp, QAddOp, QMulOp,
             QRequantizeOp, QLutOp, QMaxPool2dOp, QAvgPool2dOp, GlobalAvgPool2dOp,
             ReshapeOp, FlattenOp, TransposeOp, SliceOp, ConcatOp>(op))
      return op->emitError()
             << "qc compile: '" << op->getName()
             << "' has no native lowering yet; supported: " << kSupported
             << ", " << kFloatSupported << "; see docs/codegen.md";
    // Activations come from compiled ops; constants only as the weights and
    // bias of qconv2d / qlinear.
    ValueRange activations = isa<QConv2dOp, QLinearOp>(op)
                                 ? op->getOperands().take_front()
                                 : op->getOperands();
    for (Value v : activations) {
      if (auto c = v.getDefiningOp<ConstantOp>(); c && !refs.count(v))
        if (FailureOr<TensorRef> r = constantOperand(c); succeeded(r))
          refs[v] = *r;
      if (failed(requireRef(op, v, "an operand")))
        return failure();
    }
    std::string stepName =
        (op->getName().stripDialect() + "_" + Twine(step)).str();
    Value result = op->getResult(0);
    auto resultType = cast<RankedTensorType>(result.getType());

    if (auto q = dyn_cast<QuantizeOp>(op); q && q.getScale().size() != 1)
      return op->emitError()
             << "qc compile: per-channel quantization of an activation is "
                "not supported (only weights are quantized per channel)";
    if (auto dq = dyn_cast<DequantizeOp>(op); dq && dq.getScale().size() != 1)
      return op->emitError() << "qc compile: per-channel dequantization of "
                                "an activation is not supported";
    if (isa<GlobalAvgPool2dOp>(op) &&
        (resultType.getRank() != 4 || !resultType.getElementType().isF32()))
      return op->emitError("qc compile: qc.global_avg_pool2d needs a 4-D "
                           "f32 input");

    if (auto conv = dyn_cast<QConv2dOp>(op)) {
      planIm2col(conv, resultType, stepName, /*elementBytes=*/1);
    } else if (auto linear = dyn_cast<QLinearOp>(op)) {
      const TensorRef &in = refs[linear.getInput()];
      if (!in.isRowMajor())
        scratch[op] = newBuffer(stepName + "_rows", product(in.shape));
    } else if (isa<ReshapeOp, FlattenOp, TransposeOp, SliceOp>(op)) {
      // Views of the same bytes where the strides allow one.
      TensorRef view = refs[op->getOperand(0)];
      if (auto transpose = dyn_cast<TransposeOp>(op)) {
        TensorRef in = view;
        for (auto [i, axis] : llvm::enumerate(transpose.getPerm())) {
          view.shape[i] = in.shape[axis];
          view.strides[i] = in.strides[axis];
        }
      } else if (auto slice = dyn_cast<SliceOp>(op)) {
        // Offset to the first element, strides times the steps.
        int64_t rank = static_cast<int64_t>(view.shape.size());
        ArrayRef<int64_t> starts = slice.getStarts(), axes = slice.getAxes(),
                          steps = slice.getSteps();
        for (size_t i = 0; i < axes.size(); ++i) {
          int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
          int64_t dim = view.shape[axis], st = i < steps.size() ? steps[i] : 1;
          int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
          start = st > 0 ? std::clamp<int64_t>(start, 0, dim)
                         : std::clamp<int64_t>(start, 0, dim - 1);
          view.offset += start * view.strides[axis];
          // A step beyond the dimension leaves one element along the axis,
          // whose stride is never multiplied by more than 0.
          int64_t stepped;
          if (__builtin_mul_overflow(view.strides[axis], st, &stepped) ||
              resultType.getDimSize(axis) == 1)
            stepped = 0;
          view.strides[axis] = stepped;
        }
        view.shape.assign(resultType.getShape().begin(),
                          resultType.getShape().end());
      } else if (view.isRowMajor()) {
        view.shape.assign(resultType.getShape().begin(),
                          resultType.getShape().end());
        view.strides = rowMajorStrides(view.shape);
      } else {
        // A reshape of a strided tensor: a copy into row-major order.
        refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
        continue;
      }
      refs[result] = view;
      --step; // no work
      continue;
    }
    refs[result] = newArenaTensor(result, stepName);
  }
  return success();
}

void ModelBuilder::placeBuffers() {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first packs better; ties in program order.
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return buffers[x].bytes != buffers[y].bytes
               ? buffers[x].bytes > buffers[y].bytes
               : x < y;
  });
  std::vector<size_t> placed;
  constexpr int64_t align = QC_ARENA_DEFAULT_ALIGNMENT;
  for (size_t i : order) {
    ArenaBuffer &buf = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed) {
      const ArenaBuffer &o = buffers[j];
      if (o.first <= buf.last && buf.first <= o.last)
        busy.push_back({o.offset, o.offset + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + buf.bytes <= lo)
        break;
      offset = std::max(offset, (hi + align - 1) / align * align);
    }
    buf.offset = offset;
    arenaBytes = std::max(arenaBytes, offset + buf.bytes);
    placed.push_back(i);
  }
  arenaBytes = (arenaBytes + align - 1) / align * align;
}

//===----------------------------------------------------------------------===//
// Emission helpers
//===----------------------------------------------------------------------===//

std::string ModelBuilder::addConstant(StringRef hint, ArrayRef<char> bytes) {
  std::string name =
      (prefix + "_const" + Twine(constantCount++) + "_" + hint).str();
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

void ModelBuilder::parallel(
    int64_t count, ArrayRef<Value> pointers,
    const std::function<void(Value, Value, ArrayRef<Value>)> &body) {
  // The step function: void (void *user, int64_t begin, int64_t end).
  std::string name = (prefix + "_step" + Twine(functionCount++)).str();
  auto fnType = b.getFunctionType({ptr, i64, i64}, {});
  func::FuncOp fn;
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
    body(block->getArgument(1), block->getArgument(2), args);
    b.create<func::ReturnOp>(loc);
  }
  // The call: ctx->parallel_for(ctx, 0, count, fn, pointers).
  Value user = b.create<LLVM::AllocaOp>(
      loc, ptr, LLVM::LLVMArrayType::get(ptr, std::max<size_t>(1, pointers.size())),
      cI32(1), 8);
  for (auto [i, p] : llvm::enumerate(pointers))
    store(p, gep(user, cI64(static_cast<int64_t>(i)), ptr));
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

void ModelBuilder::copyToRowMajor(const TensorRef &from, Value fromBase,
                                  Value toBase) {
  Type t = storageType(from.element);
  SmallVector<int64_t> to = rowMajorStrides(from.shape);
  loopNest(from.shape, to, [&](ArrayRef<Value> ivs) {
    Value v = load(t, gep(fromBase, offsetOf(ivs, from.strides), t));
    store(v, gep(toBase, offsetOf(ivs, to), t));
  });
}

func::FuncOp ModelBuilder::getKernel(const GemmKernelConfig &config) {
  std::string name = ::qc::codegen::getGemmKernelName(config);
  auto it = kernels.find(name);
  if (it != kernels.end())
    return it->second;
  FailureOr<func::FuncOp> fn = buildGemmKernel(module, config);
  if (failed(fn))
    return nullptr;
  // Internal: two compiled models can be linked into one program.
  (*fn)->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  kernels[name] = *fn;
  return *fn;
}

/// Bytes of packed weights one kernel call should touch (a share of L2): the
/// kernel walks all column tiles for every block of mr rows, so a panel is
/// reused from cache by all rows of a call instead of streaming K x N bytes
/// per mr rows.
constexpr int64_t kPanelBytes = 512 * 1024;

FailureOr<ModelBuilder::PackedGemm>
ModelBuilder::packGemm(Operation *op, Type aElement, Type cElement, int64_t k,
                       int64_t n, ArrayRef<int8_t> matrix,
                       ArrayRef<int32_t> bias, ArrayRef<float> multipliers,
                       int64_t zpA) {
  PackedGemm g;
  g.config = ::qc::codegen::getDefaultGemmKernelConfig(
      currentIsa, isUnsigned(aElement) ? QType::U8 : QType::S8,
      isUnsigned(cElement) ? QType::U8 : QType::S8);
  PackedGemmWeights packed;
  std::string error = ::qc::codegen::packGemmWeights(
      g.config, k, n, matrix.data(), bias.data(), multipliers.data(),
      static_cast<int64_t>(multipliers.size()), static_cast<int32_t>(zpA),
      packed);
  if (!error.empty())
    return op->emitError() << "qc compile: " << error;
  g.kernel = getKernel(g.config);
  if (!g.kernel)
    return failure();
  g.k = k;
  g.n = n;
  g.tileBytes = ::qc::codegen::getPackedTileBytes(g.config, k);
  // Column panels: whole tiles, each at most kPanelBytes (at least a tile).
  int64_t panelColumns =
      std::max<int64_t>(1, kPanelBytes / g.tileBytes) * g.config.nr();
  for (int64_t n0 = 0; n0 < n; n0 += panelColumns)
    g.panels.push_back({n0, std::min(n - n0, panelColumns)});
  g.weights = constantArray<int8_t>("weights", packed.weights);
  g.bias = constantArray<int32_t>("bias", packed.bias);
  g.multipliers = constantArray<float>("mult", packed.multipliers);
  return g;
}

void ModelBuilder::callGemm(const PackedGemm &g, Value w, Value bias,
                            Value mult, Value a, int64_t lda, Value c,
                            int64_t ldc, Value rows, int64_t zpOut, int64_t lo,
                            int64_t hi) {
  for (auto [n0, width] : g.panels)
    b.create<func::CallOp>(
        loc, g.kernel,
        ValueRange{a, cI64(lda),
                   gep(w, cI64(n0 / g.config.nr() * g.tileBytes), i8),
                   gep(bias, cI64(n0), i32), gep(mult, cI64(n0), f32),
                   gep(c, cI64(n0), i8), cI64(ldc), rows, cI64(width),
                   cI64(g.k), cI32(zpOut), cI32(lo), cI32(hi)});
}

//===----------------------------------------------------------------------===//
// Steps
//===----------------------------------------------------------------------===//

LogicalResult ModelBuilder::emitQuantize(QuantizeOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  float scale = op.getScale()[0];
  int64_t zp = op.getZeroPoint()[0];
  // x * (1 / scale) as the reference does, NaN reported as an error.
  float inv = 1.0f / scale;
  Value inBase = basePointer(in), outBase = basePointer(out);
  int64_t lo = op.getQuantMin(), hi = op.getQuantMax();
  // Per chunk a NaN flag, or-ed into the entry's status at the end.
  Value flag;
  parallelLoopNest(
      out.shape, out.strides, {inBase, outBase, statusSlot},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value x = load(f32, gep(p[0], offsetOf(ivs, in.strides), f32));
        Value nan =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
        Value seen = load(i32, flag);
        store(b.create<arith::SelectOp>(loc, nan, cI32(1), seen), flag);
        Value v = b.create<arith::MulFOp>(loc, x, cF32(inv));
        store(roundClampToI8(v, zp, lo, hi),
              gep(p[1], offsetOf(ivs, out.strides), i8));
      },
      [&](ArrayRef<Value>) {
        flag = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
        store(cI32(0), flag);
      },
      [&](ArrayRef<Value> p) {
        // Chunks may finish together: an atomic or.
        b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                    load(i32, flag),
                                    LLVM::AtomicOrdering::monotonic);
      });
  return success();
}

LogicalResult ModelBuilder::emitDequantize(DequantizeOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  Value scale = cF32(op.getScale()[0]);
  Value inBase = basePointer(in), outBase = basePointer(out);
  Type inT = storageType(in.element);
  // q - zp as the reference computes it: exact in int32 for 8-bit values,
  // in int64 for int32 ones (an int32 difference could wrap).
  bool wide64 = inT == i32;
  Value zp = wide64 ? cI64(op.getZeroPoint()[0]) : cI32(op.getZeroPoint()[0]);
  loopNest(out.shape, out.strides, [&](ArrayRef<Value> ivs) {
    Value q = load(inT, gep(inBase, offsetOf(ivs, in.strides), inT));
    Value wide = wide64 ? b.create<arith::ExtSIOp>(loc, i64, q).getResult()
                        : extend(q, in.element);
    Value f = b.create<arith::SIToFPOp>(loc, f32, sub(wide, zp));
    store(b.create<arith::MulFOp>(loc, f, scale),
          gep(outBase, offsetOf(ivs, out.strides), f32));
  });
  return success();
}

/// The int32 bias of a qconv2d / qlinear (zeros when absent).
FailureOr<std::vector<int32_t>> getBias(Operation *op, Value bias,
                                        int64_t n) {
  if (!bias)
    return std::vector<int32_t>(n, 0);
  auto c = bias.getDefiningOp<ConstantOp>();
  if (!c)
    return op->emitError("qc compile: the bias must be a constant");
  auto values = getConstantValues<int32_t>(c.getValue());
  if (failed(values) || static_cast<int64_t>(values->size()) != n)
    return op->emitError("qc compile: cannot read the bias constant");
  return *values;
}

FailureOr<std::vector<int8_t>> getWeights(Operation *op, Value weight) {
  auto c = weight.getDefiningOp<ConstantOp>();
  if (!c)
    return op->emitError("qc compile: the weights must be a constant");
  auto values = getConstantValues<int8_t>(c.getValue());
  if (failed(values))
    return op->emitError("qc compile: cannot read the weight constant");
  return *values;
}

/// The direct conv steps (depthwise, grouped) sum \p taps products of at
/// most 255 * 128 in magnitude onto the bias in int32, as the GEMM kernels
/// do; the rule of packGemmWeights: the worst case must fit int32, else the
/// generated code could wrap where the reference reports an overflow.
LogicalResult checkAccumulator(Operation *op, int64_t taps,
                               ArrayRef<int32_t> bias) {
  int64_t maxBias = 0;
  for (int32_t v : bias)
    maxBias = std::max<int64_t>(maxBias, std::abs(int64_t{v}));
  if (satMul(taps, 255 * 128) >
      std::numeric_limits<int32_t>::max() - maxBias)
    return op->emitError()
           << "qc compile: " << taps
           << " products per output (with a bias up to " << maxBias
           << ") are too many for exact int32 accumulation";
  return success();
}

FailureOr<ModelBuilder::ConvParts> ModelBuilder::getConvParts(QConv2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  ConvParts c;
  c.o = wType.getDimSize(0);
  c.cg = wType.getDimSize(1);
  c.kh = wType.getDimSize(2);
  c.kw = wType.getDimSize(3);
  c.n = in.shape[0];
  c.h = in.shape[2];
  c.w = in.shape[3];
  c.oh = out.shape[2];
  c.ow = out.shape[3];
  countFloatWeights(c.o * c.cg * c.kh * c.kw + (op.getBias() ? c.o : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), c.o);
  if (failed(weights) || failed(bias))
    return failure();
  c.weights = std::move(*weights);
  c.bias = std::move(*bias);
  SmallVector<float> mults = op.getRequantMultipliers();
  for (int64_t oc = 0; oc < c.o; ++oc)
    c.multipliers.push_back(mults.size() == 1 ? mults[0] : mults[oc]);
  return c;
}

void ModelBuilder::forEachWindowTap(
    const TensorRef &in, Value image, Value oy, Value ox,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations,
    const std::function<void(int64_t, int64_t, Value)> &tap) {
  for (int64_t y = 0; y < kernel[0]; ++y) {
    Value iy = add(mulC(oy, strides[0]), cI64(y * dilations[0] - pads[0]));
    Value okY = inBounds(iy, in.shape[2]);
    for (int64_t x = 0; x < kernel[1]; ++x) {
      Value ix = add(mulC(ox, strides[1]), cI64(x * dilations[1] - pads[1]));
      Value ok = b.create<arith::AndIOp>(loc, okY, inBounds(ix, in.shape[3]));
      ifThen(ok, [&] {
        tap(y, x,
            gep(image, add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                storageType(in.element)));
      });
    }
  }
}

LogicalResult ModelBuilder::emitConv(QConv2dOp op) {
  if (op.getGroups() != 1) {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    const TensorRef &in = refs[op.getInput()];
    bool depthwise = wType.getDimSize(1) == 1 &&
                     wType.getDimSize(0) == in.shape[1] &&
                     static_cast<int64_t>(op.getGroups()) == in.shape[1] &&
                     in.isNhwc() && in.strides[2] == in.shape[3] * in.shape[1] &&
                     wType.getDimSize(2) * wType.getDimSize(3) <= 64;
    return depthwise ? emitDepthwiseConv(op) : emitGroupedConv(op);
  }
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t o = parts->o, c = parts->cg, kh = parts->kh, kw = parts->kw;
  int64_t n = parts->n, h = parts->h, w = parts->w, oh = parts->oh,
          ow = parts->ow;
  int64_t k = kh * kw * c, m = n * oh * ow;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  // OIHW -> O x (ky, kx, c): the im2col column order of an NHWC input.
  std::vector<int8_t> matrix(o * k);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t ic = 0; ic < c; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          matrix[oc * k + (y * kw + x) * c + ic] =
              parts->weights[((oc * c + ic) * kh + y) * kw + x];
  int64_t zp = op.getInputZeroPoint();
  FailureOr<PackedGemm> gemm =
      packGemm(op, in.element, out.element, k, o, matrix, parts->bias,
               parts->multipliers, zp);
  if (failed(gemm))
    return failure();
  bool im2col = scratch.count(op) != 0;
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value colBase = im2col ? arenaPointer(scratch[op]) : inBase;
  int64_t lda = im2col ? k : c;
  auto callKernel = [&](Value a, Value cOut, Value rows,
                        ArrayRef<Value> ptrs) {
    callGemm(*gemm, ptrs[3], ptrs[4], ptrs[5], a, lda, cOut, o, rows,
             op.getOutputZeroPoint(), op.getClampMin(), op.getClampMax());
  };
  parallel(m, {inBase, colBase, outBase, gemm->weights, gemm->bias,
               gemm->multipliers},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             if (!im2col) {
               callKernel(gep(p[0], mulC(begin, c), i8),
                          gep(p[2], mulC(begin, o), i8), sub(end, begin), p);
               return;
             }
             // Blocks of rows: im2col, then the kernel on them.
             b.create<scf::ForOp>(
                 loc, begin, end, cI64(kIm2colBlockRows), ValueRange{},
                 [&](OpBuilder &, Location, Value r0, ValueRange) {
                   Value r1 = b.create<arith::MinSIOp>(
                       loc, end, add(r0, cI64(kIm2colBlockRows)));
                   forRange(r0, r1, [&](Value row) {
                     Pixel px = splitPixel(row, oh, ow);
                     Value img = px.img, oy = px.oy, ox = px.ox;
                     Value dstRow = gep(p[1], mulC(row, k), i8);
                     Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
                     // NHWC input: a tap's C channels are contiguous (one
                     // memcpy), and so is a whole window row when it is
                     // inside the image and undilated (one memcpy of kw*C).
                     bool contiguous = in.strides[1] == 1;
                     bool rowRuns = contiguous && dil[1] == 1 &&
                                    in.strides[3] == c && kw > 1;
                     Value pad =
                         b.create<arith::ConstantIntOp>(loc, static_cast<int8_t>(zp), 8);
                     auto copyTap = [&](Value iy, Value ix, Value dst) {
                       Value src = gep(srcImg,
                                       add(mulC(iy, in.strides[2]),
                                           mulC(ix, in.strides[3])),
                                       i8);
                       if (contiguous) {
                         b.create<LLVM::MemcpyOp>(loc, dst, src, cI64(c),
                                                  /*isVolatile=*/false);
                         return;
                       }
                       forN(c, [&](Value ci) {
                         store(load(i8, gep(src, mulC(ci, in.strides[1]), i8)),
                               gep(dst, ci, i8));
                       });
                     };
                     auto fillTap = [&](Value dst, int64_t bytes) {
                       b.create<LLVM::MemsetOp>(loc, dst, pad, cI64(bytes),
                                                /*isVolatile=*/false);
                     };
                     auto tapsOfRow = [&](int64_t y, Value iy, Value okY) {
                       for (int64_t x = 0; x < kw; ++x) {
                         Value ix = add(mulC(ox, strides[1]),
                                        cI64(x * dil[1] - pads[1]));
                         Value ok = b.create<arith::AndIOp>(
                             loc, okY, inBounds(ix, w));
                         Value dst = gep(dstRow, cI64((y * kw + x) * c), i8);
                         ifThen(
                             ok, [&] { copyTap(iy, ix, dst); },
                             [&] { fillTap(dst, c); });
                       }
                     };
                     for (int64_t y = 0; y < kh; ++y) {
                       Value iy = add(mulC(oy, strides[0]),
                                      cI64(y * dil[0] - pads[0]));
                       Value okY = inBounds(iy, h);
                       if (!rowRuns) {
                         tapsOfRow(y, iy, okY);
                         continue;
                       }
                       Value ix0 = add(mulC(ox, strides[1]), cI64(-pads[1]));
                       Value inside = b.create<arith::AndIOp>(
                           loc, okY,
                           b.create<arith::AndIOp>(
                               loc, inBounds(ix0, w),
                               inBounds(add(ix0, cI64(kw - 1)), w)));
                       ifThen(
                           inside,
                           [&] {
                             Value src = gep(srcImg,
                                             add(mulC(iy, in.strides[2]),
                                                 mulC(ix0, in.strides[3])),
                                             i8);
                             b.create<LLVM::MemcpyOp>(
                                 loc, gep(dstRow, cI64(y * kw * c), i8), src,
                                 cI64(kw * c), /*isVolatile=*/false);
                           },
                           [&] { tapsOfRow(y, iy, okY); });
                     }
                   });
                   callKernel(gep(p[1], mulC(r0, k), i8),
                              gep(p[2], mulC(r0, o), i8), sub(r1, r0), p);
                   b.create<scf::YieldOp>(loc);
                 });
           });
  return success();
}

LogicalResult ModelBuilder::emitDepthwiseConv(QConv2dOp op) {
  // One input channel per output channel. Per output pixel, the kh x kw tap
  // pointers are chosen first: a tap outside the image reads a constant row
  // of zero points instead, so the channel loop has no branches,
  //   acc[c] = bias'[c] + sum_t x_t[c] * w_t[c],
  //   bias'[c] = bias[c] - zp * sum_t w_t[c]
  // (exact: a padded tap contributes zp * w_t[c], which bias' cancels), and
  // vectorizes over the channels with the accumulator in registers.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t c = parts->o, kh = parts->kh, kw = parts->kw, taps = kh * kw;
  int64_t n = parts->n, h = parts->h, w = parts->w, oh = parts->oh,
          ow = parts->ow;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  const std::vector<int8_t> *weights = &parts->weights;
  const std::vector<int32_t> *bias = &parts->bias;
  int64_t zp = op.getInputZeroPoint();
  if (failed(checkAccumulator(op, taps, *bias)))
    return failure();
  std::vector<int16_t> tapWeights(taps * c);
  std::vector<int32_t> folded(*bias);
  for (int64_t ch = 0; ch < c; ++ch) {
    // bias - zp * sum(w) modulo 2^32, as the generated adds wrap: the sum
    // with the taps is then exact whenever the true accumulator fits int32
    // (checkAccumulator), even if bias' alone does not.
    int64_t f = (*bias)[ch];
    for (int64_t t = 0; t < taps; ++t) {
      int32_t v = (*weights)[ch * taps + t];
      tapWeights[t * c + ch] = v;
      f -= zp * v;
    }
    folded[ch] = static_cast<int32_t>(static_cast<uint32_t>(f));
  }
  const std::vector<float> &multiplier = parts->multipliers;
  // Rows of zero points, as wide as an input row: what taps outside the
  // image read.
  std::vector<int8_t> zpImageRow(std::max<int64_t>(w, 1) * c,
                                 static_cast<int8_t>(zp));
  Value tPtr = constantArray<int16_t>("dw_taps", tapWeights);
  Value bPtr = constantArray<int32_t>("dw_bias", folded);
  Value mPtr = constantArray<float>("dw_mult", multiplier);
  Value zPtr = constantArray<int8_t>("dw_zp", zpImageRow);
  Value inBase = basePointer(in), outBase = basePointer(out);
  Type inElement = in.element;
  // Output columns whose taps all lie inside the row: [oxLo, oxHi).
  int64_t sw = strides[1], dw = dil[1], pl = pads[1];
  int64_t oxLo = std::min(ow, (pl + sw - 1) / sw);
  int64_t hiNum = w - 1 - (kw - 1) * dw + pl;
  int64_t oxHi = hiNum < 0 ? oxLo : std::min(ow, hiNum / sw + 1);
  oxHi = std::max(oxHi, oxLo);
  int64_t rowStride = in.strides[2];
  auto channels = [&](ArrayRef<Value> tapPtrs, Value dstPixel,
                      ArrayRef<Value> p) {
    forN(c, [&](Value ch) {
      Value acc = load(i32, gep(p[3], ch, i32));
      for (int64_t t = 0; t < taps; ++t) {
        // Inputs are NHWC or the zero-point row: stride 1 in c. An 8-bit x
        // 8-bit product fits in 16 bits (|255 * -128| < 2^15), so it is
        // formed in i16 (twice the lanes of an i32 multiply) and widened
        // into the accumulator.
        Value xb = load(i8, gep(tapPtrs[t], ch, i8));
        Value xv = isUnsigned(inElement)
                       ? b.create<arith::ExtUIOp>(loc, i16, xb).getResult()
                       : b.create<arith::ExtSIOp>(loc, i16, xb).getResult();
        Value wv = load(i16, gep(p[2], add(ch, cI64(t * c)), i16));
        Value prod = b.create<arith::MulIOp>(loc, xv, wv);
        acc = add(acc, b.create<arith::ExtSIOp>(loc, i32, prod));
      }
      store(requantize(acc, load(f32, gep(p[4], ch, f32)),
                       op.getOutputZeroPoint(), op.getClampMin(),
                       op.getClampMax()),
            gep(dstPixel, ch, i8));
    });
  };
  // Parallel over output rows; per row, the input row of each kernel row
  // (or the zero-point row), then the columns: border ones choose each tap,
  // interior ones only add offsets.
  parallel(n * oh, {inBase, outBase, tPtr, bPtr, mPtr, zPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Value img = divC(row, oh), oy = remC(row, oh);
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               SmallVector<Value> rowBase;
               for (int64_t y = 0; y < kh; ++y) {
                 Value iy =
                     add(mulC(oy, strides[0]), cI64(y * dil[0] - pads[0]));
                 Value okY = inBounds(iy, h);
                 Value cy = b.create<arith::SelectOp>(loc, okY, iy, cI64(0));
                 Value real = gep(srcImg, mulC(cy, rowStride), i8);
                 rowBase.push_back(
                     b.create<arith::SelectOp>(loc, okY, real, p[5]));
               }
               Value dstRow = gep(p[1], mulC(row, ow * c), i8);
               auto pixel = [&](Value ox, bool interior) {
                 SmallVector<Value> tapPtrs;
                 for (int64_t y = 0; y < kh; ++y)
                   for (int64_t x = 0; x < kw; ++x) {
                     Value ix = add(mulC(ox, sw), cI64(x * dw - pl));
                     if (interior) {
                       tapPtrs.push_back(gep(rowBase[y], mulC(ix, c), i8));
                       continue;
                     }
                     Value ok = inBounds(ix, w);
                     Value cx = b.create<arith::SelectOp>(loc, ok, ix, cI64(0));
                     Value real = gep(rowBase[y], mulC(cx, c), i8);
                     tapPtrs.push_back(
                         b.create<arith::SelectOp>(loc, ok, real, p[5]));
                   }
                 channels(tapPtrs, gep(dstRow, mulC(ox, c), i8), p);
               };
               forRange(cI64(0), cI64(oxLo), [&](Value ox) { pixel(ox, false); });
               forRange(cI64(oxLo), cI64(oxHi),
                        [&](Value ox) { pixel(ox, true); });
               forRange(cI64(oxHi), cI64(ow), [&](Value ox) { pixel(ox, false); });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitGroupedConv(QConv2dOp op) {
  // Direct: per output pixel, an int32 accumulator row over the output
  // channels (the innermost, vectorized loop), taps accumulated in order.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t o = parts->o, cg = parts->cg, kh = parts->kh, kw = parts->kw;
  int64_t og = o / static_cast<int64_t>(op.getGroups());
  if (failed(checkAccumulator(op, satMul(cg, satMul(kh, kw)), parts->bias)))
    return failure();
  // [ky][kx][ci][o], widened to int32.
  std::vector<int32_t> taps(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t ic = 0; ic < cg; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          taps[((y * kw + x) * cg + ic) * o + oc] =
              parts->weights[((oc * cg + ic) * kh + y) * kw + x];
  Value tPtr = constantArray<int32_t>("taps", taps);
  Value bPtr = constantArray<int32_t>("bias", parts->bias);
  Value mPtr = constantArray<float>("mult", parts->multipliers);
  Value inBase = basePointer(in), outBase = basePointer(out);
  int64_t zp = op.getInputZeroPoint();
  Type inElement = in.element;
  parallel(parts->n * parts->oh * parts->ow, {inBase, outBase, tPtr, bPtr, mPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value acc = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(i32, o), cI32(1), 64);
             Value zpV = cI32(zp);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, parts->oh, parts->ow);
               Value img = px.img, oy = px.oy, ox = px.ox;
               forN(o, [&](Value oc) {
                 store(load(i32, gep(p[3], oc, i32)), gep(acc, oc, i32));
               });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               forEachWindowTap(
                   in, srcImg, oy, ox, {kh, kw}, op.getStrides(), op.getPads(),
                   op.getDilations(), [&](int64_t y, int64_t x, Value src) {
                     for (int64_t ic = 0; ic < cg; ++ic) {
                       Value tapRow =
                           gep(p[2], cI64(((y * kw + x) * cg + ic) * o), i32);
                       forN(o, [&](Value oc) {
                         Value channel = add(mulC(divC(oc, og), cg), cI64(ic));
                         Value xv = extend(
                             load(i8, gep(src, mulC(channel, in.strides[1]),
                                          i8)),
                             inElement);
                         Value prod = mul(sub(xv, zpV),
                                          load(i32, gep(tapRow, oc, i32)));
                         Value slot = gep(acc, oc, i32);
                         store(add(load(i32, slot), prod), slot);
                       });
                     }
                   });
               Value dstRow = gep(p[1], mulC(row, o), i8);
               forN(o, [&](Value oc) {
                 Value q = requantize(load(i32, gep(acc, oc, i32)),
                                      load(f32, gep(p[4], oc, f32)),
                                      op.getOutputZeroPoint(),
                                      op.getClampMin(), op.getClampMax());
                 store(q, gep(dstRow, oc, i8));
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitLinear(QLinearOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t nOut = wType.getDimSize(0), k = wType.getDimSize(1);
  int64_t m = product(in.shape) / k;
  countFloatWeights(nOut * k + (op.getBias() ? nOut : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), nOut);
  if (failed(weights) || failed(bias))
    return failure();
  FailureOr<PackedGemm> gemm =
      packGemm(op, in.element, out.element, k, nOut, *weights, *bias,
               op.getRequantMultipliers(), op.getInputZeroPoint());
  if (failed(gemm))
    return failure();
  Value inBase = basePointer(in);
  if (scratch.count(op)) {
    Value rows = arenaPointer(scratch[op]);
    copyToRowMajor(in, inBase, rows);
    inBase = rows;
  }
  parallel(m, {inBase, basePointer(out), gemm->weights, gemm->bias,
               gemm->multipliers},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             callGemm(*gemm, p[2], p[3], p[4], gep(p[0], mulC(begin, k), i8),
                      k, gep(p[1], mulC(begin, nOut), i8), nOut,
                      sub(end, begin), op.getOutputZeroPoint(),
                      op.getClampMin(), op.getClampMax());
           });
  return success();
}

LogicalResult ModelBuilder::emitAdd(QAddOp op) {
  const TensorRef &l = refs[op.getLhs()];
  const TensorRef &r = refs[op.getRhs()];
  const TensorRef &out = refs[op.getResult()];
  float so = op.getOutputScale().convertToFloat();
  float ml = op.getLhsScale().convertToFloat() / so;
  float mr = op.getRhsScale().convertToFloat() / so;
  int64_t zl = op.getLhsZeroPoint(), zr = op.getRhsZeroPoint();
  Value lBase = basePointer(l), rBase = basePointer(r),
        oBase = basePointer(out);
  parallelLoopNest(
      out.shape, out.strides, {lBase, rBase, oBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        auto side = [&](const TensorRef &t, Value base, int64_t zp,
                        float m) {
          Value q = extend(load(i8, gep(base, offsetOf(ivs, t.strides), i8)),
                           t.element);
          Value f = b.create<arith::SIToFPOp>(loc, f32, sub(q, cI32(zp)));
          return b.create<arith::MulFOp>(loc, f, cF32(m));
        };
        Value v = b.create<arith::AddFOp>(loc, side(l, p[0], zl, ml),
                                          side(r, p[1], zr, mr));
        store(roundClampToI8(v, op.getOutputZeroPoint(), op.getClampMin(),
                             op.getClampMax()),
              gep(p[2], offsetOf(ivs, out.strides), i8));
      });
  return success();
}

LogicalResult ModelBuilder::emitMaxPool(QMaxPool2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads(), dil = op.getDilations();
  bool u = isUnsigned(in.element);
  // A window with no tap inside the input (a dilation beyond the input)
  // keeps the storage minimum: the Q/DQ form's quantize(max = -inf) with the
  // full-range output lower-to-integer requires.
  Value inBase = basePointer(in), outBase = basePointer(out);
  parallel(n * oh * ow, {inBase, outBase},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value img = px.img, oy = px.oy, ox = px.ox;
               Value dst = gep(p[1], mulC(row, c), i8);
               Value lowest =
                   b.create<arith::ConstantIntOp>(loc, u ? 0 : -128, 8);
               forN(c, [&](Value ci) { store(lowest, gep(dst, ci, i8)); });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               forEachWindowTap(
                   in, srcImg, oy, ox, kernel, strides, pads, dil,
                   [&](int64_t, int64_t, Value src) {
                     forN(c, [&](Value ci) {
                       Value v =
                           load(i8, gep(src, mulC(ci, in.strides[1]), i8));
                       Value slot = gep(dst, ci, i8);
                       Value cur = load(i8, slot);
                       Value best =
                           u ? b.create<arith::MaxUIOp>(loc, cur, v).getResult()
                             : b.create<arith::MaxSIOp>(loc, cur, v).getResult();
                       store(best, slot);
                     });
                   });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitGlobalAvgPool(GlobalAvgPool2dOp op) {
  // The reference's order: per plane, a double sum over H x W in row-major
  // order, divided by H * W in double, rounded to f32. The channel loop is
  // innermost (vectorized); each channel's sum keeps that order.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  Type f64 = b.getF64Type();
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value acc = b.create<LLVM::AllocaOp>(loc, ptr, LLVM::LLVMArrayType::get(f64, c),
                                       cI32(1), 64);
  Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0));
  Value count = b.create<arith::ConstantOp>(
      loc, b.getF64FloatAttr(static_cast<double>(h * w)));
  forN(n, [&](Value img) {
    forN(c, [&](Value ci) { store(zero, gep(acc, ci, f64)); });
    Value src = gep(inBase, mulC(img, in.strides[0]), f32);
    forN(h, [&](Value y) {
      forN(w, [&](Value x) {
        Value pixel =
            gep(src, add(mulC(y, in.strides[2]), mulC(x, in.strides[3])), f32);
        forN(c, [&](Value ci) {
          Value v = b.create<arith::ExtFOp>(
              loc, f64, load(f32, gep(pixel, mulC(ci, in.strides[1]), f32)));
          Value slot = gep(acc, ci, f64);
          store(b.create<arith::AddFOp>(loc, load(f64, slot), v), slot);
        });
      });
    });
    Value dst = gep(outBase, mulC(img, out.strides[0]), f32);
    forN(c, [&](Value ci) {
      Value mean = b.create<arith::DivFOp>(loc, load(f64, gep(acc, ci, f64)),
                                           count);
      store(b.create<arith::TruncFOp>(loc, f32, mean),
            gep(dst, mulC(ci, out.strides[1]), f32));
    });
  });
  return success();
}

LogicalResult ModelBuilder::emitAvgPool(QAvgPool2dOp op) {
  // Per output pixel an int32 sum of (x - zp) over the window's input
  // elements (channels innermost), times that pixel's multiplier, which the
  // op's divisor rule fixes at compile time (a table over output positions,
  // made with QAvgPool2dOp::requantMultiplier).
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads();
  float si = op.getInputScale().convertToFloat(),
        so = op.getOutputScale().convertToFloat();
  ::qc::Pool2dAttrs attrs;
  std::copy(kernel.begin(), kernel.end(), attrs.kernel.begin());
  std::copy(strides.begin(), strides.end(), attrs.strides.begin());
  std::copy(pads.begin(), pads.end(), attrs.pads.begin());
  std::vector<float> mult(oh * ow);
  for (int64_t oy = 0; oy < oh; ++oy)
    for (int64_t ox = 0; ox < ow; ++ox) {
      // The reference's window and divisor.
      ::qc::AvgPoolWindow win = ::qc::avgPoolWindow(
          h, w, attrs, op.getCountIncludePad(), oy, ox);
      if (win.count < 1 || win.ye <= win.ys || win.xe <= win.xs)
        return op.emitError()
               << "qc compile: the window at output (" << oy << ", " << ox
               << ") covers no input element";
      mult[oy * ow + ox] = QAvgPool2dOp::requantMultiplier(si, so, win.count);
    }
  Value mPtr = constantArray<float>("avg_mult", mult);
  Value inBase = basePointer(in), outBase = basePointer(out);
  Type inElement = in.element;
  int64_t zp = op.getInputZeroPoint();
  parallel(n * oh * ow, {inBase, outBase, mPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value acc = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(i32, c), cI32(1), 64);
             Value zpV = cI32(zp);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value img = px.img, pix = px.pix, oy = px.oy, ox = px.ox;
               forN(c, [&](Value ci) { store(cI32(0), gep(acc, ci, i32)); });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               auto accumulate = [&](Value src) {
                 forN(c, [&](Value ci) {
                   Value v = extend(
                       load(i8, gep(src, mulC(ci, in.strides[1]), i8)),
                       inElement);
                   Value slot = gep(acc, ci, i32);
                   store(add(load(i32, slot), sub(v, zpV)), slot);
                 });
               };
               if (kernel[0] * kernel[1] <= kMaxUnrolledTaps) {
                 forEachWindowTap(in, srcImg, oy, ox, kernel, strides, pads,
                                  {1, 1}, [&](int64_t, int64_t, Value src) {
                                    accumulate(src);
                                  });
               } else {
                 // A large window (global pooling of a big plane): loops
                 // over its rows and columns, clipped to the input.
                 auto span = [&](Value o, int64_t stride, int64_t pad,
                                 int64_t k, int64_t size) {
                   Value start = add(mulC(o, stride), cI64(-pad));
                   Value lo = b.create<arith::MaxSIOp>(loc, start, cI64(0));
                   Value hi = b.create<arith::MinSIOp>(
                       loc, add(start, cI64(k)), cI64(size));
                   return std::make_pair(lo, hi);
                 };
                 std::pair<Value, Value> ys =
                     span(oy, strides[0], pads[0], kernel[0], h);
                 std::pair<Value, Value> xs =
                     span(ox, strides[1], pads[1], kernel[1], w);
                 forRange(ys.first, ys.second, [&](Value iy) {
                   forRange(xs.first, xs.second, [&](Value ix) {
                     accumulate(gep(srcImg,
                                    add(mulC(iy, in.strides[2]),
                                        mulC(ix, in.strides[3])),
                                    i8));
                   });
                 });
               }
               Value m = load(f32, gep(p[2], pix, f32));
               Value dst = gep(p[1], mulC(row, c), i8);
               forN(c, [&](Value ci) {
                 store(requantize(load(i32, gep(acc, ci, i32)), m,
                                  op.getOutputZeroPoint(), op.getClampMin(),
                                  op.getClampMax()),
                       gep(dst, ci, i8));
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitElementwise(Operation *op) {
  // qc.qmul: (a - za) * (b - zb) in int32, requantized with m;
  // qc.qrequantize: (x - zp) requantized with s_in / s_out.
  // Operands broadcast to the result (qc.qmul): a dimension an operand
  // lacks or has as 1 gets stride 0.
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<TensorRef> ins;
  SmallVector<Value> pointers;
  for (Value operand : op->getOperands()) {
    TensorRef in = refs[operand];
    pointers.push_back(basePointer(in));
    size_t rank = out.shape.size(), lead = rank - in.shape.size();
    SmallVector<int64_t> strides(rank, 0);
    for (size_t i = lead; i < rank; ++i)
      if (in.shape[i - lead] != 1 || out.shape[i] == 1)
        strides[i] = in.strides[i - lead];
    in.shape = out.shape;
    in.strides = std::move(strides);
    ins.push_back(std::move(in));
  }
  pointers.push_back(basePointer(out));
  float m;
  SmallVector<int64_t> zps;
  int64_t zpOut, lo, hi;
  if (auto mulOp = dyn_cast<QMulOp>(op)) {
    m = mulOp.getRequantMultiplier();
    zps = {static_cast<int64_t>(mulOp.getLhsZeroPoint()),
           static_cast<int64_t>(mulOp.getRhsZeroPoint())};
    zpOut = mulOp.getOutputZeroPoint();
    lo = mulOp.getClampMin();
    hi = mulOp.getClampMax();
  } else {
    auto rq = cast<QRequantizeOp>(op);
    m = rq.getRequantMultiplier();
    zps = {static_cast<int64_t>(rq.getInputZeroPoint())};
    zpOut = rq.getOutputZeroPoint();
    lo = rq.getClampMin();
    hi = rq.getClampMax();
  }
  parallelLoopNest(out.shape, out.strides, pointers,
                   [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                     Value acc;
                     for (auto [i, t] : llvm::enumerate(ins)) {
                       Value v = sub(extend(load(i8, gep(p[i],
                                                          offsetOf(ivs, t.strides),
                                                          i8)),
                                            t.element),
                                     cI32(zps[i]));
                       acc = acc ? mul(acc, v) : v;
                     }
                     store(requantize(acc, cF32(m), zpOut, lo, hi),
                           gep(p[ins.size()], offsetOf(ivs, out.strides), i8));
                   });
  return success();
}

LogicalResult ModelBuilder::emitLut(QLutOp op) {
  // y = table[x - qmin_in]: the table as 256 bytes of the result's storage.
  const TensorRef &in = refs[op.getInput()], &out = refs[op.getResult()];
  SmallVector<int8_t> bytes;
  for (int32_t v : op.getTable())
    bytes.push_back(static_cast<int8_t>(static_cast<uint8_t>(v & 0xff)));
  int64_t inputMin = op.getInputMin();
  parallelLoopNest(
      out.shape, out.strides, {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value table = constantArray<int8_t>("lut", bytes);
        Value x = extend(load(i8, gep(p[0], offsetOf(ivs, in.strides), i8)),
                         in.element);
        Value index = b.create<arith::ExtUIOp>(loc, i64, sub(x, cI32(inputMin)));
        store(load(i8, gep(table, index, i8)),
              gep(p[1], offsetOf(ivs, out.strides), i8));
      });
  return success();
}

LogicalResult ModelBuilder::emitConcat(ConcatOp op) {
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(out.shape.size());
  int64_t axis = op.getAxis() < 0 ? static_cast<int64_t>(op.getAxis()) + rank
                                  : static_cast<int64_t>(op.getAxis());
  Type t = storageType(out.element);
  int64_t at = 0;
  for (Value input : op.getInputs()) {
    const TensorRef &in = refs[input];
    Value src = basePointer(in);
    Value dst = gep(basePointer(out), cI64(at * out.strides[axis]), t);
    loopNest(in.shape, out.strides, [&](ArrayRef<Value> ivs) {
      store(load(t, gep(src, offsetOf(ivs, in.strides), t)),
            gep(dst, offsetOf(ivs, out.strides), t));
    });
    at += in.shape[axis];
  }
  return success();
}

LogicalResult ModelBuilder::emitOp(Operation *op) {
  if (isFloatOp(op))
    return emitFloatOp(op);
  if (auto lut = dyn_cast<QLutOp>(op))
    return emitLut(lut);
  if (isa<QMulOp, QRequantizeOp>(op))
    return emitElementwise(op);
  if (auto concat = dyn_cast<ConcatOp>(op))
    return emitConcat(concat);
  if (isa<TransposeOp, SliceOp>(op))
    return success(); // views
  if (auto avg = dyn_cast<QAvgPool2dOp>(op))
    return emitAvgPool(avg);
  if (auto gap = dyn_cast<GlobalAvgPool2dOp>(op))
    return emitGlobalAvgPool(gap);
  if (auto q = dyn_cast<QuantizeOp>(op))
    return emitQuantize(q);
  if (auto dq = dyn_cast<DequantizeOp>(op))
    return emitDequantize(dq);
  if (auto conv = dyn_cast<QConv2dOp>(op))
    return emitConv(conv);
  if (auto linear = dyn_cast<QLinearOp>(op))
    return emitLinear(linear);
  if (auto qadd = dyn_cast<QAddOp>(op))
    return emitAdd(qadd);
  if (auto pool = dyn_cast<QMaxPool2dOp>(op))
    return emitMaxPool(pool);
  if (isa<ReshapeOp, FlattenOp>(op)) {
    const TensorRef &in = refs[op->getOperand(0)];
    const TensorRef &out = refs[op->getResult(0)];
    if (out.kind == in.kind && out.index == in.index)
      return success(); // a view
    copyToRowMajor(in, basePointer(in), basePointer(out));
    return success();
  }
  return op->emitError() << "qc compile: internal error: unplanned op";
}

LogicalResult ModelBuilder::emit(ModuleOp mod) {
  module = mod;
  b.setInsertionPointToEnd(module.getBody());
  auto entryType = b.getFunctionType({ptr, ptr, ptr, ptr}, {i32});
  entry = b.create<func::FuncOp>(loc, prefix + "_entry", entryType);
  entry->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  Block *block = entry.addEntryBlock();
  b.setInsertionPointToStart(block);
  ctxArg = block->getArgument(0);
  arenaArg = block->getArgument(1);
  Value inputs = block->getArgument(2), outputs = block->getArgument(3);
  statusSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), statusSlot);
  for (unsigned i = 0; i < src.getNumArguments(); ++i)
    inputPointers.push_back(load(ptr, gep(inputs, cI64(i), ptr)));

  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || isFoldedDequantize(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        const TensorRef &r = refs[v];
        Value dst = load(ptr, gep(outputs, cI64(static_cast<int64_t>(i)), ptr));
        copyToRowMajor(r, basePointer(r), dst);
      }
      b.create<func::ReturnOp>(loc, ValueRange{load(i32, statusSlot)});
      continue;
    }
    loc = op->getLoc();
    if (failed(emitOp(op)))
      return failure();
    loc = src.getLoc();
  }
  return success();
}

void ModelBuilder::emitDispatcher(ModuleOp mod,
                                  ArrayRef<func::FuncOp> entries) {
  // <name>_entry: the first variant whose ISA bits the runtime reports
  // (best first), else the last (the weakest, which the descriptor requires).
  loc = src.getLoc();
  b.setInsertionPointToEnd(mod.getBody());
  auto entryType = b.getFunctionType({ptr, ptr, ptr, ptr}, {i32});
  auto fn = b.create<func::FuncOp>(loc, options.name + "_entry", entryType);
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  Block *block = fn.addEntryBlock();
  b.setInsertionPointToStart(block);
  ValueRange args = block->getArguments();
  Value features =
      load(i64, gep(args[0], cI64(offsetof(qc_exec_context, cpu_features)), i8));
  std::function<Value(size_t)> choose = [&](size_t v) -> Value {
    if (v + 1 == entries.size())
      return b.create<func::CallOp>(loc, entries[v], args).getResult(0);
    int64_t bits = static_cast<int64_t>(getRequiredIsaBits(isas[v]));
    Value has = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::AndIOp>(loc, features, cI64(bits)), cI64(bits));
    auto ifOp = b.create<scf::IfOp>(
        loc, has,
        [&](OpBuilder &, Location) {
          b.create<scf::YieldOp>(
              loc, b.create<func::CallOp>(loc, entries[v], args).getResult(0));
        },
        [&](OpBuilder &, Location) {
          b.create<scf::YieldOp>(loc, choose(v + 1));
        });
    return ifOp.getResult(0);
  };
  b.create<func::ReturnOp>(loc, choose(0));
  // The dispatcher is marked as the weakest variant's code.
  fn->setAttr("qc.variant", b.getI64IntegerAttr(entries.size() - 1));
}

//===----------------------------------------------------------------------===//
// Descriptor and header
//===----------------------------------------------------------------------===//

void ModelBuilder::addDescriptor(ModuleOp mod,
                                 const ModelDescriptorInfo &info) {
  OpBuilder gb(ctx);
  gb.setInsertionPointToEnd(mod.getBody());
  int64_t stringCount = 0;
  auto addString = [&](StringRef s) {
    std::string name =
        (options.name + "_str" + Twine(stringCount++)).str();
    std::string value = s.str();
    value.push_back('\0');
    gb.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i8, value.size()),
                              true, LLVM::Linkage::Internal, name,
                              gb.getStringAttr(value));
    return name;
  };
  // A constant global whose initializer \p init builds.
  auto addGlobal = [&](StringRef name, Type type, LLVM::Linkage linkage,
                       const std::function<Value(OpBuilder &)> &init) {
    auto g = gb.create<LLVM::GlobalOp>(loc, type, true, linkage, name,
                                       Attribute(), 8);
    Block *body = new Block();
    g.getInitializerRegion().push_back(body);
    OpBuilder ib = OpBuilder::atBlockEnd(body);
    ib.create<LLVM::ReturnOp>(loc, init(ib));
    return g;
  };
  auto i64Const = [&](OpBuilder &ib, int64_t v) {
    return ib.create<LLVM::ConstantOp>(loc, i64, ib.getI64IntegerAttr(v));
  };
  auto i32Const = [&](OpBuilder &ib, int64_t v) {
    return ib.create<LLVM::ConstantOp>(loc, i32, ib.getI32IntegerAttr(v));
  };

  auto tensorType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i32, i32, ptr});
  auto addTensorDescs = [&](StringRef what,
                            ArrayRef<ModelDescriptorInfo::Tensor> tensors) {
    SmallVector<std::string> shapeGlobals, nameGlobals;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const ModelDescriptorInfo::Tensor &t = tensors[i];
      std::string shapeName =
          (options.name + "_" + what + "_shape" + Twine(i)).str();
      int64_t rankOf = static_cast<int64_t>(t.shape.size());
      int64_t rank = std::max<int64_t>(1, rankOf);
      addGlobal(shapeName, LLVM::LLVMArrayType::get(i64, rank),
                LLVM::Linkage::Internal, [&](OpBuilder &ib) {
                  Value v = ib.create<LLVM::UndefOp>(
                      loc, LLVM::LLVMArrayType::get(i64, rank));
                  for (int64_t d = 0; d < rank; ++d)
                    v = ib.create<LLVM::InsertValueOp>(
                        loc, v, i64Const(ib, d < rankOf ? t.shape[d] : 0),
                        ArrayRef<int64_t>{d});
                  return v;
                });
      shapeGlobals.push_back(shapeName);
      nameGlobals.push_back(addString(t.name));
    }
    std::string arrayName = (options.name + "_" + what).str();
    int64_t count = std::max<int64_t>(1, tensors.size());
    auto arrayType = LLVM::LLVMArrayType::get(tensorType, count);
    addGlobal(arrayName, arrayType, LLVM::Linkage::Internal,
              [&](OpBuilder &ib) {
                Value v = ib.create<LLVM::UndefOp>(loc, arrayType);
                for (auto [i, t] : llvm::enumerate(tensors)) {
                  int64_t idx = static_cast<int64_t>(i);
                  Value fields[4] = {
                      ib.create<LLVM::AddressOfOp>(loc, ptr, nameGlobals[i]),
                      i32Const(ib, t.dtype),
                      i32Const(ib, static_cast<int64_t>(t.shape.size())),
                      ib.create<LLVM::AddressOfOp>(loc, ptr, shapeGlobals[i])};
                  for (int64_t f = 0; f < 4; ++f)
                    v = ib.create<LLVM::InsertValueOp>(
                        loc, v, fields[f], ArrayRef<int64_t>{idx, f});
                }
                return v;
              });
    return arrayName;
  };

  std::string inputsName = addTensorDescs("inputs", info.inputs);
  std::string outputsName = addTensorDescs("outputs", info.outputs);

  auto bufferType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i64, i64});
  SmallVector<std::string> bufferNames;
  for (const ModelDescriptorInfo::Buffer &buf : info.buffers)
    bufferNames.push_back(addString(buf.name));
  std::string planName = options.name + "_plan";
  int64_t planCount = std::max<int64_t>(1, info.buffers.size());
  auto planType = LLVM::LLVMArrayType::get(bufferType, planCount);
  addGlobal(planName, planType, LLVM::Linkage::Internal, [&](OpBuilder &ib) {
    Value v = ib.create<LLVM::UndefOp>(loc, planType);
    for (auto [i, buf] : llvm::enumerate(info.buffers)) {
      int64_t idx = static_cast<int64_t>(i);
      Value fields[3] = {
          ib.create<LLVM::AddressOfOp>(loc, ptr, bufferNames[i]),
          i64Const(ib, static_cast<int64_t>(buf.offset)),
          i64Const(ib, static_cast<int64_t>(buf.size))};
      for (int64_t f = 0; f < 3; ++f)
        v = ib.create<LLVM::InsertValueOp>(loc, v, fields[f],
                                           ArrayRef<int64_t>{idx, f});
    }
    return v;
  });

  std::string modelName = addString(info.name);
  auto descType = LLVM::LLVMStructType::getLiteral(
      ctx, {i32, i32, ptr, i64, i32, i32, ptr, ptr, i64, i64, i32, ptr, ptr});
  addGlobal(options.name + "_desc", descType, LLVM::Linkage::External,
            [&](OpBuilder &ib) {
              Value fields[13] = {
                  i32Const(ib, QC_MODEL_ABI_VERSION),
                  i32Const(ib, sizeof(qc_model_desc)),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, modelName),
                  i64Const(ib, static_cast<int64_t>(info.requiredIsa)),
                  i32Const(ib, info.inputs.size()),
                  i32Const(ib, info.outputs.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, inputsName),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, outputsName),
                  i64Const(ib, static_cast<int64_t>(info.arenaSize)),
                  i64Const(ib, static_cast<int64_t>(info.arenaAlignment)),
                  i32Const(ib, info.buffers.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, planName),
                  ib.create<LLVM::AddressOfOp>(loc, ptr,
                                               options.name + "_entry")};
              Value v = ib.create<LLVM::UndefOp>(loc, descType);
              for (int64_t f = 0; f < 13; ++f)
                v = ib.create<LLVM::InsertValueOp>(loc, v, fields[f],
                                                   ArrayRef<int64_t>{f});
              return v;
            });
}

std::string ModelBuilder::header(const ModelDescriptorInfo &info) {
  // Only the model name (a C identifier, checked by qc compile) makes
  // identifiers; tensor names never do. Comments hold names through
  // cCommentText, and the names themselves are string literals
  // (cStringLiteral), equal byte for byte to the descriptor's.
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string upper = StringRef(options.name).upper();
  std::string guard = "QC_MODEL_" + upper + "_H";
  std::string targetName;
  for (GemmIsa v : isas)
    targetName += (targetName.empty() ? "" : ", ") +
                  std::string(::qc::codegen::getGemmIsaInfo(v).targetName);
  if (isas.size() > 1)
    targetName = "x86-64: " + targetName + " (picked at run time)";
  os << "/* Generated by qc compile: do not edit.\n"
     << " * model  " << options.name;
  if (!options.source.empty())
    os << " (from " << cCommentText(options.source) << ")";
  os << "\n * target " << targetName << "\n"
     << " * arena  " << info.arenaSize << " bytes, " << info.buffers.size()
     << " buffers (static plan)\n";
  auto describeTensor = [&](StringRef what, size_t i,
                            const ModelDescriptorInfo::Tensor &t) {
    os << " * " << what << " " << i << ": " << cCommentText(t.name) << " "
       << dtypeName(t.dtype) << " [";
    llvm::interleave(t.shape, os, ",");
    os << "], row-major\n";
  };
  for (auto [i, t] : llvm::enumerate(info.inputs))
    describeTensor("input ", i, t);
  for (auto [i, t] : llvm::enumerate(info.outputs))
    describeTensor("output", i, t);
  os << " * (names in comments: bytes other than letters, digits and "
        "\" _-.,:[]=+\" shown as '_';\n"
     << " *  the exact names are the _NAME string literals below)\n"
     << " *\n * Run it with libqcrt (qc_runtime.h): qc_model_create(&"
     << options.name << "_desc, ...), qc_session_create, qc_session_run.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"qc_model_abi.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "extern const qc_model_desc " << options.name << "_desc;\n\n";
  auto macros = [&](StringRef what, size_t i,
                    const ModelDescriptorInfo::Tensor &t) {
    os << "#define " << upper << "_" << what << i << "_ELEMENTS "
       << product(t.shape) << "\n";
    os << "#define " << upper << "_" << what << i << "_NAME "
       << cStringLiteral(t.name) << "\n";
  };
  for (auto [i, t] : llvm::enumerate(info.inputs))
    macros("INPUT", i, t);
  for (auto [i, t] : llvm::enumerate(info.outputs))
    macros("OUTPUT", i, t);
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

FailureOr<ModelCodegenResult> ModelBuilder::run() {
  if (!src.getBody().hasOneBlock())
    return src.emitError("qc compile: the entry function must have one block");
  if (failed(verifyProgram()) || failed(plan()) ||
      failed(verifyBufferSizes()))
    return failure();
  placeBuffers();
  if (failed(verifyPlan()))
    return failure();

  ModelCodegenResult result;
  result.module = ModuleOp::create(loc);
  isas = options.isas;
  if (isas.empty())
    return src.emitError("qc compile: no instruction set to compile for");
  auto variantAttr = StringAttr::get(ctx, "qc.variant");
  SmallVector<func::FuncOp> entries;
  for (size_t v = 0; v < isas.size(); ++v) {
    currentIsa = isas[v];
    prefix = isas.size() == 1
                 ? options.name
                 : options.name + "_" +
                       std::string(
                           ::qc::codegen::getGemmIsaInfo(currentIsa).nameSuffix);
    inputPointers.clear();
    if (failed(emit(*result.module)))
      return failure();
    entries.push_back(entry);
    // Every function made for this variant is compiled for its ISA.
    result.module->walk([&](func::FuncOp fn) {
      if (!fn->hasAttr(variantAttr))
        fn->setAttr(variantAttr, b.getI64IntegerAttr(static_cast<int64_t>(v)));
    });
  }
  if (isas.size() > 1)
    emitDispatcher(*result.module, entries);
  if (failed(verify(*result.module)))
    return failure();
  if (failed(lowerKernelsToLLVMDialect(*result.module)))
    return failure();
  result.module->walk([&](LLVM::LLVMFuncOp fn) {
    auto v = fn->getAttrOfType<IntegerAttr>(variantAttr);
    if (!v)
      return;
    TargetSpec spec = getModelTargetSpec(isas[v.getInt()]);
    fn.setTargetCpuAttr(StringAttr::get(ctx, spec.cpu));
    fn.setTargetFeaturesAttr(LLVM::TargetFeaturesAttr::get(ctx, spec.features));
    fn->removeAttr(variantAttr);
  });
  result.descriptor = describe();
  addDescriptor(*result.module, result.descriptor);
  if (failed(verify(*result.module)))
    return failure();
  result.header = header(result.descriptor);
  result.arenaBytes = arenaBytes;
  result.constantBytes = constantBytes;
  result.floatWeightBytes = floatWeightBytes;
  result.steps = step;
  return result;
}

} // namespace model_codegen

FailureOr<ModelCodegenResult>
buildModelModule(func::FuncOp func, const ModelCodegenOptions &options) {
  model_codegen::ModelBuilder builder(func, options);
  return builder.run();
}

} // namespace mlir::qc
