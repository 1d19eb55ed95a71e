// A splat constant of 2^36 bytes: a few bytes in the file, 64 GiB if qc
// compile expanded it to pack the weights (compile-errors.test).
func.func @main(%x: tensor<1x65536xui8> {qc.name = "x"}) -> (tensor<1x1048576xui8> {qc.name = "y"}) {
  %w = qc.constant dense<1> : tensor<1048576x65536xi8>
  %y = qc.qlinear %x, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.1 : f32, input_zero_point = 0 : i64, output_scale = 0.1 : f32, output_zero_point = 0 : i64, weight_scale = array<f32: 0.001>} : (tensor<1x65536xui8>, tensor<1048576x65536xi8>) -> tensor<1x1048576xui8>
  return %y : tensor<1x1048576xui8>
}
