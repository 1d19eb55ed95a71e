// act_dtype[NAME]=int16: the selected op's activation specs (its inputs and,
// for a fused unit, the unit's output) become symmetric int16 with the
// node's observer; the weight stays s8 and the bias s32; the next op keeps
// the backend's u8, and a max pool after an int16 op shares its spec.
// Dynamic specs stay 8-bit.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86,act_dtype[c16]=int16,act_observer[c16]=minmax" | FileCheck %s \
// RUN:   -DA16='#qc.spec<dtype = i16, quant_min = -32768, quant_max = 32767, symmetric = true, observer = "minmax">' \
// RUN:   -DACT='#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">'
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86,dynamic=1,act_dtype=int16" | FileCheck %s --check-prefix=DYN

// CHECK-LABEL: func.func @conv16
// CHECK:      qc.conv2d {{.*}} qc.input_specs = {{\[}}[[A16]], #qc.spec<dtype = i8
// CHECK-NEXT: qc.relu {{.*}} qc.output_specs = {{\[}}[[A16]]]
// CHECK-NEXT: qc.max_pool2d {{.*}} qc.input_specs = {{\[}}[[A16]]], qc.output_specs = [#qc.shared<input = 0>]
// CHECK:      qc.conv2d {{.*}} qc.input_specs = {{\[}}[[ACT]], #qc.spec<dtype = i8
func.func @conv16(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("c16")
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  %p = qc.max_pool2d %r {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %w2 = qc.constant dense<0.25> : tensor<4x4x1x1xf32>
  %d = qc.conv2d %p, %w2 {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32> loc("c8")
  return %d : tensor<1x4x4x4xf32>
}

// -----

// DYN-LABEL: func.func @dynamic_linear
// DYN: qc.linear {{.*}} qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "minmax", dynamic = true>
func.func @dynamic_linear(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = qc.constant dense<0.5> : tensor<3x4xf32>
  %y = qc.linear %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}
