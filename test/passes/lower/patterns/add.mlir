// The 'add' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(a), dq(b) -> add -> q becomes qc.qadd.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=add" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: %[[Y:.*]] = qc.qadd %arg2, %arg3 {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 2.000000e-02 : f32, lhs_zero_point = 3 : i64, output_scale = 4.000000e-02 : f32, output_zero_point = 0 : i64, rhs_scale = 5.000000e-02 : f32, rhs_zero_point = -2 : i64}
// CHECK-NOT: qc.add
// CHECK: qc.mul
// CHECK: return %{{.*}}, %{{.*}}, %[[Y]],
