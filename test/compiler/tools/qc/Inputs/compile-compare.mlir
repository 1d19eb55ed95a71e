// qc.compare and qc.select for qc compile vs the reference executor
// (compile-compare.test): a causal-style mask from run-time int64 positions
// and lengths (broadcast [6] vs [2, 1, 1]) selecting the scores or -inf; a
// threshold `x > 0.5` (a scalar constant); `x == x`, false at NaN; int64
// comparisons and an int64 select; a constant bool mask; every predicate.
func.func @main(%x: tensor<2x4x6xf32> {qc.name = "x"}, %pos: tensor<6xi64> {qc.name = "pos"}, %len: tensor<2x1x1xi64> {qc.name = "len"}) -> (tensor<2x4x6xf32> {qc.name = "masked"}, tensor<2x4x6xf32> {qc.name = "thr"}, tensor<2x4x6xf32> {qc.name = "nanfix"}, tensor<6xi64> {qc.name = "posm"}, tensor<2x4x6xf32> {qc.name = "cmask"}, tensor<2x4x6xf32> {qc.name = "le"}) {
  %ninf = qc.constant dense<0xFF800000> : tensor<1xf32>
  %half = qc.constant dense<0.5> : tensor<f32>
  %zero = qc.constant dense<0.0> : tensor<f32>
  %seven = qc.constant dense<7.0> : tensor<f32>
  %three = qc.constant dense<3> : tensor<i64>
  %neg = qc.constant dense<-1> : tensor<1xi64>
  %cm = qc.constant dense<[[true, false, true, true, false, false], [false, false, false, false, true, true], [true, true, true, true, true, true], [false, true, false, true, false, true]]> : tensor<4x6xi1>
  %m = qc.compare %pos, %len {predicate = "lt"} : (tensor<6xi64>, tensor<2x1x1xi64>) -> tensor<2x1x6xi1>
  %masked = qc.select %m, %x, %ninf : (tensor<2x1x6xi1>, tensor<2x4x6xf32>, tensor<1xf32>) -> tensor<2x4x6xf32>
  %g = qc.compare %x, %half {predicate = "gt"} : (tensor<2x4x6xf32>, tensor<f32>) -> tensor<2x4x6xi1>
  %thr = qc.select %g, %x, %zero : (tensor<2x4x6xi1>, tensor<2x4x6xf32>, tensor<f32>) -> tensor<2x4x6xf32>
  %e = qc.compare %x, %x {predicate = "eq"} : (tensor<2x4x6xf32>, tensor<2x4x6xf32>) -> tensor<2x4x6xi1>
  %nanfix = qc.select %e, %x, %seven : (tensor<2x4x6xi1>, tensor<2x4x6xf32>, tensor<f32>) -> tensor<2x4x6xf32>
  %ge = qc.compare %pos, %three {predicate = "ge"} : (tensor<6xi64>, tensor<i64>) -> tensor<6xi1>
  %posm = qc.select %ge, %pos, %neg : (tensor<6xi1>, tensor<6xi64>, tensor<1xi64>) -> tensor<6xi64>
  %cmask = qc.select %cm, %x, %masked : (tensor<4x6xi1>, tensor<2x4x6xf32>, tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %l = qc.compare %thr, %x {predicate = "le"} : (tensor<2x4x6xf32>, tensor<2x4x6xf32>) -> tensor<2x4x6xi1>
  %le = qc.select %l, %nanfix, %ninf : (tensor<2x4x6xi1>, tensor<2x4x6xf32>, tensor<1xf32>) -> tensor<2x4x6xf32>
  return %masked, %thr, %nanfix, %posm, %cmask, %le : tensor<2x4x6xf32>, tensor<2x4x6xf32>, tensor<2x4x6xf32>, tensor<6xi64>, tensor<2x4x6xf32>, tensor<2x4x6xf32>
}
