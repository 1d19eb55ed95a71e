//===- RuntimeTest.cpp - libqcrt's C API driven by a hand-written model ---===//
//
// Create / run / destroy, the memory plan, threads, CPU-feature checks and
// every error status of qc_runtime.h, against the "add_s8" model of
// AddModel.h.
//
//===----------------------------------------------------------------------===//
#include "test/unit/runtime/AddModel.h"
#include "test/unit/runtime/SessionFixture.h"

#include "runtime/lib/qcrt_internal.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace qc::runtime::test;

namespace {

/// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (const char *old = std::getenv(name))
      saved = old, hadValue = true;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (hadValue)
      setenv(name, saved.c_str(), 1);
    else
      unsetenv(name);
  }

private:
  const char *name;
  std::string saved;
  bool hadValue = false;
};

struct Inputs {
  std::vector<int8_t> a, b;
  explicit Inputs(uint32_t seed) : a(kElems), b(kElems) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> dist(-128, 127);
    for (int64_t i = 0; i < kElems; ++i) {
      a[i] = int8_t(dist(rng));
      b[i] = int8_t(dist(rng));
    }
    // The saturation limits, both ways.
    a[0] = 127, b[0] = 127;
    a[1] = -128, b[1] = -128;
    a[2] = 127, b[2] = -128;
  }
  std::vector<int8_t> expected() const {
    std::vector<int8_t> sum(kElems);
    for (int64_t i = 0; i < kElems; ++i) {
      int v = a[i] + b[i];
      sum[i] = int8_t(v > 127 ? 127 : v < -128 ? -128 : v);
    }
    return sum;
  }
  void bind(qc_tensor (&t)[2]) {
    t[0] = {QC_DTYPE_INT8, 2, kShape, a.data(), uint64_t(kElems)};
    t[1] = {QC_DTYPE_INT8, 2, kShape, b.data(), uint64_t(kElems)};
  }
};

class RuntimeTest : public SessionFixture {
protected:
  void SetUp() override {
    threadIndexHook() = qcrt_current_thread_index;
    probe().failWith = 0;
    desc = addModelDesc();
  }
};

TEST(RuntimeInfo, Version) {
  EXPECT_EQ(qc_runtime_version(), (uint32_t(QC_RUNTIME_VERSION_MAJOR) << 16) |
                                      (QC_RUNTIME_VERSION_MINOR << 8) |
                                      QC_RUNTIME_VERSION_PATCH);
  EXPECT_EQ(std::string(qc_runtime_version_string()),
            std::to_string(QC_RUNTIME_VERSION_MAJOR) + "." +
                std::to_string(QC_RUNTIME_VERSION_MINOR) + "." +
                std::to_string(QC_RUNTIME_VERSION_PATCH));
  EXPECT_EQ(qc_runtime_model_abi_version(), QC_MODEL_ABI_VERSION);
}

TEST(RuntimeInfo, StatusStringsAreDistinctAndNamed) {
  std::set<std::string> seen;
  for (int s = QC_STATUS_OK; s <= QC_STATUS_INTERNAL; ++s) {
    std::string text = qc_status_string(qc_status(s));
    EXPECT_EQ(text.rfind("QC_STATUS_", 0), 0u) << text;
    EXPECT_EQ(text.find("UNKNOWN"), std::string::npos) << s;
    EXPECT_TRUE(seen.insert(text).second) << text;
  }
  EXPECT_NE(std::string(qc_status_string(qc_status(999))).find("UNKNOWN"),
            std::string::npos);
  EXPECT_NE(std::string(qc_status_string(QC_STATUS_UNSUPPORTED_ISA))
                .find("UNSUPPORTED_ISA"),
            std::string::npos);
}

TEST_F(RuntimeTest, RunsWithCallerOwnedOutput) {
  for (int32_t threads : {1, 2, 3, 4, 7, 9}) {
    SCOPED_TRACE(threads);
    createSession(threads);
    int32_t got = 0;
    ASSERT_EQ(qc_session_get_num_threads(session, &got), QC_STATUS_OK);
    EXPECT_EQ(got, threads);
    Inputs in(threads);
    qc_tensor inputs[2];
    in.bind(inputs);
    std::vector<int8_t> out(kElems, 0x55);
    qc_tensor output = {QC_DTYPE_INT8, 2, kShape, out.data(), uint64_t(kElems)};
    probe().threadMask = 0;
    ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK)
        << lastError();
    EXPECT_EQ(out, in.expected());
    EXPECT_EQ(output.data, out.data());
    EXPECT_EQ(probe().numThreads.load(), threads);
    // The rows ran on the session's threads only (which of them claims
    // which chunk depends on scheduling: the caller may run them all).
    uint64_t mask = probe().threadMask.load();
    EXPECT_NE(mask, 0u);
    EXPECT_EQ(mask & ~((uint64_t(1) << threads) - 1), 0u);
    ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
    ASSERT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  }
}

TEST_F(RuntimeTest, RuntimeOwnedOutputAndArenaAreReused) {
  createSession(2);
  Inputs first(1), second(2);
  qc_tensor inputs[2];
  first.bind(inputs);
  qc_tensor output = {};
  ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK)
      << lastError();
  ASSERT_NE(output.data, nullptr);
  EXPECT_EQ(output.dtype, QC_DTYPE_INT8);
  ASSERT_EQ(output.rank, 2);
  EXPECT_EQ(output.shape[0], kRows);
  EXPECT_EQ(output.shape[1], kCols);
  EXPECT_EQ(output.size_bytes, uint64_t(kElems));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(output.data) % 64, 0u);
  const int8_t *data = static_cast<const int8_t *>(output.data);
  EXPECT_EQ(std::vector<int8_t>(data, data + kElems), first.expected());
  void *arena = probe().arena;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(arena) % 64, 0u);
  // The arena holds the plan's buffers after the run.
  const int8_t *arenaBytes = static_cast<const int8_t *>(arena);
  EXPECT_EQ(std::vector<int8_t>(arenaBytes + kSumOffset,
                                arenaBytes + kSumOffset + kElems),
            first.expected());

  // A second run: same arena, same runtime-owned buffer, new values.
  second.bind(inputs);
  qc_tensor again = {};
  ASSERT_EQ(qc_session_run(session, inputs, 2, &again, 1), QC_STATUS_OK);
  EXPECT_EQ(again.data, output.data);
  EXPECT_EQ(probe().arena.load(), arena);
  EXPECT_EQ(std::vector<int8_t>(data, data + kElems), second.expected());
}

TEST_F(RuntimeTest, LargeArenaAlignment) {
  static const qc_arena_buffer plan[3] = {
      {"a_copy", 0, kElems}, {"b_copy", 4096, kElems}, {"sum", 8192, kElems}};
  desc.arena_alignment = 4096;
  desc.arena_size = 8192 + kElems;
  desc.buffers = plan;
  createSession(1);
  Inputs in(3);
  qc_tensor inputs[2];
  in.bind(inputs);
  qc_tensor output = {};
  // The entry uses the default plan offsets, which lie inside this arena.
  ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(probe().arena.load()) % 4096, 0u);
}

TEST_F(RuntimeTest, ShapeMayBeOmitted) {
  createSession(1);
  Inputs in(4);
  qc_tensor inputs[2];
  in.bind(inputs);
  inputs[0].shape = nullptr, inputs[0].rank = 0;
  qc_tensor output = {QC_DTYPE_UNDEFINED, 0, nullptr, nullptr, 0};
  ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK)
      << lastError();
}

TEST_F(RuntimeTest, ModelIntrospection) {
  createSession(1);
  uint32_t nIn = 0, nOut = 0;
  ASSERT_EQ(qc_model_get_io_count(model, &nIn, &nOut), QC_STATUS_OK);
  EXPECT_EQ(nIn, 2u);
  EXPECT_EQ(nOut, 1u);
  qc_tensor_desc d;
  ASSERT_EQ(qc_model_get_input(model, 1, &d), QC_STATUS_OK);
  EXPECT_STREQ(d.name, "b");
  EXPECT_EQ(qc_tensor_desc_size_bytes(&d), uint64_t(kElems));
  ASSERT_EQ(qc_model_get_output(model, 0, &d), QC_STATUS_OK);
  EXPECT_STREQ(d.name, "sum");
  EXPECT_EQ(qc_model_get_input(model, 2, &d), QC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("out of range"), std::string::npos);
  EXPECT_EQ(qc_model_get_output(model, 1, &d), QC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(qc_model_get_input(nullptr, 0, &d), QC_STATUS_NULL_POINTER);
  EXPECT_EQ(qc_model_get_input(model, 0, nullptr), QC_STATUS_NULL_POINTER);
  EXPECT_EQ(qc_model_get_io_count(nullptr, &nIn, &nOut),
            QC_STATUS_NULL_POINTER);
  EXPECT_EQ(qc_tensor_desc_size_bytes(nullptr), 0u);
}

// --- errors ---------------------------------------------------------------

TEST_F(RuntimeTest, NullPointers) {
  qc_model *m = reinterpret_cast<qc_model *>(0x1);
  EXPECT_EQ(qc_model_create(nullptr, &m), QC_STATUS_NULL_POINTER);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(lastError().find("desc is NULL"), std::string::npos);
  EXPECT_EQ(qc_model_create(&desc, nullptr), QC_STATUS_NULL_POINTER);
  qc_session *s = reinterpret_cast<qc_session *>(0x1);
  EXPECT_EQ(qc_session_create(nullptr, nullptr, &s), QC_STATUS_NULL_POINTER);
  EXPECT_EQ(s, nullptr);
  createSession(1);
  EXPECT_EQ(qc_session_create(model, nullptr, nullptr), QC_STATUS_NULL_POINTER);
  EXPECT_EQ(qc_session_run(nullptr, nullptr, 0, nullptr, 0),
            QC_STATUS_NULL_POINTER);
  qc_tensor output = {};
  EXPECT_EQ(qc_session_run(session, nullptr, 2, &output, 1),
            QC_STATUS_NULL_POINTER);
  EXPECT_NE(lastError().find("inputs"), std::string::npos);
  Inputs in(5);
  qc_tensor inputs[2];
  in.bind(inputs);
  EXPECT_EQ(qc_session_run(session, inputs, 2, nullptr, 1),
            QC_STATUS_NULL_POINTER);
  inputs[1].data = nullptr;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_NULL_POINTER);
  EXPECT_NE(lastError().find("input 1 ('b')"), std::string::npos)
      << lastError();
  int32_t threads;
  EXPECT_EQ(qc_session_get_num_threads(nullptr, &threads),
            QC_STATUS_NULL_POINTER);
  EXPECT_EQ(qc_session_get_num_threads(session, nullptr),
            QC_STATUS_NULL_POINTER);
  qc_session_options_init(nullptr); // no crash
}

TEST_F(RuntimeTest, WrongCountsDtypesShapesSizes) {
  createSession(2);
  Inputs in(6);
  qc_tensor inputs[2];
  qc_tensor output = {};
  in.bind(inputs);
  EXPECT_EQ(qc_session_run(session, inputs, 1, &output, 1),
            QC_STATUS_COUNT_MISMATCH);
  EXPECT_NE(lastError().find("takes 2 input(s) and 1 output(s), got 1 and 1"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 0),
            QC_STATUS_COUNT_MISMATCH);

  inputs[0].dtype = QC_DTYPE_UINT8;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_DTYPE_MISMATCH);
  EXPECT_NE(lastError().find("input 0 ('a'): dtype uint8"), std::string::npos)
      << lastError();
  in.bind(inputs);

  inputs[1].size_bytes = kElems - 1;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_SIZE_MISMATCH);
  EXPECT_NE(lastError().find("230 bytes, expected 231"), std::string::npos)
      << lastError();
  in.bind(inputs);

  const int64_t transposed[2] = {kCols, kRows};
  inputs[0].shape = transposed;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_SHAPE_MISMATCH);
  EXPECT_NE(lastError().find("shape [33x7] (rank 2), expected [7x33]"),
            std::string::npos)
      << lastError();
  const int64_t flat[1] = {kElems};
  inputs[0].shape = flat, inputs[0].rank = 1;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_SHAPE_MISMATCH);
  in.bind(inputs);

  // Caller-owned output of the wrong size / dtype; runtime-owned of the
  // wrong dtype.
  std::vector<int8_t> small(kElems - 1);
  qc_tensor bad = {QC_DTYPE_INT8, 0, nullptr, small.data(),
                   uint64_t(small.size())};
  EXPECT_EQ(qc_session_run(session, inputs, 2, &bad, 1),
            QC_STATUS_SIZE_MISMATCH);
  EXPECT_NE(lastError().find("output 0 ('sum')"), std::string::npos);
  std::vector<int32_t> wide(kElems);
  bad = {QC_DTYPE_INT32, 0, nullptr, wide.data(), uint64_t(kElems)};
  EXPECT_EQ(qc_session_run(session, inputs, 2, &bad, 1),
            QC_STATUS_DTYPE_MISMATCH);
  bad = {QC_DTYPE_FLOAT32, 0, nullptr, nullptr, 0};
  EXPECT_EQ(qc_session_run(session, inputs, 2, &bad, 1),
            QC_STATUS_DTYPE_MISMATCH);
  // None of the failures called the model or wrote the outputs.
  EXPECT_EQ(bad.data, nullptr);
  EXPECT_EQ(probe().runs.load() >= 0, true);

  // And the session still works.
  int runsBefore = probe().runs;
  ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK);
  EXPECT_EQ(probe().runs.load(), runsBefore + 1);
}

TEST_F(RuntimeTest, FailedChecksDoNotCallTheModel) {
  createSession(1);
  Inputs in(7);
  qc_tensor inputs[2];
  in.bind(inputs);
  inputs[0].dtype = QC_DTYPE_FLOAT32;
  qc_tensor output = {};
  int runsBefore = probe().runs;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_DTYPE_MISMATCH);
  EXPECT_EQ(probe().runs.load(), runsBefore);
  EXPECT_EQ(output.data, nullptr);
}

TEST_F(RuntimeTest, ModelErrorIsReported) {
  createSession(1);
  Inputs in(8);
  qc_tensor inputs[2];
  in.bind(inputs);
  qc_tensor output = {};
  probe().failWith = 42;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1),
            QC_STATUS_MODEL_ERROR);
  EXPECT_NE(lastError().find("returned 42"), std::string::npos);
  EXPECT_EQ(output.data, nullptr);
  probe().failWith = 0;
  EXPECT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK);
}

TEST_F(RuntimeTest, InvalidDescriptors) {
  auto expectCreate = [&](const qc_model_desc &d, qc_status want,
                          const char *message) {
    qc_model *m = nullptr;
    EXPECT_EQ(qc_model_create(&d, &m), want) << message;
    EXPECT_EQ(m, nullptr);
    EXPECT_NE(lastError().find(message), std::string::npos) << lastError();
    // qc_model_validate is the same check, without creating anything.
    EXPECT_EQ(qc_model_validate(&d), want) << message;
    EXPECT_NE(lastError().find(message), std::string::npos) << lastError();
  };
  qc_model_desc d = desc;
  d.abi_version = QC_MODEL_ABI_VERSION + 1;
  expectCreate(d, QC_STATUS_ABI_MISMATCH, "ABI version 2");
  d = desc, d.struct_size = 8;
  expectCreate(d, QC_STATUS_ABI_MISMATCH, "struct_size 8");
  d = desc, d.num_outputs = QC_MAX_IO + 1;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "at most 65536 each");
  d = desc, d.entry = nullptr;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "no entry function");
  d = desc, d.inputs = nullptr;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "input array is NULL");
  static const int64_t negative[2] = {-1, 3};
  static const qc_tensor_desc badInputs[2] = {
      {"a", QC_DTYPE_INT8, 2, kShape}, {"neg", QC_DTYPE_INT8, 2, negative}};
  d = desc, d.inputs = badInputs;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "input 1 ('neg')");
  static const qc_tensor_desc badDtype[1] = {{"sum", 77, 2, kShape}};
  d = desc, d.outputs = badDtype;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "bad dtype (77)");
  static const qc_tensor_desc badRank[1] = {
      {"sum", QC_DTYPE_INT8, QC_MAX_RANK + 1, kShape}};
  d = desc, d.outputs = badRank;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "rank (9)");
  d = desc, d.arena_size = kSumOffset + kElems - 1;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "exceeds the arena");
  static const qc_arena_buffer misaligned[1] = {{"x", 32, 8}};
  d = desc, d.buffers = misaligned, d.num_buffers = 1;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "offset 32 is not a multiple of 64");
  d = desc, d.buffers = nullptr;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "array is NULL");
  d = desc, d.arena_alignment = 96;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "not a power of two");
  d = desc, d.arena_alignment = 8192;
  expectCreate(d, QC_STATUS_INVALID_MODEL, "not a power of two");
}

TEST_F(RuntimeTest, ValidateChecksTheDescriptorNotTheCpu) {
  EXPECT_EQ(qc_model_validate(nullptr), QC_STATUS_NULL_POINTER);
  EXPECT_NE(lastError().find("qc_model_validate: desc is NULL"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(qc_model_validate(&desc), QC_STATUS_OK);
  EXPECT_EQ(lastError(), "");
  // A descriptor for another CPU (qc compile --target aarch64-i8mm on x86)
  // is valid; only qc_model_create refuses it here.
#if defined(__x86_64__)
  desc.required_isa = QC_ISA_AARCH64_DOTPROD | QC_ISA_AARCH64_I8MM;
#else
  desc.required_isa = QC_ISA_X86_AVX512VNNI;
#endif
  EXPECT_EQ(qc_model_validate(&desc), QC_STATUS_OK) << lastError();
  qc_model *m = nullptr;
  EXPECT_EQ(qc_model_create(&desc, &m), QC_STATUS_UNSUPPORTED_ISA);
  // QC_DISABLE_ISA is about this machine, not about the descriptor.
  ScopedEnv disable("QC_DISABLE_ISA", "no-such-feature");
  EXPECT_EQ(qc_model_validate(&desc), QC_STATUS_OK) << lastError();
}

// --- instruction sets -----------------------------------------------------

TEST(RuntimeCpuFeatures, NamesAndParsing) {
  EXPECT_STREQ(qc_isa_feature_name(QC_ISA_X86_AVX512VNNI), "avx512vnni");
  EXPECT_STREQ(qc_isa_feature_name(QC_ISA_AARCH64_I8MM), "i8mm");
  EXPECT_EQ(qc_isa_feature_name(QC_ISA_X86_AVX2 | QC_ISA_X86_FMA), nullptr);
  EXPECT_EQ(qc_isa_feature_name(0), nullptr);
  char unknown[16];
  EXPECT_EQ(qcrt_parse_isa_list(" avx2 ,fma,i8mm", unknown, sizeof unknown),
            QC_ISA_X86_AVX2 | QC_ISA_X86_FMA | QC_ISA_AARCH64_I8MM);
  EXPECT_STREQ(unknown, "");
  EXPECT_EQ(qcrt_parse_isa_list("sse9,avx2", unknown, sizeof unknown),
            QC_ISA_X86_AVX2);
  EXPECT_STREQ(unknown, "sse9");
  EXPECT_EQ(qcrt_parse_isa_list("all", nullptr, 0), ~uint64_t(0));
  EXPECT_EQ(qcrt_parse_isa_list("", nullptr, 0), 0u);
  char list[64];
  qcrt_format_isa_list(QC_ISA_X86_AVX512BW | QC_ISA_X86_AVX512VNNI, list,
                       sizeof list);
  EXPECT_STREQ(list, "avx512bw, avx512vnni");
}

TEST(RuntimeCpuFeatures, DetectionIsConsistent) {
  ScopedEnv clear("QC_DISABLE_ISA", nullptr);
  uint64_t f = qc_cpu_features();
  EXPECT_EQ(f, qcrt_detect_cpu_features());
#if defined(__x86_64__)
  EXPECT_EQ(f & (QC_ISA_AARCH64_DOTPROD | QC_ISA_AARCH64_I8MM), 0u);
  // AVX-512 sub-features imply AVX-512F; VNNI-512 implies F.
  if (f & (QC_ISA_X86_AVX512BW | QC_ISA_X86_AVX512VL | QC_ISA_X86_AVX512VNNI))
    EXPECT_TRUE(f & QC_ISA_X86_AVX512F);
  if (f & QC_ISA_X86_AVX512F)
    EXPECT_TRUE(f & QC_ISA_X86_AVX2);
  // The test machines are at least x86-64-v3.
  EXPECT_TRUE(f & QC_ISA_X86_AVX2);
#endif
  char list[256];
  qcrt_format_isa_list(f, list, sizeof list);
  std::printf("detected CPU features: %s\n", list);
}

TEST(RuntimeCpuFeatures, DisableOverride) {
  ScopedEnv clear("QC_DISABLE_ISA", "avx512vnni,avx2");
  uint64_t f = qc_cpu_features();
  EXPECT_EQ(f & (QC_ISA_X86_AVX512VNNI | QC_ISA_X86_AVX2), 0u);
  EXPECT_EQ(f, qcrt_detect_cpu_features() &
                   ~(QC_ISA_X86_AVX512VNNI | QC_ISA_X86_AVX2));
  ScopedEnv all("QC_DISABLE_ISA", "all");
  EXPECT_EQ(qc_cpu_features(), 0u);
}

TEST_F(RuntimeTest, MissingIsaIsUnsupported) {
  {
    ScopedEnv disable("QC_DISABLE_ISA", "avx512vnni");
    desc.required_isa = QC_ISA_X86_AVX512VNNI | QC_ISA_X86_AVX512BW;
    qc_model *m = nullptr;
    ASSERT_EQ(qc_model_create(&desc, &m), QC_STATUS_UNSUPPORTED_ISA);
    EXPECT_EQ(m, nullptr);
    std::string msg = lastError();
    EXPECT_NE(msg.find("model 'add_s8' needs CPU feature(s)"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("avx512vnni"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(QC_DISABLE_ISA=avx512vnni)"), std::string::npos)
        << msg;
  }
  // A feature of the other architecture is never there.
  ScopedEnv clear("QC_DISABLE_ISA", nullptr);
#if defined(__x86_64__)
  desc.required_isa = QC_ISA_AARCH64_DOTPROD;
  const char *name = "asimddp";
#else
  desc.required_isa = QC_ISA_X86_AVX2;
  const char *name = "avx2";
#endif
  qc_model *m = nullptr;
  ASSERT_EQ(qc_model_create(&desc, &m), QC_STATUS_UNSUPPORTED_ISA);
  EXPECT_NE(lastError().find(name), std::string::npos) << lastError();
}

TEST_F(RuntimeTest, MisspeltDisableOverrideIsRefused) {
  ScopedEnv disable("QC_DISABLE_ISA", "avx2,avx512-vnni");
  qc_model *m = nullptr;
  EXPECT_EQ(qc_model_create(&desc, &m), QC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(lastError().find("unknown feature 'avx512-vnni'"),
            std::string::npos)
      << lastError();
}

TEST_F(RuntimeTest, PresentIsaIsAccepted) {
  ScopedEnv clear("QC_DISABLE_ISA", nullptr);
  desc.required_isa = qc_cpu_features();
  createSession(1);
  Inputs in(9);
  qc_tensor inputs[2];
  in.bind(inputs);
  qc_tensor output = {};
  ASSERT_EQ(qc_session_run(session, inputs, 2, &output, 1), QC_STATUS_OK);
  EXPECT_EQ(probe().features.load(), qc_cpu_features());
}

// --- threads ----------------------------------------------------------------

TEST_F(RuntimeTest, ThreadCountFromEnvironment) {
  ASSERT_EQ(qc_model_create(&desc, &model), QC_STATUS_OK);
  int32_t threads = 0;
  {
    ScopedEnv env("QC_NUM_THREADS", "3");
    ASSERT_EQ(qc_session_create(model, nullptr, &session), QC_STATUS_OK);
    ASSERT_EQ(qc_session_get_num_threads(session, &threads), QC_STATUS_OK);
    EXPECT_EQ(threads, 3);
    ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
    // An explicit option wins over the variable.
    qc_session_options options;
    qc_session_options_init(&options);
    options.num_threads = 2;
    ASSERT_EQ(qc_session_create(model, &options, &session), QC_STATUS_OK);
    ASSERT_EQ(qc_session_get_num_threads(session, &threads), QC_STATUS_OK);
    EXPECT_EQ(threads, 2);
    ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
  }
  for (const char *bad : {"abc", "0", "-2", "4x", "100000"}) {
    ScopedEnv env("QC_NUM_THREADS", bad);
    EXPECT_EQ(qc_session_create(model, nullptr, &session),
              QC_STATUS_INVALID_ARGUMENT)
        << bad;
    EXPECT_EQ(session, nullptr);
    EXPECT_NE(lastError().find("QC_NUM_THREADS"), std::string::npos);
  }
  {
    ScopedEnv env("QC_NUM_THREADS", nullptr);
    ASSERT_EQ(qc_session_create(model, nullptr, &session), QC_STATUS_OK);
    ASSERT_EQ(qc_session_get_num_threads(session, &threads), QC_STATUS_OK);
    EXPECT_GE(threads, 1);
  }
}

TEST_F(RuntimeTest, BadThreadOptions) {
  ASSERT_EQ(qc_model_create(&desc, &model), QC_STATUS_OK);
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = -1;
  EXPECT_EQ(qc_session_create(model, &options, &session),
            QC_STATUS_INVALID_ARGUMENT);
  options.num_threads = QC_MAX_THREADS + 1;
  EXPECT_EQ(qc_session_create(model, &options, &session),
            QC_STATUS_INVALID_ARGUMENT);
  options.num_threads = 1;
  options.struct_size = 0;
  EXPECT_EQ(qc_session_create(model, &options, &session),
            QC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("qc_session_options_init"), std::string::npos);
  // Nothing leaked a session reference: the model can be destroyed.
  EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
}

TEST_F(RuntimeTest, ConcurrentSessionsOfOneModel) {
  ASSERT_EQ(qc_model_create(&desc, &model), QC_STATUS_OK);
  constexpr int kSessions = 3;
  qc_session *sessions[kSessions] = {};
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = 2;
  for (auto &s : sessions)
    ASSERT_EQ(qc_session_create(model, &options, &s), QC_STATUS_OK);
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int t = 0; t < kSessions; ++t)
    callers.emplace_back([&, t] {
      for (int iter = 0; iter < 50; ++iter) {
        Inputs in(uint32_t(100 * t + iter));
        qc_tensor inputs[2];
        in.bind(inputs);
        std::vector<int8_t> out(kElems);
        qc_tensor output = {QC_DTYPE_INT8, 0, nullptr, out.data(),
                            uint64_t(kElems)};
        if (qc_session_run(sessions[t], inputs, 2, &output, 1) !=
                QC_STATUS_OK ||
            out != in.expected())
          failures++;
      }
    });
  for (auto &c : callers)
    c.join();
  EXPECT_EQ(failures.load(), 0);
  for (auto &s : sessions)
    EXPECT_EQ(qc_session_destroy(&s), QC_STATUS_OK);
}

// --- lifetimes
// ----------------------------------------------------------------

TEST_F(RuntimeTest, DestroyIsIdempotentAndOrdered) {
  createSession(2);
  // The model cannot go while a session uses it.
  EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_BUSY);
  EXPECT_NE(model, nullptr);
  EXPECT_NE(lastError().find("1 live session"), std::string::npos);
  EXPECT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
  EXPECT_EQ(session, nullptr);
  EXPECT_EQ(qc_session_destroy(&session), QC_STATUS_OK); // twice: no-op
  EXPECT_EQ(qc_session_destroy(nullptr), QC_STATUS_OK);
  EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  EXPECT_EQ(model, nullptr);
  EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  EXPECT_EQ(qc_model_destroy(nullptr), QC_STATUS_OK);
}

/// An entry that re-enters its own session: the nested run must be refused
/// (BUSY), and so must destroying the running session.
qc_session *gReentrantSession = nullptr;
qc_status gNestedRun, gNestedDestroy;

extern "C" int32_t reentrantEntry(const qc_exec_context *, void *,
                                  const void *const *, void *const *) {
  gNestedRun = qc_session_run(gReentrantSession, nullptr, 0, nullptr, 0);
  qc_session *s = gReentrantSession;
  gNestedDestroy = qc_session_destroy(&s);
  return 0;
}

TEST_F(RuntimeTest, SessionIsBusyDuringARun) {
  static const int64_t one[1] = {1};
  static const qc_tensor_desc out[1] = {{"y", QC_DTYPE_FLOAT32, 1, one}};
  desc.num_inputs = 0, desc.inputs = nullptr;
  desc.outputs = out;
  desc.num_buffers = 0, desc.buffers = nullptr, desc.arena_size = 0;
  desc.entry = reentrantEntry;
  createSession(1);
  gReentrantSession = session;
  qc_tensor output = {};
  ASSERT_EQ(qc_session_run(session, nullptr, 0, &output, 1), QC_STATUS_OK)
      << lastError();
  EXPECT_EQ(gNestedRun, QC_STATUS_BUSY);
  EXPECT_EQ(gNestedDestroy, QC_STATUS_BUSY);
  EXPECT_EQ(output.size_bytes, 4u);
}

} // namespace

//===----------------------------------------------------------------------===//
// Profiling (docs/runtime.md, "Profiling")
//===----------------------------------------------------------------------===//

namespace {

/// Whether the last run of profiledEntry saw ctx->profile_step set.
std::atomic<int> gSawHook{-1};

/// Busy-waits \p ns nanoseconds (sleeping could take much longer).
void spinFor(uint64_t ns) {
  uint64_t end = qcrt_now_ns() + ns;
  while (qcrt_now_ns() < end) {
  }
}

/// Three steps, as qc compile emits them: profile_step(i) before step i and
/// profile_step(3) after the last. Step 1 spins 2 ms, the others 0.1 ms.
extern "C" int32_t profiledEntry(const qc_exec_context *ctx, void *,
                                 const void *const *inputs,
                                 void *const *outputs) {
  qc_step_fn hook =
      ctx->struct_size >= offsetof(qc_exec_context, profile_step) +
                              sizeof(qc_step_fn)
          ? ctx->profile_step
          : nullptr;
  gSawHook = hook != nullptr;
  for (uint32_t step = 0; step < 3; ++step) {
    if (hook)
      hook(ctx, step);
    spinFor(step == 1 ? 2000000 : 100000);
  }
  if (hook)
    hook(ctx, 3);
  std::memcpy(outputs[0], inputs[0], kElems);
  return 0;
}

const qc_step_desc kProfiledSteps[3] = {
    {"qconv2d", "/conv/Conv", "1x1x8x8xui8, w 8x1x3x3xi8 -> 1x8x8x8xui8",
     4608, 1000},
    {"qadd", "/add \"quoted\"", "1x8x8x8xui8, 1x8x8x8xui8 -> 1x8x8x8xui8", 0,
     1536},
    {"outputs", "", "copy to the output buffers", 0, 462}};
const qc_variant_desc kProfiledVariants[1] = {{"portable", 0, 16}};

qc_model_desc profiledDesc() {
  qc_model_desc d = addModelDesc();
  d.name = "profiled";
  d.entry = profiledEntry;
  d.num_steps = 3;
  d.steps = kProfiledSteps;
  d.num_variants = 1;
  d.variants = kProfiledVariants;
  return d;
}

/// The text of \p file from its start.
std::string readAll(FILE *file) {
  std::string text;
  std::rewind(file);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    text.append(buffer, n);
  return text;
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

} // namespace

TEST_F(RuntimeTest, ProfileTimesEveryStep) {
  ScopedEnv noProfile("QC_PROFILE", nullptr);
  desc = profiledDesc();
  createSession(2);
  Inputs in(7);
  qc_tensor inputs[2], outputs[1] = {};
  in.bind(inputs);
  // Off by default: the hook is NULL and printing is refused.
  ASSERT_EQ(qc_session_run(session, inputs, 2, outputs, 1), QC_STATUS_OK);
  EXPECT_EQ(gSawHook.load(), 0);
  EXPECT_EQ(qc_session_print_profile(session, stderr, QC_PROFILE_TABLE),
            QC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("not profiling"), std::string::npos);

  ASSERT_EQ(qc_session_set_profiling(session, 1), QC_STATUS_OK);
  constexpr int kRuns = 4;
  uint64_t t0 = qcrt_now_ns();
  for (int r = 0; r < kRuns; ++r)
    ASSERT_EQ(qc_session_run(session, inputs, 2, outputs, 1), QC_STATUS_OK);
  double wallMs = double(qcrt_now_ns() - t0) / 1e6 / kRuns;
  EXPECT_EQ(gSawHook.load(), 1);

  FILE *csv = std::tmpfile();
  ASSERT_NE(csv, nullptr);
  ASSERT_EQ(qc_session_print_profile(session, csv, QC_PROFILE_CSV),
            QC_STATUS_OK);
  std::vector<std::string> rows = lines(readAll(csv));
  std::fclose(csv);
  ASSERT_EQ(rows.size(), 4u); // header + one row per step, in step order
  EXPECT_EQ(rows[0].rfind("step,kind,name,shapes,ms,percent,mean_ms,macs,bytes", 0),
            0u);
  EXPECT_EQ(rows[0].substr(rows[0].rfind(',') + 1), "min_ms");
  EXPECT_EQ(rows[1].rfind("0,\"qconv2d\",\"/conv/Conv\",", 0), 0u) << rows[1];
  // A quote in a name is doubled.
  EXPECT_EQ(rows[2].rfind("1,\"qadd\",\"/add \"\"quoted\"\"\",", 0), 0u)
      << rows[2];
  EXPECT_EQ(rows[3].rfind("2,\"outputs\",\"\",", 0), 0u) << rows[3];
  // After the shapes (the last quoted field): ms (median), percent,
  // mean_ms.
  auto numbers = [](const std::string &row) {
    std::vector<double> v;
    size_t at = row.rfind("\",") + 2;
    for (int i = 0; i < 3; ++i) {
      size_t end = row.find(',', at);
      v.push_back(std::stod(row.substr(at, end - at)));
      at = end + 1;
    }
    return v;
  };
  double medianSum = 0, meanSum = 0, percentSum = 0;
  const double spin[3] = {0.1, 2.0, 0.1};
  for (int i = 0; i < 3; ++i) {
    std::vector<double> v = numbers(rows[1 + i]);
    // Each step at least its spin (median and mean).
    EXPECT_GE(v[0], spin[i]) << rows[1 + i];
    EXPECT_GE(v[2], spin[i]) << rows[1 + i];
    // The last column, min_ms: at least the spin, at most the median.
    double minMs = std::stod(rows[1 + i].substr(rows[1 + i].rfind(',') + 1));
    EXPECT_GE(minMs, spin[i]) << rows[1 + i];
    EXPECT_LE(minMs, v[0]) << rows[1 + i];
    medianSum += v[0];
    percentSum += v[1];
    meanSum += v[2];
  }
  // Each run's steps lie inside its run: the means sum to at most the mean
  // wall time of a run (which also holds the run's checks). The medians are
  // not bounded so (a preemption can raise one step's median alone), only
  // by their own total, which the percentages split.
  EXPECT_LE(meanSum, wallMs);
  EXPECT_NEAR(percentSum, 100.0, 0.01);
  EXPECT_GE(medianSum, 2.2);

  FILE *table = std::tmpfile();
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(qc_session_print_profile(session, table, QC_PROFILE_TABLE),
            QC_STATUS_OK);
  std::string text = readAll(table);
  std::fclose(table);
  EXPECT_NE(text.find("qc profile: model 'profiled', 2 thread(s), 4 profiled "
                      "run(s), 3 steps, code variant portable"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("of 32 int8 MACs/cycle (portable: 16 per core x 2 "
                      "thread(s))"),
            std::string::npos)
      << text;
  // Sorted by time: the 2 ms qadd comes first.
  size_t header = text.find(" step  kind");
  ASSERT_NE(header, std::string::npos);
  size_t firstRow = text.find('\n', header) + 1;
  EXPECT_EQ(text.compare(firstRow, 7, "    1  "), 0) << text;
  EXPECT_NE(text.find(" by kind"), std::string::npos);

  // Turning it on again clears the counters; off clears the hook.
  ASSERT_EQ(qc_session_set_profiling(session, 1), QC_STATUS_OK);
  table = std::tmpfile();
  ASSERT_EQ(qc_session_print_profile(session, table, QC_PROFILE_TABLE),
            QC_STATUS_OK);
  EXPECT_NE(readAll(table).find("0 profiled run(s)"), std::string::npos);
  std::fclose(table);
  ASSERT_EQ(qc_session_set_profiling(session, 0), QC_STATUS_OK);
  ASSERT_EQ(qc_session_run(session, inputs, 2, outputs, 1), QC_STATUS_OK);
  EXPECT_EQ(gSawHook.load(), 0);
}

TEST_F(RuntimeTest, ProfileFromEnvironmentPrintsAtDestroy) {
  desc = profiledDesc();
  ASSERT_EQ(qc_model_create(&desc, &model), QC_STATUS_OK) << lastError();
  {
    ScopedEnv bad("QC_PROFILE", "yes");
    EXPECT_EQ(qc_session_create(model, nullptr, &session),
              QC_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(lastError().find("QC_PROFILE='yes'"), std::string::npos);
  }
  ScopedEnv on("QC_PROFILE", "1");
  ScopedEnv threads("QC_NUM_THREADS", "1");
  ASSERT_EQ(qc_session_create(model, nullptr, &session), QC_STATUS_OK)
      << lastError();
  Inputs in(3);
  qc_tensor inputs[2], outputs[1] = {};
  in.bind(inputs);
  for (int r = 0; r < 2; ++r)
    ASSERT_EQ(qc_session_run(session, inputs, 2, outputs, 1), QC_STATUS_OK);
  EXPECT_EQ(gSawHook.load(), 1);
  testing::internal::CaptureStderr();
  ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
  std::string text = testing::internal::GetCapturedStderr();
  EXPECT_NE(text.find("qc profile: model 'profiled', 1 thread(s), 2 profiled "
                      "run(s), 3 steps"),
            std::string::npos)
      << text;
  for (const char *name : {"/conv/Conv", "qconv2d", "qadd", "outputs"})
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
}

TEST_F(RuntimeTest, DescriptorsWithoutStepTablesStillRun) {
  // A 0.2 descriptor ends at `entry`: accepted, never profiled.
  ScopedEnv on("QC_PROFILE", "1");
  desc = profiledDesc();
  desc.struct_size = QC_MODEL_DESC_SIZE_V0_2;
  createSession(1);
  Inputs in(5);
  qc_tensor inputs[2], outputs[1] = {};
  in.bind(inputs);
  ASSERT_EQ(qc_session_run(session, inputs, 2, outputs, 1), QC_STATUS_OK);
  EXPECT_EQ(gSawHook.load(), 0);
  EXPECT_EQ(qc_session_set_profiling(session, 1), QC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("no step table"), std::string::npos);
}
