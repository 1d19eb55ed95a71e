//===- GemmKernelTest.cpp - Generated x86 GEMM kernels vs the reference ---===//
//
// Every x86 variant in gemm_variants_x86.def, generated at build time by
// qc-kernelgen and linked in, runs natively on every case of GemmCases.cpp
// (packed by packGemmWeights) and must equal qc_reference_gemm byte for
// byte. Operands sit against inaccessible pages, so a read past any of them
// faults; the output is surrounded by canaries, so a stray store fails.
// A variant the CPU cannot run (or QC_TEST_DISABLE_ISA names) is skipped
// with GTEST_SKIP and says why.
//
//===----------------------------------------------------------------------===//
#include "test/unit/codegen/CpuFeatures.h"
#include "test/unit/codegen/GemmCases.h"
#include "test/unit/codegen/gemm_test_support.h"

#include "gemm_kernels_x86_avx2.h"
#include "gemm_kernels_x86_avx512vnni.h"
#include "gemm_kernels_x86_avxvnni.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

namespace qc::codegen::test {
namespace {

using KernelFn = void (*)(const void *a, int64_t lda, const int8_t *packedB,
                          const int32_t *bias, const float *mult, void *c,
                          int64_t ldc, int64_t m, int64_t n, int64_t k,
                          int32_t zpOut, int32_t qmin, int32_t qmax);

struct Variant {
  GemmIsa isa;
  QType aType, cType;
  int64_t mr, nr;
  const char *name;
  KernelFn fn;
  /// GemmKernelConfig::intClamp (QC_GEMM_VARIANT_ICLAMP).
  bool intClamp = false;
};

constexpr QType kType_u8 = QType::U8;
constexpr QType kType_s8 = QType::S8;
#define QC_CTYPE_u8 uint8_t
#define QC_CTYPE_s8 int8_t
#define QC_GEMM_VARIANT_OF(ISA, A, C, MR, NR, VARIANT, SUFFIX, ICLAMP)         \
  Variant{GemmIsa::ISA,                                                        \
          kType_##A,                                                           \
          kType_##C,                                                           \
          MR,                                                                  \
          NR,                                                                  \
          "qc_gemm_" #A "s8" #C "_" #MR "x" #NR #VARIANT "_" #SUFFIX,          \
          [](const void *a, int64_t lda, const int8_t *packedB,                \
             const int32_t *bias, const float *mult, void *c, int64_t ldc,     \
             int64_t m, int64_t n, int64_t k, int32_t zpOut, int32_t qmin,     \
             int32_t qmax) {                                                   \
            qc_gemm_##A##s8##C##_##MR##x##NR##VARIANT##_##SUFFIX(              \
                static_cast<const QC_CTYPE_##A *>(a), lda, packedB, bias,      \
                mult, static_cast<QC_CTYPE_##C *>(c), ldc, m, n, k, zpOut,     \
                qmin, qmax);                                                   \
          },                                                                   \
          ICLAMP},
#define QC_GEMM_VARIANT(ISA, A, C, MR, NR, SUFFIX)                             \
  QC_GEMM_VARIANT_OF(ISA, A, C, MR, NR, , SUFFIX, false)
#define QC_GEMM_VARIANT_ICLAMP(ISA, A, C, MR, NR, SUFFIX)                      \
  QC_GEMM_VARIANT_OF(ISA, A, C, MR, NR, _iclamp, SUFFIX, true)
const Variant kVariants[] = {
#include "test/unit/codegen/gemm_variants_x86.def"
};
#undef QC_GEMM_VARIANT
#undef QC_GEMM_VARIANT_ICLAMP
#undef QC_GEMM_VARIANT_OF

/// A copy of \p bytes that ends at an inaccessible page.
class Guarded {
public:
  Guarded(const void *bytes, size_t size) {
    ok = qc_guarded_alloc(size, &buffer) != 0;
    if (ok && size)
      std::memcpy(buffer.data, bytes, size);
  }
  ~Guarded() { qc_guarded_free(&buffer); }
  Guarded(const Guarded &) = delete;
  Guarded &operator=(const Guarded &) = delete;
  template <typename T> const T *get() const {
    return static_cast<const T *>(buffer.data);
  }
  bool ok;

private:
  qc_guarded_buffer buffer{};
};

void PrintTo(const Variant &variant, std::ostream *os) { *os << variant.name; }

class GemmKernelTest : public ::testing::TestWithParam<Variant> {};

TEST_P(GemmKernelTest, MatchesReferenceOnEdgeShapes) {
  const Variant &variant = GetParam();
  if (std::string why = whyUnavailable(variant.isa); !why.empty())
    GTEST_SKIP() << "SKIP " << variant.name << ": " << why;

  GemmKernelConfig config;
  config.isa = variant.isa;
  config.aType = variant.aType;
  config.cType = variant.cType;
  config.mr = variant.mr;
  config.nVectors = variant.nr / config.info().columnsPerVector;
  config.intClamp = variant.intClamp;
  ASSERT_EQ(getGemmKernelName(config), variant.name);

  int checked = 0, beyondBound = 0;
  for (const GemmCase &c : makeGemmCases(variant.aType, variant.cType)) {
    SCOPED_TRACE(c.name);
    GemmCaseData data = makeGemmCaseData(c, variant.aType);
    PackedGemmWeights packed;
    std::string error = packGemmWeights(
        config, c.k, c.n, data.weights.data(),
        data.bias.empty() ? nullptr : data.bias.data(), data.multipliers.data(),
        static_cast<int64_t>(data.multipliers.size()), c.zpA, packed);
    ASSERT_EQ(error, "");
    // The bound is what qc compile checks before it picks an integer-clamp
    // kernel; every case but the overflowing one is within it.
    EXPECT_EQ(packed.integerClampExact, c.data != DataKind::Overflowing)
        << c.name;
    if (variant.intClamp && !packed.integerClampExact) {
      ++beyondBound;
      continue;
    }

    Guarded a(data.a.data(), data.a.size());
    Guarded weights(packed.weights.data(), packed.weights.size());
    Guarded bias(packed.bias.data(), packed.bias.size() * sizeof(int32_t));
    Guarded mult(packed.multipliers.data(),
                 packed.multipliers.size() * sizeof(float));
    ASSERT_TRUE(a.ok && weights.ok && bias.ok && mult.ok);
    // Canaries between rows and after the last one.
    constexpr size_t kTrailing = 64;
    std::vector<uint8_t> out(static_cast<size_t>(c.m * c.ldc) + kTrailing,
                             QC_GEMM_CANARY);
    variant.fn(a.get<void>(), c.lda, weights.get<int8_t>(), bias.get<int32_t>(),
               mult.get<float>(), out.data(), c.ldc, c.m, c.n, c.k, c.zpOut,
               c.qmin, c.qmax);

    std::vector<uint8_t> want =
        referenceOutput(c, data, variant.aType, variant.cType);
    int mismatches = 0;
    std::ostringstream first;
    for (int64_t row = 0; row < c.m; ++row)
      for (int64_t col = 0; col < c.ldc; ++col) {
        size_t i = static_cast<size_t>(row * c.ldc + col);
        if (out[i] == want[i])
          continue;
        auto show = [&](uint8_t byte) {
          return variant.cType == QType::S8 ? int(static_cast<int8_t>(byte))
                                            : int(byte);
        };
        if (mismatches++ < 5)
          first << " [row " << row << ", col " << col << "] got "
                << show(out[i]) << " want " << show(want[i])
                << (col >= c.n ? " (gap canary)" : "");
      }
    for (size_t i = 0; i < kTrailing; ++i)
      if (out[static_cast<size_t>(c.m * c.ldc) + i] != QC_GEMM_CANARY &&
          mismatches++ < 5)
        first << " [store past the last row, byte " << i << "]";
    EXPECT_EQ(mismatches, 0)
        << variant.name << " on " << c.name << " (M=" << c.m << " N=" << c.n
        << " K=" << c.k << "):" << first.str();
    ++checked;
  }
  if (variant.intClamp)
    EXPECT_EQ(beyondBound, 1) << "the overflowing case must be excluded";
  std::cout << "[ checked  ] " << variant.name << ": " << checked << " cases"
            << (beyondBound ? " (" + std::to_string(beyondBound) +
                                  " beyond the integer clamp's bound)"
                            : std::string())
            << "\n";
}

// The documented way to split one GEMM across threads: rows by offsetting
// a, c and m; column tiles by offsetting the packed weights by whole tiles
// and bias, multipliers and c by as many columns. The pieces must write
// exactly what one call writes.
TEST_P(GemmKernelTest, RowAndTileSplitsEqualOneCall) {
  const Variant &variant = GetParam();
  if (std::string why = whyUnavailable(variant.isa); !why.empty())
    GTEST_SKIP() << "SKIP " << variant.name << ": " << why;
  GemmKernelConfig config;
  config.isa = variant.isa;
  config.aType = variant.aType;
  config.cType = variant.cType;
  config.mr = variant.mr;
  config.nVectors = variant.nr / config.info().columnsPerVector;
  config.intClamp = variant.intClamp;

  GemmCase c;
  c.name = "split";
  c.m = 4 * variant.mr + 3;
  c.n = 2 * variant.nr + variant.nr / 2 + 1;
  c.k = 77;
  c.lda = c.k + 5;
  c.ldc = c.n + 3;
  c.zpA = variant.aType == QType::U8 ? 131 : 3;
  c.zpOut = variant.cType == QType::U8 ? 120 : -8;
  c.qmin = variant.cType == QType::U8 ? 0 : -128;
  c.qmax = variant.cType == QType::U8 ? 255 : 127;
  GemmCaseData data = makeGemmCaseData(c, variant.aType);
  PackedGemmWeights packed;
  ASSERT_EQ(packGemmWeights(config, c.k, c.n, data.weights.data(),
                            data.bias.data(), data.multipliers.data(),
                            static_cast<int64_t>(data.multipliers.size()),
                            c.zpA, packed),
            "");
  ASSERT_TRUE(packed.integerClampExact);
  std::vector<uint8_t> want =
      referenceOutput(c, data, variant.aType, variant.cType);

  // Rows: [0, r0), [r0, m) with r0 not a multiple of mr.
  std::vector<uint8_t> rows(want.size(), QC_GEMM_CANARY);
  int64_t r0 = variant.mr + 1;
  for (auto [begin, end] : {std::pair<int64_t, int64_t>{0, r0}, {r0, c.m}})
    variant.fn(data.a.data() + begin * c.lda, c.lda, packed.weights.data(),
               packed.bias.data(), packed.multipliers.data(),
               rows.data() + begin * c.ldc, c.ldc, end - begin, c.n, c.k,
               c.zpOut, c.qmin, c.qmax);
  EXPECT_EQ(rows, want) << variant.name << ": split by rows at " << r0;

  // Column tiles: [0, 1) and [1, end) tiles.
  std::vector<uint8_t> tiles(want.size(), QC_GEMM_CANARY);
  int64_t tileBytes = getPackedTileBytes(config, c.k);
  for (auto [first, last] : {std::pair<int64_t, int64_t>{0, 1},
                             {1, getPaddedN(config, c.n) / config.nr()}}) {
    int64_t col = first * config.nr();
    int64_t cols = std::min(last * config.nr(), c.n) - col;
    variant.fn(data.a.data(), c.lda, packed.weights.data() + first * tileBytes,
               packed.bias.data() + col, packed.multipliers.data() + col,
               tiles.data() + col, c.ldc, c.m, cols, c.k, c.zpOut, c.qmin,
               c.qmax);
  }
  EXPECT_EQ(tiles, want) << variant.name << ": split by column tiles";
}

INSTANTIATE_TEST_SUITE_P(X86, GemmKernelTest, ::testing::ValuesIn(kVariants),
                         [](const ::testing::TestParamInfo<Variant> &info) {
                           return std::string(info.param.name);
                         });

} // namespace
} // namespace qc::codegen::test
