// Written by make_compile_vector.py (compile-float-vector.test): softmax and pow on
// NaN, +-inf, -0; rows of pz: z^2, z^3, z^0.5, z^1, z^2.5, z^[2, 3, 0.5, 1, 2.5].
func.func @main(%z: tensor<4x5xf32> {qc.name = "z"}) -> (tensor<4x5xf32> {qc.name = "sz"}, tensor<24x5xf32> {qc.name = "pz"}) {
  %c2 = qc.constant dense<2.0> : tensor<1xf32>
  %c3 = qc.constant dense<3.0> : tensor<1xf32>
  %ch = qc.constant dense<0.5> : tensor<1xf32>
  %c1 = qc.constant dense<1.0> : tensor<1xf32>
  %cg = qc.constant dense<2.5> : tensor<1xf32>
  %sz = qc.softmax %z {axis = 1 : i64} : tensor<4x5xf32>
  %ce5 = qc.constant dense<[2.0, 3.0, 0.5, 1.0, 2.5]> : tensor<5xf32>
  %p2z = qc.pow %z, %c2 : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %p3z = qc.pow %z, %c3 : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %phz = qc.pow %z, %ch : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %p1z = qc.pow %z, %c1 : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %pgz = qc.pow %z, %cg : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %pvz = qc.pow %z, %ce5 : (tensor<4x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  %pz = qc.concat %p2z, %p3z, %phz, %p1z, %pgz, %pvz {axis = 0 : i64} : (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<24x5xf32>
  return %sz, %pz : tensor<4x5xf32>, tensor<24x5xf32>
}
