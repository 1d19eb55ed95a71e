#!/usr/bin/python3
"""Prints the golden table of DynamicQuantTest.cpp: PyTorch 1.13's run-time
qparams (torch.quantize_per_tensor_dynamic, i.e. quant_utils::
ChooseQuantizationParams) for [min, max] pairs and the four 8-bit ranges.

    /usr/bin/python3 test/unit/reference/gen_dynamic_qparams.py
"""
import numpy as np
import torch

torch.backends.quantized.engine = "onednn"  # honours reduce_range
rng = np.random.default_rng(0)
pairs = [(0.0, 0.0), (-1.0, 2.0), (0.5, 3.5), (-4.0, -0.25), (-1e-6, 3e-6),
         (1e-6, 2e-6), (-2e-6, -1e-7), (-3e-5, 1e-5), (-1e30, 1e30),
         (-0.0078125, 1.9921875), (-127.0, 128.0)]
for _ in range(24):
    a = rng.standard_normal(2).astype(np.float32) * np.float32(10.0 ** rng.integers(-5, 4))
    pairs.append((float(min(a)), float(max(a))))
ranges = [(torch.quint8, False, 0, 255), (torch.quint8, True, 0, 127),
          (torch.qint8, False, -128, 127), (torch.qint8, True, -64, 63)]
for lo, hi in pairs:
    x = torch.tensor([lo, hi], dtype=torch.float32)
    for dtype, reduce, qmin, qmax in ranges:
        q = torch.quantize_per_tensor_dynamic(x, dtype, reduce)
        print("    {%.9ef, %.9ef, %d, %d, %.9ef, %d}," %
              (np.float32(lo), np.float32(hi), qmin, qmax, np.float32(q.q_scale()), q.q_zero_point()))

# The tensor case (DynamicFakeQuant): input, then scale and zero point.
x = (np.random.default_rng(1).standard_normal(16) * 3 + 1).astype(np.float32)
print("// x: " + ", ".join("%.9ef" % v for v in x))
for dtype, reduce in [(torch.quint8, True), (torch.qint8, False)]:
    q = torch.quantize_per_tensor_dynamic(torch.from_numpy(x), dtype, reduce)
    print("// %s reduce_range=%d: scale %.9ef zero point %d" % (dtype, reduce, np.float32(q.q_scale()), q.q_zero_point()))
