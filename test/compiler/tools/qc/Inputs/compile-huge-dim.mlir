// A dimension of 2^62: 2^64 bytes of float32 (compile-errors.test).
func.func @main(%x: tensor<1x4611686018427387904xf32> {qc.name = "x"}) -> (tensor<1x4611686018427387904xf32> {qc.name = "y"}) {
  %0 = qc.relu %x : tensor<1x4611686018427387904xf32>
  return %0 : tensor<1x4611686018427387904xf32>
}
