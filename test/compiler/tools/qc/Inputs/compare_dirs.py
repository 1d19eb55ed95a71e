"""compare_dirs.py REF DIR...: every .npy in REF must be byte-identical to the
file of the same name in each DIR (NaN payloads included). Prints the count;
exits 1 naming the first difference."""
import filecmp
import os
import sys

ref, dirs = sys.argv[1], sys.argv[2:]
names = sorted(f for f in os.listdir(ref) if f.endswith(".npy"))
assert names, "no reference outputs"
for d in dirs:
    for n in names:
        if not filecmp.cmp(os.path.join(ref, n), os.path.join(d, n), shallow=False):
            sys.exit(f"FAIL {n}: {d} differs from {ref}")
print(f"{len(names)} outputs byte-identical in {len(dirs)} directories")
