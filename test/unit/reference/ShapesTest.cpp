//===- ShapesTest.cpp - Output-shape rules --------------------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/Shapes.h"

#include <array>
#include <cmath>
#include <gmock/gmock.h>
#include <limits>
#include <gtest/gtest.h>

namespace qc {
namespace {

using ::testing::HasSubstr;

template <typename T>
std::string errorOf(const absl::StatusOr<T> &result) {
  EXPECT_FALSE(result.ok());
  return std::string(result.status().message());
}

TEST(Shapes, Broadcast) {
  EXPECT_EQ(*broadcastShapes({2, 1, 4}, {3, 1}), (Shape{2, 3, 4}));
  EXPECT_EQ(*broadcastShapes({}, {5}), (Shape{5}));
  EXPECT_EQ(*broadcastShapes({0, 1}, {1, 3}), (Shape{0, 3}));
  EXPECT_EQ(*broadcastShapes({1}, {0}), (Shape{0}));
  EXPECT_THAT(errorOf(broadcastShapes({2, 3}, {2})),
              HasSubstr("shapes (2, 3) and (2) are not broadcastable "
                        "(dimension 1: 3 vs 2)"));
  EXPECT_THAT(errorOf(broadcastShapes({-1}, {2})),
              HasSubstr("negative dimension"));
  // Unknown dimensions follow MLIR's getBroadcastedShape.
  constexpr int64_t kDyn = kDynamicDim;
  EXPECT_EQ(*broadcastShapes({kDyn, 3}, {4, 1}), (Shape{4, 3}));
  EXPECT_EQ(*broadcastShapes({kDyn}, {1}), (Shape{kDyn}));
  EXPECT_EQ(*broadcastShapes({1}, {kDyn}), (Shape{kDyn}));
  EXPECT_EQ(*broadcastShapes({kDyn}, {0}), (Shape{kDyn}));
  EXPECT_EQ(*broadcastShapes({kDyn}, {kDyn}), (Shape{kDyn}));
  EXPECT_EQ(*broadcastShapes({kDyn, 2}, {1, 1, 2}), (Shape{1, kDyn, 2}));
  EXPECT_THAT(errorOf(broadcastShapes({kDyn, 2}, {3})),
              HasSubstr("shapes (?, 2) and (3) are not broadcastable "
                        "(dimension 1: 2 vs 3)"));
  EXPECT_TRUE(checkUnidirectionalBroadcast({3}, {2, 3}, "op", "C").ok());
  EXPECT_TRUE(checkUnidirectionalBroadcast({1, 1}, {2, 3}, "op", "C").ok());
  EXPECT_THAT(
      std::string(checkUnidirectionalBroadcast({2, 1, 3}, {2, 3}, "gemm", "C")
                      .message()),
      HasSubstr("gemm: C of shape (2, 1, 3) does not broadcast to (2, 3)"));
}

TEST(Shapes, Conv2d) {
  Conv2dAttrs a;
  a.strides = {2, 2};
  a.pads = {3, 3, 3, 3};
  // ResNet-18's stem.
  EXPECT_EQ(*conv2dOutputShape({1, 3, 224, 224}, {64, 3, 7, 7}, a),
            (Shape{1, 64, 112, 112}));
  Conv2dAttrs b;
  b.pads = {1, 0, 2, 1};
  b.strides = {2, 3};
  b.dilations = {2, 1};
  // H: (9 + 3 - 5) / 2 + 1 = 4; W: (7 + 1 - 2) / 3 + 1 = 3.
  EXPECT_EQ(*conv2dOutputShape({2, 6, 9, 7}, {4, 3, 3, 2},
                               Conv2dAttrs{b.strides, b.pads, b.dilations, 2}),
            (Shape{2, 4, 4, 3}));
  EXPECT_THAT(errorOf(conv2dOutputShape({1, 3, 8}, {4, 3, 3, 3}, {})),
              HasSubstr("conv2d: input must be 4-D NCHW, got shape (1, 3, 8)"));
  EXPECT_THAT(errorOf(conv2dOutputShape({1, 3, 8, 8}, {4, 3, 0, 3}, {})),
              HasSubstr("kernel size must be >= 1"));
  Conv2dAttrs g;
  g.groups = 0;
  EXPECT_THAT(errorOf(conv2dOutputShape({1, 3, 8, 8}, {4, 3, 3, 3}, g)),
              HasSubstr("groups must be >= 1, got 0"));
  Conv2dAttrs d;
  d.dilations = {1, 0};
  EXPECT_THAT(errorOf(conv2dOutputShape({1, 3, 8, 8}, {4, 3, 3, 3}, d)),
              HasSubstr("dilations must be >= 1, got [1, 0]"));
}

TEST(Shapes, ConvTranspose2d) {
  ConvTranspose2dAttrs a;
  a.strides = {2, 2};
  a.pads = {1, 1, 1, 1};
  a.outputPadding = {1, 1};
  // 2 * (5 - 1) + 1 + 3 - 2 = 10.
  EXPECT_EQ(*convTranspose2dOutputShape({1, 4, 5, 5}, {4, 3, 3, 3}, a),
            (Shape{1, 3, 10, 10}));
  a.groups = 2;
  EXPECT_EQ(*convTranspose2dOutputShape({1, 4, 5, 5}, {4, 3, 3, 3}, a),
            (Shape{1, 6, 10, 10}));
  a.groups = 3;
  EXPECT_THAT(errorOf(convTranspose2dOutputShape({1, 4, 5, 5}, {4, 3, 3, 3}, a)),
              HasSubstr("input channels (4) are not divisible by groups (3)"));
}

TEST(Shapes, Pool2d) {
  Pool2dAttrs a;
  a.kernel = {3, 3};
  a.strides = {2, 2};
  a.pads = {1, 1, 1, 1};
  // ResNet-18's max pool.
  EXPECT_EQ(*pool2dOutputShape({1, 64, 112, 112}, a), (Shape{1, 64, 56, 56}));
  a.pads = {0, 0, 0, 0};
  a.ceilMode = true;
  EXPECT_EQ(*pool2dOutputShape({1, 1, 8, 8}, a), (Shape{1, 1, 4, 4}));
  a.ceilMode = false;
  EXPECT_EQ(*pool2dOutputShape({1, 1, 8, 8}, a), (Shape{1, 1, 3, 3}));
  EXPECT_EQ(pooledDimSize(5, 2, 2, 1, 1, 1, true), 3);
  EXPECT_EQ(pooledDimSize(2, 5, 1, 0, 0, 1, false), -1);
}

// The one window rule (dialect shape rules, verifiers, kernels).
TEST(Shapes, WindowExtent) {
  WindowExtent e = windowExtent(7, 3, 2, 1, 1, 1, /*ceilMode=*/false);
  EXPECT_TRUE(e.fits);
  EXPECT_FALSE(e.overflow);
  EXPECT_EQ(e.size, 4);
  // ceil_mode rounds up, but a last window starting in the end padding is
  // dropped: 5 + 1 + 1 padded, kernel 2, stride 2 -> windows at -1, 1, 3
  // (5 would start in the padding).
  EXPECT_EQ(windowExtent(5, 2, 2, 1, 1, 1, true).size, 3);
  EXPECT_EQ(windowExtent(6, 3, 2, 0, 0, 1, true).size, 3);
  EXPECT_EQ(windowExtent(6, 3, 2, 0, 0, 1, false).size, 2);
  // Dilation widens the window: 2 * (3 - 1) + 1 = 5.
  EXPECT_EQ(windowExtent(5, 3, 1, 0, 0, 2, false).size, 1);
  EXPECT_FALSE(windowExtent(4, 3, 1, 0, 0, 2, false).fits);
  EXPECT_FALSE(windowExtent(4, 3, 0, 0, 0, 1, false).fits); // stride 0
  // Attributes beyond int64: overflow is told apart from "does not fit".
  int64_t big = int64_t(1) << 62;
  WindowExtent huge = windowExtent(8, 3, 1, 0, 0, big, false);
  EXPECT_TRUE(huge.overflow);
  EXPECT_FALSE(huge.fits);
  WindowExtent pads = windowExtent(8, 3, 1, big, big, 1, false);
  EXPECT_TRUE(pads.overflow);
  EXPECT_TRUE(pads.fits);
  EXPECT_EQ(pads.size, std::numeric_limits<int64_t>::max());
}

TEST(Shapes, Matmul) {
  EXPECT_EQ(*matmulOutputShape({2, 1, 4, 6}, {3, 6, 5}), (Shape{2, 3, 4, 5}));
  EXPECT_EQ(*matmulOutputShape({6}, {2, 6, 3}), (Shape{2, 3}));
  EXPECT_EQ(*matmulOutputShape({2, 4, 6}, {6}), (Shape{2, 4}));
  EXPECT_EQ(*matmulOutputShape({6}, {6}), (Shape{}));
  EXPECT_THAT(errorOf(matmulOutputShape({2, 3}, {4, 5})),
              HasSubstr("matmul: inner dimensions differ"));
  EXPECT_THAT(errorOf(matmulOutputShape({}, {4, 5})),
              HasSubstr("operands must have rank >= 1"));
  EXPECT_EQ(*gemmOutputShape({5, 4}, {3, 5}, true, true), (Shape{4, 3}));
  EXPECT_THAT(errorOf(gemmOutputShape({5}, {5, 3}, false, false)),
              HasSubstr("gemm: A and B must be 2-D"));
}

constexpr int64_t kDyn = kDynamicDim;

/// {start, end, count} of sliceAxis, for EXPECT_EQ.
std::array<int64_t, 3> slice(int64_t dim, int64_t start, int64_t end,
                             int64_t step) {
  absl::StatusOr<SliceAxis> r = sliceAxis(dim, start, end, step);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok())
    return {-1, -1, -1};
  return {r->start, r->end, r->count};
}

TEST(Shapes, SliceAxis) {
  using A = std::array<int64_t, 3>;
  EXPECT_EQ(slice(10, 2, 8, 1), (A{2, 8, 6}));
  EXPECT_EQ(slice(10, 2, 8, 4), (A{2, 8, 2}));  // ceil(6 / 4)
  EXPECT_EQ(slice(10, -3, 100, 1), (A{7, 10, 3})); // negative start, clamp
  EXPECT_EQ(slice(10, 8, 2, 1), (A{8, 2, 0}));  // backwards with step 1
  // Negative steps clamp to [0, dim - 1] and [-1, dim - 1].
  EXPECT_EQ(slice(10, 100, -100, -1), (A{9, -1, 10}));
  EXPECT_EQ(slice(10, -1, 2, -3), (A{9, 2, 3})); // 9, 6, 3
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(slice(6, kMax, kMin, kMin), (A{5, -1, 1}));
  EXPECT_EQ(slice(6, 0, kMax, kMax), (A{0, 6, 1}));
  EXPECT_EQ(slice(0, 1, 5, 1), (A{0, 0, 0})); // empty dimension
  EXPECT_THAT(errorOf(sliceAxis(4, 0, 1, 0)), HasSubstr("step must not be 0"));
  EXPECT_THAT(errorOf(sliceAxis(-1, 0, 1, 1)),
              HasSubstr("dimension size -1 is negative"));
}

TEST(Shapes, Flatten) {
  EXPECT_EQ(*flattenShape({2, 3, 4}, 1), (Shape{2, 12}));
  EXPECT_EQ(*flattenShape({2, 3, 4}, 0), (Shape{1, 24}));
  EXPECT_EQ(*flattenShape({2, 3, 4}, 3), (Shape{24, 1}));
  EXPECT_EQ(*flattenShape({2, 3, 4}, -1), (Shape{6, 4}));
  EXPECT_EQ(*flattenShape({}, 0), (Shape{1, 1}));
  EXPECT_EQ(*flattenShape({2, kDyn, 4}, 2), (Shape{kDyn, 4}));
  EXPECT_EQ(*flattenShape({2, 0, 4}, 2), (Shape{0, 4}));
  EXPECT_THAT(errorOf(flattenShape({2, 3, 4}, 4)),
              HasSubstr("axis 4 is out of range for rank 3 (expected -3 <= "
                        "axis <= 3)"));
  EXPECT_THAT(errorOf(flattenShape({2, 3, 4}, -4)),
              HasSubstr("axis -4 is out of range"));
  int64_t big = int64_t(1) << 40;
  EXPECT_THAT(errorOf(flattenShape({big, big, 2}, 2)),
              HasSubstr("has more elements than an int64 holds"));
}

TEST(Shapes, Transpose) {
  EXPECT_EQ(*transposeShape({2, 3, 4}, {2, 0, 1}), (Shape{4, 2, 3}));
  EXPECT_EQ(*transposeShape({kDyn, 3}, {1, 0}), (Shape{3, kDyn}));
  EXPECT_EQ(*transposeShape({}, {}), (Shape{}));
  EXPECT_THAT(errorOf(transposeShape({2, 3, 4}, {0, 2, 0})),
              HasSubstr("perm [0, 2, 0] is not a permutation of [0, 3)"));
  EXPECT_THAT(errorOf(transposeShape({2, 3, 4}, {0, 1})),
              HasSubstr("perm [0, 1] is not a permutation of [0, 3)"));
  EXPECT_THAT(errorOf(transposeShape({2, 3}, {0, -1})),
              HasSubstr("is not a permutation"));
  EXPECT_THAT(errorOf(transposeShape({2, 3}, {0, 2})),
              HasSubstr("is not a permutation"));
}

TEST(Shapes, Concat) {
  EXPECT_EQ(*concatShape({{2, 3}, {2, 5}}, 1), (Shape{2, 8}));
  EXPECT_EQ(*concatShape({{2, 3}, {4, 3}, {1, 3}}, -2), (Shape{7, 3}));
  EXPECT_EQ(*concatShape({{2, 3}}, 0), (Shape{2, 3}));
  EXPECT_EQ(*concatShape({{0, 3}, {2, 3}}, 0), (Shape{2, 3}));
  // Unknown sizes: on the axis the sum is unknown; elsewhere a known size
  // fixes the result's.
  EXPECT_EQ(*concatShape({{kDyn, 3}, {2, 3}}, 0), (Shape{kDyn, 3}));
  EXPECT_EQ(*concatShape({{kDyn, 3}, {2, 3}}, 1), (Shape{2, 6}));
  EXPECT_EQ(*concatShape({{2, kDyn}, {kDyn, 4}}, 0), (Shape{kDyn, 4}));
  EXPECT_THAT(errorOf(concatShape({}, 0)),
              HasSubstr("needs at least one input"));
  EXPECT_THAT(errorOf(concatShape({{2, 3}}, 2)),
              HasSubstr("axis 2 is out of range for rank 2 (expected -2 <= "
                        "axis < 2)"));
  EXPECT_THAT(errorOf(concatShape({{}}, 0)),
              HasSubstr("axis 0 is out of range for rank 0"));
  EXPECT_THAT(errorOf(concatShape({{2, 3}, {2, 3, 1}}, 0)),
              HasSubstr("input 1 has rank 3, expected 2"));
  EXPECT_THAT(errorOf(concatShape({{2, 3}, {2, 3}, {4, 3}}, 1)),
              HasSubstr("input 2 has size 4 in dimension 0, expected 2 (only "
                        "the concat axis 1 may differ)"));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(errorOf(concatShape({{kMax}, {1}}, 0)),
              HasSubstr("the concatenated dimension 0 overflows 64-bit "
                        "sizes"));
}

TEST(Shapes, Gather) {
  EXPECT_EQ(*gatherShape({5, 6, 7}, {2, 3}, 1), (Shape{5, 2, 3, 7}));
  EXPECT_EQ(*gatherShape({5, 6, 7}, {}, -1), (Shape{5, 6}));
  EXPECT_EQ(*gatherShape({5}, {4}, 0), (Shape{4}));
  EXPECT_EQ(*gatherShape({kDyn, 6}, {kDyn}, 1), (Shape{kDyn, kDyn}));
  EXPECT_THAT(errorOf(gatherShape({}, {2}, 0)),
              HasSubstr("the input must have rank >= 1"));
  EXPECT_THAT(errorOf(gatherShape({5, 6}, {2}, 2)),
              HasSubstr("axis 2 is out of range for rank 2 (expected -2 <= "
                        "axis < 2)"));
  EXPECT_THAT(errorOf(gatherShape({5, 6}, {2}, -3)),
              HasSubstr("axis -3 is out of range"));
}

TEST(Shapes, Pad) {
  EXPECT_EQ(*padShape({2, 3}, {1, 0, 2, 4}), (Shape{5, 7}));
  EXPECT_EQ(*padShape({2, 3}, {0, -1, 0, -2}), (Shape{2, 0})); // cropping
  EXPECT_EQ(*padShape({kDyn, 3}, {1, 1, 1, 1}), (Shape{kDyn, 5}));
  EXPECT_EQ(*padShape({}, {}), (Shape{}));
  EXPECT_THAT(errorOf(padShape({2, 3}, {1, 1})),
              HasSubstr("'pads' must have 4 entries, got 2"));
  EXPECT_THAT(errorOf(padShape({2, 3}, {0, -2, 0, -2})),
              HasSubstr("pads -2 and -2 crop dimension 1 of size 3 below "
                        "zero"));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(errorOf(padShape({2}, {kMax, 1})),
              HasSubstr("pads 9223372036854775807 and 1 of dimension 0 "
                        "overflow 64-bit sizes"));
}

TEST(Shapes, GlobalPool) {
  EXPECT_EQ(*globalPoolShape({2, 3, 7, 9}), (Shape{2, 3, 1, 1}));
  EXPECT_EQ(*globalPoolShape({2, 3, 7}), (Shape{2, 3, 1}));
  EXPECT_EQ(*globalPoolShape({kDyn, 3, 7, 9, 4}), (Shape{kDyn, 3, 1, 1, 1}));
  EXPECT_THAT(errorOf(globalPoolShape({2, 3})),
              HasSubstr("input must have rank >= 3 (N, C, d1, ...), got "
                        "shape (2, 3)"));
}

TEST(Shapes, ResizedDimSize) {
  EXPECT_EQ(*resizedDimSize(4, 2.0f), 8);
  EXPECT_EQ(*resizedDimSize(5, 0.5f), 2);    // floor
  EXPECT_EQ(*resizedDimSize(10, 0.7f), 7);   // in f32; f64 would give 6
  EXPECT_EQ(*resizedDimSize(3, 0.2f), 0);    // the caller decides about 0
  EXPECT_EQ(*resizedDimSize(0, 3.0f), 0);
  EXPECT_THAT(errorOf(resizedDimSize(4, -2.0f)),
              HasSubstr("scale -2 must be positive and finite"));
  EXPECT_THAT(errorOf(resizedDimSize(4, 0.0f)),
              HasSubstr("must be positive and finite"));
  EXPECT_THAT(errorOf(resizedDimSize(4, std::numeric_limits<float>::infinity())),
              HasSubstr("must be positive and finite"));
  EXPECT_THAT(errorOf(resizedDimSize(4, std::nanf(""))),
              HasSubstr("must be positive and finite"));
  EXPECT_THAT(errorOf(resizedDimSize(-1, 2.0f)),
              HasSubstr("dimension size -1 is negative"));
  EXPECT_THAT(errorOf(resizedDimSize(8, 1e18f)),
              HasSubstr("scaling 8 by 1e+18 overflows 64-bit sizes"));
}

} // namespace
} // namespace qc
