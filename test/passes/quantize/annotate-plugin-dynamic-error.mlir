// A plugin's dynamic spec on an op other than linear / matmul is an error
// naming the plugin and the op (found when annotations are checked).
// RUN: not qc-opt %s --qc-annotate="quantizer=greedy,dynamic=1 plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" 2>&1 | FileCheck %s

// CHECK: error: loc("conv"): {{.*}}greedy{{.*}}input 0 has a dynamic spec, but dynamic quantization applies to the activation input of linear / matmul only (not conv2d)
func.func @conv(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("conv")
  return %c : tensor<1x4x8x8xf32>
}
