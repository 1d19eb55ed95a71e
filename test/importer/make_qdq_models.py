#!/usr/bin/python3
"""Writes the small hand-made QDQ models of qdq.test into DIR (onnx.helper, deterministic).

    /usr/bin/python3 test/importer/make_qdq_models.py DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(path, nodes, inits, opset, inputs, outputs):
    graph = helper.make_graph(nodes, "qdq", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_qdq_models")
    model.ir_version = 7 if opset <= 15 else 9
    onnx.save(model, path)


def conv_model(path, opset):
    """x -> Q/DQ (uint8) -> Conv(DQ(int8 weight, per-axis), DQ(int32 bias)) -> Q/DQ (int8) -> y."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])
    per_axis = opset >= 13
    w_scale = np.array([0.02, 0.03, 0.04], np.float32) if per_axis else np.array(0.03, np.float32)
    w_zp = np.zeros(3, np.int8) if per_axis else np.array(0, np.int8)
    b_scale = (w_scale * np.float32(0.05)).astype(np.float32)
    b_zp = np.zeros(3, np.int32) if per_axis else np.array(0, np.int32)
    weight = (np.arange(3 * 2 * 3 * 3) % 17 - 8).astype(np.int8).reshape(3, 2, 3, 3)
    inits = [
        init("x_scale", np.array(0.05, np.float32)), init("x_zp", np.array(128, np.uint8)),
        init("w_q", weight), init("w_scale", w_scale), init("w_zp", w_zp),
        init("b_q", np.array([100, -200, 300], np.int32)), init("b_scale", b_scale), init("b_zp", b_zp),
        init("y_scale", np.array(0.1, np.float32)), init("y_zp", np.array(-3, np.int8)),
    ]
    axis = {"axis": 0} if per_axis else {}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="quant_x"),
        helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"], name="dequant_x"),
        helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zp"], ["w"], name="dequant_w", **axis),
        helper.make_node("DequantizeLinear", ["b_q", "b_scale", "b_zp"], ["b"], name="dequant_b", **axis),
        helper.make_node("Conv", ["xd", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("QuantizeLinear", ["c", "y_scale", "y_zp"], ["cq"], name="quant_y"),
        helper.make_node("DequantizeLinear", ["cq", "y_scale", "y_zp"], ["y"], name="dequant_y"),
    ]
    save(path, nodes, inits, opset, [x], [y])


def single(path, opset, op, inputs_inits, attrs=None, in_type=TensorProto.FLOAT, out_type=TensorProto.FLOAT):
    """One Q or DQ node reading graph input `x` [2, 3] and the given initializers."""
    x = helper.make_tensor_value_info("x", in_type, [2, 3])
    y = helper.make_tensor_value_info("y", out_type, [2, 3])
    names = ["x"] + [n for n, _ in inputs_inits]
    node = helper.make_node(op, names, ["y"], name="node", **(attrs or {}))
    save(path, [node], [init(n, a) for n, a in inputs_inits], opset, [x], [y])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    conv_model(os.path.join(out, "qdq_conv_opset13.onnx"), 13)
    conv_model(os.path.join(out, "qdq_conv_opset10.onnx"), 10)
    conv_model(os.path.join(out, "qdq_conv_opset21.onnx"), 21)
    # Errors.
    single(os.path.join(out, "q_uint16.onnx"), 21, "QuantizeLinear",
           [("s", np.array(0.1, np.float32)), ("z", np.array(0, np.uint16))], out_type=TensorProto.UINT16)
    single(os.path.join(out, "q_per_axis_opset10.onnx"), 10, "QuantizeLinear",
           [("s", np.array([0.1, 0.2, 0.3], np.float32)), ("z", np.zeros(3, np.uint8))], out_type=TensorProto.UINT8)
    single(os.path.join(out, "q_bad_scale_count.onnx"), 13, "QuantizeLinear",
           [("s", np.array([0.1, 0.2], np.float32)), ("z", np.zeros(2, np.uint8))], {"axis": 1},
           out_type=TensorProto.UINT8)
    single(os.path.join(out, "q_zero_scale.onnx"), 13, "QuantizeLinear",
           [("s", np.array(0.0, np.float32)), ("z", np.array(0, np.int8))], out_type=TensorProto.INT8)
    # An int32 (bias) dequantize with a non-zero zero point.
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])
    save(os.path.join(out, "dq_int32_zp.onnx"),
         [helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="node")],
         [init("q", np.array([1, 2, 3], np.int32)), init("s", np.array(0.1, np.float32)),
          init("z", np.array(5, np.int32))], 13, [], [y])
    # The scale is a graph input, not a constant.
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    s = helper.make_tensor_value_info("s", TensorProto.FLOAT, [])
    y = helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 3])
    save(os.path.join(out, "q_runtime_scale.onnx"),
         [helper.make_node("QuantizeLinear", ["x", "s"], ["y"], name="node")], [], 13, [x, s], [y])

    # PyTorch QAT / ONNX Runtime forms: 1-element scales (no axis, so opset 13's default axis 1, whose
    # dimension is 3) are per tensor; a Clip (uint8 bounds) and a Relu on the quantized values narrow
    # the QuantizeLinear's range.
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])

    def clip_model(name, zp, hi, zp_type=np.uint8, extra=()):
        save(os.path.join(out, name),
             [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant"),
              helper.make_node("Clip", ["q", "lo", "hi"], ["c"], name="clip"),
              helper.make_node("Relu", ["c"], ["r"], name="relu"),
              helper.make_node("DequantizeLinear", ["r", "s", "z"], ["y"], name="dequant")],
             [init("s", np.array([0.1], np.float32)), init("z", np.array([zp], zp_type)),
              init("lo", np.array(5 if zp_type == np.uint8 else -100, zp_type)),
              init("hi", np.array(hi, zp_type))], 13, [x], [y])

    clip_model("qdq_clip_u8.onnx", 10, 200)
    clip_model("qdq_clip_i8.onnx", 0, 100, np.int8)
    # The zero point 10 is above the Clip's maximum 8.
    clip_model("qdq_clip_no_zero.onnx", 10, 8)
    # A Clip of an integer weight (not after a QuantizeLinear).
    save(os.path.join(out, "clip_int_constant.onnx"),
         [helper.make_node("DequantizeLinear", ["w", "s"], ["y"], name="dequant"),
          helper.make_node("Clip", ["w"], ["c"], name="clip")],
         [init("w", np.array([[1, 2, 3], [4, 5, 6]], np.uint8)), init("s", np.array([0.1], np.float32))],
         13, [], [y, helper.make_tensor_value_info("c", TensorProto.UINT8, [2, 3])])


if __name__ == "__main__":
    main()
