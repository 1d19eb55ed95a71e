#!/usr/bin/env python3
"""Checks the CSV of qc debug (--csv): the layers in order, every SQNR
finite and plausible, clipped fractions in [0, 1], ranks 1..N once each.

  check_debug_csv.py FILE.csv --layers NAME,NAME,... [--min-db X] [--max-db Y]
                     [--worst NAME] [--compiled]

--worst NAME: the layer ranked 1 must be NAME. --compiled: the compiled
column is filled and within 1 dB of the reference column (native code equals
the integer program, which differs from the Q/DQ reference by at most a
rounding step per op)."""
import argparse
import csv
import math
import sys

p = argparse.ArgumentParser()
p.add_argument("csv")
p.add_argument("--layers", required=True)
p.add_argument("--min-db", type=float, default=10.0)
p.add_argument("--max-db", type=float, default=80.0)
p.add_argument("--worst")
p.add_argument("--compiled", action="store_true")
a = p.parse_args()

rows = list(csv.DictReader(open(a.csv)))
errors = []
names = [r["layer"] for r in rows]
if names != a.layers.split(","):
    errors.append("layers %s, expected %s" % (names, a.layers.split(",")))
ranks = sorted(int(r["worst_rank"]) for r in rows if int(r["worst_rank"]))
if ranks != list(range(1, len(ranks) + 1)) or not ranks:
    errors.append("worst ranks %s are not 1..N" % ranks)
for r in rows:
    for col in ["sqnr_db", "own_sqnr_db"] + (["compiled_sqnr_db"] if a.compiled else []):
        v = float(r[col])
        if not math.isfinite(v) or not (a.min_db <= v <= a.max_db):
            errors.append("%s: %s = %s, expected a finite value in [%g, %g]"
                          % (r["layer"], col, r[col], a.min_db, a.max_db))
    if a.compiled and abs(float(r["compiled_sqnr_db"]) - float(r["sqnr_db"])) > 1.0:
        errors.append("%s: compiled %s dB vs reference %s dB" % (r["layer"], r["compiled_sqnr_db"], r["sqnr_db"]))
    if not a.compiled and r["compiled_sqnr_db"] != "":
        errors.append("%s: compiled column filled without --compiled" % r["layer"])
    c = float(r["clipped_fraction"])
    if not (0.0 <= c <= 1.0):
        errors.append("%s: clipped fraction %s" % (r["layer"], c))
    if float(r["seen_min"]) > float(r["seen_max"]) or float(r["calib_min"]) > float(r["calib_max"]):
        errors.append("%s: a range with min > max" % r["layer"])
    if float(r["max_err_steps"]) < 0:
        errors.append("%s: negative max error" % r["layer"])
if a.worst:
    first = [r["layer"] for r in rows if r["worst_rank"] == "1"]
    if first != [a.worst]:
        errors.append("worst layer %s, expected %s" % (first, a.worst))
for e in errors:
    print("check_debug_csv.py: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
