// Annotations already in the IR (by hand, or by an earlier qc-annotate) are
// kept and protected; the quantizers fill in the rest. Running the pass twice
// changes nothing the second time.
// RUN: qc-opt %s --qc-annotate="quantizer=x86" | FileCheck %s
// RUN: qc-opt %s --qc-annotate="quantizer=x86" -o %t.once.mlir
// RUN: qc-opt %t.once.mlir --qc-annotate="quantizer=x86" -o %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir

// The hand-written annotation stays (the conv is not fused with the relu);
// the relu shares the conv's s8 output spec rather than requantizing.
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.annotated_by = "manual", qc.input_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">, #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">], qc.output_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.annotated_by = "x86", qc.input_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">], qc.output_specs = [#qc.shared<input = 0>]
// An annotation without qc.annotated_by is attributed to the input IR.
// CHECK-NEXT: qc.sigmoid
// CHECK-SAME:   qc.annotated_by = "the input IR", qc.input_specs = [unit], qc.output_specs = [unit]
func.func @main(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, qc.annotated_by = "manual", qc.input_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">, #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">], qc.output_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  %s = qc.sigmoid %c {qc.input_specs = [unit]} : tensor<1x4x8x8xf32>
  return %r, %s : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
