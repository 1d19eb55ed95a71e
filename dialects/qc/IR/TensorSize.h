//===- TensorSize.h - overflow-checked tensor sizes -------------*- C++ -*-===//
//
// One place that says how large a tensor of a qc program may be, and checked
// arithmetic for the shape rules and the importer. Every qc graph op checks
// its operand and result types against kMaxTensorBytes (through
// detail::inferReturnTypesChecked, QCOps.h), so a pass, the executor or the
// code generator that reads a verified op may multiply its dimensions
// without overflowing int64. Header-only and MLIR-free (llvm::ArrayRef only),
// so code that does not link the dialect can use it too.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECTS_QC_IR_TENSORSIZE_H
#define QC_DIALECTS_QC_IR_TENSORSIZE_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace mlir::qc {

/// The most bytes one tensor of a qc program may hold: 2^40 (1 TiB). Far
/// above any model qc compiles (a MobileNetV2 activation is 5 MB), and small
/// enough that a byte offset times a dimension still fits in int64.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 40;
constexpr const char *kMaxTensorBytesText = "2^40 bytes (1 TiB)";

/// The marker MLIR uses for a dynamic dimension (ShapedType::kDynamic).
constexpr int64_t kDynamicDim = std::numeric_limits<int64_t>::min();

/// a + b and a * b, or nullopt when the result does not fit in int64.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}
inline std::optional<int64_t> checkedSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    return std::nullopt;
  return r;
}
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// The product of the static dimensions of `shape` (dynamic ones are
/// skipped, so for a dynamic shape this is a lower bound); nullopt when a
/// dimension is negative or the product overflows int64.
inline std::optional<int64_t> staticElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d == kDynamicDim)
      continue;
    if (d < 0)
      return std::nullopt;
    std::optional<int64_t> m = checkedMul(n, d);
    if (!m)
      return std::nullopt;
    n = *m;
  }
  return n;
}

/// Checks a tensor of `shape` with `elementBytes`-byte elements against
/// kMaxTensorBytes (dynamic dimensions count as 1). An empty dimension
/// counts as 1 too: a [0, 2^62] tensor holds nothing, but its strides would
/// still overflow, so the other dimensions must fit as if it were 1. On
/// failure returns false and sets `why` to the reason ("has
/// 4000000000000000000 elements (...)", "has a negative dimension -3", "has
/// more elements than fit in a 64-bit integer").
inline bool checkTensorSize(llvm::ArrayRef<int64_t> shape, int64_t elementBytes,
                            std::string &why) {
  bool empty = false;
  int64_t extent = 1; // product of the static dimensions, 0 counted as 1
  for (int64_t d : shape) {
    if (d == kDynamicDim)
      continue;
    if (d < 0) {
      why = "has a negative dimension " + std::to_string(d);
      return false;
    }
    empty |= d == 0;
    std::optional<int64_t> m = checkedMul(extent, d == 0 ? 1 : d);
    if (!m) {
      why = empty ? "has dimensions whose product (the empty one counted as "
                    "1) does not fit in a 64-bit integer"
                  : "has more elements than fit in a 64-bit integer";
      // A later empty dimension still makes the message above right for
      // the non-empty case: the product of the dimensions seen overflows.
      return false;
    }
    extent = *m;
  }
  std::optional<int64_t> bytes =
      checkedMul(extent, elementBytes < 1 ? 1 : elementBytes);
  if (!bytes || *bytes > kMaxTensorBytes) {
    if (empty)
      why = "has dimensions too large for qc (their product, the empty one "
            "counted as 1, exceeds " +
            std::string(kMaxTensorBytesText) + ")";
    else
      why = "has " + std::to_string(extent) + " elements" +
            (bytes ? " (" + std::to_string(*bytes) + " bytes)" : "") +
            ", more than qc's limit of " + kMaxTensorBytesText +
            " for one tensor";
    return false;
  }
  return true;
}

} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_TENSORSIZE_H
