// RUN: qc-opt %s --split-input-file --verify-diagnostics

func.func @dtype_not_8bit(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xf32> {
  // expected-error@+1 {{dtype must be ui8 or i8, got 'i16'}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = i16, quant_max = 127 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @range_outside_dtype(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xf32> {
  // expected-error@+1 {{quantization range [-128, 127] is empty or does not fit 'ui8'}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 127 : i64, quant_min = -128 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @k_mismatch(%x: tensor<2x5xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xf32> {
  // expected-error@+1 {{input 'tensor<2x5xf32>' and weight 'tensor<3x4xi8>' disagree on K}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x5xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @n_mismatch(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x2xf32> {
  // expected-error@+1 {{output 'tensor<2x2xf32>' does not have the 3 features of the weight}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @scale_count(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xf32> {
  // expected-error@+1 {{needs 1 or 3 weight scales, got 2}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1, 0.2>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @scale_negative(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'weight_scale'}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: -0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bias_size(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{bias 'tensor<2xf32>' must be 1-D with the 3 features of the weight}}
  %0 = qc.dynamic_qlinear %x, %w, %b {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @k_too_large(%x: tensor<1x70000xf32>, %w: tensor<1x70000xi8>) -> tensor<1x1xf32> {
  // expected-error@+1 {{K = 70000 is too large for exact int32 accumulation (at most 65793)}}
  %0 = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<1x70000xf32>, tensor<1x70000xi8>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
