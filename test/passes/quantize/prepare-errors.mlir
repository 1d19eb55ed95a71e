// RUN: qc-opt %s --qc-prepare --split-input-file -verify-diagnostics

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @shared_with_unannotated(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error@+1 {{output #0 of 'qc.max_pool2d' is shared with input #0, which is not annotated (it stays float)}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, qc.input_specs = [unit], qc.output_specs = [#qc.shared<input = 0>]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @shared_without_annotation(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{output #0 of 'qc.relu' is shared with input #0, which is not annotated}}
  %0 = qc.relu %x {qc.output_specs = [#qc.shared<input = 0>]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @derived_from_unobserved(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{derived spec on input #2 of 'qc.linear' is derived from input #1, which is not annotated; derived qparams need observed or fixed inputs}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#act, unit, #bias]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#bias = #qc.derived<inputs = [0, 2], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @derived_from_derived(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{derived spec on input #2 of 'qc.linear' is derived from input #2, which is itself derived}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#act, #act, #bias]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @spec_on_integer_value() -> tensor<2xi32> {
  // expected-error@+1 {{quantization spec on output #0 of 'qc.constant' of type 'tensor<2xi32>'; only ranked f32 tensors can be quantized}}
  %0 = qc.constant dense<[1, 2]> : tensor<2xi32> {qc.output_specs = [#act]}
  return %0 : tensor<2xi32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
func.func @wrong_entry_count(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'qc.input_specs' has 1 entries but 'qc.add' has 2 operands}}
  %0 = qc.add %a, %b {qc.input_specs = [#act]} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @unknown_entry(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{entry #0 of 'qc.input_specs' is "uint8"; expected #qc.spec, #qc.shared, #qc.derived, #qc.fixed or unit}}
  %0 = qc.relu %a {qc.input_specs = ["uint8"]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @not_an_array(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'qc.output_specs' must be an array with one entry per result}}
  %0 = qc.relu %a {qc.output_specs = 3 : i64} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @shared_cycle(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{form a cycle that reaches no #qc.spec or #qc.fixed}}
  %0 = qc.add %a, %b {qc.input_specs = [#qc.shared<input = 1>, #qc.shared<input = 0>]} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @shared_out_of_range(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{output #0 of 'qc.relu' is shared with input #3, but 'qc.relu' has 1 operands}}
  %0 = qc.relu %a {qc.output_specs = [#qc.shared<input = 3>]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 2, observer = "per_channel_minmax">
func.func @axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{per-channel axis 2 of the spec on input #0 of 'qc.relu' is out of range for 'tensor<2x3xf32>'}}
  %0 = qc.relu %a {qc.input_specs = [#w]} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "median">
func.func @unknown_observer(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{invalid spec on input #0 of 'qc.relu': unknown observer 'median'}}
  %0 = qc.relu %a {qc.input_specs = [#act]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram", observer_options = {bin = 10 : i64}>
func.func @unknown_observer_option(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{invalid spec on input #0 of 'qc.relu': unknown observer option 'bin'}}
  %0 = qc.relu %a {qc.input_specs = [#act]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, axis = 0, observer = "histogram">
func.func @per_channel_histogram(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{observer 'histogram' is per-tensor but the spec is per-channel (axis = 0)}}
  %0 = qc.relu %a {qc.input_specs = [#act]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_spec(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{dynamic spec on input #0 of 'qc.relu': dynamic quantization applies to the activation input of qc.linear / qc.matmul only}}
  %0 = qc.relu %a {qc.input_specs = [#act]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">
#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
func.func @derived_per_channel_without_axis(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{derived spec on input #2 of 'qc.linear' has no axis, but input #1 is quantized per channel; set `axis`}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#act, #w, #bias]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax">
#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>
func.func @derived_channel_mismatch(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{derived spec on input #2 of 'qc.linear' is per channel along axis 0 (2 entries), but input #1 has 4 channels}}
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#act, #w, #bias]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

#fixed = #qc.fixed<scale = 0.0 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>
func.func @bad_fixed(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{fixed spec on output #0 of 'qc.sigmoid' is inconsistent}}
  %0 = qc.sigmoid %a {qc.output_specs = [#fixed]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = true, observer = "minmax", observer_options = {averaging_constant = "fast"}>
func.func @bad_option_value(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{observer option 'averaging_constant' must be a number, got "fast"}}
  %0 = qc.relu %a {qc.input_specs = [#act]} : tensor<2xf32>
  return %0 : tensor<2xf32>
}
