// One case per user-facing error of the qc ops' shape rules (QCShapes.cpp)
// and of their generic inference entry point (QCOps.h). Where the result type
// is written out, the verifier reports the rule's message and then MLIR's
// "failed to infer returned types"; where the custom form infers the result
// (clamp, gelu, softmax, ...), the parser reports the rule's message alone.
// RUN: qc-opt %s -split-input-file -verify-diagnostics

func.func @conv_ranks(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op expects a 4-D NCHW input and a 4-D OIHW weight, got ranks 3 and 4}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_groups_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op groups must be positive, got 0}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_out_channels_not_multiple_of_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op weight has 6 output channels, not a multiple of groups 4}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_channel_group_mismatch(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op input has 4 channels but the weight expects 3 per group x 2 groups = 6}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_dynamic_kernel(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x?x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op weight must have a static kernel size}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x?x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_pads_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op 'pads' must have 4 entries, got 2}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_strides_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op 'strides' must have 2 entries, got 3}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op 'strides' entries must be positive, got 0}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op 'pads' entries must be non-negative, got -1}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, -1, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_dilation_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op 'dilations' entries must be positive, got 0}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 0, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_bias_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error@+2 {{'qc.conv2d' op bias has 5 entries, expected 4}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) {
  // expected-error@+2 {{'qc.conv2d' op bias must be 1-D, got rank 2}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_window_does_not_fit(%x: tensor<1x3x4x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op height window of 3 (dilation 2, spanning 5) does not fit in the input height 4 padded by 0 + 0}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 2, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x4x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_result_contradicts_inferred(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_transpose_ranks(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op expects a 4-D NCHW input and a 4-D weight, got ranks 4 and 3}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x4x4x4xf32>, %w: tensor<3x2x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op input has 4 channels but the [C_in, C_out/groups, kH, kW] weight has 3}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<3x2x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_groups(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op weight has 4 input channels, not a multiple of groups 3}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 3 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_output_padding_size(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op 'output_padding' must have 2 entries, got 1}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_negative_output_padding(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op 'output_padding' entries must be non-negative, got -1}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, -1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_no_output(%x: tensor<1x4x1x4xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op pads 1 + 1 leave no output in the height (size 0)}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x1x4xf32>, tensor<4x2x2x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @matmul_rank0(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error@+2 {{'qc.matmul' op operands must have rank >= 1, got ranks 0 and 1}}
  // expected-error@+1 {{'qc.matmul' op failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+2 {{'qc.matmul' op contraction sizes differ: 'tensor<2x3xf32>' has 3 columns, 'tensor<4x5xf32>' has 4 rows}}
  // expected-error@+1 {{'qc.matmul' op failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) {
  // expected-error@+2 {{'qc.matmul' op batch dimensions do not broadcast: [2] vs [5]}}
  // expected-error@+1 {{'qc.matmul' op failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<?x3x6xf32>
  return
}

// -----

func.func @linear_ranks(%x: tensor<2x8xf32>, %w: tensor<4x8x1xf32>) {
  // expected-error@+2 {{'qc.linear' op expects an input of rank >= 1 and a 2-D [N, K] weight, got ranks 2 and 3}}
  // expected-error@+1 {{'qc.linear' op failed to infer returned types}}
  %0 = qc.linear %x, %w : (tensor<2x8xf32>, tensor<4x8x1xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<2x8xf32>, %w: tensor<4x7xf32>) {
  // expected-error@+2 {{'qc.linear' op input has 8 features but weight expects 7}}
  // expected-error@+1 {{'qc.linear' op failed to infer returned types}}
  %0 = qc.linear %x, %w : (tensor<2x8xf32>, tensor<4x7xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error@+2 {{'qc.linear' op bias has 8 entries, expected 4}}
  // expected-error@+1 {{'qc.linear' op failed to infer returned types}}
  %0 = qc.linear %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<8xf32>, %c: tensor<8xf32>) {
  // expected-error@+2 {{'qc.batch_norm' op input must have rank >= 2 (N, C, ...), got rank 1}}
  // expected-error@+1 {{'qc.batch_norm' op failed to infer returned types}}
  %0 = qc.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @batch_norm_stats(%x: tensor<1x8x2x2xf32>, %c: tensor<8xf32>, %v: tensor<4xf32>) {
  // expected-error@+2 {{'qc.batch_norm' op var has 4 entries, expected 8}}
  // expected-error@+1 {{'qc.batch_norm' op failed to infer returned types}}
  %0 = qc.batch_norm %x, %c, %c, %c, %v {epsilon = 1.0e-05 : f32} : (tensor<1x8x2x2xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x16xf32>, %g: tensor<16xf32>) {
  // expected-error@+2 {{'qc.layer_norm' op axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error@+1 {{'qc.layer_norm' op failed to infer returned types}}
  %0 = qc.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x16xf32>, %g: tensor<8xf32>) {
  // expected-error@+2 {{'qc.layer_norm' op scale of shape [8] does not broadcast to the normalized dimensions [16]}}
  // expected-error@+1 {{'qc.layer_norm' op failed to infer returned types}}
  %0 = qc.layer_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x16xf32>, tensor<8xf32>) -> tensor<2x16xf32>
  return
}

// -----

// A bias that would enlarge a size-1 normalized dimension does not fit.
func.func @layer_norm_bias_expands(%x: tensor<2x1xf32>, %g: tensor<1xf32>, %b: tensor<16xf32>) {
  // expected-error@+2 {{'qc.layer_norm' op bias of shape [16] does not broadcast to the normalized dimensions [1]}}
  // expected-error@+1 {{'qc.layer_norm' op failed to infer returned types}}
  %0 = qc.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x1xf32>, tensor<1xf32>, tensor<16xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @clamp_min_above_max(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.clamp' op needs min <= max, got [6.000000, 0.000000]}}
  %0 = qc.clamp %x {max = 0.0 : f32, min = 6.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @clamp_nan(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.clamp' op needs min <= max, got [nan, 1.000000]}}
  %0 = qc.clamp %x {max = 1.0 : f32, min = 0x7FC00000 : f32} : tensor<4xf32>
  return
}

// -----

// The custom-format parser infers the result type; a missing attribute is an
// error, not a crash.
func.func @clamp_missing_attribute(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.clamp' op requires attribute 'max'}}
  %0 = qc.clamp %x {min = 0.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @hardsigmoid_attribute_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.hardsigmoid' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute}}
  %0 = qc.hardsigmoid %x {alpha = 1 : i64, beta = 0.5 : f32} : tensor<4xf32>
  return
}

// -----

func.func @gelu_approximate(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.gelu' op approximate must be "none" or "tanh", got "erf"}}
  %0 = qc.gelu %x {approximate = "erf"} : tensor<4xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'qc.softmax' op axis -3 is out of range for rank 2 (expected -2 <= axis < 2)}}
  %0 = qc.softmax %x {axis = -3 : i64} : tensor<2x4xf32>
  return
}

// -----

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error@+2 {{'qc.add' op operand shapes [2, 3] and [4] do not broadcast (numpy rules: trailing dimensions must be equal or 1)}}
  // expected-error@+1 {{'qc.add' op failed to infer returned types}}
  %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error@+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x1xf32>'}}
  // expected-error@+1 {{'qc.mul' op failed to infer returned types}}
  %0 = qc.mul %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @unary_result_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{requires the same type for all operands and results}}
  %0 = "qc.relu"(%x) : (tensor<4xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @max_pool_rank(%x: tensor<1x8x8xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op expects a 4-D NCHW input, got rank 3}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x8xf32>) -> tensor<1x4x4xf32>
  return
}

// -----

func.func @max_pool_kernel_size(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op 'kernel' must have 2 entries, got 1}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @max_pool_kernel_zero(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op 'kernel' entries must be positive, got 0}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @max_pool_window(%x: tensor<1x1x8x2xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op width window of 3 (dilation 1, spanning 3) does not fit in the input width 2 padded by 0 + 0}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x2xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @max_pool_pad_not_smaller_than_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op width pads 0 + 2 must each be smaller than the kernel 2, or a window could cover only padding}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @avg_pool_pad_not_smaller_than_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.avg_pool2d' op height pads 3 + 0 must each be smaller than the kernel 3, or a window could cover only padding}}
  // expected-error@+1 {{'qc.avg_pool2d' op failed to infer returned types}}
  %0 = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false, kernel = array<i64: 3, 3>, pads = array<i64: 3, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @avg_pool_rank(%x: tensor<8x8xf32>) {
  // expected-error@+2 {{'qc.avg_pool2d' op expects a 4-D NCHW input, got rank 2}}
  // expected-error@+1 {{'qc.avg_pool2d' op failed to infer returned types}}
  %0 = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<8x8xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @avg_pool_strides(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.avg_pool2d' op 'strides' entries must be positive, got -2}}
  // expected-error@+1 {{'qc.avg_pool2d' op failed to infer returned types}}
  %0 = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: -2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @global_avg_pool_result(%x: tensor<1x8x4x4xf32>) {
  // expected-error@+2 {{inferred type(s) 'tensor<1x8x1x1xf32>' are incompatible with return type(s) of operation 'tensor<1x8x4x4xf32>'}}
  // expected-error@+1 {{'qc.global_avg_pool2d' op failed to infer returned types}}
  %0 = qc.global_avg_pool2d %x : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @reduce_mean_axis(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.reduce_mean' op axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error@+1 {{'qc.reduce_mean' op failed to infer returned types}}
  %0 = qc.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_mean_repeated(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.reduce_mean' op axis -1 is repeated}}
  // expected-error@+1 {{'qc.reduce_mean' op failed to infer returned types}}
  %0 = qc.reduce_mean %x {axes = array<i64: 1, -1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_max_repeated(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.reduce_max' op axis -1 is repeated}}
  // expected-error@+1 {{'qc.reduce_max' op failed to infer returned types}}
  %0 = qc.reduce_max %x {axes = array<i64: 1, -1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @arg_max_axis(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.arg_max' op axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error@+1 {{'qc.arg_max' op failed to infer returned types}}
  %0 = qc.arg_max %x {axis = 2 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  return
}

// -----

func.func @arg_min_result_type(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'qc.arg_min' op result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = qc.arg_min %x {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @reshape_two_inferred(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.reshape' op shape [-1, 4, -1] has more than one -1 entry}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: -1, 4, -1>} : (tensor<2x3x4xf32>) -> tensor<?x4x?xf32>
  return
}

// -----

func.func @reshape_zero(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.reshape' op shape entries must be positive or -1, got 0}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: 0, 12>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.reshape' op cannot reshape 'tensor<2x3x4xf32>' (24 elements) to [5, 5] (25 elements)}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: 5, 5>} : (tensor<2x3x4xf32>) -> tensor<5x5xf32>
  return
}

// -----

func.func @reshape_not_multiple(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.reshape' op cannot reshape 'tensor<2x3x4xf32>' (24 elements) to [5, -1]: 24 is not a multiple of 5}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: 5, -1>} : (tensor<2x3x4xf32>) -> tensor<5x?xf32>
  return
}

// -----

func.func @flatten_axis(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.flatten' op axis 4 is out of range for rank 3 (expected -3 <= axis <= 3)}}
  // expected-error@+1 {{'qc.flatten' op failed to infer returned types}}
  %0 = qc.flatten %x {axis = 4 : i64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.transpose' op 'perm' must have 3 entries, got 2}}
  // expected-error@+1 {{'qc.transpose' op failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return
}

// -----

func.func @transpose_perm_repeated(%x: tensor<2x3x4xf32>) {
  // expected-error@+2 {{'qc.transpose' op perm [0, 2, 0] is not a permutation of [0, 3)}}
  // expected-error@+1 {{'qc.transpose' op failed to infer returned types}}
  %0 = qc.transpose %x {perm = array<i64: 0, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<2x4x2xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error@+2 {{'qc.concat' op needs at least one input}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat {axis = 0 : i64} : () -> tensor<0xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.concat' op axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) {
  // expected-error@+2 {{'qc.concat' op inputs must share rank and element type: input 0 is 'tensor<2x3xf32>', input 1 is 'tensor<2x3x1xf32>'}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xi8>) {
  // expected-error@+2 {{'qc.concat' op inputs must share rank and element type: input 0 is 'tensor<2x3xf32>', input 1 is 'tensor<2x3xi8>'}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xi8>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4x3xf32>) {
  // expected-error@+2 {{'qc.concat' op input 2 has size 4 in dimension 0, expected 2 (only the concat axis 1 may differ)}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x9xf32>
  return
}

// -----

func.func @slice_step_zero(%x: tensor<10xf32>) {
  // expected-error@+2 {{'qc.slice' op step for axis 0 must not be 0}}
  // expected-error@+1 {{'qc.slice' op failed to infer returned types}}
  %0 = qc.slice %x {axes = array<i64: 0>, ends = array<i64: 5>, starts = array<i64: 0>, steps = array<i64: 0>} : (tensor<10xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @slice_repeated_axes(%x: tensor<4x10xf32>) {
  // expected-error@+2 {{'qc.slice' op axis -1 is repeated}}
  // expected-error@+1 {{'qc.slice' op failed to infer returned types}}
  %0 = qc.slice %x {axes = array<i64: 1, -1>, ends = array<i64: 5, 5>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<4x10xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @slice_sizes(%x: tensor<4x10xf32>) {
  // expected-error@+2 {{'qc.slice' op 'ends' must have 2 entries, got 1}}
  // expected-error@+1 {{'qc.slice' op failed to infer returned types}}
  %0 = qc.slice %x {axes = array<i64: 0, 1>, ends = array<i64: 5>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<4x10xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @slice_axis(%x: tensor<4x10xf32>) {
  // expected-error@+2 {{'qc.slice' op axis 2 is out of range for rank 2 (expected -2 <= axis < 2)}}
  // expected-error@+1 {{'qc.slice' op failed to infer returned types}}
  %0 = qc.slice %x {axes = array<i64: 2>, ends = array<i64: 5>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4x10xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_size(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.pad' op 'pads' must have 4 entries, got 2}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 1, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.pad' op mode must be constant, reflect or edge, got "wrap"}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "wrap", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_crop(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.pad' op pads -2 and -2 crop dimension 1 of size 3 below zero}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, -2, 0, -2>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_reflect_too_large(%x: tensor<2x3xf32>) {
  // expected-error@+2 {{'qc.pad' op reflect padding of dimension 1 (1 and 3) must be smaller than its size 3}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "reflect", pads = array<i64: 0, 1, 0, 3>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @resize_sizes_count(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op 'sizes' must have 4 entries, got 2}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_scales_count(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op 'scales' must have 4 entries, got 2}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_scale_negative(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op scales must be positive and finite, got -2.000000}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, -2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_batch(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op changes only H and W; sizes[0] must be -1 or the input's dimension 1, got 2}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 2, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<2x1x8x8xf32>
  return
}

// -----

func.func @resize_channel_scale(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op changes only H and W; scales[1] must be 1, got 2.000000}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 2.0, 2.0, 2.0>, sizes = array<i64: -1, -1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_size(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op sizes[3] must be positive, or -1 for floor(input * scale), got 0}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: -1, -1, 8, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x?xf32>
  return
}

// -----

func.func @resize_empty(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op scaling the height 4 by 0.200000 leaves no output}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 0.2, 2.0>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x4x4xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op mode must be nearest or linear, got "cubic"}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "cubic", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_coordinate_mode(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op unsupported coordinate_transformation_mode "tf_crop_and_resize" (expected half_pixel, pytorch_half_pixel, align_corners or asymmetric)}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_nearest_mode(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+2 {{'qc.resize' op unsupported nearest_mode "round" (expected round_prefer_floor, round_prefer_ceil, floor or ceil)}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "round", scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @constant_not_tensor() {
  // expected-error@+1 {{'qc.constant' op constant value must be a ranked tensor, got 'vector<4xf32>'}}
  %0 = qc.constant dense<1.0> : vector<4xf32>
  return
}
