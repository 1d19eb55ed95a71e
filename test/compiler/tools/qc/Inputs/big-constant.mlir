// x * a splat constant of 10000000x1x8x1 (320 MB once decoded, under the
// 2^31 bytes qc compile reads; run-memory.test runs it under --max-memory).
func.func @main(%x: tensor<1x1x8x1xf32> {qc.name = "x"}) -> (tensor<10000000x1x8x1xf32> {qc.name = "y"}) {
  %c = qc.constant dense<1.0> : tensor<10000000x1x8x1xf32>
  %y = qc.mul %x, %c : (tensor<1x1x8x1xf32>, tensor<10000000x1x8x1xf32>) -> tensor<10000000x1x8x1xf32>
  return %y : tensor<10000000x1x8x1xf32>
}
