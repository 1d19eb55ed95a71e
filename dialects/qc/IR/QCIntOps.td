//===- QCIntOps.td - integer (quantized) compute ops -------*- tablegen -*-===//
//
// The ops `qc-lower-to-integer` produces from the Q/DQ program: integer
// inputs, int32 accumulation, and DESIGN.md's requantize epilogue:
//   acc  = sum (x - zp_in) * w  (+ bias)                  in int32
//   q    = clamp(round_half_to_even(float(acc) * m[c]) + zp_out, clamp_min, clamp_max)
//   m[c] = float(s_in * s_w[c]) / s_out                   in f32
// `clamp_min` / `clamp_max` are the quantization range [qmin, qmax]
// intersected with the fused activation (relu / relu6 / clamp) mapped into
// the quantized domain. Weights are symmetric (zero point 0), per tensor
// (one `weight_scale`) or per output channel (one per output channel).
// Layout is still NCHW / OIHW like the float ops; the NHWC move is next.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECT_QCINTOPS_TD
#define QC_DIALECT_QCINTOPS_TD

include "dialects/qc/IR/QCDialect.td"

def QC_Int8Tensor : RankedTensorOf<[UI8, I8]>;
// Activations of the 16x8 ops (qconv2d, qlinear, qadd, qmul, qrequantize):
// 8-bit, or int16 (symmetric in the quantizers: zero point 0; an i16 input
// of qconv2d / qlinear must have zero point 0). docs/codegen.md, "int16".
def QC_ActTensor : RankedTensorOf<[UI8, I8, I16]>;
def QC_WeightTensor : RankedTensorOf<[I8]>;
def QC_BiasTensor : RankedTensorOf<[I32]>;

class QC_IntOp<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def QC_QConv2dOp : QC_IntOp<"qconv2d"> {
  let summary = "integer 2-D convolution with fused requantize and activation clamp";
  let description = [{
    `qc.conv2d` (NCHW input, OIHW weight, same `strides` / `pads` /
    `dilations` / `groups`) on quantized tensors. Padding is `input_zero_point`
    (real value zero). The accumulator is
    `acc[n,o,y,x] = bias[o] + sum (x[...] - input_zero_point) * w[o,...]`
    in int32, and the result
    `clamp(round_half_to_even(float(acc) * m[o]) + output_zero_point, clamp_min, clamp_max)`
    with `m[o] = float(input_scale * weight_scale[o]) / output_scale` (f32).
    `weight_scale` has one entry (per tensor) or one per output channel; the
    bias (optional, int32, zero point 0) has scale `input_scale * weight_scale[o]`.
    An int16 input (the 16x8 form) has `input_zero_point` 0; its result may be
    int16 or 8-bit. The accumulator is int32 as for 8 bits: a sum outside
    int32 is an error (docs/codegen.md, "int16 activations").

    ```mlir
    %y = qc.qconv2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64,
           dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.0039 : f32,
           input_zero_point = 0 : i64, output_scale = 0.0227 : f32, output_zero_point = 0 : i64,
           pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>,
           weight_scale = array<f32: 0.032, 0.021>}
         : (tensor<1x1x28x28xui8>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x28x28xui8>
    ```
  }];
  let arguments = (ins QC_ActTensor:$input, QC_WeightTensor:$weight,
                       Optional<QC_BiasTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       DenseF32ArrayAttr:$weight_scale,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_ActTensor:$output);
  let extraClassDeclaration = [{
    /// m[c] = float(input_scale * weight_scale[c]) / output_scale, in f32.
    ::llvm::SmallVector<float> getRequantMultipliers();
  }];
}

def QC_QLinearOp : QC_IntOp<"qlinear"> {
  let summary = "integer fully connected layer with fused requantize and activation clamp";
  let description = [{
    `qc.linear` (`weight` is `[N, K]`) on quantized tensors:
    `acc[..., n] = bias[n] + sum_k (x[..., k] - input_zero_point) * w[n, k]`
    in int32, then the requantize epilogue of `qc.qconv2d` with
    `m[n] = float(input_scale * weight_scale[n]) / output_scale`.

    ```mlir
    %y = qc.qlinear %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64,
           input_scale = 0.0316 : f32, input_zero_point = 0 : i64,
           output_scale = 0.103 : f32, output_zero_point = 0 : i64,
           weight_scale = array<f32: 6.3e-4, 9.9e-4>}
         : (tensor<1x1568xui8>, tensor<2x1568xi8>, tensor<2xi32>) -> tensor<1x2xui8>
    ```
  }];
  let arguments = (ins QC_ActTensor:$input, QC_WeightTensor:$weight,
                       Optional<QC_BiasTensor>:$bias,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       DenseF32ArrayAttr:$weight_scale,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_ActTensor:$output);
  let extraClassDeclaration = [{
    /// m[n] = float(input_scale * weight_scale[n]) / output_scale, in f32.
    ::llvm::SmallVector<float> getRequantMultipliers();
  }];
}

def QC_QAddOp : QC_IntOp<"qadd"> {
  let summary = "integer elementwise addition with requantize and activation clamp";
  let description = [{
    Adds two quantized tensors of the same shape, each with its own
    per-tensor qparams, into a quantized result:
    `v = float(lhs - lhs_zero_point) * m_l + float(rhs - rhs_zero_point) * m_r`
    with `m_l = lhs_scale / output_scale`, `m_r = rhs_scale / output_scale`
    (f32, no fused multiply-add), then
    `clamp(round_half_to_even(v) + output_zero_point, clamp_min, clamp_max)`.

    ```mlir
    %y = qc.qadd %a, %b {clamp_max = 255 : i64, clamp_min = 0 : i64,
           lhs_scale = 0.02 : f32, lhs_zero_point = 128 : i64,
           output_scale = 0.03 : f32, output_zero_point = 0 : i64,
           rhs_scale = 0.05 : f32, rhs_zero_point = 120 : i64}
         : (tensor<1x8xui8>, tensor<1x8xui8>) -> tensor<1x8xui8>
    ```
  }];
  let arguments = (ins QC_ActTensor:$lhs, QC_ActTensor:$rhs,
                       F32Attr:$lhs_scale, I64Attr:$lhs_zero_point,
                       F32Attr:$rhs_scale, I64Attr:$rhs_zero_point,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_ActTensor:$output);
}

def QC_QMaxPool2dOp : QC_IntOp<"qmax_pool2d"> {
  let summary = "2-D max pooling on a quantized tensor (input and output share qparams)";
  let description = [{
    `qc.max_pool2d` (same attributes and window rules; padded positions never
    win) on the integer values. Max pooling commutes with a monotonic
    quantization, so when the input and output qparams are equal, as the
    quantizers' shared specs make them, no requantize is needed and the
    result is exact. Input and output have the same element type.

    ```mlir
    %y = qc.qmax_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>,
           kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : (tensor<1x16x28x28xui8>) -> tensor<1x16x14x14xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs QC_Int8Tensor:$output);
}

def QC_QAvgPool2dOp : QC_IntOp<"qavg_pool2d"> {
  let summary = "2-D average pooling of a quantized tensor with requantize";
  let description = [{
    `qc.avg_pool2d` (NCHW; same `kernel` / `strides` / `pads` / `ceil_mode` /
    `count_include_pad` window rules, no dilation) on the integer values.
    For each output position, with `count` the divisor of the float op (the
    input elements under the window, plus the explicit padding when
    `count_include_pad`; never the extra positions of `ceil_mode`):
    ```
    sum = sum over the input elements in the window of (x - input_zero_point)   (int32)
    m   = input_scale / (output_scale * float(count))   (f32: the product, then the quotient)
    y   = clamp(round_half_to_even(float(sum) * m) + output_zero_point, clamp_min, clamp_max)
    ```
    Padded positions add nothing to `sum` (they are real zero). A global
    average pool is this op with `kernel` = the input's [H, W], unit strides
    and no padding (so `count` = H * W). `float(sum)` is the int32 sum
    converted to f32 (round to nearest even), exact since |sum| <= 255 * count
    <= 2^24 for windows of up to 65793 elements.

    ```mlir
    %y = qc.qavg_pool2d %x {ceil_mode = false, clamp_max = 255 : i64, clamp_min = 0 : i64,
           count_include_pad = false, input_scale = 0.05 : f32, input_zero_point = 0 : i64,
           kernel = array<i64: 7, 7>, output_scale = 0.01 : f32, output_zero_point = 0 : i64,
           pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
         : (tensor<1x512x7x7xui8>) -> tensor<1x512x1x1xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_Int8Tensor:$output);
  let extraClassDeclaration = [{
    /// m = input_scale / (output_scale * float(count)), in f32 (two
    /// operations in this order).
    static float requantMultiplier(float inputScale, float outputScale,
                                   int64_t count);
  }];
}

def QC_QMulOp : QC_IntOp<"qmul"> {
  let summary = "integer elementwise multiplication with requantize and activation clamp";
  let description = [{
    Multiplies two quantized tensors, each with its own per-tensor qparams;
    the shapes broadcast as numpy's (e.g. a squeeze-excitation scale
    [N, C, 1, 1] times a feature map [N, C, H, W]):
    ```
    p = (lhs - lhs_zero_point) * (rhs - rhs_zero_point)        (int32, exact)
    m = float(lhs_scale * rhs_scale) / output_scale            (f32: the product, then the quotient)
    y = clamp(round_half_to_even(float(p) * m) + output_zero_point, clamp_min, clamp_max)
    ```
    `float(p)` is exact for 8-bit operands (|p| <= 255 * 255); with an
    int16 operand (|p| <= 2^30) it is the f32 conversion (round to nearest
    even) the native code does too. The fused activation (relu /
    clamp after the float mul) is in the clamp range, as for `qc.qadd`.

    ```mlir
    %y = qc.qmul %a, %b {clamp_max = 127 : i64, clamp_min = -128 : i64,
           lhs_scale = 0.02 : f32, lhs_zero_point = 3 : i64,
           output_scale = 0.01 : f32, output_zero_point = 0 : i64,
           rhs_scale = 0.05 : f32, rhs_zero_point = -2 : i64}
         : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
    ```
  }];
  let arguments = (ins QC_ActTensor:$lhs, QC_ActTensor:$rhs,
                       F32Attr:$lhs_scale, I64Attr:$lhs_zero_point,
                       F32Attr:$rhs_scale, I64Attr:$rhs_zero_point,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_ActTensor:$output);
  let extraClassDeclaration = [{
    /// m = float(lhs_scale * rhs_scale) / output_scale, in f32.
    float getRequantMultiplier();
  }];
}

class QC_QExtremeOp<string mnemonic, string what> : QC_IntOp<mnemonic> {
  let summary = "elementwise " # what # " of two 8-bit quantized tensors with the same qparams";
  let description = [{
    The }] # what # [{ of the integer values, with numpy broadcasting.
    Both operands and the result have one element type and one set of
    qparams (not recorded: they do not enter the computation). Quantize is
    monotonic, so `quantize(}] # what # [{(dequantize(a), dequantize(b)))`
    equals the }] # what # [{ of `quantize(dequantize(a))` and
    `quantize(dequantize(b))`: `qc-lower-to-integer` builds this op from
    ONNX Max / Min between quantized tensors, requantizing an operand with
    other qparams by a table (`qc.qlut`) first, and the result equals the
    Q/DQ program exactly.

    ```mlir
    %y = qc.}] # mnemonic # [{ %a, %b : (tensor<1x8x4x4xi8>, tensor<1x8x1x1xi8>) -> tensor<1x8x4x4xi8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$lhs, QC_Int8Tensor:$rhs);
  let results = (outs QC_Int8Tensor:$output);
}
def QC_QMaxOp : QC_QExtremeOp<"qmax", "maximum">;
def QC_QMinOp : QC_QExtremeOp<"qmin", "minimum">;

def QC_QMatmulOp : QC_IntOp<"qmatmul"> {
  let summary = "integer matrix product of two quantized activations "
                "(attention's QK^T and AV) with requantize and activation clamp";
  let description = [{
    `qc.matmul` of two run-time tensors (neither is a constant weight):
    `lhs` `[..., M, K]` (ui8 or i8, per-tensor `lhs_scale` /
    `lhs_zero_point`) times `rhs` `[..., K, N]` (i8, symmetric: zero point
    0, per-tensor `rhs_scale`), both of the same rank >= 2 with equal
    leading (batch) dimensions, e.g. one matrix per attention head:
    ```
    acc[..., m, n] = sum_k (lhs[..., m, k] - lhs_zero_point) * rhs[..., k, n]   (int32)
    mult           = float(lhs_scale * rhs_scale) / output_scale               (f32: the product, then the quotient)
    y              = clamp(round_half_to_even(float(acc) * mult) + output_zero_point, clamp_min, clamp_max)
    ```
    K is at most 65793, so `acc` fits int32 for every input. The built-in
    quantizers give the rhs of an activation x activation matmul a symmetric
    int8 spec (`int8_attention=1`, docs/quantizers.md) so that
    `qc-lower-to-integer` can make this op of it; `qc compile` packs `rhs`
    into the int8 GEMM kernel's weight layout at run time (one packing per
    batch index; the lhs zero point's correction folded into the packed
    bias) and runs the kernel, so the result is the reference's bit for bit.

    ```mlir
    %s = qc.qmatmul %q, %kt {clamp_max = 255 : i64, clamp_min = 0 : i64,
           lhs_scale = 0.031 : f32, lhs_zero_point = 121 : i64, rhs_scale = 0.027 : f32,
           output_scale = 0.12 : f32, output_zero_point = 98 : i64}
         : (tensor<1x4x65x16xui8>, tensor<1x4x16x65xi8>) -> tensor<1x4x65x65xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$lhs, RankedTensorOf<[I8]>:$rhs,
                       F32Attr:$lhs_scale, I64Attr:$lhs_zero_point,
                       F32Attr:$rhs_scale,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_Int8Tensor:$output);
  let extraClassDeclaration = [{
    /// m = float(lhs_scale * rhs_scale) / output_scale, in f32.
    float getRequantMultiplier();
    /// The largest K whose worst-case accumulator (255 * 128 per product)
    /// fits int32.
    static constexpr int64_t kMaxK = 65793;
  }];
}

def QC_QRequantizeOp : QC_IntOp<"qrequantize"> {
  let summary = "change the qparams of a quantized tensor";
  let description = [{
    Maps each value to the output qparams (elementwise, same shape):
    ```
    m = input_scale / output_scale                              (f32)
    y = clamp(round_half_to_even(float(x - input_zero_point) * m) + output_zero_point, clamp_min, clamp_max)
    ```
    `qc-lower-to-integer` uses it on the inputs of a concat whose qparams
    differ from the output's, so that the concat itself runs on integers,
    and where an int8 and an int16 op meet. Input and output element types
    may differ (ui8 <-> i8 <-> i16).

    ```mlir
    %y = qc.qrequantize %x {clamp_max = 255 : i64, clamp_min = 0 : i64,
           input_scale = 0.02 : f32, input_zero_point = 0 : i64,
           output_scale = 0.03 : f32, output_zero_point = 5 : i64}
         : (tensor<1x8x4x4xui8>) -> tensor<1x8x4x4xui8>
    ```
  }];
  let arguments = (ins QC_ActTensor:$input,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_ActTensor:$output);
  let extraClassDeclaration = [{
    /// m = input_scale / output_scale, in f32.
    float getRequantMultiplier();
  }];
}

def QC_QLutOp : QC_IntOp<"qlut"> {
  let summary = "elementwise table lookup on 8-bit quantized values";
  let description = [{
    `y = table[x - qmin]`, where `qmin` is the least value of the input's
    storage type (0 for ui8, -128 for i8): one entry per possible input
    value, 256 in all, each in the result's storage range. Same shape in and
    out; the element types may differ.

    `qc-lower-to-integer` builds it from `dequantize -> f -> quantize` where
    `f` is a chain of float elementwise ops with one varying operand
    (sigmoid, tanh, hardswish, hardsigmoid, relu, clamp, gelu, ...): each
    entry is the Q/DQ program's own result for that input value, computed
    with the reference kernels, so the lookup equals the float form
    exactly. `function` names the tabulated ops (for reading IR only).

    ```mlir
    %y = qc.qlut %x {function = "sigmoid", table = array<i32: 0, 0, ...>}
         : (tensor<1x8x4x4xui8>) -> tensor<1x8x4x4xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$input, StrAttr:$function,
                       DenseI32ArrayAttr:$table);
  let results = (outs QC_Int8Tensor:$output);
  let extraClassDeclaration = [{
    /// The least input value (0 for ui8, -128 for i8): entry 0's input.
    int64_t getInputMin();
  }];
}

def QC_DynamicQLinearOp : QC_IntOp<"dynamic_qlinear"> {
  let summary = "int8 linear layer on an activation quantized at run time "
                "(dynamic quantization), float result";
  let description = [{
    The integer form of `qc.dynamic_fake_quant` -> `qc.linear` /
    `qc.matmul` by a constant (PyTorch's `quantize_dynamic`, fbgemm's
    `linear_dynamic`). `weight` is `[N, K]` int8, symmetric, with one
    `weight_scale` (per tensor) or one per output channel; `bias` (optional)
    is float32. The input `[..., K]` is float32; with `per_token` each of its
    rows (the K values of one index of the leading dimensions), otherwise the
    whole tensor, is quantized with its own run-time qparams:

    ```
    (s, z)  = chooseQuantizationParams(min(x_g), max(x_g), quant_min, quant_max)
    q[m, k] = clamp(round_half_to_even(x[m, k] * (1 / s)) + z, quant_min, quant_max)
    acc     = sum_k q[m, k] * w[n, k] - z * sum_k w[n, k]          (int32)
    y[m, n] = float(acc) * (s * weight_scale[n]) + bias[n]         (f32, two roundings)
    ```

    `chooseQuantizationParams` is `qc.dynamic_fake_quant`'s rule (PyTorch's
    `quant_utils::ChooseQuantizationParams`); `s * weight_scale[n]` is one f32
    product; the product and the sum are rounded separately (no FMA). A NaN
    or infinite input is a run-time error. See docs/quantization.md,
    "Dynamic quantization".

    ```mlir
    %y = qc.dynamic_qlinear %x, %w, %b {dtype = ui8, per_token = true,
           quant_max = 255 : i64, quant_min = 0 : i64,
           weight_scale = array<f32: 0.0123, 0.0098>}
         : (tensor<16x64xf32>, tensor<2x64xi8>, tensor<2xf32>) -> tensor<16x2xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, QC_WeightTensor:$weight,
                       Optional<RankedTensorOf<[F32]>>:$bias,
                       TypeAttr:$dtype, I64Attr:$quant_min, I64Attr:$quant_max,
                       DefaultValuedAttr<BoolAttr, "false">:$per_token,
                       DenseF32ArrayAttr:$weight_scale);
  let results = (outs RankedTensorOf<[F32]>:$output);
}

def QC_QResizeOp : QC_IntOp<"qresize"> {
  let summary = "resize (nearest or bilinear) of a quantized NCHW tensor with requantize";
  let description = [{
    `qc.resize` (same `sizes`, `scales`, `mode`, `coordinate_transformation_mode`,
    `nearest_mode`; static shapes) on the integer values. Source coordinates and
    nearest indices are `qc.resize`'s (f32, ONNX Resize). With
    `m = input_scale / output_scale` (f32):

    nearest: `y = clamp(round_half_to_even(float(x[src] - input_zero_point) * m)
    + output_zero_point, clamp_min, clamp_max)` -- a copy when the qparams are
    shared (m = 1), as the quantizers make them.

    linear: per axis, the source coordinate `c` clamped to `[0, in - 1]` gives
    `i0 = floor(c)`, `i1 = min(i0 + 1, in - 1)`, `l = c - i0` (f32) and the
    fixed-point weights `w1 = round_half_to_even(l * 2048)`, `w0 = 2048 - w1`
    (11 fraction bits; they sum to 2048 exactly). Then
    ```
    acc = sum over a, b in {0, 1} of (wy_a * wx_b) * (x[iy_a, ix_b] - input_zero_point)   (int32, |acc| <= 255 * 2^22)
    y   = clamp(round_half_to_even(float(acc) * (m * 2^-22)) + output_zero_point, clamp_min, clamp_max)
    ```
    (`m * 2^-22` one f32 product, exact). The weights differ from the float
    ones by at most 2^-12, so y is within one step of the Q/DQ form.

    ```mlir
    %y = qc.qresize %x {clamp_max = 255 : i64, clamp_min = 0 : i64,
           coordinate_transformation_mode = "half_pixel", input_scale = 0.02 : f32,
           input_zero_point = 3 : i64, mode = "linear", nearest_mode = "floor",
           output_scale = 0.02 : f32, output_zero_point = 3 : i64,
           scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 8, 8, 8>}
         : (tensor<1x8x4x4xui8>) -> tensor<1x8x8x8xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$input, DenseI64ArrayAttr:$sizes,
                       DenseF32ArrayAttr:$scales, StrAttr:$mode,
                       StrAttr:$coordinate_transformation_mode,
                       StrAttr:$nearest_mode,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_Int8Tensor:$output);
  let extraClassDeclaration = [{
    /// m = input_scale / output_scale, in f32 (the linear form multiplies
    /// float(acc) by m * 2^-22).
    float getRequantMultiplier();
  }];
}

def QC_QConvTranspose2dOp : QC_IntOp<"qconv_transpose2d"> {
  let summary = "integer 2-D transposed convolution with fused requantize and activation clamp";
  let description = [{
    `qc.conv_transpose2d` (NCHW input, weight `[C_in, C_out/groups, kh, kw]`,
    same `strides` / `pads` / `dilations` / `groups` / `output_padding`) on
    quantized tensors:
    `acc[n,o,y,x] = bias[o] + sum (x[n,c,iy,ix] - input_zero_point) * w[c, o % (C_out/groups), ky, kx]`
    over the input channels c of o's group and the taps with
    `y = iy * stride_h - pad_top + ky * dilation_h` (and the same for x), in
    int32; then `qc.qconv2d`'s epilogue with
    `m[o] = float(input_scale * weight_scale[o]) / output_scale` (f32).
    `weight_scale` has one entry or one per output channel; the bias
    (optional, int32) has scale `input_scale * weight_scale[o]`.

    ```mlir
    %y = qc.qconv_transpose2d %x, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64,
           dilations = array<i64: 1, 1>, groups = 1 : i64, input_scale = 0.02 : f32,
           input_zero_point = 0 : i64, output_padding = array<i64: 0, 0>,
           output_scale = 0.05 : f32, output_zero_point = 0 : i64,
           pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>,
           weight_scale = array<f32: 0.01, 0.02>}
         : (tensor<1x4x4x4xui8>, tensor<4x2x2x2xi8>, tensor<2xi32>) -> tensor<1x2x8x8xui8>
    ```
  }];
  let arguments = (ins QC_Int8Tensor:$input, QC_WeightTensor:$weight,
                       Optional<QC_BiasTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups,
                       DenseI64ArrayAttr:$output_padding,
                       F32Attr:$input_scale, I64Attr:$input_zero_point,
                       DenseF32ArrayAttr:$weight_scale,
                       F32Attr:$output_scale, I64Attr:$output_zero_point,
                       I64Attr:$clamp_min, I64Attr:$clamp_max);
  let results = (outs QC_Int8Tensor:$output);
  let extraClassDeclaration = [{
    /// m[o] = float(input_scale * weight_scale[o]) / output_scale, in f32.
    ::llvm::SmallVector<float> getRequantMultipliers();
  }];
}

#endif // QC_DIALECT_QCINTOPS_TD
