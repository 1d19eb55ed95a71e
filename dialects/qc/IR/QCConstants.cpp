//===- QCConstants.cpp - reading and making qc constant values ------------===//
#include "dialects/qc/IR/QCConstants.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/StringExtras.h"

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

FailureOr<std::vector<float>> mlir::qc::getConstantFloats(Value v) {
  auto cst = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!cst || !cst.getType().getElementType().isF32())
    return failure();
  return getConstantValues<float>(cst.getValue());
}

std::string mlir::qc::resourceKey(StringRef nameHint) {
  // The printer writes keys bare, and the parser reads a bare key as
  // (letter | '_') (letter | digit | '_' | '$' | '.')*; anything else (ONNX
  // names like "/conv1/Conv_weight") would not read back.
  std::string key;
  for (char c : nameHint)
    key += llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' ? c : '_';
  if (key.empty() || !(llvm::isAlpha(key[0]) || key[0] == '_'))
    key.insert(key.begin(), '_');
  return key;
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
  return DenseResourceElementsAttr::get(
      type, resourceKey(nameHint.empty() ? "w" : nameHint), std::move(blob));
}
