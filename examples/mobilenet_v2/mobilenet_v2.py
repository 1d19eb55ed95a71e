#!/usr/bin/python3
"""The seed tutorial's progression on torchvision MobileNetV2: per-tensor MinMax, then per-channel + histogram.

    /usr/bin/python3 examples/mobilenet_v2/mobilenet_v2.py [--qc QC] [--out DIR] [--model MODEL.onnx]
        [--calib-samples 16] [--eval-samples 8] [--check]

Steps (each timed):
  1. export   test/models/export_models.py --only mobilenet_v2 (torchvision mobilenet_v2, weights=None, random
              init from a fixed seed with non-trivial BatchNorm statistics; no pretrained weights offline).
              Skipped with --model.
  2. data     calibration: --calib-samples images N(0, 1) [N, 3, 224, 224] (numpy default_rng(0));
              evaluation: --eval-samples images N(0, 1) from default_rng(1), one .npy [1, 3, 224, 224] each.
  3. float    `qc run` of the float model on every evaluation image (the SQNR reference).
  4. for each configuration: `qc quantize --calib`, then `qc run` of the int8 program on the evaluation images.
       minmax/per-tensor       --quantizer x86,per_channel=0 --observer minmax
       histogram/per-channel   --quantizer x86              (x86 default: per-channel weights, histogram acts)

With --corrections, four more configurations: per-tensor minmax with cle=1 (and with bias_correction=1 too),
per-channel histogram with cle=1, and with bias_correction=1 (docs/quantizers.md, "Weight-side corrections").

Printed per configuration: output SQNR = 10 log10(sum ref^2 / sum (ref - q)^2) over all evaluation logits, and
the weight bytes: constants of the float program (`qc import`, BatchNorm folded) against the constants of the
quantized program, both counted from the dense_resource blobs of the .mlir text (element type x element count).

The weights and the data are random, so the SQNR measures how faithfully the int8 program follows the float
one, not accuracy. --check exits 1 unless SQNR(per-channel + histogram) >= SQNR(per-tensor minmax) - 1 dB and
every float/int8 size ratio >= 3.5.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CONFIGS = [
    ("minmax/per-tensor", ["--quantizer", "x86,per_channel=0", "--observer", "minmax"]),
    ("histogram/per-channel", ["--quantizer", "x86"]),
]
# --corrections: the weight-side corrections of docs/quantizers.md on top of both.
CORRECTIONS = [
    ("minmax/per-tensor+cle", ["--quantizer", "x86,per_channel=0,cle=1", "--observer", "minmax"]),
    ("minmax/per-tensor+cle+bc", ["--quantizer", "x86,per_channel=0,cle=1,bias_correction=1", "--observer",
                                  "minmax"]),
    ("histogram/per-channel+cle", ["--quantizer", "x86,cle=1"]),
    ("histogram/per-channel+bc", ["--quantizer", "x86,bias_correction=1"]),
]

BITS = {"f64": 64, "f32": 32, "f16": 16, "bf16": 16, "i64": 64, "i32": 32, "i16": 16, "i8": 8, "ui8": 8,
        "si8": 8, "i1": 8}


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"mobilenet_v2.py: command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p


def sqnr(ref, q):
    ref = np.asarray(ref, np.float64)
    err = ref - np.asarray(q, np.float64)
    noise = np.sum(err * err)
    return float("inf") if noise == 0 else 10.0 * np.log10(np.sum(ref * ref) / noise)


def constant_bytes(mlir_path):
    """{element type: bytes} over every dense_resource constant of a .mlir file (each blob counted once)."""
    with open(mlir_path) as f:
        text = f.read()
    types = {}
    for name, shape in re.findall(r"dense_resource<([^>]+)>\s*:\s*tensor<([^>]*)>", text):
        types[name] = shape
    blobs = dict(re.findall(r"^\s*\"?([\w.$-]+)\"?\s*:\s*\"0x([0-9A-Fa-f]*)\"", text, re.M))
    out = {}
    for name, shape in types.items():
        dims = shape.split("x")
        elem = dims[-1]
        count = 1
        for d in dims[:-1]:
            count *= int(d)
        nbytes = count * BITS[elem] // 8
        if name in blobs:  # cross-check against the blob (4 bytes of alignment header, then the data)
            blob = len(blobs[name]) // 2 - 4
            if blob != nbytes:
                sys.exit(f"mobilenet_v2.py: {mlir_path}: blob {name} has {blob} bytes, type {shape} needs {nbytes}")
        out[elem] = out.get(elem, 0) + nbytes
    if not out:
        sys.exit(f"mobilenet_v2.py: no dense_resource constants in {mlir_path}")
    return out


def outputs(qc, model, evals, work):
    outs = []
    odir = os.path.join(work, "out")
    for path in evals:
        run([qc, "run", model, "--input", f"input={path}", "--output-dir", odir])
        outs.append(np.load(os.path.join(odir, "logits.npy")))
    return np.concatenate(outs)


def fmt_bytes(b):
    return f"{b / 2**20:.2f} MiB"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_qc = os.environ.get("QC") or os.path.join(ROOT, "build", "bin", "qc")
    p.add_argument("--qc", default=default_qc)
    p.add_argument("--out", default=os.path.join(ROOT, "out", "mobilenet_v2"))
    p.add_argument("--model", help="an already exported mobilenet_v2.onnx (skips the export)")
    p.add_argument("--calib-samples", type=int, default=16)
    p.add_argument("--eval-samples", type=int, default=8)
    p.add_argument("--check", action="store_true")
    p.add_argument("--corrections", action="store_true",
                   help="also cle=1 / bias_correction=1 variants (docs/quantizers.md)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t_all = time.perf_counter()

    t0 = time.perf_counter()
    if a.model:
        model = a.model
        print(f"{'export':<24} skipped, using {model}")
    else:
        run(["/usr/bin/python3", os.path.join(ROOT, "test", "models", "export_models.py"), "--out", a.out,
             "--only", "mobilenet_v2"])
        model = os.path.join(a.out, "mobilenet_v2.onnx")
        print(f"{'export':<24} {time.perf_counter() - t0:6.1f} s  {model}")

    t0 = time.perf_counter()
    calib = np.random.default_rng(0).standard_normal((a.calib_samples, 3, 224, 224)).astype(np.float32)
    calib_path = os.path.join(a.out, "calib.npy")
    np.save(calib_path, calib)
    rng = np.random.default_rng(1)
    evals = []
    for i in range(a.eval_samples):
        path = os.path.join(a.out, f"eval{i}.npy")
        np.save(path, rng.standard_normal((1, 3, 224, 224)).astype(np.float32))
        evals.append(path)
    print(f"{'data':<24} {time.perf_counter() - t0:6.1f} s  {a.calib_samples} calibration, "
          f"{a.eval_samples} evaluation images, N(0, 1)")

    t0 = time.perf_counter()
    float_mlir = os.path.join(a.out, "mobilenet_v2.mlir")
    run([a.qc, "import", model, "-o", float_mlir])
    ref = outputs(a.qc, model, evals, a.out)
    float_bytes = sum(constant_bytes(float_mlir).values())
    print(f"{'float':<24} {time.perf_counter() - t0:6.1f} s  weights {fmt_bytes(float_bytes)}")

    results = {}
    for name, args in CONFIGS + (CORRECTIONS if a.corrections else []):
        t0 = time.perf_counter()
        qpath = os.path.join(a.out, f"mobilenet_v2.{name.replace('/', '_')}.q.mlir")
        run([a.qc, "quantize", model, *args, "--calib", calib_path, "--quiet", "-o", qpath])
        t_quant = time.perf_counter() - t0
        q = outputs(a.qc, qpath, evals, a.out)
        t_run = time.perf_counter() - t0 - t_quant
        sizes = constant_bytes(qpath)
        qbytes = sum(sizes.values())
        s = sqnr(ref, q)
        ratio = float_bytes / qbytes
        detail = ", ".join(f"{k} {fmt_bytes(v)}" for k, v in sorted(sizes.items()))
        results[name] = (s, ratio)
        print(f"{name:<24} {t_quant + t_run:6.1f} s  (quantize {t_quant:.1f} s, run {t_run:.1f} s)  "
              f"SQNR {s:6.2f} dB  weights {fmt_bytes(float_bytes)} -> {fmt_bytes(qbytes)} ({ratio:.2f}x; {detail})")
        print(f"{'':<24} qc quantize {os.path.basename(model)} {' '.join(args)} --calib calib.npy")
    print(f"{'total':<24} {time.perf_counter() - t_all:6.1f} s")

    if a.check:
        (s_mm, r_mm), (s_hc, r_hc) = results[CONFIGS[0][0]], results[CONFIGS[1][0]]
        ok = True
        if s_hc < s_mm - 1.0:
            print(f"check failed: per-channel+histogram SQNR {s_hc:.2f} dB < per-tensor minmax {s_mm:.2f} dB - 1",
                  file=sys.stderr)
            ok = False
        for name, (_, r) in results.items():
            if r < 3.5:
                print(f"check failed: {name} size ratio {r:.2f} < 3.5", file=sys.stderr)
                ok = False
        print("check " + ("passed" if ok else "FAILED"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
