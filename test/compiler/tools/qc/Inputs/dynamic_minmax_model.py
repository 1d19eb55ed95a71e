"""Writes dynamic_minmax.onnx (x [3, 37] @ W [37, 19] + b) and its inputs for
compile-dynamic-minmax.test: rows long enough for the vector min / max of
DynamicLinear.cpp (16 or 8 lanes) with a scalar tail (37 = 2 * 16 + 5 =
4 * 8 + 5), a row of +0 / -0 ties around the bounds, and copies with a NaN or
an infinity inside the vector part."""
import os
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(37)
w = rng.standard_normal((37, 19)).astype(np.float32)
bias = rng.standard_normal(19).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["m"], name="fc"),
     helper.make_node("Add", ["m", "b"], ["y"], name="bias")],
    "dynamic_minmax",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 37])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 19])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "b")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/dynamic_minmax.onnx")
x = rng.standard_normal((3, 37)).astype(np.float32) * np.array([[1.0], [30.0], [0.01]], np.float32)
# Row 2: non-negative values with +0 and -0 at the minimum (lanes 0, 3, 17, 36: vector part and tail).
x[2] = np.abs(x[2])
x[2, [0, 17]] = 0.0
x[2, [3, 36]] = -0.0
x[1, 35] = x[1].max() + 5  # the row's maximum in the scalar tail
np.save(f"{out}/x.npy", x)
nan = x.copy(); nan[1, 9] = np.nan
np.save(f"{out}/nan.npy", nan)
inf = x.copy(); inf[0, 20] = -np.inf
np.save(f"{out}/inf.npy", inf)
inf2 = x.copy(); inf2[2, 30] = np.inf  # the last row: the second thread's chunk with --threads 2
np.save(f"{out}/inf2.npy", inf2)
