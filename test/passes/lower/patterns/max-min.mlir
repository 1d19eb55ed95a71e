// The 'max-min' pattern of qc-lower-to-integer alone: dq(a), dq(b) -> max |
// min -> q becomes qc.qmax / qc.qmin. Operands in the output's qparams are
// used as they are; one in other qparams (or type) is first mapped by a
// 256-entry requantize table; broadcasting is kept. A fused relu, a
// per-channel quantize or a float operand leave the form as it is.
// RUN: qc-opt %s --split-input-file --qc-lower-to-integer="patterns=max-min" | FileCheck %s

// CHECK-LABEL: func.func @shared
// CHECK-NEXT: %[[Y:.*]] = qc.qmax %arg0, %arg1 : (tensor<1x2x4x4xi8>, tensor<1x2x1x1xi8>) -> tensor<1x2x4x4xi8>
// CHECK-NEXT: return %[[Y]]
func.func @shared(%a: tensor<1x2x4x4xi8>, %b: tensor<1x2x1x1xi8>) -> tensor<1x2x4x4xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x1xi8>) -> tensor<1x2x1x1xf32>
  %m = qc.max %af, %bf : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %q = qc.quantize %m {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8>
  return %q : tensor<1x2x4x4xi8>
}

// -----

// b is u8 in other qparams: q(dq(b)) as a table (code 0 is -1.0, below the
// output's range: the table's first entry is the output's qmin, -128).
// CHECK-LABEL: func.func @requantized
// CHECK-NEXT: %[[T:.*]] = qc.qlut %arg1 {function = "requantize", table = array<i32: -128,
// CHECK-SAME: : (tensor<1x8xui8>) -> tensor<1x8xi8>
// CHECK-NEXT: %[[Y:.*]] = qc.qmin %arg0, %[[T]] : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
// CHECK-NEXT: return %[[Y]]
func.func @requantized(%a: tensor<1x8xi8>, %b: tensor<1x8xui8>) -> tensor<1x8xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.005>, zero_point = array<i64: 0>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.01>, zero_point = array<i64: 100>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %m = qc.min %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %q = qc.quantize %m {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.005>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}

// -----

// A reduced output range: an operand in the output's qparams whose values
// could exceed it goes through a table too (the quantize would clamp).
// CHECK-LABEL: func.func @reduced_range
// CHECK-NEXT: %[[T:.*]] = qc.qlut %arg0 {function = "requantize"
// CHECK-NEXT: %[[U:.*]] = qc.qlut %arg1 {function = "requantize"
// CHECK-NEXT: qc.qmax %[[T]], %[[U]]
func.func @reduced_range(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %af = qc.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32>
  %m = qc.max %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = qc.quantize %m {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----

// Not matched: a relu after the max, and a float operand.
// CHECK-LABEL: func.func @not_matched
// CHECK-NOT: qc.qmax
// CHECK: qc.max
// CHECK: qc.relu
// CHECK: qc.max
// CHECK-NOT: qc.qmax
func.func @not_matched(%a: tensor<4xui8>, %b: tensor<4xui8>, %f: tensor<4xf32>) -> (tensor<4xui8>, tensor<4xui8>) {
  %af = qc.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32>
  %m = qc.max %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = qc.relu %m : tensor<4xf32>
  %q = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8>
  %m2 = qc.max %af, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q2 = qc.quantize %m2 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8>
  return %q, %q2 : tensor<4xui8>, tensor<4xui8>
}
