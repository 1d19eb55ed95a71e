// compile-float-elementwise.test, e2e.compiled_aarch64.float_elementwise:
// the ONNX math ops of passes/Codegen/FloatElementwise.cpp on 4099 elements
// (whole vectors of 4, 8 or 16 lanes and a tail): abs, neg, exp, log,
// reciprocal, floor, ceil, round, leaky_relu; max / min of neighbouring
// elements (NaN against numbers); max / min against a broadcast [1, 1]
// tensor and a [4099] constant row; prelu of a [1, 16, 16, 16] slice with a
// per-channel [16, 1, 1] slope (the broadcasting path). One output y, the
// results flattened one after another.
func.func @main(%x: tensor<1x4099xf32> {qc.name = "x"}) -> (tensor<1x65579xf32> {qc.name = "y"}) {
  %abs = qc.abs %x : tensor<1x4099xf32>
  %neg = qc.neg %x : tensor<1x4099xf32>
  %exp = qc.exp %x : tensor<1x4099xf32>
  %log = qc.log %x : tensor<1x4099xf32>
  %rcp = qc.reciprocal %x : tensor<1x4099xf32>
  %flo = qc.floor %x : tensor<1x4099xf32>
  %cei = qc.ceil %x : tensor<1x4099xf32>
  %rnd = qc.round %x : tensor<1x4099xf32>
  %lre = qc.leaky_relu %x {alpha = 0.1 : f32} : tensor<1x4099xf32>
  %a = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 4098>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<1x4099xf32>) -> tensor<1x4098xf32>
  %b = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 4099>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<1x4099xf32>) -> tensor<1x4098xf32>
  %max = qc.max %a, %b : (tensor<1x4098xf32>, tensor<1x4098xf32>) -> tensor<1x4098xf32>
  %min = qc.min %a, %b : (tensor<1x4098xf32>, tensor<1x4098xf32>) -> tensor<1x4098xf32>
  %one = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 3040>, starts = array<i64: 3039>, steps = array<i64: 1>} : (tensor<1x4099xf32>) -> tensor<1x1xf32>
  %bmax = qc.max %x, %one : (tensor<1x4099xf32>, tensor<1x1xf32>) -> tensor<1x4099xf32>
  %bmin = qc.min %one, %x : (tensor<1x1xf32>, tensor<1x4099xf32>) -> tensor<1x4099xf32>
  %zero = qc.constant dense<0.0> : tensor<4099xf32>
  %cmax = qc.max %x, %zero : (tensor<1x4099xf32>, tensor<4099xf32>) -> tensor<1x4099xf32>
  %cmin = qc.min %zero, %x : (tensor<4099xf32>, tensor<1x4099xf32>) -> tensor<1x4099xf32>
  %s = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 4099>, starts = array<i64: 3>, steps = array<i64: 1>} : (tensor<1x4099xf32>) -> tensor<1x4096xf32>
  %s4 = qc.reshape %s {shape = array<i64: 1, 16, 16, 16>} : (tensor<1x4096xf32>) -> tensor<1x16x16x16xf32>
  %slope = qc.constant dense<[[[0.25]], [[-0.5]], [[1.5]], [[0.0]], [[-0.0]], [[0.125]], [[2.0]], [[-3.0]], [[0.01]], [[0.2]], [[0.3]], [[0.4]], [[0.6]], [[0.7]], [[0.8]], [[0.9]]]> : tensor<16x1x1xf32>
  %pr = qc.prelu %s4, %slope : (tensor<1x16x16x16xf32>, tensor<16x1x1xf32>) -> tensor<1x16x16x16xf32>
  %prf = qc.reshape %pr {shape = array<i64: 1, 4096>} : (tensor<1x16x16x16xf32>) -> tensor<1x4096xf32>
  %y = qc.concat %abs, %neg, %exp, %log, %rcp, %flo, %cei, %rnd, %lre, %max, %min, %bmax, %bmin, %cmax, %cmin, %prf {axis = 1 : i64} : (tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4098xf32>, tensor<1x4098xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4099xf32>, tensor<1x4096xf32>) -> tensor<1x65579xf32>
  return %y : tensor<1x65579xf32>
}
