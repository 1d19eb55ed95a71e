#!/usr/bin/python3
"""Writes the executor unit test's cases: small qc programs with inputs and golden outputs.

    /usr/bin/python3 test/unit/reference_run/gen_golden.py [--out DIR]

DIR defaults to test/unit/reference_run/data (the committed copy). For every case NAME it writes
    NAME.mlir          a module with one func.func @main of qc ops (weights as inline hex `dense`
                       constants when small, `dense_resource` blobs otherwise, so both paths run)
    NAME.in<I>.npy     the I-th argument
    NAME.out<I>.npy    the I-th result, computed here with numpy / PyTorch 1.13 (float64 where
                       numpy computes it, then rounded to float32), never with qc's kernels
and cases.txt, one line per case: "NAME RTOL", where the executor passes when
max|qc - golden| <= RTOL * max|golden| (test/ort/compare_npy.py's metric).

Deterministic: inputs come from a generator seeded by the case name. Needs Debian's numpy and torch.
"""

import argparse
import math
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

F32_RTOL = 1e-5


def ttype(shape, dyn=()):
    dims = ["?" if i in dyn else str(d) for i, d in enumerate(shape)]
    return "tensor<" + "".join(d + "x" for d in dims) + "f32>"


def arr_attr(values, kind="i64"):
    return f"array<{kind}: " + ", ".join(str(v) for v in values) + ">" if len(values) else f"array<{kind}>"


def f32_attr(v):
    # Exact: a hex float literal for the f32 bit pattern.
    bits = np.array([v], dtype=np.float32).view(np.uint32)[0]
    return f"0x{bits:08X} : f32"


class Program:
    """Builds one func.func @main in qc's textual form."""

    def __init__(self, name):
        self.name = name
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.args = []       # (ssa, type, name)
        self.inputs = []     # np arrays
        self.lines = []
        self.resources = {}
        self.count = 0

    def rand(self, *shape, lo=-1.0, hi=1.0):
        return self.rng.uniform(lo, hi, size=shape).astype(np.float32)

    def fresh(self):
        self.count += 1
        return f"%v{self.count}"

    def arg(self, name, value, dyn=()):
        ssa = f"%{name}"
        self.args.append((ssa, ttype(value.shape, dyn), name))
        self.inputs.append(np.ascontiguousarray(value, dtype=np.float32))
        return ssa

    def const(self, value):
        value = np.ascontiguousarray(value, dtype=np.float32)
        ssa = self.fresh()
        hexdata = value.tobytes().hex().upper()
        if value.size > 16:
            key = f"{self.name}_c{self.count}"
            # Resource blobs start with their alignment as a 32-bit little-endian integer.
            self.resources[key] = "0x04000000" + hexdata
            self.lines.append(f"  {ssa} = qc.constant dense_resource<{key}> : {ttype(value.shape)}")
        else:
            self.lines.append(f'  {ssa} = qc.constant dense<"0x{hexdata}"> : {ttype(value.shape)}')
        return ssa

    def op(self, text, loc=None):
        ssa = self.fresh()
        suffix = f' loc("{loc}")' if loc else ""
        self.lines.append(f"  {ssa} = {text}{suffix}")
        return ssa

    def text(self, results, result_types):
        args = ", ".join(f'{s}: {t} {{qc.name = "{n}"}}' for s, t, n in self.args)
        rets = ", ".join(result_types)
        out = [f"func.func @main({args}) -> ({rets}) {{"]
        out += self.lines
        out.append(f"  return {', '.join(results)} : {rets}")
        out.append("}")
        if self.resources:
            out.append("{-#\n  dialect_resources: {\n    builtin: {")
            out.append(",\n".join(f'      {k}: "{v}"' for k, v in self.resources.items()))
            out.append("    }\n  }\n#-}")
        return "\n".join(out) + "\n"


CASES = []

# clamp, gelu and softmax are written in the generic form, which states the result type: their custom form
# (`qc.softmax %x {axis = 1 : i64} : T`) makes the parser infer the result type before the attributes are stored
# as properties, and the shape rule then reads a null attribute (MLIR 19, llvm/llvm-project#193284).
GENERIC = '"qc.{name}"({{x}}) <{{{{{props}}}}}> : ({{t}}) -> {{t}}'


def case(rtol=F32_RTOL):
    def register(fn):
        CASES.append((fn.__name__, fn, rtol))
        return fn
    return register


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def n(x):
    return x.detach().numpy().astype(np.float32)


def onnx_pad2d(x, pads, value=0.0):
    """Pads an NCHW tensor with ONNX-ordered [top, left, bottom, right]."""
    top, left, bottom, right = pads
    return F.pad(x, (left, right, top, bottom), value=value)


# ------------------------------------------------------------------------------------------------
# Convolution and matrix products
# ------------------------------------------------------------------------------------------------

def conv_case(p, x_shape, w_shape, strides, pads, dilations, groups, bias):
    x = p.arg("x", p.rand(*x_shape))
    xv = p.inputs[-1]
    wv = p.rand(*w_shape)
    bv = p.rand(w_shape[0]) if bias else None
    operands = [x, p.const(wv)] + ([p.const(bv)] if bias else [])
    ref = F.conv2d(onnx_pad2d(t(xv), pads), t(wv), None if bv is None else t(bv),
                   stride=strides, dilation=dilations, groups=groups)
    ref = n(ref)
    types = [ttype(x_shape), ttype(w_shape)] + ([ttype(bv.shape)] if bias else [])
    y = p.op(f"qc.conv2d {', '.join(operands)} {{dilations = {arr_attr(dilations)}, groups = {groups} : i64, "
             f"pads = {arr_attr(pads)}, strides = {arr_attr(strides)}}} : "
             f"({', '.join(types)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def conv2d_strided_padded_dilated(p):
    return conv_case(p, (1, 3, 9, 8), (4, 3, 3, 3), [2, 1], [1, 0, 2, 1], [1, 2], 1, True)


@case()
def conv2d_depthwise(p):
    return conv_case(p, (2, 4, 5, 5), (4, 1, 3, 3), [1, 1], [1, 1, 1, 1], [1, 1], 4, False)


@case()
def conv2d_grouped(p):
    return conv_case(p, (1, 4, 6, 7), (6, 2, 2, 2), [2, 2], [0, 0, 0, 1], [1, 1], 2, True)


@case()
def conv2d_pointwise_large(p):
    # Wide enough that the GEMM path blocks over K and N.
    return conv_case(p, (1, 96, 5, 5), (80, 96, 1, 1), [1, 1], [0, 0, 0, 0], [1, 1], 1, True)


@case()
def conv_transpose2d(p):
    xv = p.rand(1, 4, 3, 3)
    wv = p.rand(4, 2, 3, 3)   # [C_in, C_out / groups, kH, kW], groups 2 -> C_out 4
    bv = p.rand(4)
    strides, pads, dil, out_pad, groups = [2, 2], [1, 0, 1, 2], [1, 1], [1, 0], 2
    x = p.arg("x", xv)
    full = F.conv_transpose2d(t(xv), t(wv), None, stride=strides, padding=0,
                              output_padding=out_pad, groups=groups, dilation=dil)
    top, left, bottom, right = pads
    ref = full[:, :, top:full.shape[2] - bottom, left:full.shape[3] - right] + t(bv).reshape(1, -1, 1, 1)
    ref = n(ref)
    y = p.op(f"qc.conv_transpose2d {x}, {p.const(wv)}, {p.const(bv)} {{dilations = {arr_attr(dil)}, "
             f"groups = {groups} : i64, output_padding = {arr_attr(out_pad)}, pads = {arr_attr(pads)}, "
             f"strides = {arr_attr(strides)}}} : ({ttype(xv.shape)}, {ttype(wv.shape)}, {ttype(bv.shape)}) "
             f"-> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def matmul_batched_broadcast(p):
    av, bv = p.rand(2, 3, 4), p.rand(4, 5)
    a, b = p.arg("a", av), p.arg("b", bv)
    ref = (av.astype(np.float64) @ bv.astype(np.float64)).astype(np.float32)
    y = p.op(f"qc.matmul {a}, {b} : ({ttype(av.shape)}, {ttype(bv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def matmul_vector_lhs(p):
    av, bv = p.rand(4), p.rand(2, 4, 3)
    a, b = p.arg("a", av), p.arg("b", bv)
    ref = np.matmul(av.astype(np.float64), bv.astype(np.float64)).astype(np.float32)
    y = p.op(f"qc.matmul {a}, {b} : ({ttype(av.shape)}, {ttype(bv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def linear_3d_bias(p):
    xv, wv, bv = p.rand(2, 3, 8), p.rand(5, 8), p.rand(5)
    x = p.arg("x", xv)
    ref = (xv.astype(np.float64) @ wv.T.astype(np.float64) + bv).astype(np.float32)
    y = p.op(f"qc.linear {x}, {p.const(wv)}, {p.const(bv)} : ({ttype(xv.shape)}, {ttype(wv.shape)}, "
             f"{ttype(bv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def linear_no_bias(p):
    xv, wv = p.rand(4, 8), p.rand(3, 8)
    x = p.arg("x", xv)
    ref = (xv.astype(np.float64) @ wv.T.astype(np.float64)).astype(np.float32)
    y = p.op(f"qc.linear {x}, {p.const(wv)} : ({ttype(xv.shape)}, {ttype(wv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


# ------------------------------------------------------------------------------------------------
# Normalization
# ------------------------------------------------------------------------------------------------

@case()
def batch_norm(p):
    xv = p.rand(2, 3, 4, 4)
    s, b, m, v = p.rand(3), p.rand(3), p.rand(3), p.rand(3, lo=0.1, hi=2.0)
    x = p.arg("x", xv)
    eps = np.float32(1e-3)
    ref = ((xv.astype(np.float64) - m.reshape(1, 3, 1, 1)) / np.sqrt(v.reshape(1, 3, 1, 1).astype(np.float64) + eps)
           * s.reshape(1, 3, 1, 1) + b.reshape(1, 3, 1, 1)).astype(np.float32)
    cs = [p.const(a) for a in (s, b, m, v)]
    y = p.op(f"qc.batch_norm {x}, {', '.join(cs)} {{epsilon = {f32_attr(eps)}}} : ({ttype(xv.shape)}, "
             + ", ".join([ttype((3,))] * 4) + f") -> {ttype(xv.shape)}")
    return [y], [ref]


def layer_norm_ref(x, axis, scale, bias, eps):
    axes = tuple(range(axis, x.ndim))
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x64 - mean) / np.sqrt(var + np.float64(eps)) * scale
    if bias is not None:
        y = y + bias
    return y.astype(np.float32)


@case()
def layer_norm_last_axis(p):
    xv, s, b = p.rand(2, 5, 6, lo=-3, hi=5), p.rand(6), p.rand(6)
    x = p.arg("x", xv)
    eps = np.float32(1e-5)
    ref = layer_norm_ref(xv, 2, s, b, eps)
    y = p.op(f"qc.layer_norm {x}, {p.const(s)}, {p.const(b)} {{axis = -1 : i64, epsilon = {f32_attr(eps)}}} : "
             f"({ttype(xv.shape)}, {ttype(s.shape)}, {ttype(b.shape)}) -> {ttype(xv.shape)}")
    return [y], [ref]


@case()
def layer_norm_axis1_no_bias(p):
    xv, s = p.rand(2, 3, 4), p.rand(3, 4)
    x = p.arg("x", xv)
    eps = np.float32(1e-2)
    ref = layer_norm_ref(xv, 1, s, None, eps)
    y = p.op(f"qc.layer_norm {x}, {p.const(s)} {{axis = 1 : i64, epsilon = {f32_attr(eps)}}} : "
             f"({ttype(xv.shape)}, {ttype(s.shape)}) -> {ttype(xv.shape)}")
    return [y], [ref]


def softmax_ref(x, axis):
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


@case()
def softmax_axis1_large_values(p):
    # Values up to 200 overflow exp() unless the max is subtracted.
    xv = p.rand(2, 5, 3, lo=-200, hi=200)
    x = p.arg("x", xv)
    y = p.op(GENERIC.format(name="softmax", props="axis = 1 : i64").format(x=x, t=ttype(xv.shape)))
    return [y], [softmax_ref(xv, 1)]


# ------------------------------------------------------------------------------------------------
# Elementwise
# ------------------------------------------------------------------------------------------------

def unary_case(p, text, fn, lo=-4.0, hi=4.0):
    xv = p.rand(3, 4, 5, lo=lo, hi=hi)
    x = p.arg("x", xv)
    y = p.op(text.format(x=x, t=ttype(xv.shape)))
    return [y], [fn(xv.astype(np.float64)).astype(np.float32)]


erf = np.vectorize(math.erf)


@case()
def relu(p):
    return unary_case(p, "qc.relu {x} : {t}", lambda x: np.maximum(x, 0))


@case()
def sigmoid(p):
    return unary_case(p, "qc.sigmoid {x} : {t}", lambda x: 1 / (1 + np.exp(-x)), -20, 20)


@case()
def tanh(p):
    return unary_case(p, "qc.tanh {x} : {t}", np.tanh)


@case()
def hardswish(p):
    return unary_case(p, "qc.hardswish {x} : {t}", lambda x: x * np.clip(x + 3, 0, 6) / 6)


@case()
def erf_op(p):
    return unary_case(p, "qc.erf {x} : {t}", erf)


@case()
def sqrt(p):
    return unary_case(p, "qc.sqrt {x} : {t}", np.sqrt, 0.0, 9.0)


@case()
def clamp(p):
    lo, hi = np.float32(-0.5), np.float32(0.75)
    return unary_case(p, GENERIC.format(name="clamp", props=f"max = {f32_attr(hi)}, min = {f32_attr(lo)}"),
                      lambda x: np.clip(x, lo, hi))


@case()
def hardsigmoid(p):
    alpha, beta = np.float32(1.0 / 6.0), np.float32(0.5)
    return unary_case(p, f"qc.hardsigmoid {{x}} {{{{alpha = {f32_attr(alpha)}, beta = {f32_attr(beta)}}}}} : {{t}}",
                      lambda x: np.clip(np.float64(alpha) * x + np.float64(beta), 0, 1))


@case()
def gelu_erf(p):
    return unary_case(p, GENERIC.format(name="gelu", props='approximate = "none"'),
                      lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))))


@case()
def gelu_tanh(p):
    return unary_case(p, GENERIC.format(name="gelu", props='approximate = "tanh"'),
                      lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))))


def binary_case(p, name, fn, a_shape, b_shape, a_range=(-2, 2), b_range=(-2, 2)):
    av, bv = p.rand(*a_shape, lo=a_range[0], hi=a_range[1]), p.rand(*b_shape, lo=b_range[0], hi=b_range[1])
    a, b = p.arg("a", av), p.arg("b", bv)
    ref = fn(av.astype(np.float64), bv.astype(np.float64)).astype(np.float32)
    y = p.op(f"qc.{name} {a}, {b} : ({ttype(av.shape)}, {ttype(bv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def add_broadcast(p):
    return binary_case(p, "add", np.add, (2, 3, 4), (3, 1))


@case()
def sub_broadcast_lhs(p):
    return binary_case(p, "sub", np.subtract, (4,), (2, 3, 4))


@case()
def mul_broadcast_both(p):
    return binary_case(p, "mul", np.multiply, (2, 1, 4), (3, 1))


@case()
def div(p):
    return binary_case(p, "div", np.divide, (3, 4), (3, 4), b_range=(0.5, 2))


@case()
def pow_op(p):
    return binary_case(p, "pow", np.power, (3, 4), (4,), a_range=(0.1, 3), b_range=(-2, 3))


# ------------------------------------------------------------------------------------------------
# Pooling and reductions
# ------------------------------------------------------------------------------------------------

def pool_attrs(kernel, strides, pads, ceil, extra):
    return (f"{{ceil_mode = {'true' if ceil else 'false'}, {extra}kernel = {arr_attr(kernel)}, "
            f"pads = {arr_attr(pads)}, strides = {arr_attr(strides)}}}")


@case()
def max_pool2d_ceil(p):
    xv = p.rand(1, 2, 7, 8)
    x = p.arg("x", xv)
    ref = n(F.max_pool2d(t(xv), 3, stride=2, padding=1, ceil_mode=True))
    attrs = pool_attrs([3, 3], [2, 2], [1, 1, 1, 1], True, f"dilations = {arr_attr([1, 1])}, ")
    y = p.op(f"qc.max_pool2d {x} {attrs} : ({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def max_pool2d_dilated(p):
    xv = p.rand(2, 3, 6, 6)
    x = p.arg("x", xv)
    ref = n(F.max_pool2d(t(xv), 2, stride=1, padding=0, dilation=2))
    attrs = pool_attrs([2, 2], [1, 1], [0, 0, 0, 0], False, f"dilations = {arr_attr([2, 2])}, ")
    y = p.op(f"qc.max_pool2d {x} {attrs} : ({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


def avg_case(p, include_pad, ceil):
    xv = p.rand(1, 2, 7, 6)
    x = p.arg("x", xv)
    ref = n(F.avg_pool2d(t(xv), 3, stride=2, padding=1, ceil_mode=ceil, count_include_pad=include_pad))
    attrs = pool_attrs([3, 3], [2, 2], [1, 1, 1, 1], ceil,
                       f"count_include_pad = {'true' if include_pad else 'false'}, ")
    y = p.op(f"qc.avg_pool2d {x} {attrs} : ({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def avg_pool2d_exclude_pad_ceil(p):
    return avg_case(p, False, True)


@case()
def avg_pool2d_include_pad_ceil(p):
    return avg_case(p, True, True)


@case()
def avg_pool2d_include_pad(p):
    return avg_case(p, True, False)


@case()
def global_avg_pool2d(p):
    xv = p.rand(2, 3, 5, 4)
    x = p.arg("x", xv)
    ref = xv.astype(np.float64).mean(axis=(2, 3), keepdims=True).astype(np.float32)
    y = p.op(f"qc.global_avg_pool2d {x} : ({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def reduce_mean_axes(p):
    xv = p.rand(2, 3, 4, 5)
    x = p.arg("x", xv)
    ref = xv.astype(np.float64).mean(axis=(3, 1)).astype(np.float32)
    y = p.op(f"qc.reduce_mean {x} {{axes = {arr_attr([-1, 1])}, keepdims = false}} : "
             f"({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def reduce_mean_all(p):
    xv = p.rand(2, 3, 4)
    x = p.arg("x", xv)
    ref = xv.astype(np.float64).mean(keepdims=True).astype(np.float32)
    y = p.op(f"qc.reduce_mean {x} {{axes = {arr_attr([])}, keepdims = true}} : "
             f"({ttype(xv.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


# ------------------------------------------------------------------------------------------------
# Shape and data movement
# ------------------------------------------------------------------------------------------------

def unary_shape_case(p, x_shape, text, fn, dyn=()):
    xv = p.rand(*x_shape)
    x = p.arg("x", xv, dyn)
    ref = np.ascontiguousarray(fn(xv)).astype(np.float32)
    y = p.op(text.format(x=x, t=ttype(xv.shape, dyn), r=ttype(ref.shape)))
    return [y], [ref]


@case()
def reshape_infer(p):
    return unary_shape_case(p, (2, 3, 4), "qc.reshape {x} {{shape = array<i64: -1, 6>}} : ({t}) -> {r}",
                            lambda x: x.reshape(-1, 6))


@case()
def flatten_axis2(p):
    return unary_shape_case(p, (2, 3, 4, 5), "qc.flatten {x} {{axis = 2 : i64}} : ({t}) -> {r}",
                            lambda x: x.reshape(6, 20))


@case()
def transpose_nhwc(p):
    return unary_shape_case(p, (2, 3, 4, 5), "qc.transpose {x} {{perm = array<i64: 0, 2, 3, 1>}} : ({t}) -> {r}",
                            lambda x: x.transpose(0, 2, 3, 1))


@case()
def concat_with_constant(p):
    av, cv = p.rand(2, 1, 3), p.rand(2, 4, 3)
    a = p.arg("a", av)
    c = p.const(cv)
    ref = np.concatenate([av, cv, av], axis=1)
    y = p.op(f"qc.concat {a}, {c}, {a} {{axis = -2 : i64}} : ({ttype(av.shape)}, {ttype(cv.shape)}, "
             f"{ttype(av.shape)}) -> {ttype(ref.shape)}")
    return [y], [ref]


@case()
def slice_negative_step(p):
    return unary_shape_case(
        p, (5, 6),
        "qc.slice {x} {{axes = array<i64: 0, 1>, ends = array<i64: -100, 5>, starts = array<i64: -1, 1>, "
        "steps = array<i64: -2, 2>}} : ({t}) -> {r}",
        lambda x: x[-1:-100:-2, 1:5:2])


@case()
def pad_constant_crop(p):
    val = np.float32(1.5)
    return unary_shape_case(
        p, (2, 3, 4),
        "qc.pad {x} {{mode = \"constant\", pads = array<i64: 0, 1, -1, 1, 2, 2>, value = " + f32_attr(val) +
        "}} : ({t}) -> {r}",
        lambda x: np.pad(x, [(0, 1), (1, 2), (0, 2)], constant_values=val)[:, :, 1:])


@case()
def pad_reflect(p):
    return unary_shape_case(
        p, (1, 2, 4, 5),
        "qc.pad {x} {{mode = \"reflect\", pads = array<i64: 0, 0, 1, 2, 0, 0, 3, 1>, value = 0.0 : f32}} "
        ": ({t}) -> {r}",
        lambda x: np.pad(x, [(0, 0), (0, 0), (1, 3), (2, 1)], mode="reflect"))


@case()
def pad_edge(p):
    return unary_shape_case(
        p, (2, 3),
        "qc.pad {x} {{mode = \"edge\", pads = array<i64: 2, 0, 1, 3>, value = 0.0 : f32}} : ({t}) -> {r}",
        lambda x: np.pad(x, [(2, 1), (0, 3)], mode="edge"))


def resize_text(x, xt, rt, sizes, scales, mode, ctm, nearest):
    return (f"qc.resize {x} {{coordinate_transformation_mode = \"{ctm}\", mode = \"{mode}\", "
            f"nearest_mode = \"{nearest}\", scales = {arr_attr(scales, 'f32')}, "
            f"sizes = {arr_attr(sizes)}}} : ({xt}) -> {rt}")


@case()
def resize_nearest_asymmetric_floor(p):
    xv = p.rand(1, 2, 3, 3)
    x = p.arg("x", xv)
    ref = n(F.interpolate(t(xv), scale_factor=2.0, mode="nearest"))
    y = p.op(resize_text(x, ttype(xv.shape), ttype(ref.shape), [-1, -1, 6, 6], [1.0, 1.0, 2.0, 2.0],
                         "nearest", "asymmetric", "floor"))
    return [y], [ref]


@case()
def resize_nearest_half_pixel_round_prefer_floor(p):
    # scale 1.5: output 1 maps to source 0.5 exactly, the tie this mode breaks downwards.
    xv = p.rand(1, 1, 3, 4)
    x = p.arg("x", xv)
    scales = [1.0, 1.0, 1.5, 1.5]
    out_h, out_w = 4, 6

    def index(o, s, size):
        c = (o + 0.5) / s - 0.5
        f = math.floor(c)
        r = f + 1 if c - f > 0.5 else f
        return min(max(r, 0), size - 1)
    ys = [index(o, 1.5, 3) for o in range(out_h)]
    xs = [index(o, 1.5, 4) for o in range(out_w)]
    ref = xv[:, :, ys][:, :, :, xs]
    y = p.op(resize_text(x, ttype(xv.shape), ttype(ref.shape), [1, 1, out_h, out_w], scales,
                         "nearest", "half_pixel", "round_prefer_floor"))
    return [y], [np.ascontiguousarray(ref)]


@case()
def resize_linear_half_pixel_sizes(p):
    xv = p.rand(1, 2, 3, 4)
    x = p.arg("x", xv)
    ref = n(F.interpolate(t(xv), size=(5, 7), mode="bilinear", align_corners=False))
    # Given sizes, the importer records scales out / in.
    scales = [1.0, 1.0, float(np.float32(5 / 3)), float(np.float32(7 / 4))]
    y = p.op(resize_text(x, ttype(xv.shape), ttype(ref.shape), [1, 2, 5, 7], scales,
                         "linear", "half_pixel", "round_prefer_floor"))
    return [y], [ref]


@case()
def resize_linear_align_corners(p):
    xv = p.rand(2, 1, 4, 3)
    x = p.arg("x", xv)
    ref = n(F.interpolate(t(xv), size=(7, 8), mode="bilinear", align_corners=True))
    scales = [1.0, 1.0, float(np.float32(7 / 4)), float(np.float32(8 / 3))]
    y = p.op(resize_text(x, ttype(xv.shape), ttype(ref.shape), [2, 1, 7, 8], scales,
                         "linear", "align_corners", "round_prefer_floor"))
    return [y], [ref]


# ------------------------------------------------------------------------------------------------
# Programs
# ------------------------------------------------------------------------------------------------

@case(rtol=2e-5)
def residual_block_dynamic_batch(p):
    """conv -> relu -> add(input) -> global pool -> flatten -> linear -> softmax, batch dimension `?`."""
    xv = p.rand(3, 4, 6, 6)
    x = p.arg("x", xv, dyn=(0,))
    wv, bv = p.rand(4, 4, 3, 3, lo=-0.3, hi=0.3), p.rand(4)
    lw, lb = p.rand(5, 4), p.rand(5)
    tx = t(xv)
    h = F.relu(F.conv2d(tx, t(wv), t(bv), padding=1)) + tx
    g = h.mean(dim=(2, 3))
    ref = n(torch.softmax(F.linear(g, t(lw), t(lb)), dim=1))
    dyn4 = ttype(xv.shape, (0,))
    c = p.op(f"qc.conv2d {x}, {p.const(wv)}, {p.const(bv)} {{dilations = array<i64: 1, 1>, groups = 1 : i64, "
             f"pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}} : ({dyn4}, {ttype(wv.shape)}, "
             f"{ttype(bv.shape)}) -> {dyn4}", loc="conv")
    r = p.op(f"qc.relu {c} : {dyn4}", loc="relu")
    s = p.op(f"qc.add {r}, {x} : ({dyn4}, {dyn4}) -> {dyn4}", loc="add")
    pooled = ttype((3, 4, 1, 1), (0,))
    gp = p.op(f"qc.global_avg_pool2d {s} : ({dyn4}) -> {pooled}", loc="pool")
    fl = p.op(f"qc.flatten {gp} {{axis = 1 : i64}} : ({pooled}) -> {ttype((3, 4), (0,))}", loc="flatten")
    li = p.op(f"qc.linear {fl}, {p.const(lw)}, {p.const(lb)} : ({ttype((3, 4), (0,))}, {ttype(lw.shape)}, "
              f"{ttype(lb.shape)}) -> {ttype((3, 5), (0,))}", loc="fc")
    y = p.op(GENERIC.format(name="softmax", props="axis = 1 : i64").format(x=li, t=ttype((3, 5), (0,))),
             loc="softmax")
    # Two results: the logits' softmax and the block output itself.
    return [y, s], [ref, n(h)], [ttype((3, 5), (0,)), dyn4]


@case()
def returns_argument_and_constant(p):
    """Results may be a function argument or a constant directly."""
    xv, cv = p.rand(2, 2), p.rand(3)
    x = p.arg("x", xv)
    c = p.const(cv)
    return [x, c], [xv, cv]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(here, "data"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for name, fn, rtol in CASES:
        p = Program(name)
        got = fn(p)
        results, refs = got[0], got[1]
        types = got[2] if len(got) > 2 else [ttype(r.shape) for r in refs]
        with open(os.path.join(args.out, name + ".mlir"), "w") as fh:
            fh.write(f"// Generated by test/unit/reference_run/gen_golden.py; do not edit.\n")
            fh.write(p.text(results, types))
        for i, a in enumerate(p.inputs):
            np.save(os.path.join(args.out, f"{name}.in{i}.npy"), a)
        for i, r in enumerate(refs):
            assert r.dtype == np.float32, (name, r.dtype)
            np.save(os.path.join(args.out, f"{name}.out{i}.npy"), np.ascontiguousarray(r))
        manifest.append(f"{name} {rtol:g}")
    with open(os.path.join(args.out, "cases.txt"), "w") as fh:
        fh.write("# NAME RTOL (max|qc - golden| <= RTOL * max|golden|); written by gen_golden.py\n")
        fh.write("\n".join(manifest) + "\n")
    print(f"wrote {len(CASES)} cases to {args.out}")


if __name__ == "__main__":
    main()
