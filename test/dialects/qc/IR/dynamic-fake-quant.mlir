// RUN: qc-opt %s --split-input-file | qc-opt --split-input-file | FileCheck %s

// qc.dynamic_fake_quant round-trips: dtype and range, any ranked f32 shape
// (dynamic dimensions included).
// CHECK-LABEL: func.func @dynamic_fake_quant
// CHECK: qc.dynamic_fake_quant %{{.*}} {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4x64xf32>
// CHECK: qc.dynamic_fake_quant %{{.*}} {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<?x8xf32>
func.func @dynamic_fake_quant(%x: tensor<4x64xf32>, %y: tensor<?x8xf32>) -> (tensor<4x64xf32>, tensor<?x8xf32>) {
  %0 = qc.dynamic_fake_quant %x {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<4x64xf32>
  %1 = qc.dynamic_fake_quant %y {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<?x8xf32>
  return %0, %1 : tensor<4x64xf32>, tensor<?x8xf32>
}
