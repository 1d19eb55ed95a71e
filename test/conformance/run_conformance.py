#!/usr/bin/env python3
"""ONNX backend node tests (Debian libonnx-testdata) through `qc run`.

For every case directory (model.onnx + test_data_set_N/{input,output}_K.pb):
the inputs are written as .npy, `qc run` executes the model with the reference
executor, and every output is compared with the expected one. Inputs that
ONNX passes as graph inputs but a static compiler needs as constants (the
shape of Reshape, the axes of a reduction, the pads of Pad, ... see
STATIC_INPUTS) are bound with `--const-input`; every other input is a
run-time `--input`.

Each case is one of
  pass      qc ran and every output matched (dtype, shape, values)
  wrong     qc ran (exit 0) and an output differs: a bug
  rejected  qc refused with exit 1 and a `qc: error:` line (the reason)
  crash     anything else (a signal, a time-out, no `qc: error:` line)
  divergent qc ran and differs where qc deliberately follows ONNX Runtime /
            PyTorch rather than ONNX's reference implementation (the cases
            and the reason are listed in DIVERGENT below; each was checked
            against ONNX Runtime). Not a pass. A listed case that passes or
            is rejected fails the test, so the list stays true.

Comparison (docs/conformance.md): integer and bool outputs exactly; float
outputs with |qc - expected| <= ATOL + RTOL * |expected| elementwise, NaN
where and only where the expected output has NaN, and infinities equal.

With --export, every case that passes also goes the other way: `qc
export-onnx` of the model (imported with the same --const-input bindings, not
simplified), and ONNX Runtime (test/ort/ort_run.js --batch, one process for all)
runs the export on the run-time inputs; its outputs are compared with the
expected ones as above. Each such case is one of
  pass      ONNX Runtime's run of qc's export matched
  wrong     it ran and an output differs: a bug in the export
  rejected  qc export-onnx refused with a `qc: error:` line (the reason)
  ort-error ONNX Runtime could not load or run the export (its message)
  ort-unsupported  ONNX Runtime has no kernel for a valid node of the export
            ("Could not find an implementation", e.g. Max of int16): a gap
            of the peer, listed, not a failure
  crash     qc export-onnx ended otherwise
written to DIR/export.txt.

Writes DIR/conformance.txt (one line per case: name, status, reason) and
prints a summary line. Exits 1 on any wrong result or crash, when fewer
cases than --min-pass pass, or (with --ops-doc) when docs/ops.md is not what
scripts/gen_ops_md.py writes for this qc; 0 otherwise.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

RTOL = 1e-4
ATOL = 1e-6

# (op type, input index) pairs that are static parameters: attributes that
# later opsets moved into inputs. Bound with --const-input when they are graph
# inputs.
STATIC_INPUTS = {
    "Reshape": {1}, "Expand": {1}, "Tile": {1}, "Slice": {1, 2, 3, 4},
    "Pad": {1, 2, 3}, "Resize": {1, 2, 3}, "Upsample": {1},
    "Unsqueeze": {1}, "Squeeze": {1}, "TopK": {1}, "Range": {0, 1, 2},
    "ConstantOfShape": {0}, "Split": {1}, "Clip": {1, 2},
    "CumSum": {1}, "Trilu": {1}, "Dropout": {1, 2}, "CenterCropPad": {1},
    "MaxUnpool": {2}, "Col2Im": {1, 2}, "DFT": {1}, "STFT": {1, 3},
    "NonMaxSuppression": {2, 3, 4}, "BlackmanWindow": {0},
    "HannWindow": {0}, "HammingWindow": {0}, "MelWeightMatrix": {0, 1, 2, 3, 4},
    "ReduceSum": {1}, "ReduceMean": {1}, "ReduceMax": {1}, "ReduceMin": {1},
    "ReduceProd": {1}, "ReduceL1": {1}, "ReduceL2": {1},
    "ReduceLogSum": {1}, "ReduceLogSumExp": {1}, "ReduceSumSquare": {1},
    "QuantizeLinear": {1, 2}, "DequantizeLinear": {1, 2}, "OneHot": {1, 2},
    # Recurrent layers: qc compiles the weights (W, R, B, P) into the
    # unrolled program and needs sequence_lens at import time.
    "LSTM": {1, 2, 3, 4, 7}, "GRU": {1, 2, 3, 4}, "RNN": {1, 2, 3, 4},
}


# Cases where the expected output comes from ONNX's reference implementation
# and qc agrees with ONNX Runtime instead (docs/conformance.md).
DIVERGENT = {
    "test_resize_downsample_scales_linear_align_corners":
        "align_corners with scales: ONNX's reference divides by "
        "(in * scale - 1) = 1.4, ONNX Runtime and qc by (out - 1) = 1 with "
        "out = floor(in * scale) (ORT 1.30 gives [1, 4] as qc)",
}


def static_inputs(model):
    """Names of the graph inputs a static compiler needs as constants."""
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = {i.name for i in model.graph.input} - inits
    names = set()
    for node in model.graph.node:
        for k in STATIC_INPUTS.get(node.op_type, ()):
            if k < len(node.input) and node.input[k] in graph_inputs:
                names.add(node.input[k])
    return names


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def npy_name(name):
    """qc run's file name for output `name` (docs/cli.md, qc run)."""
    out = []
    for ch in name:
        b = ch.encode()
        if ch in "/\\%" or (len(b) == 1 and (b[0] < 0x20 or b[0] == 0x7F)):
            out.append("".join("%%%02X" % x for x in b))
        else:
            out.append(ch)
    return "".join(out) + ".npy"


def compare(got, want):
    """None when `got` matches `want`, else what differs."""
    if got.dtype != want.dtype:
        return "dtype %s, expected %s" % (got.dtype, want.dtype)
    if got.shape != want.shape:
        return "shape %s, expected %s" % (got.shape, want.shape)
    if want.dtype.kind in "biu":
        bad = got != want
        if bad.any():
            i = np.flatnonzero(bad.ravel())[0]
            return "%d elements differ, first at flat index %d: %s, expected %s" % (
                bad.sum(), i, got.ravel()[i], want.ravel()[i])
        return None
    if want.dtype.kind == "f":
        g = got.astype(np.float64).ravel()
        w = want.astype(np.float64).ravel()
        gnan, wnan = np.isnan(g), np.isnan(w)
        with np.errstate(invalid="ignore"):
            close = np.abs(g - w) <= ATOL + RTOL * np.abs(w)
        close |= (g == w)  # infinities
        close &= ~(gnan | wnan)
        close |= gnan & wnan
        if not close.all():
            i = np.flatnonzero(~close)[0]
            return "%d elements differ, first at flat index %d: %r, expected %r" % (
                (~close).sum(), i, g[i], w[i])
        return None
    if (got != want).any():
        return "values differ"
    return None


def first_error(text):
    for line in text.splitlines():
        if line.startswith("qc: error:"):
            return line
    return None


def run_case(qc, case_dir, work, timeout, use_const=True):
    name = os.path.basename(case_dir)
    cwork = os.path.join(work, name)
    shutil.rmtree(cwork, ignore_errors=True)
    os.makedirs(cwork)
    model_path = os.path.join(case_dir, "model.onnx")
    try:
        model = onnx.load(model_path)
    except Exception as e:  # the harness cannot read it: not qc's fault
        return name, "rejected", "harness: onnx.load failed: %s" % e
    inits = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    outputs = [o.name for o in model.graph.output]
    const = static_inputs(model) if use_const else set()
    sets = sorted(d for d in os.listdir(case_dir) if d.startswith("test_data_set_"))
    if not sets:
        return name, "rejected", "harness: no test_data_set"
    for s in sets:
        sdir = os.path.join(case_dir, s)
        args = [qc, "run", model_path, "--output-dir", os.path.join(cwork, "out_" + s)]
        for k, info in enumerate(inputs):
            in_name = info.name
            if not info.type.HasField("tensor_type"):
                continue  # a sequence / optional: qc refuses it at import
            pb = os.path.join(sdir, "input_%d.pb" % k)
            if not os.path.exists(pb):
                return name, "rejected", "harness: %s has no input_%d.pb" % (s, k)
            try:
                arr = load_pb(pb)
            except Exception as e:
                return name, "rejected", "harness: cannot read %s: %s" % (pb, e)
            npy = os.path.join(cwork, "%s_in%d.npy" % (s, k))
            np.save(npy, arr)
            flag = "--const-input" if in_name in const else "--input"
            args += [flag, "%s=%s" % (in_name, npy)]
        try:
            proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=timeout, preexec_fn=lambda: os.nice(10))
        except subprocess.TimeoutExpired:
            return name, "crash", "time-out after %d s" % timeout
        err = proc.stderr.decode(errors="replace")
        if proc.returncode < 0:
            return name, "crash", "signal %s; stderr: %s" % (
                signal.Signals(-proc.returncode).name, err.strip()[-300:])
        if proc.returncode != 0:
            reason = first_error(err)
            if proc.returncode == 1 and reason:
                return name, "rejected", reason
            return name, "crash", "exit %d without a qc: error: line; stderr: %s" % (
                proc.returncode, err.strip()[-300:])
        for k, out_name in enumerate(outputs):
            if not out_name:
                continue
            want = load_pb(os.path.join(sdir, "output_%d.pb" % k))
            path = os.path.join(cwork, "out_" + s, npy_name(out_name))
            if not os.path.exists(path):
                return name, "wrong", "output '%s' not written" % out_name
            got = np.load(path)
            diff = compare(got, want)
            if diff:
                status = "divergent" if name in DIVERGENT else "wrong"
                return name, status, "%s output '%s': %s" % (s, out_name, diff)
    shutil.rmtree(cwork, ignore_errors=True)
    return name, "pass", ""


def case_inputs(model, case_dir, s, cwork, use_const=True):
    """[(flag, input name, .npy path)] of test data set `s`, written from its .pb files."""
    inits = {t.name for t in model.graph.initializer}
    const = static_inputs(model) if use_const else set()
    bound = []
    for k, info in enumerate(i for i in model.graph.input if i.name not in inits):
        if not info.type.HasField("tensor_type"):
            continue
        npy = os.path.join(cwork, "%s_in%d.npy" % (s, k))
        np.save(npy, load_pb(os.path.join(case_dir, s, "input_%d.pb" % k)))
        bound.append(("--const-input" if info.name in const else "--input", info.name, npy))
    return bound


def export_case(qc, case_dir, work, timeout):
    """qc export-onnx of a passing case: (name, status, reason, ORT jobs)."""
    name = os.path.basename(case_dir)
    cwork = os.path.join(work, name)
    shutil.rmtree(cwork, ignore_errors=True)
    os.makedirs(cwork)
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    sets = sorted(d for d in os.listdir(case_dir) if d.startswith("test_data_set_"))
    jobs = []
    for s in sets:
        bound = case_inputs(model, case_dir, s, cwork)
        exported = os.path.join(cwork, s + ".onnx")
        for args in ([qc, "export-onnx", os.path.join(case_dir, "model.onnx"), "-o", exported] +
                     ["--const-input=%s=%s" % (n, p) for f, n, p in bound if f == "--const-input"],):
            try:
                proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      timeout=timeout, preexec_fn=lambda: os.nice(10))
            except subprocess.TimeoutExpired:
                return name, "crash", "%s: time-out after %d s" % (args[1], timeout), []
            err = proc.stderr.decode(errors="replace")
            if proc.returncode != 0:
                reason = first_error(err)
                if proc.returncode == 1 and reason:
                    return name, "rejected", "%s: %s" % (args[1], reason), []
                return name, "crash", "%s: exit %d; stderr: %s" % (
                    args[1], proc.returncode, err.strip()[-300:]), []
        jobs.append({"model": exported, "output_dir": os.path.join(cwork, "ort_" + s),
                     "inputs": {n: p for f, n, p in bound if f == "--input"},
                     "set": os.path.join(case_dir, s),
                     "outputs": [o.name for o in model.graph.output]})
    return name, "pending", "", jobs


def ort_file_name(name):
    """ort_run.js's file name for output `name`."""
    s = "".join(ch if (ch.isascii() and (ch.isalnum() or ch in "._-")) else "_" for ch in name)
    return ("_" + s if s in ("", ".", "..") else s) + ".npy"


def run_exports(qc, ort_run, cases, work, jobs_n, timeout):
    """--export: the results of every case in `cases` (the passing ones)."""
    results = {}
    with concurrent.futures.ThreadPoolExecutor(jobs_n) as pool:
        futs = [pool.submit(export_case, qc, c, work, timeout) for c in cases]
        pending = []
        for f in futs:
            name, status, reason, jobs = f.result()
            if status == "pending":
                pending.append((name, jobs))
            else:
                results[name] = (status, reason)
    manifest = os.path.join(work, "ort_jobs.json")
    with open(manifest, "w") as f:
        json.dump([{k: j[k] for k in ("model", "output_dir", "inputs")}
                   for _, jobs in pending for j in jobs], f)
    proc = subprocess.run(["node", ort_run, "--batch", manifest, "--graph-opt", "disabled"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit("conformance: %s --batch failed: %s" % (ort_run, proc.stderr.strip()))
    ort = {}
    for line in proc.stdout.splitlines():
        if line.startswith("ok "):
            ort[line[3:]] = None
        elif line.startswith("error "):
            model, _, msg = line[6:].partition(": ")
            ort[model] = msg
    for name, jobs in pending:
        status, reason = "pass", ""
        for j in jobs:
            if j["model"] not in ort:
                status, reason = "ort-error", "no result from %s" % ort_run
            elif ort[j["model"]] is not None:
                msg = ort[j["model"]]
                status = ("ort-unsupported" if "Could not find an implementation" in msg
                          else "ort-error")
                reason = msg
            else:
                for k, out_name in enumerate(j["outputs"]):
                    if not out_name:
                        continue
                    want = load_pb(os.path.join(j["set"], "output_%d.pb" % k))
                    got = np.load(os.path.join(j["output_dir"], ort_file_name(out_name)))
                    diff = compare(got, want)
                    if diff:
                        status, reason = "wrong", "output '%s': %s" % (out_name, diff)
                        break
            if status != "pass":
                break
        results[name] = (status, reason)
        if status == "pass":
            shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    return results


def check_divergent(results):
    """Messages for listed divergences that no longer diverge."""
    stale = []
    for name, status, _ in results:
        if name in DIVERGENT and status != "divergent":
            stale.append("conformance: %s is listed in DIVERGENT but is %s now; "
                         "update the list" % (name, status))
    return stale


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qc", required=True)
    p.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    p.add_argument("--work", required=True, help="scratch and result directory")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--timeout", type=int, default=60)
    p.add_argument("--min-pass", type=int, default=0)
    p.add_argument("--only", help="comma-separated case names")
    p.add_argument("--ops-doc", help="docs/ops.md to check against --gen-ops's output")
    p.add_argument("--gen-ops", help="scripts/gen_ops_md.py")
    p.add_argument("--no-const-input", action="store_true",
                   help="bind every input with --input (for a qc without --const-input)")
    p.add_argument("--export", action="store_true",
                   help="also export every passing case with qc export-onnx and run it in ONNX Runtime")
    p.add_argument("--export-min-pass", type=int, default=0)
    p.add_argument("--export-from", metavar="CONFORMANCE.txt",
                   help="with --export: take the passing cases from an earlier run's list instead of "
                        "running them (ctest's conformance.onnx_export)")
    p.add_argument("--ort-run", default=os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "ort", "ort_run.js"))
    a = p.parse_args()

    if not os.path.isdir(a.data):
        print("conformance: %s not found (Debian package libonnx-testdata, "
              "scripts/setup.sh installs it)" % a.data, file=sys.stderr)
        return 1
    cases = sorted(d for d in os.listdir(a.data)
                   if os.path.isfile(os.path.join(a.data, d, "model.onnx")))
    if a.only:
        want = set(a.only.split(","))
        cases = [c for c in cases if c in want]
    os.makedirs(a.work, exist_ok=True)
    if a.export_from:
        if not a.export:
            print("conformance: --export-from needs --export", file=sys.stderr)
            return 2
        with open(a.export_from) as f:
            passing = [line.split()[0] for line in f if line.split()[1:2] == ["pass"]]
        return report_exports(a, [os.path.join(a.data, n) for n in passing if n in cases])
    scratch = os.path.join(a.work, "cases")
    results = []
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futs = [pool.submit(run_case, a.qc, os.path.join(a.data, c), scratch, a.timeout,
                            not a.no_const_input)
                for c in cases]
        for f in futs:
            results.append(f.result())
    results.sort()
    counts = {"pass": 0, "wrong": 0, "rejected": 0, "crash": 0, "divergent": 0}
    report = os.path.join(a.work, "conformance.txt")
    with open(report, "w") as f:
        for name, status, reason in results:
            counts[status] += 1
            if status == "divergent":
                reason += " (known: %s)" % DIVERGENT[name]
            f.write("%s %s%s\n" % (name, status, (" " + reason) if reason else ""))
    for name, status, reason in results:
        if status in ("wrong", "crash"):
            print("%s %s %s" % (status.upper(), name, reason))
    summary = ("conformance: %d cases: %d pass, %d wrong, %d rejected, %d crash, "
               "%d divergent (list: %s)" % (len(results), counts["pass"], counts["wrong"],
                                            counts["rejected"], counts["crash"],
                                            counts["divergent"], report))
    print(summary)
    ok = True
    if a.ops_doc:
        gen = subprocess.run(["/usr/bin/python3", a.gen_ops, "--qc", a.qc],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(a.ops_doc) as f:
            current = f.read()
        if gen.returncode != 0:
            print("conformance: %s failed: %s" % (a.gen_ops, gen.stderr.decode().strip()))
            ok = False
        elif gen.stdout.decode() != current:
            print("conformance: %s is out of date with `qc ops`; regenerate it with "
                  "/usr/bin/python3 %s --qc %s -o %s" % (a.ops_doc, a.gen_ops, a.qc, a.ops_doc))
            ok = False
        else:
            print("conformance: %s matches `qc ops`" % a.ops_doc)
    stale = check_divergent(results) if not a.only else []
    for line in stale:
        print(line)
        ok = False
    if counts["wrong"] or counts["crash"]:
        ok = False
    if counts["pass"] < a.min_pass:
        print("conformance: %d pass, below the floor of %d" % (counts["pass"], a.min_pass))
        ok = False
    if a.export:
        passing = [os.path.join(a.data, n) for n, status, _ in results if status == "pass"]
        if report_exports(a, passing) != 0:
            ok = False
    return 0 if ok else 1


def report_exports(a, passing):
    """--export of the `passing` case directories: writes export.txt, prints the summary; 0 if fine."""
    ok = True
    exported = run_exports(a.qc, a.ort_run, passing, os.path.join(a.work, "export"), a.jobs,
                           a.timeout)
    ecounts = {"pass": 0, "wrong": 0, "rejected": 0, "ort-error": 0, "ort-unsupported": 0,
               "crash": 0}
    ereport = os.path.join(a.work, "export.txt")
    with open(ereport, "w") as f:
        for name in sorted(exported):
            status, reason = exported[name]
            ecounts[status] += 1
            f.write("%s %s%s\n" % (name, status, (" " + reason) if reason else ""))
            if status in ("wrong", "crash", "ort-error"):
                print("EXPORT-%s %s %s" % (status.upper(), name, reason))
    print("conformance export: %d passing cases exported: %d pass, %d wrong, %d rejected, "
          "%d ort-error, %d ort-unsupported, %d crash (list: %s)" % (
              len(exported), ecounts["pass"], ecounts["wrong"], ecounts["rejected"],
              ecounts["ort-error"], ecounts["ort-unsupported"], ecounts["crash"], ereport))
    if ecounts["wrong"] or ecounts["crash"] or ecounts["ort-error"]:
        ok = False
    if ecounts["pass"] < a.export_min_pass:
        print("conformance export: %d pass, below the floor of %d" % (ecounts["pass"],
                                                                     a.export_min_pass))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
