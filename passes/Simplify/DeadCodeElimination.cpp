//===- DeadCodeElimination.cpp - remove unused side-effect-free ops -------===//
#include "passes/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCDEADCODEELIMINATION
#include "passes/Passes.h.inc"

namespace {
struct DeadCodeElimination
    : impl::QCDeadCodeEliminationBase<DeadCodeElimination> {
  void runOnOperation() override {
    // Walking blocks backwards lets one sweep remove a whole dead chain:
    // a user is visited, and erased, before the ops that feed it.
    getOperation().walk([](Block *block) {
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*block)))
        if (isOpTriviallyDead(&op))
          op.erase();
    });
  }
};
} // namespace
} // namespace mlir::qc
