//===- Shapes.cpp - Output shapes of the reference ops --------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/Shapes.h"

#include "support/StrCat.h"
#include "absl/strings/str_join.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc {

std::string shapeToString(const Shape &shape) {
  return strCat("(",
                absl::StrJoin(shape, ", ",
                              [](std::string *out, int64_t d) {
                                absl::StrAppend(out, d == kDynamicDim
                                                         ? std::string("?")
                                                         : std::to_string(d));
                              }),
                ")");
}

int64_t shapeNumElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

absl::Status invalid(std::string_view op, std::string_view message) {
  return absl::InvalidArgumentError(strCat(op, ": ", message));
}

template <size_t N>
std::string arrayToString(const std::array<int64_t, N> &values) {
  return strCat("[", absl::StrJoin(values, ", "), "]");
}

absl::Status checkNonNegative(std::string_view op, const Shape &shape,
                              std::string_view what) {
  for (int64_t d : shape)
    if (d < 0)
      return invalid(op, strCat(what, " has a negative dimension: ",
                                      shapeToString(shape)));
  return absl::OkStatus();
}

template <size_t N>
absl::Status checkAtLeast(std::string_view op, const std::array<int64_t, N> &v,
                          int64_t min, std::string_view what) {
  for (int64_t x : v)
    if (x < min)
      return invalid(op, strCat(what, " must be >= ", min, ", got ",
                                      arrayToString(v)));
  return absl::OkStatus();
}

/// Strides and dilations >= 1, pads >= 0: the window attributes of a conv
/// or pool (Conv2dAttrs, Pool2dAttrs).
template <typename Attrs>
absl::Status checkWindow(std::string_view op, const Attrs &attrs) {
  if (absl::Status s = checkAtLeast(op, attrs.strides, 1, "strides"); !s.ok())
    return s;
  if (absl::Status s = checkAtLeast(op, attrs.dilations, 1, "dilations");
      !s.ok())
    return s;
  return checkAtLeast(op, attrs.pads, 0, "pads");
}

} // namespace

absl::StatusOr<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if ((da < 0 && da != kDynamicDim) || (db < 0 && db != kDynamicDim))
      return invalid("broadcast", strCat("negative dimension in ",
                                               shapeToString(a), " or ",
                                               shapeToString(b)));
    if (da == kDynamicDim || db == kDynamicDim) {
      // As MLIR's getBroadcastedShape (and TensorFlow): a known size > 1
      // wins, assuming the other broadcasts to it; a 1 gives the other.
      out[i] = da > 1    ? da
               : db > 1  ? db
               : da == 1 ? db
               : db == 1 ? da
                         : kDynamicDim;
      continue;
    }
    if (da != db && da != 1 && db != 1)
      return invalid("broadcast",
                     strCat("shapes ", shapeToString(a), " and ",
                                  shapeToString(b),
                                  " are not broadcastable (dimension ", i,
                                  ": ", da, " vs ", db, ")"));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

absl::Status checkUnidirectionalBroadcast(const Shape &from, const Shape &to,
                                          std::string_view op,
                                          std::string_view what) {
  bool ok = from.size() <= to.size();
  for (size_t i = 0; ok && i < from.size(); ++i) {
    int64_t d = from[from.size() - 1 - i];
    ok = d == 1 || d == to[to.size() - 1 - i];
  }
  if (!ok)
    return invalid(op, strCat(what, " of shape ", shapeToString(from),
                                    " does not broadcast to ",
                                    shapeToString(to)));
  return absl::OkStatus();
}

namespace {

using Wide = __int128;

/// \p v as an int64, or std::numeric_limits<int64_t>::max() when it does not
/// fit (a size no tensor can have, which later size checks reject).
int64_t saturate(Wide v) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (v > kMax)
    return kMax;
  if (v < -kMax)
    return -kMax;
  return static_cast<int64_t>(v);
}

} // namespace

WindowExtent windowExtent(int64_t in, int64_t kernel, int64_t stride,
                          int64_t padBegin, int64_t padEnd, int64_t dilation,
                          bool ceilMode) {
  constexpr Wide kMax = std::numeric_limits<int64_t>::max();
  // In 128 bits: attributes verified positive may still be huge.
  Wide padded = Wide(in) + padBegin + padEnd;
  Wide window = Wide(dilation) * (Wide(kernel) - 1) + 1;
  WindowExtent extent;
  extent.overflow = padded > kMax || padded < -kMax || window > kMax ||
                    window < -kMax;
  Wide span = padded - window;
  if (span < 0 || stride < 1)
    return extent;
  Wide out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // The last window must start inside the input or the begin padding.
  if (ceilMode && (out - 1) * stride >= Wide(in) + padBegin)
    --out;
  extent.fits = true;
  extent.size = saturate(out);
  return extent;
}

int64_t pooledDimSize(int64_t in, int64_t kernel, int64_t stride,
                      int64_t padBegin, int64_t padEnd, int64_t dilation,
                      bool ceilMode) {
  WindowExtent extent =
      windowExtent(in, kernel, stride, padBegin, padEnd, dilation, ceilMode);
  return extent.fits ? extent.size : -1;
}

/// The checks conv2d and convTranspose2d share: 4-D input and weight (the
/// weight's layout named in the message), no negative dimension, groups,
/// strides and dilations >= 1, pads >= 0, a kernel of at least 1x1.
template <typename ConvAttrs>
absl::Status checkConvOperands(std::string_view op, const Shape &x,
                               const Shape &w, std::string_view weightLayout,
                               const ConvAttrs &attrs) {
  if (x.size() != 4)
    return invalid(op, strCat("input must be 4-D NCHW, got shape ",
                              shapeToString(x)));
  if (w.size() != 4)
    return invalid(op, strCat("weight must be 4-D ", weightLayout,
                              ", got shape ", shapeToString(w)));
  if (absl::Status s = checkNonNegative(op, x, "input"); !s.ok())
    return s;
  if (absl::Status s = checkNonNegative(op, w, "weight"); !s.ok())
    return s;
  if (attrs.groups < 1)
    return invalid(op, strCat("groups must be >= 1, got ", attrs.groups));
  if (absl::Status s = checkWindow(op, attrs); !s.ok())
    return s;
  if (w[2] < 1 || w[3] < 1)
    return invalid(op, strCat("kernel size must be >= 1, weight shape ",
                              shapeToString(w)));
  return absl::OkStatus();
}

absl::StatusOr<Shape> conv2dOutputShape(const Shape &x, const Shape &w,
                                        const Conv2dAttrs &attrs) {
  constexpr std::string_view op = "conv2d";
  if (absl::Status s = checkConvOperands(op, x, w, "(C_out, C_in/groups, kH, kW)",
                                         attrs);
      !s.ok())
    return s;
  if (Wide(x[1]) != Wide(w[1]) * attrs.groups)
    return invalid(op, strCat("input has ", x[1],
                                    " channels but weight shape ",
                                    shapeToString(w), " with groups=",
                                    attrs.groups, " expects ",
                                    saturate(Wide(w[1]) * attrs.groups)));
  if (w[0] % attrs.groups != 0)
    return invalid(op, strCat("output channels (", w[0],
                                    ") are not divisible by groups (",
                                    attrs.groups, ")"));
  Shape out{x[0], w[0], 0, 0};
  for (int i = 0; i < 2; ++i) {
    out[2 + i] =
        pooledDimSize(x[2 + i], w[2 + i], attrs.strides[i], attrs.pads[i],
                      attrs.pads[2 + i], attrs.dilations[i], false);
    if (out[2 + i] < 1)
      return invalid(op, strCat("padded input ", shapeToString(x),
                                      " with pads ", arrayToString(attrs.pads),
                                      " is smaller than the dilated kernel ",
                                      shapeToString(w)));
  }
  return out;
}

absl::StatusOr<Shape>
convTranspose2dOutputShape(const Shape &x, const Shape &w,
                           const ConvTranspose2dAttrs &attrs) {
  constexpr std::string_view op = "convTranspose2d";
  if (absl::Status s = checkConvOperands(op, x, w, "(C_in, C_out/groups, kH, kW)",
                                         attrs);
      !s.ok())
    return s;
  if (absl::Status s = checkAtLeast(op, attrs.outputPadding, 0,
                                    "output_padding");
      !s.ok())
    return s;
  if (x[1] != w[0])
    return invalid(op, strCat("input has ", x[1],
                                    " channels but weight shape ",
                                    shapeToString(w), " expects ", w[0]));
  if (w[0] % attrs.groups != 0)
    return invalid(op, strCat("input channels (", w[0],
                                    ") are not divisible by groups (",
                                    attrs.groups, ")"));
  for (int i = 0; i < 2; ++i)
    if (attrs.outputPadding[i] >= attrs.strides[i] &&
        attrs.outputPadding[i] >= attrs.dilations[i])
      return invalid(op, strCat("output_padding ",
                                      arrayToString(attrs.outputPadding),
                                      " must be smaller than the stride or "
                                      "the dilation"));
  Shape out{x[0], saturate(Wide(w[1]) * attrs.groups), 0, 0};
  for (int i = 0; i < 2; ++i) {
    // In 128 bits: attributes verified positive may still be huge.
    out[2 + i] = saturate(Wide(attrs.strides[i]) * (x[2 + i] - 1) +
                          attrs.outputPadding[i] +
                          Wide(attrs.dilations[i]) * (w[2 + i] - 1) + 1 -
                          attrs.pads[i] - attrs.pads[2 + i]);
    if (x[2 + i] < 1 || out[2 + i] < 1)
      return invalid(op, strCat("input ", shapeToString(x),
                                      " with weight ", shapeToString(w),
                                      " and pads ", arrayToString(attrs.pads),
                                      " gives an empty output"));
  }
  return out;
}

AvgPoolWindow avgPoolWindow(int64_t h, int64_t w, const Pool2dAttrs &attrs,
                            bool countIncludePad, int64_t oy, int64_t ox) {
  int64_t y0 = oy * attrs.strides[0] - attrs.pads[0];
  int64_t x0 = ox * attrs.strides[1] - attrs.pads[1];
  int64_t y1Pad = std::min(y0 + attrs.kernel[0], h + attrs.pads[2]);
  int64_t x1Pad = std::min(x0 + attrs.kernel[1], w + attrs.pads[3]);
  AvgPoolWindow win;
  win.ys = std::max<int64_t>(y0, 0);
  win.ye = std::min(y0 + attrs.kernel[0], h);
  win.xs = std::max<int64_t>(x0, 0);
  win.xe = std::min(x0 + attrs.kernel[1], w);
  win.count = countIncludePad ? (y1Pad - y0) * (x1Pad - x0)
                              : (win.ye - win.ys) * (win.xe - win.xs);
  return win;
}

absl::StatusOr<Shape> pool2dOutputShape(const Shape &x,
                                        const Pool2dAttrs &attrs) {
  constexpr std::string_view op = "pool2d";
  if (x.size() != 4)
    return invalid(op, strCat("input must be 4-D NCHW, got shape ",
                                    shapeToString(x)));
  if (absl::Status s = checkNonNegative(op, x, "input"); !s.ok())
    return s;
  if (absl::Status s = checkAtLeast(op, attrs.kernel, 1, "kernel_shape");
      !s.ok())
    return s;
  if (absl::Status s = checkWindow(op, attrs); !s.ok())
    return s;
  Shape out{x[0], x[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t extent = attrs.dilations[i] * (attrs.kernel[i] - 1) + 1;
    if (attrs.pads[i] >= extent || attrs.pads[2 + i] >= extent)
      return invalid(op, strCat("pads ", arrayToString(attrs.pads),
                                      " must be smaller than the kernel ",
                                      arrayToString(attrs.kernel)));
    out[2 + i] = pooledDimSize(x[2 + i], attrs.kernel[i], attrs.strides[i],
                               attrs.pads[i], attrs.pads[2 + i],
                               attrs.dilations[i], attrs.ceilMode);
    if (out[2 + i] < 1)
      return invalid(op, strCat("padded input ", shapeToString(x),
                                      " is smaller than the kernel ",
                                      arrayToString(attrs.kernel)));
  }
  return out;
}

absl::StatusOr<Reduction> reductionShape(const Shape &x,
                                         const std::vector<int64_t> &axes,
                                         bool keepdims) {
  int64_t rank = static_cast<int64_t>(x.size());
  Reduction r;
  r.reduced.assign(rank, axes.empty());
  for (int64_t axis : axes) {
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      return absl::InvalidArgumentError(
          strCat("axis ", axis, " is out of range for rank ", rank,
                 " (expected ", -rank, " <= axis < ", rank, ")"));
    if (r.reduced[a])
      return absl::InvalidArgumentError(strCat("axis ", axis, " is repeated"));
    r.reduced[a] = true;
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (!r.reduced[d])
      r.shape.push_back(x[d]);
    else if (keepdims)
      r.shape.push_back(1);
  }
  return r;
}

absl::StatusOr<Shape> matmulOutputShape(const Shape &a, const Shape &b) {
  constexpr std::string_view op = "matmul";
  if (a.empty() || b.empty())
    return invalid(op, strCat("operands must have rank >= 1, got ",
                                    shapeToString(a), " and ",
                                    shapeToString(b)));
  if (absl::Status s = checkNonNegative(op, a, "first operand"); !s.ok())
    return s;
  if (absl::Status s = checkNonNegative(op, b, "second operand"); !s.ok())
    return s;
  Shape a2 = a, b2 = b;
  if (a2.size() == 1)
    a2.insert(a2.begin(), 1);
  if (b2.size() == 1)
    b2.push_back(1);
  int64_t k1 = a2.back(), k2 = b2[b2.size() - 2];
  if (k1 != k2)
    return invalid(op, strCat("inner dimensions differ: ",
                                    shapeToString(a), " x ", shapeToString(b),
                                    " (", k1, " vs ", k2, ")"));
  Shape batchA(a2.begin(), a2.end() - 2), batchB(b2.begin(), b2.end() - 2);
  absl::StatusOr<Shape> batch = broadcastShapes(batchA, batchB);
  if (!batch.ok())
    return invalid(op, strCat("batch dimensions of ", shapeToString(a),
                                    " and ", shapeToString(b),
                                    " do not broadcast"));
  Shape out = *batch;
  if (a.size() > 1)
    out.push_back(a2[a2.size() - 2]);
  if (b.size() > 1)
    out.push_back(b2.back());
  return out;
}

absl::StatusOr<Shape> gemmOutputShape(const Shape &a, const Shape &b,
                                      bool transA, bool transB) {
  constexpr std::string_view op = "gemm";
  if (a.size() != 2 || b.size() != 2)
    return invalid(op, strCat("A and B must be 2-D, got ",
                                    shapeToString(a), " and ",
                                    shapeToString(b)));
  if (absl::Status s = checkNonNegative(op, a, "A"); !s.ok())
    return s;
  if (absl::Status s = checkNonNegative(op, b, "B"); !s.ok())
    return s;
  int64_t m = transA ? a[1] : a[0], ka = transA ? a[0] : a[1];
  int64_t kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (ka != kb)
    return invalid(op, strCat("inner dimensions differ: A ",
                                    shapeToString(a),
                                    transA ? " (transposed)" : "", " and B ",
                                    shapeToString(b),
                                    transB ? " (transposed)" : "", " (", ka,
                                    " vs ", kb, ")"));
  return Shape{m, n};
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

namespace {

bool isDynamicDim(int64_t d) { return d == kDynamicDim; }

std::string listToString(const std::vector<int64_t> &values) {
  return strCat("[", absl::StrJoin(values, ", "), "]");
}

/// \p axis normalized into [0, rank) (or [0, rank] with \p inclusive).
absl::StatusOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                      bool inclusive = false) {
  int64_t bound = inclusive ? rank + 1 : rank;
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= bound)
    return absl::InvalidArgumentError(
        strCat("axis ", axis, " is out of range for rank ", rank,
               " (expected ", -rank, " <= axis ", inclusive ? "<= " : "< ",
               rank, ")"));
  return a;
}

} // namespace

absl::StatusOr<SliceAxis> sliceAxis(int64_t dim, int64_t start, int64_t end,
                                    int64_t step) {
  if (step == 0)
    return absl::InvalidArgumentError("step must not be 0");
  if (dim < 0)
    return absl::InvalidArgumentError(
        strCat("dimension size ", dim, " is negative"));
  SliceAxis r;
  if (dim == 0) // nothing to take, and no valid index to clamp to
    return r;
  auto clamp = [dim](int64_t v, int64_t lo, int64_t hi) {
    return std::clamp(v < 0 ? v + dim : v, lo, hi);
  };
  // ceil(distance / |step|) for a positive distance, in unsigned arithmetic
  // so that |INT64_MIN| does not overflow.
  auto count = [](int64_t distance, uint64_t stride) -> int64_t {
    if (distance <= 0)
      return 0;
    return static_cast<int64_t>((static_cast<uint64_t>(distance) - 1) / stride +
                                1);
  };
  if (step > 0) {
    r.start = clamp(start, 0, dim);
    r.end = clamp(end, 0, dim);
    r.count = count(r.end - r.start, static_cast<uint64_t>(step));
  } else {
    r.start = clamp(start, 0, dim - 1);
    r.end = clamp(end, -1, dim - 1);
    r.count = count(r.start - r.end, 0 - static_cast<uint64_t>(step));
  }
  return r;
}

absl::StatusOr<Shape> flattenShape(const Shape &x, int64_t axis) {
  absl::StatusOr<int64_t> a =
      normalizeAxis(axis, static_cast<int64_t>(x.size()), /*inclusive=*/true);
  if (!a.ok())
    return a.status();
  auto product = [&](size_t from, size_t to) -> absl::StatusOr<int64_t> {
    int64_t p = 1;
    bool unknown = false;
    for (size_t i = from; i < to; ++i) {
      if (isDynamicDim(x[i]))
        unknown = true;
      else if (__builtin_mul_overflow(p, x[i], &p))
        return absl::InvalidArgumentError(
            strCat("shape ", shapeToString(x),
                   " has more elements than an int64 holds"));
    }
    return unknown ? kDynamicDim : p;
  };
  absl::StatusOr<int64_t> outer = product(0, *a);
  if (!outer.ok())
    return outer.status();
  absl::StatusOr<int64_t> inner = product(*a, x.size());
  if (!inner.ok())
    return inner.status();
  return Shape{*outer, *inner};
}

absl::StatusOr<Shape> transposeShape(const Shape &x,
                                     const std::vector<int64_t> &perm) {
  int64_t rank = static_cast<int64_t>(x.size());
  std::vector<bool> seen(rank, false);
  Shape out;
  bool ok = static_cast<int64_t>(perm.size()) == rank;
  for (size_t i = 0; ok && i < perm.size(); ++i) {
    int64_t p = perm[i];
    ok = p >= 0 && p < rank && !seen[p];
    if (ok) {
      seen[p] = true;
      out.push_back(x[p]);
    }
  }
  if (!ok)
    return absl::InvalidArgumentError(
        strCat("perm ", listToString(perm), " is not a permutation of [0, ",
               rank, ")"));
  return out;
}

absl::StatusOr<Shape> concatShape(const std::vector<Shape> &inputs,
                                  int64_t axis) {
  if (inputs.empty())
    return absl::InvalidArgumentError("needs at least one input");
  Shape out = inputs.front();
  int64_t rank = static_cast<int64_t>(out.size());
  absl::StatusOr<int64_t> a = normalizeAxis(axis, rank);
  if (!a.ok())
    return a.status();
  for (size_t n = 1; n < inputs.size(); ++n) {
    const Shape &t = inputs[n];
    if (static_cast<int64_t>(t.size()) != rank)
      return absl::InvalidArgumentError(strCat(
          "input ", n, " has rank ", t.size(), ", expected ", rank));
    for (int64_t i = 0; i < rank; ++i) {
      if (i == *a) {
        if (isDynamicDim(out[i]) || isDynamicDim(t[i]))
          out[i] = kDynamicDim;
        else if (__builtin_add_overflow(out[i], t[i], &out[i]))
          return absl::InvalidArgumentError(
              strCat("the concatenated dimension ", i,
                     " overflows 64-bit sizes"));
      } else if (!isDynamicDim(out[i]) && !isDynamicDim(t[i]) &&
                 out[i] != t[i]) {
        return absl::InvalidArgumentError(
            strCat("input ", n, " has size ", t[i], " in dimension ", i,
                   ", expected ", out[i], " (only the concat axis ", *a,
                   " may differ)"));
      } else if (isDynamicDim(out[i])) {
        out[i] = t[i];
      }
    }
  }
  return out;
}

absl::StatusOr<Shape> gatherShape(const Shape &x, const Shape &indices,
                                  int64_t axis) {
  if (x.empty())
    return absl::InvalidArgumentError("the input must have rank >= 1");
  absl::StatusOr<int64_t> a =
      normalizeAxis(axis, static_cast<int64_t>(x.size()));
  if (!a.ok())
    return a.status();
  Shape out(x.begin(), x.begin() + *a);
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), x.begin() + *a + 1, x.end());
  return out;
}

absl::StatusOr<Shape> padShape(const Shape &x,
                               const std::vector<int64_t> &pads) {
  size_t rank = x.size();
  if (pads.size() != 2 * rank)
    return absl::InvalidArgumentError(strCat(
        "'pads' must have ", 2 * rank, " entries, got ", pads.size()));
  Shape out(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[rank + d];
    if (isDynamicDim(x[d])) {
      out[d] = kDynamicDim;
      continue;
    }
    if (__builtin_add_overflow(x[d], begin, &out[d]) ||
        __builtin_add_overflow(out[d], end, &out[d]))
      return absl::InvalidArgumentError(
          strCat("pads ", begin, " and ", end, " of dimension ", d,
                 " overflow 64-bit sizes"));
    if (out[d] < 0)
      return absl::InvalidArgumentError(
          strCat("pads ", begin, " and ", end, " crop dimension ", d,
                 " of size ", x[d], " below zero"));
  }
  return out;
}

absl::StatusOr<Shape> globalPoolShape(const Shape &x) {
  if (x.size() < 3)
    return absl::InvalidArgumentError(
        strCat("input must have rank >= 3 (N, C, d1, ...), got shape ",
               shapeToString(x)));
  Shape out(x.size(), 1);
  out[0] = x[0];
  out[1] = x[1];
  return out;
}

absl::StatusOr<int64_t> resizedDimSize(int64_t in, float scale) {
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return absl::InvalidArgumentError(
        strCat("scale ", scale, " must be positive and finite"));
  if (in < 0)
    return absl::InvalidArgumentError(
        strCat("dimension size ", in, " is negative"));
  float scaled = std::floor(static_cast<float>(in) * scale);
  if (!(scaled < 0x1p62f))
    return absl::InvalidArgumentError(
        strCat("scaling ", in, " by ", scale, " overflows 64-bit sizes"));
  return static_cast<int64_t>(scaled);
}

} // namespace qc
