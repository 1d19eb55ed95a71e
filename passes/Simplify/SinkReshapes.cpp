//===- SinkReshapes.cpp - move reshapes below pointwise ops ---------------===//
//
// A pointwise op gives the same elements whatever the shape, so
// `f(reshape(x))` is `reshape(f(x))`. Moving the reshape down lets two
// reshapes meet and cancel, which matters where the importer adds them in
// pairs: a 1-D conv / pool is a 2-D op over a unit height between
// (N, C, L) -> (N, C, 1, L) and back, and its ReLU sat between the pair,
// hiding the conv + ReLU pattern from the quantizers and costing a copy
// each in the compiled code.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCSINKRESHAPES
#include "passes/Passes.h.inc"

namespace {
/// Ops that apply one function to each element: the unary family of
/// QCDialect.td (relu, sigmoid, exp, ...: one operand, the result of its
/// type) and the activations with attributes. Observers and fake quants
/// share the trait but not the property: their parameters may be per axis
/// or per token.
bool isPointwiseUnary(Operation *op) {
  if (isa<ClampOp, HardsigmoidOp, GeluOp, LeakyReluOp, EluOp, SeluOp>(op))
    return true;
  return isa<QCDialect>(op->getDialect()) && op->getNumOperands() == 1 &&
         op->getNumResults() == 1 &&
         op->hasTrait<OpTrait::SameOperandsAndResultType>() &&
         !isa<ObserveOp, FakeQuantOp, DynamicFakeQuantOp>(op);
}

struct SinkReshapes : impl::QCSinkReshapesBase<SinkReshapes> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<ReshapeOp>(op) || isPointwiseUnary(op))
        ops.push_back(op);
    });
    // Program order: a reshape moved below one op is met again by the next.
    for (Operation *op : ops) {
      if (auto outer = dyn_cast<ReshapeOp>(op)) {
        composeWithInput(outer);
        continue;
      }
      auto reshape = op->getOperand(0).getDefiningOp<ReshapeOp>();
      if (!reshape || !reshape->hasOneUse())
        continue;
      OpBuilder b(op);
      Operation *moved = b.clone(*op);
      moved->setOperand(0, reshape.getInput());
      moved->getResult(0).setType(reshape.getInput().getType());
      auto below = b.create<ReshapeOp>(reshape.getLoc(), op->getResultTypes(),
                                       moved->getResult(0),
                                       reshape.getShapeAttr());
      op->getResult(0).replaceAllUsesWith(below.getResult());
      op->erase();
      reshape->erase();
    }
  }

  /// reshape(reshape(x)) is reshape(x), and x itself when the types agree.
  static void composeWithInput(ReshapeOp outer) {
    auto inner = outer.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return;
    Value x = inner.getInput();
    if (x.getType() == outer.getType() && outer.getType().hasStaticShape()) {
      outer.getResult().replaceAllUsesWith(x);
      outer->erase();
    } else {
      outer.getInputMutable().assign(x);
    }
    if (inner->use_empty())
      inner->erase();
  }
};
} // namespace
} // namespace mlir::qc
