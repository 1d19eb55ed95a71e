// RUN: qc-opt %s --qc-annotate="quantizer=x86,act_observer[op:conv2d]=median" -verify-diagnostics

// expected-error@+1 {{quantizer 'x86': option 'act_observer' expects a per-tensor observer (minmax, moving_average_minmax, histogram, percentile, entropy, mse), got 'median' (in 'act_observer[op:conv2d]')}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
