"""The case catalogue of the bad-input suite (robustness.py runs it).

Every case names its hostile input `COMMAND/CLASS/LABEL`; CLASS is one of
  proto     malformed protobuf / not a model
  graph     structurally invalid graphs (duplicates, dangling, cycles)
  names     adversarial names (`*/`, newlines, ANSI escapes, `=`, `/`)
  attr      NaN / negative / zero / huge / out-of-range attributes
  huge      legal attributes whose outputs no machine can hold
  dtype     unsupported or inconsistent element types and dims
  extdata   external data escaping the model's folder, or broken
  op        unsupported ops and domains
  npy       bad .npy inputs
  calib     bad calibration data
  mlir      unparseable / unverifiable MLIR, edited qparams, int16, dynamic dims
  cli       option misuse (usage errors exit 2)
  path      directories for files, missing files, FIFOs, special files
  disk      /dev/full, a full tmpfs, a file-size limit (ulimit -f)
  nan       NaN semantics (legal input; the result is checked)
  doc       the CLI behaviour docs/cli.md promises
and for the runtime C API (capi/...) the function family.
"""
import os
import subprocess

import numpy as np
from onnx import TensorProto, helper


def define_cases(R, capi, capi_asan, rt_include):
    case, P, HUGE = R.case, R.PRIOR, R.HUGE
    one_node, model_bytes, vinfo = R.one_node, R.model_bytes, R.vinfo
    i64, f32, t, npy_bytes, npy_raw = R.i64, R.f32, R.t, R.npy_bytes, R.npy_raw
    writer, chain = R.writer, R.chain

    # -- the commands every hostile model goes through ------------------------
    def model_cmds(model_rel="model.onnx", input_arg="x={D}/in.npy"):
        m = "{D}/" + model_rel
        return {
            "import": (["qc", "import", m, "-o", "{D}/out.mlir"],
                       {"out.mlir": P}),
            "run": (["qc", "run", m, "--input", input_arg, "--output-dir",
                     "{D}/out"], {"out/y.npy": P}),
            "compile": (["qc", "compile", m, "-o", "{D}/out", "--name", "m"],
                        {"out/m.o": P, "out/m.h": P}),
            "bench": (["qc", "bench", m, "--min-runs", "1", "--min-time", "0",
                       "--input", input_arg], {}),
            "quantize": (["qc", "quantize", m, "--quantizer", "x86", "--calib",
                          "{D}/calib.npy", "--quiet", "-o", "{D}/out.q.mlir"],
                         {"out.q.mlir": P}),
        }

    def model_case(klass, label, data, names, cmds=("import", "run"),
                   rc=1, x_shape=R.X_SHAPE, what="", rc_by_cmd=None,
                   names_by_cmd=None, extra_files=None, timeout=None):
        """One hostile ONNX model through several commands."""
        files = {"model.onnx": data}
        if x_shape is not None:
            rng = np.random.default_rng(3)
            files["in.npy"] = npy_bytes(rng.random(x_shape, dtype=np.float32))
            files["calib.npy"] = npy_bytes(
                rng.random((2,) + tuple(x_shape[1:]), dtype=np.float32))
        files.update(extra_files or {})
        for cmd in cmds:
            argv, prior = model_cmds()[cmd]
            case(f"{cmd}/{klass}/{label}", argv,
                 rc=(rc_by_cmd or {}).get(cmd, rc),
                 names=(names_by_cmd or {}).get(cmd, names),
                 prior=prior, setup=writer(files), what=what,
                 timeout=timeout)

    # ========================================================================
    # proto: malformed protobuf
    # ========================================================================
    good = model_bytes(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv0",
                          pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu0")],
        [vinfo("x", list(R.X_SHAPE))], [vinfo("y", [1, 4, 8, 8])],
        [t("w", R.conv_weights())])
    for frac in (1, 10, 50, 90, 99):
        cut = max(1, len(good) * frac // 100)
        model_case("proto", f"truncated_{frac}pct", good[:cut], ["model.onnx"],
                   what=f"the first {cut} of {len(good)} bytes of a valid model")
    model_case("proto", "empty_file", b"", ["model.onnx"],
               what="an empty .onnx file")
    model_case("proto", "random_bytes",
               np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
               ["model.onnx"], what="4 KiB of random bytes")
    model_case("proto", "text_file", b"this is not a model\n" * 20,
               ["model.onnx"], what="a text file named .onnx")
    # field 7 (graph), wire type 2, a length of 2^60: a reader must not trust it.
    model_case("proto", "huge_length_field",
               b"\x08\x07\x3a" + bytes([0x80] * 8) + b"\x10" + b"\x00" * 16,
               ["model.onnx"], what="a graph field claiming 2^60 bytes")
    model_case("proto", "overlong_varint", b"\x08" + b"\xff" * 20,
               ["model.onnx"], what="a varint of 20 bytes")
    model_case("proto", "tensor_not_model",
               R.t("w", np.ones((2, 2), np.float32)).SerializeToString(),
               ["model.onnx"], what="a TensorProto instead of a ModelProto")
    no_graph = helper.make_model(helper.make_graph([], "g", [], []))
    no_graph.ClearField("graph")
    model_case("proto", "no_graph", no_graph.SerializeToString(),
               ["model.onnx", "graph"], what="a ModelProto without a graph")
    model_case("proto", "no_opset_import",
               (lambda m: (m.ClearField("opset_import"), m.SerializeToString())[1])(
                   __import__("onnx").load_from_string(good)),
               [("opset", "model.onnx")], rc=(0, 1),
               what="no opset_import (ONNX defaults to opset 1): an error, or "
                    "a clean import")
    model_case("proto", "opset_99999",
               model_bytes([helper.make_node("Relu", ["x"], ["y"], name="r0")],
                           [vinfo("x", [1, 4])], [vinfo("y", [1, 4])],
                           opset=99999), [("99999", "opset")], x_shape=(1, 4),
               what="default-domain opset 99999")
    model_case("proto", "ir_version_99",
               model_bytes([helper.make_node("Relu", ["x"], ["y"], name="r0")],
                           [vinfo("x", [1, 4])], [vinfo("y", [1, 4])], ir=99),
               [("ir_version", "IR")], rc=(0, 1), x_shape=(1, 4),
               what="ir_version 99: refused naming it, or imported")
    nested = b""
    for _ in range(20000):  # 20000 nested messages: stack exhaustion
        nested = b"\x3a" + _varint(len(nested)) + nested
    model_case("proto", "deep_nesting", nested, ["model.onnx"],
               what="20000 nested length-delimited fields")

    # ========================================================================
    # graph: structurally invalid graphs
    # ========================================================================
    x4 = [vinfo("x", [1, 4])]
    relu = lambda i, o, n: helper.make_node("Relu", [i], [o], name=n)
    sig = lambda i, o, n: helper.make_node("Sigmoid", [i], [o], name=n)
    G = {
        "two_nodes_one_tensor": (
            [relu("x", "dup_t", "first_writer"), sig("x", "dup_t", "second_writer"),
             relu("dup_t", "y", "r2")], x4, [vinfo("y", [1, 4])], [],
            ["dup_t", ("second_writer", "first_writer")],
            "two nodes write tensor dup_t"),
        "duplicate_initializer": (
            [helper.make_node("Add", ["x", "w_dup"], ["y"], name="add0")], x4,
            [vinfo("y", [1, 4])], [f32("w_dup", [[1, 2, 3, 4]]),
                                   f32("w_dup", [[5, 6, 7, 8]])],
            ["w_dup"], "two initializers named w_dup with different values"),
        "initializer_shadows_node_output": (
            [relu("x", "w_twice", "r0"),
             helper.make_node("Add", ["w_twice", "x"], ["y"], name="add0")], x4,
            [vinfo("y", [1, 4])], [f32("w_twice", [[1, 2, 3, 4]])],
            ["w_twice"], "an initializer and a node output share a name"),
        "duplicate_graph_output": (
            [relu("x", "y_out", "r0")], x4,
            [vinfo("y_out", [1, 4]), vinfo("y_out", [1, 4])], [],
            ["y_out"], "the graph lists output y_out twice"),
        "duplicate_graph_input": (
            [helper.make_node("Add", ["x", "x"], ["y"], name="add0")],
            [vinfo("x", [1, 4]), vinfo("x", [1, 4])], [vinfo("y", [1, 4])], [],
            ["'x'"], "two graph inputs named x"),
        "undefined_tensor": (
            [helper.make_node("Add", ["x", "ghost_t"], ["y"], name="add_ghost")],
            x4, [vinfo("y", [1, 4])], [], ["ghost_t", "add_ghost"],
            "a node reads a tensor nothing defines"),
        "cycle": (
            [helper.make_node("Add", ["x", "cyc_b"], ["cyc_a"], name="cyc_n1"),
             relu("cyc_a", "cyc_b", "cyc_n2"), relu("cyc_a", "y", "r3")],
            x4, [vinfo("y", [1, 4])], [], [("cyc_n1", "cyc_n2", "cyc_b")],
            "two nodes feed each other"),
        "output_not_produced": (
            [relu("x", "y", "r0")], x4,
            [vinfo("y", [1, 4]), vinfo("nowhere_t", [1, 4])], [],
            ["nowhere_t"], "a graph output nothing produces"),
        "no_outputs": (
            [relu("x", "y", "r0")], x4, [], [], [("output", "model.onnx")],
            "a graph without outputs"),
        "node_without_outputs": (
            [helper.make_node("Relu", ["x"], [], name="mute_node"),
             relu("x", "y", "r0")], x4, [vinfo("y", [1, 4])], [],
            ["mute_node"], "a Relu with no output"),
        "node_missing_required_input": (
            [helper.make_node("Add", ["x"], ["y"], name="add_one_arg")], x4,
            [vinfo("y", [1, 4])], [], ["add_one_arg", "Add"],
            "Add with one input"),
        "node_too_many_inputs": (
            [helper.make_node("Relu", ["x", "x", "x"], ["y"], name="relu3")], x4,
            [vinfo("y", [1, 4])], [], ["relu3", "Relu"],
            "Relu with three inputs"),
        "input_overwritten": (
            [relu("x", "x", "overwrite_x"), relu("x", "y", "r1")], x4,
            [vinfo("y", [1, 4])], [], ["overwrite_x"],
            "a node writes the graph input x"),
    }
    for label, (nodes, ins, outs, inits, names, what) in G.items():
        model_case("graph", label, model_bytes(nodes, ins, outs, inits),
                   names, cmds=("import", "run", "compile"), x_shape=(1, 4),
                   what=what)

    # outputs a/b and a_b: either an error, or two distinct files named as
    # printed.
    def distinct_outputs(ctx, d, stdout):
        files = [f for f in os.listdir(os.path.join(d, "out"))
                 if f.endswith(".npy")]
        printed = [l.split("-> ", 1)[1] for l in stdout.splitlines() if "-> " in l]
        if len(files) < 3:  # y.npy (prior) plus two
            return f"2 outputs, {len(files) - 1} files written: {files}"
        for p in printed:
            if not os.path.exists(p):
                return f"stdout names {p}, which does not exist"
        return None

    slash = model_bytes([relu("x", "a/b", "r0"), sig("x", "a_b", "s0")], x4,
                        [vinfo("a/b", [1, 4]), vinfo("a_b", [1, 4])])
    case("run/names/output_slash_collision",
         ["qc", "run", "{D}/model.onnx", "--input", "x={D}/in.npy",
          "--output-dir", "{D}/out"], rc=(0, 1), names=[("a/b", "a_b")],
         prior={"out/y.npy": P}, check=distinct_outputs,
         setup=writer({"model.onnx": slash,
                       "in.npy": npy_bytes(np.ones((1, 4), np.float32))}),
         what="outputs 'a/b' and 'a_b' must not both land in a_b.npy")
    dots = model_bytes([relu("x", "../escaped", "r0")], x4,
                       [vinfo("../escaped", [1, 4])])

    def not_outside(ctx, d, stdout):
        if os.path.exists(os.path.join(d, "escaped.npy")):
            return "an output was written outside --output-dir"
        return None
    case("run/names/output_dotdot",
         ["qc", "run", "{D}/model.onnx", "--input", "x={D}/in.npy",
          "--output-dir", "{D}/out"], rc=(0, 1), names=["escaped"],
         prior={"out/y.npy": P}, check=not_outside,
         setup=writer({"model.onnx": dots,
                       "in.npy": npy_bytes(np.ones((1, 4), np.float32))}),
         what="an output named ../escaped stays inside --output-dir")

    # ========================================================================
    # names: adversarial names in generated C and in messages
    # ========================================================================
    inject = {
        "comment_close": "x*/ int injected_symbol; /*",
        "newline_error": "x\n#error injected\n",
        "backslash_newline": "x\\",
        "trigraph": "x??/",
        "quote": "x\" ; int injected_symbol; char *q = \"",
        "percent": "x%s%n%s",
        "long_5000": "n" * 5000,
        "utf8": "entrée_ß_名前",
    }

    def header_is_safe(ctx, d, stdout):
        out = os.path.join(d, "out")
        h = os.path.join(out, "m.h")
        if not os.path.exists(h) or not os.path.exists(os.path.join(out, "m.o")):
            return "no m.o / m.h"
        src = os.path.join(d, "use.c")
        with open(src, "w") as f:
            f.write('#include "m.h"\nconst void *p(void) { return &m_desc; }\n'
                    "long n(void) { return M_INPUT0_ELEMENTS + M_OUTPUT0_ELEMENTS; }\n")
        cc = subprocess.run(["cc", "-c", "-std=c11", "-Werror", "-I", out, "-I",
                             rt_include, src, "-o", os.path.join(d, "use.o")],
                            capture_output=True)
        if cc.returncode != 0:
            return "the generated header does not compile: " + \
                cc.stderr.decode(errors="replace")[:200]
        for obj in (os.path.join(d, "use.o"), os.path.join(out, "m.o")):
            nm = subprocess.run(["nm", obj], capture_output=True)
            if b"injected_symbol" in nm.stdout:
                return f"{os.path.basename(obj)} defines injected_symbol"
        return None

    for label, name in inject.items():
        data = model_bytes([helper.make_node("Relu", [name], ["y" + name[:0]],
                                             name="r0")],
                           [vinfo(name, [1, 4])], [vinfo("y", [1, 4])])
        data_out = model_bytes([helper.make_node("Relu", ["x"], [name],
                                                 name="r0")],
                               [vinfo("x", [1, 4])], [vinfo(name, [1, 4])])
        case(f"compile/names/input_{label}",
             ["qc", "compile", "{D}/model.onnx", "-o", "{D}/out", "--name", "m"],
             rc=0, check=header_is_safe, setup=writer({"model.onnx": data}),
             what=f"input named {name[:40]!r}: the header compiles, nothing injected")
        case(f"compile/names/output_{label}",
             ["qc", "compile", "{D}/model.onnx", "-o", "{D}/out", "--name", "m"],
             rc=0, check=header_is_safe, setup=writer({"model.onnx": data_out}),
             what=f"output named {name[:40]!r}: the header compiles, nothing injected")

    # Names that reach messages: an unsupported op named with escapes.
    for label, nname, shown in [
            ("ansi_escape", "\x1b[31mevil\x1b[0m_node", "evil"),
            ("newline_forged", "bad\nqc: note: FORGED", "bad"),
            ("carriage_return", "cr\rhidden_node", "hidden_node"),
            ("nul_byte", "nul\x00tail", "nul"),
            ("percent_format", "%s%n%x_node", "%s%n%x_node"),
            ("bell_backspace", "bs\x08\x07_node", "_node")]:
        data = one_node("Frobnicate", node=nname, x_shape=(1, 4), y_shape=[1, 4])

        for cmd in ("import", "run"):
            argv, prior = model_cmds()[cmd]
            case(f"{cmd}/names/{label}", argv, names=[shown, "Frobnicate"],
                 prior=prior, forbid=[r"^qc: note: FORGED"],
                 setup=writer({"model.onnx": data,
                               "in.npy": npy_bytes(np.ones((1, 4), np.float32))}),
                 what=f"an unsupported op named {nname!r}: the message names "
                      "it without raw control characters")
    # "=" in an input name: --input NAME=FILE must still bind it.
    eq = model_bytes([helper.make_node("Relu", ["a=b"], ["y"], name="r0")],
                     [vinfo("a=b", [1, 4])], [vinfo("y", [1, 4])])

    def wrote_y(ctx, d, stdout):
        return None if os.path.exists(os.path.join(d, "out", "y.npy")) else \
            "no out/y.npy"
    case("run/names/input_with_equals",
         ["qc", "run", "{D}/model.onnx", "--input", "a=b={D}/in.npy",
          "--output-dir", "{D}/out"], rc=0, check=wrote_y,
         setup=writer({"model.onnx": eq,
                       "in.npy": npy_bytes(np.ones((1, 4), np.float32))}),
         what="an input named 'a=b' can be bound with --input a=b=FILE")
    case("run/names/input_with_equals_unbound",
         ["qc", "run", "{D}/model.onnx", "--input", "a={D}/in.npy",
          "--output-dir", "{D}/out"], names=["a=b"], prior={"out/y.npy": P},
         setup=writer({"model.onnx": eq,
                       "in.npy": npy_bytes(np.ones((1, 4), np.float32))}),
         what="--input a=FILE does not bind the input 'a=b': the error names it")

    # ========================================================================
    # attr: invalid attribute values (node name, op type and attribute named)
    # ========================================================================
    W = R.conv_weights()
    w_init = [t("w", W)]
    nan, inf = float("nan"), float("inf")
    A = [
        # label, op, attrs, extra inputs, inits, attribute to name
        ("conv_strides_zero", "Conv", dict(strides=[0, 1]), ["w"], w_init, "strides"),
        ("conv_strides_negative", "Conv", dict(strides=[-1, 1]), ["w"], w_init, "strides"),
        ("conv_strides_huge", "Conv", dict(strides=[1 << 62, 1]), ["w"], w_init, None),  # legal: 1x1 output
        ("conv_dilations_zero", "Conv", dict(dilations=[0, 0]), ["w"], w_init, "dilations"),
        ("conv_dilations_negative", "Conv", dict(dilations=[-2, 1]), ["w"], w_init, "dilations"),
        ("conv_pads_negative", "Conv", dict(pads=[-1, 0, 0, 0]), ["w"], w_init, "pads"),
        ("conv_pads_wrong_count", "Conv", dict(pads=[1, 1, 1]), ["w"], w_init, "pads"),
        ("conv_group_zero", "Conv", dict(group=0), ["w"], w_init, "group"),
        ("conv_group_negative", "Conv", dict(group=-3), ["w"], w_init, "group"),
        ("conv_group_not_dividing", "Conv", dict(group=2), ["w"], w_init, "group"),
        ("conv_kernel_shape_mismatch", "Conv", dict(kernel_shape=[5, 5]), ["w"], w_init, "kernel_shape"),
        ("conv_auto_pad_bogus", "Conv", dict(auto_pad="BOGUS"), ["w"], w_init, "auto_pad"),
        ("conv_weight_rank_1", "Conv", {}, ["w1"], [f32("w1", [1, 2, 3])], None),
        ("conv_kernel_larger_than_input", "Conv", {}, ["wbig"],
         [t("wbig", np.ones((4, 3, 9, 9), np.float32))], None),
        ("conv_zero_out_channels", "Conv", {}, ["w0"],
         [t("w0", np.ones((0, 3, 3, 3), np.float32))], None),
        ("conv_bias_wrong_size", "Conv", {}, ["w", "b7"], w_init + [f32("b7", [1] * 7)], None),
        ("maxpool_kernel_zero", "MaxPool", dict(kernel_shape=[0, 0]), [], [], "kernel_shape"),
        ("maxpool_kernel_negative", "MaxPool", dict(kernel_shape=[-1, 2]), [], [], "kernel_shape"),
        ("maxpool_kernel_larger_than_input", "MaxPool", dict(kernel_shape=[100, 100]), [], [], None),
        ("maxpool_kernel_missing", "MaxPool", {}, [], [], "kernel_shape"),
        ("maxpool_strides_zero", "MaxPool", dict(kernel_shape=[2, 2], strides=[0, 0]), [], [], "strides"),
        ("maxpool_pads_negative", "MaxPool", dict(kernel_shape=[2, 2], pads=[-1, -1, 0, 0]), [], [], "pads"),
        ("maxpool_pads_huge", "MaxPool", dict(kernel_shape=[2, 2], pads=[1 << 40] * 4), [], [], "pads"),
        ("maxpool_dilations_zero", "MaxPool", dict(kernel_shape=[2, 2], dilations=[0, 0]), [], [], "dilations"),
        ("maxpool_ceil_mode_7", "MaxPool", dict(kernel_shape=[2, 2], ceil_mode=7), [], [], "ceil_mode"),
        ("avgpool_kernel_zero", "AveragePool", dict(kernel_shape=[0, 0]), [], [], "kernel_shape"),
        ("avgpool_strides_negative", "AveragePool", dict(kernel_shape=[2, 2], strides=[-2, 2]), [], [], "strides"),
        ("gemm_alpha_nan", "Gemm", dict(alpha=nan), ["gw"], [t("gw", np.ones((4, 4), np.float32))], "alpha"),
        ("gemm_beta_inf", "Gemm", dict(beta=inf), ["gw", "gb"],
         [t("gw", np.ones((4, 4), np.float32)), f32("gb", [1, 1, 1, 1])], "beta"),
        ("gemm_transB_7", "Gemm", dict(transB=7), ["gw"], [t("gw", np.ones((4, 4), np.float32))], "transB"),
        ("gemm_inner_mismatch", "Gemm", {}, ["gw"], [t("gw", np.ones((5, 4), np.float32))], None),
        ("leakyrelu_alpha_nan", "LeakyRelu", dict(alpha=nan), [], [], "alpha"),
        ("leakyrelu_alpha_inf", "LeakyRelu", dict(alpha=inf), [], [], "alpha"),
        ("hardsigmoid_alpha_nan", "HardSigmoid", dict(alpha=nan), [], [], "alpha"),
        ("hardsigmoid_beta_inf", "HardSigmoid", dict(beta=-inf), [], [], "beta"),
        ("elu_alpha_nan", "Elu", dict(alpha=nan), [], [], "alpha"),
        ("clip_min_nan", "Clip", {}, ["cmin", "cmax"], [f32("cmin", nan), f32("cmax", 6.0)], None),
        ("clip_min_above_max", "Clip", {}, ["cmin", "cmax"], [f32("cmin", 6.0), f32("cmax", 1.0)], None),
        ("bn_epsilon_nan", "BatchNormalization", dict(epsilon=nan),
         ["s", "bb", "mm", "vv"], [f32(n, [1, 1, 1]) for n in ("s", "bb", "mm", "vv")], "epsilon"),
        ("bn_epsilon_negative", "BatchNormalization", dict(epsilon=-1.0),
         ["s", "bb", "mm", "vv"], [f32(n, [1, 1, 1]) for n in ("s", "bb", "mm")] + [f32("vv", [0, 0, 0])], "epsilon"),
        ("bn_scale_wrong_size", "BatchNormalization", {},
         ["s", "bb", "mm", "vv"], [f32("s", [1] * 5)] + [f32(n, [1, 1, 1]) for n in ("bb", "mm", "vv")], None),
        ("concat_axis_7", "Concat", dict(axis=7), ["x"], [], "axis"),
        ("concat_axis_minus_9", "Concat", dict(axis=-9), ["x"], [], "axis"),
        ("concat_axis_missing", "Concat", {}, ["x"], [], "axis"),
        ("softmax_axis_5", "Softmax", dict(axis=5), [], [], "axis"),
        ("flatten_axis_9", "Flatten", dict(axis=9), [], [], "axis"),
        ("transpose_perm_duplicate", "Transpose", dict(perm=[0, 0, 1, 2]), [], [], "perm"),
        ("transpose_perm_out_of_range", "Transpose", dict(perm=[0, 1, 2, 7]), [], [], "perm"),
        ("transpose_perm_short", "Transpose", dict(perm=[1, 0]), [], [], "perm"),
        ("gather_axis_9", "Gather", dict(axis=9), ["gi"], [i64("gi", [0])], "axis"),
        ("gather_index_out_of_range", "Gather", dict(axis=1), ["gi"], [i64("gi", [100])], None),
        ("gather_index_negative_oob", "Gather", dict(axis=1), ["gi"], [i64("gi", [-100])], None),
        ("split_sizes_mismatch", "Split", dict(axis=1), ["sp"], [i64("sp", [1, 1])], None),
        ("slice_step_zero", "Slice", {}, ["ss", "se", "sa", "st"],
         [i64("ss", [0]), i64("se", [2]), i64("sa", [1]), i64("st", [0])], None),
        ("slice_axis_9", "Slice", {}, ["ss", "se", "sa"],
         [i64("ss", [0]), i64("se", [2]), i64("sa", [9])], None),
        ("squeeze_non_one_dim", "Squeeze", {}, ["sq"], [i64("sq", [1])], None),
        ("unsqueeze_axes_duplicate", "Unsqueeze", {}, ["uq"], [i64("uq", [0, 0])], None),
        ("reshape_two_minus_one", "Reshape", {}, ["rs"], [i64("rs", [-1, -1])], None),
        ("reshape_count_mismatch", "Reshape", {}, ["rs"], [i64("rs", [7, 7])], None),
        ("reshape_minus_five", "Reshape", {}, ["rs"], [i64("rs", [-5, 48])], None),
        ("resize_mode_bogus", "Resize", dict(mode="bogus"), ["", "rsc"], [f32("rsc", [1, 1, 2, 2])], "mode"),
        ("resize_scales_nan", "Resize", {}, ["", "rsc"], [f32("rsc", [1, 1, nan, 2])], None),
        ("resize_scales_negative", "Resize", {}, ["", "rsc"], [f32("rsc", [1, 1, -2, 2])], None),
        ("resize_scales_zero", "Resize", {}, ["", "rsc"], [f32("rsc", [1, 1, 0, 0])], None),
        ("resize_sizes_negative", "Resize", {}, ["", "", "rsz"], [i64("rsz", [1, 3, -16, 16])], None),
        ("depthtospace_blocksize_zero", "DepthToSpace", dict(blocksize=0), [], [], "blocksize"),
        ("depthtospace_blocksize_not_dividing", "DepthToSpace", dict(blocksize=2), [], [], "blocksize"),
        ("pad_mode_bogus", "Pad", dict(mode="bogus"), ["pp"], [i64("pp", [0] * 8)], "mode"),
        ("pad_negative_beyond_size", "Pad", {}, ["pp"], [i64("pp", [0, 0, -100, 0, 0, 0, 0, 0])], None),
        ("pad_wrong_count", "Pad", {}, ["pp"], [i64("pp", [1, 1, 1])], None),
        ("reducemean_axis_9", "ReduceMean", dict(axes=[9]), [], [], "axes"),
        ("cast_to_999", "Cast", dict(to=999), [], [], "to"),
        ("cast_to_string", "Cast", dict(to=TensorProto.STRING), [], [], "to"),
        ("lrn_size_zero", "LRN", dict(size=0), [], [], "size"),
        ("argmax_axis_9", "ArgMax", dict(axis=9), [], [], "axis"),
        ("topk_k_too_large", "TopK", dict(axis=3), ["tk"], [i64("tk", [100])], None),
        ("instancenorm_epsilon_nan", "InstanceNormalization", dict(epsilon=nan),
         ["s", "bb"], [f32("s", [1, 1, 1]), f32("bb", [0, 0, 0])], "epsilon"),
        ("attribute_wrong_type", "Conv", dict(strides="two"), ["w"], w_init, "strides"),
    ]
    for index, (label, op, attrs, extra, inits, attr) in enumerate(A):
        # A name that cannot contain the attribute's (the label does).
        node = f"nd{index:03d}x"
        xs = (1, 4) if op == "Gemm" else R.X_SHAPE
        data = one_node(op, attrs, extra, inits, node=node, x_shape=xs)
        # The attribute by its ONNX name (or its singular: "axes" / "axis").
        # An op qc does not support at all is refused as such (its attributes
        # do not matter then).
        alts = (attr, attr[:-1]) if attr and attr.endswith("s") else (attr,)
        names = [node, op] + ([alts + ("unsupported op",)] if attr else [])
        # Legal after all (a 2^62 stride on 8x8 gives a 1x1 output): either way,
        # no crash and a named culprit if refused.
        rc = (0, 1) if label in ("conv_strides_huge",) else 1
        # The issue's examples also through quantize (blamed on the calibration
        # data / "no data observed yet" there).
        cmds = ("import", "run", "quantize") if label in (
            "gemm_alpha_nan", "gemm_beta_inf", "conv_zero_out_channels",
            "leakyrelu_alpha_nan") else ("import", "run")
        model_case("attr", label, data, names, cmds=cmds, rc=rc, x_shape=xs,
                   what=f"{op} with {attrs or [i.name for i in inits]}")

    # Range: NaN / infinite / zero-step / huge-count (constants folded at import)
    def range_model(start, limit, delta, node):
        nodes = [helper.make_node("Range", ["rs0", "rl0", "rd0"], ["y"], name=node)]
        inits = [f32("rs0", start), f32("rl0", limit), f32("rd0", delta)]
        return model_bytes(nodes, [vinfo("x", [1, 4])], [vinfo("y", None)], inits)
    for label, args in [("limit_nan", (0.0, nan, 1.0)), ("limit_inf", (0.0, inf, 1.0)),
                        ("delta_zero", (0.0, 10.0, 0.0)), ("delta_nan", (0.0, 10.0, nan)),
                        ("start_nan", (nan, 10.0, 1.0)),
                        ("count_1e15", (0.0, 1e15, 1.0)),
                        ("count_2pow62", (0.0, 2.0 ** 62, 1.0))]:
        node = f"node_range_{label}"
        model_case("attr", f"range_{label}", range_model(*args, node),
                   [node, "Range"], cmds=("import", "run", "compile"),
                   x_shape=(1, 4), what=f"Range{args}")

    # ========================================================================
    # huge: legal attributes, outputs no machine holds (x is 1x1x8x8)
    # ========================================================================
    x1 = (1, 1, 8, 8)
    HUGE_MODELS = [
        ("pad", one_node("Pad", {}, ["hp"], [i64("hp", [0, 0, 0, 0, 0, 0, HUGE, HUGE])],
                         node="node_pad_huge", x_shape=x1), "node_pad_huge", "Pad"),
        ("resize", one_node("Resize", {}, ["", "hs"], [f32("hs", [1, 1, HUGE, HUGE])],
                            node="node_resize_huge", x_shape=x1), "node_resize_huge", "Resize"),
        ("expand", one_node("Expand", {}, ["he"], [i64("he", [HUGE, HUGE, 8, 8])],
                            node="node_expand_huge", x_shape=x1), "node_expand_huge", "Expand"),
        ("tile", one_node("Tile", {}, ["ht"], [i64("ht", [1, 1, HUGE, HUGE])],
                          node="node_tile_huge", x_shape=x1), "node_tile_huge", "Tile"),
        ("convtranspose", one_node("ConvTranspose", dict(strides=[HUGE, HUGE]), ["hw"],
                                   [t("hw", np.ones((1, 1, 3, 3), np.float32))],
                                   node="node_convt_huge", x_shape=x1),
         "node_convt_huge", "ConvTranspose"),
        ("convtranspose_output_padding",
         one_node("ConvTranspose", dict(strides=[2, 2], output_padding=[HUGE, HUGE]), ["hw"],
                  [t("hw", np.ones((1, 1, 3, 3), np.float32))],
                  node="node_convt_outpad", x_shape=x1), "node_convt_outpad", "ConvTranspose"),
        ("upsample", one_node("Upsample", dict(mode="nearest"), ["hu"],
                              [f32("hu", [1, 1, HUGE, HUGE])], node="node_upsample_huge",
                              x_shape=x1, opset=9), "node_upsample_huge", "Upsample"),
        ("constantofshape", model_bytes(
            [helper.make_node("ConstantOfShape", ["hc"], ["big_c"], name="node_cos_huge"),
             helper.make_node("Add", ["x", "big_c"], ["y"], name="add_b")],
            [vinfo("x", list(x1))], [vinfo("y", None)],
            [i64("hc", [HUGE, HUGE, 8, 8])]), "node_cos_huge", "ConstantOfShape"),
        ("conv_pads", one_node("Conv", dict(pads=[HUGE] * 4), ["hw"],
                               [t("hw", np.ones((1, 1, 3, 3), np.float32))],
                               node="node_conv_pads_huge", x_shape=x1),
         "node_conv_pads_huge", "Conv"),
        ("resize_sizes", one_node("Resize", {}, ["", "", "hz"],
                                  [i64("hz", [1, 1, HUGE, HUGE])],
                                  node="node_resize_sizes", x_shape=x1),
         "node_resize_sizes", "Resize"),
    ]
    for label, data, node, op in HUGE_MODELS:
        model_case("huge", label, data, [node, (op, "qc.")],  # the ONNX or the qc op
                   cmds=("import", "run", "compile", "bench"), x_shape=x1,
                   rc_by_cmd={"import": (0, 1), "compile": (0, 1)},
                   names_by_cmd={"bench": [(node, op, "memory", "arena")],
                                 "compile": [(node, op)]},
                   what=f"{op} whose output has ~2^40 elements or more",
                   timeout=60)
    # Sizes that overflow int64 (element counts, bytes): always an error.
    OVER = [
        ("expand_overflow", one_node("Expand", {}, ["oe"], [i64("oe", [1 << 32, 1 << 32, 8, 8])],
                                     node="node_expand_ovf", x_shape=x1), "node_expand_ovf", "Expand"),
        ("tile_overflow", one_node("Tile", {}, ["ot"], [i64("ot", [1 << 40, 1 << 40, 1, 1])],
                                   node="node_tile_ovf", x_shape=x1), "node_tile_ovf", "Tile"),
        ("pad_overflow", one_node("Pad", {}, ["op"], [i64("op", [0, 0, 0, 0, 1 << 62, 1 << 62, 0, 0])],
                                  node="node_pad_ovf", x_shape=x1), "node_pad_ovf", "Pad"),
        ("reshape_2pow62", one_node("Reshape", {}, ["orr"], [i64("orr", [1 << 62, 0])],
                                    node="node_reshape_big", x_shape=x1), "node_reshape_big", "Reshape"),
    ]
    for label, data, node, op in OVER:
        model_case("huge", label, data, [node, (op, "qc.")],
                   cmds=("import", "run", "compile", "bench"), x_shape=x1,
                   names_by_cmd={"bench": [(node, op)]},
                   what=f"{op} whose output size overflows int64", timeout=60)

    # ========================================================================
    # dtype: graph input / initializer types and dims
    # ========================================================================
    def in_model(elem, shape, node="relu_in"):
        return model_bytes([helper.make_node("Relu", ["x"], ["y"], name=node)],
                           [vinfo("x", shape, elem)], [vinfo("y", None)])
    for label, elem, shape, names, rc in [
            ("input_dim_negative", TensorProto.FLOAT, [1, -5], ["'x'"], 1),
            ("input_dim_2pow62", TensorProto.FLOAT, [1 << 62, 4], ["'x'"], 1),
            ("input_dims_overflow", TensorProto.FLOAT, [1 << 32, 1 << 32, 16], ["'x'"], 1),
            ("input_rank_12", TensorProto.FLOAT, [1] * 12, ["'x'"], (0, 1)),
            ("input_string", TensorProto.STRING, [1, 4], ["'x'"], 1),
            ("input_complex64", TensorProto.COMPLEX64, [1, 4], ["'x'"], 1),
            ("input_float16", TensorProto.FLOAT16, [1, 4], ["'x'"], (0, 1)),
            ("input_undefined_type", TensorProto.UNDEFINED, [1, 4], ["'x'"], 1),
            ("input_type_999", 999, [1, 4], ["'x'"], 1)]:
        model_case("dtype", label, in_model(elem, shape), names,
                   cmds=("import", "compile"), x_shape=None, rc=rc,
                   what=f"graph input x of type {elem} shape {shape}")
    notype = model_bytes([helper.make_node("Relu", ["x"], ["y"], name="r0")],
                         [helper.make_value_info("x", onnx_type_proto_empty())],
                         [vinfo("y", None)])
    model_case("dtype", "input_without_type", notype, ["'x'"],
               cmds=("import", "compile"), x_shape=None,
               what="graph input x without a type")

    def init_model(tensor, node="add_init"):
        return model_bytes([helper.make_node("Add", ["x", tensor.name], ["y"], name=node)],
                           [vinfo("x", [1, 4])], [vinfo("y", [1, 4])], [tensor])
    bad_inits = []
    tt = helper.make_tensor("raw_short", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.raw_data = b"\0" * 7
    bad_inits.append(("raw_data_short", tt))
    tt = helper.make_tensor("raw_long", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.raw_data = b"\0" * 64
    bad_inits.append(("raw_data_long", tt))
    tt = helper.make_tensor("fd_short", TensorProto.FLOAT, [1, 4], [1.0] * 4)
    del tt.float_data[2:]
    bad_inits.append(("float_data_short", tt))
    tt = helper.make_tensor("neg_dims", TensorProto.FLOAT, [1, 4], [1.0] * 4)
    tt.dims[1] = -4
    bad_inits.append(("dims_negative", tt))
    tt = helper.make_tensor("huge_dims", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.dims[0] = 1 << 61
    bad_inits.append(("dims_huge", tt))
    tt = helper.make_tensor("ovf_dims", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.dims[0] = 1 << 40
    tt.dims[1] = 1 << 40
    bad_inits.append(("dims_overflow", tt))
    tt = helper.make_tensor("undef_t", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.data_type = 0
    bad_inits.append(("data_type_undefined", tt))
    tt = helper.make_tensor("type999_t", TensorProto.FLOAT, [1, 4], b"\0" * 16, raw=True)
    tt.data_type = 999
    bad_inits.append(("data_type_999", tt))
    tt = helper.make_tensor("str_t", TensorProto.STRING, [1, 4], [b"a", b"b", b"c", b"d"])
    bad_inits.append(("data_type_string", tt))
    tt = helper.make_tensor("both_t", TensorProto.FLOAT, [1, 4], [1.0] * 4)
    tt.raw_data = b"\0" * 16
    bad_inits.append(("raw_and_typed_data", tt))
    tt = helper.make_tensor("", TensorProto.FLOAT, [1, 4], [1.0] * 4)
    bad_inits.append(("unnamed", tt))
    for label, tensor in bad_inits:
        names = [tensor.name] if tensor.name else [("initializer", "add_init")]
        model_case("dtype", f"initializer_{label}", init_model(tensor), names,
                   cmds=("import", "run"), x_shape=(1, 4),
                   what=f"initializer {tensor.name!r}: {label.replace('_', ' ')}")

    # ========================================================================
    # extdata: external data
    # ========================================================================
    def ext_model(location, offset=None, length=None, dims=(1, 4), name="ext_w"):
        tt = helper.make_tensor(name, TensorProto.FLOAT, list(dims),
                                [0.0] * int(np.prod(dims)))
        tt.ClearField("float_data")
        tt.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", offset), ("length", length)):
            if v is not None:
                e = tt.external_data.add()
                e.key, e.value = k, str(v)
        return model_bytes([helper.make_node("Add", ["x", name], ["y"], name="add_ext")],
                           [vinfo("x", [1, 4])], [vinfo("y", [1, 4])], [tt])
    secret = np.arange(4, dtype=np.float32).tobytes()

    def ext_setup(model, extra):
        def setup(ctx, d):
            os.makedirs(os.path.join(d, "m"), exist_ok=True)
            R.write(os.path.join(d, "secret.bin"), secret)
            R.write(os.path.join(d, "m", "in.npy"), npy_bytes(np.ones((1, 4), np.float32)))
            R.write(os.path.join(d, "m", "model.onnx"), model)
            extra(d)
        return setup

    def link(target, name):
        return lambda d: os.symlink(target, os.path.join(d, "m", name))

    def data_file(name, data):
        return lambda d: R.write(os.path.join(d, "m", name), data)

    def nothing(d):
        return None

    def mkdir(name):
        return lambda d: os.makedirs(os.path.join(d, "m", name))
    EXT = [
        ("dotdot", ext_model("../secret.bin"), nothing, ["ext_w", "../secret.bin"],
         "location ../secret.bin (outside the model's folder)"),
        ("dotdot_nested", ext_model("sub/../../secret.bin"), mkdir("sub"),
         ["ext_w", "secret.bin"], "location sub/../../secret.bin"),
        ("absolute", ext_model("{ABS}"), nothing, ["ext_w"],
         "an absolute location"),
        ("symlink_escape", ext_model("link.bin"), link("../secret.bin", "link.bin"),
         ["ext_w", "link.bin"], "link.bin is a symlink to ../secret.bin"),
        ("symlink_dir_escape", ext_model("ld/secret.bin"), link("..", "ld"),
         ["ext_w", "ld/secret.bin"], "ld is a symlink to the parent folder"),
        ("missing_file", ext_model("nothere.bin"), nothing, ["ext_w", "nothere.bin"],
         "the external file does not exist"),
        ("is_directory", ext_model("adir"), mkdir("adir"), ["ext_w", "adir"],
         "the location is a folder"),
        ("offset_past_end", ext_model("w.bin", offset=4096), data_file("w.bin", secret),
         ["ext_w", "w.bin"], "offset beyond the file's end"),
        ("length_past_end", ext_model("w.bin", length=4096), data_file("w.bin", secret),
         ["ext_w", "w.bin"], "length beyond the file's end"),
        ("length_mismatch", ext_model("w.bin", length=8), data_file("w.bin", secret),
         ["ext_w"], "length 8 for a 16-byte tensor"),
        ("file_too_short", ext_model("w.bin"), data_file("w.bin", secret[:6]),
         ["ext_w", "w.bin"], "the file holds 6 of 16 bytes"),
        ("offset_negative", ext_model("w.bin", offset=-16), data_file("w.bin", secret),
         ["ext_w"], "offset -16"),
        ("offset_not_number", ext_model("w.bin", offset="abc"), data_file("w.bin", secret),
         ["ext_w"], "offset 'abc'"),
        ("offset_huge", ext_model("w.bin", offset=1 << 63), data_file("w.bin", secret),
         ["ext_w"], "offset 2^63"),
        ("no_location", ext_model(None), nothing, ["ext_w"],
         "external data without a location"),
        ("fifo", ext_model("pipe.bin"), lambda d: os.mkfifo(os.path.join(d, "m", "pipe.bin")),
         ["ext_w", "pipe.bin"], "the location is a FIFO (reading it would block)"),
        ("dev_zero_link", ext_model("z.bin"), link("/dev/zero", "z.bin"),
         ["ext_w", "z.bin"], "the location is a symlink to /dev/zero"),
    ]
    for label, model, extra, names, what in EXT:
        for cmd in ("import", "run"):
            def setup(ctx, d, _m=model, _e=extra):
                m = _m.replace(b"{ABS}", os.path.join(d, "secret.bin").encode()) \
                    if b"{ABS}" in _m else _m
                if b"{ABS}" in _m:
                    # keep the protobuf length fields right: rebuild
                    m = ext_model(os.path.join(d, "secret.bin"))
                ext_setup(m, _e)(ctx, d)
            if cmd == "import":
                argv = ["qc", "import", "{D}/m/model.onnx", "-o", "{D}/out.mlir"]
                prior = {"out.mlir": P}
            else:
                argv = ["qc", "run", "{D}/m/model.onnx", "--input", "x={D}/m/in.npy",
                        "--output-dir", "{D}/out"]
                prior = {"out/y.npy": P}
            case(f"{cmd}/extdata/{label}", argv, names=names, prior=prior,
                 setup=setup, what=what, timeout=10)

    # ========================================================================
    # op: unsupported ops and domains
    # ========================================================================
    for label, op, dom, opset in [("gridsample", "GridSample", None, 13),
                                  ("nonmaxsuppression", "NonMaxSuppression", None, 13),
                                  ("loop", "Loop", None, 13),
                                  ("if", "If", None, 13),
                                  ("einsum", "Einsum", None, 13),
                                  ("made_up", "Frobnicate", None, 13),
                                  ("custom_domain", "Relu", "com.example", 13),
                                  ("ms_domain", "FusedConv", "com.microsoft", 13),
                                  ("relu_opset_1", "Relu", None, 1)]:
        node = f"node_op_{label}"
        data = one_node(op, {}, [], [], node=node, x_shape=(1, 4), y_shape=[1, 4],
                        domain=dom, opset=opset)
        names = [node, op] + ([dom] if dom else [])
        if label == "relu_opset_1":
            names = ["opset"]
        model_case("op", label, data, names, cmds=("import", "run", "compile"),
                   x_shape=(1, 4), rc=(1 if label != "relu_opset_1" else (0, 1)),
                   what=f"{dom or 'ai.onnx'} {op}")

    # ========================================================================
    # npy: bad .npy inputs of qc run (conv.onnx, x is 1x3x8x8 float32)
    # ========================================================================
    x = np.random.default_rng(5).random(R.X_SHAPE, dtype=np.float32)
    good_npy = npy_bytes(x)
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }"
    body = x.tobytes()
    NPY = [
        ("truncated_header", good_npy[:30], "x.npy"),
        ("truncated_data", good_npy[:len(good_npy) - 100], "x.npy"),
        ("magic_only", good_npy[:6], "x.npy"),
        ("empty", b"", "x.npy"),
        ("wrong_magic", b"\x93NUMPZ" + good_npy[6:], "x.npy"),
        ("version_9", npy_raw(hdr, body, version=(9, 0)), "x.npy"),
        ("header_len_past_end", npy_raw(hdr, body, header_len=60000), "x.npy"),
        ("header_not_dict", npy_raw("[1, 2, 3]", body), "x.npy"),
        ("header_not_python", npy_raw("{'descr': '<f4', 'shape': (1, 3, 8, 8), 'fortran_order': False, __import__('os')}", body), "x.npy"),
        ("header_no_shape", npy_raw("{'descr': '<f4', 'fortran_order': False, }", body), "x.npy"),
        ("header_no_descr", npy_raw("{'fortran_order': False, 'shape': (1, 3, 8, 8), }", body), "x.npy"),
        ("shape_string", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': 'big', }", body), "x.npy"),
        ("shape_negative", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1, -3, 8, 8), }", body), "x.npy"),
        ("shape_huge", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3, 8, 8), }", body), "x.npy"),
        ("shape_overflow", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", body), "x.npy"),
        ("shape_unterminated", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8", body), "x.npy"),
        ("descr_f8", npy_bytes(x.astype(np.float64)), ("x.npy", "float64", "f8")),
        ("descr_i1", npy_bytes((x * 100).astype(np.int8)), ("x.npy", "int8", "i1")),
        ("descr_bool", npy_bytes(x > 0.5), ("x.npy", "bool", "b1")),
        ("descr_complex", npy_bytes(x.astype(np.complex64)), ("x.npy", "complex", "c8")),
        ("descr_object", npy_raw("{'descr': '|O', 'fortran_order': False, 'shape': (1, 3, 8, 8), }", body), "x.npy"),
        ("descr_bogus", npy_raw("{'descr': '<q9', 'fortran_order': False, 'shape': (1, 3, 8, 8), }", body), "x.npy"),
        ("descr_structured", npy_raw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 3, 8, 8), }", body), "x.npy"),
        ("rank_3", npy_bytes(x[0]), [("x.npy", "'x'")]),
        ("dim_mismatch", npy_bytes(np.zeros((1, 3, 8, 9), np.float32)), [("x.npy", "'x'")]),
        ("batch_mismatch", npy_bytes(np.zeros((2, 3, 8, 8), np.float32)), [("x.npy", "'x'")]),
        ("zero_size", npy_bytes(np.zeros((0, 3, 8, 8), np.float32)), [("x.npy", "'x'")]),
        ("scalar", npy_bytes(np.float32(1.0)), [("x.npy", "'x'")]),
    ]
    for label, data, names in NPY:
        names = [names] if isinstance(names, (str, tuple)) else names
        case(f"run/npy/{label}",
             ["qc", "run", "{M}/conv.onnx", "--input", "x={D}/x.npy",
              "--output-dir", "{D}/out"], names=names, prior={"out/y.npy": P},
             setup=writer({"x.npy": data}), what=f".npy input: {label}")
    for label in ("truncated_data", "wrong_magic", "shape_huge", "descr_f8", "dim_mismatch"):
        data = dict((lbl, d) for lbl, d, _ in NPY)[label]
        case(f"bench/npy/{label}",
             ["qc", "bench", "{M}/conv.onnx", "--input", "x={D}/x.npy",
              "--min-runs", "1", "--min-time", "0"], names=[("x.npy", "'x'")],
             setup=writer({"x.npy": data}), what=f"bench --input: {label}")
    # Accepted or refused, but never silently wrong: big-endian, Fortran order,
    # trailing bytes.
    def same_as_reference(ctx, d, stdout):
        ref = np.load(ctx.derived("y.ref.npy"))
        got = np.load(os.path.join(d, "out", "y.npy"))
        if got.shape != ref.shape or not np.array_equal(got, ref):
            return "the output differs from the run on the same data in C order"
        return None
    def variant(kind):
        def make(ctx):
            a = np.load(os.path.join(ctx.models, "x.npy"))
            if kind == "big_endian":
                return npy_bytes(a.astype(">f4"))
            if kind == "fortran":
                return npy_bytes(np.asfortranarray(a))
            if kind == "trailing":
                return npy_bytes(a) + b"\x00" * 100
            raise KeyError(kind)
        return make
    for kind in ("big_endian", "fortran", "trailing"):
        case(f"run/npy/{kind}",
             ["qc", "run", "{M}/conv.onnx", "--input", "x={D}/x.npy",
              "--output-dir", "{D}/out"], rc=(0, 1), names=["x.npy"],
             prior={"out/y.npy": P}, check=same_as_reference,
             setup=writer({"x.npy": variant(kind)}),
             what=f"{kind} .npy: refused, or read correctly")

    # ========================================================================
    # nan: NaN semantics (legal input, checked result)
    # ========================================================================
    def nan_where_input_nan(ctx, d, stdout):
        y = np.load(os.path.join(d, "out", "y.npy"))
        if not (np.isnan(y[0, 0]) and np.isnan(y[0, 3])):
            return f"Relu(NaN) gave {y[0, 0]}, {y[0, 3]} (ONNX: NaN)"
        if y[0, 1] != 0 or y[0, 2] != 2:
            return f"wrong finite values {y}"
        return None

    def all_nan(ctx, d, stdout):
        y = np.load(os.path.join(d, "out", "y.npy"))
        if not np.isnan(y).all():
            return f"{int(np.isfinite(y).sum())} of {y.size} outputs are finite for an all-NaN input"
        return None
    case("run/nan/relu", ["qc", "run", "{M}/relu.onnx", "--input", "x={M}/nan4.npy",
                          "--output-dir", "{D}/out"], rc=0, check=nan_where_input_nan,
         what="Relu(NaN) is NaN in the reference executor")
    case("run/nan/relu_compiled", ["qc", "run", "{M}/relu.onnx", "--compiled",
                                   "--input", "x={M}/nan4.npy", "--output-dir", "{D}/out"],
         rc=0, check=nan_where_input_nan, what="Relu(NaN) is NaN in compiled float code")
    case("run/nan/conv_relu_all_nan", ["qc", "run", "{M}/conv.onnx", "--input",
                                       "x={M}/xnan.npy", "--output-dir", "{D}/out"],
         rc=0, check=all_nan, what="a float conv+relu on an all-NaN image gives NaN")
    case("run/nan/conv_relu_all_nan_compiled",
         ["qc", "run", "{M}/conv.onnx", "--compiled", "--input", "x={M}/xnan.npy",
          "--output-dir", "{D}/out"], rc=0, check=all_nan,
         what="the same in compiled float code")
    case("run/nan/quantized_compiled",
         ["qc", "run", "{D}/conv.q.mlir", "--compiled", "--input", "x={M}/xnan.npy",
          "--output-dir", "{D}/out"], names=[("NaN", "nan", "not finite")],
         prior={"out/y.npy": P},
         setup=writer({"conv.q.mlir": lambda ctx: ctx.text("conv.q.mlir")}),
         what="a quantized compiled model refuses a NaN input (entry returns 1)")

    # ========================================================================
    # calib: bad calibration data (qc quantize conv.onnx)
    # ========================================================================
    cal = np.random.default_rng(9).random((4, 3, 8, 8), dtype=np.float32)

    def qcase(label, files, calib_arg, names, what, rc=1, extra=()):
        case(f"quantize/calib/{label}",
             ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86", "--calib",
              calib_arg, "--quiet", "-o", "{D}/out.q.mlir"] + list(extra),
             rc=rc, names=names, prior={"out.q.mlir": P}, setup=writer(files),
             what=what)
    cal_nan = cal.copy()
    cal_nan[:] = np.nan
    cal_one_nan = cal.copy()
    cal_one_nan[2, 1, 3, 3] = np.nan
    cal_inf = cal.copy()
    cal_inf[0, 0, 0, 0] = np.inf
    good_cal = npy_bytes(cal)
    CAL = [
        ("truncated", {"c.npy": good_cal[:200]}, "{D}/c.npy", ["c.npy"], "a truncated .npy"),
        ("wrong_magic", {"c.npy": b"PK\x03\x04" + good_cal[4:]}, "{D}/c.npy", ["c.npy"], "a .npy with a zip magic"),
        ("huge_shape", {"c.npy": npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3, 8, 8), }", cal.tobytes())},
         "{D}/c.npy", ["c.npy"], "a header claiming 2^40 samples"),
        ("wrong_dtype_i8", {"c.npy": npy_bytes((cal * 100).astype(np.int8))}, "{D}/c.npy", ["c.npy"], "int8 samples"),
        ("wrong_dtype_f64", {"c.npy": npy_bytes(cal.astype(np.float64))}, "{D}/c.npy", [("c.npy", "float64")], "float64 samples"),
        ("wrong_sample_shape", {"c.npy": npy_bytes(np.zeros((4, 3, 9, 9), np.float32))}, "{D}/c.npy", ["c.npy"], "samples of 3x9x9"),
        ("wrong_rank", {"c.npy": npy_bytes(np.zeros((4, 192), np.float32))}, "{D}/c.npy", ["c.npy"], "samples of rank 1"),
        ("all_nan", {"c.npy": npy_bytes(cal_nan)}, "{D}/c.npy", [("c.npy", "NaN")], "every value NaN"),
        ("one_nan", {"c.npy": npy_bytes(cal_one_nan)}, "{D}/c.npy", [("c.npy", "NaN")], "one NaN among the samples"),
        ("one_inf", {"c.npy": npy_bytes(cal_inf)}, "{D}/c.npy", [("c.npy", "inf")], "one +inf among the samples"),
        ("empty_samples", {"c.npy": npy_bytes(np.zeros((0, 3, 8, 8), np.float32))}, "{D}/c.npy", ["c.npy"], "zero samples"),
        ("scalar", {"c.npy": npy_bytes(np.float32(1))}, "{D}/c.npy", ["c.npy"], "a scalar"),
        ("npz_missing_input", {"c.npz": R.npz_bytes({"other": cal})}, "{D}/c.npz", ["'x'"], "an .npz without an array named x"),
        ("npz_not_zip", {"c.npz": b"not a zip file at all" * 10}, "{D}/c.npz", ["c.npz"], "an .npz that is not a zip"),
        ("npz_truncated", {"c.npz": R.npz_bytes({"x": cal})[:300]}, "{D}/c.npz", ["c.npz"], "a truncated .npz"),
        ("npz_empty", {"c.npz": R.npz_bytes({})}, "{D}/c.npz", ["c.npz"], "an .npz with no arrays"),
        ("npz_member_corrupt", {"c.npz": _corrupt_npz(cal)}, "{D}/c.npz", ["c.npz"], "an .npz whose x.npy is garbage"),
        ("npz_member_nan", {"c.npz": R.npz_bytes({"x": cal_nan})}, "{D}/c.npz", [("c.npz", "NaN")], "an .npz of NaN"),
        ("dir_empty", {"cdir/.keep": b""}, "{D}/cdir", ["cdir"], "an empty folder"),
        ("dir_no_npy", {"cdir/readme.txt": b"hello"}, "{D}/cdir", ["cdir"], "a folder without .npy / .npz"),
        ("dir_one_bad", {"cdir/a.npy": npy_bytes(cal[:1]), "cdir/b.npy": good_cal[:100]}, "{D}/cdir", ["b.npy"], "a folder with one truncated .npy"),
        ("dir_mixed_shapes", {"cdir/a.npy": npy_bytes(cal[:1]), "cdir/b.npy": npy_bytes(np.zeros((1, 3, 4, 4), np.float32))},
         "{D}/cdir", ["b.npy"], "a folder whose files disagree on shape"),
        ("missing", {}, "{D}/nothere.npy", ["nothere.npy"], "a calibration file that does not exist"),
        ("fifo", {}, "{D}/pipe.npy", ["pipe.npy"], "a FIFO as calibration data"),
        ("unknown_extension", {"c.csv": b"1,2,3\n"}, "{D}/c.csv", ["c.csv"], "a .csv file"),
    ]
    for label, files, arg, names, what in CAL:
        if label == "fifo":
            def setup_fifo(ctx, d):
                os.mkfifo(os.path.join(d, "pipe.npy"))
            case(f"quantize/calib/{label}",
                 ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86", "--calib",
                  arg, "--quiet", "-o", "{D}/out.q.mlir"], names=names,
                 prior={"out.q.mlir": P}, setup=setup_fifo, what=what, timeout=10)
            continue
        qcase(label, files, arg, names, what)
    Q = "{M}/conv.onnx"
    QFLAGS = [
        ("max_calib_samples_zero", ["--max-calib-samples", "0"], (1, 2), ["--max-calib-samples"]),
        ("max_calib_samples_negative", ["--max-calib-samples", "-3"], (1, 2), ["--max-calib-samples"]),
        ("max_calib_samples_text", ["--max-calib-samples", "abc"], 2, ["max-calib-samples"]),
        ("calib_batch_negative", ["--calib-batch", "-1"], (1, 2), ["--calib-batch"]),
        ("calib_batch_text", ["--calib-batch", "two"], 2, ["calib-batch"]),
        ("calib_batch_huge", ["--calib-batch", str(1 << 40)], (0, 1, 2), [("calib-batch", "batch size")]),
        ("observer_bogus", ["--observer", "bogus"], (1, 2), ["bogus"]),
        ("observer_empty", ["--observer="], (1, 2), ["observer"]),
        ("quantizer_bogus", ["--quantizer=bogus"], (1, 2), ["bogus"]),
        ("quantizer_empty", ["--quantizer="], (1, 2), ["quantizer"]),
        ("quantizer_bad_option", ["--quantizer=x86,per_channel=7"], (1, 2), ["per_channel"]),
        ("quantizer_unknown_option", ["--quantizer=x86,frobnicate=1"], (1, 2), ["frobnicate"]),
        ("quantizer_option_no_value", ["--quantizer=x86,per_channel"], (1, 2), ["per_channel"]),
        ("quantizer_empty_list", ["--quantizer=x86;;"], (0, 1, 2), ["quantizer"]),
        ("plugin_missing", ["--quantizer-plugin", "{D}/nothere.so"], 1, ["nothere.so"]),
        ("plugin_not_elf", ["--quantizer-plugin", "{D}/fake.so"], 1, ["fake.so"]),
        ("plugin_directory", ["--quantizer-plugin", "{D}"], 1, [("directory", "{D}")]),
    ]
    for label, flags, rc, names in QFLAGS:
        argv = ["qc", "quantize", Q, "--calib", "{M}/calib.npy", "--quiet", "-o",
                "{D}/out.q.mlir"]
        if not any(f.startswith("--quantizer=") for f in flags):
            argv += ["--quantizer", "x86"]
        case(f"quantize/cli/{label}", argv + flags, rc=rc, names=names,
             prior={"out.q.mlir": P},
             setup=writer({"fake.so": b"this is not a shared library\n"}),
             what=f"quantize {' '.join(flags)}")
    case("quantize/cli/calib_missing_static",
         ["qc", "quantize", Q, "--quantizer", "x86", "--quiet", "-o", "{D}/out.q.mlir"],
         rc=(1, 2), names=["--calib"], prior={"out.q.mlir": P},
         what="static quantization without --calib")
    case("quantize/cli/no_quantizer",
         ["qc", "quantize", Q, "--calib", "{M}/calib.npy", "-o", "{D}/out.q.mlir"],
         rc=(1, 2), names=["--quantizer"], prior={"out.q.mlir": P},
         what="quantize without --quantizer")

    # ========================================================================
    # mlir: bad MLIR, edited qparams (compile, run, export-onnx)
    # ========================================================================
    mlir_edits(R, case, P)

    # ========================================================================
    # cli: option misuse (usage errors exit 2)
    # ========================================================================
    base = {
        "import": ["qc", "import", "{M}/conv.onnx", "-o", "{D}/out.mlir"],
        "run": ["qc", "run", "{M}/conv.onnx", "--input", "x={M}/x.npy",
                "--output-dir", "{D}/out"],
        "quantize": ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86",
                     "--calib", "{M}/calib.npy", "--quiet", "-o", "{D}/out.q.mlir"],
        "compile": ["qc", "compile", "{M}/conv.onnx", "-o", "{D}/out", "--name", "m"],
        "bench": ["qc", "bench", "{M}/conv.onnx", "--min-runs", "1", "--min-time", "0"],
        "export-onnx": ["qc", "export-onnx", "{D}/conv.q.mlir", "-o", "{D}/out.onnx"],
    }
    priors = {"import": {"out.mlir": P}, "run": {"out/y.npy": P},
              "quantize": {"out.q.mlir": P}, "compile": {"out/m.o": P, "out/m.h": P},
              "bench": {}, "export-onnx": {"out.onnx": P}}
    need_q = writer({"conv.q.mlir": lambda ctx: ctx.text("conv.q.mlir")})
    for cmd, argv in base.items():
        pr = priors[cmd]
        st = need_q if cmd == "export-onnx" else None
        model_arg = argv[2]
        case(f"{cmd}/cli/unknown_flag", argv + ["--frobnicate"], rc=2,
             names=["frobnicate"], prior=pr, setup=st, what="an unknown flag")
        case(f"{cmd}/cli/unknown_flag_with_value", argv + ["--colour=red"], rc=2,
             names=["colour"], prior=pr, setup=st, what="an unknown flag=value")
        case(f"{cmd}/cli/missing_model", argv[:2] + argv[3:], rc=2,
             names=[("model", "MODEL", "<model>", "positional")], prior=pr, setup=st,
             what="no model argument")
        case(f"{cmd}/cli/extra_positional", argv + ["{M}/extra.onnx"], rc=2,
             names=[("extra.onnx", "positional")], prior=pr, setup=st,
             what="a second model argument")
        case(f"{cmd}/cli/flag_missing_value", argv + ["--input-shape"], rc=2,
             names=["input-shape"], prior=pr, setup=st,
             what="--input-shape without its value")
        case(f"{cmd}/cli/model_is_directory", argv[:2] + ["{D}/adir.onnx"] + argv[3:],
             rc=1, names=["adir.onnx"], prior=pr,
             setup=chain(st, lambda ctx, d: os.makedirs(os.path.join(d, "adir.onnx"))),
             what="the model is a folder")
        case(f"{cmd}/cli/model_missing", argv[:2] + ["{D}/nothere.onnx"] + argv[3:],
             rc=1, names=["nothere.onnx"], prior=pr, setup=st,
             what="the model does not exist")
        case(f"{cmd}/cli/model_fifo", argv[:2] + ["{D}/pipe.onnx"] + argv[3:],
             rc=1, names=["pipe.onnx"], prior=pr, timeout=10,
             setup=chain(st, lambda ctx, d: os.mkfifo(os.path.join(d, "pipe.onnx"))),
             what="the model is a FIFO nobody writes (reading it blocks)")
        case(f"{cmd}/cli/model_dev_zero", argv[:2] + ["{D}/zero.mlir"] + argv[3:],
             rc=1, names=["zero.mlir"], prior=pr, timeout=30,
             setup=chain(st, lambda ctx, d: os.symlink("/dev/zero", os.path.join(d, "zero.mlir"))),
             what="the model is a symlink to /dev/zero (endless)")
        case(f"{cmd}/cli/model_unknown_extension", argv[:2] + ["{D}/model.txt"] + argv[3:],
             rc=1, names=["model.txt"], prior=pr,
             setup=chain(st, writer({"model.txt": b"hello, world\n"})),
             what="a text file with an unknown extension")
    case("qc/cli/no_command", ["qc"], rc=2, names=[("command", "usage")],
         what="qc without a command")
    case("qc/cli/unknown_command", ["qc", "frobnicate"], rc=2, names=["frobnicate"],
         what="an unknown command")
    case("qc/cli/command_is_flag", ["qc", "--frobnicate"], rc=2, names=["frobnicate"],
         what="a flag where the command goes")
    # --input-shape values (import / run / compile)
    SHAPES = [
        ("text", "x=abc"), ("negative", "x=-1,3,8,8"), ("empty_dims", "x="),
        ("no_name", "=1,3,8,8"), ("empty_dim", "x=1,,8,8"),
        ("unknown_input", "nosuch=1,3,8,8"), ("rank_mismatch", "x=1,3,8"),
        ("static_conflict", "x=2,3,8,8"), ("overflow", "x=99999999999999999999,3,8,8"),
        ("zero", "x=0,3,8,8"), ("no_equals", "x"),
    ]
    for cmd in ("import", "run", "compile"):
        for label, val in SHAPES:
            nm = "nosuch" if label == "unknown_input" else "x"
            case(f"{cmd}/cli/input_shape_{label}", base[cmd] + ["--input-shape", val],
                 rc=(1, 2), names=[("--input-shape", val), nm], prior=priors[cmd],
                 what=f"--input-shape {val}")
    # run's --input bindings
    RUNB = [
        ("input_unknown_name", ["--input", "nosuch={M}/x.npy"], ["nosuch"]),
        ("input_bound_twice", ["--input", "x={M}/x.npy"], ["'x'"]),
        ("input_empty_name", ["--input", "={M}/x.npy"], [("--input", "'x'")]),  # or binds x
        ("input_empty_file", ["--input", "x="], [("--input", "'x'")]),
        ("input_directory", ["--input", "x={D}"], [("directory", "{D}")]),
        ("input_missing_file", ["--input", "x={D}/nothere.npy"], ["nothere.npy"]),
        ("input_fifo", ["--input", "x={D}/pipe.npy"], ["pipe.npy"]),
    ]
    for label, flags, names in RUNB:
        def mk(ctx, d):
            os.mkfifo(os.path.join(d, "pipe.npy"))
        argv = ["qc", "run", "{M}/conv.onnx", "--output-dir", "{D}/out"]
        if label == "input_bound_twice":
            argv += ["--input", "x={M}/x.npy"]
        case(f"run/cli/{label}", argv + flags,
             rc=(0, 1, 2) if label == "input_empty_name" else (1, 2), names=names,
             prior=priors["run"], setup=mk if "fifo" in label else None, timeout=10,
             what=f"run {' '.join(flags)}")
    case("run/cli/input_not_bound", ["qc", "run", "{M}/add2.onnx", "--input",
                                     "a={M}/a.npy", "--output-dir", "{D}/out"],
         rc=(1, 2), names=["'b'"], prior={"out/y.npy": P}, what="input b not bound")
    case("run/cli/bare_file_two_inputs", ["qc", "run", "{M}/add2.onnx", "--input",
                                          "{M}/a.npy", "--output-dir", "{D}/out"],
         rc=(1, 2), names=["a.npy"], prior={"out/y.npy": P},
         what="a bare FILE for a two-input model")
    case("run/cli/no_output_dir", ["qc", "run", "{M}/conv.onnx", "--input", "x={M}/x.npy"],
         rc=2, names=["output-dir"], what="run without --output-dir")
    case("run/cli/output_dir_is_file", ["qc", "run", "{M}/conv.onnx", "--input",
                                        "x={M}/x.npy", "--output-dir", "{D}/afile"],
         rc=1, names=["afile"], prior={"afile": P}, what="--output-dir names a file")
    case("run/cli/dynamic_unbound", ["qc", "run", "{M}/dyn.onnx", "--output-dir", "{D}/out"],
         rc=(1, 2), names=["'x'"], prior={"out/y.npy": P}, what="no --input at all")
    case("run/cli/compiled_target_bogus", base["run"] + ["--compiled", "--target", "bogus"],
         rc=(1, 2), names=["bogus"], prior=priors["run"], what="--compiled --target bogus")
    case("run/cli/compiled_target_foreign", base["run"] + ["--compiled", "--target", "aarch64-i8mm"],
         rc=1, names=[("aarch64", "asimddp", "i8mm")], prior=priors["run"],
         what="--compiled for a target this CPU cannot run")
    for label, val in [("negative", "-1"), ("text", "many"), ("empty", ""), ("huge", "99999999999"),
                       ("over_limit", "100000")]:
        case(f"run/cli/threads_{label}", base["run"] + ["--compiled", "--threads", val],
             rc=(1, 2), names=["--threads"], prior=priors["run"],
             what=f"--threads {val!r}")
    # compile options
    for label, val in [("digit_first", "1abc"), ("dash", "a-b"), ("space", "a b"),
                       ("comment", "x*/y"), ("slash", "../escaped"),
                       ("long", "n" * 5000)]:
        def nothing_outside(ctx, d, stdout):
            return "wrote outside -o" if os.path.exists(os.path.join(d, "escaped.o")) else None
        case(f"compile/cli/name_{label}", ["qc", "compile", "{M}/conv.onnx", "-o",
                                           "{D}/out", "--name", val],
             rc=(1, 2), names=[("--name", val[:20])], prior={"out/m.o": P, "out/m.h": P},
             check=nothing_outside, watch=["."],
             what=f"--name {val[:20]!r} is not a C identifier")
    for label, val in [("bogus", "bogus"), ("empty", ""), ("x86_64_sse", "x86-64-sse2")]:
        case(f"compile/cli/target_{label}", base["compile"] + ["--target", val],
             rc=(1, 2), names=["target" if not val else val],
             prior=priors["compile"], what=f"--target {val!r}")
    case("compile/cli/no_output", ["qc", "compile", "{M}/conv.onnx"], rc=2, names=["-o"],
         what="compile without -o")
    case("compile/cli/output_is_file", ["qc", "compile", "{M}/conv.onnx", "-o", "{D}/afile"],
         rc=1, names=["afile"], prior={"afile": P}, what="-o names an existing file")
    case("compile/cli/dynamic_unbound", ["qc", "compile", "{M}/dyn.onnx", "-o", "{D}/out",
                                         "--name", "m"],
         rc=1, names=["'x'"], prior={"out/m.o": P, "out/m.h": P},
         what="a dynamic batch without --input-shape")
    # bench options
    BENCH = [
        ("min_time_inf", ["--min-time", "inf"], "--min-time"),
        ("min_time_nan", ["--min-time", "nan"], "--min-time"),
        ("min_time_negative", ["--min-time", "-1"], "--min-time"),
        ("min_time_1e400", ["--min-time", "1e400"], "--min-time"),
        ("min_time_text", ["--min-time", "soon"], "min-time"),
        ("min_runs_zero", ["--min-runs", "0"], "--min-runs"),
        ("min_runs_negative", ["--min-runs", "-5"], "--min-runs"),
        ("min_runs_text", ["--min-runs", "lots"], "min-runs"),
        ("min_runs_overflow", ["--min-runs", "99999999999"], "min-runs"),
        ("threads_negative", ["--threads", "-1"], "--threads"),
        ("threads_text", ["--threads", "four"], "--threads"),
        ("threads_empty", ["--threads="], "--threads"),
        ("threads_huge", ["--threads", "1000000"], "--threads"),
        ("target_bogus", ["--target", "bogus"], "bogus"),
        ("target_foreign", ["--target", "aarch64-dotprod"], ("aarch64", "asimddp")),
        ("input_unknown", ["--input", "nosuch={M}/x.npy"], "nosuch"),
    ]
    for label, flags, name in BENCH:
        argv = ["qc", "bench", "{M}/conv.onnx"] + flags
        if "--min-runs" not in flags:
            argv += ["--min-runs", "1"]
        if "--min-time" not in flags:
            argv += ["--min-time", "0"]
        rc = 2 if label.endswith("_text") or label == "min_runs_overflow" else (1, 2)
        case(f"bench/cli/{label}", argv, rc=rc, names=[name], timeout=20,
             what=f"bench {' '.join(flags)} (an error, never an endless run)")
    case("bench/cli/dynamic_no_input", ["qc", "bench", "{M}/dyn.onnx", "--min-runs", "1",
                                        "--min-time", "0"], rc=(1, 2), names=["'x'", "--input"],
         what="a dynamic model without --input")
    case("bench/cli/with_output_flag", base["bench"] + ["-o", "{D}/out"], rc=2,
         names=["-o"], what="bench has no -o")
    # import / export -o
    case("import/cli/output_is_directory", ["qc", "import", "{M}/conv.onnx", "-o", "{D}/adir"],
         rc=1, names=["adir"], watch=["adir"],
         setup=lambda ctx, d: os.makedirs(os.path.join(d, "adir")),
         what="-o names a folder")
    case("import/cli/output_dir_missing", ["qc", "import", "{M}/conv.onnx", "-o",
                                           "{D}/no/such/dir/out.mlir"],
         rc=1, names=["out.mlir"], what="-o in a folder that does not exist")
    case("export-onnx/cli/output_is_directory", ["qc", "export-onnx", "{D}/conv.q.mlir", "-o",
                                                "{D}/adir"], rc=1, names=["adir"], watch=["adir"],
         setup=chain(need_q, lambda ctx, d: os.makedirs(os.path.join(d, "adir"))),
         what="-o names a folder")
    case("export-onnx/cli/output_dir_missing", ["qc", "export-onnx", "{D}/conv.q.mlir", "-o",
                                               "{D}/no/such/out.onnx"], rc=1,
         names=["out.onnx"], setup=need_q, what="-o in a folder that does not exist")
    case("export-onnx/cli/no_output", ["qc", "export-onnx", "{D}/conv.q.mlir"], rc=2,
         names=["-o"], setup=need_q, what="export-onnx without -o")
    case("quantize/cli/output_is_directory", base["quantize"][:-2] + ["-o", "{D}/adir"],
         rc=1, names=["adir"], watch=["adir"],
         setup=lambda ctx, d: os.makedirs(os.path.join(d, "adir")), what="-o names a folder")
    case("quantize/cli/export_onnx_is_directory",
         base["quantize"] + ["--export-onnx", "{D}/adir"], rc=1, names=["adir"],
         watch=["adir"],
         setup=lambda ctx, d: os.makedirs(os.path.join(d, "adir")),
         what="--export-onnx names a folder (the -o program is written first)")

    # ========================================================================
    # disk: /dev/full, a full tmpfs, ulimit -f
    # ========================================================================
    disk_cases(R, case, P, need_q)

    # ========================================================================
    # doc: what docs/cli.md promises
    # ========================================================================
    def help_ok(ctx, d, stdout):
        return None if "import" in stdout and "compile" in stdout else "no command list"
    case("qc/doc/help", ["qc", "--help"], rc=0, check=help_ok,
         what="qc --help lists the commands (exit 0)")
    for cmd in ("import", "run", "quantize", "export-onnx", "compile", "bench"):
        case(f"{cmd}/doc/help", ["qc", cmd, "--help"], rc=0,
             check=lambda ctx, d, out: None if "-" in out else "no options listed",
             what=f"qc {cmd} --help (exit 0)")

    def import_stdout(ctx, d, stdout):
        return None if "func.func" in stdout and "qc.name" in stdout else \
            "import -o - did not print the program"
    case("import/doc/stdout_default", ["qc", "import", "{M}/conv.onnx"], rc=0,
         check=import_stdout, what="import without -o writes MLIR to stdout")

    def run_outputs(ctx, d, stdout):
        p = os.path.join(d, "out", "y.npy")
        if not os.path.exists(p):
            return "no out/y.npy"
        leftovers = [f for f in os.listdir(os.path.join(d, "out")) if f != "y.npy"]
        if leftovers:
            return f"extra files {leftovers}"
        if not stdout.startswith("y: ") or "[1,4,8,8] -> " not in stdout:
            return f"stdout {stdout!r} lacks 'y: ...[1,4,8,8] -> DIR/y.npy'"
        return None
    case("run/doc/outputs_and_lines", ["qc", "run", "{M}/conv.onnx", "--input", "x={M}/x.npy",
                                       "--output-dir", "{D}/out"], rc=0, check=run_outputs,
         what="run writes DIR/<output>.npy and prints one line per output")
    case("run/doc/bare_file_single_input", ["qc", "run", "{M}/conv.onnx", "--input", "{M}/x.npy",
                                            "--output-dir", "{D}/out"], rc=0, check=run_outputs,
         what="a bare FILE.npy binds a single-input model's input")

    def dyn_ok(ctx, d, stdout):
        y = np.load(os.path.join(d, "out", "y.npy"))
        return None if y.shape == (3, 4) else f"output shape {y.shape}, expected (3, 4)"
    case("run/doc/dynamic_from_array", ["qc", "run", "{M}/dyn.onnx", "--input", "x={D}/x3.npy",
                                        "--output-dir", "{D}/out"], rc=0, check=dyn_ok,
         setup=writer({"x3.npy": npy_bytes(np.ones((3, 4), np.float32))}),
         what="dynamic dimensions take the array's size")

    def compile_files(ctx, d, stdout):
        for f in ("conv.o", "conv.h"):
            if not os.path.exists(os.path.join(d, "out", f)):
                return f"no out/{f}"
        return None
    case("compile/doc/default_name", ["qc", "compile", "{M}/conv.onnx", "-o", "{D}/out"],
         rc=0, check=compile_files, what="--name defaults to the file name up to the first dot")

    def with_runtime(ctx, d, stdout):
        for f in ("m.o", "m.h", "libqcrt.a", "qc_runtime.h", "qc_model_abi.h"):
            if not os.path.exists(os.path.join(d, "out", f)):
                return f"no out/{f}"
        return None
    case("compile/doc/with_runtime", base["compile"] + ["--with-runtime"], rc=0,
         check=with_runtime, what="--with-runtime copies libqcrt.a and the headers")

    def bench_lines(ctx, d, stdout):
        lines = stdout.strip().splitlines()
        keys = [l.split(":")[0] for l in lines]
        want = ["model", "target", "threads", "compile_s", "compile_cache", "runs", "min_ms", "max_ms", "median_ms"]
        if keys != want:
            return f"bench printed {keys}, docs/cli.md says {want}"
        return None
    case("bench/doc/output_lines", base["bench"], rc=0, check=bench_lines,
         what="bench prints model ... median_ms, median_ms last")

    def calib_optional(ctx, d, stdout):
        return None if os.path.getsize(os.path.join(d, "out.q.mlir")) > 0 else "empty output"
    case("quantize/doc/dynamic_without_calib",
         ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86,dynamic=1", "--quiet",
          "-o", "{D}/out.q.mlir"], rc=0, check=calib_optional,
         what="--calib may be omitted with dynamic=1")

    def input_shape_bound(ctx, d, stdout):
        y = np.load(os.path.join(d, "out", "y.npy"))
        return None if y.shape == (2, 4) else f"output shape {y.shape}, expected (2, 4)"
    case("run/doc/input_shape_binds", ["qc", "run", "{M}/dyn.onnx", "--input-shape", "x=2,4",
                                       "--input", "x={D}/x2.npy", "--output-dir", "{D}/out"],
         rc=0, check=input_shape_bound,
         setup=writer({"x2.npy": npy_bytes(np.ones((2, 4), np.float32))}),
         what="--input-shape binds a dynamic dimension")
    case("import/doc/input_shape_binds", ["qc", "import", "{M}/dyn.onnx", "--input-shape",
                                          "x=2,4", "-o", "{D}/out.mlir"], rc=0,
         check=lambda ctx, d, out: None if "tensor<2x4xf32>" in open(
             os.path.join(d, "out.mlir")).read() else "no tensor<2x4xf32> in the program",
         what="import --input-shape x=2,4 gives static 2x4 types")

    def same_outputs(other_cmd):
        """The output equals the one of another qc command on the same input."""
        def check(ctx, d, stdout):
            ref = os.path.join(d, "ref")
            p = ctx.qc_run([fmt_path(ctx, d, a) for a in other_cmd] + ["--output-dir", ref])
            if p.returncode != 0:
                return "the reference run failed: " + p.stderr.decode(errors="replace")[:200]
            a = open(os.path.join(d, "out", "y.npy"), "rb").read()
            b = open(os.path.join(ref, "y.npy"), "rb").read()
            return None if a == b else "the outputs differ"
        return check

    def fmt_path(ctx, d, a):
        return a.replace("{M}", ctx.models).replace("{D}", d)
    case("run/doc/compiled_float_bit_identical",
         ["qc", "run", "{M}/conv.onnx", "--compiled", "--input", "x={M}/x.npy",
          "--output-dir", "{D}/out"], rc=0,
         check=same_outputs(["run", "{M}/conv.onnx", "--input", "x={M}/x.npy"]),
         what="float code compiled is bit-identical to qc run")
    case("run/doc/compiled_int_bit_identical",
         ["qc", "run", "{D}/conv.q.mlir", "--compiled", "--input", "x={M}/x.npy",
          "--output-dir", "{D}/out"], rc=0,
         check=same_outputs(["run", "{D}/conv.int.mlir", "--input", "x={M}/x.npy"]),
         setup=writer({"conv.q.mlir": lambda ctx: ctx.text("conv.q.mlir"),
                       "conv.int.mlir": lambda ctx: ctx.text("conv.int.mlir")}),
         what="compiled int8 code equals the integer program in the executor, byte for byte")

    def export_runs(ctx, d, stdout):
        p = ctx.qc_run(["run", os.path.join(d, "out.onnx"), "--input",
                        f"x={ctx.models}/x.npy", "--output-dir", os.path.join(d, "o2")])
        return None if p.returncode == 0 else "qc run of the exported QDQ model failed: " + \
            p.stderr.decode(errors="replace")[:200]
    case("export-onnx/doc/qdq_reads_back",
         ["qc", "export-onnx", "{D}/conv.q.mlir", "-o", "{D}/out.onnx"], rc=0,
         check=export_runs, setup=need_q,
         what="the exported QDQ model is read back by qc run")
    case("quantize/doc/export_onnx_reads_back",
         ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86", "--calib", "{M}/calib.npy",
          "--quiet", "-o", "{D}/out.q.mlir", "--export-onnx", "{D}/out.onnx"], rc=0,
         check=export_runs, what="quantize --export-onnx writes a model qc run reads")
    for label, calib, files in (
            ("npz", "{M}/calib.npz", {}),
            ("folder_samples", "{D}/cdir", {"cdir/a.npy": npy_bytes(cal[0]),
                                             "cdir/b.npy": npy_bytes(cal[1])}),
            ("folder_batches", "{D}/cdir", {"cdir/a.npy": npy_bytes(cal[:2]),
                                             "cdir/b.npy": npy_bytes(cal[2:])})):
        case(f"quantize/doc/calib_{label}",
             ["qc", "quantize", "{M}/conv.onnx", "--quantizer", "x86", "--calib", calib,
              "--quiet", "-o", "{D}/out.q.mlir"], rc=0, check=calib_optional,
             setup=writer(files),
             what=f"calibration data: {label.replace('_', ' ')} (docs/cli.md: a folder of "
                  "files, one sample or batch each)")
    for target in ("x86-64", "aarch64-i8mm", "aarch64"):
        case(f"compile/doc/target_{target.replace('-', '_')}",
             ["qc", "compile", "{M}/conv.onnx", "--target", target, "-o", "{D}/out",
              "--name", "m"], rc=0,
             check=lambda ctx, d, out: None if os.path.getsize(
                 os.path.join(d, "out", "m.o")) > 0 else "empty m.o",
             what=f"--target {target} compiles on any host")

    def min_runs(ctx, d, stdout):
        runs = [l for l in stdout.splitlines() if l.startswith("runs:")]
        return None if runs and int(runs[0].split()[1]) >= 3 else f"runs: {runs}"
    case("bench/doc/min_runs", ["qc", "bench", "{M}/conv.onnx", "--min-runs", "3",
                                "--min-time", "0", "--threads", "1"], rc=0, check=min_runs,
         what="bench times at least --min-runs runs")

    # ========================================================================
    # capi: the runtime C API (one process per case)
    # ========================================================================
    for exe, prefix in ((capi, "capi"), (capi_asan, "capi-asan")):
        if not exe or not os.path.exists(exe):
            continue
        exe = os.path.abspath(exe)
        with open(exe, "rb") as f:
            sanitized = b"__asan_init" in f.read()
        names = subprocess.run([exe, "--list"], capture_output=True, text=True,
                               check=True).stdout.split()
        for n in names:
            family = n.split("_")[0]
            # Cases that ask for an impossible arena expect the runtime's
            # QC_STATUS_OUT_OF_MEMORY, so ASan must return NULL there (with
            # a warning on stderr) instead of stopping: the capi-asan binary,
            # and the plain one in a sanitizer build (QC_SANITIZE). Reports
            # go to stderr, where the runner fails a case on any
            # "ERROR: AddressSanitizer" / "runtime error"; UBSAN_OPTIONS is
            # set too, since a log_path inherited from scripts/test.sh would
            # send ASan's expected warning to a report file that fails the
            # sanitizer run.
            if prefix == "capi-asan" or sanitized:
                env = {"ASAN_OPTIONS": "allocator_may_return_null=1:detect_leaks=1",
                       "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
            else:
                env = {}
            c = case(f"{prefix}/{family}/{n}", [exe, n], rc=0, env=env,
                     what=f"libqcrt: {n.replace('_', ' ')}")


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def onnx_type_proto_empty():
    from onnx import TypeProto
    return TypeProto()


def _corrupt_npz(cal):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.npy", b"\x93NUMPY garbage garbage garbage")
    return buf.getvalue()


from cases_mlir import disk_cases, mlir_edits  # noqa: E402
