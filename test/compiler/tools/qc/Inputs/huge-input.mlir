// A static input of 4 GiB: qc bench's random input is checked against the
// memory cap before it is made (run-memory.test).
func.func @main(%x: tensor<1073741824xf32> {qc.name = "x"}) -> (tensor<1073741824xf32> {qc.name = "y"}) {
  %y = qc.relu %x : tensor<1073741824xf32>
  return %y : tensor<1073741824xf32>
}
