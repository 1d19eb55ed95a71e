// RUN: qc-opt %s --qc-prepare --split-input-file | FileCheck %s
// Running prepare twice inserts nothing new.
// RUN: qc-opt %s --qc-prepare --qc-prepare --split-input-file | FileCheck %s

// Linear: activation input and output observed, weight per channel, bias
// derived (no observer; the derived entry stays for qc-convert).
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK: %[[OX:.*]] = qc.observe %[[X]] {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">}
// CHECK: %[[W:.*]] = qc.constant
// CHECK-NEXT: %[[OW:.*]] = qc.observe %[[W]] {id = 1 : i64, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">}
// CHECK: %[[B:.*]] = qc.constant
// CHECK-NOT: qc.observe %[[B]]
// CHECK: %[[Y:.*]] = qc.linear %[[OX]], %[[OW]], %[[B]] {qc.input_specs = [unit, unit, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>]}
// CHECK-NEXT: %[[OY:.*]] = qc.observe %[[Y]] {id = 2 : i64
// CHECK-NEXT: return %[[OY]]
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">
#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>
func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.25, 2.0]]> : tensor<2x4xf32>
  %b = qc.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#act, #w, #bias], qc.output_specs = [#act]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Concat: inputs and output share ONE observer id (explicit sharing); each
// input edge gets its own qc.observe with that id.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xf32>, %[[B:.*]]: tensor<1x3xf32>)
// CHECK-DAG: %[[OA:.*]] = qc.observe %[[A]] {id = 0 : i64
// CHECK-DAG: %[[OB:.*]] = qc.observe %[[B]] {id = 0 : i64
// CHECK: %[[C:.*]] = qc.concat %[[OA]], %[[OB]] {axis = 1 : i64}
// CHECK-NEXT: %[[OC:.*]] = qc.observe %[[C]] {id = 0 : i64
// CHECK-NOT: qc.observe
// CHECK: return %[[OC]]
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">
func.func @concat(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x5xf32> {
  %0 = qc.concat %a, %b {axis = 1 : i64, qc.input_specs = [#act, #qc.shared<input = 0>], qc.output_specs = [#qc.shared<input = 0>]} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// Implicit sharing: the conv output and the pool input have equal specs, so
// the pool reads the conv's observer and its output (shared with its input)
// joins the same group: one id for all three edges.
// CHECK-LABEL: func.func @conv_pool
// CHECK: %[[OX:.*]] = qc.observe %{{.*}} {id = 0 : i64
// CHECK: %[[OW:.*]] = qc.observe %{{.*}} {id = 1 : i64
// CHECK: %[[Y:.*]] = qc.conv2d %[[OX]], %[[OW]]
// CHECK-NEXT: %[[OY:.*]] = qc.observe %[[Y]] {id = 2 : i64
// CHECK-NEXT: %[[P:.*]] = qc.max_pool2d %[[OY]]
// CHECK-NEXT: %[[OP:.*]] = qc.observe %[[P]] {id = 2 : i64
// CHECK-NEXT: return %[[OP]]
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
#w = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">
func.func @conv_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = qc.constant dense<0.5> : tensor<1x1x1x1xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, qc.input_specs = [#act, #w], qc.output_specs = [#act]} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %1 = qc.max_pool2d %0 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, qc.input_specs = [#act], qc.output_specs = [#qc.shared<input = 0>]} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// A value with an observed output and consumers of other specs: consumers
// with a different spec get their own observer on their edge, reading the
// observed output; two consumers with the same different spec share one;
// a consumer without a spec reads the observed output.
// CHECK-LABEL: func.func @differing_consumers
// CHECK: %[[R:.*]] = qc.relu %{{.*}} : tensor<1x2xf32>
// CHECK-NEXT: %[[OR:.*]] = qc.observe %[[R]] {id = 0 : i64, spec = #qc.spec<dtype = ui8
// CHECK-NEXT: %[[E:.*]] = qc.observe %[[OR]] {id = 1 : i64, spec = #qc.spec<dtype = i8
// CHECK-NEXT: qc.sigmoid %[[E]]
// CHECK-NEXT: qc.tanh %[[E]]
// CHECK-NEXT: qc.hardswish %[[OR]]
// CHECK-NEXT: qc.erf %[[OR]]
#u8 = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
#s8 = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">
func.func @differing_consumers(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %0 = qc.relu %x {qc.output_specs = [#u8]} : tensor<1x2xf32>
  %1 = qc.sigmoid %0 {qc.input_specs = [#s8]} : tensor<1x2xf32>
  %2 = qc.tanh %0 {qc.input_specs = [#s8]} : tensor<1x2xf32>
  %3 = qc.hardswish %0 {qc.input_specs = [#u8]} : tensor<1x2xf32>
  %4 = qc.erf %0 : tensor<1x2xf32>
  return %1, %2, %3, %4 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Fixed specs get no observer. A consumer whose input is fixed like its
// producer's output needs nothing more (unit); an output shared with a fixed
// input resolves to the fixed spec.
// CHECK-LABEL: func.func @fixed
// CHECK-NOT: qc.observe
// CHECK: qc.sigmoid %{{.*}} {qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]}
// CHECK: qc.reshape %{{.*}} {qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>], shape = array<i64: 4>}
// CHECK-NOT: qc.input_specs
// CHECK-NOT: qc.observe
#fixed = #qc.fixed<scale = 0.00390625 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>
func.func @fixed(%x: tensor<2x2xf32>) -> tensor<4xf32> {
  %0 = qc.sigmoid %x {qc.output_specs = [#fixed]} : tensor<2x2xf32>
  %1 = qc.reshape %0 {shape = array<i64: 4>, qc.input_specs = [#fixed], qc.output_specs = [#qc.shared<input = 0>]} : (tensor<2x2xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Ids continue after the observers already in the function; an op whose
// edges are all float (unit) loses its annotations.
// CHECK-LABEL: func.func @existing_ids
// CHECK: qc.observe %{{.*}} {id = 7 : i64
// CHECK: qc.observe %{{.*}} {id = 8 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 127
// CHECK: qc.relu %{{.*}} : tensor<2xf32>
#act = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "histogram">
func.func @existing_ids(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = qc.observe %x {id = 6 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<2xf32>
  %1 = qc.sigmoid %0 {qc.output_specs = [#act]} : tensor<2xf32>
  %2 = qc.tanh %1 {qc.output_specs = [#act]} : tensor<2xf32>
  %3 = qc.relu %2 {qc.input_specs = [unit], qc.output_specs = [unit]} : tensor<2xf32>
  return %3 : tensor<2xf32>
}
