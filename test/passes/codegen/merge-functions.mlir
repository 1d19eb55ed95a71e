// qc-lower-model-to-llvm merges internal functions equal in all but their
// names: two quantize steps with the same qparams and shapes become one
// function that the entry runs twice; a step with another scale stays on
// AVX-512 (its 8 elements are a scalar loop with the scale as an immediate).
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx512vnni name=m" --qc-lower-model-to-llvm | FileCheck %s
// Functions of different variants never merge (their targets differ).
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64 name=m" --qc-lower-model-to-llvm | FileCheck %s --check-prefix=VARIANTS

// CHECK: llvm.func internal @m_step0(
// CHECK-NOT: llvm.func internal @m_step1(
// CHECK: llvm.func internal @m_step2(
// CHECK-LABEL: llvm.func internal @m_entry(
// CHECK-DAG: llvm.mlir.addressof @m_step2
// CHECK-DAG: llvm.mlir.addressof @m_step0
// CHECK-NOT: @m_step1
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S0:[0-9]+]], %{{.*}}) :
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S0]], %{{.*}}) :

// VARIANTS: llvm.func internal @m_x86_avx512vnni_step0(
// VARIANTS-NOT: @m_x86_avx512vnni_step1(
// VARIANTS: llvm.func internal @m_x86_avx512vnni_step2(
// With 8 lanes (AVX2) the three quantizes are whole vectors whose scale is
// a step parameter (test/passes/codegen/step-params.mlir): one function.
// VARIANTS: llvm.func internal @m_x86_avxvnni_step3(
// VARIANTS-NOT: @m_x86_avxvnni_step4(
// VARIANTS-NOT: @m_x86_avxvnni_step5(
// VARIANTS: llvm.func internal @m_x86_avx2_step6(
// VARIANTS-NOT: @m_x86_avx2_step7(
// VARIANTS-NOT: @m_x86_avx2_step8(
// VARIANTS: llvm.func internal @m_entry(
func.func @main(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> (tensor<1x8xui8>, tensor<1x8xui8>, tensor<1x8xui8>) {
  %a = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %b = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %c = qc.quantize %y {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  return %a, %b, %c : tensor<1x8xui8>, tensor<1x8xui8>, tensor<1x8xui8>
}
