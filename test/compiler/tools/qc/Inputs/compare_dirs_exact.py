"""compare_dirs_exact.py REF DIR...: every .npy of REF must be byte-identical
in each DIR; prints "N outputs byte-identical in M runs" or fails naming the
first file that differs."""
import glob
import os
import sys

ref = sys.argv[1]
files = sorted(glob.glob(os.path.join(ref, "*.npy")))
assert files, "no outputs in " + ref
for d in sys.argv[2:]:
    for f in files:
        other = os.path.join(d, os.path.basename(f))
        with open(f, "rb") as a, open(other, "rb") as b:
            if a.read() != b.read():
                sys.exit("differs: " + other)
print(f"{len(files)} outputs byte-identical in {len(sys.argv) - 2} runs")
