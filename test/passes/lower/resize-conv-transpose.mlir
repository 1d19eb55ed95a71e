// qc-lower-to-integer's 'resize' and 'conv-transpose2d' patterns: the Q/DQ
// forms become qc.qresize / qc.qconv_transpose2d with the qparams, modes and
// clamp range; forms they do not take stay float.
// RUN: qc-opt %s --split-input-file --qc-lower-to-integer | FileCheck %s

// CHECK-LABEL: func.func @resize_nearest_shared
// CHECK: %[[Y:.*]] = qc.qresize %arg0 {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "asymmetric", input_scale = 2.000000e-02 : f32, input_zero_point = 3 : i64, mode = "nearest", nearest_mode = "floor", output_scale = 2.000000e-02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
// CHECK-NOT: qc.resize
// CHECK: return %[[Y]]
func.func @resize_nearest_shared(%x: tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8> {
  %d = qc.dequantize %x {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x4x4xf32>
  %r = qc.resize %d {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  %q = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xui8>
  return %q : tensor<1x8x8x8xui8>
}

// -----

// A relu after the resize is the clamp range; other output qparams are kept.
// CHECK-LABEL: func.func @resize_linear_relu
// CHECK: qc.qresize %arg0 {clamp_max = 127 : i64, clamp_min = -10 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 2.000000e-02 : f32, input_zero_point = 3 : i64, mode = "linear", {{.*}}output_scale = 3.000000e-02 : f32, output_zero_point = -10 : i64
// CHECK-NOT: qc.resize
// CHECK-NOT: qc.relu
func.func @resize_linear_relu(%x: tensor<1x3x5x5xi8>) -> tensor<1x3x10x10xi8> {
  %d = qc.dequantize %x {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x3x5x5xi8>) -> tensor<1x3x5x5xf32>
  %r = qc.resize %d {coordinate_transformation_mode = "half_pixel", mode = "linear", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x3x5x5xf32>) -> tensor<1x3x10x10xf32>
  %a = qc.relu %r : tensor<1x3x10x10xf32>
  %q = qc.quantize %a {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xi8>
  return %q : tensor<1x3x10x10xi8>
}

// -----

// int16 activations have no qc.qresize: the resize stays float.
// CHECK-LABEL: func.func @resize_int16
// CHECK: qc.resize
// CHECK-NOT: qc.qresize
func.func @resize_int16(%x: tensor<1x3x5x5xi16>) -> tensor<1x3x10x10xi16> {
  %d = qc.dequantize %x {scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<1x3x5x5xi16>) -> tensor<1x3x5x5xf32>
  %r = qc.resize %d {coordinate_transformation_mode = "half_pixel", mode = "linear", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x3x5x5xf32>) -> tensor<1x3x10x10xf32>
  %q = qc.quantize %r {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xi16>
  return %q : tensor<1x3x10x10xi16>
}

// -----

// Weights per output channel along axis 1 of [C_in, C_out, kh, kw]; the bias
// per channel along 0 with scale s_in * s_w[c]; relu6 as the clamp range.
// CHECK-LABEL: func.func @convt_per_channel
// CHECK: %[[Y:.*]] = qc.qconv_transpose2d %arg0, %{{.*}}, %{{.*}} {clamp_max = 75 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 5.000000e-01 : f32, input_zero_point = 2 : i64, output_padding = array<i64: 1, 1>, output_scale = 8.000000e-02 : f32, output_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, weight_scale = array<f32: 2.500000e-01, 1.250000e-01>} : (tensor<1x2x3x3xui8>, tensor<2x2x3x3xi8>, tensor<2xi32>) -> tensor<1x2x6x6xui8>
// CHECK-NOT: qc.conv_transpose2d
// CHECK: return %[[Y]]
func.func @convt_per_channel(%x: tensor<1x2x3x3xui8>) -> tensor<1x2x6x6xui8> {
  %w = qc.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]], [[[9, 8, 7], [6, 5, 4], [3, 2, 1]], [[1, 0, 1], [0, 1, 0], [1, 0, 1]]]]> : tensor<2x2x3x3xi8>
  %b = qc.constant dense<[100, -100]> : tensor<2xi32>
  %d = qc.dequantize %x {scale = array<f32: 0.5>, zero_point = array<i64: 2>} : (tensor<1x2x3x3xui8>) -> tensor<1x2x3x3xf32>
  %wf = qc.dequantize %w {axis = 1 : i64, scale = array<f32: 0.25, 0.125>, zero_point = array<i64: 0, 0>} : (tensor<2x2x3x3xi8>) -> tensor<2x2x3x3xf32>
  %bf = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 0.125, 0.0625>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
  %y = qc.conv_transpose2d %d, %wf, %bf {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %a = qc.clamp %y {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x2x6x6xf32>
  %q = qc.quantize %a {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.08>, zero_point = array<i64: 0>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xui8>
  return %q : tensor<1x2x6x6xui8>
}

// -----

// Per-output-channel weights of a grouped transposed conv (axis 1 indexes
// channels within a group) are not taken: it stays float.
// CHECK-LABEL: func.func @convt_grouped_per_channel
// CHECK: qc.conv_transpose2d
// CHECK-NOT: qc.qconv_transpose2d
func.func @convt_grouped_per_channel(%x: tensor<1x2x3x3xui8>) -> tensor<1x4x3x3xui8> {
  %w = qc.constant dense<1> : tensor<2x2x1x1xi8>
  %d = qc.dequantize %x {scale = array<f32: 0.5>, zero_point = array<i64: 2>} : (tensor<1x2x3x3xui8>) -> tensor<1x2x3x3xf32>
  %wf = qc.dequantize %w {axis = 1 : i64, scale = array<f32: 0.25, 0.125>, zero_point = array<i64: 0, 0>} : (tensor<2x2x1x1xi8>) -> tensor<2x2x1x1xf32>
  %y = qc.conv_transpose2d %d, %wf {dilations = array<i64: 1, 1>, groups = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x4x3x3xf32>
  %q = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.08>, zero_point = array<i64: 0>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xui8>
  return %q : tensor<1x4x3x3xui8>
}
