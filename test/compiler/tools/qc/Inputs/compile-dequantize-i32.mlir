// int32 values whose difference with the zero point leaves int32: the
// reference subtracts in int64, so must the compiled dequantize, of an input
// and of a folded constant (compile-exact-ops.test).
func.func @main(%x: tensor<1x4xi32> {qc.name = "x"}) -> (tensor<1x4xf32> {qc.name = "y"}, tensor<1x4xf32> {qc.name = "z"}) {
  %y = qc.dequantize %x {scale = array<f32: 1.0e-3>, zero_point = array<i64: -2000000000>} : (tensor<1x4xi32>) -> tensor<1x4xf32>
  %c = qc.constant dense<[[2147483647, -2147483648, 0, 1000000000]]> : tensor<1x4xi32>
  %cd = qc.dequantize %c {scale = array<f32: 1.0e-3>, zero_point = array<i64: 2000000000>} : (tensor<1x4xi32>) -> tensor<1x4xf32>
  %z = qc.add %y, %cd : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y, %z : tensor<1x4xf32>, tensor<1x4xf32>
}
