// A zero-size dimension (compile-errors.test).
func.func @main(%x: tensor<0x4xf32> {qc.name = "x"}) -> (tensor<0x4xf32> {qc.name = "y"}) {
  %0 = qc.relu %x : tensor<0x4xf32>
  return %0 : tensor<0x4xf32>
}
