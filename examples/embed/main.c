/* examples/embed: a plain C program that classifies the bundled MNIST test
 * digits with a model compiled by `qc compile`, linked with libqcrt.
 *
 *   mnist_classify TEST_IMAGES.npy TEST_LABELS.npy [THREADS [LOGITS.f32]]
 *
 * The compiled model (mnist.o + mnist.h) takes one float32 [1,1,28,28] image
 * and returns float32 [1,10] logits; this program runs it once per image and
 * prints the top-1 accuracy and the mean time per image; with LOGITS.f32 it
 * also writes every image's logits there (raw float32, for tests that compare
 * builds for different CPUs byte for byte). A model compiled with
 * `qc compile --max-batch N` (mnist.h defines MNIST_MAX_BATCH) takes up to N
 * images per call: the program then runs the images in batches of N, the
 * last one smaller, through the same session. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime in strict C11 */
#include "mnist.h"
#include "qc_runtime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A minimal .npy reader: little-endian, C order, the given dtype ('<f4' or
 * '<i8'); returns the data (malloc'd) and the number of elements. */
static void *read_npy(const char *path, const char *descr, size_t elem_size,
                      size_t *count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "error: cannot open %s\n", path);
    return NULL;
  }
  unsigned char magic[10];
  if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "error: %s is not an .npy file\n", path);
    fclose(f);
    return NULL;
  }
  size_t header_len = magic[8] | (magic[9] << 8);
  if (magic[6] != 1) { /* version 2/3: 4-byte length */
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2) {
      fclose(f);
      return NULL;
    }
    header_len |= ((size_t)more[0] << 16) | ((size_t)more[1] << 24);
  }
  char *header = calloc(header_len + 1, 1);
  if (!header || fread(header, 1, header_len, f) != header_len) {
    fprintf(stderr, "error: %s: truncated header\n", path);
    free(header);
    fclose(f);
    return NULL;
  }
  if (!strstr(header, descr) || strstr(header, "'fortran_order': True")) {
    fprintf(stderr, "error: %s: expected dtype %s in C order: %s\n", path,
            descr, header);
    free(header);
    fclose(f);
    return NULL;
  }
  const char *shape = strstr(header, "'shape': (");
  size_t n = 1;
  if (shape) {
    const char *p = shape + 10;
    while (*p && *p != ')') {
      char *end;
      unsigned long long d = strtoull(p, &end, 10);
      if (end == p)
        break;
      n *= (size_t)d;
      p = end;
      while (*p == ',' || *p == ' ')
        ++p;
    }
  }
  free(header);
  void *data = malloc(n * elem_size);
  if (!data || fread(data, elem_size, n, f) != n) {
    fprintf(stderr, "error: %s: truncated data\n", path);
    free(data);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *count = n;
  return data;
}

static int check(qc_status status, const char *what) {
  if (status == QC_STATUS_OK)
    return 0;
  fprintf(stderr, "error: %s: %s (%s)\n", what, qc_status_string(status),
          qc_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr,
            "usage: %s TEST_IMAGES.npy TEST_LABELS.npy [THREADS [LOGITS.f32]]\n",
            argv[0]);
    return 2;
  }
  size_t pixels = 0, labels_count = 0;
  float *images = read_npy(argv[1], "'<f4'", sizeof(float), &pixels);
  int64_t *labels = read_npy(argv[2], "'<i8'", sizeof(int64_t), &labels_count);
  if (!images || !labels)
    return 1;
  size_t count = pixels / MNIST_INPUT0_ELEMENTS;
  if (count == 0 || count != labels_count ||
      pixels % MNIST_INPUT0_ELEMENTS != 0) {
    fprintf(stderr, "error: %zu images of %d pixels do not match %zu labels\n",
            count, MNIST_INPUT0_ELEMENTS, labels_count);
    return 1;
  }

  qc_model *model = NULL;
  qc_session *session = NULL;
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = argc > 3 ? atoi(argv[3]) : 1;
  if (check(qc_model_create(&mnist_desc, &model), "qc_model_create") ||
      check(qc_session_create(model, &options, &session), "qc_session_create"))
    return 1;

  FILE *logits_out = NULL;
  if (argc > 4 && !(logits_out = fopen(argv[4], "wb"))) {
    fprintf(stderr, "error: cannot write %s\n", argv[4]);
    return 1;
  }
#ifdef MNIST_MAX_BATCH
  enum { kBatch = MNIST_MAX_BATCH };
#else
  enum { kBatch = 1 };
#endif
  size_t correct = 0, runs = 0;
  static float logits[kBatch * MNIST_OUTPUT0_ELEMENTS];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t first = 0; first < count; first += (size_t)kBatch, ++runs) {
    size_t n = count - first < (size_t)kBatch ? count - first : (size_t)kBatch;
    /* shape NULL: the runtime takes the batch (n) from the input's size. */
    qc_tensor input = {QC_DTYPE_FLOAT32, 0, NULL,
                       images + first * MNIST_INPUT0_ELEMENTS,
                       sizeof(float) * MNIST_INPUT0_ELEMENTS * n};
    qc_tensor output = {QC_DTYPE_FLOAT32, 0, NULL, logits,
                        sizeof(float) * MNIST_OUTPUT0_ELEMENTS * n};
    if (check(qc_session_run(session, &input, 1, &output, 1), "qc_session_run"))
      return 1;
    for (size_t i = 0; i < n; ++i) {
      const float *l = logits + i * MNIST_OUTPUT0_ELEMENTS;
      int best = 0;
      for (int k = 1; k < MNIST_OUTPUT0_ELEMENTS; ++k)
        if (l[k] > l[best])
          best = k;
      correct += best == labels[first + i];
    }
    if (logits_out && fwrite(logits, sizeof(float) * MNIST_OUTPUT0_ELEMENTS,
                             n, logits_out) != n) {
      fprintf(stderr, "error: cannot write %s\n", argv[4]);
      return 1;
    }
  }
  if (logits_out)
    fclose(logits_out);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("model %s (%s), %zu images, %d thread(s)\n", mnist_desc.name,
         qc_runtime_version_string(), count, options.num_threads);
  printf("accuracy: %.1f%% (%zu/%zu)\n", 100.0 * correct / count, correct,
         count);
  printf("time per image: %.3f ms\n", ms / count);
  if (kBatch > 1)
    printf("batches: %zu runs of up to %d images\n", runs, (int)kBatch);
  qc_session_destroy(&session);
  qc_model_destroy(&model);
  free(images);
  free(labels);
  return 0;
}
