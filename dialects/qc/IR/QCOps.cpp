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
