// With calibration data, a relu6 between two layers becomes a relu (and the
// pair is equalized) only when its input never exceeds 6 on that data.
// x = 0.1 everywhere: conv1 gives [0.8, 0.05] <= 6 -> converted, equalized
// (s = [2, 0.5] as in equalize-cross-layer.mlir). x = 1: channel 0 reaches 8
// > 6 -> the clamp stays and nothing changes.
// RUN: %python -c "import numpy as np; np.save('%t.small.npy', np.full((2, 1, 4, 4), 0.1, np.float32)); np.save('%t.large.npy', np.full((2, 1, 4, 4), 1.0, np.float32))"
// RUN: qc-opt %s --qc-equalize-cross-layer="data=%t.small.npy" | FileCheck %s --check-prefix=SMALL
// RUN: qc-opt %s --qc-equalize-cross-layer="data=%t.large.npy" | FileCheck %s --check-prefix=LARGE

// SMALL: %[[W1:.*]] = qc.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]>
// SMALL-NOT: qc.clamp
// SMALL: qc.relu
// LARGE: qc.constant dense<{{\[\[\[\[}}8.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]>
// LARGE: qc.clamp
func.func @conv_relu6_pointwise(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = qc.constant dense<[[[[8.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %w2 = qc.constant dense<[[[[2.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %0 = qc.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.clamp %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2x4x4xf32>
  %2 = qc.conv2d %1, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %2 : tensor<1x1x4x4xf32>
}
