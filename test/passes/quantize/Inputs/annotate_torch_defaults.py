"""Checks qc's built-in quantizer defaults against PyTorch 1.13's observers.

Usage: annotate_torch_defaults.py QC_OPT WORK_DIR

Runs `QC_OPT --qc-annotate=...` on a small conv + relu / linear / sigmoid /
tanh model for each built-in configuration, reads the specs qc attached, and
compares every field (dtype, quant_min / quant_max after reduce_range,
symmetric vs affine, per-channel axis, observer kind, eps; scale / zero
point for fixed qparams) with the observer PyTorch 1.13 instantiates for the
corresponding qconfig. Prints one "match:" line per comparison; exits 1 with
the differing fields on a mismatch.
"""
import os
import re
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
import torch  # noqa: E402
from torch.ao.quantization import QConfig, get_default_qconfig  # noqa: E402
from torch.ao.quantization import observer as obs  # noqa: E402
from torch.ao.quantization import qconfig as qcfg  # noqa: E402

MODEL = """
func.func @main(%x: tensor<1x3x8x8xf32>, %v: tensor<1x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %w = qc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = qc.constant dense<0.1> : tensor<4xf32>
  %c = qc.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = qc.relu %c : tensor<1x4x8x8xf32>
  %lw = qc.constant dense<0.5> : tensor<8x16xf32>
  %l = qc.linear %v, %lw : (tensor<1x16xf32>, tensor<8x16xf32>) -> tensor<1x8xf32>
  %s = qc.sigmoid %l : tensor<1x8xf32>
  %t = qc.tanh %l : tensor<1x8xf32>
  return %r, %s, %t : tensor<1x4x8x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}
"""

FLOAT32_EPS = float(torch.finfo(torch.float32).eps)

KINDS = {
    obs.MinMaxObserver: "minmax",
    obs.MovingAverageMinMaxObserver: "moving_average_minmax",
    obs.PerChannelMinMaxObserver: "per_channel_minmax",
    obs.MovingAveragePerChannelMinMaxObserver: "moving_average_per_channel_minmax",
    obs.HistogramObserver: "histogram",
}
DTYPES = {torch.quint8: "ui8", torch.qint8: "i8", torch.qint32: "i32"}
SYMMETRIC = (torch.per_tensor_symmetric, torch.per_channel_symmetric)
PER_CHANNEL = (torch.per_channel_symmetric, torch.per_channel_affine)


def torch_spec(ctor):
    o = ctor()
    return {
        "dtype": DTYPES[o.dtype],
        "quant_min": int(o.quant_min),
        "quant_max": int(o.quant_max),
        "symmetric": o.qscheme in SYMMETRIC,
        "axis": int(o.ch_axis) if o.qscheme in PER_CHANNEL else -1,
        "observer": KINDS[type(o)],
        "eps": float(o.eps),
    }


def torch_fixed(ctor):
    o = ctor()
    return {
        "scale": float(o.scale),
        "zero_point": int(o.zero_point),
        "dtype": DTYPES[o.dtype],
        "quant_min": int(o.quant_min),
        "quant_max": int(o.quant_max),
    }


SPEC_RE = re.compile(r"#qc\.spec<([^>]*)>")
FIXED_RE = re.compile(r"#qc\.fixed<([^>]*)>")


def parse_fields(body):
    fields = {}
    eps = re.search(r"eps = ([0-9.eE+-]+)", body)
    body = re.sub(r"observer_options = \{[^}]*\}", "", body)
    for item in body.split(","):
        if "=" not in item:
            continue
        key, value = (s.strip() for s in item.split("=", 1))
        fields[key] = value
    return fields, eps


def qc_spec(body):
    f, eps = parse_fields(body)
    return {
        "dtype": f["dtype"],
        "quant_min": int(f["quant_min"]),
        "quant_max": int(f["quant_max"]),
        "symmetric": f["symmetric"] == "true",
        "axis": int(f.get("axis", -1)),
        "observer": f["observer"].strip('"'),
        # No eps option: the observer's default, PyTorch's float32 eps.
        "eps": float(eps.group(1)) if eps else FLOAT32_EPS,
    }


def qc_fixed(body):
    f, _ = parse_fields(body)
    return {
        "scale": float(f["scale"].split(":")[0]),
        "zero_point": int(f["zero_point"]),
        "dtype": f["dtype"],
        "quant_min": int(f["quant_min"]),
        "quant_max": int(f["quant_max"]),
    }


def annotate(qc_opt, model_path, quantizer):
    out = subprocess.run(
        [qc_opt, model_path, f"--qc-annotate=quantizer={quantizer}"],
        check=True, capture_output=True, text=True).stdout
    ops = {}
    for line in out.splitlines():
        m = re.search(r"= qc\.(\w+) ", line)
        if m and "qc.annotated_by" in line:
            ops.setdefault(m.group(1), line)
    return ops


failures = 0


def compare(what, qc, ref):
    global failures
    diff = {k: (qc.get(k), ref[k]) for k in ref if qc.get(k) != ref[k]}
    if diff:
        failures += 1
        print(f"MISMATCH: {what}: " + ", ".join(
            f"{k}: qc {a!r} vs torch {b!r}" for k, (a, b) in diff.items()))
    else:
        print(f"match: {what}")


def check(qc_opt, model_path, quantizer, qconfig, label):
    ops = annotate(qc_opt, model_path, quantizer)
    conv_specs = SPEC_RE.findall(ops["conv2d"].split("qc.output_specs")[0])
    linear_specs = SPEC_RE.findall(ops["linear"].split("qc.output_specs")[0])
    act, weight = torch_spec(qconfig.activation), torch_spec(qconfig.weight)
    compare(f"{quantizer} conv2d input vs {label} activation", qc_spec(conv_specs[0]), act)
    compare(f"{quantizer} conv2d weight vs {label} weight", qc_spec(conv_specs[1]), weight)
    compare(f"{quantizer} linear weight vs {label} weight", qc_spec(linear_specs[1]), weight)
    relu_out = SPEC_RE.findall(ops["relu"].split("qc.output_specs")[1])
    compare(f"{quantizer} conv2d+relu output vs {label} activation", qc_spec(relu_out[0]), act)
    return ops


def main():
    qc_opt, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    model_path = os.path.join(work, "model.mlir")
    with open(model_path, "w") as f:
        f.write(MODEL)

    # x86. PyTorch 1.13's default reduces the activation range (fbgemm
    # without VNNI); qc's default does not (reduce_range=0) and equals the
    # onednn qconfig (same observers, reduce_range=False).
    check(qc_opt, model_path, "x86,reduce_range=1", get_default_qconfig("x86"),
          "get_default_qconfig('x86')")
    ops = check(qc_opt, model_path, "x86", get_default_qconfig("onednn"),
                "get_default_qconfig('onednn')")
    per_tensor = QConfig(activation=obs.HistogramObserver.with_args(reduce_range=False),
                         weight=obs.default_weight_observer)
    check(qc_opt, model_path, "x86,per_channel=0", per_tensor,
          "HistogramObserver + default_weight_observer")
    # Fixed qparams (PyTorch's _FIXED_QPARAMS_OP_TO_OBSERVER, quint8).
    compare("x86 sigmoid vs default_fixed_qparams_range_0to1_observer",
            qc_fixed(FIXED_RE.findall(ops["sigmoid"])[0]),
            torch_fixed(obs.default_fixed_qparams_range_0to1_observer))
    compare("x86 tanh vs default_fixed_qparams_range_neg1to1_observer",
            qc_fixed(FIXED_RE.findall(ops["tanh"])[0]),
            torch_fixed(obs.default_fixed_qparams_range_neg1to1_observer))

    # xnnpack: the symmetric qnnpack qconfigs (XNNPACK's constraints).
    check(qc_opt, model_path, "xnnpack",
          qcfg.default_per_channel_symmetric_qnnpack_qconfig,
          "default_per_channel_symmetric_qnnpack_qconfig")
    check(qc_opt, model_path, "xnnpack,per_channel=0",
          qcfg.default_symmetric_qnnpack_qconfig,
          "default_symmetric_qnnpack_qconfig")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
