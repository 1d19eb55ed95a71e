// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: qc-opt %s --qc-calibrate="data=%t/two.npz" | FileCheck %s

// Two inputs from an .npz (one array per input name, two samples each).
// Observer 0 sees a ([-2, 1], [2, 0]) and a + b ([-2, 2], [2.5, 0.25]):
// range [-2, 2.5], i8 symmetric: scale = 2.5 / 127.5, zero point 0.
// Observer 1 sees b in [0, 1], ui8 affine: scale = 1 / 255, zero point 0.
// CHECK-LABEL: func.func @two_inputs
// CHECK: qc.observe %{{.*}} {id = 0 : i64, scale = array<f32: 0.0196078438>, {{.*}}, zero_point = array<i64: 0>}
// CHECK: qc.observe %{{.*}} {id = 1 : i64, scale = array<f32: 0.00392156886>, {{.*}}, zero_point = array<i64: 0>}
// CHECK: qc.observe %{{.*}} {id = 0 : i64, scale = array<f32: 0.0196078438>, {{.*}}, zero_point = array<i64: 0>}
func.func @two_inputs(%a: tensor<1x2xf32> {qc.name = "a"}, %b: tensor<1x2xf32> {qc.name = "b"}) -> tensor<1x2xf32> {
  %0 = qc.observe %a {id = 0 : i64, spec = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">} : tensor<1x2xf32>
  %1 = qc.observe %b {id = 1 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x2xf32>
  %2 = qc.add %0, %1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %3 = qc.observe %2 {id = 0 : i64, spec = #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = true, observer = "minmax">} : tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}
