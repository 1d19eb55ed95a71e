// RUN: qc-opt %s --qc-fold-constants --split-input-file | FileCheck %s
// RUN: qc-opt %s --qc-fold-constants="max-elements=4" --split-input-file | FileCheck %s --check-prefix=CAP
// The output parses again (blob names are valid keys even for ONNX node names).
// RUN: qc-opt %s --qc-fold-constants --split-input-file | qc-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// CHECK-LABEL: func.func @transpose_2x3
// CHECK: %[[C:.*]] = qc.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: qc.transpose
// CHECK: return %[[C]]
// CAP-LABEL: func.func @transpose_2x3
// CAP: qc.transpose
func.func @transpose_2x3() -> tensor<3x2xf32> {
  %0 = qc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %1 = qc.transpose %0 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Broadcasting add: (3) + (2x1) -> 2x3.
// CHECK-LABEL: func.func @add_broadcast
// CHECK: %[[C:.*]] = qc.constant dense<{{\[}}[1.100000e+01, 1.200000e+01, 1.300000e+01], [2.100000e+01, 2.200000e+01, 2.300000e+01]]> : tensor<2x3xf32>
// CHECK-NOT: qc.add
// CHECK: return %[[C]]
func.func @add_broadcast() -> tensor<2x3xf32> {
  %a = qc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = qc.constant dense<[[10.0], [20.0]]> : tensor<2x1xf32>
  %0 = qc.add %a, %b : (tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// out[y][x] = 0.5 + sum_{i,j} in[y+i][x+j] * w[i][j], in = 1..9 (3x3), w = [[1, 2], [3, 4]].
// CHECK-LABEL: func.func @conv_constant_input
// CHECK: %[[C:.*]] = qc.constant dense<{{\[}}[{{\[}}[3.750000e+01, 4.750000e+01], [6.750000e+01, 7.750000e+01]]]]> : tensor<1x1x2x2xf32>
// CHECK-NOT: qc.conv2d
// CHECK: return %[[C]]
func.func @conv_constant_input() -> tensor<1x1x2x2xf32> {
  %x = qc.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %w = qc.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %b = qc.constant dense<0.5> : tensor<1xf32>
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// A chain folds in one run: relu(add(a, b)).
// CHECK-LABEL: func.func @chain
// CHECK: %[[C:.*]] = qc.constant dense<[0.000000e+00, 0.000000e+00, 4.000000e+00]> : tensor<3xf32>
// CHECK-NOT: qc.add
// CHECK-NOT: qc.relu
// CHECK: return %[[C]]
func.func @chain() -> tensor<3xf32> {
  %a = qc.constant dense<[-1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = qc.constant dense<[0.5, -3.0, 1.0]> : tensor<3xf32>
  %0 = qc.add %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = qc.relu %0 : tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// Only ops whose operands are all constants fold; the cap keeps small ones.
// CHECK-LABEL: func.func @partial
// CHECK-DAG: %[[S:.*]] = qc.constant dense<[5.000000e+00, 7.000000e+00]> : tensor<2xf32>
// CHECK: %[[R:.*]] = qc.mul %arg0, %[[S]]
// CHECK: return %[[R]]
// CAP-LABEL: func.func @partial
// CAP: qc.constant dense<[5.000000e+00, 7.000000e+00]> : tensor<2xf32>
// CAP-NOT: qc.add
// CAP: qc.mul %arg0
func.func @partial(%arg0: tensor<2xf32>) -> tensor<2xf32> {
  %a = qc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = qc.constant dense<[4.0, 5.0]> : tensor<2xf32>
  %0 = qc.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = qc.mul %arg0, %0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

// Results over 16 elements become resource blobs named after the op's
// location; splat operands are expanded. 3.0f is 0x40400000 (bytes 00 00 40
// 40); blobs start with their alignment, 64.
// CHECK-LABEL: func.func @large_result
// CHECK: %[[C:.*]] = qc.constant dense_resource<[[BLOB:node_add[^>]*]]> : tensor<4x5xf32>
// CHECK: return %[[C]]
// CHECK: [[BLOB]]: "0x400000000000404000004040000040400000404000004040000040400000404000004040000040400000404000004040000040400000404000004040000040400000404000004040000040400000404000004040"
// CAP-LABEL: func.func @large_result
// CAP: qc.add
func.func @large_result() -> tensor<4x5xf32> {
  %a = qc.constant dense<1.0> : tensor<4x5xf32>
  %b = qc.constant dense<2.0> : tensor<4x5xf32>
  %0 = qc.add %a, %b : (tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32> loc("node_add")
  return %0 : tensor<4x5xf32>
}

// -----

// ONNX node names become blob names with '/' and other characters that a
// bare resource key cannot hold replaced by '_'.
// CHECK-LABEL: func.func @onnx_node_name
// CHECK: qc.constant dense_resource<_layer1_Add_2> : tensor<20xf32>
// ROUNDTRIP-LABEL: func.func @onnx_node_name
// ROUNDTRIP: qc.constant dense_resource<_layer1_Add_2> : tensor<20xf32>
// ROUNDTRIP: _layer1_Add_2: "0x40000000{{(0000C03F)+}}"
func.func @onnx_node_name() -> tensor<20xf32> {
  %a = qc.constant dense<1.0> : tensor<20xf32>
  %b = qc.constant dense<0.5> : tensor<20xf32>
  %0 = qc.add %a, %b : (tensor<20xf32>, tensor<20xf32>) -> tensor<20xf32> loc("/layer1/Add-2"("model.onnx":0:0))
  return %0 : tensor<20xf32>
}

// -----

// Resource operands are read too: the transpose of 0..19 (4x5).
// CHECK-LABEL: func.func @resource_operand
// CHECK: qc.constant dense_resource<[[BLOB:[^>]*]]> : tensor<5x4xf32>
// CHECK-NOT: qc.transpose
// CHECK: [[BLOB]]: "0x40000000000000000000A04000002041000070410000803F0000C0400000304100008041000000400000E04000004041000088410000404000000041000050410000904100008040000010410000604100009841"
func.func @resource_operand() -> tensor<5x4xf32> {
  %0 = qc.constant dense_resource<iota> : tensor<4x5xf32>
  %1 = qc.transpose %0 {perm = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32>
  return %1 : tensor<5x4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      iota: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E040000000410000104100002041000030410000404100005041000060410000704100008041000088410000904100009841"
    }
  }
#-}

// -----

// Element types the executor does not evaluate (i8 today) are left alone.
// CHECK-LABEL: func.func @int8_not_folded
// CHECK: qc.transpose
func.func @int8_not_folded() -> tensor<3x2xi8> {
  %0 = qc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %1 = qc.transpose %0 {perm = array<i64: 1, 0>} : (tensor<2x3xi8>) -> tensor<3x2xi8>
  return %1 : tensor<3x2xi8>
}
