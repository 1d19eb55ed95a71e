// Errors of the weight-side corrections (qc-smooth-quant, qc-bias-correction
// and the quantizer options cle / bias_correction / smoothquant).
// RUN: qc-opt %s --split-input-file --verify-diagnostics --qc-smooth-quant="alpha=1.5"
// RUN: not qc-opt %s --qc-smooth-quant="alpha=0.5" 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not qc-opt %s --qc-annotate="quantizer=x86,smoothquant=2" 2>&1 | FileCheck %s --check-prefix=ALPHA
// RUN: not qc-opt %s --qc-annotate="quantizer=x86,cle[/fc/]=1" 2>&1 | FileCheck %s --check-prefix=PERNODE
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.ones((4, 4), np.float32))"
// RUN: not qc-opt %s --qc-annotate="quantizer=xnnpack,bias_correction=1" --qc-prepare --qc-calibrate="data=%t.npy" --qc-bias-correction 2>&1 | FileCheck %s --check-prefix=BCDATA

// ALPHA: error: quantizer 'x86': option 'smoothquant' expects an alpha in [0, 1] (0: off), got '2'
// PERNODE: error: {{.*}}quantizer 'x86': op 'fc' (linear): option 'cle' applies to the whole model; a per-node value (cle[...]=1) is not supported
// BCDATA: error: bias_correction=1 (quantizer 'xnnpack') needs calibration data: the shift is measured on it
// NODATA: smoothquant needs calibration data

// expected-error@+1 {{smoothquant: alpha must be in [0, 1], got 1.5}}
func.func @fc(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = qc.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 0.0, 1.0, 2.0]]> : tensor<3x4xf32>
  %b = qc.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %0 = qc.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("fc")
  return %0 : tensor<2x3xf32>
}
