// Activation x activation float matmuls for compile-float-matmul.test: 37
// output columns (full vectors of every target's float lanes plus a scalar
// tail), a contiguous right operand (mm), a transposed one (mt: strided
// columns), and 4-D operands whose result is NHWC in the arena (m4: strided
// output columns, as the attention of examples/ocr).
func.func @main(%x: tensor<2x7x19xf32> {qc.name = "x"}, %y: tensor<2x19x37xf32> {qc.name = "y"}, %z: tensor<2x37x19xf32> {qc.name = "z"}, %a: tensor<1x3x7x19xf32> {qc.name = "a"}, %b: tensor<1x3x19x37xf32> {qc.name = "b"}) -> (tensor<2x7x37xf32> {qc.name = "mm"}, tensor<2x7x37xf32> {qc.name = "mt"}, tensor<1x3x7x37xf32> {qc.name = "m4"}) {
  %mm = qc.matmul %x, %y : (tensor<2x7x19xf32>, tensor<2x19x37xf32>) -> tensor<2x7x37xf32>
  %zt = qc.transpose %z {perm = array<i64: 0, 2, 1>} : (tensor<2x37x19xf32>) -> tensor<2x19x37xf32>
  %mt = qc.matmul %x, %zt : (tensor<2x7x19xf32>, tensor<2x19x37xf32>) -> tensor<2x7x37xf32>
  %m4 = qc.matmul %a, %b : (tensor<1x3x7x19xf32>, tensor<1x3x19x37xf32>) -> tensor<1x3x7x37xf32>
  %s = qc.relu %m4 : tensor<1x3x7x37xf32>
  return %mm, %mt, %s : tensor<2x7x37xf32>, tensor<2x7x37xf32>, tensor<1x3x7x37xf32>
}
