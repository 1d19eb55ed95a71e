#!/usr/bin/python3
"""Trains the GPT-2-like decoder of export_models.py (GptBlock / Gpt2: 4 pre-LN blocks of hidden 256,
4 heads, GELU MLP of 1024, LM head) as a byte-level language model (vocab 256) on real text available
offline: the top-level Python standard library sources /usr/lib/python3.*/*.py, sorted by name; every
10th file is held out (never trained on). Seeded, CPU, one thread: 400 steps of 12 windows of 128 bytes,
AdamW (lr 2e-3, warm-up, cosine decay), about 30 minutes on a loaded 2-core machine (held-out perplexity
9.0, next-byte accuracy 42 %).

Writes to OUT_DIR:
  char_lm_sSEQ.onnx    the trained model, token ids [1, SEQ] (int64) -> logits [1, SEQ, 256]
  char_calib.npy       calibration windows [N_CALIB, 1, SEQ] int64 from the training text
  char_eval.npy        held-out windows [N_EVAL, 1, SEQ] int64 (from the held-out files)
  char_eval_next.npy   the byte after each position of them [N_EVAL, SEQ] int64
  char_eval_ref.npy    PyTorch's logits for them [N_EVAL, 1, SEQ, 256]
  char_lm.json         training steps, final training loss, held-out loss / accuracy

    /usr/bin/python3 bench/tokens/train_char_lm.py OUT_DIR [--steps 400] [--seq 128]

Evaluate a quantized model on the held-out windows with bench/tokens/char_lm_eval.py.
"""
import argparse
import glob
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_models import Gpt2  # noqa: E402

torch.set_num_threads(1)


class MkldnnLinear(torch.autograd.Function):
    """nn.Linear's forward and backward through oneDNN (this torch's dense BLAS is the generic reference
    one, ~25x slower); the same math, used for training only (the export runs plain nn.Linear)."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        ctx.has_bias = b is not None
        x2 = x.reshape(-1, x.shape[-1]).contiguous()
        y = torch._C._nn.mkldnn_linear(x2.to_mkldnn(), w.contiguous().to_mkldnn(), None).to_dense()
        if b is not None:
            y = y + b
        return y.reshape(*x.shape[:-1], w.shape[0])

    @staticmethod
    def backward(ctx, dy):
        x, w = ctx.saved_tensors
        x2 = x.reshape(-1, x.shape[-1]).contiguous()
        dy2 = dy.reshape(-1, dy.shape[-1]).contiguous()
        dx = torch._C._nn.mkldnn_linear(dy2.to_mkldnn(), w.t().contiguous().to_mkldnn(), None).to_dense()
        dw = torch._C._nn.mkldnn_linear(dy2.t().contiguous().to_mkldnn(), x2.t().contiguous().to_mkldnn(),
                                        None).to_dense()
        return dx.reshape(x.shape), dw, dy2.sum(0) if ctx.has_bias else None


def fast_linears(model, on):
    for m in model.modules():
        if isinstance(m, torch.nn.Linear):
            if on:
                m.forward = (lambda mod: lambda x: MkldnnLinear.apply(x, mod.weight, mod.bias))(m)
            elif "forward" in m.__dict__:
                del m.forward


def corpus():
    files = sorted(glob.glob("/usr/lib/python3*/*.py"))
    if not files:
        sys.exit("train_char_lm.py: no /usr/lib/python3*/*.py text found")
    train, held = [], []
    for i, f in enumerate(files):
        with open(f, "rb") as fh:
            (held if i % 10 == 0 else train).append(fh.read())
    return np.frombuffer(b"".join(train), np.uint8), np.frombuffer(b"".join(held), np.uint8)


def windows(text, n, seq, rng):
    starts = rng.integers(0, len(text) - seq - 1, size=n)
    return np.stack([text[s:s + seq + 1] for s in starts]).astype(np.int64)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--batch", type=int, default=12)
    p.add_argument("--calib", type=int, default=32)
    p.add_argument("--eval", type=int, default=32)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    train, held = corpus()
    torch.manual_seed(14)
    rng = np.random.default_rng(14)
    model = Gpt2(a.seq, 256)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 50) * 0.5 * (1 + math.cos(math.pi * min(s, a.steps) / a.steps)))
    model.train()
    fast_linears(model, True)
    t0 = time.time()
    loss = None
    for step in range(a.steps):
        w = torch.from_numpy(windows(train, a.batch, a.seq, rng))
        logits = model(w[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), w[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == a.steps - 1:
            print(f"step {step} loss {loss.item():.3f} ({time.time() - t0:.0f} s)", flush=True)
    model.eval()
    fast_linears(model, False)

    calib = windows(train, a.calib, a.seq, np.random.default_rng(15))[:, None, :-1]
    ev = windows(held, a.eval, a.seq, np.random.default_rng(16))
    ev_ids, ev_next = ev[:, None, :-1], ev[:, 1:]
    with torch.no_grad():
        ref = np.stack([model(torch.from_numpy(x)).numpy() for x in ev_ids]).astype(np.float32)
        ids = torch.from_numpy(ev_ids[0])
        path = os.path.join(a.out, f"char_lm_s{a.seq}.onnx")
        torch.onnx.export(model, (ids,), path, opset_version=17, input_names=["input_ids"],
                          output_names=["y"])
    np.save(os.path.join(a.out, "char_calib.npy"), calib)
    np.save(os.path.join(a.out, "char_eval.npy"), ev_ids)
    np.save(os.path.join(a.out, "char_eval_next.npy"), ev_next)
    np.save(os.path.join(a.out, "char_eval_ref.npy"), ref)
    lg = torch.from_numpy(ref.reshape(-1, 256))
    nll = torch.nn.functional.cross_entropy(lg, torch.from_numpy(ev_next.reshape(-1))).item()
    acc = float((ref.reshape(-1, 256).argmax(1) == ev_next.reshape(-1)).mean())
    info = {"steps": a.steps, "train_loss": loss.item(), "heldout_nll": nll, "heldout_ppl": math.exp(nll),
            "heldout_acc": acc, "train_bytes": int(len(train)), "heldout_bytes": int(len(held)),
            "seconds": round(time.time() - t0)}
    with open(os.path.join(a.out, "char_lm.json"), "w") as fh:
        json.dump(info, fh, indent=1)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
