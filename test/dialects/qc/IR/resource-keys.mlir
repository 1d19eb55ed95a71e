// Resource blobs get keys that print and parse back whatever name they are
// made from: the MNIST model's folded conv weights are named
// after BatchNorm folding "/conv1/Conv_weight", not a valid bare key.
// RUN: qc import %qc_src/examples/mnist/mnist_cnn.onnx | qc-opt | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: qc.constant dense_resource<_conv1_Conv_weight> : tensor<16x1x3x3xf32>
// CHECK: dialect_resources
// CHECK: _conv1_Conv_weight: "0x
