// Reductions and ArgMax / ArgMin as one output each (the AArch64 test
// e2e.compiled_aarch64.reduce_vector / arg_extreme feeds one input and
// compares one output): every kind that calls no C library function (so
// AArch64 code equals the x86 reference executor), on an NHWC arena tensor
// (a max pool's result) and on the row-major input, flattened and
// concatenated.
func.func @main(%x: tensor<2x12x5x9xf32> {qc.name = "x"}) -> (tensor<1084xf32> {qc.name = "reduced"}) {
  %p = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5x9xf32>
  %a = qc.reduce_max %p {axes = array<i64: 1>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xf32>
  %b = qc.reduce_min %p {axes = array<i64: -1>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5xf32>
  %c = qc.reduce_sum %p {axes = array<i64: 2, 3>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12xf32>
  %e = qc.reduce_prod %x {axes = array<i64: 3>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5x1xf32>
  %f = qc.reduce_sum_square %p {axes = array<i64: 1, 3>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x5xf32>
  %g = qc.reduce_l1 %p {axes = array<i64: 0>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<12x5x9xf32>
  %h = qc.reduce_l2 %p {axes = array<i64: 1>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xf32>
  %k = qc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x5x9xf32>
  %a1 = qc.reshape %a {shape = array<i64: 90>} : (tensor<2x1x5x9xf32>) -> tensor<90xf32>
  %b1 = qc.reshape %b {shape = array<i64: 120>} : (tensor<2x12x5xf32>) -> tensor<120xf32>
  %c1 = qc.reshape %c {shape = array<i64: 24>} : (tensor<2x12xf32>) -> tensor<24xf32>
  %e1 = qc.reshape %e {shape = array<i64: 120>} : (tensor<2x12x5x1xf32>) -> tensor<120xf32>
  %f1 = qc.reshape %f {shape = array<i64: 10>} : (tensor<2x5xf32>) -> tensor<10xf32>
  %g1 = qc.reshape %g {shape = array<i64: 540>} : (tensor<12x5x9xf32>) -> tensor<540xf32>
  %h1 = qc.reshape %h {shape = array<i64: 90>} : (tensor<2x1x5x9xf32>) -> tensor<90xf32>
  %k1 = qc.reshape %k {shape = array<i64: 90>} : (tensor<2x5x9xf32>) -> tensor<90xf32>
  %y = qc.concat %a1, %b1, %c1, %e1, %f1, %g1, %h1, %k1 {axis = 0 : i64} : (tensor<90xf32>, tensor<120xf32>, tensor<24xf32>, tensor<120xf32>, tensor<10xf32>, tensor<540xf32>, tensor<90xf32>, tensor<90xf32>) -> tensor<1084xf32>
  return %y : tensor<1084xf32>
}
