// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: not qc-opt %s --qc-calibrate="data=%t/x2d.npy batch-size=3" 2>&1 | FileCheck %s
// CHECK: x2d.npy:0:0: error: batch size 3 does not fit input 'x' ('tensor<2x4xf32>'), whose batch dimension is 2
func.func @static2(%x: tensor<2x4xf32> {qc.name = "x"}) -> tensor<2x4xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
