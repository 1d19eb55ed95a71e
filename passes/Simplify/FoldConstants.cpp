//===- FoldConstants.cpp - evaluate qc ops whose operands are constants ---===//
//
// Replaces each qc op whose operands are all qc.constant by a qc.constant of
// its value, computed by the reference executor (evaluateOp), so folding and
// execution cannot disagree. Ops are visited in program order, so a chain of
// constant-only ops folds in one run. The operands left without users are
// removed by qc-dce.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "reference/Executor.h"
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"

#include "llvm/ADT/StringExtras.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFOLDCONSTANTS
#include "passes/Passes.h.inc"

namespace {
/// The first name in `loc` (the ONNX node name for imported ops), to name
/// the folded value's resource blob.
std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string s = locationName(inner); !s.empty())
        return s;
  return "";
}

/// A resource blob name for `loc`: its name with every character that may
/// not appear in a bare `dense_resource<...>` key replaced by '_' (ONNX node
/// names such as "/layer1/Conv" would make the printed IR unparsable).
std::string nameHint(Location loc) {
  std::string name = locationName(loc);
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    name = "folded_" + name;
  return name;
}

struct FoldConstants : impl::QCFoldConstantsBase<FoldConstants> {
  using Base::Base;

  /// Whether `op` is a qc op (not a constant) with constant operands only and
  /// a static result of at most `maxElements` elements.
  bool isFoldable(Operation *op) {
    if (!isa<QCDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
        op->getNumOperands() == 0 || op->getNumResults() != 1 ||
        op->getNumRegions() != 0)
      return false;
    for (Value v : op->getOperands())
      if (!v.getDefiningOp<ConstantOp>())
        return false;
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    return type && type.hasStaticShape() &&
           type.getNumElements() <= maxElements;
  }

  /// Folds `op`; returns failure only after a diagnostic.
  LogicalResult fold(Operation *op) {
    std::vector<::qc::NpyArray> operands;
    for (Value v : op->getOperands()) {
      FailureOr<::qc::NpyArray> array =
          constantToArray(v.getDefiningOp<ConstantOp>().getValue());
      if (failed(array))
        return success(); // An element type the executor does not handle.
      operands.push_back(std::move(*array));
    }
    // evaluateOp emits a diagnostic when evaluation fails, and fails quietly
    // for ops it does not implement: those stay as they are.
    bool diagnosed = false;
    FailureOr<std::vector<::qc::NpyArray>> results;
    {
      ScopedDiagnosticHandler handler(&getContext(), [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error)
          diagnosed = true;
        return failure(); // Pass it on to the outer handler.
      });
      results = evaluateOp(op, operands);
    }
    if (failed(results))
      return failure(diagnosed);

    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    const ::qc::NpyArray &result = results->front();
    ArrayRef<char> bytes(reinterpret_cast<const char *>(result.data.data()),
                         result.data.size());
    std::string hint = nameHint(op->getLoc());
    OpBuilder builder(op);
    auto cst = builder.create<ConstantOp>(
        op->getLoc(), type,
        makeConstantAttr(type, bytes, hint));
    op->getResult(0).replaceAllUsesWith(cst.getResult());
    op->erase();
    return success();
  }

  void runOnOperation() override {
    if (maxElements < 0) {
      getOperation().emitError()
          << "qc-fold-constants: max-elements must be >= 0, got "
          << static_cast<int64_t>(maxElements);
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : ops) {
      if (!isFoldable(op))
        continue;
      if (failed(fold(op)))
        return signalPassFailure();
    }
  }
};
} // namespace
} // namespace mlir::qc
