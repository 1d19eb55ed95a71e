#!/usr/bin/python3
"""Writes small hostile ONNX models for the importer's robustness tests (test/importer/hostile-*.test).

    /usr/bin/python3 test/importer/make_hostile.py OUTDIR [attributes|graphs|external|fields ...]

Each model is a few hundred bytes and breaks one rule: attributes or constant inputs that are NaN, infinite,
negative or huge; shapes whose element count overflows int64; graphs that define a tensor twice or use one
before it is defined; external data that points outside the model's folder; protobuf fields that contradict
each other. qc must refuse every one with a `qc: error:` line naming the culprit, never crash, hang or accept
it. The models are built with onnx.helper and by editing the protobuf directly (onnx.helper and the checker
would refuse some of them); nothing here calls onnx.checker.
"""

import os
import struct
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
NAN = float("nan")
INF = float("inf")

OUT = None


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def f32(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def weight(name, shape, seed=0):
    return numpy_helper.from_array(np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(np.float32), name)


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_hostile.py")
    m.ir_version = 7
    return m


def save(fname, m):
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(m.SerializeToString())


X8 = vi("x", F, [1, 1, 8, 8])


def unary_model(node, inits=(), x=X8, out_shape=None, opset=13):
    """One node reading `x` (and initializers), writing `y`."""
    return model([node], [x], [vi("y", F, out_shape)], inits, opset=opset)


# ---------------------------------------------------------------------------------------------------------------
# 1. Attribute and constant-input values: NaN, infinity, negative, huge
# ---------------------------------------------------------------------------------------------------------------

def attribute_values():
    # Range with a NaN / infinite limit (std::length_error before), float and int.
    for tag, limit in [("nan", NAN), ("inf", INF)]:
        save(f"range_{tag}_limit.onnx", model(
            [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range_" + tag),
             helper.make_node("Cast", ["r"], ["rf"], name="cast", to=F),
             helper.make_node("Add", ["x", "rf"], ["y"], name="add")],
            [vi("x", F, [4])], [vi("y", F, [4])], [f32("s", 0.0), f32("l", limit), f32("d", 1.0)]))
    save("range_nan_delta.onnx", model(
        [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range_nan_delta"),
         helper.make_node("Add", ["x", "r"], ["y"], name="add")],
        [vi("x", F, [4])], [vi("y", F, [4])], [f32("s", 0.0), f32("l", 4.0), f32("d", NAN)]))
    # int64 Range whose element count overflows int64 (INT64_MIN .. INT64_MAX by 1), and one whose count a double
    # gets wrong (2^53 .. 2^53 + 3 has 3 elements; in double the limit rounds to 2^53 + 4).
    save("range_int_huge.onnx", model(
        [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range_int_huge"),
         helper.make_node("Shape", ["r"], ["n"], name="shape"),
         helper.make_node("Reshape", ["x", "n"], ["y"], name="reshape")],
        [vi("x", F, [3])], [vi("y", F, [3])], [i64("s", -(2**63)), i64("l", 2**63 - 1), i64("d", 1)]))
    save("range_int_exact.onnx", model(
        [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range_int_exact"),
         helper.make_node("Shape", ["r"], ["n"], name="shape"),
         helper.make_node("Reshape", ["x", "n"], ["y"], name="reshape")],
        [vi("x", F, [3])], [vi("y", F, [3])], [i64("s", 2**53), i64("l", 2**53 + 3), i64("d", 1)]))
    # Pad whose pads make an 8x8 input huge: 2e9 per side (4e18 elements) and 2^62 (overflows int64).
    for tag, p in [("huge", 2_000_000_000), ("overflow", 2**62)]:
        save(f"pad_{tag}.onnx", unary_model(
            helper.make_node("Pad", ["x", "pads"], ["y"], name="pad_" + tag),
            [i64("pads", [0, 0, p, p, 0, 0, p, p])]))
    save("pad_negative_overflow.onnx", unary_model(
        helper.make_node("Pad", ["x", "pads"], ["y"], name="pad_neg", mode="constant"),
        [i64("pads", [0, 0, -(2**63), 0, 0, 0, -(2**63), 0])]))
    # Resize / Upsample scales and sizes that make an 8x8 input huge, negative sizes, NaN / inf scales.
    save("resize_huge_scales.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_huge"),
        [f32("scales", [1, 1, 1e6, 1e6])]))
    save("resize_inf_scales.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_inf"),
        [f32("scales", [1, 1, INF, 2])]))
    save("resize_max_float_scales.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize_max_float"),
        [f32("scales", [1, 1, 3.0e38, 3.0e38])]))
    save("resize_huge_sizes.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize_huge_sizes"),
        [i64("sizes", [1, 1, 2**31, 2**31])]))
    save("resize_negative_sizes.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize_neg_sizes"),
        [i64("sizes", [1, 1, -5, 16])]))
    save("resize_repeated_axes.onnx", unary_model(
        helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="resize_dup_axes", axes=[2, 2]),
        [i64("sizes", [16, 16])], opset=18))
    save("upsample_huge.onnx", unary_model(
        helper.make_node("Upsample", ["x", "scales"], ["y"], name="upsample_huge"),
        [f32("scales", [1, 1, 1e5, 1e5])], opset=9))
    # Expand of a run-time 8x8 tensor to 1e6 x 1e6 and to 2^31 x 2^31 x 2^31.
    save("expand_huge.onnx", unary_model(
        helper.make_node("Expand", ["x", "shape"], ["y"], name="expand_huge"),
        [i64("shape", [1, 1, 1_000_000, 1_000_000])]))
    save("expand_overflow.onnx", unary_model(
        helper.make_node("Expand", ["x", "shape"], ["y"], name="expand_overflow"),
        [i64("shape", [2**31, 2**31, 2**31, 1, 1])]))
    # ConvTranspose with strides 1e9 (an 8x8 input grows to 7e9 x 7e9) and 2^62 (overflows).
    for tag, s in [("huge", 1_000_000_000), ("overflow", 2**62)]:
        save(f"conv_transpose_{tag}_strides.onnx", unary_model(
            helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv_" + tag, strides=[s, s]),
            [weight("w", [1, 1, 3, 3])]))
    save("conv_transpose_huge_output_shape.onnx", unary_model(
        helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv_output_shape",
                         output_shape=[-4, 10]),
        [weight("w", [1, 1, 3, 3])]))
    # Conv with dilations / pads whose spans overflow int64.
    save("conv_dilation_overflow.onnx", unary_model(
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_dilation", dilations=[2**62, 1]),
        [weight("w", [1, 1, 3, 3])]))
    save("conv_pads_overflow.onnx", unary_model(
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_pads", pads=[2**62, 0, 2**62, 0]),
        [weight("w", [1, 1, 3, 3])]))
    save("maxpool_kernel_overflow.onnx", unary_model(
        helper.make_node("MaxPool", ["x"], ["y"], name="pool_kernel", kernel_shape=[2**62, 2],
                         pads=[2**62 - 1, 0, 2**62 - 1, 0])))
    # Gemm with alpha = NaN and beta = inf (was reported much later, as a calibration-data problem).
    save("gemm_alpha_nan.onnx", model(
        [helper.make_node("Gemm", ["x", "w"], ["y"], name="gemm_nan", alpha=NAN, transB=1)],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 4])], [weight("w", [4, 3])]))
    save("gemm_beta_inf.onnx", model(
        [helper.make_node("Gemm", ["x", "w", "c"], ["y"], name="gemm_inf", beta=INF, transB=1)],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 4])], [weight("w", [4, 3]), weight("c", [4])]))
    save("gemm_runtime_alpha_nan.onnx", model(
        [helper.make_node("Gemm", ["x", "b"], ["y"], name="gemm_rt_nan", alpha=NAN)],
        [vi("x", F, [2, 3]), vi("b", F, [3, 4])], [vi("y", F, [2, 4])]))
    # Conv with 0 output channels, and with an empty kernel.
    save("conv_zero_out_channels.onnx", unary_model(
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_empty"),
        [f32("w", np.zeros((0, 1, 3, 3)))]))
    save("conv_zero_kernel.onnx", unary_model(
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_zero_kernel"),
        [f32("w", np.zeros((2, 1, 0, 3)))]))
    save("matmul_zero_features.onnx", model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul_empty")],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 0])], [f32("w", np.zeros((3, 0)))]))
    # NaN in a weight.
    w = np.ones((1, 1, 3, 3), dtype=np.float32)
    w[0, 0, 1, 1] = NAN
    save("conv_nan_weight.onnx", unary_model(
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_nan_w"), [f32("w", w)]))
    # BatchNormalization / LayerNormalization epsilon NaN or negative; HardSigmoid alpha inf.
    save("batchnorm_nan_epsilon.onnx", model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn_nan_eps", epsilon=NAN)],
        [vi("x", F, [1, 2, 4, 4])], [vi("y", F, [1, 2, 4, 4])],
        [f32("s", [1, 1]), f32("b", [0, 0]), f32("m", [0, 0]), f32("v", [1, 1])]))
    save("batchnorm_negative_var.onnx", model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn_neg_var")],
        [vi("x", F, [1, 2, 4, 4])], [vi("y", F, [1, 2, 4, 4])],
        [f32("s", [1, 1]), f32("b", [0, 0]), f32("m", [0, 0]), f32("v", [1, -4])]))
    save("layernorm_negative_epsilon.onnx", model(
        [helper.make_node("LayerNormalization", ["x", "s"], ["y"], name="ln_neg_eps", epsilon=-1.0)],
        [vi("x", F, [2, 4])], [vi("y", F, [2, 4])], [f32("s", [1, 1, 1, 1])], opset=17))
    save("hardsigmoid_inf_alpha.onnx", model(
        [helper.make_node("HardSigmoid", ["x"], ["y"], name="hsig_inf", alpha=INF)],
        [vi("x", F, [2, 4])], [vi("y", F, [2, 4])]))
    # ConstantOfShape / Reshape / Unsqueeze with huge or overflowing shapes.
    save("constant_of_shape_overflow.onnx", model(
        [helper.make_node("ConstantOfShape", ["shape"], ["c"], name="cos_overflow"),
         helper.make_node("Add", ["x", "c"], ["y"], name="add")],
        [vi("x", F, [4])], [vi("y", F, [4])], [i64("shape", [2**32, 2**32, 2**32])]))
    save("constant_of_shape_huge.onnx", model(
        [helper.make_node("ConstantOfShape", ["shape"], ["c"], name="cos_huge"),
         helper.make_node("Add", ["x", "c"], ["y"], name="add")],
        [vi("x", F, [4])], [vi("y", F, [4])], [i64("shape", [2**20, 2**20, 4])]))
    save("reshape_overflow.onnx", unary_model(
        helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_overflow"),
        [i64("shape", [2**40, 2**40, -1])]))
    save("unsqueeze_many_axes.onnx", unary_model(
        helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="unsqueeze_many"),
        [i64("axes", list(range(4, 4 + 100000)))]))
    # Empty tensors with a huge other dimension: no elements, but per-axis tables of 2^62 entries
    # (std::length_error) and strides that overflow.
    one = f32("one", [1.0])
    save("expand_empty_huge.onnx", model(
        [helper.make_node("Expand", ["one", "s"], ["c"], name="expand_empty"),
         helper.make_node("Shape", ["c"], ["y"], name="shape")],
        [], [vi("y", I64, [2])], [one, i64("s", [0, 2**62])]))
    save("constant_of_shape_empty_huge.onnx", model(
        [helper.make_node("ConstantOfShape", ["s"], ["c"], name="cos_empty"),
         helper.make_node("Shape", ["c"], ["y"], name="shape")],
        [], [vi("y", I64, [2])], [i64("s", [0, 2**62])]))
    save("initializer_empty_huge.onnx", model(
        [helper.make_node("Add", ["w", "one"], ["c"], name="add_empty"),
         helper.make_node("Shape", ["c"], ["y"], name="shape")],
        [], [vi("y", I64, [2])], [TensorProto(name="w", data_type=F, dims=[0, 2**62]), one]))
    save("reshape_empty_huge.onnx", model(
        [helper.make_node("Reshape", ["w", "s"], ["c"], name="reshape_empty"),
         helper.make_node("Shape", ["c"], ["y"], name="shape")],
        [], [vi("y", I64, [2])], [TensorProto(name="w", data_type=F, dims=[0]), i64("s", [0, 2**62])]))
    # Integer Pow / Mul folds that overflow int64.
    save("pow_int_overflow.onnx", model(
        [helper.make_node("Pow", ["a", "b"], ["p"], name="pow_overflow"),
         helper.make_node("Reshape", ["x", "p"], ["y"], name="reshape")],
        [vi("x", F, [4])], [vi("y", F, [4])], [i64("a", [10]), i64("b", [40])]))
    # Slice with INT64 sentinels and a step of INT64_MIN (must stay well-defined).
    save("slice_extreme_steps.onnx", unary_model(
        helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="slice_extreme"),
        [i64("st", [2**63 - 1]), i64("en", [-(2**63)]), i64("ax", [3]), i64("sp", [-(2**63)])],
        out_shape=[1, 1, 8, 1]))
    # Graph input with a 2^62 dimension, and dims whose product overflows.
    save("input_dim_2_62.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [2**62])], [vi("y", F, [2**62])]))
    save("input_dims_overflow.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [2**32, 2**32, 4])],
        [vi("y", F, [2**32, 2**32, 4])]))
    save("input_dim_zero.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [0, 4])], [vi("y", F, [0, 4])]))
    save("input_dim_negative.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [-3, 4])], [vi("y", F, [-3, 4])]))
    # MatMul whose result overflows from two modest operands.
    save("matmul_result_overflow.onnx", model(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="matmul_big")],
        [vi("a", F, [2**31, 1]), vi("b", F, [1, 2**31])], [vi("y", F, [2**31, 2**31])]))
    # Concat whose axis sum overflows.
    save("concat_overflow.onnx", model(
        [helper.make_node("Concat", ["a", "b"], ["y"], name="concat_big", axis=0)],
        [vi("a", F, [2**62]), vi("b", F, [2**62])], [vi("y", F, [2])]))
    # An attribute of the wrong kind: INTS given as FLOAT, INT given as INTS, FLOAT given as STRING.
    save("attr_ints_as_float.onnx", unary_model(
        helper.make_node("MaxPool", ["x"], ["y"], name="pool_float_kernel", kernel_shape=2.0)))
    save("attr_int_as_ints.onnx", model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax_ints_axis", axis=[1, 2])],
        [vi("x", F, [2, 4])], [vi("y", F, [2, 4])]))
    save("attr_float_as_string.onnx", model(
        [helper.make_node("Gemm", ["x", "w"], ["y"], name="gemm_string_alpha", alpha="two", transB=1)],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 4])], [weight("w", [4, 3])]))
    # Flags that are neither 0 nor 1 (taken as 1 before); an axis out of range.
    save("flag_ceil_mode_7.onnx", unary_model(
        helper.make_node("MaxPool", ["x"], ["y"], name="pool_ceil_7", kernel_shape=[2, 2], ceil_mode=7)))
    save("flag_transb_2.onnx", model(
        [helper.make_node("Gemm", ["x", "w"], ["y"], name="gemm_transb_2", transB=2)],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 4])], [weight("w", [4, 3])]))
    save("reducemean_axis_9.onnx", unary_model(
        helper.make_node("ReduceMean", ["x"], ["y"], name="mean_axis_9", axes=[9])))
    # An attribute whose `type` says INTS while the payload is a FLOAT.
    m = unary_model(helper.make_node("MaxPool", ["x"], ["y"], name="pool_mistyped", kernel_shape=[2, 2]))
    a = m.graph.node[0].attribute[0]
    a.ClearField("ints")
    a.f = 2.0
    save("attr_type_mismatch.onnx", m)
    # The same attribute twice, with different values.
    m = unary_model(helper.make_node("MaxPool", ["x"], ["y"], name="pool_twice", kernel_shape=[2, 2]))
    m.graph.node[0].attribute.append(helper.make_attribute("kernel_shape", [3, 3]))
    save("attr_duplicate.onnx", m)
    # An attribute with an empty name.
    m = unary_model(helper.make_node("MaxPool", ["x"], ["y"], name="pool_noname", kernel_shape=[2, 2]))
    m.graph.node[0].attribute.append(helper.make_attribute("x", 1))
    m.graph.node[0].attribute[-1].name = ""
    save("attr_empty_name.onnx", m)
    # Two default-domain opsets that disagree.
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [4])], [vi("y", F, [4])])
    m.opset_import.append(helper.make_opsetid("ai.onnx", 11))
    save("opset_conflict.onnx", m)
    # Q/DQ: a denormal scale (its reciprocal overflows), a NaN scale, an empty quantized weight.
    for tag, sc in [("denormal", 1e-45), ("nan", NAN)]:
        save(f"quantize_{tag}_scale.onnx", model(
            [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant_" + tag),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dequant")],
            [vi("x", F, [4])], [vi("y", F, [4])],
            [f32("s", sc), numpy_helper.from_array(np.array(0, dtype=np.uint8), "z")]))
    save("dequantize_empty_weight.onnx", model(
        [helper.make_node("DequantizeLinear", ["w", "s", "z"], ["wf"], name="dequant_empty"),
         helper.make_node("MatMul", ["x", "wf"], ["y"], name="matmul")],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 0])],
        [numpy_helper.from_array(np.zeros((3, 0), dtype=np.int8), "w"), f32("s", 0.5),
         numpy_helper.from_array(np.array(0, dtype=np.int8), "z")]))
    # Cast to a data type that does not exist.
    save("cast_unknown_type.onnx", model(
        [helper.make_node("Cast", ["c"], ["cf"], name="cast_999", to=999),
         helper.make_node("Add", ["x", "cf"], ["y"], name="add")],
        [vi("x", F, [4])], [vi("y", F, [4])], [i64("c", [1, 2, 3, 4])]))


# ---------------------------------------------------------------------------------------------------------------
# 3. Invalid graphs
# ---------------------------------------------------------------------------------------------------------------

def invalid_graphs():
    x = vi("x", F, [4])
    y = vi("y", F, [4])
    relu = lambda i, o, name: helper.make_node("Relu", [i], [o], name=name)
    # Two nodes writing one tensor.
    save("two_writers.onnx", model([relu("x", "y", "first"), relu("x", "y", "second")], [x], [y]))
    # One node writing the same tensor twice (Dropout's outputs).
    save("node_output_twice.onnx", model(
        [helper.make_node("Dropout", ["x"], ["y", "y"], name="dropout_twice")], [x], [y], opset=11))
    # A node output that redefines a graph input, or an initializer.
    save("redefines_input.onnx", model([relu("x", "x", "relu_x_in_place"), relu("x", "y", "relu")], [x], [y]))
    save("redefines_initializer.onnx", model(
        [relu("x", "w", "relu_over_w"), helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y],
        [f32("w", [1, 2, 3, 4])]))
    # Duplicate initializers (with different values), duplicate graph inputs and outputs.
    save("duplicate_initializer.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y],
        [f32("w", [1, 2, 3, 4]), f32("w", [5, 6, 7, 8])]))
    save("duplicate_input.onnx", model([relu("x", "y", "relu")], [x, vi("x", F, [4])], [y]))
    save("duplicate_output.onnx", model([relu("x", "y", "relu")], [x], [y, vi("y", F, [4])]))
    # A graph output that nothing defines; a node reading a tensor defined later; a cycle.
    save("undefined_output.onnx", model([relu("x", "y", "relu")], [x], [y, vi("ghost", F, [4])]))
    save("use_before_def.onnx", model([relu("t", "y", "reads_t"), relu("x", "t", "writes_t")], [x], [y]))
    save("cycle.onnx", model(
        [helper.make_node("Add", ["x", "b"], ["a"], name="cycle_a"),
         helper.make_node("Relu", ["a"], ["b"], name="cycle_b"),
         relu("b", "y", "out")], [x], [y]))
    save("self_loop.onnx", model(
        [helper.make_node("Add", ["x", "y"], ["y"], name="self_loop")], [x], [y]))
    # Empty names where a name is required.
    save("empty_input_name.onnx", model([relu("", "y", "relu")], [vi("", F, [4])], [y]))
    save("empty_output_name.onnx", model([relu("x", "", "relu")], [x], [vi("", F, [4])]))
    m = model([helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y], [f32("w", [1, 2, 3, 4])])
    m.graph.initializer.append(f32("", [1.0]))
    save("empty_initializer_name.onnx", m)
    # More inputs or outputs than the op has (they were ignored).
    save("too_many_inputs.onnx", model([helper.make_node("Relu", ["x", "x"], ["y"], name="relu_two_inputs")], [x], [y]))
    save("too_many_outputs.onnx", model(
        [helper.make_node("Add", ["x", "x"], ["y", "extra"], name="add_two_outputs")], [x], [y]))
    # A Cast whose `to` does not fit in 32 bits (2^32 + 1 truncated to FLOAT).
    save("cast_to_overflow.onnx", model(
        [helper.make_node("Cast", ["x"], ["y"], name="cast_wide", to=2**32 + 1)], [x], [y]))
    # A graph without outputs; a node without outputs.
    save("no_outputs.onnx", model([relu("x", "y", "relu")], [x], []))
    save("node_without_outputs.onnx", model(
        [helper.make_node("Relu", ["x"], [], name="mute"), relu("x", "y", "relu")], [x], [y]))
    # An op type that is empty.
    save("empty_op_type.onnx", model([helper.make_node("", ["x"], ["y"], name="nameless_op")], [x], [y]))


# ---------------------------------------------------------------------------------------------------------------
# 4. External data outside the model's folder
# ---------------------------------------------------------------------------------------------------------------

def external_tensor(name, values, location, offset=0, length=None):
    arr = np.array(values, dtype=np.float32)
    t = TensorProto()
    t.name = name
    t.data_type = F
    t.dims.extend(arr.shape)
    t.data_location = TensorProto.EXTERNAL
    for k, v in [("location", location), ("offset", str(offset))] + \
            ([("length", str(length))] if length is not None else []):
        e = t.external_data.add()
        e.key = k
        e.value = v
    return t


def external_data():
    # The model lives in OUT/ext/, its weights next to it; a "secret" lies outside.
    ext = os.path.join(OUT, "ext")
    os.makedirs(ext, exist_ok=True)
    data = np.arange(4, dtype=np.float32).tobytes()
    for path in [os.path.join(OUT, "secret.bin"), os.path.join(ext, "w.bin")]:
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(ext, "sub"), exist_ok=True)
    with open(os.path.join(ext, "sub", "w.bin"), "wb") as f:
        f.write(data)
    link = os.path.join(ext, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.join(OUT, "secret.bin"), link)
    inner = os.path.join(ext, "inner_link.bin")
    if os.path.lexists(inner):
        os.remove(inner)
    os.symlink("w.bin", inner)
    dirlink = os.path.join(ext, "up")
    if os.path.lexists(dirlink):
        os.remove(dirlink)
    os.symlink("..", dirlink)
    fifo = os.path.join(ext, "fifo.bin")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)

    def add(location, **kw):
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", F, [4])],
                     [vi("y", F, [4])], [external_tensor("w", [0, 1, 2, 3], location, **kw)])

    for fname, location, kw in [
        ("ext_ok.onnx", "w.bin", {}),
        ("ext_subdir_ok.onnx", "sub/w.bin", {}),
        ("ext_inner_link_ok.onnx", "inner_link.bin", {}),
        ("ext_dotdot.onnx", "../secret.bin", {}),
        ("ext_dotdot_inside.onnx", "sub/../w.bin", {}),
        ("ext_absolute.onnx", os.path.join(OUT, "secret.bin"), {}),
        ("ext_symlink.onnx", "link.bin", {}),
        ("ext_dir_symlink.onnx", "up/secret.bin", {}),
        ("ext_directory.onnx", "sub", {}),
        ("ext_fifo.onnx", "fifo.bin", {}),
        ("ext_nul.onnx", "w.bin\0../secret.bin", {}),
        ("ext_offset_beyond.onnx", "w.bin", {"offset": 1 << 40}),
        ("ext_offset_overflow.onnx", "w.bin", {"offset": 2**63 - 8}),
        ("ext_offset_negative.onnx", "w.bin", {"offset": -4}),
        ("ext_offset_too_big.onnx", "w.bin", {"offset": "99999999999999999999"}),
        ("ext_length_mismatch.onnx", "w.bin", {"length": 8}),
    ]:
        save(os.path.join("ext", fname), add(location, **kw))


# ---------------------------------------------------------------------------------------------------------------
# 5. Malformed protobuf fields
# ---------------------------------------------------------------------------------------------------------------

def malformed_fields():
    def add(t):
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", F, [4])],
                     [vi("y", F, [4])], [t])

    t = TensorProto(name="w", data_type=F, dims=[4], raw_data=struct.pack("<3f", 1, 2, 3))
    save("raw_data_short.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[4], raw_data=struct.pack("<5f", 1, 2, 3, 4, 5))
    save("raw_data_long.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[4], float_data=[1, 2, 3])
    save("float_data_short.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[4], float_data=[1, 2, 3, 4],
                    raw_data=struct.pack("<4f", 5, 6, 7, 8))
    save("raw_and_typed_data.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[4], int64_data=[1, 2, 3, 4])
    save("float_in_int64_data.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[-4], float_data=[1, 2, 3, 4])
    save("negative_dim.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[2**32, 2**32], float_data=[1])
    save("initializer_dims_overflow.onnx", add(t))
    t = TensorProto(name="w", data_type=99, dims=[4], raw_data=b"\0" * 16)
    save("unknown_data_type.onnx", add(t))
    t = TensorProto(name="w", data_type=TensorProto.STRING, dims=[4], string_data=[b"a", b"b", b"c", b"d"])
    save("string_initializer.onnx", add(t))
    t = TensorProto(name="w", data_type=F, dims=[4])
    save("no_data.onnx", add(t))
    # A Constant node whose tensor has a short raw_data, and one with an unknown type.
    c = helper.make_node("Constant", [], ["w"], name="const_short",
                         value=TensorProto(name="", data_type=F, dims=[4], raw_data=b"\0" * 8))
    save("constant_short.onnx", model(
        [c, helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", F, [4])], [vi("y", F, [4])]))
    c = helper.make_node("Constant", [], ["w"], name="const_type_77",
                         value=TensorProto(name="", data_type=77, dims=[4], raw_data=b"\0" * 16))
    save("constant_unknown_type.onnx", model(
        [c, helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", F, [4])], [vi("y", F, [4])]))
    # Graph input of an unknown element type; a Bool tensor whose bytes are not 0 / 1.
    save("input_unknown_type.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", 55, [4])], [vi("y", F, [4])]))
    # An int64 Reshape shape stored as int32_data of an INT64 tensor.
    t = TensorProto(name="shape", data_type=I64, dims=[2], int32_data=[2, 2])
    save("int64_in_int32_data.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")], [vi("x", F, [4])],
        [vi("y", F, [2, 2])], [t]))


GROUPS = {"attributes": attribute_values, "graphs": invalid_graphs, "external": external_data,
          "fields": malformed_fields}


def main():
    global OUT
    if len(sys.argv) < 2 or any(g not in GROUPS for g in sys.argv[2:]):
        sys.exit(__doc__)
    OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for group in sys.argv[2:] or GROUPS:
        GROUPS[group]()


if __name__ == "__main__":
    main()
