//===- QCConstants.h - reading and making qc constant values ----*- C++ -*-===//
//
// Constants are DenseElementsAttr (small, inline) or DenseResourceElementsAttr
// (weights: a blob in the builtin dialect's resource section, so the IR text
// stays small). These helpers hide which one a constant is.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECTS_QC_IR_QCCONSTANTS_H
#define QC_DIALECTS_QC_IR_QCCONSTANTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <cstring>
#include <string>
#include <vector>

namespace mlir::qc {

/// Constants with more elements than this become resource blobs.
constexpr int64_t kInlineConstantLimit = 16;

/// The raw bytes of a resource-backed constant, or failure for other kinds.
FailureOr<ArrayRef<char>> getResourceBytes(ElementsAttr attr);

/// All elements of `attr` (splats expanded) as `T`, which must match the
/// element type's width; failure if the attribute kind or width is not one
/// qc stores.
template <typename T>
FailureOr<std::vector<T>> getConstantValues(ElementsAttr attr) {
  int64_t n = attr.getNumElements();
  Type et = attr.getElementType();
  if (et.getIntOrFloatBitWidth() != sizeof(T) * 8 && !et.isInteger(1))
    return failure();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    std::vector<T> out;
    out.reserve(n);
    if constexpr (std::is_floating_point_v<T>) {
      for (APFloat v : dense.getValues<APFloat>())
        out.push_back(static_cast<T>(v.convertToDouble()));
    } else {
      for (APInt v : dense.getValues<APInt>())
        out.push_back(static_cast<T>(v.getSExtValue()));
    }
    return out;
  }
  FailureOr<ArrayRef<char>> bytes = getResourceBytes(attr);
  if (failed(bytes) || bytes->size() != n * sizeof(T))
    return failure();
  std::vector<T> out(n);
  std::memcpy(out.data(), bytes->data(), bytes->size());
  return out;
}

/// The f32 values of `v` when a qc.constant of f32 elements produces it
/// (splats expanded); failure for anything else, a null value included.
FailureOr<std::vector<float>> getConstantFloats(Value v);

/// `nameHint` made a valid resource key, one that prints and parses back:
/// characters other than letters, digits, '_', '$' and '.' become '_', and
/// a key not starting with a letter or '_' gets a '_' in front.
std::string resourceKey(StringRef nameHint);

/// A constant attribute of `type` holding `values` (raw element bytes, as
/// many as the type needs): inline when small, a resource blob named after
/// `nameHint` (made a valid key by resourceKey) otherwise.
ElementsAttr makeConstantAttr(RankedTensorType type, ArrayRef<char> bytes,
                              StringRef nameHint);

template <typename T>
ElementsAttr makeConstantAttr(RankedTensorType type, ArrayRef<T> values,
                              StringRef nameHint) {
  return makeConstantAttr(
      type,
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T)),
      nameHint);
}

} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_QCCONSTANTS_H
