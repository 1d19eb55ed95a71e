// One node lowered to several ops of one name (an ONNX Split becomes one
// qc.slice per output) for debug.test: fc(x) split into two halves, each
// through its own relu.
func.func @main(%x: tensor<1x4xf32> {qc.name = "x"}) -> (tensor<1x2xf32> {qc.name = "a"}, tensor<1x2xf32> {qc.name = "b"}) {
  %w = qc.constant dense<[[0.5, -0.25, 1.0, 0.125], [-1.0, 0.75, 0.5, -0.5], [4.0, 3.0, -2.5, 3.0], [-3.0, 2.5, 3.5, -4.0]]> : tensor<4x4xf32> loc("fc_weight")
  %0 = qc.linear %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("fc")
  %1 = qc.slice %0 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<1x4xf32>) -> tensor<1x2xf32> loc("split")
  %2 = qc.slice %0 {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<1x4xf32>) -> tensor<1x2xf32> loc("split")
  %3 = qc.relu %1 : tensor<1x2xf32> loc("relu_a")
  %4 = qc.relu %2 : tensor<1x2xf32> loc("relu_b")
  return %3, %4 : tensor<1x2xf32>, tensor<1x2xf32>
}
