// The 'linear' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(v), dq(w) -> linear -> q becomes qc.qlinear (no bias).
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=linear" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: qc.conv2d
// CHECK: %[[Y:.*]] = qc.qlinear %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 5.000000e-01 : f32, input_zero_point = 128 : i64
// CHECK-SAME: (tensor<2x4xui8>, tensor<3x4xi8>) -> tensor<2x3xui8>
// CHECK-NOT: qc.linear
// CHECK: return %{{.*}}, %[[Y]],
