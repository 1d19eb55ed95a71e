// Resource blobs get keys that print and parse back, whatever name they are
// made from (here the ONNX-style node name of a folded op).
// RUN: qc-opt %s --qc-fold-constants | qc-opt | FileCheck %s

// CHECK-LABEL: func.func @folded
// CHECK: qc.constant dense_resource<_node_Transpose.0$x> : tensor<5x4xf32>
// CHECK: _node_Transpose.0$x: "0x
func.func @folded() -> tensor<5x4xf32> {
  %0 = qc.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]]> : tensor<4x5xf32>
  %1 = qc.transpose %0 {perm = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32> loc("/node/Transpose.0$x")
  return %1 : tensor<5x4xf32>
}
