/* The differential tests' runner for one compiled model (test/difftest):
 * every input read from one file (the inputs' raw bytes, concatenated in the
 * descriptor's order), one run through libqcrt, every output written to one
 * file (raw bytes, concatenated), and the descriptor's input and output
 * names written one per line ("in NAME" / "out NAME") so the caller can
 * check the order it assumed. No limit on the number of tensors.
 *
 *   run_packed THREADS INPUTS.bin OUTPUTS.bin NAMES.txt
 *
 * Build with -DQC_MODEL_DESC=<name>_desc and link <name>.o + libqcrt. */
#include "qc_runtime.h"

#include <stdio.h>
#include <stdlib.h>

extern const qc_model_desc QC_MODEL_DESC;

static void *allocOrDie(uint64_t n) {
  void *p = calloc(n ? n : 1, 1);
  if (!p) {
    fprintf(stderr, "error: out of memory (%llu bytes)\n", (unsigned long long)n);
    exit(1);
  }
  return p;
}

int main(int argc, char **argv) {
  const qc_model_desc *d = &QC_MODEL_DESC;
  if (argc != 5) {
    fprintf(stderr, "usage: %s THREADS INPUTS.bin OUTPUTS.bin NAMES.txt\n", argv[0]);
    return 2;
  }
  FILE *names = fopen(argv[4], "w");
  if (!names) {
    fprintf(stderr, "error: cannot write %s\n", argv[4]);
    return 1;
  }
  for (uint32_t i = 0; i < d->num_inputs; ++i)
    fprintf(names, "in %s\n", d->inputs[i].name);
  for (uint32_t i = 0; i < d->num_outputs; ++i)
    fprintf(names, "out %s\n", d->outputs[i].name);
  fclose(names);

  qc_tensor *in = allocOrDie(sizeof(qc_tensor) * (d->num_inputs + 1));
  qc_tensor *out = allocOrDie(sizeof(qc_tensor) * (d->num_outputs + 1));
  FILE *f = fopen(argv[2], "rb");
  if (!f) {
    fprintf(stderr, "error: cannot read %s\n", argv[2]);
    return 1;
  }
  for (uint32_t i = 0; i < d->num_inputs; ++i) {
    uint64_t n = qc_tensor_desc_size_bytes(&d->inputs[i]);
    void *data = allocOrDie(n);
    if (fread(data, 1, n, f) != n) {
      fprintf(stderr, "error: %s ends before input %u (%s)\n", argv[2], i, d->inputs[i].name);
      return 1;
    }
    in[i] = (qc_tensor){d->inputs[i].dtype, 0, NULL, data, n};
  }
  if (fgetc(f) != EOF) {
    fprintf(stderr, "error: %s is longer than the inputs\n", argv[2]);
    return 1;
  }
  fclose(f);
  for (uint32_t i = 0; i < d->num_outputs; ++i) {
    uint64_t n = qc_tensor_desc_size_bytes(&d->outputs[i]);
    out[i] = (qc_tensor){d->outputs[i].dtype, 0, NULL, allocOrDie(n), n};
  }
  qc_model *model = NULL;
  qc_session *session = NULL;
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = atoi(argv[1]);
  if (qc_model_create(d, &model) != QC_STATUS_OK ||
      qc_session_create(model, &options, &session) != QC_STATUS_OK ||
      qc_session_run(session, in, d->num_inputs, out, d->num_outputs) != QC_STATUS_OK) {
    fprintf(stderr, "error: %s\n", qc_last_error_message());
    return 1;
  }
  f = fopen(argv[3], "wb");
  for (uint32_t i = 0; f && i < d->num_outputs; ++i)
    if (fwrite(out[i].data, 1, out[i].size_bytes, f) != out[i].size_bytes) {
      fclose(f);
      f = NULL;
    }
  if (!f || fclose(f) != 0) {
    fprintf(stderr, "error: cannot write %s\n", argv[3]);
    return 1;
  }
  qc_session_destroy(&session);
  qc_model_destroy(&model);
  return 0;
}
