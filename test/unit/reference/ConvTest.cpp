//===- ConvTest.cpp - conv2d, convTranspose2d, matmul, gemm, the GEMM -----===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/Gemm.h"
#include "test/unit/reference/TestUtil.h"

#include <cstring>

namespace qc::test {
namespace {

using ::testing::HasSubstr;

// Float32 accumulation against a float64 reference.
constexpr double kRtol = 1e-5, kAtol = 2e-5;

class Conv2dGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(Conv2dGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  Conv2dAttrs attrs;
  attrs.strides = c.intArray<2>("strides");
  attrs.pads = c.intArray<4>("pads");
  attrs.dilations = c.intArray<2>("dilations");
  attrs.groups = c.integer("groups");
  Tensor bias = c.has("b") ? c.tensor("b") : Tensor();
  absl::StatusOr<Tensor> y = ref::conv2d(c.tensor("x"), c.tensor("w"),
                                         c.has("b") ? &bias : nullptr, attrs);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), kRtol, kAtol));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Conv2dGolden,
    ::testing::Values("conv_basic", "conv_stride_asym_pads", "conv_dilation",
                      "conv_groups", "conv_depthwise",
                      "conv_depthwise_multiplier", "conv_1x1",
                      "conv_1x1_stride2", "conv_deep_k",
                      "conv_many_out_channels", "conv_wide",
                      "conv_kernel_larger_than_input"));

TEST(Conv2d, DepthwiseEqualsGroupedGemmPathBitForBit) {
  // Depthwise takes the direct path; the same weights as a dense conv with
  // zeros off the diagonal take im2col + GEMM. The summation order is the
  // same, so the results must be identical, not just close.
  Tensor x = patternTensor({1, 3, 7, 6}, 1);
  Tensor wdw = patternTensor({3, 1, 3, 3}, 2);
  Tensor dense = ref::zeros({3, 3, 3, 3});
  for (size_t c = 0; c < 3; ++c)
    for (size_t i = 0; i < 9; ++i)
      dense.data()[(c * 3 + c) * 9 + i] = wdw.data()[c * 9 + i];
  Tensor bias = patternTensor({3}, 3);
  Conv2dAttrs a;
  a.strides = {2, 1};
  a.pads = {1, 0, 1, 2};
  Conv2dAttrs dw = a;
  dw.groups = 3;
  absl::StatusOr<Tensor> y1 = ref::conv2d(x, wdw, &bias, dw);
  absl::StatusOr<Tensor> y2 = ref::conv2d(x, dense, &bias, a);
  ASSERT_TRUE(y1.ok() && y2.ok());
  // Adding the off-diagonal zero products cannot change a float sum.
  EXPECT_TRUE(expectClose(*y1, *y2, 0.0, 0.0));
}

TEST(Conv2d, EmptyBatch) {
  absl::StatusOr<Tensor> y = ref::conv2d(ref::zeros({0, 2, 5, 5}),
                                         ref::zeros({3, 2, 3, 3}), nullptr, {});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{0, 3, 3, 3}));
}

TEST(Conv2d, Errors) {
  Tensor x = ref::zeros({1, 4, 5, 5});
  EXPECT_THAT(errorOf(ref::conv2d(x, ref::zeros({2, 3, 3, 3}), nullptr, {})),
              HasSubstr("conv2d: input has 4 channels but weight shape (2, 3, "
                        "3, 3) with groups=1 expects 3"));
  Conv2dAttrs g;
  g.groups = 3;
  EXPECT_THAT(errorOf(ref::conv2d(ref::zeros({1, 6, 5, 5}),
                                  ref::zeros({4, 2, 3, 3}), nullptr, g)),
              HasSubstr("output channels (4) are not divisible by groups (3)"));
  Tensor bias = ref::zeros({3});
  EXPECT_THAT(errorOf(ref::conv2d(x, ref::zeros({2, 4, 3, 3}), &bias, {})),
              HasSubstr("conv2d: bias must be 1-D of size 2, got shape (3)"));
  EXPECT_THAT(errorOf(ref::conv2d(ref::zeros({4, 5, 5}),
                                  ref::zeros({2, 4, 3, 3}), nullptr, {})),
              HasSubstr("input must be 4-D NCHW, got shape (4, 5, 5)"));
  Conv2dAttrs s;
  s.strides = {0, 1};
  EXPECT_THAT(errorOf(ref::conv2d(x, ref::zeros({2, 4, 3, 3}), nullptr, s)),
              HasSubstr("strides must be >= 1, got [0, 1]"));
  Conv2dAttrs p;
  p.pads = {0, -1, 0, 0};
  EXPECT_THAT(errorOf(ref::conv2d(x, ref::zeros({2, 4, 3, 3}), nullptr, p)),
              HasSubstr("pads must be >= 0"));
  EXPECT_THAT(errorOf(ref::conv2d(x, ref::zeros({2, 4, 7, 3}), nullptr, {})),
              HasSubstr("is smaller than the dilated kernel"));
}

class ConvTranspose2dGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(ConvTranspose2dGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  ConvTranspose2dAttrs attrs;
  attrs.strides = c.intArray<2>("strides");
  attrs.pads = c.intArray<4>("pads");
  attrs.dilations = c.intArray<2>("dilations");
  attrs.outputPadding = c.intArray<2>("output_padding");
  attrs.groups = c.integer("groups");
  Tensor bias = c.has("b") ? c.tensor("b") : Tensor();
  absl::StatusOr<Tensor> y = ref::convTranspose2d(
      c.tensor("x"), c.tensor("w"), c.has("b") ? &bias : nullptr, attrs);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), kRtol, kAtol));
}

INSTANTIATE_TEST_SUITE_P(Cases, ConvTranspose2dGolden,
                         ::testing::Values("conv_transpose_basic",
                                           "conv_transpose_groups_dilation",
                                           "conv_transpose_stride3"));

TEST(ConvTranspose2d, Errors) {
  Tensor x = ref::zeros({1, 4, 3, 3});
  EXPECT_THAT(errorOf(ref::convTranspose2d(x, ref::zeros({3, 2, 3, 3}),
                                           nullptr, {})),
              HasSubstr("convTranspose2d: input has 4 channels but weight "
                        "shape (3, 2, 3, 3) expects 3"));
  ConvTranspose2dAttrs op;
  op.outputPadding = {1, 0};
  EXPECT_THAT(errorOf(ref::convTranspose2d(x, ref::zeros({4, 2, 3, 3}),
                                           nullptr, op)),
              HasSubstr("output_padding [1, 0] must be smaller than the "
                        "stride or the dilation"));
  ConvTranspose2dAttrs pads;
  pads.pads = {3, 0, 3, 0};
  EXPECT_THAT(errorOf(ref::convTranspose2d(x, ref::zeros({4, 2, 3, 3}),
                                           nullptr, pads)),
              HasSubstr("gives an empty output"));
}

class MatmulGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(MatmulGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  absl::StatusOr<Tensor> y = ref::matmul(c.tensor("a"), c.tensor("b"));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), kRtol, kAtol));
}

INSTANTIATE_TEST_SUITE_P(Cases, MatmulGolden,
                         ::testing::Values("matmul_2d",
                                           "matmul_batch_broadcast",
                                           "matmul_1d_2d", "matmul_2d_1d",
                                           "matmul_1d_1d", "matmul_batched_a",
                                           "matmul_large"));

TEST(Matmul, Errors) {
  EXPECT_THAT(errorOf(ref::matmul(ref::zeros({2, 3}), ref::zeros({4, 2}))),
              HasSubstr("matmul: inner dimensions differ: (2, 3) x (4, 2) (3 "
                        "vs 4)"));
  EXPECT_THAT(errorOf(ref::matmul(ref::zeros({2, 2, 3}),
                                  ref::zeros({3, 3, 1}))),
              HasSubstr("batch dimensions of (2, 2, 3) and (3, 3, 1) do not "
                        "broadcast"));
  EXPECT_THAT(errorOf(ref::matmul(Tensor(2.0f), ref::zeros({3}))),
              HasSubstr("operands must have rank >= 1"));
}

TEST(Matmul, ZeroInnerDimensionGivesZeros) {
  absl::StatusOr<Tensor> y = ref::matmul(ref::zeros({2, 3, 0}),
                                         ref::zeros({0, 4}));
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(ref::shapeOf(*y), (Shape{2, 3, 4}));
  EXPECT_TRUE(expectClose(*y, ref::zeros({2, 3, 4}), 0, 0));
}

class GemmGolden : public ::testing::TestWithParam<const char *> {};

TEST_P(GemmGolden, MatchesPyTorch) {
  GoldenCase c(GetParam());
  Tensor cm = c.has("c") ? c.tensor("c") : Tensor();
  absl::StatusOr<Tensor> y =
      ref::gemm(c.tensor("a"), c.tensor("b"), c.has("c") ? &cm : nullptr,
                c.real("alpha"), c.real("beta"), c.integer("trans_a") != 0,
                c.integer("trans_b") != 0);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(expectClose(*y, c.tensor("y"), kRtol, kAtol));
}

INSTANTIATE_TEST_SUITE_P(Cases, GemmGolden,
                         ::testing::Values("gemm_bias_row", "gemm_transposed",
                                           "gemm_no_c", "gemm_scalar_c"));

TEST(Gemm, Errors) {
  Tensor a = ref::zeros({2, 3}), b = ref::zeros({3, 4});
  Tensor c = ref::zeros({3});
  EXPECT_THAT(errorOf(ref::gemm(a, b, &c)),
              HasSubstr("gemm: C of shape (3) does not broadcast to (2, 4)"));
  EXPECT_THAT(errorOf(ref::gemm(a, b, nullptr, 1, 1, true, false)),
              HasSubstr("gemm: inner dimensions differ: A (2, 3) (transposed) "
                        "and B (3, 4) (2 vs 3)"));
  EXPECT_THAT(errorOf(ref::gemm(ref::zeros({2, 3, 1}), b, nullptr)),
              HasSubstr("A and B must be 2-D"));
}

/// C = A * B in double, for checking the float GEMM.
std::vector<double> naiveGemm(int64_t m, int64_t n, int64_t k,
                              const std::vector<float> &a,
                              const std::vector<float> &b) {
  std::vector<double> c(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t j = 0; j < n; ++j)
        c[i * n + j] += double(a[i * k + p]) * b[p * n + j];
  return c;
}

TEST(Sgemm, BlockingEdgesAndVariantsAgreeBitForBit) {
  // Sizes around every block boundary (MR = 6, NR = 8 / 16, KC = 256,
  // MC = 96, NC = 1024 / 2048), transposed and strided operands.
  struct Size {
    int64_t m, n, k;
  };
  for (Size s : {Size{1, 1, 1}, Size{5, 7, 3}, Size{6, 16, 256},
                 Size{7, 17, 257}, Size{97, 33, 300}, Size{13, 2049, 5},
                 Size{100, 1100, 513}}) {
    Tensor a = patternTensor({size_t(s.m), size_t(s.k)}, 11);
    Tensor bt = patternTensor({size_t(s.n), size_t(s.k)}, 12); // B^T
    std::vector<float> av(a.begin(), a.end()), bv(s.k * s.n);
    for (int64_t p = 0; p < s.k; ++p)
      for (int64_t j = 0; j < s.n; ++j)
        bv[p * s.n + j] = bt.data()[j * s.k + p];
    std::vector<double> want = naiveGemm(s.m, s.n, s.k, av, bv);

    std::vector<float> c1(s.m * s.n, 7.0f), c2(s.m * s.n, -3.0f);
    // B given transposed (column stride k), C with a row stride of n.
    ref::detail::sgemm(s.m, s.n, s.k, {a.data(), s.k, 1},
                       {bt.data(), 1, s.k}, c1.data(), s.n, false);
    ref::detail::generic::sgemm(s.m, s.n, s.k, {av.data(), s.k, 1},
                                {bv.data(), s.n, 1}, c2.data(), s.n, false);
    double maxErr = 0;
    for (int64_t i = 0; i < s.m * s.n; ++i)
      maxErr = std::max(maxErr, std::fabs(c1[i] - want[i]));
    EXPECT_LT(maxErr, 1e-4) << s.m << "x" << s.n << "x" << s.k;
    EXPECT_EQ(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)), 0)
        << "dispatched (" << ref::detail::sgemmVariantName()
        << ") and generic builds differ for " << s.m << "x" << s.n << "x"
        << s.k;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
      std::vector<float> c3(s.m * s.n, 1.0f);
      ref::detail::avx2::sgemm(s.m, s.n, s.k, {av.data(), s.k, 1},
                               {bv.data(), s.n, 1}, c3.data(), s.n, false);
      EXPECT_EQ(std::memcmp(c3.data(), c2.data(), c3.size() * sizeof(float)),
                0)
          << "avx2 and generic builds differ for " << s.m << "x" << s.n << "x"
          << s.k;
    }
#endif
  }
}

TEST(Sgemm, AccumulatesIntoC) {
  Tensor a = patternTensor({4, 300}, 21), b = patternTensor({300, 9}, 22);
  std::vector<float> c(4 * 9, 0.5f), fresh(4 * 9, 0.0f);
  ref::detail::sgemm(4, 9, 300, {a.data(), 300, 1}, {b.data(), 9, 1},
                     c.data(), 9, true);
  ref::detail::sgemm(4, 9, 300, {a.data(), 300, 1}, {b.data(), 9, 1},
                     fresh.data(), 9, false);
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_NEAR(c[i], fresh[i] + 0.5f, 1e-5) << i;
  // k == 0: C is zeroed, or left alone when accumulating.
  ref::detail::sgemm(4, 9, 0, {a.data(), 0, 1}, {b.data(), 9, 1}, c.data(), 9,
                     true);
  EXPECT_NEAR(c[0], fresh[0] + 0.5f, 1e-5);
  ref::detail::sgemm(4, 9, 0, {a.data(), 0, 1}, {b.data(), 9, 1}, c.data(), 9,
                     false);
  EXPECT_EQ(c[0], 0.0f);
}

} // namespace
} // namespace qc::test
