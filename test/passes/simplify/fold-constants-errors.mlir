// RUN: qc-opt %s --qc-fold-constants --split-input-file --verify-diagnostics
// RUN: not qc-opt %s --qc-fold-constants="max-elements=-1" 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: error: qc-fold-constants: max-elements must be >= 0, got -1

// A kernel that rejects the constant operands fails the pass with the
// kernel's reason at the op. (The layer_norm verifier accepts a scale that
// broadcasts only bidirectionally with the normalized dimensions; the kernel
// requires ONNX's unidirectional broadcast.)
func.func @kernel_rejects_constants() -> tensor<2x1x4xf32> {
  %x = qc.constant dense<1.0> : tensor<2x1x4xf32>
  %s = qc.constant dense<2.0> : tensor<3x4xf32>
  // expected-error@+1 {{layerNorm: scale}}
  %0 = qc.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x1x4xf32>, tensor<3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}
