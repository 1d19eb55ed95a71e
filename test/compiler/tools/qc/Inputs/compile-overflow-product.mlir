// Dimensions whose product (2^64 elements) overflows int64: the element count
// used to wrap to 0 and the arena to 0 bytes (compile-errors.test).
func.func @main(%x: tensor<4294967296x4294967296xf32> {qc.name = "x"}) -> (tensor<4294967296x4294967296xui8> {qc.name = "y"}) {
  %0 = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xui8>
  return %0 : tensor<4294967296x4294967296xui8>
}
