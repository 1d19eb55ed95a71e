// --qc-shape-inference binds function arguments by name (the qc.name
// argument attribute, else argN), re-infers every qc op in program order and
// updates the function type. Every function here has an argument named
// "input" (rank 4) and one named "arg1" (rank 2).
// RUN: qc-opt %s --split-input-file --qc-shape-inference="input-shapes=input:2,3,8,8;arg1:2,10" | FileCheck %s
// Without bindings the pass only re-infers: dynamic dims stay dynamic.
// RUN: qc-opt %s --split-input-file --qc-shape-inference | FileCheck %s --check-prefix=NOBIND

// CHECK-LABEL: func.func @bind_by_name
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32> {qc.name = "input"}, %[[Y:.*]]: tensor<2x10xf32>)
// CHECK-SAME: -> (tensor<2x4x4x4xf32>, tensor<2x10xf32>)
// CHECK: %[[C:.*]] = qc.conv2d %[[X]], {{.*}} -> tensor<2x4x4x4xf32>
// CHECK: %[[R:.*]] = qc.relu %[[C]] : tensor<2x4x4x4xf32>
// CHECK: %[[L:.*]] = qc.linear %[[Y]], {{.*}} -> tensor<2x10xf32>
// CHECK: return %[[R]], %[[L]] : tensor<2x4x4x4xf32>, tensor<2x10xf32>
// NOBIND-LABEL: func.func @bind_by_name
// NOBIND-SAME: (%{{.*}}: tensor<?x3x?x?xf32> {qc.name = "input"}, %{{.*}}: tensor<?x10xf32>)
// NOBIND-SAME: -> (tensor<?x4x?x?xf32>, tensor<?x10xf32>)
func.func @bind_by_name(%x: tensor<?x3x?x?xf32> {qc.name = "input"}, %y: tensor<?x10xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?xf32>) {
  %w = qc.constant dense<1.0> : tensor<4x3x3x3xf32>
  %lw = qc.constant dense<0.5> : tensor<10x10xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.relu %0 : tensor<?x?x?x?xf32>
  %2 = qc.linear %y, %lw : (tensor<?x10xf32>, tensor<10x10xf32>) -> tensor<?x?xf32>
  return %1, %2 : tensor<?x?x?x?xf32>, tensor<?x?xf32>
}

// -----

// Names come from qc.name, not positions (argument 0 is "arg1" here); a
// static dimension that agrees with the binding is fine.
// CHECK-LABEL: func.func @names_over_positions
// CHECK-SAME: (%{{.*}}: tensor<2x10xf32> {qc.name = "arg1"}, %{{.*}}: tensor<2x3x8x8xf32> {qc.name = "input"})
// CHECK-SAME: -> tensor<2x10xf32>
func.func @names_over_positions(%a: tensor<?x10xf32> {qc.name = "arg1"}, %b: tensor<2x3x?x8xf32> {qc.name = "input"})
    -> tensor<?x10xf32> {
  %0 = qc.relu %a : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// A result type more precise than the rule derives (here a reshape of a
// dynamic input, whose type came from the model) keeps its static dims.
// CHECK-LABEL: func.func @keeps_refined_result
// CHECK-SAME: -> (tensor<96x4xf32>, tensor<5x4xf32>)
// CHECK: qc.reshape {{.*}} -> tensor<96x4xf32>
// CHECK: qc.reshape {{.*}} -> tensor<5x4xf32>
// NOBIND-LABEL: func.func @keeps_refined_result
// NOBIND: qc.reshape {{.*}} -> tensor<?x4xf32>
// NOBIND: qc.reshape {{.*}} -> tensor<5x4xf32>
// NOBIND: qc.relu {{.*}} : tensor<5x4xf32>
// NOBIND: return {{.*}} : tensor<?x4xf32>, tensor<5x4xf32>
func.func @keeps_refined_result(%input: tensor<?x3x?x?xf32> {qc.name = "input"}, %arg1: tensor<?x10xf32>)
    -> (tensor<?x?xf32>, tensor<5x4xf32>) {
  %0 = qc.reshape %input {shape = array<i64: -1, 4>} : (tensor<?x3x?x?xf32>) -> tensor<?x?xf32>
  %1 = qc.reshape %arg1 {shape = array<i64: -1, 4>} : (tensor<?x10xf32>) -> tensor<5x4xf32>
  %2 = qc.relu %1 : tensor<5x4xf32>
  return %0, %2 : tensor<?x?xf32>, tensor<5x4xf32>
}

// -----

// Quantization ops keep their operand's shape: the binding reaches through
// quantize / dequantize (and the elementwise integer ops) to the result, as
// `qc compile --input-shape` needs for a dynamic-batch Q/DQ program.
// CHECK-LABEL: func.func @through_qdq
// CHECK-SAME: -> tensor<2x3x8x8xf32>
// CHECK: qc.quantize {{.*}} -> tensor<2x3x8x8xui8>
// CHECK: qc.qlut {{.*}} -> tensor<2x3x8x8xui8>
// CHECK: qc.dequantize {{.*}} -> tensor<2x3x8x8xf32>
// CHECK: qc.relu {{.*}} : tensor<2x3x8x8xf32>
// NOBIND-LABEL: func.func @through_qdq
// NOBIND-SAME: -> tensor<?x3x8x8xf32>
func.func @through_qdq(%x: tensor<?x3x8x8xf32> {qc.name = "input"}, %y: tensor<?x10xf32>) -> tensor<?x3x8x8xf32> {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 3>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xui8>
  %t = qc.qlut %q {function = "identity", table = array<i32: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255>} : (tensor<?x3x8x8xui8>) -> tensor<?x3x8x8xui8>
  %d = qc.dequantize %t {scale = array<f32: 0.1>, zero_point = array<i64: 3>} : (tensor<?x3x8x8xui8>) -> tensor<?x3x8x8xf32>
  %r = qc.relu %d : tensor<?x3x8x8xf32>
  return %r : tensor<?x3x8x8xf32>
}
