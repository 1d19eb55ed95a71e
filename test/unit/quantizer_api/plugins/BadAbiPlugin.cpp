//===- BadAbiPlugin.cpp - a plugin built for another ABI version ----------===//
//
// Test plugin that claims the next ABI version (as a plugin built against a
// newer or older qc would): qc must refuse it without calling register.
//
//===----------------------------------------------------------------------===//
#include "qc/quantizer_plugin.h"

extern "C" __attribute__((visibility("default"))) int32_t
qc_quantizer_plugin_abi_version(void) {
  return QC_QUANTIZER_PLUGIN_ABI_VERSION + 1;
}

extern "C" __attribute__((visibility("default"))) int32_t
qc_quantizer_plugin_register(const qc_plugin_host *host) {
  // Never reached: qc checks the version first. Registering nothing makes
  // a call visible as a "registers no quantizer" error.
  (void)host;
  return 0;
}
