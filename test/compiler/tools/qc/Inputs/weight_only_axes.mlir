// Dequantized 8-bit weights of every qparams layout a linear / matmul can
// read (quantize-weight-only.test): per tensor, per input channel (the K
// axis, no block), per K channel of a matmul with uint8 zero points, and
// blocks along a matmul's output axis N (not a K group: read at compile time
// as float weights). Each must run byte-identical to the reference.
func.func @main(%x: tensor<2x5xf32> {qc.name = "x"}) -> (tensor<2x6xf32> {qc.name = "y"}) {
  %q1 = qc.constant dense<[[1, -2, 3, -4, 5], [7, -8, 6, 0, 1], [-1, 2, -3, 4, 127]]> : tensor<3x5xi8>
  %w1 = qc.dequantize %q1 {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<3x5xi8>) -> tensor<3x5xf32>
  %h1 = qc.linear %x, %w1 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %q2 = qc.constant dense<[[1, 2, 3], [-4, 5, -6], [7, -8, 9], [10, 11, -12]]> : tensor<4x3xi8>
  %w2 = qc.dequantize %q2 {axis = 1 : i64, scale = array<f32: 0.1, 0.2, 0.3>, zero_point = array<i64: 1, 0, -2>} : (tensor<4x3xi8>) -> tensor<4x3xf32>
  %h2 = qc.linear %h1, %w2 : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %q3 = qc.constant dense<[[200, 3], [0, 255], [17, 128], [90, 60]]> : tensor<4x2xui8>
  %w3 = qc.dequantize %q3 {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.03, 0.04>, zero_point = array<i64: 128, 0, 255, 7>} : (tensor<4x2xui8>) -> tensor<4x2xf32>
  %h3 = qc.matmul %h2, %w3 : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  %q4 = qc.constant dense<[[1, 2, 3, 4, 5, 6], [-6, -5, -4, -3, -2, -1]]> : tensor<2x6xi8>
  %w4 = qc.dequantize %q4 {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.5, 0.25, 0.125, 2.0>, zero_point = array<i64: 0, 1, -1, 0>} : (tensor<2x6xi8>) -> tensor<2x6xf32>
  %y = qc.matmul %h3, %w4 : (tensor<2x2xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}
