//===- BatchTest.cpp - libqcrt's dynamic batch (max_batch) ----------------===//
//
// A hand-written dynamic-batch model, "scale_s8": one sample is an int8
// [1, kWidth] input and an int8 [1, kWidth] output, y = saturate(3 * x + k)
// with k the sample's first value (so a sample that read another sample's
// data would show). The entry works through its arena (x copied in, the
// result computed there, a yield in between so that two samples sharing an
// arena would overwrite each other, then copied out). The runtime must run
// every batch from 1 to max_batch, on any thread count, equal to the
// per-sample reference, and refuse every malformed batch.
//
//===----------------------------------------------------------------------===//
#include "test/unit/runtime/SessionFixture.h"

#include "runtime/include/qc_runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace qc::runtime::test;

namespace {

constexpr int64_t kWidth = 37;
constexpr uint32_t kMaxBatch = 9;
constexpr uint64_t kOutOffset = 64;

std::mutex arenasMutex;
std::set<void *> arenasSeen;
std::atomic<int> samplesRun{0};
std::atomic<int32_t> failAtSample{-1}; // the entry fails on x[0] == this

int8_t scale(int8_t x, int8_t k) {
  int v = 3 * int(x) + int(k);
  return int8_t(v > 127 ? 127 : v < -128 ? -128 : v);
}

extern "C" int32_t scaleEntry(const qc_exec_context *, void *arena,
                              const void *const *inputs,
                              void *const *outputs) {
  {
    std::lock_guard<std::mutex> lock(arenasMutex);
    arenasSeen.insert(arena);
  }
  samplesRun++;
  auto *a = static_cast<int8_t *>(arena);
  const auto *x = static_cast<const int8_t *>(inputs[0]);
  if (failAtSample >= 0 && x[0] == failAtSample)
    return 7;
  std::memcpy(a, x, kWidth);
  std::this_thread::yield();
  for (int64_t i = 0; i < kWidth; ++i)
    a[kOutOffset + i] = scale(a[i], a[0]);
  std::this_thread::yield();
  std::memcpy(outputs[0], a + kOutOffset, kWidth);
  return 0;
}

const int64_t kSample[2] = {1, kWidth};
const qc_tensor_desc kInputs[1] = {{"x", QC_DTYPE_INT8, 2, kSample}};
const qc_tensor_desc kOutputs[1] = {{"y", QC_DTYPE_INT8, 2, kSample}};
const qc_arena_buffer kPlan[2] = {{"x_copy", 0, kWidth},
                                  {"y", kOutOffset, kWidth}};

qc_model_desc scaleDesc() {
  qc_model_desc d{};
  d.abi_version = QC_MODEL_ABI_VERSION;
  d.struct_size = sizeof(qc_model_desc);
  d.name = "scale_s8";
  d.num_inputs = 1;
  d.num_outputs = 1;
  d.inputs = kInputs;
  d.outputs = kOutputs;
  d.arena_size = kOutOffset + kWidth;
  d.arena_alignment = 64;
  d.num_buffers = 2;
  d.buffers = kPlan;
  d.entry = scaleEntry;
  d.max_batch = kMaxBatch;
  return d;
}

/// B samples; sample s starts with the value s (distinct first values), the
/// rest random.
std::vector<int8_t> samples(int64_t batch, uint32_t seed) {
  std::vector<int8_t> x(batch * kWidth);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  for (int8_t &v : x)
    v = int8_t(dist(rng));
  for (int64_t s = 0; s < batch; ++s)
    x[s * kWidth] = int8_t(s);
  return x;
}

std::vector<int8_t> expected(const std::vector<int8_t> &x) {
  std::vector<int8_t> y(x.size());
  for (size_t s = 0; s < x.size() / kWidth; ++s)
    for (int64_t i = 0; i < kWidth; ++i)
      y[s * kWidth + i] = scale(x[s * kWidth + i], x[s * kWidth]);
  return y;
}

class BatchTest : public SessionFixture {
protected:
  void SetUp() override {
    desc = scaleDesc();
    failAtSample = -1;
    arenasSeen.clear();
  }
};

TEST_F(BatchTest, EveryBatchOnEveryThreadCountEqualsOneSampleAtATime) {
  for (int32_t threads : {1, 2, 3, 4}) {
    createSession(threads);
    uint32_t n = 0;
    ASSERT_EQ(qc_model_get_max_batch(model, &n), QC_STATUS_OK);
    EXPECT_EQ(n, kMaxBatch);
    for (int64_t batch = 1; batch <= kMaxBatch; ++batch) {
      std::vector<int8_t> x = samples(batch, uint32_t(batch * 10 + threads));
      std::vector<int8_t> y(x.size(), 0);
      const int64_t shape[2] = {batch, kWidth};
      // Caller-owned output, input with its shape.
      qc_tensor in = {QC_DTYPE_INT8, 2, shape, x.data(), x.size()};
      qc_tensor out = {QC_DTYPE_INT8, 0, nullptr, y.data(), y.size()};
      int before = samplesRun;
      ASSERT_EQ(qc_session_run(session, &in, 1, &out, 1), QC_STATUS_OK)
          << lastError();
      EXPECT_EQ(samplesRun - before, batch);
      EXPECT_EQ(y, expected(x)) << "batch " << batch << ", " << threads
                                << " threads";
      ASSERT_EQ(out.rank, 2);
      EXPECT_EQ(out.shape[0], batch);
      EXPECT_EQ(out.shape[1], kWidth);
      EXPECT_EQ(out.size_bytes, uint64_t(batch * kWidth));
      // Runtime-owned output, input without a shape (batch from its size).
      qc_tensor bare = {QC_DTYPE_INT8, 0, nullptr, x.data(), x.size()};
      qc_tensor owned = {};
      ASSERT_EQ(qc_session_run(session, &bare, 1, &owned, 1), QC_STATUS_OK)
          << lastError();
      ASSERT_NE(owned.data, nullptr);
      EXPECT_EQ(owned.shape[0], batch);
      EXPECT_EQ(owned.size_bytes, uint64_t(batch * kWidth));
      EXPECT_EQ(std::memcmp(owned.data, expected(x).data(), x.size()), 0);
    }
    // One arena per thread that runs samples, never more.
    EXPECT_LE(arenasSeen.size(), size_t(threads));
    if (threads > 1) // a batch of several samples used the lanes
      EXPECT_GT(arenasSeen.size(), size_t(1));
    arenasSeen.clear();
    ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
    ASSERT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  }
}

TEST_F(BatchTest, BadBatchesAreRefused) {
  createSession(2);
  std::vector<int8_t> x = samples(kMaxBatch + 1, 1), y(x.size());
  int before = samplesRun;
  auto run = [&](const int64_t *shape, uint64_t inBytes, uint64_t outBytes,
                 const int64_t *outShape = nullptr) {
    qc_tensor in = {QC_DTYPE_INT8, 2, shape, x.data(), inBytes};
    qc_tensor out = {QC_DTYPE_INT8, outShape ? 2 : 0, outShape, y.data(),
                     outBytes};
    return qc_session_run(session, &in, 1, &out, 1);
  };
  const int64_t zero[2] = {0, kWidth}, tooMany[2] = {kMaxBatch + 1, kWidth},
                three[2] = {3, kWidth}, two[2] = {2, kWidth},
                wide[2] = {3, kWidth + 1};
  EXPECT_EQ(run(zero, 0, 0), QC_STATUS_SHAPE_MISMATCH);
  EXPECT_NE(lastError().find("batch 0 (dimension 0) is outside [1, 9]"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(run(tooMany, x.size(), x.size()), QC_STATUS_SHAPE_MISMATCH);
  EXPECT_NE(lastError().find("batch 10 (dimension 0) is outside [1, 9], the "
                             "model's max_batch"),
            std::string::npos)
      << lastError();
  // Without a shape: the size must be 1 to max_batch whole samples.
  EXPECT_EQ(run(nullptr, kWidth + 1, kWidth), QC_STATUS_SIZE_MISMATCH);
  EXPECT_NE(lastError().find("38 bytes, expected 1 to 9 samples of 37 bytes"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(run(nullptr, x.size(), x.size()), QC_STATUS_SIZE_MISMATCH);
  EXPECT_EQ(run(nullptr, 0, 0), QC_STATUS_SIZE_MISMATCH);
  // The shape says 3 samples, the size 2.
  EXPECT_EQ(run(three, 2 * kWidth, 3 * kWidth), QC_STATUS_SIZE_MISMATCH);
  EXPECT_NE(lastError().find("74 bytes, expected 111"), std::string::npos)
      << lastError();
  // Other dimensions are still the model's.
  EXPECT_EQ(run(wide, 3 * kWidth, 3 * kWidth), QC_STATUS_SHAPE_MISMATCH);
  EXPECT_NE(lastError().find("shape [3x38] (rank 2), expected [3x37]"),
            std::string::npos)
      << lastError();
  // Outputs: exactly the run's batch.
  EXPECT_EQ(run(three, 3 * kWidth, kMaxBatch * kWidth),
            QC_STATUS_SIZE_MISMATCH);
  EXPECT_NE(lastError().find("output 0 ('y'): 333 bytes, expected 111"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(run(three, 3 * kWidth, 3 * kWidth, two), QC_STATUS_SHAPE_MISMATCH);
  EXPECT_NE(lastError().find("shape [2x37] (rank 2), expected [3x37]"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(samplesRun, before) << "a refused run called the model";
}

TEST_F(BatchTest, AFailingSampleFailsTheRun) {
  for (int32_t threads : {1, 3}) {
    createSession(threads);
    failAtSample = 5;
    std::vector<int8_t> x = samples(kMaxBatch, 2), y(x.size());
    qc_tensor in = {QC_DTYPE_INT8, 0, nullptr, x.data(), x.size()};
    qc_tensor out = {QC_DTYPE_INT8, 0, nullptr, y.data(), y.size()};
    EXPECT_EQ(qc_session_run(session, &in, 1, &out, 1),
              QC_STATUS_MODEL_ERROR);
    EXPECT_NE(lastError().find("returned 7"), std::string::npos)
        << lastError();
    ASSERT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
    ASSERT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  }
}

TEST_F(BatchTest, InvalidBatchDescriptors) {
  auto expectInvalid = [&](const qc_model_desc &d, const char *message) {
    EXPECT_EQ(qc_model_validate(&d), QC_STATUS_INVALID_MODEL) << message;
    EXPECT_NE(lastError().find(message), std::string::npos) << lastError();
  };
  static const int64_t two[2] = {2, kWidth};
  static const qc_tensor_desc twoRows[1] = {{"y", QC_DTYPE_INT8, 2, two}};
  qc_model_desc d = desc;
  d.outputs = twoRows;
  expectInvalid(d, "output 0 ('y') is not");
  static const qc_tensor_desc scalar[1] = {{"x", QC_DTYPE_INT8, 0, nullptr}};
  d = desc, d.inputs = scalar;
  expectInvalid(d, "max_batch 9 needs every input and output to be one "
                   "sample (rank >= 1, dimension 0 = 1); input 0 ('x')");
  d = desc, d.num_inputs = 0, d.inputs = nullptr;
  expectInvalid(d, "no input to take the batch from");
  static const int64_t huge[2] = {1, int64_t(1) << 60};
  static const qc_tensor_desc hugeOut[1] = {{"y", QC_DTYPE_INT8, 2, huge}};
  d = desc, d.outputs = hugeOut;
  expectInvalid(d, "9 samples of output 0 ('y') are too large");
}

TEST_F(BatchTest, DescriptorsWithoutTheFieldHaveFixedShapes) {
  // A descriptor of the first ABI 1 layout (struct_size without max_batch)
  // is accepted, and max_batch is not read: the shapes are fixed.
  desc.struct_size = QC_MODEL_DESC_SIZE_V0_2;
  createSession(2);
  uint32_t n = 1;
  ASSERT_EQ(qc_model_get_max_batch(model, &n), QC_STATUS_OK);
  EXPECT_EQ(n, 0u);
  std::vector<int8_t> x = samples(2, 3), y(x.size());
  qc_tensor in = {QC_DTYPE_INT8, 0, nullptr, x.data(), x.size()};
  qc_tensor out = {QC_DTYPE_INT8, 0, nullptr, y.data(), y.size()};
  EXPECT_EQ(qc_session_run(session, &in, 1, &out, 1), QC_STATUS_SIZE_MISMATCH);
  in.size_bytes = out.size_bytes = kWidth;
  EXPECT_EQ(qc_session_run(session, &in, 1, &out, 1), QC_STATUS_OK)
      << lastError();
  desc.struct_size = QC_MODEL_DESC_SIZE_V0_2 - 8;
  EXPECT_EQ(qc_model_validate(&desc), QC_STATUS_ABI_MISMATCH);
}

} // namespace
