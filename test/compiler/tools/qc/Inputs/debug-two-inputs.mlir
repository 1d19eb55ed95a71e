// A float program with two inputs for debug.test: fc(x) + y -> relu.
func.func @main(%x: tensor<1x4xf32> {qc.name = "x"}, %y: tensor<1x3xf32> {qc.name = "y"}) -> (tensor<1x3xf32> {qc.name = "out"}) {
  %w = qc.constant dense<[[0.5, -0.25, 1.0, 0.125], [-1.0, 0.75, 0.5, -0.5], [0.25, 0.25, -0.75, 1.0]]> : tensor<3x4xf32> loc("fc_weight")
  %0 = qc.linear %x, %w : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32> loc("fc")
  %1 = qc.add %0, %y : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32> loc("add")
  %2 = qc.relu %1 : tensor<1x3xf32> loc("relu")
  return %2 : tensor<1x3xf32>
}
