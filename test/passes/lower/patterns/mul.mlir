// The 'mul' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(a), dq(b) -> mul -> q becomes qc.qmul.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=mul" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: qc.add
// CHECK: %[[Y:.*]] = qc.qmul %arg2, %arg3 {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 2.000000e-02 : f32, {{.*}}output_scale = 0.00999999977 : f32, output_zero_point = -5 : i64
// CHECK-NOT: qc.mul
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]],
