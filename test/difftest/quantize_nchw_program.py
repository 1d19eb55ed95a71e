#!/usr/bin/python3
"""Writes a Q/DQ program for difftest.py --program
(test/difftest/quantize-nchw.test): float NCHW inputs with 2-4 channels
(a model's image) quantized for a conv, whose NHWC input the quantize step
writes (IntElementwise.cpp, emitQuantizeNchwToNhwc: vectors along W, the
channels interleaved). Widths below, at and between the float vector
widths of every target (4, 8, 16), so the last chunk of a row overlaps the
one before or the scalar loop takes the step; batch 2; u8 and s8 codes,
a narrowed code range, zero points at both ends. Each case returns the
quantized tensor itself and the conv's output.

  quantize_nchw_program.py > program.mlir
"""
import numpy as np

from programs import (RANGES, quantize, quantized_constant, quantized_input,
                      tensor, write_main)

# (channels, h, w, batch, code type, zero point, code range or None)
CASES = [
    (3, 5, 37, 1, "ui8", 128, None),
    (3, 4, 16, 2, "i8", 0, None),
    (2, 3, 20, 1, "ui8", 0, None),
    (4, 3, 9, 1, "i8", -128, None),
    (3, 2, 8, 1, "ui8", 255, None),
    (4, 2, 53, 2, "ui8", 100, (0, 127)),
    (3, 3, 5, 1, "i8", 3, None),
]


def main():
    rng = np.random.default_rng(1314)
    args, results, body, rets = [], [], [], []
    for i, (c, h, w, n, et, zp, qrange) in enumerate(CASES):
        xshape = [n, c, h, w]
        oc = 8
        yshape = [n, oc, h, w]
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        # Standard-normal inputs: scales that saturate the tails.
        in_scale = float(np.float32(2.0 ** rng.uniform(-7, -5)))
        p = "c%d_" % i
        lines = quantized_input(p, i, in_scale, zp, et, xshape)
        if qrange:
            lines[0] = quantize("%%%sqx" % p, "%%x%d" % i, in_scale, zp, et, xshape, qrange)
        body += lines
        wq = rng.integers(-128, 128, size=[oc, c, 3, 3]).astype(np.int8)
        wscales = [float(np.float32(2.0 ** rng.uniform(-9, -7))) for _ in range(oc)]
        bscales = [float(np.float32(np.float32(in_scale) * np.float32(s))) for s in wscales]
        bias = rng.integers(-3000, 3001, size=[oc]).astype(np.int32)
        body += quantized_constant(p, "w", wq, "i8", wscales, 0)
        body += quantized_constant(p, "b", bias, "i32", bscales, 0)
        body.append('  %%%sy = qc.conv2d %%%sx, %%%swf, %%%sbf {dilations = array<i64: 1, 1>, groups = 1 : i64, '
                    'pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (%s, %s, %s) -> %s'
                    % (p, p, p, p, tensor(xshape, "f32"), tensor([oc, c, 3, 3], "f32"),
                       tensor([oc], "f32"), tensor(yshape, "f32")))
        out_scale = float(np.float32(80.0 * 3.0 * in_scale * float(np.median(wscales)) * 2.0))
        body.append(quantize("%%%sq" % p, "%%%sy" % p, out_scale, 128, "ui8", yshape))
        results.append('%s {qc.name = "q%d"}' % (tensor(xshape, et), i))
        rets.append(("%%%sqx" % p, tensor(xshape, et)))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, "ui8"), i))
        rets.append(("%%%sq" % p, tensor(yshape, "ui8")))
    write_main(args, results, body, rets)


if __name__ == "__main__":
    main()
