#!/usr/bin/env python3
"""Exports the dynamic-quantization benchmark models (bench/dynamic/run.sh):
one nn.TransformerEncoderLayer(d_model, nhead) (post-LN, ReLU MLP of 4 * d_model,
batch_first, eval mode, random weights seeded) as encoder.onnx, and its MLP alone
(Linear(d_model, 4 * d_model), ReLU, Linear(4 * d_model, d_model)) as mlp.onnx, ONNX
opset 17 with a fixed input [1, seq, d_model], plus that input (x.npy, standard
normal, seeded).

    export_encoder.py OUT_DIR [--d-model 256] [--heads 4] [--seq 128]
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--seq", type=int, default=128)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(14)
    layer = nn.TransformerEncoderLayer(a.d_model, a.heads, dim_feedforward=4 * a.d_model,
                                       dropout=0.0, batch_first=True).eval()
    x = np.random.default_rng(14).standard_normal((1, a.seq, a.d_model)).astype(np.float32)
    onnx_path = os.path.join(a.out, "encoder.onnx")
    # An all-zero attention mask keeps PyTorch 1.13 off its fused inference
    # fast path (aten::_transformer_encoder_layer_fwd, no ONNX export); it
    # adds 0 to the attention scores.
    mask = torch.zeros(a.seq, a.seq)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = layer

        def forward(self, t):
            return self.layer(t, src_mask=mask)

    with torch.no_grad():
        torch.onnx.export(Encoder().eval(), (torch.from_numpy(x),), onnx_path, opset_version=17,
                          input_names=["x"], output_names=["y"])
    mlp = nn.Sequential(layer.linear1, nn.ReLU(), layer.linear2).eval()
    with torch.no_grad():
        torch.onnx.export(mlp, (torch.from_numpy(x),), os.path.join(a.out, "mlp.onnx"),
                          opset_version=17, input_names=["x"], output_names=["y"])
    np.save(os.path.join(a.out, "x.npy"), x)
    print(f"wrote {onnx_path}, mlp.onnx and x.npy: TransformerEncoderLayer({a.d_model}, "
          f"{a.heads}) and its MLP, input [1, {a.seq}, {a.d_model}]")


if __name__ == "__main__":
    main()
