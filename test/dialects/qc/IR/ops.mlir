// Round trip of every op in QCOps.td through the custom assembly format, and
// once through the generic form; the CHECK lines are what the second qc-opt
// prints, so each names the attributes and types that must survive.
// RUN: qc-opt %s | qc-opt | FileCheck %s
// RUN: qc-opt %s --mlir-print-op-generic | qc-opt | FileCheck %s
// RUN: qc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @constants
// GENERIC-LABEL: sym_name = "constants"
func.func @constants() -> (tensor<2x2xf32>, tensor<4xf32>, tensor<3xi8>, tensor<2x3xf32>) {
  // CHECK: qc.constant dense_resource<conv_w> : tensor<2x2xf32>
  // GENERIC: "qc.constant"() <{value = dense_resource<conv_w> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %0 = qc.constant dense_resource<conv_w> : tensor<2x2xf32>
  // CHECK: qc.constant dense<5.000000e-01> : tensor<4xf32>
  %1 = qc.constant dense<0.5> : tensor<4xf32>
  // CHECK: qc.constant dense<[-128, 0, 127]> : tensor<3xi8>
  %2 = qc.constant dense<[-128, 0, 127]> : tensor<3xi8>
  // CHECK: qc.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
  %3 = qc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<4xf32>, tensor<3xi8>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<?x4x?x?xf32>, %w: tensor<8x2x3x3xf32>, %b: tensor<8xf32>)
    -> (tensor<?x8x?x?xf32>, tensor<?x8x?x?xf32>) {
  // CHECK: qc.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 2, 1>, groups = 2 : i64, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 1, 2>}
  // CHECK-SAME: : (tensor<?x4x?x?xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<?x8x?x?xf32>
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 2, 1>, groups = 2 : i64,
         pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 1, 2>}
       : (tensor<?x4x?x?xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<?x8x?x?xf32>
  // Without the optional bias.
  // CHECK: qc.conv2d %{{[^,]*}}, %{{[^,]*}} {dilations = array<i64: 1, 1>, groups = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<?x4x?x?xf32>, tensor<8x2x3x3xf32>) -> tensor<?x8x?x?xf32>
  %1 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 2 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x4x?x?xf32>, tensor<8x2x3x3xf32>) -> tensor<?x8x?x?xf32>
  return %0, %1 : tensor<?x8x?x?xf32>, tensor<?x8x?x?xf32>
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<2xf32>)
    -> (tensor<1x2x10x10xf32>, tensor<1x2x9x9xf32>) {
  // CHECK: qc.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-SAME: (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x10x10xf32>
  %0 = qc.conv_transpose2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64,
         output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x10x10xf32>
  // CHECK: qc.conv_transpose2d %{{[^,]*}}, %{{[^,]*}} {
  // CHECK-SAME: (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x9x9xf32>
  %1 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x9x9xf32>
  return %0, %1 : tensor<1x2x10x10xf32>, tensor<1x2x9x9xf32>
}

// CHECK-LABEL: func.func @products
func.func @products(%a: tensor<?x16x64xf32>, %b: tensor<64x32xf32>, %v: tensor<64xf32>,
                    %w: tensor<10x64xf32>, %bias: tensor<10xf32>)
    -> (tensor<?x16x32xf32>, tensor<?x16xf32>, tensor<f32>, tensor<?x16x10xf32>, tensor<?x16x10xf32>) {
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : (tensor<?x16x64xf32>, tensor<64x32xf32>) -> tensor<?x16x32xf32>
  %0 = qc.matmul %a, %b : (tensor<?x16x64xf32>, tensor<64x32xf32>) -> tensor<?x16x32xf32>
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : (tensor<?x16x64xf32>, tensor<64xf32>) -> tensor<?x16xf32>
  %1 = qc.matmul %a, %v : (tensor<?x16x64xf32>, tensor<64xf32>) -> tensor<?x16xf32>
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : (tensor<64xf32>, tensor<64xf32>) -> tensor<f32>
  %2 = qc.matmul %v, %v : (tensor<64xf32>, tensor<64xf32>) -> tensor<f32>
  // CHECK: qc.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x16x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x16x10xf32>
  %3 = qc.linear %a, %w, %bias : (tensor<?x16x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x16x10xf32>
  // CHECK: qc.linear %{{[^,]*}}, %{{[^,]*}} : (tensor<?x16x64xf32>, tensor<10x64xf32>) -> tensor<?x16x10xf32>
  %4 = qc.linear %a, %w : (tensor<?x16x64xf32>, tensor<10x64xf32>) -> tensor<?x16x10xf32>
  return %0, %1, %2, %3, %4 : tensor<?x16x32xf32>, tensor<?x16xf32>, tensor<f32>, tensor<?x16x10xf32>, tensor<?x16x10xf32>
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<?x8x4x4xf32>, %c: tensor<8xf32>, %s: tensor<1x16x64xf32>, %g: tensor<64xf32>)
    -> (tensor<?x8x4x4xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  // CHECK: qc.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32}
  // CHECK-SAME: : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  %0 = qc.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-03 : f32}
       : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  // CHECK: qc.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = -1 : i64, epsilon = 9.99999974E-6 : f32}
  // CHECK-SAME: : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %1 = qc.layer_norm %s, %g, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32}
       : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  // Without the optional bias.
  // CHECK: qc.layer_norm %{{[^,]*}}, %{{[^,]*}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
  // CHECK-SAME: : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %2 = qc.layer_norm %s, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32}
       : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  return %0, %1, %2 : tensor<?x8x4x4xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: %[[R:.*]] = qc.relu %{{.*}} : tensor<?x8xf32>
  // CHECK: %[[S:.*]] = qc.sigmoid %[[R]] : tensor<?x8xf32>
  // CHECK: %[[T:.*]] = qc.tanh %[[S]] : tensor<?x8xf32>
  // CHECK: %[[H:.*]] = qc.hardswish %[[T]] : tensor<?x8xf32>
  // CHECK: %[[E:.*]] = qc.erf %[[H]] : tensor<?x8xf32>
  // CHECK: %[[Q:.*]] = qc.sqrt %[[E]] : tensor<?x8xf32>
  // CHECK: %[[C:.*]] = qc.clamp %[[Q]] {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<?x8xf32>
  // An unbounded side is an infinity.
  // CHECK: %[[C2:.*]] = qc.clamp %[[C]] {max = 0x7F800000 : f32, min = -1.000000e+00 : f32} : tensor<?x8xf32>
  // CHECK: %[[HS:.*]] = qc.hardsigmoid %[[C2]] {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : tensor<?x8xf32>
  // CHECK: %[[G:.*]] = qc.gelu %[[HS]] {approximate = "none"} : tensor<?x8xf32>
  // CHECK: %[[G2:.*]] = qc.gelu %[[G]] {approximate = "tanh"} : tensor<?x8xf32>
  // CHECK: qc.softmax %[[G2]] {axis = -1 : i64} : tensor<?x8xf32>
  %0 = qc.relu %x : tensor<?x8xf32>
  %1 = qc.sigmoid %0 : tensor<?x8xf32>
  %2 = qc.tanh %1 : tensor<?x8xf32>
  %3 = qc.hardswish %2 : tensor<?x8xf32>
  %4 = qc.erf %3 : tensor<?x8xf32>
  %5 = qc.sqrt %4 : tensor<?x8xf32>
  %6 = qc.clamp %5 {max = 6.0 : f32, min = 0.0 : f32} : tensor<?x8xf32>
  %7 = qc.clamp %6 {max = 0x7F800000 : f32, min = -1.0 : f32} : tensor<?x8xf32>
  %8 = qc.hardsigmoid %7 {alpha = 0.166666672 : f32, beta = 0.5 : f32} : tensor<?x8xf32>
  %9 = qc.gelu %8 {approximate = "none"} : tensor<?x8xf32>
  %10 = qc.gelu %9 {approximate = "tanh"} : tensor<?x8xf32>
  %11 = qc.softmax %10 {axis = -1 : i64} : tensor<?x8xf32>
  return %11 : tensor<?x8xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<?x8x4x4xf32>, %b: tensor<8x1x1xf32>, %s: tensor<f32>)
    -> (tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<8x1x1xf32>) {
  // CHECK: qc.add %{{.*}}, %{{.*}} : (tensor<?x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<?x8x4x4xf32>
  %0 = qc.add %a, %b : (tensor<?x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<?x8x4x4xf32>
  // CHECK: qc.sub %{{.*}}, %{{.*}} : (tensor<8x1x1xf32>, tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  %1 = qc.sub %b, %0 : (tensor<8x1x1xf32>, tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  // CHECK: qc.mul %{{.*}}, %{{.*}} : (tensor<?x8x4x4xf32>, tensor<f32>) -> tensor<?x8x4x4xf32>
  %2 = qc.mul %1, %s : (tensor<?x8x4x4xf32>, tensor<f32>) -> tensor<?x8x4x4xf32>
  // CHECK: qc.div %{{.*}}, %{{.*}} : (tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  %3 = qc.div %2, %a : (tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  // CHECK: qc.pow %{{.*}}, %{{.*}} : (tensor<8x1x1xf32>, tensor<f32>) -> tensor<8x1x1xf32>
  %4 = qc.pow %b, %s : (tensor<8x1x1xf32>, tensor<f32>) -> tensor<8x1x1xf32>
  return %0, %1, %2, %3, %4 : tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>, tensor<8x1x1xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<?x64x112x112xf32>, %q: tensor<1x8x?x?xi8>)
    -> (tensor<?x64x56x56xf32>, tensor<1x8x?x?xi8>, tensor<?x64x56x56xf32>, tensor<?x64x1x1xf32>,
        tensor<?x64x112x1xf32>, tensor<?x112xf32>, tensor<f32>) {
  // CHECK: qc.max_pool2d %{{.*}} {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  // Max pooling also takes integer tensors.
  // CHECK: qc.max_pool2d %{{.*}} {ceil_mode = true, dilations = array<i64: 2, 2>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<1x8x?x?xi8>) -> tensor<1x8x?x?xi8>
  %1 = qc.max_pool2d %q {ceil_mode = true, dilations = array<i64: 2, 2>,
         kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x8x?x?xi8>) -> tensor<1x8x?x?xi8>
  // CHECK: qc.avg_pool2d %{{.*}} {ceil_mode = false, count_include_pad = true, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  %2 = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = true,
         kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<?x64x112x112xf32>) -> tensor<?x64x56x56xf32>
  // CHECK: qc.global_avg_pool2d %{{.*}} : (tensor<?x64x112x112xf32>) -> tensor<?x64x1x1xf32>
  %3 = qc.global_avg_pool2d %x : (tensor<?x64x112x112xf32>) -> tensor<?x64x1x1xf32>
  // CHECK: qc.reduce_mean %{{.*}} {axes = array<i64: -1>, keepdims = true} : (tensor<?x64x112x112xf32>) -> tensor<?x64x112x1xf32>
  %4 = qc.reduce_mean %x {axes = array<i64: -1>, keepdims = true}
       : (tensor<?x64x112x112xf32>) -> tensor<?x64x112x1xf32>
  // CHECK: qc.reduce_mean %{{.*}} {axes = array<i64: 1, 3>, keepdims = false} : (tensor<?x64x112x112xf32>) -> tensor<?x112xf32>
  %5 = qc.reduce_mean %x {axes = array<i64: 1, 3>, keepdims = false}
       : (tensor<?x64x112x112xf32>) -> tensor<?x112xf32>
  // An empty axes list reduces every dimension.
  // CHECK: qc.reduce_mean %{{.*}} {axes = array<i64>, keepdims = false} : (tensor<?x64x112x112xf32>) -> tensor<f32>
  %6 = qc.reduce_mean %x {axes = array<i64>, keepdims = false}
       : (tensor<?x64x112x112xf32>) -> tensor<f32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x64x56x56xf32>, tensor<1x8x?x?xi8>, tensor<?x64x56x56xf32>,
      tensor<?x64x1x1xf32>, tensor<?x64x112x1xf32>, tensor<?x112xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<?x1x28x28xf32>, %y: tensor<1x16x4x16xf32>, %i: tensor<2x3xi32>)
    -> (tensor<?x784xf32>, tensor<?x784xf32>, tensor<1x4x16x16xf32>, tensor<3x2xi32>, tensor<6xi32>) {
  // CHECK: qc.reshape %{{.*}} {shape = array<i64: -1, 784>} : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  %0 = qc.reshape %x {shape = array<i64: -1, 784>} : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  // CHECK: qc.flatten %{{.*}} {axis = 1 : i64} : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  %1 = qc.flatten %x {axis = 1 : i64} : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  // CHECK: qc.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x16x4x16xf32>) -> tensor<1x4x16x16xf32>
  %2 = qc.transpose %y {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x16x4x16xf32>) -> tensor<1x4x16x16xf32>
  // The shape ops take any element type.
  // CHECK: qc.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %3 = qc.transpose %i {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  // CHECK: qc.reshape %{{.*}} {shape = array<i64: 6>} : (tensor<2x3xi32>) -> tensor<6xi32>
  %4 = qc.reshape %i {shape = array<i64: 6>} : (tensor<2x3xi32>) -> tensor<6xi32>
  return %0, %1, %2, %3, %4 : tensor<?x784xf32>, tensor<?x784xf32>, tensor<1x4x16x16xf32>, tensor<3x2xi32>, tensor<6xi32>
}

// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<1x2x4xf32>, %b: tensor<1x3x4xf32>, %c: tensor<1x?x4xf32>)
    -> (tensor<1x2x4xf32>, tensor<1x5x4xf32>, tensor<1x?x4xf32>) {
  // One, two and three inputs (variadic).
  // CHECK: qc.concat %{{[^,]*}} {axis = 1 : i64} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %0 = qc.concat %a {axis = 1 : i64} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  // CHECK: qc.concat %{{.*}}, %{{.*}} {axis = -2 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
  %1 = qc.concat %a, %b {axis = -2 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
  // CHECK: qc.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x?x4xf32>) -> tensor<1x?x4xf32>
  %2 = qc.concat %a, %b, %c {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x?x4xf32>) -> tensor<1x?x4xf32>
  return %0, %1, %2 : tensor<1x2x4xf32>, tensor<1x5x4xf32>, tensor<1x?x4xf32>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<1x8xf32>, %y: tensor<1x3x4x4xf32>, %z: tensor<1x8x4x4xf32>)
    -> (tensor<1x3xf32>, tensor<1x3x6x6xf32>, tensor<1x3x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x8x6x6xf32>) {
  // CHECK: qc.slice %{{.*}} {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<1x8xf32>) -> tensor<1x3xf32>
  %0 = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>,
         steps = array<i64: 1>} : (tensor<1x8xf32>) -> tensor<1x3xf32>
  // CHECK: qc.pad %{{.*}} {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 2.500000e-01 : f32}
  // CHECK-SAME: : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
  %1 = qc.pad %y {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.25 : f32}
       : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
  // CHECK: qc.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 1, -1, 0, 0, -1, 1>, value = 0.000000e+00 : f32}
  // CHECK-SAME: : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %2 = qc.pad %y {mode = "reflect", pads = array<i64: 0, 0, 1, -1, 0, 0, -1, 1>, value = 0.0 : f32}
       : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  // CHECK: qc.resize %{{.*}} {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>, sizes = array<i64: 1, 8, 8, 8>}
  // CHECK-SAME: : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  %3 = qc.resize %z {coordinate_transformation_mode = "asymmetric", mode = "nearest",
         nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>,
         sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: qc.resize %{{.*}} {coordinate_transformation_mode = "half_pixel", mode = "linear", nearest_mode = "round_prefer_floor", scales = array<f32: 1.000000e+00, 1.000000e+00, 1.500000e+00, 1.500000e+00>, sizes = array<i64: -1, -1, 6, 6>}
  // CHECK-SAME: : (tensor<1x8x4x4xf32>) -> tensor<1x8x6x6xf32>
  %4 = qc.resize %z {coordinate_transformation_mode = "half_pixel", mode = "linear",
         nearest_mode = "round_prefer_floor", scales = array<f32: 1.0, 1.0, 1.5, 1.5>,
         sizes = array<i64: -1, -1, 6, 6>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x6x6xf32>
  return %0, %1, %2, %3, %4 : tensor<1x3xf32>, tensor<1x3x6x6xf32>, tensor<1x3x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x8x6x6xf32>
}

// A result type may refine the inferred one (here the batch dimension).
// CHECK-LABEL: func.func @refined_result
func.func @refined_result(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<2x4xf32> {
  // CHECK: qc.linear %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  %0 = qc.linear %x, %w : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Math functions, reductions and ArgMax / ArgMin (float only; the shape rule
// of the reductions is support/Shapes.h's reductionShape).
// CHECK-LABEL: func.func @math_reduce
func.func @math_reduce(%x: tensor<?x16x64xf32>) -> (tensor<?x16x64xf32>, tensor<?x16x1xf32>, tensor<?x64xf32>, tensor<f32>, tensor<?x64xi64>, tensor<?x16x1xi64>) {
  // CHECK: qc.exp %{{.*}} : tensor<?x16x64xf32>
  %0 = qc.exp %x : tensor<?x16x64xf32>
  // CHECK: qc.round %{{.*}} : tensor<?x16x64xf32>
  %1 = qc.round %0 : tensor<?x16x64xf32>
  // CHECK: qc.reduce_max %{{.*}} {axes = array<i64: -1>, keepdims = true} : (tensor<?x16x64xf32>) -> tensor<?x16x1xf32>
  %2 = qc.reduce_max %1 {axes = array<i64: -1>, keepdims = true} : (tensor<?x16x64xf32>) -> tensor<?x16x1xf32>
  // CHECK: qc.reduce_sum_square %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<?x16x64xf32>) -> tensor<?x64xf32>
  %3 = qc.reduce_sum_square %x {axes = array<i64: 1>, keepdims = false} : (tensor<?x16x64xf32>) -> tensor<?x64xf32>
  // CHECK: qc.reduce_log_sum_exp %{{.*}} {axes = array<i64>, keepdims = false} : (tensor<?x16x64xf32>) -> tensor<f32>
  %4 = qc.reduce_log_sum_exp %x {axes = array<i64>, keepdims = false} : (tensor<?x16x64xf32>) -> tensor<f32>
  // CHECK: qc.arg_max %{{.*}} {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<?x16x64xf32>) -> tensor<?x64xi64>
  %5 = qc.arg_max %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<?x16x64xf32>) -> tensor<?x64xi64>
  // CHECK: qc.arg_min %{{.*}} {axis = -1 : i64, keepdims = true, select_last_index = false} : (tensor<?x16x64xf32>) -> tensor<?x16x1xi64>
  %6 = qc.arg_min %x {axis = -1 : i64, keepdims = true, select_last_index = false} : (tensor<?x16x64xf32>) -> tensor<?x16x1xi64>
  return %1, %2, %3, %4, %5, %6 : tensor<?x16x64xf32>, tensor<?x16x1xf32>, tensor<?x64xf32>, tensor<f32>, tensor<?x64xi64>, tensor<?x16x1xi64>
}

// The resource blob survives the round trip byte for byte (alignment 4, then
// 1.0, 2.0, 3.0, 4.0 as little-endian f32).
// CHECK: dialect_resources
// CHECK: conv_w: "0x040000000000803F000000400000404000008040"
{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
