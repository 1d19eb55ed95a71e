#!/usr/bin/python3
"""End-to-end float accuracy: `qc run` against ONNX Runtime on the exported test models.

    /usr/bin/python3 test/e2e/float_vs_ort.py --models DIR --qc QC --work WORK
        [--only NAME[,NAME...]] [--exclude NAME[,NAME...]] [--rtol 1e-4] [--bench QC_EXECUTOR_BENCH]

For every DIR/NAME.json manifest written by test/models/export_models.py (all of them, or --only / minus
--exclude) it runs, on the manifest's input files,

    QC run DIR/NAME.onnx --input IN=FILE ... --output-dir WORK/NAME/qc
    node test/ort/ort_run.js DIR/NAME.onnx --input IN=FILE ... --output-dir WORK/NAME/ort
    test/ort/compare_npy.py WORK/NAME/qc/OUT.npy WORK/NAME/ort/OUT.npy --rtol RTOL     (per graph output)

so each output must satisfy max|qc - ort| <= RTOL * max|ort| (compare_npy.py's metric). It prints one line
per output with the measured max relative error and the wall time of `qc run` (import, simplify, execute);
with --bench, also the executor's own time from qc-executor-bench (first run, which decodes the weights, and
the fastest of 3 later runs). Exit 0 when every comparison passes, 1 otherwise, 2 on usage errors.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORT_RUN = os.path.join(ROOT, "test", "ort", "ort_run.js")
COMPARE = os.path.join(ROOT, "test", "ort", "compare_npy.py")


def ort_file_name(name):
    """ort_run.js's output file naming (characters outside [A-Za-z0-9._-] become '_')."""
    s = "".join(c if (c.isalnum() and c.isascii()) or c in "._-" else "_" for c in name)
    return "_" + s if s in ("", ".", "..") else s


def qc_file_name(name):
    """qc's output file naming (Driver.cpp outputFileName): '/', '\\', '%' and control
    characters become %XX (bytes of the UTF-8 name, upper-case hex)."""
    return "".join(f"%{b:02X}" if b in b"/\\%" or b < 0x20 or b == 0x7F else chr(b)
                   for b in name.encode()).encode("latin-1").decode()


def run(cmd):
    start = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r, time.monotonic() - start


def check_model(manifest_path, args):
    d = os.path.dirname(manifest_path)
    with open(manifest_path) as fh:
        man = json.load(fh)
    name = man["name"]
    model = os.path.join(d, man["model"])
    bindings = [f"{inp}={os.path.join(d, spec['file'])}" for inp, spec in man["inputs"].items()]
    input_args = [a for b in bindings for a in ("--input", b)]
    work = os.path.join(args.work, name)
    qc_dir, ort_dir = os.path.join(work, "qc"), os.path.join(work, "ort")
    lines = []

    r, qc_seconds = run([args.qc, "run", model, *input_args, "--output-dir", qc_dir])
    if r.returncode != 0:
        return False, [f"FAIL {name}: qc run exited {r.returncode}:\n{r.stdout.rstrip()}"]
    r, _ = run(["node", ORT_RUN, model, *input_args, "--output-dir", ort_dir, "--quiet"])
    if r.returncode != 0:
        return False, [f"FAIL {name}: ort_run.js exited {r.returncode}:\n{r.stdout.rstrip()}"]

    ok = True
    for out in man["reference_outputs"]:
        a = os.path.join(qc_dir, qc_file_name(out) + ".npy")
        b = os.path.join(ort_dir, ort_file_name(out) + ".npy")
        r, _ = run(["/usr/bin/python3", COMPARE, a, b, "--rtol", str(args.rtol)])
        max_rel = "?"
        for line in r.stdout.splitlines():
            if "max_rel" in line:
                max_rel = line.rsplit("=", 1)[1].strip()
        status = "PASS" if r.returncode == 0 else "FAIL"
        ok = ok and r.returncode == 0
        lines.append(f"{status} {name} output '{out}': max_rel {max_rel} (limit {args.rtol:g}); "
                     f"qc run {qc_seconds:.2f} s")
        if r.returncode != 0:
            lines.append(r.stdout.rstrip())

    if args.bench:
        r, _ = run([args.bench, model, *input_args, "--repeat", "3"])
        if r.returncode != 0:
            return False, lines + [f"FAIL {name}: qc-executor-bench exited {r.returncode}:\n{r.stdout.rstrip()}"]
        stats = dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)
        lines.append(f"     {name} executor: first run {stats.get('first_run_ms', '?')} ms, "
                     f"later runs min {stats.get('run_ms_min', '?')} ms; load (import + simplify) "
                     f"{stats.get('load_ms', '?')} ms; peak live intermediates "
                     f"{stats.get('peak_live_mib', '?')} MiB")
    return ok, lines


def names(values):
    return {n for item in values for n in item.split(",") if n}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", required=True, help="directory written by export_models.py")
    p.add_argument("--qc", required=True, help="the qc tool")
    p.add_argument("--work", required=True, help="directory for the outputs (WORK/NAME/{qc,ort})")
    p.add_argument("--only", action="append", default=[], help="check only these models (comma-separated)")
    p.add_argument("--exclude", action="append", default=[], help="skip these models (comma-separated)")
    p.add_argument("--rtol", type=float, default=1e-4, help="max|qc - ort| / max|ort| limit (default 1e-4)")
    p.add_argument("--bench", help="qc-executor-bench, to report the executor's run time")
    args = p.parse_args(argv)

    manifests = sorted(glob.glob(os.path.join(args.models, "*.json")))
    by_name = {os.path.basename(m)[:-5]: m for m in manifests}
    only, exclude = names(args.only), names(args.exclude)
    missing = (only | exclude) - set(by_name)
    if missing:
        print(f"float_vs_ort.py: error: no manifest for {', '.join(sorted(missing))} in '{args.models}'",
              file=sys.stderr)
        return 2
    selected = [m for n, m in sorted(by_name.items()) if (not only or n in only) and n not in exclude]
    if not selected:
        print(f"float_vs_ort.py: error: no models selected in '{args.models}' (run export_models.py first)",
              file=sys.stderr)
        return 2

    failed = []
    for m in selected:
        ok, lines = check_model(m, args)
        print("\n".join(lines), flush=True)
        if not ok:
            failed.append(os.path.basename(m)[:-5])
    print(f"{len(selected) - len(failed)}/{len(selected)} models: qc run matches ONNX Runtime within "
          f"rtol {args.rtol:g}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
