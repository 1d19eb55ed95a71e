"""Checks qc run's outputs of Inputs/activations_variadic.onnx (activations-variadic.test) against numpy."""
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
out = sys.argv[2]
lr = np.where(x < 0, 0.1 * x, x)
alpha, gamma = 1.67326319217681884765625, 1.05070102214813232421875
se = np.where(lr > 0, gamma * lr, gamma * (alpha * np.exp(lr) - alpha))
slope = np.array([0.5, 0.25, 2.0, -1.0])
pr = np.where(se < 0, slope * se, se)
flat = pr.reshape(2, 12)
ls = (flat - flat.max(axis=1, keepdims=True))
ls = (ls - np.log(np.exp(ls).sum(axis=1, keepdims=True))).reshape(2, 3, 4)
mx = np.maximum(np.maximum(x, lr), se)  # NaN propagates
y = (x + lr) / 2 * 24
for name, want in [("ls", ls), ("mx", mx), ("y", y)]:
    got = np.load("%s/%s.npy" % (out, name))
    assert got.dtype == np.float32, (name, got.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True, err_msg=name)
# The NaN of x reaches LogSoftmax's whole row, Max and Mean at its position.
assert np.isnan(np.load(out + "/ls.npy")[1]).all()
assert np.isnan(np.load(out + "/mx.npy")[1, 2, 3]) and np.isnan(np.load(out + "/y.npy")[1, 2, 3])
