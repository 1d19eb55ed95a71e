// RUN: qc-opt %s --qc-annotate="quantizer=x86;arm_npu" -verify-diagnostics

// expected-error@+1 {{unknown quantizer 'arm_npu'; known quantizers: x86, xnnpack}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
