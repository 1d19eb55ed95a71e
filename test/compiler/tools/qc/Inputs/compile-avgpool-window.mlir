// Average pools of more than 9 taps (the clipped-window loop of IntPool.cpp,
// not unrolled taps) with padding, ceil_mode and count_include_pad both ways,
// a global 9x9 pool, and a 3x3 one (unrolled taps), all on 20 channels
// (channel vectors and a remainder), for qc compile vs the reference executor
// (compile-avgpool-window.test).
func.func @main(%x: tensor<1x20x9x9xf32> {qc.name = "x"}) -> (tensor<1x20x6x5xf32> {qc.name = "a"}, tensor<1x20x9x9xf32> {qc.name = "b"}, tensor<1x20x1x1xf32> {qc.name = "g"}, tensor<1x20x9x9xf32> {qc.name = "s"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.0078125>, zero_point = array<i64: 37>} : (tensor<1x20x9x9xf32>) -> tensor<1x20x9x9xui8>
  %a = qc.qavg_pool2d %q {ceil_mode = true, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, kernel = array<i64: 4, 4>, output_scale = 0.003 : f32, output_zero_point = 41 : i64, pads = array<i64: 2, 1, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x20x9x9xui8>) -> tensor<1x20x6x5xui8>
  %b = qc.qavg_pool2d %q {ceil_mode = false, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = true, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, kernel = array<i64: 5, 5>, output_scale = 0.002 : f32, output_zero_point = -3 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x20x9x9xui8>) -> tensor<1x20x9x9xi8>
  %g = qc.qavg_pool2d %q {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, kernel = array<i64: 9, 9>, output_scale = 0.002 : f32, output_zero_point = 5 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x20x9x9xui8>) -> tensor<1x20x1x1xui8>
  %s = qc.qavg_pool2d %q {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, kernel = array<i64: 3, 3>, output_scale = 0.004 : f32, output_zero_point = 60 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x20x9x9xui8>) -> tensor<1x20x9x9xui8>
  %ya = qc.dequantize %a {scale = array<f32: 0.003>, zero_point = array<i64: 41>} : (tensor<1x20x6x5xui8>) -> tensor<1x20x6x5xf32>
  %yb = qc.dequantize %b {scale = array<f32: 0.002>, zero_point = array<i64: -3>} : (tensor<1x20x9x9xi8>) -> tensor<1x20x9x9xf32>
  %yg = qc.dequantize %g {scale = array<f32: 0.002>, zero_point = array<i64: 5>} : (tensor<1x20x1x1xui8>) -> tensor<1x20x1x1xf32>
  %ys = qc.dequantize %s {scale = array<f32: 0.004>, zero_point = array<i64: 60>} : (tensor<1x20x9x9xui8>) -> tensor<1x20x9x9xf32>
  return %ya, %yb, %yg, %ys : tensor<1x20x6x5xf32>, tensor<1x20x9x9xf32>, tensor<1x20x1x1xf32>, tensor<1x20x9x9xf32>
}
