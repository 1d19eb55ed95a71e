// A linear [2, 8] for weight-only-clip.mlir: groups of 4 along K with one
// large value each (rounded N(0, 1) draws), so clipping it pays off for
// three of the four groups; and an embedding table [3, 4] read by a gather.
func.func @main(%x: tensor<1x8xf32>, %ids: tensor<2xi64>) -> (tensor<1x2xf32>, tensor<2x4xf32>) {
  %w = qc.constant dense<[[2.04, -2.56, 0.42, -0.57, -0.45, -0.22, -2.02, -0.23], [-0.87, 3.32, 0.23, -0.35, -0.28, -0.67, -1.06, -0.39]]> : tensor<2x8xf32>
  %y = qc.linear %x, %w : (tensor<1x8xf32>, tensor<2x8xf32>) -> tensor<1x2xf32>
  %t = qc.constant dense<[[0.5, -1.0, 0.25, 2.0], [0.0, 0.0, 0.0, 0.0], [-3.0, 1.5, 0.75, 0.1]]> : tensor<3x4xf32>
  %e = qc.gather %t, %ids {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %y, %e : tensor<1x2xf32>, tensor<2x4xf32>
}
