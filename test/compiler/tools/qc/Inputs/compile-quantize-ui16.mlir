// ui16 is no storage type of qc.quantize: refused when the file is read
// (compile-errors.test).
func.func @main(%x: tensor<1x8xf32> {qc.name = "x"}) -> (tensor<1x8xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 1000 : i64, quant_min = 0 : i64, scale = array<f32: 0.01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui16>
  %d = qc.dequantize %q {scale = array<f32: 0.01>, zero_point = array<i64: 3>} : (tensor<1x8xui16>) -> tensor<1x8xf32>
  return %d : tensor<1x8xf32>
}
