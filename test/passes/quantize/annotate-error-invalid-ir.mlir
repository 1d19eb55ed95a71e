// Annotations already in the IR are read (and kept); malformed ones are
// errors at their op.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86" -verify-diagnostics

func.func @count(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error@+1 {{'qc.input_specs' must be an array of 2 specs (one per operand)}}
  %a = qc.add %x, %y {qc.input_specs = [unit]} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %a : tensor<1x8xf32>
}

// -----

func.func @entry(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error@+1 {{'qc.output_specs' entry 0: '42 : i64' is not a quantization spec (#qc.spec, #qc.shared, #qc.derived, #qc.fixed or unit)}}
  %s = qc.sigmoid %x {qc.output_specs = [42]} : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}

// -----

func.func @rules(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error@+1 {{op sigmoid #0: existing annotation (by 'manual') is invalid: output 0 shares input 3, but the op has 1 inputs}}
  %s = qc.sigmoid %x {qc.annotated_by = "manual", qc.output_specs = [#qc.shared<input = 3>]} : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}

// -----

func.func @observer(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error@+1 {{op sigmoid #0: existing annotation (by 'the input IR') is invalid: input 0 observer option 'bins' does not apply to observer 'minmax'}}
  %s = qc.sigmoid %x {qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax", observer_options = {bins = 64 : i64}>]} : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
