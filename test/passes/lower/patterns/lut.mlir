// The 'lut' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(a) -> sigmoid -> q becomes a 256-entry qc.qlut computed by the reference executor.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=lut" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: qc.conv2d
// CHECK: %[[Y:.*]] = qc.qlut %arg2 {function = "sigmoid", table = array<i32: -119, -119, -119, -119, -119, -118,
// CHECK-SAME: (tensor<1x8xi8>) -> tensor<1x8xi8>
// CHECK-NOT: qc.sigmoid
// CHECK: return {{.*}}, %[[Y]] :
