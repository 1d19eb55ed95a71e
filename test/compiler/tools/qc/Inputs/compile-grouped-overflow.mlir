// A grouped conv with 16 * 65 * 65 = 67600 products per output: its int32
// accumulator could overflow, which the generated code would wrap
// (compile-errors.test).
func.func @main(%x: tensor<1x32x65x65xui8> {qc.name = "x"}) -> (tensor<1x2x1x1xui8> {qc.name = "y"}) {
  %w = qc.constant dense<1> : tensor<2x16x65x65xi8>
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 2 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.001>} : (tensor<1x32x65x65xui8>, tensor<2x16x65x65xi8>) -> tensor<1x2x1x1xui8>
  return %y : tensor<1x2x1x1xui8>
}
