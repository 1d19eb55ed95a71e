// A plugin's error about one node is reported at that op.
// RUN: not qc-opt %s --qc-annotate="quantizer=greedy,fail_on=fc plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" 2>&1 | FileCheck %s

func.func @main(%x: tensor<1x16xf32>) -> tensor<1x8xf32> {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  // CHECK: error: loc("fc"): quantizer 'greedy': op 'fc' (linear): greedy refuses to annotate this op
  %l = qc.linear %x, %w : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32> loc("fc")
  return %l : tensor<1x8xf32>
}
