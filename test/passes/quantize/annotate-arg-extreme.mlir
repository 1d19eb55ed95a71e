// ArgMax / ArgMin (and reduce_max / reduce_min, last case) in both built-in
// quantizers: a quantized ArgMax input keeps its
// producer's spec (the int64 result has no spec, it is not quantized); a
// float input (here the graph input) leaves the op unannotated.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86" | FileCheck %s \
// RUN:   -DACT='#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram"'
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=xnnpack" | FileCheck %s \
// RUN:   -DACT='#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "histogram"'

// CHECK-LABEL: func.func @head
// CHECK:      qc.linear
// CHECK-SAME:   qc.output_specs = {{\[}}[[ACT]]
// CHECK-NEXT: qc.arg_max
// CHECK-SAME:   qc.annotated_by = "{{x86|xnnpack}}", qc.input_specs = {{\[}}[[ACT]]{{.*}}], qc.output_specs = [unit]
// CHECK-NEXT: qc.arg_min
// CHECK-NOT:    qc.input_specs
// CHECK:      return
func.func @head(%x: tensor<2x16xf32>) -> (tensor<2xi64>, tensor<1x16xi64>) {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  %b = qc.constant dense<0.1> : tensor<8xf32>
  %l = qc.linear %x, %w, %b : (tensor<2x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %i = qc.arg_max %l {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x8xf32>) -> tensor<2xi64>
  %j = qc.arg_min %x {axis = 0 : i64, keepdims = true, select_last_index = false} : (tensor<2x16xf32>) -> tensor<1x16xi64>
  return %i, %j : tensor<2xi64>, tensor<1x16xi64>
}

// -----

// reduce_max / reduce_min share their quantized input's qparams (as
// max_pool2d); after a float input they stay float.
// CHECK-LABEL: func.func @extremes
// CHECK:      qc.linear
// CHECK-NEXT: qc.reduce_max
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]{{.*}}], qc.output_specs = [#qc.shared<input = 0>]
// CHECK-NEXT: qc.reduce_min
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]{{.*}}], qc.output_specs = [#qc.shared<input = 0>]
// CHECK-NEXT: qc.reduce_max
// CHECK-NOT:    qc.input_specs
// CHECK:      return
func.func @extremes(%x: tensor<2x16xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  %b = qc.constant dense<0.1> : tensor<8xf32>
  %l = qc.linear %x, %w, %b : (tensor<2x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %m = qc.reduce_max %l {axes = array<i64: 1>, keepdims = false} : (tensor<2x8xf32>) -> tensor<2xf32>
  %n = qc.reduce_min %l {axes = array<i64: 1>, keepdims = false} : (tensor<2x8xf32>) -> tensor<2xf32>
  %o = qc.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x16xf32>) -> tensor<2xf32>
  return %m, %n, %o : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
