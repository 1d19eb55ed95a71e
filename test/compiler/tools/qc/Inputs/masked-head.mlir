// A masked score head for qc.compare / qc.select in a quantized program
// (compile-compare.test): scores = linear(x), a length mask from run-time
// int64 positions and lengths (Less), Where(mask, scores, -10), softmax,
// linear. The quantizers quantize the linears and the softmax; the
// comparison and the select stay float between them.
func.func @main(%x: tensor<2x6x8xf32> {qc.name = "x"}, %pos: tensor<2x1x6xi64> {qc.name = "pos"}, %len: tensor<2x1x1xi64> {qc.name = "len"}) -> (tensor<2x6x4xf32> {qc.name = "y"}) {
  %w1 = qc.constant dense<[[-8.691332e-01, -6.683214e-01, -6.805534e-01, -1.758086e-01, -1.156291e+00, -9.444860e-02, -4.786146e-01,  4.468001e-01], [ 4.784236e-01,  6.961291e-01,  3.837351e-01, -2.651489e-02,  4.298970e-01,  7.527406e-01, -3.267973e-01,  3.051756e-01], [-2.133691e-02,  7.200084e-01, -4.184475e-01, -1.507733e-01,  1.811693e-01,  1.290551e-01, -8.197240e-01,  1.800776e-01], [-5.924885e-02, -1.198739e-01, -7.765083e-02,  1.094858e-01, -9.081978e-01,  7.762333e-01, -4.307208e-01, -1.120684e+00], [-4.098725e-02,  7.287402e-01, -2.593005e-01,  7.756378e-01,  7.784710e-01, -4.313660e-01, -1.232560e+00, -6.175914e-01], [ 5.937161e-01, -4.083861e-01, -7.553387e-01, -6.688473e-01,  9.007211e-05, -1.305424e-02,  4.360225e-01,  4.945250e-01]]> : tensor<6x8xf32>
  %b1 = qc.constant dense<[-0.093225, -0.015676, -0.113393,  0.007189, -0.115061, -0.120025]> : tensor<6xf32>
  %w2 = qc.constant dense<[[ 1.061711,  0.016194,  0.321589,  1.269049,  0.392919, -0.057071], [ 0.027295, -0.372246,  0.547169, -0.165139,  0.881373, -0.172379], [-0.176811, -0.209689,  0.312847,  0.093468,  0.685716, -0.276675], [ 0.145119,  0.968981, -0.120191,  0.266306,  0.785941,  0.276723]]> : tensor<4x6xf32>
  %b2 = qc.constant dense<[-0.063451, -0.206235,  0.239316,  0.043031]> : tensor<4xf32>
  %ninf = qc.constant dense<-10.0> : tensor<f32>
  %s = qc.linear %x, %w1, %b1 : (tensor<2x6x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<2x6x6xf32>
  %m = qc.compare %pos, %len {predicate = "lt"} : (tensor<2x1x6xi64>, tensor<2x1x1xi64>) -> tensor<2x1x6xi1>
  %ms = qc.select %m, %s, %ninf : (tensor<2x1x6xi1>, tensor<2x6x6xf32>, tensor<f32>) -> tensor<2x6x6xf32>
  %p = qc.softmax %ms {axis = -1 : i64} : tensor<2x6x6xf32>
  %y = qc.linear %p, %w2, %b2 : (tensor<2x6x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<2x6x4xf32>
  return %y : tensor<2x6x4xf32>
}
