#!/usr/bin/python3
"""Imports and runs every test model of a directory with qc, against the PyTorch reference outputs.

    /usr/bin/python3 test/importer/check_models.py DIR [--only NAME,...] [--qc PATH] [--work DIR]

DIR holds models written by test/models/export_models.py: NAME.onnx, its inputs, its reference outputs and the
NAME.json manifest. For each model it runs

    qc import NAME.onnx -o NAME.mlir                      (the importer plus qc-simplify)
    qc import NAME.onnx --no-simplify -o NAME.raw.mlir    (the importer alone)
    qc run NAME.onnx --input ... --output-dir ...
    qc run NAME.raw.mlir --input ... --output-dir ...     (the written file reads back: blob names parse)

and checks that the imports succeed, that no weight is written as an inline literal (a `dense<...>` with more
than 16 elements), and that every output of both runs matches the reference: max |qc - ref| <= rtol * max |ref|
+ 1e-6, with the manifest's rtol_vs_reference. Prints one line per model ("NAME: ok, ..." or "NAME: FAIL ...")
and exits 1 if any model fails.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

DENSE = re.compile(r"dense<(.*?)> : tensor<((?:\d+x)*)\w+>")


def largest_inline_literal(mlir_text):
    """The element count of the largest inline, non-splat dense literal in the module."""
    largest = 0
    for m in DENSE.finditer(mlir_text):
        body, dims = m.group(1), m.group(2)
        if body.startswith("[") or body.startswith('"0x'):
            largest = max(largest, int(np.prod([int(d) for d in dims.split("x") if d])))
    return largest


def check(model_dir, manifest, qc, work):
    name = manifest["name"]
    onnx_path = os.path.join(model_dir, manifest["model"])
    mlir = os.path.join(work, name + ".mlir")
    r = subprocess.run([qc, "import", onnx_path, "-o", mlir], capture_output=True, text=True)
    if r.returncode != 0:
        return f"FAIL: qc import: {r.stderr.strip()}"
    with open(mlir) as f:
        text = f.read()
    inline = largest_inline_literal(text)
    if inline > 16:
        return f"FAIL: an inline constant has {inline} elements (weights must be resource blobs)"
    ops = len(re.findall(r"= qc\.(?!constant)", text))

    raw = os.path.join(work, name + ".raw.mlir")
    r = subprocess.run([qc, "import", onnx_path, "--no-simplify", "-o", raw], capture_output=True, text=True)
    if r.returncode != 0:
        return f"FAIL: qc import --no-simplify: {r.stderr.strip()}"

    worst = 0.0
    for source, tag in [(onnx_path, ".out"), (raw, ".raw.out")]:
        out_dir = os.path.join(work, name + tag)
        args = [qc, "run", source, "--output-dir", out_dir]
        for input_name, info in manifest["inputs"].items():
            args += ["--input", f"{input_name}={os.path.join(model_dir, info['file'])}"]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            return f"FAIL: qc run {os.path.basename(source)}: {r.stderr.strip()}"
        result = compare(model_dir, manifest, out_dir)
        if isinstance(result, str):
            return f"FAIL: qc run {os.path.basename(source)}: {result}"
        worst = max(worst, result)
    return f"ok, {ops} ops, outputs within {worst:.1e} of the reference"


def compare(model_dir, manifest, out_dir):
    """The largest relative error of the outputs in out_dir, or a message saying what is wrong."""
    rtol = manifest.get("rtol_vs_reference", 1e-4)
    worst = 0.0
    for output_name, info in manifest["reference_outputs"].items():
        ref = np.load(os.path.join(model_dir, info["file"])).astype(np.float64)
        got_path = os.path.join(out_dir, output_name + ".npy")
        if not os.path.exists(got_path):
            return f"no output {output_name}"
        got = np.load(got_path).astype(np.float64)
        if got.shape != ref.shape:
            return f"output {output_name} has shape {got.shape}, reference {ref.shape}"
        if ref.size == 0:
            continue
        ref_max = float(np.max(np.abs(ref)))
        err = float(np.max(np.abs(got - ref)))
        if not err <= rtol * ref_max + 1e-6:
            return f"output {output_name}: max |qc - ref| = {err:.3g} > {rtol} * {ref_max:.3g}"
        worst = max(worst, err / ref_max if ref_max else err)
    return worst


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--only", default="")
    p.add_argument("--qc", default="qc")
    p.add_argument("--work", default="")
    args = p.parse_args()
    manifests = sorted(glob.glob(os.path.join(args.dir, "*.json")))
    only = [n for n in args.only.split(",") if n]
    failures = 0
    seen = set()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or tmp
        os.makedirs(work, exist_ok=True)
        for path in manifests:
            with open(path) as f:
                manifest = json.load(f)
            if only and manifest["name"] not in only:
                continue
            seen.add(manifest["name"])
            result = check(args.dir, manifest, args.qc, work)
            failures += result.startswith("FAIL")
            print(f"{manifest['name']}: {result}", flush=True)
    missing = [n for n in only if n not in seen]
    if missing or not seen:
        print(f"FAIL: no manifest for {', '.join(missing) or 'any model'} in {args.dir}")
        return 1
    print(f"{len(seen) - failures} of {len(seen)} models ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
