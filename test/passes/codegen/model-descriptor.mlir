// qc-add-model-descriptor: the exported NAME_desc of qc_model_abi.h, built
// from qc.model (ABI version 1, struct size 120, name, required ISA bits 7 =
// AVX2 | FMA | BMI2, one input, one output, arena 128 bytes aligned to 64,
// two buffers, the entry function, then (0.3.0) the step table of three
// steps and the one variant with its int8 peak). --qc-compile is qc compile's whole
// pass pipeline (buildCompilePipeline).
// RUN: qc-opt %s --qc-compile="target=x86-64-avx2 name=m" | FileCheck %s
// RUN: qc-opt %s --qc-lower-to-integer --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" --qc-lower-model-to-llvm --qc-add-model-descriptor | FileCheck %s
// RUN: not qc-opt %s --qc-compile="target=x86-64-avx2 name=m" --qc-add-model-descriptor 2>&1 | FileCheck %s --check-prefix=TWICE

// CHECK-DAG: llvm.mlir.global internal constant @m_str0("input0\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_str2("quantize_1\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_str4("m\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_plan() {{.*}} : !llvm.array<2 x struct<(ptr, i64, i64)>>
// CHECK-DAG: llvm.mlir.global internal constant @m_str5("quantize\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_str7("1x8xf32 -> 1x8xui8\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_str12("x86-64-avx2\00")
// CHECK-DAG: llvm.mlir.global internal constant @m_steps() {{.*}} : !llvm.array<3 x struct<(ptr, ptr, ptr, i64, i64)>>
// CHECK-DAG: llvm.mlir.global internal constant @m_variants() {{.*}} : !llvm.array<1 x struct<(ptr, i64, i64)>>
// CHECK-LABEL: llvm.mlir.global external constant @m_desc()
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(120 : i32) : i32
// CHECK-NEXT: llvm.mlir.addressof @m_str4
// CHECK-NEXT: llvm.mlir.constant(7 : i64) : i64
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.addressof @m_inputs
// CHECK-NEXT: llvm.mlir.addressof @m_outputs
// CHECK-NEXT: llvm.mlir.constant(128 : i64) : i64
// CHECK-NEXT: llvm.mlir.constant(64 : i64) : i64
// CHECK-NEXT: llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.mlir.addressof @m_plan
// CHECK-NEXT: llvm.mlir.addressof @m_entry
// CHECK-NEXT: llvm.mlir.constant(3 : i32) : i32
// CHECK-NEXT: llvm.mlir.addressof @m_steps
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.addressof @m_variants

// TWICE: error: qc compile: the module already has 'm_desc'
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %y = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
