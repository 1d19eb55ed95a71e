// x * a splat constant of 100000000x1x8x8 (ONNX Expand's import): 23.8 GiB
// once decoded (run-memory.test).
func.func @main(%x: tensor<1x1x8x8xf32> {qc.name = "x"}) -> (tensor<100000000x1x8x8xf32> {qc.name = "y"}) {
  %c = qc.constant dense<1.0> : tensor<100000000x1x8x8xf32>
  %y = qc.mul %x, %c : (tensor<1x1x8x8xf32>, tensor<100000000x1x8x8xf32>) -> tensor<100000000x1x8x8xf32>
  return %y : tensor<100000000x1x8x8xf32>
}
