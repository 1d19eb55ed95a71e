// A comparison of bools (compile-compare.test): qc compile refuses it.
func.func @main(%x: tensor<4xf32> {qc.name = "x"}) -> (tensor<4xf32> {qc.name = "y"}) {
  %z = qc.constant dense<0.0> : tensor<f32>
  %m = qc.compare %x, %z {predicate = "gt"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %n = qc.compare %m, %m {predicate = "eq"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %y = qc.select %n, %x, %z : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
