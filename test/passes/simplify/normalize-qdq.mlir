// --qc-normalize-qdq: imported Q/DQ programs (PyTorch QAT export, ONNX Runtime
// QDQ) to qc's converted form. Expected values computed by hand below.
// RUN: qc-opt %s --split-input-file --qc-normalize-qdq | FileCheck %s

// quantize(constant) becomes the integer constant: [0.1, -0.26, 0.3] / 0.1
// rounds to [1, -3, 3].
// CHECK-LABEL: func.func @quantized_constant
// CHECK: %[[Q:.*]] = qc.constant dense<[1, -3, 3]> : tensor<3xi8>
// CHECK-NOT: qc.quantize
// CHECK: qc.dequantize %[[Q]]
func.func @quantized_constant() -> tensor<3xf32> {
  %w = qc.constant dense<[0.1, -0.26, 0.3]> : tensor<3xf32>
  %q = qc.quantize %w {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<3xf32>) -> tensor<3xi8>
  %d = qc.dequantize %q {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<3xi8>) -> tensor<3xf32>
  return %d : tensor<3xf32>
}

// -----

// A 1x1 conv weight [Cout, Cin, 1, 1], per tensor and per output channel:
// every element is quantized (a trailing dimension of size 1 once made the
// fold repeat the first code: MobileNetV2's QAT export lost all its 1x1
// convs). [0.1, 0.2, -0.3; 0.4, -0.5, 0.6] / 0.01, and / [0.01, 0.1].
// CHECK-LABEL: func.func @pointwise_weight
// CHECK: qc.constant dense<{{\[\[\[\[}}10]], {{\[\[}}20]], {{\[\[}}-30]]], {{\[\[\[}}40]], {{\[\[}}-50]], {{\[\[}}60]]]]> : tensor<2x3x1x1xi8>
// CHECK: qc.constant dense<{{\[\[\[\[}}10]], {{\[\[}}20]], {{\[\[}}-30]]], {{\[\[\[}}4]], {{\[\[}}-5]], {{\[\[}}6]]]]> : tensor<2x3x1x1xi8>
func.func @pointwise_weight() -> (tensor<2x3x1x1xi8>, tensor<2x3x1x1xi8>) {
  %c = qc.constant dense<[[[[0.1]], [[0.2]], [[-0.3]]], [[[0.4]], [[-0.5]], [[0.6]]]]> : tensor<2x3x1x1xf32>
  %t = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01>, zero_point = array<i64: 0>} : (tensor<2x3x1x1xf32>) -> tensor<2x3x1x1xi8>
  %a = qc.quantize %c {axis = 0 : i64, quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01, 0.1>, zero_point = array<i64: 0, 0>} : (tensor<2x3x1x1xf32>) -> tensor<2x3x1x1xi8>
  return %t, %a : tensor<2x3x1x1xi8>, tensor<2x3x1x1xi8>
}

// -----

// PyTorch's ConvBn2d in eval mode: batch_norm(add(div(conv(x, dq(W k)), k), b)).
// k = gamma / sqrt(var + eps) = [1/sqrt(0.25), 1/sqrt(4)] = [2, 0.5] equals the
// divisor, so m = 1: the weight is kept and the bias is
// (b - mean) * k + beta = [(0.1 - 0.6) * 2 + 0.5, (0.2 - 1.2) * 0.5 - 1] = [-0.5, -1.5]
// (f32 constants: 0.1 - 0.6 is not exactly -0.5).
// CHECK-LABEL: func.func @qat_conv_bn
// CHECK-DAG: %[[W:.*]] = qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 1.000000e-01, 2.000000e-01>, zero_point = array<i64: 0, 0>}
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[-0.50000006, -1.500000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: qc.div
// CHECK-NOT: qc.add
// CHECK-NOT: qc.batch_norm
// CHECK: return %[[C]]
func.func @qat_conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %wq = qc.constant dense<[[[[10]]], [[[-20]]]]> : tensor<2x1x1x1xi8>
  %w = qc.dequantize %wq {axis = 0 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<2x1x1x1xi8>) -> tensor<2x1x1x1xf32>
  %zero = qc.constant dense<0.0> : tensor<2xf32>
  %k = qc.constant dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %a = qc.constant dense<[[[0.1]], [[0.2]]]> : tensor<2x1x1xf32>
  %gamma = qc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = qc.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = qc.constant dense<[0.6, 1.2]> : tensor<2xf32>
  %var = qc.constant dense<[0.25, 4.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w, %zero {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.div %0, %k : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = qc.add %1, %a : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = qc.batch_norm %2, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %3 : tensor<1x2x4x4xf32>
}

// -----

// A BatchNorm after a conv with a quantized per-tensor weight: m = k = [2, 0.5]
// moves into the (now per-channel) dequantize scale, 0.1 * m = [0.2, 0.05];
// bias = -mean * k + beta = [-1.2 + 0.5, -0.6 - 1].
// CHECK-LABEL: func.func @bn_after_quantized_conv
// CHECK-DAG: %[[W:.*]] = qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 2.000000e-01, 5.000000e-02>, zero_point = array<i64: 0, 0>}
// CHECK-DAG: %[[B:.*]] = qc.constant dense<[-0.700000048, -1.600000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = qc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: qc.batch_norm
func.func @bn_after_quantized_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %wq = qc.constant dense<[[[[10]]], [[[-20]]]]> : tensor<2x1x1x1xi8>
  %w = qc.dequantize %wq {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x1x1x1xi8>) -> tensor<2x1x1x1xf32>
  %gamma = qc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = qc.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = qc.constant dense<[0.6, 1.2]> : tensor<2xf32>
  %var = qc.constant dense<[0.25, 4.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.batch_norm %0, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// A float bias of a linear with dequantized input (0.5) and weight ([0.1, 0.2],
// axis 0) is stored as int32 with scale s_in * s_w = [0.05, 0.1]:
// [0.26, -1.0] / [0.05, 0.1] rounds to [5, -10].
// CHECK-LABEL: func.func @float_bias
// CHECK: %[[BQ:.*]] = qc.constant dense<[5, -10]> : tensor<2xi32>
// CHECK: %[[B:.*]] = qc.dequantize %[[BQ]] {axis = 0 : i64, scale = array<f32: 5.000000e-02, 1.000000e-01>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
// CHECK: qc.linear %{{.*}}, %{{.*}}, %[[B]]
func.func @float_bias(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %xq = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<1x3xui8>
  %xd = qc.dequantize %xq {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x3xui8>) -> tensor<1x3xf32>
  %wq = qc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %w = qc.dequantize %wq {axis = 0 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %b = qc.constant dense<[0.26, -1.0]> : tensor<2xf32>
  %0 = qc.linear %xd, %w, %b : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Left alone: a float weight (qc-fold-batch-norm's case), and a divisor that
// is not per channel.
// CHECK-LABEL: func.func @not_matched
// CHECK: qc.div
// CHECK: qc.batch_norm
func.func @not_matched(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %wq = qc.constant dense<[[[[10]]], [[[-20]]]]> : tensor<2x1x1x1xi8>
  %w = qc.dequantize %wq {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x1x1x1xi8>) -> tensor<2x1x1x1xf32>
  %k = qc.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %gamma = qc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = qc.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = qc.constant dense<[0.6, 1.2]> : tensor<2xf32>
  %var = qc.constant dense<[0.25, 4.0]> : tensor<2xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = qc.div %0, %k : (tensor<1x2x4x4xf32>, tensor<1x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = qc.batch_norm %1, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32}
       : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}
