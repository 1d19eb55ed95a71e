// A static batch of 2 takes rows 0-1 of the [3, 4] data in one run; the
// third row cannot fill a batch and is dropped with a warning. The
// moving-average observer then has a single update: the range of rows 0-1,
// [-1, 3] (scale 4 / 255, zero point 64).
// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: qc-opt %s --qc-calibrate="data=%t/x2d.npy" 2> %t/err | FileCheck %s
// RUN: FileCheck %s --check-prefix=WARN < %t/err
// WARN: x2d.npy:0:0: warning: the last 1 of 3 samples do not fill a batch of 2 (the model's static batch size) and are not used
// CHECK-LABEL: func.func @static2
// CHECK: scale = array<f32: 0.0156862754>, {{.*}}, zero_point = array<i64: 64>
func.func @static2(%x: tensor<2x4xf32> {qc.name = "x"}) -> tensor<2x4xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "moving_average_minmax">} : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
