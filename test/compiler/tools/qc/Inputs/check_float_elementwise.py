"""Checks the output of compile-float-elementwise.mlir (argv[2]) against
numpy on its input (argv[1]); prints "ok" or fails with the first wrong op."""
import sys

import numpy as np

x = np.load(sys.argv[1])[0]
y = np.load(sys.argv[2])[0]
n = x.size
parts = {}
at = 0
for name, size in [("abs", n), ("neg", n), ("exp", n), ("log", n), ("rcp", n),
                   ("floor", n), ("ceil", n), ("round", n), ("leaky", n),
                   ("max", n - 1), ("min", n - 1), ("bmax", n), ("bmin", n),
                   ("cmax", n), ("cmin", n), ("prelu", 4096)]:
    parts[name] = y[at:at + size]
    at += size
assert at == y.size, (at, y.size)


def same(name, got, want, zero_sign=True):
    want = np.asarray(want, np.float32)
    ok = (got == want) | (np.isnan(got) & np.isnan(want))
    # -0 and +0 are told apart (not for max / min of +0 and -0, where numpy
    # picks the second operand and qc, as std::max, the first).
    if zero_sign:
        ok &= (np.signbit(got) == np.signbit(want)) | np.isnan(want)
    assert ok.all(), (name, np.nonzero(~ok)[0][:5])


with np.errstate(all="ignore"):
    same("abs", parts["abs"], np.abs(x))
    same("neg", parts["neg"], -x)
    same("rcp", parts["rcp"], np.float32(1) / x)
    same("floor", parts["floor"], np.floor(x))
    same("ceil", parts["ceil"], np.ceil(x))
    same("round", parts["round"], np.round(x))
    same("leaky", parts["leaky"], np.where(x < 0, np.float32(0.1) * x, x))
    a, b = x[:-1], x[1:]
    same("max", parts["max"], np.maximum(a, b), zero_sign=False)
    same("min", parts["min"], np.minimum(a, b), zero_sign=False)
    one = x[3039]
    same("bmax", parts["bmax"], np.maximum(x, one), zero_sign=False)
    same("bmin", parts["bmin"], np.minimum(one, x), zero_sign=False)
    same("cmax", parts["cmax"], np.maximum(x, np.float32(0)), zero_sign=False)
    same("cmin", parts["cmin"], np.minimum(np.float32(0), x), zero_sign=False)
    slope = np.array([0.25, -0.5, 1.5, 0.0, -0.0, 0.125, 2.0, -3.0, 0.01, 0.2,
                      0.3, 0.4, 0.6, 0.7, 0.8, 0.9], np.float32)
    s = x[3:].reshape(16, 256)
    same("prelu", parts["prelu"],
         np.where(s < 0, slope[:, None] * s, s).reshape(-1))
    # exp and log: within 1 ulp of the float64 functions where finite, the
    # limits elsewhere.
    for name, fn in [("exp", np.exp), ("log", np.log)]:
        got = parts[name]
        want = fn(x.astype(np.float64))
        w32 = want.astype(np.float32)
        finite = np.isfinite(w32) & np.isfinite(got)
        ulp = np.spacing(np.abs(w32[finite]))
        assert (np.abs(got[finite].astype(np.float64) - want[finite]) <= ulp).all(), name
        same(name + " limits", got[~finite], w32[~finite])
print("ok")
