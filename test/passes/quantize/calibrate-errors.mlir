// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: not qc-opt %s --qc-calibrate="data=%t/x_rank2.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not qc-opt %s --qc-calibrate="data=%t/x_f64.npy" 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not qc-opt %s --qc-calibrate="data=%t/x_empty.npy" 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not qc-opt %s --qc-calibrate="data=%t/empty_dir" 2>&1 | FileCheck %s --check-prefix=EMPTYDIR
// RUN: not qc-opt %s --qc-calibrate="data=%t/x.npy max-samples=0" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not qc-opt %s --qc-calibrate="data=%t/x_nan.npy" 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not qc-opt %s --qc-calibrate 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not qc-opt %s --qc-calibrate="data=%t/nope.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qc-opt %s --qc-calibrate="data=%t/two_missing.npz" 2>&1 | FileCheck %s --check-prefix=NPZ
// A file of a directory may hold several batches of the static batch size
// (here 2 rows for a batch of 1): fed one batch at a time, no error.
// RUN: qc-opt %s --qc-calibrate="data=%t/dir_batch2" 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: not qc-opt %s --qc-calibrate="data=%t/x.npy observer=median" 2>&1 | FileCheck %s --check-prefix=OBSERVER
// RUN: not qc-opt %s --qc-calibrate="data=%t/x.npy observer=per_channel_minmax" 2>&1 | FileCheck %s --check-prefix=PERCHANNEL

// SHAPE: x_rank2.npy:0:0: error: calibration data for input 'x' has shape [3, 2]; expected [N, 4] (N samples along axis 0) for input type 'tensor<1x4xf32>'
// DTYPE: x_f64.npy:0:0: error: calibration data for input 'x' is float64, expected float32 (input type tensor<1x4xf32>); convert it with arr.astype(np.float32)
// EMPTY: x_empty.npy:0:0: error: no calibration samples: the data has 0 rows
// EMPTYDIR: empty_dir:0:0: error: no calibration samples: the directory has no .npy or .npz files
// ZERO: error: no calibration samples: the sample limit is 0
// The error is at the observer's op (an ONNX node's name in imported models).
// NAN: error: loc("conv1"): observer '0' (minmax): input of shape [1, 4] contains 1 non-finite value(s) (NaN/Inf) out of 4; first at flat index 1 (nan); statistics left unchanged (calibration data: x_nan.npy row 1)
// NODATA: error: qc-calibrate needs data=PATH (.npy, .npz or a directory)
// MISSING: nope.npy:0:0: error: no such calibration file or directory
// NPZ: two_missing.npz:0:0: error: no array named 'x' for input 'x' (arrays: a; inputs: x (tensor<1x4xf32>))
// BATCH-NOT: error
// OBSERVER: error: invalid activation observer: unknown observer 'median'
// PERCHANNEL: error: invalid activation observer: observer 'per_channel_minmax' is per-channel; activations take a per-tensor observer
func.func @linear(%x: tensor<1x4xf32> {qc.name = "x"}) -> tensor<1x2xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x4xf32> loc("conv1")
  %w = qc.constant dense<[[1.0, -2.0, 0.5, 0.0], [4.0, 0.5, 0.25, -2.0]]> : tensor<2x4xf32>
  %1 = qc.observe %w {id = 1 : i64, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">} : tensor<2x4xf32>
  %2 = qc.linear %0, %1 : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}
