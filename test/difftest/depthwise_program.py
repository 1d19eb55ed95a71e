#!/usr/bin/python3
"""Writes a Q/DQ program of depthwise convolutions for difftest.py --program
(test/difftest/depthwise.test): channel counts below, at and between the
vector widths of every target (1, 3, 7, 17, 40, 96, 144, ...), kernels 3x3,
5x5, 7x7, 2x2 and non-square, strides 1 and 2, odd and even heights
(AVX-512 VNNI computes two output rows at once), symmetric, asymmetric and
all-padding windows, dilation, batch 2, u8 and s8 activations, relu and
clamp. Weights, biases and scales come from a fixed seed; output scales are
chosen so the outputs spread over the 8-bit range instead of saturating.

  depthwise_program.py > program.mlir
"""

import numpy as np

from programs import (RANGES, bias_scales, output_qparams, quantized_constant,
                      quantized_input, quantized_output, tensor, write_cases)

# (channels, h, w, (kh, kw), (sh, sw), pads (top, left, bottom, right),
#  dilation, input type, output type, activation, batch)
CASES = [
    (1, 9, 11, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", None, 1),
    (3, 6, 7, (3, 3), (2, 2), (1, 1, 1, 1), 1, "i8", "i8", None, 1),
    (7, 10, 9, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "i8", "relu", 1),
    (17, 12, 13, (5, 5), (1, 1), (2, 2, 2, 2), 1, "ui8", "ui8", None, 1),
    (17, 12, 13, (3, 3), (2, 2), (0, 1, 1, 0), 1, "i8", "ui8", None, 1),
    (40, 11, 11, (3, 3), (2, 2), (1, 1, 1, 1), 1, "ui8", "ui8", "relu6", 1),
    (40, 9, 10, (5, 5), (2, 2), (2, 2, 2, 2), 1, "i8", "i8", None, 1),
    (96, 14, 14, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", "relu6", 1),
    (96, 14, 14, (3, 3), (2, 2), (0, 0, 1, 1), 1, "ui8", "ui8", None, 1),
    (144, 8, 9, (7, 7), (1, 1), (3, 3, 3, 3), 1, "i8", "ui8", None, 1),
    (144, 13, 13, (3, 3), (2, 2), (1, 1, 1, 1), 1, "ui8", "i8", None, 1),
    (144, 7, 23, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", "relu", 1),
    (24, 16, 20, (3, 3), (1, 1), (2, 2, 2, 2), 2, "ui8", "ui8", None, 1),
    (32, 9, 9, (7, 7), (2, 2), (3, 3, 3, 3), 1, "ui8", "ui8", None, 1),
    (20, 3, 3, (3, 3), (1, 1), (3, 3, 3, 3), 1, "ui8", "i8", None, 1),
    (48, 5, 40, (3, 3), (1, 1), (1, 0, 1, 0), 1, "i8", "i8", None, 1),
    (16, 6, 6, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", None, 2),
    (24, 8, 10, (3, 5), (2, 1), (1, 2, 1, 2), 1, "ui8", "ui8", None, 1),
    (33, 6, 19, (1, 3), (1, 2), (0, 1, 0, 1), 1, "i8", "ui8", None, 1),
    (8, 5, 5, (5, 5), (1, 1), (0, 0, 0, 0), 1, "ui8", "ui8", None, 1),
    # Two output rows per iteration (AVX-512 VNNI, their input rows in one
    # 4-row lane): an odd height in a batch of 2, a single pair whose rows
    # both read padding, one output row (no pair), a 2-row kernel at
    # dilation 2 and one at stride 2 (both span 4 input rows).
    (16, 5, 12, (3, 3), (1, 1), (1, 1, 1, 1), 1, "i8", "i8", None, 2),
    (8, 2, 9, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", "relu", 1),
    (32, 1, 17, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "ui8", None, 1),
    (24, 9, 11, (2, 3), (1, 1), (1, 1, 1, 1), 2, "i8", "ui8", None, 1),
    (12, 7, 7, (2, 2), (2, 2), (0, 0, 0, 0), 1, "ui8", "ui8", None, 1),
    # Multipliers so large that float(acc) * m may leave int32 (the float
    # clamp before the conversion stays; see OUT_SCALE_DIVISOR).
    (16, 6, 10, (3, 3), (1, 1), (1, 1, 1, 1), 1, "ui8", "i8", None, 1),
]

# Case -> divisor of its output scale: 2^21 makes the requantize
# multipliers ~6000, so |float(acc) * m| can exceed 2^30 and the requantize
# keeps its float clamp (IntDepthwise.cpp, productsFit).
OUT_SCALE_DIVISOR = {25: 2.0 ** 21}


def windowed(size, k, s, p0, p1, d):
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def main():
    rng = np.random.default_rng(1313)
    args, results, body = [], [], []
    for i, (c, h, w, (kh, kw), (sh, sw), pads, dil, ine, oute, act, n) in enumerate(CASES):
        oh = windowed(h, kh, sh, pads[0], pads[2], dil)
        ow = windowed(w, kw, sw, pads[1], pads[3], dil)
        xshape, wshape, yshape = [n, c, h, w], [c, 1, kh, kw], [n, c, oh, ow]
        # Float inputs quantized in the program: the quantize step writes the
        # NHWC tensor the depthwise code reads (a model input is NCHW).
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, oute), i))
        lo, hi = RANGES[ine]
        in_scale = float(np.float32(2.0 ** rng.uniform(-7, -5)))
        in_zp = int(rng.integers(lo, hi + 1)) if i % 3 else (lo + hi + 1) // 2
        w = rng.integers(-128, 128, size=wshape).astype(np.int8)
        if i == 4:
            w[:] = -128  # the largest products
        wscales = [float(np.float32(2.0 ** rng.uniform(-9, -6))) for _ in range(c)]
        bscales = bias_scales(in_scale, wscales)
        bias = rng.integers(-30000, 30001, size=[c]).astype(np.int32)
        out_scale, out_zp = output_qparams(rng, kh * kw, in_scale, wscales, oute,
                                           OUT_SCALE_DIVISOR.get(i, 1.0))
        p = "c%d_" % i
        body += quantized_input(p, i, in_scale, in_zp, ine, xshape)
        body += quantized_constant(p, "w", w, "i8", wscales, 0)
        body += quantized_constant(p, "b", bias, "i32", bscales, 0)
        body.append('  %%%sy = qc.conv2d %%%sx, %%%swf, %%%sbf {dilations = array<i64: %d, %d>, groups = %d : i64, '
                    'pads = array<i64: %d, %d, %d, %d>, strides = array<i64: %d, %d>} : (%s, %s, %s) -> %s'
                    % (p, p, p, p, dil, dil, c, *pads, sh, sw, tensor(xshape, "f32"),
                       tensor(wshape, "f32"), tensor([c], "f32"), tensor(yshape, "f32")))
        quantized_output(body, p, act, yshape, out_scale, out_zp, oute)
    write_cases(args, results, body)


if __name__ == "__main__":
    main()
