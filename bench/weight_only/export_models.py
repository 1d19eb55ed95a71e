#!/usr/bin/env python3
"""Exports the weight-only benchmark models (bench/weight_only/run.sh), random weights seeded, eval
mode, ONNX opset 17, batch 1, each at a fixed sequence length SEQ:

  encoder_sSEQ.onnx  one nn.TransformerEncoderLayer(256, 4) (post-LN, ReLU MLP of 1024,
                     batch_first; bench/dynamic/export_encoder.py's layer)
  gpt_sSEQ.onnx      a GPT-2-like decoder: 4 pre-LN blocks of hidden 256, 4 heads (fused QKV
                     linear, causal mask, GELU MLP of 1024), a final LayerNorm and an LM head of
                     VOCAB logits. Its input is the token + position embeddings as float
                     [1, SEQ, 256], so the embedding tables are not part of the model (bench/tokens'
                     gpt2_sSEQ.onnx is the same decoder with its token-id Gather). At SEQ 1 it is one decoding step
                     without a KV cache (every linear a GEMV).

plus inputs x_sSEQ.npy (standard normal, seeded).

    export_models.py OUT_DIR [--seq 128 --seq 1] [--vocab 4096] [--gpt-hidden 256]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn

# The decoder block is bench/tokens' GPT-2-like block (same layers, same order).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tokens"))
from export_models import GptBlock  # noqa: E402

HIDDEN, HEADS, LAYERS = 256, 4, 4


class Gpt(nn.Module):
    def __init__(self, seq, vocab, hidden):
        super().__init__()
        self.blocks = nn.ModuleList([GptBlock(seq, hidden, HEADS) for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, vocab, bias=False)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x))


def export(module, x, path):
    with torch.no_grad():
        torch.onnx.export(module.eval(), (torch.from_numpy(x),), path, opset_version=17,
                          input_names=["x"], output_names=["y"])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seq", type=int, action="append")
    p.add_argument("--vocab", type=int, default=4096)
    p.add_argument("--gpt-hidden", type=int, default=HIDDEN,
                   help="the decoder's hidden size (gpt_sSEQ.onnx; 256 by default; with another size the "
                        "files are gpt_hH_sSEQ.onnx and xg_hH_sSEQ.npy)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for seq in a.seq or [128, 1]:
        x = np.random.default_rng(14).standard_normal((1, seq, HIDDEN)).astype(np.float32)
        np.save(os.path.join(a.out, f"x_s{seq}.npy"), x)
        torch.manual_seed(14)
        layer = nn.TransformerEncoderLayer(HIDDEN, HEADS, dim_feedforward=4 * HIDDEN, dropout=0.0,
                                           batch_first=True).eval()
        # A zero mask keeps PyTorch 1.13 off its fused fast path (no ONNX export).
        mask = torch.zeros(seq, seq)

        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.layer = layer

            def forward(self, t):
                return self.layer(t, src_mask=mask)

        export(Encoder(), x, os.path.join(a.out, f"encoder_s{seq}.onnx"))
        torch.manual_seed(14)
        gpt = Gpt(seq, a.vocab, a.gpt_hidden)
        # GPT-2's initialization: N(0, 0.02) weights, zero biases.
        for m in gpt.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        gpt_name = f"gpt_s{seq}" if a.gpt_hidden == HIDDEN else f"gpt_h{a.gpt_hidden}_s{seq}"
        if a.gpt_hidden != HIDDEN:
            x = np.random.default_rng(14).standard_normal((1, seq, a.gpt_hidden)).astype(np.float32)
            np.save(os.path.join(a.out, f"xg_h{a.gpt_hidden}_s{seq}.npy"), x)
        export(gpt, x, os.path.join(a.out, gpt_name + ".onnx"))
        print(f"wrote encoder_s{seq}.onnx, {gpt_name}.onnx, x_s{seq}.npy")


if __name__ == "__main__":
    main()
