// The 'conv2d' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(x), dq(w), dq(b) -> conv2d -> relu -> q becomes qc.qconv2d; relu is the clamp range.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=conv2d" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: %[[Y:.*]] = qc.qconv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 7 : i64
// CHECK-SAME: weight_scale = array<f32: 0.00999999977, 2.000000e-02, 4.000000e-02>
// CHECK-SAME: -> tensor<1x3x4x4xui8>
// CHECK-NOT: qc.conv2d
// CHECK-NOT: qc.relu
// CHECK: qc.linear
// CHECK: return %[[Y]],
