#!/usr/bin/python3
"""Writes the golden fixtures of the reference-kernel tests into data/.

Run with Debian's interpreter (PyTorch 1.13, numpy):
    /usr/bin/python3 test/unit/reference/gen_golden.py

Every case is one uncompressed .npz (np.savez) holding the inputs, the
attributes (as int64 / float32 arrays) and the expected output 'y', so the
C++ tests read the attributes from the same file as the data. Expected values
come from PyTorch where it implements the op with ONNX's semantics (computed
in float64 and rounded to float32), from numpy otherwise (slice, pad, the
ONNX-only resize modes), and from torch.quantize_per_tensor / per_channel for
the quantization primitives. The outputs are deterministic: rerunning
reproduces the committed files byte for byte.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


def rand(seed, *shape, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape).astype(np.float32)


def i64(*values):
    return np.array(values, dtype=np.int64)


def f32(*values):
    return np.array(values, dtype=np.float32)


def save(name, **arrays):
    for key, value in arrays.items():
        assert isinstance(value, np.ndarray), (name, key)
        assert value.dtype in (np.float32, np.int64, np.int32), (name, key, value.dtype)
    np.savez(os.path.join(DATA, name + ".npz"), **arrays)


def t64(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def out32(t):
    return t.numpy().astype(np.float32)


# --------------------------------------------------------------------------
# Convolutions and products
# --------------------------------------------------------------------------

def conv_case(name, seed, x_shape, w_shape, bias, strides, pads, dilations, groups):
    """pads = (top, left, bottom, right) as ONNX; computed with F.pad + conv."""
    x = rand(seed, *x_shape)
    w = rand(seed + 1, *w_shape)
    b = rand(seed + 2, w_shape[0]) if bias else None
    xp = F.pad(t64(x), (pads[1], pads[3], pads[0], pads[2]))
    y = F.conv2d(xp, t64(w), None if b is None else t64(b), stride=strides,
                 dilation=dilations, groups=groups)
    extra = {} if b is None else {"b": b}
    save(name, x=x, w=w, **extra, strides=i64(*strides), pads=i64(*pads),
         dilations=i64(*dilations), groups=i64(groups), y=out32(y))


def conv_transpose_case(name, seed, x_shape, w_shape, bias, strides, pads, dilations,
                        output_padding, groups):
    """ONNX ConvTranspose with asymmetric pads: the unpadded result,
    zero-extended by output_padding at the end, cropped by the pads."""
    x = rand(seed, *x_shape)
    w = rand(seed + 1, *w_shape)
    b = rand(seed + 2, w_shape[1] * groups) if bias else None
    full = F.conv_transpose2d(t64(x), t64(w), None, stride=strides, padding=0,
                              output_padding=0, groups=groups, dilation=dilations)
    full = F.pad(full, (0, output_padding[1], 0, output_padding[0]))
    h, wd = full.shape[2], full.shape[3]
    y = full[:, :, pads[0]:h - pads[2], pads[1]:wd - pads[3]]
    if b is not None:
        y = y + t64(b).reshape(1, -1, 1, 1)
    if pads[0] == pads[2] and pads[1] == pads[3]:
        # Symmetric pads: PyTorch computes the same thing directly.
        direct = F.conv_transpose2d(t64(x), t64(w), None if b is None else t64(b),
                                    stride=strides, padding=(pads[0], pads[1]),
                                    output_padding=output_padding, groups=groups,
                                    dilation=dilations)
        assert torch.allclose(direct, y), name
    extra = {} if b is None else {"b": b}
    save(name, x=x, w=w, **extra, strides=i64(*strides), pads=i64(*pads),
         dilations=i64(*dilations), output_padding=i64(*output_padding),
         groups=i64(groups), y=out32(y))


def matmul_case(name, seed, a_shape, b_shape):
    a = rand(seed, *a_shape)
    b = rand(seed + 1, *b_shape)
    y = torch.matmul(t64(a), t64(b))
    assert np.allclose(y.numpy(), np.matmul(a.astype(np.float64), b.astype(np.float64)))
    save(name, a=a, b=b, y=out32(y))


def gemm_case(name, seed, a_shape, b_shape, c_shape, alpha, beta, trans_a, trans_b):
    a = rand(seed, *a_shape)
    b = rand(seed + 1, *b_shape)
    am = t64(a).T if trans_a else t64(a)
    bm = t64(b).T if trans_b else t64(b)
    y = alpha * (am @ bm)
    extra = {}
    if c_shape is not None:
        c = rand(seed + 2, *c_shape)
        y = y + beta * t64(c)
        extra["c"] = c
    save(name, a=a, b=b, **extra, alpha=f32(alpha), beta=f32(beta),
         trans_a=i64(int(trans_a)), trans_b=i64(int(trans_b)), y=out32(y))


# --------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------

def max_pool_case(name, seed, x_shape, kernel, strides, pads, dilations, ceil_mode):
    x = rand(seed, *x_shape)
    if pads[0] == pads[2] and pads[1] == pads[3]:
        y = F.max_pool2d(t64(x), kernel, strides, (pads[0], pads[1]), dilations,
                         ceil_mode=ceil_mode)
    else:
        assert not ceil_mode
        xp = F.pad(t64(x), (pads[1], pads[3], pads[0], pads[2]), value=-np.inf)
        y = F.max_pool2d(xp, kernel, strides, 0, dilations)
    save(name, x=x, kernel=i64(*kernel), strides=i64(*strides), pads=i64(*pads),
         dilations=i64(*dilations), ceil_mode=i64(int(ceil_mode)), y=out32(y))


def avg_pool_case(name, seed, x_shape, kernel, strides, pads, ceil_mode, count_include_pad):
    x = rand(seed, *x_shape)
    if pads[0] == pads[2] and pads[1] == pads[3]:
        y = F.avg_pool2d(t64(x), kernel, strides, (pads[0], pads[1]), ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad)
    else:
        assert not ceil_mode
        spec = (pads[1], pads[3], pads[0], pads[2])
        sums = F.avg_pool2d(F.pad(t64(x), spec), kernel, strides, 0)
        if count_include_pad:
            y = sums
        else:
            ones = F.pad(torch.ones_like(t64(x)), spec)
            y = sums / F.avg_pool2d(ones, kernel, strides, 0)
    save(name, x=x, kernel=i64(*kernel), strides=i64(*strides), pads=i64(*pads),
         ceil_mode=i64(int(ceil_mode)), count_include_pad=i64(int(count_include_pad)),
         y=out32(y))


# --------------------------------------------------------------------------
# Resize: ONNX's reference algorithm (onnx/backend/test/case/node/resize.py),
# with the source coordinate computed in float32 as ONNX Runtime does.
# --------------------------------------------------------------------------

def onnx_source_coordinate(x, scale, in_size, out_size, mode):
    x, scale = np.float32(x), np.float32(scale)
    if mode == "half_pixel":
        return (x + np.float32(0.5)) / scale - np.float32(0.5)
    if mode == "asymmetric":
        return x / scale
    if mode == "align_corners":
        return np.float32(0) if out_size == 1 else x * np.float32(in_size - 1) / np.float32(out_size - 1)
    if mode == "pytorch_half_pixel":
        return (x + np.float32(0.5)) / scale - np.float32(0.5) if out_size > 1 else np.float32(0)
    raise ValueError(mode)


def onnx_nearest_coeffs(ratio, mode):
    if ratio == int(ratio):
        return np.array([0, 1])
    return {"round_prefer_floor": np.array([ratio <= 0.5, ratio > 0.5]),
            "round_prefer_ceil": np.array([ratio < 0.5, ratio >= 0.5]),
            "floor": np.array([1, 0]),
            "ceil": np.array([0, 1])}[mode].astype(np.float64)


def onnx_interpolate_1d(data, scale, out_size, x, mode, coord_mode, nearest_mode):
    n = len(data)
    x_ori = float(onnx_source_coordinate(x, scale, n, out_size, coord_mode))
    x_int = int(np.floor(x_ori))
    ratio = 1.0 if x_ori == int(x_ori) else x_ori - x_int
    coeffs = (onnx_nearest_coeffs(ratio, nearest_mode) if mode == "nearest"
              else np.array([1 - ratio, ratio]))
    # Two neighbours of x_ori in the edge-padded data (ONNX's get_neighbor).
    padded = np.pad(data, 1, mode="edge")
    xp = x_ori + 1
    idx = sorted(sorted(range(len(padded)), key=lambda i: (abs(xp - i), i))[:2])
    return float(np.dot(coeffs, padded[idx]))


def onnx_resize_2d(x, out_h, out_w, scales, mode, coord_mode, nearest_mode):
    n, c, h, w = x.shape
    x64 = x.astype(np.float64)
    # Along W first, then H (the op is separable for these modes).
    tmp = np.zeros((n, c, h, out_w))
    for i in np.ndindex(n, c, h):
        for ox in range(out_w):
            tmp[i + (ox,)] = onnx_interpolate_1d(x64[i], scales[1], out_w, ox, mode,
                                                 coord_mode, nearest_mode)
    y = np.zeros((n, c, out_h, out_w))
    for i in np.ndindex(n, c):
        for ox in range(out_w):
            col = tmp[i][:, ox]
            for oy in range(out_h):
                y[i + (oy, ox)] = onnx_interpolate_1d(col, scales[0], out_h, oy, mode,
                                                      coord_mode, nearest_mode)
    return y.astype(np.float32)


RESIZE_MODES = {"nearest": 0, "linear": 1}
COORD_MODES = {"half_pixel": 0, "asymmetric": 1, "align_corners": 2, "pytorch_half_pixel": 3}
NEAREST_MODES = {"round_prefer_floor": 0, "round_prefer_ceil": 1, "floor": 2, "ceil": 3}


def resize_case(name, seed, x_shape, out_hw, mode, coord_mode, nearest_mode="round_prefer_floor",
                scales=None, torch_mode=None):
    x = rand(seed, *x_shape)
    h, w = x_shape[2], x_shape[3]
    given = scales is not None
    if scales is None:
        scales = (np.float32(out_hw[0]) / np.float32(h), np.float32(out_hw[1]) / np.float32(w))
    y = onnx_resize_2d(x, out_hw[0], out_hw[1], scales, mode, coord_mode, nearest_mode)
    if torch_mode is not None:
        kwargs = {}
        if torch_mode == "bilinear":
            kwargs["align_corners"] = coord_mode == "align_corners"
        yt = F.interpolate(torch.from_numpy(x), size=tuple(out_hw), mode=torch_mode, **kwargs)
        assert np.allclose(yt.numpy(), y, atol=1e-6), name
    extra = {"scales": f32(1, 1, *scales)} if given else {}
    save(name, x=x, out_shape=i64(x_shape[0], x_shape[1], *out_hw), **extra,
         mode=i64(RESIZE_MODES[mode]), coordinate_transformation_mode=i64(COORD_MODES[coord_mode]),
         nearest_mode=i64(NEAREST_MODES[nearest_mode]), y=y)


# --------------------------------------------------------------------------
# Quantization
# --------------------------------------------------------------------------

TORCH_QTYPES = {"u8": torch.quint8, "s8": torch.qint8, "s32": torch.qint32}
RANGES = {"u8": (0, 255), "s8": (-128, 127), "s16": (-32768, 32767),
          "s32": (-2**31, 2**31 - 1)}


def torch_rule(x, scale, zp, qtype):
    """PyTorch's quantize_val: clamp(nearbyint(x * (1.0f / scale)) + zp)."""
    inv = np.float32(1.0) / np.float32(scale)
    r = np.rint((x.astype(np.float32) * inv).astype(np.float32)).astype(np.float64) + zp
    lo, hi = RANGES[qtype]
    return np.clip(r, lo, hi).astype(np.int64)


def quantize_case(name, x, scale, zp, qtype):
    scale = float(np.float32(scale))  # qc stores scales as float32.
    if qtype in TORCH_QTYPES:
        q = torch.quantize_per_tensor(torch.from_numpy(x), float(scale), zp, TORCH_QTYPES[qtype])
        qv = q.int_repr().numpy().astype(np.int32)
        deq = q.dequantize().numpy()
        assert (qv == torch_rule(x, scale, zp, qtype)).all(), name
    else:
        qv = torch_rule(x, scale, zp, qtype).astype(np.int32)
        deq = ((qv - zp).astype(np.float32) * np.float32(scale)).astype(np.float32)
    save(name, x=x, scale=f32(scale), zero_point=i64(zp), qmin=i64(RANGES[qtype][0]),
         qmax=i64(RANGES[qtype][1]), q=qv, dq=deq)


def quantize_per_channel_case(name, x, scales, zps, axis, qtype):
    # qc stores scales as float32: give PyTorch exactly those values.
    scales = [float(np.float32(v)) for v in scales]
    q = torch.quantize_per_channel(torch.from_numpy(x), torch.tensor(scales, dtype=torch.float64),
                                   torch.tensor(zps, dtype=torch.int64), axis, TORCH_QTYPES[qtype])
    qv = q.int_repr().numpy().astype(np.int32)
    save(name, x=x, scales=np.array(scales, dtype=np.float32), zero_points=i64(*zps),
         axis=i64(axis), qmin=i64(RANGES[qtype][0]), qmax=i64(RANGES[qtype][1]), q=qv,
         dq=q.dequantize().numpy())


def main():
    os.makedirs(DATA, exist_ok=True)

    # Convolution: plain, strided + asymmetric pads, dilation, groups,
    # depthwise (with and without channel multiplier), 1x1 fast path, GEMM
    # blocking edges (K > 256, M > 96 and not a multiple of 6, N > 2048).
    conv_case("conv_basic", 10, (1, 3, 8, 8), (4, 3, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    conv_case("conv_stride_asym_pads", 20, (2, 3, 9, 7), (5, 3, 3, 2), True, (2, 3), (1, 0, 2, 1), (1, 1), 1)
    conv_case("conv_dilation", 30, (1, 2, 10, 9), (3, 2, 3, 3), False, (1, 1), (2, 1, 2, 1), (2, 3), 1)
    conv_case("conv_groups", 40, (1, 6, 7, 7), (9, 2, 3, 3), False, (1, 1), (1, 1, 1, 1), (1, 1), 3)
    conv_case("conv_depthwise", 50, (2, 8, 9, 9), (8, 1, 3, 3), True, (2, 2), (1, 1, 1, 1), (1, 1), 8)
    conv_case("conv_depthwise_multiplier", 60, (1, 4, 6, 7), (8, 1, 3, 3), True, (1, 2), (2, 0, 1, 2), (2, 1), 4)
    conv_case("conv_1x1", 70, (2, 16, 5, 5), (8, 16, 1, 1), True, (1, 1), (0, 0, 0, 0), (1, 1), 1)
    conv_case("conv_1x1_stride2", 80, (1, 8, 7, 7), (4, 8, 1, 1), False, (2, 2), (0, 0, 0, 0), (1, 1), 1)
    conv_case("conv_deep_k", 90, (1, 40, 9, 9), (20, 40, 3, 3), True, (1, 1), (0, 0, 0, 0), (1, 1), 1)
    conv_case("conv_many_out_channels", 100, (1, 8, 6, 6), (100, 8, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    conv_case("conv_wide", 110, (1, 1, 48, 48), (2, 1, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    conv_case("conv_kernel_larger_than_input", 120, (1, 2, 3, 3), (3, 2, 5, 5), True, (1, 1), (2, 2, 2, 2), (1, 1), 1)

    conv_transpose_case("conv_transpose_basic", 200, (1, 4, 5, 5), (4, 3, 3, 3), True, (2, 2), (1, 1, 1, 1), (1, 1), (1, 1), 1)
    conv_transpose_case("conv_transpose_groups_dilation", 210, (2, 4, 4, 5), (4, 2, 3, 2), True, (2, 1), (1, 0, 0, 1), (1, 2), (1, 0), 2)
    conv_transpose_case("conv_transpose_stride3", 220, (1, 3, 3, 4), (3, 2, 2, 3), False, (3, 2), (0, 1, 1, 0), (1, 1), (2, 1), 1)

    matmul_case("matmul_2d", 300, (5, 7), (7, 3))
    matmul_case("matmul_batch_broadcast", 310, (2, 1, 4, 6), (3, 6, 5))
    matmul_case("matmul_1d_2d", 320, (6,), (2, 6, 3))
    matmul_case("matmul_2d_1d", 330, (2, 4, 6), (6,))
    matmul_case("matmul_1d_1d", 340, (6,), (6,))
    matmul_case("matmul_batched_a", 350, (3, 4, 6), (6, 5))
    matmul_case("matmul_large", 360, (20, 260), (260, 30))

    gemm_case("gemm_bias_row", 400, (4, 5), (5, 3), (3,), 0.5, 2.0, False, False)
    gemm_case("gemm_transposed", 410, (5, 4), (3, 5), (4, 1), 1.5, -1.0, True, True)
    gemm_case("gemm_no_c", 420, (7, 9), (20, 9), None, 1.0, 1.0, False, True)
    gemm_case("gemm_scalar_c", 430, (3, 2), (3, 4), (), 1.0, 0.25, True, False)

    # Normalization.
    x = rand(500, 2, 3, 4, 5)
    scale, bias, mean = rand(501, 3), rand(502, 3), rand(503, 3)
    var = rand(504, 3, lo=0.1, hi=2.0)
    y = F.batch_norm(t64(x), t64(mean), t64(var), t64(scale), t64(bias), training=False, eps=1e-3)
    save("batch_norm", x=x, scale=scale, bias=bias, mean=mean, var=var, epsilon=f32(1e-3), y=out32(y))

    x = rand(510, 2, 3, 4, lo=-3, hi=5)
    g, b = rand(511, 4), rand(512, 4)
    y = F.layer_norm(t64(x), (4,), t64(g), t64(b), eps=1e-5)
    save("layer_norm_last", x=x, scale=g, bias=b, axis=i64(-1), epsilon=f32(1e-5), y=out32(y))
    g, b = rand(513, 3, 4), rand(514, 3, 4)
    y = F.layer_norm(t64(x), (3, 4), t64(g), t64(b), eps=1e-2)
    save("layer_norm_axis1", x=x, scale=g, bias=b, axis=i64(1), epsilon=f32(1e-2), y=out32(y))
    g = rand(515, 4)  # Broadcast over the normalized (3, 4); no bias.
    xd = x.astype(np.float64)
    mu = xd.mean(axis=(1, 2), keepdims=True)
    sd = np.sqrt(((xd - mu) ** 2).mean(axis=(1, 2), keepdims=True) + 1e-5)
    save("layer_norm_broadcast_scale", x=x, scale=g, axis=i64(-2), epsilon=f32(1e-5),
         y=((xd - mu) / sd * g).astype(np.float32))

    x = rand(520, 2, 3, 5, lo=-4, hi=4)
    x[1, 2, :] += 1000.0  # Would overflow exp without the max subtraction.
    for axis in (1, -1):
        save(f"softmax_axis{axis}".replace("-", "m"), x=x, axis=i64(axis),
             y=out32(F.softmax(t64(x), dim=axis)))

    # Elementwise, over values that hit every branch (clamp bounds, the
    # hardswish knees at -3 and 3, large magnitudes).
    x = np.concatenate([np.linspace(-8, 8, 81, dtype=np.float32),
                        f32(-3, 3, -1, 2, -0.0, 1e-8, -40, 40)])
    xt = t64(x)
    save("unary", x=x,
         relu=out32(F.relu(xt)),
         clamp=out32(torch.clamp(xt, -1.0, 2.0)),
         hardswish=out32(F.hardswish(xt)),
         hardsigmoid_onnx=out32(torch.clamp(0.2 * xt + 0.5, 0, 1)),
         hardsigmoid_torch=out32(F.hardsigmoid(xt)),
         sigmoid=out32(torch.sigmoid(xt)),
         tanh=out32(torch.tanh(xt)),
         erf=out32(torch.erf(xt)),
         gelu=out32(F.gelu(xt)),
         gelu_tanh=out32(F.gelu(xt, approximate="tanh")),
         sqrt_abs=out32(torch.sqrt(xt.abs())))

    for name, a_shape, b_shape in [("binary_broadcast", (2, 1, 4), (3, 1)),
                                   ("binary_scalar", (2, 3), ()),
                                   ("binary_middle", (2, 3, 4, 5), (3, 1, 5)),
                                   ("binary_same", (3, 4), (3, 4)),
                                   ("binary_leading", (1, 5), (4, 1, 1))]:
        a = rand(600 + len(name), *a_shape)
        b = rand(700 + len(name), *b_shape, lo=0.5, hi=2.0)
        ta, tb = t64(a), t64(b)
        save(name, a=a, b=b, add=out32(ta + tb), sub=out32(ta - tb), mul=out32(ta * tb),
             div=out32(ta / tb), pow=out32(torch.pow(ta.abs() + 0.1, tb)),
             pow_base=(np.abs(a) + np.float32(0.1)).astype(np.float32))

    # Pooling.
    max_pool_case("max_pool_basic", 800, (1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), False)
    max_pool_case("max_pool_ceil", 810, (1, 2, 8, 8), (3, 3), (2, 2), (0, 0, 0, 0), (1, 1), True)
    max_pool_case("max_pool_ceil_drops_last", 820, (1, 1, 5, 5), (2, 2), (2, 2), (1, 1, 1, 1), (1, 1), True)
    max_pool_case("max_pool_dilation", 830, (1, 2, 9, 9), (3, 3), (1, 1), (1, 1, 1, 1), (2, 2), False)
    max_pool_case("max_pool_asym_pads", 840, (2, 2, 6, 7), (2, 3), (1, 2), (0, 1, 1, 0), (1, 1), False)
    avg_pool_case("avg_pool_include_pad", 900, (1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), False, True)
    avg_pool_case("avg_pool_exclude_pad", 910, (1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), False, False)
    avg_pool_case("avg_pool_ceil_include_pad", 920, (1, 2, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), True, True)
    avg_pool_case("avg_pool_ceil_exclude_pad", 930, (1, 2, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), True, False)
    avg_pool_case("avg_pool_asym_include_pad", 940, (1, 2, 6, 5), (3, 2), (1, 2), (1, 0, 2, 1), False, True)
    avg_pool_case("avg_pool_asym_exclude_pad", 950, (1, 2, 6, 5), (3, 2), (1, 2), (1, 0, 2, 1), False, False)

    x = rand(960, 2, 3, 5, 7)
    save("global_avg_pool", x=x, y=out32(t64(x).mean(dim=(2, 3), keepdim=True)))
    x = rand(970, 2, 3, 4, 5)
    save("reduce_mean_keepdims", x=x, axes=i64(1, 3), keepdims=i64(1),
         y=out32(t64(x).mean(dim=(1, 3), keepdim=True)))
    save("reduce_mean_negative_axis", x=x, axes=i64(-1), keepdims=i64(0),
         y=out32(t64(x).mean(dim=-1)))
    save("reduce_mean_all", x=x, axes=i64(), keepdims=i64(0), y=out32(t64(x).mean()))

    # Data movement.
    x = rand(1000, 2, 3, 4, 5)
    save("transpose", x=x, perm=i64(2, 0, 3, 1), y=np.ascontiguousarray(x.transpose(2, 0, 3, 1)))
    save("transpose_default", x=x, perm=i64(), y=np.ascontiguousarray(x.transpose()))
    parts = [rand(1010, 2, 1, 3), rand(1011, 2, 4, 3), rand(1012, 2, 2, 3)]
    save("concat_axis1", x0=parts[0], x1=parts[1], x2=parts[2], axis=i64(1),
         y=np.concatenate(parts, axis=1))
    parts = [rand(1013, 2, 3, 1), rand(1014, 2, 3, 2)]
    save("concat_axis_m1", x0=parts[0], x1=parts[1], axis=i64(-1),
         y=np.concatenate(parts, axis=-1))

    x = rand(1100, 5, 6, 7)
    # Python slicing has ONNX Slice's semantics (negative indices, clamping,
    # negative steps), so numpy gives the expected values.
    slices = {
        "slice_basic": ([1, 0], [4, 6], [0, 2], [1, 2]),
        "slice_negative_steps": ([-1, 5, 100], [0, -100, 2], [0, 1, 2], [-2, -1, -3]),
        "slice_clamped": ([-100, 2], [100, INT64_MAX], [1, 2], [1, 3]),
        "slice_int64_min_end": ([4], [INT64_MIN], [-1], [-1]),
        "slice_empty": ([3], [1], [0], [1]),
        "slice_default_axes": ([1, 1, 1], [-1, -1, -1], [], []),
    }
    for name, (starts, ends, axes, steps) in slices.items():
        index = [slice(None)] * 3
        for i, s in enumerate(starts):
            axis = axes[i] if axes else i
            step = steps[i] if steps else 1
            e = ends[i]
            if e == INT64_MIN:
                e = None  # Python's way of saying "past the beginning".
            index[axis] = slice(s, e, step)
        save(name, x=x, starts=i64(*starts), ends=i64(*ends), axes=i64(*axes),
             steps=i64(*steps), y=np.ascontiguousarray(x[tuple(index)]))

    x = rand(1200, 2, 3, 4)
    pad_cases = {
        "pad_constant": ([0, 1, 2, 1, 0, 3], "constant", 1.5),
        "pad_constant_negative": ([0, -1, 2, -1, 1, -2], "constant", -2.0),
        "pad_reflect": ([1, 2, 3, 0, 1, 3], "reflect", 0.0),
        "pad_reflect_wide": ([0, 0, 7, 0, 0, 9], "reflect", 0.0),
        "pad_edge": ([1, 0, 2, 2, 3, 1], "edge", 0.0),
        "pad_wrap": ([0, 2, 5, 0, 4, 1], "wrap", 0.0),
    }
    pad_modes = {"constant": 0, "reflect": 1, "edge": 2, "wrap": 3}
    for name, (pads, mode, value) in pad_cases.items():
        r = x.ndim
        widths = [(max(pads[d], 0), max(pads[r + d], 0)) for d in range(r)]
        kwargs = {"constant_values": value} if mode == "constant" else {}
        if mode == "wrap":
            # ONNX's wrap is periodic; numpy < 1.25 gets pads wider than the
            # dimension wrong (numpy/numpy#22464, fixed in 1.25), so index explicitly.
            y = x
            for d in range(r):
                n = x.shape[d]
                src = (np.arange(-widths[d][0], n + widths[d][1])) % n
                y = np.take(y, src, axis=d)
        else:
            y = np.pad(x, widths, mode=mode, **kwargs)
        crop = tuple(slice(-min(pads[d], 0), y.shape[d] + min(pads[r + d], 0)) for d in range(r))
        save(name, x=x, pads=i64(*pads), mode=i64(pad_modes[mode]), value=f32(value),
             y=np.ascontiguousarray(y[crop]))

    # Resize: the modes PyTorch implements are checked against it as well.
    resize_case("resize_nearest_asymmetric_floor", 1300, (1, 2, 3, 4), (7, 9), "nearest", "asymmetric", "floor", torch_mode="nearest")
    resize_case("resize_nearest_half_pixel_prefer_ceil", 1310, (1, 2, 4, 5), (9, 7), "nearest", "half_pixel", "round_prefer_ceil", torch_mode="nearest-exact")
    resize_case("resize_nearest_half_pixel_prefer_floor", 1320, (1, 2, 8, 6), (4, 12), "nearest", "half_pixel", "round_prefer_floor")
    resize_case("resize_nearest_align_corners_ceil", 1330, (1, 1, 5, 4), (8, 3), "nearest", "align_corners", "ceil")
    resize_case("resize_nearest_asymmetric_prefer_floor_down", 1340, (2, 1, 9, 8), (3, 4), "nearest", "asymmetric", "round_prefer_floor")
    resize_case("resize_linear_pytorch_half_pixel", 1350, (1, 2, 4, 5), (7, 11), "linear", "pytorch_half_pixel", torch_mode="bilinear")
    resize_case("resize_linear_pytorch_half_pixel_down", 1360, (1, 2, 9, 8), (4, 3), "linear", "pytorch_half_pixel", torch_mode="bilinear")
    resize_case("resize_linear_align_corners", 1370, (1, 2, 4, 5), (7, 9), "linear", "align_corners", torch_mode="bilinear")
    resize_case("resize_linear_half_pixel_out1", 1380, (1, 1, 4, 6), (1, 5), "linear", "half_pixel")
    resize_case("resize_linear_asymmetric", 1390, (1, 2, 3, 5), (8, 7), "linear", "asymmetric")
    resize_case("resize_linear_scales", 1400, (1, 1, 5, 4), (7, 10), "linear", "half_pixel", scales=(1.5, 2.5))

    # Quantization: ties, clamping, and random data, against PyTorch.
    ties = f32(2.5, 3.5, -2.5, -3.5, 0.5, 1.5, -0.5, -1.5, 126.5, 127.5, 128.5,
               -128.5, -129.5, 300, -300, 0, 1e9, -1e9)
    quantize_case("quantize_ties_s8", ties, 1.0, 0, "s8")
    quantize_case("quantize_ties_s8_half_scale", ties * np.float32(0.5), 0.5, 0, "s8")
    quantize_case("quantize_ties_u8", ties, 1.0, 128, "u8")
    quantize_case("quantize_ties_s16", ties * np.float32(256), 1.0, -7, "s16")
    x = rand(1500, 1000, lo=-4, hi=4)
    quantize_case("quantize_random_s8", x, 0.0237, 3, "s8")
    quantize_case("quantize_random_u8", x, 0.031, 120, "u8")
    quantize_case("quantize_random_s32", x, 0.0001, 0, "s32")
    quantize_case("quantize_random_s16", x, 0.0003, 11, "s16")
    x = rand(1510, 4, 3, 2, 5, lo=-3, hi=3)
    quantize_per_channel_case("quantize_per_channel_axis0_s8", x, [0.1, 0.02, 0.5, 0.03], [0, -3, 5, 1], 0, "s8")
    quantize_per_channel_case("quantize_per_channel_axis1_u8", x, [0.013, 0.05, 0.021], [128, 0, 255], 1, "u8")

    # Requantize (no PyTorch counterpart; DESIGN.md's rule in numpy).
    rng = np.random.default_rng(1600)
    acc = rng.integers(-60000, 60000, size=(2, 3, 4, 4)).astype(np.int32)
    acc[0, 0, 0, :4] = [1000, 3000, -1000, -3000]  # Ties with multiplier 1/2000.
    mult = f32(0.0005, 0.0023, 0.0017)
    zp = -5
    r = np.rint((acc.astype(np.float32) * mult.reshape(1, 3, 1, 1)).astype(np.float32)) + zp
    save("requantize_per_channel", acc=acc, multipliers=mult, axis=i64(1), zero_point=i64(zp),
         qmin=i64(-128), qmax=i64(127), q=np.clip(r, -128, 127).astype(np.int32))
    r = np.rint((acc.astype(np.float32) * np.float32(0.0011)).astype(np.float32)) + 3
    save("requantize_per_tensor_relu", acc=acc, multipliers=f32(0.0011), axis=i64(0),
         zero_point=i64(3), qmin=i64(3), qmax=i64(127), q=np.clip(r, 3, 127).astype(np.int32))


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
