//===- ElementwiseTest.cpp - Activations, arithmetic, normalization -------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

#include "absl/base/casts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

// libm vs PyTorch's vectorized transcendental functions: a few ulps.
constexpr double kRtol = 2e-6, kAtol = 1e-6;

class Unary : public ::testing::Test {
protected:
  GoldenCase golden{"unary"};
  Tensor x = golden.tensor("x");
};

TEST_F(Unary, Relu) {
  EXPECT_TRUE(expectClose(ref::relu(x), golden.tensor("relu"), 0, 0));
}

TEST_F(Unary, Clamp) {
  EXPECT_TRUE(
      expectClose(ref::clamp(x, -1.0f, 2.0f), golden.tensor("clamp"), 0, 0));
  // As ONNX Clip: min > max gives max everywhere.
  Tensor y = ref::clamp(x, 3.0f, 1.0f);
  for (float v : y)
    EXPECT_EQ(v, 1.0f);
}

TEST_F(Unary, Hardswish) {
  EXPECT_TRUE(
      expectClose(ref::hardswish(x), golden.tensor("hardswish"), kRtol, kAtol));
}

TEST_F(Unary, Hardsigmoid) {
  EXPECT_TRUE(expectClose(ref::hardsigmoid(x),
                          golden.tensor("hardsigmoid_onnx"), kRtol, kAtol));
  // PyTorch's hardsigmoid is ONNX's with alpha = 1/6.
  EXPECT_TRUE(expectClose(ref::hardsigmoid(x, 1.0f / 6.0f, 0.5f),
                          golden.tensor("hardsigmoid_torch"), kRtol, kAtol));
}

TEST_F(Unary, Sigmoid) {
  EXPECT_TRUE(
      expectClose(ref::sigmoid(x), golden.tensor("sigmoid"), kRtol, kAtol));
  Tensor extreme = {-1000.0f, 1000.0f};
  Tensor y = ref::sigmoid(extreme);
  EXPECT_EQ(y(0), 0.0f);
  EXPECT_EQ(y(1), 1.0f);
}

TEST_F(Unary, Tanh) {
  EXPECT_TRUE(expectClose(ref::tanh(x), golden.tensor("tanh"), kRtol, kAtol));
}

TEST_F(Unary, Erf) {
  EXPECT_TRUE(expectClose(ref::erf(x), golden.tensor("erf"), kRtol, kAtol));
}

TEST_F(Unary, Gelu) {
  EXPECT_TRUE(expectClose(ref::gelu(x), golden.tensor("gelu"), kRtol, kAtol));
  EXPECT_TRUE(expectClose(ref::gelu(x, ref::GeluApproximation::Tanh),
                          golden.tensor("gelu_tanh"), kRtol, kAtol));
}

TEST_F(Unary, Sqrt) {
  Tensor absX = x;
  for (float &v : absX)
    v = std::fabs(v);
  EXPECT_TRUE(
      expectClose(ref::sqrt(absX), golden.tensor("sqrt_abs"), kRtol, kAtol));
  Tensor neg = {-1.0f};
  EXPECT_TRUE(std::isnan(ref::sqrt(neg)(0)));
}

class BinaryGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(BinaryGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  Tensor a = c.tensor("a"), b = c.tensor("b");
  struct Op {
    const char *key;
    absl::StatusOr<Tensor> (*fn)(const Tensor &, const Tensor &);
  };
  for (Op op : {Op{"add", ref::add}, Op{"sub", ref::sub}, Op{"mul", ref::mul},
                Op{"div", ref::div}}) {
    absl::StatusOr<Tensor> y = op.fn(a, b);
    ASSERT_TRUE(y.ok()) << op.key << ": " << y.status();
    EXPECT_TRUE(expectClose(*y, c.tensor(op.key), kRtol, kAtol)) << op.key;
    // Broadcasting is symmetric in shape.
    absl::StatusOr<Tensor> swapped = op.fn(b, a);
    ASSERT_TRUE(swapped.ok());
    EXPECT_EQ(ref::shapeOf(*swapped), ref::shapeOf(*y));
  }
  absl::StatusOr<Tensor> p = ref::pow(c.tensor("pow_base"), b);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(expectClose(*p, c.tensor("pow"), 1e-5, kAtol));
}

INSTANTIATE_TEST_SUITE_P(Cases, BinaryGolden,
                         ::testing::Values("binary_broadcast", "binary_scalar",
                                           "binary_middle", "binary_same",
                                           "binary_leading"));

TEST(Binary, Errors) {
  EXPECT_THAT(errorOf(ref::add(ref::zeros({2, 3}), ref::zeros({4}))),
              HasSubstr("add: broadcast: shapes (2, 3) and (4) are not "
                        "broadcastable (dimension 1: 3 vs 4)"));
  EXPECT_THAT(errorOf(ref::pow(ref::zeros({2, 3, 2}), ref::zeros({3, 3, 2}))),
              HasSubstr("pow: broadcast"));
}

TEST(Binary, DivisionByZeroFollowsIeee) {
  absl::StatusOr<Tensor> y = ref::div(Tensor{1.0f, -1.0f, 0.0f}, Tensor{0.0f});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)(0), std::numeric_limits<float>::infinity());
  EXPECT_EQ((*y)(1), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan((*y)(2)));
}

TEST(BatchNorm, MatchesPyTorch) {
  GoldenCase c("batch_norm");
  absl::StatusOr<Tensor> y =
      ref::batchNorm(c.tensor("x"), c.tensor("scale"), c.tensor("bias"),
                     c.tensor("mean"), c.tensor("var"), c.real("epsilon"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-5, kAtol));
}

TEST(BatchNorm, Errors) {
  Tensor x = ref::zeros({1, 3, 2, 2}), p3 = ref::zeros({3}),
         p2 = ref::zeros({2});
  EXPECT_THAT(errorOf(ref::batchNorm(x, p3, p3, p2, p3)),
              HasSubstr("batchNorm: mean must be 1-D of size 3, got shape (2)"));
  EXPECT_THAT(errorOf(ref::batchNorm(ref::zeros({3}), p3, p3, p3, p3)),
              HasSubstr("input must have rank >= 2"));
  EXPECT_THAT(errorOf(ref::batchNorm(x, p3, p3, p3, p3, -1.0f)),
              HasSubstr("epsilon must be >= 0"));
}

class LayerNormGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(LayerNormGolden, MatchesReference) {
  GoldenCase c(GetParam());
  Tensor bias = c.has("bias") ? c.tensor("bias") : Tensor();
  absl::StatusOr<Tensor> y =
      ref::layerNorm(c.tensor("x"), c.tensor("scale"),
                     c.has("bias") ? &bias : nullptr, c.integer("axis"),
                     c.real("epsilon"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-5, 1e-5));
}

INSTANTIATE_TEST_SUITE_P(Cases, LayerNormGolden,
                         ::testing::Values("layer_norm_last",
                                           "layer_norm_axis1",
                                           "layer_norm_broadcast_scale"));

TEST(LayerNorm, Errors) {
  Tensor x = ref::zeros({2, 3, 4});
  EXPECT_THAT(errorOf(ref::layerNorm(x, ref::zeros({3}), nullptr, -1)),
              HasSubstr("layerNorm: scale of shape (3) does not broadcast to "
                        "(4)"));
  Tensor bias = ref::zeros({2, 4});
  EXPECT_THAT(errorOf(ref::layerNorm(x, ref::zeros({4}), &bias, 1)),
              HasSubstr("bias of shape (2, 4) does not broadcast to (3, 4)"));
  EXPECT_THAT(errorOf(ref::layerNorm(x, ref::zeros({4}), nullptr, 3)),
              HasSubstr("axis 3 is out of range for a tensor of rank 3"));
}

class SoftmaxGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(SoftmaxGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::softmax(c.tensor("x"), c.integer("axis"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-6, 1e-7));
}

INSTANTIATE_TEST_SUITE_P(Cases, SoftmaxGolden,
                         ::testing::Values("softmax_axis1", "softmax_axism1"));

TEST(Softmax, Errors) {
  EXPECT_THAT(errorOf(ref::softmax(ref::zeros({2, 3}), -3)),
              HasSubstr("softmax: axis -3 is out of range for a tensor of "
                        "rank 2"));
}

TEST(Pow, SquaresCubesAndRootsWithoutPowf) {
  // ref::powElement: exponents 2, 3, 1 and 0.5 are multiplies / sqrt, the
  // others powf; pow's special cases of 0.5 kept.
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> xs = {0.0f, -0.0f, 1.5f, -2.25f, 3e-20f, 1e20f,
                           7.0001f, -inf, inf, 0.1f};
  for (float x : xs) {
    EXPECT_EQ(absl::bit_cast<uint32_t>(ref::powElement(x, 2.0f)),
              absl::bit_cast<uint32_t>(x * x))
        << x;
    EXPECT_EQ(absl::bit_cast<uint32_t>(ref::powElement(x, 3.0f)),
              absl::bit_cast<uint32_t>(x * x * x))
        << x;
    EXPECT_EQ(absl::bit_cast<uint32_t>(ref::powElement(x, 1.0f)),
              absl::bit_cast<uint32_t>(x))
        << x;
    EXPECT_EQ(absl::bit_cast<uint32_t>(ref::powElement(x, 2.5f)),
              absl::bit_cast<uint32_t>(std::pow(x, 2.5f)))
        << x;
  }
  EXPECT_EQ(ref::powElement(2.0f, 0.5f), std::sqrt(2.0f));
  EXPECT_EQ(absl::bit_cast<uint32_t>(ref::powElement(-0.0f, 0.5f)), 0u);
  EXPECT_EQ(ref::powElement(-inf, 0.5f), inf);
  EXPECT_TRUE(std::isnan(ref::powElement(-1.0f, 0.5f)));
  EXPECT_TRUE(std::isnan(ref::powElement(std::nanf(""), 2.0f)));
  // powf(x, 2) is not always the correctly rounded square; x * x is. Over
  // 2^20 samples the two agree within 1 ulp.
  uint32_t bits = 0x3f800000u;
  for (int i = 0; i < (1 << 20); ++i, bits += 0x3fu) {
    float x = absl::bit_cast<float>(bits);
    float a = ref::powElement(x, 2.0f), b = std::pow(x, 2.0f);
    ASSERT_LE(std::abs(static_cast<int64_t>(absl::bit_cast<uint32_t>(a)) -
                       static_cast<int64_t>(absl::bit_cast<uint32_t>(b))),
              1)
        << x;
  }
  // The tensor form applies it per element, broadcasting the exponent.
  absl::StatusOr<Tensor> y =
      ref::pow(Tensor{1.5f, -2.0f, 4.0f}, Tensor{2.0f});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)(0), 2.25f);
  EXPECT_EQ((*y)(1), 4.0f);
  EXPECT_EQ((*y)(2), 16.0f);
}

/// Distance in ulps between two finite doubles of the same sign.
int64_t ulpDistance(double a, double b) {
  return std::abs(absl::bit_cast<int64_t>(a) - absl::bit_cast<int64_t>(b));
}

TEST(SoftmaxExp, WithinTwoUlpOfTheCLibrary) {
  // Dense over the range softmax uses (x - max <= 0) and the rest of the
  // finite range; glibc's exp is correctly rounded in practice, so this
  // bounds softmaxExp's own error.
  int64_t worst = 0;
  double worstX = 0;
  for (double x = -745.0; x <= 709.0; x += 0.0123456789) {
    double want = std::exp(x);
    if (want < std::numeric_limits<double>::min())
      continue; // subnormal: compared in absolute terms below
    int64_t d = ulpDistance(ref::softmaxExp(x), want);
    if (d > worst) {
      worst = d;
      worstX = x;
    }
  }
  EXPECT_LE(worst, 2) << "at x = " << worstX;
  for (double x = -1.0; x <= 1.0; x += 1.0 / 4096)
    EXPECT_LE(ulpDistance(ref::softmaxExp(x), std::exp(x)), 2) << x;
  // Subnormal results: within 2 of the smallest subnormal step.
  for (double x = -745.0; x < -708.0; x += 0.01)
    EXPECT_LE(std::abs(ref::softmaxExp(x) - std::exp(x)),
              2 * std::numeric_limits<double>::denorm_min())
        << x;
}

TEST(SoftmaxExp, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ref::softmaxExp(0.0), 1.0);
  EXPECT_EQ(ref::softmaxExp(-0.0), 1.0);
  EXPECT_EQ(ref::softmaxExp(-inf), 0.0);
  EXPECT_EQ(ref::softmaxExp(-1000.0), 0.0);
  EXPECT_EQ(ref::softmaxExp(inf), inf);
  EXPECT_EQ(ref::softmaxExp(710.0), inf);
  EXPECT_TRUE(std::isnan(ref::softmaxExp(std::nan(""))));
  EXPECT_GT(ref::softmaxExp(709.7), 1e308);
}

TEST(Softmax, MatchesTheCLibrarysExpInFloat) {
  // Softmax rows in float: the fixed-order sum and softmaxExp change at most
  // one ulp of a few outputs against the C library's exp summed in order.
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / static_cast<float>(1 << 24);
  };
  for (int64_t len : {1, 3, 8, 9, 32, 33, 100}) {
    Tensor x = ref::zeros({4, len});
    for (float &v : x)
      v = (next() - 0.5f) * 30.0f;
    absl::StatusOr<Tensor> y = ref::softmax(x, 1);
    ASSERT_TRUE(y.ok());
    int differ = 0;
    for (int64_t r = 0; r < 4; ++r) {
      const float *src = x.data() + r * len;
      float mx = *std::max_element(src, src + len);
      double sum = 0.0;
      for (int64_t j = 0; j < len; ++j)
        sum += std::exp(static_cast<double>(src[j]) - mx);
      for (int64_t j = 0; j < len; ++j) {
        float want = static_cast<float>(
            std::exp(static_cast<double>(src[j]) - mx) / sum);
        float got = y->data()[r * len + j];
        int64_t d = std::abs(
            static_cast<int64_t>(absl::bit_cast<uint32_t>(got)) -
            static_cast<int64_t>(absl::bit_cast<uint32_t>(want)));
        EXPECT_LE(d, 1) << len << " " << r << " " << j;
        differ += d != 0;
      }
    }
    EXPECT_LE(differ, 1) << "row length " << len;
  }
  // A NaN anywhere in a row makes that row NaN; -inf entries get 0.
  const float inf = std::numeric_limits<float>::infinity();
  absl::StatusOr<Tensor> y = ref::softmax(
      Tensor{{1.0f, std::nanf(""), 2.0f}, {-inf, 0.0f, -inf}}, 1);
  ASSERT_TRUE(y.ok());
  for (int j = 0; j < 3; ++j)
    EXPECT_TRUE(std::isnan((*y)(0, j)));
  EXPECT_EQ((*y)(1, 0), 0.0f);
  EXPECT_EQ((*y)(1, 1), 1.0f);
  EXPECT_EQ((*y)(1, 2), 0.0f);
}

} // namespace
} // namespace qc::test
