//===- ShapesTest.cpp - Output-shape rules --------------------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/Shapes.h"

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

} // namespace
} // namespace qc
