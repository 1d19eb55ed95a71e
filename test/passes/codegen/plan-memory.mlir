// qc-plan-memory: every tensor of the entry function gets a place, written as
// attributes (qc.place on arguments and op results, qc.scratch, qc.plan on
// the function) that qc-lower-model reads back.
// RUN: qc-opt %s --qc-plan-memory --split-input-file -verify-diagnostics | FileCheck %s

// Inputs stay where the caller put them (row-major); 4-D activations are
// NHWC arena tensors (strides in NCHW index order); a groups-1 3x3 conv gets
// an im2col scratch buffer (16 rows of K = 18 bytes padded to 20); flatten
// of an NHWC tensor is a copy into a new
// row-major buffer; buffers whose lifetimes do not overlap share bytes.
// CHECK-LABEL: func.func @main
// CHECK-SAME: qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 32, 16, 4, 1>}
// CHECK-SAME: qc.plan = {arena_size = 448 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 320 : i64, size = 32 : i64}, {first = 2 : i64, last = 2 : i64, name = "qconv2d_2_im2col", offset = 0 : i64, size = 320 : i64}, {first = 2 : i64, last = 3 : i64, name = "qconv2d_2", offset = 384 : i64, size = 32 : i64}, {first = 3 : i64, last = 4 : i64, name = "qmax_pool2d_3", offset = 0 : i64, size = 8 : i64}, {first = 4 : i64, last = 5 : i64, name = "flatten_4", offset = 64 : i64, size = 8 : i64}
// CHECK-SAME: steps = 7 : i64}
// CHECK: qc.quantize {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}
// CHECK: qc.qconv2d {{.*}}qc.place = {index = 2 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}, qc.scratch = 1 : i64
// CHECK: qc.qmax_pool2d {{.*}}qc.place = {index = 3 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1, 4, 2>}
// CHECK: qc.flatten {{.*}}qc.place = {index = 4 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}
// CHECK: qc.qlinear {{.*}}qc.place = {index = 5 : i64, kind = "arena"
// CHECK-NOT: qc.scratch
// CHECK: qc.dequantize {{.*}}qc.place = {index = 6 : i64, kind = "arena"
func.func @main(%x: tensor<1x2x4x4xf32> {qc.name = "x"}) -> (tensor<1x3xf32> {qc.name = "y"}) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.0078125>, zero_point = array<i64: 37>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xui8>
  %w = qc.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]> : tensor<2x2x3x3xi8>
  %c = qc.qconv2d %q, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, output_scale = 0.05 : f32, output_zero_point = 11 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.01>} : (tensor<1x2x4x4xui8>, tensor<2x2x3x3xi8>) -> tensor<1x2x4x4xui8>
  %p = qc.qmax_pool2d %c {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  %f = qc.flatten %p {axis = 1 : i64} : (tensor<1x2x2x2xui8>) -> tensor<1x8xui8>
  %wl = qc.constant dense<1> : tensor<3x8xi8>
  %l = qc.qlinear %f, %wl {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.05 : f32, input_zero_point = 11 : i64, output_scale = 0.5 : f32, output_zero_point = 128 : i64, weight_scale = array<f32: 0.01>} : (tensor<1x8xui8>, tensor<3x8xi8>) -> tensor<1x3xui8>
  %y = qc.dequantize %l {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<1x3xui8>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// Views: transpose permutes the strides and slice offsets them in the same
// buffer; reshape of a row-major tensor keeps the bytes. None takes a step.
// CHECK-LABEL: func.func @main
// The views keep the quantize's buffer live until the return (step 3).
// CHECK-SAME: qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 3 : i64, name = "quantize_1", offset = 0 : i64, size = 24 : i64}, {first = 2 : i64, last = 2 : i64, name = "qadd_2", offset = 64 : i64, size = 24 : i64}], steps = 3 : i64}
// CHECK: qc.transpose {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 1, 6>}
// CHECK: qc.slice {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 1 : i64, strides = array<i64: 2, 6>}
// CHECK: qc.reshape {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 3, 1>}
func.func @main(%x: tensor<4x6xf32>) -> (tensor<6x4xi8>, tensor<2x4xi8>, tensor<8x3xi8>) {
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<4x6xf32>) -> tensor<4x6xi8>
  %t = qc.transpose %q {perm = array<i64: 1, 0>} : (tensor<4x6xi8>) -> tensor<6x4xi8>
  %s = qc.slice %t {axes = array<i64: 0>, ends = array<i64: 5>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<6x4xi8>) -> tensor<2x4xi8>
  %r = qc.reshape %q {shape = array<i64: 8, 3>} : (tensor<4x6xi8>) -> tensor<8x3xi8>
  %a = qc.qadd %q, %q {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.2 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<4x6xi8>, tensor<4x6xi8>) -> tensor<4x6xi8>
  return %t, %s, %r : tensor<6x4xi8>, tensor<2x4xi8>, tensor<8x3xi8>
}

// -----

// expected-error@+1 {{qc compile: input (#0) has type 'tensor<?x4xf32>'; every dimension must be static}}
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

// -----

func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error@+1 {{qc compile: 'qc.sin' has no native lowering yet; supported: qc.quantize}}
  %y = qc.sin %x : tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
