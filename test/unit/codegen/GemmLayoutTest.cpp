//===- GemmLayoutTest.cpp - Kernel names, packed layouts, bias folding ----===//
#include "passes/Codegen/GemmLayout.h"

#include <gtest/gtest.h>

#include <numeric>

namespace qc::codegen {
namespace {

GemmKernelConfig makeConfig(GemmIsa isa, QType a, int64_t mr,
                            int64_t nVectors) {
  GemmKernelConfig config = getDefaultGemmKernelConfig(isa, a, QType::U8);
  config.mr = mr;
  config.nVectors = nVectors;
  return config;
}

/// w[c, k] = 10 * c + k + 1 (distinct, nonzero), N x K.
std::vector<int8_t> numberedWeights(int64_t n, int64_t k) {
  std::vector<int8_t> w(static_cast<size_t>(n * k));
  for (int64_t c = 0; c < n; ++c)
    for (int64_t kk = 0; kk < k; ++kk)
      w[static_cast<size_t>(c * k + kk)] = static_cast<int8_t>(10 * c + kk + 1);
  return w;
}

TEST(GemmLayout, KernelNamesFollowTheConvention) {
  EXPECT_EQ(getGemmKernelName(getDefaultGemmKernelConfig(GemmIsa::X86Avx512Vnni,
                                                         QType::U8, QType::U8)),
            "qc_gemm_u8s8u8_6x64_x86_avx512vnni");
  EXPECT_EQ(
      getGemmKernelName(makeConfig(GemmIsa::Aarch64I8mm, QType::S8, 4, 8)),
      "qc_gemm_s8s8u8_4x16_aarch64_i8mm");
  EXPECT_EQ(getGemmKernelCDeclaration(getDefaultGemmKernelConfig(
                GemmIsa::X86Avx2, QType::S8, QType::S8)),
            "void qc_gemm_s8s8s8_4x16_x86_avx2(const int8_t *a, int64_t lda, "
            "const int8_t *packed_b, const int32_t *bias, const float *mult, "
            "int8_t *c, int64_t ldc, int64_t m, int64_t n, int64_t k, "
            "int32_t zp_out, int32_t qmin, int32_t qmax);");
  for (GemmIsa isa : allGemmIsas()) {
    EXPECT_EQ(parseGemmIsa(getGemmIsaInfo(isa).targetName), isa);
    EXPECT_EQ(parseGemmIsa(getGemmIsaInfo(isa).nameSuffix), isa);
    EXPECT_EQ(verifyGemmKernelConfig(
                  getDefaultGemmKernelConfig(isa, QType::U8, QType::U8)),
              "");
  }
  EXPECT_EQ(parseGemmIsa("x86-64-avx512"), std::nullopt);
}

TEST(GemmLayout, IntegerClampVariantIsX86With8BitOutputs) {
  GemmKernelConfig config =
      getDefaultGemmKernelConfig(GemmIsa::X86Avx512Vnni, QType::U8, QType::U8);
  config.intClamp = true;
  EXPECT_EQ(getGemmKernelName(config),
            "qc_gemm_u8s8u8_6x64_iclamp_x86_avx512vnni");
  EXPECT_EQ(verifyGemmKernelConfig(config), "");
  config.cType = QType::S32;
  EXPECT_EQ(verifyGemmKernelConfig(config),
            "the integer-clamp epilogue (iclamp) needs 8-bit outputs, not s32");
  GemmKernelConfig arm =
      getDefaultGemmKernelConfig(GemmIsa::Aarch64Dotprod, QType::U8, QType::U8);
  arm.intClamp = true;
  EXPECT_EQ(verifyGemmKernelConfig(arm),
            "the integer-clamp epilogue (iclamp) exists only for x86 targets, "
            "not aarch64-dotprod");
}

// integerClampExact: (|bias| + maxA * sum |w|) * m < 2^30 for every column,
// maxA = max |a - zpA| over the activation type.
TEST(GemmLayout, IntegerClampBoundIsTheWorstAccumulator) {
  GemmKernelConfig config =
      getDefaultGemmKernelConfig(GemmIsa::X86Avx2, QType::U8, QType::U8);
  // Column 0: |w| sums to 3 * 100, bias -1000; column 1 is all zero.
  std::vector<int8_t> w = {100, -100, 100, 0, 0, 0};
  std::vector<int32_t> bias = {-1000, 5};
  auto exact = [&](int32_t zpA, std::vector<float> mult) {
    PackedGemmWeights packed;
    EXPECT_EQ(packGemmWeights(config, 3, 2, w.data(), bias.data(), mult.data(),
                              static_cast<int64_t>(mult.size()), zpA, packed),
              "");
    return packed.integerClampExact;
  };
  // zpA = 0: maxA = 255, bound 1000 + 255 * 300 = 77500.
  double limit = 0x1.0p30 / 77500.0;
  EXPECT_TRUE(exact(0, {static_cast<float>(limit * 0.999), 1.0f}));
  EXPECT_FALSE(exact(0, {static_cast<float>(limit * 1.001), 1.0f}));
  // zpA = 128: maxA = 128, bound 1000 + 128 * 300 = 39400.
  EXPECT_TRUE(exact(128, {static_cast<float>(limit * 1.9), 1.0f}));
  EXPECT_FALSE(exact(128, {static_cast<float>(0x1.0p30 / 39400.0 * 1.001)}));
  // Column 1's bound is only its bias: 5 * m.
  EXPECT_TRUE(exact(0, {1.0f, static_cast<float>(0x1.0p30 / 5.0 * 0.999)}));
  EXPECT_FALSE(exact(0, {1.0f, static_cast<float>(0x1.0p30 / 5.0 * 1.001)}));
}

TEST(GemmLayout, VnniPacksGroupsOfFourKByLanes) {
  // 1 row x 16 columns tile, K = 5 (two groups, the second padded), N = 3.
  GemmKernelConfig config = makeConfig(GemmIsa::X86Avx512Vnni, QType::U8, 1, 1);
  std::vector<int8_t> w = numberedWeights(3, 5);
  float mult = 0.5f;
  PackedGemmWeights packed;
  ASSERT_EQ(
      packGemmWeights(config, 5, 3, w.data(), nullptr, &mult, 1, 0, packed),
      "");
  ASSERT_EQ(packed.weights.size(), 8u * 16u);
  // Group 0: column c at bytes [4c, 4c + 4) = w[c, 0..3].
  for (int c = 0; c < 3; ++c)
    for (int kk = 0; kk < 4; ++kk)
      EXPECT_EQ(packed.weights[4 * c + kk], 10 * c + kk + 1);
  // Group 1 starts at 64: w[c, 4] then three zero pads.
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(packed.weights[64 + 4 * c], 10 * c + 5);
    for (int kk = 1; kk < 4; ++kk)
      EXPECT_EQ(packed.weights[64 + 4 * c + kk], 0);
  }
  // Padded columns are zero.
  for (int i = 12; i < 64; ++i)
    EXPECT_EQ(packed.weights[i], 0);
  EXPECT_EQ(packed.bias.size(), 16u);
  EXPECT_EQ(packed.multipliers[2], 0.5f);
  EXPECT_EQ(packed.multipliers[3], 0.0f);
}

TEST(GemmLayout, TilesAreContiguousAlongK) {
  // 2 vectors of 8 columns per tile (AVX-VNNI): N = 20 needs two tiles.
  GemmKernelConfig config = makeConfig(GemmIsa::X86AvxVnni, QType::U8, 2, 2);
  int64_t k = 8, n = 20;
  std::vector<int8_t> w(static_cast<size_t>(n * k));
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int8_t>(i % 251 - 125);
  float mult = 1.0f;
  PackedGemmWeights packed;
  ASSERT_EQ(
      packGemmWeights(config, k, n, w.data(), nullptr, &mult, 1, 0, packed),
      "");
  EXPECT_EQ(getPackedTileBytes(config, k), 8 * 16);
  ASSERT_EQ(packed.weights.size(), 2u * 8 * 16);
  // Column 17 = tile 1, vector 0, lane 1; K 6 = group 1, byte 2.
  size_t offset = 1 * 128 + (1 * 2 + 0) * 32 + 1 * 4 + 2;
  EXPECT_EQ(packed.weights[offset], w[17 * 8 + 6]);
  // Column 10 = tile 0, vector 1, lane 2; K 1 = group 0, byte 1.
  EXPECT_EQ(packed.weights[(0 * 2 + 1) * 32 + 2 * 4 + 1], w[10 * 8 + 1]);
}

TEST(GemmLayout, Avx2PacksPairsAndI8mmPacksColumnPairsOfEight) {
  std::vector<int8_t> w = numberedWeights(3, 9);
  float mult = 1.0f;
  PackedGemmWeights avx2;
  ASSERT_EQ(packGemmWeights(makeConfig(GemmIsa::X86Avx2, QType::U8, 1, 1), 9, 3,
                            w.data(), nullptr, &mult, 1, 0, avx2),
            "");
  // Pairs of K: 16 bytes per group (8 columns x 2), K padded to 10.
  ASSERT_EQ(avx2.weights.size(), 10u * 8);
  EXPECT_EQ(avx2.weights[16 * 1 + 2 * 2 + 1], w[2 * 9 + 3]);
  EXPECT_EQ(avx2.weights[16 * 4 + 2 * 1 + 0], w[1 * 9 + 8]);
  EXPECT_EQ(avx2.weights[16 * 4 + 2 * 1 + 1], 0);

  PackedGemmWeights i8mm;
  ASSERT_EQ(packGemmWeights(makeConfig(GemmIsa::Aarch64I8mm, QType::U8, 2, 2),
                            9, 3, w.data(), nullptr, &mult, 1, 0, i8mm),
            "");
  // Vectors of [column 2j: k0..7, column 2j+1: k0..7]; 2 vectors per group.
  ASSERT_EQ(i8mm.weights.size(), 16u * 4);
  EXPECT_EQ(i8mm.weights[0 * 16 + 8 + 3], w[1 * 9 + 3]);
  EXPECT_EQ(i8mm.weights[1 * 16 + 0 + 7], w[2 * 9 + 7]);
  EXPECT_EQ(i8mm.weights[32 + 1 * 16 + 0 + 0], w[2 * 9 + 8]);
  EXPECT_EQ(i8mm.weights[32 + 1 * 16 + 0 + 1], 0);
}

TEST(GemmLayout, ZeroPointIsFoldedIntoTheBiasInTheKernelsDomain) {
  int64_t k = 7, n = 2;
  std::vector<int8_t> w = numberedWeights(n, k);
  std::vector<int32_t> bias = {1000, -2000};
  float mult = 1.0f;
  auto columnSum = [&](int64_t c) {
    return std::accumulate(w.begin() + c * k, w.begin() + (c + 1) * k, 0);
  };
  struct Case {
    GemmIsa isa;
    QType a;
    int32_t zpA;
    int32_t zpDomain;
  } cases[] = {
      // vpdpbusd multiplies u8: s8 activations are shifted by +128.
      {GemmIsa::X86Avx512Vnni, QType::U8, 200, 200},
      {GemmIsa::X86Avx512Vnni, QType::S8, -5, 123},
      {GemmIsa::X86AvxVnni, QType::S8, 127, 255},
      // AVX2 zero-extends u8 pairs to 16 bits: s8 is shifted by +128 too.
      {GemmIsa::X86Avx2, QType::U8, 3, 3},
      {GemmIsa::X86Avx2, QType::S8, -128, 0},
      // sdot / smmla multiply s8: u8 activations are shifted by -128.
      {GemmIsa::Aarch64Dotprod, QType::U8, 255, 127},
      {GemmIsa::Aarch64I8mm, QType::U8, 0, -128},
      {GemmIsa::Aarch64Dotprod, QType::S8, 9, 9},
  };
  for (const Case &c : cases) {
    GemmKernelConfig config = getDefaultGemmKernelConfig(c.isa, c.a, QType::U8);
    PackedGemmWeights packed;
    ASSERT_EQ(packGemmWeights(config, k, n, w.data(), bias.data(), &mult, 1,
                              c.zpA, packed),
              "");
    for (int64_t col = 0; col < n; ++col)
      EXPECT_EQ(packed.bias[col], bias[col] - c.zpDomain * columnSum(col))
          << getGemmKernelName(config) << " zpA=" << c.zpA;
  }
}

TEST(GemmLayout, ColumnSplitForFewRowsOverManyTiles) {
  GemmKernelConfig avx512 = getDefaultGemmKernelConfig(
      GemmIsa::X86Avx512Vnni, QType::U8, QType::U8); // 6 x 64
  auto bit = [](uint64_t mask, int t) { return (mask >> t) & 1; };
  // ResNet-18's 7x7 stage: M = 49, N = 512 (8 tiles). Two threads by rows:
  // 25 rows (4 blocks of 6 and one row) x 8 tiles; by columns: 4 tiles x 49.
  uint64_t layer4 = getColumnSplitThreads(avx512, 49, 512);
  EXPECT_EQ(bit(layer4, 2), 1u);
  EXPECT_EQ(bit(layer4, 4), 1u);
  // 3 tiles over 2 threads (2 + 1) loses to 25 + 24 rows.
  EXPECT_EQ(bit(getColumnSplitThreads(avx512, 49, 160), 2), 0u);
  // One row (a classifier): every thread count that has tiles to share.
  uint64_t fc = getColumnSplitThreads(avx512, 1, 1000); // 16 tiles
  for (int t = 2; t <= 16; ++t)
    EXPECT_EQ(bit(fc, t), 1u) << t;
  // 96 rows (one im2col block) over 8 tiles: 48 rows x 8 tiles costs what
  // 4 tiles x 96 rows cost, and a tie keeps the rows.
  EXPECT_EQ(bit(getColumnSplitThreads(avx512, 96, 512), 2), 0u);
  // One tile, no rows, and bits 0, 1 and 63 (never columns).
  EXPECT_EQ(getColumnSplitThreads(avx512, 49, 64), 0u);
  EXPECT_EQ(getColumnSplitThreads(avx512, 0, 512), 0u);
  EXPECT_EQ(fc & ((uint64_t{1} << 63) | 3u), 0u);
}

TEST(GemmLayout, PackingRejectsWhatTheKernelsCannotComputeExactly) {
  GemmKernelConfig config =
      getDefaultGemmKernelConfig(GemmIsa::X86Avx512Vnni, QType::U8, QType::U8);
  std::vector<int8_t> w(4 * 3, 1);
  std::vector<float> mults = {1.0f, 2.0f, 3.0f};
  PackedGemmWeights packed;
  EXPECT_EQ(packGemmWeights(config, 4, 3, w.data(), nullptr, mults.data(), 3,
                            256, packed),
            "activation zero point 256 is outside the range [0, 255] of u8");
  EXPECT_EQ(packGemmWeights(config, 4, 3, w.data(), nullptr, mults.data(), 2, 0,
                            packed),
            "expected 1 or N=3 requantization multipliers, got 2");
  mults[1] = -1.0f;
  EXPECT_NE(packGemmWeights(config, 4, 3, w.data(), nullptr, mults.data(), 3, 0,
                            packed)
                .find("(column 1) must be finite and > 0"),
            std::string::npos);
  mults[1] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(packGemmWeights(config, 4, 3, w.data(), nullptr, mults.data(), 3, 0,
                            packed),
            "");
  float one = 1.0f;
  std::vector<int8_t> big(70000, 1);
  EXPECT_NE(
      packGemmWeights(config, 70000, 1, big.data(), nullptr, &one, 1, 0, packed)
          .find("too large for exact int32 accumulation"),
      std::string::npos);
  GemmKernelConfig odd =
      getDefaultGemmKernelConfig(GemmIsa::Aarch64I8mm, QType::U8, QType::U8);
  odd.nVectors = 3;
  EXPECT_NE(verifyGemmKernelConfig(odd).find("even number"), std::string::npos);
  GemmKernelConfig wide =
      getDefaultGemmKernelConfig(GemmIsa::X86AvxVnni, QType::U8, QType::U8);
  wide.mr = 8;
  wide.nVectors = 2;
  EXPECT_NE(verifyGemmKernelConfig(wide).find("accumulator registers"),
            std::string::npos);
}

} // namespace
} // namespace qc::codegen
