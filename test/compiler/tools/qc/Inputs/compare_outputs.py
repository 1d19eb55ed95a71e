"""Compares the .npy outputs of `qc run --compiled` (OUT) with the reference
executor's (REF): outputs named in --exact ("all": every output) must be
byte-identical files (as `cmp`), the others within --rtol (max |out - ref| /
max |ref|). Every output
must be finite and not trivial (at least --min-unique distinct values, or all
of them for small tensors). Prints the measured error of each output."""
import argparse
import os
import sys

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("ref")
p.add_argument("out")
p.add_argument("--exact", default="")
p.add_argument("--rtol", type=float, default=0.0)
p.add_argument("--min-unique", type=int, default=20)
args = p.parse_args()
names = sorted(f[:-4] for f in os.listdir(args.ref) if f.endswith(".npy"))
assert names, "no reference outputs"
exact = set(names) if args.exact == "all" else set(filter(None, args.exact.split(",")))
assert exact <= set(names), exact - set(names)
ok = True
for n in names:
    rf, of = os.path.join(args.ref, n + ".npy"), os.path.join(args.out, n + ".npy")
    ref, out = np.load(rf), np.load(of)
    uniq = len(np.unique(ref))
    if ref.shape != out.shape or not np.isfinite(ref).all() or uniq < min(args.min_unique, ref.size // 2):
        print(f"FAIL {n}: shape {ref.shape} vs {out.shape}, {uniq} distinct values")
        ok = False
        continue
    err = float(np.max(np.abs(ref.astype(np.float64) - out)) / np.max(np.abs(ref)))
    same = open(rf, "rb").read() == open(of, "rb").read()
    good = same if n in exact else err <= args.rtol
    print(f"{'ok  ' if good else 'FAIL'} {n}: {'identical' if same else 'differs'}, max rel error {err:.3g}")
    ok &= good
sys.exit(0 if ok else 1)
