#!/usr/bin/python3
"""Writes a Q/DQ program of resizes for difftest.py --program
(test/difftest/resize.test): nearest (every nearest_mode) and linear (every
coordinate_transformation_mode qc imports), scales 2, 3, non-integer (1.5,
0.6, 2.5) and explicit sizes, upsampling and downsampling, channel counts
below, at and between the vector widths (1, 3, 7, 16, 17, 33, 64), batch 2,
u8 and s8, shared qparams (the quantizers' spec: nearest is a copy) and
different output qparams (requantized), a fused relu. With --float the
same shapes as f32 resizes without quantization (the native float code).

  resize_program.py [--float] > program.mlir
"""
import sys

import numpy as np

from programs import RANGES, flit, quantize, quantized_input, tensor, write_main

# (channels, h, w, mode, coordinate mode, nearest mode, scales (h, w) or None,
#  sizes (oh, ow) or None, type, shared qparams, relu, batch)
CASES = [
    (8, 5, 6, "nearest", "asymmetric", "floor", (2.0, 2.0), None, "ui8", True, False, 1),
    (3, 4, 7, "nearest", "asymmetric", "floor", (3.0, 3.0), None, "i8", True, False, 1),
    (17, 6, 5, "nearest", "half_pixel", "round_prefer_floor", (1.5, 1.5), None, "ui8", True, False, 1),
    (7, 9, 8, "nearest", "half_pixel", "round_prefer_ceil", None, (13, 5), "i8", True, False, 1),
    (33, 5, 5, "nearest", "align_corners", "ceil", (2.5, 2.0), None, "ui8", False, False, 1),
    (16, 10, 10, "nearest", "pytorch_half_pixel", "round_prefer_floor", (0.6, 0.6), None, "ui8", True, False, 1),
    (1, 7, 9, "nearest", "asymmetric", "floor", (2.0, 2.0), None, "ui8", False, True, 2),
    (8, 5, 6, "linear", "half_pixel", "floor", (2.0, 2.0), None, "ui8", True, False, 1),
    (3, 4, 7, "linear", "pytorch_half_pixel", "floor", (3.0, 3.0), None, "i8", True, False, 1),
    (17, 6, 5, "linear", "align_corners", "floor", None, (11, 9), "ui8", True, False, 1),
    (7, 9, 8, "linear", "asymmetric", "floor", (1.5, 2.5), None, "i8", True, False, 1),
    (64, 6, 6, "linear", "half_pixel", "floor", (2.0, 2.0), None, "ui8", False, False, 1),
    (33, 11, 10, "linear", "half_pixel", "floor", (0.6, 0.5), None, "i8", False, False, 1),
    (16, 4, 4, "linear", "align_corners", "floor", (4.0, 4.0), None, "ui8", True, True, 2),
    (5, 1, 6, "linear", "pytorch_half_pixel", "floor", None, (1, 12), "ui8", True, False, 1),
    (24, 3, 3, "linear", "half_pixel", "floor", (8.0, 8.0), None, "i8", False, True, 1),
]

def out_size(h, w, scales, sizes):
    if sizes:
        return sizes
    return tuple(int(np.floor(np.float32(d) * np.float32(s))) for d, s in zip((h, w), scales))


def main():
    floating = "--float" in sys.argv[1:]
    rng = np.random.default_rng(1010)
    args, results, body, rets = [], [], [], []
    for i, (c, h, w, mode, ctm, nm, scales, sizes, et, shared, relu, n) in enumerate(CASES):
        oh, ow = out_size(h, w, scales, sizes)
        xshape, yshape = [n, c, h, w], [n, c, oh, ow]
        sc = [1.0, 1.0] + list(scales if scales else (oh / h, ow / w))
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        attrs = ('{coordinate_transformation_mode = "%s", mode = "%s", nearest_mode = "%s", '
                 'scales = array<f32: %s>, sizes = array<i64: %s>}' % (
                     ctm, mode, nm, ", ".join(flit(s) for s in sc),
                     ", ".join(str(d) for d in (-1, -1, oh, ow))))
        p = "c%d_" % i
        if floating:
            body.append('  %%%sy = qc.resize %%x%d %s : (%s) -> %s' % (
                p, i, attrs, tensor(xshape, "f32"), tensor(yshape, "f32")))
            results.append('%s {qc.name = "y%d"}' % (tensor(yshape, "f32"), i))
            rets.append(("%%%sy" % p, tensor(yshape, "f32")))
            continue
        lo, hi = RANGES[et]
        in_scale = float(np.float32(2.0 ** rng.uniform(-6, -4)))
        in_zp = int(rng.integers(lo, hi + 1))
        if shared:
            out_scale, out_zp = in_scale, in_zp
        else:
            out_scale = float(np.float32(in_scale * rng.uniform(0.6, 1.7)))
            out_zp = int(rng.integers(lo + 40, hi - 40))
        body += quantized_input(p, i, in_scale, in_zp, et, xshape)
        body.append('  %%%sy = qc.resize %%%sx %s : (%s) -> %s' % (
            p, p, attrs, tensor(xshape, "f32"), tensor(yshape, "f32")))
        y = "%%%sy" % p
        if relu:
            body.append("  %%%sa = qc.relu %s : %s" % (p, y, tensor(yshape, "f32")))
            y = "%%%sa" % p
        body.append(quantize("%%%sq" % p, y, out_scale, out_zp, et, yshape))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, et), i))
        rets.append(("%%%sq" % p, tensor(yshape, et)))
    write_main(args, results, body, rets)


if __name__ == "__main__":
    main()
