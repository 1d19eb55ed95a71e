// Quantized activations of i16 (a zero point and a narrowed range as the
// option language allows): the quantize stores 16 bits (compile-errors.test).
func.func @main(%x: tensor<1x8xf32> {qc.name = "x"}) -> (tensor<1x8xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 1000 : i64, quant_min = -1000 : i64, scale = array<f32: 0.01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xi16>
  %d = qc.dequantize %q {scale = array<f32: 0.01>, zero_point = array<i64: 3>} : (tensor<1x8xi16>) -> tensor<1x8xf32>
  return %d : tensor<1x8xf32>
}
