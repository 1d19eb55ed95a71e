// The 'max-pool' pattern of qc-lower-to-integer alone, on one instance of
// every fused form (../Inputs/all-forms.mlir): dq(x) -> max_pool2d -> q with the same qparams becomes qc.qmax_pool2d.
// No other form is lowered (no other integer op appears).
// RUN: qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=max-pool" | FileCheck %s --implicit-check-not='qc.q{{conv2d|linear|add|mul|max_pool2d|avg_pool2d|lut|requantize}} '

// CHECK-LABEL: func.func @all_forms
// CHECK: %[[Y:.*]] = qc.qmax_pool2d %arg0 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
// CHECK-NOT: qc.max_pool2d
// CHECK: qc.global_avg_pool2d
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]],
