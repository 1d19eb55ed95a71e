/*===- capi_cases.c - Bad-input cases for the libqcrt C API ---------------===*
 *
 * The runtime part of the bad-input suite (test/robustness, docs/robustness.md,
 * "Bad-input suite"): every case calls the C API of qc_runtime.h /
 * qc_model_abi.h with one hostile argument (NULLs, a wrong struct_size, a bad
 * descriptor, a wrong binding, a bad thread count, ...) and checks the status
 * code, that qc_last_error_message() names the culprit, and that nothing else
 * changed (a failed run does not call the model nor touch the outputs).
 *
 *   qc_robustness_capi --list        one case name per line
 *   qc_robustness_capi NAME          runs one case: prints "ok" and exits 0,
 *                                    or prints what failed and exits 1
 *
 * robustness.py runs each case in its own process, so a crash or a hang is
 * reported as such for that case alone.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L

#include "qc_runtime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a tiny valid model: y = saturate_s8(a + b) over [2, 3] -------------*/

static const int64_t kShape[2] = {2, 3};
static const qc_tensor_desc kInputs[2] = {{"in_a", QC_DTYPE_INT8, 2, kShape},
                                          {"in_b", QC_DTYPE_INT8, 2, kShape}};
static const qc_tensor_desc kOutputs[1] = {{"out_y", QC_DTYPE_INT8, 2, kShape}};
static const qc_arena_buffer kPlan[1] = {{"sum", 0, 24}};

static int gEntryCalls = 0;
static int32_t gEntryResult = 0;

static int32_t addEntry(const qc_exec_context *ctx, void *arena,
                        const void *const *inputs, void *const *outputs) {
  const int8_t *a = (const int8_t *)inputs[0];
  const int8_t *b = (const int8_t *)inputs[1];
  int8_t *y = (int8_t *)outputs[0];
  int32_t *sum = (int32_t *)arena;
  (void)ctx;
  ++gEntryCalls;
  if (gEntryResult)
    return gEntryResult;
  for (int i = 0; i < 6; ++i) {
    sum[i] = (int32_t)a[i] + (int32_t)b[i];
    y[i] = (int8_t)(sum[i] > 127 ? 127 : sum[i] < -128 ? -128 : sum[i]);
  }
  return 0;
}

static qc_model_desc baseDesc(void) {
  qc_model_desc d;
  memset(&d, 0, sizeof d);
  d.abi_version = QC_MODEL_ABI_VERSION;
  d.struct_size = sizeof d;
  d.name = "robust_add";
  d.required_isa = 0;
  d.num_inputs = 2;
  d.num_outputs = 1;
  d.inputs = kInputs;
  d.outputs = kOutputs;
  d.arena_size = 64;
  d.arena_alignment = 0;
  d.num_buffers = 1;
  d.buffers = kPlan;
  d.entry = addEntry;
  return d;
}

/* --- checking -----------------------------------------------------------*/

static char gWhy[1024];

static int fail(const char *what) {
  snprintf(gWhy, sizeof gWhy, "%s", what);
  return 1;
}

/* `st` must be `want`, and every non-NULL string of `names` (NULL-terminated)
 * must occur in qc_last_error_message(), which must be non-empty and free of
 * control characters. */
static int expectStatus(qc_status st, qc_status want, const char *const *names) {
  const char *msg = qc_last_error_message();
  if (!msg)
    return fail("qc_last_error_message() returned NULL");
  if (st != want) {
    snprintf(gWhy, sizeof gWhy, "status %d (%s), expected %d (%s); last error: %s",
             (int)st, qc_status_string(st), (int)want, qc_status_string(want),
             msg);
    return 1;
  }
  if (want == QC_STATUS_OK)
    return 0;
  if (!*msg)
    return fail("qc_last_error_message() is empty after a failure");
  for (const char *p = msg; *p; ++p)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
      return fail("qc_last_error_message() contains a control character");
  for (; names && *names; ++names)
    if (!strstr(msg, *names)) {
      snprintf(gWhy, sizeof gWhy, "the message does not name '%s': %s", *names,
               msg);
      return 1;
    }
  return 0;
}

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define EXPECT(st, want, ...)                                                  \
  do {                                                                         \
    if (expectStatus((st), (want), NAMES(__VA_ARGS__)))                        \
      return 1;                                                                \
  } while (0)
#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond))                                                               \
      return fail("requirement failed: " #cond);                               \
  } while (0)

/* Creates a model from `d`, expecting `want` (and, on failure, *out == NULL). */
static int createExpect(const qc_model_desc *d, qc_status want,
                        const char *const *names) {
  qc_model *model = (qc_model *)(uintptr_t)1; /* must be reset to NULL */
  qc_status st = qc_model_create(d, &model);
  int rc = expectStatus(st, want, names);
  if (st == QC_STATUS_OK && want != QC_STATUS_OK)
    qc_model_destroy(&model); /* accepted by mistake: no leak report */
  if (rc)
    return 1;
  if (want != QC_STATUS_OK && model != NULL)
    return fail("a failed qc_model_create left *out_model non-NULL");
  if (want == QC_STATUS_OK && qc_model_destroy(&model) != QC_STATUS_OK)
    return fail("qc_model_destroy failed");
  return 0;
}
#define CREATE_EXPECT(d, want, ...)                                            \
  do {                                                                         \
    if (createExpect((d), (want), NAMES(__VA_ARGS__)))                         \
      return 1;                                                                \
  } while (0)

/* A model and a 1-thread session of `d` (the base model by default). */
typedef struct Fixture {
  qc_model_desc desc;
  qc_model *model;
  qc_session *session;
  int8_t a[6], b[6], y[6];
  qc_tensor in[2];
  qc_tensor out[1];
} Fixture;

static int setUp(Fixture *f) {
  qc_session_options options;
  memset(f, 0, sizeof *f);
  f->desc = baseDesc();
  if (qc_model_create(&f->desc, &f->model) != QC_STATUS_OK)
    return fail("the base model is refused");
  qc_session_options_init(&options);
  options.num_threads = 1;
  if (qc_session_create(f->model, &options, &f->session) != QC_STATUS_OK)
    return fail("cannot create a session of the base model");
  for (int i = 0; i < 6; ++i) {
    f->a[i] = (int8_t)(i * 50);
    f->b[i] = (int8_t)(-i * 20);
    f->y[i] = 0x5a;
  }
  f->in[0] = (qc_tensor){QC_DTYPE_INT8, 2, kShape, f->a, 6};
  f->in[1] = (qc_tensor){QC_DTYPE_INT8, 2, kShape, f->b, 6};
  f->out[0] = (qc_tensor){QC_DTYPE_INT8, 2, kShape, f->y, 6};
  gEntryCalls = 0;
  gEntryResult = 0;
  return 0;
}

static void tearDown(Fixture *f) {
  qc_session_destroy(&f->session);
  qc_model_destroy(&f->model);
}

/* Runs with the fixture's bindings, expecting a failure `want` that neither
 * calls the model nor touches the output binding or buffer. */
static int runExpectFailure(Fixture *f, uint32_t nIn, uint32_t nOut,
                            qc_status want, const char *const *names) {
  qc_tensor before = f->out[0];
  int8_t yBefore[6];
  memcpy(yBefore, f->y, sizeof yBefore);
  qc_status st = qc_session_run(f->session, f->in, nIn, f->out, nOut);
  int rc = expectStatus(st, want, names);
  if (!rc && gEntryCalls)
    rc = fail("a refused run called the model's entry function");
  if (!rc && memcmp(&before, &f->out[0], sizeof before) != 0)
    rc = fail("a refused run changed the output binding");
  if (!rc && memcmp(yBefore, f->y, sizeof yBefore) != 0)
    rc = fail("a refused run wrote the caller's output buffer");
  tearDown(f);
  return rc;
}
#define RUN_FAILS(f, nIn, nOut, want, ...)                                     \
  do {                                                                         \
    if (runExpectFailure((f), (nIn), (nOut), (want), NAMES(__VA_ARGS__)))      \
      return 1;                                                                \
    return 0;                                                                  \
  } while (0)

/* --- cases: qc_model_create ---------------------------------------------*/

static int create_null_desc(void) {
  CREATE_EXPECT(NULL, QC_STATUS_NULL_POINTER, "desc");
  return 0;
}
static int create_null_out(void) {
  qc_model_desc d = baseDesc();
  EXPECT(qc_model_create(&d, NULL), QC_STATUS_NULL_POINTER, "out_model");
  return 0;
}
static int create_abi_version_zero(void) {
  qc_model_desc d = baseDesc();
  d.abi_version = 0;
  CREATE_EXPECT(&d, QC_STATUS_ABI_MISMATCH, "ABI version 0");
  return 0;
}
static int create_abi_version_next(void) {
  qc_model_desc d = baseDesc();
  d.abi_version = QC_MODEL_ABI_VERSION + 1;
  CREATE_EXPECT(&d, QC_STATUS_ABI_MISMATCH, "ABI version");
  return 0;
}
static int create_abi_version_max(void) {
  qc_model_desc d = baseDesc();
  d.abi_version = UINT32_MAX;
  CREATE_EXPECT(&d, QC_STATUS_ABI_MISMATCH, "4294967295");
  return 0;
}
static int create_struct_size_zero(void) {
  qc_model_desc d = baseDesc();
  d.struct_size = 0;
  CREATE_EXPECT(&d, QC_STATUS_ABI_MISMATCH, "struct_size");
  return 0;
}
static int create_struct_size_short(void) {
  qc_model_desc d = baseDesc();
  d.struct_size = QC_MODEL_DESC_SIZE_V0_2 - 1;
  CREATE_EXPECT(&d, QC_STATUS_ABI_MISMATCH, "struct_size");
  return 0;
}
static int create_struct_size_v0_2_ok(void) {
  /* A 0.2 descriptor (no step table) is still accepted; the fields after
   * `entry` are not read, whatever they hold. */
  qc_model_desc d = baseDesc();
  d.struct_size = QC_MODEL_DESC_SIZE_V0_2;
  d.num_steps = 5;
  d.steps = NULL;
  CREATE_EXPECT(&d, QC_STATUS_OK, NULL);
  return 0;
}
static int create_steps_null(void) {
  qc_model_desc d = baseDesc();
  d.num_steps = 3;
  d.steps = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "3 steps");
  return 0;
}
static int create_step_kind_null(void) {
  static const qc_step_desc steps[1] = {{NULL, "", "", 0, 0}};
  qc_model_desc d = baseDesc();
  d.num_steps = 1;
  d.steps = steps;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "step 0");
  return 0;
}
static int create_too_many_steps(void) {
  static const qc_step_desc steps[1] = {{"k", "", "", 0, 0}};
  qc_model_desc d = baseDesc();
  d.num_steps = QC_MAX_STEPS + 1;
  d.steps = steps;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "steps");
  return 0;
}
static int create_variants_null(void) {
  qc_model_desc d = baseDesc();
  d.num_variants = 2;
  d.variants = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "variants");
  return 0;
}
static int create_struct_size_larger_ok(void) {
  /* A newer descriptor (fields appended) is accepted. */
  qc_model_desc d = baseDesc();
  d.struct_size = sizeof d + 64;
  CREATE_EXPECT(&d, QC_STATUS_OK, NULL);
  return 0;
}
static int create_too_many_inputs(void) {
  qc_model_desc d = baseDesc();
  d.num_inputs = QC_MAX_IO + 1;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "65537");
  return 0;
}
static int create_too_many_outputs(void) {
  qc_model_desc d = baseDesc();
  d.num_outputs = UINT32_MAX;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "4294967295");
  return 0;
}
static int create_inputs_null(void) {
  qc_model_desc d = baseDesc();
  d.inputs = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "input");
  return 0;
}
static int create_outputs_null(void) {
  qc_model_desc d = baseDesc();
  d.outputs = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "output");
  return 0;
}
static int create_zero_outputs(void) {
  /* A model without outputs computes nothing; qc compile never emits one. */
  qc_model_desc d = baseDesc();
  d.num_outputs = 0;
  d.outputs = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "output");
  return 0;
}
static int create_entry_null(void) {
  qc_model_desc d = baseDesc();
  d.entry = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "entry");
  return 0;
}

static int badTensor(int output, qc_tensor_desc t, const char *what) {
  static qc_tensor_desc list[2];
  qc_model_desc d = baseDesc();
  if (output) {
    list[0] = t;
    d.outputs = list;
  } else {
    list[0] = kInputs[0];
    list[1] = t;
    d.inputs = list;
  }
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", t.name, what);
  return 0;
}
static const int64_t kNegDim[2] = {2, -3};
static const int64_t kMinDim[2] = {INT64_MIN, 1};
static const int64_t kOverflow[3] = {1ll << 40, 1ll << 40, 1ll << 40};
static const int64_t kOverflowBytes[1] = {(1ll << 62) + 1};
static const int64_t kNine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};

static int create_input_dtype_undefined(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_UNDEFINED, 2, kShape},
                   "dtype");
}
static int create_input_dtype_unknown(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", 99, 2, kShape}, "dtype");
}
static int create_input_dtype_negative(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", -1, 2, kShape}, "dtype");
}
static int create_output_dtype_unknown(void) {
  return badTensor(1, (qc_tensor_desc){"out_bad", 1000, 2, kShape}, "dtype");
}
static int create_input_rank_negative(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_INT8, -1, kShape},
                   "rank");
}
static int create_input_rank_nine(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_INT8, 9, kNine},
                   "rank");
}
static int create_input_shape_null(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_INT8, 2, NULL},
                   "shape");
}
static int create_input_dim_negative(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_INT8, 2, kNegDim},
                   "shape");
}
static int create_input_dim_int64_min(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_FLOAT32, 2, kMinDim},
                   "shape");
}
static int create_input_dims_overflow(void) {
  return badTensor(0, (qc_tensor_desc){"in_bad", QC_DTYPE_INT8, 3, kOverflow},
                   "shape");
}
static int create_output_bytes_overflow(void) {
  /* (2^62 + 1) float32 elements: the byte count overflows uint64. */
  return badTensor(
      1, (qc_tensor_desc){"out_bad", QC_DTYPE_FLOAT32, 1, kOverflowBytes},
      "shape");
}
static int create_scalar_ok(void) {
  static const qc_tensor_desc scalar[1] = {{"out_s", QC_DTYPE_INT32, 0, NULL}};
  qc_model_desc d = baseDesc();
  d.outputs = scalar;
  CREATE_EXPECT(&d, QC_STATUS_OK, NULL);
  return 0;
}
static int create_alignment_not_pow2(void) {
  qc_model_desc d = baseDesc();
  d.arena_alignment = 96;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "arena_alignment");
  return 0;
}
static int create_alignment_too_large(void) {
  qc_model_desc d = baseDesc();
  d.arena_alignment = 8192;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "arena_alignment");
  return 0;
}
static int create_alignment_max(void) {
  qc_model_desc d = baseDesc();
  d.arena_alignment = 1ull << 63;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "arena_alignment");
  return 0;
}
static int create_arena_size_max(void) {
  qc_model_desc d = baseDesc();
  d.arena_size = UINT64_MAX;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "arena_size");
  return 0;
}
static int create_arena_too_small(void) {
  /* The plan's buffer (24 bytes) does not fit an arena of 16. */
  qc_model_desc d = baseDesc();
  d.arena_size = 16;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "sum");
  return 0;
}
static int create_arena_zero_with_buffer(void) {
  qc_model_desc d = baseDesc();
  d.arena_size = 0;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "sum");
  return 0;
}
static int create_buffers_null(void) {
  qc_model_desc d = baseDesc();
  d.num_buffers = 3;
  d.buffers = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "buffer");
  return 0;
}
static int create_buffer_offset_overflow(void) {
  static const qc_arena_buffer plan[1] = {{"wrap", UINT64_MAX - 7, 16}};
  qc_model_desc d = baseDesc();
  d.buffers = plan;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "wrap");
  return 0;
}
static int create_buffer_size_overflow(void) {
  static const qc_arena_buffer plan[1] = {{"huge", 0, UINT64_MAX}};
  qc_model_desc d = baseDesc();
  d.buffers = plan;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "huge");
  return 0;
}
static int create_buffer_misaligned(void) {
  static const qc_arena_buffer plan[2] = {{"ok", 0, 8}, {"odd", 1, 8}};
  qc_model_desc d = baseDesc();
  d.num_buffers = 2;
  d.buffers = plan;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "odd");
  return 0;
}
static int create_buffer_name_null(void) {
  /* A NULL buffer name is allowed (for diagnostics only); still checked. */
  static const qc_arena_buffer plan[1] = {{NULL, 128, 8}};
  qc_model_desc d = baseDesc();
  d.buffers = plan;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "robust_add", "128");
  return 0;
}
static int create_name_null_ok(void) {
  qc_model_desc d = baseDesc();
  d.name = NULL;
  CREATE_EXPECT(&d, QC_STATUS_OK, NULL);
  return 0;
}
static int create_name_long(void) {
  /* A 4000-character name in a message is cut, not overflowed. */
  static char name[4001];
  memset(name, 'n', 4000);
  name[4000] = '\0';
  qc_model_desc d = baseDesc();
  d.name = name;
  d.entry = NULL;
  CREATE_EXPECT(&d, QC_STATUS_INVALID_MODEL, "nnnnnnnn");
  return 0;
}
static int create_unknown_isa_bit(void) {
  qc_model_desc d = baseDesc();
  d.required_isa = 1ull << 50;
  CREATE_EXPECT(&d, QC_STATUS_UNSUPPORTED_ISA, "robust_add");
  return 0;
}
static int create_disable_isa_unknown(void) {
  qc_model_desc d = baseDesc();
  setenv("QC_DISABLE_ISA", "avx2,bogus_feature", 1);
  CREATE_EXPECT(&d, QC_STATUS_INVALID_ARGUMENT, "bogus_feature");
  return 0;
}
static int create_disable_isa_all(void) {
  qc_model_desc d = baseDesc();
  d.required_isa = qc_cpu_features() ? qc_cpu_features() : QC_ISA_X86_AVX2;
  setenv("QC_DISABLE_ISA", "all", 1);
  CREATE_EXPECT(&d, QC_STATUS_UNSUPPORTED_ISA, "robust_add", "QC_DISABLE_ISA");
  return 0;
}

/* --- cases: models (other calls) -----------------------------------------*/

static int model_destroy_null_ok(void) {
  qc_model *model = NULL;
  EXPECT(qc_model_destroy(NULL), QC_STATUS_OK, NULL);
  EXPECT(qc_model_destroy(&model), QC_STATUS_OK, NULL);
  return 0;
}
static int model_destroy_with_session(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  qc_status st = qc_model_destroy(&f.model);
  int rc = expectStatus(st, QC_STATUS_BUSY, NAMES("robust_add", "session"));
  if (!rc && f.model == NULL)
    rc = fail("a refused qc_model_destroy reset the handle");
  tearDown(&f);
  return rc;
}
static int model_destroy_twice(void) {
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  EXPECT(qc_model_create(&d, &model), QC_STATUS_OK, NULL);
  EXPECT(qc_model_destroy(&model), QC_STATUS_OK, NULL);
  REQUIRE(model == NULL);
  EXPECT(qc_model_destroy(&model), QC_STATUS_OK, NULL);
  return 0;
}
static int model_io_count_null(void) {
  uint32_t n;
  EXPECT(qc_model_get_io_count(NULL, &n, &n), QC_STATUS_NULL_POINTER, "model");
  return 0;
}
static int model_get_input_out_of_range(void) {
  Fixture f;
  qc_tensor_desc t;
  if (setUp(&f))
    return 1;
  int rc = expectStatus(qc_model_get_input(f.model, 2, &t),
                        QC_STATUS_INVALID_ARGUMENT, NAMES("index 2"));
  tearDown(&f);
  return rc;
}
static int model_get_output_index_max(void) {
  Fixture f;
  qc_tensor_desc t;
  if (setUp(&f))
    return 1;
  int rc = expectStatus(qc_model_get_output(f.model, UINT32_MAX, &t),
                        QC_STATUS_INVALID_ARGUMENT, NAMES("4294967295"));
  tearDown(&f);
  return rc;
}
static int model_get_input_null_out(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  int rc = expectStatus(qc_model_get_input(f.model, 0, NULL),
                        QC_STATUS_NULL_POINTER, NAMES("out_desc"));
  tearDown(&f);
  return rc;
}
static int desc_size_null(void) {
  REQUIRE(qc_tensor_desc_size_bytes(NULL) == 0);
  return 0;
}
static int desc_size_overflow(void) {
  qc_tensor_desc t = {"t", QC_DTYPE_INT64, 3, kOverflow};
  REQUIRE(qc_tensor_desc_size_bytes(&t) == 0);
  return 0;
}
static int desc_size_bad_dtype(void) {
  qc_tensor_desc t = {"t", 77, 2, kShape};
  REQUIRE(qc_tensor_desc_size_bytes(&t) == 0);
  return 0;
}
static int status_string_unknown(void) {
  REQUIRE(qc_status_string((qc_status)12345) != NULL);
  REQUIRE(qc_status_string((qc_status)-1) != NULL);
  return 0;
}
static int isa_name_not_one_bit(void) {
  REQUIRE(qc_isa_feature_name(0) == NULL);
  REQUIRE(qc_isa_feature_name(3) == NULL);
  REQUIRE(qc_isa_feature_name(1ull << 63) == NULL);
  return 0;
}
static int error_cleared_on_success(void) {
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  qc_model_create(NULL, &model);
  REQUIRE(*qc_last_error_message() != '\0');
  EXPECT(qc_model_create(&d, &model), QC_STATUS_OK, NULL);
  REQUIRE(*qc_last_error_message() == '\0');
  qc_model_destroy(&model);
  return 0;
}

/* --- cases: sessions ----------------------------------------------------*/

static int sessionExpect(const qc_session_options *options, qc_status want,
                         const char *const *names) {
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  qc_session *session = (qc_session *)(uintptr_t)1;
  if (qc_model_create(&d, &model) != QC_STATUS_OK)
    return fail("the base model is refused");
  qc_status st = qc_session_create(model, options, &session);
  int rc = expectStatus(st, want, names);
  if (!rc && want != QC_STATUS_OK && session != NULL)
    rc = fail("a failed qc_session_create left *out_session non-NULL");
  if (want == QC_STATUS_OK)
    qc_session_destroy(&session);
  if (!rc && qc_model_destroy(&model) != QC_STATUS_OK)
    rc = fail("the model still counts a session that failed to start");
  return rc;
}
static int threadsExpect(int32_t threads, qc_status want,
                         const char *const *names) {
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = threads;
  return sessionExpect(&options, want, names);
}
static int envThreadsExpect(const char *value, qc_status want,
                            const char *const *names) {
  setenv("QC_NUM_THREADS", value, 1);
  return sessionExpect(NULL, want, names);
}

static int session_null_model(void) {
  qc_session *s = NULL;
  EXPECT(qc_session_create(NULL, NULL, &s), QC_STATUS_NULL_POINTER, "model");
  return 0;
}
static int session_null_out(void) {
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  EXPECT(qc_model_create(&d, &model), QC_STATUS_OK, NULL);
  int rc = expectStatus(qc_session_create(model, NULL, NULL),
                        QC_STATUS_NULL_POINTER, NAMES("out_session"));
  qc_model_destroy(&model);
  return rc;
}
static int session_options_struct_size_zero(void) {
  qc_session_options options = {0, 1};
  return sessionExpect(&options, QC_STATUS_INVALID_ARGUMENT,
                       NAMES("struct_size"));
}
static int session_options_struct_size_short(void) {
  qc_session_options options = {sizeof(qc_session_options) - 1, 1};
  return sessionExpect(&options, QC_STATUS_INVALID_ARGUMENT,
                       NAMES("struct_size"));
}
static int session_threads_negative(void) {
  return threadsExpect(-1, QC_STATUS_INVALID_ARGUMENT, NAMES("num_threads", "-1"));
}
static int session_threads_int32_min(void) {
  return threadsExpect(INT32_MIN, QC_STATUS_INVALID_ARGUMENT,
                       NAMES("num_threads", "-2147483648"));
}
static int session_threads_257(void) {
  return threadsExpect(QC_MAX_THREADS + 1, QC_STATUS_INVALID_ARGUMENT,
                       NAMES("num_threads", "257"));
}
static int session_threads_int32_max(void) {
  return threadsExpect(INT32_MAX, QC_STATUS_INVALID_ARGUMENT,
                       NAMES("num_threads", "2147483647"));
}
static int session_threads_max_ok(void) {
  return threadsExpect(QC_MAX_THREADS, QC_STATUS_OK, NULL);
}
static int session_env_threads_zero(void) {
  return envThreadsExpect("0", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "'0'"));
}
static int session_env_threads_negative(void) {
  return envThreadsExpect("-3", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "-3"));
}
static int session_env_threads_text(void) {
  return envThreadsExpect("four", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "four"));
}
static int session_env_threads_suffix(void) {
  return envThreadsExpect("4x", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "4x"));
}
static int session_env_threads_huge(void) {
  return envThreadsExpect("99999999999999999999", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS"));
}
static int session_env_threads_257(void) {
  return envThreadsExpect("257", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "257"));
}
static int session_env_threads_hex(void) {
  return envThreadsExpect("0x10", QC_STATUS_INVALID_ARGUMENT,
                          NAMES("QC_NUM_THREADS", "0x10"));
}
static int session_arena_unallocatable(void) {
  /* A 2^46-byte arena passes validation but cannot be allocated. */
  static const qc_arena_buffer plan[1] = {{"big", 0, 1ull << 46}};
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  qc_session *session = (qc_session *)(uintptr_t)1;
  d.arena_size = 1ull << 46;
  d.buffers = plan;
  qc_status st = qc_model_create(&d, &model);
  if (st == QC_STATUS_INVALID_MODEL)
    return 0; /* refusing it up front (a memory cap) is fine too */
  EXPECT(st, QC_STATUS_OK, NULL);
  st = qc_session_create(model, NULL, &session);
  int rc = expectStatus(st, QC_STATUS_OUT_OF_MEMORY, NAMES("robust_add"));
  if (!rc && session)
    rc = fail("a failed qc_session_create left *out_session non-NULL");
  if (!rc && qc_model_destroy(&model) != QC_STATUS_OK)
    rc = fail("the model still counts a session that failed to start");
  return rc;
}
static int session_output_unallocatable(void) {
  static const int64_t huge[1] = {1ll << 46};
  static const qc_tensor_desc outs[1] = {{"out_huge", QC_DTYPE_INT8, 1, huge}};
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  qc_session *session = NULL;
  d.outputs = outs;
  qc_status st = qc_model_create(&d, &model);
  if (st == QC_STATUS_INVALID_MODEL)
    return 0;
  EXPECT(st, QC_STATUS_OK, NULL);
  st = qc_session_create(model, NULL, &session);
  int rc = expectStatus(st, QC_STATUS_OUT_OF_MEMORY, NAMES("robust_add"));
  if (!rc && qc_model_destroy(&model) != QC_STATUS_OK)
    rc = fail("the model still counts a session that failed to start");
  return rc;
}
static int session_destroy_twice(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  EXPECT(qc_session_destroy(&f.session), QC_STATUS_OK, NULL);
  REQUIRE(f.session == NULL);
  EXPECT(qc_session_destroy(&f.session), QC_STATUS_OK, NULL);
  EXPECT(qc_session_destroy(NULL), QC_STATUS_OK, NULL);
  tearDown(&f);
  return 0;
}
static int session_profile_hostile(void) {
  /* The base model has no step table: nothing to profile, nothing to print;
   * NULLs and an unknown format are refused. */
  Fixture f;
  if (setUp(&f))
    return 1;
  EXPECT(qc_session_set_profiling(NULL, 1), QC_STATUS_NULL_POINTER, "session");
  EXPECT(qc_session_set_profiling(f.session, 1), QC_STATUS_INVALID_ARGUMENT,
         "robust_add", "no step table");
  EXPECT(qc_session_set_profiling(f.session, 0), QC_STATUS_OK, NULL);
  EXPECT(qc_session_print_profile(NULL, stderr, QC_PROFILE_TABLE),
         QC_STATUS_NULL_POINTER, "session");
  EXPECT(qc_session_print_profile(f.session, NULL, QC_PROFILE_TABLE),
         QC_STATUS_NULL_POINTER, "out");
  EXPECT(qc_session_print_profile(f.session, stderr, (qc_profile_format)7),
         QC_STATUS_INVALID_ARGUMENT, "format 7");
  EXPECT(qc_session_print_profile(f.session, stderr, QC_PROFILE_TABLE),
         QC_STATUS_INVALID_ARGUMENT, "not profiling");
  tearDown(&f);
  return 0;
}
static int session_num_threads_null(void) {
  int32_t n;
  EXPECT(qc_session_get_num_threads(NULL, &n), QC_STATUS_NULL_POINTER,
         "session");
  return 0;
}

/* --- cases: runs --------------------------------------------------------*/

static int run_ok(void) {
  /* The fixture itself works (so the failures below are meaningful). */
  Fixture f;
  if (setUp(&f))
    return 1;
  qc_status st = qc_session_run(f.session, f.in, 2, f.out, 1);
  int rc = expectStatus(st, QC_STATUS_OK, NULL);
  if (!rc && (f.y[1] != 30 || f.y[5] != -106))
    rc = fail("wrong result");
  tearDown(&f);
  return rc;
}
static int run_null_session(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  int rc = expectStatus(qc_session_run(NULL, f.in, 2, f.out, 1),
                        QC_STATUS_NULL_POINTER, NAMES("session"));
  tearDown(&f);
  return rc;
}
static int run_inputs_null(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  qc_status st = qc_session_run(f.session, NULL, 2, f.out, 1);
  int rc = expectStatus(st, QC_STATUS_NULL_POINTER, NAMES("inputs"));
  if (!rc && gEntryCalls)
    rc = fail("the model ran");
  tearDown(&f);
  return rc;
}
static int run_outputs_null(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  qc_status st = qc_session_run(f.session, f.in, 2, NULL, 1);
  int rc = expectStatus(st, QC_STATUS_NULL_POINTER, NAMES("outputs"));
  if (!rc && gEntryCalls)
    rc = fail("the model ran");
  tearDown(&f);
  return rc;
}
static int run_one_input(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  RUN_FAILS(&f, 1, 1, QC_STATUS_COUNT_MISMATCH, "robust_add", "2 input");
}
static int run_three_inputs(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  RUN_FAILS(&f, 3, 1, QC_STATUS_COUNT_MISMATCH, "robust_add");
}
static int run_zero_outputs(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  RUN_FAILS(&f, 2, 0, QC_STATUS_COUNT_MISMATCH, "robust_add");
}
static int run_input_count_max(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  RUN_FAILS(&f, UINT32_MAX, 1, QC_STATUS_COUNT_MISMATCH, "robust_add");
}
static int run_input_dtype_float(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[1].dtype = QC_DTYPE_FLOAT32;
  RUN_FAILS(&f, 2, 1, QC_STATUS_DTYPE_MISMATCH, "in_b", "float32", "int8");
}
static int run_input_dtype_unknown(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].dtype = 4242;
  RUN_FAILS(&f, 2, 1, QC_STATUS_DTYPE_MISMATCH, "in_a", "4242");
}
static int run_input_dtype_undefined(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].dtype = QC_DTYPE_UNDEFINED;
  RUN_FAILS(&f, 2, 1, QC_STATUS_DTYPE_MISMATCH, "in_a");
}
static int run_input_size_plus_one(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[1].size_bytes = 7;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SIZE_MISMATCH, "in_b", "7", "6");
}
static int run_input_size_zero(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].size_bytes = 0;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SIZE_MISMATCH, "in_a");
}
static int run_input_size_max(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].size_bytes = UINT64_MAX;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SIZE_MISMATCH, "in_a");
}
static int run_input_data_null(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[1].data = NULL;
  RUN_FAILS(&f, 2, 1, QC_STATUS_NULL_POINTER, "in_b");
}
static int run_input_rank_wrong(void) {
  static const int64_t flat[1] = {6};
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].rank = 1;
  f.in[0].shape = flat;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SHAPE_MISMATCH, "in_a");
}
static int run_input_dims_wrong(void) {
  static const int64_t t[2] = {3, 2};
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[1].shape = t;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SHAPE_MISMATCH, "in_b", "3x2", "2x3");
}
static int run_input_rank_negative(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].rank = -5;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SHAPE_MISMATCH, "in_a");
}
static int run_input_rank_past_array(void) {
  /* rank 9 with a 2-element shape array: the message must not read past
   * what the rank check already knows is wrong (exact-size heap array, so a
   * sanitizer build catches an over-read). */
  Fixture f;
  int64_t *shape = (int64_t *)malloc(2 * sizeof(int64_t));
  if (!shape || setUp(&f)) {
    free(shape);
    return 1;
  }
  shape[0] = 2;
  shape[1] = 3;
  f.in[0].rank = 9;
  f.in[0].shape = shape;
  int rc = runExpectFailure(&f, 2, 1, QC_STATUS_SHAPE_MISMATCH, NAMES("in_a"));
  free(shape);
  return rc;
}
static int run_output_caller_size_wrong(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.out[0].size_bytes = 5;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SIZE_MISMATCH, "out_y", "5", "6");
}
static int run_output_caller_dtype_wrong(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.out[0].dtype = QC_DTYPE_INT32;
  RUN_FAILS(&f, 2, 1, QC_STATUS_DTYPE_MISMATCH, "out_y", "int32");
}
static int run_output_owned_dtype_wrong(void) {
  Fixture f;
  if (setUp(&f))
    return 1;
  f.out[0] = (qc_tensor){QC_DTYPE_UINT8, 0, NULL, NULL, 0};
  RUN_FAILS(&f, 2, 1, QC_STATUS_DTYPE_MISMATCH, "out_y", "uint8");
}
static int run_output_caller_shape_wrong(void) {
  static const int64_t t[2] = {6, 1};
  Fixture f;
  if (setUp(&f))
    return 1;
  f.out[0].shape = t;
  RUN_FAILS(&f, 2, 1, QC_STATUS_SHAPE_MISMATCH, "out_y");
}
static int run_model_error(void) {
  /* The entry fails: QC_STATUS_MODEL_ERROR naming the model and the code;
   * the output binding is not updated. */
  Fixture f;
  if (setUp(&f))
    return 1;
  f.out[0] = (qc_tensor){QC_DTYPE_UNDEFINED, 0, NULL, NULL, 0};
  qc_tensor before = f.out[0];
  gEntryResult = 7;
  qc_status st = qc_session_run(f.session, f.in, 2, f.out, 1);
  int rc = expectStatus(st, QC_STATUS_MODEL_ERROR, NAMES("robust_add", "7"));
  if (!rc && memcmp(&before, &f.out[0], sizeof before) != 0)
    rc = fail("a failed run changed the output binding");
  tearDown(&f);
  return rc;
}
static int run_after_failure_ok(void) {
  /* A refused run leaves the session usable. */
  Fixture f;
  if (setUp(&f))
    return 1;
  f.in[0].size_bytes = 1;
  qc_status st = qc_session_run(f.session, f.in, 2, f.out, 1);
  int rc = expectStatus(st, QC_STATUS_SIZE_MISMATCH, NAMES("in_a"));
  f.in[0].size_bytes = 6;
  if (!rc)
    rc = expectStatus(qc_session_run(f.session, f.in, 2, f.out, 1),
                      QC_STATUS_OK, NULL);
  tearDown(&f);
  return rc;
}
static int reentrant = 0;
static qc_session *gReentrantSession = NULL;
static qc_status gInnerStatus = QC_STATUS_OK;
static int32_t reentrantEntry(const qc_exec_context *ctx, void *arena,
                              const void *const *inputs,
                              void *const *outputs) {
  qc_tensor in[2] = {{QC_DTYPE_INT8, 0, NULL, (void *)inputs[0], 6},
                     {QC_DTYPE_INT8, 0, NULL, (void *)inputs[1], 6}};
  qc_tensor out[1] = {{QC_DTYPE_INT8, 0, NULL, outputs[0], 6}};
  (void)ctx;
  (void)arena;
  if (!reentrant++)
    gInnerStatus = qc_session_run(gReentrantSession, in, 2, out, 1);
  return 0;
}
static int run_reentrant_busy(void) {
  qc_model_desc d = baseDesc();
  qc_model *model = NULL;
  int8_t a[6] = {0}, b[6] = {0}, y[6];
  d.entry = reentrantEntry;
  EXPECT(qc_model_create(&d, &model), QC_STATUS_OK, NULL);
  EXPECT(qc_session_create(model, NULL, &gReentrantSession), QC_STATUS_OK,
         NULL);
  qc_tensor in[2] = {{QC_DTYPE_INT8, 0, NULL, a, 6},
                     {QC_DTYPE_INT8, 0, NULL, b, 6}};
  qc_tensor out[1] = {{QC_DTYPE_INT8, 0, NULL, y, 6}};
  qc_status st = qc_session_run(gReentrantSession, in, 2, out, 1);
  qc_session_destroy(&gReentrantSession);
  qc_model_destroy(&model);
  EXPECT(st, QC_STATUS_OK, NULL);
  REQUIRE(gInnerStatus == QC_STATUS_BUSY);
  return 0;
}

/* --- the table ----------------------------------------------------------*/

typedef struct Case {
  const char *name;
  int (*fn)(void);
} Case;

#define C(fn) {#fn, fn}
static const Case kCases[] = {
    C(create_null_desc),
    C(create_null_out),
    C(create_abi_version_zero),
    C(create_abi_version_next),
    C(create_abi_version_max),
    C(create_struct_size_zero),
    C(create_struct_size_short),
    C(create_struct_size_v0_2_ok),
    C(session_profile_hostile),
    C(create_steps_null),
    C(create_step_kind_null),
    C(create_too_many_steps),
    C(create_variants_null),
    C(create_struct_size_larger_ok),
    C(create_too_many_inputs),
    C(create_too_many_outputs),
    C(create_inputs_null),
    C(create_outputs_null),
    C(create_zero_outputs),
    C(create_entry_null),
    C(create_input_dtype_undefined),
    C(create_input_dtype_unknown),
    C(create_input_dtype_negative),
    C(create_output_dtype_unknown),
    C(create_input_rank_negative),
    C(create_input_rank_nine),
    C(create_input_shape_null),
    C(create_input_dim_negative),
    C(create_input_dim_int64_min),
    C(create_input_dims_overflow),
    C(create_output_bytes_overflow),
    C(create_scalar_ok),
    C(create_alignment_not_pow2),
    C(create_alignment_too_large),
    C(create_alignment_max),
    C(create_arena_size_max),
    C(create_arena_too_small),
    C(create_arena_zero_with_buffer),
    C(create_buffers_null),
    C(create_buffer_offset_overflow),
    C(create_buffer_size_overflow),
    C(create_buffer_misaligned),
    C(create_buffer_name_null),
    C(create_name_null_ok),
    C(create_name_long),
    C(create_unknown_isa_bit),
    C(create_disable_isa_unknown),
    C(create_disable_isa_all),
    C(model_destroy_null_ok),
    C(model_destroy_with_session),
    C(model_destroy_twice),
    C(model_io_count_null),
    C(model_get_input_out_of_range),
    C(model_get_output_index_max),
    C(model_get_input_null_out),
    C(desc_size_null),
    C(desc_size_overflow),
    C(desc_size_bad_dtype),
    C(status_string_unknown),
    C(isa_name_not_one_bit),
    C(error_cleared_on_success),
    C(session_null_model),
    C(session_null_out),
    C(session_options_struct_size_zero),
    C(session_options_struct_size_short),
    C(session_threads_negative),
    C(session_threads_int32_min),
    C(session_threads_257),
    C(session_threads_int32_max),
    C(session_threads_max_ok),
    C(session_env_threads_zero),
    C(session_env_threads_negative),
    C(session_env_threads_text),
    C(session_env_threads_suffix),
    C(session_env_threads_huge),
    C(session_env_threads_257),
    C(session_env_threads_hex),
    C(session_arena_unallocatable),
    C(session_output_unallocatable),
    C(session_destroy_twice),
    C(session_num_threads_null),
    C(run_ok),
    C(run_null_session),
    C(run_inputs_null),
    C(run_outputs_null),
    C(run_one_input),
    C(run_three_inputs),
    C(run_zero_outputs),
    C(run_input_count_max),
    C(run_input_dtype_float),
    C(run_input_dtype_unknown),
    C(run_input_dtype_undefined),
    C(run_input_size_plus_one),
    C(run_input_size_zero),
    C(run_input_size_max),
    C(run_input_data_null),
    C(run_input_rank_wrong),
    C(run_input_dims_wrong),
    C(run_input_rank_negative),
    C(run_input_rank_past_array),
    C(run_output_caller_size_wrong),
    C(run_output_caller_dtype_wrong),
    C(run_output_owned_dtype_wrong),
    C(run_output_caller_shape_wrong),
    C(run_model_error),
    C(run_after_failure_ok),
    C(run_reentrant_busy),
};
#undef C

int main(int argc, char **argv) {
  size_t n = sizeof kCases / sizeof kCases[0];
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < n; ++i)
      printf("%s\n", kCases[i].name);
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: %s --list | CASE\n", argv[0]);
    return 2;
  }
  /* Cases that need an environment variable set it themselves. */
  unsetenv("QC_NUM_THREADS");
  unsetenv("QC_DISABLE_ISA");
  for (size_t i = 0; i < n; ++i) {
    if (strcmp(argv[1], kCases[i].name) != 0)
      continue;
    gWhy[0] = '\0';
    if (kCases[i].fn()) {
      printf("FAIL %s: %s\n", kCases[i].name, gWhy);
      return 1;
    }
    printf("ok\n");
    return 0;
  }
  fprintf(stderr, "unknown case '%s'\n", argv[1]);
  return 2;
}
