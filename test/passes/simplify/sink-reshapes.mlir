// RUN: qc-opt %s --qc-sink-reshapes --qc-dce | FileCheck %s

// A 1-D conv as the importer writes it: the ReLU between the reshape that
// drops the unit height and the one that adds it back for the pool. The
// ReLU moves up to the conv and both reshapes go.
// CHECK-LABEL: func.func @conv1d_relu_pool
// CHECK: %[[C:.*]] = qc.conv2d
// CHECK-NEXT: %[[R:.*]] = qc.relu %[[C]] : tensor<1x4x1x8xf32>
// CHECK-NEXT: %[[P:.*]] = qc.max_pool2d %[[R]]
// CHECK-NEXT: %[[D:.*]] = qc.reshape %[[P]] {shape = array<i64: 1, 4, 4>}
// CHECK-NEXT: return %[[D]]
func.func @conv1d_relu_pool(%x: tensor<1x2x1x8xf32>, %w: tensor<4x2x1x3xf32>) -> tensor<1x4x4xf32> {
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x1x8xf32>, tensor<4x2x1x3xf32>) -> tensor<1x4x1x8xf32>
  %d = qc.reshape %c {shape = array<i64: 1, 4, 8>} : (tensor<1x4x1x8xf32>) -> tensor<1x4x8xf32>
  %r = qc.relu %d : tensor<1x4x8xf32>
  %u = qc.reshape %r {shape = array<i64: 1, 4, 1, 8>} : (tensor<1x4x8xf32>) -> tensor<1x4x1x8xf32>
  %p = qc.max_pool2d %u {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 2>} : (tensor<1x4x1x8xf32>) -> tensor<1x4x1x4xf32>
  %o = qc.reshape %p {shape = array<i64: 1, 4, 4>} : (tensor<1x4x1x4xf32>) -> tensor<1x4x4xf32>
  return %o : tensor<1x4x4xf32>
}

// Activations with attributes move too, through a chain; two reshapes that
// do not cancel compose into one.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[A:.*]] = qc.clamp %arg0 {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x6xf32>
// CHECK-NEXT: %[[B:.*]] = qc.leaky_relu %[[A]] {alpha = 1.000000e-01 : f32} : tensor<2x6xf32>
// CHECK-NEXT: %[[C:.*]] = qc.reshape %[[B]] {shape = array<i64: 3, 4>} : (tensor<2x6xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: return %[[C]]
func.func @chain(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %a = qc.reshape %x {shape = array<i64: 12>} : (tensor<2x6xf32>) -> tensor<12xf32>
  %b = qc.clamp %a {max = 6.0 : f32, min = 0.0 : f32} : tensor<12xf32>
  %c = qc.leaky_relu %b {alpha = 0.1 : f32} : tensor<12xf32>
  %d = qc.reshape %c {shape = array<i64: 3, 4>} : (tensor<12xf32>) -> tensor<3x4xf32>
  return %d : tensor<3x4xf32>
}

// Left alone: a reshape with another user, and ops that are not pointwise
// (softmax's axis depends on the shape).
// CHECK-LABEL: func.func @kept
// CHECK: %[[A:.*]] = qc.reshape %arg0
// CHECK-NEXT: qc.relu %[[A]]
// CHECK: %[[S:.*]] = qc.reshape %arg0
// CHECK-NEXT: qc.softmax %[[S]]
func.func @kept(%x: tensor<2x6xf32>) -> (tensor<12xf32>, tensor<12xf32>, tensor<3x4xf32>) {
  %a = qc.reshape %x {shape = array<i64: 12>} : (tensor<2x6xf32>) -> tensor<12xf32>
  %r = qc.relu %a : tensor<12xf32>
  %s = qc.reshape %x {shape = array<i64: 3, 4>} : (tensor<2x6xf32>) -> tensor<3x4xf32>
  %m = qc.softmax %s {axis = 1 : i64} : tensor<3x4xf32>
  return %a, %r, %m : tensor<12xf32>, tensor<12xf32>, tensor<3x4xf32>
}
