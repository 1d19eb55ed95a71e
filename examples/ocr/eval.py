#!/usr/bin/python3
"""Character and exact-line accuracy of the OCR example's model as qc runs it.

    examples/ocr/eval.py MODEL [--compiled] [--limit N] [--qc QC] [--min-char-acc P] [--min-exact P] [--show N]
    examples/ocr/eval.py --logits LOGITS.npy [--limit N] ...

MODEL is anything `qc run` takes: the float ocr.onnx, a quantized .q.mlir, an ONNX QDQ model. The first N
(default: all 500) lines of eval_images.npy (uint8 ink levels) are converted to float32 (level / 255), run in one
batch with `qc run MODEL --input image=... --output-dir TMP` (plus `--compiled` for the compiled code), and the
logits are decoded greedily (argmax per step, merge repeats, drop the blank). With --logits an existing logits
file [N, 32, C] is scored instead (N must not exceed the number of labels; its first N labels are used).

Prints `char_accuracy: P %`, `exact_lines: P %  (k/N)` and `run_seconds: S`. --min-char-acc / --min-exact
(percent) make it exit 1 when the model scores below them (for tests); --show N lists N wrong lines.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ocr_common import char_accuracy, greedy_decode  # noqa: E402


def die(msg, code=1):
    print(f"eval.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def default_qc():
    if os.environ.get("QC"):
        return os.environ["QC"]
    found = shutil.which("qc")
    return found or os.path.join(os.path.dirname(os.path.dirname(HERE)), "build", "bin", "qc")


def load_eval(data_dir, limit):
    try:
        levels = np.load(os.path.join(data_dir, "eval_images.npy"))
        with open(os.path.join(data_dir, "eval_labels.txt"), encoding="utf-8") as fh:
            labels = fh.read().split("\n")[:-1]
    except OSError as e:
        die(f"cannot read the evaluation set in '{data_dir}': {e}")
    if levels.dtype != np.uint8 or levels.ndim != 4 or levels.shape[0] != len(labels):
        die(f"'{data_dir}/eval_images.npy' must be uint8 [N,1,32,128] with one label per line of eval_labels.txt "
            f"(got {levels.dtype} {list(levels.shape)}, {len(labels)} labels)")
    n = len(labels) if limit is None else min(limit, len(labels))
    return levels[:n], labels[:n]


def run_qc(qc, model, images, compiled, threads):
    tmp = tempfile.mkdtemp(prefix="qc_ocr_eval.")
    try:
        inp = os.path.join(tmp, "image.npy")
        np.save(inp, images)
        cmd = [qc, "run", model, "--input", f"image={inp}", "--output-dir", os.path.join(tmp, "out")]
        if compiled:
            # The model's batch is dynamic; compiled code needs static shapes.
            cmd += ["--compiled", "--input-shape", "image=" + ",".join(str(d) for d in images.shape)]
            if threads:
                cmd += ["--threads", str(threads)]
        t0 = time.time()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        secs = time.time() - t0
        if p.returncode != 0:
            die(f"`{' '.join(cmd)}` failed (exit {p.returncode}):\n{p.stderr.strip()}")
        return np.load(os.path.join(tmp, "out", "logits.npy")), secs
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?", help="model for `qc run` (.onnx, .mlir)")
    ap.add_argument("--logits", help="score this logits .npy instead of running a model")
    ap.add_argument("--compiled", action="store_true", help="run the compiled code (qc run --compiled)")
    ap.add_argument("--threads", type=int, default=0, help="threads for --compiled (default: qc's)")
    ap.add_argument("--limit", type=int, help="only the first N eval lines")
    ap.add_argument("--data", default=HERE, help="directory of eval_images.npy / eval_labels.txt")
    ap.add_argument("--qc", default=default_qc())
    ap.add_argument("--min-char-acc", type=float, help="exit 1 below this character accuracy (percent)")
    ap.add_argument("--min-exact", type=float, help="exit 1 below this exact-line accuracy (percent)")
    ap.add_argument("--show", type=int, default=0, help="print up to N wrongly read lines")
    args = ap.parse_args()
    if (args.model is None) == (args.logits is None):
        die("give either a MODEL to run or --logits FILE", 2)
    if args.limit is not None and args.limit < 1:
        die("--limit must be >= 1", 2)

    levels, labels = load_eval(args.data, args.limit)
    secs = 0.0
    if args.logits:
        logits = np.load(args.logits)
        if logits.ndim != 3 or logits.shape[0] > len(labels):
            die(f"'{args.logits}': expected logits [N<={len(labels)}, T, C], got {list(logits.shape)}")
        labels = labels[:logits.shape[0]]
    else:
        images = levels.astype(np.float32) / np.float32(255.0)
        logits, secs = run_qc(args.qc, args.model, images, args.compiled, args.threads)
    try:
        preds = greedy_decode(logits)
    except ValueError as e:
        die(str(e))
    if len(preds) != len(labels):
        die(f"{len(preds)} output lines for {len(labels)} input lines")
    ca, ex = char_accuracy(preds, labels)
    print(f"char_accuracy: {ca * 100:.2f} %")
    print(f"exact_lines: {ex * 100:.1f} %  ({round(ex * len(labels))}/{len(labels)})")
    if not args.logits:
        print(f"run_seconds: {secs:.1f}")
    wrong = [(t, p) for t, p in zip(labels, preds) if t != p]
    for t, p in wrong[:args.show]:
        print(f"  label {t!r:16} read {p!r}")
    ok = True
    if args.min_char_acc is not None and ca * 100 < args.min_char_acc:
        print(f"eval.py: character accuracy {ca * 100:.2f} % is below the required {args.min_char_acc} %",
              file=sys.stderr)
        ok = False
    if args.min_exact is not None and ex * 100 < args.min_exact:
        print(f"eval.py: exact-line accuracy {ex * 100:.1f} % is below the required {args.min_exact} %",
              file=sys.stderr)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
