// The 'requantize' pattern of qc-lower-to-integer alone: dq(x) [-> relu |
// clamp] -> q where x or the result is int16 becomes qc.qrequantize; on every
// 8-bit fused form (../Inputs/all-forms.mlir) nothing is lowered (an 8-bit
// change of qparams is the 'lut' pattern's table).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=requantize" | FileCheck %s --check-prefix=EIGHT --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '
// RUN: qc-opt %s --qc-lower-to-integer="patterns=requantize" | FileCheck %s

// EIGHT-LABEL: func.func @all_forms

// CHECK-LABEL: func.func @relu16
// CHECK-NEXT: %[[U:.*]] = qc.qrequantize %arg0 {clamp_max = 32767 : i64, clamp_min = 0 : i64, input_scale = 1.000000e-01 : f32, input_zero_point = 5 : i64, output_scale = 1.000000e-03 : f32, output_zero_point = 0 : i64} : (tensor<4xui8>) -> tensor<4xi16>
// CHECK-NEXT: %[[V:.*]] = qc.qrequantize %[[U]] {clamp_max = 30 : i64, clamp_min = -128 : i64, input_scale = 1.000000e-03 : f32, input_zero_point = 0 : i64, output_scale = 2.000000e-01 : f32, output_zero_point = 0 : i64} : (tensor<4xi16>) -> tensor<4xi8>
// CHECK-NEXT: return %[[V]]
func.func @relu16(%x: tensor<4xui8>) -> tensor<4xi8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i64: 5>} : (tensor<4xui8>) -> tensor<4xf32>
  %r = qc.relu %xf : tensor<4xf32>
  %q16 = qc.quantize %r {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi16>
  %f16 = qc.dequantize %q16 {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<4xi16>) -> tensor<4xf32>
  %c = qc.clamp %f16 {max = 6.0 : f32, min = -100.0 : f32} : tensor<4xf32>
  %q8 = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.2>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  return %q8 : tensor<4xi8>
}
