// qc-lower-model checks the plan it reads (it may have been edited since
// qc-plan-memory), its options and the module.
// RUN: qc-opt %s --qc-lower-model="target=x86-64-avx2 name=m" --split-input-file -verify-diagnostics
// RUN: not qc-opt %s --split-input-file --qc-plan-memory --qc-lower-model="target=x86-64-sse name=m" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not qc-opt %s --split-input-file --qc-plan-memory --qc-lower-model="target=x86-64-avx2 name=9lives" 2>&1 | FileCheck %s --check-prefix=NAME
// TARGET: error: qc compile: unknown target 'x86-64-sse'; expected one of host, x86-64, x86-64-avx2, x86-64-avxvnni, x86-64-avx512vnni, aarch64-dotprod, aarch64-i8mm
// NAME: error: qc compile: the model name '9lives' is not a C identifier

// expected-error@+1 {{qc compile: the entry function has no 'qc.plan'; run qc-plan-memory first}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %r = qc.relu %x : tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

func.func @main(%arg0: tensor<1x8xf32> {qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 8, 1>}}) -> tensor<1x8xf32> attributes {qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 64 : i64, size = 8 : i64}, {first = 2 : i64, last = 3 : i64, name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], steps = 3 : i64}} {
  // expected-error@+1 {{qc compile: unknown place kind 'heap' (expected input, arena or constant)}}
  %0 = qc.quantize %arg0 {qc.place = {index = 0 : i64, kind = "heap", offset = 0 : i64, strides = array<i64: 8, 1>}, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %1 = qc.dequantize %0 {qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// -----

func.func @main(%arg0: tensor<1x8xf32> {qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 8, 1>}}) -> tensor<1x8xf32> attributes {qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 64 : i64, size = 8 : i64}, {first = 2 : i64, last = 3 : i64, name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], steps = 3 : i64}} {
  %0 = qc.quantize %arg0 {qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  // expected-error@+1 {{qc compile: place arena #7 (offset 0) does not exist}}
  %1 = qc.dequantize %0 {qc.place = {index = 7 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// -----

// A view reaching past its buffer (strides edited by hand).
// expected-error@+1 {{qc compile: internal error: a tensor of shape [1, 8] reaches elements 0 to 14 outside its 8-byte buffer 'quantize_1'}}
func.func @main(%arg0: tensor<1x8xf32> {qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 8, 1>}}) -> tensor<1x8xf32> attributes {qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 64 : i64, size = 8 : i64}, {first = 2 : i64, last = 3 : i64, name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], steps = 3 : i64}} {
  %0 = qc.quantize %arg0 {qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 2>}, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %1 = qc.dequantize %0 {qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// -----

// Two buffers live at step 2 placed on the same bytes.
// expected-error@+1 {{qc compile: arena buffers 'quantize_1' and 'dequantize_2' are live at the same steps and share bytes}}
func.func @main(%arg0: tensor<1x8xf32> {qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 8, 1>}}) -> tensor<1x8xf32> attributes {qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 0 : i64, size = 8 : i64}, {first = 2 : i64, last = 3 : i64, name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], steps = 3 : i64}} {
  %0 = qc.quantize %arg0 {qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  %1 = qc.dequantize %0 {qc.place = {index = 1 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// -----

func.func @main(%arg0: tensor<1x8xf32> {qc.place = {index = 0 : i64, kind = "input", offset = 0 : i64, strides = array<i64: 8, 1>}}) -> tensor<1x8xf32> attributes {qc.plan = {arena_size = 128 : i64, buffers = [{first = 1 : i64, last = 2 : i64, name = "quantize_1", offset = 64 : i64, size = 8 : i64}, {first = 2 : i64, last = 3 : i64, name = "dequantize_2", offset = 0 : i64, size = 32 : i64}], steps = 3 : i64}} {
  %0 = qc.quantize %arg0 {qc.place = {index = 0 : i64, kind = "arena", offset = 0 : i64, strides = array<i64: 8, 1>}, quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x8xui8>
  // expected-error@+1 {{qc compile: 'qc.dequantize' has no 'qc.place'; run qc-plan-memory first}}
  %1 = qc.dequantize %0 {scale = array<f32: 5.000000e-01>, zero_point = array<i64: 3>} : (tensor<1x8xui8>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}
