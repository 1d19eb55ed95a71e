// RUN: qc-opt %s --qc-fold-constants --split-input-file --verify-diagnostics
// RUN: not qc-opt %s --qc-fold-constants="max-elements=-1" 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: error: qc-fold-constants: max-elements must be >= 0, got -1

// A kernel that rejects the constant operands fails the pass with the
// kernel's reason at the op: the mean of an empty dimension is undefined.
func.func @mean_of_empty_dimension() -> tensor<2xf32> {
  %x = qc.constant dense<> : tensor<2x0xf32>
  // expected-error@+1 {{reduceMean: reducing over an empty dimension}}
  %0 = qc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @negative_epsilon() -> tensor<1x2x1x1xf32> {
  %x = qc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %p = qc.constant dense<1.0> : tensor<2xf32>
  // expected-error@+1 {{batchNorm: epsilon must be >= 0, got -1}}
  %0 = qc.batch_norm %x, %p, %p, %p, %p {epsilon = -1.0 : f32} : (tensor<1x2x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}
