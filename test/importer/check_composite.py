"""Writes the inputs of Inputs/composite.onnx (composite.test) and checks qc run's outputs against numpy.

    check_composite.py write DIR
    check_composite.py check DIR OUT
"""
import sys

import numpy as np


def inputs():
    r = np.random.RandomState(3)
    h = r.randn(2, 3).astype(np.float32)
    h[1, 2] = np.nan
    h[0, 0] = h[0, 2] = 4.0  # a tie: Hardmax takes the first maximum
    return {"x": r.randn(1, 4, 2, 3).astype(np.float32), "h": h,
            "idx": np.array([0, -1, 3], dtype=np.int64)}


def expected(v):
    x, h, idx = v["x"], v["h"], v["idx"]
    n, c, hh, w = x.shape
    # DepthToSpace, CRD mode, blocksize 2.
    d2s = x.reshape(n, c // 4, 2, 2, hh, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // 4, hh * 2, w * 2)
    hm = np.zeros_like(h)
    hm[np.arange(2), np.argmax(h, axis=1)] = 1  # numpy's argmax: NaN counts as the maximum
    oh = np.full((4, 3), -1.0, np.float32)
    for j, i in enumerate(idx):
        oh[i % 4, j] = 5.0
    mean = x.astype(np.float64).mean(axis=(2, 3), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    s = np.array([1.0, 2.0, 0.5, -1.0]).reshape(4, 1, 1)
    b = np.array([0.0, 1.0, -1.0, 0.25]).reshape(4, 1, 1)
    inorm = ((x - mean) / np.sqrt(var + 1e-3) * s + b).astype(np.float32)
    return {"d2s": d2s, "tiled": np.tile(h, (2, 3)), "hm": hm, "nan": np.isnan(h), "oh": oh,
            "gmp": x.max(axis=(2, 3), keepdims=True), "inorm": inorm}


def main():
    if sys.argv[1] == "write":
        for k, a in inputs().items():
            np.save("%s/%s.npy" % (sys.argv[2], k), a)
        return 0
    out = sys.argv[3]
    for k, want in expected(inputs()).items():
        got = np.load("%s/%s.npy" % (out, k))
        assert got.dtype == want.dtype, (k, got.dtype, want.dtype)
        assert got.shape == want.shape, (k, got.shape, want.shape)
        if k == "inorm":
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        else:
            assert ((got == want) | (np.isnan(got) & np.isnan(want))).all(), (k, got, want)
    print("composite outputs match numpy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
