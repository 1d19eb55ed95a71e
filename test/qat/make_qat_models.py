#!/usr/bin/python3
"""Exports PyTorch 1.13 QAT models and an ONNX Runtime-style QDQ model for qc's import tests.

Writes into OUT, per model NAME:
  NAME.onnx           the model (opset 13)
  NAME.input.npy      8 MNIST test digits (examples/mnist/test_images.npy), the test input
  NAME.logits.ref.npy PyTorch's output for them: the QAT model in eval mode with observers
                      disabled (its fake-quant forward), or for the hand-made QDQ model a numpy
                      evaluation of the graph
  NAME.step.txt       the output's quantization step (scale of the last DequantizeLinear)

Models (a conv-bn-relu CNN: conv 1->8, bn, relu, conv 8->16 stride 2, bn, relu, avg pool, linear 16->10):
  qat_fx_x86      prepare_qat_fx with get_default_qat_qconfig_mapping("x86", version=0)
  qat_fx_qnnpack  prepare_qat_fx with get_default_qat_qconfig_mapping("qnnpack", version=0)
  qat_eager       fuse_modules_qat + prepare_qat with get_default_qat_qconfig("fbgemm", version=0)
  ort_qdq         built with onnx.helper: per-axis int8 weights with int32 biases, a 1-element scale
                  with an axis attribute, a uint8 Clip and a Relu on quantized tensors

version=0 selects FakeQuantize + MovingAverageMinMaxObserver; version 1's FusedMovingAvgObsFakeQuantize
(the default) has no ONNX export in torch 1.13 ("aten::fused_moving_avg_obs_fake_quant"). The numerics of
the two are the same. Observers are disabled before export (otherwise the export traces their
in-place updates: "aten::copy" is not exportable). Each QAT model trains 20 SGD steps (batch 16) on the
first 160 calibration digits of examples/mnist with random labels: the point is moving scales,
BatchNorm statistics and weights away from their initial values, not accuracy. Seeded: two runs write
identical files.

  /usr/bin/python3 test/qat/make_qat_models.py OUT
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def mnist(name):
    return np.load(os.path.join(ROOT, "examples", "mnist", name))


def make_net(torch, nn, with_stubs):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if with_stubs:
                self.quant = torch.ao.quantization.QuantStub()
                self.dequant = torch.ao.quantization.DeQuantStub()
            self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu1 = nn.ReLU()
            self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
            self.bn2 = nn.BatchNorm2d(16)
            self.relu2 = nn.ReLU()
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            if with_stubs:
                x = self.quant(x)
            x = self.relu1(self.bn1(self.conv1(x)))
            x = self.relu2(self.bn2(self.conv2(x)))
            x = self.fc(torch.flatten(self.pool(x), 1))
            if with_stubs:
                x = self.dequant(x)
            return x

    return Net()


def export_qat(out, name, x_test):
    import torch
    import torch.nn as nn
    from torch.ao import quantization as tq
    from torch.ao.quantization import quantize_fx

    torch.manual_seed(1234)
    torch.set_num_threads(1)
    calib = torch.from_numpy(mnist("calib_images.npy")[:160])
    labels = torch.randint(0, 10, (160,))
    if name == "qat_eager":
        model = make_net(torch, nn, True).train()
        model.qconfig = tq.get_default_qat_qconfig("fbgemm", version=0)
        model = tq.fuse_modules_qat(
            model, [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"]])
        prepared = tq.prepare_qat(model)
    else:
        backend = {"qat_fx_x86": "x86", "qat_fx_qnnpack": "qnnpack"}[name]
        model = make_net(torch, nn, False).train()
        mapping = tq.get_default_qat_qconfig_mapping(backend, version=0)
        prepared = quantize_fx.prepare_qat_fx(model, mapping, example_inputs=(calib[:1],))
    opt = torch.optim.SGD(prepared.parameters(), lr=0.05, momentum=0.9)
    for step in range(20):
        xb = calib[16 * (step % 10):16 * (step % 10 + 1)]
        yb = labels[16 * (step % 10):16 * (step % 10 + 1)]
        loss = nn.functional.cross_entropy(prepared(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    prepared.eval()
    prepared.apply(tq.disable_observer)
    x = torch.from_numpy(x_test)
    with torch.no_grad():
        ref = prepared(x).numpy()
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(prepared, x, path, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    model_proto = onnx.load(path)
    last = [n for n in model_proto.graph.node if n.output[0] == "logits"][0]
    inits = {i.name: numpy_helper.to_array(i) for i in model_proto.graph.initializer}
    step = float(np.asarray(inits[last.input[1]]).reshape(-1)[0])
    return ref, step


def quantize_np(x, scale, zp, qmin, qmax):
    """ONNX QuantizeLinear with x * (1 / scale) in float32 (qc's and PyTorch's rule)."""
    scale = np.float32(scale)
    q = np.rint(x.astype(np.float32) * (np.float32(1) / scale)) + zp
    return np.clip(q, qmin, qmax)


def make_ort_qdq(out, x_test):
    """A QDQ CNN as ONNX Runtime's quantize_static writes it, plus the variants qc must accept."""
    rng = np.random.default_rng(7)
    nodes, inits = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name))

    def qdq(x, name, scale, zp, clip=None, scale_shape=(), axis=None):
        init(name + ".s", np.full(scale_shape, scale, np.float32))
        init(name + ".z", np.full(scale_shape, zp, np.uint8))
        attrs = {} if axis is None else {"axis": axis}
        nodes.append(helper.make_node("QuantizeLinear", [x, name + ".s", name + ".z"], [name + ".q"],
                                      name=name + "/Q", **attrs))
        q = name + ".q"
        if clip == "clip":
            init(name + ".hi", np.array(200, np.uint8))
            nodes.append(helper.make_node("Clip", [q, "", name + ".hi"], [name + ".c"], name=name + "/Clip"))
            q = name + ".c"
        elif clip == "relu":
            nodes.append(helper.make_node("Relu", [q], [name + ".c"], name=name + "/Relu"))
            q = name + ".c"
        nodes.append(helper.make_node("DequantizeLinear", [q, name + ".s", name + ".z"], [name + ".dq"],
                                      name=name + "/DQ", **attrs))
        return name + ".dq"

    def conv_weight(name, w, b, s_in):
        s_w = (np.abs(w).reshape(w.shape[0], -1).max(1) / 127).astype(np.float32)
        wq = np.clip(np.rint(w / s_w[:, None, None, None]), -127, 127).astype(np.int8)
        s_b = (np.float32(s_in) * s_w).astype(np.float32)
        bq = np.rint(b / s_b).astype(np.int32)
        init(name + ".w", wq)
        init(name + ".ws", s_w)
        init(name + ".wz", np.zeros(w.shape[0], np.int8))
        init(name + ".b", bq)
        init(name + ".bs", s_b)
        init(name + ".bz", np.zeros(w.shape[0], np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [name + ".w", name + ".ws", name + ".wz"],
                                      [name + ".wdq"], name=name + "/wDQ", axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [name + ".b", name + ".bs", name + ".bz"],
                                      [name + ".bdq"], name=name + "/bDQ", axis=0))
        return name + ".wdq", name + ".bdq", wq, s_w, bq, s_b

    s0, s1, s2 = 1 / 255, 0.02, 0.05
    x = qdq("input", "in", s0, 0, scale_shape=(1,), axis=1)  # 1-element per-axis scale
    w1 = rng.normal(0, 0.4, (8, 1, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.1, 8).astype(np.float32)
    w1dq, b1dq, *p1 = conv_weight("conv1", w1, b1, s0)
    nodes.append(helper.make_node("Conv", [x, w1dq, b1dq], ["conv1.y"], name="conv1/Conv", pads=[1, 1, 1, 1]))
    h = qdq("conv1.y", "act1", s1, 0, clip="relu")
    w2 = rng.normal(0, 0.2, (16, 8, 3, 3)).astype(np.float32)
    b2 = rng.normal(0, 0.1, 16).astype(np.float32)
    w2dq, b2dq, *p2 = conv_weight("conv2", w2, b2, s1)
    nodes.append(helper.make_node("Conv", [h, w2dq, b2dq], ["conv2.y"], name="conv2/Conv",
                                  pads=[1, 1, 1, 1], strides=[2, 2]))
    nodes.append(helper.make_node("Relu", ["conv2.y"], ["conv2.r"], name="conv2/Relu"))
    y = qdq("conv2.r", "act2", s2, 10, clip="clip")
    nodes.append(helper.make_node("Identity", [y], ["logits"], name="out"))

    graph = helper.make_graph(
        nodes, "ort_qdq",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 16, 14, 14])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "ort_qdq.onnx"))

    # The graph's meaning in numpy (float convs on dequantized values, as ONNX defines QDQ graphs).
    import torch
    import torch.nn.functional as F

    def deq(q, s, z):
        return ((q - z) * np.float32(s)).astype(np.float32)

    def conv(xf, wq, s_w, bq, s_b, stride):
        w = (wq.astype(np.float32) * s_w[:, None, None, None]).astype(np.float32)
        b = (bq.astype(np.float32) * s_b).astype(np.float32)
        return F.conv2d(torch.from_numpy(xf), torch.from_numpy(w), torch.from_numpy(b),
                        stride=stride, padding=1).numpy()

    a = deq(quantize_np(x_test, s0, 0, 0, 255), s0, 0)
    a = conv(a, *p1, 1)
    a = deq(np.maximum(quantize_np(a, s1, 0, 0, 255), 0), s1, 0)
    a = np.maximum(conv(a, *p2, 2), 0)
    a = deq(np.minimum(quantize_np(a, s2, 10, 0, 255), 200), s2, 10)
    return a.astype(np.float32), s2


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    x_test = mnist("test_images.npy")[:8].astype(np.float32)
    import warnings
    warnings.filterwarnings("ignore")
    for name in ["qat_fx_x86", "qat_fx_qnnpack", "qat_eager", "ort_qdq"]:
        ref, step = make_ort_qdq(out, x_test) if name == "ort_qdq" else export_qat(out, name, x_test)
        np.save(os.path.join(out, name + ".input.npy"), x_test)
        np.save(os.path.join(out, name + ".logits.ref.npy"), ref)
        with open(os.path.join(out, name + ".step.txt"), "w") as f:
            f.write(repr(step) + "\n")
        print(f"{name}: {os.path.getsize(os.path.join(out, name + '.onnx'))} bytes, output step {step:.6g}")


if __name__ == "__main__":
    main()
