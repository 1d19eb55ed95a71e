//===- QCQuantOps.td - observe / quantize / dequantize ----*- tablegen -*-===//
//
// The ops of the quantization flow. `prepare` inserts qc.observe at every
// annotated edge; calibration records each observer's qparams on it;
// `convert` replaces observers by qc.quantize / qc.dequantize pairs and
// stores weights as integer constants followed by qc.dequantize. The numerics
// are the contract of DESIGN.md:
//   quantize(x)   = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)
//   dequantize(q) = (q - zero_point) * scale
// computed in f32, per tensor (no `axis`) or per channel along `axis`.
// Integer tensors use `ui8` for unsigned and `i8` / `i16` / `i32` (signless,
// read as signed) for signed storage.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECT_QCQUANTOPS_TD
#define QC_DIALECT_QCQUANTOPS_TD

include "dialects/qc/IR/QCDialect.td"
include "dialects/qc/IR/QCAttrs.td"

def QC_IntTensor : RankedTensorOf<[UI8, I8, I16, I32]>;

class QC_QuantOp<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def QC_ObserveOp : QC_QuantOp<"observe", [SameOperandsAndResultType]> {
  let summary = "observation point: passes its input through, records statistics";
  let description = [{
    Inserted by `qc-prepare` at each annotated edge. `id` names the observer
    (edges with shared qparams share one id); `spec` is the quantization spec
    it serves. Calibration runs the program and stores the resulting
    `scale` / `zero_point` (one entry per tensor, or per channel along the
    spec's axis) on the op. The executor treats it as the identity apart from
    feeding its observer.

    ```mlir
    %1 = qc.observe %0 {id = 3 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0,
           quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, I64Attr:$id,
                       QC_QuantSpecAttr:$spec,
                       OptionalAttr<DenseF32ArrayAttr>:$scale,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_point);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class QC_QParamsOp<string mnemonic, list<Trait> traits = []>
    : QC_QuantOp<mnemonic, traits> {
  let hasVerifier = 1;
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def QC_QuantizeOp : QC_QParamsOp<"quantize"> {
  let summary = "float to integer: clamp(round_half_even(x / scale) + zp, qmin, qmax)";
  let description = [{
    Matches torch.quantize_per_tensor / quantize_per_channel and ONNX
    QuantizeLinear (with an explicit range, so reduced ranges are exact).
    Without `axis`, `scale` and `zero_point` have one entry; with it, one per
    index along `axis`.

    ```mlir
    %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64,
           scale = array<f32: 0.0235>, zero_point = array<i64: 128>}
         : (tensor<1x8xf32>) -> tensor<1x8xui8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input,
                       DenseF32ArrayAttr:$scale, DenseI64ArrayAttr:$zero_point,
                       OptionalAttr<I64Attr>:$axis, I64Attr:$quant_min,
                       I64Attr:$quant_max);
  let results = (outs QC_IntTensor:$output);
}

def QC_DequantizeOp : QC_QParamsOp<"dequantize"> {
  let summary = "integer to float: (q - zp) * scale";
  let description = [{
    Matches Tensor.dequantize() and ONNX DequantizeLinear. Also how converted
    weights (integer constants) and int32 biases enter float ops.

    ```mlir
    %w = qc.dequantize %wq {axis = 0 : i64, scale = array<f32: 0.01, 0.02>,
           zero_point = array<i64: 0, 0>} : (tensor<2x3x3x3xi8>) -> tensor<2x3x3x3xf32>
    ```

    With `block_size` (block quantization, ONNX DequantizeLinear-21's
    `block_size`; weight-only quantization's groups) each run of
    `block_size` consecutive elements along `axis` has its own qparams (the
    last run may be shorter): `scale` / `zero_point` hold the qparams of a
    tensor of the input's shape with dimension `axis` replaced by
    `ceil(dim / block_size)`, row-major. A weight-only int4 weight is int8 /
    uint8 storage whose values fit 4 bits (range [-8, 7] / [0, 15], as PT2E
    keeps 4-bit weights in torch.int8).

    ```mlir
    %w = qc.dequantize %wq {axis = 1 : i64, block_size = 2 : i64,
           scale = array<f32: 0.01, 0.02, 0.03, 0.04>,
           zero_point = array<i64: 0, 0, 0, 0>} : (tensor<2x4xi8>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins QC_IntTensor:$input, DenseF32ArrayAttr:$scale,
                       DenseI64ArrayAttr:$zero_point,
                       OptionalAttr<I64Attr>:$axis,
                       OptionalAttr<I64Attr>:$block_size);
  let results = (outs RankedTensorOf<[F32]>:$output);
}

def QC_FakeQuantOp : QC_QParamsOp<"fake_quant", [SameOperandsAndResultType]> {
  let summary = "quantize then dequantize, in float (QAT-style fake quantization)";
  let description = [{
    `dequantize(quantize(x))` without materializing the integer tensor: the
    value a quantized program sees at this edge.

    ```mlir
    %y = qc.fake_quant %x {quant_max = 127 : i64, quant_min = -128 : i64,
           scale = array<f32: 0.05>, zero_point = array<i64: 3>}
         : (tensor<1x8xf32>) -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input,
                       DenseF32ArrayAttr:$scale, DenseI64ArrayAttr:$zero_point,
                       OptionalAttr<I64Attr>:$axis, I64Attr:$quant_min,
                       I64Attr:$quant_max);
  let results = (outs RankedTensorOf<[F32]>:$output);
}

def QC_DynamicFakeQuantOp
    : QC_QuantOp<"dynamic_fake_quant", [SameOperandsAndResultType]> {
  let summary = "quantize then dequantize with qparams chosen per run from "
                "the tensor's min / max (dynamic quantization)";
  let description = [{
    The activation edge of a dynamically quantized `qc.linear` / `qc.matmul`
    (PyTorch's `quantize_dynamic`, specs with `is_dynamic=True`): each run
    computes per-tensor qparams from this run's values, quantizes to
    `dtype` in `[quant_min, quant_max]` and dequantizes, so the consumer sees
    exactly the values PyTorch's dynamic quantized kernels multiply.

    The qparams follow PyTorch's `quant_utils::ChooseQuantizationParams`
    (used by `quantized::linear_dynamic` of fbgemm, oneDNN and QNNPACK and by
    `torch.quantize_per_tensor_dynamic`):
      min = min(0, min(x)), max = max(0, max(x));
      scale = (double(max) - min) / (quant_max - quant_min), 0.1 if it is 0
      in f32 or has an infinite f32 reciprocal; a scale below 6.1e-5 is
      raised to 6.1e-5 (min / max scaled alike); the zero point is
      `quant_min - min / scale` or `quant_max - max / scale` (the one with the
      smaller error), rounded half to even and clamped to the range; scale
      is then rounded to f32.
    Then DESIGN.md's quantize / dequantize with that scale and zero point.
    x86's `reduce_range` is the range `[0, 127]` of `ui8`. With `per_token`
    (the quantizers' `granularity=per_token`) every row, the last dimension's
    values at one index of the leading ones, gets its own qparams by the same
    rule. A NaN or infinite input is a run-time error naming the op.

    ```mlir
    %y = qc.dynamic_fake_quant %x {dtype = ui8, quant_min = 0 : i64,
           quant_max = 127 : i64} : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, TypeAttr:$dtype,
                       I64Attr:$quant_min, I64Attr:$quant_max,
                       DefaultValuedAttr<BoolAttr, "false">:$per_token);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // QC_DIALECT_QCQUANTOPS_TD
