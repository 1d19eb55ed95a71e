//===- ComposableQuantizerTest.cpp - registry, composition, checks --------===//
#include "TestGraph.h"

#include "quantizers/QuantizerRegistry.h"
#include "quantizers/builtin/BuiltinQuantizers.h"

#include "gtest/gtest.h"

using namespace qc::quantizer;
using namespace qc::quantizer::testing;

namespace {

QuantizationSpec s8Act() {
  QuantizationSpec q;
  q.dtype = Dtype::kS8;
  q.quantMin = -128;
  q.quantMax = 127;
  q.observer = "minmax";
  return q;
}

/// A configurable test quantizer: annotates every node of `opType` with
/// `spec` on all edges; `overwrite` also replaces existing annotations.
struct FixedRuleQuantizer : Quantizer {
  std::string opType;
  QuantizationSpec spec;
  bool overwrite = false;
  std::map<std::string, std::map<std::string, std::string>> *seenOptions =
      nullptr;
  Status annotate(Graph &graph) override {
    for (Node &node : graph.nodes) {
      if (seenOptions)
        (*seenOptions)[node.name] = node.options;
      if (node.opType != opType || node.keepFloat ||
          (node.isAnnotated() && !overwrite))
        continue;
      Annotation a;
      a.inputs.assign(node.operands.size(), spec);
      a.outputs.assign(node.results.size(), spec);
      node.annotation = a;
    }
    return Status::success();
  }
};

QuantizerDefinition ruleDefinition(std::string name, std::string opType,
                                   QuantizationSpec spec, bool overwrite) {
  QuantizerDefinition def;
  def.name = std::move(name);
  def.options = {{"level", OptionKind::kInt, "0", "", ""}};
  def.create = [=](const OptionValues &, std::unique_ptr<Quantizer> &out) {
    auto q = std::make_unique<FixedRuleQuantizer>();
    q->opType = opType;
    q->spec = spec;
    q->overwrite = overwrite;
    out = std::move(q);
    return Status::success();
  };
  return def;
}

/// relu(x), add(relu, relu), both float f32 [1, 4].
Graph smallGraph() {
  GraphBuilder b;
  Ref x = b.arg({1, 4});
  Ref r = b.op("relu", "r1", {x}, {1, 4});
  Ref a = b.op("add", "add1", {r, r}, {1, 4});
  b.ret({a});
  return b.graph();
}

std::string errors(const std::vector<Diagnostic> &diags) {
  std::string s;
  for (const Diagnostic &d : diags)
    if (d.severity == Diagnostic::Severity::kError)
      s += d.message + "\n";
  return s;
}

TEST(RegistryTest, GlobalHasTheBuiltins) {
  std::vector<std::string> names = QuantizerRegistry::global().names();
  EXPECT_EQ(names, (std::vector<std::string>{"x86", "xnnpack"}));
  EXPECT_EQ(QuantizerRegistry::global().origin("x86"), "built-in");
  EXPECT_EQ(QuantizerRegistry::global().lookup("arm"), nullptr);
}

TEST(RegistryTest, RejectsDuplicatesAndMalformedDefinitions) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.add(x86QuantizerDefinition(), "built-in").ok());
  absl::Status dup = registry.add(x86QuantizerDefinition(), "libfoo.so");
  EXPECT_EQ(dup.message(), "quantizer 'x86' from libfoo.so is already "
                           "registered (from built-in)");

  QuantizerDefinition noFactory;
  noFactory.name = "nofactory";
  EXPECT_FALSE(registry.add(noFactory, "test").ok());

  QuantizerDefinition badName = ruleDefinition("a b", "relu", s8Act(), false);
  EXPECT_NE(registry.add(badName, "test").message().find("may only use"),
            std::string_view::npos);

  QuantizerDefinition reserved = ruleDefinition("r", "relu", s8Act(), false);
  reserved.options.push_back({"keep_float", OptionKind::kBool, "0", "", ""});
  EXPECT_NE(registry.add(reserved, "test").message().find("reserved"),
            std::string_view::npos);

  QuantizerDefinition badDefault = ruleDefinition("d", "relu", s8Act(), false);
  badDefault.options[0].defaultValue = "zero";
  EXPECT_NE(registry.add(badDefault, "test").message().find("default value"),
            std::string_view::npos);
}

TEST(ComposableQuantizerTest, UnknownQuantizerListsKnownOnes) {
  auto c = ComposableQuantizer::create("x86;arm", QuantizerRegistry::global());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "unknown quantizer 'arm'; known quantizers: x86, xnnpack");
}

TEST(ComposableQuantizerTest, UnknownOptionAndBadValueAreNamed) {
  auto unknown = ComposableQuantizer::create("xnnpack,reduce_range=1",
                                             QuantizerRegistry::global());
  EXPECT_EQ(unknown.status().message(),
            "quantizer 'xnnpack': unknown option 'reduce_range'; options: "
            "per_channel, dynamic, granularity, act_observer, percentile, "
            "act_dtype, int8_attention, cle, bias_correction, smoothquant, "
            "weight_only, group_size, symmetric, weight_only_clip, "
            "weight_only_embeddings, weight_only_method, keep_float");
  auto bad = ComposableQuantizer::create("x86,per_channel=2",
                                         QuantizerRegistry::global());
  EXPECT_EQ(bad.status().message(),
            "quantizer 'x86': option 'per_channel' expects 0 or 1, got '2'");
  auto badOverride = ComposableQuantizer::create(
      "x86,act_observer[op:conv2d]=median", QuantizerRegistry::global());
  EXPECT_NE(badOverride.status().message().find(
                "(in 'act_observer[op:conv2d]')"),
            std::string_view::npos);
  auto unknownOverride = ComposableQuantizer::create(
      "x86,bits[conv1]=4", QuantizerRegistry::global());
  EXPECT_NE(unknownOverride.status().message().find("unknown option 'bits'"),
            std::string_view::npos);
}

TEST(ComposableQuantizerTest, FactoryErrorsAreReported) {
  QuantizerRegistry registry;
  QuantizerDefinition def = ruleDefinition("picky", "relu", s8Act(), false);
  def.create = [](const OptionValues &v, std::unique_ptr<Quantizer> &) {
    return Status::error("level " + v.at("level") + " is not supported");
  };
  ASSERT_TRUE(registry.add(def, "test").ok());
  auto c = ComposableQuantizer::create("picky,level=3", registry);
  EXPECT_EQ(c.status().message(),
            "quantizer 'picky': level 3 is not supported");
}

TEST(ComposableQuantizerTest, ConflictNamesTheOpAndBothQuantizers) {
  QuantizerRegistry registry;
  QuantizationSpec other = s8Act();
  other.observer = "histogram";
  ASSERT_TRUE(registry.add(ruleDefinition("a", "add", s8Act(), false), "t").ok());
  ASSERT_TRUE(registry.add(ruleDefinition("b", "add", other, true), "t").ok());
  auto c = ComposableQuantizer::create("a;b", registry);
  ASSERT_TRUE(c.ok()) << c.status();
  Graph g = smallGraph();
  std::vector<Diagnostic> diags;
  EXPECT_FALSE((*c)->annotate(g, diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].node, 1);
  EXPECT_EQ(diags[0].message,
            "op 'add1' (add) is annotated differently by quantizer 'a' and "
            "quantizer 'b': input 0: 'a' gives #qc.spec<dtype = i8, "
            "quant_min = -128, quant_max = 127, symmetric = false, observer = "
            "\"minmax\">, 'b' gives #qc.spec<dtype = i8, quant_min = -128, "
            "quant_max = 127, symmetric = false, observer = \"histogram\">");
  // The first annotation is kept.
  ASSERT_TRUE(g.nodes[1].annotation);
  EXPECT_EQ(g.nodes[1].annotation->quantizer, "a");
}

TEST(ComposableQuantizerTest, SameAnnotationIsNotAConflict) {
  QuantizerRegistry registry;
  QuantizationSpec alias = s8Act();
  ASSERT_TRUE(registry.add(ruleDefinition("a", "add", s8Act(), false), "t").ok());
  ASSERT_TRUE(registry.add(ruleDefinition("b", "add", alias, true), "t").ok());
  auto c = ComposableQuantizer::create("a;b", registry);
  ASSERT_TRUE(c.ok());
  Graph g = smallGraph();
  std::vector<Diagnostic> diags;
  EXPECT_TRUE((*c)->annotate(g, diags)) << errors(diags);
  EXPECT_EQ(g.nodes[1].annotation->quantizer, "a");
}

TEST(ComposableQuantizerTest, LaterQuantizerFillsTheRest) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.add(x86QuantizerDefinition(), "built-in").ok());
  ASSERT_TRUE(registry.add(ruleDefinition("a", "add", s8Act(), false), "t").ok());
  auto c = ComposableQuantizer::create("a;x86", registry);
  ASSERT_TRUE(c.ok());
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref c1 = conv(b, x, "conv1");
  Ref a = b.op("add", "add1", {c1, c1}, {1, 4, 8, 8});
  b.ret({a});
  Graph &g = b.graph();
  std::vector<Diagnostic> diags;
  ASSERT_TRUE((*c)->annotate(g, diags)) << errors(diags);
  EXPECT_EQ(g.nodes[2].annotation->quantizer, "x86"); // conv1
  EXPECT_EQ(g.nodes[3].annotation->quantizer, "a");   // add1
}

TEST(ComposableQuantizerTest, KeepFloatAndAQuantizerIgnoringIt) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.add(ruleDefinition("a", "add", s8Act(), false), "t").ok());
  auto c = ComposableQuantizer::create("a,keep_float=add1", registry);
  ASSERT_TRUE(c.ok());
  Graph g = smallGraph();
  std::vector<Diagnostic> diags;
  ASSERT_TRUE((*c)->annotate(g, diags)) << errors(diags);
  EXPECT_FALSE(g.nodes[1].annotation);

  // A quantizer that annotates a keep_float node is an error.
  QuantizerDefinition rude = ruleDefinition("rude", "add", s8Act(), false);
  rude.create = [](const OptionValues &, std::unique_ptr<Quantizer> &out) {
    struct Rude : Quantizer {
      Status annotate(Graph &graph) override {
        Annotation a;
        a.inputs.assign(2, s8Act());
        a.outputs.assign(1, s8Act());
        graph.nodes[1].annotation = a;
        return Status::success();
      }
    };
    out = std::make_unique<Rude>();
    return Status::success();
  };
  ASSERT_TRUE(registry.add(rude, "t").ok());
  auto r = ComposableQuantizer::create("rude,keep_float=op:add", registry);
  ASSERT_TRUE(r.ok());
  Graph g2 = smallGraph();
  diags.clear();
  EXPECT_FALSE((*r)->annotate(g2, diags));
  EXPECT_EQ(errors(diags), "quantizer 'rude' annotated op 'add1' (add), "
                           "which keep_float keeps float\n");
}

TEST(ComposableQuantizerTest, OverridePrecedence) {
  QuantizerRegistry registry;
  std::map<std::string, std::map<std::string, std::string>> seen;
  QuantizerDefinition def = ruleDefinition("rec", "none", s8Act(), false);
  def.create = [&seen](const OptionValues &, std::unique_ptr<Quantizer> &out) {
    auto q = std::make_unique<FixedRuleQuantizer>();
    q->opType = "none";
    q->seenOptions = &seen;
    out = std::move(q);
    return Status::success();
  };
  ASSERT_TRUE(registry.add(def, "t").ok());
  // name > regex > op type > global; the last of equal precedence wins.
  auto c = ComposableQuantizer::create(
      "rec,level=1,level[op:relu]=2,level[/r.*/]=3,level[/.*1/]=4,"
      "level[add1]=5,level[op:add]=6",
      registry);
  ASSERT_TRUE(c.ok()) << c.status();
  Graph g = smallGraph();
  std::vector<Diagnostic> diags;
  ASSERT_TRUE((*c)->annotate(g, diags));
  EXPECT_EQ(seen["r1"]["level"], "4");
  EXPECT_EQ(seen["add1"]["level"], "5");
  EXPECT_EQ(seen[""]["level"], "1"); // func.return
}

TEST(ComposableQuantizerTest, UnmatchedSelectorsWarn) {
  auto c = ComposableQuantizer::create(
      "x86,keep_float=conv9,per_channel[/head.*/]=0",
      QuantizerRegistry::global());
  ASSERT_TRUE(c.ok());
  Graph g = smallGraph();
  std::vector<Diagnostic> diags;
  ASSERT_TRUE((*c)->annotate(g, diags));
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(diags[0].message,
            "quantizer 'x86': keep_float selector 'conv9' matches no op");
  EXPECT_EQ(diags[1].message,
            "quantizer 'x86': override 'per_channel[/head.*/]' matches no op");
}

TEST(ComposableQuantizerTest, ValidateAndInvalidExistingAnnotations) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.add(xnnpackQuantizerDefinition(), "built-in").ok());
  // Another quantizer gave conv1 weights in [-128, 127]: xnnpack's kernels
  // need [-127, 127].
  GraphBuilder b;
  Ref x = b.arg({1, 3, 8, 8});
  Ref c1 = conv(b, x, "conv1", /*bias=*/false);
  b.ret({c1});
  Graph &g = b.graph();
  QuantizationSpec w;
  w.dtype = Dtype::kS8;
  w.quantMin = -128;
  w.quantMax = 127;
  w.symmetric = true;
  w.observer = "minmax";
  Annotation a;
  a.inputs = {s8Act(), w};
  a.outputs = {s8Act()};
  a.quantizer = "manual";
  g.nodes[1].annotation = a;
  auto c = ComposableQuantizer::create("xnnpack", registry);
  ASSERT_TRUE(c.ok());
  std::vector<Diagnostic> diags;
  EXPECT_FALSE((*c)->annotate(g, diags));
  EXPECT_EQ(errors(diags),
            "quantizer 'xnnpack' rejects the annotations: op 'conv1' "
            "(conv2d): xnnpack kernels need s8 symmetric weights in [-127, "
            "127], got #qc.spec<dtype = i8, quant_min = -128, quant_max = "
            "127, symmetric = true, observer = \"minmax\"> (annotated by "
            "'manual')\n");

  // An existing annotation that breaks the rules is reported first.
  g.nodes[1].annotation->inputs[1] = SharedQuantizationSpec{5};
  diags.clear();
  EXPECT_FALSE((*c)->annotate(g, diags));
  EXPECT_EQ(errors(diags),
            "op 'conv1' (conv2d): existing annotation (by 'manual') is "
            "invalid: input 1 shares input 5, but the op has 2 inputs\n");
}

//===----------------------------------------------------------------------===//
// checkAnnotation
//===----------------------------------------------------------------------===//

class CheckAnnotationTest : public ::testing::Test {
protected:
  void SetUp() override {
    GraphBuilder b;
    Ref x = b.arg({1, 4});
    Ref idx = b.arg({2}, "i64");
    Ref w = b.constant({3, 4});
    b.op("linear", "fc", {x, w}, {1, 3});
    b.op("gather", "g", {x, idx}, {2});
    graph = b.graph();
  }
  std::string check(std::vector<EdgeSpec> in, std::vector<EdgeSpec> out,
                    int64_t node = 1) {
    Annotation a;
    a.inputs = std::move(in);
    a.outputs = std::move(out);
    absl::Status st = checkAnnotation(graph.node(node), a);
    last = a;
    return std::string(st.message());
  }
  Graph graph;
  Annotation last;
};

TEST_F(CheckAnnotationTest, AcceptsAndCanonicalizes) {
  QuantizationSpec act = s8Act();
  act.observer = "kl";
  act.observerOptions = {{"eps", "2.44140625e-4"}, {"bins", "0512"}};
  QuantizationSpec w;
  w.dtype = Dtype::kS8;
  w.quantMin = -127;
  w.quantMax = 127;
  w.symmetric = true;
  w.axis = 0;
  w.observer = "per_channel_minmax";
  EXPECT_EQ(check({act, w}, {SharedQuantizationSpec{0}}), "");
  const auto &q = std::get<QuantizationSpec>(last.inputs[0]);
  EXPECT_EQ(q.observer, "entropy");
  EXPECT_EQ(q.observerOptions.at("eps"), "0.000244140625");
  EXPECT_EQ(q.observerOptions.at("bins"), "512");
}

TEST_F(CheckAnnotationTest, RejectsBrokenSpecs) {
  QuantizationSpec act = s8Act();
  EXPECT_EQ(check({act}, {act}),
            "annotation has 1 input and 1 output specs, but the op has 2 "
            "operands and 1 results");
  QuantizationSpec range = act;
  range.quantMax = 200;
  EXPECT_EQ(check({range, FloatSpec{}}, {FloatSpec{}}),
            "input 0 quantization range [-128, 200] is empty or does not fit "
            "s8 [-128, 127]");
  QuantizationSpec observer = act;
  observer.observer = "median";
  EXPECT_NE(check({observer, FloatSpec{}}, {FloatSpec{}})
                .find("unknown observer 'median'"),
            std::string::npos);
  QuantizationSpec perChannel = act;
  perChannel.observer = "per_channel_minmax";
  EXPECT_EQ(check({perChannel, FloatSpec{}}, {FloatSpec{}}),
            "input 0 observer 'per_channel_minmax' needs a per-channel axis "
            "(axis >= 0)");
  perChannel.axis = 2;
  EXPECT_EQ(check({perChannel, FloatSpec{}}, {FloatSpec{}}),
            "input 0 axis 2 is out of range for a rank-2 tensor");
  QuantizationSpec axis = act;
  axis.axis = 1;
  EXPECT_NE(check({axis, FloatSpec{}}, {FloatSpec{}}).find("is per tensor"),
            std::string::npos);
  QuantizationSpec bins = act;
  bins.observerOptions = {{"bins", "64"}};
  EXPECT_EQ(check({bins, FloatSpec{}}, {FloatSpec{}}),
            "input 0 observer option 'bins' does not apply to observer "
            "'minmax'");
  QuantizationSpec unknownOption = act;
  unknownOption.observerOptions = {{"momentum", "0.1"}};
  EXPECT_NE(check({unknownOption, FloatSpec{}}, {FloatSpec{}})
                .find("unknown observer option 'momentum'"),
            std::string::npos);
  QuantizationSpec badEps = act;
  badEps.observerOptions = {{"eps", "-1"}};
  EXPECT_FALSE(check({badEps, FloatSpec{}}, {FloatSpec{}}).empty());
  QuantizationSpec dynamic = act;
  dynamic.dynamic = true;
  dynamic.observer = "histogram";
  EXPECT_NE(check({dynamic, FloatSpec{}}, {FloatSpec{}}).find("dynamic"),
            std::string::npos);
  EXPECT_EQ(check({act, FloatSpec{}}, {SharedQuantizationSpec{1}}),
            "output 0 shares input 1, which is unit (a shared edge must refer "
            "to an observed or fixed input)");
  EXPECT_EQ(check({SharedQuantizationSpec{0}, act}, {FloatSpec{}}),
            "input 0 shares qparams with itself");
  EXPECT_EQ(check({act, FloatSpec{}}, {DerivedQuantizationSpec{{0, 1}}}),
            "output 0 derives from input 1, which is unit (derived qparams "
            "need quantized inputs)");
  FixedQParamsQuantizationSpec fixed;
  fixed.scale = 0.0;
  EXPECT_EQ(check({act, FloatSpec{}}, {fixed}),
            "output 0 fixed scale must be positive and finite, got 0");
  fixed.scale = 1.0 / 256;
  fixed.zeroPoint = 300;
  EXPECT_EQ(check({act, FloatSpec{}}, {fixed}),
            "output 0 fixed zero point 300 is outside [0, 255]");
  // Only f32 edges carry specs.
  EXPECT_EQ(check({act, act}, {FloatSpec{}}, 2),
            "input 1 is a i64 tensor; only f32 edges can be quantized");
}

TEST_F(CheckAnnotationTest, DynamicSpecsOnlyOnMatrixProductActivations) {
  QuantizationSpec dyn = s8Act();
  dyn.dynamic = true;
  QuantizationSpec w = s8Act();
  w.quantMin = -127;
  w.symmetric = true;
  EXPECT_EQ(check({dyn, w}, {FloatSpec{}}), "");
  EXPECT_EQ(check({w, dyn}, {FloatSpec{}}),
            "input 1 of linear has a dynamic spec; only input 0 (the "
            "activation) can be dynamic");
  EXPECT_EQ(check({dyn, w}, {dyn}),
            "output 0 has a dynamic spec; outputs of dynamically quantized "
            "ops stay float (only the activation input of linear / matmul "
            "can be dynamic)");
  EXPECT_EQ(check({dyn, FloatSpec{}}, {FloatSpec{}}, 2),
            "input 0 has a dynamic spec, but dynamic quantization applies to "
            "the activation input of linear / matmul only (not gather)");
  // Run-time qparams cannot be shared or derived from.
  EXPECT_NE(check({dyn, SharedQuantizationSpec{0}}, {FloatSpec{}})
                .find("input 1 shares input 0, which is #qc.spec<"),
            std::string::npos);
  EXPECT_NE(check({dyn, w}, {DerivedQuantizationSpec{{0, 1}}})
                .find("output 0 derives from input 0, which is #qc.spec<"),
            std::string::npos);
}

} // namespace
