// qc.qresize and qc.qconv_transpose2d: valid forms round-trip, and every
// verifier error.
// RUN: qc-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @valid
// CHECK: qc.qresize %{{.*}} {clamp_max = 255 : i64, {{.*}}mode = "linear"
// CHECK: qc.qconv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 255 : i64
func.func @valid(%x: tensor<1x8x4x4xui8>, %w: tensor<8x2x2x2xi8>, %b: tensor<2xi32>) -> (tensor<1x8x8x8xui8>, tensor<1x2x8x8xui8>) {
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "linear", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
  %z = qc.qconv_transpose2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01, 0.02>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x8x8xui8>
  return %y, %z : tensor<1x8x8x8xui8>, tensor<1x2x8x8xui8>
}

// -----

func.func @resize_channels(%x: tensor<1x8x4x4xui8>) -> tensor<1x4x8x8xui8> {
  // expected-error@+1 {{does not keep the batch and channels}}
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "nearest", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 4, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x4x8x8xui8>
  return %y : tensor<1x4x8x8xui8>
}

// -----

func.func @resize_mode(%x: tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8> {
  // expected-error@+1 {{mode must be nearest or linear, got "cubic"}}
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "cubic", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
  return %y : tensor<1x8x8x8xui8>
}

// -----

func.func @resize_ctm(%x: tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8> {
  // expected-error@+1 {{unsupported coordinate_transformation_mode "tf_crop_and_resize"}}
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "tf_crop_and_resize", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "linear", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
  return %y : tensor<1x8x8x8xui8>
}

// -----

func.func @resize_multiplier(%x: tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8> {
  // expected-error@+1 {{requantize multiplier (input_scale / output_scale) * 2^-22 = 0.000000e+00 is not a normal f32}}
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 1.0e-30 : f32, input_zero_point = 3 : i64, mode = "linear", nearest_mode = "floor", output_scale = 1.0e+10 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
  return %y : tensor<1x8x8x8xui8>
}

// -----

func.func @resize_clamp(%x: tensor<1x8x4x4xi8>) -> tensor<1x8x8x8xi8> {
  // expected-error@+1 {{clamp range [0, 255] is empty or does not fit 'tensor<1x8x8x8xi8>'}}
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "nearest", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xi8>) -> tensor<1x8x8x8xi8>
  return %y : tensor<1x8x8x8xi8>
}

// -----

func.func @convt_shape(%x: tensor<1x8x4x4xui8>, %w: tensor<8x2x2x2xi8>) -> tensor<1x2x9x9xui8> {
  // expected-error@+1 {{result 'tensor<1x2x9x9xui8>' differs from the transposed convolution's shape [1, 2, 8, 8]}}
  %z = qc.qconv_transpose2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>) -> tensor<1x2x9x9xui8>
  return %z : tensor<1x2x9x9xui8>
}

// -----

func.func @convt_groups(%x: tensor<1x8x4x4xui8>, %w: tensor<8x2x2x2xi8>) -> tensor<1x6x8x8xui8> {
  // expected-error@+1 {{groups 3 must be >= 1 and divide the 8 input channels of the weight}}
  %z = qc.qconv_transpose2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 3 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>) -> tensor<1x6x8x8xui8>
  return %z : tensor<1x6x8x8xui8>
}

// -----

func.func @convt_weight_scales(%x: tensor<1x8x4x4xui8>, %w: tensor<8x2x2x2xi8>) -> tensor<1x2x8x8xui8> {
  // expected-error@+1 {{'weight_scale' needs 1 (per tensor) or 2 (per output channel) entries, got 3}}
  %z = qc.qconv_transpose2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01, 0.02, 0.03>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>) -> tensor<1x2x8x8xui8>
  return %z : tensor<1x2x8x8xui8>
}

// -----

func.func @convt_output_padding(%x: tensor<1x8x4x4xui8>, %w: tensor<8x2x2x2xi8>) -> tensor<1x2x8x8xui8> {
  // expected-error@+1 {{output_padding must be >= 0}}
  %z = qc.qconv_transpose2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: -1, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>) -> tensor<1x2x8x8xui8>
  return %z : tensor<1x2x8x8xui8>
}
