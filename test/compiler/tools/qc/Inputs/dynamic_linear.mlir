// A one-linear model for the dynamic quantization driver tests
// (quantize-dynamic.test): the input feeds the linear directly, so a NaN in
// it reaches the run-time quantization.
func.func @main(%x: tensor<2x4xf32> {qc.name = "input"}) -> (tensor<2x3xf32> {qc.name = "output"}) {
  %w = qc.constant dense<[[1.0, -0.5, 0.25, 2.0], [0.5, 0.5, -1.0, 0.0], [-2.0, 1.0, 0.75, -0.25]]> : tensor<3x4xf32>
  %b = qc.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %y = qc.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}
