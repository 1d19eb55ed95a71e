// A Q/DQ program for the pooling, data-movement and mul patterns of
// qc-lower-to-integer on random data (integer-vs-qdq-pool-move.test): an
// average pool with padding counted and ceil_mode, a global average pool and
// flatten, a mul with relu, and transpose / slice / concat (one input with
// other qparams, so requantized) / reshape.
func.func @main(%x: tensor<2x4x9x9xi8> {qc.name = "x"}) -> (tensor<2x4x5x5xui8> {qc.name = "avg"}, tensor<2x4xi8> {qc.name = "gapflat"}, tensor<2x4x9x9xi8> {qc.name = "mul"}, tensor<2x120xui8> {qc.name = "moved"}) {
  %xf = qc.dequantize %x {scale = array<f32: 0.037>, zero_point = array<i64: -5>} : (tensor<2x4x9x9xi8>) -> tensor<2x4x9x9xf32>
  %a = qc.avg_pool2d %xf {ceil_mode = true, count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x4x9x9xf32>) -> tensor<2x4x5x5xf32>
  %aq = qc.quantize %a {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xui8>
  %g = qc.global_avg_pool2d %xf : (tensor<2x4x9x9xf32>) -> tensor<2x4x1x1xf32>
  %gq = qc.quantize %g {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0013>, zero_point = array<i64: 3>} : (tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xi8>
  %gd = qc.dequantize %gq {scale = array<f32: 0.0013>, zero_point = array<i64: 3>} : (tensor<2x4x1x1xi8>) -> tensor<2x4x1x1xf32>
  %gf = qc.flatten %gd {axis = 1 : i64} : (tensor<2x4x1x1xf32>) -> tensor<2x4xf32>
  %gfq = qc.quantize %gf {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0013>, zero_point = array<i64: 3>} : (tensor<2x4xf32>) -> tensor<2x4xi8>
  %xb = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 7>} : (tensor<2x4x9x9xi8>) -> tensor<2x4x9x9xf32>
  %m = qc.mul %xf, %xb : (tensor<2x4x9x9xf32>, tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %mr = qc.relu %m : tensor<2x4x9x9xf32>
  %mq = qc.quantize %mr {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.093>, zero_point = array<i64: -20>} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xi8>
  %ad = qc.dequantize %aq {scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x5xui8>) -> tensor<2x4x5x5xf32>
  %t = qc.transpose %ad {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %tq = qc.quantize %t {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xui8>
  %td = qc.dequantize %tq {scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x5xui8>) -> tensor<2x4x5x5xf32>
  %sl = qc.slice %td {axes = array<i64: 3>, ends = array<i64: 3>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x3xf32>
  %slq = qc.quantize %sl {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xui8>
  %sld = qc.dequantize %slq {scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x4x5x3xui8>) -> tensor<2x4x5x3xf32>
  %a2 = qc.avg_pool2d %xf {ceil_mode = false, count_include_pad = false, kernel = array<i64: 3, 2>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 3>} : (tensor<2x4x9x9xf32>) -> tensor<2x4x5x3xf32>
  %a2q = qc.quantize %a2 {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0071>, zero_point = array<i64: -9>} : (tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xi8>
  %a2d = qc.dequantize %a2q {scale = array<f32: 0.0071>, zero_point = array<i64: -9>} : (tensor<2x4x5x3xi8>) -> tensor<2x4x5x3xf32>
  %c = qc.concat %sld, %a2d {axis = 1 : i64} : (tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>) -> tensor<2x8x5x3xf32>
  %cq = qc.quantize %c {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x8x5x3xf32>) -> tensor<2x8x5x3xui8>
  %cd = qc.dequantize %cq {scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x8x5x3xui8>) -> tensor<2x8x5x3xf32>
  %r = qc.reshape %cd {shape = array<i64: 2, 120>} : (tensor<2x8x5x3xf32>) -> tensor<2x120xf32>
  %rq = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.011>, zero_point = array<i64: 100>} : (tensor<2x120xf32>) -> tensor<2x120xui8>
  return %aq, %gfq, %mq, %rq : tensor<2x4x5x5xui8>, tensor<2x4xi8>, tensor<2x4x9x9xi8>, tensor<2x120xui8>
}
