//===- KernelsAny.cpp - reference kernels of any element type -------------===//
//
// See KernelsAny.h. Elementwise kernels walk the broadcast output row by row
// (KernelsUtil.h's forEachRow); the index kernels (gather, gather_elements,
// trilu, nll_loss) walk their result in row-major order.
//
//===----------------------------------------------------------------------===//
#include "reference/KernelsAny.h"

#include "reference/KernelsUtil.h"

#include <cmath>
#include <limits>

namespace qc::ref {

using detail::invalid;

absl::StatusOr<CompareKind> parseCompareKind(std::string_view name) {
  if (name == "eq")
    return CompareKind::Eq;
  if (name == "lt")
    return CompareKind::Lt;
  if (name == "le")
    return CompareKind::Le;
  if (name == "gt")
    return CompareKind::Gt;
  if (name == "ge")
    return CompareKind::Ge;
  return invalid("compare", strCat("unknown predicate \"", name, "\""));
}

absl::StatusOr<LogicalKind> parseLogicalKind(std::string_view name) {
  if (name == "and")
    return LogicalKind::And;
  if (name == "or")
    return LogicalKind::Or;
  if (name == "xor")
    return LogicalKind::Xor;
  return invalid("logical", strCat("unknown kind \"", name, "\""));
}

absl::StatusOr<ArithKind> parseArithKind(std::string_view name) {
  static const std::pair<std::string_view, ArithKind> kinds[] = {
      {"add", ArithKind::Add}, {"sub", ArithKind::Sub},
      {"mul", ArithKind::Mul}, {"div", ArithKind::Div},
      {"mod", ArithKind::Mod}, {"fmod", ArithKind::Fmod},
      {"max", ArithKind::Max}, {"min", ArithKind::Min},
      {"pow", ArithKind::Pow}, {"shl", ArithKind::Shl},
      {"shr", ArithKind::Shr}};
  for (const auto &[n, k] : kinds)
    if (n == name)
      return k;
  return invalid("arith", strCat("unknown kind \"", name, "\""));
}

absl::StatusOr<Shape> broadcastShape(std::string_view op, const Shape &a,
                                     const Shape &b) {
  absl::StatusOr<Shape> out = broadcastShapes(a, b);
  if (!out.ok())
    return invalid(op, strCat("shapes ", shapeToString(a), " and ",
                              shapeToString(b), " do not broadcast"));
  return out;
}

namespace {

template <typename T> Shape shapeOfAny(const xt::xarray<T> &t) {
  return Shape(t.shape().begin(), t.shape().end());
}

template <typename T> xt::xarray<T> allocate(const Shape &shape) {
  return xt::xarray<T>::from_shape(
      std::vector<size_t>(shape.begin(), shape.end()));
}

/// out[i] = fn(a[i'], b[i']) over the broadcast of a and b; fn returns
/// absl::StatusOr<R> or R.
template <typename R, typename A, typename B, typename Fn>
absl::StatusOr<xt::xarray<R>> broadcastBinary(std::string_view op,
                                              const xt::xarray<A> &a,
                                              const xt::xarray<B> &b, Fn fn) {
  absl::StatusOr<Shape> shape = broadcastShape(op, shapeOfAny(a), shapeOfAny(b));
  if (!shape.ok())
    return shape.status();
  if (absl::Status st = reserveMemory(op, "result", *shape, sizeof(R));
      !st.ok())
    return st;
  xt::xarray<R> out = allocate<R>(*shape);
  std::array<std::vector<int64_t>, 2> strides = {
      detail::broadcastStrides(shapeOfAny(a), *shape),
      detail::broadcastStrides(shapeOfAny(b), *shape)};
  int64_t sa = shape->empty() ? 0 : strides[0].back();
  int64_t sb = shape->empty() ? 0 : strides[1].back();
  R *o = out.data();
  absl::Status status;
  detail::forEachRow<2>(*shape, strides,
                        [&](const std::array<int64_t, 2> &off, int64_t n) {
                          const A *pa = a.data() + off[0];
                          const B *pb = b.data() + off[1];
                          for (int64_t i = 0; i < n; ++i) {
                            if constexpr (std::is_same_v<
                                              decltype(fn(*pa, *pb)), R>) {
                              *o++ = fn(pa[i * sa], pb[i * sb]);
                            } else {
                              auto r = fn(pa[i * sa], pb[i * sb]);
                              if (!r.ok()) {
                                if (status.ok())
                                  status = r.status();
                                *o++ = R();
                                continue;
                              }
                              *o++ = *r;
                            }
                          }
                        });
  if (!status.ok())
    return status;
  return out;
}

template <typename T>
absl::StatusOr<QTensor> compareImpl(const xt::xarray<T> &a,
                                    const xt::xarray<T> &b, CompareKind kind) {
  return broadcastBinary<int32_t>("compare", a, b, [kind](T x, T y) {
    switch (kind) {
    case CompareKind::Eq:
      return static_cast<int32_t>(x == y);
    case CompareKind::Lt:
      return static_cast<int32_t>(x < y);
    case CompareKind::Le:
      return static_cast<int32_t>(x <= y);
    case CompareKind::Gt:
      return static_cast<int32_t>(x > y);
    case CompareKind::Ge:
      return static_cast<int32_t>(x >= y);
    }
    return 0;
  });
}

/// The value range of an integer type: [lo, hi] as int64 (an unsigned
/// 64-bit type is not an operand type of these kernels' callers).
uint64_t mask(int bits) {
  return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
}

} // namespace

absl::StatusOr<QTensor> compare(const I64Tensor &a, const I64Tensor &b,
                                CompareKind kind) {
  return compareImpl(a, b, kind);
}
absl::StatusOr<QTensor> compare(const F64Tensor &a, const F64Tensor &b,
                                CompareKind kind) {
  return compareImpl(a, b, kind);
}

absl::StatusOr<QTensor> logical(const QTensor &a, const QTensor &b,
                                LogicalKind kind) {
  return broadcastBinary<int32_t>("logical", a, b,
                                  [kind](int32_t x, int32_t y) {
                                    bool p = x != 0, q = y != 0;
                                    switch (kind) {
                                    case LogicalKind::And:
                                      return static_cast<int32_t>(p && q);
                                    case LogicalKind::Or:
                                      return static_cast<int32_t>(p || q);
                                    case LogicalKind::Xor:
                                      return static_cast<int32_t>(p != q);
                                    }
                                    return 0;
                                  });
}

QTensor logicalNot(const QTensor &x) {
  QTensor out = QTensor::from_shape(x.shape());
  for (size_t i = 0; i < x.size(); ++i)
    out.data()[i] = x.data()[i] == 0;
  return out;
}

absl::StatusOr<I64Tensor> arith(const I64Tensor &a, const I64Tensor &b,
                                ArithKind kind, int bits) {
  // Values are of the element type (unsigned 64-bit values are not taken);
  // sums, differences and products wrap modulo 2^64, which the narrowing to
  // the element type preserves.
  auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
  return broadcastBinary<int64_t>(
      "arith", a, b,
      [&](int64_t x, int64_t y) -> absl::StatusOr<int64_t> {
        uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
        switch (kind) {
        case ArithKind::Add:
          return wrap(ux + uy);
        case ArithKind::Sub:
          return wrap(ux - uy);
        case ArithKind::Mul:
          return wrap(ux * uy);
        case ArithKind::Div:
        case ArithKind::Mod:
        case ArithKind::Fmod: {
          if (y == 0)
            return invalid("arith", strCat("integer ",
                                           kind == ArithKind::Div ? "division"
                                                                  : "modulo",
                                           " of ", x, " by zero"));
          if (x == std::numeric_limits<int64_t>::min() && y == -1)
            return kind == ArithKind::Div ? x : 0; // wraps, as 2^63 does
          if (kind == ArithKind::Div)
            return x / y;
          int64_t r = x % y; // the dividend's sign
          if (kind == ArithKind::Mod && r != 0 && ((r < 0) != (y < 0)))
            r += y;
          return r;
        }
        case ArithKind::Max:
          return std::max(x, y);
        case ArithKind::Min:
          return std::min(x, y);
        case ArithKind::Pow: {
          if (y < 0)
            return invalid("arith", strCat("integer power ", x, " ^ ", y,
                                           " has a negative exponent"));
          uint64_t result = 1, base = ux;
          for (uint64_t e = static_cast<uint64_t>(y); e; e >>= 1) {
            if (e & 1)
              result *= base;
            base *= base;
          }
          return wrap(result);
        }
        case ArithKind::Shl:
        case ArithKind::Shr: {
          if (y < 0 || y >= bits)
            return int64_t(0);
          uint64_t v = ux & mask(bits);
          uint64_t r = kind == ArithKind::Shl ? (v << y) & mask(bits)
                                              : (v >> y);
          return wrap(r);
        }
        }
        return int64_t(0);
      });
}

absl::StatusOr<F64Tensor> arith(const F64Tensor &a, const F64Tensor &b,
                                ArithKind kind) {
  if (kind == ArithKind::Shl || kind == ArithKind::Shr)
    return invalid("arith", "shifts take integer operands");
  return broadcastBinary<double>("arith", a, b, [kind](double x, double y) {
    switch (kind) {
    case ArithKind::Add:
      return x + y;
    case ArithKind::Sub:
      return x - y;
    case ArithKind::Mul:
      return x * y;
    case ArithKind::Div:
      return x / y;
    case ArithKind::Fmod:
      return std::fmod(x, y);
    case ArithKind::Mod: {
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0)))
        r += y;
      return r;
    }
    case ArithKind::Max:
      return std::isnan(x) || std::isnan(y) ? std::nan("") : std::max(x, y);
    case ArithKind::Min:
      return std::isnan(x) || std::isnan(y) ? std::nan("") : std::min(x, y);
    case ArithKind::Pow:
      return std::pow(x, y);
    default:
      return 0.0;
    }
  });
}

template <typename T>
absl::StatusOr<xt::xarray<T>> select(const QTensor &cond,
                                     const xt::xarray<T> &a,
                                     const xt::xarray<T> &b) {
  absl::StatusOr<Shape> ab =
      broadcastShape("select", shapeOfAny(a), shapeOfAny(b));
  if (!ab.ok())
    return ab.status();
  absl::StatusOr<Shape> shape = broadcastShape("select", shapeOfAny(cond), *ab);
  if (!shape.ok())
    return shape.status();
  if (absl::Status st = reserveMemory("select", "result", *shape, sizeof(T));
      !st.ok())
    return st;
  xt::xarray<T> out = allocate<T>(*shape);
  std::array<std::vector<int64_t>, 3> strides = {
      detail::broadcastStrides(shapeOfAny(cond), *shape),
      detail::broadcastStrides(shapeOfAny(a), *shape),
      detail::broadcastStrides(shapeOfAny(b), *shape)};
  std::array<int64_t, 3> inner{};
  for (size_t k = 0; k < 3; ++k)
    inner[k] = shape->empty() ? 0 : strides[k].back();
  T *o = out.data();
  detail::forEachRow<3>(*shape, strides,
                        [&](const std::array<int64_t, 3> &off, int64_t n) {
                          for (int64_t i = 0; i < n; ++i)
                            *o++ = cond.data()[off[0] + i * inner[0]]
                                       ? a.data()[off[1] + i * inner[1]]
                                       : b.data()[off[2] + i * inner[2]];
                        });
  return out;
}

/// An index of `indices` normalized into [0, dim), or an error naming it.
static absl::StatusOr<int64_t> checkIndex(std::string_view op, int64_t index,
                                          int64_t dim, int64_t axis,
                                          size_t position) {
  if (index < -dim || index >= dim)
    return invalid(op, strCat("index ", index, " (element ", position,
                              " of the indices) is out of range for axis ",
                              axis, " of size ", dim));
  return index < 0 ? index + dim : index;
}

template <typename T>
absl::StatusOr<xt::xarray<T>> gather(const xt::xarray<T> &data,
                                     const I64Tensor &indices, int64_t axis) {
  Shape in = shapeOfAny(data);
  absl::StatusOr<Shape> gathered = gatherShape(in, shapeOfAny(indices), axis);
  if (!gathered.ok())
    return invalid("gather", gathered.status());
  const Shape &out = *gathered;
  int64_t rank = static_cast<int64_t>(in.size());
  int64_t a = axis < 0 ? axis + rank : axis; // in range: gatherShape checked
  if (absl::Status st = reserveMemory("gather", "result", out, sizeof(T));
      !st.ok())
    return st;
  int64_t outer = shapeNumElements(Shape(in.begin(), in.begin() + a));
  int64_t inner = shapeNumElements(Shape(in.begin() + a + 1, in.end()));
  int64_t dim = in[a];
  int64_t count = indices.size();
  std::vector<int64_t> norm(count);
  for (int64_t k = 0; k < count; ++k) {
    absl::StatusOr<int64_t> i =
        checkIndex("gather", indices.data()[k], dim, a, k);
    if (!i.ok())
      return i.status();
    norm[k] = *i;
  }
  xt::xarray<T> result = allocate<T>(out);
  T *o = result.data();
  for (int64_t p = 0; p < outer; ++p)
    for (int64_t k = 0; k < count; ++k) {
      const T *src = data.data() + (p * dim + norm[k]) * inner;
      o = std::copy(src, src + inner, o);
    }
  return result;
}

template <typename T>
absl::StatusOr<xt::xarray<T>> gatherElements(const xt::xarray<T> &data,
                                             const I64Tensor &indices,
                                             int64_t axis) {
  Shape in = shapeOfAny(data), idx = shapeOfAny(indices);
  if (in.size() != idx.size() || in.empty())
    return invalid("gather_elements",
                   strCat("indices ", shapeToString(idx),
                          " must have the rank of the input ",
                          shapeToString(in)));
  absl::StatusOr<int64_t> a =
      detail::normalizeAxis(axis, in.size(), "gather_elements");
  if (!a.ok())
    return a.status();
  for (size_t d = 0; d < in.size(); ++d)
    if (static_cast<int64_t>(d) != *a && idx[d] > in[d])
      return invalid("gather_elements",
                     strCat("indices ", shapeToString(idx),
                            " exceed the input ", shapeToString(in),
                            " along axis ", d));
  if (absl::Status st =
          reserveMemory("gather_elements", "result", idx, sizeof(T));
      !st.ok())
    return st;
  xt::xarray<T> result = allocate<T>(idx);
  std::vector<int64_t> inStrides = detail::rowMajorStrides(in);
  std::vector<int64_t> pos(idx.size(), 0);
  for (size_t k = 0; k < indices.size(); ++k) {
    absl::StatusOr<int64_t> i =
        checkIndex("gather_elements", indices.data()[k], in[*a], *a, k);
    if (!i.ok())
      return i.status();
    int64_t offset = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      offset += (static_cast<int64_t>(d) == *a ? *i : pos[d]) * inStrides[d];
    result.data()[k] = data.data()[offset];
    for (size_t d = idx.size(); d-- > 0;) {
      if (++pos[d] < idx[d])
        break;
      pos[d] = 0;
    }
  }
  return result;
}

template <typename T>
absl::StatusOr<xt::xarray<T>> trilu(const xt::xarray<T> &x, bool upper,
                                    int64_t k) {
  Shape shape = shapeOfAny(x);
  if (shape.size() < 2)
    return invalid("trilu", strCat("expects rank >= 2, got ",
                                   shapeToString(shape)));
  if (absl::Status st = reserveMemory("trilu", "result", shape, sizeof(T));
      !st.ok())
    return st;
  xt::xarray<T> out = x;
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  int64_t mats = shapeNumElements(shape) / std::max<int64_t>(rows * cols, 1);
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        // c - r compared with k in 128 bits: k may be any int64.
        __int128 diff = static_cast<__int128>(c) - r;
        bool keep = upper ? diff >= k : diff <= k;
        if (!keep)
          out.data()[(m * rows + r) * cols + c] = T(0);
      }
  return out;
}

absl::StatusOr<Tensor> nllLoss(const Tensor &input, const I64Tensor &target,
                               const Tensor *weight, std::string_view reduction,
                               std::optional<int64_t> ignoreIndex) {
  Shape in = shapeOf(input), t = shapeOfAny(target);
  if (in.size() < 2 || t.size() != in.size() - 1 || t[0] != in[0])
    return invalid("nll_loss", strCat("input ", shapeToString(in),
                                      " and target ", shapeToString(t),
                                      " do not fit (N, C, d...) and (N, d...)"));
  for (size_t i = 1; i < t.size(); ++i)
    if (t[i] != in[i + 1])
      return invalid("nll_loss", strCat("input ", shapeToString(in),
                                        " and target ", shapeToString(t),
                                        " do not fit (N, C, d...) and (N, d...)"));
  int64_t n = in[0], c = in[1];
  int64_t d = shapeNumElements(Shape(in.begin() + 2, in.end()));
  if (weight && (weight->dimension() != 1 ||
                 static_cast<int64_t>(weight->size()) != c))
    return invalid("nll_loss", strCat("weight must have ", c, " entries"));
  if (absl::Status st = reserveMemory("nll_loss", "result", t, sizeof(float));
      !st.ok())
    return st;
  Tensor loss = Tensor::from_shape(target.shape());
  double sum = 0, weightSum = 0;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t j = 0; j < d; ++j) {
      int64_t k = b * d + j;
      int64_t cls = target.data()[k];
      if (ignoreIndex && cls == *ignoreIndex) {
        loss.data()[k] = 0.0f;
        continue;
      }
      if (cls < 0 || cls >= c)
        return invalid("nll_loss",
                       strCat("target ", cls, " (element ", k,
                              ") is not a class index in [0, ", c, ")"));
      float w = weight ? weight->data()[cls] : 1.0f;
      float v = -input.data()[(b * c + cls) * d + j] * w;
      loss.data()[k] = v;
      sum += v;
      weightSum += w;
    }
  if (reduction == "none")
    return loss;
  Tensor result = Tensor::from_shape(std::vector<size_t>{});
  if (reduction == "sum")
    result() = static_cast<float>(sum);
  else if (reduction == "mean")
    result() = static_cast<float>(sum / weightSum);
  else
    return invalid("nll_loss", strCat("unknown reduction \"", reduction, "\""));
  return result;
}

#define QC_INSTANTIATE(T)                                                      \
  template absl::StatusOr<xt::xarray<T>> select(                               \
      const QTensor &, const xt::xarray<T> &, const xt::xarray<T> &);          \
  template absl::StatusOr<xt::xarray<T>> gather(                               \
      const xt::xarray<T> &, const I64Tensor &, int64_t);                      \
  template absl::StatusOr<xt::xarray<T>> gatherElements(                       \
      const xt::xarray<T> &, const I64Tensor &, int64_t);                      \
  template absl::StatusOr<xt::xarray<T>> trilu(const xt::xarray<T> &, bool,    \
                                               int64_t);
QC_INSTANTIATE(float)
QC_INSTANTIATE(double)
QC_INSTANTIATE(int32_t)
QC_INSTANTIATE(int64_t)
#undef QC_INSTANTIATE

} // namespace qc::ref
