// RUN: qc-opt %s --split-input-file --verify-diagnostics

func.func @zero_point_out_of_range(%x: tensor<4xf32>) -> tensor<4xui8> {
  // expected-error@+1 {{zero point 300 is outside [0, 255]}}
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 300>} : (tensor<4xf32>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----

func.func @range_too_wide(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error@+1 {{quantization range [-200, 127] is empty or does not fit 'i8'}}
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -200 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @negative_scale(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error@+1 {{scales must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got -1.000000e-01}}
  %d = qc.dequantize %x {scale = array<f32: -0.1>, zero_point = array<i64: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @per_channel_count(%x: tensor<3x2xi8>) -> tensor<3x2xf32> {
  // expected-error@+1 {{per-channel qparams need 3 scales (dimension 0), got 2}}
  %d = qc.dequantize %x {axis = 0 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<3x2xi8>) -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

func.func @per_tensor_many(%x: tensor<3x2xi8>) -> tensor<3x2xf32> {
  // expected-error@+1 {{per-tensor qparams need one scale, got 2 (set `axis` for per-channel)}}
  %d = qc.dequantize %x {scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<3x2xi8>) -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

func.func @shape_mismatch(%x: tensor<4xf32>) -> tensor<5xi8> {
  // expected-error@+1 {{input and output shapes differ}}
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<5xi8>
  return %q : tensor<5xi8>
}

// -----

func.func @float_storage(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error@+1 {{must be ranked tensor of 8-bit unsigned integer or 8-bit signless integer or 16-bit signless integer or 32-bit signless integer values}}
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xf16>
  return %q : tensor<4xf16>
}

// -----

func.func @bad_spec_dtype(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{quantization dtype must be ui8, i8, i16 or i32, got 'f32'}}
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = f32, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bad_spec_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{quantization range [0, 300] is empty or does not fit 'ui8'}}
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 300, symmetric = false, observer = "minmax">} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @per_token_not_dynamic(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{per_token needs a dynamic spec (qparams chosen at run time)}}
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", per_token = true>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @half_calibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{calibrated qparams need both scale and zero_point}}
  %0 = qc.observe %x {id = 0 : i64, scale = array<f32: 0.1>, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A subnormal scale: 1 / scale is infinite (qc compile used to accept it).
func.func @subnormal_scale(%x: tensor<4xf32>) -> tensor<4xui8> {
  // expected-error@+1 {{scales must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got 9.999946e-41}}
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0e-40>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----

// A scale past 2^126: its reciprocal is subnormal, and one step dequantizes
// to nearly float32's largest value.
func.func @huge_scale(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error@+1 {{scales must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got 3.000000e+38}}
  %d = qc.dequantize %x {scale = array<f32: 3.0e+38>, zero_point = array<i64: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @nan_scale(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error@+1 {{scales must be a positive normal float32 with a normal reciprocal (within [2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN), got nan}}
  %d = qc.dequantize %x {scale = array<f32: 0x7FC00000>, zero_point = array<i64: 0>} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @block_count(%x: tensor<2x5xi8>) -> tensor<2x5xf32> {
  // expected-error@+1 {{block_size 2 along axis 1 of 'tensor<2x5xf32>' needs 6 scales and zero points, got 4 and 4}}
  %d = qc.dequantize %x {axis = 1 : i64, block_size = 2 : i64, scale = array<f32: 0.1, 0.2, 0.3, 0.4>, zero_point = array<i64: 0, 0, 0, 0>} : (tensor<2x5xi8>) -> tensor<2x5xf32>
  return %d : tensor<2x5xf32>
}

// -----

func.func @block_without_axis(%x: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{block_size needs an axis inside the rank 2}}
  %d = qc.dequantize %x {block_size = 2 : i64, scale = array<f32: 0.1, 0.2, 0.3, 0.4>, zero_point = array<i64: 0, 0, 0, 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @block_zero(%x: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{block_size must be positive, got 0}}
  %d = qc.dequantize %x {axis = 1 : i64, block_size = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @block_zero_point_range(%x: tensor<2x4xui8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{zero point 300 is outside [0, 255]}}
  %d = qc.dequantize %x {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 300, 0>} : (tensor<2x4xui8>) -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}
