// A max pool whose dilated window skips the whole 2x2 input at some outputs
// (kernel 2, dilation 3, pads 2): no maximum exists (compile-errors.test).
func.func @main(%x: tensor<1x1x2x2xui8> {qc.name = "x"}) -> (tensor<1x1x3x3xui8> {qc.name = "y"}) {
  %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 3, 3>, kernel = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xui8>) -> tensor<1x1x3x3xui8>
  return %y : tensor<1x1x3x3xui8>
}
