// The xnnpack quantizer (PyTorch 1.13's symmetric qnnpack / XNNPACK
// configuration): s8 affine activations [-128, 127] with the histogram
// observer, s8 symmetric weights [-127, 127], both with eps 2^-12; per-channel
// weights by default; fixed qparams in s8.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=xnnpack" | FileCheck %s \
// RUN:   -DACT='#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "histogram", observer_options = {eps = 2.44140625E-4 : f64}>' \
// RUN:   -DW='#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax", observer_options = {eps = 2.44140625E-4 : f64}>' \
// RUN:   -DBIAS='#qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>'
// per_channel=0: per-tensor weights, per-tensor bias.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=xnnpack,per_channel=0" | FileCheck %s --check-prefix=PT
// Dynamic mode: only linear / matmul with a constant weight; activations
// dynamic (min/max of each tensor at run time), bias and output float.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=xnnpack,dynamic=1" | FileCheck %s --check-prefix=DYN \
// RUN:   -DDYN='#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax", observer_options = {eps = 2.44140625E-4 : f64}, dynamic = true>' \
// RUN:   -DW='#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax", observer_options = {eps = 2.44140625E-4 : f64}>'

// CHECK-LABEL: func.func @conv_relu
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.annotated_by = "xnnpack", qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// PT-LABEL:   func.func @conv_relu
// PT:         qc.conv2d
// PT-SAME:      #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax", observer_options = {eps = 2.44140625E-4 : f64}>, #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>]
// DYN-LABEL:  func.func @conv_relu
// DYN-NOT:    qc.annotated_by
// DYN:        return
func.func @conv_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @linear_relu
// CHECK:      qc.linear
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// DYN-LABEL:  func.func @linear_relu
// DYN:        qc.linear
// DYN-SAME:     qc.input_specs = {{\[}}[[DYN]], [[W]], unit], qc.output_specs = [unit]
// DYN-NEXT:   qc.relu %{{[0-9]+}} : tensor<2x8xf32>
func.func @linear_relu(%x: tensor<2x16xf32>) -> tensor<2x8xf32> {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  %b = qc.constant dense<0.1> : tensor<8xf32>
  %l = qc.linear %x, %w, %b : (tensor<2x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = qc.relu %l : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// DYN-LABEL:  func.func @matmul
// DYN:        qc.matmul
// DYN-SAME:     qc.input_specs = {{\[}}[[DYN]], #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax", observer_options = {eps = 2.44140625E-4 : f64}>], qc.output_specs = [unit]
// Two activations: no weight, nothing to quantize dynamically.
// DYN-NEXT:   qc.matmul %{{[0-9]+}}, %{{.*}} : (
// CHECK-LABEL: func.func @matmul
// CHECK:      qc.matmul
// CHECK-SAME:   qc.output_specs = {{\[}}[[ACT]]]
// Two activations: the rhs s8 symmetric per tensor in [-127, 127]
// (int8_attention=1, the default).
// CHECK-NEXT: qc.matmul
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax", observer_options = {eps = 2.44140625E-4 : f64}>], qc.output_specs = {{\[}}[[ACT]]]
func.func @matmul(%x: tensor<4x16xf32>, %y: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %w = qc.constant dense<0.5> : tensor<16x6xf32>
  %m = qc.matmul %x, %w : (tensor<4x16xf32>, tensor<16x6xf32>) -> tensor<4x6xf32>
  %m2 = qc.matmul %m, %y : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %m2 : tensor<4x5xf32>
}

// -----

// CHECK-LABEL: func.func @add_concat_pool
// CHECK:      qc.add
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[ACT]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.concat
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.shared<input = 0>], qc.output_specs = [#qc.shared<input = 0>]
// CHECK-NEXT: qc.max_pool2d
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.shared<input = 0>]
// DYN-LABEL:  func.func @add_concat_pool
// DYN-NOT:    qc.annotated_by
// DYN:        return
func.func @add_concat_pool(%x: tensor<1x2x4x4xf32>, %y: tensor<1x2x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %a = qc.add %x, %y : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = qc.relu %a : tensor<1x2x4x4xf32>
  %c = qc.concat %r, %y {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = qc.max_pool2d %c {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
  return %p : tensor<1x4x2x2xf32>
}

// -----

// s8 fixed qparams: the u8 values shifted by -128.
// CHECK-LABEL: func.func @fixed
// CHECK:      qc.sigmoid
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = -128, dtype = i8, quant_min = -128, quant_max = 127>]
// CHECK-NEXT: qc.softmax
// CHECK-SAME:   qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = -128, dtype = i8, quant_min = -128, quant_max = 127>]
// CHECK-NEXT: qc.tanh
// CHECK-SAME:   qc.output_specs = [#qc.fixed<scale = 7.812500e-03 : f32, zero_point = 0, dtype = i8, quant_min = -128, quant_max = 127>]
func.func @fixed(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  %m = qc.softmax %x {axis = -1 : i64} : tensor<1x8xf32>
  %t = qc.tanh %x : tensor<1x8xf32>
  return %s, %m, %t : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// CHECK-LABEL: func.func @float_fallback
// CHECK-NOT:  qc.annotated_by
// CHECK:      return
func.func @float_fallback(%x: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %g = qc.constant dense<1.0> : tensor<64xf32>
  %ln = qc.layer_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %e = qc.erf %ln : tensor<1x16x64xf32>
  return %e : tensor<1x16x64xf32>
}
