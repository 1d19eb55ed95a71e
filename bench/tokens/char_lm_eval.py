#!/usr/bin/python3
"""Scores models of the byte-level LM of train_char_lm.py on its held-out windows: for each MODEL
(float .onnx or a quantized .mlir), `qc run` on every window of char_eval.npy, then the output SQNR
against PyTorch's float logits (char_eval_ref.npy), the same of the centered logits (each position's
mean over the vocabulary removed: softmax ignores it, and a trained LM's logits share a large one),
the next-byte accuracy (argmax) and the perplexity (exp of the mean cross entropy) on the held-out
text.

    /usr/bin/python3 bench/tokens/char_lm_eval.py --qc build/bin/qc --data DIR MODEL [MODEL ...]
    # prints: MODEL  sqnr_db  centered_db  accuracy  perplexity   (one line per model; --windows N uses the first N)
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def sqnr(ref, out):
    noise = np.sum((ref.astype(np.float64) - out) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / noise)


def centered(x):
    x = x.astype(np.float64)
    return x - x.mean(-1, keepdims=True)


def score(logits, nxt):
    lg = logits.reshape(-1, logits.shape[-1]).astype(np.float64)
    y = nxt.reshape(-1)
    m = lg.max(1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(lg - m).sum(1))
    nll = float(np.mean(lse - lg[np.arange(len(y)), y]))
    return float(np.mean(lg.argmax(1) == y)), float(np.exp(nll))


def run(qc, model, ids, tmp):
    outs = []
    for i, x in enumerate(ids):
        inp = os.path.join(tmp, f"in{i}.npy")
        np.save(inp, x)
        od = os.path.join(tmp, f"out{i}")
        r = subprocess.run([qc, "run", model, "--input", f"input_ids={inp}", "--output-dir", od],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"char_lm_eval.py: qc run {model} failed: {r.stderr.strip()}")
        outs.append(np.load(os.path.join(od, "y.npy")))
    return np.stack(outs)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--qc", default="qc")
    p.add_argument("--data", required=True, help="train_char_lm.py's output directory")
    p.add_argument("--windows", type=int, default=0)
    a = p.parse_args()
    ids = np.load(os.path.join(a.data, "char_eval.npy"))
    nxt = np.load(os.path.join(a.data, "char_eval_next.npy"))
    ref = np.load(os.path.join(a.data, "char_eval_ref.npy"))
    if a.windows:
        ids, nxt, ref = ids[:a.windows], nxt[:a.windows], ref[:a.windows]
    acc, ppl = score(ref, nxt)
    print(f"{'pytorch float':32s} sqnr_db      -  centered_db      -  accuracy {acc:.4f}  perplexity {ppl:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        for m in a.models:
            out = run(a.qc, m, ids, tmp)
            acc, ppl = score(out, nxt)
            print(f"{os.path.basename(m):32s} sqnr_db {sqnr(ref, out):6.2f}  centered_db "
                  f"{sqnr(centered(ref), centered(out)):6.2f}  accuracy {acc:.4f}  "
                  f"perplexity {ppl:.3f}", flush=True)


if __name__ == "__main__":
    main()
