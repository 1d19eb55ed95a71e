// A linear [N = 3, K = 5] and a matmul by a constant [K = 3, N = 2] for
// weight-only.mlir / weight-only-errors.test: groups of 2 leave a short last
// group (K = 5: 2 + 2 + 1; K = 3: 2 + 1) and one group holds only zeros.
func.func @main(%x: tensor<1x5xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[1.0, -2.0, 0.5, 0.25, 3.0], [0.0, 0.0, -1.0, 1.0, -7.0], [0.1, 0.2, 0.3, 0.4, 0.5]]> : tensor<3x5xf32>
  %b = qc.constant dense<[0.5, -0.5, 0.25]> : tensor<3xf32>
  %y = qc.linear %x, %w, %b : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
  %w2 = qc.constant dense<[[1.0, -1.0], [2.0, 0.5], [-4.0, 0.25]]> : tensor<3x2xf32>
  %z = qc.matmul %y, %w2 : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32> loc("mm")
  return %z : tensor<1x2xf32>
}
