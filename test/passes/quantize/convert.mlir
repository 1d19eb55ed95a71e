// RUN: qc-opt %s --qc-convert --split-input-file | FileCheck %s

// Linear after calibration: the input observer becomes quantize/dequantize,
// the per-channel weight an i8 constant (round(w / s_w[c]), clamped to
// [-127, 127]) with a per-channel dequantize, the derived bias an i32
// constant with scale s_in * s_w[c] (0.02 * 0.0315 = 6.3e-4,
// 0.02 * 0.0157 = 3.14e-4): 0.1 / 6.3e-4 = 158.7 -> 159,
// -0.2 / 3.14e-4 = -636.9 -> -637. The float constants are gone.
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[Q:.*]] = qc.quantize %[[X]] {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 2.000000e-02>, zero_point = array<i64: 128>} : (tensor<1x4xf32>) -> tensor<1x4xui8>
// CHECK-NEXT: %[[DQ:.*]] = qc.dequantize %[[Q]] {scale = array<f32: 2.000000e-02>, zero_point = array<i64: 128>} : (tensor<1x4xui8>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[W:.*]] = qc.constant dense<{{\[}}[32, 63, 95, 127], [-64, 32, 16, 127]]> : tensor<2x4xi8>
// CHECK-NEXT: %[[DW:.*]] = qc.dequantize %[[W]] {axis = 0 : i64, scale = array<f32: 3.150000e-02, 1.570000e-02>, zero_point = array<i64: 0, 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[B:.*]] = qc.constant dense<[159, -637]> : tensor<2xi32>
// CHECK-NEXT: %[[DB:.*]] = qc.dequantize %[[B]] {axis = 0 : i64, scale = array<f32: 6.300000e-04, 3.13999975E-4>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = qc.linear %[[DQ]], %[[DW]], %[[DB]] : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT: %[[QY:.*]] = qc.quantize %[[Y]] {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 1.000000e-01>, zero_point = array<i64: 0>} : (tensor<1x2xf32>) -> tensor<1x2xui8>
// CHECK-NEXT: %[[DY:.*]] = qc.dequantize %[[QY]]
// CHECK-NEXT: return %[[DY]]
func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %0 = qc.observe %x {id = 0 : i64, scale = array<f32: 2.000000e-02>, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">, zero_point = array<i64: 128>} : tensor<1x4xf32>
  %1 = qc.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.25, 2.0]]> : tensor<2x4xf32>
  %2 = qc.observe %1 {id = 1 : i64, scale = array<f32: 3.150000e-02, 1.570000e-02>, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">, zero_point = array<i64: 0, 0>} : tensor<2x4xf32>
  %3 = qc.constant dense<[1.000000e-01, -2.000000e-01]> : tensor<2xf32>
  %4 = qc.linear %0, %2, %3 {qc.input_specs = [unit, unit, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  // A reduce_range activation: [0, 127].
  %5 = qc.observe %4 {id = 2 : i64, scale = array<f32: 1.000000e-01>, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "histogram">, zero_point = array<i64: 0>} : tensor<1x2xf32>
  return %5 : tensor<1x2xf32>
}

// -----

// Weights of more than 16 elements are stored as integer resource blobs.
// Per tensor, symmetric: 0.1 * k / 0.05 = 2k, clamped to [-128, 127].
// CHECK-LABEL: func.func @large_weight
// CHECK: %[[W:.*]] = qc.constant dense_resource<conv_w_q> : tensor<2x1x3x3xi8>
// CHECK-NEXT: qc.dequantize %[[W]] {scale = array<f32: 5.000000e-02>, zero_point = array<i64: 0>} : (tensor<2x1x3x3xi8>) -> tensor<2x1x3x3xf32>
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: conv_w_q: "0x{{[0-9A-F]+}}00020406080A0C0E10121416181A1C1E2022"
func.func @large_weight(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x1x1xf32> {
  %w = qc.constant dense_resource<conv_w> : tensor<2x1x3x3xf32>
  %ow = qc.observe %w {id = 0 : i64, scale = array<f32: 5.000000e-02>, spec = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">, zero_point = array<i64: 0>} : tensor<2x1x3x3xf32>
  %0 = qc.conv2d %x, %ow {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}
// The blob holds 0.0, 0.1, ..., 1.7 as f32 (after the 4 alignment bytes).
{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x0400000000000000CDCCCC3DCDCC4C3E9A99993ECDCCCC3E0000003F9A99193F3333333FCDCC4C3F6666663F0000803FCDCC8C3F9A99993F6666A63F3333B33F0000C03FCDCCCC3F9A99D93F"
    }
  }
#-}

// -----

// Fixed output spec: quantize / dequantize with the fixed qparams right after
// the op; every user (the return included) reads the dequantized value.
// CHECK-LABEL: func.func @fixed_output
// CHECK: %[[S:.*]] = qc.sigmoid
// CHECK-NEXT: %[[Q:.*]] = qc.quantize %[[S]] {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 3.906250e-03>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xui8>
// CHECK-NEXT: %[[D:.*]] = qc.dequantize %[[Q]]
// CHECK-NEXT: %[[R:.*]] = qc.relu %[[D]]
// CHECK-NEXT: return %[[R]], %[[D]]
func.func @fixed_output(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = qc.sigmoid %x {qc.output_specs = [#qc.fixed<scale = 0.00390625 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]} : tensor<2xf32>
  %1 = qc.relu %0 : tensor<2xf32>
  return %1, %0 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Fixed input specs: one quantize / dequantize per value, shared by the
// consumers that ask for the same fixed qparams.
// CHECK-LABEL: func.func @fixed_inputs
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT: %[[Q:.*]] = qc.quantize %[[X]] {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.250000e-01>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi8>
// CHECK-NEXT: %[[D:.*]] = qc.dequantize %[[Q]]
// CHECK-NEXT: qc.tanh %[[D]]
// CHECK-NEXT: qc.sigmoid %[[D]]
// CHECK-NOT: qc.quantize
#fixed = #qc.fixed<scale = 0.125 : f32, zero_point = 0, dtype = i8, quant_min = -128, quant_max = 127>
func.func @fixed_inputs(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = qc.tanh %x {qc.input_specs = [#fixed]} : tensor<2xf32>
  %1 = qc.sigmoid %x {qc.input_specs = [#fixed]} : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// A derived bias that is not a constant is quantized at run time (i32), and
// a constant bias far outside the i32 range is clamped.
// CHECK-LABEL: func.func @derived_runtime_bias
// CHECK: %[[B:.*]] = qc.quantize %{{.*}} {quant_max = 2147483647 : i64, quant_min = -2147483648 : i64, scale = array<f32: 2.500000e-01>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi32>
// CHECK: %[[C:.*]] = qc.constant dense<[2147483647, -2147483648]> : tensor<2xi32>
// CHECK-NEXT: qc.dequantize %[[C]] {scale = array<f32: 2.500000e-01>, zero_point = array<i64: 0>}
#bias = #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>
func.func @derived_runtime_bias(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>, %b: tensor<2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %ox = qc.observe %x {id = 0 : i64, scale = array<f32: 5.000000e-01>, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">, zero_point = array<i64: 0>} : tensor<1x2xf32>
  %ow = qc.observe %w {id = 1 : i64, scale = array<f32: 5.000000e-01>, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">, zero_point = array<i64: 0>} : tensor<2x2xf32>
  %0 = qc.linear %ox, %ow, %b {qc.input_specs = [unit, unit, #bias]} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %big = qc.constant dense<[1.0e10, -1.0e10]> : tensor<2xf32>
  %1 = qc.linear %ox, %ow, %big {qc.input_specs = [unit, unit, #bias]} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<1x2xf32>
}
