//===- runtime_fuzzer.cpp - libFuzzer target: libqcrt's descriptor checks -===//
//
// Builds a qc_model_desc from the fuzz bytes (dtypes, ranks, shapes,
// alignment, arena size and memory plan, all drawn from the input, including
// negative, overflowing and inconsistent values) and drives the C API with
// it: qc_model_create, the I/O queries, qc_session_create and qc_session_run
// with bindings that are right or wrong in the ways the input says.
//
// The entry function stands in for compiled code: it checks the arena's
// alignment, then reads every input byte and writes every output byte and
// every byte of the arena, so that the sanitizer catches any buffer the
// runtime hands out smaller than the descriptor promised. Whatever the
// runtime accepts must be safe; what it refuses must come with a message.
//
// Sizes are bounded so that one input never needs more than a few MiB: a
// descriptor whose tensors are valid but large is only validated (model
// create), not run; tensors of 2^62 bytes and more are run too, since the
// runtime must then refuse to allocate (allocator_may_return_null=1).
//
//===----------------------------------------------------------------------===//
#include "qc_runtime.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}

namespace {

constexpr uint64_t kRunLimit = 4u << 20;   // bytes per tensor we let run
constexpr uint64_t kHugeLimit = 1ull << 62; // from here the runtime must refuse

struct Fixture {
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<qc_tensor_desc> inputs, outputs;
  std::vector<qc_arena_buffer> buffers;
  qc_model_desc desc{};
  uint64_t arenaSize = 0, arenaAlign = 64;
  int32_t entryResult = 0;
};

Fixture *current = nullptr;

/// Byte size as the ABI defines it; false when malformed or overflowing.
bool tensorBytes(const qc_tensor_desc &d, uint64_t &bytes) {
  static const uint64_t sizes[] = {0, 4, 1, 1, 4, 8};
  if (d.dtype < 1 || d.dtype > 5 || d.rank < 0 || d.rank > QC_MAX_RANK ||
      (d.rank && !d.shape))
    return false;
  bytes = sizes[d.dtype];
  for (int32_t i = 0; i < d.rank; ++i) {
    if (d.shape[i] < 0 ||
        __builtin_mul_overflow(bytes, static_cast<uint64_t>(d.shape[i]), &bytes))
      return false;
  }
  return true;
}

int32_t fakeEntry(const qc_exec_context *ctx, void *arena,
                  const void *const *inputs, void *const *outputs) {
  Fixture &f = *current;
  if (!ctx || ctx->num_threads < 1 || !ctx->parallel_for) {
    std::fprintf(stderr, "bad exec context\n");
    std::abort();
  }
  if (reinterpret_cast<uintptr_t>(arena) % f.arenaAlign) {
    std::fprintf(stderr, "arena %p not %llu-aligned\n", arena,
                 (unsigned long long)f.arenaAlign);
    std::abort();
  }
  std::memset(arena, 0xA5, f.arenaSize);
  volatile uint8_t sink = 0;
  for (uint32_t i = 0; i < f.desc.num_inputs; ++i) {
    uint64_t n = 0;
    tensorBytes(f.inputs[i], n);
    const uint8_t *p = static_cast<const uint8_t *>(inputs[i]);
    for (uint64_t b = 0; b < n; ++b)
      sink = sink + p[b];
  }
  for (uint32_t i = 0; i < f.desc.num_outputs; ++i) {
    uint64_t n = 0;
    tensorBytes(f.outputs[i], n);
    std::memset(outputs[i], 0x5A, n);
  }
  // parallel_for must cover the range exactly once.
  struct Count {
    int64_t seen = 0;
  } count;
  ctx->parallel_for(
      ctx, 0, 100,
      [](void *user, int64_t begin, int64_t end) {
        __atomic_add_fetch(&static_cast<Count *>(user)->seen, end - begin,
                           __ATOMIC_RELAXED);
      },
      &count);
  if (count.seen != 100) {
    std::fprintf(stderr, "parallel_for covered %lld of 100\n",
                 (long long)count.seen);
    std::abort();
  }
  return f.entryResult;
}

int64_t pickDim(FuzzedDataProvider &in) {
  switch (in.ConsumeIntegralInRange<int>(0, 9)) {
  case 0:
    return -in.ConsumeIntegralInRange<int64_t>(1, 3);
  case 1:
    return INT64_MAX;
  case 2:
    return int64_t(1) << in.ConsumeIntegralInRange<int>(16, 62);
  case 3:
    return in.ConsumeIntegral<int64_t>();
  default:
    return in.ConsumeIntegralInRange<int64_t>(0, 17);
  }
}

uint64_t pickSize(FuzzedDataProvider &in, uint64_t small) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
  case 0:
    return UINT64_MAX - in.ConsumeIntegralInRange<uint64_t>(0, 4096);
  case 1:
    return in.ConsumeIntegral<uint64_t>();
  default:
    return in.ConsumeIntegralInRange<uint64_t>(0, small);
  }
}

void makeTensors(FuzzedDataProvider &in, Fixture &f,
                 std::vector<qc_tensor_desc> &list, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    qc_tensor_desc d{};
    d.name = in.ConsumeBool() ? nullptr : "t";
    d.dtype = in.ConsumeIntegralInRange<int32_t>(-1, 6);
    d.rank = in.ConsumeIntegralInRange<int32_t>(-1, QC_MAX_RANK + 1);
    int32_t dims = d.rank < 0 ? 0 : std::min(d.rank, QC_MAX_RANK + 1);
    f.shapes.emplace_back();
    for (int32_t k = 0; k < dims; ++k)
      f.shapes.back().push_back(pickDim(in));
    list.push_back(d);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  Fixture f;
  current = &f;

  uint32_t nIn = in.ConsumeIntegralInRange<uint32_t>(0, 4);
  uint32_t nOut = in.ConsumeIntegralInRange<uint32_t>(0, 4);
  f.shapes.reserve(nIn + nOut);
  makeTensors(in, f, f.inputs, nIn);
  makeTensors(in, f, f.outputs, nOut);
  // Shapes: the dims drawn above, or (rank > 0) a NULL array.
  for (size_t i = 0; i < f.inputs.size(); ++i)
    f.inputs[i].shape = in.ConsumeIntegralInRange<int>(0, 15) == 0
                            ? nullptr
                            : f.shapes[i].data();
  for (size_t i = 0; i < f.outputs.size(); ++i)
    f.outputs[i].shape = in.ConsumeIntegralInRange<int>(0, 15) == 0
                             ? nullptr
                             : f.shapes[nIn + i].data();

  f.desc.abi_version =
      in.ConsumeIntegralInRange<int>(0, 15) ? QC_MODEL_ABI_VERSION : 2;
  f.desc.struct_size = in.ConsumeIntegralInRange<int>(0, 15)
                           ? sizeof(qc_model_desc)
                           : in.ConsumeIntegral<uint32_t>();
  f.desc.name = in.ConsumeBool() ? "fuzz" : nullptr;
  f.desc.required_isa = in.ConsumeIntegralInRange<int>(0, 7)
                            ? 0
                            : in.ConsumeIntegral<uint64_t>();
  f.desc.num_inputs = in.ConsumeIntegralInRange<int>(0, 31)
                          ? nIn
                          : in.ConsumeIntegral<uint32_t>();
  f.desc.num_outputs = nOut;
  f.desc.inputs = nIn || in.ConsumeBool() ? f.inputs.data() : nullptr;
  f.desc.outputs = nOut || in.ConsumeBool() ? f.outputs.data() : nullptr;
  f.desc.arena_size = pickSize(in, 1 << 16);
  f.desc.arena_alignment =
      in.ConsumeBool() ? 0 : uint64_t(1) << in.ConsumeIntegralInRange<int>(0, 13);
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0)
    f.desc.arena_alignment = in.ConsumeIntegral<uint64_t>();
  uint32_t nBuf = in.ConsumeIntegralInRange<uint32_t>(0, 4);
  for (uint32_t i = 0; i < nBuf; ++i) {
    qc_arena_buffer b{};
    b.name = in.ConsumeBool() ? "b" : nullptr;
    b.offset = pickSize(in, 1 << 16);
    b.size = pickSize(in, 1 << 16);
    f.buffers.push_back(b);
  }
  f.desc.num_buffers = nBuf;
  f.desc.buffers = nBuf || in.ConsumeBool() ? f.buffers.data() : nullptr;
  f.desc.entry = in.ConsumeIntegralInRange<int>(0, 31) ? fakeEntry : nullptr;
  f.entryResult = in.ConsumeIntegralInRange<int>(0, 7) ? 0 : 3;

  // The descriptor must not claim more I/O than the arrays hold.
  if (f.desc.num_inputs > nIn && f.desc.inputs)
    f.desc.num_inputs = nIn;

  qc_model *model = nullptr;
  qc_status st = qc_model_create(&f.desc, &model);
  if (st != QC_STATUS_OK) {
    if (model || !*qc_last_error_message()) {
      std::fprintf(stderr, "failed qc_model_create without a message or "
                           "with a model\n");
      std::abort();
    }
    return 0;
  }

  // What qc_model_create accepted must be sound.
  bool runnable = f.desc.arena_size <= kRunLimit;
  for (const auto *list : {&f.inputs, &f.outputs})
    for (uint32_t i = 0; i < (list == &f.inputs ? f.desc.num_inputs
                                                 : f.desc.num_outputs);
         ++i) {
      uint64_t n;
      if (!tensorBytes((*list)[i], n) ||
          n != qc_tensor_desc_size_bytes(&(*list)[i])) {
        std::fprintf(stderr, "qc_model_create accepted a bad tensor\n");
        std::abort();
      }
      if (n > kRunLimit && !(list == &f.outputs && n >= kHugeLimit))
        runnable = false;
    }
  for (const qc_arena_buffer &b : f.buffers)
    if (b.offset > f.desc.arena_size || b.size > f.desc.arena_size - b.offset) {
      std::fprintf(stderr, "qc_model_create accepted a buffer outside the "
                           "arena\n");
      std::abort();
    }
  uint32_t gotIn = 0, gotOut = 0;
  qc_model_get_io_count(model, &gotIn, &gotOut);
  if (gotIn != f.desc.num_inputs || gotOut != f.desc.num_outputs)
    std::abort();
  qc_tensor_desc probe;
  if (qc_model_get_input(model, gotIn, &probe) == QC_STATUS_OK ||
      qc_model_get_output(model, gotOut, &probe) == QC_STATUS_OK)
    std::abort();

  f.arenaAlign = f.desc.arena_alignment > 64 ? f.desc.arena_alignment : 64;
  f.arenaSize = f.desc.arena_size;
  if (runnable) {
    qc_session_options options;
    qc_session_options_init(&options);
    // Mostly one thread: a pool per input is the slowest part of a run.
    options.num_threads = in.ConsumeIntegralInRange<int32_t>(0, 7) ? 1 : 2;
    qc_session *session = nullptr;
    st = qc_session_create(model, &options, &session);
    if (st == QC_STATUS_OK) {
      // Bindings: right, or wrong in one way the input picks.
      std::vector<std::unique_ptr<uint8_t[]>> storage;
      std::vector<std::vector<int64_t>> dims;
      dims.reserve(f.desc.num_inputs);
      std::vector<qc_tensor> ins(f.desc.num_inputs), outs(nOut);
      for (uint32_t i = 0; i < f.desc.num_inputs; ++i) {
        uint64_t n = qc_tensor_desc_size_bytes(&f.inputs[i]);
        qc_tensor &t = ins[i];
        t.dtype = f.inputs[i].dtype;
        t.rank = f.inputs[i].rank;
        t.shape = in.ConsumeBool() ? f.inputs[i].shape : nullptr;
        t.size_bytes = n;
        switch (in.ConsumeIntegralInRange<int>(0, 9)) {
        case 0:
          t.dtype = in.ConsumeIntegralInRange<int32_t>(0, 6);
          break;
        case 1:
          t.size_bytes = in.ConsumeIntegralInRange<uint64_t>(0, n + 8);
          break;
        case 2: {
          // Another rank; the caller's shape array holds that many dims.
          t.rank = in.ConsumeIntegralInRange<int32_t>(-1, QC_MAX_RANK + 1);
          dims.emplace_back(QC_MAX_RANK + 1, 1);
          for (int32_t k = 0; k < f.inputs[i].rank && f.inputs[i].shape; ++k)
            dims.back()[k] = f.inputs[i].shape[k];
          t.shape = dims.back().data();
          break;
        }
        default:
          break;
        }
        if (t.size_bytes > kRunLimit)
          t.size_bytes = n;
        storage.emplace_back(new uint8_t[t.size_bytes ? t.size_bytes : 1]());
        t.data = t.size_bytes || in.ConsumeBool() ? storage.back().get()
                                                  : nullptr;
      }
      for (uint32_t i = 0; i < nOut; ++i) {
        qc_tensor &t = outs[i];
        uint64_t n = qc_tensor_desc_size_bytes(&f.outputs[i]);
        if (in.ConsumeBool() && n <= kRunLimit) {
          t.size_bytes = in.ConsumeIntegralInRange<int>(0, 3)
                             ? n
                             : in.ConsumeIntegralInRange<uint64_t>(0, n + 8);
          storage.emplace_back(new uint8_t[t.size_bytes ? t.size_bytes : 1]());
          t.data = storage.back().get();
        }
        t.dtype = in.ConsumeIntegralInRange<int>(0, 3) ? f.outputs[i].dtype
                                                      : QC_DTYPE_UNDEFINED;
      }
      for (int run = 0; run < 2; ++run) {
        st = qc_session_run(session, ins.data(), ins.size(), outs.data(),
                            outs.size());
        if (st != QC_STATUS_OK && !*qc_last_error_message())
          std::abort();
      }
      if (qc_model_destroy(&model) != QC_STATUS_BUSY || !model)
        std::abort();
      qc_session_destroy(&session);
    } else if (session || !*qc_last_error_message()) {
      std::abort();
    }
  }
  if (qc_model_destroy(&model) != QC_STATUS_OK || model)
    std::abort();
  return 0;
}
