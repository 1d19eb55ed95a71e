#!/usr/bin/python3
"""Compares the quantized outputs of the integer program (qc-lower-to-integer) with the Q/DQ program's.

    compare_lsb.py QDQ.mlir QDQ_LOGITS.npy INT_LOGITS.npy LABELS.npy [--max-lsb 1]

Both programs end in `qc.dequantize` with the same per-tensor scale (read from the last dequantize of QDQ.mlir), so
|a - b| / scale is the difference in LSB of the quantized outputs. Prints the number of output values, how many
differ by 1 LSB and by more, and both top-1 accuracies. Exits 1 when a value differs by more than --max-lsb or the
accuracies differ, 2 on bad input.
"""

import argparse
import re
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qdq_mlir")
    p.add_argument("qdq_logits")
    p.add_argument("int_logits")
    p.add_argument("labels")
    p.add_argument("--max-lsb", type=int, default=1)
    a = p.parse_args()
    text = open(a.qdq_mlir).read()
    scales = re.findall(r"qc\.dequantize %\w+ \{scale = array<f32: ([-+0-9.eE]+)>", text)
    if not scales:
        print("compare_lsb.py: error: no per-tensor qc.dequantize in " + a.qdq_mlir, file=sys.stderr)
        return 2
    scale = float(scales[-1])
    x, y = np.load(a.qdq_logits), np.load(a.int_logits)
    labels = np.load(a.labels)
    if x.shape != y.shape or x.ndim != 2 or labels.shape != (x.shape[0],):
        print(f"compare_lsb.py: error: shapes {x.shape}, {y.shape}, labels {labels.shape}", file=sys.stderr)
        return 2
    diff = np.abs(x.astype(np.float64) - y.astype(np.float64)) / scale
    lsb = np.rint(diff).astype(np.int64)
    if np.any(np.abs(diff - lsb) > 1e-3):
        print("compare_lsb.py: error: differences are not whole LSBs of scale %g" % scale, file=sys.stderr)
        return 2
    acc_q = float((x.argmax(1) == labels).mean())
    acc_i = float((y.argmax(1) == labels).mean())
    print(f"values {lsb.size} differ-1lsb {int((lsb == 1).sum())} differ-more {int((lsb > 1).sum())} "
          f"max-lsb {int(lsb.max())} argmax-changed {int((x.argmax(1) != y.argmax(1)).sum())} "
          f"top1-qdq {acc_q:.4f} top1-int {acc_i:.4f}")
    if lsb.max() > a.max_lsb or acc_q != acc_i:
        print(f"compare_lsb.py: FAIL: max {int(lsb.max())} LSB (allowed {a.max_lsb}), top-1 {acc_q} vs {acc_i}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
