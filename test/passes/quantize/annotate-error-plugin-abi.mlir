// The test plugin qc_test_bad_abi reports QC_QUANTIZER_PLUGIN_ABI_VERSION + 1.
// RUN: qc-opt %s --qc-annotate="quantizer=x86 plugins=%qc_obj_root/test/quantizer-plugins/qc_test_bad_abi.so" -verify-diagnostics

// expected-error-re@+1 {{quantizer plugin '{{.*}}/qc_test_bad_abi.so' was built for plugin ABI version 2, but this qc uses ABI version 1; rebuild it against this qc's qc/quantizer_plugin.h}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
