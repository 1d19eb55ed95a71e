#!/usr/bin/python3
"""Dynamic quantization: `qc quantize --quantizer Q,dynamic=1` + `qc run` against PyTorch 1.13.

Builds small float models with fixed random weights, exports them to ONNX, quantizes them with qc (no calibration
data: every activation is dynamic) and compares `qc run` with PyTorch on the same inputs:

  * mlp (Linear 64->32, ReLU, Linear 32->10), x86,dynamic=1 against torch.ao.quantization.quantize_dynamic (engine
    onednn; the x86 engine of PyTorch 1.13, whose quantized::linear_dynamic quantizes activations with
    reduce_range=True to u8 [0, 127]); per_channel=1 with per_channel_dynamic_qconfig, per_channel=0 with
    default_dynamic_qconfig.
  * mlp, x86,dynamic=1,dynamic_reduce_range=0 (u8 [0, 255] activations) against quantize_dynamic with the qnnpack
    engine (which ignores reduce_range).
  * mlp, matmul (x @ W1, ReLU, @ W2 with constant W) and lhs_matmul (W @ x^T: the activation is the right-hand
    side, the weight per tensor), every configuration, against PyTorch's reference dynamic
    quantization: torch.quantize_per_tensor_dynamic on each activation (the same ChooseQuantizationParams as the
    dynamic kernels), weights quantized by PyTorch's observers with the quantizer's spec, float linear / matmul on
    the dequantized tensors (what FX's convert_to_reference_fx computes for dynamic qconfigs).

Outputs are float. qc's reference executor computes each product in f32 from the same dequantized values, so the
only differences come from f32 summation order (and, against the quantized kernels, from their integer
accumulation followed by one f32 rescale): a few f32 ulps of the partial sums. Such a difference can move the
min / max of the next activation and so its run-time scale; the tolerance is therefore relative:
max |qc - torch| <= rtol * max |torch| per output, rtol = 1e-5 (printed, with the measured value).

With --ort, every configuration (and each per-channel one again with granularity=per_token) is also
exported (--export-onnx: DynamicQuantizeLinear + DequantizeLinear for u8 [0, 255] per tensor, qc's rule in
float ops otherwise) and run with ONNX Runtime (test/ort/ort_run.js, graph optimizations disabled and all). ONNX's
DynamicQuantizeLinear chooses qparams by its own rule (f32 scale, zero point from the minimum, x / scale), so
ORT may differ from qc by an ulp of a scale or one step of a zero point; the tolerance is --ort-rtol (relative to
max |y|).

    /usr/bin/python3 test/dynamic/dynamic_vs_torch.py --qc build/bin/qc --work DIR [--ort]
"""
import argparse
import copy
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.ao.quantization import (default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic)
from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver

RTOL = 1e-5
HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "..", "ort", "ort_run.js")


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"dynamic_vs_torch.py: command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    return r.stdout


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class Matmul(nn.Module):
    """Constant right-hand sides: ONNX MatMul with an initializer (qc.matmul, per channel along N)."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(64, 24) * 0.2)
        self.w2 = nn.Parameter(torch.randn(24, 10) * 0.3)

    def forward(self, x):
        return torch.matmul(torch.relu(torch.matmul(x, self.w1)), self.w2)


# Quantizer -> (activation dtype, reduce_range, weight observer factory).
def weight_observer(quantizer, per_channel, axis):
    if quantizer.startswith("x86"):
        kw = dict(dtype=torch.qint8, quant_min=-128, quant_max=127)
    else:  # xnnpack: [-127, 127], eps 2^-12
        kw = dict(dtype=torch.qint8, quant_min=-127, quant_max=127, eps=2 ** -12)
    if per_channel:
        return PerChannelMinMaxObserver(ch_axis=axis, qscheme=torch.per_channel_symmetric, **kw)
    return MinMaxObserver(qscheme=torch.per_tensor_symmetric, **kw)


def fake_quant_weight(w, quantizer, per_channel, axis):
    obs = weight_observer(quantizer, per_channel, axis)
    obs(w)
    scale, zp = obs.calculate_qparams()
    if per_channel:
        return torch.fake_quantize_per_channel_affine(w, scale, zp.to(torch.int32), axis, obs.quant_min,
                                                      obs.quant_max)
    return torch.fake_quantize_per_tensor_affine(w, float(scale), int(zp), obs.quant_min, obs.quant_max)


class LhsMatmul(nn.Module):
    """A constant left-hand side: W @ x^T (the activation is the matmul's input 1; the weight per tensor)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(10, 64) * 0.2)

    def forward(self, x):
        return torch.matmul(self.w, x.t())


# Configuration -> (qc quantizer options, activation dtype, reduce_range) of PyTorch's dynamic activations.
CONFIGS = {
    "x86": ("x86,dynamic=1", torch.quint8, True),
    "x86full": ("x86,dynamic=1,dynamic_reduce_range=0", torch.quint8, False),
    "xnnpack": ("xnnpack,dynamic=1", torch.qint8, False),
}


def dynamic_act(x, quantizer):
    _, dtype, reduce_range = CONFIGS[quantizer]
    return torch.quantize_per_tensor_dynamic(x, dtype, reduce_range).dequantize()


def reference(model, x, quantizer, per_channel):
    """PyTorch's reference dynamic quantization of `model` (Mlp or Matmul)."""
    with torch.no_grad():
        if isinstance(model, Mlp):
            h = x
            for i, fc in enumerate([model.fc1, model.fc2]):
                w = fake_quant_weight(fc.weight, quantizer, per_channel, 0)
                h = nn.functional.linear(dynamic_act(h, quantizer), w, fc.bias)
                if i == 0:
                    h = torch.relu(h)
            return h
        if isinstance(model, LhsMatmul):
            return torch.matmul(fake_quant_weight(model.w, quantizer, False, 0), dynamic_act(x.t(), quantizer))
        w1 = fake_quant_weight(model.w1, quantizer, per_channel, 1)
        w2 = fake_quant_weight(model.w2, quantizer, per_channel, 1)
        h = torch.relu(torch.matmul(dynamic_act(x, quantizer), w1))
        return torch.matmul(dynamic_act(h, quantizer), w2)


def compare(label, qc_out, torch_out, rtol=RTOL):
    diff = np.abs(qc_out - torch_out)
    scale = float(np.max(np.abs(torch_out)))
    rel = float(diff.max()) / scale
    exact = float(np.mean(diff == 0))
    ok = rel <= rtol
    print(f"{label}: max |diff| {diff.max():.3g} (max |y| {scale:.3g}, relative {rel:.2e}, "
          f"{100 * exact:.1f}% bit-equal) {'ok' if ok else 'FAIL'} (rtol {rtol:g})", flush=True)
    return ok


def compare_ort(args, tag, exported, xpath, y_qc, rtol):
    """ONNX Runtime on qc's export of `tag`, graph optimizations off and all. The ui8 [0, 255] per-tensor
    edges are DynamicQuantizeLinear (ORT's own qparams rule: an ulp of a scale or a zero-point step from
    qc's); the other ranges and per-token edges are qc's rule in float ops, equal to qc run's quantized
    values, so only the float linears' summation order differs."""
    ok = True
    for opt in ("disabled", "all"):
        ort_dir = os.path.join(args.work, f"{tag}.ort_{opt}")
        run(["node", ORT_RUN, exported, "--input", f"input={xpath}", "--output-dir", ort_dir,
             "--graph-opt", opt, "--quiet"])
        y_ort = np.load(os.path.join(ort_dir, "output.npy"))
        ok &= compare(f"{tag} vs ONNX Runtime on the export (graph-opt {opt})", y_qc, y_ort, rtol)
    return ok


RULE_PROGRAM = """module {
  func.func @main(%x: tensor<6x64xf32> {qc.name = "x"}) -> (tensor<6x64xf32> {qc.name = "u7_token"},
      tensor<6x64xf32> {qc.name = "s8_tensor"}, tensor<6x64xf32> {qc.name = "u8_token"},
      tensor<6x64xf32> {qc.name = "s8_token"}) {
    %0 = qc.dynamic_fake_quant %x {dtype = ui8, per_token = true, quant_max = 127 : i64, quant_min = 0 : i64} : tensor<6x64xf32>
    %1 = qc.dynamic_fake_quant %x {dtype = i8, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<6x64xf32>
    %2 = qc.dynamic_fake_quant %x {dtype = ui8, per_token = true, quant_max = 255 : i64, quant_min = 0 : i64} : tensor<6x64xf32>
    %3 = qc.dynamic_fake_quant %x {dtype = i8, per_token = true, quant_max = 127 : i64, quant_min = -128 : i64} : tensor<6x64xf32>
    return %0, %1, %2, %3 : tensor<6x64xf32>, tensor<6x64xf32>, tensor<6x64xf32>, tensor<6x64xf32>
  }
}
"""


def check_rule_export(args):
    """The exported rule (qc.dynamic_fake_quant as float ops) run by ONNX Runtime equals qc run bit for bit:
    rows of ordinary, all-positive, wide, tiny (the 6.1e-5 minimum scale), all-negative and all-zero values."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 64)).astype(np.float32)
    x *= np.array([[1], [1e-3], [30], [1e-7], [2], [0]], np.float32)
    x[1] = np.abs(x[1])
    x[4] = -np.abs(x[4])
    mlir = os.path.join(args.work, "rule.mlir")
    exported = os.path.join(args.work, "rule.onnx")
    xpath = os.path.join(args.work, "rule_x.npy")
    with open(mlir, "w") as f:
        f.write(RULE_PROGRAM)
    np.save(xpath, x)
    run([args.qc, "export-onnx", mlir, "-o", exported])
    run([args.qc, "run", mlir, "--input", f"x={xpath}", "--output-dir", os.path.join(args.work, "rule_qc")])
    ok = True
    for opt in ("disabled", "all"):
        ort_dir = os.path.join(args.work, f"rule_ort_{opt}")
        run(["node", ORT_RUN, exported, "--input", f"x={xpath}", "--output-dir", ort_dir, "--graph-opt", opt,
             "--quiet"])
        for name in ("u7_token", "s8_tensor", "u8_token", "s8_token"):
            a = np.load(os.path.join(args.work, "rule_qc", f"{name}.npy"))
            b = np.load(os.path.join(ort_dir, f"{name}.npy"))
            same = np.array_equal(a.view(np.uint32), b.view(np.uint32))
            print(f"rule {name} vs ONNX Runtime (graph-opt {opt}): {'bit-equal ok' if same else 'FAIL'}")
            ok &= same
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ort", action="store_true", help="also export to ONNX and compare with ONNX Runtime")
    ap.add_argument("--ort-rtol", type=float, default=1e-2)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(0)
    torch.backends.quantized.engine = "onednn"
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((8, 64)) * 1.5 + 0.3).astype(np.float32)
    xpath = os.path.join(args.work, "x.npy")
    np.save(xpath, x)
    xt = torch.from_numpy(x)

    ok = True
    for name, model in [("mlp", Mlp().eval()), ("matmul", Matmul().eval()), ("lhs_matmul", LhsMatmul().eval())]:
        onnx_path = os.path.join(args.work, f"{name}.onnx")
        torch.onnx.export(model, (xt,), onnx_path, input_names=["input"], output_names=["output"],
                          opset_version=13)
        for quantizer, (options, _, _) in CONFIGS.items():
            for per_channel in [1, 0]:
                tag = f"{name}.{quantizer}.pc{per_channel}"
                qmlir = os.path.join(args.work, f"{tag}.q.mlir")
                out_dir = os.path.join(args.work, tag)
                cmd = [args.qc, "quantize", onnx_path, "--quantizer", f"{options},per_channel={per_channel}",
                       "-o", qmlir, "--quiet"]
                exported = os.path.join(args.work, f"{tag}.qdq.onnx")
                if args.ort:
                    cmd += ["--export-onnx", exported]
                run(cmd)
                text = open(qmlir).read()
                if "qc.dynamic_fake_quant" not in text or "qc.observe" in text:
                    sys.exit(f"{tag}: expected qc.dynamic_fake_quant and no qc.observe in {qmlir}")
                run([args.qc, "run", qmlir, "--input", f"input={xpath}", "--output-dir", out_dir])
                y_qc = np.load(os.path.join(out_dir, "output.npy"))
                y_ref = reference(model, xt, quantizer, per_channel).numpy()
                ok &= compare(f"{tag} vs PyTorch reference dynamic", y_qc, y_ref)
                if name == "mlp" and quantizer != "xnnpack":
                    engine = "onednn" if quantizer == "x86" else "qnnpack"
                    torch.backends.quantized.engine = engine
                    qconfig = per_channel_dynamic_qconfig if per_channel else default_dynamic_qconfig
                    qm = quantize_dynamic(copy.deepcopy(model), {nn.Linear: qconfig}, dtype=torch.qint8)
                    with torch.no_grad():
                        y_pt = qm(xt).numpy()
                    torch.backends.quantized.engine = "onednn"
                    ok &= compare(f"{tag} vs quantize_dynamic ({engine})", y_qc, y_pt)
                    with torch.no_grad():
                        y_float = model(xt).numpy()
                    err = np.abs(y_qc - y_float).max() / np.abs(y_float).max()
                    print(f"{tag}: dynamic int8 vs float: max relative error {err:.2e}")
                if args.ort:
                    # DynamicQuantizeLinear (x86full per tensor) keeps ORT's own qparams rule: --ort-rtol;
                    # qc's rule in float ops leaves only the f32 summation order: 1e-5.
                    ok &= compare_ort(args, tag, exported, xpath, y_qc,
                                      args.ort_rtol if quantizer == "x86full" else 1e-5)
                    if per_channel:
                        # Per token: the rule's statements in float ops (ReduceMin / ReduceMax per row).
                        ptag = f"{tag}.per_token"
                        pmlir = os.path.join(args.work, f"{ptag}.q.mlir")
                        pexported = os.path.join(args.work, f"{ptag}.qdq.onnx")
                        run([args.qc, "quantize", onnx_path, "--quantizer",
                             f"{options},per_channel=1,granularity=per_token", "-o", pmlir, "--quiet",
                             "--export-onnx", pexported])
                        pout = os.path.join(args.work, ptag)
                        run([args.qc, "run", pmlir, "--input", f"input={xpath}", "--output-dir", pout])
                        ok &= compare_ort(args, ptag, pexported, xpath,
                                          np.load(os.path.join(pout, "output.npy")), 1e-5)
    if args.ort:
        ok &= check_rule_export(args)
    if not ok:
        sys.exit("dynamic_vs_torch.py: FAILED")
    print("dynamic_vs_torch.py: all within tolerance")


if __name__ == "__main__":
    main()
