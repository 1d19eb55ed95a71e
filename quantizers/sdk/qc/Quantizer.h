//===- qc/Quantizer.h - the Quantizer API (header only) ---------*- C++ -*-===//
//
// Part of qc. What a Quantizer sees and produces, independent of MLIR: a
// small view of the function being quantized (Graph: nodes in program order
// with op type, model node name, operands' producers, shapes, attributes)
// and, per node, an Annotation: one EdgeSpec per operand and per result,
// mirroring PyTorch PT2E's QuantizationSpec, SharedQuantizationSpec,
// DerivedQuantizationSpec and FixedQParamsQuantizationSpec.
//
// qc's built-in quantizers (x86, xnnpack) are written against this header,
// and so are plugins: a shared library that includes this header (and the C
// ABI in qc/quantizer_plugin.h), defines its quantizers and exports them
// with QC_QUANTIZER_PLUGIN(...). Everything here is inline; a plugin links
// nothing of qc. docs/quantizer-plugins.md is the guide.
//
// Usable with or without exceptions and RTTI (qc itself builds without).
//
//===----------------------------------------------------------------------===//
#ifndef QC_QUANTIZER_H
#define QC_QUANTIZER_H

#include "qc/quantizer_plugin.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace qc::quantizer {

//===----------------------------------------------------------------------===//
// Quantization specs
//===----------------------------------------------------------------------===//

/// Integer storage types.
enum class Dtype { kU8 = QC_DTYPE_U8, kS8 = QC_DTYPE_S8, kS16 = QC_DTYPE_S16, kS32 = QC_DTYPE_S32 };

/// "u8", "s8", "s16", "s32".
inline const char *toString(Dtype dtype) {
  switch (dtype) {
  case Dtype::kU8:
    return "u8";
  case Dtype::kS8:
    return "s8";
  case Dtype::kS16:
    return "s16";
  case Dtype::kS32:
    return "s32";
  }
  return "?";
}

/// The full range of `dtype`: u8 [0, 255], s8 [-128, 127], ...
inline std::pair<int64_t, int64_t> dtypeRange(Dtype dtype) {
  switch (dtype) {
  case Dtype::kU8:
    return {0, 255};
  case Dtype::kS8:
    return {-128, 127};
  case Dtype::kS16:
    return {-32768, 32767};
  case Dtype::kS32:
    return {INT64_C(-2147483648), INT64_C(2147483647)};
  }
  return {0, 0};
}

/// An observed edge (PT2E QuantizationSpec): calibration runs `observer` on
/// it and the qparams follow from the observed range.
struct QuantizationSpec {
  Dtype dtype = Dtype::kU8;
  /// The integer range, reduce_range already applied.
  int64_t quantMin = 0;
  int64_t quantMax = 255;
  /// Symmetric (zero point 0, or the midpoint for u8) vs affine qparams.
  bool symmetric = false;
  /// Per-channel axis of the edge's tensor; -1 per tensor.
  int64_t axis = -1;
  /// Observer kind: "minmax", "moving_average_minmax", "per_channel_minmax",
  /// "moving_average_per_channel_minmax", "histogram", "percentile",
  /// "entropy", "mse" (the per-channel kinds need axis >= 0, the others axis -1).
  std::string observer = "minmax";
  /// Observer options by name (averaging_constant, bins, upsample_rate,
  /// percentile, eps, torch113_histc_range), values as text.
  std::map<std::string, std::string> observerOptions;
  /// qparams computed at run time from each tensor (dynamic quantization).
  bool dynamic = false;
  /// With dynamic: qparams per token (each row of the last dimension)
  /// instead of per tensor.
  bool perToken = false;

  bool operator==(const QuantizationSpec &o) const {
    return dtype == o.dtype && quantMin == o.quantMin &&
           quantMax == o.quantMax && symmetric == o.symmetric &&
           axis == o.axis && observer == o.observer &&
           observerOptions == o.observerOptions && dynamic == o.dynamic &&
           perToken == o.perToken;
  }
  bool operator!=(const QuantizationSpec &o) const { return !(*this == o); }
};

/// Same qparams as input edge `input` of the same node (PT2E
/// SharedQuantizationSpec): one observer serves every edge of the group.
struct SharedQuantizationSpec {
  int64_t input = 0;
  bool operator==(const SharedQuantizationSpec &o) const {
    return input == o.input;
  }
  bool operator!=(const SharedQuantizationSpec &o) const {
    return !(*this == o);
  }
};

/// qparams derived from other input edges of the node (PT2E
/// DerivedQuantizationSpec): scale = product of their scales, zero point 0.
/// The bias of conv / linear: inputs {0, 1}, s32, per channel along `axis`
/// (of the bias) when the weight is per channel.
struct DerivedQuantizationSpec {
  std::vector<int64_t> inputs;
  Dtype dtype = Dtype::kS32;
  int64_t quantMin = INT64_C(-2147483648);
  int64_t quantMax = INT64_C(2147483647);
  int64_t axis = -1;
  bool operator==(const DerivedQuantizationSpec &o) const {
    return inputs == o.inputs && dtype == o.dtype && quantMin == o.quantMin &&
           quantMax == o.quantMax && axis == o.axis;
  }
  bool operator!=(const DerivedQuantizationSpec &o) const {
    return !(*this == o);
  }
};

/// Fixed qparams (PT2E FixedQParamsQuantizationSpec), for ops whose output
/// range is known: sigmoid, softmax, tanh, ...
struct FixedQParamsQuantizationSpec {
  double scale = 1.0 / 256.0;
  int64_t zeroPoint = 0;
  Dtype dtype = Dtype::kU8;
  int64_t quantMin = 0;
  int64_t quantMax = 255;
  bool operator==(const FixedQParamsQuantizationSpec &o) const {
    return scale == o.scale && zeroPoint == o.zeroPoint && dtype == o.dtype &&
           quantMin == o.quantMin && quantMax == o.quantMax;
  }
  bool operator!=(const FixedQParamsQuantizationSpec &o) const {
    return !(*this == o);
  }
};

/// The edge stays float (inside an annotated node, e.g. the conv -> relu
/// edge of a fused conv + relu).
struct FloatSpec {
  bool operator==(const FloatSpec &) const { return true; }
  bool operator!=(const FloatSpec &) const { return false; }
};

using EdgeSpec =
    std::variant<FloatSpec, QuantizationSpec, SharedQuantizationSpec,
                 DerivedQuantizationSpec, FixedQParamsQuantizationSpec>;

/// A node's annotation: one spec per operand and per result.
struct Annotation {
  std::vector<EdgeSpec> inputs;
  std::vector<EdgeSpec> outputs;
  /// Name of the quantizer that made it.
  std::string quantizer;

  /// Same specs (the quantizer name is not compared).
  bool sameSpecs(const Annotation &o) const {
    return inputs == o.inputs && outputs == o.outputs;
  }
};

namespace detail {
/// The shortest decimal that reads back as `v`.
inline std::string formatDouble(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}
inline const char *irDtype(Dtype dtype) {
  switch (dtype) {
  case Dtype::kU8:
    return "ui8";
  case Dtype::kS8:
    return "i8";
  case Dtype::kS16:
    return "i16";
  case Dtype::kS32:
    return "i32";
  }
  return "?";
}
} // namespace detail

/// The spec in the IR attribute's syntax (#qc.spec<...>, #qc.shared<...>,
/// ..., "unit" for float), for messages.
inline std::string toString(const EdgeSpec &spec) {
  using detail::irDtype;
  if (std::get_if<FloatSpec>(&spec))
    return "unit";
  if (const auto *q = std::get_if<QuantizationSpec>(&spec)) {
    std::string s = std::string("#qc.spec<dtype = ") + irDtype(q->dtype) +
                    ", quant_min = " + std::to_string(q->quantMin) +
                    ", quant_max = " + std::to_string(q->quantMax) +
                    ", symmetric = " + (q->symmetric ? "true" : "false");
    if (q->axis != -1)
      s += ", axis = " + std::to_string(q->axis);
    s += ", observer = \"" + q->observer + "\"";
    if (!q->observerOptions.empty()) {
      s += ", observer_options = {";
      bool first = true;
      for (const auto &[k, v] : q->observerOptions) {
        s += (first ? "" : ", ") + k + " = " + v;
        first = false;
      }
      s += "}";
    }
    if (q->dynamic)
      s += ", dynamic = true";
    if (q->perToken)
      s += ", per_token = true";
    return s + ">";
  }
  if (const auto *sh = std::get_if<SharedQuantizationSpec>(&spec))
    return "#qc.shared<input = " + std::to_string(sh->input) + ">";
  if (const auto *d = std::get_if<DerivedQuantizationSpec>(&spec)) {
    std::string s = "#qc.derived<inputs = [";
    for (size_t i = 0; i < d->inputs.size(); ++i)
      s += (i ? ", " : "") + std::to_string(d->inputs[i]);
    s += std::string("], dtype = ") + irDtype(d->dtype) +
         ", quant_min = " + std::to_string(d->quantMin) +
         ", quant_max = " + std::to_string(d->quantMax);
    if (d->axis != -1)
      s += ", axis = " + std::to_string(d->axis);
    return s + ">";
  }
  const auto &f = std::get<FixedQParamsQuantizationSpec>(spec);
  return "#qc.fixed<scale = " + detail::formatDouble(f.scale) +
         ", zero_point = " + std::to_string(f.zeroPoint) +
         ", dtype = " + irDtype(f.dtype) +
         ", quant_min = " + std::to_string(f.quantMin) +
         ", quant_max = " + std::to_string(f.quantMax) + ">";
}

//===----------------------------------------------------------------------===//
// The graph view
//===----------------------------------------------------------------------===//

/// An op attribute: integer, float, string, integer list, float list, bool.
using Attribute = std::variant<int64_t, double, std::string,
                               std::vector<int64_t>, std::vector<double>, bool>;

/// A tensor value (operand or result).
struct Value {
  /// Index of the producing node, or -1 for a function argument.
  int64_t producer = -1;
  /// The producer's result number, or the argument number.
  int64_t index = 0;
  /// "f32", "i64", ...
  std::string elementType = "f32";
  bool ranked = true;
  /// -1 for a dynamic dimension.
  std::vector<int64_t> shape;

  bool isFloat32() const { return elementType == "f32"; }
  int64_t rank() const { return ranked ? static_cast<int64_t>(shape.size()) : -1; }
};

/// Operand `operand` of node `node`.
struct Use {
  int64_t node = 0;
  int64_t operand = 0;
};

/// One op of the function.
struct Node {
  /// Position in Graph::nodes (program order).
  int64_t index = 0;
  /// qc ops without the "qc." prefix ("conv2d", "linear", "constant");
  /// other ops by their full name ("func.return").
  std::string opType;
  /// The model's node name (the ONNX node name the importer put in the
  /// op's location); "" when unknown.
  std::string name;
  std::vector<Value> operands;
  std::vector<Value> results;
  /// Per result, where it is used.
  std::vector<std::vector<Use>> uses;
  /// The op's attributes (groups, strides, min, max, mode, axis, ...).
  std::map<std::string, Attribute> attrs;
  /// The user asked for this node to stay float (keep_float=...): do not
  /// annotate it.
  bool keepFloat = false;
  /// This quantizer's options as they apply to this node: global values
  /// with the per-node overrides resolved (see docs/quantizers.md).
  std::map<std::string, std::string> options;
  /// The current annotation, if any (possibly another quantizer's).
  std::optional<Annotation> annotation;

  bool isAnnotated() const { return annotation.has_value(); }

  const Attribute *attr(const std::string &key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? nullptr : &it->second;
  }
  /// Integer (or bool) attribute, or `otherwise`.
  int64_t intAttr(const std::string &key, int64_t otherwise = 0) const {
    const Attribute *a = attr(key);
    if (const auto *i = a ? std::get_if<int64_t>(a) : nullptr)
      return *i;
    if (const auto *b = a ? std::get_if<bool>(a) : nullptr)
      return *b ? 1 : 0;
    return otherwise;
  }
  /// Float (or integer) attribute, or `otherwise`.
  double floatAttr(const std::string &key, double otherwise = 0.0) const {
    const Attribute *a = attr(key);
    if (const auto *f = a ? std::get_if<double>(a) : nullptr)
      return *f;
    if (const auto *i = a ? std::get_if<int64_t>(a) : nullptr)
      return static_cast<double>(*i);
    return otherwise;
  }
  std::string stringAttr(const std::string &key,
                         const std::string &otherwise = "") const {
    const Attribute *a = attr(key);
    if (const auto *s = a ? std::get_if<std::string>(a) : nullptr)
      return *s;
    return otherwise;
  }
  /// An option's value ("" when the quantizer declared no such option).
  std::string option(const std::string &key) const {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  }
  /// A bool option ("1" / "0" after qc's validation).
  bool flag(const std::string &key) const { return option(key) == "1"; }

  /// "'conv1' (conv2d)", or "conv2d #12" for a node without a name.
  std::string label() const {
    if (!name.empty())
      return "'" + name + "' (" + opType + ")";
    return opType + " #" + std::to_string(index);
  }
};

/// The function being quantized.
class Graph {
public:
  std::vector<Node> nodes;
  std::vector<Value> arguments;

  /// The node producing `value`, or null for a function argument.
  const Node *producer(const Value &value) const {
    if (value.producer < 0 || value.producer >= static_cast<int64_t>(nodes.size()))
      return nullptr;
    return &nodes[static_cast<size_t>(value.producer)];
  }
  /// True when `value` is the result of a "constant" node.
  bool isConstant(const Value &value) const {
    const Node *p = producer(value);
    return p && p->opType == "constant";
  }
  /// The only user of result `result` of `node`, or null when it has none
  /// or several uses.
  const Node *singleUser(const Node &node, size_t result = 0) const {
    if (result >= node.uses.size() || node.uses[result].size() != 1)
      return nullptr;
    return &nodes[static_cast<size_t>(node.uses[result][0].node)];
  }
  Node &node(int64_t index) { return nodes[static_cast<size_t>(index)]; }
  const Node &node(int64_t index) const {
    return nodes[static_cast<size_t>(index)];
  }
};

//===----------------------------------------------------------------------===//
// Quantizer
//===----------------------------------------------------------------------===//

/// Success, or an error message (about one node when `node` >= 0).
class Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message, int64_t node = -1) {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    s.node_ = node;
    return s;
  }
  bool ok() const { return !failed_; }
  const std::string &message() const { return message_; }
  int64_t node() const { return node_; }

private:
  bool failed_ = false;
  std::string message_;
  int64_t node_ = -1;
};

/// A quantizer instance: created for one annotation run with its options.
class Quantizer {
public:
  virtual ~Quantizer() = default;

  /// Optional: a qc pass pipeline (e.g. "qc-fold-batch-norm") qc runs on the
  /// function before building the Graph this quantizer annotates.
  virtual std::string transformForAnnotation() const { return std::string(); }

  /// Sets `annotation` on the nodes it quantizes. Must leave alone nodes that
  /// are already annotated (another quantizer of a composition came first:
  /// changing their annotation is reported as a conflict) and nodes with
  /// keepFloat.
  virtual Status annotate(Graph &graph) = 0;

  /// Optional: checks the final annotations (of every quantizer in the
  /// composition) against what this backend supports.
  virtual Status validate(const Graph &graph) const {
    (void)graph;
    return Status::success();
  }
};

/// Option kinds (values are validated by qc before the quantizer sees them).
enum class OptionKind {
  kBool = QC_OPTION_BOOL,
  kInt = QC_OPTION_INT,
  kFloat = QC_OPTION_FLOAT,
  kString = QC_OPTION_STRING,
  kEnum = QC_OPTION_ENUM,
  kObserver = QC_OPTION_OBSERVER,
};

/// An option a quantizer understands: `NAME=VALUE` in the quantizer string,
/// and `NAME[SELECTOR]=VALUE` per node (docs/quantizers.md).
struct OptionDecl {
  std::string name;
  OptionKind kind = OptionKind::kBool;
  std::string defaultValue;
  /// kEnum: the accepted values, "a|b|c".
  std::string choices;
  std::string help;
};

/// Global option values by name (defaults applied, validated).
using OptionValues = std::map<std::string, std::string>;

/// How to make a quantizer: its name, options and factory. The factory gets
/// the global options and may reject combinations with an error.
struct QuantizerDefinition {
  std::string name;
  std::string description;
  std::vector<OptionDecl> options;
  std::function<Status(const OptionValues &, std::unique_ptr<Quantizer> &)>
      create;
};

//===----------------------------------------------------------------------===//
// C ABI marshalling (used by qc and by plugins; see qc/quantizer_plugin.h)
//===----------------------------------------------------------------------===//

namespace detail {

/// Parses "key=value,key=value".
inline std::map<std::string, std::string> parseKeyValues(const char *text) {
  std::map<std::string, std::string> out;
  if (!text)
    return out;
  std::string s(text);
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos)
      end = s.size();
    std::string item = s.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (!item.empty())
      out[item.substr(0, eq)] =
          eq == std::string::npos ? std::string() : item.substr(eq + 1);
    pos = end + 1;
  }
  return out;
}

inline std::string joinKeyValues(const std::map<std::string, std::string> &kv) {
  std::string s;
  for (const auto &[k, v] : kv)
    s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

inline EdgeSpec specFromC(const qc_spec &c) {
  switch (c.kind) {
  case QC_SPEC_QUANTIZED: {
    QuantizationSpec q;
    q.dtype = static_cast<Dtype>(c.dtype);
    q.quantMin = c.quant_min;
    q.quantMax = c.quant_max;
    q.symmetric = c.symmetric != 0;
    q.axis = c.axis;
    q.observer = c.observer ? c.observer : "";
    q.observerOptions = parseKeyValues(c.observer_options);
    q.dynamic = c.dynamic != 0;
    q.perToken = c.dynamic == 2;
    return q;
  }
  case QC_SPEC_SHARED:
    return SharedQuantizationSpec{c.shared_input};
  case QC_SPEC_DERIVED: {
    DerivedQuantizationSpec d;
    for (int64_t i = 0; i < c.num_derived_inputs; ++i)
      d.inputs.push_back(c.derived_inputs[i]);
    d.dtype = static_cast<Dtype>(c.dtype);
    d.quantMin = c.quant_min;
    d.quantMax = c.quant_max;
    d.axis = c.axis;
    return d;
  }
  case QC_SPEC_FIXED: {
    FixedQParamsQuantizationSpec f;
    f.scale = c.scale;
    f.zeroPoint = c.zero_point;
    f.dtype = static_cast<Dtype>(c.dtype);
    f.quantMin = c.quant_min;
    f.quantMax = c.quant_max;
    return f;
  }
  default:
    return FloatSpec{};
  }
}

/// C views of a list of EdgeSpecs; owns the strings and arrays they point to.
class CSpecs {
public:
  explicit CSpecs(const std::vector<EdgeSpec> &specs) {
    // Reserve so that pointers into the vectors stay valid.
    specs_.reserve(specs.size());
    strings_.reserve(specs.size() * 2);
    arrays_.reserve(specs.size());
    for (const EdgeSpec &s : specs)
      specs_.push_back(convert(s));
  }
  const qc_spec *data() const { return specs_.data(); }
  int64_t size() const { return static_cast<int64_t>(specs_.size()); }

private:
  qc_spec convert(const EdgeSpec &spec) {
    qc_spec c;
    std::memset(&c, 0, sizeof(c));
    c.axis = -1;
    if (std::get_if<FloatSpec>(&spec)) {
      c.kind = QC_SPEC_FLOAT;
    } else if (const auto *q = std::get_if<QuantizationSpec>(&spec)) {
      c.kind = QC_SPEC_QUANTIZED;
      c.dtype = static_cast<int32_t>(q->dtype);
      c.quant_min = q->quantMin;
      c.quant_max = q->quantMax;
      c.symmetric = q->symmetric;
      c.axis = q->axis;
      c.dynamic = q->dynamic ? (q->perToken ? 2 : 1) : 0;
      strings_.push_back(q->observer);
      c.observer = strings_.back().c_str();
      strings_.push_back(joinKeyValues(q->observerOptions));
      c.observer_options = strings_.back().c_str();
    } else if (const auto *sh = std::get_if<SharedQuantizationSpec>(&spec)) {
      c.kind = QC_SPEC_SHARED;
      c.shared_input = sh->input;
    } else if (const auto *d = std::get_if<DerivedQuantizationSpec>(&spec)) {
      c.kind = QC_SPEC_DERIVED;
      c.dtype = static_cast<int32_t>(d->dtype);
      c.quant_min = d->quantMin;
      c.quant_max = d->quantMax;
      c.axis = d->axis;
      arrays_.push_back(d->inputs);
      c.derived_inputs = arrays_.back().data();
      c.num_derived_inputs = static_cast<int64_t>(arrays_.back().size());
    } else {
      const auto &f = std::get<FixedQParamsQuantizationSpec>(spec);
      c.kind = QC_SPEC_FIXED;
      c.dtype = static_cast<int32_t>(f.dtype);
      c.quant_min = f.quantMin;
      c.quant_max = f.quantMax;
      c.scale = f.scale;
      c.zero_point = f.zeroPoint;
    }
    return c;
  }

  std::vector<qc_spec> specs_;
  std::vector<std::string> strings_;
  std::vector<std::vector<int64_t>> arrays_;
};

inline Value valueFromC(const qc_value &c) {
  Value v;
  v.producer = c.producer;
  v.index = c.index;
  v.elementType = c.element_type ? c.element_type : "";
  v.ranked = c.rank >= 0;
  for (int64_t i = 0; i < c.rank; ++i)
    v.shape.push_back(c.dims[i]);
  return v;
}

inline Attribute attrFromC(const qc_attr &c) {
  switch (c.kind) {
  case QC_ATTR_FLOAT:
    return c.f;
  case QC_ATTR_STRING:
    return std::string(c.s ? c.s : "");
  case QC_ATTR_INTS:
    return std::vector<int64_t>(c.ints, c.ints + c.count);
  case QC_ATTR_FLOATS:
    return std::vector<double>(c.floats, c.floats + c.count);
  case QC_ATTR_BOOL:
    return c.i != 0;
  default:
    return c.i;
  }
}

/// The Graph a C qc_graph describes.
inline Graph graphFromC(const qc_graph &c) {
  Graph g;
  for (int64_t a = 0; a < c.num_arguments; ++a)
    g.arguments.push_back(valueFromC(c.arguments[a]));
  g.nodes.resize(static_cast<size_t>(c.num_nodes));
  for (int64_t i = 0; i < c.num_nodes; ++i) {
    const qc_node &cn = c.nodes[i];
    Node &n = g.nodes[static_cast<size_t>(i)];
    n.index = i;
    n.opType = cn.op_type ? cn.op_type : "";
    n.name = cn.name ? cn.name : "";
    for (int64_t o = 0; o < cn.num_operands; ++o)
      n.operands.push_back(valueFromC(cn.operands[o]));
    for (int64_t r = 0; r < cn.num_results; ++r) {
      n.results.push_back(valueFromC(cn.results[r]));
      std::vector<Use> uses;
      for (int64_t u = 0; u < cn.num_uses[r]; ++u)
        uses.push_back(Use{cn.uses[r][u].node, cn.uses[r][u].operand});
      n.uses.push_back(std::move(uses));
    }
    for (int64_t a = 0; a < cn.num_attrs; ++a)
      n.attrs[cn.attrs[a].name] = attrFromC(cn.attrs[a]);
    n.keepFloat = cn.keep_float != 0;
    for (int64_t o = 0; o < cn.num_options; ++o)
      n.options[cn.option_names[o]] = cn.option_values[o];
    if (cn.annotated_by) {
      Annotation ann;
      ann.quantizer = cn.annotated_by;
      for (int64_t o = 0; o < cn.num_operands; ++o)
        ann.inputs.push_back(specFromC(cn.input_specs[o]));
      for (int64_t r = 0; r < cn.num_results; ++r)
        ann.outputs.push_back(specFromC(cn.output_specs[r]));
      n.annotation = std::move(ann);
    }
  }
  return g;
}

/// Runs `fn`, turning an escaping exception into an error status (plugins
/// must not let exceptions cross the C ABI).
template <typename Fn> Status guarded(Fn &&fn) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    return fn();
  } catch (const std::exception &e) {
    return Status::error(std::string("uncaught exception: ") + e.what());
  } catch (...) {
    return Status::error("uncaught exception");
  }
#else
  return fn();
#endif
}

inline void report(const qc_host_sink *sink, const Status &status) {
  if (!status.ok())
    sink->report_error(sink->context, status.node(), status.message().c_str());
}

/// Sends every annotation that differs between `before` and `after` to the
/// host.
inline int32_t sendAnnotations(const Graph &before, const Graph &after,
                               const qc_host_sink *sink) {
  for (size_t i = 0; i < after.nodes.size() && i < before.nodes.size(); ++i) {
    const std::optional<Annotation> &a = after.nodes[i].annotation;
    const std::optional<Annotation> &b = before.nodes[i].annotation;
    if (!a) {
      if (b && sink->clear_annotation(sink->context, static_cast<int64_t>(i)))
        return 1;
      continue;
    }
    if (b && b->sameSpecs(*a))
      continue;
    CSpecs in(a->inputs), out(a->outputs);
    if (sink->set_annotation(sink->context, static_cast<int64_t>(i), in.data(),
                             in.size(), out.data(), out.size()))
      return 1;
  }
  return 0;
}

/// A registered definition and the C structures qc sees for it.
struct PluginDefinition {
  QuantizerDefinition def;
  std::vector<qc_option_decl> options;
  qc_quantizer_def c;
};

/// One quantizer instance behind the C ABI.
struct PluginInstance {
  std::unique_ptr<Quantizer> quantizer;
  std::string transform;
};

inline void *createInstance(void *userData, const char *const *values,
                            const qc_host_sink *sink) {
  auto *pd = static_cast<PluginDefinition *>(userData);
  OptionValues options;
  for (size_t i = 0; i < pd->def.options.size(); ++i)
    options[pd->def.options[i].name] = values[i] ? values[i] : "";
  auto inst = std::make_unique<PluginInstance>();
  Status st = guarded([&] { return pd->def.create(options, inst->quantizer); });
  if (st.ok() && !inst->quantizer)
    st = Status::error("quantizer factory returned no quantizer");
  if (!st.ok()) {
    report(sink, st);
    return nullptr;
  }
  inst->transform = inst->quantizer->transformForAnnotation();
  return inst.release();
}

inline void destroyInstance(void *instance) {
  delete static_cast<PluginInstance *>(instance);
}

inline const char *transformInstance(void *instance) {
  return static_cast<PluginInstance *>(instance)->transform.c_str();
}

inline int32_t annotateInstance(void *instance, const qc_graph *graph,
                                const qc_host_sink *sink) {
  auto *inst = static_cast<PluginInstance *>(instance);
  Graph before = graphFromC(*graph);
  Graph after = before;
  Status st = guarded([&] { return inst->quantizer->annotate(after); });
  if (!st.ok()) {
    report(sink, st);
    return 1;
  }
  return sendAnnotations(before, after, sink);
}

inline int32_t validateInstance(void *instance, const qc_graph *graph,
                                const qc_host_sink *sink) {
  auto *inst = static_cast<PluginInstance *>(instance);
  Graph g = graphFromC(*graph);
  Status st = guarded([&] { return inst->quantizer->validate(g); });
  report(sink, st);
  return st.ok() ? 0 : 1;
}

/// The definitions of this shared library (one list per loaded plugin).
inline std::vector<std::unique_ptr<PluginDefinition>> &pluginDefinitions() {
  static std::vector<std::unique_ptr<PluginDefinition>> defs;
  return defs;
}

} // namespace detail

/// What a plugin's registration function receives.
class PluginRegistry {
public:
  void add(QuantizerDefinition def) { defs_.push_back(std::move(def)); }
  const std::vector<QuantizerDefinition> &definitions() const { return defs_; }

private:
  std::vector<QuantizerDefinition> defs_;
};

namespace detail {
/// Implements qc_quantizer_plugin_register for QC_QUANTIZER_PLUGIN.
inline int32_t registerPlugin(const qc_plugin_host *host,
                              void (*registerFn)(PluginRegistry &)) {
  if (!host || host->abi_version != QC_QUANTIZER_PLUGIN_ABI_VERSION)
    return 1;
  PluginRegistry registry;
  registerFn(registry);
  for (const QuantizerDefinition &def : registry.definitions()) {
    auto pd = std::make_unique<PluginDefinition>();
    pd->def = def;
    for (const OptionDecl &o : pd->def.options) {
      qc_option_decl d;
      d.name = o.name.c_str();
      d.kind = static_cast<int32_t>(o.kind);
      d.default_value = o.defaultValue.c_str();
      d.choices = o.choices.c_str();
      d.help = o.help.c_str();
      pd->options.push_back(d);
    }
    qc_quantizer_def &c = pd->c;
    std::memset(&c, 0, sizeof(c));
    c.name = pd->def.name.c_str();
    c.description = pd->def.description.c_str();
    c.num_options = static_cast<int64_t>(pd->options.size());
    c.options = pd->options.data();
    c.user_data = pd.get();
    c.create = &createInstance;
    c.destroy = &destroyInstance;
    c.transform_for_annotation = &transformInstance;
    c.annotate = &annotateInstance;
    c.validate = &validateInstance;
    pluginDefinitions().push_back(std::move(pd));
    if (host->register_quantizer(host->context, &pluginDefinitions().back()->c))
      return 1;
  }
  return 0;
}
} // namespace detail

} // namespace qc::quantizer

#if defined(_WIN32)
#define QC_PLUGIN_EXPORT __declspec(dllexport)
#else
#define QC_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/// Defines the plugin entry points. `REGISTER_FN` is a
/// `void (qc::quantizer::PluginRegistry &)` function that adds the plugin's
/// QuantizerDefinitions. Use once per shared library.
#define QC_QUANTIZER_PLUGIN(REGISTER_FN)                                       \
  extern "C" QC_PLUGIN_EXPORT int32_t qc_quantizer_plugin_abi_version(void) {  \
    return QC_QUANTIZER_PLUGIN_ABI_VERSION;                                    \
  }                                                                            \
  extern "C" QC_PLUGIN_EXPORT int32_t qc_quantizer_plugin_register(            \
      const qc_plugin_host *host) {                                            \
    return ::qc::quantizer::detail::registerPlugin(host, &REGISTER_FN);        \
  }

#endif // QC_QUANTIZER_H
