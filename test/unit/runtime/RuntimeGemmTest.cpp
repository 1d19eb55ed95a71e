//===- RuntimeGemmTest.cpp - A two-layer int8 model on generated kernels
//---===//
//
// The model a future `qc compile` would emit for x -> linear -> relu ->
// linear, written by hand on top of the real generated GEMM kernels
// (qc-kernelgen, x86_avx2 and x86_avx512vnni): weights packed "at compile
// time" for both variants, the hidden activation in the arena at the offset
// of the memory plan, rows split over the session's threads, and the kernel
// picked at run time from qc_exec_context.cpu_features. Must equal the scalar
// reference of the kernel contract byte for byte.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmLayout.h"
#include "runtime/include/qc_runtime.h"
#include "test/unit/codegen/gemm_test_support.h"

#include "gemm_kernels_x86_avx2.h"
#include "gemm_kernels_x86_avx512vnni.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace qc::codegen;

namespace {

constexpr int64_t kM = 37, kK = 72, kN1 = 40, kN2 = 50;
constexpr int32_t kZpX = 7, kZpH = 3, kZpY = 128;

/// The model's constants: unpacked (for the reference) and packed per
/// variant (what the generated object would hold).
struct Constants {
  std::vector<int8_t> w1, w2;
  std::vector<int32_t> b1, b2;
  std::vector<float> m1, m2;
  PackedGemmWeights packed1[2], packed2[2]; // [0] avx2, [1] avx512vnni
  std::string error;

  Constants() : w1(kN1 * kK), w2(kN2 * kN1), b1(kN1), b2(kN2), m1(kN1) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> w(-127, 127), b(-3000, 3000);
    for (auto &v : w1)
      v = int8_t(w(rng));
    for (auto &v : w2)
      v = int8_t(w(rng));
    for (auto &v : b1)
      v = b(rng);
    for (auto &v : b2)
      v = b(rng);
    std::uniform_real_distribution<float> scale(0.0004f, 0.002f);
    for (auto &v : m1)
      v = scale(rng); // per channel
    m2 = {0.0011f};   // per tensor
    const GemmIsa isas[2] = {GemmIsa::X86Avx2, GemmIsa::X86Avx512Vnni};
    for (int i = 0; i < 2 && error.empty(); ++i) {
      error = packGemmWeights(config(isas[i]), kK, kN1, w1.data(), b1.data(),
                              m1.data(), kN1, kZpX, packed1[i]);
      if (error.empty())
        error = packGemmWeights(config(isas[i]), kN1, kN2, w2.data(), b2.data(),
                                m2.data(), 1, kZpH, packed2[i]);
    }
  }

  /// The tiles CMake generated (`--kernel=u8u8:4x16` / `:6x64`).
  static GemmKernelConfig config(GemmIsa isa) {
    GemmKernelConfig c;
    c.isa = isa;
    c.aType = QType::U8;
    c.cType = QType::U8;
    c.mr = isa == GemmIsa::X86Avx2 ? 4 : 6;
    int64_t nr = isa == GemmIsa::X86Avx2 ? 16 : 64;
    c.nVectors = nr / c.info().columnsPerVector;
    return c;
  }
};

const Constants &constants() {
  static Constants c;
  return c;
}

constexpr uint64_t kAvx512Needs = QC_ISA_X86_AVX512F | QC_ISA_X86_AVX512BW |
                                  QC_ISA_X86_AVX512VL | QC_ISA_X86_AVX512DQ |
                                  QC_ISA_X86_AVX512CD | QC_ISA_X86_AVX512VNNI;
std::atomic<int> gLastVariant{-1};

using Kernel = decltype(&qc_gemm_u8s8u8_4x16_x86_avx2);

struct Layer {
  Kernel kernel;
  const uint8_t *a;
  int64_t lda;
  const PackedGemmWeights *w;
  uint8_t *c;
  int64_t ldc, n, k;
  int32_t zpOut, qmin, qmax;
};

void runRows(void *user, int64_t begin, int64_t end) {
  const Layer &l = *static_cast<const Layer *>(user);
  l.kernel(l.a + begin * l.lda, l.lda, l.w->weights.data(), l.w->bias.data(),
           l.w->multipliers.data(), l.c + begin * l.ldc, l.ldc, end - begin,
           l.n, l.k, l.zpOut, l.qmin, l.qmax);
}

extern "C" int32_t mlpEntry(const qc_exec_context *ctx, void *arena,
                            const void *const *inputs, void *const *outputs) {
  const Constants &k = constants();
  int v = (ctx->cpu_features & kAvx512Needs) == kAvx512Needs ? 1 : 0;
  gLastVariant = v;
  Kernel kernel =
      v ? qc_gemm_u8s8u8_6x64_x86_avx512vnni : qc_gemm_u8s8u8_4x16_x86_avx2;
  auto *hidden = static_cast<uint8_t *>(arena); // plan: "hidden" at 0
  // linear + relu: qmin = zero point.
  Layer l1{kernel, static_cast<const uint8_t *>(inputs[0]),
           kK,     &k.packed1[v],
           hidden, kN1,
           kN1,    kK,
           kZpH,   kZpH,
           255};
  ctx->parallel_for(ctx, 0, kM, runRows, &l1);
  Layer l2{
      kernel, hidden, kN1, &k.packed2[v], static_cast<uint8_t *>(outputs[0]),
      kN2,    kN2,    kN1, kZpY,          0,
      255};
  ctx->parallel_for(ctx, 0, kM, runRows, &l2);
  return 0;
}

const int64_t kXShape[2] = {kM, kK}, kYShape[2] = {kM, kN2};
const qc_tensor_desc kInputs[1] = {{"x", QC_DTYPE_UINT8, 2, kXShape}};
const qc_tensor_desc kOutputs[1] = {{"y", QC_DTYPE_UINT8, 2, kYShape}};
const qc_arena_buffer kPlan[1] = {{"hidden", 0, kM *kN1}};
const qc_model_desc kMlpDesc = {QC_MODEL_ABI_VERSION,
                                sizeof(qc_model_desc),
                                "mlp2_u8",
                                QC_ISA_X86_AVX2 | QC_ISA_X86_FMA |
                                    QC_ISA_X86_BMI2,
                                1,
                                1,
                                kInputs,
                                kOutputs,
                                kM *kN1,
                                64,
                                1,
                                kPlan,
                                mlpEntry};

std::vector<uint8_t> reference(const std::vector<uint8_t> &x) {
  const Constants &k = constants();
  std::vector<uint8_t> h(kM * kN1), y(kM * kN2);
  qc_reference_gemm(0, 0, kM, kN1, kK, x.data(), kK, k.w1.data(), k.b1.data(),
                    k.m1.data(), kN1, kZpX, kZpH, kZpH, 255, h.data(), kN1);
  qc_reference_gemm(0, 0, kM, kN2, kN1, h.data(), kN1, k.w2.data(), k.b2.data(),
                    k.m2.data(), 1, kZpH, kZpY, 0, 255, y.data(), kN2);
  return y;
}

class ScopedDisable {
public:
  explicit ScopedDisable(const char *value) {
    if (const char *old = std::getenv("QC_DISABLE_ISA"))
      saved = old, had = true;
    if (value)
      setenv("QC_DISABLE_ISA", value, 1);
    else
      unsetenv("QC_DISABLE_ISA");
  }
  ~ScopedDisable() {
    if (had)
      setenv("QC_DISABLE_ISA", saved.c_str(), 1);
    else
      unsetenv("QC_DISABLE_ISA");
  }

private:
  std::string saved;
  bool had = false;
};

void runAndCompare(int32_t threads, int expectedVariant) {
  ASSERT_EQ(constants().error, "");
  qc_model *model = nullptr;
  ASSERT_EQ(qc_model_create(&kMlpDesc, &model), QC_STATUS_OK)
      << qc_last_error_message();
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = threads;
  qc_session *session = nullptr;
  ASSERT_EQ(qc_session_create(model, &options, &session), QC_STATUS_OK);
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::vector<uint8_t> x(kM * kK);
    std::mt19937 rng(seed);
    for (auto &v : x)
      v = uint8_t(rng());
    qc_tensor input = {QC_DTYPE_UINT8, 2, kXShape, x.data(),
                       uint64_t(x.size())};
    qc_tensor output = {};
    ASSERT_EQ(qc_session_run(session, &input, 1, &output, 1), QC_STATUS_OK)
        << qc_last_error_message();
    EXPECT_EQ(gLastVariant.load(), expectedVariant);
    const auto *y = static_cast<const uint8_t *>(output.data);
    std::vector<uint8_t> got(y, y + kM * kN2), want = reference(x);
    EXPECT_EQ(got, want) << "threads " << threads << " seed " << seed;
    // The result is not trivially saturated.
    int distinct = 0;
    for (int i = 1; i < 256; ++i)
      distinct += std::find(want.begin(), want.end(), uint8_t(i)) != want.end();
    EXPECT_GT(distinct, 50);
  }
  EXPECT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
  EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
}

TEST(RuntimeGemmModel, BestKernelMatchesReference) {
  ScopedDisable none(nullptr);
  uint64_t f = qc_cpu_features();
  if ((f & kMlpDesc.required_isa) != kMlpDesc.required_isa)
    GTEST_SKIP() << "SKIP: the CPU lacks AVX2/FMA/BMI2";
  int variant = (f & kAvx512Needs) == kAvx512Needs ? 1 : 0;
  std::printf("running the %s kernels\n", variant ? "avx512vnni" : "avx2");
  for (int32_t threads : {1, 2, 3, 5})
    runAndCompare(threads, variant);
}

TEST(RuntimeGemmModel, FallsBackToAvx2WhenAvx512IsDisabled) {
  ScopedDisable disable("avx512vnni");
  uint64_t f = qc_cpu_features();
  if ((f & kMlpDesc.required_isa) != kMlpDesc.required_isa)
    GTEST_SKIP() << "SKIP: the CPU lacks AVX2/FMA/BMI2";
  for (int32_t threads : {1, 4})
    runAndCompare(threads, 0);
}

TEST(RuntimeGemmModel, RefusedWithoutAvx2) {
  ScopedDisable disable("avx2");
  qc_model *model = nullptr;
  EXPECT_EQ(qc_model_create(&kMlpDesc, &model), QC_STATUS_UNSUPPORTED_ISA);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(qc_last_error_message()).find("avx2"),
            std::string::npos);
}

} // namespace
