#!/usr/bin/python3
"""Tests for the ORT harness tools: ort_run.js, compare_npy.py and examples/mnist/accuracy.py.

    scripts/npm-setup.sh && /usr/bin/python3 test/ort/test_harness.py [-v]

Models are written with onnx.helper into a temporary directory. Identity models per dtype check that ort_run.js
reads every supported .npy dtype and writes outputs byte-exactly; the error tests check messages and exit codes.
"""

import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORT_RUN = os.path.join(HERE, "ort_run.js")
COMPARE = os.path.join(HERE, "compare_npy.py")
ACCURACY = os.path.join(ROOT, "examples", "mnist", "accuracy.py")
PY = "/usr/bin/python3"

DTYPES = {  # numpy dtype -> ONNX element type
    np.float32: TensorProto.FLOAT,
    np.float64: TensorProto.DOUBLE,
    np.int64: TensorProto.INT64,
    np.int32: TensorProto.INT32,
    np.int8: TensorProto.INT8,
    np.uint8: TensorProto.UINT8,
    np.bool_: TensorProto.BOOL,
}


def run(*cmd):
    return subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def save_model(path, nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, os.path.basename(path), inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, path)


def write_bytes(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def read_bytes(path):
    with open(path, "rb") as fh:
        return fh.read()


def npy_v2(path, arr):
    """Writes arr as .npy format version 2.0 (uint32 header length)."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        arr.dtype.str, str(tuple(arr.shape)))
    header += " " * ((64 - (12 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as fh:
        fh.write(b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header.encode("latin1"))
        fh.write(np.ascontiguousarray(arr).tobytes())


class OrtRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="qc_ort_harness_")
        cls.d = cls.tmp.name
        # x + y with a dynamic leading dimension, two outputs (one with a name that is not a safe file name).
        save_model(cls.p("add.onnx"),
                   [helper.make_node("Add", ["x", "y"], ["sum"], name="add"),
                    helper.make_node("Neg", ["sum"], ["neg/out:0"], name="neg")],
                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3]),
                    helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
                   [helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["N", 3]),
                    helper.make_tensor_value_info("neg/out:0", TensorProto.FLOAT, ["N", 3])])
        rng = np.random.default_rng(0)
        cls.x = rng.standard_normal((4, 3)).astype(np.float32)
        cls.y = rng.standard_normal((1, 3)).astype(np.float32)
        np.save(cls.p("x.npy"), cls.x)
        np.save(cls.p("y.npy"), cls.y)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def p(cls, name):
        return os.path.join(cls.d, name)

    def ort(self, *args):
        return run("node", ORT_RUN, *args)

    def assertFails(self, r, code, *fragments):
        self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        for f in fragments:
            self.assertIn(f, r.stderr)

    def test_add_two_outputs_and_name_sanitising(self):
        out = self.p("out_add")
        r = self.ort(self.p("add.onnx"), "--input", f"x={self.p('x.npy')}", "--input", f"y={self.p('y.npy')}",
                     "--output-dir", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = np.load(os.path.join(out, "sum.npy"))
        n = np.load(os.path.join(out, "neg_out_0.npy"))
        self.assertEqual(s.dtype, np.float32)
        self.assertEqual(s.shape, (4, 3))
        np.testing.assert_array_equal(s, self.x + self.y)
        np.testing.assert_array_equal(n, -(self.x + self.y))
        self.assertIn("output name 'neg/out:0'", r.stdout)

    def test_written_header_is_npy_v1_aligned(self):
        out = self.p("out_hdr")
        r = self.ort(self.p("add.onnx"), "--input", f"x={self.p('x.npy')}", "--input", f"y={self.p('y.npy')}",
                     "--output-dir", out, "--quiet", "--threads", "2", "--graph-opt", "disabled")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        raw = read_bytes(os.path.join(out, "sum.npy"))
        self.assertEqual(raw[:8], b"\x93NUMPY\x01\x00")
        hlen = int.from_bytes(raw[8:10], "little")
        self.assertEqual((10 + hlen) % 64, 0)
        self.assertEqual(raw[10 + hlen - 1:10 + hlen], b"\n")
        self.assertEqual(len(raw) - 10 - hlen, 4 * 3 * 4)

    def test_identity_every_dtype_and_rank(self):
        rng = np.random.default_rng(1)
        for dt, et in DTYPES.items():
            for shape in [(), (5,), (2, 3, 4)]:
                with self.subTest(dtype=np.dtype(dt).name, shape=shape):
                    name = f"id_{np.dtype(dt).name}_{len(shape)}"
                    save_model(self.p(name + ".onnx"), [helper.make_node("Identity", ["a"], ["b"], name="id")],
                               [helper.make_tensor_value_info("a", et, list(shape))],
                               [helper.make_tensor_value_info("b", et, list(shape))])
                    if dt == np.bool_:
                        a = rng.integers(0, 2, size=shape).astype(np.bool_)
                    elif np.issubdtype(dt, np.integer):
                        info = np.iinfo(dt)
                        a = rng.integers(info.min, info.max, size=shape, dtype=dt, endpoint=True)
                        if a.size:
                            a.flat[0] = info.min
                            a.flat[-1] = info.max
                    else:
                        a = rng.standard_normal(shape).astype(dt)
                    np.save(self.p(name + ".npy"), a)
                    out = self.p("out_" + name)
                    r = self.ort(self.p(name + ".onnx"), "--input", f"a={self.p(name + '.npy')}",
                                 "--output-dir", out, "--quiet")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    b = np.load(os.path.join(out, "b.npy"))
                    self.assertEqual(b.dtype, np.dtype(dt))
                    self.assertEqual(b.shape, shape)
                    self.assertEqual(b.tobytes(), a.tobytes())

    def test_npy_version_2_input(self):
        npy_v2(self.p("x_v2.npy"), self.x)
        out = self.p("out_v2")
        r = self.ort(self.p("add.onnx"), "--input", f"x={self.p('x_v2.npy')}", "--input",
                     f"y={self.p('y.npy')}", "--output-dir", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        np.testing.assert_array_equal(np.load(os.path.join(out, "sum.npy")), self.x + self.y)

    def test_errors_name_the_culprit(self):
        add, x, y = self.p("add.onnx"), self.p("x.npy"), self.p("y.npy")
        o = ["--output-dir", self.p("out_err")]
        np.save(self.p("x_i64.npy"), self.x.astype(np.int64))
        np.save(self.p("x_f4_shape.npy"), self.x[:, :2].copy())
        np.save(self.p("x_fortran.npy"), np.asfortranarray(self.x))
        np.save(self.p("x_be.npy"), self.x.astype(">f4"))
        np.save(self.p("x_f2.npy"), self.x.astype(np.float16))
        write_bytes(self.p("x_trunc.npy"), read_bytes(x)[:-5])
        write_bytes(self.p("not_npy.npy"), b"hello world, not numpy")
        write_bytes(self.p("bad.onnx"), b"\x00\x01garbage")
        cases = [
            ((add, "--input", f"x={self.p('missing.npy')}", "--input", f"y={y}", *o), 1,
             ["missing.npy", "no such file"]),
            ((add, "--input", f"x={self.p('x_i64.npy')}", "--input", f"y={y}", *o), 1,
             ["input 'x'", "int64", "float32"]),
            ((add, "--input", f"x={self.p('x_f4_shape.npy')}", "--input", f"y={y}", *o), 1,
             ["input 'x'", "[4,2]", "[N,3]"]),
            ((add, "--input", f"x={self.p('x_fortran.npy')}", "--input", f"y={y}", *o), 1, ["Fortran"]),
            ((add, "--input", f"x={self.p('x_be.npy')}", "--input", f"y={y}", *o), 1, ["x_be.npy", "'>f4'"]),
            ((add, "--input", f"x={self.p('x_f2.npy')}", "--input", f"y={y}", *o), 1, ["x_f2.npy", "'<f2'"]),
            ((add, "--input", f"x={self.p('x_trunc.npy')}", "--input", f"y={y}", *o), 1,
             ["x_trunc.npy", "data size mismatch"]),
            ((add, "--input", f"x={self.p('not_npy.npy')}", "--input", f"y={y}", *o), 1,
             ["not_npy.npy", "bad magic"]),
            ((add, "--input", f"x={x}", *o), 1, ["no --input given", "y"]),
            ((add, "--input", f"x={x}", "--input", f"y={y}", "--input", f"z={y}", *o), 1,
             ["no input named 'z'", "x, y"]),
            ((add, "--input", f"x={x}", "--input", f"x={x}", "--input", f"y={y}", *o), 1, ["more than once"]),
            ((self.p("nope.onnx"), "--input", f"x={x}", *o), 1, ["nope.onnx", "does not exist"]),
            ((self.p("bad.onnx"), "--input", f"x={x}", *o), 1, ["bad.onnx", "failed to load"]),
            ((add, "--input", f"x={x}", "--input", f"y={y}"), 2, ["--output-dir is required"]),
            ((add, "--input", "x", *o), 2, ["NAME=FILE.npy"]),
            ((add, "--threads", "zero", *o), 2, ["--threads"]),
            ((add, "--bogus", *o), 2, ["unknown option '--bogus'"]),
            ((*o,), 2, ["no model given"]),
        ]
        for args, code, frags in cases:
            with self.subTest(args=" ".join(os.path.basename(a) for a in args)):
                self.assertFails(self.ort(*args), code, *frags)

    def test_runtime_error_is_reported_not_crashed(self):
        # Reshape to a shape with the wrong element count fails inside onnxruntime at run time.
        save_model(self.p("bad_reshape.onnx"),
                   [helper.make_node("Reshape", ["x", "shape"], ["y"], name="bad_reshape")],
                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["A", "B"])],
                   inits=[helper.make_tensor("shape", TensorProto.INT64, [2], [5, 5])])
        r = self.ort(self.p("bad_reshape.onnx"), "--input", f"x={self.p('x.npy')}", "--output-dir",
                     self.p("out_rt"))
        self.assertFails(r, 1, "bad_reshape.onnx", "failed to run")


class CompareNpyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="qc_compare_")

    def tearDown(self):
        self.tmp.cleanup()

    def save(self, name, a):
        path = os.path.join(self.tmp.name, name)
        np.save(path, np.asarray(a))
        return path

    def cmp(self, a, b, *extra):
        return run(PY, COMPARE, self.save("a.npy", a), self.save("b.npy", b), *extra)

    def test_threshold_is_relative_to_max_abs_reference(self):
        b = np.array([10.0, -20.0, 1.0], np.float32)
        a = b + np.array([0.0, 0.0, 0.019], np.float32)       # max_abs 0.019, max|B| 20 -> max_rel 9.5e-4
        r = self.cmp(a, b, "--rtol", "1e-3")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertRegex(r.stdout, r"max_rel = max_abs/max\|B\| = 0\.00095")
        self.assertEqual(self.cmp(a, b, "--rtol", "9e-4").returncode, 1)
        self.assertEqual(self.cmp(a, b, "--rtol", "0", "--atol", "0.02").returncode, 0)

    def test_exact_and_integer_arrays(self):
        q = np.array([-128, 0, 127], np.int8)
        self.assertEqual(self.cmp(q, q, "--rtol", "0").returncode, 0)
        r = self.cmp(q, np.array([-128, 1, 127], np.int8), "--rtol", "0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("worst at index (1,)", r.stdout)

    def test_nan_and_inf(self):
        nan = np.array([1.0, np.nan, np.inf], np.float32)
        self.assertEqual(self.cmp(nan, nan, "--rtol", "0").returncode, 0)
        self.assertEqual(self.cmp(nan, np.array([1.0, 2.0, np.inf], np.float32), "--rtol", "1").returncode, 1)
        self.assertEqual(self.cmp(nan, np.array([1.0, np.nan, -np.inf], np.float32), "--rtol", "1").returncode, 1)

    def test_input_errors(self):
        r = self.cmp(np.zeros((2, 3)), np.zeros((3, 2)), "--rtol", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("shape mismatch", r.stderr)
        bad = os.path.join(self.tmp.name, "bad.npy")
        write_bytes(bad, b"nope")
        r = run(PY, COMPARE, bad, self.save("b.npy", np.zeros(2)), "--rtol", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.npy", r.stderr)
        r = run(PY, COMPARE, os.path.join(self.tmp.name, "missing.npy"), bad, "--rtol", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.npy", r.stderr)


class AccuracyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="qc_acc_")

    def tearDown(self):
        self.tmp.cleanup()

    def save(self, name, a):
        path = os.path.join(self.tmp.name, name)
        np.save(path, a)
        return path

    def test_accuracy_and_min(self):
        logits = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], np.float32)
        labels = np.array([1, 0, 0, 0], np.int64)
        lp, yp = self.save("l.npy", logits), self.save("y.npy", labels)
        r = run(PY, ACCURACY, lp, yp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("top-1 accuracy: 0.7500 (3/4)", r.stdout)
        self.assertEqual(run(PY, ACCURACY, lp, yp, "--min", "0.75").returncode, 0)
        self.assertEqual(run(PY, ACCURACY, lp, yp, "--min", "0.76").returncode, 1)
        q = self.save("q.npy", np.array([[-5, 9], [3, 1], [7, -1], [0, 2]], np.int8))   # int8 logits work too
        r = run(PY, ACCURACY, q, yp, "--reference", lp)
        self.assertIn("top-1 accuracy: 0.7500 (3/4)", r.stdout)
        self.assertIn("differing from the reference: 2/4", r.stdout)

    def test_errors(self):
        lp = self.save("l.npy", np.zeros((4, 10), np.float32))
        r = run(PY, ACCURACY, lp, self.save("y3.npy", np.zeros(3, np.int64)))
        self.assertEqual(r.returncode, 2)
        self.assertIn("4 rows", r.stderr)
        r = run(PY, ACCURACY, lp, self.save("yf.npy", np.zeros(4, np.float32)))
        self.assertEqual(r.returncode, 2)
        r = run(PY, ACCURACY, lp, self.save("y11.npy", np.array([0, 1, 2, 10])))
        self.assertEqual(r.returncode, 2)
        self.assertIn("outside 0..9", r.stderr)


if __name__ == "__main__":
    unittest.main()
