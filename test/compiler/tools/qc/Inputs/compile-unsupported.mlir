// A float op qc compile does not lower (compile-errors.test): the error names
// it and lists what is supported.
func.func @main(%x: tensor<1x2x3x3xf32> {qc.name = "x"}) -> (tensor<1x2x3x3xf32> {qc.name = "y"}) {
  %r = qc.relu %x : tensor<1x2x3x3xf32>
  %y = qc.sin %r : tensor<1x2x3x3xf32> loc("wave")
  return %y : tensor<1x2x3x3xf32>
}
