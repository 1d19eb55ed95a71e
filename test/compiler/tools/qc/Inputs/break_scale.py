#!/usr/bin/env python3
"""Breaks one layer of a saved qc program (a .q.mlir of qc quantize) for the
qc debug tests: multiplies the scale of the qc.dequantize that reads the
integer weight constant named RESOURCE (e.g. _conv2_Conv_weight_q) by FACTOR.

  break_scale.py IN.q.mlir OUT.q.mlir RESOURCE FACTOR

Exits 1 when the constant or its dequantize is not found (so the test fails
instead of debugging an unbroken program)."""
import re
import sys

src, dst, resource, factor = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
lines = open(src).read().split("\n")
const = None
for line in lines:
    m = re.match(r"\s*(%[\w.]+) = qc\.constant dense_resource<" + re.escape(resource) + ">", line)
    if m:
        const = m.group(1)
if const is None:
    sys.exit("break_scale.py: no constant dense_resource<%s> in %s" % (resource, src))
edited = 0
for i, line in enumerate(lines):
    if re.search(r"qc\.dequantize " + re.escape(const) + r"\b", line):
        m = re.search(r"scale = array<f32: ([^>]*)>", line)
        values = [float(v) * factor for v in m.group(1).split(",")]
        text = ", ".join("%.9g" % v for v in values)
        lines[i] = line[: m.start(1)] + text + line[m.end(1):]
        edited += 1
if edited != 1:
    sys.exit("break_scale.py: %d dequantize ops read %s, expected 1" % (edited, const))
open(dst, "w").write("\n".join(lines))
