//===- IntTest.cpp - integer kernels (qconv2d, qlinear, qadd) -------------===//
//
// Hand-computed cases for KernelsInt.h: integer accumulation, the f32
// requantize with round half to even, per-channel multipliers, the clamp
// range (fused activation), padding as the input zero point, and errors.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsInt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace qc::test {
namespace {

using ::testing::HasSubstr;
using ref::QTensor;

QTensor q(std::vector<size_t> shape, std::vector<int32_t> values) {
  QTensor t = QTensor::from_shape(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

std::vector<int32_t> values(const QTensor &t) {
  return std::vector<int32_t>(t.data(), t.data() + t.size());
}

ref::Requantize epilogue(std::vector<float> m, int64_t zp, int64_t lo,
                         int64_t hi) {
  ref::Requantize e;
  e.multipliers = std::move(m);
  e.zeroPoint = zp;
  e.clampMin = lo;
  e.clampMax = hi;
  return e;
}

TEST(QLinear, RoundsTiesToEvenPerChannel) {
  // x - zp = [1, 2, 3]; rows of w give acc = 5, 7, -5, -7 (+ bias).
  QTensor x = q({1, 3}, {11, 12, 13});
  QTensor w = q({4, 3}, {1, 2, 0, 1, 0, 2, -1, -2, 0, -1, 0, -2});
  QTensor b = q({4}, {0, 0, 0, 2});
  // 5 * 0.5 = 2.5 -> 2; 7 * 0.5 = 3.5 -> 4; -5 * 0.5 = -2.5 -> -2;
  // (-7 + 2) * 0.25 = -1.25 -> -1. Plus zp 10.
  absl::StatusOr<QTensor> y = ref::qlinear(
      x, 10, w, &b, epilogue({0.5f, 0.5f, 0.5f, 0.25f}, 10, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{12, 14, 8, 9}));
}

TEST(QLinear, ClampAppliesFusedActivation) {
  QTensor x = q({2, 1}, {100, -100});
  QTensor w = q({1, 1}, {1});
  // relu with zp 5: range [5, 127]; values 105 and -95.
  absl::StatusOr<QTensor> y =
      ref::qlinear(x, 0, w, nullptr, epilogue({1.0f}, 5, 5, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{105, 5}));
  // A clamp range that excludes the zero point (clamp(lo > 0, hi)).
  y = ref::qlinear(x, 0, w, nullptr, epilogue({1.0f}, 5, 20, 60));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{60, 20}));
}

TEST(QConv2d, PaddingIsTheInputZeroPoint) {
  // 1x1x2x2 input, all equal to zp 7 except one; 3x3 all-ones kernel, pad 1:
  // each output sums (x - 7) over its window = 2 wherever it sees (0,0).
  QTensor x = q({1, 1, 2, 2}, {9, 7, 7, 7});
  QTensor w = q({2, 1, 3, 3}, std::vector<int32_t>(18, 1));
  QTensor b = q({2}, {1, -1});
  Conv2dAttrs attrs;
  attrs.pads = {1, 1, 1, 1};
  absl::StatusOr<QTensor> y = ref::qconv2d(
      x, 7, w, &b, attrs, epilogue({1.0f, 2.0f}, 0, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  // Channel 0: (2 + 1) * 1 = 3; channel 1: (2 - 1) * 2 = 2.
  EXPECT_EQ(values(*y), (std::vector<int32_t>{3, 3, 3, 3, 2, 2, 2, 2}));
}

TEST(QConv2d, GroupsAndStride) {
  // Two groups of one channel; 1x1 kernels 2 and -3; stride 2 picks (0,0).
  QTensor x = q({1, 2, 3, 3}, {1, 0, 0, 0, 0, 0, 0, 0, 0,
                               4, 0, 0, 0, 0, 0, 0, 0, 0});
  QTensor w = q({2, 1, 1, 1}, {2, -3});
  Conv2dAttrs attrs;
  attrs.strides = {2, 2};
  attrs.groups = 2;
  absl::StatusOr<QTensor> y =
      ref::qconv2d(x, 0, w, nullptr, attrs, epilogue({1.0f}, 0, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  ASSERT_EQ(y->size(), 8u);
  EXPECT_EQ(y->data()[0], 2);
  EXPECT_EQ(y->data()[4], -12);
}

TEST(QConv2d, AccumulatorOverflowIsAnError) {
  QTensor x = q({1, 1, 1, 1}, {1});
  QTensor w = q({1, 1, 1, 1}, {1});
  QTensor b = q({1}, {std::numeric_limits<int32_t>::max()});
  absl::StatusOr<QTensor> y = ref::qconv2d(x, 0, w, &b, Conv2dAttrs{},
                                           epilogue({1.0f}, 0, -128, 127));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("overflows int32"));
}

TEST(QAdd, EachInputHasItsQParams) {
  QTensor a = q({3}, {130, 128, 0});
  QTensor b = q({3}, {-3, 1, -3});
  // a: zp 128, m 0.5; b: zp -3, m 0.25. v = [1 + 0, 0 + 1, -64 + 0].
  absl::StatusOr<QTensor> y =
      ref::qadd(a, 128, 0.5f, b, -3, 0.25f, epilogue({}, 20, 0, 255));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{21, 21, 0}));
}

TEST(QMaxPool2d, PaddingNeverWins) {
  // All values negative (i8): a padded position (would be 0) never wins.
  QTensor x = q({1, 1, 2, 2}, {-128, -5, -7, -100});
  Pool2dAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.strides = {1, 1};
  attrs.pads = {1, 1, 0, 0};
  absl::StatusOr<QTensor> y = ref::qmaxPool2d(x, attrs, -128);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{-128, -5, -7, -5}));
}

TEST(QMaxPool2d, AllPaddingWindowIsTypeMin) {
  // Height 1, kernel 2 with dilation 2 and pads 1 / 1: the one window's taps
  // are rows -1 and 1, both padding. The float pool gives -inf and
  // quantize(-inf) = qmin, so the integer pool gives the type's minimum
  // (found by test/difftest, seed 1070: the cast of -inf gave INT32_MIN).
  QTensor x = q({1, 2, 1, 2}, {5, -3, 100, 7});
  Pool2dAttrs attrs;
  attrs.kernel = {2, 1};
  attrs.strides = {1, 1};
  attrs.pads = {1, 0, 1, 0};
  attrs.dilations = {2, 1};
  absl::StatusOr<QTensor> y = ref::qmaxPool2d(x, attrs, -128);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{-128, -128, -128, -128}));
  y = ref::qmaxPool2d(x, attrs, 0);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{0, 0, 0, 0}));
}

TEST(QAvgPool2d, GlobalRoundsTiesToEven) {
  // 2x2 planes, zp_in 10, m = 0.5 / (0.5 * 4) = 0.25: sums 2, 6, -2, 10
  // give 0.5, 1.5, -0.5, 2.5 -> 0, 2, 0, 2, plus zp_out 100.
  QTensor x = q({1, 4, 2, 2}, {11, 11, 10, 10, 12, 12, 11, 11, 9, 9, 10, 10,
                               13, 12, 12, 13});
  Pool2dAttrs attrs;
  attrs.kernel = {2, 2};
  absl::StatusOr<QTensor> y = ref::qavgPool2d(
      x, 10, 0.5f, attrs, false, 0.5f, epilogue({}, 100, 0, 255));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{100, 102, 100, 102}));
  EXPECT_EQ(ref::avgPoolMultiplier(0.5f, 0.5f, 4), 0.25f);
}

TEST(QAvgPool2d, CountIncludePad) {
  // x - zp = [4, 8; 12, 16], kernel 2x2, stride 1, top / left padding 1;
  // m = 1 / count.
  QTensor x = q({1, 1, 2, 2}, {1, 5, 9, 13});
  Pool2dAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.pads = {1, 1, 0, 0};
  absl::StatusOr<QTensor> excl = ref::qavgPool2d(
      x, -3, 1.0f, attrs, false, 1.0f, epilogue({}, 0, -128, 127));
  ASSERT_TRUE(excl.ok()) << excl.status();
  EXPECT_EQ(values(*excl), (std::vector<int32_t>{4, 6, 8, 10}));
  absl::StatusOr<QTensor> incl = ref::qavgPool2d(
      x, -3, 1.0f, attrs, true, 1.0f, epilogue({}, 0, -128, 127));
  ASSERT_TRUE(incl.ok()) << incl.status();
  EXPECT_EQ(values(*incl), (std::vector<int32_t>{1, 3, 4, 10}));
}

TEST(QAvgPool2d, CeilModePositionsAreNotCounted) {
  // 3x3 input 1..9, kernel 2, stride 2, ceil_mode: the last windows hang
  // over the edge; their divisor counts only the input (even with
  // count_include_pad, as the float kernel).
  QTensor x = q({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Pool2dAttrs attrs;
  attrs.kernel = {2, 2};
  attrs.strides = {2, 2};
  attrs.ceilMode = true;
  absl::StatusOr<QTensor> y = ref::qavgPool2d(
      x, 0, 1.0f, attrs, true, 1.0f, epilogue({}, 0, 0, 255));
  ASSERT_TRUE(y.ok()) << y.status();
  // 12 / 4 = 3, 9 / 2 = 4.5 -> 4, 15 / 2 = 7.5 -> 8, 9 / 1.
  EXPECT_EQ(values(*y), (std::vector<int32_t>{3, 4, 8, 9}));
}

TEST(QAvgPool2d, ClampsAndRejects) {
  QTensor x = q({1, 1, 1, 2}, {0, 255});
  Pool2dAttrs attrs;
  attrs.kernel = {1, 1};
  // m = 1 / (0.5 * 1) = 2: 0 - 128 -> -256 -> clamp_min; 127 -> 254 + 2 -> clamp_max.
  absl::StatusOr<QTensor> y = ref::qavgPool2d(
      x, 128, 1.0f, attrs, false, 0.5f, epilogue({}, 2, 0, 200));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{0, 200}));
  y = ref::qavgPool2d(x, 0, 1.0f, attrs, false, 0.0f,
                      epilogue({}, 0, 0, 255));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("must be finite"));
  y = ref::qavgPool2d(x, 0, 1.0f, attrs, false, 1.0f,
                      epilogue({}, 0, 10, 5));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("is empty"));
}

TEST(QMul, IntegerProductRoundsTiesToEven) {
  // (a - 3) * (b + 2) = [2, 6, -2, 10, 124 * 127]; m = 0.25 (exact):
  // 0.5, 1.5, -0.5, 2.5 -> 0, 2, -0, 2; the last clamps.
  QTensor a = q({5}, {4, 5, 2, 8, 127});
  QTensor b = q({5}, {0, 1, 0, 0, 125});
  absl::StatusOr<QTensor> y =
      ref::qmul(a, 3, b, -2, 0.25f, epilogue({}, -1, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{-1, 1, -1, 1, 127}));
  y = ref::qmul(a, 3, q({4}, {0, 0, 0, 0}), 0, 0.25f,
                epilogue({}, 0, -128, 127));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("do not broadcast"));
}

TEST(QMul, OperandsBroadcast) {
  // [2, 3] * [2, 1] (a squeeze-excitation-like scale per row), m = 1:
  // (a - 1) * (b - 0) row by row.
  QTensor a = q({2, 3}, {1, 2, 3, 4, 5, 6});
  QTensor b = q({2, 1}, {2, -3});
  absl::StatusOr<QTensor> y =
      ref::qmul(a, 1, b, 0, 1.0f, epilogue({}, 0, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->shape()[0], 2u);
  EXPECT_EQ(y->shape()[1], 3u);
  EXPECT_EQ(values(*y), (std::vector<int32_t>{0, 2, 4, -9, -12, -15}));
  // And the other way round: the lower-rank operand first.
  y = ref::qmul(q({3}, {2, 1, 0}), 0, a, 1, 1.0f, epilogue({}, 0, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{0, 1, 0, 6, 4, 0}));
}

TEST(QMatmul, BatchedProductRoundsTiesToEven) {
  // Two batch indices of [2, 3] x [3, 2]; a - 10, m = 0.5, zp_out 1:
  // batch 0: rows (0, 1, 2), (1, -1, 0) times [[1, 0], [1, 1], [1, -1]]
  // = (3, -1), (0, -1) -> 1.5 -> 2, -0.5 -> 0, 0, -0.5 -> 0, then + 1.
  // batch 1: rows (-10, 0, 117) times [[2, -128], [0, 127], [1, 0]]
  // = (97, 1280), and (0, 0, 0) -> 0: 48.5 -> 48, 640; + 1, clamp to 127.
  QTensor a = q({2, 2, 3}, {10, 11, 12, 11, 9, 10, 0, 10, 127, 10, 10, 10});
  QTensor b = q({2, 3, 2}, {1, 0, 1, 1, 1, -1, 2, -128, 0, 127, 1, 0});
  absl::StatusOr<QTensor> y =
      ref::qmatmul(a, 10, b, 0.5f, epilogue({}, 1, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(std::vector<size_t>(y->shape().begin(), y->shape().end()),
            (std::vector<size_t>{2, 2, 2}));
  EXPECT_EQ(values(*y), (std::vector<int32_t>{3, 1, 1, 1, 49, 127, 1, 1}));
  // Batch dimensions must agree (no broadcasting), K too.
  y = ref::qmatmul(a, 10, q({1, 3, 2}, {0, 0, 0, 0, 0, 0}), 0.5f,
                   epilogue({}, 0, -128, 127));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()),
              HasSubstr("same batch dimensions"));
  y = ref::qmatmul(a, 10, q({2, 2, 2}, {0, 0, 0, 0, 0, 0, 0, 0}), 0.5f,
                   epilogue({}, 0, -128, 127));
  ASSERT_FALSE(y.ok());
}

TEST(QRequantize, ChangesQParamsAndType) {
  // i8 zp -10 -> ui8 zp 128 with m = 0.5: (x + 10) * 0.5 rounded to even.
  QTensor x = q({5}, {-128, -9, -7, 0, 127});
  absl::StatusOr<QTensor> y =
      ref::qrequantize(x, -10, 0.5f, epilogue({}, 128, 0, 255));
  ASSERT_TRUE(y.ok()) << y.status();
  // -118 * 0.5 = -59; 0.5 -> 0; 1.5 -> 2; 5; 68.5 -> 68.
  EXPECT_EQ(values(*y), (std::vector<int32_t>{69, 128, 130, 133, 196}));
  // m = 1 with a narrower range only clamps.
  y = ref::qrequantize(q({3}, {0, 100, 255}), 0, 1.0f,
                       epilogue({}, 0, 0, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{0, 100, 127}));
}

TEST(IntKernels, RejectBadEpilogues) {
  QTensor x = q({1, 2}, {1, 2});
  QTensor w = q({3, 2}, {1, 1, 1, 1, 1, 1});
  absl::StatusOr<QTensor> y =
      ref::qlinear(x, 0, w, nullptr, epilogue({1.0f, 1.0f}, 0, 0, 255));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("needs 1 or 3"));
  y = ref::qlinear(x, 0, w, nullptr, epilogue({0.0f}, 0, 0, 255));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("must be finite"));
  y = ref::qadd(x, 0, 1.0f, q({2, 1}, {1, 2}), 0, 1.0f,
                epilogue({}, 0, 0, 255));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()), HasSubstr("same shape"));
}

} // namespace
} // namespace qc::test
