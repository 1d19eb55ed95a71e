// Integer data movement and elementwise ops for qc compile vs the reference
// (compile-exact-ops.test): transpose and slice (views with permuted strides,
// an offset and a step), qc.qmul, qc.qrequantize (u8 -> s8), concat along
// channels into an NHWC buffer; and Q/DQ sigmoid / hardswish, which qc
// compile lowers to qc.qlut table lookups (u8 -> s8 on a transposed view,
// s8 -> u8 on a strided slice); a squeeze-excitation-like qc.qmul that
// broadcasts a [1, 4, 1, 1] pooled scale over the transposed view.
func.func @main(%x: tensor<1x4x6x6xf32> {qc.name = "x"}) -> (tensor<1x8x2x6xf32> {qc.name = "y"}, tensor<1x4x6x6xf32> {qc.name = "sigmoid"}, tensor<1x4x2x6xf32> {qc.name = "hardswish"}, tensor<1x4x6x6xf32> {qc.name = "se"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xui8>
  %t = qc.transpose %q {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xui8>
  %m = qc.qmul %q, %t {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = 100 : i64, output_scale = 0.01 : f32, output_zero_point = 60 : i64, rhs_scale = 0.02 : f32, rhs_zero_point = 100 : i64} : (tensor<1x4x6x6xui8>, tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xui8>
  %s = qc.slice %m {axes = array<i64: 2>, ends = array<i64: 5>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x2x6xui8>
  %r = qc.qrequantize %s {clamp_max = 127 : i64, clamp_min = -128 : i64, input_scale = 0.01 : f32, input_zero_point = 60 : i64, output_scale = 0.015 : f32, output_zero_point = -3 : i64} : (tensor<1x4x2x6xui8>) -> tensor<1x4x2x6xi8>
  %s2 = qc.slice %q {axes = array<i64: -2>, ends = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x2x6xui8>
  %r2 = qc.qrequantize %s2 {clamp_max = 127 : i64, clamp_min = -128 : i64, input_scale = 0.02 : f32, input_zero_point = 100 : i64, output_scale = 0.015 : f32, output_zero_point = -3 : i64} : (tensor<1x4x2x6xui8>) -> tensor<1x4x2x6xi8>
  %c = qc.concat %r, %r2 {axis = 1 : i64} : (tensor<1x4x2x6xi8>, tensor<1x4x2x6xi8>) -> tensor<1x8x2x6xi8>
  %y = qc.dequantize %c {scale = array<f32: 0.015>, zero_point = array<i64: -3>} : (tensor<1x8x2x6xi8>) -> tensor<1x8x2x6xf32>
  %td = qc.dequantize %t {scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>
  %sg = qc.sigmoid %td : tensor<1x4x6x6xf32>
  %sq = qc.quantize %sg {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.00390625>, zero_point = array<i64: -128>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %sd = qc.dequantize %sq {scale = array<f32: 0.00390625>, zero_point = array<i64: -128>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>
  %rd = qc.dequantize %r {scale = array<f32: 0.015>, zero_point = array<i64: -3>} : (tensor<1x4x2x6xi8>) -> tensor<1x4x2x6xf32>
  %hs = qc.hardswish %rd : tensor<1x4x2x6xf32>
  %hq = qc.quantize %hs {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.01>, zero_point = array<i64: 40>} : (tensor<1x4x2x6xf32>) -> tensor<1x4x2x6xui8>
  %hd = qc.dequantize %hq {scale = array<f32: 0.01>, zero_point = array<i64: 40>} : (tensor<1x4x2x6xui8>) -> tensor<1x4x2x6xf32>
  %gp = qc.qavg_pool2d %q {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 0.02 : f32, input_zero_point = 100 : i64, kernel = array<i64: 6, 6>, output_scale = 0.004 : f32, output_zero_point = 128 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x1x1xui8>
  %se = qc.qmul %t, %gp {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = 100 : i64, output_scale = 0.0002 : f32, output_zero_point = 90 : i64, rhs_scale = 0.004 : f32, rhs_zero_point = 128 : i64} : (tensor<1x4x6x6xui8>, tensor<1x4x1x1xui8>) -> tensor<1x4x6x6xui8>
  %sed = qc.dequantize %se {scale = array<f32: 0.0002>, zero_point = array<i64: 90>} : (tensor<1x4x6x6xui8>) -> tensor<1x4x6x6xf32>
  return %y, %sd, %hd, %sed : tensor<1x8x2x6xf32>, tensor<1x4x6x6xf32>, tensor<1x4x2x6xf32>, tensor<1x4x6x6xf32>
}
