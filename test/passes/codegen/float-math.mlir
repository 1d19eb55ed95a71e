// The float islands' transcendentals (sigmoid, tanh, erf, gelu in both
// forms): no C library call, the support/Math.h sequence on vectors of the
// target's float lanes widened to f64 (vector<8xf32> -> vector<8xf64> on
// AVX2, 16 on AVX-512, 4 on NEON), then the n mod lanes tail element by
// element with the same sequence on scalars. Bit-exactness against the
// reference executor: test/e2e/compiled_exact.sh, token_models.sh.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=m" --split-input-file | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx512vnni name=m" --split-input-file | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=aarch64-dotprod name=m" --split-input-file | FileCheck %s --check-prefixes=CHECK,NEON

// GELU (erf form): x * (1/sqrt 2) in float, erf as x * P(u) with
// u = x^2 / 8 - 1 (clamped at 16) in double, rounded to float, then
// (0.5 * x) * (1 + erf) in float. 37 elements: whole vectors, then a tail.
// CHECK-NOT: llvm.func @erff
// CHECK-LABEL: func.func @m_step0(
// AVX2: %[[X:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// AVX2: %[[H:.*]] = arith.mulf %[[X]], %{{.*}} : vector<8xf32>
// AVX2-NEXT: %[[D:.*]] = arith.extf %[[H]] : vector<8xf32> to vector<8xf64>
// AVX2-NEXT: %[[S:.*]] = arith.mulf %[[D]], %[[D]] : vector<8xf64>
// AVX2: %[[E:.*]] = arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
// AVX2: arith.addf %{{.*}}, %[[E]] : vector<8xf32>
// AVX512: llvm.load %{{.*}} : !llvm.ptr -> vector<16xf32>
// AVX512: arith.extf %{{.*}} : vector<16xf32> to vector<16xf64>
// AVX512: arith.truncf %{{.*}} : vector<16xf64> to vector<16xf32>
// NEON: llvm.load %{{.*}} : !llvm.ptr -> vector<4xf32>
// NEON: arith.extf %{{.*}} : vector<4xf32> to vector<4xf64>
// NEON: arith.truncf %{{.*}} : vector<4xf64> to vector<4xf32>
// The tail: the same sequence on one f32 at a time.
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_entry(
func.func @main(%x: tensor<37xf32>) -> tensor<37xf32> {
  %0 = qc.gelu %x {approximate = "none"} : tensor<37xf32>
  return %0 : tensor<37xf32>
}

// -----

// GELU (tanh form) and tanh: tanh's exp(2|x|) reduces by roundeven(x log2 e)
// and scales by 2^k through the exponent bits, all on f64 lanes.
// CHECK-NOT: llvm.func @tanhf
// CHECK-LABEL: func.func @m_step0(
// AVX2: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// AVX2: math.roundeven %{{.*}} : vector<8xf64>
// AVX2: arith.fptosi %{{.*}} : vector<8xf64> to vector<8xi64>
// AVX2: arith.bitcast %{{.*}} : vector<8xi64> to vector<8xf64>
// AVX2: arith.divf %{{.*}} : vector<8xf64>
// AVX2: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
// AVX512: math.roundeven %{{.*}} : vector<16xf64>
// NEON: math.roundeven %{{.*}} : vector<4xf64>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_step1(
// AVX2: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// AVX2: math.roundeven %{{.*}} : vector<8xf64>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_entry(
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = qc.gelu %x {approximate = "tanh"} : tensor<2x16xf32>
  %1 = qc.tanh %0 : tensor<2x16xf32>
  return %1 : tensor<2x16xf32>
}

// -----

// Sigmoid: e = exp(-|x|) in double, e / (1 + e) or 1 / (1 + e).
// CHECK-NOT: llvm.func @expf
// CHECK-LABEL: func.func @m_step0(
// AVX2: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// AVX2: math.roundeven %{{.*}} : vector<8xf64>
// AVX2: arith.divf %{{.*}} : vector<8xf64>
// AVX2: arith.divf %{{.*}} : vector<8xf64>
// AVX2: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_entry(
func.func @main(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %0 = qc.sigmoid %x : tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

// ONNX Exp and Log (FloatElementwise.cpp): support/Math.h on f64 lanes, no C
// library call; log takes the exponent from the bits (bitcast to i64, an
// arithmetic shift by 52, sitofp) and has no roundeven. Round is
// math.roundeven on the f32 vector itself, floor / ceil math.floor /
// math.ceil, abs math.absf.
// CHECK-NOT: llvm.func @expf
// CHECK-NOT: llvm.func @logf
// CHECK-LABEL: func.func @m_step0(
// AVX2: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// AVX2: math.roundeven %{{.*}} : vector<8xf64>
// AVX2: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
// NEON: math.roundeven %{{.*}} : vector<4xf64>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_step1(
// AVX2: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
// AVX2: arith.bitcast %{{.*}} : vector<8xf64> to vector<8xi64>
// AVX2: arith.shrsi %{{.*}} : vector<8xi64>
// AVX2: arith.sitofp %{{.*}} : vector<8xi64> to vector<8xf64>
// AVX2: arith.divf %{{.*}} : vector<8xf64>
// AVX2: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
// AVX512: arith.sitofp %{{.*}} : vector<16xi64> to vector<16xf64>
// NEON: arith.sitofp %{{.*}} : vector<4xi64> to vector<4xf64>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_step2(
// AVX2: math.roundeven %{{.*}} : vector<8xf32>
// AVX512: math.roundeven %{{.*}} : vector<16xf32>
// NEON: math.roundeven %{{.*}} : vector<4xf32>
// CHECK-LABEL: func.func @m_step3(
// AVX2: math.floor %{{.*}} : vector<8xf32>
// CHECK-LABEL: func.func @m_step4(
// AVX2: math.ceil %{{.*}} : vector<8xf32>
// CHECK-LABEL: func.func @m_step5(
// AVX2: math.absf %{{.*}} : vector<8xf32>
// CHECK-NOT: llvm.call
// CHECK-LABEL: func.func @m_entry(
func.func @main(%x: tensor<1x64xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %0 = qc.exp %x : tensor<1x64xf32>
  %1 = qc.log %x : tensor<1x64xf32>
  %2 = qc.round %x : tensor<1x64xf32>
  %3 = qc.floor %x : tensor<1x64xf32>
  %4 = qc.ceil %x : tensor<1x64xf32>
  %5 = qc.abs %x : tensor<1x64xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}
