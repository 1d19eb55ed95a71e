// An unknown pattern name is an error naming the known ones.
// RUN: not qc-opt %S/../Inputs/all-forms.mlir --qc-lower-to-integer="patterns=conv2d,conv3d" 2>&1 | FileCheck %s
// CHECK: error: qc-lower-to-integer: unknown pattern 'conv3d'; expected one of lut, conv2d, linear, add, mul, max-pool, avg-pool, data-movement, requantize, dynamic-linear
