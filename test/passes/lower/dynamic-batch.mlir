// qc-dynamic-batch (qc compile --max-batch): the batch is followed from the
// inputs through every op; an op that mixes samples is refused, naming it
// and why; otherwise dimension 0 of every input is bound to 1, every shape
// re-inferred and qc.max_batch recorded.
// RUN: qc-opt %s --qc-dynamic-batch="max-batch=16" --split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%{{.*}}: tensor<1x4xf32> {qc.name = "x"}) -> tensor<1x2x2xf32>
// CHECK-SAME: attributes {qc.max_batch = 16 : i64}
// CHECK: qc.linear {{.*}} -> tensor<1x4xf32>
// CHECK: qc.softmax {{.*}} : tensor<1x4xf32>
// CHECK: qc.add {{.*}} -> tensor<1x4xf32>
// CHECK: qc.reshape {{.*}} -> tensor<1x2x2xf32>
func.func @main(%x: tensor<?x4xf32> {qc.name = "x"}) -> tensor<?x2x2xf32> {
  %w = qc.constant dense<1.0> : tensor<4x4xf32>
  %b = qc.constant dense<0.5> : tensor<1x4xf32>
  %l = qc.linear %x, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %s = qc.softmax %l {axis = 1 : i64} : tensor<?x4xf32>
  %a = qc.add %s, %b : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %r = qc.reshape %a {shape = array<i64: -1, 2, 2>} : (tensor<?x4xf32>) -> tensor<?x2x2xf32>
  return %r : tensor<?x2x2xf32>
}

// -----

// Attention-shaped: a matmul of two batched rank-3 operands, a transpose
// that keeps dimension 0.
// CHECK-LABEL: func.func @main
// CHECK: qc.matmul {{.*}} -> tensor<1x3x3xf32>
func.func @main(%x: tensor<?x3x8xf32>) -> tensor<?x3x3xf32> {
  %t = qc.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<?x3x8xf32>) -> tensor<?x8x3xf32>
  %m = qc.matmul %x, %t : (tensor<?x3x8xf32>, tensor<?x8x3xf32>) -> tensor<?x3x3xf32>
  return %m : tensor<?x3x3xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{'qc.softmax' op mixes the samples of the batch (dimension 0), so the model cannot be compiled one sample at a time (--max-batch): its axis is 0}}
  %s = qc.softmax %x {axis = 0 : i64} : tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{it reduces over dimension 0}}
  %m = qc.reduce_mean %x {axes = array<i64: 0>, keepdims = true} : (tensor<?x4xf32>) -> tensor<1x4xf32>
  %d = qc.sub %x, %m : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  // expected-error@+1 {{it reshapes 'tensor<?x4xf32>' to 'tensor<?x2xf32>'; only a reshape that keeps dimension 0 and the elements of each sample is allowed}}
  %r = qc.reshape %x {shape = array<i64: -1, 2>} : (tensor<?x4xf32>) -> tensor<?x2xf32>
  return %r : tensor<?x2xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<4x?xf32> {
  // expected-error@+1 {{it moves dimension 0}}
  %t = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
  return %t : tensor<4x?xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{it concatenates along dimension 0}}
  %c = qc.concat %x, %y {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %c : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{it slices dimension 0}}
  %s = qc.slice %x {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<4x4xf32> {
  %w = qc.constant dense<1.0> : tensor<4x4xf32>
  // expected-error@+1 {{its batched right operand is a matrix whose rows are contracted}}
  %m = qc.matmul %w, %x : (tensor<4x4xf32>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %w = qc.constant dense<1.0> : tensor<4x4xf32>
  // expected-error@+1 {{operand #1 is the same for every sample but has 4 rows in dimension 0}}
  %a = qc.add %x, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return %a : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{it chooses its qparams at run time over the whole tensor, every sample included (a dynamic=1 program compiles without --max-batch)}}
  %d = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{it quantizes per channel along dimension 0}}
  %q = qc.quantize %x {axis = 0 : i64, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<?x4xf32>) -> tensor<?x4xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<?x4xui8>) -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<1x4xf32>) {
  %c = qc.constant dense<1.0> : tensor<1x4xf32>
  // expected-error@+1 {{qc compile --max-batch: output #1 ('output1') does not depend on the inputs, so it has no batch dimension to run samples along}}
  return %x, %c : tensor<?x4xf32>, tensor<1x4xf32>
}

// -----

// expected-error@+1 {{qc compile --max-batch: dimension 0 of input 'x' is 5; it is the batch and must be dynamic, or 1 when --input-shape gives one sample}}
func.func @main(%x: tensor<5x4xf32> {qc.name = "x"}) -> tensor<5x4xf32> {
  return %x : tensor<5x4xf32>
}

// -----

// expected-error@+1 {{qc compile --max-batch: dimension 1 of input 'arg0' ('tensor<?x?xf32>') is dynamic; bind it with --input-shape arg0=1,... (one sample)}}
func.func @main(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  return %x : tensor<?x?xf32>
}

// -----

// A token model's embedding lookup: a constant table at per-sample int64 ids
// (axis 0) keeps the samples apart.
// CHECK-LABEL: func.func @main
// CHECK: qc.gather {{.*}} -> tensor<1x3x4xf32>
func.func @main(%ids: tensor<?x3xi64> {qc.name = "ids"}) -> tensor<?x3x4xf32> {
  %t = qc.constant dense<1.0> : tensor<10x4xf32>
  %g = qc.gather %t, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<?x3xi64>) -> tensor<?x3x4xf32>
  return %g : tensor<?x3x4xf32>
}

// -----

func.func @main(%ids: tensor<?xi64> {qc.name = "ids"}) -> tensor<3x?xf32> {
  %t = qc.constant dense<1.0> : tensor<3x10xf32>
  // expected-error@+1 {{'qc.gather' op mixes the samples of the batch (dimension 0), so the model cannot be compiled one sample at a time (--max-batch): only a lookup along axis 0 at batched indices keeps the samples apart}}
  %g = qc.gather %t, %ids {axis = 1 : i64} : (tensor<3x10xf32>, tensor<?xi64>) -> tensor<3x?xf32>
  return %g : tensor<3x?xf32>
}

// -----

func.func @main(%x: tensor<?x4xf32> {qc.name = "x"}, %i: tensor<?xi64> {qc.name = "i"}) -> tensor<?x4xf32> {
  // expected-error@+1 {{its table depends on the input}}
  %g = qc.gather %x, %i {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  return %g : tensor<?x4xf32>
}
