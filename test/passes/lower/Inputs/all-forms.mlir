// One instance of each fused form of qc-lower-to-integer, for the
// per-pattern tests in ../patterns/ (each selects one pattern and checks that
// only its form is lowered).
func.func @all_forms(%x: tensor<1x2x4x4xui8>, %v: tensor<2x4xui8>, %a: tensor<1x8xi8>, %b: tensor<1x8xi8>) -> (tensor<1x3x4x4xui8>, tensor<2x3xui8>, tensor<1x8xi8>, tensor<1x8xi8>, tensor<1x2x2x2xui8>, tensor<1x2x1x1xui8>, tensor<1x32xui8>, tensor<1x8xi8>) {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xf32>
  // conv2d
  %w = qc.constant dense<5> : tensor<3x2x3x3xi8>
  %wf = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.04>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x2x3x3xi8>) -> tensor<3x2x3x3xf32>
  %cb = qc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %cbf = qc.dequantize %cb {axis = 0 : i64, scale = array<f32: 5.0e-4, 1.0e-3, 2.0e-3>, zero_point = array<i64: 0, 0, 0>} : (tensor<3xi32>) -> tensor<3xf32>
  %conv = qc.conv2d %xf, %wf, %cbf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %convr = qc.relu %conv : tensor<1x3x4x4xf32>
  %q0 = qc.quantize %convr {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 7>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xui8>
  // linear
  %vf = qc.dequantize %v {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<2x4xui8>) -> tensor<2x4xf32>
  %lw = qc.constant dense<3> : tensor<3x4xi8>
  %lwf = qc.dequantize %lw {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<3x4xi8>) -> tensor<3x4xf32>
  %lin = qc.linear %vf, %lwf : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %q1 = qc.quantize %lin {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0>, zero_point = array<i64: 128>} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  // add
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -2>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %add = qc.add %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %q2 = qc.quantize %add {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.04>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  // mul
  %mul = qc.mul %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %q3 = qc.quantize %mul {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01>, zero_point = array<i64: -5>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  // max-pool
  %mp = qc.max_pool2d %xf {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %q4 = qc.quantize %mp {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xui8>
  // avg-pool
  %gp = qc.global_avg_pool2d %xf : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %q5 = qc.quantize %gp {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 5>} : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xui8>
  // data-movement
  %fl = qc.flatten %xf {axis = 1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>
  %q6 = qc.quantize %fl {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x32xf32>) -> tensor<1x32xui8>
  // lut
  %sg = qc.sigmoid %af : tensor<1x8xf32>
  %q7 = qc.quantize %sg {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0078125>, zero_point = array<i64: -128>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  return %q0, %q1, %q2, %q3, %q4, %q5, %q6, %q7 : tensor<1x3x4x4xui8>, tensor<2x3xui8>, tensor<1x8xi8>, tensor<1x8xi8>, tensor<1x2x2x2xui8>, tensor<1x2x1x1xui8>, tensor<1x32xui8>, tensor<1x8xi8>
}
