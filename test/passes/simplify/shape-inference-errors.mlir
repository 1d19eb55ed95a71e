// Errors of --qc-shape-inference: each RUN line binds something that does
// not fit the function below, and the pass fails with a message saying why.
// RUN: not qc-opt %s --qc-shape-inference="input-shapes=image:1,3,8,8" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: no input named 'image' (inputs: input, arg1)

// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input:1,3,8" 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: cannot bind input 'input' of type 'tensor<?x3x?x?xf32>' to 1,3,8: it has 3 dimensions, the input has rank 4

// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input:1,4,8,8" 2>&1 | FileCheck %s --check-prefix=STATIC
// STATIC: error: cannot bind input 'input' of type 'tensor<?x3x?x?xf32>' to 1,4,8,8: dimension 1 is 3, not 4

// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input" 2>&1 | FileCheck %s --check-prefix=FORM
// FORM: error: input shape binding 'input': expected NAME=D0,D1,...

// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input:1,x,8,8" 2>&1 | FileCheck %s --check-prefix=DIM
// DIM: error: input shape binding 'input:1,x,8,8': dimension 'x' is not an integer from 1 to 2147483647

// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input:1,3,0,8" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: input shape binding 'input:1,3,0,8': dimension '0' is not an integer from 1 to 2147483647

// A binding that fits the argument but not an op: the op's shape rule says why.
// RUN: not qc-opt %s --qc-shape-inference="input-shapes=input:1,3,2,8" 2>&1 | FileCheck %s --check-prefix=RULE
// RULE: error: 'qc.conv2d' op height window of 3 (dilation 1, spanning 3) does not fit in the input height 2 padded by 0 + 0

// A binding that contradicts a static result type the program states.
// RUN: not qc-opt %s --qc-shape-inference="input-shapes=arg1:3,10" 2>&1 | FileCheck %s --check-prefix=RESULT
// RESULT: error: 'qc.reshape' op result type 'tensor<2x10xf32>' contradicts the type 'tensor<3x10xf32>' inferred from the bound input shapes

// The same function is valid with no or fitting bindings.
// RUN: qc-opt %s --qc-shape-inference="input-shapes=input:1,3,8,8;arg1:2,10"

func.func @main(%x: tensor<?x3x?x?xf32> {qc.name = "input"}, %y: tensor<?x10xf32>)
    -> (tensor<?x4x?x?xf32>, tensor<2x10xf32>) {
  %w = qc.constant dense<1.0> : tensor<4x3x3x3xf32>
  %0 = qc.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32>
  %1 = qc.reshape %y {shape = array<i64: -1, 10>} : (tensor<?x10xf32>) -> tensor<2x10xf32>
  return %0, %1 : tensor<?x4x?x?xf32>, tensor<2x10xf32>
}
