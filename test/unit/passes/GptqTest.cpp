//===- GptqTest.cpp - GPTQ's arithmetic (passes/Quantize/Gptq.h) ----------===//
//
// Properties that pin the algorithm without restating it: with an identity
// Hessian (uncorrelated inputs of equal energy) there is nothing to feed
// forward and GPTQ equals round to nearest; with correlated inputs its
// layer-output error ||(W - Q) X|| is below round to nearest's; an input that
// is always zero receives no feedback; the Hessian is X^T X / n.
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize/Gptq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir::qc;

namespace {

/// int4 symmetric [-8, 7] with min / max scales, as qc-weight-only's clip=minmax.
::qc::QParams minMax(const std::vector<float> &v) {
  ::qc::QParamsOptions o;
  o.dtype = ::qc::QuantDtype::kQInt8;
  o.qscheme = ::qc::QScheme::kPerTensorSymmetric;
  o.quantMin = -8;
  o.quantMax = 7;
  float lo = *std::min_element(v.begin(), v.end());
  float hi = *std::max_element(v.begin(), v.end());
  return *::qc::calculateQParams(lo, hi, o);
}

int32_t quantize(float v, const ::qc::QParams &qp) {
  double r = std::nearbyint(v * (1.0f / qp.scale)) + qp.zeroPoint;
  return static_cast<int32_t>(std::min(std::max(r, -8.0), 7.0));
}

absl::StatusOr<GptqResult> run(const std::vector<double> &w, int64_t rows,
                               int64_t k, const std::vector<double> &h,
                               GptqOptions o) {
  return gptq(
      w, rows, k, h, o,
      [](const std::vector<float> &v) -> absl::StatusOr<::qc::QParams> {
        return minMax(v);
      },
      quantize);
}

/// Round to nearest with the same groups.
std::vector<int32_t> rtn(const std::vector<double> &w, int64_t rows, int64_t k,
                         int64_t group) {
  std::vector<int32_t> q(w.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < k; g += group) {
      std::vector<float> v;
      for (int64_t i = g; i < std::min(k, g + group); ++i)
        v.push_back(static_cast<float>(w[r * k + i]));
      ::qc::QParams qp = minMax(v);
      for (int64_t i = g; i < std::min(k, g + group); ++i)
        q[r * k + i] = quantize(static_cast<float>(w[r * k + i]), qp);
    }
  return q;
}

/// ||(W - dequantize(Q)) X^T||^2 over the rows of X [n, K].
double outputError(const std::vector<double> &w,
                   const std::vector<int32_t> &q,
                   const std::vector<float> &scales, int64_t rows, int64_t k,
                   int64_t group, const std::vector<float> &x, int64_t n) {
  const int64_t groups = (k + group - 1) / group;
  double e = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t s = 0; s < n; ++s) {
      double d = 0;
      for (int64_t i = 0; i < k; ++i) {
        float dq = static_cast<float>(q[r * k + i]) * scales[r * groups + i / group];
        d += (w[r * k + i] - dq) * x[s * k + i];
      }
      e += d * d;
    }
  return e;
}

std::vector<double> randomWeights(int64_t rows, int64_t k, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd(0.0, 0.05);
  std::vector<double> w(static_cast<size_t>(rows * k));
  for (double &v : w)
    v = static_cast<float>(nd(gen));
  return w;
}

TEST(GptqTest, HessianIsXtXOverRows) {
  HessianAccumulator acc(2);
  const float x[] = {1, 2, 3, -1};
  acc.add(x, 2);
  std::vector<double> h = acc.hessian();
  // (1*1 + 3*3) / 2, (1*2 + 3*-1) / 2, (2*2 + 1) / 2
  EXPECT_EQ(h, (std::vector<double>{5.0, -0.5, -0.5, 2.5}));
  EXPECT_EQ(acc.rows(), 2);
}

TEST(GptqTest, IdentityHessianIsRoundToNearest) {
  const int64_t rows = 5, k = 12;
  std::vector<double> w = randomWeights(rows, k, 1);
  std::vector<double> h(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    h[i * k + i] = 1.0;
  for (bool actOrder : {false, true}) {
    absl::StatusOr<GptqResult> r = run(w, rows, k, h, {4, 0.01, actOrder});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->q, rtn(w, rows, k, 4)) << "act order " << actOrder;
  }
}

TEST(GptqTest, CorrelatedInputsLowerTheOutputError) {
  const int64_t rows = 16, k = 32, n = 256, group = 8;
  std::mt19937 gen(7);
  std::normal_distribution<float> nd;
  // Features 2j and 2j + 1 nearly equal, every fourth one strong.
  std::vector<float> x(static_cast<size_t>(n * k));
  for (int64_t s = 0; s < n; ++s)
    for (int64_t j = 0; j < k; j += 2) {
      float a = nd(gen) * (j % 8 == 0 ? 4.0f : 1.0f);
      x[s * k + j] = a;
      x[s * k + j + 1] = a + 0.1f * nd(gen);
    }
  HessianAccumulator acc(k);
  acc.add(x.data(), n);
  std::vector<double> w = randomWeights(rows, k, 3);
  std::vector<int32_t> q0 = rtn(w, rows, k, group);
  std::vector<float> s0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < k; g += group) {
      std::vector<float> v(w.begin() + r * k + g, w.begin() + r * k + g + group);
      s0.push_back(minMax(v).scale);
    }
  const double rtnError = outputError(w, q0, s0, rows, k, group, x, n);
  for (bool actOrder : {false, true}) {
    absl::StatusOr<GptqResult> r =
        run(w, rows, k, acc.hessian(), {group, 0.01, actOrder});
    ASSERT_TRUE(r.ok()) << r.status();
    std::vector<float> s;
    for (const ::qc::QParams &qp : r->qparams)
      s.push_back(qp.scale);
    const double e = outputError(w, r->q, s, rows, k, group, x, n);
    EXPECT_LT(e, 0.7 * rtnError) << "act order " << actOrder << ": " << e
                                 << " vs rtn " << rtnError;
    for (int32_t v : r->q)
      EXPECT_TRUE(v >= -8 && v <= 7);
  }
}

TEST(GptqTest, AnInputThatIsAlwaysZeroGetsNoFeedback) {
  const int64_t rows = 3, k = 4;
  std::vector<double> w = randomWeights(rows, k, 5);
  // Feature 2 never non-zero; 0, 1 and 3 correlated.
  const float x[] = {1, 1, 0, 2, 2, 1, 0, 1, -1, -2, 0, 0, 3, 2, 0, 1};
  HessianAccumulator acc(k);
  acc.add(x, 4);
  absl::StatusOr<GptqResult> r = run(w, rows, k, acc.hessian(), {1, 0.01, false});
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<int32_t> nearest = rtn(w, rows, k, 1);
  for (int64_t row = 0; row < rows; ++row)
    EXPECT_EQ(r->q[row * k + 2], nearest[row * k + 2]);
}

TEST(GptqTest, ANonFiniteHessianIsRefused) {
  std::vector<double> h = {1, 0, 0, NAN};
  absl::StatusOr<GptqResult> r = run({0.1, 0.2}, 1, 2, h, {2, 0.01, false});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("not positive definite"),
            std::string::npos);
}

} // namespace
