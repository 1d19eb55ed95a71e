// The qc-simplify pipeline on a small conv -> batch_norm -> relu program with
// a dynamic batch: shapes are bound and propagated, the BatchNorm is folded
// into the conv, and its statistics (now unused) are removed.
// RUN: qc-opt %s --qc-simplify="input-shapes=input:2,1,5,5" | FileCheck %s
// Without a binding the batch stays dynamic; the folding is the same.
// RUN: qc-opt %s --qc-simplify | FileCheck %s --check-prefix=DYN

// s = gamma / sqrt(var + 1) = [1, 1]: W' = [1, -2], b' = -mean * s + beta = [-0.5, 1].
// CHECK-LABEL: func.func @conv_bn_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x5x5xf32> {qc.name = "input"}) -> tensor<2x2x3x3xf32>
// CHECK-NEXT: %[[W:.*]] = qc.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}-2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT: %[[B:.*]] = qc.constant dense<[-5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[C:.*]] = qc.conv2d %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<2x2x3x3xf32>
// CHECK-NEXT: %[[R:.*]] = qc.relu %[[C]] : tensor<2x2x3x3xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x2x3x3xf32>
// DYN-LABEL: func.func @conv_bn_relu
// DYN-SAME: -> tensor<?x2x3x3xf32>
// DYN-NOT: qc.batch_norm
// DYN: qc.conv2d %arg0, %{{.*}}, %{{.*}} {{.*}} -> tensor<?x2x3x3xf32>
// DYN-NOT: qc.batch_norm
func.func @conv_bn_relu(%x: tensor<?x1x5x5xf32> {qc.name = "input"}) -> tensor<?x?x?x?xf32> {
  %w = qc.constant dense<[[[[1.0]]], [[[-2.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = qc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = qc.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = qc.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %var = qc.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<?x1x5x5xf32>, tensor<2x1x1x1xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.batch_norm %0, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
       : (tensor<?x?x?x?xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x?x?x?xf32>
  %2 = qc.relu %1 : tensor<?x?x?x?xf32>
  return %2 : tensor<?x?x?x?xf32>
}
