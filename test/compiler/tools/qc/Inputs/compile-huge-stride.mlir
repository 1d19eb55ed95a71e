// A stride of 2^62 (one output column; the verifier accepts it): refused by
// qc compile rather than overflowing its index arithmetic (compile-errors.test).
func.func @main(%x: tensor<1x4x5x5xui8> {qc.name = "x"}) -> (tensor<1x4x5x1xui8> {qc.name = "y"}) {
  %w = qc.constant dense<1> : tensor<4x1x3x3xi8>
  %y = qc.qconv2d %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 4 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 4611686018427387904>, weight_scale = array<f32: 0.001>} : (tensor<1x4x5x5xui8>, tensor<4x1x3x3xi8>) -> tensor<1x4x5x1xui8>
  return %y : tensor<1x4x5x1xui8>
}
