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
  // expected-error@+1 {{'output_scale' must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got 0}}
  %y = qc.qadd %a, %a {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.0 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @float_input(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xui8> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 8-bit unsigned integer or 8-bit signless integer or 16-bit signless integer values}}
  %y = qc.qlinear %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xui8>
  return %y : tensor<2x3xui8>
}

// -----

// The 16x8 form: an int16 input is symmetric.
func.func @int16_input_zero_point(%x: tensor<2x4xi16>, %w: tensor<3x4xi8>) -> tensor<2x3xi16> {
  // expected-error@+1 {{an i16 input needs 'input_zero_point' 0 (symmetric int16), got 5}}
  %y = qc.qlinear %x, %w {clamp_max = 32767 : i64, clamp_min = -32768 : i64, input_scale = 0.1 : f32, input_zero_point = 5 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xi16>, tensor<3x4xi8>) -> tensor<2x3xi16>
  return %y : tensor<2x3xi16>
}

// -----

// Table lookups and pools stay 8-bit.
func.func @lut_i16(%x: tensor<4xi16>) -> tensor<4xi8> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 8-bit unsigned integer or 8-bit signless integer values}}
  %y = "qc.qlut"(%x) {function = "f", table = array<i32: 0>} : (tensor<4xi16>) -> tensor<4xi8>
  return %y : tensor<4xi8>
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
  // expected-error@+1 {{window of 400 x 400 elements exceeds 65793}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 400, 400>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x400x400xui8>) -> tensor<1x2x1x1xui8>
  return %y : tensor<1x2x1x1xui8>
}

// -----

func.func @mul_broadcast(%a: tensor<2x4xi8>, %b: tensor<3x4xi8>) -> tensor<2x4xi8> {
  // expected-error@+1 {{the result must have the operands' broadcast shape (numpy rules)}}
  %y = qc.qmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<2x4xi8>, tensor<3x4xi8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

func.func @mul_broadcast_result(%a: tensor<2x4xi8>, %b: tensor<1x4xi8>) -> tensor<1x4xi8> {
  // expected-error@+1 {{the result must have the operands' broadcast shape (numpy rules)}}
  %y = qc.qmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<2x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

func.func @mul_scale(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'rhs_scale' must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got -1}}
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

// -----

func.func @lut_table_size(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error@+1 {{table must have 256 entries (one per 8-bit input value), got 3}}
  %y = qc.qlut %x {function = "sigmoid", table = array<i32: 0, 1, 2>} : (tensor<4xui8>) -> tensor<4xui8>
  return %y : tensor<4xui8>
}

// -----

func.func @lut_entry_range(%x: tensor<4xui8>) -> tensor<4xi8> {
  // expected-error@+1 {{table entry 128 = 128 does not fit 'tensor<4xi8>'}}
  %y = qc.qlut %x {function = "identity", table = array<i32: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255>} : (tensor<4xui8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @lut_shape(%x: tensor<4xi8>) -> tensor<5xi8> {
  // expected-error@+1 {{input and result must have the same shape}}
  %y = qc.qlut %x {function = "identity", table = array<i32: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>} : (tensor<4xi8>) -> tensor<5xi8>
  return %y : tensor<5xi8>
}

// -----

func.func @subnormal_weight_scale(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8> {
  // expected-error@+1 {{'weight_scale' must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got 1.401298e-45}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1, 1.0e-45>} : (tensor<1x1x4x4xui8>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xui8>
  return %y : tensor<1x2x4x4xui8>
}

// -----

// Valid scales whose requantize multiplier underflows to 0 (the kernels and
// the reference need it finite and > 0).
func.func @multiplier_underflow(%x: tensor<2x4xui8>, %w: tensor<3x4xi8>) -> tensor<2x3xui8> {
  // expected-error@+1 {{requantize multiplier input_scale * weight_scale / output_scale = 0.000000e+00 is not finite and > 0 (the scales are too far apart)}}
  %y = qc.qlinear %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 1.0e-30 : f32, input_zero_point = 0 : i64, output_scale = 1.0e30 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 1.0e-30>} : (tensor<2x4xui8>, tensor<3x4xi8>) -> tensor<2x3xui8>
  return %y : tensor<2x3xui8>
}

// -----

func.func @add_multiplier_overflow(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{requantize multiplier lhs_scale / output_scale = INF is not finite and > 0}}
  %y = qc.qadd %a, %a {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 1.0e30 : f32, lhs_zero_point = 0 : i64, output_scale = 1.0e-30 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// The result's H and W follow the conv rule (the code generator sizes its
// loops by the result).
func.func @conv_result_shape(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xui8> {
  // expected-error@+1 {{result dimension 2 is 4, but 'tensor<1x1x4x4xui8>' with kernel 3, stride 1, pads 0 + 0, dilation 1 gives 2}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1>} : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xui8>
  return %y : tensor<1x2x4x4xui8>
}

// -----

func.func @conv_window_too_large(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x3x3xi8>) -> tensor<1x2x1x1xui8> {
  // expected-error@+1 {{the window (kernel 3, dilation 4611686018427387904, pads 0 + 0) does not fit input dimension 2}}
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 4611686018427387904, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.1>} : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xi8>) -> tensor<1x2x1x1xui8>
  return %y : tensor<1x2x1x1xui8>
}

// -----

func.func @max_pool_negative_pad(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  // expected-error@+1 {{pads must be >= 0}}
  %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: -1, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

func.func @max_pool_result_shape(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  // expected-error@+1 {{result dimension 2 is 3, but 'tensor<1x2x5x5xi8>' with kernel 3, stride 2, pads 0 + 0, dilation 1 gives 2}}
  %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}

// -----

func.func @avg_pool_huge_kernel(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x1x1xi8> {
  // expected-error@+1 {{window of 4294967296 x 4294967296 elements exceeds 65793}}
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = false, input_scale = 0.05 : f32, input_zero_point = 0 : i64, kernel = array<i64: 4294967296, 4294967296>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x1x1xi8>
  return %y : tensor<1x2x1x1xi8>
}

// -----

func.func @qmatmul_batch(%a: tensor<2x3x8xui8>, %b: tensor<1x8x5xi8>) -> tensor<2x3x5xui8> {
  // expected-error@+1 {{operands and result must have the same batch dimensions (no broadcasting)}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<2x3x8xui8>, tensor<1x8x5xi8>) -> tensor<2x3x5xui8>
  return %y : tensor<2x3x5xui8>
}

// -----

func.func @qmatmul_k(%a: tensor<3x8xui8>, %b: tensor<7x5xi8>) -> tensor<3x5xui8> {
  // expected-error@+1 {{disagree on K}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<3x8xui8>, tensor<7x5xi8>) -> tensor<3x5xui8>
  return %y : tensor<3x5xui8>
}

// -----

func.func @qmatmul_result(%a: tensor<3x8xui8>, %b: tensor<8x5xi8>) -> tensor<3x4xui8> {
  // expected-error@+1 {{result 'tensor<3x4xui8>' is not [..., M, N] of lhs}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<3x8xui8>, tensor<8x5xi8>) -> tensor<3x4xui8>
  return %y : tensor<3x4xui8>
}

// -----

func.func @qmatmul_rank(%a: tensor<8xui8>, %b: tensor<8xi8>) -> tensor<8xui8> {
  // expected-error@+1 {{needs lhs [..., M, K], rhs [..., K, N] and a result [..., M, N] of one rank >= 2}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<8xui8>, tensor<8xi8>) -> tensor<8xui8>
  return %y : tensor<8xui8>
}

// -----

func.func @qmatmul_large_k(%a: tensor<1x65794xui8>, %b: tensor<65794x1xi8>) -> tensor<1x1xui8> {
  // expected-error@+1 {{K = 65794 is too large for exact int32 accumulation (at most 65793)}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<1x65794xui8>, tensor<65794x1xi8>) -> tensor<1x1xui8>
  return %y : tensor<1x1xui8>
}

// -----

func.func @qmatmul_zero_point(%a: tensor<3x8xi8>, %b: tensor<8x5xi8>) -> tensor<3x5xi8> {
  // expected-error@+1 {{'lhs_zero_point' 200 is outside [-128, 127]}}
  %y = qc.qmatmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 200 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<3x8xi8>, tensor<8x5xi8>) -> tensor<3x5xi8>
  return %y : tensor<3x5xi8>
}

// -----

func.func @qmatmul_rhs_type(%a: tensor<3x8xui8>, %b: tensor<8x5xui8>) -> tensor<3x5xui8> {
  // expected-error@+1 {{operand #1 must be ranked tensor of 8-bit signless integer values}}
  %y = qc.qmatmul %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 3 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32} : (tensor<3x8xui8>, tensor<8x5xui8>) -> tensor<3x5xui8>
  return %y : tensor<3x5xui8>
}

// -----

func.func @qmax_types(%a: tensor<4xi8>, %b: tensor<4xui8>) -> tensor<4xi8> {
  // expected-error@+1 {{operands and result must have one element type, got 'tensor<4xi8>', 'tensor<4xui8>' -> 'tensor<4xi8>'}}
  %y = qc.qmax %a, %b : (tensor<4xi8>, tensor<4xui8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @qmin_shape(%a: tensor<4xi8>, %b: tensor<3xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{the result must have the operands' broadcast shape (numpy rules), got 'tensor<4xi8>', 'tensor<3xi8>' -> 'tensor<4xi8>'}}
  %y = qc.qmin %a, %b : (tensor<4xi8>, tensor<3xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}
