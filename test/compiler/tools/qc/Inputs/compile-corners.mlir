// Integer-op corners for qc compile vs the reference (compile-exact-ops.test):
// batch 2; a conv with stride 3 over a dilated 2x2 kernel and padding larger
// than the kernel on every side (some windows all padding); a depthwise conv
// with padding 3 around a 3x3 kernel (rows of zero points only); a ceil_mode
// max pool whose last window is dropped; a slice with negative steps (a view
// with negative strides) read by an average pool and returned; a qmul
// broadcasting the pooled [2, 4, 1, 1] over [2, 4, 7, 6].
func.func @main(%x: tensor<2x3x4x4xf32> {qc.name = "x"}) -> (tensor<2x4x7x6xf32> {qc.name = "se"}, tensor<2x4x2x2xf32> {qc.name = "flipped"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 7>} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xui8>
  %w1 = qc.constant dense<[[[[ 113,   32],    [  47,  101]],    [[  20,   70],    [  85,  -70]],    [[-113,  -51],    [ -55,   95]]],    [[[ 105, -126],    [   0,   82]],    [[ -94,   76],    [ -97,   -8]],    [[  81,  -50],    [ -40,  -57]]],    [[[  56,  -63],    [ 125,  -14]],    [[  -6,    1],    [  21,   14]],    [[   2,  126],    [  78,   75]]],    [[[  51,   31],    [ -41,  125]],    [[  -9,  -73],    [  88,  -87]],    [[  91,   29],    [ -98, -116]]]]> : tensor<4x3x2x2xi8>
  %b1 = qc.constant dense<[ -56, -465, -359,   14]> : tensor<4xi32>
  %c1 = qc.qconv2d %q, %w1, %b1 {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 2, 2>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 7 : i64, output_scale = 0.05 : f32, output_zero_point = 5 : i64, pads = array<i64: 3, 1, 4, 2>, strides = array<i64: 3, 3>, weight_scale = array<f32: 0.01, 0.02, 0.015, 0.03>} : (tensor<2x3x4x4xui8>, tensor<4x3x2x2xi8>, tensor<4xi32>) -> tensor<2x4x3x2xui8>
  %w2 = qc.constant dense<[[[[ 120,   -9,   79],    [ 106,   82,   33],    [ -15,    4,  -60]]],    [[[  -1,  -31,  -64],    [ 126, -124, -103],    [ -78,  120,   49]]],    [[[  97,  -76,   56],    [ -33,   -3, -127],    [  30,   84,   42]]],    [[[ -88,    9,  -59],    [ 119,   97,  -80],    [   2,  112,   89]]]]> : tensor<4x1x3x3xi8>
  %b2 = qc.constant dense<[ 207,  139, -458,  241]> : tensor<4xi32>
  %dw = qc.qconv2d %c1, %w2, %b2 {clamp_max = 127 : i64, clamp_min = -128 : i64, dilations = array<i64: 1, 1>, groups = 4 : i64, input_scale = 0.05 : f32, input_zero_point = 5 : i64, output_scale = 0.1 : f32, output_zero_point = -3 : i64, pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.01>} : (tensor<2x4x3x2xui8>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<2x4x7x6xi8>
  %mp = qc.qmax_pool2d %dw {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>} : (tensor<2x4x7x6xi8>) -> tensor<2x4x3x3xi8>
  %sl = qc.slice %mp {axes = array<i64: 2, 3>, ends = array<i64: -100, 0>, starts = array<i64: -1, 2>, steps = array<i64: -2, -1>} : (tensor<2x4x3x3xi8>) -> tensor<2x4x2x2xi8>
  %gp = qc.qavg_pool2d %sl {ceil_mode = false, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = false, input_scale = 0.1 : f32, input_zero_point = -3 : i64, kernel = array<i64: 2, 2>, output_scale = 0.04 : f32, output_zero_point = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x4x2x2xi8>) -> tensor<2x4x1x1xi8>
  %m = qc.qmul %dw, %gp {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = -3 : i64, output_scale = 0.02 : f32, output_zero_point = 100 : i64, rhs_scale = 0.04 : f32, rhs_zero_point = 1 : i64} : (tensor<2x4x7x6xi8>, tensor<2x4x1x1xi8>) -> tensor<2x4x7x6xui8>
  %se = qc.dequantize %m {scale = array<f32: 0.02>, zero_point = array<i64: 100>} : (tensor<2x4x7x6xui8>) -> tensor<2x4x7x6xf32>
  %fl = qc.dequantize %sl {scale = array<f32: 0.1>, zero_point = array<i64: -3>} : (tensor<2x4x2x2xi8>) -> tensor<2x4x2x2xf32>
  return %se, %fl : tensor<2x4x7x6xf32>, tensor<2x4x2x2xf32>
}
