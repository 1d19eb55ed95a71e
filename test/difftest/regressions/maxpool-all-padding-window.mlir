// test/difftest seed 1070 (tanh table -> transpose -> max pool -> conv),
// reduced: a max pool whose window covers only padding (height 1, kernel 2
// with dilation 2, pads 1 / 1: taps at rows -1 and 1). The float pool gives
// -inf and quantize(-inf) = qmin; the compiled code gave qmin, but the
// reference executor's integer pool cast -inf to int32 (undefined: INT32_MIN,
// which printed as 0 and made the next conv's accumulator overflow). Now the
// reference gives the type's minimum too: the Q/DQ program, the integer
// program and the compiled code on every target agree.
// RUN: %python %S/../difftest.py --qc qc --qc-opt qc-opt --program %s --threads 2 --work %t | FileCheck %s
// RUN: qc run %s --input x=%t/g1/in/x.npy --input u=%t/g1/in/u.npy --output-dir %t/qdq
// RUN: %python -c "import numpy as np; [np.testing.assert_array_equal(np.load('%t/qdq/%%s.npy' %% n), np.load('%t/g1/ref/%%s.npy' %% n)) for n in ('pool', 'pool_u8', 'conv')]; print(np.load('%t/g1/ref/pool.npy').ravel().tolist(), np.load('%t/g1/ref/pool_u8.npy').ravel().tolist())" | FileCheck %s --check-prefix=VALUES
// CHECK: fully integer after qc-lower-to-integer: 1 of 1
// CHECK: mismatching graphs: 0, failing graphs: 0
// VALUES: [-128, -128, -128, -128, -128, -128] [0, 0, 0, 0, 0, 0]
func.func @main(%x: tensor<1x2x1x3xi8> {qc.name = "x"}, %u: tensor<1x2x1x3xui8> {qc.name = "u"})
    -> (tensor<1x2x1x3xi8> {qc.name = "pool"}, tensor<1x2x1x3xui8> {qc.name = "pool_u8"}, tensor<1x3x1x3xi8> {qc.name = "conv"}) {
  %xf = qc.dequantize %x {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x3xi8>) -> tensor<1x2x1x3xf32>
  %p = qc.max_pool2d %xf {ceil_mode = false, dilations = array<i64: 2, 1>, kernel = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  %q = qc.quantize %p {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xi8>
  %uf = qc.dequantize %u {scale = array<f32: 0.02>, zero_point = array<i64: 200>} : (tensor<1x2x1x3xui8>) -> tensor<1x2x1x3xf32>
  %pu = qc.max_pool2d %uf {ceil_mode = false, dilations = array<i64: 2, 1>, kernel = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  %qu = qc.quantize %pu {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.02>, zero_point = array<i64: 200>} : (tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x2x1x3xi8>) -> tensor<1x2x1x3xf32>
  %w = qc.constant dense<[[[[1]], [[-2]]], [[[127]], [[-128]]], [[[3]], [[5]]]]> : tensor<3x2x1x1xi8>
  %wf = qc.dequantize %w {scale = array<f32: 0.01>, zero_point = array<i64: 0>} : (tensor<3x2x1x1xi8>) -> tensor<3x2x1x1xf32>
  %c = qc.conv2d %d, %wf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x3xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x1x3xf32>
  %cq = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.02>, zero_point = array<i64: -5>} : (tensor<1x3x1x3xf32>) -> tensor<1x3x1x3xi8>
  return %q, %qu, %cq : tensor<1x2x1x3xi8>, tensor<1x2x1x3xui8>, tensor<1x3x1x3xi8>
}
