//===- Gptq.cpp - GPTQ weight rounding with the inputs' Hessian ----------===//
//
// Minimizing ||W X - Q X||^2 one column of W at a time: quantizing column i
// leaves the error e = (w_i - q_i) / U[i, i], and the columns after it absorb
// it as W[:, j] -= e * U[i, j] (j > i), with U the upper Cholesky factor of
// H^-1 (H = X^T X / n + damping). This is the paper's Algorithm 1 without
// the lazy-batch blocking (the same arithmetic in another order of
// summation; the weights here are small enough for the direct loop).
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize/Gptq.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

using namespace mlir::qc;

void HessianAccumulator::add(const float *values, int64_t rows) {
  std::vector<double> x(static_cast<size_t>(k));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < k; ++i)
      x[i] = values[r * k + i];
    for (int64_t i = 0; i < k; ++i) {
      const double xi = x[i];
      if (xi == 0)
        continue;
      double *row = sum.data() + i * k;
      for (int64_t j = i; j < k; ++j)
        row[j] += xi * x[j];
    }
  }
  count += rows;
}

std::vector<double> HessianAccumulator::hessian() const {
  std::vector<double> h(sum.size(), 0.0);
  if (count == 0)
    return h;
  const double inv = 1.0 / static_cast<double>(count);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i; j < k; ++j)
      h[i * k + j] = h[j * k + i] = sum[i * k + j] * inv;
  return h;
}

namespace {

/// Lower Cholesky factor L (A = L L^T) of the symmetric [n, n] `a`, in
/// place (the upper triangle is zeroed); false when A is not positive
/// definite.
bool cholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t p = 0; p < j; ++p)
      d -= a[j * n + p] * a[j * n + p];
    if (!(d > 0) || !std::isfinite(d))
      return false;
    const double ljj = std::sqrt(d);
    a[j * n + j] = ljj;
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      const double *li = a.data() + i * n, *lj = a.data() + j * n;
      for (int64_t p = 0; p < j; ++p)
        s -= li[p] * lj[p];
      a[i * n + j] = s / ljj;
    }
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      a[i * n + j] = 0;
  return true;
}

/// H^-1 from H's lower Cholesky factor L: (L^-1)^T L^-1.
std::vector<double> inverseFromCholesky(const std::vector<double> &l,
                                        int64_t n) {
  // M = L^-1 (lower), row by row (forward substitution on whole rows:
  // row i of L M = e_i), so the inner loops run along contiguous rows.
  std::vector<double> m(l.size(), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double *mi = m.data() + i * n;
    mi[i] = 1.0;
    for (int64_t p = 0; p < i; ++p) {
      const double lip = l[i * n + p];
      if (lip == 0)
        continue;
      const double *mp = m.data() + p * n;
      for (int64_t c = 0; c <= p; ++c)
        mi[c] -= lip * mp[c];
    }
    const double inv = 1.0 / l[i * n + i];
    for (int64_t c = 0; c <= i; ++c)
      mi[c] *= inv;
  }
  // Hinv[i, j] = sum_p M[p, i] M[p, j], p >= max(i, j).
  std::vector<double> inv(l.size(), 0.0);
  for (int64_t p = 0; p < n; ++p) {
    const double *mp = m.data() + p * n;
    for (int64_t i = 0; i <= p; ++i) {
      const double a = mp[i];
      if (a == 0)
        continue;
      double *row = inv.data() + i * n;
      for (int64_t j = i; j <= p; ++j)
        row[j] += a * mp[j];
    }
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      inv[j * n + i] = inv[i * n + j];
  return inv;
}

/// The upper Cholesky factor U of H^-1 (H^-1 = U^T U) for H + damping,
/// or an empty vector when H + damping is not positive definite.
std::vector<double> upperInverseFactor(std::vector<double> h, int64_t n,
                                       double dampening) {
  for (int64_t i = 0; i < n; ++i)
    h[i * n + i] += dampening;
  if (!cholesky(h, n))
    return {};
  std::vector<double> inv = inverseFromCholesky(h, n);
  if (!cholesky(inv, n))
    return {};
  // U = L^T of H^-1's lower factor.
  std::vector<double> u(inv.size(), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i; j < n; ++j)
      u[i * n + j] = inv[j * n + i];
  return u;
}

} // namespace

absl::StatusOr<GptqResult>
mlir::qc::gptq(std::vector<double> w, int64_t rows, int64_t k,
               std::vector<double> h, const GptqOptions &options,
               const ChooseQParams &choose, const QuantizeValue &quantize) {
  const int64_t group = options.groupSize > 0 ? options.groupSize : k;
  const int64_t groups = k == 0 ? 0 : (k + group - 1) / group;
  GptqResult result;
  result.q.assign(static_cast<size_t>(rows * k), 0);
  result.qparams.assign(static_cast<size_t>(rows * groups), ::qc::QParams{});

  // Inputs never seen non-zero: an identity row / column (no feedback).
  double diagSum = 0;
  for (int64_t j = 0; j < k; ++j) {
    double &d = h[j * k + j];
    if (d == 0) {
      for (int64_t i = 0; i < k; ++i)
        h[i * k + j] = h[j * k + i] = 0;
      d = 1;
    }
    diagSum += d;
  }
  const double meanDiag = k > 0 ? diagSum / static_cast<double>(k) : 1;

  std::vector<int64_t> perm(static_cast<size_t>(k));
  std::iota(perm.begin(), perm.end(), 0);
  if (options.actOrder) {
    std::vector<double> diag(static_cast<size_t>(k));
    for (int64_t j = 0; j < k; ++j)
      diag[j] = h[j * k + j];
    // Ties keep the channels' order.
    std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return diag[a] != diag[b] ? diag[a] > diag[b] : a < b;
    });
  }

  auto groupValues = [&](int64_t r, int64_t g) {
    std::vector<float> v;
    for (int64_t j = g * group; j < std::min(k, (g + 1) * group); ++j)
      v.push_back(static_cast<float>(w[r * k + j]));
    return v;
  };
  // act order: every group's qparams from the weights before any update.
  if (options.actOrder)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t g = 0; g < groups; ++g) {
        absl::StatusOr<::qc::QParams> qp = choose(groupValues(r, g));
        if (!qp.ok())
          return qp.status();
        result.qparams[r * groups + g] = *qp;
      }

  // W and H in the order of quantization.
  std::vector<double> wp(w.size()), hp(h.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i)
      wp[r * k + i] = w[r * k + perm[i]];
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hp[i * k + j] = h[perm[i] * k + perm[j]];

  std::vector<double> u;
  for (double factor : {1.0, 10.0, 100.0}) {
    result.damp = options.damp * factor;
    u = upperInverseFactor(hp, k, result.damp * meanDiag);
    if (!u.empty())
      break;
  }
  if (u.empty() && k > 0)
    return absl::InvalidArgumentError(
        "the inputs' Hessian is not positive definite even with dampening " +
        std::to_string(result.damp) + " x its mean diagonal");

  for (int64_t i = 0; i < k; ++i) {
    const int64_t j = perm[i], g = j / group;
    if (!options.actOrder && j % group == 0)
      // In order: the group's qparams from its weights as updated so far
      // (column i is its first column: w and wp agree in layout).
      for (int64_t r = 0; r < rows; ++r) {
        std::vector<float> v;
        for (int64_t c = j; c < std::min(k, j + group); ++c)
          v.push_back(static_cast<float>(wp[r * k + c]));
        absl::StatusOr<::qc::QParams> qp = choose(v);
        if (!qp.ok())
          return qp.status();
        result.qparams[r * groups + g] = *qp;
      }
    const double d = u[i * k + i];
    const double *ui = u.data() + i * k;
    for (int64_t r = 0; r < rows; ++r) {
      double *wr = wp.data() + r * k;
      const ::qc::QParams &qp = result.qparams[r * groups + g];
      const int32_t q = quantize(static_cast<float>(wr[i]), qp);
      result.q[r * k + j] = q;
      const float dq = static_cast<float>(int64_t{q} - qp.zeroPoint) * qp.scale;
      const double e = (wr[i] - static_cast<double>(dq)) / d;
      for (int64_t c = i + 1; c < k; ++c)
        wr[c] -= e * ui[c];
    }
  }
  return result;
}
