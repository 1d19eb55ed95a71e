// A pad of a dynamic input: its result's size is known only at run time,
// where the kernel checks it (run-memory.test).
func.func @main(%x: tensor<?x1x?x?xf32> {qc.name = "x"}) -> (tensor<?x1x?x?xf32> {qc.name = "y"}) {
  %y = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 100000, 100000>, value = 0.0 : f32} : (tensor<?x1x?x?xf32>) -> tensor<?x1x?x?xf32>
  return %y : tensor<?x1x?x?xf32>
}
