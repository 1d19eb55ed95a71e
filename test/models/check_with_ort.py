#!/usr/bin/python3
"""Runs every model exported by export_models.py through ONNX Runtime and compares with the PyTorch references.

    /usr/bin/python3 test/models/check_with_ort.py DIR [--only NAME[,NAME...]] [--threads N] [--keep]

For each DIR/NAME.json manifest it runs `node test/ort/ort_run.js` on NAME.onnx with the recorded inputs, then
`test/ort/compare_npy.py ORT_OUTPUT NAME.<output>.ref.npy --rtol <manifest rtol_vs_reference>` per output (the
same command lines tests use). Exits 1 if any comparison fails or any tool reports an error, 2 on usage errors.
Requires scripts/npm-setup.sh to have been run.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORT_RUN = os.path.join(ROOT, "test", "ort", "ort_run.js")
COMPARE = os.path.join(ROOT, "test", "ort", "compare_npy.py")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def safe_name(name):
    """Mirror of ort_run.js's output file naming."""
    s = "".join(c if (c.isalnum() and c.isascii()) or c in "._-" else "_" for c in name)
    return "_" + s if s in ("", ".", "..") else s


def check_model(manifest_path, out_root, threads):
    d = os.path.dirname(manifest_path)
    with open(manifest_path) as fh:
        man = json.load(fh)
    name = man["name"]
    out_dir = os.path.join(out_root, name)
    cmd = ["node", ORT_RUN, os.path.join(d, man["model"]), "--output-dir", out_dir, "--threads", str(threads),
           "--quiet"]
    for iname, info in man["inputs"].items():
        cmd += ["--input", f"{iname}={os.path.join(d, info['file'])}"]
    r = run(cmd)
    if r.returncode != 0:
        return False, [f"{name}: ort_run.js failed (exit {r.returncode}):\n{r.stdout.rstrip()}"]
    ok, lines = True, []
    for oname, info in man["reference_outputs"].items():
        got = os.path.join(out_dir, safe_name(oname) + ".npy")
        c = run(["/usr/bin/python3", COMPARE, got, os.path.join(d, info["file"]),
                 "--rtol", str(man["rtol_vs_reference"])])
        status = {0: "ok", 1: "MISMATCH"}.get(c.returncode, "ERROR")
        ok = ok and c.returncode == 0
        summary = next((ln.strip() for ln in c.stdout.splitlines() if "max_abs" in ln), c.stdout.strip())
        lines.append(f"{name}/{oname}: {status}  {summary}")
        if c.returncode != 0:
            lines.append(c.stdout.rstrip())
    return ok, lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir", help="directory written by export_models.py")
    p.add_argument("--only", action="append", default=[], help="check only these models (comma-separated)")
    p.add_argument("--threads", type=int, default=1, help="ORT intra-op threads (default 1)")
    p.add_argument("--keep", action="store_true", help="keep ORT outputs in DIR/ort_out instead of a temp dir")
    args = p.parse_args(argv)

    manifests = sorted(glob.glob(os.path.join(args.dir, "*.json")))
    only = {n for item in args.only for n in item.split(",") if n}
    if only:
        manifests = [m for m in manifests if os.path.basename(m)[:-5] in only]
        missing = only - {os.path.basename(m)[:-5] for m in manifests}
        if missing:
            print(f"check_with_ort.py: error: no manifest for {', '.join(sorted(missing))} in {args.dir}",
                  file=sys.stderr)
            return 2
    if not manifests:
        print(f"check_with_ort.py: error: no *.json manifests in '{args.dir}' (run export_models.py first)",
              file=sys.stderr)
        return 2

    n_fail = 0
    with tempfile.TemporaryDirectory(prefix="qc_ort_check_") as tmp:
        out_root = os.path.join(args.dir, "ort_out") if args.keep else tmp
        for m in manifests:
            ok, lines = check_model(m, out_root, args.threads)
            n_fail += 0 if ok else 1
            print("\n".join(lines))
    print(f"{len(manifests) - n_fail}/{len(manifests)} models match PyTorch within tolerance under ONNX Runtime")
    return 0 if n_fail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
