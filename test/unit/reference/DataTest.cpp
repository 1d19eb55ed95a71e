//===- DataTest.cpp - Reshape, transpose, concat, slice, pad, resize ------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

TEST(Reshape, InfersAndCopiesDimensions) {
  Tensor x = patternTensor({2, 3, 4}, 1);
  absl::StatusOr<Tensor> y = ref::reshape(x, {0, -1});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{2, 12}));
  EXPECT_TRUE(std::equal(x.begin(), x.end(), y->begin()));
  y = ref::reshape(x, {4, 0, 2}); // 0 copies x.shape[1] = 3.
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{4, 3, 2}));
  y = ref::reshape(ref::zeros({0, 3}), {0, 5}, /*allowZero=*/true);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{0, 5}));
  y = ref::reshape(x, {24});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)(23), x(1, 2, 3));
}

TEST(Reshape, Errors) {
  Tensor x = ref::zeros({2, 3, 4});
  EXPECT_THAT(errorOf(ref::reshape(x, {-1, -1})),
              HasSubstr("reshape: more than one -1 in target shape [-1, -1]"));
  EXPECT_THAT(errorOf(ref::reshape(x, {5, -1})),
              HasSubstr("cannot infer the -1 in [5, -1] for input shape (2, "
                        "3, 4)"));
  EXPECT_THAT(errorOf(ref::reshape(x, {2, 3, 5})),
              HasSubstr("target shape [2, 3, 5] has 30 elements but input (2, "
                        "3, 4) has 24"));
  EXPECT_THAT(errorOf(ref::reshape(x, {2, -3, -4})),
              HasSubstr("invalid dimension -3"));
  EXPECT_THAT(errorOf(ref::reshape(ref::zeros({24}), {4, 0})),
              HasSubstr("0 at index 1 of target shape [4, 0] has no input "
                        "dimension to copy"));
}

class TransposeGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(TransposeGolden, MatchesNumpy) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::transpose(c.tensor("x"), c.ints("perm"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 0, 0));
}

INSTANTIATE_TEST_SUITE_P(Cases, TransposeGolden,
                         ::testing::Values("transpose", "transpose_default"));

TEST(Transpose, Errors) {
  Tensor x = ref::zeros({2, 3, 4});
  EXPECT_THAT(errorOf(ref::transpose(x, {0, 0, 1})),
              HasSubstr("transpose: perm [0, 0, 1] is not a permutation of "
                        "the dimensions of shape (2, 3, 4)"));
  EXPECT_THAT(errorOf(ref::transpose(x, {0, 1})),
              HasSubstr("perm [0, 1] is not a permutation"));
  EXPECT_THAT(errorOf(ref::transpose(x, {0, 1, 3})),
              HasSubstr("perm [0, 1, 3] is not a permutation"));
}

TEST(Concat, MatchesNumpy) {
  GoldenCase a("concat_axis1");
  absl::StatusOr<Tensor> y = ref::concat(
      {a.tensor("x0"), a.tensor("x1"), a.tensor("x2")}, a.integer("axis"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, a.tensor("y"), 0, 0));
  GoldenCase b("concat_axis_m1");
  y = ref::concat({b.tensor("x0"), b.tensor("x1")}, b.integer("axis"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, b.tensor("y"), 0, 0));
}

TEST(Concat, Errors) {
  EXPECT_THAT(errorOf(ref::concat({}, 0)),
              HasSubstr("concat: needs at least one input"));
  EXPECT_THAT(errorOf(ref::concat({ref::zeros({2, 3}), ref::zeros({3, 3})}, 1)),
              HasSubstr("input 1 has shape (3, 3), which does not match input "
                        "0's (2, 3) outside axis 1"));
  EXPECT_THAT(errorOf(ref::concat({ref::zeros({2, 3}), ref::zeros({2, 3, 1})},
                                  0)),
              HasSubstr("input 1 has shape (2, 3, 1)"));
  EXPECT_THAT(errorOf(ref::concat({ref::zeros({2})}, 1)),
              HasSubstr("axis 1 is out of range"));
}

class SliceGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(SliceGolden, MatchesNumpy) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y =
      ref::slice(c.tensor("x"), c.ints("starts"), c.ints("ends"),
                 c.ints("axes"), c.ints("steps"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 0, 0));
}

INSTANTIATE_TEST_SUITE_P(Cases, SliceGolden,
                         ::testing::Values("slice_basic",
                                           "slice_negative_steps",
                                           "slice_clamped",
                                           "slice_int64_min_end",
                                           "slice_empty",
                                           "slice_default_axes"));

TEST(Slice, Errors) {
  Tensor x = ref::zeros({4, 5});
  EXPECT_THAT(errorOf(ref::slice(x, {0}, {1}, {0}, {0})),
              HasSubstr("slice: step for axis 0 is 0"));
  EXPECT_THAT(errorOf(ref::slice(x, {0, 0}, {1}, {}, {})),
              HasSubstr("must have the same length"));
  EXPECT_THAT(errorOf(ref::slice(x, {0, 0}, {1, 1}, {1, -1}, {})),
              HasSubstr("axis -1 appears twice"));
  EXPECT_THAT(errorOf(ref::slice(x, {0}, {1}, {2}, {})),
              HasSubstr("axis 2 is out of range"));
}

TEST(Slice, HugeNegativeStep) {
  Tensor x = patternTensor({6}, 3);
  absl::StatusOr<Tensor> y =
      ref::slice(x, {5}, {std::numeric_limits<int64_t>::min()}, {0},
                 {std::numeric_limits<int64_t>::min()});
  ASSERT_TRUE(y.ok()) << y.status();
  ASSERT_EQ(y->size(), 1u);
  EXPECT_EQ((*y)(0), x(5));
}

class PadGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(PadGolden, MatchesNumpy) {
  GoldenCase c(GetParam());
  auto mode = static_cast<ref::PadMode>(c.integer("mode"));
  absl::StatusOr<Tensor> y =
      ref::pad(c.tensor("x"), c.ints("pads"), mode, c.real("value"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), 0, 0));
}

INSTANTIATE_TEST_SUITE_P(Cases, PadGolden,
                         ::testing::Values("pad_constant",
                                           "pad_constant_negative",
                                           "pad_reflect", "pad_reflect_wide",
                                           "pad_edge", "pad_wrap"));

TEST(Pad, ModeNamesAndErrors) {
  EXPECT_EQ(*ref::parsePadMode("constant"), ref::PadMode::Constant);
  EXPECT_EQ(*ref::parsePadMode("reflect"), ref::PadMode::Reflect);
  EXPECT_EQ(*ref::parsePadMode("edge"), ref::PadMode::Edge);
  EXPECT_EQ(*ref::parsePadMode("wrap"), ref::PadMode::Wrap);
  EXPECT_THAT(errorOf(ref::parsePadMode("symmetric")),
              HasSubstr("pad: unknown mode 'symmetric'"));
  Tensor x = ref::zeros({2, 3});
  EXPECT_THAT(errorOf(ref::pad(x, {1, 1})),
              HasSubstr("pads [1, 1] must have 4 values for shape (2, 3)"));
  EXPECT_THAT(errorOf(ref::pad(x, {0, -2, 0, -2})),
              HasSubstr("remove more than dimension 1"));
  EXPECT_THAT(errorOf(ref::pad(ref::zeros({0, 3}), {1, 0, 0, 0},
                               ref::PadMode::Edge)),
              HasSubstr("cannot pad empty dimension 0"));
}

class ResizeGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(ResizeGolden, MatchesReference) {
  GoldenCase c(GetParam());
  ref::ResizeAttrs attrs;
  attrs.mode = static_cast<ref::ResizeMode>(c.integer("mode"));
  attrs.coordinateTransformMode = static_cast<ref::CoordinateTransformMode>(
      c.integer("coordinate_transformation_mode"));
  attrs.nearestMode = static_cast<ref::NearestMode>(c.integer("nearest_mode"));
  std::vector<float> scales = c.has("scales") ? c.reals("scales")
                                              : std::vector<float>{};
  absl::StatusOr<Tensor> y =
      ref::resize(c.tensor("x"), c.ints("out_shape"), attrs, scales);
  ASSERT_TRUE(y.ok()) << y.status();
  // Nearest copies values; linear interpolates in float32.
  double tol = attrs.mode == ref::ResizeMode::Nearest ? 0.0 : 1e-6;
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), tol, tol));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResizeGolden,
    ::testing::Values("resize_nearest_asymmetric_floor",
                      "resize_nearest_half_pixel_prefer_ceil",
                      "resize_nearest_half_pixel_prefer_floor",
                      "resize_nearest_align_corners_ceil",
                      "resize_nearest_asymmetric_prefer_floor_down",
                      "resize_linear_pytorch_half_pixel",
                      "resize_linear_pytorch_half_pixel_down",
                      "resize_linear_align_corners",
                      "resize_linear_half_pixel_out1",
                      "resize_linear_asymmetric", "resize_linear_scales"));

TEST(Resize, ModeNames) {
  EXPECT_EQ(*ref::parseResizeMode("linear"), ref::ResizeMode::Linear);
  EXPECT_EQ(*ref::parseResizeMode("nearest"), ref::ResizeMode::Nearest);
  EXPECT_EQ(*ref::parseCoordinateTransformMode("pytorch_half_pixel"),
            ref::CoordinateTransformMode::PytorchHalfPixel);
  EXPECT_EQ(*ref::parseCoordinateTransformMode("align_corners"),
            ref::CoordinateTransformMode::AlignCorners);
  EXPECT_EQ(*ref::parseNearestMode("round_prefer_ceil"),
            ref::NearestMode::RoundPreferCeil);
  EXPECT_EQ(*ref::parseNearestMode("ceil"), ref::NearestMode::Ceil);
  EXPECT_THAT(errorOf(ref::parseResizeMode("cubic")),
              HasSubstr("resize: unsupported mode 'cubic'"));
  EXPECT_THAT(errorOf(ref::parseCoordinateTransformMode("tf_crop_and_resize")),
              HasSubstr("unsupported coordinate_transformation_mode "
                        "'tf_crop_and_resize'"));
  EXPECT_THAT(errorOf(ref::parseNearestMode("nearest")),
              HasSubstr("unsupported nearest_mode 'nearest'"));
}

TEST(Resize, Errors) {
  Tensor x = ref::zeros({1, 2, 4, 4});
  ref::ResizeAttrs attrs;
  EXPECT_THAT(errorOf(ref::resize(x, {1, 3, 8, 8}, attrs)),
              HasSubstr("only H and W may be resized: (1, 2, 4, 4) -> [1, 3, "
                        "8, 8]"));
  EXPECT_THAT(errorOf(ref::resize(ref::zeros({2, 4, 4}), {2, 8, 8}, attrs)),
              HasSubstr("input and output must be 4-D NCHW"));
  EXPECT_THAT(errorOf(ref::resize(x, {1, 2, 0, 8}, attrs)),
              HasSubstr("empty spatial size"));
  EXPECT_THAT(errorOf(ref::resize(x, {1, 2, 8, 8}, attrs, {1, 1, 2, 3})),
              HasSubstr("scale 3 for axis 3 does not give output size 8 from "
                        "input size 4"));
  EXPECT_THAT(errorOf(ref::resize(x, {1, 2, 8, 8}, attrs, {2, 1, 2, 2})),
              HasSubstr("scales for N and C must be 1"));
}

} // namespace
} // namespace qc::test
