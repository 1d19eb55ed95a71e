// An average pool over a 2^20 x 2^19 plane (512 MiB of u8, within the tensor
// limit): its per-position multiplier table would take 4 TiB at compile time
// (compile-errors.test).
func.func @main(%x: tensor<1x1x1048576x524288xui8> {qc.name = "x"}) -> (tensor<1x1x1048576x524288xui8> {qc.name = "y"}) {
  %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = 0 : i64, kernel = array<i64: 3, 3>, output_scale = 0.1 : f32, output_zero_point = 0 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x1048576x524288xui8>) -> tensor<1x1x1048576x524288xui8>
  return %y : tensor<1x1x1048576x524288xui8>
}
