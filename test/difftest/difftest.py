#!/usr/bin/python3
"""Differential random-graph testing (docs/robustness.md, "Differential testing").

Random quantized programs (gen.py, one seed per graph, many graphs packed into
one program) are lowered with qc-opt --qc-lower-to-integer, run by the
reference executor (`qc run`) and compiled for every target: each x86 variant
this CPU runs (`qc run --compiled --target T`, in-process) and, when clang-19,
qemu-aarch64 and the AArch64 sysroot are installed, aarch64-dotprod and
aarch64-i8mm (`qc compile`, linked with libqcrt and run_packed.c, run under
`qemu-aarch64 -cpu max`). Every output must equal the reference's byte for
byte. A tool that fails on a packed program is rerun graph by graph to name
the seed. Also reports which ops of the generated graphs did not lower to
integer ops.

  difftest.py --qc QC --qc-opt QC_OPT --count N [--start S] [--batch B] [--jobs J]
  difftest.py --qc QC --qc-opt QC_OPT --seed S        # replay one graph, keep its files
"""
import argparse
import collections
import concurrent.futures
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen  # noqa: E402

X86 = {
    "x86-64-avx2": ["avx2", "fma", "bmi2"],
    "x86-64-avxvnni": ["avx2", "fma", "bmi2", "avx_vnni"],
    "x86-64-avx512vnni": ["avx2", "fma", "bmi2", "avx512f", "avx512bw", "avx512vl",
                          "avx512dq", "avx512cd", "avx512_vnni"],
}
AARCH64 = ["aarch64-dotprod", "aarch64-i8mm"]
SYSROOT = "/usr/aarch64-linux-gnu"
INTEGER_OPS = {"qconv2d", "qlinear", "qadd", "qmul", "qmax_pool2d", "qavg_pool2d", "qlut",
               "qresize", "qconv_transpose2d", "qmatmul", "qmax", "qmin",
               "qrequantize", "constant"}
MOVE_OPS = {"reshape", "flatten", "transpose", "slice", "concat"}


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


# x86 targets whose one missing feature the runner can emulate: on a CPU
# with AVX2, FMA and BMI2 but without AVX-VNNI, x86-64-avxvnni runs natively
# except for its {vex} vpdpbusd(s) / vpdpwssd(s), which vnni_emulation.c's SIGILL handler
# computes (the object's encoding is still checked by check_vex_vnni).
EMULABLE = {"x86-64-avxvnni": ("avx_vnni", "QC_ISA_X86_AVXVNNI")}


def detect_targets():
    """(targets run here, targets skipped, targets of `targets` emulated)."""
    flags = cpu_flags()
    targets, skipped, emulated = [], [], []
    for t, need in X86.items():
        missing = [f for f in need if f not in flags]
        if not missing:
            targets.append(t)
        elif t in EMULABLE and missing == [EMULABLE[t][0]] and platform.machine() == "x86_64":
            targets.append(t)
            emulated.append(t)
        else:
            skipped.append(t)
    aarch_ok = (shutil.which("clang-19") and shutil.which("qemu-aarch64")
                and os.path.exists(os.path.join(SYSROOT, "include", "stdio.h")))
    for t in AARCH64:
        (targets if aarch_ok else skipped).append(t)
    return targets, skipped, emulated


class ToolError(Exception):
    pass


class Timeout(Exception):
    def __init__(self, cmd):
        super().__init__("timeout")
        self.cmd = cmd


def run(cmd, timeout, stats=None, phase=None, env=None):
    """Runs cmd under nice 10; raises ToolError on a non-zero exit, Timeout
    after `timeout` seconds. Adds (processes, wall s, CPU s) to stats[phase]
    (the child's own rusage, so concurrent batches do not mix)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.time()
        p = subprocess.Popen(["nice", "-n", "10"] + cmd, stdout=out, stderr=err, env=env)
        killed = []
        timer = threading.Timer(timeout, lambda: (killed.append(1), p.kill()))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        if stats is not None and phase:
            st = stats.setdefault(phase, [0, 0.0, 0.0])
            st[0] += 1
            st[1] += time.time() - t0
            st[2] += ru.ru_utime + ru.ru_stime
        if killed:
            raise Timeout(cmd)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    if p.returncode != 0:
        raise ToolError("%s exited %d: %s" % (os.path.basename(cmd[0]), p.returncode,
                                              (stderr.strip() or stdout.strip())[-600:]))
    return stdout


def build_runtime(work, arch, emulate=None):
    """libqcrt and run_packed.c compiled from source for `arch` (x86_64:
    natively with clang-19 or cc; aarch64: clang-19
    --target=aarch64-linux-gnu), once per run; each packed program's object
    is linked with them. emulate: a QC_ISA_* feature the runtime reports as
    present, with vnni_emulation.c linked in to provide it."""
    out = os.path.join(work, "%s-rt" % arch + ("-" + emulate if emulate else ""))
    os.makedirs(out, exist_ok=True)
    cc = native_cc() if arch == "x86_64" else "clang-19"
    flags = [] if arch == "x86_64" else ["--target=aarch64-linux-gnu"]
    if emulate:
        flags.append("-DQCRT_TEST_EMULATED_ISA=" + emulate)
    objs = []
    for src in [os.path.join(ROOT, "runtime/lib", f)
                for f in ("cpu_features.c", "profile.c", "runtime.c", "thread_pool.c")] + [
                    os.path.join(HERE, "run_packed.c")] + (
                        [os.path.join(HERE, "vnni_emulation.c")] if emulate else []):
        o = os.path.join(out, os.path.basename(src) + ".o")
        run([cc] + flags + ["-std=c11", "-O2", "-c", "-DQC_MODEL_DESC=model_desc",
                            "-I" + os.path.join(ROOT, "runtime/include"),
                            "-I" + ROOT, src, "-o", o], 300)
        objs.append(o)
    return objs


def native_cc():
    return shutil.which("clang-19") or shutil.which("cc") or "cc"


def check_vex_vnni(obj):
    """For x86-64-avxvnni when this CPU cannot run it: its object must use
    the VEX form of VNNI ({vex} vpdpbusd on ymm) and no AVX-512 (no zmm
    register, no EVEX-only instruction). Returns an error message or None."""
    p = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return "objdump %s failed: %s" % (obj, p.stderr.strip()[-300:])
    text = p.stdout
    for insn in ("vpdpbusd", "vpdpwssd"):
        if re.search(r"(?<!\{vex\}\t)(?<!\{vex\} )\b%s" % insn, text):
            return "%s: %s without the {vex} prefix (EVEX form)" % (obj, insn)
    if re.search(r"%zmm|%k[1-7]\b|\{evex\}", text):
        return "%s: AVX-512 code (zmm / mask registers / EVEX) in an x86-64-avxvnni object" % obj
    if "qc_gemm_" in text and "{vex} vpdpbusd" not in text:
        return "%s: GEMM kernels without {vex} vpdpbusd" % obj
    return None


def lowering_report(int_mlir, program_seed=None):
    """{seed: [(op, kind)]} of the ops that stayed float (or quantize /
    dequantize inside a graph) in the lowered program, located by gen.py's
    loc("g<seed>:<kind>"). With program_seed (--program), an op without such
    a location counts for that seed (a dequantize there is taken as an
    output's)."""
    text = open(int_mlir).read()
    aliases = dict(re.findall(r'^(#loc\d*) = loc\("([^"]*)"\)', text, re.M))
    bad = collections.defaultdict(list)
    for m in re.finditer(r'= qc\.(\w+) (.*) loc\((#loc\d*|"[^"]*")\)$', text, re.M):
        op, rest, loc = m.groups()
        loc = aliases.get(loc, loc.strip('"'))
        if not re.match(r"g\d+:", loc):
            if program_seed is None:
                continue
            loc = "g%d:output" % program_seed if op == "dequantize" else "g%d:%s" % (
                program_seed, op)
        seed, kind = loc.split(":", 1)
        if op in INTEGER_OPS:
            continue
        if op in MOVE_OPS and "f32" not in rest:
            continue
        if op == "dequantize" and kind == "output":
            continue
        bad[int(seed[1:])].append("%s@%s" % (op, kind))
    return bad


def load_outputs_bin(path, refs, names):
    data = open(path, "rb").read()
    out, off = {}, 0
    for n in names:
        r = refs[n]
        size = r.nbytes
        out[n] = np.frombuffer(data[off:off + size], dtype=r.dtype).reshape(r.shape)
        off += size
    if off != len(data):
        raise ToolError("%s: %d bytes, expected %d" % (path, len(data), off))
    return out


def compare(refs, got, target, threads):
    """[(seed, message)] for every output that differs."""
    bad = []
    for name, r in refs.items():
        g = got.get(name)
        m = re.match(r"g(\d+)_", name)
        seed = int(m.group(1)) if m else 0
        if g is None:
            bad.append((seed, "%s: no output %s" % (target, name)))
            continue
        if g.dtype != r.dtype or g.shape != r.shape or g.tobytes() != r.tobytes():
            if g.dtype != r.dtype or g.shape != r.shape:
                bad.append((seed, "%s t%d: %s is %s%s, expected %s%s" % (
                    target, threads, name, g.dtype, list(g.shape), r.dtype, list(r.shape))))
                continue
            d = np.argwhere(r != g) if r.dtype != np.float32 else np.argwhere(
                r.view(np.uint32) != g.view(np.uint32))
            first = tuple(d[0])
            diff = (np.abs(r.astype(np.float64) - g.astype(np.float64)).max()
                    if r.dtype != np.float32 else float("nan"))
            bad.append((seed, "%s t%d: %s: %d of %d values differ (max %s), first at %s: "
                        "reference %s, compiled %s" % (target, threads, name, len(d), r.size,
                                                       diff, list(first), r[first], g[first])))
    return bad


def program_inputs(program, seed, d):
    """For --program: copies the program to d/model.mlir and writes random
    inputs (full 8-bit range, from `seed`) for its @main arguments."""
    text = open(program).read()
    header = re.search(r"func\.func @main\((.*?)\)\s*->\s*\((.*?)\)\s*(attributes.*?)?\{",
                       text, re.S)
    if not header:
        raise ToolError("%s: no func.func @main(...) -> (...)" % program)
    arg = r'tensor<((?:\d+x)*)(ui8|i8|f32)>\s*\{qc\.name = "([^"]+)"\}'
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(d, "in"), exist_ok=True)
    inputs = []
    for dims, et, name in re.findall(arg, header.group(1)):
        shape = [int(x) for x in dims.split("x") if x]
        if et == "f32":
            data = rng.standard_normal(shape).astype(np.float32)
        else:
            lo, hi = gen.RANGES[et]
            data = rng.integers(lo, hi + 1, size=shape).astype(gen.NP_DTYPES[et])
        np.save(os.path.join(d, "in", name + ".npy"), data)
        inputs.append(name)
    outputs = [name for _, _, name in re.findall(arg, header.group(2))]
    shutil.copy(program, os.path.join(d, "model.mlir"))
    return {"inputs": inputs, "outputs": outputs}


class Batch:
    """One packed program: its graphs generated, lowered, run by the
    reference executor, and compiled once per target; each target's object is
    linked once with libqcrt and run_packed.c and run with every thread count
    (natively, or under qemu for AArch64)."""

    def __init__(self, args, seeds, threads, rt, label=None):
        self.a, self.seeds, self.threads, self.rt = args, seeds, threads, rt
        self.dir = os.path.join(args.work, label or ("b%d" % seeds[0] if len(seeds) > 1 else
                                                     "g%d" % seeds[0]))

    def run(self):
        """Returns a result dict; never raises."""
        res = {"seeds": self.seeds, "threads": self.threads, "mismatches": [], "errors": [],
               "compared": collections.Counter(), "runs": collections.Counter(),
               "compiled": collections.Counter(), "not_lowered": {}, "kinds": {},
               "stats": {}, "splits": 0}
        try:
            self._run(res)
        except (ToolError, Timeout) as e:
            msg = str(e) if isinstance(e, ToolError) else "timeout (%d s): %s" % (
                self.a.timeout, " ".join(e.cmd)[:300])
            if len(self.seeds) == 1:
                res["errors"].append((self.seeds[0], msg))
            else:
                # Find the graph(s) responsible by halving the pack: a single
                # bad graph among N costs about 2 log2(N) smaller programs.
                res["splits"] += 1
                half = len(self.seeds) // 2
                for part in (self.seeds[:half], self.seeds[half:]):
                    sub = Batch(self.a, part, self.threads, self.rt).run()
                    for k in ("mismatches", "errors"):
                        res[k] += sub[k]
                    for k in ("compared", "runs", "compiled"):
                        res[k].update(sub[k])
                    for k in ("not_lowered", "kinds"):
                        res[k].update(sub[k])
                    for ph, st in sub["stats"].items():
                        acc = res["stats"].setdefault(ph, [0, 0.0, 0.0])
                        for i in range(3):
                            acc[i] += st[i]
                    res["splits"] += sub["splits"]
                if not res["errors"]:
                    res["errors"].append((self.seeds[0], "batch %d..%d failed but no part of it "
                                          "does: %s" % (self.seeds[0], self.seeds[-1], msg)))
        if not self.a.keep and not res["errors"] and not res["mismatches"]:
            shutil.rmtree(self.dir, ignore_errors=True)
        return res

    def _run(self, res):
        a, d, st = self.a, self.dir, res["stats"]
        shutil.rmtree(d, ignore_errors=True)
        t0 = time.time()
        if a.program:
            manifest = program_inputs(a.program, self.seeds[0], d)
            res["kinds"] = {self.seeds[0]: []}
        else:
            graphs = gen.write(self.seeds, d)
            res["kinds"] = {g.seed: g.kinds for g in graphs}
            manifest = json.load(open(os.path.join(d, "manifest.json")))
        g = st.setdefault("generate (gen.py, in-process)", [0, 0.0, 0.0])
        g[0] += 1
        g[1] += time.time() - t0
        model, lowered = os.path.join(d, "model.mlir"), os.path.join(d, "int.mlir")
        run([a.qc_opt, model, "--qc-lower-to-integer", "--mlir-print-debuginfo", "-o", lowered],
            a.timeout, st, "lower (qc-opt)")
        res["not_lowered"] = {s: v for s, v in lowering_report(
            lowered, self.seeds[0] if a.program else None).items()}
        if a.lower_only:
            return
        inputs = []
        for n in manifest["inputs"]:
            inputs += ["--input", "%s=%s" % (n, os.path.join(d, "in", n + ".npy"))]
        run([a.qc, "run", lowered, "--output-dir", os.path.join(d, "ref")] + inputs, a.timeout,
            st, "reference (qc run)")
        refs = {n: np.load(os.path.join(d, "ref", n + ".npy")) for n in manifest["outputs"]}
        in_bin = os.path.join(d, "in.bin")
        with open(in_bin, "wb") as f:
            for n in manifest["inputs"]:
                f.write(np.load(os.path.join(d, "in", n + ".npy")).tobytes())
        for t in a.compile_only:
            out = os.path.join(d, t)
            run([a.qc, "compile", lowered, "--target", t, "--name", "model", "-o", out] +
                a.llvm_args, a.timeout, st, "compile %s (qc compile, not run)" % t)
            if t == "x86-64-avxvnni":
                err = check_vex_vnni(os.path.join(out, "model.o"))
                if err:
                    raise ToolError(err)
            res["compiled"][t] += len(self.seeds)
        for t in a.targets:
            for threads, got in self._compiled(t, lowered, manifest, refs, in_bin, st):
                res["mismatches"] += compare(refs, got, t, threads)
                res["runs"][t] += len(self.seeds)
            res["compared"][t] += len(self.seeds)

    def _compiled(self, t, lowered, manifest, refs, in_bin, st):
        """qc compile for t, one link, one run per thread count: yields
        (threads, outputs)."""
        a = self.a
        out = os.path.join(self.dir, t)
        os.makedirs(out, exist_ok=True)
        run([a.qc, "compile", lowered, "--target", t, "--name", "model", "-o", out] +
            a.llvm_args, a.timeout, st, "compile %s (qc compile)" % t)
        exe = os.path.join(out, "run")
        arch = "aarch64" if t in AARCH64 else "x86_64"
        cc = [native_cc()] if arch == "x86_64" else ["clang-19", "--target=aarch64-linux-gnu"]
        if shutil.which("ld.lld") or shutil.which("ld.lld-19"):
            cc.append("-fuse-ld=lld")
        if t in self.a.emulated:
            err = check_vex_vnni(os.path.join(out, "model.o"))
            if err:
                raise ToolError(err)
        rt = self.rt[t if t in self.a.emulated else arch]
        run(cc + [os.path.join(out, "model.o")] + rt + ["-lpthread", "-lm", "-o", exe],
            a.timeout, st, "link %s" % arch)
        expect = (["in " + n for n in manifest["inputs"]] +
                  ["out " + n for n in manifest["outputs"]])
        for threads in self.threads:
            names = os.path.join(out, "names.txt")
            out_bin = os.path.join(out, "out.t%d.bin" % threads)
            cmd = [exe, str(threads), in_bin, out_bin, names]
            if arch == "aarch64":
                cmd = ["qemu-aarch64", "-L", SYSROOT, "-cpu", "max"] + cmd
            run(cmd, a.timeout, st, "run %s (%s)" % (t, "qemu" if arch == "aarch64" else
                                                     "VNNI emulated" if t in a.emulated else
                                                     "native"))
            if open(names).read().split("\n")[:-1] != expect:
                raise ToolError("%s: the descriptor's tensor order is not the program's" % t)
            yield threads, load_outputs_bin(out_bin, refs, manifest["outputs"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qc", required=True)
    ap.add_argument("--qc-opt", required=True)
    ap.add_argument("--start", type=int, default=1, help="first graph seed")
    ap.add_argument("--count", type=int, default=200, help="number of graphs")
    ap.add_argument("--seed", type=int, help="replay this one graph (keeps its files)")
    ap.add_argument("--program", help="check this Q/DQ program instead of generated graphs "
                    "(inputs from --seed, default 1): test/difftest/regressions")
    ap.add_argument("--batch", type=int, default=100, help="graphs per compiled program")
    ap.add_argument("--jobs", type=int, default=2, help="batches run at once")
    ap.add_argument("--threads", default="1,2,3",
                    help="thread counts; every graph's object is run with each of them")
    ap.add_argument("--targets", help="comma-separated (default: every target this host runs)")
    ap.add_argument("--no-compile-only", action="store_true",
                    help="skip the x86 variants this CPU cannot run (default: compile them, "
                    "so that compile errors still count, without running them)")
    ap.add_argument("--compile-only", dest="compile_only_targets",
                    help="comma-separated targets to compile without running (as for an x86 "
                    "variant this CPU lacks; x86-64-avxvnni objects must be VEX code)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the files of passing batches")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per tool run")
    ap.add_argument("--report", help="also write the summary as JSON here")
    ap.add_argument("--lower-only", action="store_true",
                    help="only generate and lower (coverage and the lowering report), run nothing")
    ap.add_argument("--time-limit", type=float, default=0,
                    help="seconds; batches not started by then are skipped (0: no limit)")
    ap.add_argument("--llvm-arg", action="append", default=[], dest="llvm_args",
                    help="an LLVM option passed to every qc compile (experiments only, e.g. "
                    "--llvm-arg=--time-passes; results are not the shipped code's then)")
    a = ap.parse_args()

    targets, skipped, emulated = detect_targets()
    if a.targets:
        want = a.targets.split(",")
        for t in want:
            if t not in X86 and t not in AARCH64:
                sys.exit("difftest: unknown target %s" % t)
            if t in skipped:
                sys.exit("difftest: target %s does not run here" % t)
        targets = want
    a.targets = [] if a.lower_only else targets
    a.emulated = [t for t in emulated if t in a.targets]
    a.compile_only = [] if a.lower_only or a.targets != detect_targets()[0] or a.no_compile_only else [
        t for t in skipped if t in X86]
    if a.compile_only_targets:
        a.compile_only = []
        for t in a.compile_only_targets.split(","):
            if t not in X86 and t not in AARCH64:
                sys.exit("difftest: unknown target %s" % t)
            if t in a.targets:
                sys.exit("difftest: %s is both run (--targets) and compiled only" % t)
            a.compile_only.append(t)
            print("COMPILE ONLY: %s (--compile-only): its results are NOT checked" % t, flush=True)
    for t in skipped:
        print("SKIP: %s does not run on this host: %s" % (t, (
            "its CPU features (%s) are not all in /proc/cpuinfo; compiled only (a compile error "
            "still fails%s), its results are NOT checked" % (
                ", ".join(X86[t]), "; the object must be VEX code: {vex} vpdpbusd, no zmm / EVEX"
                if t == "x86-64-avxvnni" else "")
            if t in a.compile_only else
            "not run, not compiled" if t in X86 else
            "needs clang-19, qemu-aarch64 and %s" % SYSROOT)), flush=True)
    os.makedirs(a.work, exist_ok=True)
    for t in a.emulated:
        print("EMULATED: %s: this CPU lacks %s; its {vex} vpdpbusd(s) / vpdpwssd(s) run in a SIGILL handler "
              "(vnni_emulation.c), the rest natively; results are checked, the encoding too"
              % (t, EMULABLE[t][0]), flush=True)
    rt = {arch: build_runtime(a.work, arch) for arch in ("x86_64", "aarch64")
          if any((t in AARCH64) == (arch == "aarch64") for t in a.targets)}
    for t in a.emulated:
        rt[t] = build_runtime(a.work, "x86_64", EMULABLE[t][1])
    threads = [int(t) for t in a.threads.split(",")]

    if a.program and a.seed is None:
        a.seed = 1
    if a.seed is not None:
        a.keep = True
        batches = [Batch(a, [a.seed], threads, rt)]
    else:
        seeds = list(range(a.start, a.start + a.count))
        batches = [Batch(a, seeds[i:i + a.batch], threads, rt)
                   for i in range(0, len(seeds), a.batch)]
    t0 = time.time()
    total = collections.Counter()
    runs = collections.Counter()
    stats = {}
    splits = 0
    compiled = collections.Counter()
    kinds = collections.Counter()
    not_lowered = {}
    by_design = set()  # graphs with a layer qc-lower-to-integer does not take (gen.py)
    mismatches, errors = [], []
    graphs = 0
    seen = set()
    done = 0
    skipped_batches = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        def start(b):
            if a.time_limit and time.time() - t0 > a.time_limit:
                return None
            return b.run()
        for res in pool.map(start, batches):
            done += 1
            if res is None:
                skipped_batches += 1
                continue
            total.update(res["compared"])
            runs.update(res["runs"])
            splits += res["splits"]
            for ph, st in res["stats"].items():
                acc = stats.setdefault(ph, [0, 0.0, 0.0])
                for i in range(3):
                    acc[i] += st[i]
            compiled.update(res["compiled"])
            for s, ks in res["kinds"].items():
                kinds.update(set(ks))
                if any(k.endswith("_float") for k in ks):
                    by_design.add(s)
            seen.update(res["kinds"])
            graphs = len(seen)
            not_lowered.update(res["not_lowered"])
            for s, m in res["mismatches"]:
                print("MISMATCH seed %d: %s" % (s, m), flush=True)
            for s, m in res["errors"]:
                print("ERROR seed %d: %s" % (s, m), flush=True)
            mismatches += res["mismatches"]
            errors += res["errors"]
            if len(batches) > 1:
                # One line per pack, so that an interrupted run still says
                # which seeds passed.
                print("[%d/%d packs, %.0f s] seeds %d..%d: %s; graphs compared so far: %d" % (
                    done, len(batches), time.time() - t0, res["seeds"][0], res["seeds"][-1],
                    "ok" if not res["mismatches"] and not res["errors"] else "%d mismatches, %d "
                    "errors" % (len(res["mismatches"]), len(res["errors"])),
                    min(total.values()) if total else 0), flush=True)
    elapsed = time.time() - t0
    if skipped_batches:
        print("time limit: %d of %d batches not run" % (skipped_batches, len(batches)))
    unexpected = {s: v for s, v in not_lowered.items() if s not in by_design}
    reasons = collections.Counter(r for v in unexpected.values() for r in set(v))
    lowered_graphs = graphs - len(not_lowered)
    print("graphs: %d; graphs compared per target: %s" % (graphs, ", ".join(
        "%s %d" % (t, total[t]) for t in a.targets)) + "".join(
        "; compiled only (not run): %s %d" % (t, compiled[t]) for t in a.compile_only))
    print("runs compared per target (graph x thread count, threads %s): %s" % (
        ",".join(str(t) for t in threads), ", ".join("%s %d" % (t, runs[t]) for t in a.targets)))
    print("fully integer after qc-lower-to-integer: %d of %d graphs (%.2f %%); float by design "
          "(a broadcasting add, asymmetric weights, a per-channel prelu): %d, of which still float: %d; "
          "unexpectedly float: %d" % (
              lowered_graphs, graphs, 100.0 * lowered_graphs / max(graphs, 1), len(by_design),
              len(set(not_lowered) & by_design), len(unexpected)))
    for r, n in reasons.most_common():
        print("  not lowered: %s in %d graphs (e.g. seed %d)" % (
            r, n, next(s for s, v in sorted(unexpected.items()) if r in v)))
    print("coverage (graphs containing): " + ", ".join(
        "%s %d" % kv for kv in sorted(kinds.items())))
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime
    if stats and graphs:
        # Where the time goes: each tool's own CPU time (its rusage), summed
        # over the batches; wall time is longer when batches run at once or
        # the machine is shared.
        total_cpu = sum(v[2] for v in stats.values()) or 1.0
        print("profile (phase: processes, CPU-s, CPU-s per graph, share of the tools' CPU; wall-s):")
        for ph, (n, wall, c) in sorted(stats.items(), key=lambda kv: -kv[1][2]):
            print("  %-46s %6d %9.1f %8.3f %5.1f %%  %9.1f" % (
                ph, n, c, c / graphs, 100.0 * c / total_cpu, wall))
        if splits:
            print("  (%d packs split to find a failing graph: their reruns are included)" % splits)
    print("mismatching graphs: %d, failing graphs: %d, time %.0f s (tools: %.0f CPU-s, %.2f "
          "CPU-s per graph)" % (len({s for s, _ in mismatches}), len({s for s, _ in errors}),
                                elapsed, cpu, cpu / max(graphs, 1)))
    if a.seed is not None:
        for b in batches:
            print("files: %s (model.mlir, int.mlir, in/, ref/, <target>/)" % b.dir)
    if a.report:
        with open(a.report, "w") as f:
            json.dump({"graphs": graphs, "compared": dict(total), "runs": dict(runs),
                       "threads": threads, "compiled_only": dict(compiled),
                       "profile": {k: {"processes": v[0], "wall_s": v[1], "cpu_s": v[2]}
                                   for k, v in stats.items()},
                       "seconds": elapsed, "cpu_seconds": cpu,
                       "mismatches": mismatches, "errors": errors,
                       "not_lowered": {str(k): v for k, v in not_lowered.items()},
                       "float_by_design": sorted(by_design),
                       "coverage": dict(kinds)}, f, indent=1)
    return 1 if mismatches or errors else 0


if __name__ == "__main__":
    sys.exit(main())
