// --qc-equalize-cross-layer: for layer1 -> relu|relu6 -> layer2, output
// channel i of layer1 is divided by s_i = sqrt(r1_i / r2_i) and layer2's
// weights reading channel i are multiplied by it (r = max |w| of the
// channel). The expected values are worked out by hand in each comment.
// RUN: qc-opt %s --split-input-file --qc-equalize-cross-layer="relu6-to-relu=true" | FileCheck %s
// Without data (and without relu6-to-relu) a relu6 pair is left alone.
// RUN: qc-opt %s --split-input-file --qc-equalize-cross-layer | FileCheck %s --check-prefix=NODATA

// conv -> relu -> depthwise conv. W1 = [8, 0.5], b1 = [2, 1], W2 = [2, 2]:
// s = [sqrt(8/2), sqrt(0.5/2)] = [2, 0.5] -> W1' = [4, 1], b1' = [1, 2],
// W2' = [4, 1]; both channels now have range sqrt(r1 * r2) = [4, 1].
// CHECK-LABEL: func.func @conv_relu_depthwise
// CHECK: %[[W1:.*]] = qc.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[B1:.*]] = qc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[C1:.*]] = qc.conv2d %arg0, %[[W1]], %[[B1]]
// CHECK: %[[R:.*]] = qc.relu %[[C1]]
// CHECK: %[[W2:.*]] = qc.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: qc.conv2d %[[R]], %[[W2]]
func.func @conv_relu_depthwise(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = qc.constant dense<[[[[8.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %b1 = qc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %w2 = qc.constant dense<[[[[2.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %0 = qc.conv2d %x, %w1, %b1 {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.relu %0 : tensor<1x2x4x4xf32>
  %2 = qc.conv2d %1, %w2 {dilations = array<i64: 1, 1>, groups = 2 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}

// -----

// linear -> relu -> linear (pointwise). W1 = [[4, -1], [0.5, 0.25]], b1 = [1, 1],
// W2 = [[1, 2]]: s = [sqrt(4/1), sqrt(0.5/2)] = [2, 0.5] -> W1' = [[2, -0.5], [1, 0.5]],
// b1' = [0.5, 2], W2' = [[2, 1]].
// CHECK-LABEL: func.func @linear_relu_linear
// CHECK: %[[W1:.*]] = qc.constant dense<{{\[\[}}2.000000e+00, -5.000000e-01], [1.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK: %[[B1:.*]] = qc.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK: qc.linear %arg0, %[[W1]], %[[B1]]
// CHECK: %[[W2:.*]] = qc.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00]]> : tensor<1x2xf32>
// CHECK: qc.linear %{{.*}}, %[[W2]]
func.func @linear_relu_linear(%x: tensor<3x2xf32>) -> tensor<3x1xf32> {
  %w1 = qc.constant dense<[[4.0, -1.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %b1 = qc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %w2 = qc.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %0 = qc.linear %x, %w1, %b1 : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %1 = qc.relu %0 : tensor<3x2xf32>
  %2 = qc.linear %1, %w2 : (tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<3x1xf32>
  return %2 : tensor<3x1xf32>
}

// -----

// conv -> relu6 -> pointwise conv: with relu6-to-relu, equalized as above
// and the clamp becomes a relu (its upper bound cannot follow per-channel
// scales); without it (and without data), unchanged.
// NODATA-LABEL: func.func @conv_relu6_pointwise
// NODATA: qc.constant dense<{{\[\[\[\[}}8.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]>
// NODATA: qc.clamp
// W1 = [8, 0.5], W2 = [[2, 2]] (one output, two inputs): s = [2, 0.5].
// CHECK-LABEL: func.func @conv_relu6_pointwise
// CHECK: %[[W1:.*]] = qc.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[C1:.*]] = qc.conv2d %arg0, %[[W1]]
// CHECK-NOT: qc.clamp
// CHECK: %[[R:.*]] = qc.relu %[[C1]]
// CHECK: %[[W2:.*]] = qc.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}1.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: qc.conv2d %[[R]], %[[W2]]
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

// -----

// Not a pair: the relu has a second user (the scaled channel would leak
// out), and a clamp with min != 0 is not positively homogeneous. Unchanged.
// CHECK-LABEL: func.func @not_pairs
// CHECK-DAG: qc.constant dense<{{\[\[\[\[}}8.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]>
// CHECK-DAG: qc.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK: qc.clamp
func.func @not_pairs(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w1 = qc.constant dense<[[[[8.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %w2 = qc.constant dense<[[[[2.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %0 = qc.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.relu %0 : tensor<1x2x4x4xf32>
  %2 = qc.conv2d %1, %w2 {dilations = array<i64: 1, 1>, groups = 2 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = qc.conv2d %x, %w1 {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %4 = qc.clamp %3 {min = -1.0 : f32, max = 6.0 : f32} : tensor<1x2x4x4xf32>
  %5 = qc.conv2d %4, %w2 {dilations = array<i64: 1, 1>, groups = 2 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %1, %2, %5 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
