#!/usr/bin/python3
"""Writes docs/ops.md: every ONNX op (default domain, from the installed onnx package's schemas) with its status in qc.

    /usr/bin/python3 scripts/gen_ops_md.py --qc build/bin/qc [-o docs/ops.md]

The "import" column comes from the code: `qc ops` lists the ONNX op types the importer converts, so an op
added to or removed from the importer changes the file. The other columns describe the qc op each ONNX op
becomes and how far down the flow it goes; they are kept here, next to each other, one row per qc op
(QC_OPS). The conformance test (test/conformance) regenerates the file and fails when the committed
docs/ops.md differs, and when an op `qc ops` lists has no row here.
"""
import argparse
import subprocess
import sys

import onnx.defs

# qc op -> (quantized by the built-in quantizers, native int8 code, native float code). "yes" / "no" or a note.
# quantized: annotated by quantizers/builtin (x86, xnnpack); native int8: qc-lower-to-integer has an integer
# form that `qc compile` emits; native float: `qc compile` emits the float op (passes/Codegen/Float*.cpp).
QC_OPS = {
    "qc.conv2d": ("yes", "yes (qc.qconv2d)", "yes"),
    "qc.conv_transpose2d": ("yes", "yes (qc.qconv_transpose2d)", "yes"),
    "qc.linear": ("yes", "yes (qc.qlinear)", "yes"),
    "qc.matmul": ("yes", "yes (qc.qmatmul)", "yes"),
    "qc.batch_norm": ("folded into conv / linear", "folded", "yes"),
    "qc.layer_norm": ("no", "no", "yes"),
    "qc.relu": ("yes (shared)", "yes (fused clamp)", "yes"),
    "qc.clamp": ("yes (shared)", "yes (fused clamp)", "yes"),
    "qc.sigmoid": ("yes (fixed qparams)", "yes (qc.qlut)", "yes"),
    "qc.tanh": ("yes (fixed qparams)", "yes (qc.qlut)", "yes"),
    "qc.hardswish": ("yes", "yes (qc.qlut)", "yes"),
    "qc.hardsigmoid": ("yes (fixed qparams)", "yes (qc.qlut)", "yes"),
    "qc.gelu": ("yes", "yes (qc.qlut)", "yes"),
    "qc.erf": ("no", "no", "yes"),
    "qc.sqrt": ("no", "no", "yes"),
    "qc.softmax": ("yes (fixed qparams)", "no", "yes"),
    "qc.add": ("yes", "yes (qc.qadd)", "yes"),
    "qc.sub": ("no", "no", "yes"),
    "qc.mul": ("yes", "yes (qc.qmul)", "yes"),
    "qc.div": ("no", "no", "yes"),
    "qc.pow": ("no", "no", "yes"),
    "qc.max_pool2d": ("yes (shared)", "yes (qc.qmax_pool2d)", "yes"),
    "qc.avg_pool2d": ("yes (shared)", "yes (qc.qavg_pool2d)", "yes"),
    "qc.global_avg_pool2d": ("yes (shared)", "yes (qc.qavg_pool2d)", "yes"),
    "qc.reduce_mean": ("yes (shared)", "no", "yes"),
    "qc.reshape": ("yes (shared)", "yes (integer data movement)", "yes (a view or a copy)"),
    "qc.flatten": ("yes (shared)", "yes (integer data movement)", "yes (a view or a copy)"),
    "qc.transpose": ("yes (shared)", "yes (integer data movement)", "yes (a view or a copy)"),
    "qc.concat": ("yes", "yes (integer data movement)", "yes (a copy)"),
    "qc.slice": ("yes (shared)", "yes (integer data movement)", "yes (a view or a copy)"),
    "qc.pad": ("yes (constant 0)", "no", "yes"),
    "qc.resize": ("yes (shared)", "yes (qc.qresize)", "yes"),
    "qc.quantize": ("—", "yes", "—"),
    "qc.dequantize": ("—", "yes", "—"),
    "constant": ("—", "—", "—"),
    "import time": ("—", "—", "—"),
}
for _m in ["abs", "neg", "exp", "log", "reciprocal", "floor", "ceil", "round", "sign", "sin", "cos", "tan",
           "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "softplus", "softsign",
           "reduce_max", "reduce_min", "reduce_sum", "reduce_prod", "reduce_sum_square", "reduce_l1", "reduce_l2",
           "reduce_log_sum", "reduce_log_sum_exp", "arg_max", "arg_min", "max", "min", "log_softmax",
           "leaky_relu", "thresholded_relu", "elu", "celu", "selu", "prelu"]:
    QC_OPS["qc." + _m] = ("no", "no", "no")
QC_OPS["qc.log_softmax"] = ("no", "no", "yes")
# Issue 10's elementwise math ops: annotated by the built-in quantizers, int8 as 256-entry tables or
# qc.qmax / qc.qmin, float code in passes/Codegen/FloatElementwise.cpp.
for _m in ["abs", "neg", "exp", "log", "reciprocal", "floor", "ceil", "round", "leaky_relu"]:
    QC_OPS["qc." + _m] = ("yes", "yes (qc.qlut)", "yes")
QC_OPS["qc.prelu"] = ("yes (constant slope)", "yes (qc.qlut) for one slope; per channel a float step", "yes")
QC_OPS["qc.max"] = ("yes (shared)", "yes (qc.qmax)", "yes")
QC_OPS["qc.min"] = ("yes (shared)", "yes (qc.qmin)", "yes")
# LSTM / GRU / RNN unrolled at import into qc.linear, qc.slice, qc.sigmoid, qc.tanh, qc.mul, qc.add (GRU: qc.sub).
QC_OPS["unrolled"] = ("yes (its qc ops)", "yes (qc.qlinear, qc.qlut, qc.qmul, qc.qadd)", "yes")
# Ops on tensors of any element type (run-time integers, booleans, f64): reference executor only.
for _m in ["cast", "compare", "select", "logical", "not", "arith", "gather", "gather_elements", "nll_loss",
           "trilu"]:
    QC_OPS["qc." + _m] = ("no", "no", "no")
# qc.gather with run-time int64 / int32 indices is native (passes/Codegen/Gather.cpp, a row copy).
QC_OPS["qc.gather"] = ("no", "no", "yes")
# Reductions and ArgMax / ArgMin (passes/Codegen/FloatReduce.cpp). ArgMax / ArgMin of a quantized tensor keep its
# int8 input (qc-lower-to-integer's arg-extreme pattern) and compare the codes.
for _m in ["reduce_max", "reduce_min", "reduce_sum", "reduce_prod", "reduce_sum_square", "reduce_l1", "reduce_l2",
           "reduce_log_sum", "reduce_log_sum_exp"]:
    QC_OPS["qc." + _m] = ("no", "no", "yes")
for _m in ["arg_max", "arg_min"]:
    QC_OPS["qc." + _m] = ("yes (input kept quantized)", "yes (on the 8-bit codes)", "yes")
for _m in ["reduce_max", "reduce_min"]:
    QC_OPS["qc." + _m] = ("yes (shared)", "yes (on the 8-bit codes)", "yes")
# qc.compare / qc.select (passes/Codegen/Compare.cpp): f32 and integer operands, bools one byte each inside the
# model; a bool model input or output is refused (the runtime ABI has no bool).
QC_OPS["qc.compare"] = ("no", "no", "yes (a mask used inside the model; no bool outputs)")
QC_OPS["qc.select"] = ("no", "no", "yes")
# Compositions with an op that runs in the reference only.
QC_OPS["qc.arg_max, qc.cast"] = ("no", "no", "no (qc.cast: reference only)")
QC_OPS["qc.compare, qc.not"] = ("no", "no", "no (qc.not: reference only)")

# ONNX op -> (qc op(s) it becomes, key into QC_OPS, note). Ops qc imports must have a row.
ONNX_TO_QC = {
    "Abs": ("qc.abs", ""), "Acos": ("qc.acos", ""), "Acosh": ("qc.acosh", ""),
    "Add": ("qc.add", ""), "ArgMax": ("qc.arg_max", "int64 result"), "ArgMin": ("qc.arg_min", "int64 result"),
    "Asin": ("qc.asin", ""), "Asinh": ("qc.asinh", ""), "Atan": ("qc.atan", ""), "Atanh": ("qc.atanh", ""),
    "AveragePool": ("qc.avg_pool2d", "1-D and 2-D (1-D: over a unit height)"),
    "BatchNormalization": ("qc.batch_norm", "inference form"),
    "Cast": ("qc.cast", "to FLOAT, DOUBLE, INT8, UINT8, INT16, INT32, INT64, BOOL"),
    "CastLike": ("qc.cast", "as Cast"),
    "And": ("qc.logical", "bool"), "Or": ("qc.logical", "bool"), "Xor": ("qc.logical", "bool"),
    "Not": ("qc.not", "bool"),
    "BitShift": ("qc.arith", "uint8"),
    "Mod": ("qc.arith", "integers (both fmod modes), floats (fmod = 1)"),
    "Less": ("qc.compare", "bool result"), "LessOrEqual": ("qc.compare", "bool result"),
    "Greater": ("qc.compare", "bool result"), "GreaterOrEqual": ("qc.compare", "bool result"),
    "GatherElements": ("qc.gather_elements", "run-time indices"),
    "NegativeLogLikelihoodLoss": ("qc.nll_loss", "int labels"),
    "SoftmaxCrossEntropyLoss": ("qc.nll_loss", "qc.log_softmax + qc.nll_loss; int labels"),
    "Trilu": ("qc.trilu", "k known at import time"),
    "DepthToSpace": ("qc.reshape", "qc.reshape, qc.transpose, qc.reshape (DCR / CRD)"),
    "SpaceToDepth": ("qc.reshape", "qc.reshape, qc.transpose, qc.reshape"),
    "Tile": ("qc.concat", "repeats known at import time; qc.concat per axis"),
    "Hardmax": ("qc.arg_max, qc.cast", "opset 13: qc.arg_max == iota (qc.compare), qc.cast"),
    "OneHot": ("qc.compare", "depth / values known at import time; qc.compare with an iota, qc.select"),
    "IsNaN": ("qc.compare, qc.not", "x == x, qc.not"), "IsInf": ("qc.compare", "x == +-inf"),
    "Shrink": ("qc.select", "qc.compare, qc.add / qc.sub, qc.select"),
    "EyeLike": ("import time", "static 2-D shape"),
    "GlobalMaxPool": ("qc.reduce_max", "over the spatial dimensions, kept"),
    "InstanceNormalization": ("qc.reduce_mean", "reduce_mean, sub, mul, sqrt, div, scale / bias per channel"),
    "Ceil": ("qc.ceil", ""),
    "Clip": ("qc.clamp", "bounds known at import time; qc.arith max / min on integers"),
    "Concat": ("qc.concat", ""),
    "Constant": ("constant", ""),
    "ConstantOfShape": ("import time", "shape known at import time"),
    "Conv": ("qc.conv2d", "1-D and 2-D (1-D: over a unit height)"),
    "ConvTranspose": ("qc.conv_transpose2d", "1-D and 2-D (1-D: over a unit height)"),
    "Cos": ("qc.cos", ""), "Cosh": ("qc.cosh", ""),
    "DequantizeLinear": ("qc.dequantize", ""),
    "Div": ("qc.div", ""),
    "Dropout": ("constant", "the identity (inference)"),
    "Equal": ("qc.compare", "bool result; folded when known at import time"),
    "Erf": ("qc.erf", ""), "Exp": ("qc.exp", ""),
    "Expand": ("qc.mul", "x * ones (f32), qc.select of an all-true mask (other types); the shape known at import time"),
    "Flatten": ("qc.flatten", ""), "Floor": ("qc.floor", ""),
    "Gather": ("qc.gather", "run-time indices; known indices: qc.slice + qc.concat"),
    "Gelu": ("qc.gelu", ""),
    "Gemm": ("qc.linear", ""),
    "GRU": ("unrolled", "qc.linear per step and direction + gates; W, R, B known at import time; default "
                        "activations, no clip; linear_before_reset 0 / 1; layout 0 / 1"),
    "LSTM": ("unrolled", "qc.linear per step and direction + gates; W, R, B, P known at import time; default "
                         "activations, no clip, input_forget 0; sequence_lens absent or full; layout 0 / 1"),
    "RNN": ("unrolled", "qc.linear per step and direction + tanh; W, R, B known at import time; default "
                        "activation (Tanh), no clip"),
    "GlobalAveragePool": ("qc.global_avg_pool2d", ""),
    "HardSigmoid": ("qc.hardsigmoid", ""), "HardSwish": ("qc.hardswish", ""),
    "Identity": ("constant", "no op"),
    "LayerNormalization": ("qc.layer_norm", "Mean / InvStdDev outputs as reduce_mean, sqrt, reciprocal"),
    "Log": ("qc.log", ""),
    "MatMul": ("qc.matmul", ""),
    "Einsum": ("qc.matmul", "one or two operands, no repeated subscript in a term: qc.transpose / qc.reshape + "
                            "qc.matmul (qc.linear when the second operand is a constant weight), qc.reduce_sum for "
                            "subscripts summed away"),
    "LeakyRelu": ("qc.leaky_relu", ""), "ThresholdedRelu": ("qc.thresholded_relu", ""),
    "Elu": ("qc.elu", ""), "Celu": ("qc.celu", ""), "Selu": ("qc.selu", ""),
    "PRelu": ("qc.prelu", ""), "LogSoftmax": ("qc.log_softmax", ""),
    "Max": ("qc.max", "a chain of qc.max"), "Min": ("qc.min", "a chain of qc.min"),
    "Mean": ("qc.add", "qc.add chain, then qc.div by the count"),
    "Sum": ("qc.add", "a chain of qc.add"),
    "MaxPool": ("qc.max_pool2d", "1-D and 2-D (1-D: over a unit height), first output only"),
    "Mul": ("qc.mul", ""), "Neg": ("qc.neg", ""),
    "Pad": ("qc.pad", ""), "Pow": ("qc.pow", ""),
    "QuantizeLinear": ("qc.quantize", ""),
    "Range": ("import time", "scalars known at import time"),
    "Reciprocal": ("qc.reciprocal", ""),
    "ReduceL1": ("qc.reduce_l1", ""), "ReduceL2": ("qc.reduce_l2", ""),
    "ReduceLogSum": ("qc.reduce_log_sum", ""), "ReduceLogSumExp": ("qc.reduce_log_sum_exp", ""),
    "ReduceMax": ("qc.reduce_max", ""), "ReduceMean": ("qc.reduce_mean", ""),
    "ReduceMin": ("qc.reduce_min", ""), "ReduceProd": ("qc.reduce_prod", ""),
    "ReduceSum": ("qc.reduce_sum", ""), "ReduceSumSquare": ("qc.reduce_sum_square", ""),
    "Relu": ("qc.relu", ""),
    "Reshape": ("qc.reshape", "shape known at import time"),
    "Resize": ("qc.resize", "nearest / linear"),
    "Round": ("qc.round", ""),
    "Shape": ("import time", "static shapes"),
    "Sigmoid": ("qc.sigmoid", ""), "Size": ("import time", "static shapes"), "Sign": ("qc.sign", ""),
    "Sin": ("qc.sin", ""), "Sinh": ("qc.sinh", ""),
    "Slice": ("qc.slice", ""),
    "Softmax": ("qc.softmax", ""), "Softplus": ("qc.softplus", ""), "Softsign": ("qc.softsign", ""),
    "Split": ("qc.slice", "one qc.slice per output"),
    "Sqrt": ("qc.sqrt", ""),
    "Squeeze": ("qc.reshape", ""), "Unsqueeze": ("qc.reshape", ""),
    "Sub": ("qc.sub", ""),
    "Tan": ("qc.tan", ""), "Tanh": ("qc.tanh", ""),
    "Transpose": ("qc.transpose", ""),
    "Upsample": ("qc.resize", ""),
    "Where": ("qc.select", "folded when known at import time"),
}


def render(imported):
    missing = sorted(set(imported) - set(ONNX_TO_QC))
    if missing:
        raise SystemExit("gen_ops_md.py: qc imports %s but ONNX_TO_QC has no row for it" % ", ".join(missing))
    onnx_ops = sorted({s.name for s in onnx.defs.get_all_schemas() if s.domain == ""} | set(imported))
    lines = [
        "# ONNX ops in qc",
        "",
        "<!-- Generated by scripts/gen_ops_md.py from `qc ops` (the importer's list) and the op table in the",
        "     script; test/conformance checks that this file is current. Do not edit by hand. -->",
        "",
        "Every op of the default ONNX domain (onnx %s schemas), with how far it goes in qc:" % onnx.__version__,
        "",
        "- **import**: `qc import` converts it (the list `qc ops` prints).",
        "- **qc op**: what it becomes; *import time*: evaluated while importing, on values known then (shapes,",
        "  constants, `--const-input` arrays); anything computed at run time is refused with a `qc: error:`.",
        "  Integer, bool and float64 tensors computed at run time (`qc.cast`, `qc.logical`, `qc.not`, `qc.arith`,",
        "  ...) run in the reference executor only; `qc.gather` (run-time int64 / int32 ids), `qc.compare` and",
        "  `qc.select` (masks inside the model) and data movement of integer tensors are compiled too.",
        "- **reference**: `qc run` (the reference executor) computes it, with ONNX semantics.",
        "- **quantized**: the built-in quantizers (x86, xnnpack) annotate it; otherwise it stays float in a",
        "  quantized program.",
        "- **native int8**: `qc compile` emits integer code for its quantized form (`qc-lower-to-integer`).",
        "- **native float**: `qc compile` emits it as float32 code (bit-identical to `qc run`); an op with",
        "  neither native column is refused by `qc compile` with an error naming it.",
        "",
        "How many of ONNX's own node tests pass: docs/conformance.md.",
        "",
        "| ONNX op | import | qc op | reference | quantized | native int8 | native float | notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    count = 0
    for op in onnx_ops:
        if op in imported:
            count += 1
            qc_op, note = ONNX_TO_QC[op]
            q, i8, f = QC_OPS[qc_op]
            ref = "import time" if qc_op == "import time" else "yes"
            shown = "`%s`" % qc_op if qc_op.startswith("qc.") else qc_op
            lines.append("| %s | yes | %s | %s | %s | %s | %s | %s |" % (op, shown, ref, q, i8, f, note))
        else:
            lines.append("| %s | no | | | | | | |" % op)
    lines += ["", "%d of %d ONNX ops import." % (count, len(onnx_ops)), ""]
    return "\n".join(lines)


def imported_ops(qc):
    out = subprocess.run([qc, "ops"], check=True, stdout=subprocess.PIPE).stdout.decode()
    return [line for line in out.splitlines() if line]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qc", required=True)
    p.add_argument("-o", "--output", default="-")
    a = p.parse_args()
    text = render(imported_ops(a.qc))
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
