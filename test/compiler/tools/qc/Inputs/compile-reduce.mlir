// Reductions and ArgMax / ArgMin for qc compile vs the reference executor
// (compile-reduce.test). %p is NHWC in the arena (a max pool's result), so
// the steps read a strided input; every reduction kind over one axis, a
// middle axis, two axes, the first axis and all axes (empty `axes`), with
// and without keepdims; ArgMax / ArgMin along the channels (strided), the
// last axis with select_last_index and the first axis. %s holds NaN, -inf
// and ties (special values, compared byte for byte).
func.func @main(%x: tensor<2x12x5x9xf32> {qc.name = "x"}, %s: tensor<4x6xf32> {qc.name = "s"}) -> (tensor<2x1x5x9xf32> {qc.name = "max_c"}, tensor<2x12x5xf32> {qc.name = "min_w"}, tensor<2x12xf32> {qc.name = "sum_hw"}, tensor<f32> {qc.name = "sum_all"}, tensor<2x12x5x1xf32> {qc.name = "prod_w"}, tensor<2x5xf32> {qc.name = "ss_cw"}, tensor<12x5x9xf32> {qc.name = "l1_n"}, tensor<2x1x5x9xf32> {qc.name = "l2_c"}, tensor<2x12x9xf32> {qc.name = "logsum_h"}, tensor<2x12x5xf32> {qc.name = "lse_w"}, tensor<2x5x9xf32> {qc.name = "mean_c"}, tensor<2x1x5x9xi64> {qc.name = "argmax_c"}, tensor<2x12x5xi64> {qc.name = "argmin_w_last"}, tensor<12x5x9xi64> {qc.name = "argmax_n"}, tensor<4xf32> {qc.name = "smax"}, tensor<4xf32> {qc.name = "smin"}, tensor<4xi64> {qc.name = "sargmax"}, tensor<4xi64> {qc.name = "sargmax_last"}, tensor<1x6xi64> {qc.name = "sargmin"}, tensor<4xi64> {qc.name = "sargmin_last"}) {
  %p = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5x9xf32>
  %a = qc.reduce_max %p {axes = array<i64: 1>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xf32>
  %b = qc.reduce_min %p {axes = array<i64: -1>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5xf32>
  %c = qc.reduce_sum %p {axes = array<i64: 2, 3>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12xf32>
  %d = qc.reduce_sum %x {axes = array<i64>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<f32>
  %e = qc.reduce_prod %p {axes = array<i64: 3>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5x1xf32>
  %f = qc.reduce_sum_square %p {axes = array<i64: 1, 3>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x5xf32>
  %g = qc.reduce_l1 %p {axes = array<i64: 0>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<12x5x9xf32>
  %h = qc.reduce_l2 %p {axes = array<i64: 1>, keepdims = true} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xf32>
  %sq = qc.mul %x, %x : (tensor<2x12x5x9xf32>, tensor<2x12x5x9xf32>) -> tensor<2x12x5x9xf32>
  %i = qc.reduce_log_sum %sq {axes = array<i64: 2>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12x9xf32>
  %j = qc.reduce_log_sum_exp %p {axes = array<i64: 3>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5xf32>
  %k = qc.reduce_mean %p {axes = array<i64: 1>, keepdims = false} : (tensor<2x12x5x9xf32>) -> tensor<2x5x9xf32>
  %am = qc.arg_max %p {axis = 1 : i64, keepdims = true, select_last_index = false} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xi64>
  %an = qc.arg_min %p {axis = -1 : i64, keepdims = false, select_last_index = true} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5xi64>
  %ao = qc.arg_max %x {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<2x12x5x9xf32>) -> tensor<12x5x9xi64>
  %sa = qc.reduce_max %s {axes = array<i64: 1>, keepdims = false} : (tensor<4x6xf32>) -> tensor<4xf32>
  %sb = qc.reduce_min %s {axes = array<i64: 1>, keepdims = false} : (tensor<4x6xf32>) -> tensor<4xf32>
  %sc = qc.arg_max %s {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<4x6xf32>) -> tensor<4xi64>
  %sd = qc.arg_max %s {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<4x6xf32>) -> tensor<4xi64>
  %se = qc.arg_min %s {axis = 0 : i64, keepdims = true, select_last_index = false} : (tensor<4x6xf32>) -> tensor<1x6xi64>
  %sf = qc.arg_min %s {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<4x6xf32>) -> tensor<4xi64>
  return %a, %b, %c, %d, %e, %f, %g, %h, %i, %j, %k, %am, %an, %ao, %sa, %sb, %sc, %sd, %se, %sf : tensor<2x1x5x9xf32>, tensor<2x12x5xf32>, tensor<2x12xf32>, tensor<f32>, tensor<2x12x5x1xf32>, tensor<2x5xf32>, tensor<12x5x9xf32>, tensor<2x1x5x9xf32>, tensor<2x12x9xf32>, tensor<2x12x5xf32>, tensor<2x5x9xf32>, tensor<2x1x5x9xi64>, tensor<2x12x5xi64>, tensor<12x5x9xi64>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<1x6xi64>, tensor<4xi64>
}
