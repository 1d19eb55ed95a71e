// A dilated max pool window with no tap inside the input: the Q/DQ form's
// quantize(-inf) is the storage minimum, which the compiled integer max pool
// must give too (compile-exact-ops.test).
func.func @main(%x: tensor<1x2x2x2xf32> {qc.name = "x"}) -> (tensor<1x2x1x1xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xi8>
  %d = qc.dequantize %q {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xf32>
  %m = qc.max_pool2d %d {ceil_mode = false, dilations = array<i64: 3, 3>, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %q2 = qc.quantize %m {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xi8>
  %d2 = qc.dequantize %q2 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x1xi8>) -> tensor<1x2x1x1xf32>
  return %d2 : tensor<1x2x1x1xf32>
}
