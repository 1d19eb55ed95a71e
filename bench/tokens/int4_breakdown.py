#!/usr/bin/python3
"""Where the GPT-2-like decoder loses accuracy under 4-bit weights: quantizes subsets of its 17
linears (int4 symmetric, groups of 32 input channels, min / max scales: qc-weight-only's
clip=minmax rule in numpy) in PyTorch and prints the output SQNR against the float model for each
subset (all, the LM head alone, one block, one kind of linear in every block), and with all
quantized the SQNR of the residual stream after each block.

    /usr/bin/python3 bench/tokens/int4_breakdown.py random            # export_models.py's gpt2 (seed 14)
    /usr/bin/python3 bench/tokens/int4_breakdown.py DIR/char_lm_s128.onnx --ids DIR/char_eval.npy
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_models import Gpt2  # noqa: E402
from train_char_lm import fast_linears  # noqa: E402

KINDS = ["qkv", "proj", "fc", "out"]


def rtn_int4(w, group=32):
    """[N, K] -> dequantized int4 (symmetric, scale = max|group| / 7.5, round half to even)."""
    n, k = w.shape
    g = w.reshape(n, k // group, group).astype(np.float32)
    amax = np.maximum(np.abs(g.min(2, keepdims=True)), g.max(2, keepdims=True))
    scale = np.maximum(amax / np.float32(7.5), np.float32(np.finfo(np.float32).eps))
    q = np.clip(np.rint(g * (np.float32(1) / scale)), -8, 7)
    return (q * scale).reshape(n, k).astype(np.float32)


def load_onnx(model, path):
    m = onnx.load(path)
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in m.graph.initializer}
    mats = [n.input[1] for n in m.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    linears = [mod for mod in model.modules() if isinstance(mod, torch.nn.Linear)]
    assert len(mats) == len(linears), (len(mats), len(linears))
    sd = model.state_dict()
    with torch.no_grad():
        for lin, name in zip(linears, mats):
            lin.weight.copy_(torch.from_numpy(inits[name].T.copy()))
        for k, v in inits.items():
            if k in sd and sd[k].shape == v.shape:
                sd[k].copy_(torch.from_numpy(v.copy()))
        pos = [v for k, v in inits.items() if v.shape == (model.wpe.weight.shape[0], model.wpe.weight.shape[1])
               and k.startswith("onnx::Add")]
        if pos:
            model.wpe.weight.copy_(torch.from_numpy(pos[0]))


def sqnr(ref, out):
    return 10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / np.sum((ref.astype(np.float64) - out) ** 2))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", help="'random' or a trained char_lm .onnx")
    p.add_argument("--ids", help="token windows [N, 1, SEQ] (random: seeded ids)")
    p.add_argument("--windows", type=int, default=4)
    a = p.parse_args()
    torch.manual_seed(14)
    torch.set_num_threads(1)
    if a.model == "random":
        model = Gpt2(128, 4096)
        ids = np.random.default_rng(14).integers(0, 4096, size=(a.windows, 1, 128))
    else:
        model = Gpt2(128, 256)
        load_onnx(model, a.model)
        ids = np.load(a.ids)[:a.windows]
    model.eval()
    fast_linears(model, True)
    names = {}
    for b, blk in enumerate(model.blocks):
        for kind in KINDS:
            names[f"{kind}{b}"] = getattr(blk, kind)
    names["head"] = model.head
    floats = {k: m.weight.detach().clone() for k, m in names.items()}
    quant = {k: torch.from_numpy(rtn_int4(w.numpy())) for k, w in floats.items()}

    def forward(selected, stream=False):
        with torch.no_grad():
            for k, m in names.items():
                m.weight.copy_(quant[k] if k in selected else floats[k])
            outs, streams = [], []
            for x in ids:
                t = torch.from_numpy(np.asarray(x, dtype=np.int64))
                pos = torch.arange(t.shape[1])
                h = model.wte(t) + model.wpe(pos)
                hs = []
                for blk in model.blocks:
                    h = blk(h)
                    hs.append(h.numpy().copy())
                outs.append(model.head(model.ln(h)).numpy())
                streams.append(hs)
            return np.stack(outs), streams

    ref, ref_streams = forward(set())
    per_tensor = np.mean([sqnr(floats[k].numpy(), quant[k].numpy()) for k in names])
    print(f"per-tensor weight SQNR (mean of 17): {per_tensor:.2f} dB")
    subsets = {"all 17": set(names), "LM head only": {"head"}, "all but the head": set(names) - {"head"}}
    for b in range(len(model.blocks)):
        subsets[f"block {b} (4 linears)"] = {f"{k}{b}" for k in KINDS}
    for kind in KINDS:
        subsets[f"every {kind}"] = {f"{kind}{b}" for b in range(len(model.blocks))}
    for name, sel in subsets.items():
        out, streams = forward(sel)
        print(f"{name:24s} output SQNR {sqnr(ref, out):6.2f} dB")
        if name == "all 17":
            for b in range(len(model.blocks)):
                r = np.stack([s[b] for s in ref_streams])
                q = np.stack([s[b] for s in streams])
                print(f"    residual stream after block {b}: {sqnr(r, q):6.2f} dB")


if __name__ == "__main__":
    main()
