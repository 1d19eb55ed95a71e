//===- AddModel.h - A hand-written compiled-model descriptor for tests -*- C++
//-*-//
//
// What `qc compile` will emit, written by hand: a model "add_s8" with two
// int8 [kRows, kCols] inputs and their saturating int8 sum as output. The
// entry function works only through the arena and its static memory plan
// (a -> arena[0], b -> arena[kBOffset], sum -> arena[kSumOffset], then the
// sum is copied out), splitting rows over the session's threads.
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_UNIT_RUNTIME_ADDMODEL_H
#define QC_TEST_UNIT_RUNTIME_ADDMODEL_H

#include "runtime/include/qc_runtime.h"

#include <atomic>
#include <cstdint>
#include <cstring>

namespace qc::runtime::test {

constexpr int64_t kRows = 7, kCols = 33, kElems = kRows * kCols;
constexpr uint64_t kBOffset = 256, kSumOffset = 512;

/// What the last run of the entry saw (the tests check the arena and the
/// threads through these).
struct AddModelProbe {
  std::atomic<void *> arena{nullptr};
  std::atomic<uint64_t> threadMask{0};
  std::atomic<int> runs{0};
  std::atomic<int32_t> failWith{0}; // entry returns this when nonzero
  std::atomic<uint64_t> features{0};
  std::atomic<int32_t> numThreads{0};
};
inline AddModelProbe &probe() {
  static AddModelProbe p;
  return p;
}

/// Index of the pool thread running a chunk, or -1; set by the test from
/// qcrt_current_thread_index (the entry itself must not depend on libqcrt
/// internals, so this is a hook).
inline int32_t (*&threadIndexHook())() {
  static int32_t (*hook)() = nullptr;
  return hook;
}

struct AddJob {
  int8_t *arena;
  const int8_t *a, *b;
  int8_t *out;
};

inline void addRows(void *user, int64_t begin, int64_t end) {
  auto *job = static_cast<AddJob *>(user);
  if (threadIndexHook()) {
    int32_t t = threadIndexHook()();
    if (t >= 0 && t < 64)
      probe().threadMask.fetch_or(uint64_t(1) << t);
  }
  int8_t *a = job->arena, *b = job->arena + kBOffset,
         *sum = job->arena + kSumOffset;
  for (int64_t r = begin; r < end; ++r) {
    int64_t o = r * kCols;
    std::memcpy(a + o, job->a + o, kCols);
    std::memcpy(b + o, job->b + o, kCols);
    for (int64_t c = 0; c < kCols; ++c) {
      int v = int(a[o + c]) + int(b[o + c]);
      sum[o + c] = int8_t(v > 127 ? 127 : v < -128 ? -128 : v);
    }
    std::memcpy(job->out + o, sum + o, kCols);
  }
}

extern "C" inline int32_t addModelEntry(const qc_exec_context *ctx, void *arena,
                                        const void *const *inputs,
                                        void *const *outputs) {
  AddModelProbe &p = probe();
  p.arena = arena;
  p.runs++;
  p.features = ctx->cpu_features;
  p.numThreads = ctx->num_threads;
  if (int32_t rc = p.failWith.load())
    return rc;
  AddJob job{static_cast<int8_t *>(arena),
             static_cast<const int8_t *>(inputs[0]),
             static_cast<const int8_t *>(inputs[1]),
             static_cast<int8_t *>(outputs[0])};
  ctx->parallel_for(ctx, 0, kRows, addRows, &job);
  return 0;
}

inline const int64_t kShape[2] = {kRows, kCols};
inline const qc_tensor_desc kAddInputs[2] = {{"a", QC_DTYPE_INT8, 2, kShape},
                                             {"b", QC_DTYPE_INT8, 2, kShape}};
inline const qc_tensor_desc kAddOutputs[1] = {
    {"sum", QC_DTYPE_INT8, 2, kShape}};
inline const qc_arena_buffer kAddPlan[3] = {{"a_copy", 0, kElems},
                                            {"b_copy", kBOffset, kElems},
                                            {"sum", kSumOffset, kElems}};

/// A fresh, valid descriptor (tests break copies of it).
inline qc_model_desc addModelDesc() {
  qc_model_desc d{};
  d.abi_version = QC_MODEL_ABI_VERSION;
  d.struct_size = sizeof(qc_model_desc);
  d.name = "add_s8";
  d.required_isa = 0;
  d.num_inputs = 2;
  d.num_outputs = 1;
  d.inputs = kAddInputs;
  d.outputs = kAddOutputs;
  d.arena_size = kSumOffset + kElems;
  d.arena_alignment = 64;
  d.num_buffers = 3;
  d.buffers = kAddPlan;
  d.entry = addModelEntry;
  return d;
}

} // namespace qc::runtime::test

#endif // QC_TEST_UNIT_RUNTIME_ADDMODEL_H
