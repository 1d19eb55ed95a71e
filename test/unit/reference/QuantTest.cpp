//===- QuantTest.cpp - Quantize, dequantize, requantize -------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

#include <cmath>
#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

ref::QuantRange rangeOf(const GoldenCase &c) {
  return {c.integer("qmin"), c.integer("qmax")};
}

class QuantizePerTensorGolden : public ::testing::TestWithParam<const char *> {
};

TEST_P(QuantizePerTensorGolden, MatchesPyTorchExactly) {
  GoldenCase c(GetParam());
  float scale = c.real("scale");
  int64_t zp = c.integer("zero_point");
  absl::StatusOr<QTensor> q =
      ref::quantizePerTensor(c.tensor("x"), scale, zp, rangeOf(c));
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(expectEqualQ(*q, c.qtensor("q")));
  absl::StatusOr<Tensor> dq = ref::dequantizePerTensor(*q, scale, zp);
  ASSERT_TRUE(dq.ok()) << dq.status();
  EXPECT_TRUE(expectClose(*dq, c.tensor("dq"), 0, 0));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuantizePerTensorGolden,
    ::testing::Values("quantize_ties_s8", "quantize_ties_s8_half_scale",
                      "quantize_ties_u8", "quantize_ties_s16",
                      "quantize_random_s8", "quantize_random_u8",
                      "quantize_random_s32", "quantize_random_s16"));

TEST(Quantize, RoundsHalfToEven) {
  Tensor x = {2.5f, 3.5f, -2.5f, -3.5f, 0.5f, -0.5f, 1.5f};
  absl::StatusOr<QTensor> q = ref::quantizePerTensor(
      x, 1.0f, 0, ref::quantRange(ref::QuantType::S8));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(expectEqualQ(*q, QTensor{2, 4, -2, -4, 0, 0, 2}));
  // The same ties through a scale: x / 0.25 = 10.5 -> 10 (+ zero point).
  q = ref::quantizePerTensor(Tensor{2.625f, 2.875f}, 0.25f, 100,
                             ref::quantRange(ref::QuantType::U8));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(expectEqualQ(*q, QTensor{110, 112}));
}

TEST(Quantize, SaturatesHugeValuesAndInfinities) {
  // PyTorch's float -> int64 conversion overflows past 2^63 (and returns
  // qmin); qc saturates instead.
  float inf = std::numeric_limits<float>::infinity();
  Tensor x = {1e30f, -1e30f, inf, -inf, 3e9f};
  for (ref::QuantType t : {ref::QuantType::U8, ref::QuantType::S8,
                           ref::QuantType::S16, ref::QuantType::S32}) {
    ref::QuantRange r = ref::quantRange(t);
    absl::StatusOr<QTensor> q = ref::quantizePerTensor(x, 1.0f, 0, r);
    ASSERT_TRUE(q.ok()) << q.status();
    EXPECT_TRUE(expectEqualQ(
        *q, QTensor{int32_t(r.qmax), int32_t(r.qmin), int32_t(r.qmax),
                    int32_t(r.qmin), int32_t(r.qmax)}));
  }
}

TEST(Quantize, Ranges) {
  EXPECT_EQ(ref::quantRange(ref::QuantType::U8).qmin, 0);
  EXPECT_EQ(ref::quantRange(ref::QuantType::U8).qmax, 255);
  EXPECT_EQ(ref::quantRange(ref::QuantType::S8).qmin, -128);
  EXPECT_EQ(ref::quantRange(ref::QuantType::S16).qmax, 32767);
  EXPECT_EQ(ref::quantRange(ref::QuantType::S32).qmin, INT32_MIN);
  // A reduced range (PyTorch's reduce_range for u8) clamps at 127.
  absl::StatusOr<QTensor> q =
      ref::quantizePerTensor(Tensor{-1.0f, 200.0f}, 1.0f, 0, {0, 127});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(expectEqualQ(*q, QTensor{0, 127}));
}

TEST(Quantize, Errors) {
  Tensor x = {1.0f};
  ref::QuantRange s8 = ref::quantRange(ref::QuantType::S8);
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, 0.0f, 0, s8)),
              HasSubstr("quantize: scale 0 must be a positive normal float32"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, -1.0f, 0, s8)),
              HasSubstr("scale -1 must be a positive normal float32"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(
                  x, std::numeric_limits<float>::infinity(), 0, s8)),
              HasSubstr("inf must be a positive normal float32"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, 1e-45f, 0, s8)),
              HasSubstr("with a normal reciprocal"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, 1.0f, 128, s8)),
              HasSubstr("zero point 128 is outside the range [-128, 127]"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, 1.0f, 0, {5, 4})),
              HasSubstr("invalid quantized range [5, 4]"));
  EXPECT_THAT(errorOf(ref::quantizePerTensor(x, 1.0f, 0, {0, int64_t(1) << 40})),
              HasSubstr("need qmin <= qmax within int32"));
  Tensor nan = {0.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_THAT(errorOf(ref::quantizePerTensor(nan, 1.0f, 0, s8)),
              HasSubstr("quantize: element 1 is NaN"));
  EXPECT_THAT(errorOf(ref::dequantizePerTensor(QTensor{1}, 0.0f, 0)),
              HasSubstr("dequantize: scale 0"));
}

class QuantizePerChannelGolden
    : public ::testing::TestWithParam<const char *> {};

TEST_P(QuantizePerChannelGolden, MatchesPyTorchExactly) {
  GoldenCase c(GetParam());
  std::vector<float> scales = c.reals("scales");
  std::vector<int64_t> zps = c.ints("zero_points");
  int64_t axis = c.integer("axis");
  absl::StatusOr<QTensor> q = ref::quantizePerChannel(c.tensor("x"), scales,
                                                      zps, axis, rangeOf(c));
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(expectEqualQ(*q, c.qtensor("q")));
  absl::StatusOr<Tensor> dq = ref::dequantizePerChannel(*q, scales, zps, axis);
  ASSERT_TRUE(dq.ok()) << dq.status();
  EXPECT_TRUE(expectClose(*dq, c.tensor("dq"), 0, 0));
  // A negative axis names the same dimension.
  absl::StatusOr<QTensor> qn = ref::quantizePerChannel(
      c.tensor("x"), scales, zps, axis - 4, rangeOf(c));
  ASSERT_TRUE(qn.ok()) << qn.status();
  EXPECT_TRUE(expectEqualQ(*qn, *q));
}

INSTANTIATE_TEST_SUITE_P(Cases, QuantizePerChannelGolden,
                         ::testing::Values("quantize_per_channel_axis0_s8",
                                           "quantize_per_channel_axis1_u8"));

TEST(QuantizePerChannel, Errors) {
  Tensor x = ref::zeros({2, 3});
  ref::QuantRange s8 = ref::quantRange(ref::QuantType::S8);
  EXPECT_THAT(errorOf(ref::quantizePerChannel(x, {1, 1}, {0, 0}, 1, s8)),
              HasSubstr("quantizePerChannel: axis 1 of shape (2, 3) has 3 "
                        "channels but got 2 scales and 2 zero points"));
  EXPECT_THAT(errorOf(ref::quantizePerChannel(x, {1, 0}, {0, 0}, 0, s8)),
              HasSubstr("scale of channel 1 0 must be a positive normal float32"));
  EXPECT_THAT(errorOf(ref::quantizePerChannel(x, {1, 1}, {0, 200}, 0, s8)),
              HasSubstr("zero point of channel 1 200 is outside the range"));
  EXPECT_THAT(errorOf(ref::quantizePerChannel(x, {1, 1}, {0, 0}, 2, s8)),
              HasSubstr("axis 2 is out of range"));
  EXPECT_THAT(errorOf(ref::dequantizePerChannel(QTensor{{1, 2}}, {1}, {0}, 1)),
              HasSubstr("dequantizePerChannel: axis 1 of shape (1, 2) has 2 "
                        "channels but got 1 scales"));
}

TEST(DequantizeBlocked, BlocksAlongEitherAxisWithAShortLastBlock) {
  // [2, 5] along axis 1, blocks of 2: 3 blocks per row, the last of 1.
  QTensor q{{1, -2, 3, 4, -8}, {7, 0, -1, 2, 5}};
  std::vector<float> scales{0.5f, 0.25f, 2.0f, 1.0f, 0.125f, 4.0f};
  std::vector<int64_t> zps{0, 1, 0, -1, 0, 2};
  absl::StatusOr<Tensor> dq = ref::dequantizeBlocked(q, scales, zps, 1, 2);
  ASSERT_TRUE(dq.ok()) << dq.status();
  EXPECT_TRUE(expectClose(*dq,
                          Tensor{{0.5f, -1.0f, 0.5f, 0.75f, -16.0f},
                                 {8.0f, 1.0f, -0.125f, 0.25f, 12.0f}},
                          0, 0));
  // [3, 2] along axis 0 (a matmul's [K, N]), blocks of 2: qparams [2, 2].
  QTensor m{{1, 2}, {3, 4}, {5, 6}};
  absl::StatusOr<Tensor> dm =
      ref::dequantizeBlocked(m, {1.0f, 0.5f, 2.0f, 0.25f}, {0, 0, 1, 2}, -2, 2);
  ASSERT_TRUE(dm.ok()) << dm.status();
  EXPECT_TRUE(
      expectClose(*dm, Tensor{{1.0f, 1.0f}, {3.0f, 2.0f}, {8.0f, 1.0f}}, 0, 0));
  EXPECT_THAT(errorOf(ref::dequantizeBlocked(q, {1.0f}, {0}, 1, 2)),
              HasSubstr("needs 6 scales and zero points, got 1 and 1"));
  EXPECT_THAT(errorOf(ref::dequantizeBlocked(q, scales, zps, 1, 0)),
              HasSubstr("block size 0 do not fit shape"));
}

TEST(WeightOnlyLinear, GroupsZeroPointsScalesAndBias) {
  // x [1, 3], q [N = 2, K = 3], groups of 2 (the last of 1), per (n, g):
  // n0: (1 * 1 + -2 * 2) * 0.5 = -1.5, then fma(2, (3 - 1) * 3, -1.5) =
  // 10.5, + 10; n1: ((4 - 1) * 1 + (5 - 1) * 2) * 0.25 = 2.75, then
  // fma(1, -6 * 3, 2.75) = -15.25, - 1.
  absl::StatusOr<Tensor> y = ref::weightOnlyLinear(
      Tensor{{1.0f, 2.0f, 3.0f}}, {1, -2, 3, 4, 5, -6}, {0.5f, 2.0f, 0.25f, 1.0f},
      {0, 1, 1, 0}, /*n=*/2, /*group=*/2, nullptr);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, Tensor{{10.5f, -15.25f}}, 0, 0));
  Tensor bias{10.0f, -1.0f};
  y = ref::weightOnlyLinear(Tensor{{1.0f, 2.0f, 3.0f}}, {1, -2, 3, 4, 5, -6},
                            {0.5f, 2.0f, 0.25f, 1.0f}, {0, 1, 1, 0}, 2, 2,
                            &bias);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, Tensor{{20.5f, -16.25f}}, 0, 0));
}

TEST(WeightOnlyLinear, FusedMultiplyAddRoundsOnce) {
  // p = -4098 * 1, then fma(4097, 1 + 2^-12, p): the product 4098 + 2^-12
  // is not a float (a separate multiply rounds it to 4098 and the sum to 0);
  // the fused multiply-add keeps 2^-12 exactly.
  const float x1 = 1.0f + std::ldexp(1.0f, -12);
  absl::StatusOr<Tensor> y = ref::weightOnlyLinear(
      Tensor{{1.0f, x1}}, {-4098, 4097}, {1.0f}, {0}, 1, 2, nullptr);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)(0, 0), std::ldexp(1.0f, -12));
}

TEST(WeightOnlyLinear, RejectsMismatchedSizes) {
  Tensor x{{1.0f, 2.0f, 3.0f}};
  EXPECT_THAT(errorOf(ref::weightOnlyLinear(x, {1, 2}, {1.0f}, {0}, 1, 3,
                                            nullptr)),
              HasSubstr("does not have N x K values"));
  EXPECT_THAT(errorOf(ref::weightOnlyLinear(x, {1, 2, 3}, {1.0f}, {0}, 1, 2,
                                            nullptr)),
              HasSubstr("expected N x groups scales"));
  Tensor bias{1.0f, 2.0f};
  EXPECT_THAT(errorOf(ref::weightOnlyLinear(x, {1, 2, 3}, {1.0f}, {0}, 1, 3,
                                            &bias)),
              HasSubstr("the bias must have N values"));
}

class RequantizeGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(RequantizeGolden, MatchesDesignRule) {
  GoldenCase c(GetParam());
  absl::StatusOr<QTensor> q =
      ref::requantize(c.qtensor("acc"), c.reals("multipliers"),
                      c.integer("axis"), c.integer("zero_point"), rangeOf(c));
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(expectEqualQ(*q, c.qtensor("q")));
}

INSTANTIATE_TEST_SUITE_P(Cases, RequantizeGolden,
                         ::testing::Values("requantize_per_channel",
                                           "requantize_per_tensor_relu"));

TEST(Requantize, TiesAndErrors) {
  // 1000 * 0.0005 = 0.5 -> 0, 3000 * 0.0005 = 1.5 -> 2, both ties.
  absl::StatusOr<QTensor> q =
      ref::requantize(QTensor{1000, 3000, -1000, -3000}, {0.0005f}, 0, 0,
                      ref::quantRange(ref::QuantType::S8));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(expectEqualQ(*q, QTensor{0, 2, 0, -2}));
  ref::QuantRange s8 = ref::quantRange(ref::QuantType::S8);
  EXPECT_THAT(errorOf(ref::requantize(QTensor{{1, 2}}, {1, 1, 1}, 1, 0, s8)),
              HasSubstr("requantize: axis 1 of shape (1, 2) has 2 channels "
                        "but got 3 multipliers"));
  EXPECT_THAT(errorOf(ref::requantize(QTensor{1}, {-1}, 0, 0, s8)),
              HasSubstr("multiplier -1 (index 0) must be finite and > 0"));
  EXPECT_THAT(errorOf(ref::requantize(QTensor{1}, {1}, 0, -129, s8)),
              HasSubstr("zero point -129 is outside the range"));
}

} // namespace
} // namespace qc::test
