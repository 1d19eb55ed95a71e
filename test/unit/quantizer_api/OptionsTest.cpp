//===- OptionsTest.cpp - the quantizer option language --------------------===//
#include "quantizers/QuantizerRegistry.h"

#include "gtest/gtest.h"

using namespace qc::quantizer;

namespace {

std::string errorOf(std::string_view text) {
  auto parsed = parseQuantizerList(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

Node named(std::string name, std::string opType = "conv2d") {
  Node n;
  n.name = std::move(name);
  n.opType = std::move(opType);
  return n;
}

TEST(QuantizerListTest, NamesAndGlobalOptions) {
  auto parsed = parseQuantizerList("x86,per_channel=0, reduce_range = 1;xnnpack");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].name, "x86");
  ASSERT_EQ((*parsed)[0].options.size(), 2u);
  EXPECT_EQ((*parsed)[0].options[0],
            std::make_pair(std::string("per_channel"), std::string("0")));
  EXPECT_EQ((*parsed)[0].options[1],
            std::make_pair(std::string("reduce_range"), std::string("1")));
  EXPECT_EQ((*parsed)[1].name, "xnnpack");
  EXPECT_TRUE((*parsed)[1].options.empty());
}

TEST(QuantizerListTest, KeepFloatRegexFromTheIssue) {
  auto parsed = parseQuantizerList("x86,keep_float=/classifier.*/");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ((*parsed)[0].keepFloat.size(), 1u);
  const Selector &sel = (*parsed)[0].keepFloat[0];
  EXPECT_EQ(sel.kind(), Selector::Kind::kRegex);
  EXPECT_TRUE(sel.matches(named("classifier.1")));
  EXPECT_TRUE(sel.matches(named("classifier")));
  // Whole-name match: a name merely containing it does not match.
  EXPECT_FALSE(sel.matches(named("features.classifier")));
  EXPECT_FALSE(sel.matches(named("")));
}

TEST(QuantizerListTest, EscapedSeparatorsInRegex) {
  auto parsed = parseQuantizerList("x86,keep_float=/a{1\\,2}\\.b/;xnnpack");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  const Selector &sel = (*parsed)[0].keepFloat[0];
  EXPECT_EQ(sel.text(), "/a{1,2}\\.b/");
  EXPECT_TRUE(sel.matches(named("aa.b")));
  EXPECT_FALSE(sel.matches(named("aaa.b")));
  // The regex escape \. is kept: '.' is literal.
  EXPECT_FALSE(sel.matches(named("aaxb")));
}

TEST(QuantizerListTest, OverridesWithSelectors) {
  auto parsed = parseQuantizerList(
      "x86,per_channel[op:qc.linear]=0,per_channel[/layer[0-9]+,x/]=1,"
      "act_observer[/features/0/Conv]=minmax");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto &ov = (*parsed)[0].overrides;
  ASSERT_EQ(ov.size(), 3u);
  EXPECT_EQ(ov[0].option, "per_channel");
  EXPECT_EQ(ov[0].selector.kind(), Selector::Kind::kOpType);
  EXPECT_TRUE(ov[0].selector.matches(named("fc", "linear")));
  EXPECT_FALSE(ov[0].selector.matches(named("fc", "conv2d")));
  EXPECT_EQ(ov[0].value, "0");
  // Commas and brackets inside [...] belong to the selector.
  EXPECT_EQ(ov[1].selector.kind(), Selector::Kind::kRegex);
  EXPECT_EQ(ov[1].selector.text(), "/layer[0-9]+,x/");
  EXPECT_TRUE(ov[1].selector.matches(named("layer12,x")));
  // A PyTorch-exported ONNX name starts with '/' but is not a regex.
  EXPECT_EQ(ov[2].selector.kind(), Selector::Kind::kName);
  EXPECT_TRUE(ov[2].selector.matches(named("/features/0/Conv")));
  EXPECT_FALSE(ov[2].selector.matches(named("/features/0/Conv_1")));
}

TEST(QuantizerListTest, TrailingSemicolonIsAccepted) {
  auto parsed = parseQuantizerList("x86;");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->size(), 1u);
}

TEST(QuantizerListTest, Errors) {
  EXPECT_EQ(errorOf(""), "no quantizer given");
  EXPECT_NE(errorOf(";x86").find("empty quantizer"), std::string::npos);
  EXPECT_EQ(errorOf("x86,per_channel"),
            "quantizer 'x86': option 'per_channel' needs a value "
            "(OPTION=VALUE)");
  EXPECT_EQ(errorOf("x86,=1"), "quantizer 'x86': option '=1' has no name");
  EXPECT_EQ(errorOf("x86,keep_float="),
            "quantizer 'x86': keep_float: empty selector (expected NAME, "
            "/REGEX/ or op:TYPE)");
  EXPECT_NE(errorOf("x86,keep_float=/conv(/").find(
                "invalid regex in selector '/conv(/'"),
            std::string::npos);
  EXPECT_NE(errorOf("x86,per_channel[conv1=0").find("is malformed"),
            std::string::npos);
  EXPECT_NE(errorOf("x86,keep_float[conv1]=1").find("write 'keep_float=conv1'"),
            std::string::npos);
  EXPECT_NE(errorOf("=x86").find("must start with a quantizer name"),
            std::string::npos);
  EXPECT_EQ(errorOf("x86,keep_float=op:"),
            "quantizer 'x86': keep_float: selector 'op:' names no op type");
}

TEST(OptionValueTest, KindsAreCheckedAndCanonicalized) {
  OptionDecl flag{"per_channel", OptionKind::kBool, "1", "", ""};
  EXPECT_EQ(*checkOptionValue(flag, "true"), "1");
  EXPECT_EQ(*checkOptionValue(flag, "0"), "0");
  EXPECT_EQ(checkOptionValue(flag, "yes").status().message(),
            "option 'per_channel' expects 0 or 1, got 'yes'");

  OptionDecl number{"bits", OptionKind::kInt, "8", "", ""};
  EXPECT_EQ(*checkOptionValue(number, "16"), "16");
  EXPECT_FALSE(checkOptionValue(number, "16x").ok());

  OptionDecl real{"ratio", OptionKind::kFloat, "0.5", "", ""};
  EXPECT_TRUE(checkOptionValue(real, "1e-3").ok());
  EXPECT_FALSE(checkOptionValue(real, "nan").ok());

  OptionDecl choice{"dtype", OptionKind::kEnum, "s8", "s8|u8", ""};
  EXPECT_TRUE(checkOptionValue(choice, "u8").ok());
  EXPECT_EQ(checkOptionValue(choice, "s16").status().message(),
            "option 'dtype' expects one of s8, u8, got 's16'");

  OptionDecl observer{"act_observer", OptionKind::kObserver, "histogram", "",
                      ""};
  EXPECT_EQ(*checkOptionValue(observer, "moving_average"),
            "moving_average_minmax");
  EXPECT_EQ(*checkOptionValue(observer, "kl"), "entropy");
  // Activations are observed per tensor.
  EXPECT_FALSE(checkOptionValue(observer, "per_channel_minmax").ok());
  EXPECT_FALSE(checkOptionValue(observer, "median").ok());
}

} // namespace
