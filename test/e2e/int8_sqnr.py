#!/usr/bin/python3
"""Output SQNR of a model quantized by qc against its float reference, with a floor.

    int8_sqnr.py --qc QC --work DIR --min-db DB [--center-axis A] MODEL.onnx QUANTIZER NAME=INPUT.npy REF.npy

Quantizes MODEL.onnx with QUANTIZER (calibration: 8 standard-normal samples of the input's shape, seed 0),
runs the Q/DQ program on INPUT with the reference executor and compares its (only) output with REF.npy (the
float model's output, e.g. PyTorch's from test/models): SQNR = 10 log10(sum ref^2 / sum (q - ref)^2). With
--center-axis, both are first centered along that axis (for log-probabilities, whose common log-sum offset
would otherwise dominate the signal). Fails below --min-db.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--min-db", type=float, required=True)
    ap.add_argument("--center-axis", type=int)
    ap.add_argument("model")
    ap.add_argument("quantizer")
    ap.add_argument("binding")
    ap.add_argument("ref")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    name, path = a.binding.split("=", 1)
    x = np.load(path)
    base = os.path.join(a.work, os.path.basename(a.model).removesuffix(".onnx") + "." + a.quantizer.replace(",", "_"))
    calib = base + ".calib.npy"
    np.save(calib, np.random.default_rng(0).standard_normal((8,) + x.shape[1:]).astype(np.float32))
    for cmd in ([a.qc, "quantize", a.model, "--quantizer", a.quantizer, "--calib", calib, "--quiet",
                 "-o", base + ".q.mlir"],
                [a.qc, "run", base + ".q.mlir", "--input", f"{name}={path}", "--output-dir", base + ".out"]):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.exit(f"int8_sqnr.py: command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    outs = [f for f in os.listdir(base + ".out") if f.endswith(".npy")]
    if len(outs) != 1:
        sys.exit(f"int8_sqnr.py: expected one output, got {outs}")
    q = np.load(os.path.join(base + ".out", outs[0])).astype(np.float64)
    ref = np.load(a.ref).astype(np.float64)
    if q.shape != ref.shape:
        sys.exit(f"int8_sqnr.py: output shape {q.shape}, reference {ref.shape}")
    if a.center_axis is not None:
        q = q - q.mean(axis=a.center_axis, keepdims=True)
        ref = ref - ref.mean(axis=a.center_axis, keepdims=True)
    db = 10 * np.log10((ref ** 2).sum() / max(((q - ref) ** 2).sum(), 1e-30))
    ok = db >= a.min_db
    print(f"{os.path.basename(base)}: SQNR {db:.1f} dB (floor {a.min_db} dB) {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
