//===- IntResizeTest.cpp - qresize and qconvTranspose2d ------------------===//
//
// The reference kernels of qc.qresize and qc.qconv_transpose2d: hand-computed
// fixed-point bilinear weights and their rounding, nearest as a copy and as a
// requantize, the coordinate modes shared with the float resize, and a
// transposed convolution against the float kernel on integer-valued data
// (where the float sums are exact), with groups, strides, pads,
// output_padding and dilation.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsInt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace qc::test {
namespace {

using ::testing::HasSubstr;
using ref::QTensor;
using ref::Tensor;

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

ref::ResizeAttrs attrs(ref::ResizeMode mode, ref::CoordinateTransformMode ctm,
                       ref::NearestMode nearest =
                           ref::NearestMode::RoundPreferFloor) {
  ref::ResizeAttrs a;
  a.mode = mode;
  a.coordinateTransformMode = ctm;
  a.nearestMode = nearest;
  return a;
}

TEST(ResizeFixedWeights, RoundHalfToEvenAndSumTo2048) {
  // l = 0.25 -> 512 / 1536; l = 1 / 3 (f32) -> 682.67 -> 683 / 1365;
  // l = 0.5 / 2048 (a tie at 0.5) -> 0 (even) / 2048.
  EXPECT_EQ(ref::resizeFixedWeights({0, 1, 0.75f, 0.25f}),
            std::make_pair(1536, 512));
  EXPECT_EQ(ref::resizeFixedWeights({0, 1, 0.0f, 1.0f / 3.0f}),
            std::make_pair(1365, 683));
  EXPECT_EQ(ref::resizeFixedWeights({0, 1, 1.0f, 0.5f / 2048.0f}),
            std::make_pair(2048, 0));
  EXPECT_EQ(ref::resizeFixedWeights({0, 1, 1.0f, 1.5f / 2048.0f}),
            std::make_pair(2046, 2));
}

TEST(QResize, NearestWithSharedQParamsIsTheFloatResize) {
  QTensor x = q({1, 2, 2, 3}, {0, 50, 255, 7, 8, 9, 100, 101, 102, 1, 2, 3});
  Tensor xf = Tensor::from_shape({1, 2, 2, 3});
  std::copy(x.begin(), x.end(), xf.begin());
  for (auto ctm : {ref::CoordinateTransformMode::HalfPixel,
                   ref::CoordinateTransformMode::Asymmetric,
                   ref::CoordinateTransformMode::AlignCorners,
                   ref::CoordinateTransformMode::PytorchHalfPixel})
    for (auto nm : {ref::NearestMode::Floor, ref::NearestMode::Ceil,
                    ref::NearestMode::RoundPreferFloor,
                    ref::NearestMode::RoundPreferCeil}) {
      ref::ResizeAttrs a = attrs(ref::ResizeMode::Nearest, ctm, nm);
      absl::StatusOr<QTensor> y = ref::qresize(
          x, 17, {1, 2, 5, 4}, a, {}, 1.0f, epilogue({}, 17, 0, 255));
      absl::StatusOr<Tensor> yf = ref::resize(xf, {1, 2, 5, 4}, a);
      ASSERT_TRUE(y.ok()) << y.status();
      ASSERT_TRUE(yf.ok()) << yf.status();
      std::vector<int32_t> want(yf->begin(), yf->end());
      EXPECT_EQ(values(*y), want);
    }
}

TEST(QResize, NearestRequantizes) {
  // (x - 10) * 0.5 + 3, round half to even, clamp [0, 20].
  QTensor x = q({1, 1, 1, 4}, {10, 13, 15, 100});
  absl::StatusOr<QTensor> y = ref::qresize(
      x, 10, {1, 1, 1, 4},
      attrs(ref::ResizeMode::Nearest, ref::CoordinateTransformMode::Asymmetric),
      {}, 0.5f, epilogue({}, 3, 0, 20));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{3, 5, 5, 20}));
}

TEST(QResize, LinearFixedPointHandComputed) {
  // Width 2 -> 4, half_pixel: source coordinates -0.25 (clamped to 0), 0.25,
  // 0.75, 1.25 (clamped to 1): weights of x1 0, 512, 1536, 0 (of 2048).
  // x - zp = [0, 100]: acc / 2^22 = 0, 25, 75, 100 exactly (the height
  // axis is 1 -> 1: weight 2048 on row 0).
  QTensor x = q({1, 1, 1, 2}, {-5, 95});
  absl::StatusOr<QTensor> y = ref::qresize(
      x, -5, {1, 1, 1, 4},
      attrs(ref::ResizeMode::Linear, ref::CoordinateTransformMode::HalfPixel),
      {}, 1.0f, epilogue({}, -5, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{-5, 20, 70, 95}));
  // Half the scale: 12.5 -> 12 and 37.5 -> 38 (ties to even), + zp 1.
  absl::StatusOr<QTensor> h = ref::qresize(
      x, -5, {1, 1, 1, 4},
      attrs(ref::ResizeMode::Linear, ref::CoordinateTransformMode::HalfPixel),
      {}, 0.5f, epilogue({}, 1, -128, 127));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(values(*h), (std::vector<int32_t>{1, 13, 39, 51}));
}

TEST(QResize, LinearWithinOneStepOfTheFloatForm) {
  // Every coordinate mode, 3x5 -> 7x4, full-range values: the integer form
  // is within one step of quantize(bilinear(dequantize(x))).
  std::vector<int32_t> data(2 * 3 * 5);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<int32_t>((i * 97 + 13) % 256);
  QTensor x = q({1, 2, 3, 5}, data);
  Tensor xf = Tensor::from_shape({1, 2, 3, 5});
  for (size_t i = 0; i < data.size(); ++i)
    xf.data()[i] = static_cast<float>(data[i] - 128) * 0.05f;
  for (auto ctm : {ref::CoordinateTransformMode::HalfPixel,
                   ref::CoordinateTransformMode::Asymmetric,
                   ref::CoordinateTransformMode::AlignCorners,
                   ref::CoordinateTransformMode::PytorchHalfPixel}) {
    ref::ResizeAttrs a = attrs(ref::ResizeMode::Linear, ctm);
    absl::StatusOr<QTensor> y = ref::qresize(x, 128, {1, 2, 7, 4}, a, {},
                                             0.05f / 0.04f,
                                             epilogue({}, 120, 0, 255));
    absl::StatusOr<Tensor> yf = ref::resize(xf, {1, 2, 7, 4}, a);
    ASSERT_TRUE(y.ok()) << y.status();
    ASSERT_TRUE(yf.ok()) << yf.status();
    int worst = 0;
    for (size_t i = 0; i < y->size(); ++i) {
      double want = std::clamp(
          std::nearbyint(static_cast<double>(yf->data()[i] * (1.0f / 0.04f))) +
              120.0,
          0.0, 255.0);
      worst = std::max(worst, static_cast<int>(std::abs(y->data()[i] - want)));
    }
    EXPECT_LE(worst, 1);
  }
}

TEST(QResize, Errors) {
  QTensor x = q({1, 1, 2, 2}, {1, 2, 3, 4});
  ref::ResizeAttrs a =
      attrs(ref::ResizeMode::Linear, ref::CoordinateTransformMode::HalfPixel);
  absl::StatusOr<QTensor> c =
      ref::qresize(x, 0, {1, 2, 4, 4}, a, {}, 1.0f, epilogue({}, 0, 0, 255));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("only H and W may be resized"));
  absl::StatusOr<QTensor> m =
      ref::qresize(x, 0, {1, 1, 4, 4}, a, {}, 1e-35f, epilogue({}, 0, 0, 255));
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("2^-22 is not a normal f32"));
  absl::StatusOr<QTensor> s = ref::qresize(x, 0, {1, 1, 4, 4}, a,
                                           {1.0f, 1.0f, 3.0f, 2.0f}, 1.0f,
                                           epilogue({}, 0, 0, 255));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("does not give output size 4"));
}

TEST(QConvTranspose2d, EqualsTheFloatKernelOnIntegerData) {
  struct Case {
    int64_t cin, og, groups, h, w, kh, kw;
    ConvTranspose2dAttrs a;
  };
  auto make = [](std::array<int64_t, 2> s, std::array<int64_t, 4> p,
                 std::array<int64_t, 2> d, std::array<int64_t, 2> op,
                 int64_t g) {
    ConvTranspose2dAttrs a;
    a.strides = s;
    a.pads = p;
    a.dilations = d;
    a.outputPadding = op;
    a.groups = g;
    return a;
  };
  std::vector<Case> cases = {
      {3, 2, 1, 3, 4, 2, 2, make({2, 2}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 1)},
      {4, 3, 1, 3, 3, 3, 3, make({2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 1)},
      {6, 2, 3, 2, 3, 3, 2, make({3, 1}, {0, 1, 2, 0}, {1, 1}, {2, 0}, 3)},
      {2, 2, 1, 3, 3, 3, 3, make({2, 2}, {1, 1, 1, 1}, {2, 2}, {1, 0}, 1)},
      {4, 1, 4, 3, 3, 4, 4, make({2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 4)},
  };
  for (const Case &c : cases) {
    size_t nx = static_cast<size_t>(2 * c.cin * c.h * c.w);
    size_t nw = static_cast<size_t>(c.cin * c.og * c.kh * c.kw);
    int64_t cout = c.og * c.groups;
    QTensor x = QTensor::from_shape(
        {2, static_cast<size_t>(c.cin), static_cast<size_t>(c.h),
         static_cast<size_t>(c.w)});
    QTensor w = QTensor::from_shape(
        {static_cast<size_t>(c.cin), static_cast<size_t>(c.og),
         static_cast<size_t>(c.kh), static_cast<size_t>(c.kw)});
    QTensor b = QTensor::from_shape({static_cast<size_t>(cout)});
    Tensor xf = Tensor::from_shape(x.shape()), wf = Tensor::from_shape(w.shape()),
           bf = Tensor::from_shape(b.shape());
    const int32_t zp = 7;
    for (size_t i = 0; i < nx; ++i) {
      x.data()[i] = static_cast<int32_t>((i * 37 + 5) % 256);
      xf.data()[i] = static_cast<float>(x.data()[i] - zp);
    }
    for (size_t i = 0; i < nw; ++i) {
      w.data()[i] = static_cast<int32_t>((i * 53 + 11) % 256) - 128;
      wf.data()[i] = static_cast<float>(w.data()[i]);
    }
    for (int64_t i = 0; i < cout; ++i) {
      b.data()[i] = static_cast<int32_t>(i * 1000 - 1500);
      bf.data()[i] = static_cast<float>(b.data()[i]);
    }
    // Multiplier 1 and the widest clamp: the integer accumulators
    // themselves, which the float kernel computes exactly (|sums| < 2^24).
    absl::StatusOr<QTensor> y = ref::qconvTranspose2d(
        x, zp, w, &b, c.a, epilogue({1.0f}, 0, -(1 << 30), 1 << 30));
    absl::StatusOr<Tensor> yf = ref::convTranspose2d(xf, wf, &bf, c.a);
    ASSERT_TRUE(y.ok()) << y.status();
    ASSERT_TRUE(yf.ok()) << yf.status();
    ASSERT_EQ(y->size(), yf->size());
    std::vector<int32_t> want(yf->begin(), yf->end());
    EXPECT_EQ(values(*y), want) << "groups " << c.groups;
  }
}

TEST(QConvTranspose2d, PerChannelRequantizeAndClamp) {
  // One input pixel (x - zp = 2), 1x1 kernel, two output channels with
  // weights 3 and -5 and multipliers 0.25 and 0.5: 1.5 -> 2, -5, then the
  // clamp [-4, 127] (a fused relu-like range).
  QTensor x = q({1, 1, 1, 1}, {4});
  QTensor w = q({1, 2, 1, 1}, {3, -5});
  ConvTranspose2dAttrs a;
  absl::StatusOr<QTensor> y = ref::qconvTranspose2d(
      x, 2, w, nullptr, a, epilogue({0.25f, 0.5f}, 0, -4, 127));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(values(*y), (std::vector<int32_t>{2, -4}));
}

TEST(QConvTranspose2d, AccumulatorOverflowIsAnError) {
  QTensor x = q({1, 1, 1, 1}, {127});
  QTensor w = q({1, 1, 1, 1}, {-128});
  QTensor b = q({1}, {2147483000});
  ConvTranspose2dAttrs a;
  absl::StatusOr<QTensor> y = ref::qconvTranspose2d(
      x, -128, w, &b, a, epilogue({1.0f}, 0, -128, 127));
  ASSERT_TRUE(y.ok()) << y.status(); // 2147483000 - 32640: fits
  QTensor b2 = q({1}, {-2147483000});
  absl::StatusOr<QTensor> z = ref::qconvTranspose2d(
      x, -128, w, &b2, a, epilogue({1.0f}, 0, -128, 127));
  ASSERT_FALSE(z.ok());
  EXPECT_THAT(std::string(z.status().message()), HasSubstr("overflows int32"));
}

} // namespace
} // namespace qc::test
