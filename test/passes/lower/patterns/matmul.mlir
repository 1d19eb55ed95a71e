// The 'matmul' pattern of qc-lower-to-integer: dq(a), dq(b i8 zero point 0)
// -> matmul [-> relu] -> q of two run-time tensors (attention's QK^T, AV)
// becomes qc.qmatmul; other forms keep their Q/DQ ops.
// RUN: qc-opt %s --split-input-file --qc-lower-to-integer="patterns=matmul" | FileCheck %s

// Attention scores: per-head Q [1, 2, 5, 4] times K^T [1, 2, 4, 5].
// CHECK-LABEL: func.func @scores
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x2x5x4xui8>, %[[K:.*]]: tensor<1x2x4x5xi8>)
// CHECK:       %[[S:.*]] = qc.qmatmul %[[Q]], %[[K]] {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 5.000000e-02 : f32, lhs_zero_point = 120 : i64, output_scale = 1.000000e-01 : f32, output_zero_point = 100 : i64, rhs_scale = 2.500000e-02 : f32} : (tensor<1x2x5x4xui8>, tensor<1x2x4x5xi8>) -> tensor<1x2x5x5xui8>
// CHECK-NOT:   qc.matmul
// CHECK:       return %[[S]]
func.func @scores(%q: tensor<1x2x5x4xui8>, %k: tensor<1x2x4x5xi8>) -> tensor<1x2x5x5xui8> {
  %qf = qc.dequantize %q {scale = array<f32: 0.05>, zero_point = array<i64: 120>} : (tensor<1x2x5x4xui8>) -> tensor<1x2x5x4xf32>
  %kf = qc.dequantize %k {scale = array<f32: 0.025>, zero_point = array<i64: 0>} : (tensor<1x2x4x5xi8>) -> tensor<1x2x4x5xf32>
  %s = qc.matmul %qf, %kf : (tensor<1x2x5x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x2x5x5xf32>
  %sq = qc.quantize %s {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 100>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xui8>
  return %sq : tensor<1x2x5x5xui8>
}

// -----

// s8 activations (xnnpack), rank 2, relu fused into the clamp range.
// CHECK-LABEL: func.func @relu
// CHECK:       qc.qmatmul %arg0, %arg1 {clamp_max = 127 : i64, clamp_min = -3 : i64, lhs_scale = 2.000000e-02 : f32, lhs_zero_point = -7 : i64, {{.*}}output_zero_point = -3 : i64, rhs_scale = 3.000000e-02 : f32} : (tensor<3x8xi8>, tensor<8x6xi8>) -> tensor<3x6xi8>
// CHECK-NOT:   qc.relu
func.func @relu(%a: tensor<3x8xi8>, %b: tensor<8x6xi8>) -> tensor<3x6xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: -7>} : (tensor<3x8xi8>) -> tensor<3x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.03>, zero_point = array<i64: 0>} : (tensor<8x6xi8>) -> tensor<8x6xf32>
  %m = qc.matmul %af, %bf : (tensor<3x8xf32>, tensor<8x6xf32>) -> tensor<3x6xf32>
  %r = qc.relu %m : tensor<3x6xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: -3>} : (tensor<3x6xf32>) -> tensor<3x6xi8>
  return %q : tensor<3x6xi8>
}

// -----

// Not lowered: an asymmetric rhs (int8_attention=0 gives both inputs the
// activation spec), and an rhs broadcast over the lhs batch.
// CHECK-LABEL: func.func @not_lowered
// CHECK-NOT:   qc.qmatmul
// CHECK:       qc.matmul
// CHECK:       qc.matmul
// CHECK-NOT:   qc.qmatmul
func.func @not_lowered(%a: tensor<2x3x8xui8>, %b: tensor<2x8x6xui8>, %c: tensor<8x6xi8>) -> (tensor<2x3x6xui8>, tensor<2x3x6xui8>) {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 7>} : (tensor<2x3x8xui8>) -> tensor<2x3x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.03>, zero_point = array<i64: 128>} : (tensor<2x8x6xui8>) -> tensor<2x8x6xf32>
  %m = qc.matmul %af, %bf : (tensor<2x3x8xf32>, tensor<2x8x6xf32>) -> tensor<2x3x6xf32>
  %q = qc.quantize %m {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x3x6xf32>) -> tensor<2x3x6xui8>
  %cf = qc.dequantize %c {scale = array<f32: 0.03>, zero_point = array<i64: 0>} : (tensor<8x6xi8>) -> tensor<8x6xf32>
  %m2 = qc.matmul %af, %cf : (tensor<2x3x8xf32>, tensor<8x6xf32>) -> tensor<2x3x6xf32>
  %q2 = qc.quantize %m2 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x3x6xf32>) -> tensor<2x3x6xui8>
  return %q, %q2 : tensor<2x3x6xui8>, tensor<2x3x6xui8>
}
