// A per-token qc.dynamic_fake_quant that no linear consumes, so
// qc-lower-to-integer leaves it (compile-dynamic-int.test: qc compile refuses it).
func.func @main(%x: tensor<2x4xf32> {qc.name = "input"}) -> (tensor<2x4xf32> {qc.name = "output"}) {
  %y = qc.dynamic_fake_quant %x {dtype = ui8, per_token = true, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<2x4xf32> loc("fq")
  return %y : tensor<2x4xf32>
}
