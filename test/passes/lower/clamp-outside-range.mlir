// A clamp whose whole range lies outside what the quantize after it can hold
// (found by test/difftest, seed 26: clamp(0.78, 4.6) before a quantize of
// scale 1.2e-5 into i8): every value saturates, so the integer op's clamp
// range is the single value qmax (qmin), not a refusal; a bound so large that
// bound / scale overflows f32 (3e38 / 0.001) gives the same instead of a
// cast of infinity to int64 (undefined; it produced clamp_min = INT64_MIN,
// which the verifier rejected). The integer program, the Q/DQ program and
// the compiled code agree.
// RUN: qc-opt %s --qc-lower-to-integer | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; r = np.random.default_rng(3); np.save('%t/a.npy', r.integers(-128, 128, (1, 8)).astype(np.int8)); np.save('%t/b.npy', r.integers(-128, 128, (1, 8)).astype(np.int8))"
// RUN: qc-opt %s --qc-lower-to-integer -o %t/int.mlir
// RUN: qc run %s --input a=%t/a.npy --input b=%t/b.npy --output-dir %t/qdq
// RUN: qc run %t/int.mlir --input a=%t/a.npy --input b=%t/b.npy --output-dir %t/int
// RUN: qc run %t/int.mlir --compiled --input a=%t/a.npy --input b=%t/b.npy --output-dir %t/native
// RUN: %python -c "import numpy as np, sys; [np.testing.assert_array_equal(np.load('%t/qdq/%%s.npy' %% n), np.load('%t/%%s/%%s.npy' %% (d, n))) for n in ('above', 'huge', 'below') for d in ('int', 'native')]; print(np.load('%t/int/above.npy').tolist(), np.load('%t/int/huge.npy').tolist(), np.load('%t/int/below.npy').tolist())" | FileCheck %s --check-prefix=VALUES

// CHECK-LABEL: func.func @main
// CHECK: qc.qmul {{.*}}{clamp_max = 127 : i64, clamp_min = 127 : i64
// CHECK: qc.qadd {{.*}}{clamp_max = 127 : i64, clamp_min = 127 : i64
// CHECK: qc.qadd {{.*}}{clamp_max = 0 : i64, clamp_min = 0 : i64
// CHECK-NOT: qc.clamp
// VALUES: {{\[\[127, 127, 127, 127, 127, 127, 127, 127\]\] \[\[127, 127, 127, 127, 127, 127, 127, 127\]\] \[\[0, 0, 0, 0, 0, 0, 0, 0\]\]}}
func.func @main(%a: tensor<1x8xi8> {qc.name = "a"}, %b: tensor<1x8xi8> {qc.name = "b"})
    -> (tensor<1x8xi8> {qc.name = "above"}, tensor<1x8xi8> {qc.name = "huge"}, tensor<1x8xui8> {qc.name = "below"}) {
  %af = qc.dequantize %a {scale = array<f32: 0.05>, zero_point = array<i64: 3>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %bf = qc.dequantize %b {scale = array<f32: 0.02>, zero_point = array<i64: -7>} : (tensor<1x8xi8>) -> tensor<1x8xf32>
  %m = qc.mul %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %mc = qc.clamp %m {max = 4.6 : f32, min = 0.78 : f32} : tensor<1x8xf32>
  %mq = qc.quantize %mc {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 1.2e-05>, zero_point = array<i64: -128>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  %s = qc.add %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %sc = qc.clamp %s {max = 3.4e38 : f32, min = 3.0e38 : f32} : tensor<1x8xf32>
  %sq = qc.quantize %sc {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.001>, zero_point = array<i64: 0>} : (tensor<1x8xf32>) -> tensor<1x8xi8>
  %t = qc.add %af, %bf : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %tc = qc.clamp %t {max = -20.0 : f32, min = -30.0 : f32} : tensor<1x8xf32>
  %tq = qc.quantize %tc {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.01>, zero_point = array<i64: 10>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  return %mq, %sq, %tq : tensor<1x8xi8>, tensor<1x8xi8>, tensor<1x8xui8>
}
