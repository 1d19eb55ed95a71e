// A hardswish the x86 quantizer gave int16 activations (act_dtype[/b1/hs]=
// int16): its Q/DQ form between i16 tensors has no 16x8 integer form, so qc
// compile refuses it (compile-errors.test). The same op not annotated (a
// float op between int16 ops) would be compiled as a float island.
func.func @main(%x: tensor<1x8xf32> {qc.name = "x"}) -> (tensor<1x8xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi16>
  %d = qc.dequantize %q {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xi16>) -> tensor<1x8xf32>
  %h = qc.hardswish %d {qc.annotated_by = "x86"} : tensor<1x8xf32> loc("/b1/hs")
  %hq = qc.quantize %h {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi16>
  %hd = qc.dequantize %hq {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xi16>) -> tensor<1x8xf32>
  return %hd : tensor<1x8xf32>
}
