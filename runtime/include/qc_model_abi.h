/*===- qc_model_abi.h - The contract between a compiled model and libqcrt -===*
 *
 * A model compiled by qc is an object file that exports one constant
 * `qc_model_desc` (named `<model>_desc` by convention, see docs/runtime.md).
 * The descriptor tells libqcrt everything it needs to run the model without
 * knowing anything about the network: its inputs and outputs, the static
 * memory plan (one arena, buffers at fixed offsets), the instruction-set
 * features the code was compiled for, and one entry function.
 *
 * Plain C (C99 and later, C++ compatible), no third-party types. Everything a
 * descriptor points to must outlive every model and session made from it
 * (generated code uses static storage).
 *
 *===----------------------------------------------------------------------===*/
#ifndef QC_MODEL_ABI_H
#define QC_MODEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structures below. */
#define QC_MODEL_ABI_VERSION 1u

/* Largest tensor rank the runtime accepts. */
#define QC_MAX_RANK 8

/* Most inputs (and most outputs) a model may have. */
#define QC_MAX_IO 65536u

/* Most steps a step table may have. */
#define QC_MAX_STEPS (1u << 24)

/* The alignment of the arena when a descriptor asks for 0 (and the minimum). */
#define QC_ARENA_DEFAULT_ALIGNMENT 64u

/* Element types of model inputs and outputs (values are stable). */
typedef enum qc_dtype {
  QC_DTYPE_UNDEFINED = 0,
  QC_DTYPE_FLOAT32 = 1,
  QC_DTYPE_INT8 = 2,
  QC_DTYPE_UINT8 = 3,
  QC_DTYPE_INT32 = 4,
  QC_DTYPE_INT64 = 5
} qc_dtype;

/* Instruction-set features (bits of `required_isa` and of qc_cpu_features()).
 * Names, as used by QC_DISABLE_ISA and in messages, are in brackets. */
#define QC_ISA_X86_AVX2 (1ull << 0)         /* [avx2] incl. OS YMM state     */
#define QC_ISA_X86_FMA (1ull << 1)          /* [fma]                         */
#define QC_ISA_X86_BMI2 (1ull << 2)         /* [bmi2]                        */
#define QC_ISA_X86_AVX512F (1ull << 3)      /* [avx512f] incl. OS ZMM state  */
#define QC_ISA_X86_AVX512BW (1ull << 4)     /* [avx512bw]                    */
#define QC_ISA_X86_AVX512VL (1ull << 5)     /* [avx512vl]                    */
#define QC_ISA_X86_AVX512DQ (1ull << 6)     /* [avx512dq]                    */
#define QC_ISA_X86_AVX512CD (1ull << 7)     /* [avx512cd]                    */
#define QC_ISA_X86_AVX512VNNI (1ull << 8)   /* [avx512vnni]                  */
#define QC_ISA_X86_AVXVNNI (1ull << 9)      /* [avxvnni] 256-bit VEX VNNI    */
#define QC_ISA_AARCH64_DOTPROD (1ull << 32) /* [asimddp] sdot/udot          */
#define QC_ISA_AARCH64_I8MM (1ull << 33)    /* [i8mm] smmla/usmmla          */

/* Shape and type of one model input or output. Shapes are static. */
typedef struct qc_tensor_desc {
  const char *name;
  int32_t dtype;        /* a qc_dtype */
  int32_t rank;         /* 0 .. QC_MAX_RANK */
  const int64_t *shape; /* rank entries, each >= 0; may be NULL when rank 0 */
} qc_tensor_desc;

/* One buffer of the static memory plan: `size` bytes at `offset` from the
 * arena base. Buffers whose lifetimes do not overlap may share bytes. The
 * runtime checks that every buffer lies inside the arena and that `offset` is
 * a multiple of the arena alignment; the entry function uses the offsets as
 * compile-time constants. */
typedef struct qc_arena_buffer {
  const char *name; /* for diagnostics; may be NULL */
  uint64_t offset;
  uint64_t size;
} qc_arena_buffer;

/* Work callback of qc_exec_context.parallel_for: process [begin, end). */
typedef void (*qc_range_fn)(void *user, int64_t begin, int64_t end);

/* Profiling hook of qc_exec_context (added in 0.3.0): `step` begins now; the
 * step that was running, if any, ended. See qc_exec_context.profile_step. */
struct qc_exec_context;
typedef void (*qc_step_fn)(const struct qc_exec_context *ctx, uint32_t step);

/* What the runtime hands to the entry function on every run. */
typedef struct qc_exec_context {
  uint32_t struct_size;  /* sizeof(qc_exec_context) of the runtime */
  int32_t num_threads;   /* threads parallel_for uses (>= 1) */
  uint64_t cpu_features; /* QC_ISA_* bits available (after QC_DISABLE_ISA) */
  /* Splits [begin, end) into num_threads contiguous chunks, chunk i of size
   * (end-begin)/n plus one for i < (end-begin)%n, runs them concurrently (the
   * calling thread runs chunk 0) and returns when all are done. Empty chunks
   * are not called. Deterministic: the same range always gives the same
   * chunks. A nested call from inside `fn` runs the whole range serially. */
  void (*parallel_for)(const struct qc_exec_context *ctx, int64_t begin,
                       int64_t end, qc_range_fn fn, void *user);
  void *impl; /* runtime-private */
  /* Added in 0.3.0 (read it only when struct_size covers it). NULL unless the
   * session profiles (QC_PROFILE=1, qc_session_set_profiling). When set, the
   * entry calls profile_step(ctx, i) on the calling thread as step i of the
   * descriptor's step table begins (a parallel step is timed as a whole,
   * around its parallel_for) and profile_step(ctx, num_steps) after the last
   * step. When NULL the cost is one predictable branch per step. */
  qc_step_fn profile_step;
} qc_exec_context;

/* The entry function of a compiled model. `arena` is 64-byte (or
 * arena_alignment) aligned, arena_size bytes, reused across runs and not
 * cleared between them. `inputs[i]` / `outputs[i]` point to the I/O tensors
 * in descriptor order, densely packed row-major, with no alignment promise.
 * Returns 0 on success; any other value makes qc_session_run fail with
 * QC_STATUS_MODEL_ERROR. Must not keep pointers beyond the call. */
typedef int32_t (*qc_model_entry_fn)(const qc_exec_context *ctx, void *arena,
                                     const void *const *inputs,
                                     void *const *outputs);

/* One step of the entry function, in execution order (added in 0.3.0): what
 * a profile reports per step. Strings are never NULL (may be ""). */
typedef struct qc_step_desc {
  const char *kind;   /* the op, e.g. "qconv2d_depthwise", "qadd", "outputs" */
  const char *name;   /* the model's node name (ONNX node), "" when none */
  const char *shapes; /* operand and result shapes, e.g. "1x3x8x8 -> 1x4x8x8" */
  uint64_t macs;      /* multiply-accumulates per run (0: not a MAC step) */
  uint64_t bytes;     /* bytes of the step's operands and results per run */
} qc_step_desc;

/* One code variant of the entry function (added in 0.3.0), best first: the
 * entry runs the first whose required_isa bits the CPU has (the descriptor's
 * required_isa is the last's). */
typedef struct qc_variant_desc {
  const char *name;              /* the target, e.g. "x86-64-avx512vnni" */
  uint64_t required_isa;         /* QC_ISA_* bits */
  uint64_t int8_macs_per_cycle;  /* the ISA's int8 dot-product peak per core */
} qc_variant_desc;

/* The descriptor a compiled model exports. */
typedef struct qc_model_desc {
  uint32_t abi_version; /* QC_MODEL_ABI_VERSION */
  uint32_t struct_size; /* sizeof(qc_model_desc) */
  const char *name;
  uint64_t required_isa; /* QC_ISA_* bits the code needs */
  uint32_t num_inputs;
  uint32_t num_outputs;
  const qc_tensor_desc *inputs;
  const qc_tensor_desc *outputs;
  uint64_t arena_size;      /* bytes; 0 when the model needs no scratch */
  uint64_t arena_alignment; /* power of two <= 4096; 0 means 64 */
  uint32_t num_buffers;
  const qc_arena_buffer *buffers; /* the memory plan */
  qc_model_entry_fn entry;
  /* Added in 0.3.0 (struct_size tells whether they exist; descriptors of
   * 0.2 end at `entry`). num_steps 0 means no step table. */
  uint32_t num_steps;
  const qc_step_desc *steps;
  uint32_t num_variants;
  const qc_variant_desc *variants;
} qc_model_desc;

/* struct_size of a 0.2 descriptor (the oldest the runtime accepts). */
#define QC_MODEL_DESC_SIZE_V0_2 offsetof(qc_model_desc, num_steps)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QC_MODEL_ABI_H */
