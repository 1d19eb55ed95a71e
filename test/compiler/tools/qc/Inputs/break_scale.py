#!/usr/bin/env python3
"""Breaks one layer of a saved qc program (a .q.mlir of qc quantize) for the
qc debug tests, multiplying a scale by FACTOR:

  break_scale.py IN.q.mlir OUT.q.mlir RESOURCE FACTOR
      the qc.dequantize reading the integer weight constant named RESOURCE
      (e.g. _conv2_Conv_weight_q): the weight dequantizes FACTOR times larger
  break_scale.py IN.q.mlir OUT.q.mlir --activation NODE FACTOR
      the qc.quantize of the output of the op named NODE (its location, e.g.
      /Relu_1) and the qc.dequantize reading it: a range FACTOR times as wide

Exits 1 when the ops are not found (so a test fails instead of debugging an
unbroken program)."""
import re
import sys


def scale_line(line, factor):
    m = re.search(r"scale = array<f32: ([^>]*)>", line)
    values = [float(v) * factor for v in m.group(1).split(",")]
    return line[: m.start(1)] + ", ".join("%.9g" % v for v in values) + line[m.end(1):]


def reader(lines, op, value):
    """Indices of the lines where `op` reads `value`."""
    return [i for i, l in enumerate(lines) if re.search(r"qc\." + op + " " + re.escape(value) + r"\b", l)]


args = sys.argv[1:]
activation = "--activation" in args
if activation:
    args.remove("--activation")
src, dst, target, factor = args[0], args[1], args[2], float(args[3])
lines = open(src).read().split("\n")
if activation:
    aliases = {m.group(1) for l in lines
               for m in [re.match(r'#(loc\d+) = loc\("' + re.escape(target) + r'"', l)] if m}
    values = [m.group(1) for l in lines
              for m in [re.match(r"\s*(%[\w.]+) = qc\.(\w+) .*loc\(#(loc\d+)\)$", l)]
              if m and m.group(3) in aliases and m.group(2) not in ("quantize", "dequantize", "constant")]
    if len(values) != 1:
        sys.exit("break_scale.py: %d ops named %s, expected 1" % (len(values), target))
    quantize = reader(lines, "quantize", values[0])
    if len(quantize) != 1:
        sys.exit("break_scale.py: %d quantize ops read %s" % (len(quantize), values[0]))
    q_value = re.match(r"\s*(%[\w.]+) =", lines[quantize[0]]).group(1)
    edit = quantize + reader(lines, "dequantize", q_value)
else:
    consts = [m.group(1) for l in lines
              for m in [re.match(r"\s*(%[\w.]+) = qc\.constant dense_resource<" + re.escape(target) + ">", l)] if m]
    if len(consts) != 1:
        sys.exit("break_scale.py: no constant dense_resource<%s> in %s" % (target, src))
    edit = reader(lines, "dequantize", consts[0])
if not edit or (not activation and len(edit) != 1):
    sys.exit("break_scale.py: found %d ops to edit for %s" % (len(edit), target))
for i in edit:
    lines[i] = scale_line(lines[i], factor)
open(dst, "w").write("\n".join(lines))
