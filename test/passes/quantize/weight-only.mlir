// qc-weight-only on Inputs/weight-only.mlir (a linear [3, 5] and a matmul by
// a constant [3, 2]): int4 symmetric groups of 2 along K (axis 1 of the
// linear's weight, axis 0 of the matmul's; K = 5 and 3 leave a short last
// group), int4 asymmetric (ui8 storage, a zero point per group) and int8 per
// output channel. Values by PyTorch's _calculate_qparams and DESIGN.md's
// quantize with x * (1 / scale): 3.0 with scale 0.4 is 7.5, rounded to 8,
// clamped to 7; an all-zero group gets the eps scale.
// RUN: qc-opt %S/Inputs/weight-only.mlir --qc-weight-only="bits=4 group-size=2" | FileCheck %s --check-prefix=W4
// RUN: qc-opt %S/Inputs/weight-only.mlir --qc-weight-only="bits=4 group-size=2 symmetric=false" | FileCheck %s --check-prefix=W4A
// RUN: qc-opt %S/Inputs/weight-only.mlir --qc-weight-only="bits=8" | FileCheck %s --check-prefix=W8

// W4-LABEL: func.func @main
// W4: %[[Q:.*]] = qc.constant dense<{{\[\[}}4, -7, 7, 4, 7], [0, 0, -7, 7, -8], [4, 7, 6, 7, 7]]> : tensor<3x5xi8>
// W4: %[[W:.*]] = qc.dequantize %[[Q]] {axis = 1 : i64, block_size = 2 : i64, scale = array<f32: 0.266666681, 0.0666666701, 4.000000e-01, 1.1920929E-7, 0.13333334, 0.933333337, 0.0266666673, 0.0533333346, 0.0666666701>, zero_point = array<i64: 0, 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<3x5xi8>) -> tensor<3x5xf32>
// W4: qc.linear %arg0, %[[W]], %{{.*}}
// W4: %[[Q2:.*]] = qc.constant dense<{{\[\[}}4, -7], [7, 4], [-7, 7]]> : tensor<3x2xi8>
// W4: %[[W2:.*]] = qc.dequantize %[[Q2]] {axis = 0 : i64, block_size = 2 : i64, scale = array<f32: 0.266666681, 0.13333334, 0.533333361, 0.0333333351>, zero_point = array<i64: 0, 0, 0, 0>} : (tensor<3x2xi8>) -> tensor<3x2xf32>
// W4: qc.matmul %{{.*}}, %[[W2]]
// W4: return

// W4A: qc.constant dense<{{\[\[}}15, 0, 15, 7, 15], [0, 0, 0, 14, 0], [8, 15, 11, 15, 15]]> : tensor<3x5xui8>
// W4A: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 2 : i64, scale = array<f32: 2.000000e-01, {{.*}}>, zero_point = array<i64: 10, 0, 0, 0, 7, 15, 0, 0, 0>} : (tensor<3x5xui8>) -> tensor<3x5xf32>
// W4A: qc.constant dense<{{\[\[}}7, 0], [15, 15], [0, 15]]> : tensor<3x2xui8>
// W4A: qc.dequantize %{{.*}} {axis = 0 : i64, block_size = 2 : i64, {{.*}}, zero_point = array<i64: 0, 10, 15, 0>} : (tensor<3x2xui8>) -> tensor<3x2xf32>

// W8: qc.constant dense<{{\[\[}}42, -85, 21, 11, 127], [0, 0, -18, 18, -127], [25, 51, 76, 102, 127]]> : tensor<3x5xi8>
// W8: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 0.0235294122, 0.0549019612, 0.00392156886>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x5xi8>) -> tensor<3x5xf32>
// W8: qc.constant dense<{{\[\[}}32, -127], [64, 64], [-127, 32]]> : tensor<3x2xi8>
// W8: qc.dequantize %{{.*}} {axis = 1 : i64, scale = array<f32: 0.0313725509, 0.00784313772>, zero_point = array<i64: 0, 0>} : (tensor<3x2xi8>) -> tensor<3x2xf32>
