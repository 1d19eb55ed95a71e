// A selector that matches nothing is probably a typo: a warning, and the
// annotation still happens.
// RUN: qc-opt %s --qc-annotate="quantizer=x86,keep_float=conv9,per_channel[/head.*/]=0" -verify-diagnostics | FileCheck %s

// CHECK: qc.sigmoid {{.*}}qc.annotated_by = "x86"
// expected-warning@+2 {{quantizer 'x86': keep_float selector 'conv9' matches no op}}
// expected-warning@+1 {{quantizer 'x86': override 'per_channel[/head.*/]' matches no op}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32> loc("sig")
  return %s : tensor<1x8xf32>
}
