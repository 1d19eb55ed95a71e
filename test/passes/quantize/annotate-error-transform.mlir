// A quantizer whose transformForAnnotation pipeline does not parse.
// RUN: qc-opt %s --qc-annotate="quantizer=greedy,transform=qc-no-such-pass plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" -verify-diagnostics

// expected-error@+1 {{quantizer 'greedy': transformForAnnotation pipeline 'qc-no-such-pass' is invalid: }}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
