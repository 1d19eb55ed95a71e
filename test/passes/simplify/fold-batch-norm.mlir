// --qc-fold-batch-norm: batch_norm(conv2d / linear) with constant weights and
// statistics becomes one conv2d / linear with W' = W * s and
// b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps). The folded values
// below were computed with numpy (in float64, stored as float32).
// RUN: qc-opt %s --split-input-file --qc-fold-batch-norm | FileCheck %s

// s = [1/2, 2/1, 1/sqrt(2)]: W' = [1, -2, 0.70710677],
// b' = [(0.5-0.5)/2+0.1, (1-3)*2-0.2, 0.25/sqrt(2)] = [0.1, -4.2, 0.17677669].
// CHECK-LABEL: func.func @conv_with_bias
// CHECK-DAG: %[[W:.*]] = qc.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}-2.000000e+00]]], {{\[\[\[}}0.707106769]]]]> : tensor<3x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[1.000000e-01, -4.200000e+00, 0.176776692]> : tensor<3xf32>
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: qc.batch_norm
// CHECK: return %[[C]]
func.func @conv_with_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = qc.constant dense<[[[[2.0]]], [[[-1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>
  %b = qc.constant dense<[0.5, 1.0, 0.25]> : tensor<3xf32>
  %gamma = qc.constant dense<[1.0, 2.0, 1.0]> : tensor<3xf32>
  %beta = qc.constant dense<[0.1, -0.2, 0.0]> : tensor<3xf32>
  %mean = qc.constant dense<[0.5, 3.0, 0.0]> : tensor<3xf32>
  %var = qc.constant dense<[3.0, 0.0, 1.0]> : tensor<3xf32>
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %1 = qc.batch_norm %0, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
       : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %1 : tensor<1x3x4x4xf32>
}

// -----

// A conv without bias gets one: b' = -mean * s + beta = [-1/2 + 0, 2 * 1/2 + 1].
// CHECK-LABEL: func.func @conv_without_bias
// CHECK-DAG: %[[W:.*]] = qc.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[-5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %[[W]], %[[B]] {{.*}} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NOT: qc.batch_norm
// CHECK: return %[[C]]
func.func @conv_without_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = qc.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = qc.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %beta = qc.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = qc.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %var = qc.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.batch_norm %0, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// A large weight is a resource blob and stays one (named after the conv):
// w = arange(18) - 4 as [2,1,3,3], s = [0.5, 3 / sqrt(9)] -> W' = [w[0] / 2, w[1]].
// CHECK-LABEL: func.func @conv_resource_weight
// CHECK: %[[W:.*]] = qc.constant dense_resource<conv1_weight> : tensor<2x1x3x3xf32>
// CHECK: qc.conv2d %arg0, %[[W]], %{{.*}} :
// CHECK-NOT: qc.batch_norm
// CHECK: conv1_weight: "0x40000000000000C00000C0BF000080BF000000BF000000000000003F0000803F0000C03F000000400000A0400000C0400000E040000000410000104100002041000030410000404100005041"
func.func @conv_resource_weight(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = qc.constant dense_resource<w18> : tensor<2x1x3x3xf32>
  %gamma = qc.constant dense<[0.5, 3.0]> : tensor<2xf32>
  %zero = qc.constant dense<0.0> : tensor<2xf32>
  %var = qc.constant dense<[0.0, 8.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %1 = qc.batch_norm %0, %gamma, %zero, %zero, %var {epsilon = 1.0 : f32}
       : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w18: "0x04000000000080C0000040C0000000C0000080BF000000000000803F0000004000004040000080400000A0400000C0400000E040000000410000104100002041000030410000404100005041"
    }
  }
#-}

// -----

// linear with a rank-2 output: BatchNorm's axis 1 is the feature axis.
// s = [2, 1/2]: W' = [[2, 4], [1.5, -2]], b' = [(1-0)*2+0.5, (0-1)/2] = [2.5, -0.5].
// CHECK-LABEL: func.func @linear_rank2
// CHECK-DAG: %[[W:.*]] = qc.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.500000e+00, -2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[2.500000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[L:.*]] = qc.linear %arg0, %[[W]], %[[B]] : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NOT: qc.batch_norm
// CHECK: return %[[L]]
func.func @linear_rank2(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = qc.constant dense<[[1.0, 2.0], [3.0, -4.0]]> : tensor<2x2xf32>
  %b = qc.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %gamma = qc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = qc.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = qc.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = qc.constant dense<[0.0, 3.0]> : tensor<2xf32>
  %0 = qc.linear %x, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %1 = qc.batch_norm %0, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
       : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Not folded: the conv's output has another user, which needs the unnormalized values.
// CHECK-LABEL: func.func @conv_two_users
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %{{[^,]*}} {
// CHECK: %[[N:.*]] = qc.batch_norm %[[C]],
// CHECK: return %[[N]], %[[C]]
func.func @conv_two_users(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = qc.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = qc.constant dense<1.0> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.batch_norm %0, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1, %0 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Not folded: the statistics are not constants.
// CHECK-LABEL: func.func @non_constant_statistics
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %{{[^,]*}} {
// CHECK: qc.batch_norm %[[C]], %{{.*}}, %{{.*}}, %arg1, %{{.*}} {
func.func @non_constant_statistics(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = qc.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = qc.constant dense<1.0> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.batch_norm %0, %c, %c, %mean, %c {epsilon = 1.0e-05 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Not folded: the weight is not a constant.
// CHECK-LABEL: func.func @non_constant_weight
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %arg1 {
// CHECK: qc.batch_norm %[[C]],
func.func @non_constant_weight(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %c = qc.constant dense<1.0> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.batch_norm %0, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Not folded: with a rank-3 linear output BatchNorm's axis 1 is not the
// feature axis (here it normalizes the 4 rows, the features are 2).
// CHECK-LABEL: func.func @linear_rank3
// CHECK: %[[L:.*]] = qc.linear %arg0, %{{[^,]*}} :
// CHECK: qc.batch_norm %[[L]],
func.func @linear_rank3(%x: tensor<1x4x3xf32>) -> tensor<1x4x2xf32> {
  %w = qc.constant dense<1.0> : tensor<2x3xf32>
  %c = qc.constant dense<1.0> : tensor<4xf32>
  %0 = qc.linear %x, %w : (tensor<1x4x3xf32>, tensor<2x3xf32>) -> tensor<1x4x2xf32>
  %1 = qc.batch_norm %0, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
       : (tensor<1x4x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2xf32>
  return %1 : tensor<1x4x2xf32>
}

// -----

// Not folded (and no out-of-bounds read): with the channel dimension dynamic
// the verifier cannot check the statistics, and `mean` has 1 entry for 2 channels.
// CHECK-LABEL: func.func @statistics_size_mismatch
// CHECK: qc.batch_norm
func.func @statistics_size_mismatch(%x: tensor<1x1x4x4xf32>) -> tensor<1x?x4x4xf32> {
  %w = qc.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = qc.constant dense<1.0> : tensor<2xf32>
  %m = qc.constant dense<1.0> : tensor<1xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x?x4x4xf32>
  %1 = qc.batch_norm %0, %c, %c, %m, %c {epsilon = 1.0e-05 : f32}
       : (tensor<1x?x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>) -> tensor<1x?x4x4xf32>
  return %1 : tensor<1x?x4x4xf32>
}

// -----

// A 1-D conv as imported: conv2d over a unit height, then the reshape that
// drops it. The channels stay axis 1, so the BatchNorm folds through the
// reshape (same values as @conv_with_bias); a reshape that moves the
// channels is left alone.
// CHECK-LABEL: func.func @conv1d_through_reshape
// CHECK-DAG: %[[W:.*]] = qc.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}-2.000000e+00]]], {{\[\[\[}}0.707106769]]]]> : tensor<3x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[1.000000e-01, -4.200000e+00, 0.176776692]> : tensor<3xf32>
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NEXT: %[[R:.*]] = qc.reshape %[[C]]
// CHECK-NOT: qc.batch_norm
// CHECK: return %[[R]]
func.func @conv1d_through_reshape(%x: tensor<1x1x1x4xf32>) -> tensor<1x3x4xf32> {
  %w = qc.constant dense<[[[[2.0]]], [[[-1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>
  %b = qc.constant dense<[0.5, 1.0, 0.25]> : tensor<3xf32>
  %gamma = qc.constant dense<[1.0, 2.0, 1.0]> : tensor<3xf32>
  %beta = qc.constant dense<[0.1, -0.2, 0.0]> : tensor<3xf32>
  %mean = qc.constant dense<[0.5, 3.0, 0.0]> : tensor<3xf32>
  %var = qc.constant dense<[3.0, 0.0, 1.0]> : tensor<3xf32>
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x1x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x1x4xf32>
  %1 = qc.reshape %0 {shape = array<i64: 1, 3, 4>} : (tensor<1x3x1x4xf32>) -> tensor<1x3x4xf32>
  %2 = qc.batch_norm %1, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
       : (tensor<1x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4xf32>
  return %2 : tensor<1x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_moves_channels
// CHECK: qc.batch_norm
func.func @reshape_moves_channels(%x: tensor<1x1x1x4xf32>) -> tensor<1x4x2xf32> {
  %w = qc.constant dense<[[[[2.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %s = qc.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x1x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x4xf32>
  %1 = qc.reshape %0 {shape = array<i64: 1, 4, 2>} : (tensor<1x2x1x4xf32>) -> tensor<1x4x2xf32>
  %2 = qc.batch_norm %1, %s, %s, %s, %s {epsilon = 1.0 : f32}
       : (tensor<1x4x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2xf32>
  return %2 : tensor<1x4x2xf32>
}
