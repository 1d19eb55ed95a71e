// Quantizing a NaN (nan-semantics.test): an error in the reference executor
// and in compiled code alike (ONNX Runtime and PyTorch give q_min).
func.func @main(%x: tensor<1x4xf32> {qc.name = "x"}) -> (tensor<1x4xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 128>} : (tensor<1x4xf32>) -> tensor<1x4xui8>
  %y = qc.dequantize %q {scale = array<f32: 0.02>, zero_point = array<i64: 128>} : (tensor<1x4xui8>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
