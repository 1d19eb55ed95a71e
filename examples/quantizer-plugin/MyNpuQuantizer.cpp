//===- MyNpuQuantizer.cpp - an example qc quantizer plugin ----------------===//
//
// "my_npu": a hypothetical accelerator that runs conv2d (groups == 1) and
// linear in s8 with per-tensor scales, optionally with a fused ReLU, and
// nothing else. Every other op stays float (compose with a built-in, e.g.
// quantizer=my_npu;xnnpack, to quantize the rest for the CPU).
//
// Built against qc's installed SDK only (qc/Quantizer.h); see README.md and
// docs/quantizer-plugins.md.
//
//===----------------------------------------------------------------------===//
#include <qc/Quantizer.h>

using namespace qc::quantizer;

namespace {

class MyNpuQuantizer : public Quantizer {
public:
  Status annotate(Graph &graph) override {
    for (Node &node : graph.nodes) {
      // Leave alone what an earlier quantizer took and what the user keeps
      // float.
      if (node.isAnnotated() || node.keepFloat)
        continue;
      bool isConv = node.opType == "conv2d" && node.intAttr("groups", 1) == 1;
      if (!isConv && node.opType != "linear")
        continue;
      // The NPU reads weights and biases from its own memory: they must be
      // constants.
      if (!graph.isConstant(node.operands[1]) ||
          (node.operands.size() > 2 && !graph.isConstant(node.operands[2])))
        continue;

      Annotation a;
      a.inputs.push_back(activation(node));
      a.inputs.push_back(weight());
      if (node.operands.size() > 2)
        a.inputs.push_back(DerivedQuantizationSpec{{0, 1}}); // s32, zp 0
      // conv + relu as one unit: the relu runs in the NPU's output stage, so
      // only its output is observed.
      const Node *user = graph.singleUser(node);
      if (node.flag("fuse_relu") && user && user->opType == "relu" &&
          !user->isAnnotated() && !user->keepFloat) {
        a.outputs.push_back(FloatSpec{});
        Annotation relu;
        relu.inputs.push_back(FloatSpec{});
        relu.outputs.push_back(activation(node));
        graph.node(user->index).annotation = relu;
      } else {
        a.outputs.push_back(activation(node));
      }
      node.annotation = a;
    }
    return Status::success();
  }

private:
  /// s8 affine, per tensor, observed with the `observer` option's kind.
  static QuantizationSpec activation(const Node &node) {
    QuantizationSpec s;
    s.dtype = Dtype::kS8;
    s.quantMin = -128;
    s.quantMax = 127;
    s.symmetric = false;
    s.observer = node.option("observer");
    return s;
  }
  /// s8 symmetric in [-127, 127], per tensor.
  static QuantizationSpec weight() {
    QuantizationSpec s;
    s.dtype = Dtype::kS8;
    s.quantMin = -127;
    s.quantMax = 127;
    s.symmetric = true;
    s.observer = "minmax";
    return s;
  }
};

void registerQuantizers(PluginRegistry &registry) {
  QuantizerDefinition def;
  def.name = "my_npu";
  def.description = "example NPU: s8 per-tensor conv2d / linear (+relu)";
  def.options = {
      {"observer", OptionKind::kObserver, "minmax",
       "", "activation observer"},
      {"fuse_relu", OptionKind::kBool, "1", "", "annotate conv/linear + relu "
                                               "as one unit"},
  };
  def.create = [](const OptionValues &, std::unique_ptr<Quantizer> &out) {
    out = std::make_unique<MyNpuQuantizer>();
    return Status::success();
  };
  registry.add(std::move(def));
}

} // namespace

QC_QUANTIZER_PLUGIN(registerQuantizers)
