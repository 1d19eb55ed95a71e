// Dynamic specs qc-prepare rejects (hand-written annotations; the quantizer
// registry rejects the same from quantizers): each names the op and edge.
// RUN: qc-opt %s --qc-prepare --split-input-file -verify-diagnostics

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_conv(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error@+1 {{dynamic spec on input #0 of 'qc.conv2d': dynamic quantization applies to the activation input of qc.linear / qc.matmul only}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, qc.input_specs = [#dyn, unit]} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_output(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{dynamic spec on output #0 of 'qc.linear': outputs of dynamically quantized ops stay float; only the activation input can be dynamic}}
  %0 = qc.linear %x, %w {qc.output_specs = [#dyn]} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_weight(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{dynamic spec on input #1 of 'qc.linear': only input #0 (the activation) of qc.linear can be dynamic; the weight needs a static spec}}
  %0 = qc.linear %x, %w {qc.input_specs = [unit, #dyn]} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#dyn = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_constant(%x: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %c = qc.constant dense<1.0> : tensor<3x4xf32>
  // expected-error@+1 {{dynamic spec on input #0 of 'qc.matmul': the value is a constant (a weight); give it a static spec}}
  %0 = qc.matmul %c, %x {qc.input_specs = [#dyn, unit]} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

#dyn = #qc.spec<dtype = i16, quant_min = -32768, quant_max = 32767, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_i16(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{dynamic spec on input #0 of 'qc.linear': dynamic specs need dtype ui8 or i8}}
  %0 = qc.linear %x, %w {qc.input_specs = [#dyn, unit]} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">
#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
func.func @derived_from_dynamic(%x: tensor<1x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<1.0> : tensor<2x4xf32>
  // expected-error@+1 {{derived spec on input #2 of 'qc.linear' is derived from input #0, whose spec is dynamic; a bias of a dynamically quantized op stays float (unit)}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#dyn, #w, #bias]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
func.func @shared_with_dynamic(%x: tensor<2x4xf32>, %y: tensor<4x2xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{input #1 of 'qc.matmul' is shared with input #0, whose spec is dynamic; qparams chosen at run time cannot be shared}}
  %0 = qc.matmul %x, %y {qc.input_specs = [#dyn, #qc.shared<input = 0>]} : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
