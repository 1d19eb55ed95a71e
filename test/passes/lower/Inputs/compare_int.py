#!/usr/bin/python3
"""Compares integer outputs of two `qc run` output directories, LSB by LSB.

    compare_int.py DIR_A DIR_B NAME...

For each NAME (NAME.npy in both directories, same integer dtype and shape) prints
`NAME: values N distinct D differ-1lsb K differ-more M`; D (distinct values in DIR_A) shows the data is not
degenerate. Exit 1 when a file is missing or the dtypes / shapes differ, 0 otherwise (FileCheck checks counts).
"""

import sys

import numpy as np


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 1
    a_dir, b_dir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    for name in names:
        a = np.load(f"{a_dir}/{name}.npy")
        b = np.load(f"{b_dir}/{name}.npy")
        if a.dtype != b.dtype or a.shape != b.shape or a.dtype.kind not in "iu":
            print(f"{name}: mismatch {a.dtype}{a.shape} vs {b.dtype}{b.shape}", file=sys.stderr)
            return 1
        d = np.abs(a.astype(np.int64) - b.astype(np.int64))
        print(f"{name}: values {a.size} distinct {len(np.unique(a))} differ-1lsb {int((d == 1).sum())} "
              f"differ-more {int((d > 1).sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
