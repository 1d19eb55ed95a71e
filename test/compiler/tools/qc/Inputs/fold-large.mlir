// A constant-foldable pad with a 4 MiB result (run-memory.test): qc-simplify
// folds it with the reference executor, under the memory cap.
func.func @main(%x: tensor<1x1x1x1xf32> {qc.name = "x"}) -> (tensor<1x1x1024x1024xf32> {qc.name = "y"}) {
  %c = qc.constant dense<2.0> : tensor<1x1x8x8xf32>
  %p = qc.pad %c {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 1016, 1016>, value = 1.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<1x1x1024x1024xf32>
  %y = qc.add %x, %p : (tensor<1x1x1x1xf32>, tensor<1x1x1024x1024xf32>) -> tensor<1x1x1024x1024xf32>
  return %y : tensor<1x1x1024x1024xf32>
}
