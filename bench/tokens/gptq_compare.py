#!/usr/bin/python3
"""Output SQNR of weight-only roundings against the float model, on the same data: for each MODE,
`qc quantize MODEL --quantizer Q --calib CALIB`, then `qc run` on every EVAL file, and the SQNR of all
outputs together against the float model's `qc run` outputs.

    /usr/bin/python3 bench/tokens/gptq_compare.py --qc build/bin/qc MODEL.onnx --calib CALIB.npy \\
        --eval E0.npy --eval E1.npy [--mode NAME=QUANTIZER ...] [--work DIR]

Default modes (int4: groups of 32, symmetric): int8 (per channel), int4_rtn_minmax, int4_rtn_mse (the
int4 default), int4_gptq (GPTQ + the MSE clip), int4_gptq_act (act order).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

MODES = [
    ("int8", "x86,weight_only=int8"),
    ("int4_rtn_minmax", "x86,weight_only=int4,group_size=32,weight_only_clip=minmax"),
    ("int4_rtn_mse", "x86,weight_only=int4,group_size=32"),
    ("int4_gptq", "x86,weight_only=int4,group_size=32,weight_only_method=gptq"),
    ("int4_gptq_act", "x86,weight_only=int4,group_size=32,weight_only_method=gptq_act_order"),
]


def qc(args, what):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"gptq_compare.py: {what} failed: {r.stderr.strip()}")
    return r.stdout


def outputs(qc_bin, model, evals, work, tag):
    outs = []
    for i, e in enumerate(evals):
        d = os.path.join(work, f"{tag}.out{i}")
        qc([qc_bin, "run", model, "--input", e, "--output-dir", d], f"qc run {model}")
        outs.append(np.concatenate([np.load(os.path.join(d, f)).reshape(-1) for f in sorted(os.listdir(d))]))
    return np.concatenate(outs).astype(np.float64)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--qc", default="qc")
    p.add_argument("--calib", required=True)
    p.add_argument("--eval", action="append", required=True)
    p.add_argument("--mode", action="append", help="NAME=QUANTIZER (replaces the default modes)")
    p.add_argument("--work")
    a = p.parse_args()
    modes = [tuple(m.split("=", 1)) for m in a.mode] if a.mode else MODES
    work = a.work or tempfile.mkdtemp(prefix="gptq_compare.")
    os.makedirs(work, exist_ok=True)
    ref = outputs(a.qc, a.model, a.eval, work, "float")
    print(f"{os.path.basename(a.model)}: {len(a.eval)} eval inputs, calibration {os.path.basename(a.calib)}")
    for name, quantizer in modes:
        out_mlir = os.path.join(work, f"{name}.mlir")
        t0 = time.time()
        qc([a.qc, "quantize", a.model, "--quantizer", quantizer, "--calib", a.calib, "-o", out_mlir],
           f"qc quantize {quantizer}")
        secs = time.time() - t0
        out = outputs(a.qc, out_mlir, a.eval, work, name)
        snr = 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - out) ** 2))
        print(f"  {name:18s} SQNR {snr:6.2f} dB   (quantize {secs:5.1f} s)", flush=True)


if __name__ == "__main__":
    main()
