//===- QCOps.cpp - qc op definitions, folders -----------------------------===//
//
// Shape inference (inferReturnTypes of every op) lives in QCShapes.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/TensorSize.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qc;

static_assert(kDynamicDim == ShapedType::kDynamic,
              "TensorSize.h's dynamic marker must be MLIR's");

LogicalResult mlir::qc::detail::checkTensorSizes(std::optional<Location> loc,
                                                StringRef opName,
                                                StringRef what,
                                                TypeRange types) {
  for (auto [i, t] : llvm::enumerate(types)) {
    auto ranked = dyn_cast<RankedTensorType>(t);
    if (!ranked)
      continue;
    Type element = ranked.getElementType();
    int64_t bytes = element.isIntOrFloat()
                        ? (element.getIntOrFloatBitWidth() + 7) / 8
                        : 4; // quantized types: at most 32-bit storage
    std::string why;
    if (checkTensorSize(ranked.getShape(), bytes, why))
      continue;
    if (loc)
      emitError(*loc) << "'" << opName << "' op " << what << " #" << i << " "
                      << ranked << " " << why;
    return failure();
  }
  return success();
}

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
