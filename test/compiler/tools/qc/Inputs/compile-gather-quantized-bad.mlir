// compile-gather-quantized.test: a table dequantized per column (axis 1,
// no blocks) is not a quantized embedding the native gather reads.
func.func @main(%ids: tensor<2xi64> {qc.name = "ids"}) -> (tensor<2x3xf32> {qc.name = "y"}) {
  %q = qc.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8>
  %t = qc.dequantize %q {axis = 1 : i64, scale = array<f32: 0.5, 0.25, 0.125>, zero_point = array<i64: 0, 0, 0>} : (tensor<4x3xi8>) -> tensor<4x3xf32>
  %y = qc.gather %t, %ids {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
