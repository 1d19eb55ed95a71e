//===- QCOps.cpp - qc op definitions, folders -----------------------------===//
//
// Shape inference (inferReturnTypes of every op) lives in QCShapes.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qc;

bool mlir::qc::detail::areCompatibleTypes(TypeRange lhs, TypeRange rhs) {
  if (lhs.size() != rhs.size())
    return false;
  for (auto [l, r] : llvm::zip(lhs, rhs)) {
    if (getElementTypeOrSelf(l) != getElementTypeOrSelf(r))
      return false;
    if (failed(verifyCompatibleShape(l, r)))
      return false;
  }
  return true;
}

// Every qc op accepts a result type that refines the inferred one.
#define QC_COMPATIBLE_RETURN_TYPES(OP)                                         \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return detail::areCompatibleTypes(l, r);                                   \
  }
QC_COMPATIBLE_RETURN_TYPES(ConstantOp)
QC_COMPATIBLE_RETURN_TYPES(Conv2dOp)
QC_COMPATIBLE_RETURN_TYPES(ConvTranspose2dOp)
QC_COMPATIBLE_RETURN_TYPES(MatmulOp)
QC_COMPATIBLE_RETURN_TYPES(LinearOp)
QC_COMPATIBLE_RETURN_TYPES(BatchNormOp)
QC_COMPATIBLE_RETURN_TYPES(LayerNormOp)
QC_COMPATIBLE_RETURN_TYPES(ClampOp)
QC_COMPATIBLE_RETURN_TYPES(HardsigmoidOp)
QC_COMPATIBLE_RETURN_TYPES(GeluOp)
QC_COMPATIBLE_RETURN_TYPES(SoftmaxOp)
QC_COMPATIBLE_RETURN_TYPES(AddOp)
QC_COMPATIBLE_RETURN_TYPES(SubOp)
QC_COMPATIBLE_RETURN_TYPES(MulOp)
QC_COMPATIBLE_RETURN_TYPES(DivOp)
QC_COMPATIBLE_RETURN_TYPES(PowOp)
QC_COMPATIBLE_RETURN_TYPES(MaxPool2dOp)
QC_COMPATIBLE_RETURN_TYPES(AvgPool2dOp)
QC_COMPATIBLE_RETURN_TYPES(GlobalAvgPool2dOp)
QC_COMPATIBLE_RETURN_TYPES(ReduceMeanOp)
QC_COMPATIBLE_RETURN_TYPES(ReshapeOp)
QC_COMPATIBLE_RETURN_TYPES(FlattenOp)
QC_COMPATIBLE_RETURN_TYPES(TransposeOp)
QC_COMPATIBLE_RETURN_TYPES(ConcatOp)
QC_COMPATIBLE_RETURN_TYPES(SliceOp)
QC_COMPATIBLE_RETURN_TYPES(PadOp)
QC_COMPATIBLE_RETURN_TYPES(ResizeOp)
#undef QC_COMPATIBLE_RETURN_TYPES

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // A reshape to the same static type is the identity.
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  // A reshape of an inline constant is a constant of the new type.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

#define GET_OP_CLASSES
#include "dialects/qc/IR/QCOps.cpp.inc"
