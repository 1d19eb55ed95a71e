// A bool result (compile-compare.test): qc compile refuses it.
func.func @main(%x: tensor<4xf32> {qc.name = "x"}) -> (tensor<4xi1> {qc.name = "mask"}) {
  %z = qc.constant dense<0.0> : tensor<f32>
  %m = qc.compare %x, %z {predicate = "gt"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  return %m : tensor<4xi1>
}
