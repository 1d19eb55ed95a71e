// qc.qmatmul (IntMatmul.cpp): the plan gives the step one scratch buffer
// (a packed slot per batch index: 2 heads x 512 bytes, the largest variant's
// K_pad x N_pad plus the padded int32 bias); step 0 packs each head's K^T
// (a transposed view, read through its strides) into the kernel's tile
// order (zeros first, since N = 5 is padded to 16), summing each column for
// the bias -zp * column sum (zp 120 in the AVX2 kernel's u8 domain), zeros
// in the padded columns' bias; step 1 calls
// the GEMM kernel on the lhs rows with the compile-time multipliers.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" | FileCheck %s

// CHECK: buffers = [{name = "qmatmul_1_packed", offset = 0 : i64, size = 1024 : i64}, {name = "qmatmul_1", offset = 1024 : i64, size = 50 : i64}]
// CHECK-SAME: step_table = [{bytes = 130 : i64, kind = "qmatmul", macs = 200 : i64, name = "", shapes = "1x2x5x4xui8, 1x2x4x5xi8 -> 1x2x5x5xui8"}
// CHECK: llvm.mlir.global internal constant @m_const0_qmm_mult
// CHECK-LABEL: func.func @m_step0(
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8_i64
// CHECK: llvm.store %c0_i64{{.*}} : i64, !llvm.ptr
// CHECK: scf.for %{{.*}} = %{{.*}} to %c5_i64
// CHECK: iter_args(%{{.*}} = %c0_i32) -> (i32)
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i8
// CHECK: llvm.store %{{.*}} : i8, !llvm.ptr
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.muli %{{.*}}, %c-120_i32 : i32
// CHECK: scf.for %{{.*}} = %c5_i64{{.*}} to %c16_i64
// CHECK: llvm.store %c0_i32
// The output zero point and clamp are step parameters, read from the
// step's record (slots 4, 5, 6 after the four pointers).
// CHECK-LABEL: func.func @m_step1(
// CHECK: arith.constant 6 : i64
// CHECK-NEXT: llvm.getelementptr
// CHECK-NEXT: %[[HI:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK-NEXT: arith.constant 5 : i64
// CHECK-NEXT: llvm.getelementptr
// CHECK-NEXT: %[[LO:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK-NEXT: arith.constant 4 : i64
// CHECK-NEXT: llvm.getelementptr
// CHECK-NEXT: %[[ZP:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK: call @qc_gemm_u8s8u8_4x16_x86_avx2(%{{.*}}, %c4_i64{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %c5_i64{{.*}}, %{{.*}}, %c5_i64{{.*}}, %c4_i64{{.*}}, %[[ZP]], %[[LO]], %[[HI]])
// CHECK-LABEL: func.func @m_entry(
func.func @main(%q: tensor<1x2x5x4xui8> {qc.name = "q"}, %k: tensor<1x2x5x4xi8> {qc.name = "k"}) -> (tensor<1x2x5x5xui8> {qc.name = "s"}) {
  %kt = qc.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x5x4xi8>) -> tensor<1x2x4x5xi8>
  %s = qc.qmatmul %q, %kt {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.05 : f32, lhs_zero_point = 120 : i64, output_scale = 0.1 : f32, output_zero_point = 100 : i64, rhs_scale = 0.025 : f32} : (tensor<1x2x5x4xui8>, tensor<1x2x4x5xi8>) -> tensor<1x2x5x5xui8>
  return %s : tensor<1x2x5x5xui8>
}
