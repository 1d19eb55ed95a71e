// The registered pipelines: qc-ptq (as `qc quantize`), and the same in two
// halves with qc-calibrate between them.
// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: qc-opt %s --qc-ptq="quantizer=xnnpack data=%t/x.npy" | FileCheck %s
// RUN: qc-opt %s --qc-ptq-prepare="quantizer=xnnpack" --qc-calibrate="data=%t/x.npy" --qc-ptq-convert | FileCheck %s

// xnnpack observes activations with the histogram observer: for the three
// samples (range [-1, 3]) PyTorch 1.13's HistogramObserver gives scale
// 0.0157092381 (see calibrate.mlir), i8 affine zero point -64. The weight is
// per channel, symmetric in [-127, 127]: max |w| / 127 = 2 / 127, 4 / 127,
// w / s rounded half to even (63.5 -> 64, -63.5 -> -64). The bias is i32 with
// scale s_in * s_w[c]: 0.5 / 2.47389573e-4 = 2021.1, -0.25 / 4.94779146e-4 =
// -505.3. No observer or float weight is left.
// CHECK-LABEL: func.func @linear
// CHECK-NOT: qc.observe
// CHECK: qc.quantize %arg0 {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.0157092381>, zero_point = array<i64: -64>} : (tensor<1x4xf32>) -> tensor<1x4xi8>
// CHECK: qc.constant dense<{{\[}}[64, -127, 32, 0], [127, 16, 8, -64]]> : tensor<2x4xi8>
// CHECK: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 0.0157480314, 0.0314960629>
// CHECK: qc.constant dense<[2021, -505]> : tensor<2xi32>
// CHECK-NEXT: qc.dequantize %{{.*}} {axis = 0 : i64, scale = array<f32: 2.47389573E-4, 4.94779146E-4>, zero_point = array<i64: 0, 0>}
// CHECK: qc.linear
// CHECK: qc.quantize
// CHECK-NOT: qc.observe
// CHECK-NOT: xf32> = qc.constant
func.func @linear(%x: tensor<1x4xf32> {qc.name = "x"}) -> tensor<1x2xf32> {
  %w = qc.constant dense<[[1.0, -2.0, 0.5, 0.0], [4.0, 0.5, 0.25, -2.0]]> : tensor<2x4xf32>
  %b = qc.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %0 = qc.linear %x, %w, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
