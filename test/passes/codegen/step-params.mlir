// Steps of one shape whose zero points, scales, clamps or tables differ
// share one function: those values are step parameters (ModelBuilder::
// stepParam), stored by the entry in each step's record and loaded by the
// step, so qc-lower-model-to-llvm merges the steps (an unrolled LSTM's
// timesteps). Two qc.qadd, two qc.qlut with different tables and two
// qc.qmul with different qparams: three functions, each run twice.
// RUN: qc-opt %s --qc-plan-memory --qc-lower-model="target=x86-64-avx512vnni name=m" --qc-lower-model-to-llvm | FileCheck %s

// CHECK-DAG: llvm.mlir.global internal constant @[[T1:m_const[0-9]+_lut_parts]](
// CHECK-DAG: llvm.mlir.global internal constant @[[T2:m_const[0-9]+_lut_parts]](
// The qadd step: its two zero points (i32) and scales (f32), the output
// zero point and clamp (f32) come from the record, after the 3 pointers.
// CHECK-LABEL: llvm.func internal @m_step0(
// CHECK-DAG: llvm.getelementptr %arg0[3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-DAG: llvm.getelementptr %arg0[9] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: llvm.intr.roundeven
// CHECK-NOT: llvm.func internal @m_step1(
// The lookup: 16 table vectors loaded from the address in slot 2.
// CHECK-LABEL: llvm.func internal @m_step2(
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %arg0[2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[TABLE:.*]] = llvm.load %[[SLOT]] {{.*}} -> !llvm.ptr
// CHECK: llvm.load %[[TABLE]] {{.*}} -> vector<64xi8>
// CHECK: llvm.x86.avx512.pshuf.b.512
// CHECK-NOT: llvm.func internal @m_step3(
// CHECK-LABEL: llvm.func internal @m_step4(
// CHECK: llvm.intr.roundeven
// CHECK-NOT: llvm.func internal @m_step5(
// The entry runs each function twice, with each step's own values.
// CHECK-LABEL: llvm.func internal @m_entry(
// CHECK-DAG: %[[S0:.*]] = llvm.mlir.addressof @m_step0
// CHECK-DAG: %[[S2:.*]] = llvm.mlir.addressof @m_step2
// CHECK-DAG: %[[S4:.*]] = llvm.mlir.addressof @m_step4
// CHECK-DAG: llvm.mlir.constant(0.714285731 : f32)
// CHECK-DAG: llvm.mlir.constant(6.000000e-01 : f32)
// CHECK-DAG: llvm.mlir.constant(17 : i32)
// CHECK-DAG: llvm.mlir.constant(-3 : i32)
// CHECK-DAG: llvm.mlir.addressof @[[T1]]
// CHECK-DAG: llvm.mlir.addressof @[[T2]]
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S0]], %{{.*}})
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S0]], %{{.*}})
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S2]], %{{.*}})
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S2]], %{{.*}})
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S4]], %{{.*}})
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %[[S4]], %{{.*}})
func.func @main(%a: tensor<1x1x64xi8>, %b: tensor<1x1x64xi8>) -> (tensor<1x1x64xi8>, tensor<1x1x64xi8>, tensor<1x1x64xi8>) {
  %s = qc.qadd %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.5 : f32, lhs_zero_point = 2 : i64, output_scale = 0.7 : f32, output_zero_point = -9 : i64, rhs_scale = 0.25 : f32, rhs_zero_point = 0 : i64} : (tensor<1x1x64xi8>, tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  %t = qc.qadd %s, %b {clamp_max = 100 : i64, clamp_min = 0 : i64, lhs_scale = 0.3 : f32, lhs_zero_point = 17 : i64, output_scale = 0.5 : f32, output_zero_point = 4 : i64, rhs_scale = 0.25 : f32, rhs_zero_point = -3 : i64} : (tensor<1x1x64xi8>, tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  %u = qc.qlut %t {function = "identity", table = array<i32: 127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30, -31, -32, -33, -34, -35, -36, -37, -38, -39, -40, -41, -42, -43, -44, -45, -46, -47, -48, -49, -50, -51, -52, -53, -54, -55, -56, -57, -58, -59, -60, -61, -62, -63, -64, -65, -66, -67, -68, -69, -70, -71, -72, -73, -74, -75, -76, -77, -78, -79, -80, -81, -82, -83, -84, -85, -86, -87, -88, -89, -90, -91, -92, -93, -94, -95, -96, -97, -98, -99, -100, -101, -102, -103, -104, -105, -106, -107, -108, -109, -110, -111, -112, -113, -114, -115, -116, -117, -118, -119, -120, -121, -122, -123, -124, -125, -126, -127, -128>} : (tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  %v = qc.qlut %u {function = "identity", table = array<i32: -64, -64, -63, -63, -62, -62, -61, -61, -60, -60, -59, -59, -58, -58, -57, -57, -56, -56, -55, -55, -54, -54, -53, -53, -52, -52, -51, -51, -50, -50, -49, -49, -48, -48, -47, -47, -46, -46, -45, -45, -44, -44, -43, -43, -42, -42, -41, -41, -40, -40, -39, -39, -38, -38, -37, -37, -36, -36, -35, -35, -34, -34, -33, -33, -32, -32, -31, -31, -30, -30, -29, -29, -28, -28, -27, -27, -26, -26, -25, -25, -24, -24, -23, -23, -22, -22, -21, -21, -20, -20, -19, -19, -18, -18, -17, -17, -16, -16, -15, -15, -14, -14, -13, -13, -12, -12, -11, -11, -10, -10, -9, -9, -8, -8, -7, -7, -6, -6, -5, -5, -4, -4, -3, -3, -2, -2, -1, -1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 24, 24, 25, 25, 26, 26, 27, 27, 28, 28, 29, 29, 30, 30, 31, 31, 32, 32, 33, 33, 34, 34, 35, 35, 36, 36, 37, 37, 38, 38, 39, 39, 40, 40, 41, 41, 42, 42, 43, 43, 44, 44, 45, 45, 46, 46, 47, 47, 48, 48, 49, 49, 50, 50, 51, 51, 52, 52, 53, 53, 54, 54, 55, 55, 56, 56, 57, 57, 58, 58, 59, 59, 60, 60, 61, 61, 62, 62, 63, 63>} : (tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  %w = qc.qmul %v, %a {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = 1 : i64, output_scale = 0.04 : f32, output_zero_point = 0 : i64, rhs_scale = 0.05 : f32, rhs_zero_point = 2 : i64} : (tensor<1x1x64xi8>, tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  %x = qc.qmul %w, %s {clamp_max = 120 : i64, clamp_min = -100 : i64, lhs_scale = 0.03 : f32, lhs_zero_point = -5 : i64, output_scale = 0.06 : f32, output_zero_point = 7 : i64, rhs_scale = 0.02 : f32, rhs_zero_point = 3 : i64} : (tensor<1x1x64xi8>, tensor<1x1x64xi8>) -> tensor<1x1x64xi8>
  return %s, %v, %x : tensor<1x1x64xi8>, tensor<1x1x64xi8>, tensor<1x1x64xi8>
}
