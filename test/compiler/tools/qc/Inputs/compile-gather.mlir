// qc.gather with run-time token ids (compile-gather.test): an embedding
// lookup of int64 ids [2, 3] in a [10, 4] f32 table plus a float input, the
// same with int32 ids, a gather along axis 1 of a [2, 7, 3] table with a
// negative index, a gather of an activation (the add's result, an arena
// tensor) along axis 1 at run-time ids, and the int64 ids returned reshaped
// (int64 data movement and output).
func.func @main(%ids: tensor<2x3xi64> {qc.name = "ids"}, %ids32: tensor<4xi32> {qc.name = "ids32"}, %x: tensor<2x3x4xf32> {qc.name = "x"}, %sel: tensor<3xi64> {qc.name = "sel"}) -> (tensor<2x3x4xf32> {qc.name = "y"}, tensor<4x4xf32> {qc.name = "y32"}, tensor<2x2x3xf32> {qc.name = "yaxis"}, tensor<6xi64> {qc.name = "flat"}, tensor<2x3x4xf32> {qc.name = "yrows"}) {
  %t = qc.constant dense<[[ 0.69551975 , -0.9794742  , -1.5734904  , -2.9249706  ], [-0.35323218 ,  1.2476064  ,  0.033072624,  0.51184404 ], [ 1.0232382  , -0.8821458  ,  2.6522868  , -0.87690824 ], [ 0.37355307 ,  2.7395809  , -0.11425241 ,  0.114294514], [-0.51187956 ,  0.33452648 , -2.1266837  , -0.64680874 ], [ 1.6940932  ,  0.21132614 , -0.24039851 ,  0.3729285  ], [ 0.4146068  ,  0.15210326 ,  0.5785879  , -1.6595968  ], [ 0.5912553  , -0.67352676 ,  0.78580266 , -0.021246698], [-0.99818283 , -0.07213099 , -1.0070802  ,  1.0127318  ], [-0.028598262,  0.8530917  , -1.115056   ,  1.6194173  ]]> : tensor<10x4xf32>
  %t3 = qc.constant dense<[[[-0.3010613 ,  1.3652658 ,  0.85405135],  [-1.1009451 ,  0.32315448, -0.5424503 ],  [ 0.4093645 ,  1.4324785 ,  0.6886708 ],  [ 1.067936  , -1.1715695 ,  0.20394519],  [ 0.35907176,  1.0888977 , -0.61942333],  [ 0.5687861 ,  0.4294713 , -1.5243183 ],  [-1.0397234 ,  0.4446708 , -1.176568  ]], [[-1.2269164 ,  0.89524   ,  0.2855663 ],  [-0.23515624,  0.10549359, -0.40452582],  [-0.5369294 , -0.46058843,  0.3860619 ],  [ 1.3213037 , -0.47075686, -0.06865728],  [-0.2182781 , -1.2600278 ,  0.25194138],  [ 0.8667654 , -0.843685  ,  0.83309734],  [-0.5716676 ,  1.1513005 ,  1.2158656 ]]]> : tensor<2x7x3xf32>
  %g = qc.gather %t, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %y = qc.add %g, %x : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %y32 = qc.gather %t, %ids32 {axis = 0 : i64} : (tensor<10x4xf32>, tensor<4xi32>) -> tensor<4x4xf32>
  %s = qc.slice %ids32 {starts = array<i64: 1>, ends = array<i64: 3>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<4xi32>) -> tensor<2xi32>
  %ya = qc.gather %t3, %s {axis = -2 : i64} : (tensor<2x7x3xf32>, tensor<2xi32>) -> tensor<2x2x3xf32>
  %flat = qc.reshape %ids {shape = array<i64: 6>} : (tensor<2x3xi64>) -> tensor<6xi64>
  %yr = qc.gather %y, %sel {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %y, %y32, %ya, %flat, %yr : tensor<2x3x4xf32>, tensor<4x4xf32>, tensor<2x2x3xf32>, tensor<6xi64>, tensor<2x3x4xf32>
}
