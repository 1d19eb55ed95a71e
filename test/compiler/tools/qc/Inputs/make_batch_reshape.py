"""Writes batch_reshape.onnx: a conv net whose shape arithmetic depends on
the dynamic batch: a Reshape to (batch, 288) and a ConstantOfShape of
(batch, 288) added to it (Shape -> Gather(0) -> Concat, as torch.onnx.export
writes `x.view(x.size(0), -1) + torch.full((x.size(0), 288), 0.5)`, the
pattern of an RNN's zero initial state). ConstantOfShape needs the batch's
value, so the model imports only when the batch is bound (--input-shape).
Also writes calib.npy (8 samples) and x5.npy (5 samples), seed 0.

    make_batch_reshape.py OUTDIR
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(0)
w = rng.normal(0, 0.3, (8, 4, 3, 3)).astype(np.float32)
b = rng.normal(0, 0.1, (8,)).astype(np.float32)
fc = rng.normal(0, 0.1, (288, 10)).astype(np.float32)
inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(fc, "fc"),
         numpy_helper.from_array(np.array(0, np.int64), "zero"),
         numpy_helper.from_array(np.array([0], np.int64), "axes0"),
         numpy_helper.from_array(np.array([288], np.int64), "features")]
nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv",
                     pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="relu"),
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
    helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsqueeze"),
    helper.make_node("Concat", ["n1", "features"], ["target"], name="target",
                     axis=0),
    helper.make_node("Reshape", ["r", "target"], ["flat"], name="flatten"),
    helper.make_node("ConstantOfShape", ["target"], ["half"], name="state",
                     value=helper.make_tensor("v", TensorProto.FLOAT, [1],
                                              [0.5])),
    helper.make_node("Add", ["flat", "half"], ["h"], name="add_state"),
    helper.make_node("MatMul", ["h", "fc"], ["y"], name="fc"),
]
graph = helper.make_graph(
    nodes, "batch_reshape",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, f"{out}/batch_reshape.onnx")
np.save(f"{out}/calib.npy", rng.uniform(-1, 1, (8, 4, 6, 6)).astype(np.float32))
np.save(f"{out}/x5.npy", rng.uniform(-1, 1, (5, 4, 6, 6)).astype(np.float32))
