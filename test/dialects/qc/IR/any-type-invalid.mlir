// RUN: qc-opt %s --split-input-file --verify-diagnostics

func.func @bad_predicate(%a: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error@+2 {{predicate must be eq, lt, le, gt or ge, got "ne"}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.compare %a, %a {predicate = "ne"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @mixed_types(%a: tensor<4xi32>, %b: tensor<4xi64>) -> tensor<4xi32> {
  // expected-error@+2 {{operands have different element types ('i32' and 'i64')}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.arith %a, %b {kind = "add"} : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @float_shift(%a: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error@+2 {{shifts take integer operands, got 'f64'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.arith %a, %a {kind = "shl"} : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @float_indices(%x: tensor<4xf32>, %i: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{indices must be an integer tensor, got 'tensor<2xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.gather %x, %i {axis = 0 : i64} : (tensor<4xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @nll_shapes(%x: tensor<3x5xf32>, %t: tensor<4xi64>) -> tensor<f32> {
  // expected-error@+2 {{target 'tensor<4xi64>' does not match the input 'tensor<3x5xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.nll_loss %x, %t {has_ignore_index = false, ignore_index = 0 : i64, reduction = "sum"} : (tensor<3x5xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @select_condition(%c: tensor<4xi32>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = qc.select %c, %a, %a : (tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_rank(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error@+2 {{expects a tensor of rank >= 2, got 'tensor<4xi64>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = qc.trilu %x {k = 0 : i64, upper = true} : (tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
