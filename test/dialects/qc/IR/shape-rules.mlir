// Each op's shape rule against ONNX / PyTorch on concrete cases: every result
// below is written fully dynamic and --qc-shape-inference infers it. The
// expected shapes were computed with PyTorch 1.13 / numpy (the calls are in
// the comments) and, where it applies, ONNX 1.12's shape inference.
// RUN: qc-opt %s --qc-shape-inference --split-input-file | FileCheck %s

// groups 3, dilation (2, 1), stride (2, 3), pads top 1 / left 0 / bottom 3 / right 2:
// F.conv2d(F.pad(x[2,6,10,11], (0, 2, 1, 3)), w[9,2,3,3], groups=3,
//          dilation=(2, 1), stride=(2, 3)).shape == (2, 9, 5, 4)
// CHECK-LABEL: func.func @conv_groups_dilation_asymmetric_pads
// CHECK-SAME: -> tensor<2x9x5x4xf32>
// CHECK: qc.conv2d {{.*}} -> tensor<2x9x5x4xf32>
func.func @conv_groups_dilation_asymmetric_pads(%x: tensor<2x6x10x11xf32>, %w: tensor<9x2x3x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %0 = qc.conv2d %x, %w {dilations = array<i64: 2, 1>, groups = 3 : i64,
         pads = array<i64: 1, 0, 3, 2>, strides = array<i64: 2, 3>}
       : (tensor<2x6x10x11xf32>, tensor<9x2x3x3xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// Depthwise, stride 2, "same"-style pads on an odd size: (7 + 2 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: qc.conv2d {{.*}} -> tensor<1x32x4x4xf32>
func.func @conv_depthwise(%x: tensor<1x32x7x7xf32>, %w: tensor<32x1x3x3xf32>, %b: tensor<32xf32>)
    -> tensor<?x?x?x?xf32> {
  %0 = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 32 : i64,
         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<1x32x7x7xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// Dynamic batch and height stay dynamic; the width is computed.
// CHECK-LABEL: func.func @conv_dynamic
// CHECK: qc.conv2d {{.*}} -> tensor<?x8x?x6xf32>
func.func @conv_dynamic(%x: tensor<?x3x?x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x3x?x8xf32>, tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// F.conv_transpose2d(x[1,4,5,7], w[4,3,3,3], stride=2, padding=1,
//                    output_padding=1).shape == (1, 3, 10, 14)
// CHECK-LABEL: func.func @conv_transpose_output_padding
// CHECK: qc.conv_transpose2d {{.*}} -> tensor<1x3x10x14xf32>
func.func @conv_transpose_output_padding(%x: tensor<1x4x5x7xf32>, %w: tensor<4x3x3x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
         strides = array<i64: 2, 2>}
       : (tensor<1x4x5x7xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// F.conv_transpose2d(x[1,4,5,7], w[4,3,3,2], stride=(3, 2), dilation=(2, 1),
//                    output_padding=(2, 0), groups=2).shape == (1, 6, 19, 14)
// (ONNX 1.12 shape inference of ConvTranspose agrees.)
// CHECK-LABEL: func.func @conv_transpose_groups_dilation
// CHECK: qc.conv_transpose2d {{.*}} -> tensor<1x6x19x14xf32>
func.func @conv_transpose_groups_dilation(%x: tensor<1x4x5x7xf32>, %w: tensor<4x3x3x2xf32>)
    -> tensor<?x?x?x?xf32> {
  %0 = qc.conv_transpose2d %x, %w {dilations = array<i64: 2, 1>, groups = 2 : i64,
         output_padding = array<i64: 2, 0>, pads = array<i64: 0, 0, 0, 0>,
         strides = array<i64: 3, 2>}
       : (tensor<1x4x5x7xf32>, tensor<4x3x3x2xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// ceil_mode drops the last window when it would start in the end padding:
// F.max_pool2d(x[1,1,5,5], 3, stride=3, padding=1, ceil_mode=True).shape
// == (1, 1, 2, 2): ceil((5 + 2 - 3) / 3) + 1 = 3 windows, but the third
// would start at 6 >= 5 + 1. (ONNX 1.12's shape inference still says 3; the
// ONNX MaxPool spec and onnxruntime drop it, as PyTorch does.)
// CHECK-LABEL: func.func @max_pool_ceil_drops_window_in_end_padding
// CHECK: qc.max_pool2d {{.*}} -> tensor<1x1x2x2xf32>
func.func @max_pool_ceil_drops_window_in_end_padding(%x: tensor<1x1x5x5xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.max_pool2d %x {ceil_mode = true, dilations = array<i64: 1, 1>,
         kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>}
       : (tensor<1x1x5x5xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// ceil_mode keeps a last window that starts inside the input:
// F.max_pool2d(x[1,1,5,5], 2, stride=2, ceil_mode=True) -> (1, 1, 3, 3),
// and floor mode -> (1, 1, 2, 2).
// CHECK-LABEL: func.func @max_pool_ceil_keeps_partial_window
// CHECK: qc.max_pool2d {{.*}} -> tensor<1x1x3x3xf32>
// CHECK: qc.max_pool2d {{.*}} -> tensor<1x1x2x2xf32>
func.func @max_pool_ceil_keeps_partial_window(%x: tensor<1x1x5x5xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %0 = qc.max_pool2d %x {ceil_mode = true, dilations = array<i64: 1, 1>,
         kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x1x5x5xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>,
         kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x1x5x5xf32>) -> tensor<?x?x?x?xf32>
  return %0, %1 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// Dilated, ceil_mode, non-square: F.max_pool2d(x[1,1,7,8], 3, stride=2,
// padding=1, dilation=2, ceil_mode=True).shape == (1, 1, 3, 4).
// CHECK-LABEL: func.func @max_pool_dilated_ceil
// CHECK: qc.max_pool2d {{.*}} -> tensor<1x1x3x4xf32>
func.func @max_pool_dilated_ceil(%x: tensor<1x1x7x8xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.max_pool2d %x {ceil_mode = true, dilations = array<i64: 2, 2>,
         kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<1x1x7x8xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// F.avg_pool2d(x[1,1,7,8], 3, stride=2, padding=1, ceil_mode=True) -> (1, 1, 4, 5);
// F.avg_pool2d(x[1,1,7,8], 2, stride=2) -> (1, 1, 3, 4);
// F.avg_pool2d(x[1,1,5,5], 3, stride=3, padding=1, ceil_mode=True) -> (1, 1, 2, 2).
// CHECK-LABEL: func.func @avg_pool
// CHECK: qc.avg_pool2d {{.*}} -> tensor<1x1x4x5xf32>
// CHECK: qc.avg_pool2d {{.*}} -> tensor<1x1x3x4xf32>
// CHECK: qc.avg_pool2d {{.*}} -> tensor<1x1x2x2xf32>
func.func @avg_pool(%x: tensor<1x1x7x8xf32>, %y: tensor<1x1x5x5xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %0 = qc.avg_pool2d %x {ceil_mode = true, count_include_pad = false,
         kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : (tensor<1x1x7x8xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false,
         kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<1x1x7x8xf32>) -> tensor<?x?x?x?xf32>
  %2 = qc.avg_pool2d %y {ceil_mode = true, count_include_pad = true,
         kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>}
       : (tensor<1x1x5x5xf32>) -> tensor<?x?x?x?xf32>
  return %0, %1, %2 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool
// CHECK: qc.global_avg_pool2d {{.*}} -> tensor<2x64x1x1xf32>
func.func @global_avg_pool(%x: tensor<2x64x7x7xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.global_avg_pool2d %x : (tensor<2x64x7x7xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// torch.matmul: zeros(4) @ zeros(2,4,5) -> (2, 5); zeros(2,3,4) @ zeros(4) -> (2, 3);
// zeros(4) @ zeros(4) -> (); zeros(2,1,3,4) @ zeros(5,4,6) -> (2, 5, 3, 6).
// CHECK-LABEL: func.func @matmul
// CHECK: qc.matmul {{.*}} -> tensor<2x5xf32>
// CHECK: qc.matmul {{.*}} -> tensor<2x3xf32>
// CHECK: qc.matmul {{.*}} -> tensor<f32>
// CHECK: qc.matmul {{.*}} -> tensor<2x5x3x6xf32>
// CHECK: qc.matmul {{.*}} -> tensor<?x3x6xf32>
func.func @matmul(%v: tensor<4xf32>, %b3: tensor<2x4x5xf32>, %a3: tensor<2x3x4xf32>,
                  %a4: tensor<2x1x3x4xf32>, %b3b: tensor<5x4x6xf32>, %ad: tensor<?x3x4xf32>,
                  %b2: tensor<4x6xf32>)
    -> (tensor<?x?xf32>, tensor<?x?xf32>, tensor<f32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {
  %0 = qc.matmul %v, %b3 : (tensor<4xf32>, tensor<2x4x5xf32>) -> tensor<?x?xf32>
  %1 = qc.matmul %a3, %v : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<?x?xf32>
  %2 = qc.matmul %v, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  %3 = qc.matmul %a4, %b3b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<?x?x?x?xf32>
  %4 = qc.matmul %ad, %b2 : (tensor<?x3x4xf32>, tensor<4x6xf32>) -> tensor<?x?x?xf32>
  return %0, %1, %2, %3, %4 : tensor<?x?xf32>, tensor<?x?xf32>, tensor<f32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
}

// -----

// nn.Linear on a 3-D input keeps the leading dimensions.
// CHECK-LABEL: func.func @linear
// CHECK: qc.linear {{.*}} -> tensor<2x16x10xf32>
// CHECK: qc.linear {{.*}} -> tensor<10xf32>
func.func @linear(%x: tensor<2x16x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>, %v: tensor<64xf32>)
    -> (tensor<?x?x?xf32>, tensor<?xf32>) {
  %0 = qc.linear %x, %w, %b : (tensor<2x16x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x?x?xf32>
  %1 = qc.linear %v, %w : (tensor<64xf32>, tensor<10x64xf32>) -> tensor<?xf32>
  return %0, %1 : tensor<?x?x?xf32>, tensor<?xf32>
}

// -----

// Broadcasting (numpy): [2,1,4] with [3,1] -> [2,3,4]; a dynamic dimension
// against 1 stays dynamic, against 5 becomes 5.
// CHECK-LABEL: func.func @broadcast
// CHECK: qc.add {{.*}} -> tensor<2x3x4xf32>
// CHECK: qc.mul {{.*}} -> tensor<?x5xf32>
func.func @broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %c: tensor<?x1xf32>, %d: tensor<1x?xf32>)
    -> (tensor<?x?x?xf32>, tensor<?x?xf32>) {
  %e = qc.constant dense<1.0> : tensor<5xf32>
  %0 = qc.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<?x?x?xf32>
  %1 = qc.add %c, %d : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>
  %2 = qc.mul %1, %e : (tensor<?x?xf32>, tensor<5xf32>) -> tensor<?x?xf32>
  return %0, %2 : tensor<?x?x?xf32>, tensor<?x?xf32>
}

// -----

// ONNX Slice on a 10-element axis; numpy gives the same lengths and so does
// ONNX 1.12's shape inference (I64_MIN / I64_MAX written out):
//   a[8:2:-2] -> 3        a[-1:-11:-1] -> 10     a[-1:I64_MIN:-1] -> 10
//   a[20:I64_MIN:-3] -> 4 a[1:I64_MAX] -> 9       a[-3:I64_MAX] -> 3
//   a[5:3] -> 0           a[2:1000:4] -> 2        a[1:10:I64_MAX] -> 1
//   a[9:0:-I64_MAX] -> 1  a[-100:3] -> 3
// CHECK-LABEL: func.func @slice
// CHECK-SAME: -> (tensor<3xf32>, tensor<10xf32>, tensor<10xf32>, tensor<4xf32>, tensor<9xf32>, tensor<3xf32>, tensor<0xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<3xf32>)
func.func @slice(%x: tensor<10xf32>)
    -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>,
        tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %0 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 8>, ends = array<i64: 2>, steps = array<i64: -2>} : (tensor<10xf32>) -> tensor<?xf32>
  %1 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: -1>, ends = array<i64: -11>, steps = array<i64: -1>} : (tensor<10xf32>) -> tensor<?xf32>
  %2 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, steps = array<i64: -1>} : (tensor<10xf32>) -> tensor<?xf32>
  %3 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 20>, ends = array<i64: -9223372036854775808>, steps = array<i64: -3>} : (tensor<10xf32>) -> tensor<?xf32>
  %4 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 1>, ends = array<i64: 9223372036854775807>, steps = array<i64: 1>} : (tensor<10xf32>) -> tensor<?xf32>
  %5 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: -3>, ends = array<i64: 9223372036854775807>, steps = array<i64: 1>} : (tensor<10xf32>) -> tensor<?xf32>
  %6 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 5>, ends = array<i64: 3>, steps = array<i64: 1>} : (tensor<10xf32>) -> tensor<?xf32>
  %7 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 2>, ends = array<i64: 1000>, steps = array<i64: 4>} : (tensor<10xf32>) -> tensor<?xf32>
  %8 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 1>, ends = array<i64: 10>, steps = array<i64: 9223372036854775807>} : (tensor<10xf32>) -> tensor<?xf32>
  %9 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: 9>, ends = array<i64: 0>, steps = array<i64: -9223372036854775807>} : (tensor<10xf32>) -> tensor<?xf32>
  %10 = qc.slice %x {axes = array<i64: 0>, starts = array<i64: -100>, ends = array<i64: 3>, steps = array<i64: 1>} : (tensor<10xf32>) -> tensor<?xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// -----

// Several axes at once (negative axis), unlisted axes kept, a dynamic axis
// stays dynamic: x[2,?,10,6][:, 1:3, ::-2, 0:5] -> [2, ?, 5, 5].
// CHECK-LABEL: func.func @slice_axes
// CHECK: qc.slice {{.*}} -> tensor<2x?x5x5xf32>
func.func @slice_axes(%x: tensor<2x?x10x6xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.slice %x {axes = array<i64: 1, -2, 3>, starts = array<i64: 1, -1, 0>,
         ends = array<i64: 3, -9223372036854775808, 5>, steps = array<i64: 1, -2, 1>}
       : (tensor<2x?x10x6xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// ONNX Flatten: axis 0 -> (1, 24); axis = rank -> (24, 1); axis -1 -> (6, 4).
// CHECK-LABEL: func.func @flatten
// CHECK-SAME: -> (tensor<1x24xf32>, tensor<24x1xf32>, tensor<6x4xf32>, tensor<?x12xf32>)
func.func @flatten(%x: tensor<2x3x4xf32>, %y: tensor<?x3x4xf32>)
    -> (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>) {
  %0 = qc.flatten %x {axis = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<?x?xf32>
  %1 = qc.flatten %x {axis = 3 : i64} : (tensor<2x3x4xf32>) -> tensor<?x?xf32>
  %2 = qc.flatten %x {axis = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<?x?xf32>
  %3 = qc.flatten %y {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x?xf32>
  return %0, %1, %2, %3 : tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// zeros(2,3,4,5).mean(dim=(1, -1)).shape == (2, 4); keepdims -> (2, 1, 4, 1);
// no axes -> every dimension.
// CHECK-LABEL: func.func @reduce_mean
// CHECK-SAME: -> (tensor<2x4xf32>, tensor<2x1x4x1xf32>, tensor<f32>, tensor<1x1x1x1xf32>)
func.func @reduce_mean(%x: tensor<2x3x4x5xf32>)
    -> (tensor<?x?xf32>, tensor<?x?x?x?xf32>, tensor<f32>, tensor<?x?x?x?xf32>) {
  %0 = qc.reduce_mean %x {axes = array<i64: 1, -1>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<?x?xf32>
  %1 = qc.reduce_mean %x {axes = array<i64: 1, -1>, keepdims = true} : (tensor<2x3x4x5xf32>) -> tensor<?x?x?x?xf32>
  %2 = qc.reduce_mean %x {axes = array<i64>, keepdims = false} : (tensor<2x3x4x5xf32>) -> tensor<f32>
  %3 = qc.reduce_mean %x {axes = array<i64>, keepdims = true} : (tensor<2x3x4x5xf32>) -> tensor<?x?x?x?xf32>
  return %0, %1, %2, %3 : tensor<?x?xf32>, tensor<?x?x?x?xf32>, tensor<f32>, tensor<?x?x?x?xf32>
}

// -----

// Reshape: -1 inferred from the element count; dynamic input keeps -1 dynamic.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: -> (tensor<4x6xf32>, tensor<?x12xf32>)
func.func @reshape(%x: tensor<2x3x4xf32>, %y: tensor<?x3x4xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %0 = qc.reshape %x {shape = array<i64: 4, -1>} : (tensor<2x3x4xf32>) -> tensor<?x?xf32>
  %1 = qc.reshape %y {shape = array<i64: -1, 12>} : (tensor<?x3x4xf32>) -> tensor<?x?xf32>
  return %0, %1 : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_concat
// CHECK: qc.transpose {{.*}} -> tensor<4x2x3xf32>
// CHECK: qc.concat {{.*}} -> tensor<4x2x9xf32>
func.func @transpose_concat(%x: tensor<2x3x4xf32>, %y: tensor<4x2x6xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>) {
  %0 = qc.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<?x?x?xf32>
  %1 = qc.concat %0, %y {axis = -1 : i64} : (tensor<?x?x?xf32>, tensor<4x2x6xf32>) -> tensor<?x?x?xf32>
  return %0, %1 : tensor<?x?x?xf32>, tensor<?x?x?xf32>
}

// -----

// ONNX Pad: begin amounts then end amounts; negative amounts crop.
// CHECK-LABEL: func.func @pad
// CHECK: qc.pad {{.*}} -> tensor<1x3x5x9xf32>
func.func @pad(%x: tensor<1x3x4x8xf32>) -> tensor<?x?x?x?xf32> {
  %0 = qc.pad %x {mode = "edge", pads = array<i64: 0, 0, 2, -1, 0, 0, -1, 2>, value = 0.0 : f32}
       : (tensor<1x3x4x8xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// Resize by sizes, and by scales with sizes -1: floor(input * scale), the
// product in f32 as ONNX shape inference and onnxruntime compute it.
// F.interpolate(x[1,1,5,7], scale_factor=(1.5, 0.7), recompute_scale_factor=False)
// -> (1, 1, 7, 4); ONNX 1.12 shape inference of Resize(scales=[1,1,1.5,0.7])
// agrees, and gives 7 for 10 * 0.7 (f32(0.7) * 10 rounds to 7.0 in f32).
// CHECK-LABEL: func.func @resize
// CHECK: qc.resize {{.*}} -> tensor<1x8x9x3xf32>
// CHECK: qc.resize {{.*}} -> tensor<1x1x7x4xf32>
// CHECK: qc.resize {{.*}} -> tensor<1x1x7x7xf32>
// CHECK: qc.resize {{.*}} -> tensor<1x1x?x14xf32>
func.func @resize(%x: tensor<1x8x4x4xf32>, %y: tensor<1x1x5x7xf32>, %z: tensor<1x1x10x10xf32>,
                  %d: tensor<1x1x?x7xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %0 = qc.resize %x {coordinate_transformation_mode = "half_pixel", mode = "linear",
         nearest_mode = "round_prefer_floor", scales = array<f32: 1.0, 1.0, 2.25, 0.75>,
         sizes = array<i64: -1, 8, 9, 3>} : (tensor<1x8x4x4xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.resize %y {coordinate_transformation_mode = "asymmetric", mode = "nearest",
         nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 1.5, 0.7>,
         sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x5x7xf32>) -> tensor<?x?x?x?xf32>
  %2 = qc.resize %z {coordinate_transformation_mode = "asymmetric", mode = "nearest",
         nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 0.7, 0.7>,
         sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x10x10xf32>) -> tensor<?x?x?x?xf32>
  %3 = qc.resize %d {coordinate_transformation_mode = "asymmetric", mode = "nearest",
         nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>,
         sizes = array<i64: -1, -1, -1, -1>} : (tensor<1x1x?x7xf32>) -> tensor<?x?x?x?xf32>
  return %0, %1, %2, %3 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// The elementwise and normalization ops keep their input's type.
// CHECK-LABEL: func.func @same_type
// CHECK-SAME: -> (tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>)
func.func @same_type(%x: tensor<2x8x4x4xf32>, %c: tensor<8xf32>, %g: tensor<4xf32>)
    -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<2x8x4x4xf32>) {
  %0 = qc.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
       : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x?x?x?xf32>
  %1 = qc.layer_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32}
       : (tensor<2x8x4x4xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  %2 = qc.softmax %x {axis = 1 : i64} : tensor<2x8x4x4xf32>
  return %0, %1, %2 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<2x8x4x4xf32>
}
