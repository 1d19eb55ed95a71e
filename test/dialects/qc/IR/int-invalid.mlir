// RUN: qc-opt %s --split-input-file --verify-diagnostics

func.func @weight_scale_count(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8> {
  // expected-error@+1 {{'weight_scale' needs 1 (per tensor) or 2 (per output channel) entries, got 3}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1, 0.2, 0.3>} : (tensor<1x1x4x4xui8>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8>
  return %y : tensor<1x2x4x4xui8>
}

// -----

func.func @clamp_outside_storage(%x: tensor<1x1x4x4xi8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xi8> {
  // expected-error@+1 {{clamp range [0, 255] is empty or does not fit 'tensor<1x2x4x4xi8>'}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1>} : (tensor<1x1x4x4xi8>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xi8>
  return %y : tensor<1x2x4x4xi8>
}

// -----

func.func @conv_channels(%x: tensor<1x3x4x4xui8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8> {
  // expected-error@+1 {{input has 3 channels but weight expects 1 x 1 groups}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1>} : (tensor<1x3x4x4xui8>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8>
  return %y : tensor<1x2x4x4xui8>
}

// -----

func.func @bias_size(%x: tensor<2x4xui8>, %w: tensor<3x4xi8>, %b: tensor<2xi32>) -> tensor<2x3xui8> {
  // expected-error@+1 {{bias must be 1-D with 3 entries, got 'tensor<2xi32>'}}
  %y = qc.qlinear %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xui8>, tensor<3x4xi8>, tensor<2xi32>) -> tensor<2x3xui8>
  return %y : tensor<2x3xui8>
}

// -----

func.func @linear_k(%x: tensor<2x5xui8>, %w: tensor<3x4xi8>) -> tensor<2x3xui8> {
  // expected-error@+1 {{input 'tensor<2x5xui8>' and weight 'tensor<3x4xi8>' disagree on K}}
  %y = qc.qlinear %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x5xui8>, tensor<3x4xi8>) -> tensor<2x3xui8>
  return %y : tensor<2x3xui8>
}

// -----

func.func @add_zero_point(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'lhs_zero_point' 200 is outside [-128, 127] of 'tensor<4xi8>'}}
  %y = qc.qadd %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 200 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @add_broadcast(%a: tensor<2x4xi8>, %b: tensor<4xi8>) -> tensor<2x4xi8> {
  // expected-error@+1 {{operands and result must have the same shape (no broadcasting)}}
  %y = qc.qadd %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<2x4xi8>, tensor<4xi8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

func.func @bad_scale(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'output_scale' must be positive and finite, got 0}}
  %y = qc.qadd %a, %a {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.0 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @float_input(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xui8> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 8-bit unsigned integer or 8-bit signless integer values}}
  %y = qc.qlinear %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xui8>
  return %y : tensor<2x3xui8>
}

// -----

func.func @max_pool_types(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{input and output element types differ}}
  %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @max_pool_kernel(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8> {
  // expected-error@+1 {{needs 2 kernel sizes, 2 strides, 4 pads and 2 dilations}}
  %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

func.func @avg_pool_pads(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8> {
  // expected-error@+1 {{pads must be >= 0 and smaller than the kernel}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 2, 2>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 2, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

func.func @avg_pool_channels(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x2x2xui8> {
  // expected-error@+1 {{does not keep the batch and channels}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 2, 2>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x3x2x2xui8>
  return %y : tensor<1x3x2x2xui8>
}

// -----

func.func @avg_pool_zero_point(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'input_zero_point' 200 is outside [-128, 127]}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 200 : i64, kernel = array<i64: 2, 2>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @avg_pool_clamp(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8> {
  // expected-error@+1 {{clamp range [0, 300] is empty or does not fit}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 300 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 2, 2>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

func.func @avg_pool_window(%x: tensor<1x2x400x400xui8>) -> tensor<1x2x1x1xui8> {
  // expected-error@+1 {{window of 160000 elements exceeds 65793}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 400, 400>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x400x400xui8>) -> tensor<1x2x1x1xui8>
  return %y : tensor<1x2x1x1xui8>
}

// -----

func.func @mul_broadcast(%a: tensor<2x4xi8>, %b: tensor<1x4xi8>) -> tensor<2x4xi8> {
  // expected-error@+1 {{operands and result must have the same shape (no broadcasting)}}
  %y = qc.qmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<2x4xi8>, tensor<1x4xi8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

func.func @mul_scale(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'rhs_scale' must be positive and finite, got -1}}
  %y = qc.qmul %a, %a {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = -1.0 : f32, rhs_zero_point = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @requantize_shape(%x: tensor<4xi8>) -> tensor<5xui8> {
  // expected-error@+1 {{input and result must have the same shape}}
  %y = qc.qrequantize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<5xui8>
  return %y : tensor<5xui8>
}

// -----

func.func @requantize_zero_point(%x: tensor<4xi8>) -> tensor<4xui8> {
  // expected-error@+1 {{'output_zero_point' -1 is outside [0, 255]}}
  %y = qc.qrequantize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = -1 : i64} : (tensor<4xi8>) -> tensor<4xui8>
  return %y : tensor<4xui8>
}
