// qc.qadd takes equal shapes only: a dynamic batch against a constant of
// batch 1 broadcasts whenever the batch is not 1, so that add stays a Q/DQ
// float add (it used to become a qc.qadd that the executor refused at batch 5
// on the OCR model: "operands must have the same shape, got (5, 32, 64) and
// (1, 32, 64)"). Equal dynamic shapes still lower.
// RUN: qc-opt %s --qc-lower-to-integer | FileCheck %s

// CHECK-LABEL: func.func @dynamic_vs_one
// CHECK-NOT: qc.qadd
// CHECK: qc.add {{.*}} : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
func.func @dynamic_vs_one(%a: tensor<?x4xi8>, %b: tensor<1x4xi8>) -> tensor<?x4xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<?x4xi8>) -> tensor<?x4xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -2>} : (tensor<1x4xi8>) -> tensor<1x4xf32>
  %s = qc.add %af, %bf : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %q = qc.quantize %s {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.04>, zero_point = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<?x4xi8>
  return %q : tensor<?x4xi8>
}

// CHECK-LABEL: func.func @dynamic_both
// CHECK: qc.qadd {{.*}} : (tensor<?x4xi8>, tensor<?x4xi8>) -> tensor<?x4xi8>
func.func @dynamic_both(%a: tensor<?x4xi8>, %b: tensor<?x4xi8>) -> tensor<?x4xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<?x4xi8>) -> tensor<?x4xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -2>} : (tensor<?x4xi8>) -> tensor<?x4xf32>
  %s = qc.add %af, %bf : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %q = qc.quantize %s {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.04>, zero_point = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<?x4xi8>
  return %q : tensor<?x4xi8>
}
