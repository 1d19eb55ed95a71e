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
import math
import sys

import numpy as np

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

RANGES = {"ui8": (0, 255), "i8": (-128, 127)}


def flit(x):
    return "%.9e" % np.float32(x)


def tensor(shape, et):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), et)


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
        spread = 75.0 * 75.0 * math.sqrt(taps) * in_scale * float(np.median(wscales))
        out_scale = float(np.float32(spread / 50.0))
        olo, ohi = RANGES[oute]
        out_zp = (olo + ohi + 1) // 2 + int(rng.integers(-20, 21))
        p = "c%d_" % i
        body.append('  %%%sqx = qc.quantize %%x%d {quant_max = %d : i64, quant_min = %d : i64, scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s'
                    % (p, i, hi, lo, flit(in_scale), in_zp, tensor(xshape, "f32"), tensor(xshape, ine)))
        body.append('  %%%sx = qc.dequantize %%%sqx {scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s'
                    % (p, p, flit(in_scale), in_zp, tensor(xshape, ine), tensor(xshape, "f32")))
        body.append('  %%%sw = qc.constant dense<"0x%s"> : %s'
                    % (p, wq.astype("<i1").tobytes().hex().upper(), tensor(wshape, "i8")))
        axis = "axis = 1 : i64, " if per_channel else ""
        body.append('  %%%swf = qc.dequantize %%%sw {%sscale = array<f32: %s>, zero_point = array<i64: %s>} : (%s) -> %s'
                    % (p, p, axis, ", ".join(flit(s) for s in wscales),
                       ", ".join("0" for _ in wscales), tensor(wshape, "i8"), tensor(wshape, "f32")))
        operands, types = "%%%sx, %%%swf" % (p, p), [tensor(xshape, "f32"), tensor(wshape, "f32")]
        if has_bias:
            bscales = [float(np.float32(np.float32(in_scale) * np.float32(s))) for s in wscales]
            bias = rng.integers(-30000, 30001, size=[cout]).astype(np.int32)
            baxis = "axis = 0 : i64, " if per_channel else ""
            body.append('  %%%sb = qc.constant dense<"0x%s"> : %s'
                        % (p, bias.astype("<i4").tobytes().hex().upper(), tensor([cout], "i32")))
            body.append('  %%%sbf = qc.dequantize %%%sb {%sscale = array<f32: %s>, zero_point = array<i64: %s>} : (%s) -> %s'
                        % (p, p, baxis, ", ".join(flit(s) for s in bscales),
                           ", ".join("0" for _ in bscales), tensor([cout], "i32"),
                           tensor([cout], "f32")))
            operands += ", %%%sbf" % p
            types.append(tensor([cout], "f32"))
        body.append('  %%%sy = qc.conv_transpose2d %s {dilations = array<i64: %d, %d>, groups = %d : i64, '
                    'output_padding = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, '
                    'strides = array<i64: %d, %d>} : (%s) -> %s'
                    % (p, operands, dil, dil, g, opad[0], opad[1], *pads, sh, sw,
                       ", ".join(types), tensor(yshape, "f32")))
        y = "%%%sy" % p
        if act == "relu":
            body.append("  %%%sa = qc.relu %s : %s" % (p, y, tensor(yshape, "f32")))
            y = "%%%sa" % p
        elif act == "relu6":
            body.append("  %%%sa = qc.clamp %s {max = 6.0 : f32, min = 0.0 : f32} : %s"
                        % (p, y, tensor(yshape, "f32")))
            y = "%%%sa" % p
        body.append("  %%%sq = qc.quantize %s {quant_max = %d : i64, quant_min = %d : i64, scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s"
                    % (p, y, ohi, olo, flit(out_scale), out_zp, tensor(yshape, "f32"),
                       tensor(yshape, oute)))
    out = sys.stdout
    out.write("func.func @main(%s)\n    -> (%s) {\n" % (", ".join(args), ", ".join(results)))
    out.write("\n".join(body) + "\n")
    out.write("  return %s : %s\n}\n" % (
        ", ".join("%%c%d_q" % i for i in range(len(CASES))),
        ", ".join(r.split(" {")[0] for r in results)))


if __name__ == "__main__":
    main()
