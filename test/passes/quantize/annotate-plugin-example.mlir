// Builds examples/quantizer-plugin the way a backend author would: install
// qc's quantizer SDK (headers + qcConfig.cmake) into a prefix, configure and
// build the plugin as a separate CMake project against it, then load it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %cmake --install %qc_obj_root --component qc_quantizer_sdk --prefix %t/prefix > %t/install.log
// RUN: %cmake -S %qc_src/examples/quantizer-plugin -B %t/build -DCMAKE_CXX_COMPILER=%cxx -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=%t/prefix > %t/configure.log
// RUN: %cmake --build %t/build > %t/build.log
// RUN: qc-opt %s --qc-annotate="quantizer=my_npu plugins=%t/build/libmy_npu_quantizer.so" | FileCheck %s \
// RUN:   -DACT='#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "minmax">' \
// RUN:   -DW='#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, observer = "minmax">' \
// RUN:   -DBIAS='#qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648, quant_max = 2147483647>'
// my_npu first; xnnpack takes what it leaves (the grouped conv, the sigmoid).
// RUN: qc-opt %s --qc-annotate="quantizer=my_npu,observer=histogram,fuse_relu=0;xnnpack plugins=%t/build/libmy_npu_quantizer.so" | FileCheck %s --check-prefix=COMPOSED
// The plugin's options are checked like a built-in's.
// RUN: not qc-opt %s --qc-annotate="quantizer=my_npu,fuse_relu=maybe plugins=%t/build/libmy_npu_quantizer.so" 2>&1 | FileCheck %s --check-prefix=BADOPT

// CHECK:      qc.conv2d
// CHECK-SAME:   qc.annotated_by = "my_npu", qc.input_specs = {{\[}}[[ACT]], [[W]], [[BIAS]]], qc.output_specs = [unit]
// CHECK-NEXT: qc.relu
// CHECK-SAME:   qc.annotated_by = "my_npu", qc.input_specs = [unit], qc.output_specs = {{\[}}[[ACT]]]
// Grouped convolutions and sigmoid are not for this NPU: float.
// CHECK:      qc.conv2d %{{[^{]*}}{dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} :
// CHECK-NEXT: qc.flatten %{{[0-9]+}} {axis = 1 : i64} :
// CHECK:      qc.linear
// CHECK-SAME:   qc.annotated_by = "my_npu", qc.input_specs = {{\[}}[[ACT]], [[W]]], qc.output_specs = {{\[}}[[ACT]]]
// CHECK-NEXT: qc.sigmoid %{{[0-9]+}} : tensor<1x10xf32>

// COMPOSED:      qc.conv2d
// COMPOSED-SAME:   qc.annotated_by = "my_npu", qc.input_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "histogram">
// COMPOSED-SAME:   qc.output_specs = [#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, symmetric = false, observer = "histogram">]
// COMPOSED-NEXT: qc.relu {{.*}}qc.annotated_by = "xnnpack"
// COMPOSED:      qc.conv2d {{.*}}qc.annotated_by = "xnnpack"
// COMPOSED:      qc.linear {{.*}}qc.annotated_by = "my_npu"
// COMPOSED-NEXT: qc.sigmoid {{.*}}qc.annotated_by = "xnnpack"

// BADOPT: error: quantizer 'my_npu': option 'fuse_relu' expects 0 or 1, got 'maybe'
func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x10xf32> {
  %w = qc.constant dense<0.5> : tensor<4x4x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  %dw = qc.constant dense<0.5> : tensor<4x1x3x3xf32>
  %d = qc.conv2d %r, %dw {dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %f = qc.flatten %d {axis = 1 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x256xf32>
  %lw = qc.constant dense<0.5> : tensor<10x256xf32>
  %l = qc.linear %f, %lw : (tensor<1x256xf32>, tensor<10x256xf32>) -> tensor<1x10xf32>
  %s = qc.sigmoid %l : tensor<1x10xf32>
  return %s : tensor<1x10xf32>
}
