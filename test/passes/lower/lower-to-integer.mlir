// RUN: qc-opt %s --qc-lower-to-integer --split-input-file | FileCheck %s

// Conv, per-channel weights, bias, relu: relu becomes clamp_min = zp_out.
// CHECK-LABEL: func.func @conv_per_channel_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xui8>)
// CHECK: %[[W:.*]] = qc.constant {{.*}} : tensor<3x2x3x3xi8>
// CHECK: %[[B:.*]] = qc.constant {{.*}} : tensor<3xi32>
// CHECK: %[[Y:.*]] = qc.qconv2d %[[X]], %[[W]], %[[B]]
// CHECK-SAME: clamp_max = 255 : i64, clamp_min = 7 : i64
// CHECK-SAME: groups = 1 : i64, input_scale = 5.000000e-02 : f32, input_zero_point = 3 : i64
// CHECK-SAME: output_scale = 1.000000e-01 : f32, output_zero_point = 7 : i64
// CHECK-SAME: weight_scale = array<f32: 0.00999999977, 2.000000e-02, 4.000000e-02>
// CHECK-SAME: (tensor<1x2x4x4xui8>, tensor<3x2x3x3xi8>, tensor<3xi32>) -> tensor<1x3x4x4xui8>
// CHECK-NOT: qc.conv2d
// CHECK-NOT: qc.relu
// CHECK: %[[D:.*]] = qc.dequantize %[[Y]]
// CHECK: return %[[D]]
func.func @conv_per_channel_relu(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x4x4xf32> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xf32>
  %w = qc.constant dense<5> : tensor<3x2x3x3xi8>
  %wf = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.04>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x2x3x3xi8>) -> tensor<3x2x3x3xf32>
  %b = qc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %bf = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 5.0e-4, 1.0e-3, 2.0e-3>, zero_point = array<i64: 0, 0, 0>} : (tensor<3xi32>) -> tensor<3xf32>
  %y = qc.conv2d %xf, %wf, %bf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %r = qc.relu %y : tensor<1x3x4x4xf32>
  %q = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 7>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.1>, zero_point = array<i64: 7>} : (tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xf32>
  return %d : tensor<1x3x4x4xf32>
}

// -----

// Conv, per-tensor weights, no bias, clamp(0, 6) (relu6) on a signed
// output: [quantize(0), quantize(6)] = [-10, -10 + 60] within [-128, 127].
// CHECK-LABEL: func.func @conv_per_tensor_relu6
// CHECK: qc.qconv2d %{{.*}}, %{{.*}} {clamp_max = 50 : i64, clamp_min = -10 : i64
// CHECK-SAME: weight_scale = array<f32: 2.000000e-02>
// CHECK-SAME: (tensor<1x1x4x4xi8>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xi8>
// CHECK-NOT: qc.clamp
func.func @conv_per_tensor_relu6(%x: tensor<1x1x4x4xi8>) -> tensor<1x2x4x4xi8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xf32>
  %w = qc.constant dense<[[[[3]]], [[[-7]]]]> : tensor<2x1x1x1xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<2x1x1x1xi8>) -> tensor<2x1x1x1xf32>
  %y = qc.conv2d %xf, %wf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %c = qc.clamp %y {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x2x4x4xf32>
  %q = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: -10>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8>
  return %q : tensor<1x2x4x4xi8>
}

// -----

// Linear, per-tensor, bias, no activation: the range is [qmin, qmax]
// (a reduced range stays reduced).
// CHECK-LABEL: func.func @linear_per_tensor
// CHECK: %[[Y:.*]] = qc.qlinear %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = 0 : i64
// CHECK-SAME: input_zero_point = 128 : i64
// CHECK-SAME: weight_scale = array<f32: 2.500000e-01>
// CHECK-SAME: (tensor<2x4xui8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<2x3xui8>
// CHECK-NOT: qc.linear
// CHECK: return %[[Y]]
func.func @linear_per_tensor(%x: tensor<2x4xui8>) -> tensor<2x3xui8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<2x4xui8>) -> tensor<2x4xf32>
  %w = qc.constant dense<[[1, 2, 3, 4], [-1, -2, -3, -4], [5, 0, -5, 1]]> : tensor<3x4xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<3x4xi8>) -> tensor<3x4xf32>
  %b = qc.constant dense<[4, 0, -8]> : tensor<3xi32>
  %bf = qc.dequantize %b {scale = array<f32: 0.125>, zero_point = array<i64: 0>} : (tensor<3xi32>) -> tensor<3xf32>
  %y = qc.linear %xf, %wf, %bf : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %q = qc.quantize %y {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.75>, zero_point = array<i64: 64>} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  return %q : tensor<2x3xui8>
}

// -----

// Linear, per-channel weights, relu.
// CHECK-LABEL: func.func @linear_per_channel_relu
// CHECK: qc.qlinear %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64
// CHECK-SAME: weight_scale = array<f32: 2.500000e-01, 5.000000e-01>
// CHECK-NOT: qc.relu
func.func @linear_per_channel_relu(%x: tensor<1x2xui8>) -> tensor<1x2xui8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x2xui8>) -> tensor<1x2xf32>
  %w = qc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wf = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.25, 0.5>, zero_point = array<i64: 0, 0>} : (tensor<2x2xi8>) -> tensor<2x2xf32>
  %b = qc.constant dense<[4, -8]> : tensor<2xi32>
  %bf = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 0.125, 0.25>, zero_point = array<i64: 0, 0>} : (tensor<2xi32>) -> tensor<2xf32>
  %y = qc.linear %xf, %wf, %bf : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %r = qc.relu %y : tensor<1x2xf32>
  %q = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x2xf32>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// Add of two quantized tensors with their own qparams, relu.
// CHECK-LABEL: func.func @add_relu
// CHECK-SAME: (%[[A:.*]]: tensor<1x8xui8>, %[[B:.*]]: tensor<1x8xi8>)
// CHECK: %[[Y:.*]] = qc.qadd %[[A]], %[[B]] {clamp_max = 255 : i64, clamp_min = 20 : i64
// CHECK-SAME: lhs_scale = 2.000000e-02 : f32, lhs_zero_point = 128 : i64
// CHECK-SAME: output_scale = 3.000000e-02 : f32, output_zero_point = 20 : i64
// CHECK-SAME: rhs_scale = 5.000000e-02 : f32, rhs_zero_point = -3 : i64
// CHECK-SAME: (tensor<1x8xui8>, tensor<1x8xi8>) -> tensor<1x8xui8>
// CHECK-NOT: qc.add
// CHECK: return %[[Y]]
func.func @add_relu(%a: tensor<1x8xui8>, %b: tensor<1x8xi8>) -> tensor<1x8xui8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 128>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %y = qc.add %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = qc.relu %y : tensor<1x8xf32>
  %q = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.03>, zero_point = array<i64: 20>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  return %q : tensor<1x8xui8>
}

// -----

// Not matched, left as it is: a bias whose scale is not s_in * s_w.
// CHECK-LABEL: func.func @conv_bias_scale_mismatch
// CHECK-NOT: qc.qconv2d
// CHECK: qc.conv2d
// CHECK: qc.quantize
func.func @conv_bias_scale_mismatch(%x: tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xui8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xf32>
  %w = qc.constant dense<1> : tensor<1x1x1x1xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xf32>
  %b = qc.constant dense<1> : tensor<1xi32>
  %bf = qc.dequantize %b {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1xi32>) -> tensor<1xf32>
  %y = qc.conv2d %xf, %wf, %bf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %q = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// Not matched: a weight that is not a constant, an add that broadcasts, and
// a float conv whose output is not quantized.
// CHECK-LABEL: func.func @not_matched
// CHECK-NOT: qc.q{{conv2d|linear|add}}
// CHECK: qc.linear
// CHECK: qc.add
// CHECK: qc.conv2d
func.func @not_matched(%x: tensor<1x4xui8>, %w: tensor<2x4xi8>, %a: tensor<2x4xui8>, %c: tensor<1x1x2x2xf32>) -> (tensor<1x2xui8>, tensor<2x4xui8>, tensor<1x1x2x2xf32>) {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<1x4xui8>) -> tensor<1x4xf32>
  %wf = qc.dequantize %w {scale = array<f32: 0.02>, zero_point = array<i64: 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
  %y = qc.linear %xf, %wf : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %q = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x2xf32>) -> tensor<1x2xui8>
  %af = qc.dequantize %a {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<2x4xui8>) -> tensor<2x4xf32>
  %s = qc.add %af, %xf : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  %qs = qc.quantize %s {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x4xf32>) -> tensor<2x4xui8>
  %cw = qc.constant dense<1.0> : tensor<1x1x1x1xf32>
  %cy = qc.conv2d %c, %cw {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %q, %qs, %cy : tensor<1x2xui8>, tensor<2x4xui8>, tensor<1x1x2x2xf32>
}

// -----

// Max pool with shared qparams: no requantize, the integer op; with
// different output qparams it is left alone.
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xui8>)
// CHECK: %[[Y:.*]] = qc.qmax_pool2d %[[X]] {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
// CHECK: qc.max_pool2d
// CHECK: %[[Z:.*]] = qc.quantize
// CHECK: return %[[Y]], %[[Z]]
func.func @max_pool(%x: tensor<1x2x4x4xui8>) -> (tensor<1x2x2x2xui8>, tensor<1x2x2x2xui8>) {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xf32>
  %p = qc.max_pool2d %xf {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %q = qc.quantize %p {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xui8>
  %xf2 = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xf32>
  %p2 = qc.max_pool2d %xf2 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %q2 = qc.quantize %p2 {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xui8>
  return %q, %q2 : tensor<1x2x2x2xui8>, tensor<1x2x2x2xui8>
}

// -----

// Global average pool -> qc.qavg_pool2d over the whole 7x7 plane (unit
// strides, no padding), requantized to the output's qparams.
// CHECK-LABEL: func.func @global_avg_pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x7x7xui8>)
// CHECK: %[[Y:.*]] = qc.qavg_pool2d %[[X]] {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, input_scale = 5.000000e-02 : f32, input_zero_point = 3 : i64, kernel = array<i64: 7, 7>, output_scale = 2.000000e-02 : f32, output_zero_point = 5 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x7x7xui8>) -> tensor<1x8x1x1xui8>
// CHECK-NOT: qc.global_avg_pool2d
// CHECK: qc.dequantize %[[Y]]
func.func @global_avg_pool(%x: tensor<1x8x7x7xui8>) -> tensor<1x8x1x1xf32> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8x7x7xui8>) -> tensor<1x8x7x7xf32>
  %p = qc.global_avg_pool2d %xf : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  %q = qc.quantize %p {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 5>} : (tensor<1x8x1x1xf32>) -> tensor<1x8x1x1xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.02>, zero_point = array<i64: 5>} : (tensor<1x8x1x1xui8>) -> tensor<1x8x1x1xf32>
  return %d : tensor<1x8x1x1xf32>
}

// -----

// Average pool keeps its window attributes; a relu after it becomes the
// clamp range.
// CHECK-LABEL: func.func @avg_pool_relu
// CHECK: qc.qavg_pool2d %{{.*}} {ceil_mode = true, clamp_max = 127 : i64, clamp_min = -4 : i64, count_include_pad = true, {{.*}}kernel = array<i64: 3, 3>, {{.*}}pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8>
// CHECK-NOT: qc.avg_pool2d
// CHECK-NOT: qc.relu
func.func @avg_pool_relu(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 0>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x5x5xf32>
  %p = qc.avg_pool2d %xf {ceil_mode = true, count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %r = qc.relu %p : tensor<1x2x3x3xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.04>, zero_point = array<i64: -4>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xi8>
  return %q : tensor<1x2x3x3xi8>
}

// -----

// A global average pool of a dynamic plane has no static window: stays float.
// CHECK-LABEL: func.func @global_avg_pool_dynamic
// CHECK: qc.global_avg_pool2d
// CHECK-NOT: qc.qavg_pool2d
func.func @global_avg_pool_dynamic(%x: tensor<1x8x?x?xui8>) -> tensor<1x8x1x1xui8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8x?x?xui8>) -> tensor<1x8x?x?xf32>
  %p = qc.global_avg_pool2d %xf : (tensor<1x8x?x?xf32>) -> tensor<1x8x1x1xf32>
  %q = qc.quantize %p {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 5>} : (tensor<1x8x1x1xf32>) -> tensor<1x8x1x1xui8>
  return %q : tensor<1x8x1x1xui8>
}

// -----

// Flatten with shared qparams runs on the integer tensor, no requantize;
// the chain flatten -> reshape -> transpose -> slice all lowers.
// CHECK-LABEL: func.func @data_movement
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x1x1xui8>)
// CHECK: %[[F:.*]] = qc.flatten %[[X]] {axis = 1 : i64} : (tensor<1x8x1x1xui8>) -> tensor<1x8xui8>
// CHECK: %[[R:.*]] = qc.reshape %[[F]] {shape = array<i64: 2, 4>} : (tensor<1x8xui8>) -> tensor<2x4xui8>
// CHECK: %[[T:.*]] = qc.transpose %[[R]] {perm = array<i64: 1, 0>} : (tensor<2x4xui8>) -> tensor<4x2xui8>
// CHECK: %[[S:.*]] = qc.slice %[[T]] {{.*}} : (tensor<4x2xui8>) -> tensor<2x2xui8>
// CHECK: %[[D:.*]] = qc.dequantize %[[S]]
// CHECK: return %[[D]]
func.func @data_movement(%x: tensor<1x8x1x1xui8>) -> tensor<2x2xf32> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8x1x1xui8>) -> tensor<1x8x1x1xf32>
  %f = qc.flatten %xf {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %q1 = qc.quantize %f {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %d1 = qc.dequantize %q1 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %r = qc.reshape %d1 {shape = array<i64: 2, 4>} : (tensor<1x8xf32>) -> tensor<2x4xf32>
  %q2 = qc.quantize %r {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x4xf32>) -> tensor<2x4xui8>
  %d2 = qc.dequantize %q2 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x4xui8>) -> tensor<2x4xf32>
  %t = qc.transpose %d2 {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %q3 = qc.quantize %t {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<4x2xf32>) -> tensor<4x2xui8>
  %d3 = qc.dequantize %q3 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<4x2xui8>) -> tensor<4x2xf32>
  %s = qc.slice %d3 {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<4x2xf32>) -> tensor<2x2xf32>
  %q4 = qc.quantize %s {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x2xf32>) -> tensor<2x2xui8>
  %d4 = qc.dequantize %q4 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x2xui8>) -> tensor<2x2xf32>
  return %d4 : tensor<2x2xf32>
}

// -----

// Concat of inputs sharing the output's qparams is an integer concat.
// CHECK-LABEL: func.func @concat_shared
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xi8>, %[[B:.*]]: tensor<1x3xi8>)
// CHECK: %[[C:.*]] = qc.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<1x2xi8>, tensor<1x3xi8>) -> tensor<1x5xi8>
// CHECK: return %[[C]]
func.func @concat_shared(%a: tensor<1x2xi8>, %b: tensor<1x3xi8>) -> tensor<1x5xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<1x2xi8>) -> tensor<1x2xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<1x3xi8>) -> tensor<1x3xf32>
  %c = qc.concat %af, %bf {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<1x5xf32>) -> tensor<1x5xi8>
  return %q : tensor<1x5xi8>
}

// -----

// Different qparams on one concat input: that input is requantized to the
// output's qparams (qc.qrequantize), then the concat runs on integers.
// CHECK-LABEL: func.func @concat_different_qparams
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xi8>, %[[B:.*]]: tensor<1x3xui8>)
// CHECK: %[[R:.*]] = qc.qrequantize %[[B]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_scale = 2.000000e-01 : f32, input_zero_point = 128 : i64, output_scale = 1.000000e-01 : f32, output_zero_point = 1 : i64} : (tensor<1x3xui8>) -> tensor<1x3xi8>
// CHECK: %[[C:.*]] = qc.concat %[[A]], %[[R]] {axis = 1 : i64} : (tensor<1x2xi8>, tensor<1x3xi8>) -> tensor<1x5xi8>
// CHECK: return %[[C]]
func.func @concat_different_qparams(%a: tensor<1x2xi8>, %b: tensor<1x3xui8>) -> tensor<1x5xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<1x2xi8>) -> tensor<1x2xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.2>, zero_point = array<i64: 128>} : (tensor<1x3xui8>) -> tensor<1x3xf32>
  %c = qc.concat %af, %bf {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<1x5xf32>) -> tensor<1x5xi8>
  return %q : tensor<1x5xi8>
}

// -----

// A concat input that is not a per-tensor dequantize (here per channel)
// keeps the concat float.
// CHECK-LABEL: func.func @concat_per_channel_input
// CHECK: qc.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
// CHECK: qc.quantize
// CHECK-NOT: qc.qrequantize
func.func @concat_per_channel_input(%a: tensor<2x2xi8>, %b: tensor<2x3xi8>) -> tensor<2x5xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<2x2xi8>) -> tensor<2x2xf32>
  %bf = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %c = qc.concat %af, %bf {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  %q = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 1>} : (tensor<2x5xf32>) -> tensor<2x5xi8>
  return %q : tensor<2x5xi8>
}

// -----

// A reduced output range could clamp input values ([0, 255] into [0, 127]):
// the values are requantized (m = 1, clamped) before the reshape.
// CHECK-LABEL: func.func @reshape_reduced_range
// CHECK: %[[R:.*]] = qc.qrequantize %{{.*}} {clamp_max = 127 : i64, clamp_min = 0 : i64, {{.*}}} : (tensor<1x8xui8>) -> tensor<1x8xui8>
// CHECK: qc.reshape %[[R]] {shape = array<i64: 2, 4>} : (tensor<1x8xui8>) -> tensor<2x4xui8>
func.func @reshape_reduced_range(%x: tensor<1x8xui8>) -> tensor<2x4xui8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %r = qc.reshape %xf {shape = array<i64: 2, 4>} : (tensor<1x8xf32>) -> tensor<2x4xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x4xf32>) -> tensor<2x4xui8>
  return %q : tensor<2x4xui8>
}

// -----

// An activation between the data movement and the quantize: stays float.
// CHECK-LABEL: func.func @flatten_relu
// CHECK: qc.flatten %{{.*}} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
// CHECK: qc.relu
func.func @flatten_relu(%x: tensor<1x8x1x1xi8>) -> tensor<1x8xi8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8x1x1xi8>) -> tensor<1x8x1x1xf32>
  %f = qc.flatten %xf {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %r = qc.relu %f : tensor<1x8xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}

// -----

// ... unless the input was itself quantized into that range.
// CHECK-LABEL: func.func @reshape_reduced_range_known
// CHECK: %[[Q:.*]] = qc.quantize
// CHECK: qc.reshape %[[Q]] {shape = array<i64: 2, 4>} : (tensor<1x8xui8>) -> tensor<2x4xui8>
func.func @reshape_reduced_range_known(%x: tensor<1x8xf32>) -> tensor<2x4xui8> {
  %q0 = qc.quantize %x {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %xf = qc.dequantize %q0 {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %r = qc.reshape %xf {shape = array<i64: 2, 4>} : (tensor<1x8xf32>) -> tensor<2x4xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = 0 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<2x4xf32>) -> tensor<2x4xui8>
  return %q : tensor<2x4xui8>
}

// -----

// Elementwise mul of two quantized tensors, with relu: qc.qmul.
// CHECK-LABEL: func.func @mul_relu
// CHECK-SAME: (%[[A:.*]]: tensor<1x8xi8>, %[[B:.*]]: tensor<1x8xi8>)
// CHECK: %[[Y:.*]] = qc.qmul %[[A]], %[[B]] {clamp_max = 127 : i64, clamp_min = -5 : i64, lhs_scale = 2.000000e-02 : f32, lhs_zero_point = 3 : i64, output_scale = 0.00999999977 : f32, output_zero_point = -5 : i64, rhs_scale = 5.000000e-02 : f32, rhs_zero_point = -2 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
// CHECK-NOT: qc.mul
// CHECK: return %[[Y]]
func.func @mul_relu(%a: tensor<1x8xi8>, %b: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -2>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %m = qc.mul %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = qc.relu %m : tensor<1x8xf32>
  %q = qc.quantize %r {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01>, zero_point = array<i64: -5>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}

// -----

// A broadcasting mul becomes a broadcasting qc.qmul.
// CHECK-LABEL: func.func @mul_broadcast
// CHECK: qc.qmul {{.*}} : (tensor<1x8xi8>, tensor<1x1xi8>) -> tensor<1x8xi8>
// CHECK-NOT: qc.mul
func.func @mul_broadcast(%a: tensor<1x8xi8>, %b: tensor<1x1xi8>) -> tensor<1x8xi8> {
  %af = qc.dequantize %a {scale = array<f32: 0.02>, zero_point = array<i64: 3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.05>, zero_point = array<i64: -2>} : (tensor<1x1xi8>) -> tensor<1x1xf32>
  %m = qc.mul %af, %bf : (tensor<1x8xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  %q = qc.quantize %m {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.01>, zero_point = array<i64: -5>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  return %q : tensor<1x8xi8>
}
