#!/usr/bin/python3
"""Compares two .npy arrays: A (the result under test) against B (the reference).

    /usr/bin/python3 test/ort/compare_npy.py A.npy B.npy --rtol X [--atol Y]

Both are compared in float64 after converting from their own dtype. It prints

    max_abs = max_i |A_i - B_i|
    ref_max = max_i |B_i|
    max_rel = max_abs / ref_max      (the error relative to the largest reference magnitude, NOT per element;
                                      when ref_max == 0, max_rel is 0 if max_abs == 0 and inf otherwise)

and the index and both values where |A - B| is largest. It passes (exit 0) when

    max_abs <= atol + rtol * ref_max                        (atol defaults to 0)

and fails with exit 1 otherwise. max_abs and ref_max are taken over the positions where both arrays are finite;
a NaN or infinity in either array must be matched by the same value (NaN by NaN, +inf by +inf) at the same position
in the other, else the comparison fails. Shape mismatch, unreadable files, non-numeric dtypes: exit 2.
"""

import argparse
import sys

import numpy as np


def die(msg):
    print(f"compare_npy.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
    except FileNotFoundError:
        die(f"'{path}': no such file")
    except OSError as e:
        die(f"'{path}': cannot read ({e.strerror})")
    if magic != b"\x93NUMPY":
        die(f"'{path}': not a .npy file (bad magic)")
    try:
        a = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        die(f"'{path}': no such file")
    except (ValueError, OSError, EOFError) as e:
        die(f"'{path}': not a readable .npy file ({e})")
    if not isinstance(a, np.ndarray):
        die(f"'{path}': expected a single .npy array, got {type(a).__name__} (an .npz archive?)")
    if a.dtype.kind not in "biuf":
        die(f"'{path}': unsupported dtype {a.dtype} (need bool, integer or float)")
    return a


def compare(a, b):
    """Returns a dict of statistics for A (under test) against B (reference); both already the same shape."""
    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    fin_a, fin_b = np.isfinite(a64), np.isfinite(b64)
    ok = fin_a & fin_b
    # Non-finite values must match exactly: NaN with NaN, +inf with +inf, -inf with -inf.
    same_nonfinite = (np.isnan(a64) & np.isnan(b64)) | (np.isinf(a64) & (a64 == b64))
    nan_mismatch = int(np.count_nonzero(~ok & ~same_nonfinite))
    diff = np.zeros_like(a64)
    diff[ok] = np.abs(a64[ok] - b64[ok])
    max_abs = float(diff.max()) if diff.size else 0.0
    ref_max = float(np.abs(b64[ok]).max()) if np.any(ok) else 0.0
    if ref_max > 0:
        max_rel = max_abs / ref_max
    else:
        max_rel = 0.0 if max_abs == 0 else float("inf")
    worst = np.unravel_index(int(diff.argmax()), diff.shape) if diff.size else ()
    return {
        "max_abs": max_abs,
        "ref_max": ref_max,
        "max_rel": max_rel,
        "nan_mismatch": nan_mismatch,
        "worst": tuple(int(i) for i in worst),
        "worst_a": float(a64[worst]) if diff.size else 0.0,
        "worst_b": float(b64[worst]) if diff.size else 0.0,
    }


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compare A.npy (under test) with B.npy (reference); see the module docstring for the metric.")
    p.add_argument("a", metavar="A.npy", help="array under test")
    p.add_argument("b", metavar="B.npy", help="reference array")
    p.add_argument("--rtol", type=float, required=True,
                   help="tolerance relative to max|B|: pass if max|A-B| <= atol + rtol * max|B|")
    p.add_argument("--atol", type=float, default=0.0, help="absolute tolerance added to rtol*max|B| (default 0)")
    args = p.parse_args(argv)
    if args.rtol < 0 or args.atol < 0:
        die("--rtol and --atol must be >= 0")

    a, b = load(args.a), load(args.b)
    if a.shape != b.shape:
        die(f"shape mismatch: '{args.a}' is {a.shape}, '{args.b}' is {b.shape}")
    s = compare(a, b)
    limit = args.atol + args.rtol * s["ref_max"]
    passed = s["nan_mismatch"] == 0 and s["max_abs"] <= limit
    print(f"{args.a} vs {args.b}: shape {a.shape} ({a.dtype} vs {b.dtype})")
    print(f"  max_abs = {s['max_abs']:.6g}   max|B| = {s['ref_max']:.6g}   "
          f"max_rel = max_abs/max|B| = {s['max_rel']:.6g}")
    if a.size:
        print(f"  worst at index {s['worst']}: A = {s['worst_a']:.9g}, B = {s['worst_b']:.9g}")
    if s["nan_mismatch"]:
        print(f"  {s['nan_mismatch']} position(s) hold NaN/inf in one array but not the same value in the other")
    print(f"  {'PASS' if passed else 'FAIL'}: limit atol + rtol*max|B| = {args.atol:g} + {args.rtol:g}*"
          f"{s['ref_max']:.6g} = {limit:.6g}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
