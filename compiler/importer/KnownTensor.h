//===- KnownTensor.h - values the importer knows at import time -*- C++ -*-===//
//
// Exporters compute shapes with small sub-graphs (Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape, ConstantOfShape, Range, ...). The importer
// evaluates them while it reads the graph, on KnownTensors: small int64 /
// float / bool tensors held as plain vectors. An integer element may be
// *unknown* when it stands for a dynamic dimension (Shape of a tensor with a
// `?`); such elements propagate through the folds and are remembered with
// the dimension they came from, so Reshape can still resolve `x.view(x.size(0),
// -1)` on a dynamic batch.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_IMPORTER_KNOWNTENSOR_H
#define QC_COMPILER_IMPORTER_KNOWNTENSOR_H

#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qc::importer {

/// Largest tensor the importer evaluates at import time (shape values,
/// scalars, small constants); bigger ones stay IR constants.
constexpr int64_t kMaxKnownElements = 1 << 16;

/// The number of elements of `shape`; INT64_MAX when it overflows or a
/// dimension is negative (dynamic).
int64_t elementCount(ArrayRef<int64_t> shape);

/// Where an unknown integer element came from: dimension `dim` of `source`.
/// A null source means the element was computed from unknown values.
struct DimOrigin {
  Value source;
  int64_t dim = -1;
  bool operator==(const DimOrigin &o) const {
    return source == o.source && dim == o.dim;
  }
};

/// A tensor whose value (or, for integers, part of it) is known while the
/// model is imported.
struct KnownTensor {
  enum class Kind { Int, Float, Bool };
  Kind kind = Kind::Int;
  SmallVector<int64_t> shape;
  /// Int and Bool elements (Bool as 0 / 1).
  std::vector<int64_t> ints;
  /// Float elements (computed in double; materialized as f32).
  std::vector<double> floats;
  /// Int and Bool only: `unknown[i]` is set when element i is not known;
  /// `origins[i]` says where it came from. Both empty when all are known.
  std::vector<bool> unknown;
  std::vector<DimOrigin> origins;

  int64_t numElements() const;
  bool isFloat() const { return kind == Kind::Float; }
  bool isFullyKnown() const;
  bool isUnknown(int64_t i) const { return !unknown.empty() && unknown[i]; }
  /// Element i as a double (ints converted).
  double asDouble(int64_t i) const;
  /// Element i as an integer (floats truncated toward zero).
  int64_t asInt(int64_t i) const;

  static KnownTensor ofInts(ArrayRef<int64_t> shape,
                            std::vector<int64_t> values);
  static KnownTensor ofFloats(ArrayRef<int64_t> shape,
                              std::vector<double> values);
  /// A 1-D int64 tensor.
  static KnownTensor vector(ArrayRef<int64_t> values);
  /// Marks element i as unknown, remembering `origin`.
  void setUnknown(int64_t i, DimOrigin origin);
  /// The same elements viewed with another shape of equal element count.
  KnownTensor reshaped(ArrayRef<int64_t> newShape) const;
};

/// The folds below return failure and set `error` (a sentence, no node
/// name) when the operands do not fit.
enum class BinaryFold { Add, Sub, Mul, Div, Pow, Equal };

/// Numpy-style broadcast of two shapes; failure if they do not broadcast.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);

FailureOr<KnownTensor> foldBinary(BinaryFold op, const KnownTensor &a,
                                  const KnownTensor &b, std::string &error);
FailureOr<KnownTensor> foldWhere(const KnownTensor &cond, const KnownTensor &x,
                                 const KnownTensor &y, std::string &error);
/// Broadcasts `a` to `shape` (ONNX Expand: the result shape is the
/// broadcast of both).
FailureOr<KnownTensor> foldExpand(const KnownTensor &a, ArrayRef<int64_t> shape,
                                  std::string &error);
FailureOr<KnownTensor> foldGather(const KnownTensor &data,
                                  const KnownTensor &indices, int64_t axis,
                                  std::string &error);
/// ONNX Slice; `axes` already normalized and `starts/ends/steps` as given.
FailureOr<KnownTensor> foldSlice(const KnownTensor &data,
                                 ArrayRef<int64_t> starts,
                                 ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                                 ArrayRef<int64_t> steps, std::string &error);
FailureOr<KnownTensor> foldConcat(ArrayRef<const KnownTensor *> inputs,
                                  int64_t axis, std::string &error);
FailureOr<KnownTensor> foldTranspose(const KnownTensor &data,
                                     ArrayRef<int64_t> perm,
                                     std::string &error);
/// ONNX Cast to data type `to` (an OnnxDataType value).
FailureOr<KnownTensor> foldCast(const KnownTensor &data, int32_t to,
                                std::string &error);

} // namespace mlir::qc::importer

#endif // QC_COMPILER_IMPORTER_KNOWNTENSOR_H
