//===- DynamicQuantTest.cpp - run-time qparams (dynamic quantization) -----===//
//
// chooseQuantizationParams and dynamicFakeQuant (qc.dynamic_fake_quant)
// against PyTorch 1.13's torch.quantize_per_tensor_dynamic, which uses the
// same quant_utils::ChooseQuantizationParams as the dynamic quantized linear
// kernels. Goldens: gen_dynamic_qparams.py.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

#include "reference/KernelsInt.h"

#include <xtensor/xview.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

struct QParamsCase {
  float lo, hi;
  int64_t qmin, qmax;
  float scale;
  int64_t zeroPoint;
};

// [min, max] pairs x {u8 [0, 255], u8 reduce_range [0, 127], s8 [-128, 127],
// s8 reduce_range [-64, 63]}: zero-size, mixed, all positive / negative,
// below the 6.1e-5 scale floor, huge, random magnitudes 1e-5 .. 1e3.
constexpr QParamsCase kCases[] = {
    {0.000000000e+00f, 0.000000000e+00f, 0, 255, 1.000000015e-01f, 0},
    {0.000000000e+00f, 0.000000000e+00f, 0, 127, 1.000000015e-01f, 0},
    {0.000000000e+00f, 0.000000000e+00f, -128, 127, 1.000000015e-01f, 127},
    {0.000000000e+00f, 0.000000000e+00f, -64, 63, 1.000000015e-01f, 63},
    {-1.000000000e+00f, 2.000000000e+00f, 0, 255, 1.176470611e-02f, 85},
    {-1.000000000e+00f, 2.000000000e+00f, 0, 127, 2.362204716e-02f, 42},
    {-1.000000000e+00f, 2.000000000e+00f, -128, 127, 1.176470611e-02f, -43},
    {-1.000000000e+00f, 2.000000000e+00f, -64, 63, 2.362204716e-02f, -22},
    {5.000000000e-01f, 3.500000000e+00f, 0, 255, 1.372549031e-02f, 0},
    {5.000000000e-01f, 3.500000000e+00f, 0, 127, 2.755905502e-02f, 0},
    {5.000000000e-01f, 3.500000000e+00f, -128, 127, 1.372549031e-02f, -128},
    {5.000000000e-01f, 3.500000000e+00f, -64, 63, 2.755905502e-02f, -64},
    {-4.000000000e+00f, -2.500000000e-01f, 0, 255, 1.568627544e-02f, 255},
    {-4.000000000e+00f, -2.500000000e-01f, 0, 127, 3.149606287e-02f, 127},
    {-4.000000000e+00f, -2.500000000e-01f, -128, 127, 1.568627544e-02f, 127},
    {-4.000000000e+00f, -2.500000000e-01f, -64, 63, 3.149606287e-02f, 63},
    {-9.999999975e-07f, 3.000000106e-06f, 0, 255, 6.099999882e-05f, 64},
    {-9.999999975e-07f, 3.000000106e-06f, 0, 127, 6.099999882e-05f, 32},
    {-9.999999975e-07f, 3.000000106e-06f, -128, 127, 6.099999882e-05f, -64},
    {-9.999999975e-07f, 3.000000106e-06f, -64, 63, 6.099999882e-05f, -32},
    {9.999999975e-07f, 1.999999995e-06f, 0, 255, 6.099999882e-05f, 0},
    {9.999999975e-07f, 1.999999995e-06f, 0, 127, 6.099999882e-05f, 0},
    {9.999999975e-07f, 1.999999995e-06f, -128, 127, 6.099999882e-05f, -128},
    {9.999999975e-07f, 1.999999995e-06f, -64, 63, 6.099999882e-05f, -64},
    {-1.999999995e-06f, -1.000000012e-07f, 0, 255, 6.099999882e-05f, 255},
    {-1.999999995e-06f, -1.000000012e-07f, 0, 127, 6.099999882e-05f, 127},
    {-1.999999995e-06f, -1.000000012e-07f, -128, 127, 6.099999882e-05f, 127},
    {-1.999999995e-06f, -1.000000012e-07f, -64, 63, 6.099999882e-05f, 63},
    {-2.999999924e-05f, 9.999999747e-06f, 0, 255, 6.099999882e-05f, 191},
    {-2.999999924e-05f, 9.999999747e-06f, 0, 127, 6.099999882e-05f, 95},
    {-2.999999924e-05f, 9.999999747e-06f, -128, 127, 6.099999882e-05f, 63},
    {-2.999999924e-05f, 9.999999747e-06f, -64, 63, 6.099999882e-05f, 31},
    {-1.000000015e+30f, 1.000000015e+30f, 0, 255, 7.843137651e+27f, 128},
    {-1.000000015e+30f, 1.000000015e+30f, 0, 127, 1.574803205e+28f, 64},
    {-1.000000015e+30f, 1.000000015e+30f, -128, 127, 7.843137651e+27f, 0},
    {-1.000000015e+30f, 1.000000015e+30f, -64, 63, 1.574803205e+28f, -1},
    {-7.812500000e-03f, 1.992187500e+00f, 0, 255, 7.843137719e-03f, 1},
    {-7.812500000e-03f, 1.992187500e+00f, 0, 127, 1.574803144e-02f, 0},
    {-7.812500000e-03f, 1.992187500e+00f, -128, 127, 7.843137719e-03f, -127},
    {-7.812500000e-03f, 1.992187500e+00f, -64, 63, 1.574803144e-02f, -64},
    {-1.270000000e+02f, 1.280000000e+02f, 0, 255, 1.000000000e+00f, 127},
    {-1.270000000e+02f, 1.280000000e+02f, 0, 127, 2.007874012e+00f, 63},
    {-1.270000000e+02f, 1.280000000e+02f, -128, 127, 1.000000000e+00f, -1},
    {-1.270000000e+02f, 1.280000000e+02f, -64, 63, 2.007874012e+00f, -1},
    {-1.321048621e-04f, 1.257302210e-04f, 0, 255, 6.099999882e-05f, 131},
    {-1.321048621e-04f, 1.257302210e-04f, 0, 127, 6.099999882e-05f, 65},
    {-1.321048621e-04f, 1.257302210e-04f, -128, 127, 6.099999882e-05f, 3},
    {-1.321048621e-04f, 1.257302210e-04f, -64, 63, 6.099999882e-05f, 1},
    {-5.356693691e-06f, 1.049001071e-06f, 0, 255, 6.099999882e-05f, 213},
    {-5.356693691e-06f, 1.049001071e-06f, 0, 127, 6.099999882e-05f, 106},
    {-5.356693691e-06f, 1.049001071e-06f, -128, 127, 6.099999882e-05f, 85},
    {-5.356693691e-06f, 1.049001071e-06f, -64, 63, 6.099999882e-05f, 42},
    {3.615950623e+02f, 1.304000000e+03f, 0, 255, 5.113725662e+00f, 0},
    {3.615950623e+02f, 1.304000000e+03f, 0, 127, 1.026771641e+01f, 0},
    {3.615950623e+02f, 1.304000000e+03f, -128, 127, 5.113725662e+00f, -128},
    {3.615950623e+02f, 1.304000000e+03f, -64, 63, 1.026771641e+01f, -64},
    {-1.265421486e+01f, -7.037352562e+00f, 0, 255, 4.962437227e-02f, 255},
    {-1.265421486e+01f, -7.037352562e+00f, 0, 127, 9.963949025e-02f, 127},
    {-1.265421486e+01f, -7.037352562e+00f, -128, 127, 4.962437227e-02f, 127},
    {-1.265421486e+01f, -7.037352562e+00f, -64, 63, 9.963949025e-02f, 63},
    {-6.232744548e-03f, 4.132597824e-04f, 0, 255, 6.099999882e-05f, 239},
    {-6.232744548e-03f, 4.132597824e-04f, 0, 127, 6.099999882e-05f, 119},
    {-6.232744548e-03f, 4.132597824e-04f, -128, 127, 6.099999882e-05f, 111},
    {-6.232744548e-03f, 4.132597824e-04f, -64, 63, 6.099999882e-05f, 55},
    {-1.245911026e+02f, -2.187916565e+01f, 0, 255, 4.885925651e-01f, 255},
    {-1.245911026e+02f, -2.187916565e+01f, 0, 127, 9.810323119e-01f, 127},
    {-1.245911026e+02f, -2.187916565e+01f, -128, 127, 4.885925651e-01f, 127},
    {-1.245911026e+02f, -2.187916565e+01f, -64, 63, 9.810323119e-01f, 63},
    {-7.322673810e-06f, -5.442590009e-06f, 0, 255, 6.099999882e-05f, 255},
    {-7.322673810e-06f, -5.442590009e-06f, 0, 127, 6.099999882e-05f, 127},
    {-7.322673810e-06f, -5.442590009e-06f, -128, 127, 6.099999882e-05f, 127},
    {-7.322673810e-06f, -5.442590009e-06f, -64, 63, 6.099999882e-05f, 63},
    {4.116305336e-02f, 1.042513400e-01f, 0, 255, 4.088287824e-04f, 0},
    {4.116305336e-02f, 1.042513400e-01f, 0, 127, 8.208766812e-04f, 0},
    {4.116305336e-02f, 1.042513400e-01f, -128, 127, 4.088287824e-04f, -128},
    {4.116305336e-02f, 1.042513400e-01f, -64, 63, 8.208766812e-04f, -64},
    {-1.285346571e-06f, 1.366463403e-05f, 0, 255, 6.099999882e-05f, 22},
    {-1.285346571e-06f, 1.366463403e-05f, 0, 127, 6.099999882e-05f, 11},
    {-1.285346571e-06f, 1.366463403e-05f, -128, 127, 6.099999882e-05f, -106},
    {-1.285346571e-06f, 1.366463403e-05f, -64, 63, 6.099999882e-05f, -53},
    {3.515100718e+00f, 9.034701347e+00f, 0, 255, 3.543020040e-02f, 0},
    {3.515100718e+00f, 9.034701347e+00f, 0, 127, 7.113938034e-02f, 0},
    {3.515100718e+00f, 9.034701347e+00f, -128, 127, 3.543020040e-02f, -128},
    {3.515100718e+00f, 9.034701347e+00f, -64, 63, 7.113938034e-02f, -64},
    {-7.434992981e+01f, 9.401229858e+00f, 0, 255, 3.284359276e-01f, 226},
    {-7.434992981e+01f, 9.401229858e+00f, 0, 127, 6.594579220e-01f, 113},
    {-7.434992981e+01f, 9.401229858e+00f, -128, 127, 3.284359276e-01f, 98},
    {-7.434992981e+01f, 9.401229858e+00f, -64, 63, 6.594579220e-01f, 49},
    {-4.577258301e+02f, 2.201951294e+02f, 0, 255, 2.658513546e+00f, 172},
    {-4.577258301e+02f, 2.201951294e+02f, 0, 127, 5.337960243e+00f, 86},
    {-4.577258301e+02f, 2.201951294e+02f, -128, 127, 2.658513546e+00f, 44},
    {-4.577258301e+02f, 2.201951294e+02f, -64, 63, 5.337960243e+00f, 22},
    {-1.009618149e+02f, -2.091755676e+01f, 0, 255, 3.959286809e-01f, 255},
    {-1.009618149e+02f, -2.091755676e+01f, 0, 127, 7.949749231e-01f, 127},
    {-1.009618149e+02f, -2.091755676e+01f, -128, 127, 3.959286809e-01f, 127},
    {-1.009618149e+02f, -2.091755676e+01f, -64, 63, 7.949749231e-01f, 63},
    {2.146591214e-05f, 5.408455763e-05f, 0, 255, 6.099999882e-05f, 0},
    {2.146591214e-05f, 5.408455763e-05f, 0, 127, 6.099999882e-05f, 0},
    {2.146591214e-05f, 5.408455763e-05f, -128, 127, 6.099999882e-05f, -128},
    {2.146591214e-05f, 5.408455763e-05f, -64, 63, 6.099999882e-05f, -64},
    {-6.538286209e+00f, 3.553726912e+00f, 0, 255, 3.957652301e-02f, 165},
    {-6.538286209e+00f, 3.553726912e+00f, 0, 127, 7.946466655e-02f, 82},
    {-6.538286209e+00f, 3.553726912e+00f, -128, 127, 3.957652301e-02f, 37},
    {-6.538286209e+00f, 3.553726912e+00f, -64, 63, 7.946466655e-02f, 18},
    {7.839754639e+02f, 1.493431152e+03f, 0, 255, 5.856592655e+00f, 0},
    {7.839754639e+02f, 1.493431152e+03f, 0, 127, 1.175930023e+01f, 0},
    {7.839754639e+02f, 1.493431152e+03f, -128, 127, 5.856592655e+00f, -128},
    {7.839754639e+02f, 1.493431152e+03f, -64, 63, 1.175930023e+01f, -64},
    {-1.259065533e+01f, 1.513923740e+01f, 0, 255, 1.087446809e-01f, 116},
    {-1.259065533e+01f, 1.513923740e+01f, 0, 127, 2.183456123e-01f, 58},
    {-1.259065533e+01f, 1.513923740e+01f, -128, 127, 1.087446809e-01f, -12},
    {-1.259065533e+01f, 1.513923740e+01f, -64, 63, 2.183456123e-01f, -6},
    {2.644556165e-01f, 7.813113928e-01f, 0, 255, 3.063966287e-03f, 0},
    {2.644556165e-01f, 7.813113928e-01f, 0, 127, 6.152058020e-03f, 0},
    {2.644556165e-01f, 7.813113928e-01f, -128, 127, 3.063966287e-03f, -128},
    {2.644556165e-01f, 7.813113928e-01f, -64, 63, 6.152058020e-03f, -64},
    {-3.139228344e+00f, 1.458020687e+01f, 0, 255, 6.948798150e-02f, 45},
    {-3.139228344e+00f, 1.458020687e+01f, 0, 127, 1.395231187e-01f, 22},
    {-3.139228344e+00f, 1.458020687e+01f, -128, 127, 6.948798150e-02f, -83},
    {-3.139228344e+00f, 1.458020687e+01f, -64, 63, 1.395231187e-01f, -42},
    {1.315103769e+00f, 1.801634908e+00f, 0, 255, 7.065234706e-03f, 0},
    {1.315103769e+00f, 1.801634908e+00f, 0, 127, 1.418610197e-02f, 0},
    {1.315103769e+00f, 1.801634908e+00f, -128, 127, 7.065234706e-03f, -128},
    {1.315103769e+00f, 1.801634908e+00f, -64, 63, 1.418610197e-02f, -64},
    {-1.208318558e+02f, 3.573804092e+01f, 0, 255, 6.139996052e-01f, 197},
    {-1.208318558e+02f, 3.573804092e+01f, 0, 127, 1.232833862e+00f, 98},
    {-1.208318558e+02f, 3.573804092e+01f, -128, 127, 6.139996052e-01f, 69},
    {-1.208318558e+02f, 3.573804092e+01f, -64, 63, 1.232833862e+00f, 34},
    {-1.288361359e+02f, 6.564749146e+01f, 0, 255, 7.626808882e-01f, 169},
    {-1.288361359e+02f, 6.564749146e+01f, 0, 127, 1.531367183e+00f, 84},
    {-1.288361359e+02f, 6.564749146e+01f, -128, 127, 7.626808882e-01f, 41},
    {-1.288361359e+02f, 6.564749146e+01f, -64, 63, 1.531367183e+00f, 20},
    {3.951220398e+02f, 4.298636780e+02f, 0, 255, 1.685739875e+00f, 0},
    {3.951220398e+02f, 4.298636780e+02f, 0, 127, 3.384753466e+00f, 0},
    {3.951220398e+02f, 4.298636780e+02f, -128, 127, 1.685739875e+00f, -128},
    {3.951220398e+02f, 4.298636780e+02f, -64, 63, 3.384753466e+00f, -64},
    {-1.184117889e+02f, -6.617025757e+01f, 0, 255, 4.643599689e-01f, 255},
    {-1.184117889e+02f, -6.617025757e+01f, 0, 127, 9.323762655e-01f, 127},
    {-1.184117889e+02f, -6.617025757e+01f, -128, 127, 4.643599689e-01f, 127},
    {-1.184117889e+02f, -6.617025757e+01f, -64, 63, 9.323762655e-01f, 63},
};

TEST(DynamicQParams, MatchesPyTorchChooseQuantizationParams) {
  for (const QParamsCase &c : kCases) {
    absl::StatusOr<ref::DynamicQParams> qp =
        ref::chooseQuantizationParams(c.lo, c.hi, {c.qmin, c.qmax});
    ASSERT_TRUE(qp.ok()) << qp.status();
    EXPECT_EQ(qp->scale, c.scale) << "[" << c.lo << ", " << c.hi << "] -> ["
                                  << c.qmin << ", " << c.qmax << "]";
    EXPECT_EQ(qp->zeroPoint, c.zeroPoint)
        << "[" << c.lo << ", " << c.hi << "] -> [" << c.qmin << ", " << c.qmax
        << "]";
  }
}

TEST(DynamicQParams, RejectsBadBounds) {
  float inf = std::numeric_limits<float>::infinity();
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(ref::chooseQuantizationParams(2.0f, 1.0f, {0, 255}).ok());
  EXPECT_FALSE(ref::chooseQuantizationParams(-inf, 1.0f, {0, 255}).ok());
  EXPECT_FALSE(ref::chooseQuantizationParams(nan, 1.0f, {0, 255}).ok());
  EXPECT_FALSE(ref::chooseQuantizationParams(0.0f, 1.0f, {5, 5}).ok());
}

// The qc.dynamic_fake_quant kernel: qparams of the tensor's min / max, then
// the contract quantize / dequantize.
TEST(DynamicFakeQuant, MatchesQuantizePerTensorDynamic) {
  Tensor x = Tensor::from_shape({2, 8});
  const float values[] = {
      2.036752462e+00f,  3.464854479e+00f, 1.991311193e+00f,  -2.909471750e+00f,
      3.716067553e+00f,  2.339123726e+00f, -6.108596921e-01f, 2.743354321e+00f,
      2.093717098e+00f,  1.882397532e+00f, 1.085266709e+00f,  2.640138865e+00f,
      -1.209362268e+00f, 5.112701654e-01f, -4.463579357e-01f, 2.796538591e+00f};
  std::copy(std::begin(values), std::end(values), x.begin());
  struct {
    ref::QuantRange range;
    float scale;
    int64_t zeroPoint;
  } expected[] = {{{0, 127}, 5.216960236e-02f, 56},
                  {{-128, 127}, 2.598250657e-02f, -16}};
  for (const auto &e : expected) {
    ref::DynamicQParams chosen{};
    absl::StatusOr<Tensor> y = ref::dynamicFakeQuant(x, e.range, &chosen);
    ASSERT_TRUE(y.ok()) << y.status();
    EXPECT_EQ(chosen.scale, e.scale);
    EXPECT_EQ(chosen.zeroPoint, e.zeroPoint);
    absl::StatusOr<QTensor> q =
        ref::quantizePerTensor(x, e.scale, e.zeroPoint, e.range);
    ASSERT_TRUE(q.ok());
    absl::StatusOr<Tensor> dq =
        ref::dequantizePerTensor(*q, e.scale, e.zeroPoint);
    ASSERT_TRUE(dq.ok());
    EXPECT_TRUE(expectClose(*y, *dq, 0, 0));
  }
}

TEST(DynamicFakeQuant, NonFiniteIsAnError) {
  Tensor x = Tensor::from_shape({3});
  x(0) = 1.0f;
  x(1) = std::numeric_limits<float>::quiet_NaN();
  x(2) = 2.0f;
  absl::StatusOr<Tensor> y = ref::dynamicFakeQuant(x, {0, 255});
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()),
              HasSubstr("element 1 of the input is NaN; run-time qparams need "
                        "finite values"));
  x(1) = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(ref::dynamicFakeQuant(x, {0, 255}).ok());
}

/// qc.dynamic_qlinear's rule written out independently: quantizePerTensor of
/// each group with chooseQuantizationParams of its min / max, sum (q - z) w
/// in int64, then float(acc) * (s * s_w[n]) + b[n].
Tensor dynamicLinearByHand(const Tensor &x, const QTensor &w,
                           const std::vector<float> &sw, const Tensor &bias,
                           ref::QuantRange range, bool perToken) {
  const size_t rows = x.shape()[0], k = x.shape()[1], n = w.shape()[0];
  Tensor y = Tensor::from_shape({rows, n});
  for (size_t r = 0; r < rows; ++r) {
    Tensor group = perToken ? Tensor(xt::view(x, r, xt::all())) : x;
    auto [lo, hi] = std::minmax_element(group.begin(), group.end());
    absl::StatusOr<ref::DynamicQParams> qp =
        ref::chooseQuantizationParams(*lo, *hi, range);
    EXPECT_TRUE(qp.ok());
    Tensor row = xt::view(x, r, xt::all());
    absl::StatusOr<QTensor> q =
        ref::quantizePerTensor(row, qp->scale, qp->zeroPoint, range);
    EXPECT_TRUE(q.ok());
    for (size_t c = 0; c < n; ++c) {
      int64_t acc = 0;
      for (size_t i = 0; i < k; ++i)
        acc += (int64_t{(*q)(i)} - qp->zeroPoint) * w(c, i);
      float m = qp->scale * sw[sw.size() == 1 ? 0 : c];
      y(r, c) = static_cast<float>(acc) * m + bias(c);
    }
  }
  return y;
}

TEST(DynamicQLinear, PerTensorAndPerTokenFollowTheRule) {
  // Rows of very different ranges (row 1 is 50x row 0), a zero point away
  // from 0 (negative values), per-channel and per-tensor weight scales.
  Tensor x = {{0.25f, -1.5f, 2.0f, 0.75f, -0.125f},
              {40.0f, 12.5f, -100.0f, 3.0f, 75.0f},
              {1.0f, 1.0f, 1.0f, 1.0f, 1.0f}};
  QTensor w = {{1, -128, 127, 3, 0}, {-7, 5, 0, 64, -3}};
  Tensor bias = {0.5f, -0.25f};
  for (bool perToken : {false, true})
    for (ref::QuantRange range :
         {ref::QuantRange{0, 127}, ref::QuantRange{0, 255},
          ref::QuantRange{-128, 127}})
      for (std::vector<float> sw :
           {std::vector<float>{0.03f}, std::vector<float>{0.03f, 0.007f}}) {
        std::vector<ref::DynamicQParams> chosen;
        absl::StatusOr<Tensor> y = ref::dynamicQLinear(
            x, w, sw, &bias, range, perToken, &chosen);
        ASSERT_TRUE(y.ok()) << y.status();
        EXPECT_EQ(chosen.size(), perToken ? 3u : 1u);
        Tensor expected =
            dynamicLinearByHand(x, w, sw, bias, range, perToken);
        EXPECT_TRUE(expectClose(*y, expected, 0, 0))
            << "per_token " << perToken << ", range [" << range.qmin << ", "
            << range.qmax << "]";
      }
}

TEST(DynamicQLinear, PerTokenIsCloserOnRowsOfDifferentRanges) {
  Tensor x = {{0.01f, -0.02f, 0.03f, 0.015f}, {50.0f, -20.0f, 10.0f, 5.0f}};
  QTensor w = {{100, -50, 25, 127}};
  Tensor bias = {0.0f};
  std::vector<float> sw = {0.01f};
  float exact = 0;
  for (int i = 0; i < 4; ++i)
    exact += x(0, i) * w(0, i) * 0.01f;
  auto err = [&](bool perToken) {
    absl::StatusOr<Tensor> y =
        ref::dynamicQLinear(x, w, sw, &bias, {0, 255}, perToken);
    EXPECT_TRUE(y.ok());
    return std::abs((*y)(0, 0) - exact);
  };
  EXPECT_LT(err(true) * 10, err(false));
}

TEST(DynamicQLinear, Errors) {
  Tensor x = {{1.0f, std::numeric_limits<float>::quiet_NaN()},
              {1.0f, 2.0f}};
  QTensor w = {{1, 2}};
  absl::StatusOr<Tensor> y =
      ref::dynamicQLinear(x, w, {0.1f}, nullptr, {0, 255}, true);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()),
              HasSubstr("qc.dynamic_qlinear: element 1 of the input is NaN"));
  Tensor ok = {{1.0f, 2.0f}};
  y = ref::dynamicQLinear(ok, w, {0.1f, 0.2f}, nullptr, {0, 255}, false);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()),
              HasSubstr("needs 1 or 1 weight scales, got 2"));
}

TEST(DynamicFakeQuantPerToken, EachRowHasItsOwnQParams) {
  Tensor x = {{0.5f, -1.0f, 2.0f}, {100.0f, 3.0f, -7.0f}};
  absl::StatusOr<Tensor> y = ref::dynamicFakeQuantPerToken(x, {0, 255});
  ASSERT_TRUE(y.ok()) << y.status();
  for (size_t r = 0; r < 2; ++r) {
    Tensor row = xt::view(x, r, xt::all());
    absl::StatusOr<Tensor> expected = ref::dynamicFakeQuant(row, {0, 255});
    ASSERT_TRUE(expected.ok());
    Tensor got = xt::view(*y, r, xt::all());
    EXPECT_TRUE(expectClose(got, *expected, 0, 0)) << "row " << r;
  }
  x(1, 1) = std::numeric_limits<float>::infinity();
  y = ref::dynamicFakeQuantPerToken(x, {0, 255});
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(std::string(y.status().message()),
              HasSubstr("element 4 of the input is +Inf"));
}

} // namespace
} // namespace qc::test
