// Written by make_compile_vector.py (compile-float-vector.test): pow by constant and
// non-uniform exponents, softmax on rows of 1-36 elements, contiguous and strided,
// reduce_mean of 8 outputs per vector and a tail;
// every result flattened into one output.
func.func @main(%x: tensor<4x36xf32> {qc.name = "x"}) -> (tensor<1x1806xf32> {qc.name = "y"}) {
  %c2 = qc.constant dense<2.0> : tensor<1xf32>
  %c3 = qc.constant dense<3.0> : tensor<1xf32>
  %ch = qc.constant dense<0.5> : tensor<1xf32>
  %c1 = qc.constant dense<1.0> : tensor<1xf32>
  %cg = qc.constant dense<2.5> : tensor<1xf32>
  %ce = qc.constant dense<[2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0, 2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0, 2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0, 2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0, 2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0, 2.0]> : tensor<36xf32>
  %r = qc.relu %x : tensor<4x36xf32>
  %q = qc.add %r, %c1 : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %ci = qc.constant dense<[2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0, 1.0, 4.0]> : tensor<36xf32>
  %pi = qc.pow %x, %ci : (tensor<4x36xf32>, tensor<36xf32>) -> tensor<4x36xf32>
  %p2x = qc.pow %x, %c2 : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %p3x = qc.pow %x, %c3 : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %phx = qc.pow %q, %ch : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %p1x = qc.pow %x, %c1 : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %pgx = qc.pow %q, %cg : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %pvx = qc.pow %q, %ce : (tensor<4x36xf32>, tensor<36xf32>) -> tensor<4x36xf32>
  %sa = qc.softmax %x {axis = -1 : i64} : tensor<4x36xf32>
  %sb = qc.softmax %x {axis = 0 : i64} : tensor<4x36xf32>
  %c5 = qc.constant dense<5.0> : tensor<1xf32>
  %x5 = qc.mul %x, %c5 : (tensor<4x36xf32>, tensor<1xf32>) -> tensor<4x36xf32>
  %y = qc.reshape %x5 {shape = array<i64: 2, 8, 9>} : (tensor<4x36xf32>) -> tensor<2x8x9xf32>
  %sc = qc.softmax %y {axis = 1 : i64} : tensor<2x8x9xf32>
  %sd = qc.softmax %y {axis = 2 : i64} : tensor<2x8x9xf32>
  %se = qc.softmax %y {axis = 0 : i64} : tensor<2x8x9xf32>
  %y1 = qc.slice %y {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x8x9xf32>) -> tensor<2x1x9xf32>
  %s1 = qc.softmax %y1 {axis = 1 : i64} : tensor<2x1x9xf32>
  %rm1 = qc.reduce_mean %y {axes = array<i64: 2>, keepdims = false} : (tensor<2x8x9xf32>) -> tensor<2x8xf32>
  %rm2 = qc.reduce_mean %x {axes = array<i64: 0>, keepdims = true} : (tensor<4x36xf32>) -> tensor<1x36xf32>
  %rm3 = qc.reduce_mean %y {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x8x9xf32>) -> tensor<8xf32>
  %p2x_f = qc.reshape %p2x {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %p3x_f = qc.reshape %p3x {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %phx_f = qc.reshape %phx {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %p1x_f = qc.reshape %p1x {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %pgx_f = qc.reshape %pgx {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %pvx_f = qc.reshape %pvx {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %pi_f = qc.reshape %pi {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %sa_f = qc.reshape %sa {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %sb_f = qc.reshape %sb {shape = array<i64: 1, 144>} : (tensor<4x36xf32>) -> tensor<1x144xf32>
  %sc_f = qc.reshape %sc {shape = array<i64: 1, 144>} : (tensor<2x8x9xf32>) -> tensor<1x144xf32>
  %sd_f = qc.reshape %sd {shape = array<i64: 1, 144>} : (tensor<2x8x9xf32>) -> tensor<1x144xf32>
  %se_f = qc.reshape %se {shape = array<i64: 1, 144>} : (tensor<2x8x9xf32>) -> tensor<1x144xf32>
  %s1_f = qc.reshape %s1 {shape = array<i64: 1, 18>} : (tensor<2x1x9xf32>) -> tensor<1x18xf32>
  %rm1_f = qc.reshape %rm1 {shape = array<i64: 1, 16>} : (tensor<2x8xf32>) -> tensor<1x16xf32>
  %rm2_f = qc.reshape %rm2 {shape = array<i64: 1, 36>} : (tensor<1x36xf32>) -> tensor<1x36xf32>
  %rm3_f = qc.reshape %rm3 {shape = array<i64: 1, 8>} : (tensor<8xf32>) -> tensor<1x8xf32>
  %out = qc.concat %p2x_f, %p3x_f, %phx_f, %p1x_f, %pgx_f, %pvx_f, %pi_f, %sa_f, %sb_f, %sc_f, %sd_f, %se_f, %s1_f, %rm1_f, %rm2_f, %rm3_f {axis = 1 : i64} : (tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x144xf32>, tensor<1x18xf32>, tensor<1x16xf32>, tensor<1x36xf32>, tensor<1x8xf32>) -> tensor<1x1806xf32>
  return %out : tensor<1x1806xf32>
}
