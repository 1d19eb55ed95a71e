// compile-float-math.test, e2e.compiled_aarch64.float_math: the float
// transcendentals of support/Math.h (sigmoid, tanh, erf) and gelu in both
// forms on 4099 elements (whole vectors of 4, 8 or 16 lanes and a tail), and
// on a broadcast [1, 1] -> [2, 3] input (the element-by-element path); one
// output y = [sigmoid, tanh, erf, gelu, gelu_tanh, broadcast tanh] flattened.
func.func @main(%x: tensor<1x4099xf32> {qc.name = "x"}) -> (tensor<1x20501xf32> {qc.name = "y"}) {
  %s = qc.sigmoid %x : tensor<1x4099xf32>
  %t = qc.tanh %x : tensor<1x4099xf32>
  %e = qc.erf %x : tensor<1x4099xf32>
  %g = qc.gelu %x {approximate = "none"} : tensor<1x4099xf32>
  %gt = qc.gelu %x {approximate = "tanh"} : tensor<1x4099xf32>
  %one = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 5>, starts = array<i64: 4>, steps = array<i64: 1>} : (tensor<1x4099xf32>) -> tensor<1x1xf32>
  %c = qc.constant dense<[[0.5, -1.0, 2.0], [3.0, -0.25, 0.0]]> : tensor<2x3xf32>
  %b = qc.add %c, %one : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  %bt = qc.tanh %b : tensor<2x3xf32>
  %bf = qc.reshape %bt {shape = array<i64: 1, 6>} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  %y = qc.concat %s, %t, %e, %g, %gt, %bf {axis = 1 : i64} : (tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x6xf32>) -> tensor<1x20501xf32>
  return %y : tensor<1x20501xf32>
}
