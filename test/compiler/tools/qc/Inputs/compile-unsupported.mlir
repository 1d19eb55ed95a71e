// A float op qc compile does not lower (compile-errors.test): the error names
// it and lists what is supported.
func.func @main(%x: tensor<1x2x3x3xf32> {qc.name = "x"}) -> (tensor<1x2x6x6xf32> {qc.name = "y"}) {
  %w = qc.constant dense<0.5> : tensor<2x2x2x2xf32>
  %r = qc.relu %x : tensor<1x2x3x3xf32>
  %y = qc.conv_transpose2d %r, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x6x6xf32> loc("deconv")
  return %y : tensor<1x2x6x6xf32>
}
