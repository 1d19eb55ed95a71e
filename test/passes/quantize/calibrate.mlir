// RUN: rm -rf %t && %python %S/Inputs/make_calib_data.py %t
// RUN: qc-opt %s --qc-calibrate="data=%t/x.npy" --split-input-file | FileCheck %s --check-prefix=ALL
// RUN: qc-opt %s --qc-calibrate="data=%t/dir" --split-input-file | FileCheck %s --check-prefix=ALL
// RUN: qc-opt %s --qc-calibrate="data=%t/x.npy max-samples=1" --split-input-file | FileCheck %s --check-prefix=FIRST
// RUN: qc-opt %s --qc-calibrate="data=%t/x.npy observer=histogram" --split-input-file | FileCheck %s --check-prefix=HIST

// Activation: min/max over all samples -1 and 3, ui8 affine: scale =
// 4 / 255, zero point = round(1 / scale) = round(63.75) = 64. Weight
// (per channel, symmetric, [-127, 127]): max |w| / 127 = 2 / 127, 4 / 127;
// weights are observed once and keep their own observer kind under an
// activation override. The first sample alone has range [-1, 2]: 3 / 255,
// zero point round(85) = 85.
// With the histogram observer the activation gets PyTorch 1.13's
// HistogramObserver result for the same three updates (computed with torch:
// scale 0.0157092381, zero point 64).
// ALL-LABEL: func.func @linear
// ALL: qc.observe %{{.*}} {id = 0 : i64, scale = array<f32: 0.0156862754>, {{.*}}, zero_point = array<i64: 64>}
// ALL: qc.observe %{{.*}} {id = 1 : i64, scale = array<f32: 0.0157480314, 0.0314960629>, {{.*}}, zero_point = array<i64: 0, 0>}
// FIRST-LABEL: func.func @linear
// FIRST: qc.observe %{{.*}} {id = 0 : i64, scale = array<f32: 0.0117647061>, {{.*}}, zero_point = array<i64: 85>}
// FIRST: qc.observe %{{.*}} {id = 1 : i64, scale = array<f32: 0.0157480314, 0.0314960629>
// HIST-LABEL: func.func @linear
// HIST: qc.observe %{{.*}} {id = 0 : i64, scale = array<f32: 0.0157092381>, spec = #qc.spec<{{.*}}observer = "minmax">, zero_point = array<i64: 64>}
// HIST: qc.observe %{{.*}} {id = 1 : i64, scale = array<f32: 0.0157480314, 0.0314960629>
func.func @linear(%x: tensor<1x4xf32> {qc.name = "x"}) -> tensor<1x2xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x4xf32>
  %w = qc.constant dense<[[1.0, -2.0, 0.5, 0.0], [4.0, 0.5, 0.25, -2.0]]> : tensor<2x4xf32>
  %1 = qc.observe %w {id = 1 : i64, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">} : tensor<2x4xf32>
  %2 = qc.linear %0, %1 : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}


// -----

// How a spec's range maps to PyTorch's observer configuration (expected
// values: torch.ao.quantization.MinMaxObserver on the same three samples):
// ui8 [0, 127] is reduce_range (scale 0.0314960629, zp 32); i8 [-64, 63]
// symmetric is reduce_range (0.0472440943, 0); ui8 [0, 255] symmetric is the
// default range (zp 128); ui8 [0, 200] symmetric is a custom range (zp
// 100, the midpoint); i8 [-100, 100] affine a custom range (0.02, -50).
// ALL-LABEL: func.func @ranges
// ALL: id = 0 : i64, scale = array<f32: 0.0314960629>, {{.*}}, zero_point = array<i64: 32>
// ALL: id = 1 : i64, scale = array<f32: 0.0472440943>, {{.*}}, zero_point = array<i64: 0>
// ALL: id = 2 : i64, scale = array<f32: 0.0235294122>, {{.*}}, zero_point = array<i64: 128>
// ALL: id = 3 : i64, scale = array<f32: 3.000000e-02>, {{.*}}, zero_point = array<i64: 100>
// ALL: id = 4 : i64, scale = array<f32: 2.000000e-02>, {{.*}}, zero_point = array<i64: -50>
func.func @ranges(%x: tensor<1x4xf32> {qc.name = "x"}) -> tensor<1x4xf32> {
  %0 = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric = false, observer = "minmax">} : tensor<1x4xf32>
  %1 = qc.observe %0 {id = 1 : i64, spec = #qc.spec<dtype = i8, quant_min = -64, quant_max = 63, symmetric = true, observer = "minmax">} : tensor<1x4xf32>
  %2 = qc.observe %1 {id = 2 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = true, observer = "minmax">} : tensor<1x4xf32>
  %3 = qc.observe %2 {id = 3 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 200, symmetric = true, observer = "minmax">} : tensor<1x4xf32>
  %4 = qc.observe %3 {id = 4 : i64, spec = #qc.spec<dtype = i8, quant_min = -100, quant_max = 100, symmetric = false, observer = "minmax">} : tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
