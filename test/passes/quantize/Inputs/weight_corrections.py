#!/usr/bin/python3
"""Checks the weight-side corrections of the built-in quantizers on small models built here (seeded).

    weight_corrections.py bias|smoothquant|cle --qc QC --work DIR

bias: conv(3->8, 3x3) -> relu -> global average pool -> linear(8->6); inputs with a non-zero mean; per-tensor
  weights with one wide channel, so the others quantize coarsely and their output shifts. With bias_correction=1
  the mean output error against float (on held-out data of the same distribution) must shrink at least 3x, and the
  int8 SQNR must not get worse.
smoothquant: layer norm written as ops (opset-13 style) -> linear(16->16), where two input channels carry 30x
  outliers (LayerNorm gamma) that the weights damp (as LLM outlier features). smoothquant=0.5 must raise the output SQNR by at least 3 dB, leave the float function
  unchanged (qc-smooth-quant alone, float run) to 1e-4 relative, and fold into the norm (no qc.mul inserted).
cle: conv(3->8) -> relu -> depthwise 3x3 -> relu -> pointwise(8->4) with channel ranges spread over 100x. With
  per-tensor weights, cle=1 must raise the SQNR by at least 3 dB; the float function is unchanged (relu pairs).
Prints one line per model with the numbers.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def save_model(path, nodes, inputs, outputs, inits):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.save(m, path)


def t(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def run(qc, model, x, out):
    xp = os.path.join(out + ".x.npy")
    np.save(xp, x)
    subprocess.run([qc, "run", model, "--input", f"x={xp}", "--output-dir", out], check=True,
                   stdout=subprocess.DEVNULL)
    return np.load(os.path.join(out, "y.npy"))


def quantize(qc, model, quantizer, calib, out):
    subprocess.run([qc, "quantize", model, "--quantizer", quantizer, "--calib", calib, "--quiet", "-o", out],
                   check=True)
    return out


def sqnr(ref, y):
    return 10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / max(np.sum((ref - y).astype(np.float64) ** 2), 1e-30))


def fail(msg):
    print(f"weight_corrections.py: FAIL: {msg}")
    sys.exit(1)


def bias_case(qc, work):
    r = np.random.RandomState(0)
    w1 = r.normal(0, 0.3, size=(8, 3, 3, 3)).astype(np.float32)
    w1[0] *= 12.0                                   # one wide channel sets the per-tensor weight scale
    b1 = r.normal(0, 0.1, size=8)
    w2 = r.normal(0, 0.5, size=(6, 8)).astype(np.float32)
    b2 = r.normal(0, 0.1, size=6)
    path = os.path.join(work, "bias.onnx")
    save_model(path, [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="fc", transB=1)],
        [helper.make_tensor_value_info("x", F, ["n", 3, 8, 8])], [helper.make_tensor_value_info("y", F, ["n", 6])],
        [t("w1", w1), t("b1", b1), t("w2", w2), t("b2", b2)])
    calib = r.uniform(0.2, 1.0, size=(64, 3, 8, 8)).astype(np.float32)
    test = r.uniform(0.2, 1.0, size=(256, 3, 8, 8)).astype(np.float32)
    cpath = os.path.join(work, "bias_calib.npy")
    np.save(cpath, calib)
    ref = run(qc, path, test, os.path.join(work, "bias_float"))
    res = {}
    for tag, q in [("plain", "x86,per_channel=0"), ("corrected", "x86,per_channel=0,bias_correction=1")]:
        qm = quantize(qc, path, q, cpath, os.path.join(work, f"bias_{tag}.q.mlir"))
        y = run(qc, qm, test, os.path.join(work, f"bias_{tag}"))
        res[tag] = (np.abs((y - ref).mean(axis=0)).mean(), sqnr(ref, y))
    print(f"bias: mean |E[error]| {res['plain'][0]:.5f} -> {res['corrected'][0]:.5f}, "
          f"SQNR {res['plain'][1]:.2f} -> {res['corrected'][1]:.2f} dB")
    if not res["corrected"][0] * 3 <= res["plain"][0]:
        fail("bias correction did not shrink the mean output error 3x")
    if res["corrected"][1] < res["plain"][1]:
        fail("bias correction lowered the SQNR")


def smoothquant_case(qc, work):
    r = np.random.RandomState(1)
    k = 16
    gamma = np.ones(k, np.float32)
    gamma[[3, 11]] = 30.0                           # outlier channels of the activation
    beta = r.normal(0, 0.1, size=k)
    w = r.normal(0, 0.3, size=(k, k)).astype(np.float32)
    w[:, [3, 11]] /= 30.0                           # the outliers set the activation range, not the output
    b = r.normal(0, 0.1, size=k)
    path = os.path.join(work, "sq.onnx")
    save_model(path, [
        helper.make_node("ReduceMean", ["x"], ["m"], name="ln/mean", axes=[-1]),
        helper.make_node("Sub", ["x", "m"], ["d"], name="ln/sub"),
        helper.make_node("Pow", ["d", "two"], ["d2"], name="ln/pow"),
        helper.make_node("ReduceMean", ["d2"], ["v"], name="ln/var", axes=[-1]),
        helper.make_node("Add", ["v", "eps"], ["ve"], name="ln/add_eps"),
        helper.make_node("Sqrt", ["ve"], ["s"], name="ln/sqrt"),
        helper.make_node("Div", ["d", "s"], ["n"], name="ln/div"),
        helper.make_node("Mul", ["n", "gamma"], ["g"], name="ln/mul"),
        helper.make_node("Add", ["g", "beta"], ["h"], name="ln/add"),
        helper.make_node("MatMul", ["h", "wt"], ["mm"], name="fc/matmul"),
        helper.make_node("Add", ["mm", "b"], ["y"], name="fc/add")],
        [helper.make_tensor_value_info("x", F, ["n", 4, k])], [helper.make_tensor_value_info("y", F, ["n", 4, k])],
        [t("two", 2.0), t("eps", 1e-5), t("gamma", gamma), t("beta", beta), t("wt", w.T), t("b", b)])
    calib = r.normal(0, 1, size=(64, 4, k)).astype(np.float32)
    test = r.normal(0, 1, size=(256, 4, k)).astype(np.float32)
    cpath = os.path.join(work, "sq_calib.npy")
    np.save(cpath, calib)
    ref = run(qc, path, test, os.path.join(work, "sq_float"))
    # The float function is unchanged by the transform itself.
    fmlir = os.path.join(work, "sq.mlir")
    subprocess.run([qc, "import", path, "-o", fmlir], check=True)
    smlir = os.path.join(work, "sq_smoothed.mlir")
    subprocess.run([os.path.join(os.path.dirname(qc), "qc-opt"), fmlir,
                    f"--pass-pipeline=builtin.module(func.func(qc-smooth-quant{{alpha=0.5 data={cpath}}}))",
                    "-o", smlir], check=True)
    with open(fmlir) as fh:
        before = fh.read().count("qc.mul ")
    with open(smlir) as fh:
        after = fh.read().count("qc.mul ")
    if after != before:
        fail(f"smoothquant inserted a qc.mul ({before} -> {after}) instead of folding into the norm")
    ys = run(qc, smlir, test, os.path.join(work, "sq_smoothed"))
    rel = np.abs(ys - ref).max() / np.abs(ref).max()
    if rel > 1e-4:
        fail(f"smoothquant changed the float function (max rel diff {rel:.2e})")
    res = {}
    for tag, q in [("plain", "x86"), ("smoothed", "x86,smoothquant=0.5")]:
        qm = quantize(qc, path, q, cpath, os.path.join(work, f"sq_{tag}.q.mlir"))
        y = run(qc, qm, test, os.path.join(work, f"sq_{tag}"))
        res[tag] = sqnr(ref, y)
    print(f"smoothquant: float unchanged (max rel diff {rel:.1e}), SQNR {res['plain']:.2f} -> "
          f"{res['smoothed']:.2f} dB")
    if res["smoothed"] < res["plain"] + 3.0:
        fail("smoothquant did not raise the SQNR by 3 dB")


def cle_case(qc, work):
    r = np.random.RandomState(2)
    spread = np.logspace(-1, 1, 8).astype(np.float32)  # channel ranges 0.1 .. 10
    w1 = (r.normal(0, 0.3, size=(8, 3, 1, 1)) * spread[:, None, None, None]).astype(np.float32)
    b1 = (r.uniform(0.0, 0.2, size=8) * spread).astype(np.float32)
    wd = (r.normal(0, 0.3, size=(8, 1, 3, 3)) / spread[:, None, None, None]).astype(np.float32)
    bd = r.normal(0, 0.05, size=8)
    wp = r.normal(0, 0.3, size=(4, 8, 1, 1)).astype(np.float32)
    bp = r.normal(0, 0.05, size=4)
    path = os.path.join(work, "cle.onnx")
    save_model(path, [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="expand"),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["c2"], name="depthwise", group=8, pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Conv", ["r2", "wp", "bp"], ["y"], name="project")],
        [helper.make_tensor_value_info("x", F, ["n", 3, 8, 8])], [helper.make_tensor_value_info("y", F, ["n", 4, 8, 8])],
        [t("w1", w1), t("b1", b1), t("wd", wd), t("bd", bd), t("wp", wp), t("bp", bp)])
    calib = r.uniform(-1, 1, size=(32, 3, 8, 8)).astype(np.float32)
    test = r.uniform(-1, 1, size=(128, 3, 8, 8)).astype(np.float32)
    cpath = os.path.join(work, "cle_calib.npy")
    np.save(cpath, calib)
    ref = run(qc, path, test, os.path.join(work, "cle_float"))
    res = {}
    for tag, q in [("plain", "x86,per_channel=0"), ("equalized", "x86,per_channel=0,cle=1")]:
        qm = quantize(qc, path, q, cpath, os.path.join(work, f"cle_{tag}.q.mlir"))
        y = run(qc, qm, test, os.path.join(work, f"cle_{tag}"))
        res[tag] = sqnr(ref, y)
    print(f"cle: per-tensor weights, SQNR {res['plain']:.2f} -> {res['equalized']:.2f} dB")
    if res["equalized"] < res["plain"] + 3.0:
        fail("cle did not raise the SQNR by 3 dB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["bias", "smoothquant", "cle"])
    ap.add_argument("--qc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    {"bias": bias_case, "smoothquant": smoothquant_case, "cle": cle_case}[args.case](args.qc, args.work)


if __name__ == "__main__":
    main()
