//===- QCConstants.cpp - reading and making qc constant values ------------===//
#include "dialects/qc/IR/QCConstants.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

FailureOr<ArrayRef<char>> mlir::qc::getResourceBytes(ElementsAttr attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return failure();
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return failure();
  return blob->getData();
}

ElementsAttr mlir::qc::makeConstantAttr(RankedTensorType type,
                                        ArrayRef<char> bytes,
                                        StringRef nameHint) {
  if (type.getNumElements() <= kInlineConstantLimit) {
    bool splat = false;
    if (DenseElementsAttr::isValidRawBuffer(type, bytes, splat))
      return DenseElementsAttr::getFromRawBuffer(type, bytes);
  }
  // Element types are at least a byte wide here, so 64-byte alignment suits
  // every kernel that later maps the blob.
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, /*align=*/64, /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, nameHint.empty() ? "w" : nameHint,
                                        std::move(blob));
}
