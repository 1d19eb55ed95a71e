// RUN: qc-opt %s --qc-lower-to-integer --split-input-file | FileCheck %s

// int16 activations (symmetric, zero point 0) take the 16x8 forms: a conv
// with an i16 input and an i16 result, relu fused into the clamp range.
// CHECK-LABEL: func.func @conv16_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xi16>)
// CHECK: %[[Y:.*]] = qc.qconv2d %[[X]], %{{.*}}, %{{.*}} {clamp_max = 32767 : i64, clamp_min = 0 : i64
// CHECK-SAME: input_zero_point = 0 : i64
// CHECK-SAME: (tensor<1x2x4x4xi16>, tensor<3x2x3x3xi8>, tensor<3xi32>) -> tensor<1x3x4x4xi16>
// CHECK-NOT: qc.conv2d
// CHECK: qc.dequantize %[[Y]]
func.func @conv16_relu(%x: tensor<1x2x4x4xi16>) -> tensor<1x3x4x4xf32> {
  %xf = qc.dequantize %x {scale = array<f32: 0.0005>, zero_point = array<i64: 0>} : (tensor<1x2x4x4xi16>) -> tensor<1x2x4x4xf32>
  %w = qc.constant dense<5> : tensor<3x2x3x3xi8>
  %wf = qc.dequantize %w {axis = 0 : i64, scale = array<f32: 0.01, 0.02, 0.04>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x2x3x3xi8>) -> tensor<3x2x3x3xf32>
  %b = qc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %bf = qc.dequantize %b {axis = 0 : i64, scale = array<f32: 5.0e-6, 1.0e-5, 2.0e-5>, zero_point = array<i64: 0, 0, 0>} : (tensor<3xi32>) -> tensor<3xf32>
  %y = qc.conv2d %xf, %wf, %bf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %r = qc.relu %y : tensor<1x3x4x4xf32>
  %q = qc.quantize %r {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xi16>
  %d = qc.dequantize %q {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x3x4x4xi16>) -> tensor<1x3x4x4xf32>
  return %d : tensor<1x3x4x4xf32>
}

// -----

// A linear from i16 to an 8-bit result, and one from ui8 to an i16 result.
// CHECK-LABEL: func.func @linear16
// CHECK: %[[A:.*]] = qc.qlinear %{{.*}}, %{{.*}} {{.*}} : (tensor<2x4xi16>, tensor<3x4xi8>) -> tensor<2x3xui8>
// CHECK: qc.qlinear %[[A]], %{{.*}} {{.*}} : (tensor<2x3xui8>, tensor<2x3xi8>) -> tensor<2x2xi16>
// CHECK-NOT: qc.linear
func.func @linear16(%x: tensor<2x4xi16>) -> tensor<2x2xi16> {
  %xf = qc.dequantize %x {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<2x4xi16>) -> tensor<2x4xf32>
  %w = qc.constant dense<[[1, -2, 3, -4], [5, 6, 7, 8], [-128, 127, 0, 1]]> : tensor<3x4xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<3x4xi8>) -> tensor<3x4xf32>
  %y = qc.linear %xf, %wf : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %q = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  %qf = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<2x3xui8>) -> tensor<2x3xf32>
  %w2 = qc.constant dense<[[1, 2, 3], [-1, -2, -3]]> : tensor<2x3xi8>
  %w2f = qc.dequantize %w2 {scale = array<f32: 0.125>, zero_point = array<i64: 0>} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %z = qc.linear %qf, %w2f : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  %q2 = qc.quantize %z {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.002>, zero_point = array<i64: 0>} : (tensor<2x2xf32>) -> tensor<2x2xi16>
  return %q2 : tensor<2x2xi16>
}

// -----

// add and mul with an i16 and a ui8 operand; relu after the add is fused.
// CHECK-LABEL: func.func @add_mul16
// CHECK: %[[S:.*]] = qc.qadd %{{.*}}, %{{.*}} {clamp_max = 32767 : i64, clamp_min = 0 : i64{{.*}} : (tensor<1x8xi16>, tensor<1x8xui8>) -> tensor<1x8xi16>
// CHECK: qc.qmul %[[S]], %{{.*}} {{.*}} : (tensor<1x8xi16>, tensor<1x1xui8>) -> tensor<1x8xi16>
// CHECK-NOT: qc.add
// CHECK-NOT: qc.mul
func.func @add_mul16(%a: tensor<1x8xi16>, %b: tensor<1x8xui8>, %c: tensor<1x1xui8>) -> tensor<1x8xi16> {
  %af = qc.dequantize %a {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xi16>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.1>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  %s = qc.add %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = qc.relu %s : tensor<1x8xf32>
  %sq = qc.quantize %r {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.002>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi16>
  %sf = qc.dequantize %sq {scale = array<f32: 0.002>, zero_point = array<i64: 0>} : (tensor<1x8xi16>) -> tensor<1x8xf32>
  %cf = qc.dequantize %c {scale = array<f32: 0.01>, zero_point = array<i64: 0>} : (tensor<1x1xui8>) -> tensor<1x1xf32>
  %m = qc.mul %sf, %cf : (tensor<1x8xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  %mq = qc.quantize %m {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.003>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi16>
  return %mq : tensor<1x8xi16>
}

// -----

// Where an int8 op meets an int16 one: qc.qrequantize both ways (the
// 8-bit -> 8-bit change stays a table).
// CHECK-LABEL: func.func @boundaries
// CHECK: %[[U:.*]] = qc.qrequantize %{{.*}} {{.*}} : (tensor<4xui8>) -> tensor<4xi16>
// CHECK: qc.qrequantize %[[U]] {clamp_max = 127 : i64, clamp_min = -128 : i64{{.*}} : (tensor<4xi16>) -> tensor<4xi8>
func.func @boundaries(%x: tensor<4xui8>) -> tensor<4xi8> {
  %xf = qc.dequantize %x {scale = array<f32: 0.1>, zero_point = array<i64: 5>} : (tensor<4xui8>) -> tensor<4xf32>
  %q16 = qc.quantize %xf {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi16>
  %f16 = qc.dequantize %q16 {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<4xi16>) -> tensor<4xf32>
  %q8 = qc.quantize %f16 {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.2>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xi8>
  return %q8 : tensor<4xi8>
}

// -----

// Data movement of int16 values stays on integers.
// CHECK-LABEL: func.func @reshape16
// CHECK: qc.reshape %{{.*}} {shape = array<i64: 8>} : (tensor<2x4xi16>) -> tensor<8xi16>
func.func @reshape16(%x: tensor<2x4xi16>) -> tensor<8xi16> {
  %xf = qc.dequantize %x {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<2x4xi16>) -> tensor<2x4xf32>
  %r = qc.reshape %xf {shape = array<i64: 8>} : (tensor<2x4xf32>) -> tensor<8xf32>
  %q = qc.quantize %r {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<8xf32>) -> tensor<8xi16>
  return %q : tensor<8xi16>
}

// -----

// A conv whose int8 weights allow a sum beyond int32 with int16 inputs
// (32768 * 1152 * 127 > 2^31) is lowered all the same: the accumulator is
// int32 as for 8 bits, checked by the reference and the native code.
// Not lowered (and refused by qc compile when a quantizer annotated them):
// an int16 input with a zero point, ops with no 16x8 form (max pool, a
// hardswish table of 65536 entries).
// CHECK-LABEL: func.func @not_lowered
// CHECK: qc.qconv2d {{.*}} : (tensor<1x128x3x3xi16>, tensor<1x128x3x3xi8>) -> tensor<1x1x1x1xi16>
// CHECK-NOT: qc.qlinear
// CHECK-NOT: qc.qmax_pool2d
// CHECK-NOT: qc.qlut
// CHECK: qc.linear
// CHECK: qc.max_pool2d
// CHECK: qc.hardswish
func.func @not_lowered(%x: tensor<1x128x3x3xi16>, %v: tensor<2x4xi16>) -> (tensor<1x1x1x1xi16>, tensor<2x3xi16>, tensor<1x1x1x1xi16>, tensor<1x1x1x1xi16>) {
  %xf = qc.dequantize %x {scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x128x3x3xi16>) -> tensor<1x128x3x3xf32>
  %w = qc.constant dense<127> : tensor<1x128x3x3xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.01>, zero_point = array<i64: 0>} : (tensor<1x128x3x3xi8>) -> tensor<1x128x3x3xf32>
  %y = qc.conv2d %xf, %wf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x128x3x3xf32>, tensor<1x128x3x3xf32>) -> tensor<1x1x1x1xf32>
  %q = qc.quantize %y {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xi16>
  %vf = qc.dequantize %v {scale = array<f32: 0.001>, zero_point = array<i64: 7>} : (tensor<2x4xi16>) -> tensor<2x4xf32>
  %lw = qc.constant dense<1> : tensor<3x4xi8>
  %lwf = qc.dequantize %lw {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<3x4xi8>) -> tensor<3x4xf32>
  %l = qc.linear %vf, %lwf : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %lq = qc.quantize %l {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x3xi16>
  %qf = qc.dequantize %q {scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x1x1x1xi16>) -> tensor<1x1x1x1xf32>
  %p = qc.max_pool2d %qf {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %pq = qc.quantize %p {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xi16>
  %h = qc.hardswish %qf : tensor<1x1x1x1xf32>
  %hq = qc.quantize %h {quant_max = 32767 : i64, quant_min = -32768 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xi16>
  return %q, %lq, %pq, %hq : tensor<1x1x1x1xi16>, tensor<2x3xi16>, tensor<1x1x1x1xi16>, tensor<1x1x1x1xi16>
}
