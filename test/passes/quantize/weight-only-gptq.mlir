// qc-weight-only method=gptq on Inputs/gptq.mlir (a linear [3, 4] and a
// matmul by a constant [3, 2], int4 symmetric groups of 2): the Hessians of
// the linear's input (8 rows of correlated features) and of the matmul's
// (the linear's float output) are measured on the calibration data, then each
// weight is quantized column by column with the rounding error fed forward.
// Expected values from Inputs/gptq_reference.py (numpy, independent of qc);
// six integers differ from round-to-nearest (RTN below), and with act-order
// the linear's columns go in the order 1, 0, 3, 2 with the scales of the
// unmodified weights.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/gptq_reference.py --write-data %t/x.npy
// RUN: qc-opt %S/Inputs/gptq.mlir --qc-weight-only="bits=4 group-size=2 method=gptq data=%t/x.npy" | FileCheck %s --check-prefix=GPTQ
// RUN: qc-opt %S/Inputs/gptq.mlir --qc-weight-only="bits=4 group-size=2 method=gptq act-order=true data=%t/x.npy" | FileCheck %s --check-prefix=ACT
// RUN: qc-opt %S/Inputs/gptq.mlir --qc-weight-only="bits=4 group-size=2" | FileCheck %s --check-prefix=RTN
// The built-in quantizer's option reaches the pass with qc-annotate's data.
// RUN: qc-opt %S/Inputs/gptq.mlir --qc-annotate="quantizer=x86,weight_only=int4,group_size=32,weight_only_method=gptq_act_order,weight_only_clip=minmax data=%t/x.npy" | FileCheck %s --check-prefix=QUANTIZER

// GPTQ-LABEL: func.func @main
// GPTQ: %[[Q:.*]] = qc.constant dense<{{\[\[}}7, -5, 2, 7], [-7, 4, 6, -7], [7, 5, -8, 5]]> : tensor<3x4xi8>
// GPTQ: %[[W:.*]] = qc.dequantize %[[Q]] {axis = 1 : i64, block_size = 2 : i64, scale = array<f32: 0.0666666701, 0.115255386, 0.13333334, 0.0295532662, 1.000000e-01, 0.0744695291>, zero_point = array<i64: 0, 0, 0, 0, 0, 0>}
// GPTQ: qc.linear %arg0, %[[W]]
// GPTQ: %[[Q2:.*]] = qc.constant dense<{{\[\[}}7, -7], [3, 6], [-8, 7]]> : tensor<3x2xi8>
// GPTQ: %[[W2:.*]] = qc.dequantize %[[Q2]] {axis = 0 : i64, block_size = 2 : i64, scale = array<f32: 0.0666666701, 0.13333334, 0.116968155, 0.0164950322>, zero_point = array<i64: 0, 0, 0, 0>}
// GPTQ: qc.matmul %{{.*}}, %[[W2]]
// GPTQ-NOT: qc.observe

// ACT-LABEL: func.func @main
// ACT: qc.constant dense<{{\[\[}}7, -6, 2, 7], [-8, 5, 5, -7], [7, 5, -7, 5]]> : tensor<3x4xi8>
// ACT: scale = array<f32: 0.0666666701, 0.116666667, 0.13333334, 0.0333333351, 1.000000e-01, 0.0833333358>
// ACT: qc.constant dense<{{\[\[}}7, -7], [2, 6], [-8, 7]]> : tensor<3x2xi8>
// ACT: scale = array<f32: 0.0666666701, 0.13333334, 0.116666667, 0.0166666675>

// RTN-LABEL: func.func @main
// RTN: qc.constant dense<{{\[\[}}7, -6, 2, 7], [-7, 5, 4, -7], [7, 5, -8, 4]]> : tensor<3x4xi8>
// RTN: qc.constant dense<{{\[\[}}7, -7], [4, 6], [-8, 7]]> : tensor<3x2xi8>

// A group of 32 spans all of K = 4: one scale per row; the act-order integers.
// QUANTIZER-LABEL: func.func @main
// QUANTIZER: qc.constant dense<{{\[\[}}4, -3, 2, 7], [-8, 5, 1, -2], [7, 5, -6, 4]]> : tensor<3x4xi8>
// QUANTIZER: qc.dequantize %{{.*}} {axis = 1 : i64, block_size = 32 : i64, scale = array<f32: 0.116666667, 0.13333334, 1.000000e-01>
// QUANTIZER-NOT: qc.observe
