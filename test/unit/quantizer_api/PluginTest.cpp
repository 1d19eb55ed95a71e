//===- PluginTest.cpp - loading quantizers from shared libraries ----------===//
//
// Loads the test plugins built next to this test (plugins/): the C ABI
// round trip (graph out, annotations back, options, errors with nodes), the
// ABI version check and the load errors.
//
//===----------------------------------------------------------------------===//
#include "TestGraph.h"

#include "quantizers/QuantizerRegistry.h"
#include "quantizers/builtin/BuiltinQuantizers.h"

#include "gtest/gtest.h"

using namespace qc::quantizer;
using namespace qc::quantizer::testing;

namespace {

std::string plugin(const char *name) {
  return std::string(QC_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

/// conv1 (with bias) -> relu -> linear fc (no bias).
Graph model() {
  GraphBuilder b;
  Ref c = conv(b, b.arg({1, 3, 8, 8}), "conv1");
  Ref r = b.op("relu", "relu1", {c}, {1, 4, 8, 8});
  Ref f = b.op("flatten", "flat", {r}, {1, 256});
  Ref l = b.op("linear", "fc", {f, b.constant({10, 256})}, {1, 10});
  b.ret({l});
  return b.graph();
}

struct Outcome {
  bool ok;
  std::vector<Diagnostic> diags;
  std::string errors() const {
    std::string s;
    for (const Diagnostic &d : diags)
      s += d.message + "\n";
    return s;
  }
};

Outcome annotate(QuantizerRegistry &registry, const std::string &quantizers,
             Graph &g) {
  auto c = ComposableQuantizer::create(quantizers, registry);
  EXPECT_TRUE(c.ok()) << c.status();
  Outcome r{false, {}};
  if (c.ok())
    r.ok = (*c)->annotate(g, r.diags);
  return r;
}

TEST(PluginTest, LoadsAndAnnotatesThroughTheCAbi) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.loadPlugin(plugin("qc_test_greedy")).ok());
  // A second load of the same path is a no-op.
  ASSERT_TRUE(registry.loadPlugin(plugin("qc_test_greedy")).ok());
  EXPECT_EQ(registry.names(), std::vector<std::string>{"greedy"});
  EXPECT_EQ(registry.origin("greedy"), plugin("qc_test_greedy"));
  auto def = registry.lookup("greedy");
  ASSERT_TRUE(def);
  ASSERT_EQ(def->options.size(), 6u);
  EXPECT_EQ(def->options[0].name, "dtype");
  EXPECT_EQ(def->options[0].kind, OptionKind::kEnum);
  EXPECT_EQ(def->options[0].choices, "s8|u8");

  Graph g = model();
  Outcome r = annotate(registry, "greedy,dtype=u8", g);
  ASSERT_TRUE(r.ok) << r.errors();
  const Node &conv1 = g.nodes[2];
  ASSERT_EQ(conv1.name, "conv1");
  ASSERT_TRUE(conv1.annotation);
  EXPECT_EQ(conv1.annotation->quantizer, "greedy");
  ASSERT_EQ(conv1.annotation->inputs.size(), 3u);
  EXPECT_EQ(toString(conv1.annotation->inputs[0]),
            "#qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, "
            "symmetric = false, observer = \"minmax\">");
  EXPECT_EQ(toString(conv1.annotation->inputs[1]),
            "#qc.spec<dtype = i8, quant_min = -127, quant_max = 127, "
            "symmetric = true, observer = \"minmax\">");
  EXPECT_EQ(toString(conv1.annotation->inputs[2]),
            "#qc.derived<inputs = [0, 1], dtype = i32, quant_min = "
            "-2147483648, quant_max = 2147483647>");
  const Node &fc = g.nodes[6];
  ASSERT_EQ(fc.name, "fc");
  ASSERT_TRUE(fc.annotation);
  EXPECT_EQ(fc.annotation->inputs.size(), 2u);
  EXPECT_FALSE(g.nodes[3].annotation); // relu1: greedy only does conv / linear
}

TEST(PluginTest, PluginAndBuiltinCompose) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.add(x86QuantizerDefinition(), "built-in").ok());
  ASSERT_TRUE(registry.loadPlugin(plugin("qc_test_greedy")).ok());
  // greedy first, x86 fills the rest (relu1 standalone, flatten).
  Graph g = model();
  Outcome r = annotate(registry, "greedy;x86", g);
  ASSERT_TRUE(r.ok) << r.errors();
  EXPECT_EQ(g.nodes[2].annotation->quantizer, "greedy");
  EXPECT_EQ(g.nodes[3].annotation->quantizer, "x86");
  EXPECT_EQ(toString(g.nodes[3].annotation->inputs[0]),
            "#qc.spec<dtype = i8, quant_min = -128, quant_max = 127, "
            "symmetric = false, observer = \"minmax\">");

  // x86 first: greedy overwrites conv1's annotation -> conflict.
  Graph g2 = model();
  Outcome c = annotate(registry, "x86;greedy", g2);
  EXPECT_FALSE(c.ok);
  ASSERT_FALSE(c.diags.empty());
  EXPECT_EQ(c.diags[0].node, 2);
  EXPECT_EQ(c.diags[0].message.rfind(
                "op 'conv1' (conv2d) is annotated differently by quantizer "
                "'x86' and quantizer 'greedy': input 0: 'x86' gives "
                "#qc.spec<dtype = ui8",
                0),
            0u)
      << c.diags[0].message;
}

TEST(PluginTest, PluginErrorsKeepTheirNode) {
  QuantizerRegistry registry;
  ASSERT_TRUE(registry.loadPlugin(plugin("qc_test_greedy")).ok());
  Graph g = model();
  Outcome r = annotate(registry, "greedy,fail_on=fc", g);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags[0].node, 6);
  EXPECT_EQ(r.diags[0].message, "quantizer 'greedy': op 'fc' (linear): "
                                "greedy refuses to annotate this op");

  Graph g2 = model();
  Outcome v = annotate(registry, "greedy,reject=1", g2);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.errors(), "quantizer 'greedy' rejects the annotations: greedy "
                        "rejects every graph (8 nodes)\n");

  Graph g3 = model();
  Outcome k = annotate(registry, "greedy,ignore_keep_float=1,keep_float=conv1", g3);
  EXPECT_FALSE(k.ok);
  EXPECT_EQ(k.errors(), "quantizer 'greedy' annotated op 'conv1' (conv2d), "
                        "which keep_float keeps float\n");

  auto bad = ComposableQuantizer::create("greedy,dtype=s16", registry);
  EXPECT_EQ(bad.status().message(),
            "quantizer 'greedy': option 'dtype' expects one of s8, u8, got "
            "'s16'");
  auto combo = ComposableQuantizer::create("greedy,reject=1,dtype=u8", registry);
  EXPECT_EQ(combo.status().message(),
            "quantizer 'greedy': reject=1 cannot be combined with dtype=u8");
  auto transform = ComposableQuantizer::create(
      "greedy,transform=qc-fold-batch-norm", registry);
  ASSERT_TRUE(transform.ok());
  auto transforms = (*transform)->transforms();
  ASSERT_EQ(transforms.size(), 1u);
  EXPECT_EQ(transforms[0].first, "greedy");
  EXPECT_EQ(transforms[0].second, "qc-fold-batch-norm");
}

TEST(PluginTest, WrongAbiVersionIsRefused) {
  QuantizerRegistry registry;
  absl::Status st = registry.loadPlugin(plugin("qc_test_bad_abi"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "quantizer plugin '" + plugin("qc_test_bad_abi") +
                "' was built for plugin ABI version " +
                std::to_string(QC_QUANTIZER_PLUGIN_ABI_VERSION + 1) +
                ", but this qc uses ABI version " +
                std::to_string(QC_QUANTIZER_PLUGIN_ABI_VERSION) +
                "; rebuild it against this qc's qc/quantizer_plugin.h");
  EXPECT_TRUE(registry.names().empty());
}

TEST(PluginTest, LoadErrors) {
  QuantizerRegistry registry;
  absl::Status missing = registry.loadPlugin("/nonexistent/libnothing.so");
  EXPECT_EQ(std::string(missing.message())
                .rfind("cannot load quantizer plugin '/nonexistent/"
                       "libnothing.so': ",
                       0),
            0u)
      << missing;
  absl::Status notPlugin = registry.loadPlugin(plugin("qc_test_not_a_plugin"));
  EXPECT_EQ(notPlugin.message(),
            "'" + plugin("qc_test_not_a_plugin") +
                "' is not a qc quantizer plugin: it does not export "
                "qc_quantizer_plugin_abi_version");
}

TEST(PluginTest, NameClashWithABuiltin) {
  QuantizerRegistry registry;
  QuantizerDefinition def = x86QuantizerDefinition();
  def.name = "greedy";
  ASSERT_TRUE(registry.add(def, "built-in").ok());
  absl::Status st = registry.loadPlugin(plugin("qc_test_greedy"));
  EXPECT_EQ(st.message(), "quantizer plugin '" + plugin("qc_test_greedy") +
                              "': quantizer 'greedy' from " +
                              plugin("qc_test_greedy") +
                              " is already registered (from built-in)");
}

} // namespace
