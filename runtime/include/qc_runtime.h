/*===- qc_runtime.h - libqcrt, the runtime of qc-compiled models ---------===*
 *
 * The stable C API an application uses to run a model compiled by qc:
 *
 *   qc_model *model;
 *   qc_status st = qc_model_create(&mymodel_desc, &model);   // checks the CPU
 *   qc_session *session;
 *   st = qc_session_create(model, NULL, &session);           // arena, threads
 *   qc_tensor in[1] = {{QC_DTYPE_INT8, 0, NULL, data, nbytes}};
 *   qc_tensor out[1] = {{0}};             // data == NULL: runtime-owned
 *   st = qc_session_run(session, in, 1, out, 1);
 *   qc_session_destroy(&session);
 *   qc_model_destroy(&model);
 *
 * Every function returns a qc_status (or a plain value that cannot fail);
 * failures leave a message for qc_last_error_message(). No function aborts or
 * throws on bad arguments. Plain C; see docs/runtime.md.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QC_RUNTIME_H
#define QC_RUNTIME_H

#include "qc_model_abi.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QC_RUNTIME_VERSION_MAJOR 0
#define QC_RUNTIME_VERSION_MINOR 3
#define QC_RUNTIME_VERSION_PATCH 0

/* Largest thread count a session accepts. */
#define QC_MAX_THREADS 256

typedef enum qc_status {
  QC_STATUS_OK = 0,
  QC_STATUS_NULL_POINTER = 1,     /* a required pointer argument was NULL */
  QC_STATUS_INVALID_ARGUMENT = 2, /* bad option / env value / index */
  QC_STATUS_INVALID_MODEL = 3,    /* the descriptor is inconsistent */
  QC_STATUS_ABI_MISMATCH = 4,     /* descriptor built for another ABI */
  QC_STATUS_UNSUPPORTED_ISA = 5,  /* the CPU lacks a required feature */
  QC_STATUS_COUNT_MISMATCH = 6,   /* wrong number of inputs / outputs */
  QC_STATUS_DTYPE_MISMATCH = 7,   /* tensor element type differs */
  QC_STATUS_SHAPE_MISMATCH = 8,   /* tensor rank / dims differ */
  QC_STATUS_SIZE_MISMATCH = 9,    /* tensor byte size differs */
  QC_STATUS_OUT_OF_MEMORY = 10,
  QC_STATUS_BUSY = 11,        /* handle in use (live sessions, a run) */
  QC_STATUS_MODEL_ERROR = 12, /* the entry function reported failure */
  QC_STATUS_INTERNAL = 13     /* e.g. a thread could not be started */
} qc_status;

/* A static English name of the status ("QC_STATUS_UNSUPPORTED_ISA: ..."),
 * never NULL, also for unknown values. */
const char *qc_status_string(qc_status status);

/* Details of the last failing call on this thread ("" if none). Valid until
 * the next libqcrt call on this thread. */
const char *qc_last_error_message(void);

/* (major << 16) | (minor << 8) | patch of the linked library. */
uint32_t qc_runtime_version(void);
/* "0.1.0" */
const char *qc_runtime_version_string(void);
/* The QC_MODEL_ABI_VERSION the library accepts. */
uint32_t qc_runtime_model_abi_version(void);

/* QC_ISA_* features of this CPU, minus those named by the QC_DISABLE_ISA
 * environment variable (comma-separated feature names, or "all"). */
uint64_t qc_cpu_features(void);
/* The name of one QC_ISA_* bit ("avx512vnni"), or NULL if not exactly one
 * known bit. */
const char *qc_isa_feature_name(uint64_t feature);

typedef struct qc_model qc_model;
typedef struct qc_session qc_session;

/* Validates `desc` (ABI version, I/O descriptors, memory plan) and checks that
 * the CPU has every required feature (QC_STATUS_UNSUPPORTED_ISA otherwise,
 * with the missing features named in qc_last_error_message()). `desc` must
 * outlive the model. On failure *out_model is set to NULL. */
qc_status qc_model_create(const qc_model_desc *desc, qc_model **out_model);

/* Checks `desc` exactly as qc_model_create does (ABI version and struct
 * size, I/O descriptors, memory plan, entry) but not the CPU's features and
 * not QC_DISABLE_ISA, and creates nothing: QC_STATUS_OK, or the status
 * qc_model_create would return for it with the reason in
 * qc_last_error_message(). `qc compile` runs it on every descriptor it
 * writes, and tools can run it on a descriptor compiled for another CPU.
 * Added in 0.2.0. */
qc_status qc_model_validate(const qc_model_desc *desc);

/* Destroys the model and sets *model to NULL. NULL or *model == NULL: no-op
 * (so destroying twice through the same variable is safe). Fails with
 * QC_STATUS_BUSY, destroying nothing, while sessions of the model exist. */
qc_status qc_model_destroy(qc_model **model);

qc_status qc_model_get_io_count(const qc_model *model, uint32_t *num_inputs,
                                uint32_t *num_outputs);
/* The descriptor of input / output `index` (pointers into the model's static
 * descriptor). */
qc_status qc_model_get_input(const qc_model *model, uint32_t index,
                             qc_tensor_desc *out_desc);
qc_status qc_model_get_output(const qc_model *model, uint32_t index,
                              qc_tensor_desc *out_desc);
/* Bytes of a tensor described by `desc` (0 for a bad descriptor). */
uint64_t qc_tensor_desc_size_bytes(const qc_tensor_desc *desc);

typedef struct qc_session_options {
  uint32_t struct_size; /* sizeof(qc_session_options) */
  /* > 0: exactly this many threads (<= QC_MAX_THREADS). 0: the QC_NUM_THREADS
   * environment variable if set, else the number of online CPUs. */
  int32_t num_threads;
} qc_session_options;

/* Fills the defaults (struct_size set, num_threads 0). */
void qc_session_options_init(qc_session_options *options);

/* Allocates the arena (once, aligned) and the runtime-owned output buffers,
 * and starts the worker threads. `options` may be NULL (defaults). */
qc_status qc_session_create(qc_model *model, const qc_session_options *options,
                            qc_session **out_session);
/* Joins the threads and frees everything; sets *session to NULL. NULL or
 * *session == NULL: no-op. Fails with QC_STATUS_BUSY during a run. */
qc_status qc_session_destroy(qc_session **session);
qc_status qc_session_get_num_threads(const qc_session *session,
                                     int32_t *num_threads);

/* One input or output binding of qc_session_run. */
typedef struct qc_tensor {
  /* Inputs: must equal the model's dtype. Outputs: QC_DTYPE_UNDEFINED or the
   * model's dtype; set to the model's dtype by a successful run. */
  int32_t dtype;
  /* If `shape` is not NULL, rank and dims must equal the model's. Outputs:
   * set to the model's static shape by a successful run. */
  int32_t rank;
  const int64_t *shape;
  /* Inputs: the data (dense row-major), not NULL unless size_bytes is 0.
   * Outputs: NULL asks for a runtime-owned buffer, which a successful run
   * stores here; it stays valid until the next run or destroy of the session.
   * Non-NULL: a caller-owned buffer of exactly size_bytes bytes. */
  void *data;
  /* Must equal the tensor's byte size (runtime-owned outputs: set by run). */
  uint64_t size_bytes;
} qc_tensor;

/* Runs the model once: checks every binding, then calls the entry function
 * with the session's arena. Inputs and outputs are matched by position. A
 * session runs one call at a time (QC_STATUS_BUSY if called concurrently);
 * use one session per thread for concurrency. No memory is allocated. */
qc_status qc_session_run(qc_session *session, const qc_tensor *inputs,
                         uint32_t num_inputs, qc_tensor *outputs,
                         uint32_t num_outputs);

/* --- Profiling (added in 0.3.0; docs/runtime.md, "Profiling") ------------
 * A session that profiles times every step of the model's step table
 * (qc_model_desc.steps) on the calling thread, around the whole step, and
 * sums over runs. Models without a step table (compiled before 0.3.0) profile
 * nothing. The environment variable QC_PROFILE=1 turns profiling on at
 * qc_session_create and prints the table to stderr at qc_session_destroy
 * (QC_PROFILE=csv: the CSV); any other value but 0 or empty makes
 * qc_session_create fail with QC_STATUS_INVALID_ARGUMENT. */

/* Turns profiling on (non-zero) or off. Turning it on clears the counters
 * and, the first time, allocates them (at most 16 MiB: a window of up to
 * 10000 runs x steps; QC_STATUS_OUT_OF_MEMORY if that fails). A session that
 * never profiles allocates nothing for it. QC_STATUS_BUSY during a run. */
qc_status qc_session_set_profiling(qc_session *session, int enabled);

typedef enum qc_profile_format {
  QC_PROFILE_TABLE = 0, /* the text table: steps by time, then by kind */
  QC_PROFILE_CSV = 1    /* one row per step, in step order, with a header */
} qc_profile_format;

/* Writes the profile of the runs since profiling was turned on to `out`.
 * QC_STATUS_INVALID_ARGUMENT when the session has no profile (not profiling,
 * or the model has no step table) or the format is unknown; QC_STATUS_BUSY
 * during a run of the session (call it from the thread that runs it). */
qc_status qc_session_print_profile(const qc_session *session, FILE *out,
                                   qc_profile_format format);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QC_RUNTIME_H */
