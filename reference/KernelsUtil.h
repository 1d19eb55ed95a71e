//===- KernelsUtil.h - Helpers shared by the reference kernels --*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Internal to reference/: error helpers, shape/stride utilities and
/// an N-d index counter used by the kernel implementations.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_EXECUTOR_KERNELSUTIL_H
#define QC_COMPILER_EXECUTOR_KERNELSUTIL_H

#include "reference/Kernels.h"
#include "support/MemoryLimit.h"

#include "support/StrCat.h"
#include "absl/strings/str_join.h"

#include <cmath>
#include <utility>
#include <vector>

namespace qc::ref::detail {

inline absl::Status invalid(std::string_view op, std::string_view message) {
  return absl::InvalidArgumentError(strCat(op, ": ", message));
}

/// A support/Shapes.h rule's error (a message without an op name), named for
/// \p op.
inline absl::Status invalid(std::string_view op, const absl::Status &rule) {
  return invalid(op, std::string_view(rule.message().data(),
                                      rule.message().size()));
}

inline std::string listToString(const std::vector<int64_t> &values) {
  return strCat("[", absl::StrJoin(values, ", "), "]");
}

/// Checks, before a kernel allocates it, that a result of \p shape (4-byte
/// elements: float or int32) fits the memory cap and that its size does not
/// overflow (see MemoryLimit.h).
inline absl::Status reserveResult(std::string_view op, const Shape &shape) {
  return reserveMemory(op, "result", shape, 4);
}

/// A tensor of \p shape with unspecified contents (callers overwrite every
/// element).
inline Tensor uninitialized(const Shape &shape) {
  return Tensor::from_shape(std::vector<size_t>(shape.begin(), shape.end()));
}

inline QTensor uninitializedQ(const Shape &shape) {
  return QTensor::from_shape(std::vector<size_t>(shape.begin(), shape.end()));
}

/// Row-major strides (in elements) of \p shape.
inline std::vector<int64_t> rowMajorStrides(const Shape &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

/// Normalizes a possibly negative \p axis into [0, rank).
/// The range of `n` values at `p` for run-time qparams, which need finite
/// values: an error names the first NaN / Inf by its index (`first` + i in
/// the whole input).
inline absl::StatusOr<std::pair<float, float>>
finiteRange(const float *p, int64_t n, int64_t first, std::string_view op) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(p[i]))
      return invalid(op, strCat("element ", first + i, " of the input is ",
                                std::isnan(p[i]) ? "NaN"
                                : p[i] > 0       ? "+Inf"
                                                 : "-Inf",
                                "; run-time qparams need finite values"));
    if (i == 0 || p[i] < lo)
      lo = p[i];
    if (i == 0 || p[i] > hi)
      hi = p[i];
  }
  return std::make_pair(lo, hi);
}

inline absl::StatusOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                             std::string_view op) {
  if (axis < -rank || axis >= rank)
    return invalid(op, strCat("axis ", axis, " is out of range for a "
                                                   "tensor of rank ",
                                    rank));
  return axis < 0 ? axis + rank : axis;
}

/// Checks that \p t is a 1-D tensor of \p size elements.
inline absl::Status check1d(const Tensor &t, int64_t size, std::string_view op,
                            std::string_view what) {
  if (t.dimension() != 1 || static_cast<int64_t>(t.size()) != size)
    return invalid(op, strCat(what, " must be 1-D of size ", size,
                                    ", got shape ",
                                    shapeToString(shapeOf(t))));
  return absl::OkStatus();
}

/// Calls fn(offsetA, offsetB, ..., count) over the innermost dimension of
/// \p shape for every index of the outer dimensions, where each operand
/// advances by its own strides (0 for broadcast dimensions). offsets are in
/// elements; innerStrides[k] is operand k's stride along the last dimension.
template <size_t N, typename Fn>
void forEachRow(const Shape &shape,
                const std::array<std::vector<int64_t>, N> &strides, Fn fn) {
  int64_t total = shapeNumElements(shape);
  if (total == 0)
    return;
  if (shape.empty()) {
    std::array<int64_t, N> offsets{};
    fn(offsets, int64_t(1));
    return;
  }
  size_t rank = shape.size();
  int64_t inner = shape.back();
  std::vector<int64_t> index(rank, 0);
  std::array<int64_t, N> offsets{};
  int64_t rows = total / inner;
  for (int64_t r = 0; r < rows; ++r) {
    fn(offsets, inner);
    // Advance the outer index (dimensions [0, rank - 1)).
    for (size_t d = rank - 1; d-- > 0;) {
      ++index[d];
      for (size_t k = 0; k < N; ++k)
        offsets[k] += strides[k][d];
      if (index[d] < shape[d])
        break;
      for (size_t k = 0; k < N; ++k)
        offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}

/// Strides of an operand of \p shape broadcast to \p outShape (0 along
/// broadcast dimensions); \p shape must broadcast to \p outShape.
inline std::vector<int64_t> broadcastStrides(const Shape &shape,
                                             const Shape &outShape) {
  std::vector<int64_t> own = rowMajorStrides(shape);
  std::vector<int64_t> out(outShape.size(), 0);
  size_t shift = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    out[i + shift] = shape[i] == 1 ? 0 : own[i];
  return out;
}

} // namespace qc::ref::detail

#endif // QC_COMPILER_EXECUTOR_KERNELSUTIL_H
