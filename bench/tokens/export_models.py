#!/usr/bin/python3
"""Exports the token models of issue 14 (int64 token ids in), random weights seeded, eval mode, ONNX
opset 17, batch 1, each at a fixed sequence length SEQ:

  bert_tiny_sSEQ.onnx  a BERT-tiny-like encoder: word + position + token-type embeddings (an
                       embedding Gather of the run-time ids; positions and token types are constants
                       the importer folds), LayerNorm, 2 post-LN layers of hidden 128, 2 heads
                       (Q, K, V linears, softmax attention, erf GELU MLP of 512); output the last
                       hidden state y [1, SEQ, 128].
  gpt2_sSEQ.onnx       a GPT-2-like decoder: token + position embeddings (positions = arange(SEQ),
                       torch's Range), 4 pre-LN blocks of hidden 256, 4 heads (fused QKV linear, an
                       additive causal mask constant, GELU MLP of 1024), a final LayerNorm and an LM
                       head of VOCAB logits y [1, SEQ, VOCAB]. GPT-2's initialization (N(0, 0.02)
                       linears, zero biases).
  gpt2_h512_sSEQ.onnx  the same decoder at hidden 512 (8 heads, MLP of 2048): 16.8 M parameters, 67 MB
                       of float weights, more than the L3 cache of the benchmark machines (a decode
                       step at sequence 1 reads every weight from memory once).
  encoder_sSEQ.onnx    one nn.TransformerEncoderLayer(256, 4) (post-LN, ReLU MLP of 1024, batch_first)
                       on a float input x [1, SEQ, 256] (bench/weight_only's layer).

plus the inputs ids_sSEQ.npy (int64 token ids in [0, VOCAB), seeded) and x_sSEQ.npy (float32 standard
normal, seeded), and bert_tiny_sSEQ.ort.npy / gpt2_sSEQ.ort.npy / encoder_sSEQ.ort.npy with PyTorch's
outputs for them.

    /usr/bin/python3 bench/tokens/export_models.py OUT_DIR [--seq 128 --seq 16] [--vocab 4096]
"""
import argparse
import math
import os

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)


class GptBlock(nn.Module):
    def __init__(self, seq, hidden, heads):
        super().__init__()
        self.hidden, self.heads = hidden, heads
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc = nn.Linear(hidden, 4 * hidden)
        self.out = nn.Linear(4 * hidden, hidden)
        # Additive causal mask (a large negative number above the diagonal), a constant of the graph.
        self.register_buffer("mask", torch.triu(torch.full((seq, seq), -1e4), diagonal=1))

    def forward(self, x):
        b, t, c = x.shape
        h = self.ln1(x)
        q, k, v = self.qkv(h).split(self.hidden, dim=2)
        d = self.hidden // self.heads
        q = q.reshape(b, t, self.heads, d).transpose(1, 2)
        k = k.reshape(b, t, self.heads, d).transpose(1, 2)
        v = v.reshape(b, t, self.heads, d).transpose(1, 2)
        att = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(d)) + self.mask
        y = torch.matmul(torch.softmax(att, dim=-1), v)
        y = y.transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.out(nn.functional.gelu(self.fc(self.ln2(x))))


class Gpt2(nn.Module):
    def __init__(self, seq, vocab, hidden=256, heads=4, layers=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(seq, hidden)
        self.blocks = nn.ModuleList([GptBlock(seq, hidden, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, vocab, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], dtype=torch.int64)
        x = self.wte(ids) + self.wpe(pos)
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x))


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, inter):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.fc = nn.Linear(hidden, inter)
        self.out = nn.Linear(inter, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.heads

        def heads(y):
            return y.reshape(b, t, self.heads, d).transpose(1, 2)

        att = torch.matmul(heads(self.q(x)), heads(self.k(x)).transpose(2, 3)) / math.sqrt(d)
        y = torch.matmul(torch.softmax(att, dim=-1), heads(self.v(x))).transpose(1, 2).reshape(b, t, c)
        x = self.ln1(x + self.o(y))
        return self.ln2(x + self.out(nn.functional.gelu(self.fc(x))))


class BertTiny(nn.Module):
    def __init__(self, seq, vocab, hidden=128, heads=2, layers=2, inter=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(seq, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(hidden, heads, inter) for _ in range(layers)])
        self.register_buffer("positions", torch.arange(seq, dtype=torch.int64).unsqueeze(0))
        self.register_buffer("token_types", torch.zeros(1, seq, dtype=torch.int64))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, ids):
        x = self.word(ids) + self.position(self.positions) + self.token_type(self.token_types)
        x = self.ln(x)
        for layer in self.layers:
            x = layer(x)
        return x


def export(module, arg, input_name, path):
    module.eval()
    with torch.no_grad():
        out = module(torch.from_numpy(arg))
        torch.onnx.export(module, (torch.from_numpy(arg),), path, opset_version=17,
                          input_names=[input_name], output_names=["y"])
    np.save(path[:-len(".onnx")] + ".ort.npy", out.numpy().astype(np.float32))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seq", type=int, action="append")
    p.add_argument("--vocab", type=int, default=4096)
    p.add_argument("--models", default="bert_tiny,gpt2,encoder", help="any of bert_tiny, gpt2, gpt2_h512, encoder")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = a.models.split(",")
    for seq in a.seq or [128]:
        ids = np.random.default_rng(14).integers(0, a.vocab, size=(1, seq), dtype=np.int64)
        np.save(os.path.join(a.out, f"ids_s{seq}.npy"), ids)
        x = np.random.default_rng(14).standard_normal((1, seq, 256)).astype(np.float32)
        np.save(os.path.join(a.out, f"x_s{seq}.npy"), x)
        if "bert_tiny" in models:
            torch.manual_seed(14)
            export(BertTiny(seq, a.vocab), ids, "input_ids", os.path.join(a.out, f"bert_tiny_s{seq}.onnx"))
        if "gpt2" in models:
            torch.manual_seed(14)
            export(Gpt2(seq, a.vocab), ids, "input_ids", os.path.join(a.out, f"gpt2_s{seq}.onnx"))
        if "gpt2_h512" in models:
            torch.manual_seed(14)
            export(Gpt2(seq, a.vocab, hidden=512, heads=8), ids, "input_ids",
                   os.path.join(a.out, f"gpt2_h512_s{seq}.onnx"))
        if "encoder" in models:
            torch.manual_seed(14)
            layer = nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.0, batch_first=True)
            mask = torch.zeros(seq, seq)  # keeps PyTorch 1.13 off its fused fast path (no ONNX export)

            class Encoder(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layer = layer

                def forward(self, t):
                    return self.layer(t, src_mask=mask)

            export(Encoder(), x, "x", os.path.join(a.out, f"encoder_s{seq}.onnx"))
        print(f"wrote {', '.join(m + '_s' + str(seq) for m in models)} to {a.out}")


if __name__ == "__main__":
    main()
