// A plugin's dynamic specs: on the activation of a linear they work like the
// built-in quantizers' dynamic=1 (no observer, qc.dynamic_fake_quant, no
// calibration data needed); on any other op they are an error naming the
// plugin and the op (annotate-plugin-dynamic-error.mlir).
// RUN: qc-opt %s --split-input-file --qc-ptq="quantizer=greedy,dynamic=1 plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" 2>&1 | FileCheck %s

// CHECK-LABEL: func.func @linear
// CHECK-NOT:   qc.observe
// CHECK:       qc.dynamic_fake_quant %arg0 {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<1x16xf32>
// CHECK:       qc.linear
func.func @linear(%x: tensor<1x16xf32>) -> tensor<1x8xf32> {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  %l = qc.linear %x, %w : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32> loc("fc")
  return %l : tensor<1x8xf32>
}
