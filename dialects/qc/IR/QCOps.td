//===- QCOps.td - the qc dialect's graph operations -------*- tablegen -*-===//
//
// The float graph ops of qc: one op per ONNX-level operation that qc imports,
// executes with its reference executor and later quantizes. Layout is NCHW at
// this level (as ONNX); the integer lowering moves to NHWC.
//
// Every op infers its result type from its operands and attributes
// (InferTypeOpInterface), so the importer and the shape-inference pass share
// one shape rule per op, and a dynamic dimension (`?`) propagates until
// `--input-shape` binds it.
//
//===----------------------------------------------------------------------===//

#ifndef QC_DIALECT_QCOPS_TD
#define QC_DIALECT_QCOPS_TD

include "dialects/qc/IR/QCDialect.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def QC_ConstantOp : QC_Op<"constant", [ConstantLike]> {
  let summary = "tensor constant (weights, biases, folded values)";
  let description = [{
    A constant tensor. Large weights are `dense_resource` blobs so that the
    IR text stays small; small values may be inline `dense` literals.

    ```mlir
    %w = qc.constant dense_resource<conv1_weight> : tensor<8x3x3x3xf32>
    %b = qc.constant dense<0.5> : tensor<8xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Convolution and matrix products
//===----------------------------------------------------------------------===//

def QC_Conv2dOp : QC_Op<"conv2d"> {
  let summary = "2-D convolution (NCHW input, OIHW weight), ONNX Conv";
  let description = [{
    `output[n, o, y, x] = bias[o] + sum over (c, ky, kx) of
     input[n, g*C/G + c, y*sy - pt + ky*dy, x*sx - pl + kx*dx] * weight[o, c, ky, kx]`
    where `g = o / (O/G)`. `pads` is `[top, left, bottom, right]`; values
    outside the input are zero.

    ```mlir
    %y = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64,
           pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
         : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$weight,
                       Optional<QC_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def QC_ConvTranspose2dOp : QC_Op<"conv_transpose2d"> {
  let summary = "2-D transposed convolution (NCHW input, IOHW weight), ONNX ConvTranspose";
  let description = [{
    The gradient of `qc.conv2d` with respect to its input, as ONNX
    ConvTranspose defines it. The weight is `[C_in, C_out/groups, kh, kw]`.
    Output size per spatial axis:
    `stride*(in-1) + output_padding + (k-1)*dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %y = qc.conv_transpose2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64,
           output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>,
           strides = array<i64: 2, 2>}
         : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$weight,
                       Optional<QC_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups,
                       DenseI64ArrayAttr:$output_padding);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def QC_MatmulOp : QC_Op<"matmul"> {
  let summary = "matrix product with numpy broadcasting, ONNX MatMul";
  let description = [{
    Batched matrix product: the last two dimensions multiply, leading
    dimensions broadcast. A 1-D operand is treated as ONNX MatMul does
    (promoted to a matrix, and the added dimension removed from the result).

    ```mlir
    %y = qc.matmul %a, %b : (tensor<2x16x64xf32>, tensor<64x32xf32>) -> tensor<2x16x32xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$lhs, QC_FloatTensor:$rhs);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def QC_LinearOp : QC_Op<"linear"> {
  let summary = "fully connected layer: input · weightᵀ + bias";
  let description = [{
    `output[..., n] = bias[n] + sum_k input[..., k] * weight[n, k]`, the
    PyTorch `nn.Linear` form (ONNX Gemm with transB = 1). `weight` is `[N, K]`.

    ```mlir
    %y = qc.linear %x, %w, %b : (tensor<1x128xf32>, tensor<10x128xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$weight,
                       Optional<QC_FloatTensor>:$bias);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def QC_BatchNormOp : QC_Op<"batch_norm"> {
  let summary = "inference batch normalization over axis 1, ONNX BatchNormalization";
  let description = [{
    `output = (input - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]`
    with `c` the index along axis 1. `--qc-fold-batch-norm` folds it into a
    preceding convolution or linear layer.

    ```mlir
    %y = qc.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
         : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$scale,
                       QC_FloatTensor:$bias, QC_FloatTensor:$mean,
                       QC_FloatTensor:$var, F32Attr:$epsilon);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def QC_LayerNormOp : QC_Op<"layer_norm"> {
  let summary = "layer normalization over the trailing axes, ONNX LayerNormalization";
  let description = [{
    Normalizes over the dimensions `[axis, rank)`:
    `output = (input - mean) / sqrt(variance + epsilon) * scale + bias`,
    with `scale` and `bias` broadcast over the normalized dimensions.

    ```mlir
    %y = qc.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32}
         : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_FloatTensor:$scale,
                       Optional<QC_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def QC_ReluOp : QC_UnaryOp<"relu", "rectified linear unit: max(x, 0)"> {
  let description = [{ ```mlir
    %y = qc.relu %x : tensor<1x8xf32>
    ``` }];
}
def QC_SigmoidOp : QC_UnaryOp<"sigmoid", "logistic sigmoid: 1 / (1 + exp(-x))"> {
  let description = [{ ```mlir
    %y = qc.sigmoid %x : tensor<1x8xf32>
    ``` }];
}
def QC_TanhOp : QC_UnaryOp<"tanh", "hyperbolic tangent"> {
  let description = [{ ```mlir
    %y = qc.tanh %x : tensor<1x8xf32>
    ``` }];
}
def QC_HardswishOp : QC_UnaryOp<"hardswish", "x * relu6(x + 3) / 6"> {
  let description = [{ ```mlir
    %y = qc.hardswish %x : tensor<1x8xf32>
    ``` }];
}
def QC_ErfOp : QC_UnaryOp<"erf", "Gauss error function"> {
  let description = [{ ```mlir
    %y = qc.erf %x : tensor<1x8xf32>
    ``` }];
}
def QC_SqrtOp : QC_UnaryOp<"sqrt", "square root"> {
  let description = [{ ```mlir
    %y = qc.sqrt %x : tensor<1x8xf32>
    ``` }];
}

// Math functions (ONNX semantics; float only: qc does not quantize them,
// and `qc compile` refuses them).
def QC_AbsOp : QC_UnaryOp<"abs", "absolute value |x| (ONNX Abs)"> {
  let description = [{ ```mlir
    %y = qc.abs %x : tensor<1x8xf32>
    ``` }];
}
def QC_NegOp : QC_UnaryOp<"neg", "negation -x (ONNX Neg)"> {
  let description = [{ ```mlir
    %y = qc.neg %x : tensor<1x8xf32>
    ``` }];
}
def QC_ExpOp : QC_UnaryOp<"exp", "exponential e^x (ONNX Exp)"> {
  let description = [{ ```mlir
    %y = qc.exp %x : tensor<1x8xf32>
    ``` }];
}
def QC_LogOp : QC_UnaryOp<"log", "natural logarithm (log(0) = -inf, log(x < 0) = NaN) (ONNX Log)"> {
  let description = [{ ```mlir
    %y = qc.log %x : tensor<1x8xf32>
    ``` }];
}
def QC_ReciprocalOp : QC_UnaryOp<"reciprocal", "reciprocal 1 / x (ONNX Reciprocal)"> {
  let description = [{ ```mlir
    %y = qc.reciprocal %x : tensor<1x8xf32>
    ``` }];
}
def QC_FloorOp : QC_UnaryOp<"floor", "round down to an integer (ONNX Floor)"> {
  let description = [{ ```mlir
    %y = qc.floor %x : tensor<1x8xf32>
    ``` }];
}
def QC_CeilOp : QC_UnaryOp<"ceil", "round up to an integer (ONNX Ceil)"> {
  let description = [{ ```mlir
    %y = qc.ceil %x : tensor<1x8xf32>
    ``` }];
}
def QC_RoundOp : QC_UnaryOp<"round", "round to the nearest integer, halves to even (ONNX Round)"> {
  let description = [{ ```mlir
    %y = qc.round %x : tensor<1x8xf32>
    ``` }];
}
def QC_SignOp : QC_UnaryOp<"sign", "sign: -1, 0 or 1 (NaN stays NaN) (ONNX Sign)"> {
  let description = [{ ```mlir
    %y = qc.sign %x : tensor<1x8xf32>
    ``` }];
}
def QC_SinOp : QC_UnaryOp<"sin", "sine (ONNX Sin)"> {
  let description = [{ ```mlir
    %y = qc.sin %x : tensor<1x8xf32>
    ``` }];
}
def QC_CosOp : QC_UnaryOp<"cos", "cosine (ONNX Cos)"> {
  let description = [{ ```mlir
    %y = qc.cos %x : tensor<1x8xf32>
    ``` }];
}
def QC_TanOp : QC_UnaryOp<"tan", "tangent (ONNX Tan)"> {
  let description = [{ ```mlir
    %y = qc.tan %x : tensor<1x8xf32>
    ``` }];
}
def QC_AsinOp : QC_UnaryOp<"asin", "arcsine (ONNX Asin)"> {
  let description = [{ ```mlir
    %y = qc.asin %x : tensor<1x8xf32>
    ``` }];
}
def QC_AcosOp : QC_UnaryOp<"acos", "arccosine (ONNX Acos)"> {
  let description = [{ ```mlir
    %y = qc.acos %x : tensor<1x8xf32>
    ``` }];
}
def QC_AtanOp : QC_UnaryOp<"atan", "arctangent (ONNX Atan)"> {
  let description = [{ ```mlir
    %y = qc.atan %x : tensor<1x8xf32>
    ``` }];
}
def QC_SinhOp : QC_UnaryOp<"sinh", "hyperbolic sine (ONNX Sinh)"> {
  let description = [{ ```mlir
    %y = qc.sinh %x : tensor<1x8xf32>
    ``` }];
}
def QC_CoshOp : QC_UnaryOp<"cosh", "hyperbolic cosine (ONNX Cosh)"> {
  let description = [{ ```mlir
    %y = qc.cosh %x : tensor<1x8xf32>
    ``` }];
}
def QC_AsinhOp : QC_UnaryOp<"asinh", "inverse hyperbolic sine (ONNX Asinh)"> {
  let description = [{ ```mlir
    %y = qc.asinh %x : tensor<1x8xf32>
    ``` }];
}
def QC_AcoshOp : QC_UnaryOp<"acosh", "inverse hyperbolic cosine (ONNX Acosh)"> {
  let description = [{ ```mlir
    %y = qc.acosh %x : tensor<1x8xf32>
    ``` }];
}
def QC_AtanhOp : QC_UnaryOp<"atanh", "inverse hyperbolic tangent (ONNX Atanh)"> {
  let description = [{ ```mlir
    %y = qc.atanh %x : tensor<1x8xf32>
    ``` }];
}
def QC_SoftplusOp : QC_UnaryOp<"softplus", "log(1 + e^x) (ONNX Softplus)"> {
  let description = [{ ```mlir
    %y = qc.softplus %x : tensor<1x8xf32>
    ``` }];
}
def QC_SoftsignOp : QC_UnaryOp<"softsign", "x / (1 + |x|) (ONNX Softsign)"> {
  let description = [{ ```mlir
    %y = qc.softsign %x : tensor<1x8xf32>
    ``` }];
}

def QC_ClampOp : QC_Op<"clamp"> {
  let summary = "clamp to [min, max] (ONNX Clip, ReLU6)";
  let description = [{
    `output = min(max(input, min), max)`. Unbounded sides use ±infinity.

    ```mlir
    %y = qc.clamp %x {max = 6.0 : f32, min = 0.0 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, F32Attr:$min, F32Attr:$max);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def QC_HardsigmoidOp : QC_Op<"hardsigmoid"> {
  let summary = "max(0, min(1, alpha * x + beta)), ONNX HardSigmoid";
  let description = [{
    ONNX's defaults are alpha = 0.2, beta = 0.5; PyTorch's `nn.Hardsigmoid`
    exports alpha = 1/6, beta = 0.5.

    ```mlir
    %y = qc.hardsigmoid %x {alpha = 0.166666672 : f32, beta = 5.0e-01 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def QC_GeluOp : QC_Op<"gelu"> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `approximate = "none"`: `0.5 * x * (1 + erf(x / sqrt(2)))`;
    `approximate = "tanh"`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`.
    The importer fuses the erf sub-graph PyTorch exports into this op.

    ```mlir
    %y = qc.gelu %x {approximate = "none"} : tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, StrAttr:$approximate);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def QC_SoftmaxOp : QC_Op<"softmax"> {
  let summary = "softmax along one axis (ONNX Softmax, opset 13 semantics)";
  let description = [{
    ```mlir
    %y = qc.softmax %x {axis = -1 : i64} : tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, I64Attr:$axis);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

/// An activation with one float parameter `alpha` (ONNX's default in the
/// importer). leaky_relu is quantized (a qc.qlut table) and compiled
/// (passes/Codegen/FloatElementwise.cpp); the others are float only, not
/// quantized, refused by `qc compile`.
class QC_AlphaActOp<string mnemonic, string onnx, string what> : QC_Op<mnemonic> {
  let summary = what # " (ONNX " # onnx # ")";
  let description = [{
    ```mlir
    %y = qc.}] # mnemonic # [{ %x {alpha = 5.000000e-01 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def QC_LeakyReluOp : QC_AlphaActOp<"leaky_relu", "LeakyRelu", "x if x >= 0 else alpha * x">;
def QC_ThresholdedReluOp : QC_AlphaActOp<"thresholded_relu", "ThresholdedRelu", "x if x > alpha else 0 (NaN stays NaN)">;
def QC_EluOp : QC_AlphaActOp<"elu", "Elu", "x if x >= 0 else alpha * (exp(x) - 1)">;
def QC_CeluOp : QC_AlphaActOp<"celu", "Celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))">;
def QC_SeluOp : QC_Op<"selu"> {
  let summary = "gamma * (x if x > 0 else alpha * (exp(x) - 1)) (ONNX Selu)";
  let description = [{
    Float only: not quantized, refused by `qc compile`.

    ```mlir
    %y = qc.selu %x {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, F32Attr:$alpha, F32Attr:$gamma);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def QC_LogSoftmaxOp : QC_Op<"log_softmax"> {
  let summary = "log of softmax along one axis (ONNX LogSoftmax, opset 13 semantics)";
  let description = [{
    `x - max - log(sum(exp(x - max)))`, in double. Float only: not
    quantized, refused by `qc compile`.

    ```mlir
    %y = qc.log_softmax %x {axis = -1 : i64} : tensor<1x10xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, I64Attr:$axis);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def QC_PReluOp : QC_BinaryOp<"prelu", "x if x >= 0 else slope * x, slope broadcast (ONNX PRelu)">;

def QC_AddOp : QC_BinaryOp<"add", "addition", [Commutative]>;
def QC_SubOp : QC_BinaryOp<"sub", "subtraction">;
def QC_MulOp : QC_BinaryOp<"mul", "multiplication", [Commutative]>;
def QC_DivOp : QC_BinaryOp<"div", "division">;
def QC_PowOp : QC_BinaryOp<"pow", "power (lhs raised to rhs)">;
def QC_MaxOp : QC_BinaryOp<"max", "maximum, NaN if either is NaN (ONNX Max of two inputs)", [Commutative]>;
def QC_MinOp : QC_BinaryOp<"min", "minimum, NaN if either is NaN (ONNX Min of two inputs)", [Commutative]>;

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

def QC_MaxPool2dOp : QC_Op<"max_pool2d"> {
  let summary = "2-D max pooling (NCHW), ONNX MaxPool";
  let description = [{
    Padded positions never win (they act as -infinity). Each pad is smaller
    than the kernel (as onnxruntime requires), so every window sees input.
    With `ceil_mode`, the output size rounds up, and a window that would
    start in the end padding is dropped, as ONNX and PyTorch do.

    ```mlir
    %y = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>,
           kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
         : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_AvgPool2dOp : QC_Op<"avg_pool2d"> {
  let summary = "2-D average pooling (NCHW), ONNX AveragePool";
  let description = [{
    With `count_include_pad = false` the divisor counts only the input
    elements under the window; with `true` it counts the explicit padding too
    (never the extra positions added by `ceil_mode`). Each pad is smaller
    than the kernel, so no divisor is zero; `ceil_mode` is as in
    `qc.max_pool2d`.

    ```mlir
    %y = qc.avg_pool2d %x {ceil_mode = false, count_include_pad = false,
           kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_GlobalAvgPool2dOp : QC_Op<"global_avg_pool2d"> {
  let summary = "mean over H and W, keeping them as size 1 (ONNX GlobalAveragePool)";
  let description = [{
    ```mlir
    %y = qc.global_avg_pool2d %x : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
    ```
  }];
  let arguments = (ins QC_Tensor4D:$input);
  let results = (outs QC_Tensor4D:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_ReduceMeanOp : QC_Op<"reduce_mean"> {
  let summary = "mean over the given axes (ONNX ReduceMean)";
  let description = [{
    Axes may be negative; they are stored as given. An empty `axes` reduces
    over every dimension.

    ```mlir
    %y = qc.reduce_mean %x {axes = array<i64: -1>, keepdims = true}
         : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, DenseI64ArrayAttr:$axes,
                       BoolAttr:$keepdims);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

/// A reduction over `axes` (ONNX Reduce*): shape rule `support/Shapes.h`
/// `reductionShape` (axes may be negative, distinct; empty = all).
class QC_ReduceOp<string mnemonic, string onnx, string what,
                  Type tensor = QC_FloatTensor>
    : QC_Op<mnemonic> {
  let summary = what # " over the given axes (ONNX " # onnx # ")";
  let description = [{
    Float (sums accumulate in double in the reference executor); reduce_max
    and reduce_min also take the ui8 / i8 of a quantized program (the
    built-in quantizers share the input's qparams with the output, and
    qc-lower-to-integer's `reduce-extreme` pattern reduces the codes). `qc
    compile` lowers every form bit-identically to the reference
    (passes/Codegen/FloatReduce.cpp).

    ```mlir
    %y = qc.}] # mnemonic # [{ %x {axes = array<i64: -1>, keepdims = true}
         : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
    ```
  }];
  let arguments = (ins tensor:$input, DenseI64ArrayAttr:$axes,
                       BoolAttr:$keepdims);
  let results = (outs tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def QC_ReduceMaxOp : QC_ReduceOp<"reduce_max", "ReduceMax", "maximum (NaN if any element is NaN)",
                                 RankedTensorOf<[F32, UI8, I8]>>;
def QC_ReduceMinOp : QC_ReduceOp<"reduce_min", "ReduceMin", "minimum (NaN if any element is NaN)",
                                 RankedTensorOf<[F32, UI8, I8]>>;
def QC_ReduceSumOp : QC_ReduceOp<"reduce_sum", "ReduceSum", "sum">;
def QC_ReduceProdOp : QC_ReduceOp<"reduce_prod", "ReduceProd", "product">;
def QC_ReduceSumSquareOp : QC_ReduceOp<"reduce_sum_square", "ReduceSumSquare", "sum of squares">;
def QC_ReduceL1Op : QC_ReduceOp<"reduce_l1", "ReduceL1", "sum of absolute values">;
def QC_ReduceL2Op : QC_ReduceOp<"reduce_l2", "ReduceL2", "square root of the sum of squares">;
def QC_ReduceLogSumOp : QC_ReduceOp<"reduce_log_sum", "ReduceLogSum", "natural logarithm of the sum">;
def QC_ReduceLogSumExpOp : QC_ReduceOp<"reduce_log_sum_exp", "ReduceLogSumExp", "log(sum(exp(x)))">;

/// ArgMax / ArgMin: the index (int64) of the first (or, with
/// select_last_index, the last) extreme element along `axis`.
class QC_ArgOp<string mnemonic, string onnx, string what> : QC_Op<mnemonic> {
  let summary = "index of the " # what # " along an axis (ONNX " # onnx # ")";
  let description = [{
    The result is int64. NaN counts as the extreme value (numpy's rule, as
    ONNX's reference). The input is f32, or the ui8 / i8 of a quantized
    program: the built-in quantizers keep ArgMax's input quantized and
    qc-lower-to-integer drops the dequantize before it (dequantize is
    increasing, so the index is the same). `qc compile` lowers every form.

    ```mlir
    %i = qc.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false, select_last_index = false}
         : (tensor<2x10xf32>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32, UI8, I8]>:$input, I64Attr:$axis,
                       BoolAttr:$keepdims, BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def QC_ArgMaxOp : QC_ArgOp<"arg_max", "ArgMax", "largest element">;
def QC_ArgMinOp : QC_ArgOp<"arg_min", "ArgMin", "smallest element">;

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def QC_ReshapeOp : QC_Op<"reshape"> {
  let summary = "reshape to a target shape (at most one -1 entry)";
  let description = [{
    `shape` holds the new dimensions; one entry may be -1 (inferred from the
    element count). ONNX's `0` (copy the input dimension) is resolved by the
    importer.

    ```mlir
    %y = qc.reshape %x {shape = array<i64: -1, 784>} : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QC_FlattenOp : QC_Op<"flatten"> {
  let summary = "flatten to 2-D at an axis (ONNX Flatten)";
  let description = [{
    Dimensions `[0, axis)` become the first output dimension, `[axis, rank)`
    the second.

    ```mlir
    %y = qc.flatten %x {axis = 1 : i64} : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, I64Attr:$axis);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_TransposeOp : QC_Op<"transpose"> {
  let summary = "permute dimensions: output dim i = input dim perm[i]";
  let description = [{
    ```mlir
    %y = qc.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x16x4x16xf32>) -> tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_ConcatOp : QC_Op<"concat"> {
  let summary = "concatenate along an axis (ONNX Concat)";
  let description = [{
    ```mlir
    %y = qc.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
    ```
  }];
  let arguments = (ins Variadic<QC_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def QC_SliceOp : QC_Op<"slice"> {
  let summary = "strided slice (ONNX Slice semantics)";
  let description = [{
    For each listed axis, takes `starts[i] : ends[i] : steps[i]` with ONNX's
    rules: negative indices count from the end, out-of-range bounds clamp,
    negative steps walk backwards. Unlisted axes are kept whole.

    ```mlir
    %y = qc.slice %x {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 1>,
           steps = array<i64: 1>} : (tensor<1x8xf32>) -> tensor<1x3xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_PadOp : QC_Op<"pad"> {
  let summary = "pad with a constant, by reflection or by edge replication (ONNX Pad)";
  let description = [{
    `pads` is ONNX-ordered: all begin amounts, then all end amounts, one per
    dimension. Negative amounts crop. `mode` is "constant", "reflect" or
    "edge".

    ```mlir
    %y = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32}
         : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, DenseI64ArrayAttr:$pads,
                       StrAttr:$mode, F32Attr:$value);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_ResizeOp : QC_Op<"resize"> {
  let summary = "resize the spatial dimensions of an NCHW tensor (ONNX Resize)";
  let description = [{
    `sizes` is the output shape. N and C are kept: their entries are -1 or
    the input's dimension, and their scales 1. An H or W entry is either the
    output size or -1 for `floor(input * scale)` (ONNX Resize given `scales`,
    the product taken in f32 as ONNX shape inference and onnxruntime do; a
    dynamic input dimension stays dynamic). `scales` (one per dimension) are
    the factors used to map output coordinates back to input coordinates, as
    ONNX does when a model gives scales. `mode` is "nearest" or "linear";
    `coordinate_transformation_mode` is "half_pixel", "pytorch_half_pixel",
    "align_corners" or "asymmetric"; `nearest_mode` is "round_prefer_floor",
    "round_prefer_ceil", "floor" or "ceil".

    ```mlir
    %y = qc.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest",
           nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>,
           sizes = array<i64: 1, 8, 8, 8>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
    %z = qc.resize %d {coordinate_transformation_mode = "half_pixel", mode = "linear",
           nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>,
           sizes = array<i64: -1, -1, -1, -1>} : (tensor<?x8x?x?xf32>) -> tensor<?x8x?x?xf32>
    ```
  }];
  let arguments = (ins QC_Tensor4D:$input, DenseI64ArrayAttr:$sizes,
                       DenseF32ArrayAttr:$scales, StrAttr:$mode,
                       StrAttr:$coordinate_transformation_mode,
                       StrAttr:$nearest_mode);
  let results = (outs QC_Tensor4D:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Tensors of any element type
//===----------------------------------------------------------------------===//
// Graph inputs that are not float32 (int64 indices and labels, int32 / int8 /
// uint8 / bool / float64 tensors) and the ops that compute on them. qc runs
// these in the reference executor only: it neither quantizes nor compiles
// them (`qc compile` refuses them, naming the op).

def QC_CastOp : QC_Op<"cast"> {
  let summary = "convert the elements to another element type (ONNX Cast)";
  let description = [{
    Integer to integer wraps to the target width (two's complement), float to
    integer truncates toward zero (a NaN, infinite or out-of-range value is an
    error at run time), anything to i1 is `x != 0`, i1 to a number is 0 or 1,
    f64 to f32 rounds to nearest.

    ```mlir
    %y = qc.cast %x {to = f32} : (tensor<2x3xi64>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, TypeAttr:$to);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_CompareOp : QC_Op<"compare"> {
  let summary = "elementwise comparison to i1 (ONNX Equal, Less, LessOrEqual, Greater, GreaterOrEqual)";
  let description = [{
    `predicate` is "eq", "lt", "le", "gt" or "ge"; operands of one element
    type broadcast as numpy's. A comparison with NaN is false.

    ```mlir
    %c = qc.compare %a, %b {predicate = "lt"} : (tensor<3x4xi64>, tensor<4xi64>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$lhs, QC_AnyTensor:$rhs, StrAttr:$predicate);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def QC_SelectOp : QC_Op<"select"> {
  let summary = "elementwise choice: lhs where condition, else rhs (ONNX Where)";
  let description = [{
    The i1 `condition`, `lhs` and `rhs` (of one element type) broadcast
    together as numpy's.

    ```mlir
    %y = qc.select %c, %a, %b : (tensor<2x2xi1>, tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, QC_AnyTensor:$lhs,
                       QC_AnyTensor:$rhs);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def QC_LogicalOp : QC_Op<"logical"> {
  let summary = "elementwise and / or / xor of i1 tensors (ONNX And, Or, Xor)";
  let description = [{
    `kind` is "and", "or" or "xor"; the operands broadcast as numpy's.

    ```mlir
    %y = qc.logical %a, %b {kind = "xor"} : (tensor<3x4xi1>, tensor<4xi1>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$lhs, RankedTensorOf<[I1]>:$rhs,
                       StrAttr:$kind);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def QC_NotOp : QC_Op<"not"> {
  let summary = "elementwise negation of an i1 tensor (ONNX Not)";
  let description = [{
    ```mlir
    %y = qc.not %x : (tensor<3x4xi1>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$input);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_ArithOp : QC_Op<"arith"> {
  let summary = "elementwise arithmetic on integer and f64 tensors (ONNX Add, Sub, Mul, Div, Mod, Max, Min, Pow, BitShift)";
  let description = [{
    `kind` is "add", "sub", "mul", "div", "mod", "fmod", "max", "min", "pow",
    "shl" or "shr"; the operands (of one element type) broadcast as numpy's.
    On integers: results wrap to the element type's width; "div" truncates
    toward zero (division by zero is an error at run time); "mod" takes the
    divisor's sign (Python's %), "fmod" the dividend's (C's fmod); "pow"
    multiplies out (a negative exponent is an error); shifts by the width or
    more give 0. On f64 (and on f32 for "mod", "fmod", which qc's float ops
    lack): IEEE arithmetic in the element type. i1 is not an operand type.

    ```mlir
    %y = qc.arith %a, %b {kind = "mod"} : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$lhs, QC_AnyTensor:$rhs, StrAttr:$kind);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def QC_GatherOp : QC_Op<"gather"> {
  let summary = "take slices along an axis at run-time indices (ONNX Gather)";
  let description = [{
    The result is `input.shape[:axis] + indices.shape + input.shape[axis+1:]`.
    `indices` are integers; a negative index counts from the end; one outside
    `[-n, n)` is an error at run time naming it.

    ```mlir
    %y = qc.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, QC_AnyTensor:$indices, I64Attr:$axis);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def QC_GatherElementsOp : QC_Op<"gather_elements"> {
  let summary = "take elements along an axis at run-time indices (ONNX GatherElements)";
  let description = [{
    `indices` has the input's rank; the result has its shape:
    `y[i][j][k] = x[indices[i][j][k]][j][k]` for axis 0 (and likewise for the
    other axes). Negative indices count from the end; out of range is an
    error at run time.

    ```mlir
    %y = qc.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, QC_AnyTensor:$indices, I64Attr:$axis);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def QC_NllLossOp : QC_Op<"nll_loss"> {
  let summary = "negative log-likelihood loss (ONNX NegativeLogLikelihoodLoss)";
  let description = [{
    `input` (N, C, d1, ...) holds log-probabilities, `target` (N, d1, ...)
    integer class indices, `weight` (optional, C) per-class weights:
    `loss[n][d] = -input[n][target[n][d]][d] * weight[target[n][d]]`, 0 where
    `target == ignore_index` (when `has_ignore_index`). `reduction` is "none"
    (the result has the target's shape), "sum", or "mean" (the sum divided by
    the sum of the weights taken; a scalar result). A target outside
    `[0, C)` that is not ignored is an error at run time.

    ```mlir
    %l = qc.nll_loss %x, %t, %w {has_ignore_index = false, ignore_index = 0 : i64, reduction = "mean"}
         : (tensor<3x5xf32>, tensor<3xi64>, tensor<5xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, QC_AnyTensor:$target,
                       Optional<QC_FloatTensor>:$weight, StrAttr:$reduction,
                       I64Attr:$ignore_index, BoolAttr:$has_ignore_index);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def QC_TriluOp : QC_Op<"trilu"> {
  let summary = "keep the upper or lower triangle of the last two dimensions (ONNX Trilu)";
  let description = [{
    With `upper`, elements with `col - row >= k` are kept, else those with
    `col - row <= k`; the others become 0. Any element type.

    ```mlir
    %y = qc.trilu %x {k = 1 : i64, upper = true} : (tensor<4x5xi64>) -> tensor<4x5xi64>
    ```
  }];
  let arguments = (ins QC_AnyTensor:$input, BoolAttr:$upper, I64Attr:$k);
  let results = (outs QC_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // QC_DIALECT_QCOPS_TD
