#!/usr/bin/python3
"""ONNX QDQ export (and re-import) checked against ONNX Runtime.

For each model: `qc quantize MODEL.onnx --quantizer Q --calib RANDOM.npy --export-onnx M.qdq.onnx -o M.q.mlir`
(random-input calibration, a few samples), then on one input

  * qc's reference: `qc run M.q.mlir`
  * ONNX Runtime on the export (test/ort/ort_run.js), graph optimizations disabled (the QDQ graph as written)
    and at ORT's default level ("all", where ORT fuses Q/DQ into integer kernels);
  * with --roundtrip: `qc run M.qdq.onnx` (the QDQ importer) must equal `qc run M.q.mlir` bit-exactly;
  * with --integer: qc's integer program (`qc quantize ... --lower-to-integer`, which is also what `qc compile`
    runs bit-exactly) against ORT at level "all", whose QLinearConv / QGemm / QLinearAdd kernels accumulate in
    integers too: at most --max-integer-steps apart (no ORT-vs-ORT allowance unless --integer-ort-allowance: for a
    model where ORT's own two runs differ by more, e.g. MobileNetV3 whose hardswish / hardsigmoid ORT runs in float
    and whose squeeze-excitation products amplify single rounding flips, the bound is that difference).

The unit is one quantization step of the output: the scale of the DequantizeLinear that produces the graph
output (the last dequantize of the Q/DQ program), or that feeds a float LogSoftmax / Softmax producing it (the
CRNN's log_softmax head); the model fails otherwise. The
tolerance for qc vs ORT is max(--max-steps, D) with D = the max difference between ORT's own two runs (graph-opt
disabled vs all): in a deep network, float summation order flips a few roundings of intermediate quantizes and the
flips propagate, so two correct implementations (ORT and ORT) already differ by more than one output step on
ResNet-18 / MobileNetV2. Shallow models (MNIST) must agree within --max-steps.

    /usr/bin/python3 test/qdq/qdq_vs_ort.py --qc build/bin/qc --work DIR MODEL:QUANTIZER:CALIB:INPUT_NAME=INPUT.npy ...

CALIB is an .npy of samples or `random=N` (N standard-normal samples of the input's shape, seed 0).
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "..", "ort", "ort_run.js")


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"qdq_vs_ort.py: command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    return r.stdout


FLOAT_TAIL_OPS = ("Identity", "LogSoftmax", "Softmax")


def output_step(model_path):
    """{output name: scale of the DequantizeLinear producing it}."""
    m = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    producer = {o: n for n in m.graph.node for o in n.output}
    steps = {}
    for out in m.graph.output:
        n = producer.get(out.name)
        # A float op that the quantizers leave float at the end (LogSoftmax, Softmax: a CTC head) is
        # measured in steps of its input's dequantize (both ops move an output by at most twice the
        # largest input change).
        while n is not None and n.op_type in FLOAT_TAIL_OPS:
            n = producer.get(n.input[0])
        if n is None or n.op_type != "DequantizeLinear":
            sys.exit(f"qdq_vs_ort.py: output '{out.name}' of {model_path} is not produced by a DequantizeLinear")
        scale = inits[n.input[1]]
        if scale.size != 1:
            sys.exit(f"qdq_vs_ort.py: output '{out.name}': per-axis output dequantize")
        steps[out.name] = float(scale.reshape(()))
    return steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--roundtrip", action="store_true", help="also import the export and require bit-exact equality")
    ap.add_argument("--max-steps", type=float, default=1.0)
    ap.add_argument("--integer", action="store_true", help="also compare qc's integer program with ORT[all]")
    ap.add_argument("--max-integer-steps", type=float, default=1.0)
    ap.add_argument("--integer-ort-allowance", action="store_true",
                    help="bound the integer comparison by max(--max-integer-steps, ORT vs ORT) too")
    ap.add_argument("cases", nargs="+", help="MODEL.onnx:QUANTIZER:CALIB:NAME=INPUT.npy")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    failed = False
    for case in args.cases:
        model, quantizer, calib, binding = case.rsplit(":", 3)
        name, input_path = binding.split("=", 1)
        base = os.path.join(args.work, os.path.basename(model).removesuffix(".onnx") + "." + quantizer)
        x = np.load(input_path)
        if calib.startswith("random="):
            n = int(calib.split("=")[1])
            rng = np.random.default_rng(0)
            calib = base + ".calib.npy"
            np.save(calib, rng.standard_normal((n,) + x.shape[1:]).astype(np.float32))
        run([args.qc, "quantize", model, "--quantizer", quantizer, "--calib", calib, "--quiet",
             "-o", base + ".q.mlir", "--export-onnx", base + ".qdq.onnx"])
        onnx.checker.check_model(onnx.load(base + ".qdq.onnx"), full_check=True)
        steps = output_step(base + ".qdq.onnx")
        run([args.qc, "run", base + ".q.mlir", "--input", f"{name}={input_path}", "--output-dir", base + ".qc"])
        for opt in ("disabled", "all"):
            run(["node", ORT_RUN, base + ".qdq.onnx", "--input", f"{name}={input_path}",
                 "--output-dir", f"{base}.ort_{opt}", "--graph-opt", opt, "--quiet"])
        if args.integer:
            run([args.qc, "quantize", model, "--quantizer", quantizer, "--calib", calib, "--quiet",
                 "--lower-to-integer", "-o", base + ".int.mlir"])
            run([args.qc, "run", base + ".int.mlir", "--input", f"{name}={input_path}",
                 "--output-dir", base + ".qc_int"])
        if args.roundtrip:
            run([args.qc, "run", base + ".qdq.onnx", "--input", f"{name}={input_path}",
                 "--output-dir", base + ".qc_import"])
        for out, step in steps.items():
            ref = np.load(f"{base}.qc/{out}.npy")
            line = f"{os.path.basename(base)} {out}: step {step:.6g}"
            ort = {opt: np.load(f"{base}.ort_{opt}/{out}.npy").astype(np.float64) for opt in ("disabled", "all")}
            self_diff = float(np.abs(ort["disabled"] - ort["all"]).max()) / step
            tol = max(args.max_steps, self_diff) + 1e-3
            line += f", ort[disabled] vs ort[all] {self_diff:.3f} steps"
            for opt in ("disabled", "all"):
                d = float(np.abs(ort[opt] - ref).max()) / step
                line += f", qc vs ort[{opt}] {d:.3f} steps"
                if d > tol:
                    failed = True
                    line += f" FAIL (> {tol:.3f})"
            if args.integer:
                integer = np.load(f"{base}.qc_int/{out}.npy").astype(np.float64)
                d = float(np.abs(ort["all"] - integer).max()) / step
                line += f", qc integer vs ort[all] {d:.3f} steps"
                itol = (tol if args.integer_ort_allowance else args.max_integer_steps + 1e-3)
                if d > itol:
                    failed = True
                    line += f" FAIL (> {itol:.3f})"
            if args.roundtrip:
                got = np.load(f"{base}.qc_import/{out}.npy")
                same = got.shape == ref.shape and np.array_equal(got, ref)
                line += ", qc(import) " + ("bit-exact" if same else "DIFFERS FAIL")
                failed |= not same
            print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
