// Composition: x86 annotates the conv, then the test plugin "greedy"
// (test/unit/quantizer_api/plugins) overwrites it -> conflict naming the op
// and both quantizers. The other order composes (greedy first, x86 fills in).
// RUN: qc-opt %s --qc-annotate="quantizer=x86;greedy plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" -verify-diagnostics
// With the model's node name (an ONNX import puts it in the location):
// RUN: sed -e 's/-> tensor<1x4x8x8xf32>$/-> tensor<1x4x8x8xf32> loc("conv1")/' %s > %t.mlir
// RUN: not qc-opt %t.mlir --qc-annotate="quantizer=x86;greedy plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" 2>&1 | FileCheck %s --check-prefix=NAMED
// RUN: qc-opt %s --qc-annotate="quantizer=greedy;x86 plugins=%qc_obj_root/test/quantizer-plugins/qc_test_greedy.so" | FileCheck %s

// CHECK: qc.conv2d {{.*}}qc.annotated_by = "greedy"
// CHECK: qc.sigmoid {{.*}}qc.annotated_by = "x86"
// NAMED: error: loc("conv1"): op 'conv1' (conv2d) is annotated differently by quantizer 'x86' and quantizer 'greedy': input 0:
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  // expected-error@+1 {{op conv2d #1 is annotated differently by quantizer 'x86' and quantizer 'greedy': input 0: 'x86' gives #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">, 'greedy' gives #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">}}
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %s = qc.sigmoid %c : tensor<1x4x8x8xf32>
  return %s : tensor<1x4x8x8xf32>
}
