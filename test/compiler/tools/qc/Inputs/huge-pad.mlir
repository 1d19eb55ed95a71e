// A pad whose result is 37 GiB (run-memory.test).
func.func @main(%x: tensor<1x1x8x8xf32> {qc.name = "x"}) -> (tensor<1x1x100008x100008xf32> {qc.name = "y"}) {
  %y = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 100000, 100000>, value = 0.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<1x1x100008x100008xf32>
  return %y : tensor<1x1x100008x100008xf32>
}
