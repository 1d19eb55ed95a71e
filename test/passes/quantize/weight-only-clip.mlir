// qc-weight-only clip=mse (Inputs/weight-only-clip.mlir: a linear [2, 8],
// int4 symmetric groups of 4 along K, and an embedding table [3, 4] read by
// a gather, one group per row). Each group tries the shrinks 1.00, 0.99, ...,
// 0.50 of its min / max and keeps the one with the least squared error of
// (q - zp) * scale against the weights; min / max scales are max|w| / 7.5.
//   [2.04, -2.56, 0.42, -0.57]:  min / max 0.3413 (error 0.0481);
//     shrink 0.96: 0.32768 (error 0.0250), -2.56 saturates at -8
//   [-0.45, -0.22, -2.02, -0.23]: 0.2693 (0.0300); 0.93: 0.25048 (0.0042)
//   [-0.87, 3.32, 0.23, -0.35]:  0.4427 (0.1030); no shrink is better: kept
//   [-0.28, -0.67, -1.06, -0.39]: 0.1413 (0.0075); 0.94: 0.13285 (0.0003)
// The table: row 0 keeps 2.0 / 7.5, row 2 shrinks 0.94 (0.376), the zero
// row gets the eps scale (embedding-bits=4: the linears' groups). clip=minmax
// (the pass's default) is the earlier rounding; embedding-bits=0 (the pass's
// default) leaves the table float, 8 quantizes it per row (int8, MSE).
// RUN: qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=4 group-size=4 clip=mse embedding-bits=4" | FileCheck %s --check-prefix=MSE
// RUN: qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=4 group-size=4 embedding-bits=4" | FileCheck %s --check-prefix=MINMAX
// RUN: qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=4 group-size=4 symmetric=false clip=mse embedding-bits=4" | FileCheck %s --check-prefix=ASYM
// RUN: qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=8" | FileCheck %s --check-prefix=NOEMB
// RUN: qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=4 group-size=4 clip=mse embedding-bits=8" | FileCheck %s --check-prefix=EMB8
// RUN: not qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=8 embedding-bits=4" 2>&1 | FileCheck %s --check-prefix=EMB4
// RUN: not qc-opt %S/Inputs/weight-only-clip.mlir --qc-weight-only="bits=4 group-size=4 clip=l1" 2>&1 | FileCheck %s --check-prefix=BAD

// MSE: %[[Q:.*]] = qc.constant dense<{{\[\[}}6, -8, 1, -2, -2, -1, -8, -1], [-2, 7, 1, -1, -2, -5, -8, -3]]> : tensor<2x8xi8>
// MSE: qc.dequantize %[[Q]] {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 3.276800e-01, 2.504800e-01, 0.44266665, 0.132853329>, zero_point = array<i64: 0, 0, 0, 0>}
// MSE: %[[T:.*]] = qc.constant dense<{{\[\[}}2, -4, 1, 7], [0, 0, 0, 0], [-8, 4, 2, 0]]> : tensor<3x4xi8>
// MSE: %[[D:.*]] = qc.dequantize %[[T]] {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.266666681, 1.1920929E-7, 3.760000e-01>, zero_point = array<i64: 0, 0, 0>}
// MSE: qc.gather %[[D]], %arg1 {axis = 0 : i64}

// MINMAX: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.34133333, 0.269333333, 0.44266665, 0.141333327>
// MINMAX: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.266666681, 1.1920929E-7, 4.000000e-01>

// ASYM: qc.constant dense<{{\[\[}}15, 0, 9, 6, 12, 13, 0, 13], [0, 15, 4, 2, 11, 5, 0, 9]]> : tensor<2x8xui8>
// ASYM: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 0.306666672, 0.134666666, 0.276539981, 0.0692533329>, zero_point = array<i64: 8, 15, 3, 15>}
// ASYM: qc.constant dense<{{\[\[}}8, 0, 6, 15], [0, 0, 0, 0], [0, 15, 13, 10]]> : tensor<3x4xui8>
// ASYM: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 1.980000e-01, 1.1920929E-7, 2.970000e-01>, zero_point = array<i64: 5, 0, 10>}

// NOEMB: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 0.0200784318, 0.0260392148>
// NOEMB: %[[T:.*]] = qc.constant dense<{{\[\[}}5.000000e-01, -1.000000e+00
// NOEMB-NOT: qc.dequantize
// NOEMB: qc.gather %[[T]], %arg1

// EMB8: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64, scale = array<f32: 3.276800e-01
// EMB8: %[[T:.*]] = qc.constant dense<{{\[\[}}32, -64, 16, 127], [0, 0, 0, 0], [-128, 64, 32, 4]]> : tensor<3x4xi8>
// EMB8: qc.dequantize %[[T]] {axis = 0 : i64, scale = array<f32: {{.*}}>, zero_point = array<i64: 0, 0, 0>}

// EMB4: error: qc-weight-only: 4-bit weights need a group size

// BAD: error: qc-weight-only: clip must be 'minmax' or 'mse', got 'l1'
