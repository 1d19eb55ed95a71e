// Names that do not fit file names or a NAME=FILE binding as they are
// (output-names.test): inputs "a" and "a=b"; outputs "a/b" and "a_b" (one
// file each), "50%" and one with a newline.
func.func @main(%a: tensor<2xf32> {qc.name = "a"}, %ab: tensor<2xf32> {qc.name = "a=b"}) -> (tensor<2xf32> {qc.name = "a/b"}, tensor<2xf32> {qc.name = "a_b"}, tensor<2xf32> {qc.name = "50%"}, tensor<2xf32> {qc.name = "line\0Abreak"}) {
  %0 = qc.add %a, %ab : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = qc.relu %ab : tensor<2xf32>
  return %0, %1, %0, %1 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
