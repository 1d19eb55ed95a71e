//===- PoolTest.cpp - Pooling and reductions ------------------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

namespace qc::test {
namespace {

using ::testing::HasSubstr;

Pool2dAttrs poolAttrs(const GoldenCase &c) {
  Pool2dAttrs a;
  a.kernel = c.intArray<2>("kernel");
  a.strides = c.intArray<2>("strides");
  a.pads = c.intArray<4>("pads");
  if (c.has("dilations"))
    a.dilations = c.intArray<2>("dilations");
  a.ceilMode = c.integer("ceil_mode") != 0;
  return a;
}

class MaxPoolGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(MaxPoolGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::maxPool2d(c.tensor("x"), poolAttrs(c));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 0, 0));
}

INSTANTIATE_TEST_SUITE_P(Cases, MaxPoolGolden,
                         ::testing::Values("max_pool_basic", "max_pool_ceil",
                                           "max_pool_ceil_drops_last",
                                           "max_pool_dilation",
                                           "max_pool_asym_pads"));

class AvgPoolGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(AvgPoolGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::avgPool2d(
      c.tensor("x"), poolAttrs(c), c.integer("count_include_pad") != 0);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-6, 1e-7));
}

INSTANTIATE_TEST_SUITE_P(Cases, AvgPoolGolden,
                         ::testing::Values("avg_pool_include_pad",
                                           "avg_pool_exclude_pad",
                                           "avg_pool_ceil_include_pad",
                                           "avg_pool_ceil_exclude_pad",
                                           "avg_pool_asym_include_pad",
                                           "avg_pool_asym_exclude_pad"));

TEST(Pool, CeilModeDropsWindowStartingInPadding) {
  // H = 5, k = 2, s = 2, pad 1: ceil gives 4 windows, but the 4th would start
  // at 6 = H + padTop, entirely in the end padding, so there are 3.
  Pool2dAttrs a;
  a.kernel = {2, 2};
  a.strides = {2, 2};
  a.pads = {1, 1, 1, 1};
  a.ceilMode = true;
  absl::StatusOr<Shape> s = pool2dOutputShape({1, 1, 5, 5}, a);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (Shape{1, 1, 3, 3}));
  a.pads = {0, 0, 0, 0};
  s = pool2dOutputShape({1, 1, 5, 5}, a);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (Shape{1, 1, 3, 3}));
  a.ceilMode = false;
  s = pool2dOutputShape({1, 1, 5, 5}, a);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (Shape{1, 1, 2, 2}));
}

TEST(Pool, Errors) {
  Tensor x = ref::zeros({1, 1, 4, 4});
  Pool2dAttrs big;
  big.kernel = {5, 5};
  EXPECT_THAT(errorOf(ref::maxPool2d(x, big)),
              HasSubstr("maxPool2d: pool2d: padded input (1, 1, 4, 4) is "
                        "smaller than the kernel [5, 5]"));
  Pool2dAttrs pads;
  pads.kernel = {2, 2};
  pads.pads = {2, 0, 0, 0};
  EXPECT_THAT(errorOf(ref::avgPool2d(x, pads)),
              HasSubstr("pads [2, 0, 0, 0] must be smaller than the kernel"));
  Pool2dAttrs dil;
  dil.kernel = {2, 2};
  dil.dilations = {2, 1};
  EXPECT_THAT(errorOf(ref::avgPool2d(x, dil)),
              HasSubstr("avgPool2d: dilations are not supported"));
  Pool2dAttrs stride;
  stride.strides = {1, 0};
  EXPECT_THAT(errorOf(ref::maxPool2d(x, stride)),
              HasSubstr("strides must be >= 1, got [1, 0]"));
  EXPECT_THAT(errorOf(ref::maxPool2d(ref::zeros({4, 4}), {})),
              HasSubstr("input must be 4-D NCHW"));
}

TEST(GlobalAvgPool, MatchesPyTorch) {
  GoldenCase c("global_avg_pool");
  absl::StatusOr<Tensor> y = ref::globalAvgPool(c.tensor("x"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-6, 1e-7));
}

TEST(GlobalAvgPool, Errors) {
  EXPECT_THAT(errorOf(ref::globalAvgPool(ref::zeros({2, 3}))),
              HasSubstr("globalAvgPool: input must have rank >= 3"));
  EXPECT_THAT(errorOf(ref::globalAvgPool(ref::zeros({2, 3, 0, 4}))),
              HasSubstr("empty spatial dimensions"));
}

class ReduceMeanGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(ReduceMeanGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::reduceMean(c.tensor("x"), c.ints("axes"),
                                             c.integer("keepdims") != 0);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 1e-6, 1e-7));
}

INSTANTIATE_TEST_SUITE_P(Cases, ReduceMeanGolden,
                         ::testing::Values("reduce_mean_keepdims",
                                           "reduce_mean_negative_axis",
                                           "reduce_mean_all"));

TEST(ReduceMean, Errors) {
  Tensor x = ref::zeros({2, 3});
  EXPECT_THAT(errorOf(ref::reduceMean(x, {1, -1})),
              HasSubstr("reduceMean: axis -1 appears twice in axes [1, -1]"));
  EXPECT_THAT(errorOf(ref::reduceMean(x, {2})),
              HasSubstr("axis 2 is out of range for a tensor of rank 2"));
  EXPECT_THAT(errorOf(ref::reduceMean(ref::zeros({2, 0}), {1})),
              HasSubstr("reducing over an empty dimension"));
}

} // namespace
} // namespace qc::test
