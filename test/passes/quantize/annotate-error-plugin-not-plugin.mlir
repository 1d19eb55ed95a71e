// RUN: qc-opt %s --qc-annotate="quantizer=x86 plugins=%qc_obj_root/test/quantizer-plugins/qc_test_not_a_plugin.so" -verify-diagnostics

// expected-error-re@+1 {{'{{.*}}/qc_test_not_a_plugin.so' is not a qc quantizer plugin: it does not export qc_quantizer_plugin_abi_version}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
