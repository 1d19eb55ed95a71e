#!/usr/bin/python3
"""Writes a Q/DQ program of transposed convolutions for difftest.py
--program (test/difftest/conv-transpose.test): strides 1, 2, 3 and mixed,
kernels 1x1 to 5x5 and non-square, symmetric and asymmetric pads,
output_padding, dilation 2, groups (grouped and depthwise), input and
output channels below, at and between the vector widths, batch 2, u8 and s8
activations, per-channel and per-tensor weights, with and without bias,
relu and relu6, weights all -128; stride = kernel without pads (the
one-GEMM-per-tap form), N above a GEMM tile, a single output channel. Weights, biases and scales come from a
fixed seed; output scales spread the outputs over the 8-bit range.

  conv_transpose_program.py > program.mlir
"""

import numpy as np

from programs import (RANGES, bias_scales, output_qparams, quantized_constant,
                      quantized_input, quantized_output, tensor, write_cases)

# (cin, cout, groups, h, w, (kh, kw), (sh, sw), pads (t, l, b, r),
#  output_padding (h, w), dilation, in type, out type, activation,
#  per-channel, bias, batch)
CASES = [
    (8, 4, 1, 5, 6, (2, 2), (2, 2), (0, 0, 0, 0), (0, 0), 1, "ui8", "ui8", None, True, True, 1),
    (16, 16, 1, 4, 4, (4, 4), (2, 2), (1, 1, 1, 1), (0, 0), 1, "ui8", "ui8", "relu", True, True, 1),
    (3, 5, 1, 6, 7, (3, 3), (1, 1), (1, 1, 1, 1), (0, 0), 1, "i8", "i8", None, True, True, 1),
    (17, 33, 1, 5, 4, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, "ui8", "i8", None, True, True, 1),
    (6, 9, 3, 4, 5, (3, 3), (3, 3), (0, 0, 0, 0), (2, 1), 1, "i8", "ui8", None, False, True, 1),
    (8, 8, 8, 5, 5, (4, 4), (2, 2), (1, 1, 1, 1), (0, 0), 1, "ui8", "ui8", "relu6", False, True, 1),
    (7, 3, 1, 4, 6, (3, 3), (2, 2), (1, 1, 1, 1), (1, 0), 2, "ui8", "ui8", None, True, True, 1),
    (12, 20, 1, 5, 5, (3, 2), (2, 3), (1, 0, 0, 2), (1, 2), 1, "i8", "i8", None, True, False, 1),
    (4, 7, 1, 3, 3, (5, 5), (3, 3), (2, 2, 2, 2), (0, 0), 1, "ui8", "ui8", None, True, True, 2),
    (24, 48, 1, 4, 4, (1, 1), (1, 1), (0, 0, 0, 0), (0, 0), 1, "ui8", "ui8", "relu", True, True, 1),
    (32, 16, 2, 3, 5, (2, 2), (2, 2), (0, 0, 0, 0), (0, 0), 1, "i8", "i8", None, False, True, 1),
    (5, 2, 1, 6, 3, (3, 1), (1, 2), (0, 0, 0, 0), (0, 1), 1, "ui8", "ui8", None, True, True, 1),
    # stride = kernel, no pads: one GEMM per tap (IntConvTranspose.cpp)
    (16, 8, 1, 4, 5, (2, 2), (2, 2), (0, 0, 0, 0), (0, 0), 1, "i8", "i8", "relu", False, True, 2),
    (5, 70, 1, 3, 3, (3, 1), (3, 1), (0, 0, 0, 0), (0, 0), 1, "ui8", "ui8", None, True, True, 1),
    (8, 1, 1, 6, 6, (2, 2), (2, 2), (0, 0, 0, 0), (0, 0), 1, "ui8", "ui8", None, True, True, 1),
]

def main():
    rng = np.random.default_rng(2020)
    args, results, body = [], [], []
    for i, (cin, cout, g, h, w, (kh, kw), (sh, sw), pads, opad, dil, ine, oute, act,
            per_channel, has_bias, n) in enumerate(CASES):
        oh = sh * (h - 1) + opad[0] + dil * (kh - 1) + 1 - pads[0] - pads[2]
        ow = sw * (w - 1) + opad[1] + dil * (kw - 1) + 1 - pads[1] - pads[3]
        xshape, wshape, yshape = [n, cin, h, w], [cin, cout // g, kh, kw], [n, cout, oh, ow]
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, oute), i))
        lo, hi = RANGES[ine]
        in_scale = float(np.float32(2.0 ** rng.uniform(-7, -5)))
        in_zp = int(rng.integers(lo, hi + 1)) if i % 3 else (lo + hi + 1) // 2
        wq = rng.integers(-128, 128, size=wshape).astype(np.int8)
        if i == 3:
            wq[:] = -128
        nscales = cout if per_channel else 1
        wscales = [float(np.float32(2.0 ** rng.uniform(-9, -6))) for _ in range(nscales)]
        taps = max(1, (cin // g) * kh * kw // (sh * sw))
        out_scale, out_zp = output_qparams(rng, taps, in_scale, wscales, oute)
        p = "c%d_" % i
        body += quantized_input(p, i, in_scale, in_zp, ine, xshape)
        body += quantized_constant(p, "w", wq, "i8", wscales, 1 if per_channel else None)
        operands, types = "%%%sx, %%%swf" % (p, p), [tensor(xshape, "f32"), tensor(wshape, "f32")]
        if has_bias:
            bscales = bias_scales(in_scale, wscales)
            bias = rng.integers(-30000, 30001, size=[cout]).astype(np.int32)
            body += quantized_constant(p, "b", bias, "i32", bscales, 0 if per_channel else None)
            operands += ", %%%sbf" % p
            types.append(tensor([cout], "f32"))
        body.append('  %%%sy = qc.conv_transpose2d %s {dilations = array<i64: %d, %d>, groups = %d : i64, '
                    'output_padding = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, '
                    'strides = array<i64: %d, %d>} : (%s) -> %s'
                    % (p, operands, dil, dil, g, opad[0], opad[1], *pads, sh, sw,
                       ", ".join(types), tensor(yshape, "f32")))
        quantized_output(body, p, act, yshape, out_scale, out_zp, oute)
    write_cases(args, results, body)


if __name__ == "__main__":
    main()
