// A float island in a quantized program (compile-float-ops.test): a conv
// qc-lower-to-integer leaves float (its int8 weights have non-zero, per-channel
// zero points), between a dequantize and a quantize, then softmax and
// hardswish on the dequantized result. The weights are a qc.dequantize of a
// constant, folded at compile time. A constant concatenated to the result
// is a global of the object.
func.func @main(%x: tensor<1x3x6x6xf32> {qc.name = "x"}) -> (tensor<1x5x6x6xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 128>} : (tensor<1x3x6x6xf32>) -> tensor<1x3x6x6xui8>
  %dx = qc.dequantize %q {scale = array<f32: 0.02>, zero_point = array<i64: 128>} : (tensor<1x3x6x6xui8>) -> tensor<1x3x6x6xf32>
  %wq = qc.constant dense<[[[[44, 78, -122], [79, -8, 4], [33, -55, 122]], [[-114, -57, -30], [18, -23, -94], [-116, -127, -115]], [[-90, 127, -79], [39, 64, -68], [-56, -17, -60]]], [[[121, -82, 101], [76, 88, -98], [-27, 33, -2]], [[42, 45, 42], [-112, 117, 14], [103, -58, -35]], [[97, -80, -111], [-32, 46, -96], [94, -41, -70]]], [[[11, 101, 98], [95, -49, -123], [71, 53, 69]], [[-127, -118, 1], [-42, -16, 110], [-76, 7, -45]], [[-52, 78, -88], [-47, -97, -89], [-56, 51, 20]]], [[[-13, -84, 76], [76, -67, -112], [-46, -90, 76]], [[5, 2, -53], [2, 119, -67], [68, -124, -47]], [[110, 95, -106], [87, 88, -12], [-34, 122, 115]]]]> : tensor<4x3x3x3xi8>
  %w = qc.dequantize %wq {axis = 0 : i64, scale = array<f32: 0.004, 0.003, 0.005, 0.002>, zero_point = array<i64: 3, -2, 0, 7>} : (tensor<4x3x3x3xi8>) -> tensor<4x3x3x3xf32>
  %b = qc.constant dense<[-0.0331291, -0.0840473, 0.144873, 0.0568213]> : tensor<4xf32>
  %c = qc.conv2d %dx, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %cq = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01>, zero_point = array<i64: -3>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi8>
  %cd = qc.dequantize %cq {scale = array<f32: 0.01>, zero_point = array<i64: -3>} : (tensor<1x4x6x6xi8>) -> tensor<1x4x6x6xf32>
  %s = qc.softmax %cd {axis = 1 : i64} : tensor<1x4x6x6xf32>
  %h = qc.hardswish %c : tensor<1x4x6x6xf32>
  %a = qc.add %s, %h : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %k = qc.constant dense<[[[[0.189053, -0.522748, -0.413064, -2.44147, 1.79971, 1.14417], [-0.325423, 0.773807, 0.281211, -0.553823, 0.977567, -0.310557], [-0.328824, -0.792147, 0.454958, -0.0991981, 0.545289, -0.607186], [0.126828, -0.892274, 0.841465, 0.188035, 0.330571, 0.410504], [-1.01076, 0.783181, 2.0567, -1.63844, -1.72941, -1.50483], [0.841459, 0.128716, 1.07834, 0.722431, 0.210572, 0.284038]]]]> : tensor<1x1x6x6xf32>
  %y = qc.concat %a, %k {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x1x6x6xf32>) -> tensor<1x5x6x6xf32>
  return %y : tensor<1x5x6x6xf32>
}
