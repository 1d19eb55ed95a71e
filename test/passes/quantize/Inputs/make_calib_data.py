#!/usr/bin/python3
"""Writes the calibration data of the qc-calibrate lit tests into DIR.

    make_calib_data.py DIR

Values are chosen so that min/max qparams can be checked by hand.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

# Three samples of a [1, 4] input; over all of them min = -1, max = 3.
x = np.array([[[0.0, 1.0, 2.0, -1.0]],
              [[0.5, 3.0, 0.0, 0.0]],
              [[-0.5, 0.25, 1.0, 2.0]]], dtype=np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "x2d.npy"), x[:, 0, :])  # [3, 4]: rows are batch rows
np.save(os.path.join(out, "x_f64.npy"), x.astype(np.float64))
np.save(os.path.join(out, "x_rank2.npy"), x[:, 0, :2])
np.save(os.path.join(out, "x_empty.npy"), np.zeros((0, 1, 4), np.float32))
nan = x.copy()
nan[1, 0, 1] = np.nan
nan[2, 0, 3] = np.inf
np.save(os.path.join(out, "x_nan.npy"), nan)

# The same samples as a directory, sorted by name: samples without the
# batch dimension ([4]) and one with it ([1, 4]); other files are ignored.
os.makedirs(os.path.join(out, "dir"), exist_ok=True)
np.save(os.path.join(out, "dir", "s0.npy"), x[0, 0])
np.save(os.path.join(out, "dir", "s1.npy"), x[1])
np.save(os.path.join(out, "dir", "s2.npy"), x[2, 0])
with open(os.path.join(out, "dir", "README.txt"), "w") as f:
    f.write("not a sample\n")
# A batch of two for a model whose batch dimension is 1.
os.makedirs(os.path.join(out, "dir_batch2"), exist_ok=True)
np.save(os.path.join(out, "dir_batch2", "b.npy"), x[1:, 0])
os.makedirs(os.path.join(out, "empty_dir"), exist_ok=True)

# Two inputs a [1, 2] and b [1, 2]: a in [-2, 2], b in [0, 1].
np.savez(os.path.join(out, "two.npz"),
         a=np.array([[[-2.0, 1.0]], [[2.0, 0.0]]], np.float32),
         b=np.array([[[0.0, 1.0]], [[0.5, 0.25]]], np.float32))
np.savez(os.path.join(out, "two_missing.npz"),
         a=np.array([[[-2.0, 1.0]]], np.float32))
