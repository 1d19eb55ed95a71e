//===- ModelBuilder.h - qc compile's code generator, internal --*- C++ -*-===//
//
// The ModelBuilder class the codegen passes share (the plan, the module
// being built, the current variant), its lowering patterns (one list per op
// family, LowerModel.cpp runs them) and the tensor placement types. Its
// members are defined in one file per step or op family (LowerModel.cpp
// lists them). Internal to passes/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_MODELBUILDER_H
#define QC_PASSES_CODEGEN_MODELBUILDER_H

#include "passes/Codegen/ModelCodegen.h"

#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc::model_codegen {

/// The integer and float ops qc compile lowers, for error messages.
extern const char *const kSupported;
extern const char *const kFloatSupported;
/// The reductions, ArgMax / ArgMin (FloatReduce.cpp), qc.compare and
/// qc.select (Compare.cpp) qc compile lowers.
extern const char *const kReduceSupported;

/// The bit a run's status gets when a 16x8 step's accumulator leaves int32
/// (the reference executor's "accumulator overflows int32" error); 1 is a
/// NaN or infinite value where qparams are computed.
constexpr int32_t kInt16OverflowStatus = 2;
/// The bit a run's status gets when a qc.gather index is outside [-dim, dim)
/// (the reference executor's "index ... is out of range" error).
constexpr int32_t kGatherIndexStatus = 4;

/// Rows per im2col + GEMM block inside one thread's chunk: the block's
/// im2col rows are still in cache when the kernel reads them.
constexpr int64_t kIm2colBlockRows = 96;

/// Bytes of one im2col row of an 8-bit conv with K = kh * kw * C: K rounded
/// up to 4, the K group of the dot-product kernels, so their K loop has no
/// masked tail (a first conv's K = 27 becomes 28; the extra column's
/// weights are zero).
inline int64_t im2colRowBytes(int64_t k) { return (k + 3) / 4 * 4; }
/// Windows with more taps than this are loops, not unrolled code.
constexpr int64_t kMaxUnrolledTaps = 64;
/// qc.qavg_pool2d unrolls at most this many taps: each unrolled tap is a
/// channel loop that LLVM vectorizes, interleaves and gives a remainder
/// (~300 instructions at AVX-512), so a 7x7 global pool unrolled was 49 such
/// loops and a quarter of MobileNetV3-small's compile time; the clipped
/// window loop runs as fast (the channel loop is the work).
constexpr int64_t kMaxUnrolledAvgPoolTaps = 9;

/// Types qc compile moves across the model's boundary, as qc_dtype values
/// (QC_DTYPE_UNDEFINED for others), and their names.
int32_t toDtype(Type t);
const char *dtypeName(int32_t dtype);
/// "input 'NAME'" (or "input #i") of the entry function, for messages.
std::string describeInput(func::FuncOp func, BlockArgument arg);

using ::qc::codegen::GemmIsa;
using ::qc::codegen::GemmKernelConfig;
using ::qc::codegen::PackedGemmWeights;
using ::qc::codegen::QType;

/// a * b for sizes (>= 0), saturating at INT64_MAX instead of overflowing:
/// a saturated size is always above kMaxCompiledTensorBytes, which
/// ModelBuilder::verifyPlan refuses.
inline int64_t satMul(int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
    return std::numeric_limits<int64_t>::max();
  return r;
}

inline int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p = satMul(p, d);
  return p;
}

/// The one scratch buffer of a qc.dynamic_qlinear step, as byte offsets
/// (64-byte aligned parts): the quantized rows (M x K bytes), the int32
/// accumulators (M x N), the run-time scales and zero points (M or 1 of
/// each, f32 and i32) and, when the input is not row-major, a row-major
/// f32 copy of it (-1 otherwise). Sizes saturate like satMul.
struct DynamicLinearScratch {
  int64_t quantized = 0, accumulators = 0, scales = 0, zeroPoints = 0;
  int64_t inputCopy = -1, bytes = 0;
};
DynamicLinearScratch getDynamicLinearScratch(int64_t m, int64_t k, int64_t n,
                                             bool copyInput);

/// The scratch of a qc.qmatmul step (IntMatmul.cpp), in bytes: one slot
/// per batch index (the packed rhs, then its int32 bias, 64-byte aligned;
/// the largest any variant needs) and, when the lhs rows are not
/// K-contiguous, a row-major copy of the lhs at `lhsCopy` (-1 otherwise).
struct QMatmulScratch {
  int64_t slotBytes = 0, lhsCopy = -1, bytes = 0;
};
QMatmulScratch getQMatmulScratch(QMatmulOp op, bool copyLhs);

inline SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Whether \p strides lay \p shape out row-major; a dimension of extent 1
/// has no stride that matters.
inline bool isRowMajorLayout(ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> strides) {
  SmallVector<int64_t> rm = rowMajorStrides(shape);
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1 && strides[d] != rm[d])
      return false;
  return true;
}

/// A transposed conv's weight [C_in, C_out / groups, kh, kw] as
/// [ky][kx][ic][oc] (ic within the group, oc over all outputs), the layout
/// the int8 and float lowerings read: w[g * cg + ic][oc % og][ky][kx] for oc
/// in group g. \p T widens the stored values (int8 -> int32).
template <typename T, typename W>
std::vector<T> packTransposedTaps(const std::vector<W> &w, int64_t o,
                                  int64_t og, int64_t cg, int64_t kh,
                                  int64_t kw) {
  std::vector<T> taps(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc) {
    int64_t g = oc / og, ocg = oc % og;
    for (int64_t ic = 0; ic < cg; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          taps[((y * kw + x) * cg + ic) * o + oc] =
              w[(((g * cg + ic) * og + ocg) * kh + y) * kw + x];
  }
  return taps;
}

/// NCHW index order, NHWC memory order.
inline SmallVector<int64_t> nhwcStrides(ArrayRef<int64_t> s) {
  return {s[1] * s[2] * s[3], 1, s[3] * s[1], s[1]};
}

/// Where a tensor lives: a model input, or an arena buffer; `strides` are in
/// elements, in the tensor's (logical, NCHW) index order.
struct TensorRef {
  /// Constant: a qc.constant operand, a global of the object (index into
  /// ModelBuilder::constantOperandBytes).
  enum Kind { Input, Arena, Constant } kind = Arena;
  int64_t index = 0;
  SmallVector<int64_t> shape, strides;
  /// Elements from the start of the input / arena buffer (views).
  int64_t offset = 0;
  Type element;

  bool isRowMajor() const { return isRowMajorLayout(shape, strides); }
  bool isNhwc() const {
    if (shape.size() != 4)
      return false;
    SmallVector<int64_t> s = nhwcStrides(shape);
    for (size_t d = 0; d < 4; ++d)
      if (shape[d] != 1 && strides[d] != s[d])
        return false;
    return true;
  }
};

/// The lines of a tensor along one axis (softmax, log_softmax): the line
/// length, the shape that walks one element per line (the axis set to 1),
/// and the element strides along the axis of the input and the output.
struct AxisLines {
  int64_t length;
  SmallVector<int64_t> outer;
  int64_t inStride, outStride;
};
/// \p axis may be negative (counted from the end).
AxisLines axisLines(const TensorRef &in, const TensorRef &out, int64_t axis);

/// The requantize step of qc.qmul ((a - za) * (b - zb) * m) and
/// qc.qrequantize ((x - zx) * m): one zero point per operand.
struct ElementwiseRequantize {
  float multiplier;
  SmallVector<int64_t> zeroPoints;
  int64_t outputZeroPoint, clampMin, clampMax;
};
/// \p op's requantize step; \p op is a QMulOp or a QRequantizeOp.
ElementwiseRequantize elementwiseRequantize(Operation *op);

struct ArenaBuffer {
  std::string name;
  int64_t bytes = 0;
  int64_t first = 0, last = 0;
  int64_t offset = 0;
};

/// The int32 bias of a qconv2d / qlinear (zeros when absent) and its int8
/// weights, read from their constants (IntConv.cpp).
FailureOr<std::vector<int32_t>> getBias(Operation *op, Value bias, int64_t n);
FailureOr<std::vector<int8_t>> getWeights(Operation *op, Value weight);

inline int64_t elementBytes(Type t) { return (t.getIntOrFloatBitWidth() + 7) / 8; }
inline bool isUnsigned(Type t) { return t.isUnsignedInteger(); }

/// The elementwise math ops of FloatElementwise.cpp: unary (abs, neg, exp,
/// log, reciprocal, floor, ceil, round, leaky_relu) and binary (max, min,
/// prelu).
bool isMathUnaryOp(Operation *op);
bool isMathBinaryOp(Operation *op);
/// The float elementwise steps (FloatElementwise.cpp): unary (relu, clamp,
/// sigmoid, ..., and the unary math ops) and binary (add, sub, mul, div,
/// pow and the binary math ops).
bool isUnaryFloatOp(Operation *op);
bool isBinaryFloatOp(Operation *op);

/// Strides of \p r read as a tensor of \p outShape (numpy broadcasting:
/// leading dimensions added, size-1 dimensions repeated with stride 0).
SmallVector<int64_t> broadcastStrides(const TensorRef &r,
                                      ArrayRef<int64_t> outShape);

class ModelBuilder {
public:
  ModelBuilder(func::FuncOp func, const ModelCodegenOptions &options)
      : src(func), options(options), ctx(func.getContext()), b(ctx),
        loc(func.getLoc()) {
    i8 = b.getI8Type();
    i16 = b.getI16Type();
    i32 = b.getI32Type();
    i64 = b.getI64Type();
    f32 = b.getF32Type();
    ptr = LLVM::LLVMPointerType::get(ctx);
  }

  /// qc-plan-memory: verifies the program, plans and places its tensors
  /// and writes the plan as attributes (MemoryPlan.cpp).
  LogicalResult planMemory();
  /// qc-lower-model: reads and checks the plan attributes and emits the
  /// model (every variant of options.isas) into \p out (LowerModel.cpp).
  FailureOr<ModelInfo> lower(ModuleOp out);

private:
  /// The plan as attributes (qc.plan, qc.place, qc.scratch), and back
  /// (checked: kinds, indices, ranks; then verifyPlan and the lifetimes).
  void writePlan();
  LogicalResult readPlan();
  /// Buffers whose lifetimes overlap must not share bytes.
  LogicalResult verifyLifetimes();
  // --- verification -------------------------------------------------------
  /// Before planning: every tensor of the program static, positive and
  /// within kMaxCompiledTensorBytes (overflow-checked), every op's element
  /// types ones the emitters implement, I/O names without NUL bytes.
  LogicalResult verifyProgram();
  LogicalResult verifyStorageTypes(Operation *op);
  /// Before placing: every buffer 1 to kMaxCompiledTensorBytes bytes.
  LogicalResult verifyBufferSizes();
  /// After placing: every buffer and every view inside the arena.
  LogicalResult verifyPlan();
  /// The descriptor's contents (names, dtypes, shapes, plan).
  ModelDescriptorInfo describe();

  // --- planning -----------------------------------------------------------
  LogicalResult plan();
  int64_t newBuffer(std::string name, int64_t bytes) {
    buffers.push_back({std::move(name), bytes, step, step, 0});
    return static_cast<int64_t>(buffers.size()) - 1;
  }
  /// A fresh arena tensor for \p value: NHWC when 4-D (unless \p rowMajor),
  /// else row-major.
  TensorRef newArenaTensor(Value value, StringRef what,
                           bool rowMajor = false) {
    auto type = cast<RankedTensorType>(value.getType());
    TensorRef r;
    r.kind = TensorRef::Arena;
    r.shape.assign(type.getShape().begin(), type.getShape().end());
    r.strides = r.shape.size() == 4 && !rowMajor ? nhwcStrides(r.shape)
                                                 : rowMajorStrides(r.shape);
    r.element = type.getElementType();
    r.index = newBuffer(what.str(),
                        satMul(std::max<int64_t>(1, product(r.shape)),
                               elementBytes(r.element)));
    return r;
  }
  void use(Value v) {
    auto it = refs.find(v);
    if (it != refs.end() && it->second.kind == TensorRef::Arena)
      buffers[it->second.index].last =
          std::max(buffers[it->second.index].last, step);
  }
  LogicalResult requireRef(Operation *op, Value v, StringRef what) {
    if (refs.count(v))
      return success();
    return op->emitError() << "qc compile: " << what << " of '"
                           << op->getName()
                           << "' is not produced by a compiled op (constants "
                              "are supported only as weights and biases)";
  }
  void placeBuffers();
  /// The buffer name stem of \p op's step: "conv2d_7".
  std::string stepName(Operation *op) const {
    return (op->getName().stripDialect() + "_" + Twine(step)).str();
  }
  /// Each of \p operands (activations of \p op) either has a place or is
  /// a constant read as a tensor (constantOperand); else an error.
  LogicalResult bindOperands(Operation *op, ValueRange operands);
  /// A fresh arena tensor for \p op's result (newArenaTensor).
  void placeResult(Operation *op, bool rowMajor = false) {
    Value result = op->getResult(0);
    refs[result] = newArenaTensor(result, stepName(op), rowMajor);
  }

  // --- plan rules (LoweringPattern::plan), in the family files ------------
  /// The common rules (MemoryPlan.cpp): every operand an activation and the
  /// result a fresh tensor, NHWC when 4-D; planWeightedStep the same for an
  /// op whose operands after the first (weights, bias) are read at compile
  /// time (isWeightOperand).
  LogicalResult planArenaStep(Operation *op);
  LogicalResult planWeightedStep(Operation *op);
  bool isWeightOperand(Operation *op, Value v) { return v != op->getOperand(0); }
  /// IntConv.cpp: im2col scratch (planIm2col) / a row-major copy of a
  /// strided input.
  LogicalResult planConv(QConv2dOp op);
  LogicalResult planLinear(QLinearOp op);
  /// IntElementwise.cpp: a (de)quantize, requantize or lookup keeps its
  /// row-major input's order unless a user wants NHWC (kNhwcInput).
  LogicalResult planKeepingRowMajor(Operation *op);
  void placeKeepingRowMajor(Operation *op);
  LogicalResult planQuantize(QuantizeOp op);
  LogicalResult planDequantize(DequantizeOp op);
  /// IntPool.cpp.
  LogicalResult planGlobalAvgPool(GlobalAvgPool2dOp op);
  /// IntMatmul.cpp: the packed rhs (getQMatmulScratch), result row-major.
  LogicalResult planQMatmul(QMatmulOp op);
  /// DynamicLinear.cpp: getDynamicLinearScratch, result row-major; the
  /// float dynamic_fake_quant.
  LogicalResult planDynamicLinear(DynamicQLinearOp op);
  LogicalResult planDynamicFakeQuant(DynamicFakeQuantOp op);
  /// DataMovement.cpp: reshape / flatten / transpose / slice as views of
  /// the operand's bytes (a reshape of a strided tensor: a row-major copy);
  /// the float pad.
  LogicalResult planView(Operation *op);
  LogicalResult planPad(PadOp op);
  /// Gather.cpp: the table read at compile time when it is a quantized
  /// embedding (matchQuantizedTable).
  bool isQuantizedTable(Operation *op, Value v);

  // --- lowering patterns --------------------------------------------------
public:
  /// One lowering pattern: the ops it matches, the step's plan (what it
  /// needs from the memory plan) and the step it emits. Each op family lists
  /// its patterns in its own file (populate*Patterns); an op must match
  /// exactly one pattern (uniquePattern checks), so their order does not
  /// matter.
  struct LoweringPattern {
    /// The pattern's name, for messages (e.g. "float-conv2d").
    StringRef name;
    bool (*match)(Operation *op);
    /// qc-plan-memory's rule for the step (MemoryPlan.cpp runs it in
    /// program order): refuses what the emitter cannot lower, binds the
    /// operands read from a place, asks for scratch buffers (newBuffer) and
    /// places the result: a fresh arena tensor in the layout the step
    /// writes (placeResult), or a view of an operand's bytes.
    std::function<LogicalResult(ModelBuilder &, Operation *)> plan;
    std::function<LogicalResult(ModelBuilder &, Operation *)> emit;
    /// kFloatStep / kNhwcInput below.
    unsigned flags = 0;
    /// The operands the step reads at compile time instead of from a place
    /// (weights, a quantized table), or null: qc-lower-model's plan check
    /// does not ask them for one. A float step's float constants are such
    /// operands too (isFloatConstant).
    bool (ModelBuilder::*compileTimeOperand)(Operation *op, Value v) = nullptr;

    bool floatStep() const { return flags & kFloatStep; }
    bool nhwcInput() const { return flags & kNhwcInput; }
    /// Whether \p builder reads \p v, an operand of \p op, without a place.
    bool readsAtCompileTime(ModelBuilder &builder, Operation *op,
                            Value v) const {
      return (floatStep() && isFloatConstant(v)) ||
             (compileTimeOperand && (builder.*compileTimeOperand)(op, v));
    }
  };
  /// A float step: its data operand (operand 0) may be a constant the
  /// reference executor evaluates, read from the object (bindFloatData);
  /// its float constants have no place.
  static constexpr unsigned kFloatStep = 1;
  /// The step reads a 4-D input best in NHWC order: a (de)quantize or
  /// lookup feeding it writes NHWC even when its own input is row-major
  /// (planKeepingRowMajor).
  static constexpr unsigned kNhwcInput = 2;
  class LoweringPatterns {
  public:
    /// A pattern for the ops of \p OpTys, planned by \p plan and emitted by
    /// \p emit (whose argument is one of them, or Operation *).
    template <typename... OpTys, typename PlanArg, typename EmitArg>
    LoweringPatterns &
    add(StringRef name, LogicalResult (ModelBuilder::*plan)(PlanArg),
        LogicalResult (ModelBuilder::*emit)(EmitArg), unsigned flags = 0,
        bool (ModelBuilder::*compileTimeOperand)(Operation *, Value) =
            nullptr) {
      return add(
          name, [](Operation *op) { return isa<OpTys...>(op); }, plan, emit,
          flags, compileTimeOperand);
    }
    /// A pattern for the ops \p match accepts.
    template <typename PlanArg, typename EmitArg>
    LoweringPatterns &
    add(StringRef name, bool (*match)(Operation *),
        LogicalResult (ModelBuilder::*plan)(PlanArg),
        LogicalResult (ModelBuilder::*emit)(EmitArg), unsigned flags = 0,
        bool (ModelBuilder::*compileTimeOperand)(Operation *, Value) =
            nullptr) {
      patterns.push_back({name, match, bind(plan), bind(emit), flags,
                          compileTimeOperand});
      return *this;
    }
    ArrayRef<LoweringPattern> get() const { return patterns; }

  private:
    template <typename Arg>
    static std::function<LogicalResult(ModelBuilder &, Operation *)>
    bind(LogicalResult (ModelBuilder::*fn)(Arg)) {
      return [fn](ModelBuilder &builder, Operation *op) {
        if constexpr (std::is_same_v<Arg, Operation *>)
          return (builder.*fn)(op);
        else
          return (builder.*fn)(cast<Arg>(op));
      };
    }
    std::vector<LoweringPattern> patterns;
  };
  /// Every family's patterns (LowerModel.cpp), built once.
  static const LoweringPatterns &loweringPatterns();
  /// The pattern that lowers \p op, or null when none does.
  static const LoweringPattern *findPattern(Operation *op);
  /// findPattern, checked: an op no pattern matches is an error naming it
  /// ("has no native lowering yet"), two patterns that match are an
  /// internal error.
  static FailureOr<const LoweringPattern *> uniquePattern(Operation *op);

private:
  // One function per op family, in the family's file.
  static void populateIntConvPatterns(LoweringPatterns &patterns);
  static void populateIntMatmulPatterns(LoweringPatterns &patterns);
  static void populateIntPoolPatterns(LoweringPatterns &patterns);
  static void populateIntElementwisePatterns(LoweringPatterns &patterns);
  static void populateIntMinMaxPatterns(LoweringPatterns &patterns);
  static void populateIntResizePatterns(LoweringPatterns &patterns);
  static void populateIntConvTransposePatterns(LoweringPatterns &patterns);
  static void populateInt16Patterns(LoweringPatterns &patterns);
  static void populateDynamicQuantPatterns(LoweringPatterns &patterns);
  static void populateDataMovementPatterns(LoweringPatterns &patterns);
  static void populateGatherPatterns(LoweringPatterns &patterns);
  static void populateComparePatterns(LoweringPatterns &patterns);
  static void populateReducePatterns(LoweringPatterns &patterns);
  static void populateFloatElementwisePatterns(LoweringPatterns &patterns);
  static void populateFloatGemmPatterns(LoweringPatterns &patterns);
  static void populateFloatConvTransposePatterns(LoweringPatterns &patterns);
  static void populateFloatPoolPatterns(LoweringPatterns &patterns);
  static void populateFloatNormalizePatterns(LoweringPatterns &patterns);

  // --- emission -----------------------------------------------------------
  LogicalResult emit(ModuleOp module);
  /// \p op's step, through the one pattern that matches it.
  LogicalResult emitOp(Operation *op);
  /// The step table's entry of \p op (a step that emits code): kind, node
  /// name, shapes, MACs and bytes (LowerModel.cpp).
  ModelDescriptorInfo::Step describeStep(Operation *op);
  /// Loads ctx->profile_step when the context has it (else null) into
  /// profileHook, at the start of the entry.
  void emitProfileHookLoad();
  /// `if (profileHook) profile_step(ctx, index)` as a call of the
  /// variant's profileFunction; returns the call.
  Operation *emitProfileStep(int64_t index);
  void emitDispatcher(ModuleOp module, ArrayRef<func::FuncOp> entries);

  // Scalars, addresses and loops.
  Value cI64(int64_t v) { return b.create<arith::ConstantIntOp>(loc, v, 64); }
  Value cI32(int64_t v) { return b.create<arith::ConstantIntOp>(loc, v, 32); }
  Value cF32(float v) {
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulIOp>(loc, x, y); }
  Value mulC(Value x, int64_t c) { return c == 1 ? x : mul(x, cI64(c)); }
  /// acc + x * y of the float dot products (f32 scalars or vectors): the
  /// product rounded, then the sum (the reference's two roundings), or one
  /// fused multiply-add with `--float-fma` (options.floatFma).
  Value mulAddF(Value acc, Value x, Value y) {
    if (options.floatFma)
      return b.create<math::FmaOp>(loc, x, y, acc);
    return b.create<arith::AddFOp>(loc, acc,
                                   b.create<arith::MulFOp>(loc, x, y));
  }
  Value divC(Value x, int64_t c) {
    return c == 1 ? x : b.create<arith::DivUIOp>(loc, x, cI64(c));
  }
  Value remC(Value x, int64_t c) {
    return b.create<arith::RemUIOp>(loc, x, cI64(c));
  }
  Value gep(Value base, Value index, Type element) {
    return b.create<LLVM::GEPOp>(loc, ptr, element, base, ValueRange{index});
  }
  Value load(Type t, Value p) {
    return b.create<LLVM::LoadOp>(loc, t, p, /*alignment=*/1);
  }
  void store(Value v, Value p) {
    b.create<LLVM::StoreOp>(loc, v, p, /*alignment=*/1);
  }
  /// Storage type of a tensor element (i8 / i32 / f32).
  Type storageType(Type t) {
    if (auto it = dyn_cast<IntegerType>(t))
      return b.getIntegerType(it.getWidth());
    return t;
  }
  /// An 8-bit element widened to i32 as its tensor type says.
  Value extend(Value v, Type tensorElement) {
    if (isUnsigned(tensorElement))
      return b.create<arith::ExtUIOp>(loc, i32, v);
    return b.create<arith::ExtSIOp>(loc, i32, v);
  }
  void forRange(Value lb, Value ub, const std::function<void(Value)> &body) {
    b.create<scf::ForOp>(loc, lb, ub, cI64(1), ValueRange{},
                         [&](OpBuilder &, Location, Value iv, ValueRange) {
                           body(iv);
                           b.create<scf::YieldOp>(loc);
                         });
  }
  void forN(int64_t n, const std::function<void(Value)> &body) {
    forRange(cI64(0), cI64(n), body);
  }
  void ifThen(Value cond, const std::function<void()> &thenBody,
              const std::function<void()> &elseBody = nullptr) {
    auto thenFn = [&](OpBuilder &, Location) {
      thenBody();
      b.create<scf::YieldOp>(loc);
    };
    if (elseBody)
      b.create<scf::IfOp>(loc, cond, thenFn, [&](OpBuilder &, Location) {
        elseBody();
        b.create<scf::YieldOp>(loc);
      });
    else
      b.create<scf::IfOp>(loc, cond, thenFn);
  }
  /// Loops over every index of \p shape, the dimension with the smallest
  /// \p innerStrides innermost; \p body gets one index per dimension.
  void loopNest(ArrayRef<int64_t> shape, ArrayRef<int64_t> innerStrides,
                const std::function<void(ArrayRef<Value>)> &body);
  /// loopNest split over threads along its outermost dimension of extent
  /// > 1: \p body gets the indices and the step function's copies of
  /// \p pointers; \p prologue / \p epilogue run once per chunk.
  void parallelLoopNest(
      ArrayRef<int64_t> shape, ArrayRef<int64_t> innerStrides,
      ArrayRef<Value> pointers,
      const std::function<void(ArrayRef<Value>, ArrayRef<Value>)> &body,
      const std::function<void(ArrayRef<Value>)> &prologue = nullptr,
      const std::function<void(ArrayRef<Value>)> &epilogue = nullptr);
  Value offsetOf(ArrayRef<Value> ivs, ArrayRef<int64_t> strides) {
    Value off = cI64(0);
    for (auto [iv, s] : llvm::zip(ivs, strides))
      if (s != 0)
        off = add(off, mulC(iv, s));
    return off;
  }
  /// 0 <= v < bound.
  Value inBounds(Value v, int64_t bound) {
    Value ge = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, v,
                                       cI64(0));
    Value lt = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, v,
                                       cI64(bound));
    return b.create<arith::AndIOp>(loc, ge, lt);
  }
  /// DESIGN.md's requantize, exactly as the GEMM kernels do it: float(acc)
  /// * m, round half to even, + zp, clamp on floats, to 8 bits.
  /// (Requantize.h, with compile-time zero point and clamp.)
  Value requantize(Value acc, Value m, int64_t zp, int64_t lo, int64_t hi) {
    return emitRequantize(b, loc, acc, m, cF32(static_cast<float>(zp)),
                          cF32(static_cast<float>(lo)),
                          cF32(static_cast<float>(hi)));
  }
  Value roundClampToI8(Value f, int64_t zp, int64_t lo, int64_t hi) {
    return emitRoundClampToI8(b, loc, f, cF32(static_cast<float>(zp)),
                              cF32(static_cast<float>(lo)),
                              cF32(static_cast<float>(hi)));
  }
  /// requantize / roundClampToI8 into \p storage (i8 or i16).
  Value requantizeTo(Value acc, Value m, int64_t zp, int64_t lo, int64_t hi,
                     Type storage) {
    return emitRequantizeTo(b, loc, acc, m, cF32(static_cast<float>(zp)),
                            cF32(static_cast<float>(lo)),
                            cF32(static_cast<float>(hi)), storage);
  }
  Value roundClampTo(Value f, int64_t zp, int64_t lo, int64_t hi,
                     Type storage) {
    return emitRoundClampTo(b, loc, f, cF32(static_cast<float>(zp)),
                            cF32(static_cast<float>(lo)),
                            cF32(static_cast<float>(hi)), storage);
  }

  /// \p bytes past the start of arena buffer \p buffer.
  Value arenaPointer(int64_t buffer, int64_t bytes = 0) {
    return gep(arenaArg, cI64(buffers[buffer].offset + bytes), i8);
  }
  /// A pointer to the first element of \p r in the current function.
  Value basePointer(const TensorRef &r) {
    int64_t viewBytes = r.offset * elementBytes(r.element);
    if (r.kind == TensorRef::Arena)
      return arenaPointer(r.index, viewBytes);
    Value base = r.kind == TensorRef::Constant ? constantOperandPointer(r.index)
                                               : inputPointers[r.index];
    return viewBytes ? gep(base, cI64(viewBytes), i8) : base;
  }
  /// A qc.constant used as an activation operand (an integer op's scalar,
  /// a constant concatenated or returned): a row-major Constant tensor.
  /// Fails when the constant's values cannot be read.
  FailureOr<TensorRef> constantOperand(ConstantOp c);
  /// The current variant's global holding constantOperandBytes[index].
  Value constantOperandPointer(int64_t index);
  std::vector<std::vector<char>> constantOperandBytes;
  std::map<std::pair<std::string, int64_t>, std::string> constantOperandGlobals;
  /// Adds the float32 bytes a layer's weights and bias would take, once per
  /// model (not per variant).
  void countFloatWeights(int64_t elements) {
    if (currentIsa == isas.front())
      floatWeightBytes += 4 * static_cast<uint64_t>(elements);
  }
  /// A constant global holding \p bytes (aligned for vector loads); returns
  /// its symbol name.
  std::string addConstant(StringRef hint, ArrayRef<char> bytes);
  Value addressOf(StringRef global) {
    return b.create<LLVM::AddressOfOp>(loc, ptr, global);
  }
  template <typename T>
  Value constantArray(StringRef hint, ArrayRef<T> values) {
    std::string name = addConstant(
        hint, ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(T)));
    return addressOf(name);
  }
  /// Runs \p body(begin, end, pointers) for [0, count) through the runtime's
  /// parallel_for, in a new function; \p pointers are passed to it, and so
  /// are the step parameters the body asks for (stepI32, stepF32,
  /// stepAddress).
  void parallel(int64_t count, ArrayRef<Value> pointers,
                const std::function<void(Value, Value, ArrayRef<Value>)> &body);
  /// Step parameters: a per-step value (zero point, clamp, multiplier,
  /// scale, address of a constant table) that the code of a step of a
  /// given shape does not otherwise depend on. Inside a parallel() body it
  /// is loaded from the step's record (the slots after the pointers), so
  /// steps of one shape that differ only in such values are one function
  /// after qc-lower-model-to-llvm's merge (an unrolled RNN's timesteps, a
  /// CNN's stages); elsewhere it is the constant itself. Never shared
  /// between two requests: equal values in one step would otherwise make
  /// the step's code differ from a step where they differ.
  Value stepI32(int64_t v) { return stepParam(b.getI32IntegerAttr(v)); }
  Value stepF32(float v) { return stepParam(b.getF32FloatAttr(v)); }
  /// The address of constant global \p global.
  Value stepAddress(StringRef global) {
    return stepParam(FlatSymbolRefAttr::get(ctx, global));
  }
  Value stepParam(Attribute value);
  /// The parallel() body being built: its record and the values it asked
  /// for (IntegerAttr / FloatAttr, or the FlatSymbolRefAttr of a global).
  struct StepRecord {
    Block *block = nullptr;
    int64_t firstSlot = 0;
    SmallVector<Attribute> params;
  };
  StepRecord *stepRecord = nullptr;
  /// Copies \p from into row-major memory at \p to.
  void copyToRowMajor(const TensorRef &from, Value fromBase, Value toBase);
  func::FuncOp getKernel(const GemmKernelConfig &config);
  /// One GEMM's constants packed for the current variant (tile layout,
  /// zero-point correction in the bias), its kernel and column panels.
  struct PackedGemm {
    func::FuncOp kernel;
    GemmKernelConfig config;
    int64_t k = 0, n = 0, tileBytes = 0;
    std::vector<std::pair<int64_t, int64_t>> panels;
    Value weights, bias, multipliers; // in the entry function
  };
  /// The current variant's GEMM kernel for \p aElement activations and
  /// \p cElement results (8-bit, or i32 accumulators) over K = \p k,
  /// N = \p n: config, kernel and tile size (no panels, no constants).
  /// \p intClamp: the caller proved the integer-clamp epilogue exact for
  /// the operands (PackedGemmWeights::integerClampExact); used where the
  /// variant has it.
  FailureOr<PackedGemm> gemmKernelFor(Type aElement, Type cElement, int64_t k,
                                      int64_t n, bool intClamp = false);
  FailureOr<PackedGemm> packGemm(Operation *op, Type aElement, Type cElement,
                                 int64_t k, int64_t n, ArrayRef<int8_t> matrix,
                                 ArrayRef<int32_t> bias,
                                 ArrayRef<float> multipliers, int64_t zpA);
  /// The kernel on \p rows rows of A (row stride \p lda) into C (row stride
  /// \p ldc), panel by panel; \p w / \p bias / \p mult are the step
  /// function's copies of the packed constants' pointers.
  void callGemm(const PackedGemm &g, Value w, Value bias, Value mult, Value a,
                int64_t lda, Value c, int64_t ldc, Value rows, int64_t zpOut,
                int64_t lo, int64_t hi);

  /// The kernel on all \p m rows of A, the threads splitting the column
  /// tiles (contiguous runs, each walked in callGemm's panels): one
  /// parallel() step.
  void gemmByColumns(const PackedGemm &g, int64_t m, Value a, int64_t lda,
                     Value c, int64_t ldc, int64_t zpOut, int64_t lo,
                     int64_t hi);
  /// Emits \p byRows, or, when \p columnsOk and the cost model
  /// (getColumnSplitThreads) prefers columns for some thread counts, a
  /// run-time choice on ctx->num_threads between \p byColumns and
  /// \p byRows. Both compute every output the same way (bit-exact).
  void splitGemm(const PackedGemm &g, int64_t m, bool columnsOk,
                 const std::function<void()> &byRows,
                 const std::function<void()> &byColumns);

  /// What every qconv2d emitter reads: shapes, weights (OIHW), the int32
  /// bias and one multiplier per output channel. Counts the float bytes.
  struct ConvParts {
    int64_t o = 0, cg = 0, kh = 0, kw = 0;
    int64_t n = 0, h = 0, w = 0, oh = 0, ow = 0;
    std::vector<int8_t> weights;
    std::vector<int32_t> bias;
    std::vector<float> multipliers;
  };
  FailureOr<ConvParts> getConvParts(QConv2dOp op);
  /// Output pixel `row` of an n x oh x ow grid: its image, its index in the
  /// image's oh * ow plane, its row and column.
  struct Pixel {
    Value img, pix, oy, ox;
  };
  Pixel splitPixel(Value row, int64_t oh, int64_t ow) {
    Value img = divC(row, oh * ow), pix = remC(row, oh * ow);
    return {img, pix, divC(pix, ow), remC(pix, ow)};
  }
  /// Scratch for the im2col of a groups-1 conv (qc.conv2d or qc.qconv2d;
  /// \p elementBytes per entry), unless the input already is the GEMM's A:
  /// a 1x1, stride 1, unpadded conv of an NHWC tensor.
  template <typename ConvOp>
  void planIm2col(ConvOp conv, RankedTensorType resultType,
                  const std::string &stepName, int64_t elementBytes) {
    auto w = cast<RankedTensorType>(conv.getWeight().getType());
    bool pointwise =
        w.getDimSize(2) == 1 && w.getDimSize(3) == 1 &&
        llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
        llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; }) &&
        refs[conv.getInput()].isNhwc();
    if (conv.getGroups() != 1 || pointwise)
      return;
    int64_t m = satMul(satMul(resultType.getDimSize(0),
                              resultType.getDimSize(2)),
                       resultType.getDimSize(3));
    int64_t k = satMul(satMul(w.getDimSize(1), w.getDimSize(2)),
                       w.getDimSize(3));
    if (elementBytes == 1)
      k = im2colRowBytes(k);
    scratch[conv.getOperation()] = newBuffer(
        stepName + "_im2col", satMul(satMul(elementBytes, m), k));
  }
  /// For each window tap of output (oy, ox) inside the image: \p tap(y, x,
  /// address of the tap's channel 0). \p image points at the image; strides
  /// count elements of \p in's type (8-bit or f32).
  void forEachWindowTap(const TensorRef &in, Value image, Value oy, Value ox,
                        ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                        const std::function<void(int64_t, int64_t, Value)> &tap);
  LogicalResult emitQuantize(QuantizeOp op);
  /// emitQuantize of a row-major NCHW tensor with 2-4 channels (a model's
  /// image) into dense NHWC 8-bit codes, vectorized along W.
  void emitQuantizeNchwToNhwc(QuantizeOp op, float inv, int64_t zp,
                              int64_t lo, int64_t hi);
  LogicalResult emitDequantize(DequantizeOp op);
  LogicalResult emitConv(QConv2dOp op);
  LogicalResult emitGroupedConv(QConv2dOp op);
  LogicalResult emitDepthwiseConv(QConv2dOp op);
  /// A depthwise conv's shapes and compile-time tables (IntDepthwise.cpp).
  struct DepthwiseParts;
  /// Channel blocks of \p lanes in vector registers, several output pixels
  /// per iteration (IntDepthwise.cpp).
  void emitDepthwiseVector(QConv2dOp op, const DepthwiseParts &d,
                           int64_t lanes);
  /// One pixel at a time, a scalar channel loop (channel counts below the
  /// narrowest vector).
  void emitDepthwiseScalar(QConv2dOp op, const DepthwiseParts &d);
  LogicalResult emitLinear(QLinearOp op);
  /// qc.dynamic_qlinear (DynamicLinear.cpp): run-time qparams and
  /// quantization, the s32-output GEMM, the float epilogue.
  LogicalResult emitDynamicLinear(DynamicQLinearOp op);
  /// qc.qmatmul (IntMatmul.cpp): the rhs packed at run time per batch
  /// index, then the int8 GEMM kernel on the lhs rows.
  LogicalResult emitQMatmul(QMatmulOp op);
  /// Whether a qc.qmatmul's lhs rows are not K-contiguous (then the step
  /// copies them to row-major order first).
  static bool qmatmulCopiesLhs(const TensorRef &lhs) {
    return lhs.shape.back() != 1 && lhs.strides.back() != 1;
  }
  LogicalResult emitAdd(QAddOp op);
  LogicalResult emitMaxPool(QMaxPool2dOp op);
  LogicalResult emitGlobalAvgPool(GlobalAvgPool2dOp op);
  LogicalResult emitAvgPool(QAvgPool2dOp op);
  LogicalResult emitElementwise(Operation *op);
  /// The operands of elementwise \p op as views of the result's shape (a
  /// dimension an operand lacks or has as 1 gets stride 0); appends their
  /// base pointers, then the result's, to \p pointers.
  SmallVector<TensorRef> broadcastOperands(Operation *op,
                                           SmallVectorImpl<Value> &pointers);
  LogicalResult emitLut(QLutOp op);
  /// qc.qmax / qc.qmin (IntMinMax.cpp).
  LogicalResult emitExtreme(Operation *op);
  LogicalResult emitConcat(ConcatOp op);
  /// qc.reshape / qc.flatten: nothing when the result is a view of the
  /// input, else a copy into row-major order (DataMovement.cpp).
  LogicalResult emitReshape(Operation *op);
  /// qc.transpose / qc.slice: views (MemoryPlan.cpp), no code.
  LogicalResult emitView(Operation *op);
  /// qc.gather with run-time indices (Gather.cpp): the table a constant or a
  /// row-major tensor, i64 / i32 indices checked at run time.
  LogicalResult planGather(GatherOp op);
  LogicalResult emitGather(GatherOp op);
  /// The index at \p ivs of \p idx (i64 or i32 at \p idxBase) as an i64,
  /// counted from the end when negative (the reference's rule), and whether
  /// it is then inside [0, dim).
  std::pair<Value, Value> normalizedIndex(const TensorRef &idx, Value idxBase,
                                          ArrayRef<Value> ivs, int64_t dim);
  /// A gather's table [V, D] that is a dequantize of an 8-bit constant
  /// (a quantized embedding), read along axis 0: qparams per tensor, per
  /// row or per block of `groupLen` along D (D a multiple of it).
  struct QuantizedTable {
    int64_t rows = 0, cols = 0, groupLen = 0;
    /// qparam index of (row i, group g): i * rowStride + g.
    int64_t rowStride = 0;
    bool isUnsigned = false, hasZeroPoint = false, fourBit = false;
    std::vector<int8_t> values;
    std::vector<float> scales;
    std::vector<int32_t> zeroPoints;
  };
  std::optional<QuantizedTable> matchQuantizedTable(GatherOp op);
  LogicalResult emitQuantizedGather(GatherOp op, const QuantizedTable &t);
  /// qc.qresize and float qc.resize, NHWC (IntResize.cpp): nearest copies
  /// (or requantizes) the source pixel's channels, linear sums four taps
  /// with compile-time tables (fixed-point for qc.qresize, the reference's
  /// float expression for f32).
  LogicalResult emitResize(Operation *op);
  /// qc.qconv_transpose2d (IntConvTranspose.cpp): per output pixel and
  /// channel, the int32 sum over the taps that reach it, then requantize.
  LogicalResult emitConvTranspose(QConvTranspose2dOp op);
  /// The taps of a transposed conv that reach output pixel \p px, in
  /// (ky, kx) order: \p body(ky, kx, iy, ix) runs for each, under the run-time
  /// test that (o + pad - k * dilation) is a whole multiple of the stride
  /// inside the input (IntConvTranspose.cpp).
  void forEachTransposedTap(
      const Pixel &px, int64_t kh, int64_t kw, int64_t h, int64_t w,
      ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
      ArrayRef<int64_t> dilations,
      function_ref<void(Value ky, Value kx, Value iy, Value ix)> body);

  // --- 16x8 steps (Int16.cpp) -------------------------------------------
public:
  /// A qc.qconv2d / qlinear / qadd / qmul / qrequantize with an i16
  /// operand or result: lowered by Int16.cpp, not the 8-bit emitters.
  static bool isInt16Step(Operation *op);

private:
  LogicalResult emitConv16(QConv2dOp op);
  LogicalResult emitLinear16(QLinearOp op);
  LogicalResult emitElementwise16(Operation *op);
  /// sum_k (x[k * xStride] - zp) * w[k] for k < count, in i32: \p x of
  /// \p xElement (ui8, i8, i16), \p w i16 (the weights sign-extended at
  /// compile time, so the product is a 16x16 -> 32 multiply-add LLVM
  /// vectorizes as vpmaddwd / smlal).
  /// With \p wide the sum is an i64 of i32 chunks (exact for any count).
  /// A call of getDot16Kernel (one product inline).
  Value emitDot16(Value x, int64_t xStride, Type xElement, int64_t zp,
                  Value w, int64_t count, bool wide);
  /// The current variant's dot-product function for \p xElement inputs
  /// (i32, or \p wide i64 of i32 chunks), made once and not inlined.
  func::FuncOp getDot16Kernel(Type xElement, bool wide);
  /// An accumulator (i32, or a wide i64) as DESIGN.md's int32: an i64
  /// outside int32 sets \p flag (an i32 slot) to kInt16OverflowStatus.
  Value narrowInt16Accumulator(Value acc, Value flag);
  /// A quantized op with int16 activations that no 16x8 form took (its
  /// Q/DQ float op between i16 dequantize / quantize): an error naming it.
  LogicalResult refuseUnloweredInt16(Operation *op);

  // --- float steps (FloatCodegen.cpp and the Float*.cpp families) -------
public:
  /// Float compute ops qc compile lowers: the ops of the float steps'
  /// patterns.
  static bool isFloatOp(Operation *op);
  /// A qc.dequantize of a qc.constant: folded into the float ops reading it.
  static bool isFoldedDequantize(Operation *op);
  /// Whether \p v is read at compile time by a float op (a float constant or
  /// a folded dequantize) instead of being a planned tensor.
  static bool isFloatConstant(Value v);
  /// qc.reduce_mean and the other float reductions (FloatReduce.cpp).
  static bool isFloatReduction(Operation *op);
  /// reduce_max / reduce_min of an 8-bit tensor (FloatReduce.cpp).
  static bool isIntReduction(Operation *op);

private:
  /// A float step's operands (FloatCodegen.cpp): activations from compiled
  /// ops or float constants (read at compile time), all float32, as the
  /// result.
  LogicalResult checkFloatOperands(Operation *op);
  /// checkFloatOperands, and a float conv's (conv2d, conv_transpose2d)
  /// 4-D result and weight, constant weight and bias.
  LogicalResult checkFloatConvOperands(Operation *op, Value weight,
                                       Value bias);
  /// Whether an operand of \p op is an NHWC tensor of the result's shape.
  bool hasNhwcOperand(Operation *op);
  /// The plan rules of float steps without a rule of their own: the result
  /// row-major (planFloatRowMajor), NHWC when 4-D (planFloatNhwc), or NHWC
  /// when 4-D and an operand of its shape is (planFloatElementwise, which
  /// also checks gelu's approximation; FloatElementwise.cpp).
  LogicalResult planFloatRowMajor(Operation *op);
  LogicalResult planFloatNhwc(Operation *op);
  LogicalResult planFloatElementwise(Operation *op);
  /// FloatGemm.cpp, FloatConvTranspose.cpp, FloatPool.cpp.
  LogicalResult planFloatConv(Conv2dOp op);
  LogicalResult planFloatLinear(LinearOp op);
  LogicalResult planFloatMatmul(MatmulOp op);
  LogicalResult planFloatConvTranspose(ConvTranspose2dOp op);
  LogicalResult planFloatMaxPool(MaxPool2dOp op);
  LogicalResult planFloatAvgPool(AvgPool2dOp op);
  /// Before a float step: its data operand, when no compiled op produces
  /// it, is a constant read from the object (e.g. a qc.pad of a constant
  /// with --no-simplify) or an error naming the op.
  LogicalResult bindFloatData(Operation *op);
  /// The values of a float constant operand (folded dequantize included).
  FailureOr<std::vector<float>> foldFloatConstant(Operation *op, Value v);
  /// A float op's constant bias of \p channels values, or zeros without one.
  FailureOr<std::vector<float>> foldFloatBias(Operation *op, Value bias,
                                              int64_t channels);
  /// A float operand: its place and a pointer to it in the current function
  /// (a constant becomes a row-major global of the object).
  struct FloatOperand {
    TensorRef ref;
    Value base;
  };
  FailureOr<FloatOperand> floatOperand(Operation *op, Value v);
  /// A call of the C library's \p name, all arguments and the result of
  /// one type (powf; log_softmax's double exp and log).
  Value callLibm(StringRef name, ValueRange args);
  /// qc's own float transcendentals (support/Math.h), as ref::expF32 /
  /// logF32 / erfF32 / tanhF32 / sigmoidF32 compute them.
  enum class MathFunction { Exp, Log, Erf, Tanh, Sigmoid };
  /// \p fn of an f32 or vector<N x f32>: widened to f64 lanes, the
  /// support/Math.h sequence, rounded back to f32; equal to the reference
  /// executor's scalar result on every lane.
  Value mathF32(MathFunction fn, Value x);
  /// A unary math op's statement on an f32 or vector<N x f32>.
  std::function<Value(Value)> mathUnaryFn(Operation *op);
  /// A binary math op's statement on two f32 scalars (or vectors).
  Value mathBinary(Operation *op, Value x, Value y);
  /// max / min / prelu on vectors when both operands (strides \p sa, \p sb
  /// in the result's shape) and the result are dense in one row-major
  /// order; false (nothing emitted) otherwise.
  bool emitDenseMathBinary(Operation *op, Value lhsBase, Value rhsBase,
                           ArrayRef<int64_t> sa, ArrayRef<int64_t> sb);
  /// ref::powElement(x, y) on f32 scalars; \p exponent: y's value when it
  /// is a compile-time constant (only that case is emitted).
  Value powElement(Value x, Value y, std::optional<float> exponent);
  /// \p rows rows of a matmul of activations: c[r, j] = sum over k of
  /// a[r, k] * b[k, j], k ascending, in register tiles (strides in
  /// elements).
  void matmulRows(Value a, int64_t ar, int64_t ak, Value bMat, int64_t bk,
                  int64_t bn, Value c, int64_t cr, int64_t cn, int64_t rows,
                  int64_t k, int64_t n);
  /// ref::softmaxExp on each lane of a vector of f64.
  Value softmaxExp(Value x);
  /// table[index] for each byte of a vector of lutVectorBytes() bytes;
  /// \p parts: the 16 vectors of lutParts(table) (x86: one per high
  /// nibble; AArch64: the table's 16-byte quarters), loaded once per step.
  Value lutLookup(Value index, ArrayRef<Value> parts);
  /// The vectors lutLookup reads for the 256-entry \p table, one after
  /// the other (x86: 16 entries broadcast to every 128-bit lane, for each
  /// high nibble; AArch64: the table itself in 16-byte quarters).
  std::vector<int8_t> lutParts(ArrayRef<int8_t> table) const;
  /// Bytes per vector of qc.qlut's lookup on the current variant.
  int64_t lutVectorBytes() const;
  /// f32 vector lanes of the current variant's widest registers.
  int64_t floatLanes() const;
  /// Float GEMM for rows [begin, end) of A (row stride lda) into C (row
  /// stride ldc), W packed by packFloatGemm, in the reference sgemm's order:
  /// per element k ascending, separate multiply and add, starting from the
  /// bias (\p biasFirst, a conv) or from 0 with the bias added last (linear).
  /// Weight-only weights: q as [N, K] (unsigned storage zero-extended),
  /// qparams per (column, group of `group` along K), 4 bits when every
  /// value fits ([-8, 7] / [0, 15]).
  struct WeightOnlyWeights {
    int64_t k = 0, n = 0, group = 1, groups = 0, bits = 8;
    bool isUnsigned = false, hasZeroPoint = false;
    std::vector<int32_t> q;
    std::vector<float> scales;
    std::vector<int64_t> zeroPoints;
  };
  struct FloatGemm {
    int64_t k = 0, n = 0, lanes = 0, vectors = 0, tiles = 0;
    /// > 1: A's rows are (tap, channel) with k = channel * taps + tap (an
    /// NHWC im2col read in the reference's (c, ky, kx) order).
    int64_t taps = 1;
    bool hasBias = false, biasFirst = false;
    Value weights, bias; // in the entry function
  };
  FloatGemm packFloatGemm(int64_t k, int64_t n, ArrayRef<float> kByN,
                          ArrayRef<float> bias, bool biasFirst);
  void callFloatGemm(const FloatGemm &g, Value w, Value bias, Value a,
                     int64_t lda, Value c, int64_t ldc, Value begin,
                     Value end);
  void floatGemmBlock(const FloatGemm &g, Value w, Value bias, Value a,
                      int64_t lda, Value c, int64_t ldc, Value row,
                      int64_t rows, Value tile, bool partial);
  LogicalResult emitFloatUnary(Operation *op);
  LogicalResult emitFloatBinary(Operation *op);
  LogicalResult emitFloatConv(Conv2dOp op);
  LogicalResult emitFloatConvTranspose(ConvTranspose2dOp op);
  LogicalResult emitFloatLinear(Operation *op);
  /// A linear / matmul weight that is a qc.dequantize of an 8-bit constant
  /// (WeightOnlyLinear.cpp), or failure (then the float path folds it).
  FailureOr<WeightOnlyWeights> matchWeightOnly(Operation *op);
  LogicalResult emitWeightOnlyLinear(Operation *op, const WeightOnlyWeights &w);
  LogicalResult emitFloatMatmul(MatmulOp op);
  LogicalResult emitFloatMaxPool(MaxPool2dOp op);
  LogicalResult emitFloatAvgPool(AvgPool2dOp op);
  /// Reductions and ArgMax / ArgMin (FloatReduce.cpp): a reduction's
  /// statement (accumulate \p x into \p acc, f64 or vector of f64) and its
  /// final step (mean, sqrt, log) over \p count inputs, as the reference's.
  LogicalResult emitFloatReduction(Operation *op);
  Value reduceStep(Operation *op, Value acc, Value x);
  Value reduceFinish(Operation *op, Value acc, int64_t count);
  /// qc.arg_max / qc.arg_min (f32, ui8 or i8 input, i64 result) and
  /// reduce_max / reduce_min of ui8 / i8: results row-major.
  LogicalResult planIntegerReduction(Operation *op);
  LogicalResult emitArgExtreme(Operation *op);
  /// qc.compare / qc.select with broadcasting (Compare.cpp): bools one byte
  /// per element in the arena, results row-major.
  LogicalResult planCompareSelect(Operation *op);
  LogicalResult emitCompareSelect(Operation *op);
  LogicalResult emitSoftmax(SoftmaxOp op);
  /// FloatNormalize.cpp.
  LogicalResult emitLogSoftmax(LogSoftmaxOp op);
  LogicalResult emitLayerNorm(LayerNormOp op);
  LogicalResult emitBatchNorm(BatchNormOp op);
  LogicalResult emitPad(PadOp op);
  LogicalResult emitDynamicFakeQuant(DynamicFakeQuantOp op);
  /// ref::chooseQuantizationParams of the finite f32 bounds \p lo, \p hi:
  /// the f32 scale and the zero point as an (integral) f32.
  std::pair<Value, Value> chooseQParams(Value lo, Value hi, int64_t qmin,
                                        int64_t qmax);

  func::FuncOp src;
  const ModelCodegenOptions &options;
  MLIRContext *ctx;
  OpBuilder b;
  Location loc;
  Type i8, i16, i32, i64, f32;
  LLVM::LLVMPointerType ptr;

  DenseMap<Value, TensorRef> refs;
  std::vector<ArenaBuffer> buffers;
  /// Per op: the scratch (im2col) or copy buffer the plan gave it.
  DenseMap<Operation *, int64_t> scratch;
  int64_t step = 0;
  int64_t arenaBytes = 0;
  uint64_t constantBytes = 0, floatWeightBytes = 0;

  ModuleOp module;
  /// The variants emitted (best first) and the one being emitted, with the
  /// symbol prefix of its functions and constants.
  std::vector<GemmIsa> isas;
  GemmIsa currentIsa = GemmIsa::X86Avx2;
  std::string prefix;
  func::FuncOp entry;
  Value ctxArg, arenaArg, statusSlot;
  /// ctx->profile_step (or null).
  Value profileHook;
  /// The variant's `if (hook) hook(ctx, index)` (emitProfileStep).
  func::FuncOp profileFunction;
  /// The step table, filled while emitting the first variant.
  std::vector<ModelDescriptorInfo::Step> stepTable;
  SmallVector<Value> inputPointers;
  std::map<std::string, func::FuncOp> kernels;
  /// addConstant's globals by their bytes (one global per distinct content).
  std::map<std::string, std::string> constantsByBytes;
  int64_t functionCount = 0, constantCount = 0;
};

} // namespace mlir::qc::model_codegen

#endif // QC_PASSES_CODEGEN_MODELBUILDER_H
