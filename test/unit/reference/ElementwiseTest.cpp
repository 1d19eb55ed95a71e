//===- ElementwiseTest.cpp - Activations, arithmetic, normalization -------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

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

} // namespace
} // namespace qc::test
