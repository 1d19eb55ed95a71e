// qc-lower-model: one case per op family's lowering (the planned program in,
// scf loops over LLVM-dialect memory accesses and GEMM kernel calls out).
// Bit-exactness of the generated code against the reference executor is
// checked by test/compiler/tools/qc/compile-*.test and the e2e tests; this
// file checks the code each lowering emits.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" --split-input-file | FileCheck %s

// Quantize (NaN check, then the requantize rule of Requantize.h: multiply,
// round half to even, + zp, clamp on floats, narrow) and dequantize; the
// module records the model in qc.model.
// CHECK: module attributes {qc.model = {arena_alignment = 64 : i64, arena_size = 128 : i64, buffers = [{name = "quantize_1", offset = 64 : i64, size = 8 : i64}, {name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], constant_bytes = 0 : i64, float_weight_bytes = 0 : i64, inputs = [{dtype = 1 : i32, name = "input0", shape = array<i64: 1, 8>}], name = "m", outputs = [{dtype = 1 : i32, name = "output0", shape = array<i64: 1, 8>}], required_isa = 7 : i64, source = "", step_table = [{bytes = 40 : i64, kind = "quantize", macs = 0 : i64, name = "", shapes = "1x8xf32 -> 1x8xui8"}, {bytes = 40 : i64, kind = "dequantize", macs = 0 : i64, name = "", shapes = "1x8xui8 -> 1x8xf32"}, {bytes = 64 : i64, kind = "outputs", macs = 0 : i64, name = "", shapes = "copy to the output buffers"}], steps = 3 : i64, targets = ["x86-64-avx2"], variants = [{int8_macs_per_cycle = 32 : i64, name = "x86-64-avx2", required_isa = 7 : i64}]}}
// Before each step the entry calls m_profile_step: `if (hook) hook(ctx,
// index)`.
// CHECK-LABEL: func.func @m_profile_step(
// CHECK-SAME: %[[H:[^:]*]]: !llvm.ptr, %[[C:[^:]*]]: !llvm.ptr, %[[I:[^:]*]]: i32)
// CHECK: %[[ON:.*]] = llvm.icmp "ne" %[[H]], %{{.*}} : !llvm.ptr
// CHECK-NEXT: scf.if %[[ON]] {
// CHECK-NEXT: llvm.call %[[H]](%[[C]], %[[I]])
// CHECK-LABEL: func.func @m_step0(
// CHECK-SAME: qc.variant = 0
// CHECK: %[[X:.*]] = llvm.load %{{.*}} : !llvm.ptr -> vector<8xf32>
// CHECK-NEXT: arith.cmpf uno, %[[X]], %[[X]] : vector<8xf32>
// CHECK-NEXT: vector.reduction <or>
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %{{.*}} : vector<8xf32>
// CHECK: %[[R:.*]] = math.roundeven %[[S]] : vector<8xf32>
// CHECK-NEXT: %[[Z:.*]] = arith.addf %[[R]], %{{.*}} : vector<8xf32>
// CHECK-NEXT: %[[LO:.*]] = arith.cmpf olt, %[[Z]]
// CHECK-NEXT: %[[C1:.*]] = arith.select %[[LO]]
// CHECK-NEXT: %[[HI:.*]] = arith.cmpf ogt, %[[C1]]
// CHECK-NEXT: %[[C2:.*]] = arith.select %[[HI]]
// CHECK-NEXT: %[[I:.*]] = arith.fptosi %[[C2]] : vector<8xf32> to vector<8xi32>
// CHECK-NEXT: arith.trunci %[[I]] : vector<8xi32> to vector<8xi8>
// Dequantize, float(q - zp) * scale, on vectors too.
// CHECK-LABEL: func.func @m_step1(
// CHECK: %[[Q:.*]] = arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// CHECK: %[[D:.*]] = arith.subi %[[Q]], %{{.*}} : vector<8xi32>
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[D]] : vector<8xi32> to vector<8xf32>
// CHECK: arith.mulf %[[F]], %{{.*}} : vector<8xf32>
// The entry reads ctx->profile_step (offset 32) only when ctx->struct_size
// covers it (>= 40), calls it before each step that emits code (0, 1, 2:
// the output copy) and after the last (3), and runs both steps through the
// runtime's parallel_for.
// CHECK-LABEL: func.func @m_entry(
// CHECK-SAME: %[[CTX:[^:]*]]: !llvm.ptr
// CHECK: %[[SIZE:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK-NEXT: %[[C40:.*]] = arith.constant 40 : i32
// CHECK-NEXT: %[[HAS:.*]] = arith.cmpi uge, %[[SIZE]], %[[C40]] : i32
// CHECK-NEXT: %[[HOOK:.*]] = scf.if %[[HAS]] -> (!llvm.ptr) {
// CHECK-NEXT: arith.constant 32 : i64
// CHECK: } else {
// CHECK-NEXT: llvm.mlir.zero
// CHECK: %[[I0:.*]] = arith.constant 0 : i32
// CHECK-NEXT: call @m_profile_step(%[[HOOK]], %[[CTX]], %[[I0]])
// CHECK: constant @m_step0
// CHECK: llvm.call
// CHECK: call @m_profile_step(%[[HOOK]], %[[CTX]], %{{.*}})
// CHECK: constant @m_step1
// CHECK: llvm.call
// CHECK: %[[I2:.*]] = arith.constant 2 : i32
// CHECK-NEXT: call @m_profile_step(%[[HOOK]], %[[CTX]], %[[I2]])
// CHECK: %[[I3:.*]] = arith.constant 3 : i32
// CHECK-NEXT: call @m_profile_step(%[[HOOK]], %[[CTX]], %[[I3]])
// CHECK: return
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %y = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// Integer GEMM family: a 3x3 groups-1 conv is im2col + the AVX2 GEMM kernel
// on weights packed at compile time (zero-point correction in the bias);
// qlinear calls the same kernel (the integer-clamp variant: the constants
// keep |acc * m| far below 2^30). Max pool and flatten in between.
// CHECK-DAG: llvm.mlir.global internal constant @m_const0_weights
// CHECK-DAG: llvm.mlir.global internal constant @m_const1_bias
// CHECK-DAG: llvm.mlir.global internal constant @m_const2_mult
// CHECK-LABEL: func.func @m_step1(
// CHECK: {{(func\.)?}}call @qc_gemm_u8s8u8_4x16_iclamp_x86_avx2(
// CHECK-LABEL: func.func @m_step3(
// CHECK: {{(func\.)?}}call @qc_gemm_u8s8u8_4x16_iclamp_x86_avx2(
// CHECK-LABEL: func.func @m_entry(
// CHECK-LABEL: func.func @qc_gemm_u8s8u8_4x16_iclamp_x86_avx2(
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
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

// Depthwise conv: per-pixel tap table, a branch-free channel loop on
// widened bytes, then the requantize epilogue.
// CHECK: llvm.mlir.global internal constant @m_const0_taps
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.sitofp
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: math.roundeven
// CHECK-LABEL: func.func @m_entry(
// CHECK-NOT: qc_gemm
func.func @main(%x: tensor<1x4x5x5xui8>) -> tensor<1x4x3x3xui8> {
  %w = qc.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]> : tensor<4x1x3x3xi8>
  %b = qc.constant dense<[150, 196, 369, -208]> : tensor<4xi32>
  %dw = qc.qconv2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 3 : i64, dilations = array<i64: 1, 1>, groups = 4 : i64, input_scale = 0.0078125 : f32, input_zero_point = 37 : i64, output_scale = 0.05 : f32, output_zero_point = 11 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, weight_scale = array<f32: 0.01>} : (tensor<1x4x5x5xui8>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x3x3xui8>
  return %dw : tensor<1x4x3x3xui8>
}

// -----

// Pooling: max pool as signed byte maxima over the in-bounds taps; average
// pool with a per-position multiplier table and the requantize epilogue.
// CHECK: llvm.mlir.global internal constant @m_const0_avg_mult
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i8
// CHECK-LABEL: func.func @m_step1(
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: math.roundeven
// CHECK-LABEL: func.func @m_entry(
// CHECK: llvm.mlir.addressof @m_const0_avg_mult
func.func @main(%x: tensor<1x4x5x5xi8>) -> (tensor<1x4x3x3xi8>, tensor<1x4x3x3xi8>) {
  %mp = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xi8>) -> tensor<1x4x3x3xi8>
  %ap = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 127 : i64, clamp_min = -128 : i64, count_include_pad = false, input_scale = 0.05 : f32, input_zero_point = 1 : i64, kernel = array<i64: 3, 3>, output_scale = 0.03 : f32, output_zero_point = 7 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xi8>) -> tensor<1x4x3x3xi8>
  return %mp, %ap : tensor<1x4x3x3xi8>, tensor<1x4x3x3xi8>
}

// -----

// Elementwise: qadd's two scaled operands, one rounding; qlut as a byte
// load from its 256-entry table.
// CHECK: llvm.mlir.global internal constant @m_const0_lut(dense<"0x7F7E7D
// CHECK-LABEL: func.func @m_step0(
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.roundeven
// The table's address is a step parameter: the entry stores it in the
// step's record.
// CHECK-LABEL: func.func @m_step1(
// CHECK-NOT: math.roundeven
// CHECK-LABEL: func.func @m_entry(
// CHECK: %[[LUT:.*]] = llvm.mlir.addressof @m_const0_lut
// CHECK-NEXT: arith.constant 2 : i64
// CHECK-NEXT: llvm.getelementptr
// CHECK-NEXT: llvm.store %[[LUT]]
func.func @main(%a: tensor<1x8xi8>, %b: tensor<1x8xi8>) -> (tensor<1x8xi8>, tensor<1x8xi8>) {
  %s = qc.qadd %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.5 : f32, lhs_zero_point = 2 : i64, output_scale = 0.7 : f32, output_zero_point = -9 : i64, rhs_scale = 0.25 : f32, rhs_zero_point = 0 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
  %t = qc.qlut %s {function = "identity", table = array<i32: 127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30, -31, -32, -33, -34, -35, -36, -37, -38, -39, -40, -41, -42, -43, -44, -45, -46, -47, -48, -49, -50, -51, -52, -53, -54, -55, -56, -57, -58, -59, -60, -61, -62, -63, -64, -65, -66, -67, -68, -69, -70, -71, -72, -73, -74, -75, -76, -77, -78, -79, -80, -81, -82, -83, -84, -85, -86, -87, -88, -89, -90, -91, -92, -93, -94, -95, -96, -97, -98, -99, -100, -101, -102, -103, -104, -105, -106, -107, -108, -109, -110, -111, -112, -113, -114, -115, -116, -117, -118, -119, -120, -121, -122, -123, -124, -125, -126, -127, -128>} : (tensor<1x8xi8>) -> tensor<1x8xi8>
  return %s, %t : tensor<1x8xi8>, tensor<1x8xi8>
}

// -----

// Data movement: concat copies each input into its part of the NHWC
// output; flatten of an NHWC tensor copies into row-major order; the result
// is copied into the caller's buffer. No arithmetic on the values.
// CHECK-LABEL: func.func @m_entry(
// CHECK-NOT: arith.sitofp
// CHECK-NOT: math.roundeven
// CHECK: return
func.func @main(%a: tensor<1x2x2x2xi8>, %b: tensor<1x3x2x2xi8>) -> tensor<1x20xi8> {
  %c = qc.concat %a, %b {axis = 1 : i64} : (tensor<1x2x2x2xi8>, tensor<1x3x2x2xi8>) -> tensor<1x5x2x2xi8>
  %m = qc.qmax_pool2d %c {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x5x2x2xi8>) -> tensor<1x5x2x2xi8>
  %f = qc.flatten %m {axis = 1 : i64} : (tensor<1x5x2x2xi8>) -> tensor<1x20xi8>
  return %f : tensor<1x20xi8>
}

// -----

// Float islands: the reference's scalar expressions on vectors (relu as
// compare and select, tanh as support/Math.h's sequence on f64 lanes, no
// C library call; test/passes/codegen/float-math.mlir has more).
// CHECK-NOT: llvm.func @tanhf
// CHECK-LABEL: func.func @m_step0(
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<8xf32>
// CHECK: arith.cmpf olt, %{{.*}} : vector<8xf32>
// CHECK: arith.select
// CHECK-LABEL: func.func @m_step1(
// CHECK: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// CHECK-NOT: llvm.call
// CHECK: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %r = qc.relu %x : tensor<1x8xf32>
  %t = qc.tanh %r : tensor<1x8xf32>
  return %t : tensor<1x8xf32>
}
