// The 'avg-pool' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(x) -> global_avg_pool2d -> q becomes qc.qavg_pool2d over the whole 4x4 plane.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=avg-pool" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: qc.max_pool2d
// CHECK: %[[Y:.*]] = qc.qavg_pool2d %arg0 {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 5.000000e-02 : f32, input_zero_point = 3 : i64, kernel = array<i64: 4, 4>, output_scale = 2.000000e-02 : f32, output_zero_point = 5 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x1x1xui8>
// CHECK-NOT: qc.global_avg_pool2d
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]],
