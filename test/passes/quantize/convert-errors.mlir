// RUN: qc-opt %s --qc-convert --split-input-file -verify-diagnostics

func.func @uncalibrated(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{observer 4 has no calibrated qparams (scale / zero_point); calibrate the prepared program before qc-convert}}
  %0 = qc.observe %x {id = 4 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @unprepared(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{reached qc-convert; run qc-prepare (which turns it into a qc.observe) and calibration first}}
  %0 = qc.relu %x {qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
func.func @derived_input_not_quantized(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{derived spec on input #2 needs input #0 to be quantized (a qc.dequantize), but it is not}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [unit, unit, #bias]} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @nan_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[1.0, 0x7FC00000], [0.5, 0.25]]> : tensor<2x2xf32>
  // expected-error@+1 {{cannot quantize constant 'tensor<2x2xf32>': quantize: element 1 is NaN and cannot be quantized}}
  %ow = qc.observe %w {id = 0 : i64, scale = array<f32: 5.000000e-01>, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">, zero_point = array<i64: 0>} : tensor<2x2xf32>
  %0 = qc.linear %x, %ow : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
