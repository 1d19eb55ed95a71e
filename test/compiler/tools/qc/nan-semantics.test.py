"""Checks the outputs of Inputs/nan-float.mlir (nan-semantics.test) against
where the input holds NaN: X.npy, then the output directory."""
import os
import sys

import numpy as np

x = np.load(sys.argv[1])
out = {n: np.load(os.path.join(sys.argv[2], n + ".npy")) for n in ("act", "pool", "sm", "mean")}
nan = np.isnan(x)

act = out["act"]
for i in range(6):
    part = act[:, 2 * i:2 * i + 2]
    assert (np.isnan(part) == nan).all(), f"activation {i}: NaN where x is not, or a NaN lost"
print("act: NaN exactly where x is NaN")
neg_zero = (x == 0) & np.signbit(x)
assert neg_zero.any() and np.signbit(act[:, 0:2][neg_zero]).all()
print("relu(-0) = -0")

win = nan.reshape(1, 2, 2, 2, 2, 2).any(axis=(3, 5))
assert (np.isnan(out["pool"]) == win).all(), out["pool"]
print("pool: NaN exactly in the windows holding a NaN")

rows = np.broadcast_to(nan.any(axis=-1, keepdims=True), x.shape)
assert (np.isnan(out["sm"]) == rows).all(), out["sm"]
print("sm: NaN exactly in the rows holding a NaN")

assert (np.isnan(out["mean"]).ravel() == nan.any(axis=(2, 3)).ravel()).all()
print("mean: NaN exactly in the channel holding a NaN")
