// qc.log_softmax for qc compile vs the reference executor
// (compile-recurrent.test): along the last axis (contiguous lines, 40
// classes as a CRNN head), along a middle axis (strided lines) and along the
// first axis of a line with a NaN and -inf / +inf entries.
func.func @main(%x: tensor<3x5x40xf32> {qc.name = "x"}, %s: tensor<4x3xf32> {qc.name = "s"}) -> (tensor<3x5x40xf32> {qc.name = "last"}, tensor<3x5x40xf32> {qc.name = "middle"}, tensor<4x3xf32> {qc.name = "special"}) {
  %a = qc.log_softmax %x {axis = -1 : i64} : tensor<3x5x40xf32>
  %b = qc.log_softmax %x {axis = 1 : i64} : tensor<3x5x40xf32>
  %c = qc.log_softmax %s {axis = 0 : i64} : tensor<4x3xf32>
  return %a, %b, %c : tensor<3x5x40xf32>, tensor<3x5x40xf32>, tensor<4x3xf32>
}
