// ArgMax over the batch dimension (compile-reduce.test): --max-batch
// refuses it, the samples would be mixed.
func.func @main(%x: tensor<?x10xf32> {qc.name = "x"}) -> (tensor<10xi64> {qc.name = "i"}) {
  %i = qc.arg_max %x {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<?x10xf32>) -> tensor<10xi64>
  return %i : tensor<10xi64>
}
