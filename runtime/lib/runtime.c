/*===- runtime.c - The C API of libqcrt (qc_runtime.h) --------------------===*
 *
 * Models (a validated descriptor + session count), sessions (the arena and the
 * runtime-owned output buffers, allocated once; a thread pool) and runs (every
 * binding checked before the entry function is called).
 *
 *===----------------------------------------------------------------------===*/
/* posix_memalign, sysconf, getauxval under strict -std=c11 too. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "runtime/lib/qcrt_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QCRT_STR2(x) #x
#define QCRT_STR(x) QCRT_STR2(x)

/* --- errors --------------------------------------------------------------*/

static _Thread_local char tlsError[512];

qc_status qcrt_fail(qc_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(tlsError, sizeof tlsError, format, args);
  va_end(args);
  return status;
}

void qcrt_clear_error(void) { tlsError[0] = '\0'; }

const char *qc_last_error_message(void) { return tlsError; }

const char *qc_status_string(qc_status status) {
  switch (status) {
  case QC_STATUS_OK:
    return "QC_STATUS_OK: success";
  case QC_STATUS_NULL_POINTER:
    return "QC_STATUS_NULL_POINTER: a required pointer argument is NULL";
  case QC_STATUS_INVALID_ARGUMENT:
    return "QC_STATUS_INVALID_ARGUMENT: an argument or setting is invalid";
  case QC_STATUS_INVALID_MODEL:
    return "QC_STATUS_INVALID_MODEL: the model descriptor is inconsistent";
  case QC_STATUS_ABI_MISMATCH:
    return "QC_STATUS_ABI_MISMATCH: the model was built for another runtime "
           "ABI";
  case QC_STATUS_UNSUPPORTED_ISA:
    return "QC_STATUS_UNSUPPORTED_ISA: the CPU lacks an instruction-set "
           "feature the model needs";
  case QC_STATUS_COUNT_MISMATCH:
    return "QC_STATUS_COUNT_MISMATCH: wrong number of inputs or outputs";
  case QC_STATUS_DTYPE_MISMATCH:
    return "QC_STATUS_DTYPE_MISMATCH: a tensor has the wrong element type";
  case QC_STATUS_SHAPE_MISMATCH:
    return "QC_STATUS_SHAPE_MISMATCH: a tensor has the wrong shape";
  case QC_STATUS_SIZE_MISMATCH:
    return "QC_STATUS_SIZE_MISMATCH: a tensor buffer has the wrong size";
  case QC_STATUS_OUT_OF_MEMORY:
    return "QC_STATUS_OUT_OF_MEMORY: an allocation failed";
  case QC_STATUS_BUSY:
    return "QC_STATUS_BUSY: the handle is in use";
  case QC_STATUS_MODEL_ERROR:
    return "QC_STATUS_MODEL_ERROR: the compiled model reported a failure";
  case QC_STATUS_INTERNAL:
    return "QC_STATUS_INTERNAL: internal runtime error";
  }
  return "QC_STATUS_UNKNOWN: not a qc_status value";
}

uint32_t qc_runtime_version(void) {
  return ((uint32_t)QC_RUNTIME_VERSION_MAJOR << 16) |
         ((uint32_t)QC_RUNTIME_VERSION_MINOR << 8) |
         (uint32_t)QC_RUNTIME_VERSION_PATCH;
}

const char *qc_runtime_version_string(void) {
  return QCRT_STR(QC_RUNTIME_VERSION_MAJOR) "." QCRT_STR(
      QC_RUNTIME_VERSION_MINOR) "." QCRT_STR(QC_RUNTIME_VERSION_PATCH);
}

uint32_t qc_runtime_model_abi_version(void) { return QC_MODEL_ABI_VERSION; }

/* --- tensors -------------------------------------------------------------*/

static uint64_t dtypeSize(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
  case QC_DTYPE_INT32:
    return 4;
  case QC_DTYPE_INT8:
  case QC_DTYPE_UINT8:
    return 1;
  case QC_DTYPE_INT64:
    return 8;
  default:
    return 0;
  }
}

static const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
    return "float32";
  case QC_DTYPE_INT8:
    return "int8";
  case QC_DTYPE_UINT8:
    return "uint8";
  case QC_DTYPE_INT32:
    return "int32";
  case QC_DTYPE_INT64:
    return "int64";
  case QC_DTYPE_UNDEFINED:
    return "undefined";
  default:
    return "unknown";
  }
}

/* Byte size of a descriptor, or 0 with *ok = 0 when it is malformed or the
 * size overflows. */
static uint64_t descSize(const qc_tensor_desc *d, int *ok) {
  *ok = 0;
  uint64_t size = dtypeSize(d->dtype);
  if (!size || d->rank < 0 || d->rank > QC_MAX_RANK ||
      (d->rank > 0 && !d->shape))
    return 0;
  for (int32_t i = 0; i < d->rank; ++i) {
    if (d->shape[i] < 0)
      return 0;
    uint64_t dim = (uint64_t)d->shape[i];
    if (dim && size > UINT64_MAX / dim)
      return 0;
    size *= dim;
  }
  *ok = 1;
  return size;
}

uint64_t qc_tensor_desc_size_bytes(const qc_tensor_desc *desc) {
  int ok;
  return desc ? descSize(desc, &ok) : 0;
}

static const char *nameOr(const char *name) { return name ? name : "?"; }

/* --- models --------------------------------------------------------------*/

struct qc_model {
  const qc_model_desc *desc;
  uint64_t arenaAlignment;
  uint64_t *inputSizes; /* bytes per input, then per output */
  uint64_t *outputSizes;
  int32_t liveSessions; /* atomic */
};

static qc_status checkTensorDescs(const qc_model_desc *desc, int outputs) {
  uint32_t n = outputs ? desc->num_outputs : desc->num_inputs;
  const qc_tensor_desc *list = outputs ? desc->outputs : desc->inputs;
  const char *kind = outputs ? "output" : "input";
  if (n && !list)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': %u %ss but the %s array is NULL",
                     nameOr(desc->name), n, kind, kind);
  for (uint32_t i = 0; i < n; ++i) {
    int ok;
    descSize(&list[i], &ok);
    if (!ok)
      return qcrt_fail(QC_STATUS_INVALID_MODEL,
                       "model '%s': %s %u ('%s') has a bad dtype (%d), rank "
                       "(%d) or shape",
                       nameOr(desc->name), kind, i, nameOr(list[i].name),
                       (int)list[i].dtype, (int)list[i].rank);
  }
  return QC_STATUS_OK;
}

/* Whether `desc` has the fields added in 0.3.0 (step and variant tables). */
static int hasStepTables(const qc_model_desc *desc) {
  return desc->struct_size >= sizeof(qc_model_desc);
}

/* The step and variant tables, when the descriptor has them. */
static qc_status checkStepTables(const qc_model_desc *desc, const char *name) {
  if (!hasStepTables(desc))
    return QC_STATUS_OK;
  if (desc->num_steps > QC_MAX_STEPS)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': %u steps (at most %u)", name, desc->num_steps,
                     (unsigned)QC_MAX_STEPS);
  if ((desc->num_steps && !desc->steps) ||
      (desc->num_variants && !desc->variants))
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': %u %s but the array is NULL", name,
                     desc->num_steps && !desc->steps ? desc->num_steps
                                                     : desc->num_variants,
                     desc->num_steps && !desc->steps ? "steps" : "variants");
  for (uint32_t i = 0; i < desc->num_steps; ++i) {
    const qc_step_desc *st = &desc->steps[i];
    if (!st->kind || !st->name || !st->shapes)
      return qcrt_fail(QC_STATUS_INVALID_MODEL,
                       "model '%s': step %u has a NULL kind, name or shapes",
                       name, i);
  }
  for (uint32_t i = 0; i < desc->num_variants; ++i)
    if (!desc->variants[i].name)
      return qcrt_fail(QC_STATUS_INVALID_MODEL,
                       "model '%s': variant %u has a NULL name", name, i);
  return QC_STATUS_OK;
}

/* Everything qc_model_validate checks; no error cleared, no CPU check. */
static qc_status validateDesc(const qc_model_desc *desc, const char *fn) {
  if (!desc)
    return qcrt_fail(QC_STATUS_NULL_POINTER, "%s: desc is NULL", fn);
  if (desc->abi_version != QC_MODEL_ABI_VERSION)
    return qcrt_fail(QC_STATUS_ABI_MISMATCH,
                     "model descriptor ABI version %u, runtime %s supports %u",
                     desc->abi_version, qc_runtime_version_string(),
                     QC_MODEL_ABI_VERSION);
  if (desc->struct_size < QC_MODEL_DESC_SIZE_V0_2)
    return qcrt_fail(QC_STATUS_ABI_MISMATCH,
                     "model descriptor struct_size %u < %u", desc->struct_size,
                     (unsigned)QC_MODEL_DESC_SIZE_V0_2);
  const char *name = nameOr(desc->name);
  qc_status tables = checkStepTables(desc, name);
  if (tables != QC_STATUS_OK)
    return tables;
  if (desc->num_inputs > QC_MAX_IO || desc->num_outputs > QC_MAX_IO)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': %u inputs / %u outputs (at most %u each)",
                     name, desc->num_inputs, desc->num_outputs,
                     (unsigned)QC_MAX_IO);
  if (desc->num_outputs == 0)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s' has no outputs (a model computes at least "
                     "one)",
                     name);
  if (!desc->entry)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s' has no entry function", name);
  qc_status st = checkTensorDescs(desc, 0);
  if (st == QC_STATUS_OK)
    st = checkTensorDescs(desc, 1);
  if (st != QC_STATUS_OK)
    return st;

  uint64_t align = desc->arena_alignment ? desc->arena_alignment
                                         : QC_ARENA_DEFAULT_ALIGNMENT;
  if ((align & (align - 1)) || align > 4096)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': arena_alignment %llu is not a power of two "
                     "<= 4096",
                     name, (unsigned long long)desc->arena_alignment);
  if (align < QC_ARENA_DEFAULT_ALIGNMENT)
    align = QC_ARENA_DEFAULT_ALIGNMENT;
  if (desc->arena_size > UINT64_MAX - align ||
      desc->arena_size > (uint64_t)SIZE_MAX / 2)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': arena_size %llu is too large", name,
                     (unsigned long long)desc->arena_size);
  if (desc->num_buffers && !desc->buffers)
    return qcrt_fail(QC_STATUS_INVALID_MODEL,
                     "model '%s': %u arena buffers but the array is NULL", name,
                     desc->num_buffers);
  uint64_t planAlign = desc->arena_alignment ? desc->arena_alignment
                                             : QC_ARENA_DEFAULT_ALIGNMENT;
  for (uint32_t i = 0; i < desc->num_buffers; ++i) {
    const qc_arena_buffer *b = &desc->buffers[i];
    if (b->offset > desc->arena_size || b->size > desc->arena_size - b->offset)
      return qcrt_fail(QC_STATUS_INVALID_MODEL,
                       "model '%s': arena buffer %u ('%s', offset %llu, size "
                       "%llu) exceeds the arena (%llu bytes)",
                       name, i, nameOr(b->name), (unsigned long long)b->offset,
                       (unsigned long long)b->size,
                       (unsigned long long)desc->arena_size);
    if (b->offset % planAlign)
      return qcrt_fail(QC_STATUS_INVALID_MODEL,
                       "model '%s': arena buffer %u ('%s') offset %llu is not "
                       "a multiple of %llu",
                       name, i, nameOr(b->name), (unsigned long long)b->offset,
                       (unsigned long long)planAlign);
  }
  return QC_STATUS_OK;
}

qc_status qc_model_validate(const qc_model_desc *desc) {
  qcrt_clear_error();
  return validateDesc(desc, "qc_model_validate");
}

qc_status qc_model_create(const qc_model_desc *desc, qc_model **out_model) {
  qcrt_clear_error();
  if (!out_model)
    return qcrt_fail(QC_STATUS_NULL_POINTER, "qc_model_create: out_model is "
                                             "NULL");
  *out_model = NULL;
  qc_status valid = validateDesc(desc, "qc_model_create");
  if (valid != QC_STATUS_OK)
    return valid;
  const char *name = nameOr(desc->name);
  uint64_t align = desc->arena_alignment ? desc->arena_alignment
                                         : QC_ARENA_DEFAULT_ALIGNMENT;
  if (align < QC_ARENA_DEFAULT_ALIGNMENT)
    align = QC_ARENA_DEFAULT_ALIGNMENT;

  /* A misspelt override would silently test nothing: refuse it. */
  char unknown[32];
  qcrt_parse_isa_list(getenv("QC_DISABLE_ISA"), unknown, sizeof unknown);
  if (unknown[0])
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "QC_DISABLE_ISA names an unknown feature '%s' (known: "
                     "avx2, fma, bmi2, avx512f, avx512bw, avx512vl, avx512dq, "
                     "avx512cd, avx512vnni, avxvnni, asimddp, i8mm, all)",
                     unknown);
  uint64_t missing = desc->required_isa & ~qc_cpu_features();
  if (missing) {
    char names[256];
    qcrt_format_isa_list(missing, names, sizeof names);
    const char *disabled = getenv("QC_DISABLE_ISA");
    return qcrt_fail(QC_STATUS_UNSUPPORTED_ISA,
                     "model '%s' needs CPU feature(s) this machine lacks: "
                     "%s%s%s%s",
                     name, names,
                     disabled && *disabled ? " (QC_DISABLE_ISA=" : "",
                     disabled && *disabled ? disabled : "",
                     disabled && *disabled ? ")" : "");
  }

  qc_model *model = (qc_model *)calloc(1, sizeof *model);
  uint32_t total = desc->num_inputs + desc->num_outputs;
  uint64_t *sizes = (uint64_t *)calloc(total ? total : 1, sizeof(uint64_t));
  if (!model || !sizes) {
    free(model);
    free(sizes);
    return qcrt_fail(QC_STATUS_OUT_OF_MEMORY, "cannot allocate model '%s'",
                     name);
  }
  int ok;
  for (uint32_t i = 0; i < desc->num_inputs; ++i)
    sizes[i] = descSize(&desc->inputs[i], &ok);
  for (uint32_t i = 0; i < desc->num_outputs; ++i)
    sizes[desc->num_inputs + i] = descSize(&desc->outputs[i], &ok);
  model->desc = desc;
  model->arenaAlignment = align;
  model->inputSizes = sizes;
  model->outputSizes = sizes + desc->num_inputs;
  *out_model = model;
  return QC_STATUS_OK;
}

qc_status qc_model_destroy(qc_model **model) {
  qcrt_clear_error();
  if (!model || !*model)
    return QC_STATUS_OK;
  int32_t live = __atomic_load_n(&(*model)->liveSessions, __ATOMIC_ACQUIRE);
  if (live > 0)
    return qcrt_fail(QC_STATUS_BUSY,
                     "model '%s' still has %d live session(s); destroy them "
                     "first",
                     nameOr((*model)->desc->name), (int)live);
  free((*model)->inputSizes);
  free(*model);
  *model = NULL;
  return QC_STATUS_OK;
}

qc_status qc_model_get_io_count(const qc_model *model, uint32_t *num_inputs,
                                uint32_t *num_outputs) {
  qcrt_clear_error();
  if (!model)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_model_get_io_count: model is NULL");
  if (num_inputs)
    *num_inputs = model->desc->num_inputs;
  if (num_outputs)
    *num_outputs = model->desc->num_outputs;
  return QC_STATUS_OK;
}

static qc_status getIo(const qc_model *model, uint32_t index,
                       qc_tensor_desc *out, int outputs) {
  qcrt_clear_error();
  const char *fn = outputs ? "qc_model_get_output" : "qc_model_get_input";
  if (!model || !out)
    return qcrt_fail(QC_STATUS_NULL_POINTER, "%s: %s is NULL", fn,
                     model ? "out_desc" : "model");
  uint32_t n = outputs ? model->desc->num_outputs : model->desc->num_inputs;
  if (index >= n)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "%s: index %u out of range (model has %u)", fn, index, n);
  *out = outputs ? model->desc->outputs[index] : model->desc->inputs[index];
  return QC_STATUS_OK;
}

qc_status qc_model_get_input(const qc_model *model, uint32_t index,
                             qc_tensor_desc *out_desc) {
  return getIo(model, index, out_desc, 0);
}

qc_status qc_model_get_output(const qc_model *model, uint32_t index,
                              qc_tensor_desc *out_desc) {
  return getIo(model, index, out_desc, 1);
}

/* --- sessions ------------------------------------------------------------*/

struct qc_session {
  qc_model *model;
  qcrt_pool *pool;
  qc_exec_context exec;
  void *arena;
  void **ownedOutputs;    /* one aligned buffer per output */
  const void **inputPtrs; /* per-run pointer arrays, allocated once */
  void **outputPtrs;
  int32_t running; /* atomic */
  int profiling;      /* the exec context's profile_step is set */
  int printAtDestroy; /* QC_PROFILE: 1 the table, 2 the CSV, to stderr */
  qcrt_profile profile;
};

/* qc_exec_context.profile_step: the context is the session's `exec`. */
static void profileStep(const qc_exec_context *ctx, uint32_t step) {
  uint64_t now = qcrt_now_ns();
  qc_session *s =
      (qc_session *)(void *)((char *)ctx - offsetof(qc_session, exec));
  qcrt_profile_step(&s->profile, now, step);
}

static void resetProfile(qc_session *s) {
  qcrt_profile *p = &s->profile;
  if (p->stepNs)
    memset(p->stepNs, 0, sizeof(uint64_t) * p->numSteps);
  p->row = p->window;
  p->runs = 0;
  p->runNs = 0;
  p->current = p->numSteps;
}

/* The profile's counters and window, allocated when profiling is first
 * turned on (a session that never profiles does not pay for them: up to
 * 16 MiB for a large model). */
static qc_status allocProfile(qc_session *s) {
  qcrt_profile *p = &s->profile;
  if (p->stepNs)
    return QC_STATUS_OK;
  p->capacity = qcrt_profile_capacity(p->numSteps);
  p->stepNs = (uint64_t *)calloc(p->numSteps, sizeof(uint64_t));
  p->window = (uint32_t *)calloc((size_t)p->capacity * p->numSteps,
                                 sizeof(uint32_t));
  p->runWindow = (uint64_t *)calloc(p->capacity, sizeof(uint64_t));
  if (!p->stepNs || !p->window || !p->runWindow) {
    free(p->stepNs);
    free(p->window);
    free(p->runWindow);
    p->stepNs = NULL;
    p->window = NULL;
    p->runWindow = NULL;
    return qcrt_fail(QC_STATUS_OUT_OF_MEMORY,
                     "cannot allocate the profile of model '%s' (%u steps)",
                     nameOr(s->model->desc->name), p->numSteps);
  }
  return QC_STATUS_OK;
}

/* QC_PROFILE: 0 off, 1 the table, 2 the CSV; -1 for anything else. */
static int profileFromEnv(void) {
  const char *env = getenv("QC_PROFILE");
  if (!env || !*env || !strcmp(env, "0"))
    return 0;
  if (!strcmp(env, "1"))
    return 1;
  if (!strcmp(env, "csv"))
    return 2;
  return -1;
}

void qc_session_options_init(qc_session_options *options) {
  if (!options)
    return;
  memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
}

static void execParallelFor(const qc_exec_context *ctx, int64_t begin,
                            int64_t end, qc_range_fn fn, void *user) {
  qcrt_pool_parallel_for(ctx ? (qcrt_pool *)ctx->impl : NULL, begin, end, fn,
                         user);
}

static void *alignedAlloc(uint64_t alignment, uint64_t size) {
  if (size == 0)
    size = alignment; /* always hand out a real, aligned pointer */
  /* Rounding up must not wrap (an output of 2^64 - 2 bytes would become a
   * 0-byte buffer). */
  if (size > UINT64_MAX - (alignment - 1) || size > (uint64_t)SIZE_MAX)
    return NULL;
  uint64_t rounded = (size + alignment - 1) / alignment * alignment;
  void *p = NULL;
  if (posix_memalign(&p, (size_t)alignment, (size_t)rounded) != 0)
    return NULL;
  return p;
}

static qc_status resolveThreads(const qc_session_options *options,
                                int32_t *out) {
  int32_t requested = 0;
  if (options) {
    if (options->struct_size < sizeof(qc_session_options))
      return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                       "qc_session_options.struct_size %u < %u (call "
                       "qc_session_options_init)",
                       options->struct_size,
                       (unsigned)sizeof(qc_session_options));
    requested = options->num_threads;
  }
  if (requested < 0 || requested > QC_MAX_THREADS)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "num_threads %d is outside [0, %d]", (int)requested,
                     QC_MAX_THREADS);
  if (requested > 0) {
    *out = requested;
    return QC_STATUS_OK;
  }
  const char *env = getenv("QC_NUM_THREADS");
  if (env && *env) {
    char *end = NULL;
    errno = 0;
    long value = strtol(env, &end, 10);
    if (errno || !end || *end != '\0' || value < 1 || value > QC_MAX_THREADS)
      return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                       "QC_NUM_THREADS='%s' is not an integer in [1, %d]", env,
                       QC_MAX_THREADS);
    *out = (int32_t)value;
    return QC_STATUS_OK;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1)
    cpus = 1;
  if (cpus > QC_MAX_THREADS)
    cpus = QC_MAX_THREADS;
  *out = (int32_t)cpus;
  return QC_STATUS_OK;
}

static void freeSession(qc_session *s) {
  if (!s)
    return;
  qcrt_pool_destroy(s->pool);
  if (s->ownedOutputs)
    for (uint32_t i = 0; i < s->model->desc->num_outputs; ++i)
      free(s->ownedOutputs[i]);
  free(s->ownedOutputs);
  free(s->inputPtrs);
  free(s->outputPtrs);
  free(s->arena);
  free(s->profile.stepNs);
  free(s->profile.window);
  free(s->profile.runWindow);
  free(s);
}

qc_status qc_session_create(qc_model *model, const qc_session_options *options,
                            qc_session **out_session) {
  qcrt_clear_error();
  if (!out_session)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_create: out_session is NULL");
  *out_session = NULL;
  if (!model)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_create: model is NULL");
  int32_t threads = 1;
  qc_status st = resolveThreads(options, &threads);
  if (st != QC_STATUS_OK)
    return st;
  int profileEnv = profileFromEnv();
  if (profileEnv < 0)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "QC_PROFILE='%s' is not 0, 1 or csv",
                     getenv("QC_PROFILE"));

  const qc_model_desc *desc = model->desc;
  qc_session *s = (qc_session *)calloc(1, sizeof *s);
  if (!s)
    return qcrt_fail(QC_STATUS_OUT_OF_MEMORY, "cannot allocate a session");
  s->model = model;
  uint32_t nIn = desc->num_inputs, nOut = desc->num_outputs;
  s->arena = alignedAlloc(model->arenaAlignment, desc->arena_size);
  s->ownedOutputs = (void **)calloc(nOut ? nOut : 1, sizeof(void *));
  s->inputPtrs = (const void **)calloc(nIn ? nIn : 1, sizeof(void *));
  s->outputPtrs = (void **)calloc(nOut ? nOut : 1, sizeof(void *));
  if (!s->arena || !s->ownedOutputs || !s->inputPtrs || !s->outputPtrs) {
    uint64_t arenaSize = desc->arena_size;
    freeSession(s);
    return qcrt_fail(QC_STATUS_OUT_OF_MEMORY,
                     "cannot allocate the %llu-byte arena of model '%s'",
                     (unsigned long long)arenaSize, nameOr(desc->name));
  }
  for (uint32_t i = 0; i < nOut; ++i) {
    s->ownedOutputs[i] =
        alignedAlloc(QC_ARENA_DEFAULT_ALIGNMENT, model->outputSizes[i]);
    if (!s->ownedOutputs[i]) {
      freeSession(s);
      return qcrt_fail(QC_STATUS_OUT_OF_MEMORY,
                       "cannot allocate output %u of model '%s'", i,
                       nameOr(desc->name));
    }
  }
  st = qcrt_pool_create(threads, &s->pool);
  if (st != QC_STATUS_OK) {
    freeSession(s);
    return st; /* message set by the pool */
  }
  s->exec.struct_size = sizeof s->exec;
  s->exec.num_threads = threads;
  s->exec.cpu_features = qc_cpu_features();
  s->exec.parallel_for = execParallelFor;
  s->exec.impl = s->pool;
  s->exec.profile_step = NULL;
  if (hasStepTables(desc) && desc->num_steps) {
    s->profile.steps = desc->steps;
    s->profile.numSteps = desc->num_steps;
    s->profile.variants = desc->variants;
    s->profile.numVariants = desc->num_variants;
  }
  if (profileEnv && s->profile.numSteps) {
    if (allocProfile(s) != QC_STATUS_OK) {
      freeSession(s);
      return QC_STATUS_OUT_OF_MEMORY; /* message set */
    }
    resetProfile(s);
    s->profiling = 1;
    s->printAtDestroy = profileEnv;
    s->exec.profile_step = profileStep;
  }
  __atomic_add_fetch(&model->liveSessions, 1, __ATOMIC_ACQ_REL);
  *out_session = s;
  return QC_STATUS_OK;
}

qc_status qc_session_destroy(qc_session **session) {
  qcrt_clear_error();
  if (!session || !*session)
    return QC_STATUS_OK;
  qc_session *s = *session;
  if (__atomic_load_n(&s->running, __ATOMIC_ACQUIRE))
    return qcrt_fail(QC_STATUS_BUSY,
                     "qc_session_destroy: the session is running");
  qc_model *model = s->model;
  if (s->printAtDestroy && s->profile.runs)
    qcrt_profile_print(&s->profile, nameOr(model->desc->name),
                       s->exec.num_threads, s->exec.cpu_features, stderr,
                       s->printAtDestroy == 2 ? QC_PROFILE_CSV
                                              : QC_PROFILE_TABLE);
  freeSession(s);
  __atomic_sub_fetch(&model->liveSessions, 1, __ATOMIC_ACQ_REL);
  *session = NULL;
  return QC_STATUS_OK;
}

qc_status qc_session_get_num_threads(const qc_session *session,
                                     int32_t *num_threads) {
  qcrt_clear_error();
  if (!session || !num_threads)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_get_num_threads: %s is NULL",
                     session ? "num_threads" : "session");
  *num_threads = session->exec.num_threads;
  return QC_STATUS_OK;
}

/* Checks dtype, optional shape and size of one binding against `d`. */
static qc_status checkBinding(const char *model, const char *kind,
                              uint32_t index, const qc_tensor_desc *d,
                              uint64_t expected, const qc_tensor *t,
                              int dtypeOptional) {
  const char *name = nameOr(d->name);
  if (!(dtypeOptional && t->dtype == QC_DTYPE_UNDEFINED) &&
      t->dtype != d->dtype)
    return qcrt_fail(QC_STATUS_DTYPE_MISMATCH,
                     "model '%s' %s %u ('%s'): dtype %s (%d), expected %s",
                     model, kind, index, name, dtypeName(t->dtype),
                     (int)t->dtype, dtypeName(d->dtype));
  if (t->shape && (t->rank < 0 || t->rank > QC_MAX_RANK))
    /* Not a rank at all: the shape array cannot be trusted to hold it. */
    return qcrt_fail(QC_STATUS_SHAPE_MISMATCH,
                     "model '%s' %s %u ('%s'): rank %d is out of range "
                     "[0, %d], expected rank %d",
                     model, kind, index, name, (int)t->rank, QC_MAX_RANK,
                     (int)d->rank);
  if (t->shape) {
    int same = t->rank == d->rank;
    for (int32_t i = 0; same && i < d->rank; ++i)
      same = t->shape[i] == d->shape[i];
    if (!same) {
      char want[160] = "", got[160] = "";
      size_t wu = 0, gu = 0;
      for (int32_t i = 0; i < d->rank && wu < sizeof want; ++i)
        wu += (size_t)snprintf(want + wu, sizeof want - wu, "%s%lld",
                               i ? "x" : "", (long long)d->shape[i]);
      for (int32_t i = 0; i < t->rank && gu < sizeof got; ++i)
        gu += (size_t)snprintf(got + gu, sizeof got - gu, "%s%lld",
                               i ? "x" : "", (long long)t->shape[i]);
      return qcrt_fail(QC_STATUS_SHAPE_MISMATCH,
                       "model '%s' %s %u ('%s'): shape [%s] (rank %d), "
                       "expected [%s] (rank %d)",
                       model, kind, index, name, got, (int)t->rank, want,
                       (int)d->rank);
    }
  }
  if (t->size_bytes != expected)
    return qcrt_fail(QC_STATUS_SIZE_MISMATCH,
                     "model '%s' %s %u ('%s'): %llu bytes, expected %llu",
                     model, kind, index, name,
                     (unsigned long long)t->size_bytes,
                     (unsigned long long)expected);
  return QC_STATUS_OK;
}

static qc_status runChecked(qc_session *s, const qc_tensor *inputs,
                            uint32_t num_inputs, qc_tensor *outputs,
                            uint32_t num_outputs) {
  const qc_model *model = s->model;
  const qc_model_desc *desc = model->desc;
  const char *name = nameOr(desc->name);
  if (num_inputs != desc->num_inputs || num_outputs != desc->num_outputs)
    return qcrt_fail(QC_STATUS_COUNT_MISMATCH,
                     "model '%s' takes %u input(s) and %u output(s), got %u "
                     "and %u",
                     name, desc->num_inputs, desc->num_outputs, num_inputs,
                     num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_run: the %s array is NULL",
                     (num_inputs && !inputs) ? "inputs" : "outputs");
  for (uint32_t i = 0; i < num_inputs; ++i) {
    qc_status st = checkBinding(name, "input", i, &desc->inputs[i],
                                model->inputSizes[i], &inputs[i], 0);
    if (st != QC_STATUS_OK)
      return st;
    if (!inputs[i].data && model->inputSizes[i])
      return qcrt_fail(QC_STATUS_NULL_POINTER,
                       "model '%s' input %u ('%s'): data is NULL", name, i,
                       nameOr(desc->inputs[i].name));
    s->inputPtrs[i] = inputs[i].data;
  }
  for (uint32_t i = 0; i < num_outputs; ++i) {
    qc_tensor *t = &outputs[i];
    if (t->data) {
      qc_status st = checkBinding(name, "output", i, &desc->outputs[i],
                                  model->outputSizes[i], t, 1);
      if (st != QC_STATUS_OK)
        return st;
      s->outputPtrs[i] = t->data;
    } else {
      if (t->dtype != QC_DTYPE_UNDEFINED && t->dtype != desc->outputs[i].dtype)
        return qcrt_fail(QC_STATUS_DTYPE_MISMATCH,
                         "model '%s' output %u ('%s'): dtype %s, expected %s",
                         name, i, nameOr(desc->outputs[i].name),
                         dtypeName(t->dtype),
                         dtypeName(desc->outputs[i].dtype));
      s->outputPtrs[i] = s->ownedOutputs[i];
    }
  }
  uint64_t start = 0;
  if (s->profiling) {
    qcrt_profile_begin_run(&s->profile);
    start = qcrt_now_ns();
  }
  int32_t rc = desc->entry(&s->exec, s->arena, s->inputPtrs,
                           (void *const *)s->outputPtrs);
  if (s->profiling) {
    uint64_t now = qcrt_now_ns();
    qcrt_profile_end_run(&s->profile, now, now - start);
  }
  if (rc != 0)
    return qcrt_fail(QC_STATUS_MODEL_ERROR,
                     "model '%s': the entry function returned %d", name,
                     (int)rc);
  for (uint32_t i = 0; i < num_outputs; ++i) {
    qc_tensor *t = &outputs[i];
    t->dtype = desc->outputs[i].dtype;
    t->rank = desc->outputs[i].rank;
    t->shape = desc->outputs[i].shape;
    t->data = s->outputPtrs[i];
    t->size_bytes = model->outputSizes[i];
  }
  return QC_STATUS_OK;
}

qc_status qc_session_run(qc_session *session, const qc_tensor *inputs,
                         uint32_t num_inputs, qc_tensor *outputs,
                         uint32_t num_outputs) {
  qcrt_clear_error();
  if (!session)
    return qcrt_fail(QC_STATUS_NULL_POINTER, "qc_session_run: session is "
                                             "NULL");
  int32_t expected = 0;
  if (!__atomic_compare_exchange_n(&session->running, &expected, 1, 0,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return qcrt_fail(QC_STATUS_BUSY,
                     "qc_session_run: the session is already running (use "
                     "one session per thread)");
  qc_status st = runChecked(session, inputs, num_inputs, outputs, num_outputs);
  __atomic_store_n(&session->running, 0, __ATOMIC_RELEASE);
  return st;
}

/* --- profiling -----------------------------------------------------------*/

qc_status qc_session_set_profiling(qc_session *session, int enabled) {
  qcrt_clear_error();
  if (!session)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_set_profiling: session is NULL");
  if (__atomic_load_n(&session->running, __ATOMIC_ACQUIRE))
    return qcrt_fail(QC_STATUS_BUSY,
                     "qc_session_set_profiling: the session is running");
  if (enabled && !session->profile.numSteps)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "model '%s' has no step table to profile (compiled "
                     "before qc 0.3.0?)",
                     nameOr(session->model->desc->name));
  if (enabled) {
    qc_status st = allocProfile(session);
    if (st != QC_STATUS_OK)
      return st;
    resetProfile(session);
  }
  session->profiling = enabled != 0;
  session->exec.profile_step = enabled ? profileStep : NULL;
  return QC_STATUS_OK;
}

qc_status qc_session_print_profile(const qc_session *session, FILE *out,
                                   qc_profile_format format) {
  qcrt_clear_error();
  if (!session || !out)
    return qcrt_fail(QC_STATUS_NULL_POINTER,
                     "qc_session_print_profile: %s is NULL",
                     session ? "out" : "session");
  if (format != QC_PROFILE_TABLE && format != QC_PROFILE_CSV)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "qc_session_print_profile: unknown format %d",
                     (int)format);
  if (__atomic_load_n(&session->running, __ATOMIC_ACQUIRE))
    return qcrt_fail(QC_STATUS_BUSY,
                     "qc_session_print_profile: the session is running");
  if (!session->profiling)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "qc_session_print_profile: the session is not profiling "
                     "(qc_session_set_profiling or QC_PROFILE=1)");
  qcrt_profile_print(&session->profile, nameOr(session->model->desc->name),
                     session->exec.num_threads, session->exec.cpu_features,
                     out, format);
  return QC_STATUS_OK;
}
