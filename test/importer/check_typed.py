"""Writes the inputs of Inputs/typed.onnx (typed.test) and checks qc run's outputs against numpy.

    check_typed.py write DIR      # DIR/{x,idx,a,b,m,d,t}.npy
    check_typed.py check DIR OUT  # OUT/*.npy against numpy
"""
import sys

import numpy as np


def inputs():
    r = np.random.RandomState(0)
    return {
        "x": r.randn(5, 4).astype(np.float32),
        "idx": np.array([[0, -1, 2], [4, 4, -5]], dtype=np.int64),
        "a": np.array([7, -7, 100, 2147483647], dtype=np.int32),
        "b": np.array([2, 2, -3, 9], dtype=np.int32),
        "m": np.array([True, True, False, True]),
        "d": np.array([0.1, -2.5, 1e200, 3.0], dtype=np.float64),
        "t": np.array([3, 1, 0, 2, 1], dtype=np.int64),
    }


def expected(v):
    x, idx, a, b, m, d, t = (v[k] for k in ("x", "idx", "a", "b", "m", "d", "t"))
    both = (a < b) & m
    keep = t != 1  # ignore_index = 1
    picked = -x[np.arange(5), t]
    loss = np.float32(picked[keep].sum() / keep.sum())
    with np.errstate(over="ignore"):
        return {
            "g": x[idx],
            "both": both,
            "w": np.where(both, a, b),
            # ONNX Div on integers truncates toward zero; Mod (fmod = 0) takes the divisor's sign.
            "dv": (np.trunc(a.astype(np.float64) / b)).astype(np.int32),
            "md": np.mod(a, b),
            "ov": (a.astype(np.int64) + 2147483647).astype(np.int32),  # wraps
            "df": d.astype(np.float32),
            "dd": d * d,
            "tri": np.tril(idx),
            "loss": loss,
        }


def main():
    if sys.argv[1] == "write":
        for k, a in inputs().items():
            np.save("%s/%s.npy" % (sys.argv[2], k), a)
        return 0
    out = sys.argv[3]
    for k, want in expected(inputs()).items():
        got = np.load("%s/%s.npy" % (out, k))
        want = np.asarray(want)
        assert got.dtype == want.dtype, (k, got.dtype, want.dtype)
        assert got.shape == want.shape, (k, got.shape, want.shape)
        if want.dtype.kind == "f" and k == "loss":
            np.testing.assert_allclose(got, want, rtol=1e-6)
        else:
            assert (got == want).all(), (k, got, want)
    print("typed outputs match numpy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
