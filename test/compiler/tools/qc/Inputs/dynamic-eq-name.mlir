// A dynamic input whose name holds '=' (output-names.test): --input-shape
// a=b=3,2 binds it (split at the last '=').
func.func @main(%a: tensor<?x2xf32> {qc.name = "a=b"}) -> (tensor<?x2xf32> {qc.name = "y"}) {
  %0 = qc.relu %a : tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
