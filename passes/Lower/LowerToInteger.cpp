//===- LowerToInteger.cpp - Q/DQ patterns to integer ops ------------------===//
//
// Rewrites, in the converted Q/DQ program,
//   dequantize(x) , dequantize(w const) [, dequantize(b const)]
//       -> conv2d | linear [-> relu | clamp] -> quantize
//   dequantize(a) , dequantize(b) -> add | mul [-> relu | clamp] -> quantize
//       (mul may broadcast)
//   dequantize(a) , dequantize(b i8 symmetric) -> matmul [-> relu] -> quantize
//       (two run-time tensors: attention's QK^T and AV)
//   dequantize(x) -> max_pool2d -> quantize (same qparams, full range)
//   dequantize(a) , dequantize(b) -> max | min -> quantize (broadcasting)
//   dequantize(x) -> avg_pool2d | global_avg_pool2d [-> relu | clamp] -> quantize
// into qc.qconv2d / qc.qlinear / qc.qadd / qc.qmul / qc.qmatmul /
// qc.qmax_pool2d / qc.qavg_pool2d / qc.qmax / qc.qmin (QCIntOps.td), whose epilogue is DESIGN.md's requantize
// rule, and
//   dequantize(x...) -> reshape | flatten | transpose | slice | concat -> quantize
// into the same data-movement op on the integer tensors: it only moves
// values, so it commutes with (de)quantization and is exact for inputs with
// the output's per-tensor qparams (and no value the quantize would clamp);
// other inputs get a qc.qrequantize to the output's qparams first. The
// fused activation becomes the clamp range: relu -> [zp_out, qmax];
// clamp(min, max) -> [quantize(min), quantize(max)] (quantize is monotonic,
// so quantize(clamp(y)) = clamp(quantize(y))), intersected with [qmin, qmax].
// And
//   dequantize(x) -> f -> quantize, f elementwise (sigmoid, tanh, hardswish,
//   hardsigmoid, gelu, relu, clamp, ..., with scalar constants)
// into qc.qlut: a 256-entry table of the Q/DQ program's result for each
// 8-bit input, computed with the reference kernels, so it is exact.
// int16 activations (symmetric, zero point 0) take the 16x8 forms: conv2d
// and linear with an i16 input, add, mul and data movement with i16
// operands or results, and qc.qrequantize where an int8 and an int16 op meet
// (RequantizePattern). Other ops keep their Q/DQ form, which `qc compile`
// refuses for int16 (docs/codegen.md, "int16").
// Anything that does not match exactly is left as it is, so the program
// still runs.
//
//===----------------------------------------------------------------------===//
#include "reference/Executor.h"
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/QCQParams.h"
#include "passes/Lower/LowerToInteger.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERTOINTEGER
#include "passes/Passes.h.inc"

namespace {

bool isInt8(Type type) {
  auto it = dyn_cast<IntegerType>(cast<ShapedType>(type).getElementType());
  return it && it.getWidth() == 8 && (it.isUnsigned() || it.isSignless());
}

bool isInt16(Type type) {
  auto it = dyn_cast<IntegerType>(cast<ShapedType>(type).getElementType());
  return it && it.getWidth() == 16 && it.isSignless();
}

/// An activation storage type a pattern takes: 8-bit, or also i16 for the
/// 16x8 forms (\p allow16).
bool isActivationType(Type type, bool allow16) {
  return isInt8(type) || (allow16 && isInt16(type));
}

/// The per-tensor qparams of a dequantize of an 8-bit tensor.
struct ActQParams {
  Value value; // the integer tensor
  float scale;
  int64_t zeroPoint;
};

/// With \p allow16, also an i16 tensor with zero point 0 (the symmetric
/// int16 activations the 16x8 forms take).
std::optional<ActQParams> matchActivation(Value v, bool allow16 = false) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || dq.getAxis() || dq.getScale().size() != 1 ||
      !isActivationType(dq.getInput().getType(), allow16) ||
      (isInt16(dq.getInput().getType()) && dq.getZeroPoint()[0] != 0))
    return std::nullopt;
  return ActQParams{dq.getInput(), dq.getScale()[0], dq.getZeroPoint()[0]};
}

/// dequantize(constant) with zero points 0, per tensor or per channel along
/// axis 0, and elements of `elementType`. Returns the constant and scales.
std::optional<std::pair<Value, ArrayRef<float>>>
matchConstant(Value v, Type elementType, uint64_t channelAxis = 0) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || !dq.getInput().getDefiningOp<ConstantOp>() ||
      dq.getInput().getType().getElementType() != elementType)
    return std::nullopt;
  if (dq.getBlockSize() ||
      (dq.getAxis() ? *dq.getAxis() != channelAxis
                    : dq.getScale().size() != 1))
    return std::nullopt;
  for (int64_t zp : dq.getZeroPoint())
    if (zp != 0)
      return std::nullopt;
  return std::make_pair(dq.getInput(), dq.getScale());
}

/// quantize(x) of one finite value, exactly as the reference kernel does
/// (x * (1 / scale), round half to even, + zero point), in double to avoid
/// overflow; the caller intersects with [qmin, qmax].
double quantizeScalar(float x, float scale, int64_t zeroPoint) {
  float scaled = x * (1.0f / scale);
  return std::nearbyint(static_cast<double>(scaled)) +
         static_cast<double>(zeroPoint);
}

/// Whether every value the integer tensor `v` can hold lies in [lo, hi]:
/// its storage range does, or the op producing it clamps into [lo, hi]
/// (a qc.quantize or an integer op), or it only moves such values.
bool valuesWithin(Value v, int64_t lo, int64_t hi, int depth = 0) {
  auto range = storageRange(cast<ShapedType>(v.getType()).getElementType());
  if (succeeded(range) && range->first >= lo && range->second <= hi)
    return true;
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8)
    return false;
  auto within = [&](uint64_t min, uint64_t max) {
    return static_cast<int64_t>(min) >= lo && static_cast<int64_t>(max) <= hi;
  };
  if (auto q = dyn_cast<QuantizeOp>(def))
    return within(q.getQuantMin(), q.getQuantMax());
  // The integer ops whose epilogue clamps.
  std::optional<bool> clamped =
      llvm::TypeSwitch<Operation *, std::optional<bool>>(def)
          .Case<QConv2dOp, QLinearOp, QAddOp, QAvgPool2dOp, QResizeOp,
                QConvTranspose2dOp, QMulOp, QMatmulOp, QRequantizeOp>(
              [&](auto o) { return within(o.getClampMin(), o.getClampMax()); })
          .Default([](Operation *) { return std::nullopt; });
  if (clamped)
    return *clamped;
  if (auto o = dyn_cast<QLutOp>(def)) {
    ArrayRef<int32_t> table = o.getTable();
    auto [min, max] = std::minmax_element(table.begin(), table.end());
    return *min >= lo && *max <= hi;
  }
  if (isa<QMaxPool2dOp, ReshapeOp, FlattenOp, TransposeOp, SliceOp,
          ConcatOp, ReduceMaxOp, ReduceMinOp>(def))
    return llvm::all_of(def->getOperands(), [&](Value operand) {
      return valuesWithin(operand, lo, hi, depth + 1);
    });
  return false;
}

struct Epilogue {
  Value floatResult; // the conv / linear / add result
  Operation *activation = nullptr;
  float scale;
  int64_t zeroPoint;
  int64_t clampMin, clampMax;
};

/// quantize(act?(y)) with per-tensor qparams into an 8-bit type (or i16,
/// with \p allow16).
std::optional<Epilogue> matchEpilogue(QuantizeOp q, bool allow16 = false) {
  if (q.getAxis() || q.getScale().size() != 1 ||
      !isActivationType(q.getType(), allow16))
    return std::nullopt;
  Epilogue e;
  e.scale = q.getScale()[0];
  e.zeroPoint = q.getZeroPoint()[0];
  e.clampMin = static_cast<int64_t>(q.getQuantMin());
  e.clampMax = static_cast<int64_t>(q.getQuantMax());
  Value v = q.getInput();
  if (auto relu = v.getDefiningOp<ReluOp>()) {
    e.activation = relu;
    e.clampMin = std::max(e.clampMin, e.zeroPoint);
    v = relu.getInput();
  } else if (auto clamp = v.getDefiningOp<ClampOp>()) {
    float lo = clamp.getMin().convertToFloat();
    float hi = clamp.getMax().convertToFloat();
    if (std::isnan(lo) || std::isnan(hi) || lo > hi)
      return std::nullopt;
    // quantize(lo) may be far outside int64 (or infinite: lo / scale
    // overflows f32); bounded first, so the cast is defined and the empty
    // range below is recognized.
    double qlo = std::isfinite(lo) ? quantizeScalar(lo, e.scale, e.zeroPoint)
                                   : -INFINITY;
    double qhi = std::isfinite(hi) ? quantizeScalar(hi, e.scale, e.zeroPoint)
                                   : INFINITY;
    if (std::isnan(qlo) || std::isnan(qhi) || (!std::isfinite(lo) && lo > 0) ||
        (!std::isfinite(hi) && hi < 0))
      return std::nullopt;
    e.clampMin = std::max(
        e.clampMin, static_cast<int64_t>(std::clamp(qlo, -1e18, 1e18)));
    e.clampMax = std::min(
        e.clampMax, static_cast<int64_t>(std::clamp(qhi, -1e18, 1e18)));
    e.activation = clamp;
    v = clamp.getInput();
  }
  if (e.clampMin > e.clampMax) {
    // The clamp's range lies wholly above (below) what the quantize can hold:
    // every value saturates, so the result is the constant qmax (qmin).
    auto qmin = static_cast<int64_t>(q.getQuantMin());
    auto qmax = static_cast<int64_t>(q.getQuantMax());
    if (e.clampMin > qmax)
      e.clampMin = e.clampMax = qmax;
    else if (e.clampMax < qmin)
      e.clampMin = e.clampMax = qmin;
    else
      return std::nullopt;
  }
  e.floatResult = v;
  return e;
}

/// Weight and (optional) bias of a conv / linear: symmetric i8 weight and an
/// i32 bias with zero point 0 and scale s_in * s_w[c] (relative 1e-6).
struct Params {
  Value weight, bias;
  SmallVector<float> weightScale;
};

std::optional<Params> matchParams(Value weight, Value bias, float inputScale,
                                  int64_t channels, MLIRContext *ctx,
                                  uint64_t weightChannelAxis = 0) {
  auto w = matchConstant(weight, IntegerType::get(ctx, 8), weightChannelAxis);
  if (!w)
    return std::nullopt;
  Params p;
  p.weight = w->first;
  p.weightScale.assign(w->second.begin(), w->second.end());
  if (p.weightScale.size() != 1 &&
      static_cast<int64_t>(p.weightScale.size()) != channels)
    return std::nullopt;
  if (!bias)
    return p;
  auto b = matchConstant(bias, IntegerType::get(ctx, 32));
  if (!b)
    return std::nullopt;
  ArrayRef<float> bs = b->second;
  size_t n = std::max(bs.size(), p.weightScale.size());
  for (size_t c = 0; c < n; ++c) {
    float expected =
        inputScale * p.weightScale[p.weightScale.size() == 1 ? 0 : c];
    float actual = bs[bs.size() == 1 ? 0 : c];
    if (std::fabs(actual - expected) > 1e-6f * expected)
      return std::nullopt;
  }
  p.bias = b->first;
  return p;
}

/// The float elementwise ops a qc.qlut may tabulate.
bool isTabulable(Operation *op) {
  return isa<ReluOp, ClampOp, SigmoidOp, TanhOp, HardswishOp, HardsigmoidOp,
             GeluOp, ErfOp, SqrtOp, AddOp, SubOp, MulOp, DivOp, PowOp, AbsOp,
             NegOp, ExpOp, LogOp, ReciprocalOp, FloorOp, CeilOp, RoundOp,
             LeakyReluOp, PReluOp, MaxOp, MinOp>(op);
}

/// A one-element f32 constant (a scalar operand of a tabulated op).
bool isScalarConstant(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  auto type = cast<ShapedType>(v.getType());
  return c && type.getElementType().isF32() && type.hasStaticShape() &&
         type.getNumElements() == 1;
}

/// What a qc.qlut replaces: quantize(f(dequantize(x))) where f is a DAG of
/// tabulable ops whose only varying leaf is the one dequantize and whose
/// other leaves are scalar constants; or no op at all (a change of qparams:
/// the table is exact where a requantize would round twice differently).
struct LutMatch {
  DequantizeOp dq;
  SmallVector<Operation *> ops; // in program order
};

std::optional<LutMatch> matchLut(QuantizeOp q) {
  if (q.getAxis() || q.getScale().size() != 1 || !isInt8(q.getType()))
    return std::nullopt;
  LutMatch m;
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> work{q.getInput()};
  constexpr size_t kMaxOps = 16;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto dq = v.getDefiningOp<DequantizeOp>()) {
      if (m.dq && m.dq != dq)
        return std::nullopt;
      m.dq = dq;
      continue;
    }
    if (isScalarConstant(v))
      continue;
    Operation *def = v.getDefiningOp();
    if (!def || !isTabulable(def) || def->getBlock() != q->getBlock() ||
        failed(verifyCompatibleShape(v.getType(), q.getType())))
      return std::nullopt;
    if (!ops.insert(def))
      continue;
    if (ops.size() > kMaxOps)
      return std::nullopt;
    for (Value operand : def->getOperands())
      work.push_back(operand);
  }
  if (!m.dq || !matchActivation(m.dq.getResult()) ||
      failed(verifyCompatibleShape(m.dq.getType(), q.getType())))
    return std::nullopt;
  m.ops.assign(ops.begin(), ops.end());
  llvm::sort(m.ops, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  return m;
}

/// The table of quantize(f(dequantize(x))) for every 8-bit x: the matched
/// ops, copied into a function on tensor<256x...> (scalar constants as 0-d
/// ones), run by the reference executor on all 256 input values, so the
/// lookup equals the Q/DQ program by construction. Failure when any entry
/// cannot be computed (a NaN reaching the quantize, say).
FailureOr<SmallVector<int32_t>> buildTable(LutMatch &m, QuantizeOp q,
                                           int64_t inputMin) {
  // Evaluation problems only mean "no table": keep them out of the output.
  ScopedDiagnosticHandler quiet(q->getContext(),
                                [](Diagnostic &) { return success(); });
  Location loc = q.getLoc();
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(scratch->getBody());
  auto vector = [&](Type element) {
    return RankedTensorType::get({256}, element);
  };
  Type inType = m.dq.getInput().getType().getElementType();
  auto fn = b.create<func::FuncOp>(
      loc, "table",
      b.getFunctionType({vector(inType)}, {vector(q.getType().getElementType())}));
  b.setInsertionPointToStart(fn.addEntryBlock());
  IRMapping map;
  map.map(m.dq.getInput(), fn.getArgument(0));
  auto copy = [&](Operation *op, Type resultType) {
    for (Value operand : op->getOperands()) {
      if (map.contains(operand))
        continue;
      // A scalar constant (the only other leaf) as a 0-d one.
      auto c = operand.getDefiningOp<ConstantOp>();
      auto scalarType = RankedTensorType::get({}, b.getF32Type());
      auto attr = cast<DenseElementsAttr>(c.getValue());
      map.map(operand,
              b.create<ConstantOp>(loc, scalarType,
                                   DenseElementsAttr::get(
                                       scalarType,
                                       attr.getValues<FloatAttr>()[0]
                                           .getValue())));
    }
    Operation *clone = b.clone(*op, map);
    clone->getResult(0).setType(resultType);
  };
  copy(m.dq, vector(b.getF32Type()));
  for (Operation *op : m.ops)
    copy(op, vector(b.getF32Type()));
  copy(q, vector(q.getType().getElementType()));
  b.create<func::ReturnOp>(loc, map.lookup(q.getResult()));

  ::qc::NpyArray codes;
  codes.dtype = inputMin < 0 ? ::qc::DType::I8 : ::qc::DType::U8;
  codes.shape = {256};
  for (int64_t i = 0; i < 256; ++i)
    codes.data.push_back(static_cast<uint8_t>(inputMin + i));
  FailureOr<std::vector<::qc::NpyArray>> out = runFunction(fn, {codes});
  if (failed(out) || out->size() != 1 || (*out)[0].numElements() != 256)
    return failure();
  const ::qc::NpyArray &y = (*out)[0];
  SmallVector<int32_t> table;
  for (uint8_t byte : y.data)
    table.push_back(y.dtype == ::qc::DType::I8
                        ? static_cast<int32_t>(static_cast<int8_t>(byte))
                        : static_cast<int32_t>(byte));
  return table;
}

/// quantize(f(dequantize(x))) for an elementwise f -> qc.qlut. Tried before
/// the fused forms (a higher benefit): a chain they would also take, such as
/// mul(x, x), is exact as a table.
struct LutPattern : OpRewritePattern<QuantizeOp> {
  LutPattern(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {
    setDebugName("lut");
  }

  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    std::optional<LutMatch> m = matchLut(q);
    if (!m)
      return rewriter.notifyMatchFailure(q, "not an elementwise chain");
    Value x = m->dq.getInput();
    int64_t inputMin =
        cast<ShapedType>(x.getType()).getElementType().isUnsignedInteger()
            ? 0
            : -128;
    FailureOr<SmallVector<int32_t>> table = buildTable(*m, q, inputMin);
    if (failed(table))
      return rewriter.notifyMatchFailure(q, "no table");
    std::string function = m->ops.empty() ? "requantize" : "";
    for (Operation *op : m->ops)
      function += (function.empty() ? "" : ",") +
                  op->getName().stripDialect().str();
    rewriter.setInsertionPoint(q);
    Value lut = rewriter.create<QLutOp>(q.getLoc(), q.getType(), x,
                                        rewriter.getStringAttr(function),
                                        rewriter.getDenseI32ArrayAttr(*table));
    rewriter.replaceAllUsesWith(q.getResult(), lut);
    rewriter.eraseOp(q);
    // Users before the values they use.
    for (Operation *op : llvm::reverse(m->ops))
      if (op->use_empty())
        rewriter.eraseOp(op);
    if (m->dq->use_empty())
      rewriter.eraseOp(m->dq);
    return success();
  }
};

/// The frame of every fused form: quantize(act?(root(...))) where the
/// epilogue (matchEpilogue) fits and `root` is a `RootOp`. `Derived::build`
/// matches the root's operands and creates the integer op (or returns null,
/// creating nothing); the frame replaces the quantize and erases the float
/// chain where nothing else uses it.
template <typename Derived, typename... RootOps>
struct FusedPattern : OpRewritePattern<QuantizeOp> {
  FusedPattern(MLIRContext *context, StringRef name)
      : OpRewritePattern(context) {
    setDebugName(name);
  }

  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    std::optional<Epilogue> e = matchEpilogue(q, Derived::kAllows16);
    if (!e)
      return rewriter.notifyMatchFailure(q, "epilogue does not fit");
    Operation *root = e->floatResult.getDefiningOp();
    if (!root || !isa<RootOps...>(root))
      return rewriter.notifyMatchFailure(q, "another root op");
    rewriter.setInsertionPoint(q);
    Value replacement =
        static_cast<const Derived *>(this)->build(q, *e, root, rewriter);
    if (!replacement)
      return rewriter.notifyMatchFailure(q, "operands do not fit");
    llvm::SetVector<Operation *> maybeDead;
    maybeDead.insert(q);
    if (e->activation)
      maybeDead.insert(e->activation);
    maybeDead.insert(root);
    for (Value operand : root->getOperands())
      if (Operation *def = operand.getDefiningOp())
        maybeDead.insert(def);
    rewriter.replaceAllUsesWith(q.getResult(), replacement);
    // The float chain goes where nothing else uses it (in order: users
    // before the values they use).
    for (Operation *op : maybeDead)
      if (op->use_empty() && !isa<ConstantOp>(op))
        rewriter.eraseOp(op);
    return success();
  }

  /// Whether the form has an int16 (16x8) variant; a Derived that does
  /// redeclares it true.
  static constexpr bool kAllows16 = false;

protected:
  static FloatAttr f32(Builder &b, float v) { return b.getF32FloatAttr(v); }
  static IntegerAttr i64(Builder &b, int64_t v) {
    return b.getI64IntegerAttr(v);
  }
};

/// The operands of a conv2d / linear root: dq(x) (8 or 16 bits), dq(w
/// const) with the output channels along the weight's dimension 0, dq(b
/// const)?.
struct WeightedOperands {
  ActQParams x;
  Params p;
};
template <typename RootOp>
std::optional<WeightedOperands> matchWeighted(RootOp root, MLIRContext *ctx) {
  auto x = matchActivation(root.getInput(), /*allow16=*/true);
  if (!x)
    return std::nullopt;
  auto p = matchParams(root.getWeight(), root.getBias(), x->scale,
                       root.getWeight().getType().getDimSize(0), ctx);
  if (!p)
    return std::nullopt;
  return WeightedOperands{*x, std::move(*p)};
}

/// dq(x), dq(w const), dq(b const)? -> conv2d [-> act] -> q => qc.qconv2d.
struct QConv2dPattern : FusedPattern<QConv2dPattern, Conv2dOp> {
  QConv2dPattern(MLIRContext *context) : FusedPattern(context, "conv2d") {}
  static constexpr bool kAllows16 = true;
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto conv = cast<Conv2dOp>(root);
    std::optional<WeightedOperands> m = matchWeighted(conv, b.getContext());
    if (!m)
      return {};
    return b.create<QConv2dOp>(
        conv.getLoc(), q.getType(), m->x.value, m->p.weight, m->p.bias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr(), f32(b, m->x.scale), i64(b, m->x.zeroPoint),
        b.getDenseF32ArrayAttr(m->p.weightScale), f32(b, e.scale),
        i64(b, e.zeroPoint), i64(b, e.clampMin), i64(b, e.clampMax));
  }
};

/// dq(x), dq(w const), dq(b const)? -> linear [-> act] -> q => qc.qlinear.
struct QLinearPattern : FusedPattern<QLinearPattern, LinearOp> {
  QLinearPattern(MLIRContext *context) : FusedPattern(context, "linear") {}
  static constexpr bool kAllows16 = true;
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto linear = cast<LinearOp>(root);
    std::optional<WeightedOperands> m = matchWeighted(linear, b.getContext());
    if (!m)
      return {};
    return b.create<QLinearOp>(
        linear.getLoc(), q.getType(), m->x.value, m->p.weight, m->p.bias,
        f32(b, m->x.scale), i64(b, m->x.zeroPoint),
        b.getDenseF32ArrayAttr(m->p.weightScale), f32(b, e.scale),
        i64(b, e.zeroPoint), i64(b, e.clampMin), i64(b, e.clampMax));
  }
};

/// dq(a), dq(b i8 zero point 0) -> matmul [-> relu] -> q => qc.qmatmul: a
/// product of two run-time tensors (attention's QK^T and AV) whose rhs the
/// quantizer made symmetric int8 (int8_attention=1), both of one rank >= 2
/// with equal batch dimensions. (A matmul by a constant weight keeps its
/// Q/DQ form here; the rhs is packed at run time.)
struct QMatmulPattern : FusedPattern<QMatmulPattern, MatmulOp> {
  QMatmulPattern(MLIRContext *context) : FusedPattern(context, "matmul") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto mm = cast<MatmulOp>(root);
    auto l = matchActivation(mm.getLhs());
    auto r = matchActivation(mm.getRhs());
    if (!l || !r || r->zeroPoint != 0 ||
        !cast<ShapedType>(r->value.getType()).getElementType().isSignlessInteger(8))
      return {};
    auto lt = cast<ShapedType>(l->value.getType());
    auto rt = cast<ShapedType>(r->value.getType());
    if (!lt.hasStaticShape() || !rt.hasStaticShape() || lt.getRank() < 2 ||
        rt.getRank() != lt.getRank() ||
        lt.getShape().drop_back(2) != rt.getShape().drop_back(2) ||
        lt.getShape().back() > QMatmulOp::kMaxK ||
        (r->value.getDefiningOp<ConstantOp>() &&
         l->value.getDefiningOp<ConstantOp>()))
      return {};
    // QMatmulOp::getRequantMultiplier's rule, checked before building.
    float product = l->scale * r->scale;
    if (!isValidRequantMultiplier(product / e.scale))
      return {};
    return b.create<QMatmulOp>(
        mm.getLoc(), q.getType(), l->value, r->value, f32(b, l->scale),
        i64(b, l->zeroPoint), f32(b, r->scale), f32(b, e.scale),
        i64(b, e.zeroPoint), i64(b, e.clampMin), i64(b, e.clampMax));
  }
};

/// True when two shapes are equal for every run: the same rank, and each
/// dimension static and equal in both, or dynamic in both. (A dynamic
/// dimension against a static 1, as in (?, 32, 64) + (1, 32, 64), is
/// "compatible" for MLIR but broadcasts as soon as the batch is not 1.)
static bool sameShapeAtRunTime(ShapedType a, ShapedType b) {
  if (!a.hasRank() || !b.hasRank() || a.getRank() != b.getRank())
    return false;
  for (int64_t i = 0; i < a.getRank(); ++i)
    if (a.getDimSize(i) != b.getDimSize(i))
      return false;
  return true;
}

/// dq(a), dq(b) -> add | mul [-> act] -> q => qc.qadd | qc.qmul. qc.qadd
/// takes equal shapes only (sameShapeAtRunTime); qc.qmul broadcasts as numpy
/// does (to q's shape).
template <typename FloatOp, typename IntOp, bool Broadcasts>
struct QBinaryPattern
    : FusedPattern<QBinaryPattern<FloatOp, IntOp, Broadcasts>, FloatOp> {
  using Base = FusedPattern<QBinaryPattern<FloatOp, IntOp, Broadcasts>, FloatOp>;
  QBinaryPattern(MLIRContext *context, StringRef name) : Base(context, name) {}
  static constexpr bool kAllows16 = true;
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto op = cast<FloatOp>(root);
    auto l = matchActivation(op.getLhs(), /*allow16=*/true);
    auto r = matchActivation(op.getRhs(), /*allow16=*/true);
    if (!l || !r)
      return {};
    auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
    if (Broadcasts) {
      SmallVector<int64_t> shape;
      if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                              rhsType.getShape(), shape) ||
          failed(verifyCompatibleShape(shape, q.getType().getShape())))
        return {};
    } else if (!sameShapeAtRunTime(lhsType, rhsType) ||
               !sameShapeAtRunTime(lhsType, q.getType())) {
      return {};
    }
    return b.create<IntOp>(op.getLoc(), q.getType(), l->value, r->value,
                           Base::f32(b, l->scale), Base::i64(b, l->zeroPoint),
                           Base::f32(b, r->scale), Base::i64(b, r->zeroPoint),
                           Base::f32(b, e.scale), Base::i64(b, e.zeroPoint),
                           Base::i64(b, e.clampMin), Base::i64(b, e.clampMax));
  }
};

struct QAddPattern : QBinaryPattern<AddOp, QAddOp, /*Broadcasts=*/false> {
  QAddPattern(MLIRContext *context) : QBinaryPattern(context, "add") {}
};

struct QMulPattern : QBinaryPattern<MulOp, QMulOp, /*Broadcasts=*/true> {
  QMulPattern(MLIRContext *context) : QBinaryPattern(context, "mul") {}
};

/// dq(a), dq(b) -> max | min -> q => qc.qmax | qc.qmin (numpy
/// broadcasting), 8-bit per-tensor. Quantize is monotonic, so
/// q(max(dq(a), dq(b))) = max(q(dq(a)), q(dq(b))): an operand in q's
/// element type and qparams with no value q would clamp is used as it is,
/// any other first becomes q(dq(x)) by a 256-entry table (qc.qlut, built as
/// LutPattern builds it), so the result equals the Q/DQ program exactly. No
/// activation.
struct QExtremePattern : FusedPattern<QExtremePattern, MaxOp, MinOp> {
  QExtremePattern(MLIRContext *context) : FusedPattern(context, "max-min") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    if (e.activation || !isInt8(q.getType()))
      return {};
    SmallVector<int64_t> shape;
    auto lhsType = cast<ShapedType>(root->getOperand(0).getType()),
         rhsType = cast<ShapedType>(root->getOperand(1).getType());
    if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                            rhsType.getShape(), shape) ||
        failed(verifyCompatibleShape(shape, q.getType().getShape())))
      return {};
    Type elementType = q.getType().getElementType();
    SmallVector<Value> operands;
    for (Value operand : root->getOperands()) {
      std::optional<ActQParams> x = matchActivation(operand);
      if (!x)
        return {};
      auto type = cast<RankedTensorType>(x->value.getType());
      if (x->scale == e.scale && x->zeroPoint == e.zeroPoint &&
          type.getElementType() == elementType &&
          valuesWithin(x->value, e.clampMin, e.clampMax)) {
        operands.push_back(x->value);
        continue;
      }
      // q(dq(x)) as a table: LutPattern's, for a quantize of this operand.
      IRMapping mapping;
      mapping.map(q.getInput(), operand);
      auto requantize = cast<QuantizeOp>(b.clone(*q, mapping));
      requantize.getResult().setType(
          RankedTensorType::get(type.getShape(), elementType));
      LutMatch m{operand.getDefiningOp<DequantizeOp>(), {}};
      FailureOr<SmallVector<int32_t>> table = buildTable(
          m, requantize, type.getElementType().isUnsignedInteger() ? 0 : -128);
      b.eraseOp(requantize);
      if (failed(table)) {
        for (Value v : operands)
          if (auto lut = v.getDefiningOp<QLutOp>(); lut && lut->use_empty())
            b.eraseOp(lut);
        return {};
      }
      operands.push_back(b.create<QLutOp>(
          root->getLoc(), RankedTensorType::get(type.getShape(), elementType),
          x->value, b.getStringAttr("requantize"),
          b.getDenseI32ArrayAttr(*table)));
    }
    if (isa<MaxOp>(root))
      return b.create<QMaxOp>(root->getLoc(), q.getType(), operands[0],
                              operands[1]);
    return b.create<QMinOp>(root->getLoc(), q.getType(), operands[0],
                            operands[1]);
  }
};

/// dq(x) -> max_pool2d -> q => qc.qmax_pool2d: exact without requantizing
/// when the qparams and element type are shared and the output range is the
/// whole storage type (no value needs clamping); no activation.
struct QMaxPoolPattern : FusedPattern<QMaxPoolPattern, MaxPool2dOp> {
  QMaxPoolPattern(MLIRContext *context) : FusedPattern(context, "max-pool") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto pool = cast<MaxPool2dOp>(root);
    auto x = matchActivation(pool.getInput());
    auto range = storageRange(q.getType().getElementType());
    if (!x || e.activation || x->scale != e.scale ||
        x->zeroPoint != e.zeroPoint ||
        cast<ShapedType>(x->value.getType()).getElementType() !=
            q.getType().getElementType() ||
        failed(range) ||
        static_cast<int64_t>(q.getQuantMin()) != range->first ||
        static_cast<int64_t>(q.getQuantMax()) != range->second)
      return {};
    return b.create<QMaxPool2dOp>(pool.getLoc(), q.getType(), x->value,
                                  pool.getKernelAttr(), pool.getStridesAttr(),
                                  pool.getPadsAttr(), pool.getDilationsAttr(),
                                  pool.getCeilModeAttr());
  }
};

/// dq(x) -> avg_pool2d | global_avg_pool2d [-> act] -> q => qc.qavg_pool2d
/// (a global pool is the window of the whole static plane).
struct QAvgPoolPattern
    : FusedPattern<QAvgPoolPattern, AvgPool2dOp, GlobalAvgPool2dOp> {
  QAvgPoolPattern(MLIRContext *context) : FusedPattern(context, "avg-pool") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto x = matchActivation(root->getOperand(0));
    if (!x)
      return {};
    SmallVector<int64_t> kernel, strides{1, 1}, pads{0, 0, 0, 0};
    bool ceilMode = false, countIncludePad = false;
    if (auto pool = dyn_cast<AvgPool2dOp>(root)) {
      kernel.assign(pool.getKernel().begin(), pool.getKernel().end());
      strides.assign(pool.getStrides().begin(), pool.getStrides().end());
      pads.assign(pool.getPads().begin(), pool.getPads().end());
      ceilMode = pool.getCeilMode();
      countIncludePad = pool.getCountIncludePad();
    } else {
      auto type = cast<RankedTensorType>(x->value.getType());
      if (type.getRank() != 4 || type.isDynamicDim(2) || type.isDynamicDim(3))
        return {};
      kernel = {type.getDimSize(2), type.getDimSize(3)};
    }
    if (kernel.size() != 2 || kernel[0] * kernel[1] > 65793)
      return {};
    return b.create<QAvgPool2dOp>(
        root->getLoc(), q.getType(), x->value, b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
        b.getBoolAttr(ceilMode), b.getBoolAttr(countIncludePad),
        f32(b, x->scale), i64(b, x->zeroPoint), f32(b, e.scale),
        i64(b, e.zeroPoint), i64(b, e.clampMin), i64(b, e.clampMax));
  }
};

/// dq(x), dq(w const), dq(b const)? -> conv_transpose2d [-> act] -> q =>
/// qc.qconv_transpose2d. The weight [C_in, C_out / groups, kh, kw] is per
/// tensor or (groups 1) per output channel along axis 1; 8-bit input.
struct QConvTranspose2dPattern
    : FusedPattern<QConvTranspose2dPattern, ConvTranspose2dOp> {
  QConvTranspose2dPattern(MLIRContext *context)
      : FusedPattern(context, "conv-transpose2d") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto conv = cast<ConvTranspose2dOp>(root);
    auto x = matchActivation(conv.getInput());
    if (!x)
      return {};
    auto wType = conv.getWeight().getType();
    if (wType.isDynamicDim(1))
      return {};
    int64_t channels = wType.getDimSize(1) * conv.getGroups();
    auto p = matchParams(conv.getWeight(), conv.getBias(), x->scale, channels,
                         b.getContext(), /*weightChannelAxis=*/1);
    if (!p || (p->weightScale.size() != 1 && conv.getGroups() != 1))
      return {};
    return b.create<QConvTranspose2dOp>(
        conv.getLoc(), q.getType(), x->value, p->weight, p->bias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr(), conv.getOutputPaddingAttr(), f32(b, x->scale),
        i64(b, x->zeroPoint), b.getDenseF32ArrayAttr(p->weightScale),
        f32(b, e.scale), i64(b, e.zeroPoint), i64(b, e.clampMin),
        i64(b, e.clampMax));
  }
};

/// dq(x) -> resize [-> act] -> q => qc.qresize (8-bit, per tensor): nearest
/// is a copy when the qparams are shared, linear sums fixed-point taps
/// (QCIntOps.td).
struct QResizePattern : FusedPattern<QResizePattern, ResizeOp> {
  QResizePattern(MLIRContext *context) : FusedPattern(context, "resize") {}
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto resize = cast<ResizeOp>(root);
    auto x = matchActivation(resize.getInput());
    if (!x || failed(verifyCompatibleShape(resize.getType(), q.getType())))
      return {};
    float m = x->scale / e.scale;
    if (!(m > 0.0f) || !std::isfinite(m) ||
        (resize.getMode() == "linear" &&
         !(m * 0x1p-22f >= std::numeric_limits<float>::min())))
      return {};
    return b.create<QResizeOp>(
        resize.getLoc(), q.getType(), x->value, resize.getSizesAttr(),
        resize.getScalesAttr(), resize.getModeAttr(),
        resize.getCoordinateTransformationModeAttr(),
        resize.getNearestModeAttr(), f32(b, x->scale), i64(b, x->zeroPoint),
        f32(b, e.scale), i64(b, e.zeroPoint), i64(b, e.clampMin),
        i64(b, e.clampMax));
  }
};

/// dq(x...) -> reshape | flatten | transpose | slice | concat | reduce_max |
/// reduce_min -> q => the same op on the integer tensors (every result
/// element is one of the input elements: dequantize is increasing, so the
/// largest code is the largest value). An input with the output's qparams and
/// element type, none of whose values the quantize would clamp, is used as
/// it is (exact); any other 8-bit per-tensor input is first requantized to
/// the output's qparams (qc.qrequantize). No activation.
struct DataMovementPattern
    : FusedPattern<DataMovementPattern, ReshapeOp, FlattenOp, TransposeOp,
                   SliceOp, ConcatOp, ReduceMaxOp, ReduceMinOp> {
  DataMovementPattern(MLIRContext *context)
      : FusedPattern(context, "data-movement") {}
  static constexpr bool kAllows16 = true;
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    if (e.activation || root->getNumOperands() == 0 ||
        root->getNumResults() != 1 ||
        failed(verifyCompatibleShape(root->getResult(0).getType(),
                                     q.getType())))
      return {};
    Type elementType = q.getType().getElementType();
    // reduce_max / reduce_min take 8-bit integers only.
    if (isa<ReduceMaxOp, ReduceMinOp>(root) && !elementType.isInteger(8))
      return {};
    SmallVector<std::optional<ActQParams>> inputs;
    for (Value operand : root->getOperands()) {
      inputs.push_back(matchActivation(operand, /*allow16=*/true));
      if (!inputs.back())
        return {};
    }
    // Matched: from here on the rewrite happens.
    IRMapping mapping;
    for (auto [operand, x] : llvm::zip_equal(root->getOperands(), inputs)) {
      auto type = cast<RankedTensorType>(x->value.getType());
      if (x->scale == e.scale && x->zeroPoint == e.zeroPoint &&
          type.getElementType() == elementType &&
          valuesWithin(x->value, e.clampMin, e.clampMax)) {
        mapping.map(operand, x->value);
        continue;
      }
      Value requantized = b.create<QRequantizeOp>(
          root->getLoc(), RankedTensorType::get(type.getShape(), elementType),
          x->value, f32(b, x->scale), i64(b, x->zeroPoint), f32(b, e.scale),
          i64(b, e.zeroPoint), i64(b, e.clampMin), i64(b, e.clampMax));
      mapping.map(operand, requantized);
    }
    Operation *clone = b.clone(*root, mapping);
    clone->getResult(0).setType(q.getType());
    return clone->getResult(0);
  }
};

/// dq(x) [-> relu | clamp] -> q, where x or the result is int16 (an int8 op
/// next to an int16 one; a shared-qparams relu after an int16 op) =>
/// qc.qrequantize. The 8-bit form of the same chain is a qc.qlut (exact);
/// this one rounds float(x - zp_in) * (s_in / s_out) once, as concat inputs
/// are requantized (at most one step from the Q/DQ program, DESIGN.md).
struct RequantizePattern : FusedPattern<RequantizePattern, DequantizeOp> {
  RequantizePattern(MLIRContext *context)
      : FusedPattern(context, "requantize") {}
  static constexpr bool kAllows16 = true;
  Value build(QuantizeOp q, const Epilogue &e, Operation *root,
              PatternRewriter &b) const {
    auto x = matchActivation(root->getResult(0), /*allow16=*/true);
    if (!x || (!isInt16(x->value.getType()) && !isInt16(q.getType())) ||
        failed(verifyCompatibleShape(x->value.getType(), q.getType())))
      return {};
    return b.create<QRequantizeOp>(
        root->getLoc(), q.getType(), x->value, f32(b, x->scale),
        i64(b, x->zeroPoint), f32(b, e.scale), i64(b, e.zeroPoint),
        i64(b, e.clampMin), i64(b, e.clampMax));
  }
};

/// Applies the patterns through a walk, not the greedy driver: each
/// qc.quantize is visited once, in program order, so a data-movement op sees
/// its producers already lowered (valuesWithin reads their clamp ranges) and
/// the result is the same on every run. The greedy driver would also fold
/// and hoist constants (OperationFolder moves them to the block's start) and
/// revisit rewritten ops, changing the printed program.
struct LowerToInteger : impl::QCLowerToIntegerBase<LowerToInteger> {
  using QCLowerToIntegerBase::QCLowerToIntegerBase;

  LogicalResult initialize(MLIRContext *context) override {
    auto known = [](StringRef name) {
      return llvm::any_of(kLowerToIntegerPatterns,
                          [&](const char *p) { return name == p; });
    };
    auto selectedByOption = [&](StringRef name) {
      return patterns.empty() ||
             llvm::any_of(patterns,
                          [&](const std::string &p) { return name == p; });
    };
    for (const std::string &name : patterns)
      if (!known(name)) {
        std::string expected;
        for (const char *p : kLowerToIntegerPatterns)
          expected += (expected.empty() ? "" : ", ") + std::string(p);
        return emitError(UnknownLoc::get(context))
               << "qc-lower-to-integer: unknown pattern '" << name
               << "'; expected one of " << expected;
      }
    RewritePatternSet all(context);
    populateLowerToIntegerPatterns(all);
    RewritePatternSet selected(context);
    for (std::unique_ptr<RewritePattern> &pattern : all.getNativePatterns())
      if (selectedByOption(pattern->getDebugName()))
        selected.add(std::move(pattern));
    frozen = FrozenRewritePatternSet(std::move(selected));
    return success();
  }

  void runOnOperation() override {
    PatternApplicator applicator(frozen);
    applicator.applyDefaultCostModel();
    // Roots: every qc.quantize, the linear / matmul ops a dynamically
    // quantized form ends at (it has no qc.quantize), and ArgMax / ArgMin
    // (int64 results) of a dequantize.
    SmallVector<Operation *> roots;
    getOperation().walk([&](Operation *op) {
      if (isa<QuantizeOp>(op) ||
          (isa<ArgMaxOp, ArgMinOp>(op) &&
           op->getOperand(0).getDefiningOp<DequantizeOp>()) ||
          (isa<LinearOp, MatmulOp>(op) &&
           op->getOperand(0).getDefiningOp<DynamicFakeQuantOp>()))
        roots.push_back(op);
    });
    PatternRewriter rewriter(&getContext());
    for (Operation *root : roots) {
      rewriter.setInsertionPoint(root);
      (void)applicator.matchAndRewrite(root, rewriter);
    }
  }

  FrozenRewritePatternSet frozen;
};
} // namespace

const char *const kLowerToIntegerPatterns[15] = {
    "lut",      "conv2d",   "linear",        "add",
    "mul",      "max-pool", "avg-pool",      "data-movement",
    "requantize", "dynamic-linear", "conv-transpose2d", "resize",
    "matmul",   "max-min",       "arg-extreme"};

void populateLowerToIntegerPatterns(RewritePatternSet &patterns) {
  patterns.add<LutPattern, QConv2dPattern, QLinearPattern, QAddPattern,
               QMulPattern, QMaxPoolPattern, QAvgPoolPattern,
               DataMovementPattern, RequantizePattern, QConvTranspose2dPattern,
               QResizePattern, QMatmulPattern, QExtremePattern>(
      patterns.getContext());
  populateDynamicLinearPatterns(patterns);
  populateArgExtremePatterns(patterns);
}

} // namespace mlir::qc
