// Sizes are well-defined: every qc graph op checks its operands and results
// against TensorSize.h (no negative dimension, an element count that fits in
// int64, at most 2^40 bytes), and the shape rules compute with checked
// arithmetic, so huge or overflowing attributes are errors instead of a wrapped
// (0 or negative) size. Empty weights are errors too.
// RUN: qc-opt %s -split-input-file -verify-diagnostics

func.func @operand_too_large(%x: tensor<4611686018427387904xf32>, %y: tensor<1xf32>) {
  // expected-error@+2 {{'qc.add' op operand #0 'tensor<4611686018427387904xf32>' has 4611686018427387904 elements, more than qc's limit of 2^40 bytes (1 TiB) for one tensor}}
  // expected-error@+1 {{'qc.add' op failed to infer returned types}}
  %0 = qc.add %x, %y : (tensor<4611686018427387904xf32>, tensor<1xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @operand_overflows(%x: tensor<4294967296x4294967296x4xf32>) {
  // expected-error@+2 {{'qc.reshape' op operand #0 'tensor<4294967296x4294967296x4xf32>' has more elements than fit in a 64-bit integer}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: -1>} : (tensor<4294967296x4294967296x4xf32>) -> tensor<?xf32>
  return
}

// -----

// The unary ops have no shape rule; their verifier checks the size.
func.func @unary_too_large(%x: tensor<4611686018427387904xf32>) {
  // expected-error@+1 {{'qc.relu' op operand #0 'tensor<4611686018427387904xf32>' has 4611686018427387904 elements}}
  %0 = qc.relu %x : tensor<4611686018427387904xf32>
  return
}

// -----

// An empty dimension counts as 1: no elements, but strides would overflow.
func.func @empty_but_huge(%x: tensor<0x4611686018427387904xf32>) {
  // expected-error@+1 {{'qc.relu' op operand #0 'tensor<0x4611686018427387904xf32>' has dimensions too large for qc (their product, the empty one counted as 1, exceeds 2^40 bytes (1 TiB))}}
  %0 = qc.relu %x : tensor<0x4611686018427387904xf32>
  return
}

// -----

// Dynamic dimensions count as 1: the static ones alone are too many.
func.func @dynamic_dims_count_as_one(%x: tensor<?x1099511627776xf32>) {
  // expected-error@+1 {{'qc.sigmoid' op operand #0 'tensor<?x1099511627776xf32>' has 1099511627776 elements (4398046511104 bytes), more than qc's limit}}
  %0 = qc.sigmoid %x : tensor<?x1099511627776xf32>
  return
}

// -----

func.func @result_too_large(%a: tensor<2147483648x1xf32>, %b: tensor<1x2147483648xf32>) {
  // expected-error@+2 {{'qc.matmul' op result #0 'tensor<2147483648x2147483648xf32>' has 4611686018427387904 elements, more than qc's limit}}
  // expected-error@+1 {{'qc.matmul' op failed to infer returned types}}
  %0 = qc.matmul %a, %b : (tensor<2147483648x1xf32>, tensor<1x2147483648xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @result_overflows(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.pad' op result #0 'tensor<1x1x4000000008x4000000008xf32>' has more elements than fit in a 64-bit integer}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 2000000000, 2000000000, 0, 0, 2000000000, 2000000000>, value = 0.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @pad_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.pad' op pads 4611686018427387904 and 4611686018427387904 of dimension 2 overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 4611686018427387904, 0, 0, 0, 4611686018427387904, 0>, value = 0.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @pad_negative_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.pad' op pads -9223372036854775808 and -9223372036854775808 of dimension 2 overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.pad' op failed to infer returned types}}
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, -9223372036854775808, 0, 0, 0, -9223372036854775808, 0>, value = 0.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_dilation_overflow(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op height kernel 3, dilation 4611686018427387904 and pads 0 + 0 overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 4611686018427387904, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_pads_overflow(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op width kernel 3, dilation 1 and pads 9223372036854775807 + 9223372036854775807 overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 9223372036854775807, 0, 9223372036854775807>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

// groups times the weight's channels per group overflows: no wrap to a match.
func.func @conv_groups_overflow(%x: tensor<1x4x8x8xf32>, %w: tensor<?x4x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op input has 4 channels but the weight expects 4 per group x 4611686018427387905 groups}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 4611686018427387905 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<?x4x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @max_pool_kernel_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.max_pool2d' op height kernel 4611686018427387904, dilation 4 and pads 0 + 0 overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.max_pool2d' op failed to infer returned types}}
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 4, 1>, kernel = array<i64: 4611686018427387904, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

// ceil_mode with a stride near INT64_MAX: the last window's start is checked.
func.func @max_pool_ceil_huge_stride(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x1x1xf32> {
  %0 = qc.max_pool2d %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 9223372036854775807, 9223372036854775807>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @conv_transpose_overflow(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op height stride 4611686018427387904, dilation 1, pads and output_padding overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 4611686018427387904, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_too_large(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op result #0 'tensor<1x1x7000000003x7000000003xf32>' has more elements than fit in a 64-bit integer}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1000000000, 1000000000>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_groups_overflow(%x: tensor<1x?x8x8xf32>, %w: tensor<?x4x3x3xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op weight's 4 output channels per group x 4611686018427387905 groups overflow 64-bit sizes}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 4611686018427387905 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x?x8x8xf32>, tensor<?x4x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_scale_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.resize' op scaling the height 8 by 3000000}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 3.0e+36, 2.0>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @resize_scale_too_large(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.resize' op result #0 'tensor<1x1x8000000x8000000xf32>' has 64000000000000 elements (256000000000000 bytes), more than qc's limit}}
  // expected-error@+1 {{'qc.resize' op failed to infer returned types}}
  %0 = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 1.0e+06, 1.0e+06>, sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

// The product of the target's entries overflowed to 0 and divided by zero.
func.func @reshape_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+2 {{'qc.reshape' op shape [1099511627776, 1099511627776, -1] has more elements than fit in a 64-bit integer}}
  // expected-error@+1 {{'qc.reshape' op failed to infer returned types}}
  %0 = qc.reshape %x {shape = array<i64: 1099511627776, 1099511627776, -1>} : (tensor<1x1x8x8xf32>) -> tensor<?x?x?xf32>
  return
}

// -----

func.func @concat_too_large(%a: tensor<137438953472xf32>, %b: tensor<137438953472xf32>) {
  // expected-error@+2 {{'qc.concat' op result #0 'tensor<412316860416xf32>' has 412316860416 elements (1649267441664 bytes)}}
  // expected-error@+1 {{'qc.concat' op failed to infer returned types}}
  %0 = qc.concat %a, %b, %b {axis = 0 : i64} : (tensor<137438953472xf32>, tensor<137438953472xf32>, tensor<137438953472xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @conv_empty_weight(%x: tensor<1x1x8x8xf32>, %w: tensor<0x1x3x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op weight 'tensor<0x1x3x3xf32>' has an empty dimension 0}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<0x1x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_empty_kernel(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x0x3xf32>) {
  // expected-error@+2 {{'qc.conv2d' op weight 'tensor<2x1x0x3xf32>' has an empty dimension 2}}
  // expected-error@+1 {{'qc.conv2d' op failed to infer returned types}}
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x0x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @conv_transpose_empty_weight(%x: tensor<1x1x8x8xf32>, %w: tensor<1x0x3x3xf32>) {
  // expected-error@+2 {{'qc.conv_transpose2d' op weight 'tensor<1x0x3x3xf32>' has an empty dimension 1}}
  // expected-error@+1 {{'qc.conv_transpose2d' op failed to infer returned types}}
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x0x3x3xf32>) -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @linear_empty_weight(%x: tensor<2x3xf32>, %w: tensor<0x3xf32>) {
  // expected-error@+2 {{'qc.linear' op weight 'tensor<0x3xf32>' has an empty dimension 0}}
  // expected-error@+1 {{'qc.linear' op failed to infer returned types}}
  %0 = qc.linear %x, %w : (tensor<2x3xf32>, tensor<0x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

// A slice of an empty dimension with a negative step takes nothing (the
// clamp to [0, dim - 1] had no valid range).
func.func @slice_of_empty(%x: tensor<0x4xf32>) -> tensor<0x4xf32> {
  %0 = qc.slice %x {axes = array<i64: 0>, ends = array<i64: -9223372036854775808>, starts = array<i64: 9223372036854775807>, steps = array<i64: -1>} : (tensor<0x4xf32>) -> tensor<0x4xf32>
  return %0 : tensor<0x4xf32>
}
