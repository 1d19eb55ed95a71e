// Batching: rows of an .npy feed the batch dimension. A moving-average
// observer sees one update per run, so its qparams show the batching
// (expected values: torch.ao.quantization.MovingAverageMinMaxObserver fed
// the same rows in the same batches).
// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: qc-opt %s --qc-calibrate="data=%t/x2d.npy" | FileCheck %s --check-prefix=B1
// RUN: qc-opt %s --qc-calibrate="data=%t/x2d.npy batch-size=2" | FileCheck %s --check-prefix=B2

// Dynamic batch: one row per run by default (scale 0.011745099, zp 84),
// batches of 2 then 1 with batch-size=2 (0.0156274512, 64).
// B1-LABEL: func.func @dynamic
// B1: scale = array<f32: 0.011745099>, {{.*}}, zero_point = array<i64: 84>
// B2-LABEL: func.func @dynamic
// B2: scale = array<f32: 0.0156274512>, {{.*}}, zero_point = array<i64: 64>
func.func @dynamic(%x: tensor<?x4xf32> {qc.name = "x"}) -> tensor<?x4xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "moving_average_minmax">} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

