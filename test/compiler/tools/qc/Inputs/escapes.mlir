// Terminal escape sequences in names (terminal-safe.test): an input named
// ESC [31m evil (red text) in a function whose location is a node name with
// an OSC "set window title" sequence, BEL and a C1 CSI (U+009B).
func.func @main(%x: tensor<2xf32> {qc.name = "\1B[31mevil"}) -> (tensor<2xf32> {qc.name = "y\1B[2J"}) {
  %0 = qc.relu %x : tensor<2xf32>
  return %0 : tensor<2xf32>
} loc("\1B]0;title\07node\C2\9B1m")
