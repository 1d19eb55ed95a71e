//===- GreedyPlugin.cpp - a misbehaving-on-request test plugin ------------===//
//
// Test plugin "greedy": quantizes every conv2d and linear with per-tensor
// specs, overwriting annotations other quantizers made (so composing it
// after another quantizer produces a conflict). Options make it fail in the
// other ways qc must report: fail_on=NAME (annotate error at that node),
// ignore_keep_float=1, reject=1 (validate error), transform=PIPELINE,
// dynamic=1 (a dynamic activation spec on input 0, even of conv2d).
//
//===----------------------------------------------------------------------===//
#include "qc/Quantizer.h"

using namespace qc::quantizer;

namespace {

class GreedyQuantizer : public Quantizer {
public:
  explicit GreedyQuantizer(const OptionValues &options)
      : options_(options) {}

  std::string transformForAnnotation() const override {
    return options_.at("transform");
  }

  Status annotate(Graph &graph) override {
    for (Node &node : graph.nodes) {
      if (node.opType != "conv2d" && node.opType != "linear")
        continue;
      if (node.keepFloat && !node.flag("ignore_keep_float"))
        continue;
      if (!node.option("fail_on").empty() && node.name == node.option("fail_on"))
        return Status::error("greedy refuses to annotate this op", node.index);
      QuantizationSpec act;
      act.dtype = node.option("dtype") == "u8" ? Dtype::kU8 : Dtype::kS8;
      auto range = dtypeRange(act.dtype);
      act.quantMin = range.first;
      act.quantMax = range.second;
      act.observer = "minmax";
      QuantizationSpec weight;
      weight.dtype = Dtype::kS8;
      weight.quantMin = -127;
      weight.quantMax = 127;
      weight.symmetric = true;
      weight.observer = "minmax";
      Annotation a;
      a.inputs = {act, weight};
      if (node.flag("dynamic")) {
        a.inputs[0] = act;
        std::get<QuantizationSpec>(a.inputs[0]).dynamic = true;
        if (node.operands.size() > 2)
          a.inputs.push_back(FloatSpec{});
        a.outputs = {FloatSpec{}};
        node.annotation = a;
        continue;
      }
      if (node.operands.size() > 2)
        a.inputs.push_back(DerivedQuantizationSpec{{0, 1}});
      a.outputs = {act};
      node.annotation = a;
    }
    return Status::success();
  }

  Status validate(const Graph &graph) const override {
    if (options_.at("reject") == "1")
      return Status::error("greedy rejects every graph (" +
                           std::to_string(graph.nodes.size()) + " nodes)");
    return Status::success();
  }

private:
  OptionValues options_;
};

void registerQuantizers(PluginRegistry &registry) {
  QuantizerDefinition def;
  def.name = "greedy";
  def.description = "test plugin: per-tensor conv2d / linear, overwrites";
  def.options = {
      {"dtype", OptionKind::kEnum, "s8", "s8|u8", "activation dtype"},
      {"fail_on", OptionKind::kString, "", "", "node name to fail on"},
      {"ignore_keep_float", OptionKind::kBool, "0", "", "annotate anyway"},
      {"reject", OptionKind::kBool, "0", "", "fail validate"},
      {"transform", OptionKind::kString, "", "", "transformForAnnotation"},
      {"dynamic", OptionKind::kBool, "0", "", "dynamic activation spec"},
  };
  def.create = [](const OptionValues &options,
                  std::unique_ptr<Quantizer> &out) {
    if (options.at("reject") == "1" && options.at("dtype") == "u8")
      return Status::error("reject=1 cannot be combined with dtype=u8");
    out = std::make_unique<GreedyQuantizer>(options);
    return Status::success();
  };
  registry.add(std::move(def));
}

} // namespace

QC_QUANTIZER_PLUGIN(registerQuantizers)
