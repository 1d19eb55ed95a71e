/* A generic runner for one compiled model (tests): reads each input as raw
 * bytes from a file, runs the model once through libqcrt and writes each
 * output's raw bytes to a file.
 *
 *   run_model THREADS IN_0.bin ... IN_{n-1}.bin OUT_0.bin ... OUT_{m-1}.bin
 *
 * Build with -DQC_MODEL_DESC=<name>_desc and link <name>.o + libqcrt. */
#include "qc_runtime.h"

#include <stdio.h>
#include <stdlib.h>

extern const qc_model_desc QC_MODEL_DESC;

int main(int argc, char **argv) {
  const qc_model_desc *d = &QC_MODEL_DESC;
  if (argc != 2 + (int)d->num_inputs + (int)d->num_outputs) {
    fprintf(stderr, "usage: %s THREADS %u inputs %u outputs\n", argv[0],
            d->num_inputs, d->num_outputs);
    return 2;
  }
  qc_tensor in[16], out[16];
  if (d->num_inputs > 16 || d->num_outputs > 16)
    return 2;
  for (uint32_t i = 0; i < d->num_inputs; ++i) {
    uint64_t n = qc_tensor_desc_size_bytes(&d->inputs[i]);
    void *data = malloc(n ? n : 1);
    FILE *f = fopen(argv[2 + i], "rb");
    if (!data || !f || fread(data, 1, n, f) != n) {
      fprintf(stderr, "error: cannot read %llu bytes from %s\n",
              (unsigned long long)n, argv[2 + i]);
      return 1;
    }
    fclose(f);
    in[i] = (qc_tensor){d->inputs[i].dtype, 0, NULL, data, n};
  }
  for (uint32_t i = 0; i < d->num_outputs; ++i) {
    uint64_t n = qc_tensor_desc_size_bytes(&d->outputs[i]);
    out[i] = (qc_tensor){d->outputs[i].dtype, 0, NULL, malloc(n ? n : 1), n};
  }
  qc_model *model = NULL;
  qc_session *session = NULL;
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = atoi(argv[1]);
  if (qc_model_create(d, &model) != QC_STATUS_OK ||
      qc_session_create(model, &options, &session) != QC_STATUS_OK ||
      qc_session_run(session, in, d->num_inputs, out, d->num_outputs) !=
          QC_STATUS_OK) {
    fprintf(stderr, "error: %s\n", qc_last_error_message());
    return 1;
  }
  for (uint32_t i = 0; i < d->num_outputs; ++i) {
    FILE *f = fopen(argv[2 + d->num_inputs + i], "wb");
    if (!f || fwrite(out[i].data, 1, out[i].size_bytes, f) != out[i].size_bytes) {
      fprintf(stderr, "error: cannot write %s\n", argv[2 + d->num_inputs + i]);
      return 1;
    }
    fclose(f);
  }
  qc_session_destroy(&session);
  qc_model_destroy(&model);
  /* Freed, so that a sanitizer build's LeakSanitizer has nothing to say. */
  for (uint32_t i = 0; i < d->num_inputs; ++i)
    free(in[i].data);
  for (uint32_t i = 0; i < d->num_outputs; ++i)
    free(out[i].data);
  return 0;
}
