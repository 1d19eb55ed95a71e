// RUN: qc-opt %s --split-input-file | qc-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @int_ops
// CHECK: qc.qconv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 3.900000e-03 : f32, input_zero_point = 0 : i64, output_scale = 2.270000e-02 : f32, output_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_scale = array<f32: 3.200000e-02, 2.100000e-02>} : (tensor<?x1x28x28xui8>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<?x2x28x28xui8>
// CHECK: qc.qlinear %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, {{.*}}weight_scale = array<f32: 5.000000e-01>} : (tensor<3x4xi8>, tensor<2x4xi8>) -> tensor<3x2xi8>
// CHECK: qc.qadd %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 128 : i64, {{.*}}} : (tensor<1x8xui8>, tensor<1x8xui8>) -> tensor<1x8xui8>
func.func @int_ops(%x: tensor<?x1x28x28xui8>, %l: tensor<3x4xi8>, %a: tensor<1x8xui8>) -> (tensor<?x2x28x28xui8>, tensor<3x2xi8>, tensor<1x8xui8>) {
  %w = qc.constant dense<1> : tensor<2x1x3x3xi8>
  %b = qc.constant dense<[3, -4]> : tensor<2xi32>
  %y = qc.qconv2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.0039 : f32, input_zero_point = 0 : i64, output_scale = 0.0227 : f32, output_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.032, 0.021>} : (tensor<?x1x28x28xui8>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<?x2x28x28xui8>
  %lw = qc.constant dense<1> : tensor<2x4xi8>
  %z = qc.qlinear %l, %lw {clamp_max = 127 : i64, clamp_min = -128 : i64, input_scale = 0.1 : f32, input_zero_point = 5 : i64, output_scale = 0.2 : f32, output_zero_point = -3 : i64, weight_scale = array<f32: 0.5>} : (tensor<3x4xi8>, tensor<2x4xi8>) -> tensor<3x2xi8>
  %s = qc.qadd %a, %a {clamp_max = 255 : i64, clamp_min = 128 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = 128 : i64, output_scale = 0.03 : f32, output_zero_point = 128 : i64, rhs_scale = 0.02 : f32, rhs_zero_point = 128 : i64} : (tensor<1x8xui8>, tensor<1x8xui8>) -> tensor<1x8xui8>
  return %y, %z, %s : tensor<?x2x28x28xui8>, tensor<3x2xi8>, tensor<1x8xui8>
}

// -----

// CHECK-LABEL: func.func @qmax_pool
// CHECK: qc.qmax_pool2d %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
func.func @qmax_pool(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  %y = qc.qmax_pool2d %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

// CHECK-LABEL: func.func @qavg_pool
// CHECK: qc.qavg_pool2d %{{.*}} {ceil_mode = true, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = true, input_scale = 5.000000e-02 : f32, input_zero_point = -3 : i64, kernel = array<i64: 3, 3>, output_scale = 2.500000e-02 : f32, output_zero_point = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
// CHECK: qc.qavg_pool2d %{{.*}} {ceil_mode = false, {{.*}}kernel = array<i64: 7, 7>, {{.*}}} : (tensor<?x512x7x7xui8>) -> tensor<?x512x1x1xui8>
func.func @qavg_pool(%x: tensor<1x2x5x5xi8>, %g: tensor<?x512x7x7xui8>) -> (tensor<1x2x3x3xi8>, tensor<?x512x1x1xui8>) {
  %y = qc.qavg_pool2d %x {ceil_mode = true, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = true, input_scale = 0.05 : f32, input_zero_point = -3 : i64, kernel = array<i64: 3, 3>, output_scale = 0.025 : f32, output_zero_point = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
  %z = qc.qavg_pool2d %g {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.05 : f32, input_zero_point = 0 : i64, kernel = array<i64: 7, 7>, output_scale = 0.01 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x512x7x7xui8>) -> tensor<?x512x1x1xui8>
  return %y, %z : tensor<1x2x3x3xi8>, tensor<?x512x1x1xui8>
}

// -----

// The data-movement ops run on integer tensors as they are (qc-lower-to-integer).
// CHECK-LABEL: func.func @int_data_movement
// CHECK: qc.flatten %{{.*}} {axis = 1 : i64} : (tensor<1x8x1x1xui8>) -> tensor<1x8xui8>
// CHECK: qc.reshape %{{.*}} {shape = array<i64: 2, 4>} : (tensor<1x8xui8>) -> tensor<2x4xui8>
// CHECK: qc.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x4xui8>) -> tensor<4x2xui8>
// CHECK: qc.slice %{{.*}} : (tensor<4x2xui8>) -> tensor<2x2xui8>
// CHECK: qc.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<4x2xui8>, tensor<2x2xui8>) -> tensor<6x2xui8>
func.func @int_data_movement(%x: tensor<1x8x1x1xui8>) -> tensor<6x2xui8> {
  %f = qc.flatten %x {axis = 1 : i64} : (tensor<1x8x1x1xui8>) -> tensor<1x8xui8>
  %r = qc.reshape %f {shape = array<i64: 2, 4>} : (tensor<1x8xui8>) -> tensor<2x4xui8>
  %t = qc.transpose %r {perm = array<i64: 1, 0>} : (tensor<2x4xui8>) -> tensor<4x2xui8>
  %s = qc.slice %t {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<4x2xui8>) -> tensor<2x2xui8>
  %c = qc.concat %t, %s {axis = 0 : i64} : (tensor<4x2xui8>, tensor<2x2xui8>) -> tensor<6x2xui8>
  return %c : tensor<6x2xui8>
}

// -----

// CHECK-LABEL: func.func @qmul_qrequantize
// CHECK: qc.qmul %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 2.000000e-02 : f32, lhs_zero_point = 3 : i64, output_scale = 0.00999999977 : f32, output_zero_point = 0 : i64, rhs_scale = 5.000000e-02 : f32, rhs_zero_point = -2 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
// CHECK: qc.qrequantize %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 2.000000e-02 : f32, input_zero_point = 0 : i64, output_scale = 3.000000e-02 : f32, output_zero_point = 5 : i64} : (tensor<1x8xi8>) -> tensor<1x8xui8>
func.func @qmul_qrequantize(%a: tensor<1x8xi8>, %b: tensor<1x8xi8>) -> tensor<1x8xui8> {
  %y = qc.qmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = 3 : i64, output_scale = 0.01 : f32, output_zero_point = 0 : i64, rhs_scale = 0.05 : f32, rhs_zero_point = -2 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
  %z = qc.qrequantize %y {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_scale = 0.03 : f32, output_zero_point = 5 : i64} : (tensor<1x8xi8>) -> tensor<1x8xui8>
  return %z : tensor<1x8xui8>
}
