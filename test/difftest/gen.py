#!/usr/bin/python3
"""Random quantized programs for differential testing (docs/robustness.md,
"Differential testing").

Each *graph* is a small random Q/DQ program (dequantize -> float op ->
quantize chains, as `qc quantize` writes them) with its own inputs and
outputs, fully determined by its seed: `Graph(seed)` draws its ops, shapes,
strides, paddings, scales, zero points, weights and input data from
`random.Random(seed)` / `numpy.random.default_rng(seed)` and from nothing
else. `emit_program([seeds])` packs many graphs into one `func.func @main`
(names `g<seed>_i<k>` / `g<seed>_o<k>`, every op located at
`loc("g<seed>:<kind>")`), so one compile covers many graphs and any
difference names the graph that produced it.

Coverage: conv2d (regular, strided, padded, dilated, depthwise with channel
multiplier, grouped, 1x1; per-tensor / per-channel weights, with / without
bias; relu / clamp fused), linear (2-D, 3-D input), add, mul (same shape and
numpy broadcasting, squeeze-excitation [N,C,1,1] x [N,C,H,W]), max / average
(ceil_mode, count_include_pad) / global average pools, concat (same or other
qparams), resize (nearest / linear, every coordinate and nearest mode,
scales and sizes), conv_transpose2d (strides, pads, output_padding,
dilation, groups), matmul of two run-time tensors (qc.qmatmul: symmetric
i8 rhs, transposed views; an asymmetric rhs stays float), sigmoid / tanh /
hardswish / hardsigmoid (table lookups), abs / neg / exp / log / reciprocal /
floor / ceil / round / leaky_relu / prelu (tables; a per-channel prelu a
float step), max / min (qc.qmax / qc.qmin, broadcasting), reshape /
flatten / transpose / slice (negative steps), a dequantized f32 output;
int8 and uint8, zero points at qmin / qmax, tiny and huge scales, reduced
quantize ranges, saturating inputs.

Usage:
  gen.py SEED [SEED...] -o DIR      writes DIR/model.mlir, DIR/in/<name>.npy,
                                    DIR/manifest.json
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np

F32 = np.float32
RANGES = {"i8": (-128, 127), "ui8": (0, 255)}
NP_DTYPES = {"i8": np.int8, "ui8": np.uint8}


def f32(x):
    return float(F32(x))


def flit(x):
    """An f32 as an MLIR float literal that reads back to the same f32."""
    return "%.9e" % f32(x)


def ttype(shape, et):
    return "tensor<" + "".join("%dx" % d for d in shape) + et + ">"


def windowed(size, k, s, pb, pe, d, ceil=False):
    """Output length of a conv / pool window (QCShapes.cpp's windowOut)."""
    span = d * (k - 1) + 1
    num = size + pb + pe - span
    if num < 0:
        return -1
    out = ((num + s - 1) // s if ceil else num // s) + 1
    if ceil and (out - 1) * s >= size + pb:
        out -= 1
    return out


def np_conv(x, w, b, s, pads, d, groups, oh, ow):
    """conv2d in float64 (only to choose the output qparams)."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2] + s[0] * kh * d[0]),
                    (pads[1], pads[3] + s[1] * kw * d[1])))
    y = np.zeros([n, o, oh, ow])
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for ky in range(kh):
            for kx in range(kw):
                patch = xs[:, :, ky * d[0]:ky * d[0] + s[0] * (oh - 1) + 1:s[0],
                           kx * d[1]:kx * d[1] + s[1] * (ow - 1) + 1:s[1]]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch,
                                                       w[g * og:(g + 1) * og, :, ky, kx])
    return y + b.reshape(1, -1, 1, 1)


def np_conv_transpose(x, w, b, s, pads, d, groups, oh, ow):
    """conv_transpose2d in float64 (only to choose the output qparams)."""
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    full = np.zeros([n, og * groups, (h - 1) * s[0] + (kh - 1) * d[0] + 1 + oh,
                     (wd - 1) * s[1] + (kw - 1) * d[1] + 1 + ow])
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        for ky in range(kh):
            for kx in range(kw):
                contrib = np.einsum("nchw,co->nohw", xs, w[g * cg:(g + 1) * cg, :, ky, kx])
                full[:, g * og:(g + 1) * og, ky * d[0]:ky * d[0] + s[0] * (h - 1) + 1:s[0],
                     kx * d[1]:kx * d[1] + s[1] * (wd - 1) + 1:s[1]] += contrib
    return full[:, :, pads[0]:pads[0] + oh, pads[1]:pads[1] + ow] + b.reshape(1, -1, 1, 1)


def np_resize(x, oh, ow):
    """A nearest (asymmetric) resize in float64: the value range of any resize
    (only to choose the output qparams)."""
    n, c, h, w = x.shape
    ys = np.minimum((np.arange(oh) * h) // oh, h - 1)
    xs = np.minimum((np.arange(ow) * w) // ow, w - 1)
    return x[:, :, ys][:, :, :, xs]


def np_pool(x, k, s, pads, d, oh, ow, reduce):
    """Max / average pool in float64 over the in-bounds taps."""
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2] + s[0] * k[0] * d[0]),
                    (pads[1], pads[3] + s[1] * k[1] * d[1])), constant_values=np.nan)
    taps = [xp[:, :, ky * d[0]:ky * d[0] + s[0] * (oh - 1) + 1:s[0],
               kx * d[1]:kx * d[1] + s[1] * (ow - 1) + 1:s[1]]
            for ky in range(k[0]) for kx in range(k[1])]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.nan_to_num(reduce(np.stack(taps), axis=0))


class QT:
    """A quantized tensor of the graph: SSA name, shape, element type, qparams."""

    def __init__(self, name, shape, et, scale, zp, data):
        self.name, self.shape, self.et = name, list(shape), et
        self.scale, self.zp = f32(scale), int(zp)
        self.data = data

    @property
    def f(self):
        """The dequantized values (float64: only used to choose qparams)."""
        return (self.data.astype(np.float64) - self.zp) * self.scale

    @property
    def type(self):
        return ttype(self.shape, self.et)


class Graph:
    """One random graph. Draws everything from its seed."""

    MAX_ELEMS = 4096

    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.p = "g%d_" % seed
        self.lines = []
        self.args = []      # (ssa, type, name, np array)
        self.results = []   # (ssa, type, name)
        self.kinds = []     # op kinds, for coverage
        self.n = 0
        self.build()

    # -- helpers -----------------------------------------------------------
    def ssa(self):
        self.n += 1
        return "%%%sv%d" % (self.p, self.n)

    def loc(self, kind):
        return ' loc("g%d:%s")' % (self.seed, kind)

    def emit(self, text, kind):
        self.lines.append("  " + text + self.loc(kind))

    def pick_et(self):
        return self.r.choice(["i8", "ui8"])

    def pick_zp(self, et):
        lo, hi = RANGES[et]
        u = self.r.random()
        if u < 0.12:
            return lo
        if u < 0.24:
            return hi
        if u < 0.36:
            return 0 if et == "i8" else 128
        return self.r.randint(lo, hi)

    def pick_scale(self, typical=None):
        """Log-uniform around `typical` (or [1e-3, 1]); 10 % tiny, 10 % huge."""
        u = self.r.random()
        if typical is None:
            base = 10 ** self.r.uniform(-3, 0)
        else:
            base = typical * 2 ** self.r.uniform(-2, 2)
        if u < 0.1:
            base *= 10 ** self.r.uniform(-4, -2)
        elif u < 0.2:
            base *= 10 ** self.r.uniform(2, 4)
        return f32(min(max(base, 1e-12), 1e12))

    def input(self, shape, et=None, scale=None, zp=None):
        et = et or self.pick_et()
        lo, hi = RANGES[et]
        u = self.r.random()
        if u < 0.03:
            data = np.full(shape, lo)
        elif u < 0.06:
            data = np.full(shape, hi)
        elif u < 0.13:
            data = self.np.choice([lo, hi], size=shape)
        else:
            data = self.np.integers(lo, hi + 1, size=shape)
        name = "%si%d" % (self.p, len(self.args))
        ssa = "%%%s" % name
        data = data.astype(NP_DTYPES[et])
        qt = QT(ssa, shape, et, scale if scale is not None else self.pick_scale(),
                zp if zp is not None else self.pick_zp(et), data)
        self.args.append((ssa, qt.type, name, data))
        return qt

    def dq(self, qt, kind):
        v = self.ssa()
        self.emit("%s = qc.dequantize %s {scale = array<f32: %s>, zero_point = array<i64: %d>}"
                  " : (%s) -> %s" % (v, qt.name, flit(qt.scale), qt.zp, qt.type,
                                     ttype(qt.shape, "f32")), kind)
        return v

    def q(self, fv, fy, kind, et=None, scale=None, zp=None, full=None):
        """quantize(fv); fy is its value (numpy). Without `scale`, the qparams
        are what a min/max observer would choose, then perturbed: the scale by
        2^[-1, 1], 5 % far too small (saturating), 5 % far too large; the zero
        point 25 % of the time an extreme (qmin, qmax, 0 / 128) or random."""
        shape = list(fy.shape)
        et = et or self.pick_et()
        lo, hi = RANGES[et]
        if full is None:
            full = self.r.random() < 0.85
        qmin, qmax = lo, hi
        if not full:  # a reduced range (reduce_range, narrow symmetric)
            qmin, qmax = self.r.choice([(lo, hi // 2 if et == "ui8" else 63),
                                        (lo + 1, hi), (lo, (lo + hi) // 2 + 10)])
        if scale is None:
            fmin = min(float(np.min(fy)), 0.0) if fy.size else 0.0
            fmax = max(float(np.max(fy)), 0.0) if fy.size else 0.0
            span = fmax - fmin if fmax > fmin else 1.0
            scale = span / (qmax - qmin) * 2 ** self.r.uniform(-1, 1)
            u = self.r.random()
            if u < 0.05:
                scale *= 10 ** self.r.uniform(-3, -1)
            elif u < 0.1:
                scale *= 10 ** self.r.uniform(1, 3)
            scale = f32(min(max(scale, 1e-9), 1e9))
            if zp is None and self.r.random() < 0.75:
                zp = qmin - int(round(fmin / scale)) if math.isfinite(fmin / scale) else qmin
        if zp is None:
            zp = self.pick_zp(et)
        zp = int(min(max(zp, qmin), qmax))
        with np.errstate(all="ignore"):
            data = np.clip(np.rint(fy / F32(scale)) + zp, qmin, qmax)
        data = np.nan_to_num(data, nan=zp).astype(NP_DTYPES[et])
        v = self.ssa()
        self.emit("%s = qc.quantize %s {quant_max = %d : i64, quant_min = %d : i64, "
                  "scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s"
                  % (v, fv, qmax, qmin, flit(scale), zp, ttype(shape, "f32"),
                     ttype(shape, et)), kind)
        return QT(v, shape, et, scale, zp, data)

    def const(self, arr, et, kind):
        v = self.ssa()
        raw = arr.astype({"i8": "<i1", "i32": "<i4"}[et]).tobytes()
        self.emit('%s = qc.constant dense<"0x%s"> : %s'
                  % (v, raw.hex().upper(), ttype(arr.shape, et)), kind)
        return v

    def activation(self, fv, fy, kind):
        """None, relu or clamp after a conv / linear / add / mul / avg pool."""
        shape = list(fy.shape)
        u = self.r.random()
        if u < 0.5:
            return fv, fy
        v = self.ssa()
        if u < 0.75:
            self.emit("%s = qc.relu %s : %s" % (v, fv, ttype(shape, "f32")), kind)
            fy = np.maximum(fy, 0)
        else:
            lo = self.r.choice([0.0, -1.0, self.r.uniform(-3, 1)])
            hi = self.r.choice([6.0, 1.0, lo + self.r.uniform(0.01, 8)])
            self.emit("%s = qc.clamp %s {max = %s : f32, min = %s : f32} : %s"
                      % (v, fv, flit(hi), flit(lo), ttype(shape, "f32")), kind)
            fy = np.minimum(np.maximum(fy, f32(lo)), f32(hi))
        return v, fy

    def weights(self, shape):
        u = self.r.random()
        if u < 0.05:
            w = np.full(shape, -128)
        elif u < 0.1:
            w = np.full(shape, 127)
        elif u < 0.2:
            w = self.np.choice([-128, 127], size=shape)
        elif u < 0.3:
            w = self.np.integers(-3, 4, size=shape)
        else:
            w = self.np.integers(-128, 128, size=shape)
        return w.astype(np.int8)

    def weight_qparams(self, oc):
        per_channel = self.r.random() < 0.5
        base = self.pick_scale()
        if per_channel:
            scales = [f32(base * 2 ** self.r.uniform(-3, 3)) for _ in range(oc)]
        else:
            scales = [base]
        return per_channel, scales

    def dq_const(self, c, shape, et, scales, per_channel, kind, zps=None, axis=0):
        v = self.ssa()
        zps = zps or [0] * len(scales)
        if per_channel:
            attrs = "axis = %d : i64, scale = array<f32: %s>, zero_point = array<i64: %s>" % (
                axis, ", ".join(flit(s) for s in scales), ", ".join(str(z) for z in zps))
        else:
            attrs = "scale = array<f32: %s>, zero_point = array<i64: %d>" % (
                flit(scales[0]), zps[0])
        self.emit("%s = qc.dequantize %s {%s} : (%s) -> %s"
                  % (v, c, attrs, ttype(shape, et), ttype(shape, "f32")), kind)
        return v

    def weighted(self, x, wshape, oc, k, kind, emit_op, channel_axis=0, per_tensor=False,
                 float_weights_ok=True):
        """Shared part of conv / linear / conv_transpose: weights (per output
        channel along `channel_axis`), bias, op, activation, q."""
        xf = self.dq(x, kind)
        w = self.weights(wshape)
        per_channel, ws = self.weight_qparams(oc)
        if per_tensor and per_channel:
            per_channel, ws = False, ws[:1]
        wzps = None
        if self.r.random() < 0.04 and float_weights_ok:
            # Asymmetric weights: not an integer op (zero point 0 only), so
            # the layer stays float (its weights folded at compile time).
            wzps = [self.r.randint(-128, 127) for _ in ws]
            self.kinds[-1] += ".wzp_float"
        wf = self.dq_const(self.const(w, "i8", kind), wshape, "i8", ws, per_channel, kind,
                           wzps, axis=channel_axis)
        bf = None
        bias = np.zeros([oc])
        if self.r.random() < 0.75:
            bscales = [f32(F32(x.scale) * F32(s)) for s in ws]
            lim = self.r.choice([1000, 100000, 1 << 24])
            b = self.np.integers(-lim, lim + 1, size=[oc]).astype(np.int32)
            bias = b * np.array(bscales, dtype=np.float64)
            bf = self.dq_const(self.const(b, "i32", kind), [oc], "i32", bscales,
                               per_channel, kind)
        wzp = np.array(wzps if wzps else [0] * len(ws), dtype=np.float64)
        wsc = np.array(ws, dtype=np.float64)
        bshape = [1] * len(wshape)
        bshape[channel_axis] = -1
        wfloat = (w - wzp.reshape(bshape)) * wsc.reshape(bshape)
        y, fy = emit_op(xf, wf, bf, wfloat, bias)
        y, fy = self.activation(y, fy, kind)
        return self.q(y, fy, kind)

    # -- ops ---------------------------------------------------------------
    def conv(self, x):
        n, c, h, w = x.shape
        kind = self.r.choice(["regular", "strided", "padded", "dilated", "depthwise",
                              "grouped", "1x1", "mixed"])
        kh = kw = 1
        s = [1, 1]
        d = [1, 1]
        pads = [0, 0, 0, 0]
        groups = 1
        if kind != "1x1":
            kh, kw = self.r.randint(1, 5), self.r.randint(1, 5)
            if self.r.random() < 0.5:
                kw = kh
        if kind in ("strided", "mixed", "depthwise", "grouped"):
            s = [self.r.randint(1, 3), self.r.randint(1, 3)]
        if kind in ("padded", "mixed", "depthwise", "grouped", "regular"):
            pads = [self.r.randint(0, kh), self.r.randint(0, kw),
                    self.r.randint(0, kh), self.r.randint(0, kw)]
            if kind == "regular" and self.r.random() < 0.5:
                pads = [kh // 2, kw // 2, kh // 2, kw // 2]
        if kind in ("dilated", "mixed"):
            d = [self.r.randint(1, 3), self.r.randint(1, 3)]
        if kind == "depthwise":
            groups = c
            oc = c * self.r.choice([1, 1, 2])
        elif kind == "grouped" and c > 1:
            divisors = [g for g in range(2, c + 1) if c % g == 0]
            groups = self.r.choice(divisors)
            oc = groups * self.r.randint(1, 3)
        else:  # now and then more than one GEMM column tile (64 on AVX-512)
            oc = self.r.randint(1, 24) if self.r.random() < 0.85 else self.r.randint(25, 100)
        oh = windowed(h, kh, s[0], pads[0], pads[2], d[0])
        ow = windowed(w, kw, s[1], pads[1], pads[3], d[1])
        if oh < 1 or ow < 1:  # the window does not fit: a 1x1 conv instead
            kh = kw = 1
            d = [1, 1]
            oh = windowed(h, 1, s[0], pads[0], pads[2], 1)
            ow = windowed(w, 1, s[1], pads[1], pads[3], 1)
        self.kinds.append("conv." + kind)
        cin = c // groups
        yshape = [n, oc, oh, ow]

        def op(xf, wf, bf, wfloat, bias):
            v = self.ssa()
            ops = ", ".join(a for a in (xf, wf, bf) if a)
            fy = np_conv(x.f, wfloat, bias, s, pads, d, groups, oh, ow)
            types = ", ".join([ttype(x.shape, "f32"), ttype([oc, cin, kh, kw], "f32")] +
                              ([ttype([oc], "f32")] if bf else []))
            self.emit("%s = qc.conv2d %s {dilations = array<i64: %d, %d>, groups = %d : i64, "
                      "pads = array<i64: %d, %d, %d, %d>, strides = array<i64: %d, %d>} : "
                      "(%s) -> %s" % (v, ops, d[0], d[1], groups, *pads, s[0], s[1], types,
                                      ttype(yshape, "f32")), "conv")
            return v, fy
        return self.weighted(x, [oc, cin, kh, kw], oc, cin * kh * kw, "conv", op)

    def conv_transpose(self, x):
        n, c, h, w = x.shape
        kind = self.r.choice(["k2s2", "k3s2", "k4s2", "s1", "s3", "grouped", "dilated"])
        kh = kw = {"k2s2": 2, "k3s2": 3, "k4s2": 4}.get(kind, self.r.randint(1, 4))
        if self.r.random() < 0.3:
            kw = self.r.randint(1, 4)
        s = {"s1": [1, 1], "s3": [3, 3]}.get(kind, [2, 2])
        if kind in ("grouped", "dilated"):
            s = [self.r.randint(1, 3), self.r.randint(1, 3)]
        d = [2, self.r.randint(1, 2)] if kind == "dilated" else [1, 1]
        pads = [self.r.randint(0, kh - 1), self.r.randint(0, kw - 1),
                self.r.randint(0, kh - 1), self.r.randint(0, kw - 1)]
        opad = [self.r.randint(0, max(s[0], d[0]) - 1), self.r.randint(0, max(s[1], d[1]) - 1)]
        groups = 1
        if kind == "grouped" and c > 1:
            groups = self.r.choice([g for g in range(2, c + 1) if c % g == 0])
        og = self.r.randint(1, 12) if groups == 1 else self.r.randint(1, 3)
        oc = og * groups
        oh = s[0] * (h - 1) + opad[0] + d[0] * (kh - 1) + 1 - pads[0] - pads[2]
        ow = s[1] * (w - 1) + opad[1] + d[1] * (kw - 1) + 1 - pads[1] - pads[3]
        if oh < 1 or ow < 1:
            pads = [0, 0, 0, 0]
            oh = s[0] * (h - 1) + opad[0] + d[0] * (kh - 1) + 1
            ow = s[1] * (w - 1) + opad[1] + d[1] * (kw - 1) + 1
        self.kinds.append("conv_transpose." + kind)
        yshape = [n, oc, oh, ow]

        def op(xf, wf, bf, wfloat, bias):
            v = self.ssa()
            ops = ", ".join(a for a in (xf, wf, bf) if a)
            fy = np_conv_transpose(x.f, wfloat, bias, s, pads, d, groups, oh, ow)
            types = ", ".join([ttype(x.shape, "f32"), ttype([c, og, kh, kw], "f32")] +
                              ([ttype([oc], "f32")] if bf else []))
            self.emit("%s = qc.conv_transpose2d %s {dilations = array<i64: %d, %d>, groups = %d : i64, "
                      "output_padding = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, "
                      "strides = array<i64: %d, %d>} : (%s) -> %s"
                      % (v, ops, d[0], d[1], groups, *opad, *pads, s[0], s[1], types,
                         ttype(yshape, "f32")), "conv_transpose")
            return v, fy
        return self.weighted(x, [c, og, kh, kw], oc, c // groups * kh * kw, "conv_transpose", op,
                             channel_axis=1, per_tensor=groups > 1,
                             float_weights_ok=False)  # no float conv_transpose2d code

    def resize(self, x):
        n, c, h, w = x.shape
        mode = self.r.choice(["nearest", "linear"])
        ctm = self.r.choice(["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"])
        nm = self.r.choice(["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
        if self.r.random() < 0.6:
            sh, sw = (self.r.choice([2.0, 2.0, 3.0, 1.5, 0.5, 2.5, 0.75]) for _ in range(2))
            oh, ow = int(np.floor(F32(h) * F32(sh))), int(np.floor(F32(w) * F32(sw)))
            if oh < 1 or ow < 1:
                sh = sw = 2.0
                oh, ow = 2 * h, 2 * w
        else:
            oh, ow = self.r.randint(1, 16), self.r.randint(1, 16)
            sh, sw = oh / h, ow / w
        self.kinds.append("resize.%s" % mode)
        xf = self.dq(x, "resize")
        v = self.ssa()
        yshape = [n, c, oh, ow]
        self.emit('%s = qc.resize %s {coordinate_transformation_mode = "%s", mode = "%s", '
                  'nearest_mode = "%s", scales = array<f32: 1.0, 1.0, %s, %s>, '
                  'sizes = array<i64: -1, -1, %d, %d>} : (%s) -> %s'
                  % (v, xf, ctm, mode, nm, flit(sh), flit(sw), oh, ow, ttype(x.shape, "f32"),
                     ttype(yshape, "f32")), "resize")
        fy = np_resize(x.f, oh, ow)
        if self.r.random() < 0.6:  # shared qparams, as the quantizers choose them
            return self.q(v, fy, "resize", et=x.et, scale=x.scale, zp=x.zp, full=True)
        v, fy = self.activation(v, fy, "resize")
        return self.q(v, fy, "resize")

    def linear(self, x):
        if len(x.shape) == 4 or (len(x.shape) == 3 and self.r.random() < 0.5):
            x = self.flatten(x, axis=1, same=True)
        k = x.shape[-1]
        oc = self.r.randint(1, 40) if self.r.random() < 0.85 else self.r.randint(41, 130)
        yshape = x.shape[:-1] + [oc]
        self.kinds.append("linear.%dd" % len(x.shape))

        def op(xf, wf, bf, wfloat, bias):
            v = self.ssa()
            ops = ", ".join(a for a in (xf, wf, bf) if a)
            fy = x.f @ wfloat.T + bias
            types = ", ".join([ttype(x.shape, "f32"), ttype([oc, k], "f32")] +
                              ([ttype([oc], "f32")] if bf else []))
            self.emit("%s = qc.linear %s : (%s) -> %s" % (v, ops, types, ttype(yshape, "f32")),
                      "linear")
            return v, fy
        return self.weighted(x, [oc, k], oc, k, "linear", op)

    def matmul(self, x):
        """x [..., M, K] times a new run-time rhs [..., K, N] (attention's
        QK^T / AV): i8 with zero point 0, the form qc.qmatmul takes (15 %
        another zero point: a float Q/DQ island), 40 % a transposed view of
        a [..., N, K] input (strided rhs, packed through its strides), 20 %
        the lhs a transposed view too (rows that are not K-contiguous)."""
        if self.r.random() < 0.2 and len(x.shape) >= 2:
            x = self.transpose_last(x)
        k = x.shape[-1]
        n = self.r.randint(1, 40) if self.r.random() < 0.85 else self.r.randint(41, 100)
        batch = list(x.shape[:-2])
        symmetric = self.r.random() < 0.85
        transposed = self.r.random() < 0.4
        self.kinds.append("matmul.%s%s" % ("sym" if symmetric else "asym",
                                           ".t" if transposed else ""))
        zp = 0 if symmetric else None
        if transposed:
            rhs = self.transpose_last(self.input(batch + [n, k], et="i8", zp=zp))
        else:
            rhs = self.input(batch + [k, n], et="i8", zp=zp)
        af, bf = self.dq(x, "matmul"), self.dq(rhs, "matmul")
        yshape = batch + [x.shape[-2], n]
        v = self.ssa()
        self.emit("%s = qc.matmul %s, %s : (%s, %s) -> %s"
                  % (v, af, bf, ttype(x.shape, "f32"), ttype(rhs.shape, "f32"),
                     ttype(yshape, "f32")), "matmul")
        fy = np.matmul(x.f, rhs.f)
        if self.r.random() < 0.3:
            w = self.ssa()
            self.emit("%s = qc.relu %s : %s" % (w, v, ttype(yshape, "f32")), "matmul")
            v, fy = w, np.maximum(fy, 0)
        return self.q(v, fy, "matmul")

    def transpose_last(self, x):
        """x with its last two dimensions swapped, quantized with x's qparams
        (an exact move on the integer tensors: a strided view when compiled)."""
        perm = list(range(len(x.shape)))
        perm[-1], perm[-2] = perm[-2], perm[-1]
        xf = self.dq(x, "transpose")
        yshape = [x.shape[p] for p in perm]
        v = self.ssa()
        self.emit("%s = qc.transpose %s {perm = array<i64: %s>} : (%s) -> %s"
                  % (v, xf, ", ".join(map(str, perm)), ttype(x.shape, "f32"),
                     ttype(yshape, "f32")), "transpose")
        return self.move_q(v, x.f.transpose(perm), x, True, "transpose")

    def binary(self, x, opname):
        shape = list(x.shape)
        other = list(shape)
        tag = "same"
        if opname == "add" and self.r.random() < 0.2:
            # Broadcasting add: qc.qadd takes equal shapes only, so this one
            # stays float between dequantize and quantize (float code).
            other = [1 if self.r.random() < 0.5 else dim for dim in shape]
            tag = "bcast_float"
        elif opname == "mul" and self.r.random() < 0.6:
            ones = [i for i, dim in enumerate(shape) if dim == 1]
            if ones and self.r.random() < 0.4:
                # x is the broadcast operand: the other input grows its 1s.
                other = [self.r.randint(2, 5) if dim == 1 else dim for dim in shape]
                tag = "bcast_grow"
            elif len(shape) == 4 and self.r.random() < 0.5:
                other = [shape[0], shape[1], 1, 1]  # squeeze-excitation scale
                tag = "se"
            else:
                other = [1 if self.r.random() < 0.5 else dim for dim in shape]
                if self.r.random() < 0.3:
                    other = other[self.r.randint(0, len(other) - 1):]
                tag = "bcast"
        self.kinds.append("%s.%s" % (opname, tag))
        a, b = x, self.input(other)
        if self.r.random() < 0.5:
            a, b = b, a
        af, bf = self.dq(a, opname), self.dq(b, opname)
        yshape = list(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
        v = self.ssa()
        self.emit("%s = qc.%s %s, %s : (%s, %s) -> %s"
                  % (v, opname, af, bf, ttype(a.shape, "f32"), ttype(b.shape, "f32"),
                     ttype(yshape, "f32")), opname)
        fy = a.f + b.f if opname == "add" else a.f * b.f
        v, fy = self.activation(v, fy, opname)
        return self.q(v, fy, opname)

    def squeeze_excite(self, x):
        """x * hardsigmoid(q(global_avg_pool(x))): MobileNetV3's SE block."""
        self.kinds.append("mul.se_block")
        p = self.global_pool(x)
        g = self.lut(p, fn=self.r.choice(["hardsigmoid", "sigmoid"]))
        fy = x.f * g.f
        xf, gf = self.dq(x, "mul"), self.dq(g, "mul")
        if self.r.random() < 0.5:
            xf, gf = gf, xf
            ta, tb = ttype(g.shape, "f32"), ttype(x.shape, "f32")
        else:
            ta, tb = ttype(x.shape, "f32"), ttype(g.shape, "f32")
        v = self.ssa()
        self.emit("%s = qc.mul %s, %s : (%s, %s) -> %s"
                  % (v, xf, gf, ta, tb, ttype(x.shape, "f32")), "mul")
        return self.q(v, fy, "mul")

    def pool_window(self, h, w, allow_dilation):
        for _ in range(20):
            k = [self.r.randint(1, 4), self.r.randint(1, 4)]
            s = [self.r.randint(1, 3), self.r.randint(1, 3)]
            pads = [self.r.randint(0, (k[0] - 1) // 2 + (k[0] > 1)) if self.r.random() < 0.5 else 0
                    for _ in range(2)]
            pads = [pads[0], pads[1], self.r.randint(0, k[0] // 2), self.r.randint(0, k[1] // 2)]
            # ONNX / PyTorch: a pad at most half the kernel.
            pads = [min(pads[0], k[0] // 2), min(pads[1], k[1] // 2),
                    min(pads[2], k[0] // 2), min(pads[3], k[1] // 2)]
            d = [self.r.randint(1, 2), self.r.randint(1, 2)] if allow_dilation else [1, 1]
            ceil = self.r.random() < 0.3
            oh = windowed(h, k[0], s[0], pads[0], pads[2], d[0], ceil)
            ow = windowed(w, k[1], s[1], pads[1], pads[3], d[1], ceil)
            if oh >= 1 and ow >= 1:
                return k, s, pads, d, ceil, oh, ow
        return [1, 1], [1, 1], [0, 0, 0, 0], [1, 1], False, h, w

    def max_pool(self, x):
        n, c, h, w = x.shape
        k, s, pads, d, ceil, oh, ow = self.pool_window(h, w, True)
        self.kinds.append("max_pool")
        xf = self.dq(x, "max_pool")
        v = self.ssa()
        yshape = [n, c, oh, ow]
        self.emit("%s = qc.max_pool2d %s {ceil_mode = %s, dilations = array<i64: %d, %d>, "
                  "kernel = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, "
                  "strides = array<i64: %d, %d>} : (%s) -> %s"
                  % (v, xf, "true" if ceil else "false", *d, *k, *pads, *s,
                     ttype(x.shape, "f32"), ttype(yshape, "f32")), "max_pool")
        fy = np_pool(x.f, k, s, pads, d, oh, ow, np.nanmax)
        return self.q(v, fy, "max_pool", et=x.et, scale=x.scale, zp=x.zp, full=True)

    def avg_pool(self, x):
        n, c, h, w = x.shape
        k, s, pads, _, ceil, oh, ow = self.pool_window(h, w, False)
        cip = self.r.random() < 0.5
        self.kinds.append("avg_pool")
        xf = self.dq(x, "avg_pool")
        v = self.ssa()
        yshape = [n, c, oh, ow]
        self.emit("%s = qc.avg_pool2d %s {ceil_mode = %s, count_include_pad = %s, "
                  "kernel = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, "
                  "strides = array<i64: %d, %d>} : (%s) -> %s"
                  % (v, xf, "true" if ceil else "false", "true" if cip else "false", *k,
                     *pads, *s, ttype(x.shape, "f32"), ttype(yshape, "f32")), "avg_pool")
        fy = np_pool(x.f, k, s, pads, [1, 1], oh, ow, np.nanmean)
        v, fy = self.activation(v, fy, "avg_pool")
        return self.q(v, fy, "avg_pool")

    def global_pool(self, x):
        n, c, h, w = x.shape
        self.kinds.append("global_avg_pool")
        xf = self.dq(x, "global_avg_pool")
        v = self.ssa()
        yshape = [n, c, 1, 1]
        self.emit("%s = qc.global_avg_pool2d %s : (%s) -> %s"
                  % (v, xf, ttype(x.shape, "f32"), ttype(yshape, "f32")), "global_avg_pool")
        return self.q(v, x.f.mean(axis=(2, 3), keepdims=True), "global_avg_pool")

    def lut(self, x, fn=None):
        fn = fn or self.r.choice(["sigmoid", "tanh", "hardswish", "hardsigmoid"])
        self.kinds.append("lut." + fn)
        xf = self.dq(x, fn)
        v = self.ssa()
        t = ttype(x.shape, "f32")
        alpha = beta = None
        if fn == "hardsigmoid":
            alpha, beta = self.r.choice([(1 / 6, 0.5), (0.2, 0.5),
                                         (self.r.uniform(0.01, 1), self.r.uniform(-1, 1))])
            self.emit("%s = qc.hardsigmoid %s {alpha = %s : f32, beta = %s : f32} : %s"
                      % (v, xf, flit(alpha), flit(beta), t), fn)
        else:
            self.emit("%s = qc.%s %s : %s" % (v, fn, xf, t), fn)
        xv = x.f
        if fn == "sigmoid":
            with np.errstate(over="ignore"):
                fy = 1 / (1 + np.exp(-xv))
        elif fn == "tanh":
            fy = np.tanh(xv)
        elif fn == "hardswish":
            fy = xv * np.clip(xv + 3, 0, 6) / 6
        else:
            fy = np.clip(alpha * xv + beta, 0, 1)
        u = self.r.random()
        if fn in ("sigmoid", "hardsigmoid") and u < 0.5:  # PyTorch's fixed qparams
            return self.q(v, fy, fn, et="ui8", scale=1 / 256, zp=0, full=True)
        if fn == "tanh" and u < 0.5:
            return self.q(v, fy, fn, et="i8", scale=1 / 128, zp=0, full=True)
        return self.q(v, fy, fn)

    def math(self, x):
        """Issue 10's elementwise math ops: a unary one (a table after
        lowering; log of abs, so no NaN reaches the quantize), prelu with one
        slope (a table) or a per-channel slope (a float step), or max / min of
        x and another input (qc.qmax / qc.qmin; broadcasting; now and then
        the shared qparams the built-in quantizers give them)."""
        fn = self.r.choice(["abs", "neg", "exp", "log", "reciprocal", "floor", "ceil", "round",
                            "leaky_relu", "prelu", "max", "min"])
        t = ttype(x.shape, "f32")
        xv = x.f.astype(np.float64)
        if fn in ("max", "min"):
            shape = list(x.shape)
            other = list(shape)
            tag = "same"
            if self.r.random() < 0.5:
                other = [1 if self.r.random() < 0.5 else dim for dim in shape]
                if self.r.random() < 0.3:
                    other = other[self.r.randint(0, len(other) - 1):]
                tag = "bcast"
            shared = self.r.random() < 0.4
            self.kinds.append("%s.%s%s" % (fn, tag, ".shared" if shared else ""))
            b = self.input(other, et=x.et if shared else None, scale=x.scale if shared else None,
                           zp=x.zp if shared else None)
            a = x
            if self.r.random() < 0.5:
                a, b = b, a
            af, bf = self.dq(a, fn), self.dq(b, fn)
            yshape = list(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
            v = self.ssa()
            self.emit("%s = qc.%s %s, %s : (%s, %s) -> %s"
                      % (v, fn, af, bf, ttype(a.shape, "f32"), ttype(b.shape, "f32"),
                         ttype(yshape, "f32")), fn)
            fy = np.maximum(a.f, b.f) if fn == "max" else np.minimum(a.f, b.f)
            if shared:
                return self.q(v, fy, fn, et=x.et, scale=x.scale, zp=x.zp, full=True)
            return self.q(v, fy, fn)
        xf = self.dq(x, fn)
        if fn == "prelu":
            per_channel = len(x.shape) == 4 and x.shape[1] > 1 and self.r.random() < 0.5
            self.kinds.append("prelu." + ("channel_float" if per_channel else "one"))
            sshape = [x.shape[1], 1, 1] if per_channel else [1]
            slope = np.array([f32(self.r.uniform(-1, 1)) for _ in range(int(np.prod(sshape)))],
                             F32).reshape(sshape)
            c = self.ssa()
            wrap = "[[%s]]" if per_channel else "%s"
            self.emit("%s = qc.constant dense<[%s]> : %s"
                      % (c, ", ".join(wrap % flit(v) for v in slope.reshape(-1)), ttype(sshape, "f32")),
                      fn)
            v = self.ssa()
            self.emit("%s = qc.prelu %s, %s : (%s, %s) -> %s"
                      % (v, xf, c, t, ttype(sshape, "f32"), t), fn)
            return self.q(v, np.where(xv < 0, slope * xv, xv), fn)
        self.kinds.append("math." + fn)
        if fn == "log":
            a = self.ssa()
            self.emit("%s = qc.abs %s : %s" % (a, xf, t), fn)
            xf = a
        v = self.ssa()
        if fn == "leaky_relu":
            alpha = f32(self.r.choice([0.01, 0.1, 0.2, self.r.uniform(-1, 1)]))
            self.emit("%s = qc.leaky_relu %s {alpha = %s : f32} : %s" % (v, xf, flit(alpha), t), fn)
            fy = np.where(xv < 0, alpha * xv, xv)
        else:
            self.emit("%s = qc.%s %s : %s" % (v, fn, xf, t), fn)
            with np.errstate(all="ignore"):
                fy = {"abs": np.abs, "neg": np.negative, "exp": np.exp,
                      "log": lambda u: np.log(np.abs(u)), "reciprocal": lambda u: 1 / u,
                      "floor": np.floor, "ceil": np.ceil, "round": np.round}[fn](xv)
        # Infinities (log 0, 1 / 0, exp overflow) clamp; the observer-like
        # qparams come from the finite values.
        fin = fy[np.isfinite(fy)]
        fy = np.clip(fy, float(fin.min()) if fin.size else 0.0, float(fin.max()) if fin.size else 0.0)
        return self.q(v, fy, fn)

    def move_q(self, v, fy, x, same, kind):
        """The quantize after a data-movement op: x's qparams (exact move) or others."""
        if same:
            return self.q(v, fy, kind, et=x.et, scale=x.scale, zp=x.zp, full=True)
        return self.q(v, fy, kind)

    def flatten(self, x, axis=None, same=None):
        if axis is None:
            axis = self.r.randint(0, len(x.shape))
        if same is None:
            same = self.r.random() < 0.7
        self.kinds.append("flatten")
        xf = self.dq(x, "flatten")
        yshape = [int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:]))]
        v = self.ssa()
        self.emit("%s = qc.flatten %s {axis = %d : i64} : (%s) -> %s"
                  % (v, xf, axis, ttype(x.shape, "f32"), ttype(yshape, "f32")), "flatten")
        return self.move_q(v, x.f.reshape(yshape), x, same, "flatten")

    def reshape(self, x):
        total = int(np.prod(x.shape))
        dims = []
        rest = total
        for _ in range(self.r.randint(1, 4) - 1):
            divs = [dv for dv in range(1, rest + 1) if rest % dv == 0]
            dv = self.r.choice(divs)
            dims.append(dv)
            rest //= dv
        dims.append(rest)
        self.r.shuffle(dims)
        self.kinds.append("reshape")
        xf = self.dq(x, "reshape")
        v = self.ssa()
        self.emit("%s = qc.reshape %s {shape = array<i64: %s>} : (%s) -> %s"
                  % (v, xf, ", ".join(map(str, dims)), ttype(x.shape, "f32"),
                     ttype(dims, "f32")), "reshape")
        return self.move_q(v, x.f.reshape(dims), x, self.r.random() < 0.7, "reshape")

    def transpose(self, x):
        perm = list(range(len(x.shape)))
        self.r.shuffle(perm)
        self.kinds.append("transpose")
        xf = self.dq(x, "transpose")
        yshape = [x.shape[p] for p in perm]
        v = self.ssa()
        self.emit("%s = qc.transpose %s {perm = array<i64: %s>} : (%s) -> %s"
                  % (v, xf, ", ".join(map(str, perm)), ttype(x.shape, "f32"),
                     ttype(yshape, "f32")), "transpose")
        return self.move_q(v, x.f.transpose(perm), x, self.r.random() < 0.7, "transpose")

    def slice(self, x):
        rank = len(x.shape)
        axes = sorted(self.r.sample(range(rank), self.r.randint(1, rank)))
        starts, ends, steps = [], [], []
        yshape = list(x.shape)
        for a in axes:
            dim = x.shape[a]
            for _ in range(10):
                step = self.r.choice([1, 1, 2, 3, -1, -2])
                st = self.r.randint(-dim, dim)
                en = self.r.choice([self.r.randint(-dim - 1, dim + 1), dim + 5, -dim - 5])
                length = len(range(*slice(st, en, step).indices(dim)))
                if length >= 1:
                    break
            else:
                st, en, step, length = 0, dim, 1, dim
            starts.append(st)
            ends.append(en)
            steps.append(step)
            yshape[a] = length
        self.kinds.append("slice")
        xf = self.dq(x, "slice")
        v = self.ssa()
        j = lambda xs: ", ".join(map(str, xs))
        self.emit("%s = qc.slice %s {axes = array<i64: %s>, ends = array<i64: %s>, "
                  "starts = array<i64: %s>, steps = array<i64: %s>} : (%s) -> %s"
                  % (v, xf, j(axes), j(ends), j(starts), j(steps), ttype(x.shape, "f32"),
                     ttype(yshape, "f32")), "slice")
        idx = [slice(None)] * rank
        for a_, st, en, sp in zip(axes, starts, ends, steps):
            idx[a_] = slice(st, en, sp)
        fy = x.f[tuple(idx)]
        assert list(fy.shape) == yshape, (fy.shape, yshape)
        return self.move_q(v, fy, x, self.r.random() < 0.7, "slice")

    def concat(self, x):
        rank = len(x.shape)
        axis = self.r.randint(0, rank - 1)
        parts = [x]
        same = self.r.random() < 0.5
        for _ in range(self.r.randint(1, 3)):
            shape = list(x.shape)
            shape[axis] = self.r.randint(1, 6)
            if same:
                parts.append(self.input(shape, et=x.et, scale=x.scale, zp=x.zp))
            else:
                parts.append(self.input(shape))
        self.r.shuffle(parts)
        self.kinds.append("concat.%s" % ("same" if same else "requant"))
        fs = [self.dq(p, "concat") for p in parts]
        yshape = list(x.shape)
        yshape[axis] = sum(p.shape[axis] for p in parts)
        v = self.ssa()
        self.emit("%s = qc.concat %s {axis = %d : i64} : (%s) -> %s"
                  % (v, ", ".join(fs), axis, ", ".join(ttype(p.shape, "f32") for p in parts),
                     ttype(yshape, "f32")), "concat")
        fy = np.concatenate([p.f for p in parts], axis=axis)
        return self.move_q(v, fy, x, same, "concat")

    # -- the graph ---------------------------------------------------------
    def elems(self, qt):
        return int(np.prod(qt.shape))

    def build(self):
        r = self.r
        if r.random() < 0.75:
            n = r.choice([1, 1, 1, 2])
            c = r.choice([1, 2, 3, 4, 5, 8, 12, 16, 24, 32])
            h, w = r.randint(1, 12), r.randint(1, 12)
            if r.random() < 0.3:
                w = h
            x = self.input([n, c, h, w])
        else:
            rank = r.randint(1, 3)
            x = self.input([r.randint(1, 8) for _ in range(rank)])
        depth = r.randint(1, 4)
        for i in range(depth):
            if len(x.shape) == 4:
                choices = ["conv"] * 6 + ["linear", "add", "mul", "se", "max_pool",
                                          "max_pool", "avg_pool", "avg_pool", "global_pool",
                                          "concat", "lut", "lut", "flatten", "reshape",
                                          "transpose", "slice", "resize", "resize",
                                          "conv_transpose", "matmul", "math", "math"]
            else:
                choices = ["linear", "linear", "add", "mul", "mul", "concat", "lut", "lut",
                           "flatten", "reshape", "transpose", "slice", "math", "math"]
                if len(x.shape) >= 2:
                    choices += ["matmul", "matmul"]
            op = r.choice(choices)
            y = {"conv": self.conv, "linear": self.linear, "max_pool": self.max_pool,
                 "avg_pool": self.avg_pool, "global_pool": self.global_pool,
                 "se": self.squeeze_excite, "concat": self.concat, "lut": self.lut,
                 "flatten": self.flatten, "reshape": self.reshape,
                 "transpose": self.transpose, "slice": self.slice,
                 "resize": self.resize, "conv_transpose": self.conv_transpose,
                 "matmul": self.matmul, "math": self.math,
                 "add": lambda t: self.binary(t, "add"),
                 "mul": lambda t: self.binary(t, "mul")}[op](x)
            # An intermediate result is an output too, now and then.
            if i + 1 < depth and r.random() < 0.2:
                self.output(y)
            x = y
            if self.elems(x) > self.MAX_ELEMS:
                break
        if r.random() < 0.15:  # a dequantized (f32) output
            self.kinds.append("dequantize_output")
            v = self.dq(x, "output")
            self.results.append((v, ttype(x.shape, "f32"),
                                 "%so%d" % (self.p, len(self.results))))
        else:
            self.output(x)

    def output(self, qt):
        self.results.append((qt.name, qt.type, "%so%d" % (self.p, len(self.results))))


def emit_program(graphs):
    args = []
    results = []
    body = []
    for g in graphs:
        args += ['%s: %s {qc.name = "%s"}' % (a[0], a[1], a[2]) for a in g.args]
        results += g.results
        body += g.lines
    text = ["// Generated by test/difftest/gen.py from graph seeds %s"
            % ",".join(str(g.seed) for g in graphs),
            "func.func @main(%s)" % ", ".join(args),
            "    -> (%s) {" % ", ".join('%s {qc.name = "%s"}' % (t, n) for _, t, n in results)]
    text += body
    text.append("  return %s : %s" % (", ".join(v for v, _, _ in results),
                                      ", ".join(t for _, t, _ in results)))
    text.append("}")
    return "\n".join(text) + "\n"


def write(seeds, out):
    graphs = [Graph(s) for s in seeds]
    os.makedirs(os.path.join(out, "in"), exist_ok=True)
    with open(os.path.join(out, "model.mlir"), "w") as f:
        f.write(emit_program(graphs))
    for g in graphs:
        for _, _, name, data in g.args:
            np.save(os.path.join(out, "in", name + ".npy"), data)
    manifest = {
        "inputs": [a[2] for g in graphs for a in g.args],
        "outputs": [r[2] for g in graphs for r in g.results],
        "graphs": {str(g.seed): g.kinds for g in graphs},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return graphs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seeds", type=int, nargs="+")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    write(a.seeds, a.out)


if __name__ == "__main__":
    main()
