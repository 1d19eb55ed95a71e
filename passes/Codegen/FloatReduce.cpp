//===- FloatReduce.cpp - reductions and ArgMax / ArgMin as native code ----===//
//
// qc.reduce_mean and ONNX's other reductions (qc.reduce_max / min / sum /
// prod / sum_square / l1 / l2 / log_sum / log_sum_exp) on float32, and
// qc.arg_max / qc.arg_min (float32 or 8-bit input, int64 result), as
// ModelBuilder steps bit-identical to the reference executor
// (reference/KernelsReduce.cpp):
//
//   - a reduction keeps one double accumulator per output element and adds
//     (multiplies, compares) the inputs reduced into it in row-major order
//     of the input, the reference's order; the value is rounded to float
//     once at the end (after the mean's division, L2's sqrt, the log of
//     LogSum / LogSumExp). Max / Min keep a NaN once one is seen
//     (numpy's maximum.reduce). The order is sequential per output, so
//     vectors run across outputs: when a kept dimension has at least
//     kReduceLanes outputs, lane l of one vector accumulates output l
//     (each lane's statements in the reference's order), so the chain of
//     kReduceLanes outputs is one vector statement per input row;
//   - exp / log (LogSumExp, LogSum) are the C library's double functions,
//     called as the reference calls std::exp / std::log (scalar path);
//   - reduce_max / reduce_min of an 8-bit tensor (a quantized program:
//     qc-lower-to-integer's data-movement pattern) run the same statements
//     on the codes converted to double, and store the code;
//   - ArgMax / ArgMin walk the axis from index 0 carrying the best value and
//     index with the reference's comparison (NaN is the extreme; the first
//     or, with select_last_index, the last extreme wins). An 8-bit input is
//     compared as integers: the quantizers keep ArgMax's input int8, and
//     dequantize is monotone (scale > 0), so the index is the float one's.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace mlir::qc::model_codegen {

const char *const kReduceSupported =
    "qc.reduce_max, qc.reduce_min (float32, ui8, i8), qc.reduce_sum, "
    "qc.reduce_prod, qc.reduce_sum_square, qc.reduce_l1, qc.reduce_l2, "
    "qc.reduce_log_sum, qc.reduce_log_sum_exp (float32), qc.arg_max, "
    "qc.arg_min (float32, ui8, i8 input), qc.compare, qc.select (f32, bool "
    "and integer tensors inside the model)";

namespace {

enum class Reduce {
  Mean,
  Max,
  Min,
  Sum,
  Prod,
  SumSquare,
  L1,
  L2,
  LogSum,
  LogSumExp
};

/// What a reduction op computes and over which axes.
struct Reduction {
  Reduce kind;
  ArrayRef<int64_t> axes;
  bool keepdims;
};

std::optional<Reduction> getReduction(Operation *op) {
  auto make = [](auto r, Reduce kind) -> std::optional<Reduction> {
    return Reduction{kind, r.getAxes(), r.getKeepdims()};
  };
  return llvm::TypeSwitch<Operation *, std::optional<Reduction>>(op)
      .Case([&](ReduceMeanOp r) { return make(r, Reduce::Mean); })
      .Case([&](ReduceMaxOp r) { return make(r, Reduce::Max); })
      .Case([&](ReduceMinOp r) { return make(r, Reduce::Min); })
      .Case([&](ReduceSumOp r) { return make(r, Reduce::Sum); })
      .Case([&](ReduceProdOp r) { return make(r, Reduce::Prod); })
      .Case([&](ReduceSumSquareOp r) { return make(r, Reduce::SumSquare); })
      .Case([&](ReduceL1Op r) { return make(r, Reduce::L1); })
      .Case([&](ReduceL2Op r) { return make(r, Reduce::L2); })
      .Case([&](ReduceLogSumOp r) { return make(r, Reduce::LogSum); })
      .Case([&](ReduceLogSumExpOp r) { return make(r, Reduce::LogSumExp); })
      .Default([](Operation *) { return std::nullopt; });
}

/// The accumulator's start (the reference's `init`).
double initialValue(Reduce kind) {
  switch (kind) {
  case Reduce::Max:
    return -std::numeric_limits<double>::infinity();
  case Reduce::Min:
    return std::numeric_limits<double>::infinity();
  case Reduce::Prod:
    return 1.0;
  default:
    return 0.0;
  }
}

/// Whether every statement of \p kind has a vector form (no libm call).
bool vectorizes(Reduce kind) {
  return kind != Reduce::LogSum && kind != Reduce::LogSumExp;
}

} // namespace

/// Outputs of a reduction computed together, one per lane of a vector.
constexpr int64_t kReduceLanes = 8;

bool ModelBuilder::isFloatReduction(Operation *op) {
  return getReduction(op).has_value() &&
         cast<RankedTensorType>(op->getOperand(0).getType())
             .getElementType()
             .isF32();
}

bool ModelBuilder::isIntReduction(Operation *op) {
  return getReduction(op).has_value() &&
         cast<RankedTensorType>(op->getOperand(0).getType())
             .getElementType()
             .isInteger(8);
}

Value ModelBuilder::reduceStep(Operation *op, Value acc, Value x) {
  Reduce kind = getReduction(op)->kind;
  switch (kind) {
  case Reduce::Mean:
  case Reduce::Sum:
  case Reduce::LogSum:
    return b.create<arith::AddFOp>(loc, acc, x);
  case Reduce::Prod:
    return b.create<arith::MulFOp>(loc, acc, x);
  case Reduce::SumSquare:
  case Reduce::L2:
    return b.create<arith::AddFOp>(loc, acc,
                                   b.create<arith::MulFOp>(loc, x, x));
  case Reduce::L1:
    return b.create<arith::AddFOp>(loc, acc, b.create<math::AbsFOp>(loc, x));
  case Reduce::LogSumExp:
    return b.create<arith::AddFOp>(loc, acc, callLibm("exp", {x}));
  case Reduce::Max:
  case Reduce::Min: {
    // The reference: if (isnan(x) || x > acc) acc = isnan(acc) ? acc : x.
    // An unordered compare is true when either side is NaN.
    auto pred = kind == Reduce::Max ? arith::CmpFPredicate::UGT
                                    : arith::CmpFPredicate::ULT;
    Value take = b.create<arith::CmpFOp>(loc, pred, x, acc);
    Value accNan =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, acc, acc);
    Value next = b.create<arith::SelectOp>(loc, accNan, acc, x);
    return b.create<arith::SelectOp>(loc, take, next, acc);
  }
  }
  return acc;
}

Value ModelBuilder::reduceFinish(Operation *op, Value acc, int64_t count) {
  switch (getReduction(op)->kind) {
  case Reduce::Mean: {
    Value n = b.create<arith::ConstantOp>(
        loc, b.getF64FloatAttr(static_cast<double>(count)));
    if (auto vt = dyn_cast<VectorType>(acc.getType()))
      n = b.create<vector::BroadcastOp>(loc, vt, n);
    return b.create<arith::DivFOp>(loc, acc, n);
  }
  case Reduce::L2:
    return b.create<math::SqrtOp>(loc, acc);
  case Reduce::LogSum:
  case Reduce::LogSumExp:
    return callLibm("log", {acc});
  default:
    return acc;
  }
}

LogicalResult ModelBuilder::emitFloatReduction(Operation *op) {
  // Per output element a double accumulator over the reduced dimensions in
  // row-major order (the reference's order), finished in double.
  Reduction red = *getReduction(op);
  const TensorRef &in = refs[op->getOperand(0)];
  const TensorRef &out = refs[op->getResult(0)];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  SmallVector<bool> reduced(rank, red.axes.empty());
  for (int64_t a : red.axes)
    reduced[a < 0 ? a + rank : a] = true;
  SmallVector<int64_t> kept(rank), inner(rank, 1), outStrides(rank, 0);
  int64_t count = 1, od = 0;
  for (int64_t d = 0; d < rank; ++d) {
    kept[d] = reduced[d] ? 1 : in.shape[d];
    if (reduced[d]) {
      inner[d] = in.shape[d];
      count *= in.shape[d];
      if (red.keepdims)
        ++od;
      continue;
    }
    outStrides[d] = out.strides[od++];
  }
  Type f64 = b.getF64Type();
  auto initAttr = b.getF64FloatAttr(initialValue(red.kind));
  // An 8-bit input (reduce_max / reduce_min of a quantized program): its
  // codes as doubles (exact), the result converted back (an exact code).
  Type elem = storageType(in.element);
  bool isInt = !in.element.isF32(), isUnsignedInt = isUnsigned(in.element);
  auto loadF64 = [&](Value p) -> Value {
    Value v = load(elem, p);
    if (!isInt)
      return b.create<arith::ExtFOp>(loc, f64, v);
    if (isUnsignedInt)
      return b.create<arith::UIToFPOp>(loc, f64, v);
    return b.create<arith::SIToFPOp>(loc, f64, v);
  };
  auto storeF64 = [&](Value v, Value p) {
    if (!isInt)
      v = b.create<arith::TruncFOp>(loc, f32, v);
    else if (isUnsignedInt)
      v = b.create<arith::FPToUIOp>(loc, elem, v);
    else
      v = b.create<arith::FPToSIOp>(loc, elem, v);
    store(v, p);
  };
  // Several outputs at once when a kept dimension has room for a vector:
  // lane l accumulates output l's inputs in the reference's order (each
  // lane's statements are sequential, as the reference's), so the
  // statements of kReduceLanes outputs are one vector statement instead of
  // one latency chain each.
  int64_t vdim = -1;
  if (vectorizes(red.kind))
    for (int64_t d = rank - 1; d >= 0; --d)
      if (!reduced[d] && in.shape[d] >= kReduceLanes) {
        vdim = d;
        break;
      }
  if (vdim >= 0 && count > 1) {
    int64_t groups = in.shape[vdim] / kReduceLanes;
    int64_t rest = in.shape[vdim] % kReduceLanes;
    auto vd = VectorType::get({kReduceLanes}, f64);
    SmallVector<int64_t> outer(kept.begin(), kept.end());
    outer[vdim] = groups;
    // The running values live in a stack slot allocated once per chunk.
    Value slot;
    auto allocate = [&](ArrayRef<Value>) {
      slot = b.create<LLVM::AllocaOp>(loc, ptr, vd, cI32(1), 64);
    };
    // One group of `lanes` outputs starting at index `first` along vdim.
    auto group = [&](ArrayRef<Value> ivs, Value first, int64_t lanes,
                     ArrayRef<Value> p) {
      SmallVector<Value> at(ivs.begin(), ivs.end());
      at[vdim] = first;
      Value base = gep(p[0], offsetOf(at, in.strides), elem);
      Value init = b.create<arith::ConstantOp>(loc, initAttr);
      store(b.create<vector::BroadcastOp>(loc, vd, init), slot);
      loopNest(inner, rowMajorStrides(inner), [&](ArrayRef<Value> jv) {
        Value row = gep(base, offsetOf(jv, in.strides), elem);
        SmallVector<Value> elems;
        for (int64_t l = 0; l < kReduceLanes; ++l)
          elems.push_back(
              l < lanes ? loadF64(gep(row, cI64(l * in.strides[vdim]), elem))
                        : init);
        Value v = b.create<vector::FromElementsOp>(loc, vd, elems);
        store(reduceStep(op, load(vd, slot), v), slot);
      });
      Value result = reduceFinish(op, load(vd, slot), count);
      Value dst = gep(p[1], offsetOf(at, outStrides), elem);
      for (int64_t l = 0; l < lanes; ++l)
        storeF64(b.create<vector::ExtractOp>(loc, result, ArrayRef<int64_t>{l}),
                 gep(dst, cI64(l * outStrides[vdim]), elem));
    };
    parallelLoopNest(outer, rowMajorStrides(outer),
                     {basePointer(in), basePointer(out)},
                     [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                       group(ivs, mulC(ivs[vdim], kReduceLanes), kReduceLanes,
                             p);
                     },
                     allocate);
    if (rest) {
      SmallVector<int64_t> tail(kept.begin(), kept.end());
      tail[vdim] = 1;
      parallelLoopNest(tail, rowMajorStrides(tail),
                       {basePointer(in), basePointer(out)},
                       [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                         group(ivs, cI64(groups * kReduceLanes), rest, p);
                       },
                       allocate);
    }
    return success();
  }
  Value accSlot;
  parallelLoopNest(
      kept, rowMajorStrides(kept), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value base = gep(p[0], offsetOf(ivs, in.strides), elem);
        store(b.create<arith::ConstantOp>(loc, initAttr), accSlot);
        loopNest(inner, rowMajorStrides(inner), [&](ArrayRef<Value> jv) {
          Value v = loadF64(gep(base, offsetOf(jv, in.strides), elem));
          store(reduceStep(op, load(f64, accSlot), v), accSlot);
        });
        Value result = reduceFinish(op, load(f64, accSlot), count);
        storeF64(result, gep(p[1], offsetOf(ivs, outStrides), elem));
      },
      [&](ArrayRef<Value>) {
        accSlot = b.create<LLVM::AllocaOp>(loc, ptr, f64, cI32(1), 8);
      });
  return success();
}

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

namespace {
struct ArgExtreme {
  bool isMax;
  int64_t axis;
  bool keepdims, selectLast;
};

std::optional<ArgExtreme> getArgExtreme(Operation *op) {
  if (auto a = dyn_cast<ArgMaxOp>(op))
    return ArgExtreme{true, static_cast<int64_t>(a.getAxis()), a.getKeepdims(),
                      a.getSelectLastIndex()};
  if (auto a = dyn_cast<ArgMinOp>(op))
    return ArgExtreme{false, static_cast<int64_t>(a.getAxis()),
                      a.getKeepdims(), a.getSelectLastIndex()};
  return std::nullopt;
}
} // namespace

LogicalResult ModelBuilder::planIntegerReduction(Operation *op) {
  Value input = op->getOperand(0);
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  if (!element.isF32() && !element.isInteger(8))
    return op->emitError() << "qc compile: '" << op->getName() << "' of a "
                           << element
                           << " tensor is not supported by the native code "
                              "(f32, ui8 and i8 inputs)";
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  if (std::optional<ArgExtreme> arg = getArgExtreme(op)) {
    int64_t axis = arg->axis;
    if (rank < 1 || axis < -rank || axis >= rank)
      return op->emitError() << "qc compile: '" << op->getName() << "' axis "
                             << axis << " is out of range for a rank-" << rank
                             << " input";
  }
  if (auto c = input.getDefiningOp<ConstantOp>(); c && !refs.count(input)) {
    FailureOr<TensorRef> r = constantOperand(c);
    if (failed(r))
      return op->emitError() << "qc compile: cannot read the input of '"
                             << op->getName() << "'";
    refs[input] = *r;
  }
  if (failed(requireRef(op, input, "the input")))
    return failure();
  std::string stepName =
      (op->getName().stripDialect() + "_" + Twine(step)).str();
  Value result = op->getResult(0);
  refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
  return success();
}

LogicalResult ModelBuilder::emitArgExtreme(Operation *op) {
  ArgExtreme arg = *getArgExtreme(op);
  const TensorRef &in = refs[op->getOperand(0)];
  const TensorRef &out = refs[op->getResult(0)];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  int64_t axis = arg.axis < 0 ? arg.axis + rank : arg.axis;
  int64_t n = in.shape[axis], stride = in.strides[axis];
  // One output per index of the input's shape with the axis set to 1; its
  // place in the result (the axis dropped unless keepdims).
  SmallVector<int64_t> kept(in.shape.begin(), in.shape.end()),
      outStrides(rank, 0);
  kept[axis] = 1;
  for (int64_t d = 0, od = 0; d < rank; ++d) {
    if (d == axis) {
      if (arg.keepdims)
        ++od;
      continue;
    }
    outStrides[d] = out.strides[od++];
  }
  Type storage = storageType(in.element);
  bool isFloat = in.element.isF32();
  bool isUnsignedInput = isUnsigned(in.element);
  // better(v, best): the reference's comparison (KernelsReduce.cpp).
  auto better = [&](Value v, Value best) -> Value {
    if (!isFloat) {
      arith::CmpIPredicate pred;
      if (arg.isMax)
        pred = arg.selectLast ? (isUnsignedInput ? arith::CmpIPredicate::uge
                                                 : arith::CmpIPredicate::sge)
                              : (isUnsignedInput ? arith::CmpIPredicate::ugt
                                                 : arith::CmpIPredicate::sgt);
      else
        pred = arg.selectLast ? (isUnsignedInput ? arith::CmpIPredicate::ule
                                                 : arith::CmpIPredicate::sle)
                              : (isUnsignedInput ? arith::CmpIPredicate::ult
                                                 : arith::CmpIPredicate::slt);
      return b.create<arith::CmpIOp>(loc, pred, v, best);
    }
    // NaN is the extreme: a NaN best is kept (the last NaN wins with
    // select_last_index), a NaN v replaces a number; else an ordered
    // comparison.
    arith::CmpFPredicate pred =
        arg.isMax ? (arg.selectLast ? arith::CmpFPredicate::OGE
                                    : arith::CmpFPredicate::OGT)
                  : (arg.selectLast ? arith::CmpFPredicate::OLE
                                    : arith::CmpFPredicate::OLT);
    Value ordered = b.create<arith::CmpFOp>(loc, pred, v, best);
    Value vNan = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, v, v);
    Value bestNan =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, best, best);
    Value overNumber = b.create<arith::OrIOp>(loc, vNan, ordered);
    Value overNan = arg.selectLast
                        ? vNan
                        : b.create<arith::ConstantIntOp>(loc, 0, 1).getResult();
    return b.create<arith::SelectOp>(loc, bestNan, overNan, overNumber);
  };
  parallelLoopNest(
      kept, rowMajorStrides(kept), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value base = gep(p[0], offsetOf(ivs, in.strides), storage);
        Value first = load(storage, base);
        auto loop = b.create<scf::ForOp>(
            loc, cI64(1), cI64(n), cI64(1), ValueRange{first, cI64(0)},
            [&](OpBuilder &, Location, Value k, ValueRange carried) {
              Value v = load(storage, gep(base, mulC(k, stride), storage));
              Value take = better(v, carried[0]);
              Value best = b.create<arith::SelectOp>(loc, take, v, carried[0]);
              Value index =
                  b.create<arith::SelectOp>(loc, take, k, carried[1]);
              b.create<scf::YieldOp>(loc, ValueRange{best, index});
            });
        store(loop.getResult(1), gep(p[1], offsetOf(ivs, outStrides), i64));
      });
  return success();
}

void ModelBuilder::populateReducePatterns(LoweringPatterns &patterns) {
  patterns
      .add("reduce", &ModelBuilder::isFloatReduction,
           &ModelBuilder::planFloatRowMajor, &ModelBuilder::emitFloatReduction,
           kFloatStep)
      .add("reduce-8bit", &ModelBuilder::isIntReduction,
           &ModelBuilder::planIntegerReduction,
           &ModelBuilder::emitFloatReduction)
      .add<ArgMaxOp, ArgMinOp>("arg-extreme",
                               &ModelBuilder::planIntegerReduction,
                               &ModelBuilder::emitArgExtreme);
}

} // namespace mlir::qc::model_codegen
