#!/usr/bin/python3
"""Writes a Q/DQ program of GEMM steps with few rows for difftest.py --program
(test/difftest/gemm-split.test): qc.linear with M = 1 and qc.conv2d with
M = 49, 50 and 1 output pixels over N from 130 to 1000 (odd counts, a last
column tile only partly used, tile counts that 2 and 3 threads divide or
not), 1x1 convs read in place and strided (im2col), 3x3 windows (im2col),
u8 and s8, relu and relu6. The linears and the in-place conv are the steps
whose threads may split the column tiles instead of the rows, the others
keep the row split (docs/codegen.md, "Threads: few rows, many columns"): at
1, 2 and 3 threads every output must match the reference byte for byte.

  gemm_split_program.py > program.mlir
"""

import numpy as np

from programs import (RANGES, bias_scales, output_qparams, quantized_constant,
                      quantized_input, quantized_output, tensor, write_cases)

# Convs: (c, h, w, n_out, (kh, kw), stride, pad, input type, output type,
# activation, batch). Linears: ("linear", k, n_out, ...types, act, rows).
CASES = [
    ("conv", 40, 7, 7, 255, (3, 3), 1, 1, "ui8", "ui8", "relu", 1),     # M = 49, 4 tiles
    ("conv", 24, 7, 7, 517, (3, 3), 1, 1, "i8", "ui8", None, 1),        # M = 49, 9 tiles
    ("conv", 64, 7, 7, 383, (1, 1), 1, 0, "ui8", "i8", None, 1),        # in place, 6 tiles
    ("conv", 32, 10, 10, 300, (1, 1), 2, 0, "ui8", "ui8", "relu6", 2),  # strided, M = 50
    ("conv", 16, 3, 3, 130, (3, 3), 1, 0, "i8", "i8", None, 1),         # M = 1
    ("linear", 128, 1000, None, None, "ui8", "ui8", None, 1),           # M = 1, 16 tiles
    ("linear", 77, 200, None, None, "i8", "i8", "relu", 1),             # K tail, M = 1
]


def main():
    rng = np.random.default_rng(1302)
    args, results, body = [], [], []
    for i, case in enumerate(CASES):
        if case[0] == "conv":
            _, c, h, w, o, (kh, kw), s, pad, ine, oute, act, n = case
            oh, ow = (h + 2 * pad - kh) // s + 1, (w + 2 * pad - kw) // s + 1
            xshape, wshape, yshape = [n, c, h, w], [o, c, kh, kw], [n, o, oh, ow]
            taps = c * kh * kw
        else:
            _, k, o, _, _, ine, oute, act, n = case
            xshape, wshape, yshape = [n, k], [o, k], [n, o]
            taps = k
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, oute), i))
        lo, hi = RANGES[ine]
        in_scale = float(np.float32(2.0 ** rng.uniform(-7, -5)))
        in_zp = int(rng.integers(lo, hi + 1))
        wq = rng.integers(-128, 128, size=wshape).astype(np.int8)
        wscales = [float(np.float32(2.0 ** rng.uniform(-9, -6))) for _ in range(o)]
        bscales = bias_scales(in_scale, wscales)
        bias = rng.integers(-30000, 30001, size=[o]).astype(np.int32)
        out_scale, out_zp = output_qparams(rng, taps, in_scale, wscales, oute)
        p = "c%d_" % i
        body += quantized_input(p, i, in_scale, in_zp, ine, xshape)
        body += quantized_constant(p, "w", wq, "i8", wscales, 0)
        body += quantized_constant(p, "b", bias, "i32", bscales, 0)
        types = "%s, %s, %s" % (tensor(xshape, "f32"), tensor(wshape, "f32"), tensor([o], "f32"))
        if case[0] == "conv":
            body.append('  %%%sy = qc.conv2d %%%sx, %%%swf, %%%sbf {dilations = array<i64: 1, 1>, '
                        'groups = 1 : i64, pads = array<i64: %d, %d, %d, %d>, '
                        'strides = array<i64: %d, %d>} : (%s) -> %s'
                        % (p, p, p, p, pad, pad, pad, pad, s, s, types, tensor(yshape, "f32")))
        else:
            body.append('  %%%sy = qc.linear %%%sx, %%%swf, %%%sbf : (%s) -> %s'
                        % (p, p, p, p, types, tensor(yshape, "f32")))
        quantized_output(body, p, act, yshape, out_scale, out_zp, oute)
    write_cases(args, results, body)


if __name__ == "__main__":
    main()
