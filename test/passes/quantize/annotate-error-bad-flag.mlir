// RUN: qc-opt %s --qc-annotate="quantizer=x86,per_channel=yes" -verify-diagnostics

// expected-error@+1 {{quantizer 'x86': option 'per_channel' expects 0 or 1, got 'yes'}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
