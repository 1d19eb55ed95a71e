// Global options, per-node overrides (exact name > /regex/ > op:TYPE >
// global) and keep_float, on node names carried by locations (as the ONNX
// importer sets them).
// RUN: qc-opt %s --mlir-print-debuginfo --mlir-print-local-scope --qc-annotate="quantizer=x86,per_channel=0,reduce_range=1,act_observer=moving_average" | FileCheck %s --check-prefix=GLOBAL
// RUN: qc-opt %s --mlir-print-debuginfo --mlir-print-local-scope --qc-annotate='quantizer=x86,per_channel[op:linear]=0,act_observer[/features\..*/]=minmax,act_observer[features.2]=entropy' | FileCheck %s --check-prefix=OVERRIDE
// RUN: qc-opt %s --mlir-print-debuginfo --mlir-print-local-scope --qc-annotate="quantizer=x86,keep_float=/classifier.*/,keep_float=features.1" | FileCheck %s --check-prefix=KEEP
// RUN: qc-opt %s --mlir-print-debuginfo --mlir-print-local-scope --qc-annotate="quantizer=xnnpack,keep_float=op:conv2d" | FileCheck %s --check-prefix=KEEPOP

// GLOBAL:      qc.conv2d
// GLOBAL-SAME:   qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "moving_average_minmax">, #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>]
// GLOBAL:      qc.sigmoid
// GLOBAL-SAME:   qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]

// OVERRIDE:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">, #qc.spec<{{.*}}axis = 0, observer = "per_channel_minmax">
// OVERRIDE-SAME:   loc("features.0")
// OVERRIDE:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">
// OVERRIDE-SAME:   loc("features.1")
// OVERRIDE:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "entropy">
// OVERRIDE-SAME:   loc("features.2")
// OVERRIDE:      qc.linear {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">, #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">
// OVERRIDE-SAME:   loc("classifier.fc")

// KEEP:      qc.conv2d {{.*}}qc.annotated_by = "x86"{{.*}}loc("features.0")
// KEEP:      qc.conv2d
// KEEP-NOT:    qc.annotated_by
// KEEP-SAME:   loc("features.1")
// KEEP:      qc.conv2d {{.*}}qc.annotated_by = "x86"{{.*}}loc("features.2")
// KEEP:      qc.linear
// KEEP-NOT:    qc.annotated_by
// KEEP-SAME:   loc("classifier.fc")
// The sigmoid after the float classifier is still quantized (fixed qparams).
// KEEP:      qc.sigmoid {{.*}}qc.annotated_by = "x86"

// KEEPOP-COUNT-3: qc.conv2d %{{[^{]*}}{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} :
// KEEPOP:         qc.linear {{.*}}qc.annotated_by = "xnnpack"
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("features.0")
  %c1 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("features.1")
  %c2 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("features.2")
  %a = qc.add %c0, %c1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("add")
  %a2 = qc.add %a, %c2 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("add2")
  %f = qc.flatten %a2 {axis = 1 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x256xf32> loc("flatten")
  %lw = qc.constant dense<0.5> : tensor<10x256xf32>
  %l = qc.linear %f, %lw : (tensor<1x256xf32>, tensor<10x256xf32>) -> tensor<1x10xf32> loc("classifier.fc")
  %s = qc.sigmoid %l : tensor<1x10xf32> loc("head_act")
  return %s : tensor<1x10xf32>
}
