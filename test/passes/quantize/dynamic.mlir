// Dynamic quantization (PyTorch's quantize_dynamic / is_dynamic specs):
// qc-prepare puts no observer on a dynamic activation edge (the weight keeps
// its static observer) and leaves the dynamic spec on the op; qc-convert makes
// it a qc.dynamic_fake_quant (qparams from each run's min / max) before the
// op. Calibration needs no data when only weights are observed.
// RUN: qc-opt %s --split-input-file --qc-prepare | FileCheck %s --check-prefix=PREP
// RUN: qc-opt %s --split-input-file --qc-prepare --qc-calibrate --qc-convert | FileCheck %s --check-prefix=CONV
// The built-in quantizers, whole flow without data: x86 uses 7-bit [0, 127]
// activations (PyTorch's x86 dynamic linear uses reduce_range), xnnpack s8.
// RUN: qc-opt %s --split-input-file --qc-ptq="quantizer=x86,dynamic=1" | FileCheck %s --check-prefix=X86
// RUN: qc-opt %s --split-input-file --qc-ptq="quantizer=xnnpack,dynamic=1" | FileCheck %s --check-prefix=XNN
// dynamic_reduce_range=0: x86 with u8 [0, 255] (PyTorch's QNNPACK dynamic linear).
// RUN: qc-opt %s --split-input-file --qc-ptq="quantizer=x86,dynamic=1,dynamic_reduce_range=0" | FileCheck %s --check-prefix=FULL

#dyn = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "minmax", dynamic = true>
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">
// PREP-LABEL: func.func @linear
// PREP:      %[[W:.*]] = qc.constant
// PREP-NEXT: %[[OW:.*]] = qc.observe %[[W]] {id = 0 : i64
// PREP-NOT:  qc.observe
// PREP:      qc.linear %arg0, %[[OW]], %{{.*}} {qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "minmax", dynamic = true>, unit, unit]}
// CONV-LABEL: func.func @linear
// CONV-NOT:   qc.observe
// CONV-DAG:   %[[WQ:.*]] = qc.constant dense<{{\[}}[127, -64, 32, 0], [127, 16, 8, -64]]> : tensor<2x4xi8>
// CONV-DAG:   %[[WD:.*]] = qc.dequantize %[[WQ]] {axis = 0 : i64, scale = array<f32: 0.0157480314, 0.0314960629>, zero_point = array<i64: 0, 0>}
// CONV-DAG:   %[[X:.*]] = qc.dynamic_fake_quant %arg0 {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<1x4xf32>
// CONV:       qc.linear %[[X]], %[[WD]], %{{.*}} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CONV-NOT:   qc.input_specs
func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[2.0, -1.0, 0.5, 0.0], [4.0, 0.5, 0.25, -2.0]]> : tensor<2x4xf32>
  %b = qc.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %y = qc.linear %x, %w, %b {qc.input_specs = [#dyn, #w, unit]} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Two consumers of one value with the same dynamic spec share one
// qc.dynamic_fake_quant; the matmul weight is per channel along its last axis.
#dyn = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax", dynamic = true>
#w = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax">
// CONV-LABEL: func.func @shared_matmul
// CONV:       %[[X:.*]] = qc.dynamic_fake_quant %arg0 {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<3x4xf32>
// CONV-NOT:   qc.dynamic_fake_quant
// CONV:       qc.matmul %[[X]], %{{.*}}
// CONV:       qc.matmul %[[X]], %{{.*}}
func.func @shared_matmul(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = qc.constant dense<[[1.0, -1.0], [0.5, 2.0], [0.25, 0.0], [-1.0, 1.0]]> : tensor<4x2xf32>
  %a = qc.matmul %x, %w {qc.input_specs = [#dyn, #w]} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %b = qc.matmul %x, %w {qc.input_specs = [#dyn, #w]} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %a, %b : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// The built-in quantizers on an unannotated function. x86: u8 [0, 127]
// activations, s8 [-128, 127] per-channel weights (scale max|w| / 127.5);
// xnnpack: s8 [-128, 127] activations, s8 [-127, 127] weights. The bias and
// the output stay float, no observer is left.
// X86-LABEL: func.func @plain_linear
// X86-NOT:   qc.observe
// X86-DAG:   qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 0.0156862754, 0.0313725509>, zero_point = array<i64: 0, 0>}
// X86-DAG:   %[[X:.*]] = qc.dynamic_fake_quant %arg0 {dtype = ui8, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<1x4xf32>
// X86:       qc.linear %[[X]], %{{.*}}, %{{.*}} {qc.annotated_by = "x86"}
// X86-NOT:   qc.quantize
// FULL-LABEL: func.func @plain_linear
// FULL:       qc.dynamic_fake_quant %arg0 {dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<1x4xf32>
// XNN-LABEL: func.func @plain_linear
// XNN-NOT:   qc.observe
// XNN-DAG:   qc.constant dense<{{\[}}[127, -64, 32, 0], [127, 16, 8, -64]]> : tensor<2x4xi8>
// XNN-DAG:   %[[X:.*]] = qc.dynamic_fake_quant %arg0 {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<1x4xf32>
// XNN:       qc.linear %[[X]], %{{.*}}, %{{.*}} {qc.annotated_by = "xnnpack"}
// XNN-NOT:   qc.quantize
func.func @plain_linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[2.0, -1.0, 0.5, 0.0], [4.0, 0.5, 0.25, -2.0]]> : tensor<2x4xf32>
  %b = qc.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %y = qc.linear %x, %w, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
