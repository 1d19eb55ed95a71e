//===- KernelsWeightOnly.cpp - the weight-only linear's reference rule ----===//
//
// Part of the qc project.
//
// Kernels.h's weightOnlyLinear: per output and group of K, a correctly
// rounded fused multiply-add chain over the group's integer weights, then
// one fused multiply-add by the group's scale. std::fma is exact-then-round
// on every machine, so the result does not depend on the instruction set;
// the x86-64 build with FMA only runs faster.
//
//===----------------------------------------------------------------------===//
#include "reference/Kernels.h"
#include "reference/KernelsUtil.h"

#include <cmath>
#include <vector>

namespace qc::ref {

namespace {

struct WeightOnlyArgs {
  int64_t m, k, n, group, groups;
  const float *x;
  /// float(q - zp), [K][N]: exact (|q - zp| < 2^24).
  const float *w;
  /// [N][groups].
  const float *scales;
  const float *bias;
  float *y;
  /// Scratch: the group partials of one row, N floats.
  float *p;
};

/// The rule, row by row; the inner loops run over n (independent outputs),
/// so a compiler may vectorize them without changing any result.
[[gnu::always_inline]] inline void runWeightOnly(const WeightOnlyArgs &a) {
  for (int64_t i = 0; i < a.m; ++i) {
    float *y = a.y + i * a.n;
    const float *x = a.x + i * a.k;
    for (int64_t j = 0; j < a.n; ++j)
      y[j] = 0.0f;
    for (int64_t g = 0; g < a.groups; ++g) {
      for (int64_t j = 0; j < a.n; ++j)
        a.p[j] = 0.0f;
      const int64_t k1 = std::min(a.k, (g + 1) * a.group);
      for (int64_t kk = g * a.group; kk < k1; ++kk) {
        const float xk = x[kk];
        const float *w = a.w + kk * a.n;
        for (int64_t j = 0; j < a.n; ++j)
          a.p[j] = std::fma(w[j], xk, a.p[j]);
      }
      for (int64_t j = 0; j < a.n; ++j)
        y[j] = std::fma(a.scales[j * a.groups + g], a.p[j], y[j]);
    }
    if (a.bias)
      for (int64_t j = 0; j < a.n; ++j)
        y[j] = y[j] + a.bias[j];
  }
}

void runWeightOnlyGeneric(const WeightOnlyArgs &a) { runWeightOnly(a); }

#if defined(__x86_64__)
/// The same statements with hardware FMA (vfmadd: also correctly rounded).
[[gnu::target("avx2,fma")]] void runWeightOnlyFma(const WeightOnlyArgs &a) {
  runWeightOnly(a);
}
#endif

} // namespace

absl::StatusOr<Tensor> weightOnlyLinear(const Tensor &x,
                                        const std::vector<int32_t> &q,
                                        const std::vector<float> &scales,
                                        const std::vector<int32_t> &zeroPoints,
                                        int64_t n, int64_t group,
                                        const Tensor *bias) {
  if (x.dimension() != 2)
    return absl::InvalidArgumentError("weight-only linear: input must be 2-D");
  const int64_t m = static_cast<int64_t>(x.shape()[0]);
  const int64_t k = static_cast<int64_t>(x.shape()[1]);
  if (n < 0 || group < 1 || static_cast<int64_t>(q.size()) != n * k)
    return absl::InvalidArgumentError(
        "weight-only linear: the weight does not have N x K values");
  const int64_t groups = k == 0 ? 0 : (k + group - 1) / group;
  if (static_cast<int64_t>(scales.size()) != n * groups ||
      zeroPoints.size() != scales.size())
    return absl::InvalidArgumentError(
        "weight-only linear: expected N x groups scales and zero points");
  if (bias && static_cast<int64_t>(bias->size()) != n)
    return absl::InvalidArgumentError(
        "weight-only linear: the bias must have N values");
  std::vector<float> w(static_cast<size_t>(k * n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t kk = 0; kk < k; ++kk)
      w[kk * n + j] = static_cast<float>(
          q[j * k + kk] - zeroPoints[j * groups + (group ? kk / group : 0)]);
  Tensor y = zeros({m, n});
  std::vector<float> p(static_cast<size_t>(n));
  WeightOnlyArgs a{m,
                   k,
                   n,
                   group,
                   groups,
                   x.data(),
                   w.data(),
                   scales.data(),
                   bias ? bias->data() : nullptr,
                   y.data(),
                   p.data()};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("fma")) {
    runWeightOnlyFma(a);
    return y;
  }
#endif
  runWeightOnlyGeneric(a);
  return y;
}

} // namespace qc::ref
