// RUN: qc-opt %s --qc-annotate="quantizer=my_npu plugins=%t.does-not-exist.so" -verify-diagnostics

// expected-error-re@+1 {{cannot load quantizer plugin '{{.*}}.does-not-exist.so': {{.*}}No such file or directory}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
