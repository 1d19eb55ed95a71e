/* compile-hostile-names.test: prints input 0's name of the model `allbytes`
 * as the runtime reports it and as the header's literal holds it, in hex. */
#include "allbytes.h"
#include "qc_runtime.h"

#include <stdio.h>

static void hex(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p)
    printf("%02x", *p);
  printf("\n");
}

int main(void) {
  qc_model *model = NULL;
  qc_tensor_desc d;
  if (qc_model_create(&allbytes_desc, &model) != QC_STATUS_OK ||
      qc_model_get_input(model, 0, &d) != QC_STATUS_OK)
    return 1;
  hex(d.name);
  hex(ALLBYTES_INPUT0_NAME);
  qc_model_destroy(&model);
  return 0;
}
