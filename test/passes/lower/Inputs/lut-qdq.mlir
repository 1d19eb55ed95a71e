// A Q/DQ program for qc-lower-to-integer's table lookups (lut.test): each
// output is quantize(f(dequantize(x))) for an elementwise f. Tables: sigmoid
// and hardsigmoid to PyTorch's fixed [0, 1) qparams, tanh to [-1, 1), a
// standalone hardswish, gelu, hardswish written as x * hardsigmoid(x) (a DAG
// with two uses of the input), and a chain with scalar constants. `rooted`
// takes the square root of a value that may be negative (a NaN for the
// codes below the zero point, though input p holds none): it has no table
// and stays float.
func.func @main(%x: tensor<1x4x8x8xui8> {qc.name = "x"}, %s: tensor<1x4x8x8xi8> {qc.name = "s"}, %p: tensor<1x8xi8> {qc.name = "p"})
    -> (tensor<1x4x8x8xui8> {qc.name = "sigmoid"}, tensor<1x4x8x8xi8> {qc.name = "tanh"},
        tensor<1x4x8x8xui8> {qc.name = "hardswish"}, tensor<1x4x8x8xui8> {qc.name = "hardsigmoid"},
        tensor<1x4x8x8xi8> {qc.name = "gelu"}, tensor<1x4x8x8xi8> {qc.name = "hsdag"},
        tensor<1x4x8x8xui8> {qc.name = "chain"}, tensor<1x8xf32> {qc.name = "rooted"}) {
  %xf = qc.dequantize %x {scale = array<f32: 0.047>, zero_point = array<i64: 131>} : (tensor<1x4x8x8xui8>) -> tensor<1x4x8x8xf32>
  %sf = qc.dequantize %s {scale = array<f32: 0.031>, zero_point = array<i64: -3>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xf32>
  %sg = qc.sigmoid %xf : tensor<1x4x8x8xf32>
  %sgq = qc.quantize %sg {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.00390625>, zero_point = array<i64: 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xui8>
  %th = qc.tanh %sf : tensor<1x4x8x8xf32>
  %thq = qc.quantize %th {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0078125>, zero_point = array<i64: 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xi8>
  %hs = qc.hardswish %xf : tensor<1x4x8x8xf32>
  %hsq = qc.quantize %hs {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.029>, zero_point = array<i64: 12>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xui8>
  %hg = qc.hardsigmoid %sf {alpha = 0.16666667 : f32, beta = 0.5 : f32} : tensor<1x4x8x8xf32>
  %hgq = qc.quantize %hg {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.00390625>, zero_point = array<i64: 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xui8>
  %ge = qc.gelu %sf {approximate = "none"} : tensor<1x4x8x8xf32>
  %geq = qc.quantize %ge {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.021>, zero_point = array<i64: -100>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xi8>
  %h2 = qc.hardsigmoid %xf {alpha = 0.16666667 : f32, beta = 0.5 : f32} : tensor<1x4x8x8xf32>
  %hd = qc.mul %xf, %h2 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %hdq = qc.quantize %hd {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.033>, zero_point = array<i64: -110>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xi8>
  %three = qc.constant dense<3.0> : tensor<f32>
  %sixth = qc.constant dense<0.1666667> : tensor<1xf32>
  %c1 = qc.add %xf, %three : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %c2 = qc.clamp %c1 {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x4x8x8xf32>
  %c3 = qc.mul %c2, %sixth : (tensor<1x4x8x8xf32>, tensor<1xf32>) -> tensor<1x4x8x8xf32>
  %c4 = qc.relu %c3 : tensor<1x4x8x8xf32>
  %c4q = qc.quantize %c4 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.0041>, zero_point = array<i64: 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xui8>
  %pf = qc.dequantize %p {scale = array<f32: 0.031>, zero_point = array<i64: -3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %r = qc.sqrt %pf : tensor<1x8xf32>
  %rq = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %rd = qc.dequantize %rq {scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %sgq, %thq, %hsq, %hgq, %geq, %hdq, %c4q, %rd : tensor<1x4x8x8xui8>, tensor<1x4x8x8xi8>, tensor<1x4x8x8xui8>, tensor<1x4x8x8xui8>, tensor<1x4x8x8xi8>, tensor<1x4x8x8xi8>, tensor<1x4x8x8xui8>, tensor<1x8xf32>
}
