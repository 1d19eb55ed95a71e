//===- QParamsTest.cpp - Quantization range and qparam math ---------------===//
//
// Part of qc's unit tests. Hand-computed cases for QParams.h; the PyTorch
// comparison over many ranges is in ObserverGoldenTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "quantizers/observers/QParams.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace qc {
namespace {

QParamsOptions opts(QuantDtype dtype, QScheme qscheme, bool reduceRange = false) {
  QParamsOptions o;
  o.dtype = dtype;
  o.qscheme = qscheme;
  o.reduceRange = reduceRange;
  return o;
}

QuantRange rangeOf(const QParamsOptions &o) {
  absl::StatusOr<QuantRange> r = calculateQuantRange(o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : QuantRange{};
}

TEST(QuantRange, DefaultsAndReduceRange) {
  struct Row {
    QuantDtype dtype;
    bool reduce;
    int64_t qmin, qmax;
  } rows[] = {
      {QuantDtype::kQUInt8, false, 0, 255},
      {QuantDtype::kQUInt8, true, 0, 127},
      {QuantDtype::kQInt8, false, -128, 127},
      {QuantDtype::kQInt8, true, -64, 63},
      {QuantDtype::kQInt16, false, -32768, 32767},
      {QuantDtype::kQInt16, true, -16384, 16383},
      {QuantDtype::kQInt32, false, -2147483648LL, 2147483647LL},
      // PyTorch ignores reduce_range for qint32.
      {QuantDtype::kQInt32, true, -2147483648LL, 2147483647LL},
  };
  for (const Row &r : rows) {
    QuantRange q =
        rangeOf(opts(r.dtype, QScheme::kPerTensorAffine, r.reduce));
    EXPECT_EQ(q.qmin, r.qmin) << toString(r.dtype) << " reduce=" << r.reduce;
    EXPECT_EQ(q.qmax, r.qmax) << toString(r.dtype) << " reduce=" << r.reduce;
  }
}

TEST(QuantRange, CustomRangeIsFloorHalvedByReduceRange) {
  QParamsOptions o = opts(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric);
  o.quantMin = -7;
  o.quantMax = 7;
  QuantRange q = rangeOf(o);
  EXPECT_EQ(q.qmin, -7);
  EXPECT_EQ(q.qmax, 7);
  o.reduceRange = true;
  q = rangeOf(o);
  EXPECT_EQ(q.qmin, -4); // Python's -7 // 2
  EXPECT_EQ(q.qmax, 3);
}

TEST(QuantRange, RejectsBadOptions) {
  QParamsOptions o = opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine);
  o.quantMin = 0;
  absl::Status st = validateQParamsOptions(o);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("together"), absl::string_view::npos) << st;

  o.quantMax = 300;
  st = validateQParamsOptions(o);
  EXPECT_NE(st.message().find("exceeds quint8 range"), absl::string_view::npos)
      << st;

  o.quantMin = 1;
  o.quantMax = 10;
  st = validateQParamsOptions(o);
  EXPECT_NE(st.message().find("must include 0"), absl::string_view::npos) << st;

  o.quantMin = 0;
  o.quantMax = 0;
  st = validateQParamsOptions(o);
  EXPECT_NE(st.message().find("strictly less"), absl::string_view::npos) << st;

  QParamsOptions e = opts(QuantDtype::kQInt8, QScheme::kPerTensorAffine);
  e.eps = 0.0f;
  EXPECT_FALSE(validateQParamsOptions(e).ok());
  e.eps = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(validateQParamsOptions(e).ok());
  EXPECT_FALSE(calculateQParams(-1.0f, 1.0f, e).ok());
}

TEST(QuantDtypeNames, RoundTripAndAliases) {
  for (QuantDtype d : {QuantDtype::kQUInt8, QuantDtype::kQInt8,
                       QuantDtype::kQInt16, QuantDtype::kQInt32}) {
    absl::StatusOr<QuantDtype> p = parseQuantDtype(toString(d));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, d);
  }
  EXPECT_EQ(*parseQuantDtype("u8"), QuantDtype::kQUInt8);
  EXPECT_EQ(*parseQuantDtype("s16"), QuantDtype::kQInt16);
  absl::StatusOr<QuantDtype> bad = parseQuantDtype("int4");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'int4'"), absl::string_view::npos);
  for (QScheme q : {QScheme::kPerTensorAffine, QScheme::kPerTensorSymmetric,
                    QScheme::kPerChannelAffine, QScheme::kPerChannelSymmetric})
    EXPECT_EQ(*parseQScheme(toString(q)), q);
  EXPECT_FALSE(parseQScheme("per_channel_affine_float_qparams").ok());
}

TEST(CalculateQParams, AffineQUInt8) {
  // scale = (3 - (-1)) / 255 in float; zp = 0 - round(-1 / scale) = 64.
  absl::StatusOr<QParams> q = calculateQParams(
      -1.0f, 3.0f, opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine));
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->scale, 4.0f / 255.0f);
  EXPECT_EQ(q->zeroPoint, 64);
}

TEST(CalculateQParams, RangeAlwaysIncludesZero) {
  absl::StatusOr<QParams> q = calculateQParams(
      2.0f, 5.0f, opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 5.0f / 255.0f);
  EXPECT_EQ(q->zeroPoint, 0);
  q = calculateQParams(-5.0f, -2.0f,
                       opts(QuantDtype::kQInt8, QScheme::kPerTensorAffine));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 5.0f / 255.0f);
  EXPECT_EQ(q->zeroPoint, 127);
}

TEST(CalculateQParams, Symmetric) {
  // qint8: scale = max(|min|, max) / 127.5, zero point 0.
  absl::StatusOr<QParams> q = calculateQParams(
      -2.0f, 1.0f, opts(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 2.0f / 127.5f);
  EXPECT_EQ(q->zeroPoint, 0);
  // quint8 symmetric: zero point 128.
  q = calculateQParams(-2.0f, 1.0f,
                       opts(QuantDtype::kQUInt8, QScheme::kPerTensorSymmetric));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 2.0f / 127.5f);
  EXPECT_EQ(q->zeroPoint, 128);
  // Custom quint8 range: the floored midpoint.
  QParamsOptions o = opts(QuantDtype::kQUInt8, QScheme::kPerTensorSymmetric);
  o.quantMin = 0;
  o.quantMax = 15;
  q = calculateQParams(-2.0f, 1.0f, o);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 2.0f / 7.5f);
  EXPECT_EQ(q->zeroPoint, 7);
}

TEST(CalculateQParams, EpsFloorOnDegenerateRange) {
  const float eps = std::numeric_limits<float>::epsilon();
  absl::StatusOr<QParams> q = calculateQParams(
      0.0f, 0.0f, opts(QuantDtype::kQInt8, QScheme::kPerTensorAffine));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, eps);
  EXPECT_EQ(q->zeroPoint, -128);
  q = calculateQParams(-1e-9f, 1e-9f,
                       opts(QuantDtype::kQUInt8, QScheme::kPerTensorSymmetric));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, eps);
  QParamsOptions big = opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine);
  big.eps = 0.5f;
  q = calculateQParams(-1.0f, 1.0f, big);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scale, 0.5f);
}

TEST(CalculateQParams, RejectsBadRanges) {
  const QParamsOptions o = opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  absl::StatusOr<QParams> q = calculateQParams(nan, 1.0f, o);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("finite"), absl::string_view::npos);
  EXPECT_FALSE(calculateQParams(0.0f, inf, o).ok());
  q = calculateQParams(2.0f, 1.0f, o);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("must not exceed"),
            absl::string_view::npos);
  q = calculateQParams(-3e38f, 3e38f, o);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("not finite"), absl::string_view::npos)
      << q.status();
}

TEST(CalculateQParams, PerChannelNamesTheChannel) {
  const QParamsOptions o =
      opts(QuantDtype::kQInt8, QScheme::kPerChannelSymmetric);
  std::vector<float> mins = {-1.0f, -2.0f, 0.0f};
  std::vector<float> maxs = {1.0f, 4.0f, 0.0f};
  absl::StatusOr<PerChannelQParams> q =
      calculatePerChannelQParams(mins, maxs, o);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->scales.size(), 3u);
  EXPECT_EQ(q->scales[0], 1.0f / 127.5f);
  EXPECT_EQ(q->scales[1], 4.0f / 127.5f);
  EXPECT_EQ(q->scales[2], std::numeric_limits<float>::epsilon());
  EXPECT_EQ(q->zeroPoints, (std::vector<int64_t>{0, 0, 0}));

  maxs[1] = -3.0f;
  q = calculatePerChannelQParams(mins, maxs, o);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("channel 1"), absl::string_view::npos)
      << q.status();
  EXPECT_FALSE(calculatePerChannelQParams({}, {}, o).ok());
  EXPECT_FALSE(calculatePerChannelQParams(mins, {1.0f}, o).ok());
}

/// Property: for every range, zero is exactly representable (quantize(0) ==
/// zero point and dequantize(zero point) == 0), the zero point lies inside
/// [qmin, qmax] (except PyTorch's quint8 symmetric 128 with a reduced
/// range, which the observers reject), and the range ends quantize inside
/// [qmin, qmax] within one step of the ends.
TEST(CalculateQParams, ZeroIsExactAndEndsMapToRangeEnds) {
  std::mt19937 gen(1234);
  std::uniform_real_distribution<float> mag(-6.0f, 6.0f);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const QParamsOptions configs[] = {
      opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine),
      opts(QuantDtype::kQUInt8, QScheme::kPerTensorAffine, true),
      opts(QuantDtype::kQInt8, QScheme::kPerTensorAffine),
      opts(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric),
      opts(QuantDtype::kQUInt8, QScheme::kPerTensorSymmetric),
      opts(QuantDtype::kQInt16, QScheme::kPerTensorAffine),
  };
  for (int iter = 0; iter < 2000; ++iter) {
    float a = std::pow(10.0f, mag(gen)) * (unit(gen) < 0.5f ? -1.0f : 1.0f);
    float b = std::pow(10.0f, mag(gen)) * (unit(gen) < 0.5f ? -1.0f : 1.0f);
    float lo = std::min(a, b), hi = std::max(a, b);
    for (const QParamsOptions &o : configs) {
      QuantRange r = rangeOf(o);
      absl::StatusOr<QParams> q = calculateQParams(lo, hi, o);
      ASSERT_TRUE(q.ok()) << q.status();
      ASSERT_GT(q->scale, 0.0f);
      ASSERT_GE(q->zeroPoint, r.qmin);
      ASSERT_LE(q->zeroPoint, r.qmax);
      EXPECT_EQ(quantizeValue(0.0f, *q, r), q->zeroPoint);
      EXPECT_EQ(dequantizeValue(q->zeroPoint, *q), 0.0f);
      // The ends land on (or one step inside) the ends of the range.
      float lo0 = std::min(lo, 0.0f), hi0 = std::max(hi, 0.0f);
      if (!isSymmetric(o.qscheme) && q->scale > o.eps) {
        EXPECT_LE(quantizeValue(lo0, *q, r) - r.qmin, 1) << lo << " " << hi;
        EXPECT_LE(r.qmax - quantizeValue(hi0, *q, r), 1) << lo << " " << hi;
      }
    }
  }
}

} // namespace
} // namespace qc
