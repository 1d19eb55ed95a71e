// A softmax over an axis longer than qc compile keeps on the stack (its exp
// values are recomputed), and a reduce_mean over all axes
// (compile-float-ops.test).
func.func @main(%x: tensor<2x10000xf32> {qc.name = "x"}) -> (tensor<2x10000xf32> {qc.name = "y"}, tensor<1x1xf32> {qc.name = "m"}) {
  %y = qc.softmax %x {axis = 1 : i64} : tensor<2x10000xf32>
  %m = qc.reduce_mean %x {axes = array<i64: 0, 1>, keepdims = true} : (tensor<2x10000xf32>) -> tensor<1x1xf32>
  return %y, %m : tensor<2x10000xf32>, tensor<1x1xf32>
}
