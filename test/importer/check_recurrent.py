"""Writes the LSTM / GRU / RNN models of recurrent.test and checks qc run's outputs against numpy.

    check_recurrent.py write DIR          # DIR/NAME.onnx, DIR/NAME.X.npy (+ initial states) for every case
    check_recurrent.py check DIR NAME OUT # OUT/*.npy (qc run of DIR/NAME.onnx) against the numpy reference

The numpy reference is written from ONNX's operator definitions (gate orders iofc / zrh, layout, directions,
linear_before_reset, peepholes), independently of qc's unrolling. ONNX's own node tests (test/conformance)
cover the forward-only forms; these cases add reverse, bidirectional, initial states, layout 1 with two
directions and GRU's linear_before_reset = 1. The refused forms are written too (recurrent.test checks the
message of each).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference(kind, x, w, r, b, h0, c0, p, hidden, direction, layout, lbr):
    """Y, Y_h, Y_c (float64) of an ONNX LSTM / GRU / RNN node."""
    x = x.astype(np.float64)
    if layout == 1:
        x = x.transpose(1, 0, 2)
        h0 = None if h0 is None else h0.transpose(1, 0, 2)
        c0 = None if c0 is None else c0.transpose(1, 0, 2)
    steps, batch, _ = x.shape
    dirs = 2 if direction == "bidirectional" else 1
    g = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    y = np.zeros((steps, dirs, batch, hidden))
    yh = np.zeros((dirs, batch, hidden))
    yc = np.zeros((dirs, batch, hidden))
    for d in range(dirs):
        wd, rd = w[d].astype(np.float64), r[d].astype(np.float64)
        bd = np.zeros(2 * g * hidden) if b is None else b[d].astype(np.float64)
        wb, rb = bd[:g * hidden], bd[g * hidden:]
        h = np.zeros((batch, hidden)) if h0 is None else h0[d].astype(np.float64)
        c = np.zeros((batch, hidden)) if c0 is None else c0[d].astype(np.float64)
        pd = np.zeros(3 * hidden) if p is None else p[d].astype(np.float64)
        backwards = direction == "reverse" or d == 1
        order = range(steps - 1, -1, -1) if backwards else range(steps)
        for t in order:
            xt = x[t]
            if kind == "LSTM":
                gates = xt @ wd.T + h @ rd.T + wb + rb
                i, o, f, cc = np.split(gates, 4, axis=1)
                i = sigmoid(i + pd[:hidden] * c)
                f = sigmoid(f + pd[2 * hidden:] * c)
                c = f * c + i * np.tanh(cc)
                o = sigmoid(o + pd[hidden:2 * hidden] * c)
                h = o * np.tanh(c)
            elif kind == "GRU":
                wz, wr, wh = np.split(wd, 3)
                rz, rr, rh = np.split(rd, 3)
                wbz, wbr, wbh = np.split(wb, 3)
                rbz, rbr, rbh = np.split(rb, 3)
                z = sigmoid(xt @ wz.T + h @ rz.T + wbz + rbz)
                rg = sigmoid(xt @ wr.T + h @ rr.T + wbr + rbr)
                if lbr:
                    hh = np.tanh(xt @ wh.T + rg * (h @ rh.T + rbh) + wbh)
                else:
                    hh = np.tanh(xt @ wh.T + (rg * h) @ rh.T + rbh + wbh)
                h = (1 - z) * hh + z * h
            else:
                h = np.tanh(xt @ wd.T + h @ rd.T + wb + rb)
            y[t, d] = h
        yh[d], yc[d] = h, c
    if layout == 1:
        y, yh, yc = y.transpose(2, 0, 1, 3), yh.transpose(1, 0, 2), yc.transpose(1, 0, 2)
    return y, yh, yc


# name: (kind, hidden, direction, layout, lbr, with bias, with initial states, with peepholes, steps, batch, input)
VALID = {
    "lstm_bidirectional": ("LSTM", 5, "bidirectional", 0, 0, True, True, False, 4, 2, 3),
    "lstm_reverse_peepholes": ("LSTM", 4, "reverse", 0, 0, True, True, True, 3, 2, 3),
    "lstm_layout1_bidirectional": ("LSTM", 3, "bidirectional", 1, 0, False, True, False, 3, 2, 4),
    "gru_bidirectional": ("GRU", 4, "bidirectional", 0, 0, True, True, False, 4, 2, 3),
    "gru_linear_before_reset": ("GRU", 4, "bidirectional", 0, 1, True, False, False, 3, 2, 3),
    "gru_linear_before_reset_h0": ("GRU", 3, "forward", 1, 1, True, True, False, 3, 2, 2),
    "rnn_reverse": ("RNN", 4, "reverse", 0, 0, True, True, False, 3, 2, 3),
}


def arrays(name):
    kind, hidden, direction, layout, lbr, bias, states, peep, steps, batch, size = VALID[name]
    rng = np.random.RandomState(sum(map(ord, name)))
    g = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    dirs = 2 if direction == "bidirectional" else 1
    f = lambda *s: (rng.randn(*s) * 0.5).astype(np.float32)
    a = {"X": f(batch, steps, size) if layout else f(steps, batch, size),
         "W": f(dirs, g * hidden, size), "R": f(dirs, g * hidden, hidden),
         "B": f(dirs, 2 * g * hidden) if bias else None,
         "P": f(dirs, 3 * hidden) if peep else None}
    state = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
    a["initial_h"] = f(*state) if states else None
    a["initial_c"] = f(*state) if states and kind == "LSTM" else None
    return a


def make_model(kind, inputs, outputs, attrs, consts, graph_inputs):
    """One-node model: `consts` become initializers, `graph_inputs` ({name: array}) run-time inputs."""
    node = helper.make_node(kind, inputs, outputs, **attrs)
    vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(a.shape)) for n, a in graph_inputs.items()]
    outs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs if o]
    inits = [numpy_helper.from_array(a, n) for n, a in consts.items()]
    g = helper.make_graph([node], kind.lower(), vi, outs, initializer=inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])


def valid_model(name):
    kind, hidden, direction, layout, lbr, *_ = VALID[name]
    a = arrays(name)
    names = ["X", "W", "R", "B", "", "initial_h"] + (["initial_c", "P"] if kind == "LSTM" else [])
    inputs = [n if (n == "" or a.get(n) is not None) else "" for n in names]
    while inputs and inputs[-1] == "":
        inputs.pop()
    outputs = ["Y", "Y_h"] + (["Y_c"] if kind == "LSTM" else [])
    attrs = {"hidden_size": hidden, "direction": direction}
    if layout:
        attrs["layout"] = 1
    if kind == "GRU":
        attrs["linear_before_reset"] = lbr
    consts = {n: a[n] for n in ("W", "R", "B", "P") if a.get(n) is not None}
    graph_inputs = {n: a[n] for n in ("X", "initial_h", "initial_c") if a.get(n) is not None}
    return make_model(kind, inputs, outputs, attrs, consts, graph_inputs), graph_inputs


def refused_models():
    """name -> model of a form qc refuses (recurrent.test checks each message)."""
    rng = np.random.RandomState(7)
    x = rng.randn(3, 1, 2).astype(np.float32)
    w = rng.randn(1, 8, 2).astype(np.float32)
    r = rng.randn(1, 8, 2).astype(np.float32)
    lstm = lambda **kw: make_model("LSTM", ["X", "W", "R"], ["Y"], dict(hidden_size=2, **kw),
                                   {"W": w, "R": r}, {"X": x})
    seq = make_model("LSTM", ["X", "W", "R", "", "seq"], ["Y"], {"hidden_size": 2},
                     {"W": w, "R": r, "seq": np.array([3], np.int32)}, {"X": x})
    seq.graph.initializer[-1].CopyFrom(numpy_helper.from_array(np.array([2], np.int32), "seq"))
    runtime_w = make_model("LSTM", ["X", "W", "R"], ["Y"], {"hidden_size": 2}, {"R": r}, {"X": x, "W": w})
    bad_w = make_model("GRU", ["X", "W", "R"], ["Y"], {"hidden_size": 2}, {"W": w, "R": r}, {"X": x})
    return {
        "refused_clip": lstm(clip=3.0),
        "refused_activations": lstm(activations=["Sigmoid", "Relu", "Tanh"]),
        "refused_activation_alpha": lstm(activation_alpha=[0.5]),
        "refused_input_forget": lstm(input_forget=1),
        "refused_direction": lstm(direction="both"),
        "refused_seq_lens": seq,
        "refused_runtime_w": runtime_w,
        "refused_w_shape": bad_w,
        "refused_hidden_size": make_model("LSTM", ["X", "W", "R"], ["Y"], {"hidden_size": 1 << 40},
                                          {"W": w, "R": r}, {"X": x}),
        "refused_activations_kind": lstm(activations=3),
    }


def main():
    d = sys.argv[2]
    if sys.argv[1] == "write":
        for name in VALID:
            model, graph_inputs = valid_model(name)
            onnx.save(model, "%s/%s.onnx" % (d, name))
            for n, a in graph_inputs.items():
                np.save("%s/%s.%s.npy" % (d, name, n), a)
        for name, model in refused_models().items():
            onnx.save(model, "%s/%s.onnx" % (d, name))
        return 0
    name, out = sys.argv[3], sys.argv[4]
    kind, hidden, direction, layout, lbr, *_ = VALID[name]
    a = arrays(name)
    want = reference(kind, a["X"], a["W"], a["R"], a["B"], a["initial_h"], a["initial_c"], a["P"], hidden,
                     direction, layout, lbr)
    worst = 0.0
    for o, ref in zip(["Y", "Y_h", "Y_c"], want):
        if o == "Y_c" and kind != "LSTM":
            continue
        got = np.load("%s/%s.npy" % (out, o))
        assert got.dtype == np.float32 and got.shape == ref.shape, (o, got.dtype, got.shape, ref.shape)
        worst = max(worst, float(np.abs(got - ref).max()))
    assert worst < 1e-5, (name, worst)
    print("%s: matches numpy (max |diff| < 1e-5)" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
