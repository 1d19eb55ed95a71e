// Each op family's plan rule (LoweringPattern::plan, in the family's file
// under passes/Codegen): its scratch buffers, the layout of its result, its
// views, and the operands it reads at compile time.
// RUN: qc-opt %s --qc-plan-memory --split-input-file | FileCheck %s
// Every plan is one qc-lower-model reads back and lowers.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" --split-input-file | FileCheck %s --check-prefix=LOWER

// Float steps (FloatGemm.cpp, FloatElementwise.cpp, FloatPool.cpp,
// FloatNormalize.cpp, DataMovement.cpp): a 3x3 conv2d gets a 4-byte im2col
// and writes NHWC; relu follows the layout of its operand (NHWC after the
// conv, row-major on the input); max_pool2d and pad write NHWC; linear
// and softmax write row-major; flatten of an NHWC tensor is a copy.
// CHECK-LABEL: func.func @main
// CHECK-SAME: name = "conv2d_1_im2col", offset = {{[0-9]+}} : i64, size = 1152 : i64
// CHECK: qc.conv2d {{.*}}qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}, qc.scratch = 0 : i64
// CHECK: qc.relu {{.*}}qc.place = {index = 2 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}
// CHECK: qc.relu {{.*}}qc.place = {index = 3 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 16, 4, 1>}
// CHECK: qc.max_pool2d {{.*}}qc.place = {index = 4 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1, 4, 2>}
// CHECK: qc.pad {{.*}}qc.place = {index = 5 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}
// CHECK: qc.flatten {{.*}}qc.place = {index = 6 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}
// CHECK: qc.linear {{.*}}qc.place = {index = 7 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 3, 1>}
// CHECK-NOT: qc.scratch
// CHECK: qc.softmax {{.*}}qc.place = {index = 8 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 3, 1>}
// LOWER-LABEL: func.func @m_entry
// LOWER: return
func.func @main(%x: tensor<1x2x4x4xf32>) -> (tensor<1x3xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = qc.constant dense<0.5> : tensor<2x2x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %r = qc.relu %c : tensor<1x2x4x4xf32>
  %rx = qc.relu %x : tensor<1x2x4x4xf32>
  %p = qc.max_pool2d %r {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %pd = qc.pad %p {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %f = qc.flatten %p {axis = 1 : i64} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %wl = qc.constant dense<0.25> : tensor<3x8xf32>
  %l = qc.linear %f, %wl : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  %s = qc.softmax %l {axis = 1 : i64} : tensor<1x3xf32>
  return %s, %rx, %pd : tensor<1x3xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// A float matmul copies a right-hand side whose rows are strided (a
// transposed view) row-major first; a float linear copies the rows of a
// strided input. Transposes are views and take no step.
// CHECK-LABEL: func.func @main
// CHECK-SAME: name = "matmul_1_rhs"
// CHECK-SAME: name = "linear_2_rows"
// CHECK: qc.transpose {{.*}}qc.place = {index = 1 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 1, 8>}
// CHECK: qc.matmul {{.*}}qc.scratch = 0 : i64
// CHECK: qc.linear {{.*}}qc.scratch = 2 : i64
// LOWER-LABEL: func.func @m_entry
func.func @main(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<8x3xf32>) {
  %t = qc.transpose %y {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %m = qc.matmul %x, %t : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %wl = qc.constant dense<0.25> : tensor<3x4xf32>
  %l = qc.linear %t, %wl : (tensor<8x4xf32>, tensor<3x4xf32>) -> tensor<8x3xf32>
  return %m, %l : tensor<4x4xf32>, tensor<8x3xf32>
}

// -----

// Quantize / dequantize (IntElementwise.cpp) keep their row-major input's
// order unless a user reads its 4-D input NHWC (a pattern with kNhwcInput:
// here qmax_pool2d); qadd writes NHWC.
// CHECK-LABEL: func.func @main
// CHECK: qc.quantize {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 16, 4, 1>}
// CHECK: qc.quantize {{.*}}qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}
// CHECK: qc.qadd {{.*}}qc.place = {index = 2 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}
// CHECK: qc.qmax_pool2d {{.*}}strides = array<i64: 8, 1, 4, 2>}
// LOWER-LABEL: func.func @m_entry
func.func @main(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xi8>, tensor<1x2x2x2xi8>) {
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8>
  %q2 = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8>
  %a = qc.qadd %q, %q {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 0 : i64, output_scale = 0.2 : f32, output_zero_point = 0 : i64, rhs_scale = 0.1 : f32, rhs_zero_point = 0 : i64} : (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi8>
  %p = qc.qmax_pool2d %q2 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %a, %p : tensor<1x2x4x4xi8>, tensor<1x2x2x2xi8>
}

// -----

// qconv2d (IntConv.cpp): a 1x1 stride-1 conv of an NHWC tensor reads it as
// the GEMM's A (no im2col); its weights are read at compile time (no
// place). qlinear of a strided view copies its rows (1 byte each).
// dynamic_qlinear (DynamicLinear.cpp) gets its run-time scratch and writes
// row-major.
// CHECK-LABEL: func.func @main
// CHECK-SAME: name = "qlinear_3_rows", offset = {{[0-9]+}} : i64, size = 32 : i64
// CHECK-SAME: name = "dynamic_qlinear_4_scratch"
// CHECK: qc.constant dense<1> : tensor<2x2x1x1xi8>{{$}}
// CHECK: qc.qconv2d {{.*}}qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 32, 1, 8, 2>}, strides
// CHECK-NOT: qc.scratch
// CHECK: qc.qlinear {{.*}}qc.scratch = 2 : i64
// CHECK: qc.dynamic_qlinear {{.*}}qc.place = {index = 5 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 3, 1>}, qc.scratch = 4 : i64
// LOWER-LABEL: func.func @m_entry
func.func @main(%x: tensor<1x2x4x4xf32>, %v: tensor<8x4xui8>, %d: tensor<2x4xf32>) -> (tensor<1x2x4x4xui8>, tensor<4x3xui8>, tensor<2x3xf32>) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.1>, zero_point = array<i64: 10>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xui8>
  %w = qc.constant dense<1> : tensor<2x2x1x1xi8>
  %c = qc.qconv2d %q, %w {clamp_max = 255 : i64, clamp_min = 0 : i64, dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.1 : f32, input_zero_point = 10 : i64, output_scale = 0.2 : f32, output_zero_point = 5 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_scale = array<f32: 0.01>} : (tensor<1x2x4x4xui8>, tensor<2x2x1x1xi8>) -> tensor<1x2x4x4xui8>
  %t = qc.transpose %v {perm = array<i64: 1, 0>} : (tensor<8x4xui8>) -> tensor<4x8xui8>
  %wl = qc.constant dense<1> : tensor<3x8xi8>
  %l = qc.qlinear %t, %wl {clamp_max = 255 : i64, clamp_min = 0 : i64, input_scale = 0.05 : f32, input_zero_point = 11 : i64, output_scale = 0.5 : f32, output_zero_point = 128 : i64, weight_scale = array<f32: 0.01>} : (tensor<4x8xui8>, tensor<3x8xi8>) -> tensor<4x3xui8>
  %wd = qc.constant dense<2> : tensor<3x4xi8>
  %y = qc.dynamic_qlinear %d, %wd {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64, weight_scale = array<f32: 0.1>} : (tensor<2x4xf32>, tensor<3x4xi8>) -> tensor<2x3xf32>
  return %c, %l, %y : tensor<1x2x4x4xui8>, tensor<4x3xui8>, tensor<2x3xf32>
}

// -----

// A gather of a quantized embedding (Gather.cpp) reads the table at
// compile time (neither it nor its dequantize has a place); arg_max
// (FloatReduce.cpp) compare and select (Compare.cpp) write row-major.
// CHECK-LABEL: func.func @main
// CHECK: qc.constant dense<{{.*}}> : tensor<4x2xi8>{{$}}
// CHECK: qc.dequantize %{{[0-9]+}} {scale = array<f32: 5.000000e-01>, zero_point = array<i64: 0>} :
// CHECK: qc.gather {{.*}}qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 4, 2, 1>}
// CHECK: qc.arg_max {{.*}}qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 2, 1>}
// CHECK: qc.compare {{.*}}qc.place = {index = 2 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 4, 2, 1>}
// CHECK: qc.select {{.*}}qc.place = {index = 3 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 4, 2, 1>}
// LOWER-LABEL: func.func @m_entry
func.func @main(%ids: tensor<2x2xi64>) -> (tensor<2x2x2xf32>, tensor<2x2xi64>, tensor<2x2x2xf32>) {
  %q = qc.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi8>
  %t = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4x2xi8>) -> tensor<4x2xf32>
  %g = qc.gather %t, %ids {axis = 0 : i64} : (tensor<4x2xf32>, tensor<2x2xi64>) -> tensor<2x2x2xf32>
  %a = qc.arg_max %g {axis = 2 : i64, keepdims = false, select_last_index = false} : (tensor<2x2x2xf32>) -> tensor<2x2xi64>
  %c = qc.compare %g, %g {predicate = "lt"} : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xi1>
  %s = qc.select %c, %g, %g : (tensor<2x2x2xi1>, tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  return %g, %a, %s : tensor<2x2x2xf32>, tensor<2x2xi64>, tensor<2x2x2xf32>
}
