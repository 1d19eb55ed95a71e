// qc.qmatmul forms for compile-qmatmul.test: attention scores with K^T a
// transposed view of [2, 3, 45, 20] (rhs packed through its strides, N = 45
// over several tiles); s8 Q as a head-major view of [2, 37, 3, 20] (rows
// with stride 60) times a row-major V with relu fused (N = 70); K = 1; an
// lhs whose K is not contiguous (copied first); zero points at the limits.
func.func @main(%a: tensor<2x3x37x20xui8> {qc.name = "a"}, %kt_src: tensor<2x3x45x20xi8> {qc.name = "k"},
                %b_src: tensor<2x37x3x20xi8> {qc.name = "b"}, %v: tensor<2x3x20x70xi8> {qc.name = "v"},
                %c: tensor<5x1xui8> {qc.name = "c"}, %d: tensor<1x3xi8> {qc.name = "d"},
                %e_src: tensor<9x13xui8> {qc.name = "e"}, %f: tensor<9x4xi8> {qc.name = "f"})
    -> (tensor<2x3x37x45xui8> {qc.name = "scores"}, tensor<2x3x37x70xi8> {qc.name = "av"},
        tensor<5x3xui8> {qc.name = "k1"}, tensor<13x4xi8> {qc.name = "strided"}) {
  %kt = qc.transpose %kt_src {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x3x45x20xi8>) -> tensor<2x3x20x45xi8>
  %s = qc.qmatmul %a, %kt {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.05 : f32, lhs_zero_point = 255 : i64, output_scale = 0.9 : f32, output_zero_point = 121 : i64, rhs_scale = 0.03 : f32} : (tensor<2x3x37x20xui8>, tensor<2x3x20x45xi8>) -> tensor<2x3x37x45xui8>
  %bq = qc.transpose %b_src {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x37x3x20xi8>) -> tensor<2x3x37x20xi8>
  %av = qc.qmatmul %bq, %v {clamp_max = 127 : i64, clamp_min = -20 : i64, lhs_scale = 0.02 : f32, lhs_zero_point = -128 : i64, output_scale = 0.7 : f32, output_zero_point = -20 : i64, rhs_scale = 0.04 : f32} : (tensor<2x3x37x20xi8>, tensor<2x3x20x70xi8>) -> tensor<2x3x37x70xi8>
  %k1 = qc.qmatmul %c, %d {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.5 : f32, lhs_zero_point = 0 : i64, output_scale = 0.25 : f32, output_zero_point = 128 : i64, rhs_scale = 0.01 : f32} : (tensor<5x1xui8>, tensor<1x3xi8>) -> tensor<5x3xui8>
  %et = qc.transpose %e_src {perm = array<i64: 1, 0>} : (tensor<9x13xui8>) -> tensor<13x9xui8>
  %st = qc.qmatmul %et, %f {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_scale = 0.1 : f32, lhs_zero_point = 77 : i64, output_scale = 0.3 : f32, output_zero_point = 3 : i64, rhs_scale = 0.02 : f32} : (tensor<13x9xui8>, tensor<9x4xi8>) -> tensor<13x4xi8>
  return %s, %av, %k1, %st : tensor<2x3x37x45xui8>, tensor<2x3x37x70xi8>, tensor<5x3xui8>, tensor<13x4xi8>
}
