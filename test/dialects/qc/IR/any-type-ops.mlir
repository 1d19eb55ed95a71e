// RUN: qc-opt %s | qc-opt | FileCheck %s
// The ops on tensors of any element type round-trip, with their inferred
// result types (QCOps.td, "Tensors of any element type").

// CHECK-LABEL: func.func @typed
func.func @typed(%x: tensor<5x4xf32>, %i: tensor<2x3xi64>, %a: tensor<4xi32>,
                 %b: tensor<4xi32>, %m: tensor<4xi1>, %d: tensor<4xf64>,
                 %t: tensor<5xi64>) -> (tensor<2x3x4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<f32>, tensor<2x3xi64>, tensor<5x4xf32>) {
  // CHECK: qc.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %g = qc.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  // CHECK: qc.compare %{{.*}}, %{{.*}} {predicate = "lt"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %lt = qc.compare %a, %b {predicate = "lt"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  // CHECK: qc.logical %{{.*}}, %{{.*}} {kind = "xor"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %x2 = qc.logical %lt, %m {kind = "xor"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: qc.not %{{.*}} : (tensor<4xi1>) -> tensor<4xi1>
  %n = qc.not %x2 : (tensor<4xi1>) -> tensor<4xi1>
  // CHECK: qc.arith %{{.*}}, %{{.*}} {kind = "mod"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %md = qc.arith %a, %b {kind = "mod"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: qc.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %w = qc.select %n, %md, %b : (tensor<4xi1>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: qc.cast %{{.*}} {to = f32} : (tensor<4xf64>) -> tensor<4xf32>
  %c = qc.cast %d {to = f32} : (tensor<4xf64>) -> tensor<4xf32>
  // CHECK: qc.nll_loss %{{.*}}, %{{.*}} {has_ignore_index = false, ignore_index = 0 : i64, reduction = "mean"} : (tensor<5x4xf32>, tensor<5xi64>) -> tensor<f32>
  %l = qc.nll_loss %x, %t {has_ignore_index = false, ignore_index = 0 : i64, reduction = "mean"} : (tensor<5x4xf32>, tensor<5xi64>) -> tensor<f32>
  // CHECK: qc.trilu %{{.*}} {k = -1 : i64, upper = true} : (tensor<2x3xi64>) -> tensor<2x3xi64>
  %tr = qc.trilu %i {k = -1 : i64, upper = true} : (tensor<2x3xi64>) -> tensor<2x3xi64>
  // CHECK: qc.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<5x4xf32>, tensor<5x4xi64>) -> tensor<5x4xf32>
  %ii = qc.constant dense<0> : tensor<5x4xi64>
  %ge = qc.gather_elements %x, %ii {axis = 1 : i64} : (tensor<5x4xf32>, tensor<5x4xi64>) -> tensor<5x4xf32>
  return %g, %w, %c, %l, %tr, %ge : tensor<2x3x4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<f32>, tensor<2x3xi64>, tensor<5x4xf32>
}
