/*===- c_api_test.c - libqcrt from a plain C program ----------------------===*
 *
 * Compiled as C11 with -pedantic -Werror: proves qc_runtime.h and
 * qc_model_abi.h are C, and that a C "compiled model" (a descriptor plus an
 * entry function working through the arena) runs. Built natively and, for
 * AArch64, with clang --target=aarch64-linux-gnu to run under qemu.
 *
 * Usage: qc_runtime_c_test [expect-present|expect-missing FEATURE]
 *
 *===----------------------------------------------------------------------===*/
#include "qc_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0, checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++checks;                                                                  \
    if (!(cond)) {                                                             \
      ++failures;                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__,  \
              __LINE__, #cond, qc_last_error_message());                       \
    }                                                                          \
  } while (0)

/* The model: y[i] = saturate_s16(a[i] * 3 + b[i]) as int32, via the arena:
 * the int32 products go to arena buffer "prod", then sums to "acc". */
enum { N = 1000 };
static const int64_t kShape[1] = {N};
static const qc_tensor_desc kInputs[2] = {{"a", QC_DTYPE_INT8, 1, kShape},
                                          {"b", QC_DTYPE_UINT8, 1, kShape}};
static const qc_tensor_desc kOutputs[1] = {{"y", QC_DTYPE_INT32, 1, kShape}};
#define PROD_OFFSET 0u
#define ACC_OFFSET 4032u /* 4000 rounded up to 64 */
static const qc_arena_buffer kPlan[2] = {{"prod", PROD_OFFSET, 4 * N},
                                         {"acc", ACC_OFFSET, 4 * N}};

typedef struct Job {
  unsigned char *arena;
  const int8_t *a;
  const uint8_t *b;
  unsigned char *y; /* int32 output, maybe unaligned */
} Job;

static void work(void *user, int64_t begin, int64_t end) {
  Job *job = (Job *)user;
  int32_t *prod = (int32_t *)(job->arena + PROD_OFFSET);
  int32_t *acc = (int32_t *)(job->arena + ACC_OFFSET);
  for (int64_t i = begin; i < end; ++i) {
    prod[i] = 3 * (int32_t)job->a[i];
    int32_t v = prod[i] + (int32_t)job->b[i];
    acc[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    memcpy(job->y + 4 * i, &acc[i], sizeof(int32_t)); /* y may be unaligned */
  }
}

static void *gLastArena = NULL;

static int32_t entry(const qc_exec_context *ctx, void *arena,
                     const void *const *inputs, void *const *outputs) {
  Job job;
  if (((uintptr_t)arena) % 64 != 0)
    return 3; /* the runtime promised 64-byte alignment */
  gLastArena = arena;
  job.arena = (unsigned char *)arena;
  job.a = (const int8_t *)inputs[0];
  job.b = (const uint8_t *)inputs[1];
  job.y = (unsigned char *)outputs[0];
  ctx->parallel_for(ctx, 0, N, work, &job);
  return 0;
}

static qc_model_desc makeDesc(uint64_t requiredIsa) {
  qc_model_desc d;
  memset(&d, 0, sizeof d);
  d.abi_version = QC_MODEL_ABI_VERSION;
  d.struct_size = sizeof d;
  d.name = "c_mul_add";
  d.required_isa = requiredIsa;
  d.num_inputs = 2;
  d.num_outputs = 1;
  d.inputs = kInputs;
  d.outputs = kOutputs;
  d.arena_size = ACC_OFFSET + 4 * N;
  d.arena_alignment = 0; /* default: 64 */
  d.num_buffers = 2;
  d.buffers = kPlan;
  d.entry = entry;
  return d;
}

static uint64_t featureByName(const char *name) {
  for (int b = 0; b < 64; ++b) {
    const char *n = qc_isa_feature_name(1ull << b);
    if (n && strcmp(n, name) == 0)
      return 1ull << b;
  }
  return 0;
}

static int isaMode(const char *mode, const char *name) {
  uint64_t bit = featureByName(name);
  qc_model_desc d = makeDesc(bit);
  qc_model *model = NULL;
  qc_status st;
  if (!bit) {
    fprintf(stderr, "unknown feature '%s'\n", name);
    return 2;
  }
  st = qc_model_create(&d, &model);
  if (strcmp(mode, "expect-present") == 0) {
    CHECK(st == QC_STATUS_OK);
  } else {
    CHECK(st == QC_STATUS_UNSUPPORTED_ISA);
    CHECK(strstr(qc_last_error_message(), name) != NULL);
    printf("%s: %s\n", qc_status_string(st), qc_last_error_message());
  }
  CHECK(qc_model_destroy(&model) == QC_STATUS_OK);
  return 0;
}

int main(int argc, char **argv) {
  static int8_t a[N];
  static uint8_t b[N];
  static unsigned char yStorage[4 * N + 1];
  void *yUnaligned = yStorage + 1;
  qc_model_desc desc = makeDesc(0);
  qc_model *model = NULL;
  qc_session *session = NULL;
  qc_session_options options;
  qc_tensor inputs[2], output;
  int i, threads;
  char features[256] = "";

  if (argc == 3) {
    int rc = isaMode(argv[1], argv[2]);
    if (rc)
      return rc;
    printf("%s %s: %d checks, %d failures\n", argv[1], argv[2], checks,
           failures);
    return failures ? 1 : 0;
  }

  for (i = 0; i < 64; ++i) {
    uint64_t bit = 1ull << i;
    if ((qc_cpu_features() & bit) && qc_isa_feature_name(bit)) {
      strcat(features, " ");
      strcat(features, qc_isa_feature_name(bit));
    }
  }
  printf("libqcrt %s, model ABI %u, CPU features:%s\n",
         qc_runtime_version_string(), qc_runtime_model_abi_version(), features);

  for (i = 0; i < N; ++i) {
    a[i] = (int8_t)(i * 37 - 128);
    b[i] = (uint8_t)(i * 11);
  }
  CHECK(qc_model_validate(&desc) == QC_STATUS_OK);
  CHECK(qc_model_validate(NULL) == QC_STATUS_NULL_POINTER);
  CHECK(qc_model_create(&desc, &model) == QC_STATUS_OK);
  qc_session_options_init(&options);
  options.num_threads = 3;
  CHECK(qc_session_create(model, &options, &session) == QC_STATUS_OK);
  CHECK(qc_session_get_num_threads(session, &threads) == QC_STATUS_OK);
  CHECK(threads == 3);

  inputs[0].dtype = QC_DTYPE_INT8;
  inputs[0].rank = 1;
  inputs[0].shape = kShape;
  inputs[0].data = a;
  inputs[0].size_bytes = sizeof a;
  inputs[1] = inputs[0];
  inputs[1].dtype = QC_DTYPE_UINT8;
  inputs[1].data = b;

  /* Runtime-owned output. */
  memset(&output, 0, sizeof output);
  CHECK(qc_session_run(session, inputs, 2, &output, 1) == QC_STATUS_OK);
  CHECK(output.data != NULL && output.dtype == QC_DTYPE_INT32 &&
        output.size_bytes == 4 * N && output.rank == 1 && output.shape[0] == N);
  if (output.data) {
    const int32_t *y = (const int32_t *)output.data;
    int bad = 0;
    for (i = 0; i < N; ++i)
      bad += y[i] != 3 * a[i] + b[i];
    CHECK(bad == 0);
  }

  /* Caller-owned, unaligned output; the arena is the same one. */
  {
    void *arena = gLastArena;
    qc_tensor out2;
    int bad = 0;
    out2.dtype = QC_DTYPE_INT32;
    out2.rank = 0;
    out2.shape = NULL;
    out2.data = yUnaligned;
    out2.size_bytes = 4 * N;
    CHECK(qc_session_run(session, inputs, 2, &out2, 1) == QC_STATUS_OK);
    CHECK(gLastArena == arena);
    for (i = 0; i < N; ++i) {
      int32_t v;
      memcpy(&v, yStorage + 1 + 4 * i, sizeof v);
      bad += v != 3 * a[i] + b[i];
    }
    CHECK(bad == 0);
  }

  /* Errors. */
  CHECK(qc_session_run(session, inputs, 1, &output, 1) ==
        QC_STATUS_COUNT_MISMATCH);
  inputs[1].dtype = QC_DTYPE_INT8;
  CHECK(qc_session_run(session, inputs, 2, &output, 1) ==
        QC_STATUS_DTYPE_MISMATCH);
  inputs[1].dtype = QC_DTYPE_UINT8;
  inputs[0].size_bytes = 7;
  CHECK(qc_session_run(session, inputs, 2, &output, 1) ==
        QC_STATUS_SIZE_MISMATCH);
  inputs[0].size_bytes = sizeof a;
  CHECK(qc_session_run(NULL, inputs, 2, &output, 1) == QC_STATUS_NULL_POINTER);
  CHECK(strlen(qc_last_error_message()) > 0);
  {
    qc_model *tmp = model;
    CHECK(qc_model_create(NULL, &tmp) == QC_STATUS_NULL_POINTER && tmp == NULL);
  }
  CHECK(strcmp(qc_status_string(QC_STATUS_UNSUPPORTED_ISA),
               "QC_STATUS_UNSUPPORTED_ISA: the CPU lacks an instruction-set "
               "feature the model needs") == 0);

  /* Lifetimes; double destroy through the same variable is a no-op. */
  {
    qc_model *m2 = NULL;
    qc_session *s2 = NULL;
    CHECK(qc_model_create(&desc, &m2) == QC_STATUS_OK);
    CHECK(qc_session_create(m2, NULL, &s2) == QC_STATUS_OK);
    CHECK(qc_model_destroy(&m2) == QC_STATUS_BUSY);
    CHECK(qc_session_destroy(&s2) == QC_STATUS_OK);
    CHECK(qc_session_destroy(&s2) == QC_STATUS_OK);
    CHECK(qc_model_destroy(&m2) == QC_STATUS_OK);
    CHECK(qc_model_destroy(&m2) == QC_STATUS_OK && m2 == NULL);
  }
  CHECK(qc_session_destroy(&session) == QC_STATUS_OK && session == NULL);
  CHECK(qc_model_destroy(&model) == QC_STATUS_OK && model == NULL);

  printf("c_api_test: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
