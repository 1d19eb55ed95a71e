// --qc-dce erases side-effect-free ops whose results are unused, a whole dead
// chain in one run, and keeps everything that reaches the return or has
// effects.
// RUN: qc-opt %s --split-input-file --qc-dce | FileCheck %s

// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT: %[[R:.*]] = qc.relu %arg0
// CHECK-NEXT: return %[[R]]
func.func @dead_chain(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // The constants only feed the dead conv; the conv only feeds a dead relu.
  %w = qc.constant dense<1.0> : tensor<2x2x1x1xf32>
  %b = qc.constant dense<0.5> : tensor<2xf32>
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.relu %0 : tensor<1x2x4x4xf32>
  %2 = qc.relu %x : tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}

// -----

// A value used by a live op, even once of several uses, stays.
// CHECK-LABEL: func.func @live_values
// CHECK: %[[C:.*]] = qc.constant dense<2.000000e+00>
// CHECK-NEXT: %[[M:.*]] = qc.mul %arg0, %[[C]]
// CHECK-NEXT: %[[A:.*]] = qc.add %[[M]], %[[C]]
// CHECK-NEXT: return %[[A]]
func.func @live_values(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = qc.constant dense<2.0> : tensor<4xf32>
  %0 = qc.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qc.sub %0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = qc.add %0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// An op with side effects (a call) stays although its result is unused, and
// so do its operands.
func.func private @sink(tensor<4xf32>) -> tensor<4xf32>

// CHECK-LABEL: func.func @effects
// CHECK: %[[R:.*]] = qc.relu %arg0
// CHECK-NEXT: call @sink(%[[R]])
// CHECK-NEXT: return %arg0
func.func @effects(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qc.relu %x : tensor<4xf32>
  %1 = func.call @sink(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = qc.sigmoid %x : tensor<4xf32>
  return %x : tensor<4xf32>
}
