// RUN: qc-opt %s --split-input-file --verify-diagnostics

func.func @dtype_not_8bit(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{dtype must be ui8 or i8, got 'i16'}}
  %0 = qc.dynamic_fake_quant %x {dtype = i16, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dtype_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{dtype must be ui8 or i8, got 'f32'}}
  %0 = qc.dynamic_fake_quant %x {dtype = f32, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @range_outside_dtype(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{quantization range [-128, 127] is empty or does not fit 'ui8'}}
  %0 = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @empty_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{quantization range [5, 5] is empty or does not fit 'i8'}}
  %0 = qc.dynamic_fake_quant %x {dtype = i8, quant_max = 5 : i64, quant_min = 5 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_dtype(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{requires attribute 'dtype'}}
  %0 = qc.dynamic_fake_quant %x {quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @integer_input(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = qc.dynamic_fake_quant %x {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<4xi8>
  return %0 : tensor<4xi8>
}
