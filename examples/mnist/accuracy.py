#!/usr/bin/python3
"""Prints top-1 accuracy of LOGITS.npy ([N, C] scores, any numeric dtype) against LABELS.npy ([N] integers).

    /usr/bin/python3 examples/mnist/accuracy.py LOGITS.npy LABELS.npy [--min ACC] [--reference REF_LOGITS.npy]

Prints `top-1 accuracy: 0.9760 (976/1000)`. With --min, exits 1 when the accuracy is below ACC. With
--reference (e.g. PyTorch's or ONNX Runtime's logits for the same images) it also prints how many predictions
differ from the reference's argmax. Ties in a row go to the lowest class index (numpy argmax).
Exit status: 0 ok, 1 below --min, 2 bad input.
"""

import argparse
import sys

import numpy as np


def die(msg):
    print(f"accuracy.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def load(path, what):
    try:
        with open(path, "rb") as fh:
            if fh.read(6) != b"\x93NUMPY":
                die(f"{what} '{path}': not a .npy file (bad magic)")
        a = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        die(f"{what} '{path}': no such file")
    except (OSError, ValueError, EOFError) as e:
        die(f"{what} '{path}': cannot read .npy ({e})")
    return a


def load_logits(path, what):
    a = load(path, what)
    if a.dtype.kind not in "iuf":
        die(f"{what} '{path}': dtype {a.dtype} is not numeric")
    if a.ndim != 2 or a.shape[1] < 2:
        die(f"{what} '{path}': expected shape [N, C] with C >= 2, got {list(a.shape)}")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        die(f"{what} '{path}': contains NaN or infinity ({int(np.count_nonzero(~np.isfinite(a)))} values)")
    return a


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("logits", metavar="LOGITS.npy")
    p.add_argument("labels", metavar="LABELS.npy")
    p.add_argument("--min", type=float, help="exit 1 if the accuracy is below this (0..1)")
    p.add_argument("--reference", metavar="REF_LOGITS.npy", help="also count argmax disagreements with these")
    args = p.parse_args(argv)

    logits = load_logits(args.logits, "logits")
    labels = load(args.labels, "labels")
    if labels.dtype.kind not in "iu":
        die(f"labels '{args.labels}': dtype {labels.dtype} is not an integer type")
    if labels.ndim != 1:
        die(f"labels '{args.labels}': expected shape [N], got {list(labels.shape)}")
    n, c = logits.shape
    if labels.shape[0] != n:
        die(f"logits '{args.logits}' has {n} rows but labels '{args.labels}' has {labels.shape[0]}")
    if n == 0:
        die("no samples")
    if labels.min() < 0 or labels.max() >= c:
        die(f"labels '{args.labels}' range {labels.min()}..{labels.max()} is outside 0..{c - 1}")

    pred = logits.argmax(axis=1)
    correct = int(np.count_nonzero(pred == labels))
    acc = correct / n
    print(f"top-1 accuracy: {acc:.4f} ({correct}/{n})")
    if args.reference:
        ref = load_logits(args.reference, "reference logits")
        if ref.shape != logits.shape:
            die(f"reference '{args.reference}' shape {list(ref.shape)} != logits shape {list(logits.shape)}")
        ref_pred = ref.argmax(axis=1)
        differ = int(np.count_nonzero(ref_pred != pred))
        ref_correct = int(np.count_nonzero(ref_pred == labels))
        print(f"reference top-1 accuracy: {ref_correct / n:.4f} ({ref_correct}/{n}); "
              f"predictions differing from the reference: {differ}/{n}")
    if args.min is not None and acc < args.min:
        print(f"FAIL: accuracy {acc:.4f} is below --min {args.min:.4f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
