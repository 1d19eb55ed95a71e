// Requantize multipliers at the extremes, on every target difftest.py runs
// here (x86 natively, AArch64 under qemu): float(acc) * m overflows f32 to
// +-inf (m up to ~1e36: scales 1e4 x 1e4 / 1e-28, a per-channel weight scale
// of 3e10) or underflows to denormals and zero (m ~1e-35), in qc.qadd,
// qc.qmul, qc.qconv2d (1x1, weights at -128 / 127), qc.qavg_pool2d,
// qc.qrequantize (concat) and qc.qlinear. The compiled code must clamp the
// infinities as the reference executor does (clamp on floats, then narrow),
// not convert them to int32 first. Random inputs from seed 1.
// RUN: %python %S/../difftest.py --qc qc --qc-opt qc-opt --program %s --threads 2 --work %t | FileCheck %s
// CHECK: fully integer after qc-lower-to-integer: 1 of 1
// CHECK: mismatching graphs: 0, failing graphs: 0
func.func @main(%a: tensor<1x4x3x3xi8> {qc.name = "a"}, %b: tensor<1x4x3x3xui8> {qc.name = "b"}, %x: tensor<1x36xui8> {qc.name = "x"})
    -> (tensor<1x4x3x3xi8> {qc.name = "add"}, tensor<1x4x3x3xui8> {qc.name = "mul"}, tensor<1x5x3x3xi8> {qc.name = "conv"},
        tensor<1x4x2x2xui8> {qc.name = "avg"}, tensor<1x8x3x3xi8> {qc.name = "cat"}, tensor<1x3xi8> {qc.name = "fc"},
        tensor<1x4x3x3xi8> {qc.name = "addtiny"}, tensor<1x5x3x3xui8> {qc.name = "convtiny"}) {
  %af = qc.dequantize %a {scale = array<f32: 1.0e4>, zero_point = array<i64: 3>} : (tensor<1x4x3x3xi8>) -> tensor<1x4x3x3xf32>
  %bf = qc.dequantize %b {scale = array<f32: 2.0e4>, zero_point = array<i64: 128>} : (tensor<1x4x3x3xui8>) -> tensor<1x4x3x3xf32>
  %s = qc.add %af, %bf : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %sq = qc.quantize %s {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.0e-30>, zero_point = array<i64: 5>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xi8>
  %m = qc.mul %af, %bf : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %mq = qc.quantize %m {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0e-28>, zero_point = array<i64: 100>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xui8>
  %w = qc.constant dense<[[[[127]], [[-128]], [[5]], [[-3]]], [[[1]], [[1]], [[1]], [[1]]], [[[-128]], [[-128]], [[-128]], [[-128]]], [[[0]], [[0]], [[0]], [[0]]], [[[100]], [[-100]], [[50]], [[-50]]]]> : tensor<5x4x1x1xi8>
  %wf = qc.dequantize %w {scale = array<f32: 1.0e4>, zero_point = array<i64: 0>} : (tensor<5x4x1x1xi8>) -> tensor<5x4x1x1xf32>
  %c = qc.conv2d %af, %wf {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<5x4x1x1xf32>) -> tensor<1x5x3x3xf32>
  %cq = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.0e-28>, zero_point = array<i64: -1>} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xi8>
  %p = qc.avg_pool2d %af {ceil_mode = false, count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x2x2xf32>
  %pq = qc.quantize %p {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0e-34>, zero_point = array<i64: 128>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xui8>
  %cat = qc.concat %af, %bf {axis = 1 : i64} : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x8x3x3xf32>
  %catq = qc.quantize %cat {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.0e-34>, zero_point = array<i64: 0>} : (tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xi8>
  %fl = qc.dequantize %x {scale = array<f32: 1.0e4>, zero_point = array<i64: 255>} : (tensor<1x36xui8>) -> tensor<1x36xf32>
  %lw = qc.constant dense<77> : tensor<3x36xi8>
  %lwf = qc.dequantize %lw {axis = 0 : i64, scale = array<f32: 1.0e4, 1.0e-4, 3.0e10>, zero_point = array<i64: 0, 0, 0>} : (tensor<3x36xi8>) -> tensor<3x36xf32>
  %l = qc.linear %fl, %lwf : (tensor<1x36xf32>, tensor<3x36xf32>) -> tensor<1x3xf32>
  %lq = qc.quantize %l {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.0e-20>, zero_point = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<1x3xi8>
  %at = qc.dequantize %a {scale = array<f32: 1.0e-20>, zero_point = array<i64: 3>} : (tensor<1x4x3x3xi8>) -> tensor<1x4x3x3xf32>
  %bt = qc.dequantize %b {scale = array<f32: 1.0e-20>, zero_point = array<i64: 128>} : (tensor<1x4x3x3xui8>) -> tensor<1x4x3x3xf32>
  %st = qc.add %at, %bt : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %stq = qc.quantize %st {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.0e20>, zero_point = array<i64: -7>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xi8>
  %wt = qc.dequantize %w {scale = array<f32: 1.0e-15>, zero_point = array<i64: 0>} : (tensor<5x4x1x1xi8>) -> tensor<5x4x1x1xf32>
  %ct = qc.conv2d %at, %wt {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<5x4x1x1xf32>) -> tensor<1x5x3x3xf32>
  %ctq = qc.quantize %ct {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 1.0e3>, zero_point = array<i64: 9>} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xui8>
  return %sq, %mq, %cq, %pq, %catq, %lq, %stq, %ctq : tensor<1x4x3x3xi8>, tensor<1x4x3x3xui8>, tensor<1x5x3x3xi8>, tensor<1x4x2x2xui8>, tensor<1x8x3x3xi8>, tensor<1x3xi8>, tensor<1x4x3x3xi8>, tensor<1x5x3x3xui8>
}
