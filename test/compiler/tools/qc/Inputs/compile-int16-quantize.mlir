// int16 quantize / dequantize of a dense tensor longer than one vector (20
// values: 2 AVX2 vectors + 4, 1 AVX-512 vector + 4): compile-int16-io.test.
func.func @main(%x: tensor<1x20xf32>) -> tensor<1x20xf32> {
  %q = qc.quantize %x {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x20xf32>) -> tensor<1x20xi16>
  %y = qc.dequantize %q {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x20xi16>) -> tensor<1x20xf32>
  return %y : tensor<1x20xf32>
}
