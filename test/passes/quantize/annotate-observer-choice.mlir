// Observer choice per node through the option selectors: act_observer=mse,
// act_observer=percentile with percentile=P (global and per node), and the
// errors for a percentile outside (0, 100].
// RUN: qc-opt %s --mlir-print-debuginfo --mlir-print-local-scope --qc-annotate='quantizer=x86,act_observer=mse,act_observer[/features\.[12]/]=percentile,percentile=99.9,percentile[features.2]=99.5,act_observer[classifier.fc]=entropy' | FileCheck %s
// RUN: not qc-opt %s --qc-annotate='quantizer=x86,act_observer=percentile,percentile=150' 2>&1 | FileCheck %s --check-prefix=GLOBAL
// RUN: not qc-opt %s --qc-annotate='quantizer=xnnpack,act_observer=percentile,percentile[features.1]=0' 2>&1 | FileCheck %s --check-prefix=NODE
// RUN: not qc-opt %s --qc-annotate='quantizer=x86,percentile=abc' 2>&1 | FileCheck %s --check-prefix=NUMBER

// CHECK:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "mse">
// CHECK-SAME:   loc("features.0")
// CHECK:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "percentile", observer_options = {percentile = 9.990000e+01 : f64}>
// CHECK-SAME:   loc("features.1")
// CHECK:      qc.conv2d {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "percentile", observer_options = {percentile = 9.950000e+01 : f64}>
// CHECK-SAME:   loc("features.2")
// CHECK:      qc.linear {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "entropy">
// CHECK-SAME:   loc("classifier.fc")

// GLOBAL: quantizer 'x86': option 'percentile' must be in (0, 100], got '150'
// NODE: percentile observer: percentile must be in (0, 100], got 0
// NUMBER: quantizer 'x86': option 'percentile' expects a number, got 'abc'
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
