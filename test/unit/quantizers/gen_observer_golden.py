#!/usr/bin/python3
"""Generates the golden fixtures for qc's observer unit tests.

Run with Debian's Python (PyTorch 1.13 + numpy):

    /usr/bin/python3 test/unit/quantizers/gen_observer_golden.py

Writes test/unit/quantizers/data/:
  inputs/<dataset>_<i>.npy      float32 input batches (deterministic)
  hist/<dataset>.npy            PyTorch HistogramObserver.histogram after all
                                batches (bins=2048, upsample_rate=128)
  observer_golden.txt           datasets, cases and expected values

Expected values come from torch.ao.quantization.observer (MinMax,
MovingAverageMinMax, PerChannelMinMax, MovingAveragePerChannelMinMax,
Histogram). The percentile and entropy observers have no PyTorch twin; their
expectations come from the numpy reference implementations below, written
from the algorithm description in docs/observers.md (not from the C++), with
the final scale / zero point from PyTorch's _calculate_qparams.

Floats are written as the hex of their IEEE bits (float32: 8 digits, float64:
16 digits) so the C++ test can compare bit for bit.
"""

import math
import os
import struct
import sys
import warnings

import numpy as np
import torch
from torch.ao.quantization import observer as tobs

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
BINS = 2048
UPSAMPLE = 128


def f32bits(x):
    return "0x%08x" % struct.unpack("<I", struct.pack("<f", float(x)))[0]


def f64bits(x):
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


# ----------------------------------------------------------------------------
# Datasets: name -> list of float32 batches.
# ----------------------------------------------------------------------------

def make_datasets():
    rng = np.random.RandomState(20240611)
    f = np.float32
    d = {}
    d["normal"] = [(rng.randn(4, 256) * 1.7 + 0.3).astype(f) for _ in range(3)]
    d["skewed"] = [(np.exp(rng.randn(1024) * 0.9) - 0.4).astype(f)
                   for _ in range(2)]
    d["relu"] = [np.maximum(rng.randn(8, 128) * 2.0 + 0.5, 0).astype(f)
                 for _ in range(2)]
    d["allzero"] = [np.zeros((4, 64), f)]
    out = (rng.randn(2048) * 0.5).astype(f)
    out[777] = 40.0
    out[1500] = -3.0
    d["outlier"] = [out]
    d["growing"] = [(rng.randn(1024) * 0.4 * (i + 1) + 0.1 * i).astype(f)
                    for i in range(4)]
    d["smallrange"] = [(rng.randn(1024) * 0.15).astype(f) for _ in range(3)]
    d["shrinking"] = [(rng.randn(1024) * s).astype(f) for s in (3.0, 0.5, 0.3)]
    d["const_then_data"] = [np.full((2, 50), 1.5, f),
                            (rng.randn(1000) * 1.2 - 0.2).astype(f)]
    d["negative"] = [(-np.abs(rng.randn(1024) * 2.0) - 0.5).astype(f)
                     for _ in range(2)]
    d["tiny"] = [(rng.randn(512) * 1e-6).astype(f) for _ in range(2)]
    # Many small batches: moving averages accumulate float32 rounding and the
    # histogram is re-binned many times.
    d["stream"] = [(rng.randn(2, 32) * (1.0 + 0.05 * i) + 0.02 * i).astype(f)
                   for i in range(48)]

    def weights(seed_scale):
        w = np.empty((16, 8, 3, 3), f)
        for c in range(16):
            w[c] = rng.randn(8, 3, 3) * 0.05 * (c + 1) * seed_scale
        w[3] = 0.0                      # a dead channel
        w[5] = np.abs(w[5]) + 0.01      # an all-positive channel
        w[7, 2, 1, 1] = 1.5             # an outlier in one channel
        return w

    d["weights"] = [weights(1.0)]
    d["weights_batches"] = [weights(s) for s in (1.0, 1.3, 0.7)]
    d["act_nchw"] = [(rng.randn(2, 8, 6, 6) * np.linspace(0.2, 3.0, 8)
                      .reshape(1, 8, 1, 1) + 0.2).astype(f) for _ in range(2)]
    d["act_stream"] = [(rng.randn(2, 8, 3, 3) * np.linspace(0.5, 2.0, 8)
                        .reshape(1, 8, 1, 1) * (1.0 + 0.03 * i)).astype(f)
                       for i in range(24)]
    return d


# ----------------------------------------------------------------------------
# Configurations
# ----------------------------------------------------------------------------

TORCH_DTYPE = {"quint8": torch.quint8, "qint8": torch.qint8,
               "qint32": torch.qint32}
TORCH_QSCHEME = {
    "per_tensor_affine": torch.per_tensor_affine,
    "per_tensor_symmetric": torch.per_tensor_symmetric,
    "per_channel_affine": torch.per_channel_affine,
    "per_channel_symmetric": torch.per_channel_symmetric,
}

# (dtype, qscheme, reduce_range, custom range or None)
PER_TENSOR_CONFIGS = [
    ("quint8", "per_tensor_affine", False, None),
    ("quint8", "per_tensor_affine", True, None),
    ("qint8", "per_tensor_affine", False, None),
    ("qint8", "per_tensor_symmetric", False, None),
    ("qint8", "per_tensor_symmetric", True, None),
    ("quint8", "per_tensor_symmetric", False, None),
]
MINMAX_EXTRA_CONFIGS = [
    ("quint8", "per_tensor_affine", False, (0, 15)),
    ("quint8", "per_tensor_symmetric", False, (0, 15)),
    ("qint8", "per_tensor_symmetric", False, (-8, 7)),
    ("quint8", "per_tensor_affine", True, (0, 63)),
    ("qint32", "per_tensor_symmetric", False, None),
]
PER_CHANNEL_CONFIGS = {
    # dataset -> [(dtype, qscheme, reduce_range, ch_axis)]
    "weights": [("qint8", "per_channel_symmetric", False, 0),
                ("quint8", "per_channel_affine", False, 0),
                ("qint8", "per_channel_affine", True, 0),
                ("quint8", "per_channel_symmetric", False, 0),
                ("qint8", "per_channel_symmetric", False, 1)],
    "weights_batches": [("qint8", "per_channel_symmetric", False, 0),
                        ("quint8", "per_channel_affine", False, 0)],
    "act_stream": [("quint8", "per_channel_affine", False, 1),
                   ("qint8", "per_channel_symmetric", False, 1)],
    "act_nchw": [("quint8", "per_channel_affine", False, 1),
                 ("qint8", "per_channel_symmetric", False, 1),
                 ("quint8", "per_channel_affine", True, -3)],
}
PER_TENSOR_DATASETS = ["normal", "skewed", "relu", "allzero", "outlier",
                       "growing", "smallrange", "shrinking", "const_then_data",
                       "negative", "tiny", "stream"]


def kwargs_for(dtype, qscheme, reduce_range, custom):
    kw = dict(dtype=TORCH_DTYPE[dtype], qscheme=TORCH_QSCHEME[qscheme],
              reduce_range=reduce_range)
    if custom is not None:
        kw["quant_min"], kw["quant_max"] = custom
    return kw


def config_lines(dtype, qscheme, reduce_range, custom=None, ch_axis=None):
    lines = ["dtype %s" % dtype, "qscheme %s" % qscheme,
             "reduce_range %d" % int(reduce_range)]
    if custom is not None:
        lines.append("quant_range %d %d" % custom)
    if ch_axis is not None:
        lines.append("ch_axis %d" % ch_axis)
    return lines


def config_tag(dtype, qscheme, reduce_range, custom=None, ch_axis=None):
    tag = "%s_%s" % (dtype, qscheme.replace("per_tensor_", "").replace(
        "per_channel_", "pc_"))
    if reduce_range:
        tag += "_rr"
    if custom is not None:
        tag += "_q%d_%d" % (custom[0] if custom[0] >= 0 else -custom[0],
                            custom[1])
    if ch_axis is not None:
        tag += "_ax%s" % (str(ch_axis) if ch_axis >= 0 else "m%d" % -ch_axis)
    return tag


# ----------------------------------------------------------------------------
# numpy references for the observers without a PyTorch twin
# ----------------------------------------------------------------------------

def magnitude_histogram(batches, bins):
    """Histogram of |x| over [0, R), R = smallest power of two > max |x|,
    separately for x >= 0 and x < 0 (docs/observers.md)."""
    x = np.concatenate([b.ravel() for b in batches]).astype(np.float64)
    m = float(np.abs(x).max())
    if m == 0.0:
        return 0.0, None, None, float(x.size)
    _, e = math.frexp(m)
    r = math.ldexp(1.0, e)
    idx = np.floor(np.abs(x) * (bins / r)).astype(np.int64)
    assert idx.max() < bins
    nonneg = np.bincount(idx[~(x < 0)], minlength=bins).astype(np.float64)
    neg = np.bincount(idx[x < 0], minlength=bins).astype(np.float64)
    return r, nonneg, neg, float(x.size)


def batches_min_max(batches):
    mn = min(np.float32(b.min()) for b in batches)
    mx = max(np.float32(b.max()) for b in batches)
    return np.float32(mn), np.float32(mx)


def percentile_reference(batches, p, bins=BINS):
    r, nonneg, neg, total = magnitude_histogram(batches, bins)
    mn, mx = batches_min_max(batches)
    tail = total * ((100.0 - p) / 100.0)

    def above(h):
        w = r / bins
        cum = 0.0
        for b in range(bins - 1, -1, -1):
            c = h[b]
            if c > 0 and cum + c > tail:
                frac = (tail - cum) / c
                return (float(b + 1) - frac) * w
            cum += c
        return 0.0

    def clamp(v, lo, hi):
        return min(max(v, lo), hi)

    lower, upper = mn, mx
    if mx > 0:
        upper = clamp(np.float32(above(nonneg)), mn, mx)
    if mn < 0:
        lower = clamp(-np.float32(above(neg)), mn, mx)
    # Sanity: `tail` values lie above the upper bound, up to one bin width:
    # it sits between the order statistics that bracket the tail.
    x = np.sort(np.concatenate([b.ravel() for b in batches]).astype(np.float64))
    if r > 0 and mx > 0 and mn < upper < mx:
        w = r / bins
        n = x.size
        lo_ok = x[n - 1 - int(math.ceil(tail))] - w
        hi_ok = x[n - 1 - int(math.floor(tail))] + w
        assert lo_ok <= float(upper) <= hi_ok, (lo_ok, upper, hi_ok)
    return np.float32(lower), np.float32(upper)


def kl_search(h, m):
    """The KL search on one magnitude histogram h for m levels: (i, KL)."""
    m = max(m, 1)
    last = int(np.nonzero(h)[0].max()) if np.any(h) else 0
    if last + 1 <= m:
        return last + 1, 0.0
    total = float(np.add.accumulate(h)[-1])
    suffix = np.concatenate([np.cumsum(h[::-1])[::-1], [0.0]])
    best_kl, best_i = math.inf, last + 1
    for i in range(m, last + 2):
        # Reference P: first i bins, clipped mass added to the last.
        p = h[:i].copy()
        p[i - 1] += suffix[i]
        # Candidate Q: the unclipped first i bins in m groups, each group's
        # mass spread over the bins where P is non-zero, and divided by the
        # same total as P (clipped mass is lost).
        starts = (np.arange(m) * i) // m
        ends = (np.arange(1, m + 1) * i) // m
        group_sum = np.add.reduceat(h[:i], starts)
        nonzero = np.add.reduceat((p != 0).astype(np.float64), starts)
        gs = np.repeat(group_sum, ends - starts)
        nz = np.repeat(nonzero, ends - starts)
        mask = p != 0
        if np.any(gs[mask] == 0.0):
            continue  # KL is infinite
        pk = p[mask] / total
        qk = (gs[mask] / nz[mask]) / total
        logs = np.array([math.log(v) for v in pk / qk])
        kl = float(np.add.accumulate(pk * logs)[-1])
        if kl < best_kl:
            best_kl, best_i = kl, i
    return best_i, best_kl


def entropy_reference(batches, qmin, qmax, symmetric, bins=BINS):
    """(threshold, kl) of the single-histogram search and the chosen range."""
    r, nonneg, neg, total = magnitude_histogram(batches, bins)
    mn, mx = batches_min_max(batches)
    levels = qmax - qmin + 1
    w = r / bins
    # Exact zeros are represented exactly by any range: left out of the
    # search (they are in bin 0 of the non-negative histogram).
    zeros = float(sum(int(np.count_nonzero(b == 0)) for b in batches))
    if r == 0.0:
        threshold, best_kl = 0.0, 0.0
    else:
        nonneg = nonneg.copy()
        nonneg[0] -= zeros
        m = levels // 2 if (symmetric or mn < 0) else levels
        best_i, best_kl = kl_search(nonneg + neg, m)
        threshold = best_i * w
    if not symmetric and mn < 0 < mx:
        # Affine, both signs: each side on its own histogram with its share
        # of the levels.
        # math.floor(v + 0.5): C++'s llround (half away from zero).
        up = int(np.clip(math.floor(levels * float(mx) /
                                    (float(mx) - float(mn)) + 0.5),
                         1, levels - 1))
        t_pos = np.float32(kl_search(nonneg, up)[0] * w)
        t_neg = np.float32(kl_search(neg, levels - up)[0] * w)
        lower = min(max(-t_neg, mn), np.float32(0))
        upper = min(max(t_pos, np.float32(0)), mx)
        return threshold, best_kl, np.float32(lower), np.float32(upper)
    t32 = np.float32(threshold)
    lower = min(max(mn, -t32), t32)
    upper = min(max(mx, -t32), t32)
    return threshold, best_kl, np.float32(lower), np.float32(upper)


# ----------------------------------------------------------------------------
# Case generation
# ----------------------------------------------------------------------------

def run_torch(obs, batches):
    for b in batches:
        obs(torch.from_numpy(b.copy()))
    return obs.calculate_qparams()


def expect_lines(scale, zp, mins, maxs):
    scale = np.atleast_1d(np.asarray(scale, np.float32))
    zp = np.atleast_1d(np.asarray(zp, np.int64))
    mins = np.atleast_1d(np.asarray(mins, np.float32))
    maxs = np.atleast_1d(np.asarray(maxs, np.float32))
    return ["expect scale " + " ".join(f32bits(v) for v in scale),
            "expect zero_point " + " ".join(str(int(v)) for v in zp),
            "expect min " + " ".join(f32bits(v) for v in mins),
            "expect max " + " ".join(f32bits(v) for v in maxs)]


def main():
    os.makedirs(os.path.join(DATA, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(DATA, "hist"), exist_ok=True)
    datasets = make_datasets()
    out = ["# qc observer golden fixtures. Generated by gen_observer_golden.py "
           "with PyTorch %s, numpy %s; do not edit." % (torch.__version__,
                                                       np.__version__),
           "# Floats are IEEE bit patterns in hex."]
    for name, batches in datasets.items():
        out.append("dataset %s" % name)
        for i, b in enumerate(batches):
            fname = "inputs/%s_%d.npy" % (name, i)
            np.save(os.path.join(DATA, fname), b, allow_pickle=False)
            out.append("batch %s" % fname)
        out.append("end")

    # ATen kernels reproduced in TorchNumerics.cpp, checked directly.
    krng = np.random.RandomState(7)
    for n in (1, 5, 8, 13, 64, 100, 1000, 2048, 2051, 4099):
        v = (krng.randn(n) * 10.0 ** krng.uniform(-3, 3, n)).astype(np.float32)
        fname = "inputs/sum_%d.npy" % n
        np.save(os.path.join(DATA, fname), v, allow_pickle=False)
        out.append("kernel sum %s %s" % (fname, f32bits(torch.from_numpy(v).sum())))
    a = (krng.randn(64) * 10.0 ** krng.uniform(-2, 3, 64)).astype(np.float32)
    b = (krng.randn(64) * 10.0 ** krng.uniform(-2, 2, 64)).astype(np.float32)
    a[:8] = [0.0, -0.0, 7.0, -7.0, 7.0, -7.0, 6.0, 0.3]
    b[:8] = [1.5, 1.5, 2.0, 2.0, -2.0, -2.0, 3.0, 1.0]
    a[8:16] = b[8:16] * np.array([3, -3, 5, 0.5, -0.5, 1e3, -1e3, 2], np.float32)
    q = torch.div(torch.from_numpy(a), torch.from_numpy(b), rounding_mode="floor")
    for ai, bi, qi in zip(a, b, q.numpy()):
        scalar = torch.div(torch.tensor(ai), float(bi), rounding_mode="floor")
        assert f32bits(scalar) == f32bits(qi)
        out.append("kernel floordiv %s %s %s" % (f32bits(ai), f32bits(bi),
                                                 f32bits(qi)))

    ncases = 0

    def emit(case_id, kind, cfg, dataset, expects):
        nonlocal ncases
        ncases += 1
        out.append("case %s" % case_id)
        out.append("observer %s" % kind)
        out.extend(cfg)
        out.append("input %s" % dataset)
        out.extend(expects)
        out.append("end")

    # Per-tensor PyTorch observers.
    hist_written = set()
    for ds in PER_TENSOR_DATASETS:
        batches = datasets[ds]
        for (dtype, qs, rr, custom) in PER_TENSOR_CONFIGS + MINMAX_EXTRA_CONFIGS:
            extra = (dtype, qs, rr, custom) in MINMAX_EXTRA_CONFIGS
            kw = kwargs_for(dtype, qs, rr, custom)
            tag = config_tag(dtype, qs, rr, custom)
            cfg = config_lines(dtype, qs, rr, custom)
            o = tobs.MinMaxObserver(**kw)
            s, z = run_torch(o, batches)
            emit("minmax_%s_%s" % (ds, tag), "minmax", cfg, ds,
                 expect_lines(s, z, o.min_val, o.max_val))
            if extra:
                continue
            o = tobs.MovingAverageMinMaxObserver(averaging_constant=0.01, **kw)
            s, z = run_torch(o, batches)
            emit("ma_%s_%s" % (ds, tag), "moving_average_minmax",
                 cfg + ["averaging_constant 0.01"], ds,
                 expect_lines(s, z, o.min_val, o.max_val))
            o = tobs.HistogramObserver(bins=BINS, upsample_rate=UPSAMPLE, **kw)
            s, z = run_torch(o, batches)
            new_min, new_max = o._non_linear_param_search()
            lines = expect_lines(s, z, new_min, new_max)
            lines.append("expect hist_min %s" % f32bits(o.min_val))
            lines.append("expect hist_max %s" % f32bits(o.max_val))
            hfile = "hist/%s.npy" % ds
            h = o.histogram.numpy().astype(np.float32)
            if ds not in hist_written:
                np.save(os.path.join(DATA, hfile), h, allow_pickle=False)
                hist_written.add(ds)
            else:
                assert np.array_equal(np.load(os.path.join(DATA, hfile)), h)
            lines.append("expect histogram %s" % hfile)
            emit("hist_%s_%s" % (ds, tag), "histogram", cfg, ds, lines)

    # A moving-average constant other than the default.
    o = tobs.MovingAverageMinMaxObserver(averaging_constant=0.25,
                                         dtype=torch.quint8)
    s, z = run_torch(o, datasets["growing"])
    emit("ma_growing_c025", "moving_average_minmax",
         config_lines("quint8", "per_tensor_affine", False) +
         ["averaging_constant 0.25"], "growing",
         expect_lines(s, z, o.min_val, o.max_val))

    # Per-channel PyTorch observers.
    for ds, cfgs in PER_CHANNEL_CONFIGS.items():
        batches = datasets[ds]
        for (dtype, qs, rr, axis) in cfgs:
            kw = kwargs_for(dtype, qs, rr, None)
            tag = config_tag(dtype, qs, rr, None, axis)
            cfg = config_lines(dtype, qs, rr, None, axis)
            o = tobs.PerChannelMinMaxObserver(ch_axis=axis, **kw)
            s, z = run_torch(o, batches)
            emit("pc_%s_%s" % (ds, tag), "per_channel_minmax", cfg, ds,
                 expect_lines(s, z, o.min_val, o.max_val))
            o = tobs.MovingAveragePerChannelMinMaxObserver(
                averaging_constant=0.01, ch_axis=axis, **kw)
            s, z = run_torch(o, batches)
            emit("mapc_%s_%s" % (ds, tag), "moving_average_per_channel_minmax",
                 cfg + ["averaging_constant 0.01"], ds,
                 expect_lines(s, z, o.min_val, o.max_val))

    # Percentile and entropy: numpy references + PyTorch _calculate_qparams.
    ref_configs = [("quint8", "per_tensor_affine", False),
                   ("qint8", "per_tensor_symmetric", False),
                   ("qint8", "per_tensor_affine", True)]
    for ds in ["normal", "skewed", "relu", "allzero", "outlier", "growing",
               "negative", "smallrange", "stream"]:
        batches = datasets[ds]
        for (dtype, qs, rr) in ref_configs:
            kw = kwargs_for(dtype, qs, rr, None)
            tag = config_tag(dtype, qs, rr)
            cfg = config_lines(dtype, qs, rr)
            calc = tobs.MinMaxObserver(**kw)
            for p in (99.99, 99.9):
                lo, hi = percentile_reference(batches, p)
                s, z = calc._calculate_qparams(torch.tensor(lo), torch.tensor(hi))
                emit("pct%s_%s_%s" % (str(p).replace(".", "p"), ds, tag),
                     "percentile", cfg + ["percentile %r" % p], ds,
                     expect_lines(s, z, lo, hi))
            t, kl, lo, hi = entropy_reference(batches, calc.quant_min,
                                              calc.quant_max,
                                              qs.endswith("symmetric"))
            s, z = calc._calculate_qparams(torch.tensor(lo), torch.tensor(hi))
            lines = expect_lines(s, z, lo, hi)
            lines.append("expect threshold %s" % f64bits(t))
            lines.append("expect kl %s" % f64bits(kl))
            emit("entropy_%s_%s" % (ds, tag), "entropy", cfg, ds, lines)

    with open(os.path.join(DATA, "observer_golden.txt"), "w") as fh:
        fh.write("\n".join(out) + "\n")
    total = 0
    for root, _, files in os.walk(DATA):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print("wrote %d cases, %d datasets, %.1f KiB under %s" %
          (ncases, len(datasets), total / 1024.0, DATA))
    if total > 1024 * 1024:
        print("fixtures exceed 1 MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
