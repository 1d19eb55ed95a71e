"""Checks qc run's outputs of Inputs/math_reduce.onnx (math-reduce.test) against numpy."""
import sys

import numpy as np

x = np.load(sys.argv[1])
out = sys.argv[2]
rmax = np.max(-np.exp(x), axis=2, keepdims=True)
rsum = np.sum(x, axis=1)
rlse = np.log(np.sum(np.exp(x.astype(np.float64))))
# select_last_index: the last index of the maximum along axis 1.
am = 2 - np.argmax(x[:, ::-1, :], axis=1)
np.testing.assert_allclose(np.load(out + "/rmax.npy"), rmax, rtol=1e-6)
np.testing.assert_allclose(np.load(out + "/rsum.npy"), rsum, rtol=1e-6, atol=1e-6)
np.testing.assert_allclose(np.load(out + "/rlse.npy"), rlse, rtol=1e-6)
got = np.load(out + "/am.npy")
assert got.dtype == np.int64, got.dtype
assert (got == am).all(), (got, am)
