//===- KernelsReduce.cpp - Reductions and ArgMax / ArgMin -----------------===//
//
// ONNX Reduce{Max,Min,Sum,Prod,SumSquare,L1,L2,LogSum,LogSumExp} and
// ArgMax / ArgMin. The output shape comes from support/Shapes.h's
// `reductionShape`, the rule the qc dialect's verifiers use too.
//
//===----------------------------------------------------------------------===//
#include "reference/Kernels.h"
#include "reference/KernelsUtil.h"

#include <cmath>
#include <limits>

namespace qc::ref {

namespace {

constexpr std::string_view reduceName(ReduceKind kind) {
  switch (kind) {
  case ReduceKind::Max:
    return "reduceMax";
  case ReduceKind::Min:
    return "reduceMin";
  case ReduceKind::Sum:
    return "reduceSum";
  case ReduceKind::Prod:
    return "reduceProd";
  case ReduceKind::SumSquare:
    return "reduceSumSquare";
  case ReduceKind::L1:
    return "reduceL1";
  case ReduceKind::L2:
    return "reduceL2";
  case ReduceKind::LogSum:
    return "reduceLogSum";
  case ReduceKind::LogSumExp:
    return "reduceLogSumExp";
  }
  return "reduce";
}

/// The reduction of \p x's shape, with the rule's message prefixed by \p op.
absl::StatusOr<Reduction> checkedReduction(std::string_view op, const Tensor &x,
                                           const std::vector<int64_t> &axes,
                                           bool keepdims) {
  Shape xs = shapeOf(x);
  absl::StatusOr<Reduction> r = reductionShape(xs, axes, keepdims);
  if (!r.ok())
    return detail::invalid(op, std::string(r.status().message()));
  for (size_t d = 0; d < xs.size(); ++d)
    if (r->reduced[d] && xs[d] == 0)
      return detail::invalid(op, strCat("reducing over an empty dimension of shape ",
                                shapeToString(xs)));
  return r;
}

} // namespace

absl::StatusOr<Tensor> reduce(const Tensor &x, ReduceKind kind,
                              const std::vector<int64_t> &axes,
                              bool keepdims) {
  std::string_view op = reduceName(kind);
  absl::StatusOr<Reduction> r = checkedReduction(op, x, axes, keepdims);
  if (!r.ok())
    return r.status();
  Shape xs = shapeOf(x);
  int64_t rank = static_cast<int64_t>(xs.size());
  Shape keptShape;
  for (int64_t d = 0; d < rank; ++d)
    keptShape.push_back(r->reduced[d] ? 1 : xs[d]);
  if (absl::Status s = reserveMemory(op, "sums", keptShape, sizeof(double));
      !s.ok())
    return s;
  if (absl::Status s = detail::reserveResult(op, r->shape); !s.ok())
    return s;
  // Max / Min keep float values (NaN wins, as numpy's maximum.reduce); the
  // sums and the product accumulate in double.
  double init = 0.0;
  if (kind == ReduceKind::Max)
    init = -std::numeric_limits<double>::infinity();
  else if (kind == ReduceKind::Min)
    init = std::numeric_limits<double>::infinity();
  else if (kind == ReduceKind::Prod)
    init = 1.0;
  std::vector<double> acc(shapeNumElements(keptShape), init);
  std::array<std::vector<int64_t>, 2> strides = {
      detail::rowMajorStrides(xs), detail::rowMajorStrides(keptShape)};
  for (int64_t d = 0; d < rank; ++d)
    if (r->reduced[d])
      strides[1][d] = 0;
  int64_t so = rank ? strides[1].back() : 0;
  auto add = [&](auto term) {
    detail::forEachRow<2>(xs, strides,
                          [&](const std::array<int64_t, 2> &off, int64_t n) {
                            const float *src = x.data() + off[0];
                            for (int64_t j = 0; j < n; ++j)
                              term(acc[off[1] + j * so],
                                   static_cast<double>(src[j]));
                          });
  };
  switch (kind) {
  case ReduceKind::Max:
    add([](double &a, double v) {
      if (std::isnan(v) || v > a)
        a = std::isnan(a) ? a : v;
    });
    break;
  case ReduceKind::Min:
    add([](double &a, double v) {
      if (std::isnan(v) || v < a)
        a = std::isnan(a) ? a : v;
    });
    break;
  case ReduceKind::Sum:
  case ReduceKind::LogSum:
    add([](double &a, double v) { a += v; });
    break;
  case ReduceKind::Prod:
    add([](double &a, double v) { a *= v; });
    break;
  case ReduceKind::SumSquare:
  case ReduceKind::L2:
    add([](double &a, double v) { a += v * v; });
    break;
  case ReduceKind::L1:
    add([](double &a, double v) { a += std::fabs(v); });
    break;
  case ReduceKind::LogSumExp:
    add([](double &a, double v) { a += std::exp(v); });
    break;
  }
  Tensor out = detail::uninitialized(r->shape);
  for (size_t i = 0; i < acc.size(); ++i) {
    double v = acc[i];
    if (kind == ReduceKind::L2)
      v = std::sqrt(v);
    else if (kind == ReduceKind::LogSum || kind == ReduceKind::LogSumExp)
      v = std::log(v);
    out.data()[i] = static_cast<float>(v);
  }
  return out;
}

absl::StatusOr<QTensor> argExtreme(const Tensor &x, bool isMax, int64_t axis,
                                   bool keepdims, bool selectLast) {
  std::string_view op = isMax ? "argMax" : "argMin";
  absl::StatusOr<Reduction> r = checkedReduction(op, x, {axis}, keepdims);
  if (!r.ok())
    return r.status();
  Shape xs = shapeOf(x);
  int64_t rank = static_cast<int64_t>(xs.size());
  int64_t a = axis < 0 ? axis + rank : axis;
  int64_t n = xs[a];
  if (n > std::numeric_limits<int32_t>::max())
    return detail::invalid(op, strCat("axis ", axis, " has ", n,
                              " elements; indices are held as int32"));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d)
    outer *= xs[d];
  for (int64_t d = a + 1; d < rank; ++d)
    inner *= xs[d];
  if (absl::Status s = detail::reserveResult(op, r->shape); !s.ok())
    return s;
  QTensor out = detail::uninitializedQ(r->shape);
  // NaN is the extreme (numpy's argmax / argmin return the first NaN).
  auto better = [&](float v, float best) {
    if (std::isnan(best))
      return selectLast && std::isnan(v);
    if (std::isnan(v))
      return true;
    if (selectLast)
      return isMax ? v >= best : v <= best;
    return isMax ? v > best : v < best;
  };
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *p = x.data() + o * n * inner + i;
      int64_t bestIndex = 0;
      for (int64_t k = 1; k < n; ++k)
        if (better(p[k * inner], p[bestIndex * inner]))
          bestIndex = k;
      out.data()[o * inner + i] = static_cast<int32_t>(bestIndex);
    }
  return out;
}

} // namespace qc::ref
