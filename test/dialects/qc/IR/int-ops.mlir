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

// -----

// CHECK-LABEL: func.func @qlut
// CHECK: qc.qlut %{{.*}} {function = "identity", table = array<i32: -128, -127, {{.*}}, 127>} : (tensor<1x8xi8>) -> tensor<1x8xi8>
func.func @qlut(%a: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %y = qc.qlut %a {function = "identity", table = array<i32: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>} : (tensor<1x8xi8>) -> tensor<1x8xi8>
  return %y : tensor<1x8xi8>
}

// -----

// CHECK-LABEL: func.func @qmatmul
// CHECK: qc.qmatmul %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 3.100000e-02 : f32, lhs_zero_point = 121 : i64, output_scale = 1.200000e-01 : f32, output_zero_point = 98 : i64, rhs_scale = 2.700000e-02 : f32} : (tensor<1x4x65x16xui8>, tensor<1x4x16x65xi8>) -> tensor<1x4x65x65xui8>
func.func @qmatmul(%q: tensor<1x4x65x16xui8>, %kt: tensor<1x4x16x65xi8>) -> tensor<1x4x65x65xui8> {
  %s = qc.qmatmul %q, %kt {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.031 : f32, lhs_zero_point = 121 : i64, rhs_scale = 0.027 : f32, output_scale = 0.12 : f32, output_zero_point = 98 : i64} : (tensor<1x4x65x16xui8>, tensor<1x4x16x65xi8>) -> tensor<1x4x65x65xui8>
  return %s : tensor<1x4x65x65xui8>
}

// -----

// CHECK-LABEL: func.func @qmax_qmin
// CHECK: qc.qmax %{{.*}}, %{{.*}} : (tensor<1x4x3x3xi8>, tensor<1x4x1x1xi8>) -> tensor<1x4x3x3xi8>
// CHECK: qc.qmin %{{.*}}, %{{.*}} : (tensor<5xui8>, tensor<2x5xui8>) -> tensor<2x5xui8>
func.func @qmax_qmin(%a: tensor<1x4x3x3xi8>, %b: tensor<1x4x1x1xi8>, %c: tensor<5xui8>, %d: tensor<2x5xui8>) -> (tensor<1x4x3x3xi8>, tensor<2x5xui8>) {
  %x = qc.qmax %a, %b : (tensor<1x4x3x3xi8>, tensor<1x4x1x1xi8>) -> tensor<1x4x3x3xi8>
  %y = qc.qmin %c, %d : (tensor<5xui8>, tensor<2x5xui8>) -> tensor<2x5xui8>
  return %x, %y : tensor<1x4x3x3xi8>, tensor<2x5xui8>
}
