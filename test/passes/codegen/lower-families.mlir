// qc-lower-model's patterns, one case per family that no other test under
// test/passes/codegen lowers alone: the step table's row (the pattern that
// matched, describeStep) and the statement that makes the step what it is.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" --split-input-file | FileCheck %s

// IntResize.cpp: qc.qresize, linear, requantized with the round-half-even
// rule.
// CHECK: step_table = [{{{.*}}kind = "qresize"{{.*}}shapes = "1x8x4x4xui8 -> 1x8x8x8xui8"
// CHECK-LABEL: func.func @m_step0(
// CHECK: math.roundeven
func.func @main(%x: tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8> {
  %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64, coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32, input_zero_point = 3 : i64, mode = "linear", nearest_mode = "floor", output_scale = 0.02 : f32, output_zero_point = 3 : i64, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
  return %y : tensor<1x8x8x8xui8>
}

// -----

// IntConvTranspose.cpp: the taps that reach each output pixel (a run-time
// bounds test), then requantize.
// CHECK: kind = "qconv_transpose2d"{{.*}}shapes = "1x8x4x4xui8, w 8x2x2x2xi8 -> 1x2x8x8xui8 k2x2 s2x2"
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.cmpi slt
// CHECK: math.roundeven
func.func @main(%x: tensor<1x8x4x4xui8>) -> tensor<1x2x8x8xui8> {
  %w = qc.constant dense<1> : tensor<8x2x2x2xi8>
  %b = qc.constant dense<[5, -5]> : tensor<2xi32>
  %z = qc.qconv_transpose2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32, input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>, output_scale = 0.05 : f32, output_zero_point = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01, 0.02>} : (tensor<1x8x4x4xui8>, tensor<8x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x8x8xui8>
  return %z : tensor<1x2x8x8xui8>
}

// -----

// FloatReduce.cpp (reduce_mean: a division by the count) and
// FloatNormalize.cpp (layer_norm: a square root; log_softmax: the C
// library's exp and log in double).
// CHECK: kind = "reduce_mean"{{.*}}kind = "layer_norm"{{.*}}kind = "log_softmax"
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.divf
// CHECK-LABEL: func.func @m_step1(
// CHECK: math.sqrt
// CHECK-LABEL: func.func @m_step2(
// CHECK-DAG: llvm.call @exp
// CHECK-DAG: llvm.call @log
func.func @main(%x: tensor<2x3x4x5xf32>) -> (tensor<2x4xf32>, tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) {
  %m = qc.reduce_mean %x {axes = array<i64: 1, -1>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<2x4xf32>
  %g = qc.constant dense<1.5> : tensor<5xf32>
  %n = qc.layer_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x4x5xf32>, tensor<5xf32>) -> tensor<2x3x4x5xf32>
  %s = qc.log_softmax %x {axis = -1 : i64} : tensor<2x3x4x5xf32>
  return %m, %n, %s : tensor<2x4xf32>, tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>
}

// -----

// FloatConvTranspose.cpp (the taps that reach each output pixel) and
// FloatPool.cpp (avg_pool2d: the sum divided by the window's count).
// CHECK: kind = "conv_transpose2d"{{.*}}kind = "avg_pool2d"
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.cmpi slt
// CHECK-LABEL: func.func @m_step1(
// CHECK: arith.divf
func.func @main(%x: tensor<1x4x5x7xf32>) -> (tensor<1x3x10x14xf32>, tensor<1x4x2x3xf32>) {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %t = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x5x7xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x10x14xf32>
  %p = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x7xf32>) -> tensor<1x4x2x3xf32>
  return %t, %p : tensor<1x3x10x14xf32>, tensor<1x4x2x3xf32>
}

// -----

// DynamicLinear.cpp: the int8 GEMM kernel with int32 output; Gather.cpp:
// gathers of an activation and of a float constant table.
// CHECK: kind = "dynamic_qlinear"{{.*}}shapes = "2x4xf32, w 3x4xi8 -> 2x3xf32"{{.*}}kind = "gather"{{.*}}shapes = "2x4xf32, 3xi64 -> 2x3xf32"{{.*}}kind = "gather"{{.*}}shapes = "3xi64 -> 3x4xf32"
// CHECK-LABEL: func.func @m_step0(
// CHECK: call @qc_gemm_u8s8s32_{{.*}}_x86_avx2
func.func @main(%x: tensor<2x4xf32>, %ids: tensor<3xi64>) -> (tensor<2x3xf32>, tensor<3x4xf32>) {
  %w = qc.constant dense<2> : tensor<3x4xi8>
  %y = qc.dynamic_qlinear %x, %w {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  %g = qc.gather %x, %ids {axis = 1 : i64} : (tensor<2x4xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  %t = qc.constant dense<0.25> : tensor<5x4xf32>
  %e = qc.gather %t, %ids {axis = 0 : i64} : (tensor<5x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %g, %e : tensor<2x3xf32>, tensor<3x4xf32>
}
