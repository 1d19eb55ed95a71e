"""Bad-input cases on MLIR programs (bad text, verifier failures, edited
qparams, int16, dynamic dims) and on full disks / file-size limits."""
import os
import re

import numpy as np

# Edits of conv.q.mlir (the Q/DQ program of qc quantize on the shared conv
# model). Each: (label, base artifact, fn(text) -> text, names, what, rc by
# command or None). The input quantize is the first `qc.quantize`; its scale is
# repeated in the dequantize right after it.
IN_SCALE = "scale = array<f32: {s}>"


def _first_qdq(text, fn):
    """Applies fn to the lines of the input quantize and its dequantize."""
    lines = text.split("\n")
    for i, l in enumerate(lines):
        if "qc.quantize %arg0" in l:
            lines[i] = fn(lines[i])
            lines[i + 1] = fn(lines[i + 1])
            break
    else:
        raise RuntimeError("no qc.quantize %arg0 in the program")
    return "\n".join(lines)


def _set_scale(value):
    return lambda text: _first_qdq(
        text, lambda l: re.sub(r"scale = array<f32: [^>]*>",
                               f"scale = array<f32: {value}>", l, count=1))


def _set_zp(value):
    return lambda text: _first_qdq(
        text, lambda l: re.sub(r"zero_point = array<i64: [^>]*>",
                               f"zero_point = array<i64: {value}>", l, count=1))


def _sub(pattern, repl, count=1):
    def edit(text):
        new, n = re.subn(pattern, repl, text, count=count)
        if n == 0:
            raise RuntimeError(f"pattern {pattern!r} not found")
        return new
    return edit


def _weight_line(fn):
    def edit(text):
        lines = text.split("\n")
        for i, l in enumerate(lines):
            if "qc.dequantize" in l and "axis = 0" in l and "4x3x3x3" in l:
                lines[i] = fn(l)
                return "\n".join(lines)
        raise RuntimeError("no weight dequantize")
    return edit


def _int16(text):
    text = _first_qdq(text, lambda l: l.replace("quant_max = 255", "quant_max = 32767")
                      .replace("quant_min = 0", "quant_min = -32768")
                      .replace("1x3x8x8xui8", "1x3x8x8xi16"))
    return text


EDITS = [
    ("scale_zero", "conv.q.mlir", _set_scale("0.000000e+00"), ["scale"], "input scale 0"),
    ("scale_negative", "conv.q.mlir", _set_scale("-0.5"), ["scale"], "input scale -0.5"),
    ("scale_nan", "conv.q.mlir", _set_scale("0x7FC00000"), ["scale"], "input scale NaN"),
    ("scale_inf", "conv.q.mlir", _set_scale("0x7F800000"), ["scale"], "input scale +inf"),
    ("scale_denormal", "conv.q.mlir", _set_scale("1.0e-40"), ["scale"],
     "input scale 1e-40 (denormal)"),
    ("scale_smallest_denormal", "conv.q.mlir", _set_scale("0x00000001"), ["scale"],
     "input scale 1.4e-45"),
    ("scale_huge", "conv.q.mlir", _set_scale("3.0e+38"), ["scale"], "input scale 3e38"),
    ("scale_count_mismatch", "conv.q.mlir", _set_scale("0.1, 0.2"), ["scale"],
     "two scales for a per-tensor quantize"),
    ("zero_point_out_of_range", "conv.q.mlir", _set_zp("300"), ["zero_point"],
     "zero point 300 for uint8"),
    ("zero_point_negative_u8", "conv.q.mlir", _set_zp("-1"), ["zero_point"],
     "zero point -1 for uint8"),
    ("zero_point_int64_max", "conv.q.mlir", _set_zp("9223372036854775807"), ["zero_point"],
     "zero point 2^63-1"),
    ("quant_range_inverted", "conv.q.mlir",
     lambda t: _first_qdq(t, lambda l: l.replace("quant_max = 255", "quant_max = 0")
                          .replace("quant_min = 0", "quant_min = 255", 1)),
     [("quant_min", "quant_max", "range")], "quant_min 255 > quant_max 0"),
    ("quant_range_wider_than_type", "conv.q.mlir",
     lambda t: _first_qdq(t, lambda l: l.replace("quant_max = 255", "quant_max = 70000")),
     [("quant_max", "range")], "quant_max 70000 for uint8"),
    ("weight_scale_zero", "conv.q.mlir",
     _weight_line(lambda l: re.sub(r"scale = array<f32: [^>]*>",
                                   "scale = array<f32: 0.0, 0.0, 0.0, 0.0>", l)),
     ["scale"], "per-channel weight scales 0"),
    ("weight_scale_count", "conv.q.mlir",
     _weight_line(lambda l: re.sub(r"scale = array<f32: [^>]*>",
                                   "scale = array<f32: 0.1, 0.1, 0.1>", l)),
     ["scale"], "3 weight scales for 4 channels"),
    ("weight_axis_out_of_range", "conv.q.mlir",
     _weight_line(lambda l: l.replace("axis = 0", "axis = 7")), ["axis"],
     "per-channel axis 7 of a rank-4 weight"),
    ("int16_activations", "conv.q.mlir", _int16, [("i16", "int16", "16-bit")],
     "int16 activations (quantize to i16)"),
    ("dynamic_batch", "conv.q.mlir", _sub(r"tensor<1x", "tensor<?x", count=0),
     [("dynamic", "--input-shape", "?")], "a dynamic batch in every type"),
    ("resource_truncated", "conv.q.mlir",
     _sub(r'w_q: "0x([0-9A-F]{8})[0-9A-F]+"', r'w_q: "0x\1ABCD"'), [("w_q", "edited.mlir:")],
     "the weight blob holds 2 of 108 bytes"),
    ("resource_missing", "conv.q.mlir", lambda t: t[:t.index("{-#")], [("w_q", "edited.mlir:")],
     "the weight blob is not in the file"),
    ("verifier_result_type", "conv.q.mlir",
     _sub(r"-> tensor<1x4x8x8xf32>( loc\(#loc\d*\))?\n(\s+%7 = qc.relu)",
          r"-> tensor<1x4x9x9xf32>\1\n\2"),
     ["edited.mlir"], "conv2d result 1x4x9x9 for a 1x4x8x8 output"),
    ("verifier_dequantize_to_int", "conv.q.mlir",
     _sub(r"(qc.dequantize %0 .*)-> tensor<1x3x8x8xf32>", r"\1-> tensor<1x3x8x8xi32>"),
     ["edited.mlir"], "a dequantize producing i32"),
    ("unknown_op", "conv.q.mlir", _sub(r"qc\.relu", "qc.frobnicate"), ["frobnicate"],
     "an op the dialect does not have"),
    ("no_function", "conv.q.mlir", lambda t: "module {\n}\n", [("function", "main")],
     "a module without a function"),
    ("two_functions_no_main", "conv.q.mlir",
     lambda t: "module {\n  func.func @a() { return }\n  func.func @b() { return }\n}\n",
     [("main", "function")], "two functions, none @main"),
    ("garbage", "conv.q.mlir", lambda t: "this is { not MLIR ]]\n", ["edited.mlir"],
     "text that does not parse"),
    ("truncated", "conv.q.mlir", lambda t: t[:len(t) // 2], ["edited.mlir"],
     "the first half of the program"),
    ("empty", "conv.q.mlir", lambda t: "", [("edited.mlir", "function")],
     "an empty file"),
    ("binary", "conv.q.mlir", lambda t: "\x00\x01\x02\xff" * 64, ["edited.mlir"],
     "binary bytes"),
    ("deep_nesting", "conv.q.mlir",
     lambda t: "module {" + "\"x.y\"() ({" * 20000 + "})" * 20000 + "}\n",
     ["edited.mlir"], "20000 nested regions"),
    ("int_multiplier_nan", "conv.int.mlir",
     _sub(r"output_scale = [^:]+: f32", "output_scale = 0x7FC00000 : f32"),
     ["output_scale"], "qconv2d output_scale NaN"),
    ("int_output_scale_zero", "conv.int.mlir",
     _sub(r"output_scale = [^:]+: f32", "output_scale = 0.0 : f32"),
     ["output_scale"], "qconv2d output_scale 0"),
    ("int_clamp_inverted", "conv.int.mlir",
     _sub(r"clamp_max = 255 : i64, clamp_min = 0", "clamp_max = 0 : i64, clamp_min = 255"),
     [("clamp_min", "clamp_max", "clamp range")], "qconv2d clamp_min > clamp_max"),
    ("int_input_zero_point_300", "conv.int.mlir",
     _sub(r"input_zero_point = 0", "input_zero_point = 300"),
     ["input_zero_point"], "qconv2d input zero point 300"),
]

# Which commands each edit goes through, and the exit codes accepted.
COMMANDS = {
    "compile": (["qc", "compile", "{D}/edited.mlir", "-o", "{D}/out", "--name", "m"],
                {"out/m.o": None, "out/m.h": None}),
    "run": (["qc", "run", "{D}/edited.mlir", "--input", "x={M}/x.npy",
             "--output-dir", "{D}/out"], {"out/y.npy": None}),
    "run-compiled": (["qc", "run", "{D}/edited.mlir", "--compiled", "--input",
                      "x={M}/x.npy", "--output-dir", "{D}/out"], {"out/y.npy": None}),
    "export-onnx": (["qc", "export-onnx", "{D}/edited.mlir", "-o", "{D}/out.onnx"],
                    {"out.onnx": None}),
    "bench": (["qc", "bench", "{D}/edited.mlir", "--min-runs", "1", "--min-time", "0"], {}),
}
# export-onnx of the integer form: no ONNX form for qc.qconv2d (an error naming it).
PARSE_ONLY = {"garbage", "truncated", "empty", "binary", "deep_nesting", "no_function",
              "two_functions_no_main", "unknown_op"}


def mlir_edits(R, case, P):
    for label, base, edit, names, what in EDITS:
        def setup(ctx, d, _b=base, _e=edit):
            R.write(os.path.join(d, "edited.mlir"), _e(ctx.text(_b)))
        cmds = ["compile", "run", "run-compiled", "export-onnx"]
        if label in PARSE_ONLY:
            cmds = ["compile", "run", "export-onnx", "bench"]
        if base == "conv.int.mlir":
            cmds = ["compile", "run", "run-compiled"]
        for cmd in cmds:
            argv, prior = COMMANDS[cmd]
            prior = {k: P for k in prior}
            rc = 1
            if label == "dynamic_batch" and cmd in ("run", "export-onnx"):
                rc = (0, 1)  # the reference executor and the exporter take dynamic dims
            if label == "int16_activations" and cmd in ("run", "compile", "run-compiled"):
                # int16 Q/DQ is well defined (ONNX opset 21): the reference runs
                # it and qc compile builds its 16x8 conv (symmetric int16 input;
                # docs/codegen.md, "int16 activations"). An int16 op without a
                # 16x8 form is refused: compile-errors.test.
                rc = 0
            top = "run" if cmd == "run-compiled" else cmd
            sub = "mlir" if cmd != "run-compiled" else "mlir-compiled"
            case(f"{top}/{sub}/{label}", argv, rc=rc, names=names, prior=prior,
                 setup=setup, what=f"{what} ({base})", timeout=60)
    # The integer form has ops ONNX cannot express: an error naming one.
    case("export-onnx/mlir/integer_ops",
         ["qc", "export-onnx", "{D}/conv.int.mlir", "-o", "{D}/out.onnx"],
         names=["qconv2d"], prior={"out.onnx": P},
         setup=lambda ctx, d: R.write(os.path.join(d, "conv.int.mlir"),
                                      ctx.text("conv.int.mlir")),
         what="export-onnx of --lower-to-integer output (qc.qconv2d)")
    # The float program (no Q/DQ) exports; int16 Q/DQ cannot (opset 13).
    case("export-onnx/mlir/int16_qdq",
         ["qc", "export-onnx", "{D}/edited.mlir", "-o", "{D}/out.onnx"],
         names=[("i16", "int16", "16")], prior={"out.onnx": P},
         setup=lambda ctx, d: R.write(os.path.join(d, "edited.mlir"),
                                      _int16(ctx.text("conv.q.mlir"))),
         what="int16 Q/DQ has no opset-13 ONNX form")


def disk_cases(R, case, P, need_q):
    big_q = R.writer({"big.q.mlir": lambda ctx: ctx.text("big.q.mlir")})
    # -- /dev/full -----------------------------------------------------------
    FULL = [
        ("import", ["qc", "import", "{M}/big.onnx", "-o", "/dev/full"], None),
        ("quantize", ["qc", "quantize", "{M}/big.onnx", "--quantizer", "x86", "--calib",
                      "{M}/big_calib.npy", "--quiet", "-o", "/dev/full"], None),
        ("quantize_export", ["qc", "quantize", "{M}/big.onnx", "--quantizer", "x86", "--calib",
                             "{M}/big_calib.npy", "--quiet", "-o", "{D}/out.q.mlir",
                             "--export-onnx", "/dev/full"], None),  # -o first (issue 10)
        ("export-onnx", ["qc", "export-onnx", "{D}/big.q.mlir", "-o", "/dev/full"], None),
        ("compile", ["qc", "compile", "{M}/big.onnx", "-o", "/dev/full"], None),
        ("run", ["qc", "run", "{M}/big.onnx", "--input", "x={M}/big_x.npy",
                 "--output-dir", "/dev/full"], None),
    ]
    for label, argv, prior in FULL:
        cmd = argv[1]
        case(f"{cmd}/disk/dev_full_{label.replace('-', '_')}", argv, names=["/dev/full"],
             prior=prior, setup=big_q if "big.q.mlir" in " ".join(argv) else None,
             what=f"{' '.join(argv[1:2])} writing to /dev/full")
    # -- a full tmpfs (T) and a file-size limit --------------------------------
    WRITES = [
        ("import", lambda o: ["qc", "import", "{M}/big.onnx", "-o", o + "/out.mlir"],
         ["out.mlir"], "out.mlir"),
        ("quantize", lambda o: ["qc", "quantize", "{M}/big.onnx", "--quantizer", "x86",
                                "--calib", "{M}/big_calib.npy", "--quiet", "-o",
                                o + "/out.q.mlir"], ["out.q.mlir"], "out.q.mlir"),
        ("quantize_export", lambda o: ["qc", "quantize", "{M}/big.onnx", "--quantizer",
                                       "x86", "--calib", "{M}/big_calib.npy", "--quiet",
                                       "-o", o + "/out.q.mlir", "--export-onnx",
                                       o + "/out.onnx"], ["out.q.mlir", "out.onnx"],
         ("out.onnx", "out.q.mlir")),
        ("export-onnx", lambda o: ["qc", "export-onnx", "{D}/big.q.mlir", "-o",
                                   o + "/out.onnx"], ["out.onnx"], "out.onnx"),
        ("compile", lambda o: ["qc", "compile", "{M}/big.onnx", "-o", o + "/out",
                               "--name", "m"], ["out/m.o", "out/m.h"], "m."),
        ("compile_with_runtime", lambda o: ["qc", "compile", "{M}/conv.onnx", "-o",
                                            o + "/rt", "--name", "m", "--with-runtime"],
         [], ("rt", "libqcrt.a", "m.o", "m.h")),
        ("run", lambda o: ["qc", "run", "{M}/big.onnx", "--input", "x={M}/big_x.npy",
                           "--output-dir", o + "/out"], ["out/y.npy"], "y.npy"),
    ]
    for label, make, outs, name in WRITES:
        cmd = make("x")[1]
        setup = big_q if cmd == "export-onnx" else None
        names = [name if isinstance(name, tuple) else (name,)]
        case(f"{cmd}/disk/tmpfs_full_{label.replace('-', '_')}", make("{D}/T"),
             names=names + [("No space", "space", "ENOSPC")],
             prior={f"T/{o}": P for o in outs}, setup=setup, tmpfs="T", watch=["T"],
             what=f"{cmd} writing into a full 256 KiB tmpfs")
        case(f"{cmd}/disk/ulimit_f_{label.replace('-', '_')}", make("{D}"),
             names=names + [("too large", "File too large", "EFBIG", "limit")],
             prior={o: P for o in outs}, setup=setup, fsize=1024, watch=["."],
             what=f"{cmd} under `ulimit -f 1` (1 KiB; SIGXFSZ ignored)")
