// Float ops on NaN (nan-semantics.test): every activation, the max pool, the
// softmax and the reductions, run by the reference executor and as compiled
// float code, which must agree byte for byte (NaN payloads included).
func.func @main(%x: tensor<1x2x4x4xf32> {qc.name = "x"}) -> (tensor<1x12x4x4xf32> {qc.name = "act"}, tensor<1x2x2x2xf32> {qc.name = "pool"}, tensor<1x2x4x4xf32> {qc.name = "sm"}, tensor<1x2x1x1xf32> {qc.name = "mean"}) {
  %r = qc.relu %x : tensor<1x2x4x4xf32>
  %cl = qc.clamp %x {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x2x4x4xf32>
  %sg = qc.sigmoid %x : tensor<1x2x4x4xf32>
  %th = qc.tanh %x : tensor<1x2x4x4xf32>
  %hs = qc.hardswish %x : tensor<1x2x4x4xf32>
  %hsg = qc.hardsigmoid %x {alpha = 2.0e-01 : f32, beta = 5.0e-01 : f32} : tensor<1x2x4x4xf32>
  %act = qc.concat %r, %cl, %sg, %th, %hs, %hsg {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x12x4x4xf32>
  %mp = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %sm = qc.softmax %x {axis = -1 : i64} : tensor<1x2x4x4xf32>
  %mean = qc.reduce_mean %x {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  return %act, %mp, %sm, %mean : tensor<1x12x4x4xf32>, tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>
}
