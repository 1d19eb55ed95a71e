#!/usr/bin/python3
"""Exports qc's deterministic ONNX test models, with one input file per graph input and PyTorch reference outputs.

    /usr/bin/python3 test/models/export_models.py --out DIR [--only NAME[,NAME...]] [--group small|large|all]
    /usr/bin/python3 test/models/export_models.py --list
    /usr/bin/python3 test/models/export_models.py --out DIR --group small --verify-against test/models/onnx

Needs Debian's torch 1.13, torchvision 0.14, onnx and numpy (/usr/bin/python3). No network, no pretrained weights:
every model is randomly initialised from a seed derived from its name, so a model's files do not depend on which
other models are exported in the same run.

For every model NAME it writes into DIR:
    NAME.onnx                      the model
    NAME.<input name>.npy          one deterministic random input per graph input
    NAME.<output name>.ref.npy     PyTorch's output for those inputs (float32)
    NAME.json                      manifest: opset, files, ops the model must contain, tolerance for ORT vs PyTorch

--verify-against REPO_DIR checks, after exporting, that every file written is byte-identical to the same file in
REPO_DIR (exit 1 otherwise): the committed small models must be what this script produces.

Each model declares ops (and attributes) it exists to cover; the export fails if the written graph lacks them,
so a torch upgrade that exports a different decomposition cannot silently remove coverage.
"""

import argparse
import json
import os
import sys
import time
import warnings
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


# -------------------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------------------

def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def seeded(name):
    """Seeds torch for model `name`; returns its torch Generator (seed + 1) and numpy Generator."""
    torch.manual_seed(seed_of(name))
    return torch.Generator().manual_seed(seed_of(name) + 1), np.random.default_rng(seed_of(name))


class Case:
    """What one model exports: built by a builder function, written by write_case."""

    def __init__(self, name, opset, onnx_model, inputs, ref_outputs, expect, description, rtol=1e-4,
                 large=False):
        self.name = name
        self.opset = opset
        self.onnx_model = onnx_model      # onnx.ModelProto
        self.inputs = inputs              # {input name: np.ndarray}, in graph order
        self.ref_outputs = ref_outputs    # {output name: np.ndarray}, in graph order
        self.expect = expect              # [(op_type, {attr: value})]
        self.description = description
        self.rtol = rtol
        self.large = large


def torch_export(module, args, opset, input_names, output_names, dynamic_axes=None, constant_folding=True):
    """Exports an eval-mode module and returns (onnx.ModelProto, {output name: reference np.ndarray}).

    TrainingMode.PRESERVE with an eval-mode module exports inference semantics but skips torch's eval-mode
    peephole pass, which would fold BatchNorm into the preceding Conv: qc's own simplify pass must do that.
    """
    module.eval()
    if not isinstance(args, tuple):
        args = (args,)
    with torch.no_grad():
        out = module(*args)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    refs = {n: o.detach().numpy().astype(np.float32) for n, o in zip(output_names, outs)}
    import io
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the PRESERVE + constant folding advice does not apply in eval mode
        torch.onnx.export(module, args, buf, opset_version=opset, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=constant_folding)
    return onnx.load_from_string(buf.getvalue()), refs


def randomize_batchnorm(model, calib_batches, gen):
    """Gives every BatchNorm non-trivial affine parameters and running statistics.

    Affine parameters are random; running statistics are then measured by train-mode passes over random data
    (cumulative average) and perturbed a little, so activations keep a sane scale in eval mode while mean != 0,
    var != 1, gamma != 1 and beta != 0 everywhere (BatchNorm folding is actually exercised).
    """
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in bns:
            c = m.num_features
            m.weight.copy_(torch.empty(c).uniform_(0.5, 1.5, generator=gen))
            m.bias.copy_(torch.randn(c, generator=gen) * 0.2)
            m.reset_running_stats()
            m.momentum = None
        model.train()
        for x in calib_batches:
            model(x)
        model.eval()
        for m in bns:
            c = m.num_features
            m.running_mean.add_(torch.randn(c, generator=gen) * 0.05)
            m.running_var.mul_(torch.empty(c).uniform_(0.8, 1.25, generator=gen))
            m.momentum = 0.1


def rand(gen_np, shape, low=-1.0, high=1.0):
    return gen_np.uniform(low, high, size=shape).astype(np.float32)


def to_torch(*arrays):
    return tuple(torch.from_numpy(a) for a in arrays)


def check_expectations(case):
    """Fails unless every (op_type, attrs) in case.expect occurs in the graph (attrs: subset match)."""
    problems = []
    for op_type, attrs in case.expect:
        found = False
        for node in case.onnx_model.graph.node:
            if node.op_type != op_type:
                continue
            got = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            ok = True
            for k, v in attrs.items():
                g = got.get(k)
                if isinstance(g, bytes):
                    g = g.decode()
                if isinstance(v, float):
                    ok = ok and g is not None and abs(g - v) < 1e-6
                else:
                    ok = ok and g == v
            if ok:
                found = True
                break
        if not found:
            problems.append(f"{op_type} {attrs}" if attrs else op_type)
    if problems:
        ops = sorted({n.op_type for n in case.onnx_model.graph.node})
        raise RuntimeError(f"{case.name}: exported graph lacks {', '.join(problems)} (it has: {', '.join(ops)})")


def op_histogram(model):
    counts = {}
    for n in model.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return dict(sorted(counts.items()))


def write_case(case, out_dir):
    m = case.onnx_model
    m.producer_name = "qc test/models/export_models.py"
    onnx.checker.check_model(m)
    check_expectations(case)
    graph_inputs = [i.name for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]
    graph_outputs = [o.name for o in m.graph.output]
    if graph_inputs != list(case.inputs):
        raise RuntimeError(f"{case.name}: graph inputs {graph_inputs} != provided inputs {list(case.inputs)}")
    if graph_outputs != list(case.ref_outputs):
        raise RuntimeError(f"{case.name}: graph outputs {graph_outputs} != reference outputs "
                           f"{list(case.ref_outputs)}")
    files = []
    path = os.path.join(out_dir, f"{case.name}.onnx")
    onnx.save(m, path)
    files.append(path)
    manifest = {
        "name": case.name,
        "description": case.description,
        "model": f"{case.name}.onnx",
        "opset": case.opset,
        "inputs": {},
        "reference_outputs": {},
        "expected_ops": [[op, attrs] for op, attrs in case.expect],
        "op_histogram": op_histogram(m),
        "rtol_vs_reference": case.rtol,
        "reference": "PyTorch 1.13 eager (float32) on the same inputs",
    }
    for name, arr in case.inputs.items():
        f = f"{case.name}.{name}.npy"
        np.save(os.path.join(out_dir, f), np.ascontiguousarray(arr))
        manifest["inputs"][name] = {"file": f, "dtype": str(arr.dtype), "shape": list(arr.shape)}
        files.append(os.path.join(out_dir, f))
    for name, arr in case.ref_outputs.items():
        f = f"{case.name}.{name}.ref.npy"
        np.save(os.path.join(out_dir, f), np.ascontiguousarray(arr))
        manifest["reference_outputs"][name] = {"file": f, "dtype": str(arr.dtype), "shape": list(arr.shape)}
        files.append(os.path.join(out_dir, f))
    jpath = os.path.join(out_dir, f"{case.name}.json")
    with open(jpath, "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    files.append(jpath)
    return files


# -------------------------------------------------------------------------------------------------------------
# large models (regenerated into the build directory by tests, never committed)
# -------------------------------------------------------------------------------------------------------------

def torchvision_model(name, ctor):
    """The eval-mode torchvision model `name` exactly as exported (seeded init, randomized BatchNorm) and its
    test input [1, 3, 224, 224]; examples/mobilenet_v2 builds its QAT model from the same weights."""
    import torchvision
    gen, rng = seeded(name)
    model = ctor(torchvision.models)
    calib = [torch.randn(4, 3, 224, 224, generator=gen) for _ in range(2)]
    randomize_batchnorm(model, calib, gen)
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
    return model, x


def build_torchvision(name, ctor, opset=13):
    model, x = torchvision_model(name, ctor)
    m, refs = torch_export(model, to_torch(x), opset, ["input"], ["logits"])
    return m, {"input": x}, refs


def build_lraspp():
    """torchvision's LR-ASPP segmentation head on MobileNetV3-large (issue 10's segmentation family), at
    1x3x128x128 to keep the test small: hardswish / squeeze-excitation backbone, an attention branch (global
    pool, sigmoid, Mul) and bilinear Resizes (align_corners=False: half_pixel) to the input's size."""
    import torchvision
    name = "lraspp"
    gen, rng = seeded(name)
    model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None,
                                                                       num_classes=8)
    randomize_batchnorm(model, [torch.randn(2, 3, 128, 128, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 3, 128, 128)).astype(np.float32)

    class Out(nn.Module):  # the model returns {"out": ...}
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)["out"]

    m, refs = torch_export(Out(model).eval(), to_torch(x), 13, ["input"], ["out"])
    return Case(name, 13, m, {"input": x}, refs,
                expect=[("Conv", {}), ("HardSigmoid", {}), ("Resize", {"mode": "linear"}), ("Mul", {})],
                description="torchvision lraspp_mobilenet_v3_large (8 classes), random init with non-trivial "
                            "BatchNorm, 1x3x128x128; bilinear Resize (half_pixel)",
                rtol=1e-4, large=True)


def build_resnet18():
    name = "resnet18"
    m, inputs, refs = build_torchvision(name, lambda tv: tv.resnet18(weights=None))
    return Case(name, 13, m, inputs, refs,
                expect=[("Conv", {}), ("BatchNormalization", {}), ("Relu", {}), ("MaxPool", {}), ("Add", {}),
                        ("GlobalAveragePool", {}), ("Flatten", {}), ("Gemm", {})],
                description="torchvision resnet18, random init with non-trivial BatchNorm, 1x3x224x224",
                rtol=1e-4, large=True)


def build_mobilenet_v2():
    name = "mobilenet_v2"
    m, inputs, refs = build_torchvision(name, lambda tv: tv.mobilenet_v2(weights=None))
    return Case(name, 13, m, inputs, refs,
                expect=[("Conv", {"group": 32}), ("BatchNormalization", {}), ("Clip", {}), ("Add", {}),
                        ("GlobalAveragePool", {}), ("Flatten", {}), ("Gemm", {})],
                description="torchvision mobilenet_v2, random init with non-trivial BatchNorm, 1x3x224x224 "
                            "(ReLU6 is Clip with min/max inputs at opset 13)",
                rtol=1e-4, large=True)


def build_mobilenet_v3_small():
    name = "mobilenet_v3_small"
    m, inputs, refs = build_torchvision(name, lambda tv: tv.mobilenet_v3_small(weights=None), opset=14)
    return Case(name, 14, m, inputs, refs,
                expect=[("Conv", {"group": 16}), ("BatchNormalization", {}), ("HardSwish", {}),
                        ("HardSigmoid", {}), ("Relu", {}), ("Mul", {}), ("Add", {}),
                        ("GlobalAveragePool", {}), ("Flatten", {}), ("Gemm", {})],
                description="torchvision mobilenet_v3_small, random init with non-trivial BatchNorm, 1x3x224x224 "
                            "(opset 14 for HardSwish; squeeze-excitation is HardSigmoid + Mul)",
                rtol=1e-4, large=True)


def build_text_cls():
    """A small text-direction classifier (issue 13's "200+-step small model"): torchvision
    mobilenet_v3_small at width 0.35 with 2 classes on a 1x3x48x192 text-line crop, the shape of PP-OCR's
    angle classifier. Small images and thin layers, so per-step overhead, not MACs, decides its speed."""
    import torchvision
    name = "text_cls"
    gen, rng = seeded(name)
    model = torchvision.models.mobilenet_v3_small(weights=None, width_mult=0.35, num_classes=2)
    randomize_batchnorm(model, [torch.randn(4, 3, 48, 192, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 3, 48, 192)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 14, ["input"], ["logits"])
    return Case(name, 14, m, {"input": x}, refs,
                expect=[("Conv", {}), ("HardSwish", {}), ("HardSigmoid", {}), ("Mul", {}),
                        ("GlobalAveragePool", {}), ("Gemm", {})],
                description="torchvision mobilenet_v3_small, width 0.35, 2 classes, random init with "
                            "non-trivial BatchNorm, 1x3x48x192 (a text-direction classifier's shape)",
                rtol=1e-4, large=True)


class TransformerBlock(nn.Module):
    """Pre-LN encoder block: x + Attn(LN(x)); x + MLP(LN(x)) with an erf GELU. Static shapes, batch 1."""

    def __init__(self, seq=16, dim=64, heads=4, mlp=256):
        super().__init__()
        self.seq, self.dim, self.heads, self.head_dim = seq, dim, heads, dim // heads
        self.ln1 = nn.LayerNorm(dim)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):                                     # [1, S, D]
        s, h, hd = self.seq, self.heads, self.head_dim
        y = self.ln1(x)
        q = self.q(y).reshape(1, s, h, hd).transpose(1, 2)      # [1, H, S, hd]
        k = self.k(y).reshape(1, s, h, hd).permute(0, 2, 3, 1)  # [1, H, hd, S]
        v = self.v(y).reshape(1, s, h, hd).transpose(1, 2)      # [1, H, S, hd]
        att = torch.softmax(torch.matmul(q, k) * (1.0 / hd ** 0.5), dim=-1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(1, s, self.dim)
        x = x + self.proj(o)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))    # gelu(approximate='none'): the erf form


def build_transformer_block():
    name = "transformer_block"
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    model = TransformerBlock()
    with torch.no_grad():
        for ln in (model.ln1, model.ln2):
            ln.weight.copy_(torch.empty(64).uniform_(0.5, 1.5))
            ln.bias.copy_(torch.randn(64) * 0.1)
    x = rng.standard_normal((1, 16, 64)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 17, ["x"], ["y"])
    return Case(name, 17, m, {"x": x}, refs,
                expect=[("LayerNormalization", {"axis": -1}), ("MatMul", {}), ("Softmax", {"axis": -1}),
                        ("Transpose", {"perm": [0, 2, 1, 3]}), ("Reshape", {}), ("Erf", {}), ("Add", {}),
                        ("Mul", {}), ("Div", {})],
                description="pre-LN transformer encoder block: seq 16, dim 64, 4 heads, MLP 256, erf GELU, "
                            "opset 17 (single LayerNormalization op)",
                rtol=1e-4, large=True)


class VitTiny(nn.Module):
    """A ViT-style classifier: 4x4 patches of a 1x3x32x32 image embedded by a strided conv (64 tokens of 64),
    a class token and learned positions (65 tokens), two pre-LN TransformerBlocks, a final LayerNorm and a
    linear head on the class token."""

    def __init__(self, dim=64, patch=4, image=32, classes=10):
        super().__init__()
        tokens = (image // patch) ** 2
        self.embed = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.2)
        self.blocks = nn.ModuleList([TransformerBlock(seq=tokens + 1, dim=dim, heads=4, mlp=2 * dim)
                                     for _ in range(2)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):                                     # [1, 3, 32, 32]
        t = self.embed(x).flatten(2).transpose(1, 2)          # [1, 64, dim]
        t = torch.cat([self.cls, t], dim=1) + self.pos        # [1, 65, dim]
        for b in self.blocks:
            t = b(t)
        return self.head(self.norm(t)[:, 0])                  # [1, classes]


def build_vit_tiny():
    name = "vit_tiny"
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    model = VitTiny()
    with torch.no_grad():
        for ln in [m for m in model.modules() if isinstance(m, nn.LayerNorm)]:
            ln.weight.copy_(torch.empty(ln.weight.shape).uniform_(0.5, 1.5))
            ln.bias.copy_(torch.randn(ln.bias.shape) * 0.1)
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 17, ["input"], ["logits"])
    return Case(name, 17, m, {"input": x}, refs,
                expect=[("Conv", {}), ("Concat", {}), ("LayerNormalization", {"axis": -1}), ("MatMul", {}),
                        ("Softmax", {"axis": -1}), ("Erf", {}), ("Gather", {})],
                description="ViT-style classifier (issue 10's ViT family): 4x4 patch conv on 1x3x32x32, class "
                            "token, learned positions, 2 pre-LN blocks (65 tokens, dim 64, 4 heads, MLP 128), "
                            "LayerNorm, linear head; opset 17",
                rtol=1e-4, large=True)


class CRNN(nn.Module):
    """A CRNN text recognizer (issue 10's CRNN family): a conv stack on a 1x1x32x128 line image (conv-BN-ReLU
    and max pools down to 64 x 4 x 32), max pooled over the remaining height and squeezed, a bidirectional LSTM
    (hidden 64) over the 32 columns, a linear layer to 40 classes per column and log_softmax: [32, 1, 40],
    the time-major layout a CTC loss reads."""

    def __init__(self, classes=40, hidden=64, cell=nn.LSTM):
        super().__init__()

        def cbr(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

        self.features = nn.Sequential(cbr(1, 16), nn.MaxPool2d(2), cbr(16, 32), nn.MaxPool2d(2),
                                      cbr(32, 64), nn.MaxPool2d((2, 1)), cbr(64, 64), nn.MaxPool2d((4, 1)))
        self.rnn = cell(64, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, x):                                   # [1, 1, 32, 128]
        f = self.features(x).squeeze(2)                      # [1, 64, 32]
        f = f.permute(2, 0, 1)                               # [T=32, B=1, 64]
        y, _ = self.rnn(f)                                   # [32, 1, 128]
        return F.log_softmax(self.fc(y), dim=2)              # [32, 1, 40]


def build_crnn():
    name = "crnn"
    gen, rng = seeded(name)
    model = CRNN()
    randomize_batchnorm(model, [torch.randn(4, 1, 32, 128, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 1, 32, 128)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 13, ["image"], ["log_probs"])
    return Case(name, 13, m, {"image": x}, refs,
                expect=[("Conv", {}), ("MaxPool", {}), ("LSTM", {"direction": "bidirectional", "hidden_size": 64}),
                        ("LogSoftmax", {"axis": 2})],
                description="CRNN text recognizer (issue 10): conv-BN-ReLU stack and max pools on 1x1x32x128, "
                            "height pooled away, bidirectional LSTM (hidden 64) over 32 columns, linear to 40 "
                            "classes, log_softmax; random init with non-trivial BatchNorm",
                rtol=1e-4, large=True)


def build_crnn_gru():
    name = "crnn_gru"
    gen, rng = seeded(name)
    model = CRNN(cell=nn.GRU)
    randomize_batchnorm(model, [torch.randn(4, 1, 32, 128, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 1, 32, 128)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 13, ["image"], ["log_probs"])
    return Case(name, 13, m, {"image": x}, refs,
                expect=[("GRU", {"direction": "bidirectional", "hidden_size": 64, "linear_before_reset": 1}),
                        ("LogSoftmax", {"axis": 2})],
                description="the CRNN with a bidirectional GRU (hidden 64; PyTorch's GRU is ONNX "
                            "linear_before_reset = 1) instead of the LSTM",
                rtol=1e-4, large=True)


# -------------------------------------------------------------------------------------------------------------
# small op-coverage models (committed under test/models/onnx/)
# -------------------------------------------------------------------------------------------------------------

class DynamicBatchNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


def build_dynamic_batch():
    name = "dynamic_batch"
    torch.manual_seed(seed_of(name))
    gen = torch.Generator().manual_seed(seed_of(name) + 1)
    rng = np.random.default_rng(seed_of(name))
    model = DynamicBatchNet()
    randomize_batchnorm(model, [torch.randn(8, 3, 12, 12, generator=gen)], gen)
    x = rand(rng, (3, 3, 12, 12))
    m, refs = torch_export(model, to_torch(x), 13, ["input"], ["logits"],
                           dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    dim0 = m.graph.input[0].type.tensor_type.shape.dim[0]
    if dim0.dim_param != "batch":
        raise RuntimeError(f"{name}: input batch dimension is not symbolic ({dim0})")
    return Case(name, 13, m, {"input": x}, refs,
                expect=[("Conv", {}), ("BatchNormalization", {}), ("Relu", {}), ("GlobalAveragePool", {}),
                        ("Flatten", {"axis": 1}), ("Gemm", {"transB": 1})],
                description="Conv-BN-ReLU-GlobalAveragePool-Flatten-Gemm with a symbolic batch dimension "
                            "'batch' on input and output; the sample input has batch 3")


class Opset9Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):                                   # [1, 4, 8, 8]
        y = torch.clamp(self.conv(x), -0.5, 0.75)           # Clip with min/max attributes (opset < 11)
        y = F.interpolate(y, scale_factor=2.0, mode="nearest")  # Upsample (opset 9)
        y = y[:, 1:3, 2:14, 3:15]                            # Slice with starts/ends/axes attributes
        y = F.pad(y, (1, 2, 0, 1), value=0.25)              # Pad with pads/value attributes
        y = torch.mean(y, dim=3)                             # ReduceMean axes attribute, keepdims=0
        return torch.unsqueeze(y, 1)                         # Unsqueeze axes attribute


def build_opset9_clip_upsample():
    name = "opset9_clip_upsample"
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    x = rand(rng, (1, 4, 8, 8))
    m, refs = torch_export(Opset9Net(), to_torch(x), 9, ["x"], ["y"])
    return Case(name, 9, m, {"x": x}, refs,
                expect=[("Clip", {"min": -0.5, "max": 0.75}), ("Upsample", {"mode": "nearest"}),
                        ("Slice", {"axes": [2], "starts": [2], "ends": [14]}),
                        ("Pad", {"mode": "constant", "value": 0.25}), ("ReduceMean", {"axes": [3], "keepdims": 0}),
                        ("Unsqueeze", {"axes": [1]})],
                description="opset 9 forms: Clip with min/max attributes, Upsample (nearest, scales input), "
                            "Slice/Pad/ReduceMean/Unsqueeze with attribute operands")


class Opset11Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):                                   # [1, 3, 6, 6]
        y = F.relu6(self.conv(x))                            # Clip with min/max inputs (opset >= 11)
        a = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)    # Resize linear
        b = F.interpolate(y, size=(9, 9), mode="nearest")    # Resize nearest, sizes input
        return a, torch.squeeze(b[:, :1], 1)                 # Squeeze axes attribute (opset 11)


def build_opset11_clip_resize():
    name = "opset11_clip_resize"
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    x = rand(rng, (1, 3, 6, 6))
    m, refs = torch_export(Opset11Net(), to_torch(x), 11, ["x"], ["linear", "nearest"])
    return Case(name, 11, m, {"x": x}, refs,
                expect=[("Clip", {}), ("Resize", {"mode": "linear", "coordinate_transformation_mode": "half_pixel"}),
                        ("Resize", {"mode": "nearest", "coordinate_transformation_mode": "asymmetric"}),
                        ("Shape", {}), ("Squeeze", {"axes": [1]})],
                description="opset 11 forms: Relu + Clip with min/max inputs (torch's ReLU6), Resize linear "
                            "(half_pixel, scales input) and nearest (asymmetric/floor, sizes input computed at "
                            "run time by Shape-Slice-Concat), Squeeze with axes attribute; two outputs")


class SmallConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):                                   # [1, 2, 6, 6]
        y = torch.relu(self.conv(x)) * 0.5 + 1.0
        return self.fc(torch.flatten(y, 1))


def initializers_to_constants(model):
    """Rewrites every initializer of the main graph into a Constant node at the front of the graph."""
    g = model.graph
    consts = [helper.make_node("Constant", [], [init.name], name=f"const_{init.name}", value=init)
              for init in g.initializer]
    names = {init.name for init in g.initializer}
    kept_inputs = [i for i in g.input if i.name not in names]
    nodes = consts + list(g.node)
    del g.initializer[:]
    del g.input[:]
    g.input.extend(kept_inputs)
    del g.node[:]
    g.node.extend(nodes)
    return model


def build_constant_nodes():
    name = "constant_nodes"
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    x = rand(rng, (1, 2, 6, 6))
    m, refs = torch_export(SmallConvNet(), to_torch(x), 13, ["x"], ["y"], constant_folding=False)
    m = initializers_to_constants(m)
    if len(m.graph.initializer) != 0:
        raise RuntimeError(f"{name}: initializers left")
    n_const = sum(1 for n in m.graph.node if n.op_type == "Constant")
    if n_const < 6:
        raise RuntimeError(f"{name}: expected >= 6 Constant nodes, got {n_const}")
    return Case(name, 13, m, {"x": x}, refs,
                expect=[("Constant", {}), ("Conv", {}), ("Relu", {}), ("Mul", {}), ("Add", {}), ("Flatten", {}),
                        ("Gemm", {})],
                description="no initializers at all: conv/linear weights and biases and the scalar operands "
                            "are Constant nodes (exported with do_constant_folding=False, initializers rewritten "
                            "into Constant nodes)")


def simple_torch_case(name, module, shapes, opset, input_names, output_names, expect, description, ranges=None,
                      rtol=1e-4):
    """A case exported from a small module; shapes and (low, high) ranges are per input."""
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    ranges = ranges or [(-1.0, 1.0)] * len(shapes)
    xs = [rand(rng, s, lo, hi) for s, (lo, hi) in zip(shapes, ranges)]
    m, refs = torch_export(module(), to_torch(*xs), opset, input_names, output_names)
    return Case(name, opset, m, dict(zip(input_names, xs)), refs, expect=expect, description=description,
                rtol=rtol)


class ConvTransposeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.grouped = nn.ConvTranspose2d(4, 4, 2, stride=2, groups=2, bias=False)

    def forward(self, x):
        return self.up(x), self.grouped(x)


class DetectorFPN(nn.Module):
    """A DBNet-style text detector at small scale: a 4-stage strided conv backbone (1/2 .. 1/16), an FPN whose
    top-down path upsamples 2x (nearest, then bilinear with align_corners) and adds, each level brought to 1/4
    (nearest x4, bilinear x2 with half-pixel centers) and concatenated, and DBNet's probability head:
    conv-BN-ReLU, ConvTranspose 2x2/2 + ReLU, ConvTranspose 2x2/2, sigmoid (full input resolution)."""

    def __init__(self):
        super().__init__()

        def cbr(cin, cout, stride):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

        self.stages = nn.ModuleList([cbr(3, 16, 2), cbr(16, 24, 2), cbr(24, 32, 2), cbr(32, 48, 2)])
        self.lateral = nn.ModuleList([nn.Conv2d(c, 32, 1) for c in (24, 32, 48)])
        self.smooth = nn.ModuleList([nn.Conv2d(32, 8, 3, padding=1) for _ in range(3)])
        self.head = cbr(24, 8, 1)
        self.up1 = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.up2 = nn.ConvTranspose2d(8, 1, 2, stride=2)

    def forward(self, x):                                   # [1, 3, 64, 64]
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        c2, c3, c4 = feats[1], feats[2], feats[3]            # 1/4, 1/8, 1/16
        p4 = self.lateral[2](c4)
        p3 = self.lateral[1](c3) + F.interpolate(p4, scale_factor=2, mode="nearest")
        p2 = self.lateral[0](c2) + F.interpolate(p3, scale_factor=2, mode="bilinear", align_corners=True)
        o4 = F.interpolate(self.smooth[2](p4), scale_factor=4, mode="nearest")
        o3 = F.interpolate(self.smooth[1](p3), scale_factor=2, mode="bilinear", align_corners=False)
        o2 = self.smooth[0](p2)
        fuse = torch.cat([o4, o3, o2], dim=1)               # [1, 24, 16, 16]
        y = self.head(fuse)
        y = torch.relu(self.up1(y))
        return torch.sigmoid(self.up2(y))                    # [1, 1, 64, 64]


def build_detector_fpn():
    name = "detector_fpn"
    gen, rng = seeded(name)
    model = DetectorFPN()
    randomize_batchnorm(model, [torch.randn(4, 3, 64, 64, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 3, 64, 64)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 13, ["image"], ["prob"])
    return Case(name, 13, m, {"image": x}, refs,
                expect=[("ConvTranspose", {"strides": [2, 2]}), ("Resize", {"mode": "nearest"}),
                        ("Resize", {"mode": "linear", "coordinate_transformation_mode": "half_pixel"}),
                        ("Resize", {"mode": "linear", "coordinate_transformation_mode": "align_corners"}),
                        ("Concat", {"axis": 1}), ("Add", {}), ("Sigmoid", {}), ("BatchNormalization", {})],
                description="DBNet-style text detector (issue 10): strided conv backbone, FPN with nearest and "
                            "bilinear Resize, Concat, ConvTranspose 2x2/2 head and a sigmoid probability map; "
                            "random init with non-trivial BatchNorm, 1x3x64x64")


class TemporalConvNet(nn.Module):
    """A 1-D temporal CNN (keyword spotting on a 16-band x 64-frame spectrogram; issue 10's Conv1d / pooling on
    rank-3 tensors): Conv1d-BN-ReLU, MaxPool1d, a dilated Conv1d, a depthwise strided Conv1d, AvgPool1d and a
    1x1 Conv1d classifier averaged over time, plus a ConvTranspose1d upsampling head."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Sequential(nn.Conv1d(16, 32, 5, padding=2, bias=False), nn.BatchNorm1d(32), nn.ReLU())
        self.pool = nn.MaxPool1d(2)
        self.c2 = nn.Sequential(nn.Conv1d(32, 32, 3, padding=2, dilation=2), nn.ReLU())
        self.dw = nn.Sequential(nn.Conv1d(32, 32, 3, stride=2, padding=1, groups=32), nn.ReLU())
        self.avg = nn.AvgPool1d(2)
        self.cls = nn.Conv1d(32, 10, 1)
        self.up = nn.ConvTranspose1d(32, 16, 4, stride=2, padding=1)

    def forward(self, x):                                   # [1, 16, 64]
        y = self.pool(self.c1(x))                            # [1, 32, 32]
        y = self.dw(self.c2(y))                              # [1, 32, 16]
        logits = self.cls(self.avg(y)).mean(-1)              # [1, 10]
        return logits, self.up(y)                            # [1, 16, 32]


def build_temporal_conv1d():
    name = "temporal_conv1d"
    gen, rng = seeded(name)
    model = TemporalConvNet()
    randomize_batchnorm(model, [torch.randn(4, 16, 64, generator=gen) for _ in range(2)], gen)
    x = rng.standard_normal((1, 16, 64)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 13, ["frames"], ["logits", "upsampled"])
    return Case(name, 13, m, {"frames": x}, refs,
                expect=[("Conv", {"dilations": [2]}), ("Conv", {"group": 32, "strides": [2]}),
                        ("MaxPool", {"kernel_shape": [2]}), ("AveragePool", {"kernel_shape": [2]}),
                        ("ConvTranspose", {"strides": [2]})],
                description="1-D temporal CNN (issue 10: Conv1d and pooling on rank-3 tensors): Conv1d-BN-ReLU, "
                            "MaxPool1d, dilated and depthwise strided Conv1d, AvgPool1d, a 1x1 Conv1d classifier "
                            "averaged over time and a ConvTranspose1d head; 1x16x64")


class EinsumAttention(nn.Module):
    """Self-attention written with torch.einsum (exported as ONNX Einsum, opset 12+): QK^T as
    'bhqd,bhkd->bhqk', AV as 'bhqk,bhkd->bhqd', and the output projection as 'bqhd,hde->bqe' (two contracted
    dimensions against a constant weight)."""

    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads, self.hd = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.wo = nn.Parameter(torch.randn(heads, dim // heads, dim) * 0.2)

    def forward(self, x):                                   # [1, 8, 32]
        b, s, _ = x.shape
        q, k, v = self.qkv(x).reshape(b, s, 3, self.heads, self.hd).permute(2, 0, 3, 1, 4)
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / self.hd ** 0.5
        ctx = torch.einsum("bhqk,bhkd->bhqd", scores.softmax(-1), v)
        return torch.einsum("bhqd,hde->bqe", ctx, self.wo)


def build_einsum_attention():
    name = "einsum_attention"
    gen, rng = seeded(name)
    model = EinsumAttention()
    x = rng.standard_normal((1, 8, 32)).astype(np.float32)
    m, refs = torch_export(model, to_torch(x), 13, ["x"], ["y"])
    return Case(name, 13, m, {"x": x}, refs,
                expect=[("Einsum", {"equation": "bhqd,bhkd->bhqk"}), ("Einsum", {"equation": "bhqk,bhkd->bhqd"}),
                        ("Einsum", {"equation": "bhqd,hde->bqe"}), ("Softmax", {})],
                description="self-attention with torch.einsum (issue 10: Einsum's matmul-shaped forms): QK^T, AV "
                            "and a two-dimension contraction with a constant weight; 1x8x32, 4 heads")


class PadNet(nn.Module):
    def forward(self, x):
        return (F.pad(x, (2, 1, 1, 0), mode="constant", value=0.25), F.pad(x, (1, 2, 0, 1), mode="reflect"),
                F.pad(x, (1, 1, 2, 2), mode="replicate"))


class SliceNet(nn.Module):
    def forward(self, x):                                   # [1, 4, 6, 8]
        return x[:, 1:3, ::2, -3:], x[..., 1:-1:3]


class ConcatNet(nn.Module):
    def forward(self, a, b):
        return torch.cat([a, b, a], dim=1), torch.cat([a, a], dim=-1)


class MaxPoolCeilNet(nn.Module):
    def forward(self, x):                                   # [1, 3, 9, 9]
        return F.max_pool2d(x, 2, 2, ceil_mode=True), F.max_pool2d(x, 3, 2, padding=1, ceil_mode=True)


def build_avgpool_count_include_pad():
    """torch always exports count_include_pad=True as Pad + AveragePool, so this graph is written directly."""
    name = "op_avgpool_count_include_pad"
    rng = np.random.default_rng(seed_of(name))
    x = rand(rng, (1, 3, 7, 7))
    nodes = [
        helper.make_node("AveragePool", ["x"], ["include_pad"], name="avgpool_include_pad", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1),
        helper.make_node("AveragePool", ["x"], ["exclude_pad"], name="avgpool_exclude_pad", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0),
    ]
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 7, 7])],
                          [helper.make_tensor_value_info("include_pad", TensorProto.FLOAT, [1, 3, 4, 4]),
                           helper.make_tensor_value_info("exclude_pad", TensorProto.FLOAT, [1, 3, 4, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    xt = torch.from_numpy(x)
    refs = {"include_pad": F.avg_pool2d(xt, 3, 2, 1, count_include_pad=True).numpy(),
            "exclude_pad": F.avg_pool2d(xt, 3, 2, 1, count_include_pad=False).numpy()}
    return Case(name, 13, m, {"x": x}, refs,
                expect=[("AveragePool", {"count_include_pad": 1, "pads": [1, 1, 1, 1]}),
                        ("AveragePool", {"count_include_pad": 0})],
                description="AveragePool 3x3/2 pad 1 with count_include_pad=1 and =0 (written with onnx.helper; "
                            "reference: torch avg_pool2d)")


def build_pad():
    """Pad with `pads` (and the constant value) as initializers: the clean form the importer meets first.

    torch 1.13 builds `pads` with a ConstantOfShape/Reshape/Transpose/Cast subgraph instead (see
    pad_torch_export), so this graph is written with onnx.helper; the reference is torch's F.pad.
    """
    name = "op_pad"
    rng = np.random.default_rng(seed_of(name))
    x = rand(rng, (1, 2, 4, 5))
    # ONNX pads: [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; F.pad: (last_begin, last_end, prev_begin, ...).
    specs = [("constant", [0, 0, 1, 2, 0, 0, 0, 1], (2, 1, 1, 0)),
             ("reflect", [0, 0, 0, 1, 0, 0, 1, 2], (1, 2, 0, 1)),
             ("edge", [0, 0, 2, 1, 0, 0, 2, 1], (1, 1, 2, 2))]
    nodes, inits, outs, refs = [], [], [], {}
    xt = torch.from_numpy(x)
    for mode, pads, torch_pads in specs:
        inits.append(numpy_helper.from_array(np.array(pads, dtype=np.int64), f"pads_{mode}"))
        ins = ["x", f"pads_{mode}"]
        if mode == "constant":
            inits.append(numpy_helper.from_array(np.array(0.25, dtype=np.float32), "pad_value"))
            ins.append("pad_value")
        nodes.append(helper.make_node("Pad", ins, [mode], name=f"pad_{mode}", mode=mode))
        ref = F.pad(xt, torch_pads, mode={"edge": "replicate"}.get(mode, mode),
                    **({"value": 0.25} if mode == "constant" else {})).numpy()
        refs[mode] = ref
        outs.append(helper.make_tensor_value_info(mode, TensorProto.FLOAT, list(ref.shape)))
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))], outs,
                          initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    return Case(name, 13, m, {"x": x}, refs,
                expect=[("Pad", {"mode": "constant"}), ("Pad", {"mode": "reflect"}), ("Pad", {"mode": "edge"})],
                description="Pad-13 with pads and constant value as initializers, in constant (0.25), reflect and "
                            "edge modes (written with onnx.helper; reference: torch F.pad)")


class ElementwiseInt8Net(nn.Module):
    """Issue 10's elementwise ops between int8 convs: LeakyReLU, a per-channel PReLU, Max / Min of two conv
    branches, Max against a pooled [1, 8, 1, 1] tensor (broadcasting), Abs, Neg, Exp and a single-slope PReLU."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.leaky = nn.LeakyReLU(0.1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.prelu = nn.PReLU(8, init=0.25)
        self.conv3 = nn.Conv2d(8, 8, 1)
        self.conv4 = nn.Conv2d(8, 8, 1)
        self.conv5 = nn.Conv2d(8, 8, 3, padding=1)
        self.prelu1 = nn.PReLU(init=-0.3)
        with torch.no_grad():
            self.prelu.weight.copy_(torch.linspace(-0.5, 0.75, 8))

    def forward(self, x):                                   # [1, 3, 8, 8]
        a = self.leaky(self.conv1(x))
        b = self.prelu(self.conv2(a))
        m = torch.maximum(self.conv3(b), self.conv4(b))
        n = torch.minimum(m, self.conv5(b))
        p = torch.maximum(n, F.adaptive_avg_pool2d(b, 1))
        y = self.prelu1(torch.neg(torch.abs(p)))
        e = torch.exp(torch.neg(torch.abs(n)))
        return torch.cat([y, e], 1)                         # one output (compiled_aarch64.sh's runner)


class HardSwishNet(nn.Module):
    def forward(self, x):
        return F.hardswish(x)


class HardSigmoidNet(nn.Module):
    def forward(self, x):
        return F.hardsigmoid(x)


class SigmoidNet(nn.Module):
    def forward(self, x):
        return torch.sigmoid(x)


class TanhNet(nn.Module):
    def forward(self, x):
        return torch.tanh(x)


class PowNet(nn.Module):
    def forward(self, base, exponent):
        return torch.pow(base, exponent), torch.pow(base, 3.0)


class SqrtNet(nn.Module):
    def forward(self, x):
        return torch.sqrt(x)


class DivNet(nn.Module):
    def forward(self, a, b):
        return a / b, a / 4.0


class SubNet(nn.Module):
    def forward(self, a, b):
        return a - b, 1.0 - a


class ReduceMeanNet(nn.Module):
    def forward(self, x):
        return torch.mean(x, dim=(2, 3), keepdim=True), torch.mean(x, dim=1)


class SqueezeUnsqueezeNet(nn.Module):
    def forward(self, x):                                   # [1, 3, 1, 4]
        y = torch.squeeze(x, 2)                              # [1, 3, 4]
        return torch.unsqueeze(y, -1), torch.unsqueeze(torch.squeeze(y, 0), 0)


class GemmNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 8)
        self.w = nn.Parameter(torch.randn(16, 8))
        self.c = nn.Parameter(torch.randn(8))

    def forward(self, x):                                   # [2, 16]
        return self.fc(x), torch.addmm(self.c, x, self.w, beta=0.5, alpha=2.0)


class FlattenNet(nn.Module):
    def forward(self, x):                                   # [2, 3, 4, 5]
        return torch.flatten(x, 1)


def small_builders():
    return {
        "dynamic_batch": build_dynamic_batch,
        "opset9_clip_upsample": build_opset9_clip_upsample,
        "opset11_clip_resize": build_opset11_clip_resize,
        "constant_nodes": build_constant_nodes,
        "op_conv_transpose": lambda: simple_torch_case(
            "op_conv_transpose", ConvTransposeNet, [(1, 4, 5, 5)], 13, ["x"], ["up", "grouped"],
            [("ConvTranspose", {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}),
             ("ConvTranspose", {"group": 2})],
            "ConvTranspose 3x3/2 pad 1 output_padding 1 with bias; grouped (2) 2x2/2 without bias"),
        "op_pad": build_pad,
        "detector_fpn": build_detector_fpn,
        "temporal_conv1d": build_temporal_conv1d,
        "einsum_attention": build_einsum_attention,
        "pad_torch_export": lambda: simple_torch_case(
            "pad_torch_export", PadNet, [(1, 2, 4, 5)], 13, ["x"], ["constant", "reflect", "edge"],
            [("Pad", {"mode": "constant"}), ("Pad", {"mode": "reflect"}), ("Pad", {"mode": "edge"}),
             ("ConstantOfShape", {}), ("Transpose", {}), ("Cast", {})],
            "F.pad exactly as torch 1.13 exports it at opset 13: each Pad's `pads` operand is computed by a "
            "constant ConstantOfShape-Concat-Reshape-Slice-Transpose-Reshape-Cast subgraph that an importer "
            "must fold; same modes and values as op_pad"),
        "op_slice": lambda: simple_torch_case(
            "op_slice", SliceNet, [(1, 4, 6, 8)], 13, ["x"], ["strided", "last_axis"], [("Slice", {})],
            "Slice with steps, negative starts/ends and several axes (operands as inputs, opset 13)"),
        "op_concat": lambda: simple_torch_case(
            "op_concat", ConcatNet, [(1, 2, 3, 3), (1, 3, 3, 3)], 13, ["a", "b"], ["channels", "last_axis"],
            [("Concat", {"axis": 1}), ("Concat", {"axis": -1})],
            "Concat of two graph inputs on axis 1 (three operands, one repeated) and on axis -1"),
        "op_maxpool_ceil": lambda: simple_torch_case(
            "op_maxpool_ceil", MaxPoolCeilNet, [(1, 3, 9, 9)], 13, ["x"], ["k2s2", "k3s2p1"],
            [("MaxPool", {"ceil_mode": 1, "kernel_shape": [2, 2]}),
             ("MaxPool", {"ceil_mode": 1, "pads": [1, 1, 1, 1]})],
            "MaxPool with ceil_mode=1: 2x2/2 on 9x9 (5x5 out, floor would give 4x4) and 3x3/2 pad 1"),
        "op_avgpool_count_include_pad": build_avgpool_count_include_pad,
        "op_elementwise_int8": lambda: simple_torch_case(
            "op_elementwise_int8", ElementwiseInt8Net, [(1, 3, 8, 8)], 13, ["x"], ["y"],
            [("LeakyRelu", {"alpha": 0.1}), ("PRelu", {}), ("Max", {}), ("Min", {}), ("Abs", {}), ("Neg", {}),
             ("Exp", {})],
            "issue 10's elementwise ops between convs (quantized and compiled by e2e.compiled_exact."
            "op_elementwise_int8.*): LeakyRelu, PRelu per channel and with one slope, Max / Min of conv "
            "branches and Max with a broadcast pooled tensor, Abs, Neg, Exp", ranges=[(-2.0, 2.0)]),
        "op_hardswish": lambda: simple_torch_case(
            "op_hardswish", HardSwishNet, [(1, 4, 5, 5)], 14, ["x"], ["y"], [("HardSwish", {})],
            "HardSwish (opset 14; at opset 13 torch decomposes it)", ranges=[(-5.0, 5.0)]),
        "op_hardsigmoid": lambda: simple_torch_case(
            "op_hardsigmoid", HardSigmoidNet, [(1, 4, 5, 5)], 13, ["x"], ["y"],
            [("HardSigmoid", {"alpha": 1.0 / 6})], "HardSigmoid alpha=1/6 beta=0.5 (PyTorch's definition)",
            ranges=[(-5.0, 5.0)]),
        "op_sigmoid": lambda: simple_torch_case(
            "op_sigmoid", SigmoidNet, [(1, 4, 5, 5)], 13, ["x"], ["y"], [("Sigmoid", {})], "Sigmoid",
            ranges=[(-6.0, 6.0)]),
        "op_tanh": lambda: simple_torch_case(
            "op_tanh", TanhNet, [(1, 4, 5, 5)], 13, ["x"], ["y"], [("Tanh", {})], "Tanh", ranges=[(-3.0, 3.0)]),
        "op_pow": lambda: simple_torch_case(
            "op_pow", PowNet, [(2, 3, 4), (2, 3, 4)], 13, ["base", "exponent"], ["pow_tensor", "cube"],
            [("Pow", {})], "Pow with a tensor exponent (base in [0.5, 2], exponent in [-2, 2]) and with a "
                           "scalar constant exponent 3", ranges=[(0.5, 2.0), (-2.0, 2.0)]),
        "op_sqrt": lambda: simple_torch_case(
            "op_sqrt", SqrtNet, [(1, 4, 5, 5)], 13, ["x"], ["y"], [("Sqrt", {})], "Sqrt of inputs in [0, 4]",
            ranges=[(0.0, 4.0)]),
        "op_div": lambda: simple_torch_case(
            "op_div", DivNet, [(1, 3, 4, 4), (1, 3, 4, 4)], 13, ["a", "b"], ["a_div_b", "a_div_4"],
            [("Div", {})], "Div of two inputs (divisor in [0.5, 2]) and by a scalar constant",
            ranges=[(-1.0, 1.0), (0.5, 2.0)]),
        "op_sub": lambda: simple_torch_case(
            "op_sub", SubNet, [(1, 3, 4, 4), (3, 1, 1)], 13, ["a", "b"], ["a_sub_b", "one_sub_a"],
            [("Sub", {})], "Sub with broadcasting ([1,3,4,4] - [3,1,1]) and constant minus input"),
        "op_reduce_mean": lambda: simple_torch_case(
            "op_reduce_mean", ReduceMeanNet, [(1, 3, 4, 5)], 13, ["x"], ["spatial_keepdims", "channels"],
            [("ReduceMean", {"axes": [2, 3], "keepdims": 1}), ("ReduceMean", {"axes": [1], "keepdims": 0})],
            "ReduceMean over axes (2,3) keepdims=1 and over axis 1 keepdims=0 (axes attribute, opset 13)"),
        "op_squeeze_unsqueeze": lambda: simple_torch_case(
            "op_squeeze_unsqueeze", SqueezeUnsqueezeNet, [(1, 3, 1, 4)], 13, ["x"], ["unsq_last", "sq_unsq0"],
            [("Squeeze", {}), ("Unsqueeze", {})], "Squeeze/Unsqueeze with axes as inputs (opset 13), "
                                                  "including a negative axis"),
        "op_gemm": lambda: simple_torch_case(
            "op_gemm", GemmNet, [(2, 16)], 13, ["x"], ["linear", "addmm"],
            [("Gemm", {"transB": 1}), ("Gemm", {"alpha": 2.0, "beta": 0.5})],
            "Gemm from nn.Linear (transB=1) and from addmm with alpha=2, beta=0.5"),
        "op_flatten": lambda: simple_torch_case(
            "op_flatten", FlattenNet, [(2, 3, 4, 5)], 13, ["x"], ["y"], [("Flatten", {"axis": 1})],
            "Flatten axis=1 of [2,3,4,5]"),
    }


def large_builders():
    return {
        "resnet18": build_resnet18,
        "mobilenet_v2": build_mobilenet_v2,
        "mobilenet_v3_small": build_mobilenet_v3_small,
        "text_cls": build_text_cls,
        "transformer_block": build_transformer_block,
        "vit_tiny": build_vit_tiny,
        "lraspp": build_lraspp,
        "crnn": build_crnn,
        "crnn_gru": build_crnn_gru,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description="Export qc's ONNX test models (see the module docstring).")
    p.add_argument("--out", help="output directory (created if missing)")
    p.add_argument("--only", action="append", default=[],
                   help="export only these models (comma-separated, repeatable)")
    p.add_argument("--group", choices=["small", "large", "all"], default="all",
                   help="small: op-coverage models; large: resnet18, mobilenet_v2, mobilenet_v3_small, text_cls, "
                        "transformer_block, "
                        "vit_tiny, lraspp, crnn, crnn_gru")
    p.add_argument("--list", action="store_true", help="list model names and exit")
    p.add_argument("--verify-against", metavar="DIR",
                   help="after exporting, require every written file to be byte-identical to DIR/<same name>")
    args = p.parse_args(argv)

    small, large = small_builders(), large_builders()
    every = {**large, **small}
    if args.list:
        for n in every:
            print(f"{n}\t{'large' if n in large else 'small'}")
        return 0
    if not args.out:
        p.error("--out is required")
    only = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in only if n not in every]
    if unknown:
        print(f"export_models.py: error: unknown model(s): {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    if only:
        names = only
    else:
        names = list({"small": small, "large": large, "all": every}[args.group])
    os.makedirs(args.out, exist_ok=True)

    t_all = time.time()
    stale = []
    for n in names:
        t0 = time.time()
        case = every[n]()
        files = write_case(case, args.out)
        if args.verify_against:
            for f in files:
                other = os.path.join(args.verify_against, os.path.basename(f))
                with open(f, "rb") as a:
                    mine = a.read()
                try:
                    with open(other, "rb") as b:
                        if b.read() != mine:
                            stale.append(f"{other} differs from the freshly exported {f}")
                except FileNotFoundError:
                    stale.append(f"{other} is missing")
        size = os.path.getsize(files[0])
        ops = ", ".join(f"{k}x{v}" if v > 1 else k for k, v in op_histogram(case.onnx_model).items())
        print(f"{n}: opset {case.opset}, {size / 1024:.1f} KiB, {time.time() - t0:.1f} s; ops: {ops}")
        for f in files:
            print(f"  wrote {f}")
    print(f"exported {len(names)} model(s) to {args.out} in {time.time() - t_all:.1f} s")
    if stale:
        print("export_models.py: error: committed models are out of date (regenerate with "
              f"--out {args.verify_against} --group small):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    if args.verify_against:
        print(f"all files identical to those in {args.verify_against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
