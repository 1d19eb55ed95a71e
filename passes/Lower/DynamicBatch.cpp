//===- DynamicBatch.cpp - qc-dynamic-batch: one sample, any batch ---------===//
//
// `qc compile --max-batch N` compiles one sample of a program and lets the
// runtime call it once per sample of a batch of 1..N. The compiled model
// then equals the program at every batch size only if no op mixes samples,
// so the pass follows the batch (dimension 0 of every input) through the
// program and proves, op by op, that dimension 0 of every result is still
// the batch and that each sample of a result depends only on the same
// sample of the operands. Then it binds the batch to 1.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/ModelCodegen.h"

#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstdint>
#include <string>

namespace mlir::qc {
#define GEN_PASS_DEF_QCDYNAMICBATCH
#include "passes/Passes.h.inc"

namespace {

int64_t rankOf(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type ? type.getRank() : -1;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// \p axis (possibly negative, ONNX style) as an index into rank dims.
int64_t normalize(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// The program's name of input \p i (its qc.name, else argI).
std::string inputName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

/// Follows the batch through a function: which values carry it in
/// dimension 0, and whether every op keeps samples apart.
class BatchFlow {
public:
  explicit BatchFlow(func::FuncOp func) : func(func) {}

  /// Checks every op in program order and the outputs.
  LogicalResult run() {
    for (BlockArgument arg : func.getArguments())
      batched.insert(arg);
    for (Operation &op : func.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        if (failed(checkOutputs(ret)))
          return failure();
        continue;
      }
      if (llvm::none_of(op.getOperands(),
                        [&](Value v) { return batched.contains(v); }))
        continue; // computed from constants only: the same for every sample
      if (failed(checkOp(&op)))
        return failure();
      for (Value result : op.getResults())
        batched.insert(result);
    }
    return success();
  }

private:
  InFlightDiagnostic refuse(Operation *op) {
    return op->emitOpError()
           << "mixes the samples of the batch (dimension 0), so the model "
              "cannot be compiled one sample at a time (--max-batch): ";
  }

  /// Ops whose operand 0 carries the batch and whose other operands are
  /// parameters (weights, biases, scales).
  LogicalResult checkDataOperand(Operation *op, int64_t minRank = 1) {
    if (!batched.contains(op->getOperand(0)))
      return refuse(op) << "its batch enters through a weight operand";
    for (Value v : op->getOperands().drop_front())
      if (batched.contains(v))
        return refuse(op) << "its weights depend on the input";
    if (rankOf(op->getOperand(0)) < minRank)
      return refuse(op) << "its input has rank " << rankOf(op->getOperand(0))
                        << ", and dimension 0 is not a batch of rows";
    return success();
  }

  /// Broadcasting ops (elementwise binary, matmul's leading dimensions):
  /// every operand that carries the batch has the result's rank, so its
  /// dimension 0 is the result's; every other operand broadcasts over the
  /// batch (a lower rank, or dimension 0 of 1).
  LogicalResult checkBroadcast(Operation *op) {
    int64_t rank = rankOf(op->getResult(0));
    for (auto [i, v] : llvm::enumerate(op->getOperands())) {
      if (batched.contains(v) && rankOf(v) != rank)
        return refuse(op) << "operand #" << i << " carries the batch in a "
                          << "rank-" << rankOf(v) << " tensor broadcast to "
                          << "rank " << rank;
      if (!batched.contains(v) && rankOf(v) == rank && shapeOf(v)[0] != 1)
        return refuse(op) << "operand #" << i << " is the same for every "
                          << "sample but has " << shapeOf(v)[0]
                          << " rows in dimension 0";
    }
    return success();
  }

  /// A per-channel quantization along dimension 0 uses another scale for
  /// each sample.
  LogicalResult checkQuantAxis(Operation *op, std::optional<int64_t> axis) {
    if (axis && normalize(*axis, rankOf(op->getOperand(0))) == 0)
      return refuse(op) << "it quantizes per channel along dimension 0";
    return checkDataOperand(op);
  }

  LogicalResult checkMatmul(MatmulOp op) {
    bool lhs = batched.contains(op.getLhs()), rhs = batched.contains(op.getRhs());
    if (lhs && rankOf(op.getLhs()) < 2)
      return refuse(op) << "its batched left operand is a vector, contracted "
                           "whole";
    if (rhs && rankOf(op.getRhs()) < 3)
      return refuse(op) << "its batched right operand is a matrix whose rows "
                           "are contracted";
    return checkBroadcast(op);
  }

  LogicalResult checkReshape(ReshapeOp op) {
    ArrayRef<int64_t> in = shapeOf(op.getInput()),
                      out = shapeOf(op.getResult());
    auto rest = [](ArrayRef<int64_t> dims) -> int64_t {
      int64_t n = 1;
      for (int64_t d : dims.drop_front()) {
        if (ShapedType::isDynamic(d) || __builtin_mul_overflow(n, d, &n))
          return -1;
      }
      return n;
    };
    if (in.empty() || out.empty() || in[0] != out[0] || rest(in) < 0 ||
        rest(in) != rest(out))
      return refuse(op) << "it reshapes " << op.getInput().getType()
                        << " to " << op.getResult().getType()
                        << "; only a reshape that keeps dimension 0 and the "
                           "elements of each sample is allowed";
    return success();
  }

  LogicalResult checkSlice(SliceOp op) {
    int64_t rank = rankOf(op.getInput());
    for (auto [i, axis] : llvm::enumerate(op.getAxes()))
      if (normalize(axis, rank) == 0 &&
          !(op.getStarts()[i] == 0 && op.getSteps()[i] == 1 &&
            op.getEnds()[i] >= INT32_MAX))
        return refuse(op) << "it slices dimension 0";
    return success();
  }

  LogicalResult checkOp(Operation *op) {
    return TypeSwitch<Operation *, LogicalResult>(op)
        .Case<Conv2dOp, ConvTranspose2dOp, MaxPool2dOp, AvgPool2dOp,
              GlobalAvgPool2dOp, QConv2dOp, QMaxPool2dOp, QAvgPool2dOp>(
            [&](Operation *op) { return checkDataOperand(op, 4); })
        .Case<LinearOp, QLinearOp, BatchNormOp>(
            [&](Operation *op) { return checkDataOperand(op, 2); })
        .Case<ReluOp, SigmoidOp, TanhOp, HardswishOp, ErfOp, SqrtOp, ClampOp,
              HardsigmoidOp, GeluOp, ObserveOp, QRequantizeOp, QLutOp, AbsOp,
              NegOp, ExpOp, LogOp, ReciprocalOp, FloorOp, CeilOp, RoundOp,
              LeakyReluOp>(
            [&](Operation *op) { return checkDataOperand(op); })
        .Case<QuantizeOp, DequantizeOp, FakeQuantOp>([&](auto q) {
          return checkQuantAxis(q, q.getAxis());
        })
        .Case<AddOp, SubOp, MulOp, DivOp, PowOp, QAddOp, QMulOp, MaxOp, MinOp,
              PReluOp, QMaxOp, QMinOp, CompareOp, SelectOp>(
            [&](Operation *op) { return checkBroadcast(op); })
        .Case<MatmulOp>([&](MatmulOp op) { return checkMatmul(op); })
        .Case<LayerNormOp>([&](LayerNormOp op) -> LogicalResult {
          if (normalize(op.getAxis(), rankOf(op.getInput())) <= 0)
            return refuse(op) << "it normalizes over dimension 0";
          return checkDataOperand(op);
        })
        .Case<SoftmaxOp>([&](SoftmaxOp op) -> LogicalResult {
          if (normalize(op.getAxis(), rankOf(op.getInput())) == 0)
            return refuse(op) << "its axis is 0";
          return checkDataOperand(op);
        })
        .Case<ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceSumOp,
              ReduceProdOp, ReduceSumSquareOp, ReduceL1Op, ReduceL2Op,
              ReduceLogSumOp, ReduceLogSumExpOp>([&](auto op) -> LogicalResult {
          int64_t rank = rankOf(op.getInput());
          if (op.getAxes().empty() ||
              llvm::any_of(op.getAxes(), [&](int64_t a) {
                return normalize(a, rank) == 0;
              }))
            return refuse(op) << "it reduces over dimension 0";
          return checkDataOperand(op);
        })
        .Case<ArgMaxOp, ArgMinOp>([&](auto op) -> LogicalResult {
          if (normalize(op.getAxis(), rankOf(op.getInput())) == 0)
            return refuse(op) << "it reduces over dimension 0";
          return checkDataOperand(op);
        })
        .Case<ReshapeOp>([&](ReshapeOp op) { return checkReshape(op); })
        .Case<FlattenOp>([&](FlattenOp op) -> LogicalResult {
          if (normalize(op.getAxis(), rankOf(op.getInput())) != 1)
            return refuse(op) << "its axis is " << op.getAxis()
                              << " (only 1 keeps dimension 0)";
          return success();
        })
        .Case<TransposeOp>([&](TransposeOp op) -> LogicalResult {
          if (op.getPerm().empty() || op.getPerm()[0] != 0)
            return refuse(op) << "it moves dimension 0";
          return success();
        })
        .Case<ConcatOp>([&](ConcatOp op) -> LogicalResult {
          if (normalize(op.getAxis(), rankOf(op.getResult())) == 0)
            return refuse(op) << "it concatenates along dimension 0";
          for (auto [i, v] : llvm::enumerate(op.getInputs()))
            if (!batched.contains(v))
              return refuse(op) << "operand #" << i
                                << " is the same for every sample, but "
                                   "concat does not broadcast";
          return success();
        })
        .Case<SliceOp>([&](SliceOp op) { return checkSlice(op); })
        .Case<GatherOp>([&](GatherOp op) -> LogicalResult {
          // A token model's embedding lookup: a fixed table at per-sample
          // ids, along axis 0, puts the ids' dimension 0 first.
          if (batched.contains(op.getInput()))
            return refuse(op) << "its table depends on the input";
          if (normalize(static_cast<int64_t>(op.getAxis()),
                        rankOf(op.getInput())) != 0 ||
              rankOf(op.getIndices()) < 1)
            return refuse(op) << "only a lookup along axis 0 at batched "
                                 "indices keeps the samples apart";
          return success();
        })
        .Case<PadOp>([&](PadOp op) -> LogicalResult {
          int64_t rank = rankOf(op.getInput());
          ArrayRef<int64_t> pads = op.getPads();
          if (static_cast<int64_t>(pads.size()) == 2 * rank &&
              (pads[0] != 0 || pads[rank] != 0))
            return refuse(op) << "it pads dimension 0";
          return checkDataOperand(op);
        })
        .Case<ResizeOp>([&](ResizeOp op) -> LogicalResult {
          if ((!op.getScales().empty() && op.getScales()[0] != 1.0f) ||
              !op.getSizes().empty())
            return refuse(op) << "it resizes dimension 0 (or gives sizes, "
                                 "which fix it)";
          return checkDataOperand(op);
        })
        .Case<DynamicFakeQuantOp>([&](DynamicFakeQuantOp op) {
          return refuse(op)
                 << "it chooses its qparams at run time over the whole "
                    "tensor, every sample included (a dynamic=1 program "
                    "compiles without --max-batch)";
        })
        .Default([&](Operation *op) {
          return refuse(op)
                 << "qc-dynamic-batch has no rule for this op, so it cannot "
                    "show that the samples stay independent";
        });
  }

  LogicalResult checkOutputs(func::ReturnOp ret) {
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      std::string name = "output" + std::to_string(i);
      if (auto attr = func.getResultAttrOfType<StringAttr>(i, "qc.name"))
        name = attr.str();
      if (!batched.contains(v) || rankOf(v) < 1)
        return emitError(ret.getLoc())
               << "qc compile --max-batch: output #" << i << " ('" << name
               << "') does not depend on the inputs, so it has no batch "
                  "dimension to run samples along";
    }
    return success();
  }

  func::FuncOp func;
  llvm::DenseSet<Value> batched;
};

struct DynamicBatchPass : impl::QCDynamicBatchBase<DynamicBatchPass> {
  using QCDynamicBatchBase::QCDynamicBatchBase;

  void runOnOperation() override {
    FailureOr<func::FuncOp> func = getEntryFunction(getOperation());
    if (failed(func) || failed(check(*func)) ||
        failed(BatchFlow(*func).run()) || failed(bindBatch(*func)))
      return signalPassFailure();
    (*func)->setAttr("qc.max_batch",
                     IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                      maxBatch));
  }

  /// The option, the function's shape and its inputs: dimension 0 of each
  /// is the batch (dynamic, or 1 after an --input-shape of one sample), the
  /// others are static.
  LogicalResult check(func::FuncOp func) {
    if (maxBatch < 1 || maxBatch > INT32_MAX)
      return func.emitError()
             << "qc compile: --max-batch must be in [1, 2147483647], got "
             << maxBatch;
    if (!func.getBody().hasOneBlock())
      return func.emitError("qc compile: the entry function must have one "
                            "block");
    if (func.getNumArguments() == 0)
      return func.emitError("qc compile --max-batch: the model has no input "
                            "to take the batch from");
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
      std::string name = inputName(func, i);
      if (!type || type.getRank() < 1)
        return func.emitError() << "qc compile --max-batch: input '" << name
                                << "' has no dimension 0 to be the batch";
      if (!ShapedType::isDynamic(type.getDimSize(0)) &&
          type.getDimSize(0) != 1)
        return func.emitError()
               << "qc compile --max-batch: dimension 0 of input '" << name
               << "' is " << type.getDimSize(0)
               << "; it is the batch and must be dynamic, or 1 when "
                  "--input-shape gives one sample";
      for (int64_t d = 1; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          return func.emitError()
                 << "qc compile --max-batch: dimension " << d << " of input '"
                 << name << "' (" << type
                 << ") is dynamic; bind it with --input-shape " << name
                 << "=1,... (one sample)";
    }
    return success();
  }

  /// Dimension 0 of every input becomes 1 and every shape is re-inferred.
  LogicalResult bindBatch(func::FuncOp func) {
    for (BlockArgument arg : func.getArguments()) {
      auto type = cast<RankedTensorType>(arg.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = 1;
      arg.setType(RankedTensorType::get(shape, type.getElementType(),
                                        type.getEncoding()));
    }
    func.setFunctionType(FunctionType::get(&getContext(),
                                           func.getBody().getArgumentTypes(),
                                           func.getResultTypes()));
    if (failed(reinferShapes(func)))
      return failure();
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto ranked = dyn_cast<RankedTensorType>(type);
      if (!ranked || ranked.getRank() < 1 || ranked.getDimSize(0) != 1)
        return func.emitError()
               << "qc compile --max-batch: output #" << i << " has type "
               << type << " for one sample; dimension 0 must be 1";
    }
    return success();
  }
};
} // namespace
} // namespace mlir::qc
