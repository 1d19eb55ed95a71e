#!/usr/bin/python3
"""The bad-input suite of qc (docs/robustness.md, "Bad-input suite").

Builds hostile inputs (malformed and adversarial ONNX models, bad .npy / .npz
files, bad MLIR and edited qparams, CLI misuse, full disks and file-size
limits) in a scratch folder, runs every `qc` command on them, one process per
case with a timeout, and checks what a user must be able to rely on:

  * the exit code: 1 for an error, 2 for a usage error (never a signal);
  * stderr starts with `qc: error:` and has no `LLVM ERROR`, assertion,
    sanitizer report, stack dump or raw control character;
  * the message names the culprit the case states (the ONNX node's name and
    op type, the attribute, the tensor, the file or the flag);
  * prior outputs survive: the case pre-creates the `-o` / output files with
    known content, they are byte-identical after the failure, and no partial
    or temporary file is left next to them.

A few cases feed hostile but legal input and check the result instead (NaN
semantics, C-safe generated headers, output-name collisions).

The runtime C API cases come from qc_robustness_capi (capi_cases.c), one
process per case as well.

  robustness.py --qc build/compiler/tools/qc/qc --capi build/test/robustness/qc_robustness_capi
  robustness.py ... --list                 list the cases
  robustness.py ... --only 'import/attr*'  run the cases matching a glob (or a substring)
  robustness.py ... --keep DIR             keep every hostile input (and a cmd.sh per case) in DIR

The last line is `N passed, N failed` (`, N skipped` when some cases cannot run
here, e.g. mounting a small tmpfs is not permitted).
"""
import argparse
import concurrent.futures
import fnmatch
import io
import os
import re
import resource
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PRIOR = b"PRIOR OUTPUT - must survive a failed command\n"
HUGE = 1 << 20  # a 2^20 x 2^20 plane is 2^40 elements: more than any machine
FORBIDDEN = [
    "LLVM ERROR", "Assertion", "assertion failed", "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
    "Stack dump", "PLEASE submit a bug report", "terminate called",
    "Segmentation fault", "core dumped", "std::bad_alloc", "Aborted",
]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


class Case:
    """One hostile input and what must happen.

    cmd:    argv; '{M}' is the shared model folder, '{D}' this case's folder.
    rc:     the exit code(s) expected (an int or a tuple); 0 means the input is
            legal and `check` judges the result.
    names:  strings stderr must contain (a tuple inside: any one of them).
    prior:  {path relative to {D}: bytes} created before, compared after; the
            folders holding them must not gain files either.
    setup:  fn(ctx, d) writing the case's hostile inputs into d.
    check:  fn(ctx, d, proc) -> None or a reason, for rc 0 (and (0, 1)) cases.
    """

    def __init__(self, name, cmd, rc=1, names=(), prior=None, setup=None,
                 check=None, timeout=None, env=None, fsize=None, tmpfs=None,
                 what="", watch=(), forbid=()):
        self.name = name
        self.cmd = cmd
        self.rc = rc if isinstance(rc, tuple) else (rc,)
        self.names = list(names)
        self.prior = dict(prior or {})
        self.setup = setup
        self.check = check
        self.timeout = timeout
        self.env = env or {}
        self.fsize = fsize
        self.tmpfs = tmpfs
        self.what = what
        self.watch = list(watch)  # extra folders (relative to {D}) that must not change
        self.forbid = list(forbid)  # regexes (multiline) stderr must not match

    @property
    def command(self):
        return self.name.split("/")[0]

    @property
    def group(self):
        return "/".join(self.name.split("/")[:2])


CASES = []


def case(*args, **kwargs):
    c = Case(*args, **kwargs)
    if any(x.name == c.name for x in CASES):
        raise SystemExit(f"duplicate case name {c.name}")
    CASES.append(c)
    return c


# --------------------------------------------------------------------------
# ONNX / npy builders
# --------------------------------------------------------------------------


def vinfo(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model_bytes(nodes, inputs, outputs, inits=(), opset=13, ir=7, name="g",
                domain_opsets=()):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs),
                              initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + [
        helper.make_opsetid(d, v) for d, v in domain_opsets]
    m = helper.make_model(graph, opset_imports=opsets,
                          producer_name="qc-robustness")
    m.ir_version = ir
    return m.SerializeToString()


def t(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def i64(name, values):
    return t(name, np.array(values, dtype=np.int64))


def f32(name, values):
    return t(name, np.array(values, dtype=np.float32))


def conv_weights(cout=4, cin=3, k=3):
    rng = np.random.default_rng(1)
    return (rng.standard_normal((cout, cin, k, k)) * 0.2).astype(np.float32)


def one_node(op, attrs=None, extra_inputs=(), inits=(), node="n0",
             x_shape=(1, 3, 8, 8), y_shape=None, opset=13, outputs=("y",),
             domain=None):
    """A model of one node reading x (and extra_inputs) writing outputs."""
    n = helper.make_node(op, ["x"] + list(extra_inputs), list(outputs),
                         name=node, **(attrs or {}))
    if domain is not None:
        n.domain = domain
    outs = [vinfo(o, y_shape) for o in outputs]
    dom = [(domain, 1)] if domain else []
    return model_bytes([n], [vinfo("x", list(x_shape))], outs, inits,
                       opset=opset, domain_opsets=dom)


def npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def npy_raw(header_dict_text, data=b"", magic=b"\x93NUMPY", version=(1, 0),
            header_len=None):
    """A .npy file with a hand-written header."""
    header = header_dict_text.encode("latin1")
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + b" " * pad + b"\n"
    n = len(header) if header_len is None else header_len
    return magic + bytes(version) + struct.pack("<H", n) + header + data


def npz_bytes(arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def writer(files):
    """setup that writes {relative path: bytes or fn(ctx)->bytes}."""
    def setup(ctx, d):
        for rel, data in files.items():
            if callable(data):
                data = data(ctx)
            write(os.path.join(d, rel), data)
    return setup


def chain(*setups):
    def setup(ctx, d):
        for s in setups:
            if s:
                s(ctx, d)
    return setup


# --------------------------------------------------------------------------
# The shared models (built once)
# --------------------------------------------------------------------------

X_SHAPE = (1, 3, 8, 8)


def build_shared(m):
    """Writes the shared float models and inputs into folder m."""
    w = conv_weights()
    b = np.linspace(-0.2, 0.2, 4).astype(np.float32)
    conv = helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv0",
                            pads=[1, 1, 1, 1])
    relu = helper.make_node("Relu", ["c"], ["y"], name="relu0")
    write(f"{m}/conv.onnx",
          model_bytes([conv, relu], [vinfo("x", list(X_SHAPE))],
                      [vinfo("y", [1, 4, 8, 8])], [t("w", w), t("b", b)]))
    rng = np.random.default_rng(0)
    x = rng.random(X_SHAPE, dtype=np.float32)
    write(f"{m}/x.npy", npy_bytes(x))
    write(f"{m}/calib.npy", npy_bytes(rng.random((4,) + X_SHAPE[1:],
                                                 dtype=np.float32)))
    write(f"{m}/calib.npz", npz_bytes({"x": rng.random((4,) + X_SHAPE[1:],
                                                       dtype=np.float32)}))
    # Two inputs.
    add = helper.make_node("Add", ["a", "b"], ["s"], name="add0")
    write(f"{m}/add2.onnx",
          model_bytes([add], [vinfo("a", [1, 4]), vinfo("b", [1, 4])],
                      [vinfo("s", [1, 4])]))
    write(f"{m}/a.npy", npy_bytes(np.ones((1, 4), np.float32)))
    # Relu alone (NaN semantics) and a dynamic batch.
    write(f"{m}/relu.onnx", one_node("Relu", node="relu0", x_shape=(1, 4),
                                     y_shape=[1, 4]))
    write(f"{m}/dyn.onnx", one_node("Relu", node="relu0", x_shape=("N", 4),
                                    y_shape=["N", 4]))
    write(f"{m}/nan4.npy", npy_bytes(np.array([[np.nan, -1, 2, np.nan]],
                                              np.float32)))
    write(f"{m}/xnan.npy", npy_bytes(np.full(X_SHAPE, np.nan, np.float32)))
    # A model whose MLIR is large (16k weights): fills a small disk.
    gw = (rng.standard_normal((256, 64)) * 0.1).astype(np.float32)
    gemm = helper.make_node("Gemm", ["x", "gw"], ["y"], name="gemm0", transB=1)
    write(f"{m}/big.onnx", model_bytes([gemm], [vinfo("x", [1, 64])],
                                       [vinfo("y", [1, 256])], [t("gw", gw)]))
    write(f"{m}/big_x.npy", npy_bytes(rng.random((1, 64), dtype=np.float32)))
    write(f"{m}/big_calib.npy", npy_bytes(rng.random((4, 64),
                                                     dtype=np.float32)))


class Context:
    def __init__(self, qc, capi, work, jobs, timeout, mem_limit, verbose):
        self.qc = qc
        self.capi = capi
        self.work = work
        self.models = os.path.join(work, "models")
        self.jobs = jobs
        self.timeout = timeout
        self.mem_limit = mem_limit
        self.verbose = verbose
        self.tmpfs_ok = None
        self.tmpfs_why = ""
        self._lock = threading.Lock()
        self._derived = {}

    def qc_run(self, args, **kw):
        return subprocess.run([self.qc] + args, capture_output=True,
                              timeout=300, **kw)

    def derived(self, name):
        """Artifacts made by qc itself from the shared models (built once)."""
        with self._lock:
            if name in self._derived:
                return self._derived[name]
            m = self.models
            path = None
            if name == "conv.q.mlir":
                path = f"{m}/conv.q.mlir"
                p = self.qc_run(["quantize", f"{m}/conv.onnx", "--quantizer",
                                 "x86", "--calib", f"{m}/calib.npy", "--quiet",
                                 "-o", path])
            elif name == "conv.int.mlir":
                path = f"{m}/conv.int.mlir"
                p = self.qc_run(["quantize", f"{m}/conv.onnx", "--quantizer",
                                 "x86", "--calib", f"{m}/calib.npy", "--quiet",
                                 "--lower-to-integer", "-o", path])
            elif name == "conv.mlir":
                path = f"{m}/conv.mlir"
                p = self.qc_run(["import", f"{m}/conv.onnx", "-o", path])
            elif name == "big.q.mlir":
                path = f"{m}/big.q.mlir"
                p = self.qc_run(["quantize", f"{m}/big.onnx", "--quantizer",
                                 "x86", "--calib", f"{m}/big_calib.npy",
                                 "--quiet", "-o", path])
            elif name == "y.ref.npy":
                out = f"{m}/ref"
                p = self.qc_run(["run", f"{m}/conv.onnx", "--input",
                                 f"x={m}/x.npy", "--output-dir", out])
                path = f"{out}/y.npy"
            else:
                raise KeyError(name)
            if p.returncode != 0 or not os.path.exists(path):
                raise RuntimeError(f"cannot build {name}: {p.stderr.decode(errors='replace')}")
            self._derived[name] = path
            return path

    def text(self, name):
        with open(self.derived(name)) as f:
            return f.read()


# --------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------


def snapshot(folder):
    files = {}
    for root, dirs, names in os.walk(folder):
        for n in names + [x for x in dirs if os.path.islink(os.path.join(root, x))]:
            p = os.path.join(root, n)
            files[os.path.relpath(p, folder)] = None
    return files


def try_tmpfs(ctx, d):
    os.makedirs(d, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", d],
                       capture_output=True)
    if p.returncode != 0:
        return p.stderr.decode(errors="replace").strip() or "mount failed"
    return None


def fill_tmpfs(d, leave):
    """Fills the tmpfs at d so that only about `leave` bytes stay free."""
    st = os.statvfs(d)
    free = st.f_bavail * st.f_frsize
    if free > leave:
        with open(os.path.join(d, "filler"), "wb") as f:
            f.write(b"\0" * (free - leave))


# Process groups of the running cases, killed if the runner is stopped (a case
# blocked on a FIFO would otherwise outlive it).
LIVE = set()
LIVE_LOCK = threading.Lock()
STOP = threading.Event()


def kill_live(*_):
    STOP.set()
    with LIVE_LOCK:
        for pid in list(LIVE):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
    if _:
        sys.exit(1)


class Result:
    def __init__(self, case, status, klass="", reasons=(), rc=None,
                 stderr="", seconds=0.0):
        self.case = case
        self.status = status  # PASS FAIL SKIP
        self.klass = klass
        self.reasons = list(reasons)
        self.rc = rc
        self.stderr = stderr
        self.seconds = seconds
        self.known = False


def fmt(ctx, c, d, s):
    return s.replace("{M}", ctx.models).replace("{D}", d).replace(
        "{QC}", ctx.qc)


def run_case(ctx, c):
    d = os.path.join(ctx.work, "cases", c.name.replace("/", "__"))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    mounted = False
    try:
        if c.tmpfs:
            why = try_tmpfs(ctx, os.path.join(d, c.tmpfs))
            if why:
                return Result(c, "SKIP", reasons=[f"cannot mount a tmpfs: {why}"])
            mounted = True
        try:
            if c.setup:
                c.setup(ctx, d)
        except RuntimeError as e:  # a derived artifact could not be built
            return Result(c, "FAIL", "setup", [str(e)])
        for rel, data in c.prior.items():
            write(os.path.join(d, rel), data)
        if c.tmpfs:
            fill_tmpfs(os.path.join(d, c.tmpfs), 2048)
        argv = [fmt(ctx, c, d, a) for a in c.cmd]
        if argv[0] == "qc":
            argv[0] = ctx.qc
        elif argv[0] == "capi":
            argv[0] = ctx.capi
        env = dict(os.environ)
        env.pop("QC_NUM_THREADS", None)
        env.pop("QC_DISABLE_ISA", None)
        env.update({k: fmt(ctx, c, d, v) for k, v in c.env.items()})
        env.setdefault("QC_NUM_THREADS", "2")
        with open(d + ".cmd.sh", "w") as f:
            f.write("#!/bin/sh\n# " + c.what.replace("\n", " ") + "\n")
            for k, v in c.env.items():
                f.write(f"export {k}={shlex.quote(fmt(ctx, c, d, v))}\n")
            if c.fsize:
                f.write(f"ulimit -f {max(1, c.fsize // 1024)}  # SIGXFSZ ignored by the runner\n")
            f.write(" ".join(shlex.quote(a) for a in argv) + "\n")
            f.write(f"# expected exit {'/'.join(map(str, c.rc))}; stderr must name: {c.names}\n")
        watched = sorted({os.path.dirname(os.path.join(d, r)) for r in c.prior}
                         | {os.path.normpath(os.path.join(d, w)) for w in c.watch})
        before = {w: snapshot(w) for w in watched if os.path.isdir(w)}
        # Sanitizer runtimes reserve terabytes of address space.
        limit_as = 0 if c.command.endswith("asan") else ctx.mem_limit
        fsize = c.fsize

        def preexec():
            os.setsid()
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if limit_as:
                resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
            if fsize:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

        timeout = c.timeout or ctx.timeout
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=env, cwd=d, preexec_fn=preexec,
                                restore_signals=not fsize)
        with LIVE_LOCK:
            LIVE.add(proc.pid)
            if STOP.is_set():
                os.killpg(proc.pid, signal.SIGKILL)
        try:
            out, err = proc.communicate(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            hung = True
        finally:
            with LIVE_LOCK:
                LIVE.discard(proc.pid)
        seconds = time.monotonic() - start
        stderr = err.decode("utf-8", errors="replace")
        stdout = out.decode("utf-8", errors="replace")
        write(d + ".stderr.txt", err)
        write(d + ".stdout.txt", out)
        rc = proc.returncode
        reasons, klasses = [], []

        def bad(klass, reason):
            klasses.append(klass)
            reasons.append(reason)

        if hung:
            bad("hang", f"no exit after {timeout} s")
        elif rc < 0 or rc >= 128:
            sig = -rc if rc < 0 else rc - 128
            try:
                signame = signal.Signals(sig).name
            except ValueError:
                signame = str(sig)
            bad("crash", f"killed by {signame}")
        for pat in FORBIDDEN:
            if pat in stderr:
                bad("crash", f"stderr has '{pat}'")
                break
        proc_ok = not hung and rc is not None and rc >= 0
        is_capi = c.command.startswith("capi")
        if proc_ok and is_capi:
            if rc != 0:
                bad("silent" if "status 0 (" in stdout else "unclear",
                    stdout.strip() or f"exit {rc}")
        elif proc_ok and rc not in c.rc:
            if rc == 0:
                bad("silent", "exit 0: the bad input was accepted")
            else:
                bad("unclear", f"exit {rc}, expected {'/'.join(map(str, c.rc))}")
        if proc_ok and not is_capi and rc != 0:
            # The case's folder is named after the case: take it out of the
            # text, so only the message itself can name the culprit.
            body = stderr.replace(d, "{D}")
            if not body.startswith("qc: error:"):
                first = body.splitlines()[0] if body else "<empty>"
                bad("unclear", f"stderr does not start with 'qc: error:': {first[:160]!r}")
            if CONTROL.search(body):
                bad("unclear", "stderr has raw control characters")
            for pat in c.forbid:
                if re.search(pat, body, re.M):
                    bad("unclear", f"stderr matches {pat!r} (a name forged a line)")
            for n in c.names:
                alts = n if isinstance(n, tuple) else (n,)
                alts = tuple(a.replace("{M}", ctx.models) for a in alts)
                # An attribute in snake_case may be spelled with spaces
                # ("zero_point" / "zero point").
                alts += tuple(a.replace("_", " ") for a in alts
                              if re.fullmatch(r"[a-z]+(_[a-z]+)+", a))
                if not any(a in body for a in alts):
                    bad("unclear", "stderr does not name " +
                        " or ".join(repr(a) for a in alts))
        # Prior outputs survive, nothing new next to them.
        for rel, data in c.prior.items():
            p = os.path.join(d, rel)
            try:
                with open(p, "rb") as f:
                    now = f.read()
            except OSError as e:
                bad("lost-output", f"prior output {rel} is gone ({e.strerror})")
                continue
            if now != data and rc != 0:
                bad("lost-output", f"prior output {rel} changed ({len(now)} bytes)")
        if rc != 0:
            for w, old in before.items():
                new = snapshot(w) if os.path.isdir(w) else {}
                extra = sorted(set(new) - set(old))
                if extra:
                    bad("lost-output", f"left behind in {os.path.relpath(w, d) or '.'}: "
                        + ", ".join(extra[:5]))
        if proc_ok and rc == 0 and c.check and 0 in c.rc:
            why = c.check(ctx, d, stdout)
            if why:
                bad("silent", why)
        if not reasons:
            return Result(c, "PASS", rc=rc, stderr=stderr, seconds=seconds)
        order = ["hang", "crash", "lost-output", "silent", "unclear", "setup"]
        klass = min(klasses, key=order.index)
        return Result(c, "FAIL", klass, reasons, rc, stderr, seconds)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", os.path.join(d, c.tmpfs)],
                           capture_output=True)


# --------------------------------------------------------------------------
# The case catalogue
# --------------------------------------------------------------------------

from cases import define_cases  # noqa: E402  (test/robustness/cases.py)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qc", help="the qc binary")
    ap.add_argument("--capi", help="the qc_robustness_capi binary")
    ap.add_argument("--capi-asan", help="the same, built with ASan/UBSan")
    ap.add_argument("--runtime-include", help="runtime/include (header checks)")
    ap.add_argument("--only", action="append", default=[],
                    help="run the cases matching this glob, or containing this "
                         "text (repeatable)")
    ap.add_argument("--skip", action="append", default=[],
                    help="leave out the cases matching this glob or text")
    ap.add_argument("--known-failures", metavar="FILE",
                    help="cases (one name a line, '#' comments) expected to fail "
                         "until the bug they show is fixed: reported as XFAIL and "
                         "counted as skipped; one that passes is reported as XPASS")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--keep", metavar="DIR",
                    help="build and keep the inputs of every case in DIR")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds per case (default 30)")
    ap.add_argument("--mem-limit", type=float, default=4.0,
                    help="GiB of address space per qc process (0 = none; "
                         "default 4, off for sanitizer builds)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the stderr of failing cases")
    args = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    runtime_include = args.runtime_include or os.path.join(
        here, "..", "..", "runtime", "include")
    define_cases(sys.modules[__name__], args.capi, args.capi_asan,
                 os.path.abspath(runtime_include))
    def match(name, patterns):
        for pat in patterns:
            if any(ch in pat for ch in "*?[") and fnmatch.fnmatch(name, pat):
                return True
            if pat in name:
                return True
        return False
    selected = [c for c in CASES
                if (not args.only or match(c.name, args.only))
                and not match(c.name, args.skip)]
    if args.list:
        for c in selected:
            print(f"{c.name}\t{c.what}")
        print(f"{len(selected)} cases")
        return 0
    needs_qc = any(not c.command.startswith("capi") for c in selected)
    if needs_qc and not args.qc:
        ap.error("--qc is required (except with --list or only capi cases)")
    qc = os.path.abspath(args.qc) if args.qc else "qc"
    mem = int(args.mem_limit * (1 << 30))
    # Sanitizer runtimes reserve terabytes of address space: no limit when
    # the binaries run are instrumented (a QC_SANITIZE build: qc and the C
    # API cases both; the separate --capi-asan binary is exempt per case).
    tested = ([qc] if needs_qc else []) + ([args.capi] if args.capi else [])
    for path in tested:
        if mem:
            with open(path, "rb") as f:
                if b"__asan_init" in f.read():
                    mem = 0
    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
        cleanup = False
    else:
        work = tempfile.mkdtemp(prefix="qc-robustness-")
        cleanup = True
    ctx = Context(qc, args.capi and os.path.abspath(args.capi), work,
                  args.jobs, args.timeout, mem, args.verbose)
    known = set()
    if args.known_failures:
        with open(args.known_failures) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    known.add(line)
    build_shared(ctx.models)
    results = []
    signal.signal(signal.SIGTERM, kill_live)
    signal.signal(signal.SIGINT, kill_live)
    start = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            def guarded(c):
                if STOP.is_set():
                    return Result(c, "SKIP", reasons=["the runner was stopped"])
                try:
                    return run_case(ctx, c)
                except Exception as e:  # a bug of the runner or of a case's setup
                    return Result(c, "FAIL", "setup", [f"{type(e).__name__}: {e}"])
            futures = [pool.submit(guarded, c) for c in selected]
            for fut in futures:
                r = fut.result()
                if r.case.name in known:
                    r.known = True
                    if r.status == "FAIL":
                        r.status = "XFAIL"
                    elif r.status == "PASS":
                        r.status = "XPASS"
                results.append(r)
                line = f"{r.status} {r.case.name}"
                if r.status in ("FAIL", "XFAIL"):
                    line += f" [{r.klass}]: " + "; ".join(r.reasons)
                elif r.status == "SKIP":
                    line += ": " + "; ".join(r.reasons)
                print(line, flush=True)
                if r.status == "FAIL" and args.verbose and r.stderr:
                    for l in r.stderr.splitlines()[:6]:
                        print("    | " + l[:300])
    finally:
        if cleanup:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - start
    passed = sum(r.status in ("PASS", "XPASS") for r in results)
    failed = sum(r.status == "FAIL" for r in results)
    xfailed = sum(r.status == "XFAIL" for r in results)
    skipped = sum(r.status == "SKIP" for r in results)

    print("\nper command (passed/total):")
    by = {}
    for r in results:
        by.setdefault(r.case.command, []).append(r)
    for k in sorted(by):
        rs = by[k]
        print(f"  {k:12s} {sum(x.status in ('PASS', 'XPASS') for x in rs):4d}/{len(rs)}")
    print("per input class (passed/total):")
    by = {}
    for r in results:
        by.setdefault(r.case.name.split("/")[1], []).append(r)
    for k in sorted(by):
        rs = by[k]
        print(f"  {k:12s} {sum(x.status in ('PASS', 'XPASS') for x in rs):4d}/{len(rs)}")
    if failed or xfailed:
        print("failures by class (known failures included):")
        by = {}
        for r in results:
            if r.status in ("FAIL", "XFAIL"):
                by.setdefault(r.klass, []).append(r.case.name)
        for k in ["hang", "crash", "lost-output", "silent", "unclear", "setup"]:
            if k in by:
                print(f"  {k:12s} {len(by[k]):4d}: " + " ".join(by[k]))
    if skipped:
        print(f"skipped: {skipped} (" + "; ".join(sorted({r.reasons[0] for r in results if r.status == 'SKIP'})) + ")")
    xpassed = [r.case.name for r in results if r.status == "XPASS"]
    if xfailed:
        print(f"known failures: {xfailed} (XFAIL, counted as skipped; "
              f"{args.known_failures})")
    if xpassed:
        print(f"now passing, remove from {args.known_failures}: " + " ".join(xpassed))
    print(f"time: {elapsed:.1f} s, {len(results)} cases, {args.jobs} jobs")
    tail = f"{passed} passed, {failed} failed"
    if skipped or xfailed:
        tail += f", {skipped + xfailed} skipped"
    print(tail)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
