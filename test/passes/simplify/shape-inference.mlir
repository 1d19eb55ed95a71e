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
