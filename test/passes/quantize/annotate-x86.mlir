// The x86 quantizer's patterns (defaults: u8 affine activations with the
// histogram observer, s8 symmetric per-channel weights in [-128, 127], s32
// derived bias). Fused units observe only the last op's output.
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86" | FileCheck %s \
// RUN:   -DACT='#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">' \
// RUN:   -DW='#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">' \
// RUN:   -DBIAS='#qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647, axis = 0>'
// RUN: qc-opt %s --split-input-file --qc-annotate="quantizer=x86,int8_attention=0" | FileCheck %s --check-prefix=NOATT \
// RUN:   -DACT='#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "histogram">'

// CHECK-LABEL: func.func @conv_relu
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.annotated_by = "x86", qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.annotated_by = "x86", qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NOT:  qc.annotated_by
func.func @conv_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// relu6 and hardtanh arrive as qc.clamp; both fuse.
// CHECK-LABEL: func.func @conv_clamp
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.output_specs = [unit]
// CHECK-NEXT: qc.clamp
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.output_specs = [unit]
// CHECK-NEXT: qc.clamp
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
func.func @conv_clamp(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r6 = qc.clamp %c {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x4x8x8xf32>
  %c2 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %ht = qc.clamp %c2 {max = 1.0 : f32, min = -1.0 : f32} : tensor<1x4x8x8xf32>
  return %r6, %ht : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// -----

// hardswish is not fused with the conv: the conv's output is observed, and
// so is the hardswish's (it becomes a table lookup after lowering).
// CHECK-LABEL: func.func @conv_hardswish_no_bias
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[W]]], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.hardswish
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = {{\[}}[[ACT]]]
func.func @conv_hardswish_no_bias(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %h = qc.hardswish %c : tensor<1x4x8x8xf32>
  return %h : tensor<1x4x8x8xf32>
}

// -----

// A conv whose output has two users is not fused: its output is observed,
// and the relu (a share-qparams op, as in PyTorch) shares it.
// CHECK-LABEL: func.func @conv_two_users
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.shared<input = 0>]
// CHECK-NEXT: qc.add
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[ACT]]], qc.output_specs = {{\[}}[[ACT]]]
func.func @conv_two_users(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  %a = qc.add %c, %r : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %a : tensor<1x4x8x8xf32>
}

// -----

// Depthwise: per channel along the weight's output-channel axis 0.
// CHECK-LABEL: func.func @depthwise
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = {{\[}}[[ACT]]]
func.func @depthwise(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x1x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %c : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @linear_relu
// CHECK:      qc.linear
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// A linear followed by a clamp is not a linear pattern: the clamp shares.
// CHECK:      qc.linear
// CHECK-SAME:   qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.clamp
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.shared<input = 0>]
func.func @linear_relu(%x: tensor<2x16xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = qc.constant dense<0.5> : tensor<8x16xf32>
  %b = qc.constant dense<0.1> : tensor<8xf32>
  %l = qc.linear %x, %w, %b : (tensor<2x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = qc.relu %l : tensor<2x8xf32>
  %l2 = qc.linear %x, %w, %b : (tensor<2x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %c = qc.clamp %l2 {max = 6.0 : f32, min = 0.0 : f32} : tensor<2x8xf32>
  return %r, %c : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// A constant matmul operand is a weight: rhs [K, N] per channel along N;
// two activations (attention-style): the rhs s8 symmetric per tensor in the
// weight range, observed with minmax (int8_attention=1, the default;
// qc-lower-to-integer makes it a qc.qmatmul), + relu fused.
// CHECK-LABEL: func.func @matmul
// CHECK:      qc.matmul
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax">], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.matmul
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// int8_attention=0: both inputs take the activation spec.
// NOATT-LABEL: func.func @matmul
// NOATT:      qc.matmul
// NOATT-NEXT: qc.matmul
// NOATT-SAME:   qc.input_specs = {{\[}}[[ACT]], [[ACT]]], qc.output_specs = [unit]
func.func @matmul(%x: tensor<2x4x16xf32>, %y: tensor<2x6x5xf32>) -> tensor<2x4x5xf32> {
  %w = qc.constant dense<0.5> : tensor<16x6xf32>
  %m = qc.matmul %x, %w : (tensor<2x4x16xf32>, tensor<16x6xf32>) -> tensor<2x4x6xf32>
  %m2 = qc.matmul %m, %y : (tensor<2x4x6xf32>, tensor<2x6x5xf32>) -> tensor<2x4x5xf32>
  %r = qc.relu %m2 : tensor<2x4x5xf32>
  return %r : tensor<2x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @add_relu_mul
// CHECK:      qc.add
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[ACT]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.mul
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], [[ACT]]], qc.output_specs = {{\[}}[[ACT]]]
func.func @add_relu_mul(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %a = qc.add %x, %y : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = qc.relu %a : tensor<1x8xf32>
  %m = qc.mul %r, %y : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %m : tensor<1x8xf32>
}

// -----

// concat: every input and the output share input 0's qparams.
// CHECK-LABEL: func.func @concat
// CHECK:      qc.concat
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.shared<input = 0>, #qc.shared<input = 0>], qc.output_specs = [#qc.shared<input = 0>]
// A concat of float values stays float.
// CHECK-NEXT: qc.concat %{{.*}} {axis = 1 : i64} :
func.func @concat(%x: tensor<1x2x4xf32>, %y: tensor<1x2x4xf32>) -> (tensor<1x6x4xf32>, tensor<1x4x4xf32>) {
  %a = qc.add %x, %y : (tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %c = qc.concat %a, %x, %a {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x6x4xf32>
  %f = qc.concat %x, %y {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x4x4xf32>
  return %c, %f : tensor<1x6x4xf32>, tensor<1x4x4xf32>
}

// -----

// Share-qparams ops after a quantized value take its spec on the input and
// share it on the output; pad only with a constant 0.
// CHECK-LABEL: func.func @shared_ops
// CHECK-COUNT-8: qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.shared<input = 0>]
// CHECK-NEXT: qc.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.000000e+00 : f32} :
func.func @shared_ops(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x10x10xf32>) {
  %a = qc.add %x, %y : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %mp = qc.max_pool2d %a {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %ap = qc.avg_pool2d %mp {ceil_mode = false, count_include_pad = false, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %rs = qc.reshape %ap {shape = array<i64: 1, 4, 16>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x16xf32>
  %tr = qc.transpose %rs {perm = array<i64: 0, 2, 1>} : (tensor<1x4x16xf32>) -> tensor<1x16x4xf32>
  %sl = qc.slice %tr {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<1x16x4xf32>) -> tensor<1x4x4xf32>
  %gp = qc.global_avg_pool2d %a : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  %fl = qc.flatten %gp {axis = 1 : i64} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %p0 = qc.pad %a {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x10x10xf32>
  %p1 = qc.pad %a {mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x10x10xf32>
  %s = qc.add %p0, %p1 : (tensor<1x4x10x10xf32>, tensor<1x4x10x10xf32>) -> tensor<1x4x10x10xf32>
  return %mp, %sl, %gp, %s : tensor<1x4x4x4xf32>, tensor<1x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x10x10xf32>
}

// -----

// Fixed qparams (PyTorch's fixed-qparams observers): sigmoid, hardsigmoid,
// softmax 1/256 with zero point 0; tanh 2/256 with zero point 128.
// CHECK-LABEL: func.func @fixed
// CHECK:      qc.sigmoid
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]]], qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]
// CHECK-NEXT: qc.hardsigmoid
// CHECK-SAME:   qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]
// CHECK-NEXT: qc.softmax
// CHECK-SAME:   qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]
// CHECK-NEXT: qc.tanh
// CHECK-SAME:   qc.output_specs = [#qc.fixed<scale = 7.812500e-03 : f32, zero_point = 128, dtype = ui8, quant_min = 0, quant_max = 255>]
func.func @fixed(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  %h = qc.hardsigmoid %x {alpha = 0.166666672 : f32, beta = 5.0e-01 : f32} : tensor<1x8xf32>
  %m = qc.softmax %x {axis = -1 : i64} : tensor<1x8xf32>
  %t = qc.tanh %x : tensor<1x8xf32>
  return %s, %h, %m, %t : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// An add read only by a softmax (scores + a causal mask of -1e4 where
// attention is masked): one scale over the sum would crush the unmasked
// scores, so the add stays float and the softmax takes a float input; its
// output is quantized as usual. The same add feeding anything else is
// quantized.
// CHECK-LABEL: func.func @softmax_mask
// CHECK:      %[[A:.*]] = qc.add %arg0, %{{[0-9]+}} : (tensor
// CHECK-NOT:    qc.input_specs
// CHECK-NEXT: qc.softmax %[[A]]
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = [#qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8, quant_min = 0, quant_max = 255>]
// CHECK-NEXT: qc.add %arg0, %{{[0-9]+}} {qc.annotated_by = "x86"
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.spec
func.func @softmax_mask(%x: tensor<1x4x4xf32>) -> (tensor<1x4x4xf32>, tensor<1x4x4xf32>) {
  %mask = qc.constant dense<[[0.0, -1.0e4, -1.0e4, -1.0e4], [0.0, 0.0, -1.0e4, -1.0e4], [0.0, 0.0, 0.0, -1.0e4], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %a = qc.add %x, %mask : (tensor<1x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4xf32>
  %s = qc.softmax %a {axis = -1 : i64} : tensor<1x4x4xf32>
  %b = qc.add %x, %mask : (tensor<1x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4xf32>
  return %s, %b : tensor<1x4x4xf32>, tensor<1x4x4xf32>
}

// -----

// No pattern for these: they stay float (prepare / convert keep them in
// float between dequantize and quantize).
// CHECK-LABEL: func.func @float_fallback
// CHECK-NOT: qc.annotated_by
// CHECK:     return
func.func @float_fallback(%x: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %g = qc.constant dense<1.0> : tensor<64xf32>
  %b = qc.constant dense<0.0> : tensor<64xf32>
  %ln = qc.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %e = qc.erf %ln : tensor<1x16x64xf32>
  %ge = qc.gelu %e {approximate = "none"} : tensor<1x16x64xf32>
  %s = qc.sub %ge, %x : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %r = qc.reshape %s {shape = array<i64: 1, 16, 64>} : (tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %r : tensor<1x16x64xf32>
}

// -----

// transformForAnnotation folds the BatchNorm first, so conv + relu fuse and
// the weight observer sees the folded weights.
// CHECK-LABEL: func.func @conv_bn_relu
// CHECK-NOT:  qc.batch_norm
// CHECK:      qc.conv2d
// CHECK-SAME:   qc.output_specs = [unit]
// CHECK-NOT:  qc.batch_norm
// CHECK:      qc.relu
// CHECK-SAME:   qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
func.func @conv_bn_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %g = qc.constant dense<2.0> : tensor<4xf32>
  %be = qc.constant dense<0.5> : tensor<4xf32>
  %m = qc.constant dense<0.1> : tensor<4xf32>
  %v = qc.constant dense<1.0> : tensor<4xf32>
  %bn = qc.batch_norm %c, %g, %be, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %bn : tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// conv_transpose2d: weight [C_in, C_out, kh, kw] per channel along 1.
// CHECK-LABEL: func.func @conv_transpose
// CHECK:      qc.conv_transpose2d
// CHECK-SAME:   qc.input_specs = {{\[}}[[ACT]], #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, axis = 1, observer = "per_channel_minmax">, [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
func.func @conv_transpose(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x8x8xf32> {
  %w = qc.constant dense<0.5> : tensor<4x2x2x2xf32>
  %b = qc.constant dense<0.1> : tensor<2xf32>
  %y = qc.conv_transpose2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  %r = qc.relu %y : tensor<1x2x8x8xf32>
  return %r : tensor<1x2x8x8xf32>
}
