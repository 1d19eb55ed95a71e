//===- BuiltinQuantizers.cpp - the x86 and xnnpack quantizers -------------===//
//
// One pattern annotator parameterized by the backend's activation and weight
// specs. Nodes are visited in program order, so a node's producers are
// annotated before it: a pattern's root (conv, linear, matmul, add, mul)
// claims its fusable single user (relu, clamp) and the pair is
// annotated as one unit (only the last op's output observed); shared-qparams
// ops are quantized only when their input already is.
//
//===----------------------------------------------------------------------===//
#include "quantizers/builtin/BuiltinQuantizers.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <string>

namespace qc::quantizer {
namespace {

/// What differs between the built-in backends.
struct Backend {
  std::string name;
  Dtype actDtype;
  int64_t actMin, actMax;
  int64_t weightMin, weightMax;
  /// Observer options added to every spec (xnnpack: eps = 2^-12).
  std::map<std::string, std::string> observerOptions;
  /// The backend offers reduce_range (x86).
  bool hasReduceRange;
};

int64_t floorHalf(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

bool isOneOf(const std::string &s, std::initializer_list<const char *> list) {
  for (const char *item : list)
    if (s == item)
      return true;
  return false;
}

/// Options that configure whole-model transforms (no per-node overrides).
constexpr const char *kGlobalOnlyOptions[] = {"cle",         "bias_correction",
                                              "smoothquant", "weight_only",
                                              "group_size",  "symmetric",
                                              "weight_only_clip",
                                              "weight_only_embeddings",
                                              "weight_only_method"};

bool allFloat(const Node &node) {
  for (const Value &v : node.operands)
    if (!v.isFloat32())
      return false;
  for (const Value &v : node.results)
    if (!v.isFloat32())
      return false;
  return !node.results.empty();
}

class PatternQuantizer : public Quantizer {
public:
  PatternQuantizer(Backend backend, const OptionValues &globals)
      : b_(std::move(backend)), globals_(globals) {}

  std::string transformForAnnotation() const override {
    // Fold inference BatchNorm into conv / linear first (PyTorch fuses
    // conv + bn before prepare), so the weight observers see folded weights;
    // then the weight-side corrections asked for, which rewrite weights
    // before the weight observers see them.
    std::string pipeline = "qc-fold-batch-norm";
    if (globalFlag("cle"))
      pipeline += ",qc-equalize-cross-layer";
    auto sq = globals_.find("smoothquant");
    if (sq != globals_.end() && !sq->second.empty() &&
        std::strtod(sq->second.c_str(), nullptr) > 0)
      pipeline += ",qc-smooth-quant{alpha=" + sq->second + "}";
    // Measured after calibration (qc-bias-correction): here the request.
    if (globalFlag("bias_correction"))
      pipeline += ",qc-request-bias-correction{quantizer=" + b_.name + "}";
    // Weight-only: the weights quantized here (no observer needed), the
    // activations left float (annotate() annotates nothing).
    if (weightOnly())
      pipeline += weightOnlyPipeline();
    return pipeline;
  }

  Status annotate(Graph &graph) override;
  Status validate(const Graph &graph) const override;

private:
  // Specs for one node, from its resolved options.
  QuantizationSpec act(const Node &node) const;
  QuantizationSpec dynamicAct(const Node &node) const;
  /// s8 symmetric per-tensor activation (the rhs of a matmul of two
  /// activations, int8_attention=1).
  QuantizationSpec symmetricAct(const Node &node) const;
  QuantizationSpec weight(const Node &node, int64_t axis) const;
  FixedQParamsQuantizationSpec fixed(bool symmetricRange) const;

  /// The quantized spec the value carries (its producer's output spec, with
  /// shared specs resolved), if its producer is annotated and quantizes it.
  std::optional<EdgeSpec> quantizedSpecOf(const Graph &g, const Value &v) const;
  /// The single user of `node` if it is of one of `types`, free, and uses
  /// the node as its operand 0.
  Node *fusableUser(Graph &g, const Node &node,
                    std::initializer_list<const char *> types) const;

  /// Annotates `root` (and its fused user, if any) so only the last op's
  /// output is observed.
  void annotateUnit(Node &root, std::vector<EdgeSpec> inputs,
                    const QuantizationSpec &out, Node *fused) const;

  void annotateWeighted(Graph &g, Node &node);
  void annotateMatmul(Graph &g, Node &node);
  void annotateDynamic(Graph &g, Node &node);
  void annotateBinary(Graph &g, Node &node);
  void annotateShared(Graph &g, Node &node);
  void annotateConcat(Graph &g, Node &node);

  /// weight_only=int8|int4 (global).
  bool weightOnly() const {
    auto it = globals_.find("weight_only");
    return it != globals_.end() && it->second != "none";
  }
  std::string weightOnlyPipeline() const {
    const std::string &mode = globals_.at("weight_only");
    auto g = globals_.find("group_size");
    std::string group =
        g == globals_.end() || g->second.empty() ? "0" : g->second;
    return ",qc-weight-only{bits=" + std::string(mode == "int4" ? "4" : "8") +
           " group-size=" + group +
           " symmetric=" + (globalFlag("symmetric") ? "true" : "false") +
           " qmin=" + std::to_string(b_.weightMin) +
           " qmax=" + std::to_string(b_.weightMax) +
           " clip=" + clipMode() + " embedding-bits=" +
           embeddingBits() + method() + "}";
  }

  /// weight_only_method=rtn|gptq|gptq_act_order as the pass's options
  /// (gptq reads the calibration data qc-annotate passes to transforms).
  std::string method() const {
    auto it = globals_.find("weight_only_method");
    if (it == globals_.end() || it->second == "rtn")
      return "";
    return std::string(" method=gptq") +
           (it->second == "gptq_act_order" ? " act-order=true" : "");
  }

  /// weight_only_clip: auto is mse for int4 (+0.65 dB per tensor) and
  /// minmax for int8 (the output SQNR of the token models is 0.2-0.4 dB
  /// lower with mse at int8; docs/quantization.md).
  std::string clipMode() const {
    const std::string &c = globals_.at("weight_only_clip");
    if (c != "auto")
      return c;
    return globals_.at("weight_only") == "int4" ? "mse" : "minmax";
  }

  /// weight_only_embeddings=int8|int4|none as the pass's embedding-bits.
  std::string embeddingBits() const {
    const std::string &e = globals_.at("weight_only_embeddings");
    return e == "int8" ? "8" : e == "int4" ? "4" : "0";
  }

  bool globalFlag(const std::string &key) const {
    auto it = globals_.find(key);
    return it != globals_.end() && it->second == "1";
  }

  Backend b_;
  /// The global option values (the weight-side corrections are whole-model
  /// transforms, configured globally).
  OptionValues globals_;
};

QuantizationSpec PatternQuantizer::act(const Node &node) const {
  QuantizationSpec s;
  s.dtype = b_.actDtype;
  s.quantMin = b_.actMin;
  s.quantMax = b_.actMax;
  if (b_.hasReduceRange && node.flag("reduce_range")) {
    s.quantMin = floorHalf(s.quantMin);
    s.quantMax = floorHalf(s.quantMax);
  }
  s.symmetric = false;
  if (node.option("act_dtype") == "int16") {
    // 16-bit activations as PyTorch's qint16 / ONNX Runtime's int16 QDQ:
    // symmetric (zero point 0) over the full range; the 16x8 integer ops
    // of qc-lower-to-integer take them (docs/quantizers.md, "act_dtype").
    s.dtype = Dtype::kS16;
    s.quantMin = -32768;
    s.quantMax = 32767;
    s.symmetric = true;
  }
  s.observer = node.option("act_observer");
  s.observerOptions = b_.observerOptions;
  // `percentile` only means something to the percentile observer (the
  // annotation check rejects observer options that do not apply).
  if (s.observer == "percentile")
    s.observerOptions["percentile"] = node.option("percentile");
  return s;
}

QuantizationSpec PatternQuantizer::dynamicAct(const Node &node) const {
  QuantizationSpec s = act(node);
  // Dynamic quantization stays 8-bit (act_dtype applies to static ones).
  if (s.dtype != b_.actDtype) {
    s.dtype = b_.actDtype;
    s.quantMin = b_.actMin;
    s.quantMax = b_.actMax;
    s.symmetric = false;
  }
  // x86: PyTorch's dynamic quantized linear (nn.quantized.dynamic.Linear
  // calls quantized::linear_dynamic with reduce_range=True on fbgemm /
  // oneDNN) quantizes activations to 7 bits, [0, 127], unless
  // dynamic_reduce_range=0 ([0, 255], as QNNPACK's; ONNX-exportable).
  if (b_.hasReduceRange && node.flag("dynamic_reduce_range")) {
    s.quantMin = floorHalf(b_.actMin);
    s.quantMax = floorHalf(b_.actMax);
  }
  s.observer = "minmax";
  s.dynamic = true;
  s.perToken = node.option("granularity") == "per_token";
  return s;
}

QuantizationSpec PatternQuantizer::weight(const Node &node,
                                          int64_t axis) const {
  (void)node;
  QuantizationSpec s;
  s.dtype = Dtype::kS8;
  s.quantMin = b_.weightMin;
  s.quantMax = b_.weightMax;
  s.symmetric = true;
  s.axis = axis;
  s.observer = axis >= 0 ? "per_channel_minmax" : "minmax";
  s.observerOptions = b_.observerOptions;
  return s;
}

FixedQParamsQuantizationSpec PatternQuantizer::fixed(bool symmetricRange) const {
  // PyTorch's default_fixed_qparams_range_0to1_observer (scale 1/256) and
  // _neg1to1_observer (scale 2/256); for s8 the zero point moves by -128.
  FixedQParamsQuantizationSpec f;
  f.dtype = b_.actDtype;
  auto [lo, hi] = dtypeRange(b_.actDtype);
  f.quantMin = lo;
  f.quantMax = hi;
  f.scale = symmetricRange ? 2.0 / 256.0 : 1.0 / 256.0;
  bool isSigned = b_.actDtype != Dtype::kU8;
  f.zeroPoint = symmetricRange ? (isSigned ? 0 : 128) : (isSigned ? -128 : 0);
  return f;
}

std::optional<EdgeSpec> PatternQuantizer::quantizedSpecOf(const Graph &g,
                                                          const Value &v) const {
  const Node *p = g.producer(v);
  if (!p || !p->annotation ||
      v.index >= static_cast<int64_t>(p->annotation->outputs.size()))
    return std::nullopt;
  EdgeSpec spec = p->annotation->outputs[static_cast<size_t>(v.index)];
  for (int depth = 0; depth < 16; ++depth) {
    if (const auto *q = std::get_if<QuantizationSpec>(&spec)) {
      if (q->dynamic)
        return std::nullopt;
      return spec;
    }
    if (std::get_if<FixedQParamsQuantizationSpec>(&spec))
      return spec;
    const auto *sh = std::get_if<SharedQuantizationSpec>(&spec);
    if (!sh || sh->input < 0 ||
        sh->input >= static_cast<int64_t>(p->annotation->inputs.size()))
      return std::nullopt;
    spec = p->annotation->inputs[static_cast<size_t>(sh->input)];
  }
  return std::nullopt;
}

Node *PatternQuantizer::fusableUser(
    Graph &g, const Node &node,
    std::initializer_list<const char *> types) const {
  if (node.results.size() != 1)
    return nullptr;
  const Node *user = g.singleUser(node);
  if (!user || user->isAnnotated() || user->keepFloat ||
      !isOneOf(user->opType, types) || user->operands.empty() ||
      user->operands[0].producer != node.index || !allFloat(*user) ||
      user->results.size() != 1)
    return nullptr;
  return &g.node(user->index);
}

void PatternQuantizer::annotateUnit(Node &root, std::vector<EdgeSpec> inputs,
                                    const QuantizationSpec &out,
                                    Node *fused) const {
  Annotation a;
  a.inputs = std::move(inputs);
  if (!fused) {
    a.outputs = {out};
    root.annotation = std::move(a);
    return;
  }
  a.outputs = {FloatSpec{}};
  root.annotation = std::move(a);
  Annotation u;
  u.inputs.assign(fused->operands.size(), FloatSpec{});
  u.outputs = {out};
  fused->annotation = std::move(u);
}

void PatternQuantizer::annotateWeighted(Graph &g, Node &node) {
  // conv2d / linear: weight [O, ...] per channel along 0; conv_transpose2d:
  // weight [C_in, C_out / groups, kh, kw], per channel along 1 when
  // groups == 1 (otherwise axis 1 does not index output channels).
  if (node.operands.size() < 2 || !g.isConstant(node.operands[1]) ||
      (node.operands.size() > 2 && !g.isConstant(node.operands[2])))
    return;
  int64_t axis = 0;
  if (node.opType == "conv_transpose2d")
    axis = node.intAttr("groups", 1) == 1 ? 1 : -1;
  const Value &w = node.operands[1];
  if (!node.flag("per_channel") || !w.ranked || axis >= w.rank())
    axis = -1;
  std::vector<EdgeSpec> in = {act(node), weight(node, axis)};
  if (node.operands.size() > 2) {
    DerivedQuantizationSpec bias;
    bias.inputs = {0, 1};
    bias.axis = axis >= 0 ? 0 : -1;
    in.push_back(bias);
  }
  Node *fused = nullptr;
  // hardswish is not fused: with its input quantized it becomes a table
  // lookup (qc.qlut) after an integer conv, as in PyTorch 1.13 and ONNX
  // Runtime; fused, the conv's float output would keep the pair float.
  if (isOneOf(node.opType, {"conv2d", "conv_transpose2d"}))
    fused = fusableUser(g, node, {"relu", "clamp"});
  else
    fused = fusableUser(g, node, {"relu"});
  annotateUnit(node, std::move(in), act(node), fused);
}

void PatternQuantizer::annotateMatmul(Graph &g, Node &node) {
  const Value &lhs = node.operands[0], &rhs = node.operands[1];
  bool lhsConst = g.isConstant(lhs), rhsConst = g.isConstant(rhs);
  // A constant rhs [..., K, N] is a weight, per channel along its output
  // column axis N; a constant lhs (with a variable rhs) is a per-tensor
  // weight (its rows are not output channels of a column-wise requantize).
  int64_t axis = -1;
  if (rhsConst && node.flag("per_channel") && rhs.ranked && rhs.rank() >= 2)
    axis = rhs.rank() - 1;
  std::vector<EdgeSpec> in = {
      lhsConst && !rhsConst ? weight(node, -1) : act(node),
      rhsConst ? weight(node, axis) : act(node)};
  if (!lhsConst && !rhsConst && node.flag("int8_attention") &&
      node.option("act_dtype") != "int16")
    in[1] = symmetricAct(node);
  annotateUnit(node, std::move(in), act(node),
               fusableUser(g, node, {"relu"}));
}

QuantizationSpec PatternQuantizer::symmetricAct(const Node &node) const {
  // The rhs of a product of two activations (attention's K^T or V) is the
  // integer GEMM's run-time "weight": s8 with zero point 0 in the backend's
  // weight range, per tensor, observed by the activation observer (minmax
  // in place of the default histogram). The kernels take
  // it as they take weights (qc.qmatmul packs it at run time); ONNX
  // Runtime's QLinearMatMul / MatMulInteger take u8 x s8 as well.
  QuantizationSpec s = act(node);
  s.dtype = Dtype::kS8;
  s.quantMin = b_.weightMin;
  s.quantMax = b_.weightMax;
  if (b_.hasReduceRange && node.flag("reduce_range")) {
    s.quantMin = floorHalf(s.quantMin);
    s.quantMax = floorHalf(s.quantMax);
  }
  s.symmetric = true;
  // The histogram observer's symmetric search clips K and V's tails (the
  // ViT-style classifier: 28.7 dB against 29.7 with minmax over 12 inputs,
  // docs/quantizers.md); the weight-like operand keeps its whole range.
  if (s.observer == "histogram")
    s.observer = "minmax";
  return s;
}

void PatternQuantizer::annotateDynamic(Graph &g, Node &node) {
  // Dynamic quantization (PyTorch's quantize_dynamic / is_dynamic specs):
  // weights static, the activation input's qparams computed per run, output
  // and bias float.
  Annotation a;
  if (node.opType == "linear") {
    if (!g.isConstant(node.operands[1]))
      return;
    const Value &w = node.operands[1];
    int64_t axis = node.flag("per_channel") && w.ranked && w.rank() >= 1 ? 0 : -1;
    a.inputs = {dynamicAct(node), weight(node, axis)};
    if (node.operands.size() > 2)
      a.inputs.push_back(FloatSpec{});
  } else {
    const Value &lhs = node.operands[0], &rhs = node.operands[1];
    bool lhsConst = g.isConstant(lhs), rhsConst = g.isConstant(rhs);
    if (lhsConst == rhsConst)
      return;
    if (rhsConst) {
      int64_t axis = node.flag("per_channel") && rhs.ranked && rhs.rank() >= 2
                         ? rhs.rank() - 1
                         : -1;
      a.inputs = {dynamicAct(node), weight(node, axis)};
    } else {
      a.inputs = {weight(node, -1), dynamicAct(node)};
    }
  }
  a.outputs = {FloatSpec{}};
  node.annotation = std::move(a);
}

/// An add read only by a softmax: attention scores plus an additive mask
/// (causal or padding: -1e4 or -inf where attention is masked) or a
/// position bias. One scale for the sum spans the mask, so every unmasked
/// score rounds to a few steps of it (GPT-2-like causal attention: 68 dB
/// into the quantized add, 22 dB out of the softmax). The add and the
/// softmax's input stay float; the softmax runs in float either way, and
/// its output is quantized as usual.
bool isSoftmaxBiasAdd(const Graph &g, const Node &node) {
  if (node.opType != "add" || node.operands.size() != 2)
    return false;
  const Node *user = g.singleUser(node);
  return user && user->opType == "softmax";
}

void PatternQuantizer::annotateBinary(Graph &g, Node &node) {
  // A constant operand (a LayerNorm's gamma / beta written as Mul / Add, a
  // bias added by hand) is observed with minmax: its range is exact, and the
  // histogram observer's L2 search would clip outlier elements of it, a
  // systematic error on every sample rather than noise.
  auto operandSpec = [&](const Value &v) {
    QuantizationSpec s = act(node);
    if (g.isConstant(v)) {
      // percentile=P is the percentile observer's option, not minmax's: the
      // annotation check would reject the spec.
      s.observer = "minmax";
      s.observerOptions.erase("percentile");
    }
    return s;
  };
  annotateUnit(node, {operandSpec(node.operands[0]), operandSpec(node.operands[1])},
               act(node), fusableUser(g, node, {"relu"}));
}

void PatternQuantizer::annotateShared(Graph &g, Node &node) {
  // Output shares the input's qparams (PyTorch's
  // OUTPUT_SHARE_OBSERVER_WITH_INPUT); only when the input is quantized,
  // and then with the producer's spec, so no requantization happens here.
  if (node.operands.size() != 1)
    return;
  std::optional<EdgeSpec> in = quantizedSpecOf(g, node.operands[0]);
  if (!in)
    return;
  Annotation a;
  a.inputs = {*in};
  a.outputs = {SharedQuantizationSpec{0}};
  node.annotation = std::move(a);
}

void PatternQuantizer::annotateConcat(Graph &g, Node &node) {
  // All inputs and the output share one set of qparams, those of input 0
  // (PT2E's SharedQuantizationSpec on every other input edge).
  if (node.operands.empty())
    return;
  bool anyQuantized = false;
  for (const Value &v : node.operands)
    anyQuantized |= quantizedSpecOf(g, v).has_value();
  if (!anyQuantized)
    return;
  Annotation a;
  std::optional<EdgeSpec> first = quantizedSpecOf(g, node.operands[0]);
  a.inputs.push_back(first ? *first : EdgeSpec(act(node)));
  for (size_t i = 1; i < node.operands.size(); ++i)
    a.inputs.push_back(SharedQuantizationSpec{0});
  a.outputs = {SharedQuantizationSpec{0}};
  node.annotation = std::move(a);
}

Status PatternQuantizer::annotate(Graph &graph) {
  // The weight-side corrections rewrite the whole function before
  // annotation (transformForAnnotation): a per-node value cannot apply.
  for (Node &node : graph.nodes)
    for (const char *key : kGlobalOnlyOptions) {
      auto it = globals_.find(key);
      if (it != globals_.end() && node.option(key) != it->second)
        return Status::error(std::string("option '") + key +
                                 "' applies to the whole model; a per-node "
                                 "value (" + key + "[...]=" + node.option(key) +
                                 ") is not supported",
                             node.index);
    }
  // weight_only: the transform quantized the weights; activations stay
  // float, so nothing is observed.
  if (weightOnly())
    return Status::success();
  for (Node &node : graph.nodes) {
    if (node.isAnnotated() || node.keepFloat)
      continue;
    const std::string &type = node.opType;
    if (isOneOf(type, {"arg_max", "arg_min"})) {
      // The index of the extreme code is the index of the extreme value
      // (dequantize is increasing): a quantized input stays quantized, with
      // its producer's qparams; the int64 result is not quantized.
      if (node.operands.size() == 1 && node.operands[0].isFloat32())
        if (std::optional<EdgeSpec> in =
                quantizedSpecOf(graph, node.operands[0])) {
          Annotation a;
          a.inputs = {*in};
          a.outputs = {FloatSpec{}};
          node.annotation = std::move(a);
        }
      continue;
    }
    if (!allFloat(node))
      continue;
    if (node.flag("dynamic")) {
      // Dynamic mode quantizes only the weighted matrix products.
      if (isOneOf(type, {"linear", "matmul"}) && node.operands.size() >= 2)
        annotateDynamic(graph, node);
      continue;
    }
    if (isOneOf(type, {"conv2d", "conv_transpose2d", "linear"})) {
      annotateWeighted(graph, node);
    } else if (type == "matmul" && node.operands.size() == 2) {
      annotateMatmul(graph, node);
    } else if (isOneOf(type, {"add", "mul"}) && node.operands.size() == 2) {
      if (!isSoftmaxBiasAdd(graph, node))
        annotateBinary(graph, node);
    } else if (type == "concat") {
      annotateConcat(graph, node);
    } else if (isOneOf(type, {"max_pool2d", "avg_pool2d", "global_avg_pool2d",
                              "reduce_mean", "reduce_max", "reduce_min",
                              "reshape", "flatten",
                              "transpose", "slice", "resize", "relu",
                              "clamp"})) {
      annotateShared(graph, node);
    } else if (type == "pad") {
      // Padding with 0 keeps the range; other values or modes could not
      // be represented in the input's qparams in general.
      if (node.stringAttr("mode") == "constant" &&
          node.floatAttr("value", 1.0) == 0.0)
        annotateShared(graph, node);
    } else if (isOneOf(type, {"sigmoid", "hardsigmoid", "softmax", "tanh"})) {
      Annotation a;
      const Node *in = graph.producer(node.operands[0]);
      if (in && isSoftmaxBiasAdd(graph, *in))
        a.inputs = {FloatSpec{}};
      else
        a.inputs = {act(node)};
      a.outputs = {fixed(type == "tanh")};
      node.annotation = std::move(a);
    } else if (isOneOf(type, {"hardswish", "abs", "neg", "exp", "log",
                              "reciprocal", "floor", "ceil", "round",
                              "leaky_relu"})) {
      // PyTorch's default op configs: input and output observed apart.
      // Each becomes a 256-entry table (qc.qlut) between them.
      Annotation a;
      a.inputs = {act(node)};
      a.outputs = {act(node)};
      node.annotation = std::move(a);
    } else if (type == "prelu" && node.operands.size() == 2 &&
               graph.isConstant(node.operands[1])) {
      // The slope stays a float constant: a table per slope value
      // (docs/quantizers.md, "Elementwise math").
      Annotation a;
      a.inputs = {act(node), FloatSpec{}};
      a.outputs = {act(node)};
      node.annotation = std::move(a);
    } else if (isOneOf(type, {"max", "min"}) && node.operands.size() == 2) {
      // Max / min commute with a monotonic quantize: inputs and output
      // share qparams, as concat's, so qc.qmax / qc.qmin compare codes.
      annotateConcat(graph, node);
    }
  }
  return Status::success();
}

Status PatternQuantizer::validate(const Graph &graph) const {
  // What the backend's integer kernels accept, whoever annotated the op:
  // s8 symmetric weights (zero point 0; xnnpack also excludes -128) and
  // 8-bit per-tensor activations.
  for (const Node &node : graph.nodes) {
    if (!node.annotation ||
        !isOneOf(node.opType, {"conv2d", "conv_transpose2d", "linear", "matmul"}))
      continue;
    const Annotation &a = *node.annotation;
    for (size_t i = 0; i < a.inputs.size() && i < 2; ++i) {
      const auto *q = std::get_if<QuantizationSpec>(&a.inputs[i]);
      if (!q)
        continue;
      bool isWeight = node.opType == "matmul" ? graph.isConstant(node.operands[i])
                                              : i == 1;
      std::string by = "annotated by '" + a.quantizer + "'";
      if (isWeight) {
        if (q->dtype != Dtype::kS8 || !q->symmetric || q->dynamic ||
            q->quantMin < b_.weightMin)
          return Status::error(b_.name + " kernels need s8 symmetric weights " +
                                   "in [" + std::to_string(b_.weightMin) +
                                   ", " + std::to_string(b_.weightMax) +
                                   "], got " + toString(a.inputs[i]) + " (" +
                                   by + ")",
                               node.index);
      } else if ((q->dtype != Dtype::kU8 && q->dtype != Dtype::kS8 &&
                  !(q->dtype == Dtype::kS16 && q->symmetric)) ||
                 q->axis >= 0) {
        return Status::error(b_.name + " kernels need 8-bit or symmetric " +
                                 "int16 per-tensor activations, got " +
                                 toString(a.inputs[i]) + " (" + by + ")",
                             node.index);
      }
    }
  }
  return Status::success();
}

/// An option declaration (`choices` for kEnum: "a|b|c").
OptionDecl option(const char *name, OptionKind kind, const char *def,
                  const char *help, const char *choices = "") {
  OptionDecl o;
  o.name = name;
  o.kind = kind;
  o.defaultValue = def;
  o.choices = choices;
  o.help = help;
  return o;
}

OptionDecl boolOption(const char *name, const char *def, const char *help) {
  return option(name, OptionKind::kBool, def, help);
}

/// The weight-side corrections both built-ins offer (docs/quantizers.md,
/// "Weight-side corrections").
void addCorrectionOptions(std::vector<OptionDecl> &options) {
  options.push_back(boolOption(
      "cle", "0",
      "cross-layer equalization of conv/linear -> relu|relu6 -> "
      "conv/linear pairs before quantization (a relu6 only if it never clips "
      "on the calibration data)"));
  options.push_back(boolOption(
      "bias_correction", "0",
      "subtract the expected output shift of weight quantization, measured "
      "on the calibration data, from conv/linear biases"));
  options.push_back(
      option("smoothquant", OptionKind::kFloat, "0",
             "SmoothQuant migration strength alpha in (0, 1] for linear / "
             "matmul inputs, measured on the calibration data (0: off)"));
}

/// Rejects a smoothquant alpha outside [0, 1].
Status checkCorrectionOptions(const OptionValues &globals) {
  auto it = globals.find("smoothquant");
  if (it == globals.end() || it->second.empty())
    return Status::success();
  double alpha = std::strtod(it->second.c_str(), nullptr);
  if (!(alpha >= 0.0 && alpha <= 1.0))
    return Status::error("option 'smoothquant' expects an alpha in [0, 1] "
                         "(0: off), got '" + it->second + "'");
  return Status::success();
}

/// weight_only=int8|int4, group_size=32|64|128, symmetric=0|1.
void addWeightOnlyOptions(std::vector<OptionDecl> &options) {
  options.push_back(
      option("weight_only", OptionKind::kEnum, "none",
             "weight-only quantization of linear / matmul-by-constant weights "
             "(activations stay float); int4 needs group_size",
             "none|int8|int4"));
  options.push_back(
      option("group_size", OptionKind::kString, "",
             "with weight_only: input channels per group of weight qparams "
             "(32, 64 or 128; omit for per-channel int8)"));
  options.push_back(boolOption(
      "symmetric", "1",
      "with weight_only: symmetric weights (0: asymmetric, uint8 / uint4 "
      "with a zero point per group or channel)"));
  options.push_back(option(
      "weight_only_clip", OptionKind::kEnum, "auto",
      "with weight_only: range of each group (channel): mse = the shrink "
      "1.00, 0.99, ..., 0.50 of its min / max with the least squared error, "
      "minmax = its min / max, auto = mse for int4, minmax for int8",
      "auto|mse|minmax"));
  options.push_back(option(
      "weight_only_embeddings", OptionKind::kEnum, "int8",
      "with weight_only: embedding tables (the constant table of a gather "
      "along axis 0): int8 per row, int4 in groups of group_size along the "
      "row, or none (float)",
      "int8|int4|none"));
  options.push_back(option(
      "weight_only_method", OptionKind::kEnum, "rtn",
      "with weight_only: rounding of the linear / matmul weights: rtn = "
      "each to its nearest grid point; gptq = GPTQ, column by column with "
      "the error fed forward through the Hessian of the layer's inputs "
      "measured on the calibration data (needs --calib); gptq_act_order = "
      "gptq in order of decreasing input energy",
      "rtn|gptq|gptq_act_order"));
}

/// The weight-only options' combinations.
Status checkWeightOnly(const OptionValues &globals) {
  const std::string &mode = globals.at("weight_only");
  const std::string &group = globals.at("group_size");
  bool symmetric = globals.at("symmetric") == "1";
  if (mode == "none") {
    if (!group.empty())
      return Status::error("option 'group_size' needs weight_only=int8 or "
                           "weight_only=int4");
    if (!symmetric)
      return Status::error("option 'symmetric=0' needs weight_only=int8 or "
                           "weight_only=int4 (static int8 kernels need "
                           "symmetric weights)");
    if (globals.at("weight_only_clip") != "auto")
      return Status::error("option 'weight_only_clip' needs weight_only=int8 "
                           "or weight_only=int4");
    if (globals.at("weight_only_embeddings") != "int8")
      return Status::error("option 'weight_only_embeddings' needs "
                           "weight_only=int8 or weight_only=int4");
    if (globals.at("weight_only_method") != "rtn")
      return Status::error("option 'weight_only_method' needs "
                           "weight_only=int8 or weight_only=int4");
    return Status::success();
  }
  if (globals.at("dynamic") == "1")
    return Status::error("options 'weight_only' and 'dynamic=1' exclude "
                         "each other (weight-only keeps activations float)");
  if (!group.empty() && group != "32" && group != "64" && group != "128")
    return Status::error("option 'group_size' expects 32, 64 or 128 (omit it "
                         "for per-channel int8), got '" +
                         group + "'");
  if (mode == "int4" && group.empty())
    return Status::error("option 'weight_only=int4' needs group_size=32, 64 "
                         "or 128");
  if (globals.at("weight_only_embeddings") == "int4" && group.empty())
    return Status::error("option 'weight_only_embeddings=int4' needs "
                         "group_size=32, 64 or 128");
  return Status::success();
}

/// granularity=per_token applies to dynamic quantization only.
Status checkGranularity(const OptionValues &globals) {
  auto g = globals.find("granularity"), d = globals.find("dynamic");
  if (g != globals.end() && g->second == "per_token" &&
      (d == globals.end() || (d->second != "1" && d->second != "true")))
    return Status::error("option 'granularity=per_token' needs dynamic=1 "
                         "(static activations are observed per tensor)");
  return Status::success();
}

/// The options both built-ins take after their own: granularity (with
/// dynamic=1: run-time qparams per tensor or per token), the activation
/// observer and its percentile, int16 activations per node
/// (act_dtype[NAME]=int16: the 16x8 ops), the weight-side corrections and
/// weight-only quantization.
void addSharedOptions(std::vector<OptionDecl> &options) {
  options.push_back(
      option("granularity", OptionKind::kEnum, "per_tensor",
             "with dynamic=1: run-time activation qparams for the whole "
             "tensor or for each token (row of the last dimension)",
             "per_tensor|per_token"));
  options.push_back(
      option("act_observer", OptionKind::kObserver, "histogram",
             "observer of activations (minmax, moving_average_minmax, "
             "histogram, percentile, entropy, mse)"));
  options.push_back(
      option("percentile", OptionKind::kFloat, "99.99",
             "with act_observer=percentile: the percentile P in (0, 100] kept "
             "on each side of the activations"));
  options.push_back(
      option("act_dtype", OptionKind::kEnum, "int8",
             "activation storage of an op's inputs and output: int8 (the "
             "backend's 8-bit type) or int16 (symmetric, zero point 0; "
             "compiled for conv2d, linear, add, mul and data movement)",
             "int8|int16"));
  options.push_back(boolOption(
      "int8_attention", "1",
      "a matmul of two activations (attention's QK^T and AV) gets an s8 "
      "symmetric per-tensor rhs, so it runs as the integer GEMM "
      "(qc.qmatmul); 0: both inputs take the activation spec and the "
      "matmul stays a float Q/DQ island"));
  addCorrectionOptions(options);
  addWeightOnlyOptions(options);
}

/// Checks a percentile value (global or per node): P in (0, 100].
Status checkPercentile(const std::string &value, const std::string &where) {
  char *end = nullptr;
  const double p = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !(p > 0.0 && p <= 100.0))
    return Status::error("option 'percentile'" + where +
                         " must be in (0, 100], got '" + value + "'");
  return Status::success();
}

/// Checks the shared options' values and combinations, then makes the
/// quantizer for `backend`.
Status createBuiltin(const OptionValues &globals, Backend backend,
                     std::unique_ptr<Quantizer> &out) {
  if (Status st = checkPercentile(globals.at("percentile"), ""); !st.ok())
    return st;
  if (Status st = checkGranularity(globals); !st.ok())
    return st;
  if (Status st = checkWeightOnly(globals); !st.ok())
    return st;
  if (Status st = checkCorrectionOptions(globals); !st.ok())
    return st;
  out = std::make_unique<PatternQuantizer>(std::move(backend), globals);
  return Status::success();
}

} // namespace

QuantizerDefinition x86QuantizerDefinition() {
  QuantizerDefinition def;
  def.name = "x86";
  def.description = "x86 (fbgemm / oneDNN, VNNI): u8 activations, s8 "
                    "symmetric per-channel weights";
  def.options = {
      boolOption("per_channel", "1", "per-channel weights (0: per tensor)"),
      boolOption("reduce_range", "0",
                 "7-bit activations [0, 127] for CPUs without VNNI"),
      boolOption("dynamic", "0",
                 "dynamic quantization of linear / matmul only (activations "
                 "7-bit [0, 127] as PyTorch's x86 dynamic linear)"),
      boolOption("dynamic_reduce_range", "1",
                 "with dynamic=1: 7-bit activations [0, 127] (0: [0, 255], "
                 "as PyTorch's QNNPACK dynamic linear and ONNX "
                 "DynamicQuantizeLinear)"),
  };
  addSharedOptions(def.options);
  def.create = [](const OptionValues &globals,
                  std::unique_ptr<Quantizer> &out) {
    // PyTorch 1.13 get_default_qconfig("x86"): HistogramObserver quint8
    // activations, default_per_channel_weight_observer (qint8,
    // per_channel_symmetric, [-128, 127]).
    Backend b;
    b.name = "x86";
    b.actDtype = Dtype::kU8;
    b.actMin = 0;
    b.actMax = 255;
    b.weightMin = -128;
    b.weightMax = 127;
    b.hasReduceRange = true;
    return createBuiltin(globals, std::move(b), out);
  };
  return def;
}

QuantizerDefinition xnnpackQuantizerDefinition() {
  QuantizerDefinition def;
  def.name = "xnnpack";
  def.description = "XNNPACK (Arm / mobile): s8 activations, s8 symmetric "
                    "weights in [-127, 127]";
  def.options = {
      boolOption("per_channel", "1", "per-channel weights (0: per tensor)"),
      boolOption("dynamic", "0",
                 "dynamic quantization of linear / matmul only"),
  };
  addSharedOptions(def.options);
  def.create = [](const OptionValues &globals,
                  std::unique_ptr<Quantizer> &out) {
    // PyTorch 1.13 default_per_channel_symmetric_qnnpack_qconfig: qint8
    // HistogramObserver activations with eps 2^-12, weights qint8
    // per_channel_symmetric in [-127, 127] with eps 2^-12 (XNNPACK's
    // requantization-scale constraints).
    Backend b;
    b.name = "xnnpack";
    b.actDtype = Dtype::kS8;
    b.actMin = -128;
    b.actMax = 127;
    b.weightMin = -127;
    b.weightMax = 127;
    b.observerOptions = {{"eps", "0.000244140625"}};
    b.hasReduceRange = false;
    return createBuiltin(globals, std::move(b), out);
  };
  return def;
}

std::vector<QuantizerDefinition> builtinQuantizerDefinitions() {
  std::vector<QuantizerDefinition> defs;
  defs.push_back(x86QuantizerDefinition());
  defs.push_back(xnnpackQuantizerDefinition());
  return defs;
}

} // namespace qc::quantizer
