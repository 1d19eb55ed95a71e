"""What the hand-written difftest programs (conv_transpose_program.py,
depthwise_program.py, gemm_conv_program.py, gemm_split_program.py,
resize_program.py, quantize_nchw_program.py) share: MLIR text for the Q/DQ
steps around the op under test, and the `func.func @main` around them.
Each function returns one line of the program body; `p` is the case's
value-name prefix (e.g. "c3_")."""
import math
import sys

import numpy as np

RANGES = {"ui8": (0, 255), "i8": (-128, 127)}


def flit(x):
    return "%.9e" % np.float32(x)


def tensor(shape, et):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), et)


def quantize(result, src, scale, zp, et, shape, qrange=None):
    """`result = qc.quantize src` from f32 to `et` over `qrange` (the type's
    whole range unless given)."""
    lo, hi = qrange or RANGES[et]
    return ("  %s = qc.quantize %s {quant_max = %d : i64, quant_min = %d : i64, "
            "scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s"
            % (result, src, hi, lo, flit(scale), zp, tensor(shape, "f32"), tensor(shape, et)))


def quantized_input(p, i, scale, zp, et, shape):
    """The two lines that quantize model input %x<i> and dequantize it again
    into %<p>x, so the op under test reads a quantized activation."""
    return [quantize("%%%sqx" % p, "%%x%d" % i, scale, zp, et, shape),
            "  %%%sx = qc.dequantize %%%sqx {scale = array<f32: %s>, zero_point = array<i64: %d>} : (%s) -> %s"
            % (p, p, flit(scale), zp, tensor(shape, et), tensor(shape, "f32"))]


def quantized_constant(p, name, values, et, scales, axis):
    """A constant of integer `values` (int8 or int32 by `et`) and its
    dequantize %<p><name>f with zero points 0; per channel along `axis`
    when `axis` is not None."""
    shape = list(values.shape)
    data = values.astype("<i1" if et == "i8" else "<i4").tobytes().hex().upper()
    ax = "axis = %d : i64, " % axis if axis is not None else ""
    return ['  %%%s%s = qc.constant dense<"0x%s"> : %s' % (p, name, data, tensor(shape, et)),
            "  %%%s%sf = qc.dequantize %%%s%s {%sscale = array<f32: %s>, zero_point = array<i64: %s>} : (%s) -> %s"
            % (p, name, p, name, ax, ", ".join(flit(s) for s in scales),
               ", ".join("0" for _ in scales), tensor(shape, et), tensor(shape, "f32"))]


def activation(body, p, y, act, shape):
    """Appends relu / relu6 (as qc.clamp) after value `y`; returns the value
    that holds the result (`y` itself for no activation)."""
    if act == "relu":
        body.append("  %%%sa = qc.relu %s : %s" % (p, y, tensor(shape, "f32")))
        return "%%%sa" % p
    if act == "relu6":
        body.append("  %%%sa = qc.clamp %s {max = 6.0 : f32, min = 0.0 : f32} : %s"
                    % (p, y, tensor(shape, "f32")))
        return "%%%sa" % p
    return y


def bias_scales(in_scale, wscales):
    """The int32 bias' scales: input scale times each weight scale, in f32."""
    return [float(np.float32(np.float32(in_scale) * np.float32(s))) for s in wscales]


def output_qparams(rng, taps, in_scale, wscales, et, divisor=1.0):
    """A case's output scale and zero point: the accumulator's typical size
    (x - zp and w roughly uniform over 8 bits, sqrt(taps) of them) over ~50
    output steps, divided by `divisor` (> 1 saturates), and a zero point near
    the middle of `et`'s range (one draw from `rng`)."""
    spread = 75.0 * 75.0 * math.sqrt(taps) * in_scale * float(np.median(wscales))
    scale = float(np.float32(spread / 50.0 / divisor))
    lo, hi = RANGES[et]
    return scale, (lo + hi + 1) // 2 + int(rng.integers(-20, 21))


def quantized_output(body, p, act, shape, scale, zp, et):
    """Appends the activation (if any) after %<p>y and the quantize into
    %<p>q, the case's result."""
    y = activation(body, p, "%%%sy" % p, act, shape)
    body.append(quantize("%%%sq" % p, y, scale, zp, et, shape))


def write_cases(args, results, body, out=sys.stdout):
    """write_main returning every case's %c<i>_q with its result type."""
    write_main(args, results, body,
               [("%%c%d_q" % i, r.split(" {")[0]) for i, r in enumerate(results)], out)


def write_main(args, results, body, rets, out=sys.stdout):
    """Writes `func.func @main(args) -> (results)` with `body` and a return of
    `rets`, a list of (value, type)."""
    out.write("func.func @main(%s)\n    -> (%s) {\n" % (", ".join(args), ", ".join(results)))
    out.write("\n".join(body) + "\n")
    out.write("  return %s : %s\n}\n" % (", ".join(r for r, _ in rets),
                                         ", ".join(t for _, t in rets)))
