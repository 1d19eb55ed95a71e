#!/usr/bin/python3
"""Writes the small ONNX models the importer's lit tests read (test/importer/Inputs/).

    /usr/bin/python3 test/importer/make_fixtures.py [--out DIR]

The models are built with onnx.helper (make_node / make_graph / make_model), not exported from PyTorch: they cover
what an exporter does not produce on demand -- old opsets, attribute forms, Constant-node weights, typed tensor
fields, external data, dynamic dimensions -- and broken inputs for the error tests (bad attributes, unknown ops,
truncated files, ...). Weights come from fixed seeds, so re-running the script rewrites identical files; the
committed Inputs/ must match its output (test/importer/fixtures.test checks that).
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64

OUT = None


def rng(seed):
    return np.random.RandomState(seed)


def weight(name, shape, seed):
    return numpy_helper.from_array(rng(seed).uniform(-1, 1, size=shape).astype(np.float32), name)


def const_i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def const_f32(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=13, ir_version=None, extra_opsets=(), name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="qc test/importer/make_fixtures.py")
    # An IR version every opset here is valid with (the onnx package would pick its newest).
    m.ir_version = ir_version if ir_version is not None else 7
    return m


def save(fname, m):
    path = os.path.join(OUT, fname)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return path


def save_bytes(fname, data):
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------------------------
# Op forms by opset
# ---------------------------------------------------------------------------------------------------------------

def clip_forms():
    # opset 9: min/max attributes; a missing one is unbounded.
    save("clip_opset9.onnx", model(
        [helper.make_node("Clip", ["x"], ["both"], name="clip_both", min=-1.5, max=2.0),
         helper.make_node("Clip", ["x"], ["lower"], name="clip_lower", min=0.0)],
        [vi("x", F, [1, 4])], [vi("both", F, [1, 4]), vi("lower", F, [1, 4])], opset=9))
    # opset 13: min/max inputs, either may be omitted ("").
    save("clip_opset13.onnx", model(
        [helper.make_node("Clip", ["x", "lo", "hi"], ["both"], name="clip_both"),
         helper.make_node("Clip", ["x", "", "hi"], ["upper"], name="clip_upper"),
         helper.make_node("Clip", ["x"], ["none"], name="clip_none")],
        [vi("x", F, [1, 4])], [vi("both", F, [1, 4]), vi("upper", F, [1, 4]), vi("none", F, [1, 4])],
        [const_f32("lo", 0.0), const_f32("hi", 6.0)], opset=13))
    # opset 13 with a bound computed at run time: not supported.
    save("clip_runtime_bound.onnx", model(
        [helper.make_node("ReduceMean", ["x"], ["m"], name="mean", keepdims=0),
         helper.make_node("Clip", ["x", "m"], ["y"], name="clip_dynamic")],
        [vi("x", F, [4])], [vi("y", F, [4])], opset=13))


def const_input_forms():
    # Reshape whose shape, and Clip whose bounds, are graph inputs (later opsets' inputs that a static
    # compiler needs as constants): bound with --const-input (test/importer/const-input.test).
    save("const_input.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
         helper.make_node("Clip", ["r", "lo", "hi"], ["y"], name="clip")],
        [vi("x", F, [2, 3, 4]), vi("shape", I64, [2]), vi("lo", F, []), vi("hi", F, [])],
        [vi("y", F, None)], opset=13))


def math_reduce_forms():
    # Float math functions, reductions (axes as an attribute before opset 18, ReduceSum's as an input from 13),
    # ArgMax with an int64 result (test/importer/math-reduce.test).
    save("math_reduce.onnx", model(
        [helper.make_node("Exp", ["x"], ["e"], name="exp"),
         helper.make_node("Neg", ["e"], ["n"], name="neg"),
         helper.make_node("ReduceMax", ["n"], ["rmax"], name="rmax", axes=[-1], keepdims=1),
         helper.make_node("ReduceSum", ["x", "axes"], ["rsum"], name="rsum", keepdims=0),
         helper.make_node("ReduceLogSumExp", ["x"], ["rlse"], name="rlse", keepdims=0),
         helper.make_node("ArgMax", ["x"], ["am"], name="argmax", axis=1, keepdims=0, select_last_index=1)],
        [vi("x", F, [2, 3, 4])],
        [vi("rmax", F, [2, 3, 1]), vi("rsum", F, [2, 4]), vi("rlse", F, []), vi("am", I64, [2, 4])],
        [const_i64("axes", [1])], opset=13))


def activation_variadic_forms():
    # Activations with parameters, PRelu, LogSoftmax (opset 11: flattened at the axis), variadic Max / Mean,
    # Size folded at import (test/importer/activations-variadic.test).
    save("activations_variadic.onnx", model(
        [helper.make_node("LeakyRelu", ["x"], ["lr"], name="leaky", alpha=0.1),
         helper.make_node("Selu", ["lr"], ["se"], name="selu"),
         helper.make_node("PRelu", ["se", "slope"], ["pr"], name="prelu"),
         helper.make_node("LogSoftmax", ["pr"], ["ls"], name="logsoftmax", axis=1),
         helper.make_node("Max", ["x", "lr", "se"], ["mx"], name="max3"),
         helper.make_node("Mean", ["x", "lr"], ["mean"], name="mean2"),
         helper.make_node("Size", ["x"], ["n"], name="size"),
         helper.make_node("Cast", ["n"], ["nf"], name="cast", to=F),
         helper.make_node("Mul", ["mean", "nf"], ["y"], name="scale")],
        [vi("x", F, [2, 3, 4])], [vi("ls", F, [2, 3, 4]), vi("mx", F, [2, 3, 4]), vi("y", F, [2, 3, 4])],
        [const_f32("slope", [0.5, 0.25, 2.0, -1.0])], opset=11))


def resize_forms():
    x = vi("x", F, [1, 2, 4, 4])
    save("upsample_opset9.onnx", model(
        [helper.make_node("Upsample", ["x", "scales"], ["nearest"], name="up_nearest", mode="nearest"),
         helper.make_node("Upsample", ["x", "scales"], ["linear"], name="up_linear", mode="linear")],
        [x], [vi("nearest", F, [1, 2, 8, 8]), vi("linear", F, [1, 2, 8, 8])],
        [const_f32("scales", [1, 1, 2, 2])], opset=9))
    save("resize_opset10.onnx", model(
        [helper.make_node("Resize", ["x", "scales"], ["y"], name="resize10", mode="nearest")],
        [x], [vi("y", F, [1, 2, 12, 8])], [const_f32("scales", [1, 1, 3, 2])], opset=10))
    # Shrinking (nearest and linear) and fractional Upsample scales.
    x79 = vi("x", F, [1, 2, 7, 9])
    save("resize_opset10_down.onnx", model(
        [helper.make_node("Resize", ["x", "scales"], ["nearest"], name="down_nearest", mode="nearest"),
         helper.make_node("Resize", ["x", "scales"], ["linear"], name="down_linear", mode="linear")],
        [x79], [vi("nearest", F, [1, 2, 3, 4]), vi("linear", F, [1, 2, 3, 4])],
        [const_f32("scales", [1, 1, 0.5, 0.5])], opset=10))
    save("upsample_fractional.onnx", model(
        [helper.make_node("Upsample", ["x", "scales"], ["y"], name="up_fractional")],
        [x79], [vi("y", F, [1, 2, 10, 22])], [const_f32("scales", [1, 1, 1.5, 2.5])], opset=9))
    save("resize_opset11_sizes.onnx", model(
        [helper.make_node("Resize", ["x", "roi", "scales", "sizes"], ["y"], name="resize_sizes", mode="linear",
                          coordinate_transformation_mode="align_corners")],
        [x], [vi("y", F, [1, 2, 6, 10])],
        [const_f32("roi", []), const_f32("scales", []), const_i64("sizes", [1, 2, 6, 10])], opset=11))
    save("resize_opset13_scales.onnx", model(
        [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_scales", mode="nearest",
                          coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil")],
        [x], [vi("y", F, [1, 2, 8, 2])], [const_f32("scales", [1, 1, 2, 0.5])], opset=13))
    save("resize_opset18_axes.onnx", model(
        [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize_axes", mode="linear",
                          axes=[2, 3], coordinate_transformation_mode="pytorch_half_pixel")],
        [x], [vi("y", F, [1, 2, 5, 7])], [const_i64("sizes", [5, 7])], opset=18))
    save("resize_cubic.onnx", model(
        [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_cubic", mode="cubic")],
        [x], [vi("y", F, [1, 2, 8, 8])], [const_f32("scales", [1, 1, 2, 2])], opset=13))
    save("resize_crop.onnx", model(
        [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_crop", mode="linear",
                          coordinate_transformation_mode="tf_crop_and_resize")],
        [x], [vi("y", F, [1, 2, 8, 8])], [const_f32("scales", [1, 1, 2, 2])], opset=13))
    save("resize_channels.onnx", model(
        [helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_channels", mode="nearest")],
        [x], [vi("y", F, [1, 4, 4, 4])], [const_f32("scales", [1, 2, 1, 1])], opset=13))


def softmax_forms():
    x = vi("x", F, [2, 3, 4])
    nodes = [helper.make_node("Softmax", ["x"], ["axis1"], name="softmax_axis1", axis=1),
             helper.make_node("Softmax", ["x"], ["last"], name="softmax_last", axis=-1),
             helper.make_node("Softmax", ["x"], ["default"], name="softmax_default")]
    outs = [vi("axis1", F, [2, 3, 4]), vi("last", F, [2, 3, 4]), vi("default", F, [2, 3, 4])]
    save("softmax_opset11.onnx", model(nodes, [x], outs, opset=11))
    save("softmax_opset13.onnx", model(nodes, [x], outs, opset=13))
    save("softmax_bad_axis.onnx", model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax_axis5", axis=5)], [x], [vi("y", F, [2, 3, 4])]))


def gemm_forms():
    x = vi("x", F, [2, 3])
    save("gemm_forms.onnx", model(
        [
            # transB = 1, alpha = beta = 1, 1-D C: qc.linear as it is.
            helper.make_node("Gemm", ["x", "w_nk", "c_n"], ["linear"], name="gemm_linear", transB=1),
            # transB = 0, alpha, beta, C of [1, N]: B transposed and scaled at import -> still qc.linear.
            helper.make_node("Gemm", ["x", "w_kn", "c_1n"], ["scaled"], name="gemm_scaled", alpha=0.5, beta=2.0),
            # transA = 1 with a [M, N] C: transpose + linear + add.
            helper.make_node("Gemm", ["xt", "w_nk", "c_mn"], ["trans_a"], name="gemm_trans_a", transA=1,
                             transB=1),
            # B computed at run time, transB = 0, alpha = 2: matmul + mul.
            helper.make_node("Gemm", ["x", "b_run"], ["runtime_b"], name="gemm_runtime_b", alpha=2.0),
        ],
        [x, vi("xt", F, [3, 2]), vi("b_run", F, [3, 5])],
        [vi("linear", F, [2, 4]), vi("scaled", F, [2, 4]), vi("trans_a", F, [2, 4]), vi("runtime_b", F, [2, 5])],
        [weight("w_nk", [4, 3], 1), weight("w_kn", [3, 4], 2), weight("c_n", [4], 3), weight("c_1n", [1, 4], 4),
         weight("c_mn", [2, 4], 5)], opset=13))
    save("matmul_forms.onnx", model(
        [helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul_weight"),
         helper.make_node("Add", ["xw", "bias"], ["linear"], name="add_bias"),
         helper.make_node("MatMul", ["x", "y"], ["runtime"], name="matmul_runtime")],
        [vi("x", F, [2, 5, 3]), vi("y", F, [2, 3, 4])], [vi("linear", F, [2, 5, 4]), vi("runtime", F, [2, 5, 4])],
        [weight("w", [3, 4], 6), weight("bias", [4], 7)], opset=13))


def window_forms():
    x = vi("x", F, [1, 2, 7, 7])
    save("autopad.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["conv_same"], name="conv_same_upper", auto_pad="SAME_UPPER",
                          strides=[2, 2]),
         helper.make_node("MaxPool", ["x"], ["max_same"], name="maxpool_same_lower", auto_pad="SAME_LOWER",
                          kernel_shape=[2, 2]),
         helper.make_node("AveragePool", ["x"], ["avg_valid"], name="avgpool_valid", auto_pad="VALID",
                          kernel_shape=[3, 3], strides=[2, 2], count_include_pad=1),
         helper.make_node("MaxPool", ["x"], ["max_ceil"], name="maxpool_ceil", kernel_shape=[2, 2], strides=[2, 2],
                          ceil_mode=1, dilations=[1, 1])],
        [x], [vi("conv_same", F, [1, 3, 4, 4]), vi("max_same", F, [1, 2, 7, 7]), vi("avg_valid", F, [1, 2, 3, 3]),
              vi("max_ceil", F, [1, 2, 4, 4])],
        [weight("w", [3, 2, 3, 3], 8)], opset=13))
    save("conv_transpose_output_shape.onnx", model(
        [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], name="deconv", strides=[2, 2],
                          output_shape=[14, 15])],
        [x], [vi("y", F, [1, 3, 14, 15])], [weight("w", [2, 3, 3, 3], 9), weight("b", [3], 10)], opset=13))
    save("conv_transpose_same.onnx", model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["upper"], name="deconv_same_upper", auto_pad="SAME_UPPER",
                          strides=[2, 2]),
         helper.make_node("ConvTranspose", ["x", "w"], ["lower"], name="deconv_same_lower", auto_pad="SAME_LOWER",
                          strides=[2, 2]),
         helper.make_node("ConvTranspose", ["x", "w"], ["outpad"], name="deconv_output_padding", strides=[2, 2],
                          pads=[1, 0, 1, 1], output_padding=[1, 0], dilations=[1, 2])],
        [x], [vi("upper", F, [1, 3, 14, 14]), vi("lower", F, [1, 3, 14, 14]), vi("outpad", F, [1, 3, 14, 16])],
        [weight("w", [2, 3, 3, 3], 9)], opset=13))
    # 1-D (rank-3) forms: 2-D ops over a unit height between two reshapes.
    s8 = vi("s", F, [1, 2, 9])
    save("windows_1d.onnx", model(
        [helper.make_node("Conv", ["s", "w1"], ["conv_same"], name="conv1d_same_upper", auto_pad="SAME_UPPER",
                          strides=[2]),
         helper.make_node("Conv", ["s", "w1", "b1"], ["conv_dilated"], name="conv1d_dilated", dilations=[2],
                          pads=[2, 1]),
         helper.make_node("MaxPool", ["s"], ["max_ceil"], name="maxpool1d_ceil", kernel_shape=[2], strides=[2],
                          ceil_mode=1),
         helper.make_node("AveragePool", ["s"], ["avg_pad"], name="avgpool1d_pad", kernel_shape=[3],
                          pads=[1, 2]),
         helper.make_node("ConvTranspose", ["s", "wt"], ["deconv"], name="deconv1d", strides=[2],
                          output_shape=[18])],
        [s8], [vi("conv_same", F, [1, 3, 5]), vi("conv_dilated", F, [1, 3, 8]), vi("max_ceil", F, [1, 2, 5]), vi("avg_pad", F, [1, 2, 10]),
               vi("deconv", F, [1, 3, 18])],
        [weight("w1", [3, 2, 3], 11), weight("b1", [3], 13), weight("wt", [2, 3, 3], 12)], opset=13))
    save("global_pool.onnx", model(
        [helper.make_node("GlobalAveragePool", ["x"], ["y4"], name="gap4"),
         helper.make_node("GlobalAveragePool", ["z"], ["y3"], name="gap3")],
        [x, vi("z", F, [1, 2, 9])], [vi("y4", F, [1, 2, 1, 1]), vi("y3", F, [1, 2, 1])], opset=13))


def data_movement_forms():
    x = vi("x", F, [2, 3, 4])
    # Slice: attribute form (opset 9) and input form with INT64 sentinels and negative steps (opset 13).
    save("slice_opset9.onnx", model(
        [helper.make_node("Slice", ["x"], ["y"], name="slice_attr", starts=[1, 0], ends=[3, 100], axes=[1, 2])],
        [x], [vi("y", F, [2, 2, 4])], opset=9))
    big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    save("slice_opset13.onnx", model(
        [helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["tail"], name="slice_tail"),
         helper.make_node("Slice", ["x", "rstarts", "rends", "raxes", "rsteps"], ["reversed"], name="slice_reverse")],
        [x], [vi("tail", F, [2, 3, 2]), vi("reversed", F, [2, 3, 4])],
        [const_i64("starts", [-2]), const_i64("ends", [big]), const_i64("axes", [-1]),
         const_i64("rstarts", [-1]), const_i64("rends", [small]), const_i64("raxes", [2]), const_i64("rsteps", [-1])],
        opset=13))
    # Split: sizes as input (opset 13), as attribute (opset 11), equal parts, opset 18's uneven num_outputs,
    # and sizes that do not add up (an error).
    save("split_opset13.onnx", model(
        [helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split_sizes", axis=-1),
         helper.make_node("Split", ["x"], ["c", "d", "e"], name="split_equal", axis=1)],
        [x], [vi("a", F, [2, 3, 1]), vi("b", F, [2, 3, 3]), vi("c", F, [2, 1, 4]), vi("d", F, [2, 1, 4]),
              vi("e", F, [2, 1, 4])],
        [const_i64("sizes", [1, 3])], opset=13))
    save("split_opset11.onnx", model(
        [helper.make_node("Split", ["x"], ["a", "b"], name="split_attr", axis=1, split=[2, 1])],
        [x], [vi("a", F, [2, 2, 4]), vi("b", F, [2, 1, 4])], opset=11))
    save("split_opset18.onnx", model(
        [helper.make_node("Split", ["x"], ["a", "b"], name="split_uneven", axis=1, num_outputs=2)],
        [x], [vi("a", F, [2, 2, 4]), vi("b", F, [2, 1, 4])], opset=18))
    save("split_bad_sizes.onnx", model(
        [helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split_bad", axis=2)],
        [x], [vi("a", F, [2, 3, 1]), vi("b", F, [2, 3, 2])],
        [const_i64("sizes", [1, 2])], opset=13))
    # Squeeze / Unsqueeze: axes attribute before opset 13, input from 13.
    save("squeeze_opset11.onnx", model(
        [helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze_attr", axes=[0, -1]),
         helper.make_node("Squeeze", ["u"], ["s"], name="squeeze_attr", axes=[0]),
         helper.make_node("Squeeze", ["u"], ["all"], name="squeeze_all")],
        [x], [vi("u", F, [1, 2, 3, 4, 1]), vi("s", F, [2, 3, 4, 1]), vi("all", F, [2, 3, 4])], opset=11))
    save("squeeze_opset13.onnx", model(
        [helper.make_node("Unsqueeze", ["x", "axes"], ["u"], name="unsqueeze_input"),
         helper.make_node("Squeeze", ["u", "axes"], ["s"], name="squeeze_input")],
        [x], [vi("u", F, [2, 1, 3, 4]), vi("s", F, [2, 3, 4])], [const_i64("axes", [1])], opset=13))
    save("squeeze_attr_opset13.onnx", model(
        [helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze_old_form", axes=[0])],
        [x], [vi("u", F, [1, 2, 3, 4])], opset=13))
    # Pad: attributes before opset 11, inputs from 11 (constant_value input).
    y = vi("y", F, [1, 1, 3, 3])
    save("pad_opset9.onnx", model(
        [helper.make_node("Pad", ["y"], ["p"], name="pad_reflect", mode="reflect", pads=[0, 0, 1, 2, 0, 0, 1, 0]),
         helper.make_node("Pad", ["y"], ["c"], name="pad_const", pads=[0, 0, 1, 1, 0, 0, 1, 1], value=1.5)],
        [y], [vi("p", F, [1, 1, 5, 5]), vi("c", F, [1, 1, 5, 5])], opset=9))
    save("pad_opset11.onnx", model(
        [helper.make_node("Pad", ["y", "pads", "cv"], ["p"], name="pad_inputs")],
        [y], [vi("p", F, [1, 1, 4, 6])], [const_i64("pads", [0, 0, 0, 1, 0, 0, 1, 2]), const_f32("cv", -2.0)],
        opset=11))
    save("pad_wrap.onnx", model(
        [helper.make_node("Pad", ["y", "pads"], ["p"], name="pad_wrap", mode="wrap")],
        [y], [vi("p", F, [1, 1, 5, 5])], [const_i64("pads", [0, 0, 1, 1, 0, 0, 1, 1])], opset=19))
    # Reshape (0 copies a dimension, -1 is inferred), Flatten, Transpose (default perm reverses).
    save("reshape_forms.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape_copy"),
         helper.make_node("Flatten", ["x"], ["f"], name="flatten_default"),
         helper.make_node("Flatten", ["x"], ["f0"], name="flatten_axis0", axis=0),
         helper.make_node("Transpose", ["x"], ["t"], name="transpose_default"),
         helper.make_node("Transpose", ["x"], ["tp"], name="transpose_perm", perm=[1, 0, 2])],
        [x], [vi("r", F, [2, 12]), vi("f", F, [2, 12]), vi("f0", F, [1, 24]), vi("t", F, [4, 3, 2]),
              vi("tp", F, [3, 2, 4])],
        [const_i64("shape", [0, -1])], opset=14))
    save("reshape_allowzero.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape_allowzero", allowzero=1)],
        [x], [vi("r", F, [0, 24])], [const_i64("shape", [0, 24])], opset=14))
    # ReduceMean: axes attribute before opset 18, input from 18.
    save("reduce_mean_opset18.onnx", model(
        [helper.make_node("ReduceMean", ["x", "axes"], ["m"], name="mean_axes_input", keepdims=0),
         helper.make_node("ReduceMean", ["x"], ["same"], name="mean_noop", noop_with_empty_axes=1),
         helper.make_node("ReduceMean", ["x"], ["all"], name="mean_all")],
        [x], [vi("m", F, [2, 4]), vi("same", F, [2, 3, 4]), vi("all", F, [1, 1, 1])],
        [const_i64("axes", [-2])], opset=18))
    save("reduce_mean_opset13.onnx", model(
        [helper.make_node("ReduceMean", ["x"], ["m"], name="mean_axes_attr", axes=[1, 2])],
        [x], [vi("m", F, [2, 1, 1])], opset=13))
    # Concat, Identity, Dropout (opset 12: ratio input; the mask is not used).
    save("misc_forms.onnx", model(
        [helper.make_node("Concat", ["x", "c"], ["cat"], name="concat_const", axis=1),
         helper.make_node("Identity", ["cat"], ["id"], name="identity"),
         helper.make_node("Dropout", ["id", "ratio"], ["drop", "mask"], name="dropout")],
        [x], [vi("drop", F, [2, 5, 4])], [weight("c", [2, 2, 4], 11), const_f32("ratio", 0.1)], opset=13))


def activation_forms():
    x = vi("x", F, [1, 3, 2, 2])
    save("activations.onnx", model(
        [helper.make_node("Relu", ["x"], ["relu"], name="relu"),
         helper.make_node("Sigmoid", ["x"], ["sigmoid"], name="sigmoid"),
         helper.make_node("Tanh", ["x"], ["tanh"], name="tanh"),
         helper.make_node("Erf", ["x"], ["erf"], name="erf"),
         helper.make_node("Sqrt", ["relu"], ["sqrt"], name="sqrt"),
         helper.make_node("HardSigmoid", ["x"], ["hsig"], name="hardsigmoid_default"),
         helper.make_node("HardSigmoid", ["x"], ["hsig6"], name="hardsigmoid_torch", alpha=1.0 / 6),
         helper.make_node("HardSwish", ["x"], ["hswish"], name="hardswish"),
         helper.make_node("Pow", ["x", "two"], ["pow"], name="pow_int_exponent"),
         helper.make_node("Sub", ["x", "one"], ["sub"], name="sub"),
         helper.make_node("Div", ["sub", "two_f"], ["div"], name="div"),
         helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], name="bn", epsilon=1e-3),
         helper.make_node("LayerNormalization", ["x", "g"], ["ln"], name="ln", axis=-1, epsilon=1e-6)],
        [x], [vi(n, F, [1, 3, 2, 2]) for n in
              ["relu", "sigmoid", "tanh", "erf", "sqrt", "hsig", "hsig6", "hswish", "pow", "div", "bn", "ln"]],
        [const_i64("two", 2), const_f32("one", 1.0), const_f32("two_f", 2.0), weight("s", [3], 12),
         weight("b", [3], 13), weight("m", [3], 14), numpy_helper.from_array(np.array([1, 2, 3], np.float32), "v"),
         weight("g", [2], 15)], opset=17))
    # PyTorch 1.13's erf-based GELU sub-graph (fused into qc.gelu) and opset 20's Gelu op.
    save("gelu_pattern.onnx", model(
        [helper.make_node("Div", ["x", "sqrt2"], ["d"], name="gelu_div"),
         helper.make_node("Erf", ["d"], ["e"], name="gelu_erf"),
         helper.make_node("Add", ["e", "one"], ["a"], name="gelu_add"),
         helper.make_node("Mul", ["x", "a"], ["m"], name="gelu_mul"),
         helper.make_node("Mul", ["m", "half"], ["y"], name="gelu_half")],
        [vi("x", F, [2, 8])], [vi("y", F, [2, 8])],
        [const_f32("sqrt2", 1.4142135381698608), const_f32("one", 1.0), const_f32("half", 0.5)], opset=13))
    save("gelu_opset20.onnx", model(
        [helper.make_node("Gelu", ["x"], ["y"], name="gelu_tanh", approximate="tanh")],
        [vi("x", F, [2, 8])], [vi("y", F, [2, 8])], opset=20))


# ---------------------------------------------------------------------------------------------------------------
# Constants, weights, shape sub-graphs, dynamic dimensions
# ---------------------------------------------------------------------------------------------------------------

def constant_forms():
    w = rng(20).uniform(-1, 1, size=(4, 2, 3, 3)).astype(np.float32)
    save("constant_nodes.onnx", model(
        [helper.make_node("Constant", [], ["w"], name="const_weight", value=numpy_helper.from_array(w, "w")),
         helper.make_node("Constant", [], ["scale"], name="const_float", value_float=0.25),
         helper.make_node("Constant", [], ["offsets"], name="const_floats", value_floats=[1.0, 2.0, 3.0, 4.0]),
         helper.make_node("Constant", [], ["axis"], name="const_int", value_int=1),
         helper.make_node("Constant", [], ["shape"], name="const_ints", value_ints=[1, -1]),
         helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
         helper.make_node("Mul", ["c", "scale"], ["cs"], name="mul_scale"),
         helper.make_node("Unsqueeze", ["offsets", "axis"], ["o2"], name="unsqueeze_offsets"),
         helper.make_node("Unsqueeze", ["o2", "axis"], ["o3"], name="unsqueeze_offsets2"),
         helper.make_node("Add", ["cs", "o3"], ["y"], name="add_offsets"),
         helper.make_node("Reshape", ["y", "shape"], ["flat"], name="flatten_by_reshape")],
        [vi("x", F, [1, 2, 5, 5])], [vi("flat", F, [1, 36])], opset=13))
    save("constant_string.onnx", model(
        [helper.make_node("Constant", [], ["s"], name="const_string", value_string="hello")],
        [vi("x", F, [1])], [vi("x", F, [1])], opset=13))

    # Initializers that are also graph inputs (IR version 3 exporters list every weight as an input).
    # PyTorch-style names ("fc.weight") become resource names with '_'.
    save("initializer_inputs.onnx", model(
        [helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["y"], name="fc", transB=1)],
        [vi("x", F, [1, 3]), vi("fc.weight", F, [20, 3]), vi("fc.bias", F, [20])], [vi("y", F, [1, 20])],
        [weight("fc.weight", [20, 3], 21), weight("fc.bias", [20], 22)], opset=9, ir_version=3))

    # Typed storage: float_data, double_data (converted to f32), FLOAT16 in int32_data, int64_data, int32_data.
    w64 = rng(23).uniform(-1, 1, size=(2, 3))
    inits = [
        helper.make_tensor("w_float_data", F, [2, 3], rng(24).uniform(-1, 1, 6).astype(np.float32).tolist()),
        helper.make_tensor("w_double", TensorProto.DOUBLE, [2, 3], w64.flatten().tolist()),
        helper.make_tensor("w_half", TensorProto.FLOAT16, [2, 3], [0.5, -1.0, 2.0, 0.25, 1.5, -0.125]),
        helper.make_tensor("shape_i64", I64, [2], [3, 2]),
        helper.make_tensor("shape_i32", TensorProto.INT32, [2], [1, 6]),
        helper.make_tensor("big_float_data", F, [20], np.arange(20, dtype=np.float32).tolist()),
    ]
    save("typed_fields.onnx", model(
        [helper.make_node("Add", ["x", "w_float_data"], ["a"], name="add_float_data"),
         helper.make_node("Cast", ["w_double"], ["w_double_f"], name="cast_double", to=F),
         helper.make_node("Add", ["a", "w_double_f"], ["b"], name="add_double"),
         helper.make_node("Cast", ["w_half"], ["w_half_f"], name="cast_half", to=F),
         helper.make_node("Add", ["b", "w_half_f"], ["c"], name="add_half"),
         helper.make_node("Cast", ["shape_i32"], ["shape_i32_64"], name="cast_shape", to=I64),
         helper.make_node("Reshape", ["c", "shape_i64"], ["r"], name="reshape_i64"),
         helper.make_node("Reshape", ["r", "shape_i32_64"], ["r2"], name="reshape_i32"),
         helper.make_node("Reshape", ["big_float_data", "shape_big"], ["big"], name="reshape_big"),
         helper.make_node("Mul", ["r2", "x6"], ["y"], name="mul")],
        [vi("x", F, [2, 3]), vi("x6", F, [1, 6])], [vi("y", F, [1, 6]), vi("big", F, [4, 5])],
        inits + [const_i64("shape_big", [4, 5])], opset=13))

    # A DOUBLE weight too large to evaluate at import time: Cast(to=FLOAT) keeps it a qc.constant, in f32.
    save("double_weight.onnx", model(
        [helper.make_node("Cast", ["w"], ["wf"], name="cast_weight", to=F),
         helper.make_node("Conv", ["x", "wf"], ["y"], name="conv")],
        [vi("x", F, [1, 64, 4, 4])], [vi("y", F, [1, 1100, 4, 4])],
        [numpy_helper.from_array(rng(25).uniform(-1, 1, size=(1100, 64, 1, 1)), "w")], opset=13))

    # A raw_data initializer with fewer bytes than its shape needs.
    bad = numpy_helper.from_array(np.zeros((4, 4), np.float32), "w_short")
    bad.raw_data = bad.raw_data[:40]
    save("initializer_short.onnx", model(
        [helper.make_node("Add", ["x", "w_short"], ["y"], name="add")],
        [vi("x", F, [4, 4])], [vi("y", F, [4, 4])], [bad], opset=13))


def external_data_forms():
    data = rng(30).uniform(-1, 1, size=(8, 6)).astype(np.float32)
    bias = rng(31).uniform(-1, 1, size=(8,)).astype(np.float32)
    save_bytes("external_weights.bin", b"HDR!" + data.tobytes() + bias.tobytes())

    def ext(name, arr, location, offset, length=True):
        t = TensorProto()
        t.name = name
        t.data_type = F
        t.dims.extend(arr.shape)
        t.data_location = TensorProto.EXTERNAL
        for k, v in [("location", location), ("offset", str(offset))] + \
                ([("length", str(arr.nbytes))] if length else []):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    def fc(inits):
        return model([helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc_external", transB=1)],
                     [vi("x", F, [1, 6])], [vi("y", F, [1, 8])], inits, opset=13)

    save("external_data.onnx", fc([ext("w", data, "external_weights.bin", 4),
                                   ext("b", bias, "external_weights.bin", 4 + data.nbytes, length=False)]))
    save("external_missing.onnx", fc([ext("w", data, "no_such_weights.bin", 0), ext("b", bias, "x.bin", 0)]))
    save("external_short.onnx", fc([ext("w", data, "external_weights.bin", 100),
                                    ext("b", bias, "external_weights.bin", 0)]))


def shape_subgraph_forms():
    # Everything below the data path is evaluated at import time: no int64 value reaches the IR.
    x = vi("x", F, [2, 3, 4])
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "i0"], ["d0"], name="gather_batch", axis=0),
        helper.make_node("Unsqueeze", ["d0", "ax0"], ["d0v"], name="unsqueeze_batch"),
        helper.make_node("Slice", ["s", "one", "big"], ["rest"], name="slice_rest"),
        helper.make_node("Cast", ["rest"], ["rest_f"], name="cast_float", to=F),
        helper.make_node("Mul", ["rest_f", "halves"], ["rest_h"], name="mul_float"),
        helper.make_node("Cast", ["rest_h"], ["rest_i"], name="cast_int", to=I64),
        helper.make_node("Concat", ["d0v", "rest_i"], ["s2"], name="concat_shape", axis=0),
        helper.make_node("Div", ["s2", "one"], ["s3"], name="div_int"),
        helper.make_node("Sub", ["s3", "zero"], ["s4"], name="sub_int"),
        helper.make_node("Add", ["s4", "zero"], ["s5"], name="add_int"),
        helper.make_node("Equal", ["s5", "minus1"], ["is_neg"], name="equal"),
        helper.make_node("Where", ["is_neg", "one", "s5"], ["target"], name="where"),
        helper.make_node("ConstantOfShape", ["target"], ["ones"], name="const_of_shape",
                         value=numpy_helper.from_array(np.array([1.0], np.float32), "v")),
        helper.make_node("Range", ["zero_s", "three_s", "one_s"], ["r"], name="range"),
        helper.make_node("Squeeze", ["i0v"], ["i0s"], name="squeeze_index"),
        helper.make_node("Expand", ["i0s", "ax0"], ["i0e"], name="expand_known"),
        # Data path: reshape to [2, 1, 2] ... using the evaluated shape, then Expand and Gather on run-time data.
        helper.make_node("Mul", ["x", "ones_full"], ["xx"], name="mul_data"),
        helper.make_node("Reshape", ["xx", "target6"], ["y"], name="reshape_data"),
        helper.make_node("Expand", ["row", "target"], ["expanded"], name="expand_data"),
        helper.make_node("Gather", ["x", "i_last"], ["picked"], name="gather_data", axis=2),
        helper.make_node("Gather", ["x", "r_idx"], ["picked2"], name="gather_data_vector", axis=1),
        helper.make_node("Gather", ["x", "r"], ["picked3"], name="gather_data_range", axis=1),
        helper.make_node("Add", ["expanded", "ones"], ["expanded1"], name="add_ones"),
        helper.make_node("Expand", ["picked", "eshape"], ["picked_e"], name="expand_runtime"),
    ]
    inits = [const_i64("i0", 0), const_i64("ax0", [0]), const_i64("one", [1]), const_i64("big", [2 ** 62]),
             const_f32("halves", [1.0, 0.5]), const_i64("zero", [0]), const_i64("minus1", [-1]),
             const_i64("zero_s", 0), const_i64("three_s", 3), const_i64("one_s", 1), const_i64("i0v", [0]),
             const_i64("target6", [2, 1, 12]), const_f32("ones_full", np.ones((2, 3, 4))), weight("row", [2], 40),
             const_i64("i_last", -1), const_i64("r_idx", [2, 0]), const_i64("eshape", [2, 2, 3])]
    save("shape_subgraph.onnx", model(
        nodes, [x], [vi("y", F, [2, 1, 12]), vi("expanded1", F, [2, 3, 2]), vi("picked", F, [2, 3]),
                     vi("picked2", F, [2, 2, 4]), vi("picked3", F, [2, 3, 4]),
                     vi("picked_e", F, [2, 2, 3])], inits, opset=13))
    # A shape value as a graph output is emitted as an i64 constant.
    save("shape_output.onnx", model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape")], [x], [vi("s", I64, [3])], opset=13))

    # Shape ops on values computed at run time cannot be evaluated.
    save("runtime_equal.onnx", model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"),
         helper.make_node("Equal", ["r", "x"], ["eq"], name="equal_runtime"),
         helper.make_node("Where", ["eq", "x", "r"], ["y"], name="where_runtime")],
        [x], [vi("y", F, [2, 3, 4])], opset=13))
    save("runtime_shape_input.onnx", model(
        [helper.make_node("ReduceMean", ["x"], ["m"], name="mean", keepdims=0),
         helper.make_node("Cast", ["m"], ["mi"], name="cast_runtime", to=I64),
         helper.make_node("Reshape", ["x", "mi"], ["y"], name="reshape_runtime_shape")],
        [x], [vi("y", F, [24])], opset=13))
    save("runtime_range.onnx", model(
        [helper.make_node("ReduceMean", ["x"], ["m"], name="mean", keepdims=0),
         helper.make_node("Range", ["zero", "m", "one"], ["y"], name="range_runtime")],
        [x], [vi("y", F, [-1])], [const_f32("zero", 0.0), const_f32("one", 1.0)], opset=13))


def dynamic_forms():
    # A dynamic batch (dim_param) and a dimension with neither value nor param.
    x = helper.make_tensor_value_info("x", F, ["batch", 3, 4, 4])
    z = helper.make_tensor_value_info("z", F, [None, 8])
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        # x.view(x.size(0), -1) as PyTorch exports it.
        helper.make_node("Shape", ["c"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "i0"], ["n"], name="gather_n", axis=0),
        helper.make_node("Unsqueeze", ["n", "ax0"], ["nv"], name="unsqueeze_n"),
        helper.make_node("Concat", ["nv", "minus1"], ["target"], name="concat_target", axis=0),
        helper.make_node("Reshape", ["c", "target"], ["flat"], name="reshape_flat"),
        helper.make_node("Gemm", ["flat", "fw", "fb"], ["y"], name="fc", transB=1),
        helper.make_node("Relu", ["z"], ["zr"], name="relu_z"),
    ]
    save("dynamic_batch.onnx", model(
        nodes, [x, z], [helper.make_tensor_value_info("y", F, ["batch", 5]), vi("zr", F, [None, 8])],
        [weight("w", [2, 3, 3, 3], 50), const_i64("i0", 0), const_i64("ax0", [0]), const_i64("minus1", [-1]),
         weight("fw", [5, 32], 51), weight("fb", [5], 52)], opset=13))
    # A reshape whose target has two entries unknown at import time.
    save("dynamic_two_dims.onnx", model(
        [helper.make_node("Shape", ["q"], ["s"], name="shape"),
         helper.make_node("Slice", ["s", "zero", "two"], ["nd"], name="slice_dims"),
         helper.make_node("Concat", ["nd", "minus1"], ["target"], name="concat_target", axis=0),
         helper.make_node("Transpose", ["q"], ["qt"], name="transpose", perm=[1, 0, 2]),
         helper.make_node("Reshape", ["qt", "target"], ["y"], name="reshape_two_dynamic")],
        [helper.make_tensor_value_info("q", F, ["batch", "seq", 6])], [vi("y", F, None)],
        [const_i64("zero", [0]), const_i64("two", [2]), const_i64("minus1", [-1])], opset=13))
    # An input without any shape.
    save("no_shape_input.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [helper.make_tensor_value_info("x", F, None)], [helper.make_tensor_value_info("y", F, None)], opset=13))


# ---------------------------------------------------------------------------------------------------------------
# Broken models for the error tests
# ---------------------------------------------------------------------------------------------------------------

def error_forms():
    x = vi("x", F, [1, 2, 4, 4])
    y = vi("y", F, [1, 2, 4, 4])
    relu = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    valid = model(relu, [x], [y])
    data = valid.SerializeToString()
    save_bytes("truncated.onnx", data[: len(data) // 2])
    save_bytes("not_onnx.onnx", b"\xff\xff\xff\xff this is not a protobuf message")
    save_bytes("empty.onnx", b"")
    # Opsets below 9 import only ops defined as in opset 9; Flatten changed.
    save("opset8.onnx", model([helper.make_node("Flatten", ["x"], ["f"], name="flatten")], [x],
                              [vi("f", F, [1, 32])], opset=8))
    save("opset22.onnx", model(relu, [x], [y], opset=22))
    m = model(relu, [x], [y])
    del m.opset_import[:]
    m.opset_import.extend([helper.make_opsetid("ai.onnx.ml", 2)])
    save("no_default_opset.onnx", m)
    save("other_domain.onnx", model(
        [helper.make_node("FusedConv", ["x", "w"], ["y"], name="fused", domain="com.microsoft")],
        [x], [y], [weight("w", [2, 2, 1, 1], 60)], extra_opsets=[("com.microsoft", 1)]))
    save("unknown_op.onnx", model([helper.make_node("FooBar", ["x"], ["y"], name="mystery")], [x], [y]))
    save("unnamed_node.onnx", model([helper.make_node("LpNormalization", ["x"], ["y"])], [x], [y]))
    save("bad_auto_pad.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad_pad", auto_pad="SAME_MIDDLE")],
        [x], [y], [weight("w", [2, 2, 3, 3], 61)]))
    save("bad_attr_kind.onnx", model(
        [helper.make_node("Flatten", ["x"], ["y"], name="flatten_float_axis", axis=1.5)],
        [x], [vi("y", F, [1, 32])]))
    save("bad_strides.onnx", model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool_3d_strides", kernel_shape=[2, 2],
                          strides=[1, 1, 1])], [x], [y]))
    save("conv3d.onnx", model(
        [helper.make_node("Conv", ["s", "w"], ["y"], name="conv3d")],
        [vi("s", F, [1, 2, 4, 4, 4])], [vi("y", F, [1, 2, 2, 2, 2])], [weight("w", [2, 2, 3, 3, 3], 62)]))
    save("conv1d_kernel_2d.onnx", model(
        [helper.make_node("Conv", ["s", "w"], ["y"], name="conv1d_2d_kernel", kernel_shape=[1, 3])],
        [vi("s", F, [1, 2, 8])], [vi("y", F, [1, 2, 6])], [weight("w", [2, 2, 3], 62)]))
    save("shape_mismatch.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_wrong_channels")],
        [x], [y], [weight("w", [2, 3, 3, 3], 63)]))
    save("matmul_mismatch.onnx", model(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="matmul_k")],
        [vi("a", F, [2, 3]), vi("b", F, [4, 5])], [vi("y", F, [2, 5])]))
    save("missing_input.onnx", model(
        [helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")], [x], [y]))
    save("missing_output.onnx", model(relu, [x], [y, vi("nowhere", F, [1])]))
    save("output_shape_mismatch.onnx", model(relu, [x], [vi("y", F, [1, 2, 4, 5])]))
    save("int_input.onnx", model(
        [helper.make_node("Cast", ["ids"], ["y"], name="cast", to=F)],
        [vi("ids", TensorProto.UINT16, [1, 4])], [vi("y", F, [1, 4])]))
    save("maxpool_indices.onnx", model(
        [helper.make_node("MaxPool", ["x"], ["p", "idx"], name="pool_with_indices", kernel_shape=[2, 2]),
         helper.make_node("Cast", ["idx"], ["y"], name="cast_indices", to=F)],
        [x], [vi("y", F, [1, 2, 3, 3])], opset=12))
    save("maxpool_storage_order.onnx", model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool_col_major", kernel_shape=[1, 1], storage_order=1)],
        [x], [y], opset=12))
    save("dropout_mask.onnx", model(
        [helper.make_node("Dropout", ["x"], ["d", "mask"], name="dropout_with_mask"),
         helper.make_node("Cast", ["mask"], ["y"], name="cast_mask", to=F)],
        [x], [y], opset=13))
    save("dropout_training.onnx", model(
        [helper.make_node("Dropout", ["x", "", "train"], ["y"], name="dropout_train")],
        [x], [y], [numpy_helper.from_array(np.array(True), "train")], opset=13))
    save("batchnorm_training.onnx", model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn_train",
                          training_mode=1)],
        [x], [y], [weight(n, [2], 64 + i) for i, n in enumerate("sbmv")], opset=15))
    save("clip_attr_opset13.onnx", model(
        [helper.make_node("Clip", ["x"], ["y"], name="clip_old_attrs", min=0.0, max=1.0)], [x], [y], opset=13))


def typed_forms():
    # Run-time tensors of integer, bool and float64 element types (test/importer/typed.test): Gather at run-time
    # int64 indices, comparisons to bool, And / Where, int32 arithmetic (truncating Div, Python-style Mod,
    # wrapping Add), Cast, float64 Mul, Trilu on int64, NegativeLogLikelihoodLoss with int64 labels.
    I32, B, D = TensorProto.INT32, TensorProto.BOOL, TensorProto.DOUBLE
    save("typed.onnx", model(
        [helper.make_node("Gather", ["x", "idx"], ["g"], name="gather", axis=0),
         helper.make_node("Less", ["a", "b"], ["lt"], name="less"),
         helper.make_node("And", ["lt", "m"], ["both"], name="and"),
         helper.make_node("Where", ["both", "a", "b"], ["w"], name="where"),
         helper.make_node("Div", ["a", "b"], ["dv"], name="div"),
         helper.make_node("Mod", ["a", "b"], ["md"], name="mod"),
         helper.make_node("Add", ["a", "big"], ["ov"], name="add_wrap"),
         helper.make_node("Cast", ["d"], ["df"], name="cast", to=F),
         helper.make_node("Mul", ["d", "d"], ["dd"], name="mul_f64"),
         helper.make_node("Trilu", ["idx"], ["tri"], name="trilu", upper=0),
         helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"], name="nll", reduction="mean",
                          ignore_index=1)],
        [vi("x", F, [5, 4]), vi("idx", I64, [2, 3]), vi("a", I32, [4]), vi("b", I32, [4]), vi("m", B, [4]),
         vi("d", D, [4]), vi("t", I64, [5])],
        [vi("g", F, [2, 3, 4]), vi("both", B, [4]), vi("w", I32, [4]), vi("dv", I32, [4]), vi("md", I32, [4]),
         vi("ov", I32, [4]), vi("df", F, [4]), vi("dd", D, [4]), vi("tri", I64, [2, 3]), vi("loss", F, [])],
        [numpy_helper.from_array(np.array([2147483647], dtype=np.int32), "big")], opset=13))
    # Expand of a run-time int64 tensor (position ids broadcast to a batch).
    save("expand_int.onnx", model(
        [helper.make_node("Expand", ["ids", "eshape"], ["y"], name="expand")],
        [vi("ids", I64, [1, 4])], [vi("y", I64, [3, 4])], [const_i64("eshape", [3, 1])], opset=13))
    # Opset 7 And / Not: older opsets import for ops defined as in opset 9.
    save("logical_opset7.onnx", model(
        [helper.make_node("And", ["p", "q"], ["pq"], name="and"), helper.make_node("Not", ["pq"], ["y"], name="not")],
        [vi("p", B, [2, 3]), vi("q", B, [3])], [vi("y", B, [2, 3])], opset=7))


def composite_forms():
    # ONNX ops imported as compositions of qc ops (test/importer/composite.test): DepthToSpace, Tile, Hardmax,
    # IsNaN, OneHot (negative index), GlobalMaxPool, InstanceNormalization.
    save("composite.onnx", model(
        [helper.make_node("DepthToSpace", ["x"], ["d2s"], name="d2s", blocksize=2, mode="CRD"),
         helper.make_node("Tile", ["h", "reps"], ["tiled"], name="tile"),
         helper.make_node("Hardmax", ["h"], ["hm"], name="hardmax", axis=1),
         helper.make_node("IsNaN", ["h"], ["nan"], name="isnan"),
         helper.make_node("OneHot", ["idx", "depth", "vals"], ["oh"], name="onehot", axis=0),
         helper.make_node("GlobalMaxPool", ["x"], ["gmp"], name="gmp"),
         helper.make_node("InstanceNormalization", ["x", "s", "b"], ["inorm"], name="inorm", epsilon=1e-3)],
        [vi("x", F, [1, 4, 2, 3]), vi("h", F, [2, 3]), vi("idx", I64, [3])],
        [vi("d2s", F, [1, 1, 4, 6]), vi("tiled", F, [4, 9]), vi("hm", F, [2, 3]), vi("nan", TensorProto.BOOL, [2, 3]),
         vi("oh", F, [4, 3]), vi("gmp", F, [1, 4, 1, 1]), vi("inorm", F, [1, 4, 2, 3])],
        [const_i64("reps", [2, 3]), const_i64("depth", 4), const_f32("vals", [-1.0, 5.0]),
         const_f32("s", [1.0, 2.0, 0.5, -1.0]), const_f32("b", [0.0, 1.0, -1.0, 0.25])], opset=13))


def einsum_forms():
    """Einsum's matmul-shaped forms (attention, bilinear layers, heads) and the one-operand ones."""
    def node(eq, ins, out):
        return helper.make_node("Einsum", ins, [out], name=out, equation=eq)
    q, k = vi("q", F, [2, 3, 5, 4]), vi("k", F, [2, 3, 6, 4])
    x, y = vi("x", F, [3, 4]), vi("y", F, [4, 5])
    v = vi("v", F, [4])
    t = vi("t", F, [5, 2, 3])          # [seq, batch, hidden]
    e = vi("e", F, [1, 3, 4, 2])       # a batch dimension of 1 against q's 2
    save("einsum_forms.onnx", model(
        [node("bhqd,bhkd->bhqk", ["q", "k"], "scores"),          # QK^T
         node("bhqk,bhkd->bhqd", ["scores", "k"], "context"),    # AV
         node("ij,jk", ["x", "y"], "implicit"),                  # implicit output ik
         node("ij,kj->ik", ["x", "w"], "linear"),                # x W^T, W a constant
         node("i,i->", ["v", "v"], "inner"),
         node("i,j->ij", ["v", "v"], "outer"),
         node("ibh,hnd->ibnd", ["t", "wh"], "heads"),            # two right dimensions
         node("...ij,...jk->...ik", ["q", "e"], "ellipsis"),     # batch [2,3] against [1,3]
         node("ij->ji", ["x"], "transpose"),
         node("bij->bj", ["t"], "sum"),
         node("ij,jk->", ["x", "y"], "total")],                  # a sum over everything
        [q, k, x, y, v, t, e],
        [vi("scores", F, [2, 3, 5, 6]), vi("context", F, [2, 3, 5, 4]), vi("implicit", F, [3, 5]),
         vi("linear", F, [3, 6]), vi("inner", F, []), vi("outer", F, [4, 4]), vi("heads", F, [5, 2, 2, 2]),
         vi("ellipsis", F, [2, 3, 5, 2]), vi("transpose", F, [4, 3]), vi("sum", F, [5, 3]),
         vi("total", F, [])],
        [weight("w", [6, 4], 70), weight("wh", [3, 2, 2], 71)], opset=13))
    save("einsum_errors.onnx", model(
        [node("ii->i", ["x"], "diagonal")], [vi("x", F, [3, 3])], [vi("diagonal", F, [3])], opset=13))
    save("einsum_three.onnx", model(
        [node("ij,jk,kl->il", ["x", "x", "x"], "chain")], [vi("x", F, [3, 3])], [vi("chain", F, [3, 3])],
        opset=13))


BUILDERS = [einsum_forms, composite_forms, typed_forms, clip_forms, const_input_forms, math_reduce_forms, activation_variadic_forms, resize_forms, softmax_forms, gemm_forms, window_forms, data_movement_forms,
            activation_forms, constant_forms, external_data_forms, shape_subgraph_forms, dynamic_forms, error_forms]


def main():
    global OUT
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    args = p.parse_args()
    OUT = args.out
    os.makedirs(OUT, exist_ok=True)
    for build in BUILDERS:
        build()
    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
