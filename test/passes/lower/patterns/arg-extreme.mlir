// RUN: qc-opt %s --qc-lower-to-integer="patterns=arg-extreme" --split-input-file | FileCheck %s

// ArgMax of a dequantized ui8 tensor reads the ui8 tensor; the dequantize
// goes (nothing else reads it).
// CHECK-LABEL: func.func @argmax_ui8
// CHECK-SAME: (%[[X:.*]]: tensor<2x10xui8>)
// CHECK-NOT: qc.dequantize
// CHECK: %[[I:.*]] = qc.arg_max %[[X]] {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x10xui8>) -> tensor<2xi64>
// CHECK: return %[[I]]
func.func @argmax_ui8(%x: tensor<2x10xui8>) -> tensor<2xi64> {
  %f = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x10xui8>) -> tensor<2x10xf32>
  %i = qc.arg_max %f {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x10xf32>) -> tensor<2xi64>
  return %i : tensor<2xi64>
}

// -----

// ArgMin of an i8 tensor whose dequantize has another user: the dequantize
// stays for it.
// CHECK-LABEL: func.func @argmin_i8_shared
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xi8>)
// CHECK: %[[F:.*]] = qc.dequantize %[[X]]
// CHECK: %[[I:.*]] = qc.arg_min %[[X]] {{.*}} : (tensor<3x4xi8>) -> tensor<1x4xi64>
// CHECK: return %[[I]], %[[F]]
func.func @argmin_i8_shared(%x: tensor<3x4xi8>) -> (tensor<1x4xi64>, tensor<3x4xf32>) {
  %f = qc.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<3x4xi8>) -> tensor<3x4xf32>
  %i = qc.arg_min %f {axis = 0 : i64, keepdims = true, select_last_index = true} : (tensor<3x4xf32>) -> tensor<1x4xi64>
  return %i, %f : tensor<1x4xi64>, tensor<3x4xf32>
}

// -----

// Not lowered: per-channel qparams (codes of different channels are not
// comparable), a scale whose products overflow float (distinct codes could
// both become inf), and a float input that is not dequantized.
// CHECK-LABEL: func.func @kept
// CHECK: %[[P:.*]] = qc.dequantize %arg0 {axis = 1
// CHECK: qc.arg_max %[[P]]
// CHECK: %[[H:.*]] = qc.dequantize %arg1
// CHECK: qc.arg_max %[[H]]
// CHECK: qc.arg_min %arg2
func.func @kept(%x: tensor<2x3xi8>, %y: tensor<4xui8>, %z: tensor<4xf32>) -> (tensor<2xi64>, tensor<i64>, tensor<i64>) {
  %p = qc.dequantize %x {axis = 1 : i64, scale = array<f32: 0.1, 0.2, 0.3>, zero_point = array<i64: 0, 0, 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %a = qc.arg_max %p {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  %h = qc.dequantize %y {scale = array<f32: 1.0e+37>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32>
  %b = qc.arg_max %h {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<4xf32>) -> tensor<i64>
  %c = qc.arg_min %z {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<4xf32>) -> tensor<i64>
  return %a, %b, %c : tensor<2xi64>, tensor<i64>, tensor<i64>
}
