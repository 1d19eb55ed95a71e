// Q/DQ elementwise math ops for qc compile vs the reference
// (compile-qelementwise.test): abs, neg, exp, log(abs), reciprocal, floor,
// ceil, round, leaky_relu and prelu with one slope between quantizes become
// qc.qlut tables; max / min of two quantized tensors become qc.qmax /
// qc.qmin (an operand in other qparams requantized by a table first; max
// broadcasts a [1, 4, 1, 6] slice); prelu with a per-channel slope stays a
// float step between its dequantize and quantize.
func.func @main(%x: tensor<1x4x6x6xf32> {qc.name = "x"}) -> (tensor<1x4x6x6xf32> {qc.name = "abs"}, tensor<1x4x6x6xf32> {qc.name = "neg"}, tensor<1x4x6x6xf32> {qc.name = "exp"}, tensor<1x4x6x6xf32> {qc.name = "log"}, tensor<1x4x6x6xf32> {qc.name = "reciprocal"}, tensor<1x4x6x6xf32> {qc.name = "floor"}, tensor<1x4x6x6xf32> {qc.name = "ceil"}, tensor<1x4x6x6xf32> {qc.name = "round"}, tensor<1x4x6x6xf32> {qc.name = "leaky"}, tensor<1x4x6x6xf32> {qc.name = "prelu1"}, tensor<1x4x6x6xf32> {qc.name = "prelu"}, tensor<1x4x6x6xf32> {qc.name = "max"}, tensor<1x4x6x6xf32> {qc.name = "min"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>
  %b = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %bd = qc.dequantize %b {scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %abs = qc.abs %d : tensor<1x4x6x6xf32>
  %absq = qc.quantize %abs {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.015>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %absd = qc.dequantize %absq {scale = array<f32: 0.015>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>

  %neg = qc.neg %bd : tensor<1x4x6x6xf32>
  %negq = qc.quantize %neg {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.025>, zero_point = array<i64: 3>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %negd = qc.dequantize %negq {scale = array<f32: 0.025>, zero_point = array<i64: 3>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %exp = qc.exp %d : tensor<1x4x6x6xf32>
  %expq = qc.quantize %exp {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %expd = qc.dequantize %expq {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>

  %a2 = qc.abs %bd : tensor<1x4x6x6xf32>
  %log = qc.log %a2 : tensor<1x4x6x6xf32>
  %logq = qc.quantize %log {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 60>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %logd = qc.dequantize %logq {scale = array<f32: 0.05>, zero_point = array<i64: 60>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %rcp = qc.reciprocal %d : tensor<1x4x6x6xf32>
  %rcpq = qc.quantize %rcp {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.2>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %rcpd = qc.dequantize %rcpq {scale = array<f32: 0.2>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %c4 = qc.constant dense<4.0> : tensor<f32>
  %d4 = qc.mul %d, %c4 : (tensor<1x4x6x6xf32>, tensor<f32>) -> tensor<1x4x6x6xf32>
  %flo = qc.floor %d4 : tensor<1x4x6x6xf32>
  %floq = qc.quantize %flo {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %flod = qc.dequantize %floq {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>
  %cei = qc.ceil %d4 : tensor<1x4x6x6xf32>
  %ceiq = qc.quantize %cei {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %ceid = qc.dequantize %ceiq {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>
  %rnd = qc.round %d4 : tensor<1x4x6x6xf32>
  %rndq = qc.quantize %rnd {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %rndd = qc.dequantize %rndq {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %lre = qc.leaky_relu %d {alpha = 0.2 : f32} : tensor<1x4x6x6xf32>
  %lreq = qc.quantize %lre {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.0125>, zero_point = array<i64: 40>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %lred = qc.dequantize %lreq {scale = array<f32: 0.0125>, zero_point = array<i64: 40>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>

  %s1 = qc.constant dense<[-0.3]> : tensor<1xf32>
  %pr1 = qc.prelu %bd, %s1 : (tensor<1x4x6x6xf32>, tensor<1xf32>) -> tensor<1x4x6x6xf32>
  %pr1q = qc.quantize %pr1 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.015>, zero_point = array<i64: 2>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %pr1d = qc.dequantize %pr1q {scale = array<f32: 0.015>, zero_point = array<i64: 2>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>

  %sc = qc.constant dense<[[[0.25]], [[-0.5]], [[1.5]], [[0.0]]]> : tensor<4x1x1xf32>
  %pr = qc.prelu %d, %sc : (tensor<1x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %prq = qc.quantize %pr {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.03>, zero_point = array<i64: -20>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %prd = qc.dequantize %prq {scale = array<f32: 0.03>, zero_point = array<i64: -20>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  %bs = qc.slice %b {axes = array<i64: 2>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x1x6xi8>
  %bsd = qc.dequantize %bs {scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x1x6xi8>) -> tensor<1x4x1x6xf32>
  %max = qc.max %d, %bsd : (tensor<1x4x6x6xf32>, tensor<1x4x1x6xf32>) -> tensor<1x4x6x6xf32>
  %maxq = qc.quantize %max {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %maxd = qc.dequantize %maxq {scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>

  %t = qc.transpose %b {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xi8>
  %td = qc.dequantize %t {scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>
  %min = qc.min %td, %d : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %minq = qc.quantize %min {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %mind = qc.dequantize %minq {scale = array<f32: 0.03>, zero_point = array<i64: -10>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>

  return %absd, %negd, %expd, %logd, %rcpd, %flod, %ceid, %rndd, %lred, %pr1d, %prd, %maxd, %mind : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}
