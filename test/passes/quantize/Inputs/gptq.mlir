// A linear [N = 3, K = 4] and a matmul by a constant [K = 3, N = 2] for
// gptq.mlir / weight-only-errors.test; gptq_reference.py writes the
// calibration inputs (8 rows of 4 correlated features, multiples of 1/8 so
// every sum is exact) and works out the expected values in numpy.
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = qc.constant dense<[[0.5, -0.375, 0.25, 0.875], [-1.0, 0.625, 0.125, -0.25], [0.75, 0.5, -0.625, 0.375]]> : tensor<3x4xf32>
  %b = qc.constant dense<[0.125, -0.25, 0.0]> : tensor<3xf32>
  %y = qc.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("fc")
  %w2 = qc.constant dense<[[0.5, -1.0], [0.25, 0.75], [-0.875, 0.125]]> : tensor<3x2xf32>
  %z = qc.matmul %y, %w2 : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32> loc("mm")
  return %z : tensor<2x2xf32>
}
