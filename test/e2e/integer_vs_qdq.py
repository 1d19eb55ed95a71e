#!/usr/bin/python3
"""The integer program (qc-lower-to-integer) of a large model against the Q/DQ program it came from.

    integer_vs_qdq.py --qc build/bin/qc --qc-opt build/bin/qc-opt --work DIR \\
        MODEL.onnx:QUANTIZER:random=N:NAME=INPUT.npy [--max-lsb 1] [--max-op-lsb 1]

For each case:
  * `qc quantize` with N standard-normal calibration samples (numpy default_rng(0)), then
    `qc-opt --qc-lower-to-integer` of that Q/DQ program;
  * the op histogram of the lowered program between the first qc.quantize and the last qc.dequantize: every op
    there must be integer (qc.q* ops, integer constants, data movement on integer tensors); a float op or a
    quantize / dequantize in between is a float island and fails the case;
  * `qc run` of both programs on INPUT: the outputs, in LSB of the output quantization (the scale of the last
    qc.dequantize), must differ by at most --max-lsb;
  * every qc.qavg_pool2d, checked on its own: a probe program returns the op's integer input and output, and the
    output is compared with the Q/DQ reference computed from the same input in numpy (dequantize in f32, the
    float kernel's mean (double sum, f32 result), quantize as qc.quantize does); the max difference must be at
    most --max-op-lsb.
Prints one summary line per case. Exit status 1 when a check fails.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

import numpy as np

OP_RE = re.compile(r"^\s*(?:%[\w#:, %]+=\s*)?\"?([a-z_]+\.[a-z_0-9]+)")
ATTR_F = r"{}\s*=\s*([-+0-9.eE]+)\s*:\s*f32"
ATTR_I = r"{}\s*=\s*(-?\d+)\s*:\s*i64"


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"integer_vs_qdq.py: command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    return r.stdout


def body_lines(text):
    """The op lines of func @main's body (one op per line in qc's printout)."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.lstrip().startswith("func.func"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("return"))
    return lines, start, end


def histogram(text):
    """(histogram of ops between the first quantize and the last dequantize, list of float islands)."""
    lines, start, end = body_lines(text)
    ops = []
    for i in range(start + 1, end):
        m = OP_RE.match(lines[i])
        if m:
            ops.append((m.group(1), lines[i]))
    names = [o for o, _ in ops]
    first = names.index("qc.quantize")
    last = len(names) - 1 - names[::-1].index("qc.dequantize")
    hist = collections.Counter()
    islands = []
    for name, line in ops[first + 1:last]:
        hist[name] += 1
        result_type = line.rsplit("->", 1)[-1] if "->" in line else line.rsplit(":", 1)[-1]
        if name in ("qc.quantize", "qc.dequantize") or "xf32" in result_type or "f32>" in result_type:
            islands.append(name)
    return hist, islands


def output_scale(text):
    scales = re.findall(r"qc\.dequantize %[\w#]+ \{scale = array<f32: ([-+0-9.eE]+)>", text)
    if not scales:
        sys.exit("integer_vs_qdq.py: no per-tensor qc.dequantize in the Q/DQ program")
    return float(scales[-1])


def quantize_ref(x, scale, zp, qmin, qmax):
    """qc.quantize: clamp(round_half_to_even(x * (1 / scale)) + zp) in f32."""
    inv = np.float32(1.0) / np.float32(scale)
    return np.clip(np.rint((x.astype(np.float32) * inv).astype(np.float32)) + zp, qmin, qmax).astype(np.int64)


INT_OP_RE = re.compile(r"\s*(%[\w#]+) = (qc\.q(?:conv2d|linear|add|mul|avg_pool2d|resize|conv_transpose2d)) ([^{]*?) (\{.*\}) : \((.*)\) -> (tensor<[^>]+>)$")


def f32_type(t):
    return re.sub(r"x(?:ui8|i8|i32)>", "xf32>", t)


def fmt(v):
    return "%.9g" % np.float32(v)


def per_op_check(int_mlir, work, qc, binding):
    """Every qc.qconv2d / qc.qlinear / qc.qadd / qc.qmul / qc.qavg_pool2d / qc.qresize / qc.qconv_transpose2d against the Q/DQ reference on the same
    integer input (qc.qlut needs no check here: its table is the Q/DQ result by construction, test/passes/lower/lut.test).

    One probe run of the integer program returns every such op's activation inputs and result; a second program
    takes those inputs as arguments and computes each op's Q/DQ form (dequantize -> float op -> quantize into the
    op's clamp range, which equals quantize(activation(y)) since quantize is monotonic), with the same weight
    constants. Returns {op name: (max LSB, values differing, values)}.
    """
    text = open(int_mlir).read()
    lines, start, end = body_lines(text)
    ops = []
    for i in range(start + 1, end):
        m = INT_OP_RE.match(lines[i])
        if m:
            ops.append(m.groups())
    if not ops:
        return {}
    # Probe: return the activation inputs and the result of every op.
    act_inputs = []
    for res, name, operands, attrs, in_types, out_type in ops:
        names = [o.strip() for o in operands.split(",")]
        types = re.findall(r"tensor<[^>]+>", in_types)
        n_act = 2 if name in ("qc.qadd", "qc.qmul") else 1
        for o, t in zip(names[:n_act], types[:n_act]):
            if o not in [a for a, _ in act_inputs]:
                act_inputs.append((o, t))
    returned = act_inputs + [(o[0], o[5]) for o in ops]
    probe = list(lines)
    ret = lines[end]
    indent = ret[: len(ret) - len(ret.lstrip())]
    probe[end] = f"{indent}return {', '.join(v for v, _ in returned)} : {', '.join(t for _, t in returned)}"
    head = probe[start].rpartition(") -> ")[0]
    probe[start] = f"{head}) -> ({', '.join(t for _, t in returned)}) {{"
    probe_path = os.path.join(work, "probe.mlir")
    with open(probe_path, "w") as f:
        f.write("\n".join(probe))
    probe_dir = os.path.join(work, "probe")
    run([qc, "run", probe_path, "--input", binding, "--output-dir", probe_dir])
    # Reference: arguments = the activation inputs, the weight constants copied, each op in Q/DQ form.
    arg_of = {v: f"%arg{k}" for k, (v, _) in enumerate(act_inputs)}
    body = [l for l in lines[start + 1:end] if "= qc.constant" in l]
    results = []
    for k, (res, name, operands, attrs, in_types, out_type) in enumerate(ops):
        names = [o.strip() for o in operands.split(",")]
        types = re.findall(r"tensor<[^>]+>", in_types)

        def a(key, pattern):
            return re.search(pattern.format(key), attrs).group(1)

        def arr(key):
            m = re.search(key + r" = array<(?:i64|f32): ([^>]*)>", attrs)
            return m.group(1) if m else ""

        out_f = f32_type(out_type)
        r = f"%ref{k}"

        def dq(src, t, scale, zp, tag):
            body.append(f"    {r}_{tag} = qc.dequantize {src} {{scale = array<f32: {scale}>, zero_point = array<i64: {zp}>}}"
                        f" : ({t}) -> {f32_type(t)}")
            return f"{r}_{tag}"

        if name in ("qc.qadd", "qc.qmul"):
            x = dq(arg_of[names[0]], types[0], fmt(float(a("lhs_scale", ATTR_F))), a("lhs_zero_point", ATTR_I), "a")
            y = dq(arg_of[names[1]], types[1], fmt(float(a("rhs_scale", ATTR_F))), a("rhs_zero_point", ATTR_I), "b")
            body.append(f"    {r}_y = {name.replace('qc.q', 'qc.')} {x}, {y} : ({f32_type(types[0])}, {f32_type(types[1])}) -> {out_f}")
        else:
            s_in = np.float32(float(a("input_scale", ATTR_F)))
            x = dq(arg_of[names[0]], types[0], fmt(s_in), a("input_zero_point", ATTR_I), "x")
            if name == "qc.qresize":
                def s_attr(key):
                    return re.search(r'\b' + key + r' = "([^"]*)"', attrs).group(1)
                body.append(f"    {r}_y = qc.resize {x} {{coordinate_transformation_mode = \"{s_attr('coordinate_transformation_mode')}\", "
                            f"mode = \"{s_attr('mode')}\", nearest_mode = \"{s_attr('nearest_mode')}\", "
                            f"scales = array<f32: {arr('scales')}>, sizes = array<i64: {arr('sizes')}>}} "
                            f": ({f32_type(types[0])}) -> {out_f}")
            elif name == "qc.qavg_pool2d":
                kernel = arr("kernel")
                in_hw = re.match(r"tensor<\d+x\d+x(\d+)x(\d+)x", types[0]).groups()
                if kernel.replace(" ", "") == ",".join(in_hw) and arr("pads") == "0, 0, 0, 0":
                    body.append(f"    {r}_y = qc.global_avg_pool2d {x} : ({f32_type(types[0])}) -> {out_f}")
                else:
                    body.append(f"    {r}_y = qc.avg_pool2d {x} {{ceil_mode = {a('ceil_mode', '{} = (true|false)')}, "
                                f"count_include_pad = {a('count_include_pad', '{} = (true|false)')}, "
                                f"kernel = array<i64: {kernel}>, pads = array<i64: {arr('pads')}>, "
                                f"strides = array<i64: {arr('strides')}>}} : ({f32_type(types[0])}) -> {out_f}")
            else:
                ws = [np.float32(float(v)) for v in arr("weight_scale").split(",")]
                per_channel = len(ws) > 1
                axis = "axis = 0 : i64, " if per_channel else ""
                # conv_transpose2d's weight [C_in, C_out / groups, kh, kw]: output channels along axis 1.
                w_axis = "axis = 1 : i64, " if per_channel and name == "qc.qconv_transpose2d" else axis
                body.append(f"    {r}_w = qc.dequantize {names[1]} {{{w_axis}scale = array<f32: {', '.join(fmt(w) for w in ws)}>, "
                            f"zero_point = array<i64: {', '.join('0' for _ in ws)}>}} : ({types[1]}) -> {f32_type(types[1])}")
                operands_f = [x, f"{r}_w"]
                types_f = [f32_type(types[0]), f32_type(types[1])]
                if len(names) > 2:
                    bs = [np.float32(s_in * w) for w in ws]
                    body.append(f"    {r}_b = qc.dequantize {names[2]} {{{axis}scale = array<f32: {', '.join(fmt(b) for b in bs)}>, "
                                f"zero_point = array<i64: {', '.join('0' for _ in bs)}>}} : ({types[2]}) -> {f32_type(types[2])}")
                    operands_f.append(f"{r}_b")
                    types_f.append(f32_type(types[2]))
                if name == "qc.qconv2d":
                    conv_attrs = (f"dilations = array<i64: {arr('dilations')}>, groups = {a('groups', ATTR_I)} : i64, "
                                  f"pads = array<i64: {arr('pads')}>, strides = array<i64: {arr('strides')}>")
                    body.append(f"    {r}_y = qc.conv2d {', '.join(operands_f)} {{{conv_attrs}}} : ({', '.join(types_f)}) -> {out_f}")
                elif name == "qc.qconv_transpose2d":
                    conv_attrs = (f"dilations = array<i64: {arr('dilations')}>, groups = {a('groups', ATTR_I)} : i64, "
                                  f"output_padding = array<i64: {arr('output_padding')}>, "
                                  f"pads = array<i64: {arr('pads')}>, strides = array<i64: {arr('strides')}>")
                    body.append(f"    {r}_y = qc.conv_transpose2d {', '.join(operands_f)} {{{conv_attrs}}} : ({', '.join(types_f)}) -> {out_f}")
                else:
                    body.append(f"    {r}_y = qc.linear {', '.join(operands_f)} : ({', '.join(types_f)}) -> {out_f}")
        body.append(f"    {r} = qc.quantize {r}_y {{quant_max = {a('clamp_max', ATTR_I)} : i64, quant_min = {a('clamp_min', ATTR_I)} : i64, "
                    f"scale = array<f32: {fmt(float(a('output_scale', ATTR_F)))}>, zero_point = array<i64: {a('output_zero_point', ATTR_I)}>}}"
                    f" : ({out_f}) -> {out_type}")
        results.append((r, out_type))
    sig = ", ".join(f"%arg{k}: {t}" for k, (_, t) in enumerate(act_inputs))
    ref_lines = (lines[:start] + [f"  func.func @main({sig}) -> ({', '.join(t for _, t in results)}) {{"] + body +
                 [f"    return {', '.join(v for v, _ in results)} : {', '.join(t for _, t in results)}"] + lines[end + 1:])
    ref_path = os.path.join(work, "reference.mlir")
    with open(ref_path, "w") as f:
        f.write("\n".join(ref_lines))
    ref_dir = os.path.join(work, "reference")
    cmd = [qc, "run", ref_path, "--output-dir", ref_dir]
    for k in range(len(act_inputs)):
        cmd += ["--input", f"arg{k}={probe_dir}/output{k}.npy"]
    run(cmd)
    stats = {}
    for k, op in enumerate(ops):
        got = np.load(f"{probe_dir}/output{len(act_inputs) + k}.npy").astype(np.int64)
        want = np.load(f"{ref_dir}/output{k}.npy").astype(np.int64)
        diff = np.abs(got - want)
        worst, differ, total = stats.get(op[1], (0, 0, 0))
        stats[op[1]] = (max(worst, int(diff.max())), differ + int((diff > 0).sum()), total + int(diff.size))
    return stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qc", required=True)
    ap.add_argument("--qc-opt", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--max-lsb", type=int, default=1)
    ap.add_argument("--max-op-lsb", type=int, default=1)
    ap.add_argument("cases", nargs="+", help="MODEL.onnx:QUANTIZER:random=N:NAME=INPUT.npy")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    failed = False
    for case in a.cases:
        model, quantizer, calib, binding = case.rsplit(":", 3)
        name, input_path = binding.split("=", 1)
        base = os.path.join(a.work, os.path.basename(model).removesuffix(".onnx") + "." + quantizer)
        os.makedirs(base, exist_ok=True)
        x = np.load(input_path)
        n = int(calib.split("=")[1])
        calib_path = os.path.join(base, "calib.npy")
        np.save(calib_path, np.random.default_rng(0).standard_normal((n,) + x.shape[1:]).astype(np.float32))
        qdq, lowered = os.path.join(base, "q.mlir"), os.path.join(base, "int.mlir")
        run([a.qc, "quantize", model, "--quantizer", quantizer, "--calib", calib_path, "--quiet", "-o", qdq])
        run([a.qc_opt, qdq, "--qc-lower-to-integer", "-o", lowered])
        text = open(lowered).read()
        hist, islands = histogram(text)
        run([a.qc, "run", qdq, "--input", binding, "--output-dir", os.path.join(base, "qdq")])
        run([a.qc, "run", lowered, "--input", binding, "--output-dir", os.path.join(base, "int")])
        scale = output_scale(open(qdq).read())
        worst = 0
        differ = total = 0
        for f in sorted(os.listdir(os.path.join(base, "qdq"))):
            r = np.load(os.path.join(base, "qdq", f)).astype(np.float64)
            g = np.load(os.path.join(base, "int", f)).astype(np.float64)
            if r.shape != g.shape:
                sys.exit(f"integer_vs_qdq.py: output {f}: shapes {r.shape} vs {g.shape}")
            lsb = np.rint(np.abs(r - g) / scale).astype(np.int64)
            worst = max(worst, int(lsb.max()))
            differ += int((lsb > 0).sum())
            total += lsb.size
        per_op = per_op_check(lowered, base, a.qc, binding)
        op_worst = max((v[0] for v in per_op.values()), default=0)
        line = (f"{os.path.basename(base)}: ops {dict(sorted(hist.items()))} float-islands {len(islands)} "
                f"{sorted(set(islands))}; output values {total} differ {differ} max-lsb {worst}; "
                f"per op vs Q/DQ on the same input: " +
                ", ".join(f"{k} max-lsb {v[0]} ({v[1]}/{v[2]} differ)" for k, v in sorted(per_op.items())))
        if islands:
            line += " FAIL (float islands)"
        if worst > a.max_lsb:
            line += f" FAIL (output > {a.max_lsb} LSB)"
        if op_worst > a.max_op_lsb:
            line += f" FAIL (an op > {a.max_op_lsb} LSB)"
        failed |= bool(islands) or worst > a.max_lsb or op_worst > a.max_op_lsb
        print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
