//===- BuiltinQuantizersTest.cpp - x86 / xnnpack on hand-built graphs -----===//
//
// The patterns of the built-in quantizers, checked spec by spec. (The lit
// tests in test/passes/quantize check the same through qc-annotate on IR,
// and annotate-torch-defaults.test checks the defaults against PyTorch.)
//
//===----------------------------------------------------------------------===//
#include "TestGraph.h"

#include "quantizers/QuantizerRegistry.h"

#include "gtest/gtest.h"

using namespace qc::quantizer;
using namespace qc::quantizer::testing;

namespace {

/// Annotates `g` with `quantizers`; fails the test on errors.
void run(const std::string &quantizers, Graph &g) {
  auto c = ComposableQuantizer::create(quantizers, QuantizerRegistry::global());
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<Diagnostic> diags;
  bool ok = (*c)->annotate(g, diags);
  std::string messages;
  for (const Diagnostic &d : diags)
    messages += d.message + "\n";
  ASSERT_TRUE(ok) << messages;
}

const Node &byName(const Graph &g, const std::string &name) {
  for (const Node &n : g.nodes)
    if (n.name == name)
      return n;
  ADD_FAILURE() << "no node " << name;
  return g.nodes.front();
}

std::string in(const Graph &g, const std::string &name, size_t i) {
  const Node &n = byName(g, name);
  return n.annotation ? toString(n.annotation->inputs.at(i)) : "<none>";
}
std::string out(const Graph &g, const std::string &name, size_t r = 0) {
  const Node &n = byName(g, name);
  return n.annotation ? toString(n.annotation->outputs.at(r)) : "<none>";
}
bool annotated(const Graph &g, const std::string &name) {
  return byName(g, name).annotation.has_value();
}

const char *kX86Act = "#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, "
                      "symmetric = false, observer = \"histogram\">";
const char *kX86Weight = "#qc.spec<dtype = i8, quant_min = -128, quant_max = "
                         "127, symmetric = true, axis = 0, observer = "
                         "\"per_channel_minmax\">";
const char *kBias = "#qc.derived<inputs = [0, 1], dtype = i32, quant_min = "
                    "-2147483648, quant_max = 2147483647, axis = 0>";
const char *kXnnAct = "#qc.spec<dtype = i8, quant_min = -128, quant_max = "
                      "127, symmetric = false, observer = \"histogram\", "
                      "observer_options = {eps = 0.000244140625}>";
const char *kXnnWeight = "#qc.spec<dtype = i8, quant_min = -127, quant_max = "
                         "127, symmetric = true, axis = 0, observer = "
                         "\"per_channel_minmax\", observer_options = {eps = "
                         "0.000244140625}>";

TEST(BuiltinQuantizersTest, ConvReluIsOneUnit) {
  GraphBuilder b;
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  Ref r = b.op("relu", "relu1", {c}, {1, 4, 8, 8});
  b.ret({r});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(in(g, "conv1", 0), kX86Act);
  EXPECT_EQ(in(g, "conv1", 1), kX86Weight);
  EXPECT_EQ(in(g, "conv1", 2), kBias);
  EXPECT_EQ(out(g, "conv1"), "unit");
  EXPECT_EQ(in(g, "relu1", 0), "unit");
  EXPECT_EQ(out(g, "relu1"), kX86Act);
  EXPECT_FALSE(annotated(g, "conv1.weight"));
}

TEST(BuiltinQuantizersTest, FusionNeedsASingleUser) {
  GraphBuilder b;
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  Ref r = b.op("relu", "relu1", {c}, {1, 4, 8, 8});
  Ref a = b.op("add", "add1", {c, r}, {1, 4, 8, 8});
  b.ret({a});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(out(g, "conv1"), kX86Act);
  // A standalone relu shares its (quantized) input's qparams, as PyTorch's
  // share-qparams ops do.
  EXPECT_EQ(in(g, "relu1", 0), kX86Act);
  EXPECT_EQ(out(g, "relu1"), "#qc.shared<input = 0>");
  EXPECT_EQ(out(g, "add1"), kX86Act);
}

TEST(BuiltinQuantizersTest, ClampFusesWithConvHardswishDoesNot) {
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref c1 = conv(b, x, "conv1");
  Ref r6 = b.op("clamp", "relu6", {c1}, {1, 4, 8, 8},
                {{"min", Attribute(0.0)}, {"max", Attribute(6.0)}});
  Ref c2 = conv(b, x, "conv2");
  Ref hs = b.op("hardswish", "hs", {c2}, {1, 4, 8, 8});
  Ref hs2 = b.op("hardswish", "hs2", {hs}, {1, 4, 8, 8});
  b.ret({r6, hs2});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(out(g, "conv1"), "unit");
  EXPECT_EQ(out(g, "relu6"), kX86Act);
  // hardswish is not fused (it becomes a table lookup after the integer
  // conv): input and output observed apart, like any standalone one.
  EXPECT_EQ(out(g, "conv2"), kX86Act);
  EXPECT_EQ(in(g, "hs", 0), kX86Act);
  EXPECT_EQ(out(g, "hs"), kX86Act);
  EXPECT_EQ(in(g, "hs2", 0), kX86Act);
  EXPECT_EQ(out(g, "hs2"), kX86Act);
}

TEST(BuiltinQuantizersTest, SharedOpsFollowTheirInput) {
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref ln = b.op("layer_norm", "ln", {x}, {1, 3, 8, 8});
  Ref r1 = b.op("reshape", "reshape_float", {ln}, {1, 192});
  Ref c = conv(b, x, "conv1");
  Ref p = b.op("max_pool2d", "pool", {c}, {1, 4, 4, 4});
  Ref f = b.op("flatten", "flat", {p}, {1, 64});
  b.ret({r1, f});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_FALSE(annotated(g, "ln"));
  EXPECT_FALSE(annotated(g, "reshape_float"));
  EXPECT_EQ(in(g, "pool", 0), kX86Act);
  EXPECT_EQ(out(g, "pool"), "#qc.shared<input = 0>");
  // The chain resolves through pool's shared output to conv1's spec.
  EXPECT_EQ(in(g, "flat", 0), kX86Act);
  EXPECT_EQ(out(g, "flat"), "#qc.shared<input = 0>");
}

TEST(BuiltinQuantizersTest, SharedOpAfterFixedKeepsTheFixedQParams) {
  GraphBuilder b;
  Ref s = b.op("sigmoid", "sig", {b.arg({1, 8})}, {1, 8});
  Ref t = b.op("transpose", "tr", {s}, {8, 1});
  b.ret({t});
  run("xnnpack", b.graph());
  const Graph &g = b.graph();
  const char *fixed = "#qc.fixed<scale = 0.00390625, zero_point = -128, dtype "
                      "= i8, quant_min = -128, quant_max = 127>";
  EXPECT_EQ(out(g, "sig"), fixed);
  EXPECT_EQ(in(g, "tr", 0), fixed);
}

TEST(BuiltinQuantizersTest, ConcatSharesInputZero) {
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref y = b.arg({1, 4, 8, 8});
  Ref c = conv(b, x, "conv1");
  Ref cat1 = b.op("concat", "cat1", {y, c}, {1, 8, 8, 8});
  Ref cat2 = b.op("concat", "cat2", {y, y}, {1, 8, 8, 8});
  b.ret({cat1, cat2});
  run("x86", b.graph());
  const Graph &g = b.graph();
  // Input 0 comes from a float argument: it gets x86's activation spec.
  EXPECT_EQ(in(g, "cat1", 0), kX86Act);
  EXPECT_EQ(in(g, "cat1", 1), "#qc.shared<input = 0>");
  EXPECT_EQ(out(g, "cat1"), "#qc.shared<input = 0>");
  EXPECT_FALSE(annotated(g, "cat2"));
}

TEST(BuiltinQuantizersTest, FixedQParams) {
  for (const char *q : {"x86", "xnnpack"}) {
    GraphBuilder b;
    Ref x = b.arg({1, 8});
    Ref s = b.op("sigmoid", "sig", {x}, {1, 8});
    Ref h = b.op("hardsigmoid", "hsig", {x}, {1, 8});
    Ref m = b.op("softmax", "sm", {x}, {1, 8}, {{"axis", Attribute(int64_t{-1})}});
    Ref t = b.op("tanh", "tanh", {x}, {1, 8});
    b.ret({s, h, m, t});
    run(q, b.graph());
    const Graph &g = b.graph();
    bool u8 = std::string(q) == "x86";
    std::string range01 =
        u8 ? "#qc.fixed<scale = 0.00390625, zero_point = 0, dtype = ui8, "
             "quant_min = 0, quant_max = 255>"
           : "#qc.fixed<scale = 0.00390625, zero_point = -128, dtype = i8, "
             "quant_min = -128, quant_max = 127>";
    std::string range11 =
        u8 ? "#qc.fixed<scale = 0.0078125, zero_point = 128, dtype = ui8, "
             "quant_min = 0, quant_max = 255>"
           : "#qc.fixed<scale = 0.0078125, zero_point = 0, dtype = i8, "
             "quant_min = -128, quant_max = 127>";
    EXPECT_EQ(out(g, "sig"), range01) << q;
    EXPECT_EQ(out(g, "hsig"), range01) << q;
    EXPECT_EQ(out(g, "sm"), range01) << q;
    EXPECT_EQ(out(g, "tanh"), range11) << q;
    EXPECT_EQ(in(g, "tanh", 0), u8 ? kX86Act : kXnnAct) << q;
  }
}

TEST(BuiltinQuantizersTest, X86ReduceRangeAndPerTensorWeights) {
  GraphBuilder b;
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  Ref s = b.op("sigmoid", "sig", {c}, {1, 4, 8, 8});
  b.ret({s});
  run("x86,reduce_range=1,per_channel=0,act_observer=moving_average", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(in(g, "conv1", 0),
            "#qc.spec<dtype = ui8, quant_min = 0, quant_max = 127, symmetric "
            "= false, observer = \"moving_average_minmax\">");
  EXPECT_EQ(in(g, "conv1", 1),
            "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
            "symmetric = true, observer = \"minmax\">");
  EXPECT_EQ(in(g, "conv1", 2),
            "#qc.derived<inputs = [0, 1], dtype = i32, quant_min = "
            "-2147483648, quant_max = 2147483647>");
  // Fixed qparams keep the full range (PyTorch's fixed-qparams observers).
  EXPECT_EQ(out(g, "sig"), "#qc.fixed<scale = 0.00390625, zero_point = 0, "
                           "dtype = ui8, quant_min = 0, quant_max = 255>");
}

TEST(BuiltinQuantizersTest, XnnpackSpecs) {
  GraphBuilder b;
  Ref x = b.arg({1, 16});
  Ref w = b.constant({8, 16}, "fc.weight");
  Ref bias = b.constant({8}, "fc.bias");
  Ref l = b.op("linear", "fc", {x, w, bias}, {1, 8});
  Ref r = b.op("relu", "relu", {l}, {1, 8});
  b.ret({r});
  run("xnnpack", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(in(g, "fc", 0), kXnnAct);
  EXPECT_EQ(in(g, "fc", 1), kXnnWeight);
  EXPECT_EQ(in(g, "fc", 2), kBias);
  EXPECT_EQ(out(g, "fc"), "unit");
  EXPECT_EQ(out(g, "relu"), kXnnAct);
}

TEST(BuiltinQuantizersTest, DynamicModeQuantizesOnlyLinearAndMatmul) {
  GraphBuilder b;
  Ref x = b.arg({1, 16});
  Ref w = b.constant({8, 16}, "fc.weight");
  Ref bias = b.constant({8}, "fc.bias");
  Ref l = b.op("linear", "fc", {x, w, bias}, {1, 8});
  Ref r = b.op("relu", "relu", {l}, {1, 8});
  Ref m = b.op("matmul", "mm", {r, b.constant({8, 4}, "mm.w")}, {1, 4});
  Ref mm2 = b.op("matmul", "mm_act", {m, b.arg({4, 4})}, {1, 4});
  Ref s = b.op("sigmoid", "sig", {mm2}, {1, 4});
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  b.ret({s, c});
  run("xnnpack,dynamic=1", b.graph());
  const Graph &g = b.graph();
  const char *dyn = "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
                    "symmetric = false, observer = \"minmax\", "
                    "observer_options = {eps = 0.000244140625}, dynamic = "
                    "true>";
  EXPECT_EQ(in(g, "fc", 0), dyn);
  EXPECT_EQ(in(g, "fc", 1), kXnnWeight);
  EXPECT_EQ(in(g, "fc", 2), "unit");
  EXPECT_EQ(out(g, "fc"), "unit");
  EXPECT_FALSE(annotated(g, "relu"));
  EXPECT_EQ(in(g, "mm", 0), dyn);
  EXPECT_EQ(in(g, "mm", 1),
            "#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, "
            "symmetric = true, axis = 1, observer = \"per_channel_minmax\", "
            "observer_options = {eps = 0.000244140625}>");
  EXPECT_FALSE(annotated(g, "mm_act"));
  EXPECT_FALSE(annotated(g, "sig"));
  EXPECT_FALSE(annotated(g, "conv1"));
}

TEST(BuiltinQuantizersTest, WeightOnlyIsATransformAndAnnotatesNothing) {
  // weight_only: the weights are quantized by qc-weight-only (the
  // transformForAnnotation pipeline) with the backend's int8 range, and
  // nothing is observed (activations float).
  auto x86 = ComposableQuantizer::create("x86,weight_only=int4,group_size=32",
                                         QuantizerRegistry::global());
  ASSERT_TRUE(x86.ok()) << x86.status();
  ASSERT_EQ((*x86)->transforms().size(), 1u);
  EXPECT_EQ((*x86)->transforms()[0].second,
            "qc-fold-batch-norm,qc-weight-only{bits=4 group-size=32 "
            "symmetric=true qmin=-128 qmax=127 clip=mse embedding-bits=8}");
  auto xnn = ComposableQuantizer::create(
      "xnnpack,weight_only=int8,symmetric=0,weight_only_clip=mse,"
      "weight_only_embeddings=none",
      QuantizerRegistry::global());
  ASSERT_TRUE(xnn.ok()) << xnn.status();
  EXPECT_EQ((*xnn)->transforms()[0].second,
            "qc-fold-batch-norm,qc-weight-only{bits=8 group-size=0 "
            "symmetric=false qmin=-127 qmax=127 clip=mse "
            "embedding-bits=0}");
  // weight_only_clip=auto: minmax for int8.
  auto x8 = ComposableQuantizer::create("x86,weight_only=int8",
                                        QuantizerRegistry::global());
  ASSERT_TRUE(x8.ok()) << x8.status();
  EXPECT_EQ((*x8)->transforms()[0].second,
            "qc-fold-batch-norm,qc-weight-only{bits=8 group-size=0 "
            "symmetric=true qmin=-128 qmax=127 clip=minmax "
            "embedding-bits=8}");
  // weight_only_method: gptq (and act order) as the pass's options.
  auto gptq = ComposableQuantizer::create(
      "x86,weight_only=int4,group_size=64,weight_only_method=gptq",
      QuantizerRegistry::global());
  ASSERT_TRUE(gptq.ok()) << gptq.status();
  EXPECT_EQ((*gptq)->transforms()[0].second,
            "qc-fold-batch-norm,qc-weight-only{bits=4 group-size=64 "
            "symmetric=true qmin=-128 qmax=127 clip=mse embedding-bits=8 "
            "method=gptq}");
  auto act = ComposableQuantizer::create(
      "xnnpack,weight_only=int8,weight_only_method=gptq_act_order",
      QuantizerRegistry::global());
  ASSERT_TRUE(act.ok()) << act.status();
  EXPECT_EQ((*act)->transforms()[0].second,
            "qc-fold-batch-norm,qc-weight-only{bits=8 group-size=0 "
            "symmetric=true qmin=-127 qmax=127 clip=minmax embedding-bits=8 "
            "method=gptq act-order=true}");
  GraphBuilder b;
  Ref x = b.arg({1, 16});
  Ref l = b.op("linear", "fc", {x, b.constant({8, 16}, "fc.weight")}, {1, 8});
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  b.ret({l, c});
  run("x86,weight_only=int8", b.graph());
  EXPECT_FALSE(annotated(b.graph(), "fc"));
  EXPECT_FALSE(annotated(b.graph(), "conv1"));
}

TEST(BuiltinQuantizersTest, X86DynamicActivationsAreSevenBit) {
  // PyTorch's x86 dynamic linear quantizes activations with reduce_range
  // (u8 [0, 127]); dynamic_reduce_range=0 gives QNNPACK's [0, 255].
  for (const char *options :
       {"x86,dynamic=1", "x86,dynamic=1,dynamic_reduce_range=0"}) {
    GraphBuilder b;
    Ref x = b.arg({1, 16});
    Ref l = b.op("linear", "fc", {x, b.constant({8, 16}, "fc.weight")}, {1, 8});
    b.ret({l});
    run(options, b.graph());
    bool full = std::string(options).find("dynamic_reduce_range=0") !=
                std::string::npos;
    EXPECT_EQ(in(b.graph(), "fc", 0),
              std::string("#qc.spec<dtype = ui8, quant_min = 0, quant_max = ") +
                  (full ? "255" : "127") +
                  ", symmetric = false, observer = \"minmax\", dynamic = "
                  "true>")
        << options;
    EXPECT_EQ(in(b.graph(), "fc", 1), kX86Weight) << options;
    EXPECT_EQ(out(b.graph(), "fc"), "unit") << options;
  }
}

TEST(BuiltinQuantizersTest, DynamicPerTokenGranularity) {
  // granularity=per_token marks the dynamic activation spec per token, for
  // both built-ins; without dynamic=1 it is refused.
  for (const char *options : {"x86,dynamic=1,granularity=per_token",
                              "xnnpack,dynamic=1,granularity=per_token"}) {
    GraphBuilder b;
    Ref x = b.arg({4, 16});
    Ref l = b.op("linear", "fc", {x, b.constant({8, 16}, "fc.weight")}, {4, 8});
    b.ret({l});
    run(options, b.graph());
    std::string spec = in(b.graph(), "fc", 0);
    EXPECT_NE(spec.find("dynamic = true, per_token = true>"), std::string::npos)
        << options << ": " << spec;
  }
  auto refused = ComposableQuantizer::create("x86,granularity=per_token",
                                             QuantizerRegistry::global());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(
                "option 'granularity=per_token' needs dynamic=1"),
            std::string::npos)
      << refused.status().message();
}

TEST(BuiltinQuantizersTest, MatmulWeightsAndActivations) {
  GraphBuilder b;
  Ref x = b.arg({2, 3, 16});
  Ref m1 = b.op("matmul", "rhs_const", {x, b.constant({16, 5})}, {2, 3, 5});
  Ref m2 = b.op("matmul", "lhs_const", {b.constant({4, 2}), b.arg({2, 7})},
                {4, 7});
  Ref m3 = b.op("matmul", "both_act", {x, b.arg({16, 2})}, {2, 3, 2});
  Ref r = b.op("relu", "r", {m3}, {2, 3, 2});
  b.ret({m1, m2, r});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(in(g, "rhs_const", 0), kX86Act);
  EXPECT_EQ(in(g, "rhs_const", 1),
            "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
            "symmetric = true, axis = 1, observer = \"per_channel_minmax\">");
  EXPECT_EQ(in(g, "lhs_const", 0),
            "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
            "symmetric = true, observer = \"minmax\">");
  EXPECT_EQ(in(g, "lhs_const", 1), kX86Act);
  // Two activations (int8_attention=1, the default): the rhs s8 symmetric
  // per tensor in the weight range, observed with minmax (qc.qmatmul's
  // run-time "weight"); the lhs an activation.
  EXPECT_EQ(in(g, "both_act", 0), kX86Act);
  EXPECT_EQ(in(g, "both_act", 1),
            "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
            "symmetric = true, observer = \"minmax\">");
  EXPECT_EQ(out(g, "both_act"), "unit");
  EXPECT_EQ(out(g, "r"), kX86Act);
}

TEST(BuiltinQuantizersTest, Int8AttentionOff) {
  // int8_attention=0: both inputs of a product of two activations take the
  // activation spec (a float Q/DQ island); a constant operand is a weight
  // either way. act_observer applies to the symmetric rhs unless it is the
  // default histogram.
  GraphBuilder b;
  Ref x = b.arg({2, 3, 16});
  Ref m = b.op("matmul", "both_act", {x, b.arg({2, 16, 2})}, {2, 3, 2});
  b.ret({m});
  run("x86,int8_attention=0", b.graph());
  EXPECT_EQ(in(b.graph(), "both_act", 1), kX86Act);
  GraphBuilder c;
  Ref y = c.arg({2, 3, 16});
  Ref n = c.op("matmul", "both_act", {y, c.arg({2, 16, 2})}, {2, 3, 2});
  c.ret({n});
  run("xnnpack,act_observer=mse", c.graph());
  EXPECT_EQ(in(c.graph(), "both_act", 1),
            "#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, "
            "symmetric = true, observer = \"mse\", observer_options = "
            "{eps = 0.000244140625}>");
}

TEST(BuiltinQuantizersTest, ConvTransposeWeightAxis) {
  GraphBuilder b;
  Ref x = b.arg({1, 4, 4, 4});
  Ref t1 = b.op("conv_transpose2d", "up1", {x, b.constant({4, 2, 2, 2})},
                {1, 2, 8, 8}, {{"groups", Attribute(int64_t{1})}});
  Ref t2 = b.op("conv_transpose2d", "up2", {x, b.constant({4, 1, 2, 2})},
                {1, 2, 8, 8}, {{"groups", Attribute(int64_t{2})}});
  b.ret({t1, t2});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_NE(in(g, "up1", 1).find("axis = 1, observer = \"per_channel_minmax\""),
            std::string::npos);
  EXPECT_NE(in(g, "up2", 1).find("symmetric = true, observer = \"minmax\""),
            std::string::npos);
}

TEST(BuiltinQuantizersTest, PadOnlyWithZero) {
  GraphBuilder b;
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  auto pad = [&](const char *name, const char *mode, double value) {
    return b.op("pad", name, {c}, {1, 4, 10, 10},
                {{"mode", Attribute(std::string(mode))},
                 {"value", Attribute(value)}});
  };
  Ref p0 = pad("zero", "constant", 0.0);
  Ref p1 = pad("one", "constant", 1.0);
  Ref p2 = pad("reflect", "reflect", 0.0);
  b.ret({p0, p1, p2});
  run("x86", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(out(g, "zero"), "#qc.shared<input = 0>");
  EXPECT_FALSE(annotated(g, "one"));
  EXPECT_FALSE(annotated(g, "reflect"));
}

TEST(BuiltinQuantizersTest, KeepFloatBreaksAFusionAndNonConstantWeights) {
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref c = conv(b, x, "conv1");
  Ref r = b.op("relu", "relu1", {c}, {1, 4, 8, 8});
  Ref c2 = b.op("conv2d", "conv_dyn_w", {x, b.arg({4, 3, 3, 3})}, {1, 4, 8, 8});
  b.ret({r, c2});
  run("x86,keep_float=relu1", b.graph());
  const Graph &g = b.graph();
  EXPECT_EQ(out(g, "conv1"), kX86Act);
  EXPECT_FALSE(annotated(g, "relu1"));
  EXPECT_FALSE(annotated(g, "conv_dyn_w"));
}

TEST(BuiltinQuantizersTest, PerNodeOverrides) {
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref c1 = conv(b, x, "features.0");
  Ref c2 = conv(b, x, "features.1");
  Ref c3 = conv(b, x, "head");
  b.ret({c1, c2, c3});
  run("x86,per_channel[/features\\..*/]=0,per_channel[features.1]=1,"
      "act_observer[op:conv2d]=percentile",
      b.graph());
  const Graph &g = b.graph();
  EXPECT_NE(in(g, "features.0", 1).find("observer = \"minmax\""),
            std::string::npos);
  EXPECT_NE(in(g, "features.1", 1).find("per_channel_minmax"),
            std::string::npos);
  EXPECT_NE(in(g, "head", 1).find("per_channel_minmax"), std::string::npos);
  EXPECT_NE(in(g, "head", 0).find("observer = \"percentile\""),
            std::string::npos);
}

} // namespace
