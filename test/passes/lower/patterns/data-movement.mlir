// The 'data-movement' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(x) -> flatten -> q with the same qparams becomes a flatten of the integer tensor (no requantize).
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=data-movement" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: %[[Y:.*]] = qc.flatten %arg0 {axis = 1 : i64} : (tensor<1x2x4x4xui8>) -> tensor<1x32xui8>
// CHECK: qc.sigmoid
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]],
