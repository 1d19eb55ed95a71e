// RUN: qc-opt %s --qc-lower-to-integer="patterns=data-movement" --split-input-file | FileCheck %s

// reduce_max / reduce_min between a dequantize and a quantize with the same
// qparams (the built-in quantizers share them) reduce the codes: the
// largest code is the largest value.
// CHECK-LABEL: func.func @reduce_max_ui8
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3x3xui8>)
// CHECK-NOT: qc.dequantize
// CHECK: %[[Y:.*]] = qc.reduce_max %[[X]] {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x4x3x3xui8>) -> tensor<1x4x1x1xui8>
// CHECK-NOT: qc.quantize
// CHECK: return %[[Y]]
func.func @reduce_max_ui8(%x: tensor<1x4x3x3xui8>) -> tensor<1x4x1x1xui8> {
  %f = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x4x3x3xui8>) -> tensor<1x4x3x3xf32>
  %m = qc.reduce_max %f {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x1xf32>
  %q = qc.quantize %m {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xui8>
  return %q : tensor<1x4x1x1xui8>
}

// -----

// i8, reduce_min, other output qparams: the input is requantized first
// (requantize is increasing, so min and requantize commute).
// CHECK-LABEL: func.func @reduce_min_requantized
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xi8>)
// CHECK: %[[R:.*]] = qc.qrequantize %[[X]]
// CHECK: %[[Y:.*]] = qc.reduce_min %[[R]] {axes = array<i64: -1>, keepdims = false} : (tensor<2x5xi8>) -> tensor<2xi8>
// CHECK: return %[[Y]]
func.func @reduce_min_requantized(%x: tensor<2x5xi8>) -> tensor<2xi8> {
  %f = qc.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x5xi8>) -> tensor<2x5xf32>
  %m = qc.reduce_min %f {axes = array<i64: -1>, keepdims = false} : (tensor<2x5xf32>) -> tensor<2xf32>
  %q = qc.quantize %m {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.2>, zero_point = array<i64: 1>} : (tensor<2xf32>) -> tensor<2xi8>
  return %q : tensor<2xi8>
}

// -----

// Not lowered: a sum (not one of the input elements), an int16 reduction.
// CHECK-LABEL: func.func @kept
// CHECK: qc.reduce_sum %{{.*}} : (tensor<2x5xf32>) -> tensor<2xf32>
// CHECK: qc.reduce_max %{{.*}} : (tensor<2x5xf32>) -> tensor<2xf32>
func.func @kept(%x: tensor<2x5xi8>, %y: tensor<2x5xi16>) -> (tensor<2xi8>, tensor<2xi16>) {
  %f = qc.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x5xi8>) -> tensor<2x5xf32>
  %s = qc.reduce_sum %f {axes = array<i64: 1>, keepdims = false} : (tensor<2x5xf32>) -> tensor<2xf32>
  %q = qc.quantize %s {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi8>
  %g = qc.dequantize %y {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x5xi16>) -> tensor<2x5xf32>
  %m = qc.reduce_max %g {axes = array<i64: 1>, keepdims = false} : (tensor<2x5xf32>) -> tensor<2xf32>
  %r = qc.quantize %m {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi16>
  return %q, %r : tensor<2xi8>, tensor<2xi16>
}
