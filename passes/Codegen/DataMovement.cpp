//===- DataMovement.cpp - reshape, flatten, concat, pad and result copies -===//
//
// Data movement: copies of strided tensors into row-major order (reshape /
// flatten of NHWC tensors, the model's results), qc.concat and float qc.pad
// (per dimension a compile-time table of the input offset each output index
// reads, the reference's maps). Transpose, slice and row-major reshapes are
// views (planView) and emit nothing.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Target.h"
#include "support/Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <numeric>

namespace mlir::qc::model_codegen {

using ::qc::codegen::GemmIsa;

void ModelBuilder::copyToRowMajor(const TensorRef &from, Value fromBase,
                                  Value toBase) {
  Type t = storageType(from.element);
  SmallVector<int64_t> to = rowMajorStrides(from.shape);
  loopNest(from.shape, to, [&](ArrayRef<Value> ivs) {
    Value v = load(t, gep(fromBase, offsetOf(ivs, from.strides), t));
    store(v, gep(toBase, offsetOf(ivs, to), t));
  });
}

LogicalResult ModelBuilder::emitReshape(Operation *op) {
  const TensorRef &in = refs[op->getOperand(0)];
  const TensorRef &out = refs[op->getResult(0)];
  if (out.kind == in.kind && out.index == in.index)
    return success(); // a view
  copyToRowMajor(in, basePointer(in), basePointer(out));
  return success();
}

LogicalResult ModelBuilder::emitView(Operation *) { return success(); }

LogicalResult ModelBuilder::emitConcat(ConcatOp op) {
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(out.shape.size());
  // getAxis() is unsigned: a negative axis is read back as int64 first.
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
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

LogicalResult ModelBuilder::emitPad(PadOp op) {
  // Per dimension a compile-time table: output index -> the input element
  // offset it reads (the reference's maps), or -1 for the constant.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  ArrayRef<int64_t> pads = op.getPads();
  StringRef mode = op.getMode();
  std::vector<int64_t> table;
  SmallVector<int64_t> starts;
  for (int64_t d = 0; d < rank; ++d) {
    starts.push_back(static_cast<int64_t>(table.size()));
    int64_t dim = in.shape[d], before = pads[d];
    for (int64_t i = 0; i < out.shape[d]; ++i) {
      int64_t src = i - before;
      if (src < 0 || src >= dim) {
        if (mode == "constant" || dim == 0) {
          src = -1;
        } else if (mode == "edge") {
          src = std::clamp<int64_t>(src, 0, dim - 1);
        } else if (mode == "wrap") {
          src = ((src % dim) + dim) % dim;
        } else if (dim == 1) {
          src = 0;
        } else {
          int64_t period = 2 * (dim - 1);
          src = ((src % period) + period) % period;
          if (src >= dim)
            src = period - src;
        }
      }
      table.push_back(src < 0 ? -1 : src * in.strides[d]);
    }
  }
  Value tableBase = constantArray<int64_t>("pad", table);
  float value = op.getValue().convertToFloat();
  parallelLoopNest(
      out.shape, out.strides, {basePointer(in), basePointer(out), tableBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value off = cI64(0);
        Value ok = b.create<arith::ConstantIntOp>(loc, 1, 1);
        for (int64_t d = 0; d < rank; ++d) {
          Value e = load(i64, gep(p[2], add(ivs[d], cI64(starts[d])), i64));
          ok = b.create<arith::AndIOp>(
              loc, ok,
              b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, e,
                                      cI64(0)));
          off = add(off, e);
        }
        // A clamped offset keeps the (unused) load in bounds.
        off = b.create<arith::SelectOp>(loc, ok, off, cI64(0));
        Value x = load(f32, gep(p[0], off, f32));
        store(b.create<arith::SelectOp>(loc, ok, x, cF32(value)),
              gep(p[1], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

LogicalResult ModelBuilder::planView(Operation *op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  Value result = op->getResult(0);
  auto resultType = cast<RankedTensorType>(result.getType());
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
    placeResult(op, /*rowMajor=*/true);
    return success();
  }
  refs[result] = view;
  --step; // no work
  return success();
}

LogicalResult ModelBuilder::planPad(PadOp op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  StringRef mode = op.getMode();
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      mode != "wrap")
    return op.emitError() << "qc compile: qc.pad mode '" << mode
                          << "' is not supported";
  int64_t rank = cast<RankedTensorType>(op.getResult().getType()).getRank();
  if (static_cast<int64_t>(op.getPads().size()) != 2 * rank)
    return op.emitError("qc compile: qc.pad needs 2 * rank pads");
  placeResult(op);
  return success();
}

void ModelBuilder::populateDataMovementPatterns(LoweringPatterns &patterns) {
  patterns
      .add<ConcatOp>("concat", &ModelBuilder::planArenaStep,
                     &ModelBuilder::emitConcat)
      .add<ReshapeOp, FlattenOp>("reshape", &ModelBuilder::planView,
                                 &ModelBuilder::emitReshape)
      .add<TransposeOp, SliceOp>("view", &ModelBuilder::planView,
                                 &ModelBuilder::emitView)
      .add<PadOp>("pad", &ModelBuilder::planPad, &ModelBuilder::emitPad,
                  kFloatStep | kNhwcInput);
}

} // namespace mlir::qc::model_codegen
