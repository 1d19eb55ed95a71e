// Two outputs with one name (output-names.test): qc run cannot write both
// to y.npy.
func.func @main(%x: tensor<2xf32> {qc.name = "x"}) -> (tensor<2xf32> {qc.name = "y"}, tensor<2xf32> {qc.name = "y"}) {
  %0 = qc.relu %x : tensor<2xf32>
  return %0, %x : tensor<2xf32>, tensor<2xf32>
}
