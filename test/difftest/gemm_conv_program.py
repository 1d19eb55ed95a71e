#!/usr/bin/python3
"""Writes a Q/DQ program of groups-1 convolutions (the GEMM path,
passes/Codegen/IntConv.cpp) for difftest.py --program
(test/difftest/gemm-conv.test): 1x1 convs of MobileNetV2's small-K / narrow-N
shapes (K = 16, 24, 32, 144; N = 16, 24, 96, 144), im2col convs whose K is
not a multiple of 4 (a first conv's 3 channels x 3x3 = 27, 7 channels of a
strided 1x1, 1 channel x 3x3, 5 x 3x3) so the im2col rows are padded, and
cases whose requantize multipliers are so large (OUT_SCALE_DIVISOR) that
float(acc) * m can leave int32's range: those keep the float-clamp GEMM
kernel, all others get the integer-clamp kernel (_iclamp). u8 and s8, relu
and relu6, batch 2. Weights, biases and scales come from a fixed seed.

  gemm_conv_program.py > program.mlir
"""

import numpy as np

from programs import (RANGES, bias_scales, output_qparams, quantized_constant,
                      quantized_input, quantized_output, tensor, write_cases)

# (in channels, out channels, h, w, (kh, kw), (sh, sw), pads (top, left,
#  bottom, right), input type, output type, activation, batch)
CASES = [
    # 1x1, stride 1: the GEMM on the input directly.
    (16, 96, 9, 11, (1, 1), (1, 1), (0, 0, 0, 0), "ui8", "ui8", "relu6", 1),
    (24, 144, 7, 8, (1, 1), (1, 1), (0, 0, 0, 0), "ui8", "ui8", "relu6", 1),
    (144, 24, 6, 7, (1, 1), (1, 1), (0, 0, 0, 0), "ui8", "i8", None, 1),
    (32, 16, 8, 9, (1, 1), (1, 1), (0, 0, 0, 0), "i8", "ui8", None, 2),
    (24, 24, 5, 13, (1, 1), (1, 1), (0, 0, 0, 0), "i8", "i8", "relu", 1),
    # im2col with padded rows: K = 27 (a first conv), 9, 45, 7.
    (3, 32, 15, 17, (3, 3), (2, 2), (1, 1, 1, 1), "ui8", "ui8", "relu6", 1),
    (3, 16, 10, 9, (3, 3), (1, 1), (0, 1, 1, 0), "i8", "ui8", None, 2),
    (1, 24, 9, 9, (3, 3), (1, 1), (1, 1, 1, 1), "ui8", "i8", "relu", 1),
    (5, 40, 8, 11, (3, 3), (2, 1), (1, 1, 1, 1), "ui8", "ui8", None, 1),
    (7, 20, 9, 10, (1, 1), (2, 2), (0, 0, 0, 0), "i8", "i8", None, 1),
    # im2col, K = 64 (no padding).
    (16, 24, 7, 7, (2, 2), (2, 2), (0, 0, 1, 1), "ui8", "ui8", None, 1),
    # Multipliers ~10^5: the float-clamp kernels stay (1x1 and im2col).
    (16, 96, 6, 7, (1, 1), (1, 1), (0, 0, 0, 0), "ui8", "ui8", None, 1),
    (3, 32, 9, 9, (3, 3), (2, 2), (1, 1, 1, 1), "ui8", "i8", None, 1),
]

# Case -> divisor of its output scale: 2^26 makes the multipliers ~10^5, so
# (|bias| + 255 * sum |w|) * m exceeds 2^30 and the GEMM keeps its float
# clamp (PackedGemmWeights::integerClampExact is false) and float(acc) * m
# often leaves int32 (an integer clamp would be wrong there); the outputs
# saturate, which is where a wrong conversion would show.
OUT_SCALE_DIVISOR = {11: 2.0 ** 26, 12: 2.0 ** 26}


def windowed(size, k, s, p0, p1):
    return (size + p0 + p1 - (k - 1) - 1) // s + 1


def main():
    rng = np.random.default_rng(1313)
    args, results, body = [], [], []
    for i, (c, o, h, w, (kh, kw), (sh, sw), pads, ine, oute, act, n) in enumerate(CASES):
        oh = windowed(h, kh, sh, pads[0], pads[2])
        ow = windowed(w, kw, sw, pads[1], pads[3])
        xshape, wshape, yshape = [n, c, h, w], [o, c, kh, kw], [n, o, oh, ow]
        args.append('%%x%d: %s {qc.name = "x%d"}' % (i, tensor(xshape, "f32"), i))
        results.append('%s {qc.name = "y%d"}' % (tensor(yshape, oute), i))
        lo, hi = RANGES[ine]
        in_scale = float(np.float32(2.0 ** rng.uniform(-7, -5)))
        in_zp = int(rng.integers(lo, hi + 1)) if i % 3 else (lo + hi + 1) // 2
        wts = rng.integers(-128, 128, size=wshape).astype(np.int8)
        wscales = [float(np.float32(2.0 ** rng.uniform(-9, -6))) for _ in range(o)]
        bscales = bias_scales(in_scale, wscales)
        bias = rng.integers(-30000, 30001, size=[o]).astype(np.int32)
        out_scale, out_zp = output_qparams(rng, c * kh * kw, in_scale, wscales, oute,
                                           OUT_SCALE_DIVISOR.get(i, 1.0))
        p = "c%d_" % i
        body += quantized_input(p, i, in_scale, in_zp, ine, xshape)
        body += quantized_constant(p, "w", wts, "i8", wscales, 0)
        body += quantized_constant(p, "b", bias, "i32", bscales, 0)
        body.append('  %%%sy = qc.conv2d %%%sx, %%%swf, %%%sbf {dilations = array<i64: 1, 1>, groups = 1 : i64, '
                    'pads = array<i64: %d, %d, %d, %d>, strides = array<i64: %d, %d>} : (%s, %s, %s) -> %s'
                    % (p, p, p, p, *pads, sh, sw, tensor(xshape, "f32"),
                       tensor(wshape, "f32"), tensor([o], "f32"), tensor(yshape, "f32")))
        quantized_output(body, p, act, yshape, out_scale, out_zp, oute)
    write_cases(args, results, body)


if __name__ == "__main__":
    main()
