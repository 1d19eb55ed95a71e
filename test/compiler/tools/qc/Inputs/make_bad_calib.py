#!/usr/bin/python3
"""Writes calibration data for the `qc quantize` error tests into DIR.

    make_bad_calib.py MNIST_CALIB.npy DIR

Each file is wrong in one way for the MNIST model (input [batch, 1, 28, 28]
float32); good.npy is a correct 8-sample subset.
"""
import os
import sys

import numpy as np

calib = np.load(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
good = calib[:8].copy()
np.save(os.path.join(out, "good.npy"), good)
np.save(os.path.join(out, "shape.npy"), good[:, 0, :, :14])   # [8, 28, 14]
np.save(os.path.join(out, "f64.npy"), good.astype(np.float64))
np.save(os.path.join(out, "zero.npy"), good[:0])               # [0, 1, 28, 28]
nan = good.copy()
nan[3, 0, 10, 10] = np.nan
nan[3, 0, 11, 11] = np.nan
nan[5, 0, 0, 0] = np.inf
np.save(os.path.join(out, "nan.npy"), nan)
os.makedirs(os.path.join(out, "empty_dir"), exist_ok=True)
os.makedirs(os.path.join(out, "dir"), exist_ok=True)
for i in range(3):
    np.save(os.path.join(out, "dir", "img%02d.npy" % i), good[i])  # [1, 28, 28]
