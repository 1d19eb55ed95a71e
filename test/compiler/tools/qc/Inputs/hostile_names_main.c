/* compile-hostile-names.test: the header of a model with hostile tensor
 * names compiles under -Wall -Werror, its _NAME macros equal the runtime's
 * names byte for byte, and the model runs. Prints each name as hex. */
#include "hostile.h"
#include "qc_runtime.h"

#include <stdio.h>
#include <string.h>

static void hex(const char *what, unsigned i, const char *s) {
  printf("%s %u:", what, i);
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p)
    printf(" %02x", *p);
  printf("\n");
}

int main(void) {
  qc_model *model = NULL;
  qc_status st = qc_model_create(&hostile_desc, &model);
  if (st != QC_STATUS_OK) {
    printf("create: %s: %s\n", qc_status_string(st), qc_last_error_message());
    return 1;
  }
  const char *macros[4] = {HOSTILE_INPUT0_NAME, HOSTILE_INPUT1_NAME,
                           HOSTILE_OUTPUT0_NAME, HOSTILE_OUTPUT1_NAME};
  for (unsigned i = 0; i < 4; ++i) {
    qc_tensor_desc d;
    if (i < 2)
      qc_model_get_input(model, i, &d);
    else
      qc_model_get_output(model, i - 2, &d);
    hex(i < 2 ? "input" : "output", i < 2 ? i : i - 2, d.name);
    if (strcmp(d.name, macros[i]) != 0) {
      printf("macro %u differs from the runtime's name\n", i);
      return 1;
    }
  }
  float x[HOSTILE_INPUT0_ELEMENTS] = {1, -2, 3, -4};
  float y[HOSTILE_INPUT1_ELEMENTS] = {0.5f, 0.5f, 0.5f, 0.5f};
  float sum[HOSTILE_OUTPUT0_ELEMENTS], relu[HOSTILE_OUTPUT1_ELEMENTS];
  qc_session *session = NULL;
  if (qc_session_create(model, NULL, &session) != QC_STATUS_OK)
    return 1;
  qc_tensor in[2] = {{QC_DTYPE_FLOAT32, 0, NULL, x, sizeof x},
                     {QC_DTYPE_FLOAT32, 0, NULL, y, sizeof y}};
  qc_tensor out[2] = {{QC_DTYPE_FLOAT32, 0, NULL, sum, sizeof sum},
                      {QC_DTYPE_FLOAT32, 0, NULL, relu, sizeof relu}};
  st = qc_session_run(session, in, 2, out, 2);
  if (st != QC_STATUS_OK) {
    printf("run: %s: %s\n", qc_status_string(st), qc_last_error_message());
    return 1;
  }
  printf("sum: %g %g %g %g\nrelu: %g %g %g %g\n", sum[0], sum[1], sum[2],
         sum[3], relu[0], relu[1], relu[2], relu[3]);
  qc_session_destroy(&session);
  qc_model_destroy(&model);
  return 0;
}
