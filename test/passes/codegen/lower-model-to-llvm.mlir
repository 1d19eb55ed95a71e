// qc-lower-model with several variants (target=x86-64): one copy of the
// model per ISA and a dispatcher; qc-lower-model-to-llvm gives each
// variant's functions its Target's CPU and features.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64 name=m" | FileCheck %s --check-prefix=VARIANTS
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64 name=m" --qc-lower-model-to-llvm | FileCheck %s
// RUN: not qc-opt %s --qc-lower-model-to-llvm 2>&1 | FileCheck %s --check-prefix=NOMODEL

// VARIANTS: targets = ["x86-64-avx512vnni", "x86-64-avxvnni", "x86-64-avx2"]
// VARIANTS: func.func @m_x86_avx512vnni_step0({{.*}}qc.variant = 0 : i64
// VARIANTS: func.func @m_x86_avx512vnni_entry({{.*}}qc.variant = 0 : i64
// VARIANTS: func.func @m_x86_avxvnni_entry({{.*}}qc.variant = 1 : i64
// VARIANTS: func.func @m_x86_avx2_entry({{.*}}qc.variant = 2 : i64
// The dispatcher reads qc_exec_context.cpu_features and calls the first
// variant whose QC_ISA bits are all there (AVX-512 VNNI: 0x1FF).
// VARIANTS-LABEL: func.func @m_entry({{.*}}qc.variant = 2 : i64
// VARIANTS: arith.constant 511 : i64
// VARIANTS: call @m_x86_avx512vnni_entry
// VARIANTS: call @m_x86_avxvnni_entry
// VARIANTS: call @m_x86_avx2_entry

// CHECK-NOT: func.func
// CHECK-NOT: qc.variant
// CHECK: llvm.func internal @m_x86_avx512vnni_step0({{.*}}target_cpu = "x86-64-v4", target_features = #llvm.target_features<["+avx512vnni", "-prefer-256-bit"]>
// CHECK: llvm.func internal @m_x86_avxvnni_entry({{.*}}target_cpu = "x86-64-v3", target_features = #llvm.target_features<["+avxvnni"]>
// CHECK: llvm.func internal @m_x86_avx2_entry({{.*}}target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>
// CHECK: llvm.func internal @m_entry({{.*}}target_cpu = "x86-64-v3"

// NOMODEL: error: qc compile: 'qc.model' is missing; run qc-lower-model first
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %y = qc.dequantize %q {scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
