#!/usr/bin/python3
"""Runs ONNX models with qc (import + reference executor) and with ONNX Runtime on the same random inputs.

    /usr/bin/python3 test/importer/check_vs_ort.py MODEL.onnx ... [--qc PATH] [--rtol 1e-5]

For the importer's fixtures (test/importer/Inputs): ONNX Runtime is the independent peer that says what each op
form (old opsets, attribute forms, auto_pad, Resize modes, typed and external tensors, shape sub-graphs) means.
Inputs are uniform in [-2, 2) from a fixed seed, dynamic dimensions are 2. An output passes when
max |qc - ort| <= rtol * max |ort| + 1e-6. Needs node and test/ort's onnxruntime-node (installed on demand by
scripts/npm-setup.sh). Prints one line per model; exits 1 if any model fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--qc", default="qc")
    p.add_argument("--rtol", type=float, default=1e-5)
    args = p.parse_args()
    setup = subprocess.run([os.path.join(ROOT, "scripts", "npm-setup.sh")], capture_output=True, text=True)
    if setup.returncode != 0:
        print(f"FAIL: scripts/npm-setup.sh: {setup.stderr.strip()}")
        return 1
    ort_run = os.path.join(ROOT, "test", "ort", "ort_run.js")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.models:
            name = os.path.splitext(os.path.basename(path))[0]
            model = onnx.load(path, load_external_data=False)
            initializers = {t.name for t in model.graph.initializer}
            work = os.path.join(tmp, name)
            os.makedirs(work)
            rs = np.random.RandomState(0)
            feeds = []
            for value in model.graph.input:
                if value.name in initializers:
                    continue
                shape = [d.dim_value if d.dim_value > 0 else 2 for d in value.type.tensor_type.shape.dim]
                file = os.path.join(work, f"in{len(feeds)}.npy")
                np.save(file, rs.uniform(-2, 2, size=shape).astype(np.float32))
                feeds += ["--input", f"{value.name}={file}"]
            runs = {
                "qc": [args.qc, "run", path, "--output-dir", os.path.join(work, "qc")] + feeds,
                "ort": ["node", ort_run, path, "--output-dir", os.path.join(work, "ort"), "--quiet"] + feeds,
            }
            problems = []
            for who, cmd in runs.items():
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    problems.append(f"{who} failed: {r.stderr.strip()}")
            details = []
            if not problems:
                for value in model.graph.output:
                    got = np.load(os.path.join(work, "qc", value.name + ".npy")).astype(np.float64)
                    want = np.load(os.path.join(work, "ort", value.name + ".npy")).astype(np.float64)
                    if got.shape != want.shape:
                        problems.append(f"{value.name}: shape {got.shape} vs ONNX Runtime's {want.shape}")
                        continue
                    err = float(np.max(np.abs(got - want))) if want.size else 0.0
                    bound = args.rtol * (float(np.max(np.abs(want))) if want.size else 0.0) + 1e-6
                    if not err <= bound:
                        problems.append(f"{value.name}: max |qc - ort| = {err:.3g} > {bound:.3g}")
                    details.append(f"{value.name} {err:.1e}")
            failures += bool(problems)
            print(f"{name}: " + ("FAIL: " + "; ".join(problems) if problems else "ok (" + ", ".join(details) + ")"),
                  flush=True)
    print(f"{len(args.models) - failures} of {len(args.models)} models match ONNX Runtime")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
