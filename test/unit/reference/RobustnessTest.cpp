//===- RobustnessTest.cpp - NaN, memory cap and edge cases of the kernels -===//
//
// Part of the qc project.
//
// NaN semantics (ONNX Runtime's and PyTorch's, checked with both when these
// tests were written), the memory cap (MemoryLimit.h: every result and
// workspace is checked before it is allocated) and inputs that used to
// overflow or misbehave.
//
//===----------------------------------------------------------------------===//

#include "support/MemoryLimit.h"
#include "test/unit/reference/TestUtil.h"

#include <cmath>
#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

template <typename T> std::string errorOf(const absl::StatusOr<T> &r) {
  return r.ok() ? std::string("(ok)") : std::string(r.status().message());
}

//===----------------------------------------------------------------------===//
// NaN
//===----------------------------------------------------------------------===//

// ONNX Runtime 1.30 and PyTorch 1.13 on [NaN, -0, 0, -1, 2]:
//   Relu  [NaN, -0, 0, 0, 2]   HardSigmoid [NaN, .5, .5, .3, .9]
//   Clip(0, 6) [NaN, -0, 0, 0, 2]   HardSwish [NaN, -0, 0, -1/3, 5/3]
TEST(NaN, ReluPropagatesNaNAndKeepsNegativeZero) {
  Tensor y = ref::relu(Tensor{kNaN, -0.0f, 0.0f, -1.0f, 2.0f});
  EXPECT_TRUE(std::isnan(y(0)));
  EXPECT_EQ(y(1), 0.0f);
  EXPECT_TRUE(std::signbit(y(1)));
  EXPECT_FALSE(std::signbit(y(2)));
  EXPECT_EQ(y(3), 0.0f);
  EXPECT_FALSE(std::signbit(y(3)));
  EXPECT_EQ(y(4), 2.0f);
}

TEST(NaN, HardsigmoidPropagatesNaN) {
  Tensor y = ref::hardsigmoid(Tensor{kNaN, 0.0f, -1.0f, 2.0f}, 0.2f, 0.5f);
  EXPECT_TRUE(std::isnan(y(0)));
  EXPECT_EQ(y(1), 0.5f);
  EXPECT_FLOAT_EQ(y(2), 0.3f);
  EXPECT_FLOAT_EQ(y(3), 0.9f);
  // Saturated ends stay exact.
  Tensor s = ref::hardsigmoid(Tensor{-100.0f, 100.0f});
  EXPECT_EQ(s(0), 0.0f);
  EXPECT_EQ(s(1), 1.0f);
}

TEST(NaN, ClampHardswishSigmoidTanhGeluPropagateNaN) {
  Tensor x{kNaN};
  EXPECT_TRUE(std::isnan(ref::clamp(x, 0.0f, 6.0f)(0)));
  EXPECT_TRUE(std::isnan(ref::hardswish(x)(0)));
  EXPECT_TRUE(std::isnan(ref::sigmoid(x)(0)));
  EXPECT_TRUE(std::isnan(ref::tanh(x)(0)));
  EXPECT_TRUE(std::isnan(ref::gelu(x)(0)));
  EXPECT_TRUE(std::isnan(ref::gelu(x, ref::GeluApproximation::Tanh)(0)));
  EXPECT_TRUE(std::isnan(ref::erf(x)(0)));
  EXPECT_TRUE(std::signbit(ref::clamp(Tensor{-0.0f}, 0.0f, 6.0f)(0)));
}

TEST(NaN, SoftmaxRowWithNaNIsAllNaN) {
  Tensor x = {{1.0f, kNaN, 2.0f}, {1.0f, 2.0f, 3.0f}};
  absl::StatusOr<Tensor> y = ref::softmax(x, -1);
  ASSERT_TRUE(y.ok()) << y.status();
  for (int j = 0; j < 3; ++j) {
    EXPECT_TRUE(std::isnan((*y)(0, j))) << j;
    EXPECT_FALSE(std::isnan((*y)(1, j))) << j;
  }
  // NaN first in the row as well.
  absl::StatusOr<Tensor> z = ref::softmax(Tensor{kNaN, 1.0f}, 0);
  ASSERT_TRUE(z.ok());
  EXPECT_TRUE(std::isnan((*z)(1)));
}

TEST(NaN, MaxPoolWindowWithNaNIsNaNWhereverItIs) {
  // PyTorch's max_pool2d; ONNX Runtime skips a NaN after the window's first
  // element (documented in docs/robustness.md).
  Tensor x = Tensor::from_shape({1, 1, 1, 4});
  x(0, 0, 0, 0) = 1.0f;
  x(0, 0, 0, 1) = kNaN;
  x(0, 0, 0, 2) = kNaN;
  x(0, 0, 0, 3) = 3.0f;
  Pool2dAttrs attrs;
  attrs.kernel = {1, 2};
  attrs.strides = {1, 2};
  absl::StatusOr<Tensor> y = ref::maxPool2d(x, attrs);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(std::isnan((*y)(0, 0, 0, 0)));
  EXPECT_TRUE(std::isnan((*y)(0, 0, 0, 1)));
}

TEST(NaN, ReductionsAndArithmeticPropagateNaN) {
  Tensor x = Tensor::from_shape({1, 1, 2, 2});
  std::fill(x.begin(), x.end(), 1.0f);
  x(0, 0, 1, 1) = kNaN;
  absl::StatusOr<Tensor> g = ref::globalAvgPool(x);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(std::isnan((*g)(0, 0, 0, 0)));
  absl::StatusOr<Tensor> m = ref::reduceMean(x, {2, 3});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::isnan((*m)(0, 0, 0, 0)));
  absl::StatusOr<Tensor> a = ref::add(Tensor{kNaN}, Tensor{1.0f});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(std::isnan((*a)(0)));
}

//===----------------------------------------------------------------------===//
// Memory cap
//===----------------------------------------------------------------------===//

TEST(MemoryLimit, ParsesSizes) {
  EXPECT_EQ(parseMemorySize("4096"), 4096);
  EXPECT_EQ(parseMemorySize("512M"), int64_t(512) << 20);
  EXPECT_EQ(parseMemorySize("8G"), int64_t(8) << 30);
  EXPECT_EQ(parseMemorySize("8g"), int64_t(8) << 30);
  EXPECT_EQ(parseMemorySize("1.5GiB"), int64_t(3) << 29);
  EXPECT_EQ(parseMemorySize("100KB"), 102400);
  EXPECT_EQ(parseMemorySize("2T"), int64_t(2) << 40);
  for (const char *bad : {"", "0", "-1G", "G", "1.2.3", "12X", "1Gx", "nan",
                          "inf", "99999999999T", " 1G", "1 G"})
    EXPECT_EQ(parseMemorySize(bad), std::nullopt) << bad;
}

TEST(MemoryLimit, DefaultIsPositiveAndSettable) {
  EXPECT_GE(defaultMaxMemory(), int64_t(256) << 20);
  int64_t before = maxMemory();
  setMaxMemory(12345);
  EXPECT_EQ(maxMemory(), 12345);
  setMaxMemory(0); // Back to the default.
  EXPECT_EQ(maxMemory(), defaultMaxMemory());
  setMaxMemory(before);
}

TEST(MemoryLimit, TensorBytesIsOverflowChecked) {
  EXPECT_EQ(tensorBytes({2, 3}, 4), 24);
  EXPECT_EQ(tensorBytes({}, 4), 4);
  EXPECT_EQ(tensorBytes({0, 5}, 4), 0);
  EXPECT_EQ(tensorBytes({int64_t(1) << 62, 2}, 4), std::nullopt);
  EXPECT_EQ(tensorBytes({int64_t(1) << 31, int64_t(1) << 31}, 4),
            std::nullopt);
  EXPECT_EQ(tensorBytes({-1, 4}, 4), std::nullopt);
}

TEST(MemoryLimit, FormatsBytes) {
  EXPECT_EQ(formatBytes(512), "512 bytes");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(int64_t(3) << 30), "3.0 GiB");
}

Tensor ones(const std::vector<size_t> &shape) {
  Tensor t = Tensor::from_shape(shape);
  std::fill(t.begin(), t.end(), 1.0f);
  return t;
}

TEST(MemoryLimit, PadResultOverTheCapIsAnErrorBeforeAllocating) {
  ScopedMemoryLimit limit(1 << 20);
  // 8x8 -> (8 + 2e5) x (8 + 2e5) floats: 160 GB.
  absl::StatusOr<Tensor> y =
      ref::pad(ones({1, 1, 8, 8}), {0, 0, 100000, 100000, 0, 0, 100000, 100000});
  EXPECT_TRUE(absl::IsResourceExhausted(y.status())) << y.status();
  EXPECT_THAT(errorOf(y), HasSubstr("pad: the result of shape (1, 1, 200008, "
                                    "200008) needs 149.0 GiB"));
  // Within the cap it runs.
  absl::StatusOr<Tensor> small = ref::pad(ones({1, 1, 8, 8}),
                                          {0, 0, 1, 1, 0, 0, 1, 1});
  EXPECT_TRUE(small.ok()) << small.status();
}

TEST(MemoryLimit, PadIndexMapsOfAnEmptyResultAreChecked) {
  ScopedMemoryLimit limit(1 << 20);
  // The result is empty (dimension 0), but one index map would have 1e12
  // entries.
  absl::StatusOr<Tensor> y = ref::pad(Tensor::from_shape({0, 2}),
                                      {0, 0, 0, 1000000000000});
  EXPECT_TRUE(absl::IsResourceExhausted(y.status())) << y.status();
  EXPECT_THAT(errorOf(y), HasSubstr("index maps"));
}

TEST(MemoryLimit, PadsThatOverflowAreAnError) {
  int64_t big = std::numeric_limits<int64_t>::max();
  absl::StatusOr<Tensor> y = ref::pad(ones({2}), {big, 1});
  EXPECT_THAT(errorOf(y), HasSubstr("overflow dimension 0"));
}

TEST(MemoryLimit, ResizeConvTransposeBroadcastMatmulAreChecked) {
  ScopedMemoryLimit limit(1 << 20);
  Tensor x = ones({1, 1, 8, 8});
  absl::StatusOr<Tensor> r = ref::resize(x, {1, 1, 240000, 240000}, {});
  EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();

  ConvTranspose2dAttrs ct;
  ct.strides = {20000, 20000};
  absl::StatusOr<Tensor> c = ref::convTranspose2d(x, ones({1, 1, 3, 3}),
                                                  nullptr, ct);
  EXPECT_TRUE(absl::IsResourceExhausted(c.status())) << c.status();
  EXPECT_THAT(errorOf(c), HasSubstr("convTranspose2d: the result"));

  absl::StatusOr<Tensor> a = ref::add(ones({100000, 1}), ones({1, 100000}));
  EXPECT_TRUE(absl::IsResourceExhausted(a.status())) << a.status();

  absl::StatusOr<Tensor> m = ref::matmul(ones({100000, 1}), ones({1, 100000}));
  EXPECT_TRUE(absl::IsResourceExhausted(m.status())) << m.status();
}

TEST(MemoryLimit, ConvWorkspaceIsChecked) {
  // The output (1x1x1x1) is tiny; the im2col workspace would be 2e6 floats.
  Tensor x = ones({1, 2, 1000, 1000}), w = ones({1, 2, 1000, 1000});
  ScopedMemoryLimit limit(1 << 20);
  absl::StatusOr<Tensor> y = ref::conv2d(x, w, nullptr, Conv2dAttrs{});
  EXPECT_TRUE(absl::IsResourceExhausted(y.status())) << y.status();
  EXPECT_THAT(errorOf(y), HasSubstr("im2col workspace"));
}

TEST(MemoryLimit, ScopesNestAndCountAllocations) {
  ScopedMemoryLimit outer(1 << 20);
  {
    // Just under 3 KiB: two 1 KiB results fit, the third does not.
    ScopedMemoryLimit inner((3 << 10) - 1);
    EXPECT_TRUE(ref::reshape(ones({256}), {16, 16}).ok());
    EXPECT_TRUE(ref::reshape(ones({256}), {16, 16}).ok());
    EXPECT_FALSE(ref::reshape(ones({256}), {16, 16}).ok());
  }
  EXPECT_TRUE(ref::reshape(ones({256}), {16, 16}).ok());
}

TEST(MemoryLimit, NoScopeMeansNoCap) {
  EXPECT_TRUE(ref::pad(ones({1, 1, 8, 8}), {0, 0, 100, 100, 0, 0, 100, 100})
                  .ok());
}

//===----------------------------------------------------------------------===//
// Shapes and attributes that used to overflow
//===----------------------------------------------------------------------===//

TEST(Overflow, ConvTransposeOutputSizeSaturatesInsteadOfWrapping) {
  ConvTranspose2dAttrs ct;
  ct.strides = {int64_t(1) << 62, 1};
  absl::StatusOr<Shape> s =
      convTranspose2dOutputShape({1, 1, 8, 8}, {1, 1, 3, 3}, ct);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)[2], std::numeric_limits<int64_t>::max());
  // And the kernel refuses it rather than allocating.
  absl::StatusOr<Tensor> y =
      ref::convTranspose2d(ones({1, 1, 8, 8}), ones({1, 1, 3, 3}), nullptr, ct);
  EXPECT_FALSE(y.ok());
}

TEST(Overflow, HugePoolPadsDoNotWrap) {
  int64_t big = int64_t(1) << 62;
  EXPECT_EQ(pooledDimSize(8, 3, 1, big, big, 1, false),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(pooledDimSize(8, big, 1, 0, 0, 4, false), -1);
}

TEST(Overflow, ResizeScaleTooLargeForInt64IsAMismatch) {
  // floor(8 * 1e30) used to be converted to int64 (undefined behaviour).
  absl::StatusOr<Tensor> y = ref::resize(ones({1, 1, 8, 8}), {1, 1, 8, 16}, {},
                                         {1.0f, 1.0f, 1.0f, 1e30f});
  EXPECT_THAT(errorOf(y), HasSubstr("does not give output size 16"));
}

TEST(Overflow, ReshapeTargetThatOverflowsIsAnError) {
  int64_t big = int64_t(1) << 62;
  // 2^62 * 4 wraps to 0 in int64; a 0-element input would then "match".
  absl::StatusOr<Tensor> y = ref::reshape(Tensor::from_shape({0}), {big, 4});
  EXPECT_THAT(errorOf(y), HasSubstr("more elements than an int64 holds"));
}

//===----------------------------------------------------------------------===//
// Edge cases
//===----------------------------------------------------------------------===//

TEST(EdgeCases, SliceWithNegativeStepsAndExtremeBounds) {
  Tensor x = {0.0f, 1.0f, 2.0f, 3.0f, 4.0f};
  int64_t lo = std::numeric_limits<int64_t>::min(),
          hi = std::numeric_limits<int64_t>::max();
  absl::StatusOr<Tensor> rev = ref::slice(x, {hi}, {lo}, {0}, {-1});
  ASSERT_TRUE(rev.ok()) << rev.status();
  ASSERT_EQ(rev->size(), 5u);
  EXPECT_EQ((*rev)(0), 4.0f);
  EXPECT_EQ((*rev)(4), 0.0f);
  absl::StatusOr<Tensor> step = ref::slice(x, {-1}, {lo}, {0}, {lo});
  ASSERT_TRUE(step.ok()) << step.status();
  ASSERT_EQ(step->size(), 1u);
  EXPECT_EQ((*step)(0), 4.0f);
  absl::StatusOr<Tensor> empty = ref::slice(x, {3}, {1}, {0}, {1});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(EdgeCases, ZeroSizeTensors) {
  Tensor e = Tensor::from_shape({0, 3});
  EXPECT_EQ(ref::relu(e).size(), 0u);
  absl::StatusOr<Tensor> s = ref::softmax(e, -1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 0u);
  absl::StatusOr<Tensor> c = ref::concat({e, e}, 0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 0u);
  absl::StatusOr<Tensor> t = ref::transpose(e, {1, 0});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ref::shapeOf(*t), (Shape{3, 0}));
  absl::StatusOr<Tensor> m = ref::matmul(Tensor::from_shape({2, 0}),
                                         Tensor::from_shape({0, 3}));
  ASSERT_TRUE(m.ok()) << m.status();
  for (float v : *m)
    EXPECT_EQ(v, 0.0f);
}

TEST(EdgeCases, BatchNormOfAnEmptyBatch) {
  // x.size() / (n * c) divided by zero for n = 0.
  Tensor stats = {1.0f, 2.0f, 3.0f};
  absl::StatusOr<Tensor> y = ref::batchNorm(Tensor::from_shape({0, 3, 2}),
                                            stats, stats, stats, stats);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{0, 3, 2}));
}

TEST(EdgeCases, EmptyReductionsAreErrors) {
  EXPECT_THAT(errorOf(ref::reduceMean(Tensor::from_shape({2, 0}), {1})),
              HasSubstr("empty dimension"));
  EXPECT_THAT(errorOf(ref::globalAvgPool(Tensor::from_shape({1, 1, 0, 4}))),
              HasSubstr("empty spatial"));
}

} // namespace
} // namespace qc::test
