// A Q/DQ program that exercises every pattern of qc-lower-to-integer on
// random data (integer-vs-qdq.test): a grouped, strided conv with per-tensor
// weights and relu6 on i8, a per-channel conv with relu on ui8, an add of the
// two with relu, and a per-channel linear without activation.
func.func @main(%x: tensor<2x4x9x9xi8> {qc.name = "x"}) -> (tensor<2x6x5x5xui8> {qc.name = "add"}, tensor<2x6x5x3xi8> {qc.name = "fc"}) {
  %xf = qc.dequantize %x {scale = array<f32: 0.037>, zero_point = array<i64: -5>} : (tensor<2x4x9x9xi8>) -> tensor<2x4x9x9xf32>
  %w1 = qc.constant dense<[[[[113, 32, 47], [101, 20, 70], [85, -71, -114]], [[-52, -56, 95], [105, -127, -1], [82, -95, 76]]], [[[-98, -9, 81], [-51, -41, -57], [56, -63, 125]], [[-15, -6, 1], [21, 13, 2], [126, 78, 74]]], [[[51, 31, -41], [125, -9, -73], [88, -87, 91]], [[28, -99, -117], [-15, -119, -92], [3, 120, -9]]], [[[78, 106, 82], [33, -16, 3], [-60, -1, -31]], [[-65, 126, -125], [-104, -79, 120], [49, 97, -77]]], [[[56, -34, -3], [-128, 30, 84], [41, -89, 8]], [[-60, 119, 97], [-81, 2, 112], [88, 53, 35]]], [[[-118, 61, -7], [-105, -66, 10], [58, 1, 28]], [[95, 47, -36], [36, 25, -101], [-113, 41, -29]]]]> : tensor<6x2x3x3xi8>
  %w1f = qc.dequantize %w1 {scale = array<f32: 0.0071>, zero_point = array<i64: 0>} : (tensor<6x2x3x3xi8>) -> tensor<6x2x3x3xf32>
  %b1 = qc.constant dense<[100, -200, 3000, -4000, 0, 12345]> : tensor<6xi32>
  %b1f = qc.dequantize %b1 {scale = array<f32: 2.627000e-04>, zero_point = array<i64: 0>} : (tensor<6xi32>) -> tensor<6xf32>
  %c1 = qc.conv2d %xf, %w1f, %b1f {dilations = array<i64: 1, 1>, groups = 2 : i64, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x4x4xf32>
  %r1 = qc.clamp %c1 {max = 6.0 : f32, min = 0.0 : f32} : tensor<2x6x4x4xf32>
  %q1 = qc.quantize %r1 {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0123>, zero_point = array<i64: -100>} : (tensor<2x6x4x4xf32>) -> tensor<2x6x4x4xi8>
  %d1 = qc.dequantize %q1 {scale = array<f32: 0.0123>, zero_point = array<i64: -100>} : (tensor<2x6x4x4xi8>) -> tensor<2x6x4x4xf32>
  %p1 = qc.pad %d1 {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<2x6x4x4xf32>) -> tensor<2x6x5x5xf32>
  %q1p = qc.quantize %p1 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.0123>, zero_point = array<i64: 28>} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xui8>
  %d1p = qc.dequantize %q1p {scale = array<f32: 0.0123>, zero_point = array<i64: 28>} : (tensor<2x6x5x5xui8>) -> tensor<2x6x5x5xf32>
  %w2 = qc.constant dense<[[[[3]], [[-7]], [[127]], [[-128]]], [[[50]], [[50]], [[-50]], [[1]]], [[[9]], [[8]], [[7]], [[6]]], [[[-1]], [[-2]], [[-3]], [[-4]]], [[[0]], [[0]], [[64]], [[0]]], [[[33]], [[-33]], [[33]], [[-33]]]]> : tensor<6x4x1x1xi8>
  %w2f = qc.dequantize %w2 {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.003, 0.05, 0.004, 0.0061>, zero_point = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<6x4x1x1xi8>) -> tensor<6x4x1x1xf32>
  %xp = qc.pad %xf {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>, value = 0.0 : f32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %xq = qc.quantize %xp {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.037>, zero_point = array<i64: 123>} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xui8>
  %xqf = qc.dequantize %xq {scale = array<f32: 0.037>, zero_point = array<i64: 123>} : (tensor<2x4x9x9xui8>) -> tensor<2x4x9x9xf32>
  %c2 = qc.conv2d %xqf, %w2f {dilations = array<i64: 2, 2>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<2x4x9x9xf32>, tensor<6x4x1x1xf32>) -> tensor<2x6x5x5xf32>
  %r2 = qc.relu %c2 : tensor<2x6x5x5xf32>
  %q2 = qc.quantize %r2 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.021>, zero_point = array<i64: 0>} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xui8>
  %d2 = qc.dequantize %q2 {scale = array<f32: 0.021>, zero_point = array<i64: 0>} : (tensor<2x6x5x5xui8>) -> tensor<2x6x5x5xf32>
  %s = qc.add %d1p, %d2 : (tensor<2x6x5x5xf32>, tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
  %rs = qc.relu %s : tensor<2x6x5x5xf32>
  %qs = qc.quantize %rs {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.029>, zero_point = array<i64: 17>} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xui8>
  %ds = qc.dequantize %qs {scale = array<f32: 0.029>, zero_point = array<i64: 17>} : (tensor<2x6x5x5xui8>) -> tensor<2x6x5x5xf32>
  %w3 = qc.constant dense<[[1, -2, 3, -4, 5], [127, -128, 0, 64, -64], [10, 20, 30, 40, 50]]> : tensor<3x5xi8>
  %w3f = qc.dequantize %w3 {axis = 0 : i64, scale = array<f32: 0.05, 0.002, 0.013>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x5xi8>) -> tensor<3x5xf32>
  %b3 = qc.constant dense<[-77, 1000, 5]> : tensor<3xi32>
  %b3f = qc.dequantize %b3 {axis = 0 : i64, scale = array<f32: 1.450000e-03, 5.800000e-05, 3.770000e-04>, zero_point = array<i64: 0, 0, 0>} : (tensor<3xi32>) -> tensor<3xf32>
  %fc = qc.linear %ds, %w3f, %b3f : (tensor<2x6x5x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<2x6x5x3xf32>
  %qfc = qc.quantize %fc {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.017>, zero_point = array<i64: 3>} : (tensor<2x6x5x3xf32>) -> tensor<2x6x5x3xi8>
  return %qs, %qfc : tensor<2x6x5x5xui8>, tensor<2x6x5x3xi8>
}
