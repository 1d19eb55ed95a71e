#!/usr/bin/python3
"""A qc that misbehaves, to check that difftest.py notices (harness.test).
Runs the real `qc` (from PATH), then, per FAKE_QC:
  corrupt  - the reference `qc run` (difftest.py runs compiled code through
             `qc compile` and its own runner): changes the first value of the
             first output by one, so compiled code differs from it by one value
  fail=S   - any compile of a program that holds graph S exits 1
"""
import glob
import os
import subprocess
import sys

import numpy as np

mode = os.environ.get("FAKE_QC", "")
args = sys.argv[1:]
if mode.startswith("fail=") and args[0] in ("run", "compile") and (
        "--compiled" in args or args[0] == "compile"):
    if ("g%s_" % mode[5:]) in open(args[1]).read():
        sys.stderr.write("qc: error: fake failure\n")
        sys.exit(1)
rc = subprocess.call(["qc"] + args)
if rc == 0 and mode == "corrupt" and args[0] == "run" and "--compiled" not in args:
    out = args[args.index("--output-dir") + 1]
    first = sorted(glob.glob(os.path.join(out, "*.npy")))[0]
    a = np.load(first)
    a.flat[0] = a.flat[0] + 1 if a.flat[0] != np.iinfo(a.dtype).max else a.flat[0] - 1
    np.save(first, a)
sys.exit(rc)
