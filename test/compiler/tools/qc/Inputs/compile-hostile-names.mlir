// Tensor names that would break out of C if copied into the generated header:
// a comment end followed by an #error and a declaration (newlines), quotes,
// backslashes, a trigraph, a line splice, a carriage return, non-ASCII bytes
// (UTF-8 e-acute and a lone 0xFF) and a nested comment opener.
// (compile-hostile-names.test)
func.func @main(%x: tensor<1x4xf32> {qc.name = "in*/\0A#error injected\0Aint injected_symbol;/*"},
                %y: tensor<1x4xf32> {qc.name = "q\22uote\5Cback??/ \C3\A9\FF"})
    -> (tensor<1x4xf32> {qc.name = "out\0D\0A*/ int injected_out; /* \5C\0A// \"x\""},
        tensor<1x4xf32> {qc.name = "/* nested"}) {
  %0 = qc.add %x, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %1 = qc.relu %0 : tensor<1x4xf32>
  return %0, %1 : tensor<1x4xf32>, tensor<1x4xf32>
}
