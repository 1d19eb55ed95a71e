"""check_reduce.py X.npy S.npy OUTDIR: the outputs of compile-reduce.mlir
against numpy (reductions in float64, so equal to float rounding; ArgMax /
ArgMin exactly, NaN the extreme as numpy's)."""
import os
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
s = np.load(sys.argv[2])
out = lambda n: np.load(os.path.join(sys.argv[3], n + ".npy"))
sq = (x.astype(np.float32) * x.astype(np.float32)).astype(np.float64)
expect = {
    "max_c": x.max(axis=1, keepdims=True),
    "min_w": x.min(axis=-1),
    "sum_hw": x.sum(axis=(2, 3)),
    "sum_all": x.sum(),
    "prod_w": x.prod(axis=3, keepdims=True),
    "ss_cw": (x * x).sum(axis=(1, 3)),
    "l1_n": np.abs(x).sum(axis=0),
    "l2_c": np.sqrt((x * x).sum(axis=1, keepdims=True)),
    "logsum_h": np.log(sq.sum(axis=2)),
    "lse_w": np.log(np.exp(x).sum(axis=3)),
    "mean_c": x.mean(axis=1),
}
for n, e in expect.items():
    got = out(n)
    assert got.dtype == np.float32 and got.shape == np.shape(e), (n, got.shape, np.shape(e))
    assert np.allclose(got, e, rtol=1e-5, atol=1e-6), n
xf = x.astype(np.float32)
def last(a, axis, fn):
    # The last extreme index: the first of the reversed axis.
    r = np.flip(a, axis)
    return a.shape[axis] - 1 - fn(r, axis=axis)
exact = {
    "argmax_c": np.argmax(xf, axis=1)[:, None],
    "argmin_w_last": last(xf, 3, np.argmin),
    "argmax_n": np.argmax(xf, axis=0),
    "smax": np.max(s, axis=1),
    "smin": np.min(s, axis=1),
    "sargmax": np.argmax(s, axis=1),
    "sargmin": np.argmin(s, axis=0)[None, :],
}
for n, e in exact.items():
    got = out(n)
    assert got.shape == e.shape and np.array_equal(got, e, equal_nan=True), (n, got, e)
# select_last_index with NaN: the last NaN (rows 1 and 3), else the last extreme.
assert out("sargmax_last").tolist() == [5, 2, 4, 4], out("sargmax_last")
assert out("sargmin_last").tolist() == [3, 2, 5, 4], out("sargmin_last")
print("ok")
