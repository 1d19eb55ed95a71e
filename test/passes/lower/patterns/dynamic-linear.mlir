// RUN: qc-opt %s --qc-lower-to-integer="patterns=dynamic-linear" --split-input-file | FileCheck %s

// A dynamically quantized linear (per-channel weights, float bias) becomes
// qc.dynamic_qlinear on the float input: the int8 weight constant and its
// scales move into the op, the dynamic_fake_quant and the dequantize go.
// CHECK-LABEL: func.func @linear_per_channel_bias
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-DAG: %[[W:.*]] = qc.constant {{.*}} : tensor<3x8xi8>
// CHECK-DAG: %[[B:.*]] = qc.constant {{.*}} : tensor<3xf32>
// CHECK: %[[Y:.*]] = qc.dynamic_qlinear %[[X]], %[[W]], %[[B]] {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64
// CHECK-SAME: weight_scale = array<f32: 0.00999999977, 2.000000e-02, 4.000000e-02>}
// CHECK-SAME: (tensor<4x8xf32>, tensor<3x8xi8>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-NOT: qc.dynamic_fake_quant
// CHECK-NOT: qc.dequantize
// CHECK-NOT: qc.linear
// CHECK: return %[[Y]]
func.func @linear_per_channel_bias(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %xq = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4x8xf32>
  %w = qc.constant dense<5> : tensor<3x8xi8>
  %wf = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.04>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x8xi8>) -> tensor<3x8xf32>
  %b = qc.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %y = qc.linear %xq, %wf, %b : (tensor<4x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// A matmul of a 3-D activation by a [K, N] weight, per channel along N,
// per-token s8: the weight is transposed to [N, K] (the op's layout).
// CHECK-LABEL: func.func @matmul_per_token
// CHECK: %[[W:.*]] = qc.constant dense<{{\[}}[1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
// CHECK: qc.dynamic_qlinear %{{.*}}, %[[W]] {dtype = i8, per_token = true, quant_max = 127 : i64, quant_min = -128 : i64, weight_scale = array<f32: 1.000000e-01, 2.000000e-01>}
// CHECK-SAME: (tensor<2x5x3xf32>, tensor<2x3xi8>) -> tensor<2x5x2xf32>
// CHECK-NOT: qc.matmul
func.func @matmul_per_token(%x: tensor<2x5x3xf32>) -> tensor<2x5x2xf32> {
  %xq = qc.dynamic_fake_quant %x {dtype = i8, per_token = true, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<2x5x3xf32>
  %w = qc.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wf = qc.dequantize %w {axis = 1 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<3x2xi8>) -> tensor<3x2xf32>
  %y = qc.matmul %xq, %wf : (tensor<2x5x3xf32>, tensor<3x2xf32>) -> tensor<2x5x2xf32>
  return %y : tensor<2x5x2xf32>
}

// -----

// One dynamic_fake_quant shared by two linears (q / k projections): each
// becomes a qc.dynamic_qlinear; the fake quant goes with its last user.
// CHECK-LABEL: func.func @shared_input
// CHECK-COUNT-2: qc.dynamic_qlinear %arg0
// CHECK-NOT: qc.dynamic_fake_quant
func.func @shared_input(%x: tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %xq = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<2x4xf32>
  %w = qc.constant dense<1> : tensor<2x4xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  %a = qc.linear %xq, %wf : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x2xf32>
  %b = qc.linear %xq, %wf : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x2xf32>
  return %a, %b : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// Forms that do not fit stay as they are (and still run): an asymmetric
// weight, a weight that is not a constant, a non-constant bias.
// CHECK-LABEL: func.func @not_matched
// CHECK-NOT: qc.dynamic_qlinear
// CHECK-COUNT-3: qc.linear
func.func @not_matched(%x: tensor<2x4xf32>, %v: tensor<2x4xf32>, %bias: tensor<2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %xq = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<2x4xf32>
  %w = qc.constant dense<1> : tensor<2x4xi8>
  %wa = qc.dequantize %w {scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  %a = qc.linear %xq, %wa : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x2xf32>
  %b = qc.linear %xq, %v : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x2xf32>
  %ws = qc.dequantize %w {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  %c = qc.linear %xq, %ws, %bias : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %a, %b, %c : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}
