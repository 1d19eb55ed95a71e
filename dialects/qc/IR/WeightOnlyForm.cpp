//===- WeightOnlyForm.cpp - the weight-only linear form
//---------------------===//
#include "dialects/qc/IR/WeightOnlyForm.h"

namespace mlir::qc {

size_t WeightOnlyForm::qparamIndex(int64_t col, int64_t g) const {
  switch (layout) {
  case Layout::PerTensor:
    return 0;
  case Layout::PerColumn:
    return static_cast<size_t>(col);
  case Layout::PerInput:
    return static_cast<size_t>(g);
  case Layout::Blocked:
    return static_cast<size_t>(kAxis == 1 ? col * groups + g : g * n + col);
  }
  return 0;
}

/// A qc.constant, or a qc.dequantize of one (what qc compile folds).
static bool isConstantOperand(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (isa<ConstantOp>(def))
    return true;
  auto dq = dyn_cast<DequantizeOp>(def);
  return dq && dq.getInput().getDefiningOp<ConstantOp>();
}

std::optional<WeightOnlyForm> matchWeightOnlyForm(Operation *op) {
  if (!isa<LinearOp, MatmulOp>(op) || op->getNumOperands() < 2)
    return std::nullopt;
  if (isa<MatmulOp>(op) && isConstantOperand(op->getOperand(0)))
    return std::nullopt;
  auto dq = op->getOperand(1).getDefiningOp<DequantizeOp>();
  auto c = dq ? dq.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(c.getType());
  auto outType = dyn_cast<RankedTensorType>(dq.getResult().getType());
  auto inType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!type || !outType || !inType || !outType.getElementType().isF32() ||
      !inType.getElementType().isF32() || inType.getRank() < 1 ||
      type.getRank() != 2 || !type.hasStaticShape())
    return std::nullopt;
  Type et = type.getElementType();
  if (!et.isInteger(8))
    return std::nullopt;
  WeightOnlyForm w;
  w.dequantize = dq;
  w.constant = c;
  w.kAxis = isa<LinearOp>(op) ? 1 : 0;
  w.k = type.getDimSize(w.kAxis);
  w.n = type.getDimSize(1 - w.kAxis);
  w.isUnsigned = et.isUnsignedInteger();
  std::optional<uint64_t> axis = dq.getAxis();
  std::optional<uint64_t> block = dq.getBlockSize();
  if (!axis) {
    w.layout = WeightOnlyForm::Layout::PerTensor;
    w.group = std::max<int64_t>(w.k, 1);
  } else if (static_cast<int64_t>(*axis) == 1 - w.kAxis && !block) {
    w.layout = WeightOnlyForm::Layout::PerColumn;
    w.group = std::max<int64_t>(w.k, 1);
  } else if (static_cast<int64_t>(*axis) == w.kAxis && !block) {
    w.layout = WeightOnlyForm::Layout::PerInput;
    w.group = 1;
  } else if (static_cast<int64_t>(*axis) == w.kAxis && *block > 0) {
    w.layout = WeightOnlyForm::Layout::Blocked;
    w.group = static_cast<int64_t>(*block);
  } else {
    return std::nullopt; // blocks along the output channels: a float op
  }
  w.groups = w.k == 0 ? 0 : (w.k + w.group - 1) / w.group;
  const size_t scales = dq.getScale().size(), zps = dq.getZeroPoint().size();
  for (int64_t col = 0; col < w.n; ++col)
    for (int64_t g = 0; g < w.groups; ++g)
      if (size_t i = w.qparamIndex(col, g); i >= scales || i >= zps)
        return std::nullopt;
  return w;
}

} // namespace mlir::qc
