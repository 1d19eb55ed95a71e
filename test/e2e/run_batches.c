/* Runs a whole data set through one dynamic-batch compiled model (tests):
 * reads the single input as raw bytes (any number of samples), runs it in
 * batches of BATCH samples (the last one smaller) through libqcrt, and
 * writes the outputs of all samples, in order, as raw bytes. Even batches
 * write into the caller's buffer, odd ones use the runtime-owned output;
 * each run's output shape must say its batch.
 *
 *   run_batches THREADS BATCH IN.bin OUT.bin
 *
 * Build with -DQC_MODEL_DESC=<name>_desc and link <name>.o + libqcrt. */
#include "qc_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const qc_model_desc QC_MODEL_DESC;

int main(int argc, char **argv) {
  const qc_model_desc *d = &QC_MODEL_DESC;
  if (argc != 5 || d->num_inputs != 1 || d->num_outputs != 1) {
    fprintf(stderr, "usage: %s THREADS BATCH IN.bin OUT.bin (one input, one "
                    "output)\n",
            argv[0]);
    return 2;
  }
  long batch = atol(argv[2]);
  FILE *f = fopen(argv[3], "rb");
  if (!f || fseek(f, 0, SEEK_END) != 0)
    return fprintf(stderr, "error: cannot read %s\n", argv[3]), 1;
  long bytes = ftell(f);
  rewind(f);
  char *x = malloc(bytes ? (size_t)bytes : 1);
  if (!x || fread(x, 1, (size_t)bytes, f) != (size_t)bytes)
    return fprintf(stderr, "error: cannot read %s\n", argv[3]), 1;
  fclose(f);

  qc_model *model = NULL;
  qc_session *session = NULL;
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = atoi(argv[1]);
  uint32_t maxBatch = 0;
  if (qc_model_create(d, &model) != QC_STATUS_OK ||
      qc_session_create(model, &options, &session) != QC_STATUS_OK ||
      qc_model_get_max_batch(model, &maxBatch) != QC_STATUS_OK)
    return fprintf(stderr, "error: %s\n", qc_last_error_message()), 1;
  uint64_t inSample = qc_tensor_desc_size_bytes(&d->inputs[0]);
  uint64_t outSample = qc_tensor_desc_size_bytes(&d->outputs[0]);
  if (maxBatch == 0 || inSample == 0 || bytes % (long)inSample)
    return fprintf(stderr, "error: not a dynamic-batch model, or %ld bytes "
                           "are not whole samples\n",
                   bytes),
           1;
  long total = bytes / (long)inSample;
  char *y = malloc(total * outSample ? (size_t)(total * outSample) : 1);
  int64_t shape[QC_MAX_RANK];
  memcpy(shape, d->inputs[0].shape, (size_t)d->inputs[0].rank * sizeof *shape);
  long runs = 0;
  for (long first = 0; first < total; first += batch, ++runs) {
    long b = total - first < batch ? total - first : batch;
    shape[0] = b;
    qc_tensor in = {d->inputs[0].dtype, d->inputs[0].rank, shape,
                    x + first * inSample, (uint64_t)b * inSample};
    qc_tensor out = {0, 0, NULL, NULL, 0};
    if (runs % 2 == 0)
      out = (qc_tensor){d->outputs[0].dtype, 0, NULL, y + first * outSample,
                        (uint64_t)b * outSample};
    if (qc_session_run(session, &in, 1, &out, 1) != QC_STATUS_OK)
      return fprintf(stderr, "error: %s\n", qc_last_error_message()), 1;
    if (out.shape[0] != b || out.size_bytes != (uint64_t)b * outSample)
      return fprintf(stderr, "error: batch %ld came back as %lld\n", b,
                     (long long)out.shape[0]),
             1;
    if (runs % 2 == 1)
      memcpy(y + first * outSample, out.data, (size_t)out.size_bytes);
  }
  f = fopen(argv[4], "wb");
  if (!f || fwrite(y, 1, (size_t)(total * outSample), f) !=
                (size_t)(total * outSample))
    return fprintf(stderr, "error: cannot write %s\n", argv[4]), 1;
  fclose(f);
  printf("run_batches: %ld samples in %ld runs of at most %ld (max_batch %u)\n",
         total, runs, batch, maxBatch);
  qc_session_destroy(&session);
  qc_model_destroy(&model);
  free(x);
  free(y);
  return 0;
}
