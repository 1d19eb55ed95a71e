#!/usr/bin/python3
"""The expected values of gptq.mlir, worked out independently of qc in numpy (float64 linear algebra,
float32 qparams and rounding as DESIGN.md / PyTorch's _calculate_qparams), for Inputs/gptq.mlir.

    gptq_reference.py --write-data X.npy   # the calibration inputs the lit test feeds qc-opt
    gptq_reference.py                      # prints the expected integers and scales (the CHECK lines)
"""
import sys

import numpy as np

W = np.array([[0.5, -0.375, 0.25, 0.875], [-1.0, 0.625, 0.125, -0.25], [0.75, 0.5, -0.625, 0.375]])
B = np.array([0.125, -0.25, 0.0])
W2 = np.array([[0.5, -1.0], [0.25, 0.75], [-0.875, 0.125]])


def data():
    # Correlated features: feature 1 follows feature 0, feature 3 is mostly the opposite of feature 2.
    rng = np.random.default_rng(14)
    a = rng.integers(-8, 9, size=(8, 4)).astype(np.float64)
    a[:, 1] = a[:, 0] + rng.integers(-2, 3, size=8)
    a[:, 3] = -a[:, 2] + rng.integers(-1, 2, size=8)
    return (a / 8).astype(np.float32)


def qparams(v):
    """Symmetric int4 [-8, 7]: scale = max(|min|, max) / 7.5 in float32, at least eps."""
    v = np.asarray(v, np.float32)
    amax = max(-min(np.float32(v.min()), np.float32(0)), max(np.float32(v.max()), np.float32(0)))
    return max(np.float32(amax) / np.float32(7.5), np.finfo(np.float32).eps)


def quant(v, s):
    return int(np.clip(np.rint(np.float32(v) * (np.float32(1) / s)), -8, 7))


def gptq(w, h, group, act_order, damp=0.01):
    """w [rows, K] float64, h [K, K]; returns ints [rows, K] and scales [rows, groups]."""
    rows, k = w.shape
    h = h.copy()
    for j in range(k):
        if h[j, j] == 0:
            h[j, :] = h[:, j] = 0
            h[j, j] = 1
    perm = np.argsort(-np.diag(h), kind="stable") if act_order else np.arange(k)
    groups = (k + group - 1) // group
    scales = np.zeros((rows, groups), np.float32)
    if act_order:
        for r in range(rows):
            for g in range(groups):
                scales[r, g] = qparams(w[r, g * group:(g + 1) * group])
    damp_v = damp * np.mean(np.diag(h))
    wp = w[:, perm].copy()
    hp = h[np.ix_(perm, perm)] + damp_v * np.eye(k)
    u = np.linalg.cholesky(np.linalg.inv(hp)).T
    q = np.zeros((rows, k), np.int64)
    for i in range(k):
        j = perm[i]
        g = j // group
        if not act_order and j % group == 0:
            for r in range(rows):
                scales[r, g] = qparams(wp[r, j:j + group])
        for r in range(rows):
            s = scales[r, g]
            q[r, j] = quant(wp[r, i], s)
            dq = np.float32(q[r, j]) * s
            e = (wp[r, i] - np.float64(dq)) / u[i, i]
            wp[r, i + 1:] -= e * u[i, i + 1:]
    return q, scales


def rtn(w, group):
    rows, k = w.shape
    q = np.zeros((rows, k), np.int64)
    for r in range(rows):
        for g in range(0, k, group):
            s = qparams(w[r, g:g + group])
            for i in range(g, min(k, g + group)):
                q[r, i] = quant(w[r, i], s)
    return q


def hessian(x):
    x = x.astype(np.float64)
    return x.T @ x / x.shape[0]


def main():
    x = data()
    if len(sys.argv) == 3 and sys.argv[1] == "--write-data":
        np.save(sys.argv[2], x)
        return
    y = (x.astype(np.float64) @ W.T + B).astype(np.float32)  # exact: multiples of 1/64
    for name, act in (("in order", False), ("act order", True)):
        q1, s1 = gptq(W, hessian(x), 2, act)
        # The matmul's weight [K, N]: its output channels are the columns.
        q2, s2 = gptq(W2.T, hessian(y), 2, act)
        print(f"{name}: linear {q1.tolist()} scales {s1.reshape(-1).tolist()}")
        print(f"{name}: matmul [K, N] {q2.T.tolist()} scales [groups, N] {s2.T.reshape(-1).tolist()}")
    q1, s1 = gptq(W, hessian(x), 4, True)
    print(f"act order, one group per row: linear {q1.tolist()} scales {s1.reshape(-1).tolist()}")
    print(f"rtn: linear {rtn(W, 2).tolist()} matmul [K, N] {rtn(W2.T, 2).T.tolist()}")
    print(f"act order permutation of the linear: {np.argsort(-np.diag(hessian(x)), kind='stable').tolist()}")


if __name__ == "__main__":
    main()
