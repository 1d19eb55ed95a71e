// `qc export-onnx` errors: a reduced quantize range (QuantizeLinear has no
// quant_min / quant_max) and an op of the integer form (every op the importer
// makes is exported: ctest conformance.onnx_export).

// RUN: split-file %s %t
// RUN: not qc export-onnx %t/reduced.mlir -o %t/r.onnx 2>&1 | FileCheck %s --check-prefix=REDUCED
// REDUCED: qc: error: {{.*}}reduced.mlir:2:8: ONNX export: quantize range [0, 127] is not the full 'ui8' range; QuantizeLinear has no quant_min / quant_max, so a reduced range (e.g. reduce_range) cannot be exported
// RUN: not qc export-onnx %t/unsupported.mlir -o %t/u.onnx 2>&1 | FileCheck %s --check-prefix=NOEXPORT
// NOEXPORT: qc: error: {{.*}}unsupported.mlir:2:8: ONNX export: op 'qc.qadd' has no ONNX export (it is an op of qc's integer form, made by --lower-to-integer or the compiler: export the Q/DQ program, the output of qc quantize without --lower-to-integer)

//--- reduced.mlir
func.func @main(%arg0: tensor<1x4xf32> {qc.name = "x"}) -> (tensor<1x4xf32> {qc.name = "y"}) {
  %0 = qc.quantize %arg0 {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x4xf32>) -> tensor<1x4xui8>
  %1 = qc.dequantize %0 {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x4xui8>) -> tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

//--- unsupported.mlir
func.func @main(%arg0: tensor<1x4xui8> {qc.name = "x"}) -> (tensor<1x4xui8> {qc.name = "y"}) {
  %0 = qc.qadd %arg0, %arg0 {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.2 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<1x4xui8>, tensor<1x4xui8>) -> tensor<1x4xui8>
  return %0 : tensor<1x4xui8>
}
