// RUN: qc-opt %s --split-input-file | qc-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @observe
// CHECK: qc.observe %{{.*}} {id = 3 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">}
// CHECK: qc.observe %{{.*}} {id = 4 : i64, scale = array<f32: 5.000000e-01, 2.500000e-01>, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax", observer_options = {averaging_constant = 0.00999999977 : f32}>, zero_point = array<i64: 0, 0>}
func.func @observe(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = qc.observe %x {id = 3 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">} : tensor<1x2xf32>
  %1 = qc.observe %0 {id = 4 : i64, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax", observer_options = {averaging_constant = 0.01 : f32}>, scale = array<f32: 0.5, 0.25>, zero_point = array<i64: 0, 0>} : tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func.func @qdq
// CHECK: %[[Q:.*]] = qc.quantize %{{.*}} {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 2.500000e-01>, zero_point = array<i64: 128>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
// CHECK: qc.dequantize %[[Q]] {scale = array<f32: 2.500000e-01>, zero_point = array<i64: 128>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
// CHECK: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 1.000000e-01, 2.000000e-01>, zero_point = array<i64: 0, 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
// CHECK: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 1.000000e-03, 2.000000e-03>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
// CHECK: qc.fake_quant %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 5.000000e-02>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xf32>
func.func @qdq(%x: tensor<1x8xf32>, %w: tensor<2x3xi8>, %b: tensor<2xi32>) -> (tensor<1x8xf32>, tensor<2x3xf32>, tensor<2xf32>, tensor<1x8xf32>) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 128>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.25>, zero_point = array<i64: 128>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %wd = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %bd = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 0.001, 0.002>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
  %f = qc.fake_quant %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %d, %wd, %bd, %f : tensor<1x8xf32>, tensor<2x3xf32>, tensor<2xf32>, tensor<1x8xf32>
}

// -----

// Specs as a Quantizer attaches them: one entry per operand / result, unit
// for an edge left in float.
// CHECK-LABEL: func.func @annotated
// CHECK: qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">, #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>]
// CHECK-SAME: qc.output_specs = [#qc.shared<input = 0>]
// CHECK: qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]
// CHECK: qc.input_specs = [unit]
func.func @annotated(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  %0 = qc.linear %x, %w, %b {qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">, #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>], qc.output_specs = [#qc.shared<input = 0>]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = qc.sigmoid %0 {qc.output_specs = [#qc.fixed<scale = 0.00390625 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]} : tensor<1x2xf32>
  %2 = qc.relu %1 {qc.input_specs = [unit]} : tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}
