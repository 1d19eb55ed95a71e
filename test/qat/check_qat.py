#!/usr/bin/python3
"""Imports the QAT / QDQ models of make_qat_models.py and checks qc's numerics (docs/importer.md, "QAT and
QDQ models").

For each MODEL in MODELDIR (NAME.onnx, NAME.input.npy, NAME.logits.ref.npy, NAME.step.txt):
  1. `qc run NAME.onnx` (the imported Q/DQ program in the reference executor) vs the reference output
     (PyTorch's fake-quant forward): max |diff| <= --max-steps output steps.
  2. `qc-opt --qc-lower-to-integer` of the imported program: no qc.conv2d / qc.linear may stay float (the
     conv-bn simulation was folded, the biases quantized); the integer program vs the reference output
     within --max-steps too.
  3. `qc run --compiled` of the integer program (native code for this CPU) == the integer program in the
     reference executor, byte for byte.

  check_qat.py --qc QC --qc-opt QC_OPT --work DIR [--max-steps N] MODELDIR NAME[:float=OP,...]...

NAME:float=qc.linear allows that op to stay float in the integer program: eager-mode QAT puts no fake-quant
between the average pool and the linear layer (the exported graph reads the pool's float output), so
PyTorch's fake-quant model, and qc's import of it, compute that linear in float.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qc", required=True)
    ap.add_argument("--qc-opt", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--max-steps", type=float, default=1.0)
    ap.add_argument("modeldir")
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()
    failed = False
    for spec in a.names:
        name, _, opts = spec.partition(":")
        allowed = opts[len("float="):].split(",") if opts.startswith("float=") else []
        src = os.path.join(a.modeldir, name)
        work = os.path.join(a.work, name)
        os.makedirs(work, exist_ok=True)
        ref = np.load(src + ".logits.ref.npy")
        step = float(open(src + ".step.txt").read())
        inp = f"input={src}.input.npy"

        run([a.qc, "run", src + ".onnx", "--input", inp, "--output-dir", work + "/qdq"])
        qdq = np.load(work + "/qdq/logits.npy")
        # Static shapes for the compiled model (the models have a dynamic batch).
        shape = ",".join(str(d) for d in np.load(src + ".input.npy").shape)
        run([a.qc, "import", src + ".onnx", "--input-shape", "input=" + shape, "-o", work + "/model.mlir"])
        run([a.qc_opt, work + "/model.mlir", "--qc-lower-to-integer", "-o", work + "/int.mlir"])
        text = open(work + "/int.mlir").read()
        float_layers = [op for op in ("qc.conv2d", "qc.linear", "qc.batch_norm")
                        if op + " " in text and op not in allowed]
        run([a.qc, "run", work + "/int.mlir", "--input", inp, "--output-dir", work + "/int"])
        integer = np.load(work + "/int/logits.npy")
        run([a.qc, "run", work + "/int.mlir", "--compiled", "--threads", "1", "--input", inp,
             "--output-dir", work + "/native"])
        native_same = open(work + "/int/logits.npy", "rb").read() == open(work + "/native/logits.npy", "rb").read()

        d_qdq = np.abs(qdq - ref).max() / step
        d_int = np.abs(integer - ref).max() / step
        exact = np.mean(np.abs(integer - ref) < step / 2) * 100
        ok = d_qdq <= a.max_steps + 1e-3 and d_int <= a.max_steps + 1e-3 and native_same and not float_layers
        print(f"{'OK  ' if ok else 'FAIL'} {name}: Q/DQ program vs reference {d_qdq:.3f} steps, integer program "
              f"{d_int:.3f} steps ({exact:.1f}% equal), native == integer program: {native_same}, "
              f"float layers left: {float_layers or 'none'} (step {step:.4g}, {ref.size} outputs)")
        failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
