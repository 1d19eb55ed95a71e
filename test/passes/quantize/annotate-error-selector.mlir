// RUN: qc-opt %s --qc-annotate="quantizer=x86,keep_float=/features.(0/" -verify-diagnostics

// expected-error@+1 {{quantizer 'x86': keep_float: invalid regex in selector '/features.(0/': parentheses not balanced}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
