// A subnormal scale (1e-40): refused by every command that reads the file,
// with the verifier's one message (compile-errors.test).
func.func @main(%x: tensor<1x8xf32> {qc.name = "x"}) -> (tensor<1x8xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0e-40>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %d = qc.dequantize %q {scale = array<f32: 1.0e-40>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %d : tensor<1x8xf32>
}
