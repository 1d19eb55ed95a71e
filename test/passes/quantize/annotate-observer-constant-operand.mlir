// A constant operand of add / mul (a LayerNorm gamma / beta written as ops) is
// observed with minmax whatever the activation observer, and without that
// observer's options: act_observer=percentile (with percentile=P) used to be
// refused on such a model ("observer option 'percentile' does not apply to
// observer 'minmax'").
// RUN: qc-opt %s --mlir-print-local-scope --qc-annotate='quantizer=x86,act_observer=percentile,percentile=99.9' | FileCheck %s
// RUN: qc-opt %s --mlir-print-local-scope --qc-annotate='quantizer=xnnpack,act_observer=percentile' | FileCheck %s --check-prefix=XNN

// CHECK:      qc.mul {{.*}}qc.input_specs = [#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "percentile", observer_options = {percentile = 9.990000e+01 : f64}>, #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">]
// CHECK:      qc.add {{.*}}qc.input_specs = [#qc.spec<{{.*}}observer = "percentile", observer_options = {percentile = 9.990000e+01 : f64}>, #qc.spec<{{.*}}observer = "minmax">]
// XNN:        qc.mul {{.*}}qc.input_specs = [#qc.spec<{{.*}}observer = "percentile", observer_options = {eps = {{[^,]*}}, percentile = {{[^}]*}}}>, #qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax", observer_options = {eps = {{[^,}]*}}}>]
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %gamma = qc.constant dense<[1.0, 2.4, 0.9, 1.1, 1.0, 0.8, 1.2, 1.0]> : tensor<8xf32>
  %beta = qc.constant dense<0.1> : tensor<8xf32>
  %m = qc.mul %x, %gamma : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32> loc("ln/Mul")
  %a = qc.add %m, %beta : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32> loc("ln/Add")
  return %a : tensor<1x8xf32>
}
