#!/usr/bin/python3
"""The seed tutorial's progression on torchvision MobileNetV2: fuse, per-tensor MinMax, per-channel + histogram, QAT.

    /usr/bin/python3 examples/mobilenet_v2/mobilenet_v2.py [--qc QC] [--out DIR] [--model MODEL.onnx]
        [--calib-samples 16] [--eval-samples 8] [--qat-steps 8] [--check]

Steps (each timed):
  1. export   test/models/export_models.py --only mobilenet_v2 (torchvision mobilenet_v2, weights=None, random
              init from a fixed seed with non-trivial BatchNorm statistics; no pretrained weights offline).
              Skipped with --model.
  2. data     calibration: --calib-samples images N(0, 1) [N, 3, 224, 224] (numpy default_rng(0));
              evaluation: --eval-samples images N(0, 1) from default_rng(1), one .npy [1, 3, 224, 224] each.
  3. float    `qc run` of the float model on every evaluation image (the SQNR reference).
  4. fuse     `qc import` folds every BatchNormalization into the Conv before it (qc-simplify): counted in the
              ONNX graph and in the imported program.
  5. for each configuration: `qc quantize --calib`, then `qc run` of the int8 program on the evaluation images.
       minmax/per-tensor       --quantizer x86,per_channel=0 --observer minmax
       histogram/per-channel   --quantizer x86              (x86 default: per-channel weights, histogram acts)
  6. qat      PyTorch 1.13 quantization-aware training of the same model (the same weights, rebuilt by
              test/models/export_models.py): prepare_qat_fx with the x86 QAT qconfig (version 0: FakeQuantize,
              the version torch.onnx exports; 8-bit activations, not reduce_range), BatchNorm statistics frozen, observers fed the calibration
              images, then --qat-steps SGD steps distilling the float model's logits on them (batch 2);
              torch.onnx.export of the fake-quant model (QuantizeLinear / DequantizeLinear), `qc import`
              (its conv-bn simulation folded, weights int8), `qc run`. Also printed: the largest difference
              from PyTorch's own fake-quant output (SQNR, and in output quantization steps). --qat-steps 0
              skips it.

With --corrections, four more configurations: per-tensor minmax with cle=1 (and with bias_correction=1 too),
per-channel histogram with cle=1, and with bias_correction=1 (docs/quantizers.md, "Weight-side corrections").

Printed per configuration: output SQNR = 10 log10(sum ref^2 / sum (ref - q)^2) over all evaluation logits, and
the weight bytes: constants of the float program (`qc import`, BatchNorm folded) against the constants of the
quantized program, both counted from the dense_resource blobs of the .mlir text (element type x element count).

The weights and the data are random, so the SQNR measures how faithfully the int8 program follows the float
one, not accuracy. --check exits 1 unless SQNR(per-channel + histogram) >= SQNR(per-tensor minmax) - 1 dB,
every float/int8 size ratio >= 3.5, no BatchNormalization is left after import, and qc's run of the QAT
export follows PyTorch's fake-quant output at an SQNR >= 20 dB. (Not within one output step: with random weights
and BatchNorm this network amplifies a one-step flip in an early layer, where float summation order decides a
rounding, to a few steps at the logits; PyTorch, ONNX Runtime and qc each differ from the others by ~4 steps,
~23 dB, on the same export.)
"""

import argparse
import copy
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CONFIGS = [
    ("minmax/per-tensor", ["--quantizer", "x86,per_channel=0", "--observer", "minmax"]),
    ("histogram/per-channel", ["--quantizer", "x86"]),
]
# --corrections: the weight-side corrections of docs/quantizers.md on top of both.
CORRECTIONS = [
    ("minmax/per-tensor+cle", ["--quantizer", "x86,per_channel=0,cle=1", "--observer", "minmax"]),
    ("minmax/per-tensor+cle+bc", ["--quantizer", "x86,per_channel=0,cle=1,bias_correction=1", "--observer",
                                  "minmax"]),
    ("histogram/per-channel+cle", ["--quantizer", "x86,cle=1"]),
    ("histogram/per-channel+bc", ["--quantizer", "x86,bias_correction=1"]),
]

BITS = {"f64": 64, "f32": 32, "f16": 16, "bf16": 16, "i64": 64, "i32": 32, "i16": 16, "i8": 8, "ui8": 8,
        "si8": 8, "i1": 8}


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"mobilenet_v2.py: command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p


def sqnr(ref, q):
    ref = np.asarray(ref, np.float64)
    err = ref - np.asarray(q, np.float64)
    noise = np.sum(err * err)
    return float("inf") if noise == 0 else 10.0 * np.log10(np.sum(ref * ref) / noise)


def constant_bytes(mlir_path):
    """{element type: bytes} over every dense_resource constant of a .mlir file (each blob counted once)."""
    with open(mlir_path) as f:
        text = f.read()
    types = {}
    for name, shape in re.findall(r"dense_resource<([^>]+)>\s*:\s*tensor<([^>]*)>", text):
        types[name] = shape
    blobs = dict(re.findall(r"^\s*\"?([\w.$-]+)\"?\s*:\s*\"0x([0-9A-Fa-f]*)\"", text, re.M))
    out = {}
    for name, shape in types.items():
        dims = shape.split("x")
        elem = dims[-1]
        count = 1
        for d in dims[:-1]:
            count *= int(d)
        nbytes = count * BITS[elem] // 8
        if name in blobs:  # cross-check against the blob (4 bytes of alignment header, then the data)
            blob = len(blobs[name]) // 2 - 4
            if blob != nbytes:
                sys.exit(f"mobilenet_v2.py: {mlir_path}: blob {name} has {blob} bytes, type {shape} needs {nbytes}")
        out[elem] = out.get(elem, 0) + nbytes
    if not out:
        sys.exit(f"mobilenet_v2.py: no dense_resource constants in {mlir_path}")
    return out


def outputs(qc, model, evals, work):
    outs = []
    odir = os.path.join(work, "out")
    for path in evals:
        run([qc, "run", model, "--input", f"input={path}", "--output-dir", odir])
        outs.append(np.load(os.path.join(odir, "logits.npy")))
    return np.concatenate(outs)


def count_ops(qc, onnx_model, mlir_path):
    """(BatchNormalization nodes of the ONNX graph, qc.batch_norm ops of the imported program)."""
    import onnx
    graph = onnx.load(onnx_model, load_external_data=False).graph
    with open(mlir_path) as f:
        imported = len(re.findall(r"\bqc\.batch_norm\b", f.read()))
    return sum(n.op_type == "BatchNormalization" for n in graph.node), imported


def export_qat(out, calib, evals, steps):
    """Quantization-aware training of the exported MobileNetV2 (same weights) and its ONNX export.

    Returns (the .onnx path, the distillation losses, PyTorch's fake-quant logits on the evaluation images)."""
    sys.path.insert(0, os.path.join(ROOT, "test", "models"))
    import warnings
    import export_models  # seeds torch, one thread, deterministic algorithms
    import torch
    import torch.nn.functional as F
    from torch.ao import quantization as tq
    from torch.ao.quantization import quantize_fx
    from torch.nn.intrinsic import qat as nniqat

    warnings.filterwarnings("ignore")
    model, _ = export_models.torchvision_model("mobilenet_v2", lambda tv: tv.mobilenet_v2(weights=None))
    teacher = copy.deepcopy(model).eval()
    torch.manual_seed(0)
    # The x86 QAT qconfig (per-channel symmetric weights, MinMax-tracking FakeQuantize on activations) with
    # 8-bit activations: the default's reduce_range (7 bits, 0..127) guards vpmaddubsw against int16
    # saturation on CPUs without VNNI, which qc's kernels never use (they widen to 16 bits or use vpdpbusd).
    act = tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                    dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False)
    qconfig = tq.QConfig(activation=act, weight=tq.default_per_channel_weight_fake_quant)
    mapping = tq.get_default_qat_qconfig_mapping("x86", version=0).set_global(qconfig)
    images = torch.from_numpy(calib)
    prepared = quantize_fx.prepare_qat_fx(copy.deepcopy(model).train(), mapping, example_inputs=(images[:1],))
    # BatchNorm keeps the float model's statistics (batch-2 statistics would only add noise); the observers
    # see every calibration image before the first step, so training starts from calibrated scales.
    prepared.apply(nniqat.freeze_bn_stats)
    with torch.no_grad():
        for i in range(0, len(images), 2):
            prepared(images[i:i + 2])
    opt = torch.optim.SGD(prepared.parameters(), lr=1e-4, momentum=0.9)
    losses = []
    for step in range(steps):
        i = (2 * step) % max(1, len(images) - 1)
        xb = images[i:i + 2]
        with torch.no_grad():
            target = teacher(xb)
        loss = F.mse_loss(prepared(xb), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    prepared.eval()
    prepared.apply(tq.disable_observer)
    with torch.no_grad():
        ref = np.concatenate([prepared(torch.from_numpy(np.load(p))).numpy() for p in evals])
    path = os.path.join(out, "mobilenet_v2.qat.onnx")
    torch.onnx.export(prepared, images[:1], path, opset_version=13, input_names=["input"],
                      output_names=["logits"])
    return path, losses, ref


def output_step(onnx_model):
    """The scale of the DequantizeLinear that writes the graph's output (its quantization step)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(onnx_model)
    out = m.graph.output[0].name
    producers = {o: n for n in m.graph.node for o in n.output}
    node = producers[out]
    while node.op_type != "DequantizeLinear":
        node = producers[node.input[0]]
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in m.graph.node if n.op_type == "Constant"}
    scale = inits.get(node.input[1], consts.get(node.input[1]))
    return float(np.asarray(scale).reshape(-1)[0])


def fmt_bytes(b):
    return f"{b / 2**20:.2f} MiB"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_qc = os.environ.get("QC") or os.path.join(ROOT, "build", "bin", "qc")
    p.add_argument("--qc", default=default_qc)
    p.add_argument("--out", default=os.path.join(ROOT, "out", "mobilenet_v2"))
    p.add_argument("--model", help="an already exported mobilenet_v2.onnx (skips the export)")
    p.add_argument("--calib-samples", type=int, default=16)
    p.add_argument("--eval-samples", type=int, default=8)
    p.add_argument("--qat-steps", type=int, default=8,
                   help="SGD steps of quantization-aware training (0 skips the QAT step)")
    p.add_argument("--check", action="store_true")
    p.add_argument("--corrections", action="store_true",
                   help="also cle=1 / bias_correction=1 variants (docs/quantizers.md)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t_all = time.perf_counter()

    t0 = time.perf_counter()
    if a.model:
        model = a.model
        print(f"{'export':<24} skipped, using {model}")
    else:
        run(["/usr/bin/python3", os.path.join(ROOT, "test", "models", "export_models.py"), "--out", a.out,
             "--only", "mobilenet_v2"])
        model = os.path.join(a.out, "mobilenet_v2.onnx")
        print(f"{'export':<24} {time.perf_counter() - t0:6.1f} s  {model}")

    t0 = time.perf_counter()
    calib = np.random.default_rng(0).standard_normal((a.calib_samples, 3, 224, 224)).astype(np.float32)
    calib_path = os.path.join(a.out, "calib.npy")
    np.save(calib_path, calib)
    rng = np.random.default_rng(1)
    evals = []
    for i in range(a.eval_samples):
        path = os.path.join(a.out, f"eval{i}.npy")
        np.save(path, rng.standard_normal((1, 3, 224, 224)).astype(np.float32))
        evals.append(path)
    print(f"{'data':<24} {time.perf_counter() - t0:6.1f} s  {a.calib_samples} calibration, "
          f"{a.eval_samples} evaluation images, N(0, 1)")

    t0 = time.perf_counter()
    float_mlir = os.path.join(a.out, "mobilenet_v2.mlir")
    run([a.qc, "import", model, "-o", float_mlir])
    ref = outputs(a.qc, model, evals, a.out)
    float_bytes = sum(constant_bytes(float_mlir).values())
    print(f"{'float':<24} {time.perf_counter() - t0:6.1f} s  weights {fmt_bytes(float_bytes)}")
    bn_onnx, bn_left = count_ops(a.qc, model, float_mlir)
    print(f"{'fuse':<24} {'':8}  {bn_onnx} BatchNormalization in the ONNX graph, {bn_left} left after "
          f"qc import (folded into the Conv before each)")

    results = {}
    for name, args in CONFIGS + (CORRECTIONS if a.corrections else []):
        t0 = time.perf_counter()
        qpath = os.path.join(a.out, f"mobilenet_v2.{name.replace('/', '_')}.q.mlir")
        run([a.qc, "quantize", model, *args, "--calib", calib_path, "--quiet", "-o", qpath])
        t_quant = time.perf_counter() - t0
        q = outputs(a.qc, qpath, evals, a.out)
        t_run = time.perf_counter() - t0 - t_quant
        sizes = constant_bytes(qpath)
        qbytes = sum(sizes.values())
        s = sqnr(ref, q)
        ratio = float_bytes / qbytes
        detail = ", ".join(f"{k} {fmt_bytes(v)}" for k, v in sorted(sizes.items()))
        results[name] = (s, ratio)
        print(f"{name:<24} {t_quant + t_run:6.1f} s  (quantize {t_quant:.1f} s, run {t_run:.1f} s)  "
              f"SQNR {s:6.2f} dB  weights {fmt_bytes(float_bytes)} -> {fmt_bytes(qbytes)} ({ratio:.2f}x; {detail})")
        print(f"{'':<24} qc quantize {os.path.basename(model)} {' '.join(args)} --calib calib.npy")
    qat_vs_torch = None
    if a.qat_steps > 0:
        t0 = time.perf_counter()
        qat_onnx, losses, torch_ref = export_qat(a.out, calib, evals, a.qat_steps)
        t_train = time.perf_counter() - t0
        qat_mlir = os.path.join(a.out, "mobilenet_v2.qat.mlir")
        run([a.qc, "import", qat_onnx, "-o", qat_mlir])
        q = outputs(a.qc, qat_mlir, evals, a.out)
        sizes = constant_bytes(qat_mlir)
        qbytes = sum(sizes.values())
        s = sqnr(ref, q)
        ratio = float_bytes / qbytes
        detail = ", ".join(f"{k} {fmt_bytes(v)}" for k, v in sorted(sizes.items()))
        qat_steps_off = float(np.max(np.abs(q - torch_ref))) / output_step(qat_onnx)
        qat_vs_torch = sqnr(torch_ref, q)
        results["qat"] = (s, ratio)
        print(f"{'qat':<24} {time.perf_counter() - t0:6.1f} s  (train + export {t_train:.1f} s)  SQNR {s:6.2f} dB  "
              f"weights {fmt_bytes(float_bytes)} -> {fmt_bytes(qbytes)} ({ratio:.2f}x; {detail})")
        print(f"{'':<24} {a.qat_steps} steps, distillation loss {losses[0]:.4g} -> {losses[-1]:.4g}; "
              f"qc vs PyTorch's fake-quant output: SQNR {qat_vs_torch:.2f} dB, {qat_steps_off:.0f} output steps "
              f"at most")
    print(f"{'total':<24} {time.perf_counter() - t_all:6.1f} s")

    if a.check:
        (s_mm, r_mm), (s_hc, r_hc) = results[CONFIGS[0][0]], results[CONFIGS[1][0]]
        ok = True
        if s_hc < s_mm - 1.0:
            print(f"check failed: per-channel+histogram SQNR {s_hc:.2f} dB < per-tensor minmax {s_mm:.2f} dB - 1",
                  file=sys.stderr)
            ok = False
        if bn_left:
            print(f"check failed: {bn_left} qc.batch_norm left after import", file=sys.stderr)
            ok = False
        if qat_vs_torch is not None and qat_vs_torch < 20.0:
            print(f"check failed: qc's run of the QAT export is {qat_vs_torch:.2f} dB from PyTorch's (< 20)",
                  file=sys.stderr)
            ok = False
        for name, (_, r) in results.items():
            if r < 3.5:
                print(f"check failed: {name} size ratio {r:.2f} < 3.5", file=sys.stderr)
                ok = False
        print("check " + ("passed" if ok else "FAILED"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
