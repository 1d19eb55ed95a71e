#!/usr/bin/python3
"""Post-training quantization benchmark: calibration throughput and output SQNR, qc against PyTorch 1.13 FX.

    /usr/bin/python3 bench/quantization/ptq_bench.py --qc build/bin/qc --out DIR
        [--models resnet18,mobilenet_v2] [--quantizers x86,xnnpack]
        [--observers default,minmax,moving_average,histogram,percentile,entropy]
        [--calib-samples 8] [--eval-samples 4] [--throughput-samples 32] [--no-peer]

Models are test/models/export_models.py's (torchvision architectures, random weights with non-trivial BatchNorm;
no pretrained weights exist offline). Data is random too: calibration and evaluation inputs are N(0, 1) float32
images [1, 3, 224, 224] drawn with numpy's default_rng(0) (calibration first, then evaluation), so numbers measure
how faithfully the int8 program follows the float one, not accuracy.

For each model, quantizer and activation observer ("default" keeps the quantizer's), it runs
`qc quantize --calib` on the calibration samples and `qc run` on the evaluation samples, and reports
SQNR = 10 log10(sum(ref^2) / sum((ref - q)^2)) over all evaluation logits, ref being qc's float run of the same
model. Calibration throughput is `qc quantize`'s own samples/s (executor runs with observers, data reading
included), measured on --throughput-samples samples for the first quantizer with its default observer.

The peer (unless --no-peer) is PyTorch 1.13 FX graph mode on the same weights: prepare_fx with
get_default_qconfig_mapping("x86") (HistogramObserver, reduce_range activations, per-channel weights) for x86 and
"qnnpack" for xnnpack, calibrated on the same samples (torch.set_num_threads(1), like qc's single-threaded
executor), then convert_to_reference_fx (the Q/DQ reference model, float ops between quantize / dequantize: the
same contract form as qc's, and no quantized engine needed) run on the same evaluation samples. The script prints
qc/PyTorch ratios of calibration throughput.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def sqnr(ref, q):
    ref = np.asarray(ref, np.float64)
    err = ref - np.asarray(q, np.float64)
    noise = np.sum(err * err)
    if noise == 0:
        return float("inf")
    return 10.0 * np.log10(np.sum(ref * ref) / noise)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"ptq_bench.py: command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p


def qc_outputs(qc, model, samples, work):
    """Runs `model` on each sample (1x3x224x224), returns the stacked logits."""
    outs = []
    for i, x in enumerate(samples):
        path = os.path.join(work, f"eval{i}.npy")
        np.save(path, x)
        odir = os.path.join(work, "out")
        run([qc, "run", model, "--input", f"input={path}", "--output-dir", odir])
        outs.append(np.load(os.path.join(odir, "logits.npy")))
    return np.concatenate(outs)


def qc_quantize(qc, model, quantizer, observer, calib, out):
    cmd = [qc, "quantize", model, "--quantizer", quantizer, "--calib", calib, "-o", out]
    if observer != "default":
        cmd += ["--observer", observer]
    p = run(cmd)
    m = re.search(r"with (\d+) samples in \d+ runs, ([0-9.]+) s \(([0-9.]+) samples/s\)", p.stderr)
    if not m:
        sys.exit(f"ptq_bench.py: no calibration summary from qc quantize:\n{p.stderr}")
    return int(m.group(1)), float(m.group(2)), float(m.group(3))


def torch_model(name):
    """The torch module export_models.py exports as NAME.onnx (same seeds, same weights)."""
    sys.path.insert(0, os.path.join(ROOT, "test", "models"))
    import export_models as em
    import torch
    import torchvision
    torch.manual_seed(em.seed_of(name))
    gen = torch.Generator().manual_seed(em.seed_of(name) + 1)
    model = getattr(torchvision.models, name)(weights=None)
    calib = [torch.randn(4, 3, 224, 224, generator=gen) for _ in range(2)]
    em.randomize_batchnorm(model, calib, gen)
    return model.eval()


def torch_peer(name, quantizer, calib, evals, throughput_calib):
    import torch
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_to_reference_fx, prepare_fx
    torch.set_num_threads(1)
    backend = {"x86": "x86", "xnnpack": "qnnpack"}[quantizer]
    model = torch_model(name)
    example = (torch.from_numpy(calib[0]),)
    prepared = prepare_fx(model, get_default_qconfig_mapping(backend), example)
    with torch.no_grad():
        start = time.perf_counter()
        for x in throughput_calib:
            prepared(torch.from_numpy(x))
        seconds = time.perf_counter() - start
    # Calibrate a fresh copy on exactly the calibration samples for SQNR.
    prepared = prepare_fx(torch_model(name), get_default_qconfig_mapping(backend), example)
    with torch.no_grad():
        for x in calib:
            prepared(torch.from_numpy(x))
        quantized = convert_to_reference_fx(prepared)
        ref = torch.cat([model(torch.from_numpy(x)) for x in evals]).numpy()
        q = torch.cat([quantized(torch.from_numpy(x)) for x in evals]).numpy()
    return len(throughput_calib) / seconds, sqnr(ref, q)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qc", default=os.path.join(ROOT, "build", "bin", "qc"))
    p.add_argument("--out", required=True)
    p.add_argument("--models", default="resnet18,mobilenet_v2")
    p.add_argument("--quantizers", default="x86,xnnpack")
    p.add_argument("--observers", default="default,minmax,moving_average,histogram,percentile,entropy")
    p.add_argument("--calib-samples", type=int, default=8)
    p.add_argument("--eval-samples", type=int, default=4)
    p.add_argument("--throughput-samples", type=int, default=32)
    p.add_argument("--no-peer", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = a.models.split(",")
    missing = [m for m in models if not os.path.exists(os.path.join(a.out, m + ".onnx"))]
    if missing:
        run(["/usr/bin/python3", os.path.join(ROOT, "test", "models", "export_models.py"),
             "--only", ",".join(missing), "--out", a.out])

    rng = np.random.default_rng(0)
    calib = rng.standard_normal((a.calib_samples, 1, 3, 224, 224)).astype(np.float32)
    evals = rng.standard_normal((a.eval_samples, 1, 3, 224, 224)).astype(np.float32)
    thr = rng.standard_normal((a.throughput_samples, 1, 3, 224, 224)).astype(np.float32)
    calib_path = os.path.join(a.out, "calib.npy")
    thr_path = os.path.join(a.out, "throughput.npy")
    np.save(calib_path, calib)
    np.save(thr_path, thr)

    print(f"calibration: {a.calib_samples} samples, evaluation: {a.eval_samples} samples (N(0,1), numpy seed 0)")
    for name in models:
        onnx_path = os.path.join(a.out, name + ".onnx")
        work = os.path.join(a.out, name + ".work")
        os.makedirs(work, exist_ok=True)
        ref = qc_outputs(a.qc, onnx_path, evals, work)
        for qi, quantizer in enumerate(a.quantizers.split(",")):
            if qi == 0:
                n, s, rate = qc_quantize(a.qc, onnx_path, quantizer, "default", thr_path,
                                         os.path.join(work, "throughput.q.mlir"))
                line = f"{name}: calibration throughput ({quantizer}, default observer): {rate:.1f} samples/s " \
                       f"({n} samples in {s:.2f} s)"
                if not a.no_peer:
                    peer_rate, _ = torch_peer(name, quantizer, calib, evals[:1], thr)
                    line += f"; PyTorch FX prepare_fx: {peer_rate:.1f} samples/s; qc/PyTorch {rate / peer_rate:.2f}x"
                print(line, flush=True)
            for observer in a.observers.split(","):
                qpath = os.path.join(work, f"{quantizer}.{observer}.q.mlir")
                qc_quantize(a.qc, onnx_path, quantizer, observer, calib_path, qpath)
                q = qc_outputs(a.qc, qpath, evals, work)
                print(f"{name:13s} {quantizer:8s} {observer:15s} SQNR {sqnr(ref, q):6.2f} dB", flush=True)
            if not a.no_peer:
                _, peer = torch_peer(name, quantizer, calib, evals, thr[:1])
                print(f"{name:13s} {quantizer:8s} {'PyTorch FX':15s} SQNR {peer:6.2f} dB", flush=True)


if __name__ == "__main__":
    main()
