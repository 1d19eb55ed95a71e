// ArgMax / ArgMin as one int64 output (the AArch64 test
// e2e.compiled_aarch64.arg_extreme): along the channels of an NHWC arena
// tensor (strided), the last axis with select_last_index, the first axis of
// the row-major input, flattened and concatenated.
func.func @main(%x: tensor<2x12x5x9xf32> {qc.name = "x"}) -> (tensor<750xi64> {qc.name = "indices"}) {
  %p = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5x9xf32>
  %am = qc.arg_max %p {axis = 1 : i64, keepdims = true, select_last_index = false} : (tensor<2x12x5x9xf32>) -> tensor<2x1x5x9xi64>
  %an = qc.arg_min %p {axis = -1 : i64, keepdims = false, select_last_index = true} : (tensor<2x12x5x9xf32>) -> tensor<2x12x5xi64>
  %ao = qc.arg_max %x {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<2x12x5x9xf32>) -> tensor<12x5x9xi64>
  %a1 = qc.reshape %am {shape = array<i64: 90>} : (tensor<2x1x5x9xi64>) -> tensor<90xi64>
  %n1 = qc.reshape %an {shape = array<i64: 120>} : (tensor<2x12x5xi64>) -> tensor<120xi64>
  %o1 = qc.reshape %ao {shape = array<i64: 540>} : (tensor<12x5x9xi64>) -> tensor<540xi64>
  %y = qc.concat %a1, %n1, %o1 {axis = 0 : i64} : (tensor<90xi64>, tensor<120xi64>, tensor<540xi64>) -> tensor<750xi64>
  return %y : tensor<750xi64>
}
