// reduce_max / reduce_min and ArgMax / ArgMin of 8-bit tensors (the forms
// qc-lower-to-integer leaves in a quantized program) for qc compile vs the
// reference executor (compile-reduce.test): i8 and ui8 codes, strided
// (NHWC, a qmax_pool2d's result) and row-major, vector and scalar paths.
func.func @main(%x: tensor<2x12x5x9xi8> {qc.name = "x"}, %u: tensor<3x10xui8> {qc.name = "u"}) -> (tensor<2x1x5x9xi8> {qc.name = "max_c"}, tensor<2x12x5xi8> {qc.name = "min_w"}, tensor<i8> {qc.name = "max_all"}, tensor<3xui8> {qc.name = "umax"}, tensor<1x10xui8> {qc.name = "umin"}, tensor<2x5x9xi64> {qc.name = "argmax_c"}, tensor<3xi64> {qc.name = "uargmin_last"}) {
  %p = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x12x5x9xi8>) -> tensor<2x12x5x9xi8>
  %a = qc.reduce_max %p {axes = array<i64: 1>, keepdims = true} : (tensor<2x12x5x9xi8>) -> tensor<2x1x5x9xi8>
  %b = qc.reduce_min %p {axes = array<i64: 3>, keepdims = false} : (tensor<2x12x5x9xi8>) -> tensor<2x12x5xi8>
  %c = qc.reduce_max %x {axes = array<i64>, keepdims = false} : (tensor<2x12x5x9xi8>) -> tensor<i8>
  %d = qc.reduce_max %u {axes = array<i64: 1>, keepdims = false} : (tensor<3x10xui8>) -> tensor<3xui8>
  %e = qc.reduce_min %u {axes = array<i64: 0>, keepdims = true} : (tensor<3x10xui8>) -> tensor<1x10xui8>
  %f = qc.arg_max %p {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x12x5x9xi8>) -> tensor<2x5x9xi64>
  %g = qc.arg_min %u {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<3x10xui8>) -> tensor<3xi64>
  return %a, %b, %c, %d, %e, %f, %g : tensor<2x1x5x9xi8>, tensor<2x12x5xi8>, tensor<i8>, tensor<3xui8>, tensor<1x10xui8>, tensor<2x5x9xi64>, tensor<3xi64>
}
