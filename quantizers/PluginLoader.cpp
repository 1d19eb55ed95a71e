//===- PluginLoader.cpp - quantizers from shared libraries ----------------===//
//
// Loads a plugin with llvm::sys::DynamicLibrary, checks its ABI version and
// wraps each quantizer it registers (a C qc_quantizer_def) as a
// QuantizerDefinition whose instances marshal the Graph to the C structs of
// qc/quantizer_plugin.h and apply the annotations the plugin sends back.
//
//===----------------------------------------------------------------------===//
#include "quantizers/QuantizerRegistry.h"

#include "quantizers/Strings.h"
#include "llvm/Support/DynamicLibrary.h"

#include <deque>

namespace qc::quantizer {
namespace {

/// The C view of a Graph. Points into `graph` (which must outlive it and
/// keep its nodes, names, shapes and attributes unchanged) and owns the
/// arrays and annotation specs.
class CGraph {
public:
  explicit CGraph(const Graph &graph) {
    auto value = [&](const Value &v) {
      qc_value c;
      c.producer = v.producer;
      c.index = v.index;
      c.element_type = v.elementType.c_str();
      c.rank = v.rank();
      c.dims = v.shape.data();
      return c;
    };
    for (const Value &v : graph.arguments)
      arguments_.push_back(value(v));
    nodes_.reserve(graph.nodes.size());
    for (const Node &n : graph.nodes) {
      qc_node c;
      std::memset(&c, 0, sizeof(c));
      c.op_type = n.opType.c_str();
      c.name = n.name.c_str();
      auto &ops = values_.emplace_back();
      for (const Value &v : n.operands)
        ops.push_back(value(v));
      c.num_operands = static_cast<int64_t>(ops.size());
      c.operands = ops.data();
      auto &res = values_.emplace_back();
      for (const Value &v : n.results)
        res.push_back(value(v));
      c.num_results = static_cast<int64_t>(res.size());
      c.results = res.data();
      auto &numUses = ints_.emplace_back();
      auto &usePtrs = usePtrs_.emplace_back();
      for (const std::vector<Use> &list : n.uses) {
        auto &uses = uses_.emplace_back();
        for (const Use &u : list)
          uses.push_back(qc_use{u.node, u.operand});
        numUses.push_back(static_cast<int64_t>(uses.size()));
        usePtrs.push_back(uses.data());
      }
      // Results without a use list (a hand-built Graph) have no uses.
      while (numUses.size() < n.results.size()) {
        numUses.push_back(0);
        usePtrs.push_back(nullptr);
      }
      c.num_uses = numUses.data();
      c.uses = usePtrs.data();
      auto &attrs = attrs_.emplace_back();
      for (const auto &[key, attr] : n.attrs) {
        qc_attr a;
        std::memset(&a, 0, sizeof(a));
        a.name = key.c_str();
        if (const auto *i = std::get_if<int64_t>(&attr)) {
          a.kind = QC_ATTR_INT;
          a.i = *i;
        } else if (const auto *f = std::get_if<double>(&attr)) {
          a.kind = QC_ATTR_FLOAT;
          a.f = *f;
        } else if (const auto *s = std::get_if<std::string>(&attr)) {
          a.kind = QC_ATTR_STRING;
          a.s = s->c_str();
        } else if (const auto *is = std::get_if<std::vector<int64_t>>(&attr)) {
          a.kind = QC_ATTR_INTS;
          a.ints = is->data();
          a.count = static_cast<int64_t>(is->size());
        } else if (const auto *fs = std::get_if<std::vector<double>>(&attr)) {
          a.kind = QC_ATTR_FLOATS;
          a.floats = fs->data();
          a.count = static_cast<int64_t>(fs->size());
        } else {
          a.kind = QC_ATTR_BOOL;
          a.i = std::get<bool>(attr) ? 1 : 0;
        }
        attrs.push_back(a);
      }
      c.num_attrs = static_cast<int64_t>(attrs.size());
      c.attrs = attrs.data();
      c.keep_float = n.keepFloat;
      auto &names = strs_.emplace_back();
      auto &values = strs_.emplace_back();
      for (const auto &[key, v] : n.options) {
        names.push_back(key.c_str());
        values.push_back(v.c_str());
      }
      c.num_options = static_cast<int64_t>(names.size());
      c.option_names = names.data();
      c.option_values = values.data();
      if (n.annotation) {
        c.annotated_by = n.annotation->quantizer.c_str();
        const detail::CSpecs &in = specs_.emplace_back(n.annotation->inputs);
        const detail::CSpecs &out = specs_.emplace_back(n.annotation->outputs);
        c.input_specs = in.data();
        c.output_specs = out.data();
      }
      nodes_.push_back(c);
    }
    graph_.num_nodes = static_cast<int64_t>(nodes_.size());
    graph_.nodes = nodes_.data();
    graph_.num_arguments = static_cast<int64_t>(arguments_.size());
    graph_.arguments = arguments_.data();
  }

  const qc_graph *get() const { return &graph_; }

private:
  qc_graph graph_;
  std::vector<qc_node> nodes_;
  std::vector<qc_value> arguments_;
  // Deques: references to earlier elements stay valid as more are added.
  std::deque<std::vector<qc_value>> values_;
  std::deque<std::vector<int64_t>> ints_;
  std::deque<std::vector<qc_use>> uses_;
  std::deque<std::vector<const qc_use *>> usePtrs_;
  std::deque<std::vector<qc_attr>> attrs_;
  std::deque<std::vector<const char *>> strs_;
  std::deque<detail::CSpecs> specs_;
};

/// The callbacks a plugin calls during create / annotate / validate.
struct Sink {
  Graph *graph = nullptr; // null: annotations may not be changed
  std::string quantizer;
  std::vector<std::pair<int64_t, std::string>> errors;
  qc_host_sink c;

  explicit Sink(Graph *g, std::string name)
      : graph(g), quantizer(std::move(name)) {
    c.context = this;
    c.set_annotation = &setAnnotation;
    c.clear_annotation = &clearAnnotation;
    c.report_error = &reportError;
  }

  /// The first error as a Status (with a count of the others).
  Status status(int32_t rc, const char *what) const {
    if (errors.empty()) {
      if (rc == 0)
        return Status::success();
      return Status::error(cat(what, " failed (returned ", rc,
                                        ") without a message"));
    }
    std::string message = errors.front().second;
    if (errors.size() > 1)
      message += cat(" (and ", errors.size() - 1, " more errors)");
    return Status::error(message, errors.front().first);
  }

  static Node *nodeAt(Sink *s, int64_t node, const char *call) {
    if (!s->graph) {
      s->errors.emplace_back(
          -1, cat(call, " may only be called from annotate"));
      return nullptr;
    }
    if (node < 0 || node >= static_cast<int64_t>(s->graph->nodes.size())) {
      s->errors.emplace_back(-1, cat(call, ": node index ", node,
                                              " is out of range (the graph "
                                              "has ",
                                              s->graph->nodes.size(),
                                              " nodes)"));
      return nullptr;
    }
    return &s->graph->node(node);
  }

  static int32_t setAnnotation(void *context, int64_t node,
                               const qc_spec *inputs, int64_t numInputs,
                               const qc_spec *outputs, int64_t numOutputs) {
    auto *s = static_cast<Sink *>(context);
    Node *n = nodeAt(s, node, "set_annotation");
    if (!n)
      return 1;
    if (numInputs != static_cast<int64_t>(n->operands.size()) ||
        numOutputs != static_cast<int64_t>(n->results.size()) ||
        (numInputs && !inputs) || (numOutputs && !outputs)) {
      s->errors.emplace_back(
          node, cat("set_annotation: ", numInputs, " input and ",
                             numOutputs, " output specs for an op with ",
                             n->operands.size(), " operands and ",
                             n->results.size(), " results"));
      return 1;
    }
    Annotation a;
    a.quantizer = s->quantizer;
    for (int64_t i = 0; i < numInputs; ++i) {
      if (inputs[i].kind <= QC_SPEC_NONE || inputs[i].kind > QC_SPEC_FIXED) {
        s->errors.emplace_back(node, cat("set_annotation: input ", i,
                                                  " has invalid spec kind ",
                                                  inputs[i].kind));
        return 1;
      }
      a.inputs.push_back(detail::specFromC(inputs[i]));
    }
    for (int64_t r = 0; r < numOutputs; ++r) {
      if (outputs[r].kind <= QC_SPEC_NONE || outputs[r].kind > QC_SPEC_FIXED) {
        s->errors.emplace_back(node, cat("set_annotation: output ", r,
                                                  " has invalid spec kind ",
                                                  outputs[r].kind));
        return 1;
      }
      a.outputs.push_back(detail::specFromC(outputs[r]));
    }
    n->annotation = std::move(a);
    return 0;
  }

  static int32_t clearAnnotation(void *context, int64_t node) {
    auto *s = static_cast<Sink *>(context);
    Node *n = nodeAt(s, node, "clear_annotation");
    if (!n)
      return 1;
    n->annotation.reset();
    return 0;
  }

  static void reportError(void *context, int64_t node, const char *message) {
    auto *s = static_cast<Sink *>(context);
    s->errors.emplace_back(node, message ? message : "(no message)");
  }
};

/// A quantizer instance living in a plugin.
class PluginQuantizer : public Quantizer {
public:
  PluginQuantizer(const qc_quantizer_def &def, void *instance)
      : def_(def), instance_(instance) {}
  ~PluginQuantizer() override {
    if (def_.destroy)
      def_.destroy(instance_);
  }

  std::string transformForAnnotation() const override {
    if (!def_.transform_for_annotation)
      return std::string();
    const char *pipeline = def_.transform_for_annotation(instance_);
    return pipeline ? pipeline : "";
  }

  Status annotate(Graph &graph) override {
    CGraph c(graph);
    Sink sink(&graph, def_.name);
    int32_t rc = def_.annotate(instance_, c.get(), &sink.c);
    return sink.status(rc, "annotate");
  }

  Status validate(const Graph &graph) const override {
    if (!def_.validate)
      return Status::success();
    CGraph c(graph);
    Sink sink(nullptr, def_.name);
    int32_t rc = def_.validate(instance_, c.get(), &sink.c);
    return sink.status(rc, "validate");
  }

private:
  qc_quantizer_def def_;
  void *instance_;
};

/// State of one qc_quantizer_plugin_register call.
struct RegisterContext {
  QuantizerRegistry *registry;
  std::string path;
  std::vector<std::string> errors;
  int registered = 0;
};

int32_t registerQuantizer(void *context, const qc_quantizer_def *def) {
  auto *ctx = static_cast<RegisterContext *>(context);
  if (!def || !def->name || !def->create || !def->annotate) {
    ctx->errors.push_back("a quantizer definition lacks a name, create or "
                          "annotate");
    return 1;
  }
  QuantizerDefinition qd;
  qd.name = def->name;
  qd.description = def->description ? def->description : "";
  for (int64_t i = 0; i < def->num_options; ++i) {
    const qc_option_decl &o = def->options[i];
    if (!o.name || o.kind < QC_OPTION_BOOL || o.kind > QC_OPTION_OBSERVER) {
      ctx->errors.push_back(cat("quantizer '", qd.name, "': option ",
                                         i, " has no name or an unknown "
                                            "kind"));
      return 1;
    }
    OptionDecl d;
    d.name = o.name;
    d.kind = static_cast<OptionKind>(o.kind);
    d.defaultValue = o.default_value ? o.default_value : "";
    d.choices = o.choices ? o.choices : "";
    d.help = o.help ? o.help : "";
    qd.options.push_back(std::move(d));
  }
  qc_quantizer_def copy = *def;
  std::vector<std::string> order;
  for (const OptionDecl &o : qd.options)
    order.push_back(o.name);
  qd.create = [copy, order](const OptionValues &values,
                            std::unique_ptr<Quantizer> &out) {
    std::vector<std::string> strings;
    for (const std::string &name : order) {
      auto it = values.find(name);
      strings.push_back(it == values.end() ? std::string() : it->second);
    }
    std::vector<const char *> ptrs;
    for (const std::string &s : strings)
      ptrs.push_back(s.c_str());
    Sink sink(nullptr, copy.name);
    void *instance = copy.create(copy.user_data, ptrs.data(), &sink.c);
    if (!instance) {
      Status st = sink.status(1, "create");
      return st;
    }
    out = std::make_unique<PluginQuantizer>(copy, instance);
    return Status::success();
  };
  absl::Status st = ctx->registry->add(std::move(qd), ctx->path);
  if (!st.ok()) {
    ctx->errors.push_back(std::string(st.message()));
    return 1;
  }
  ++ctx->registered;
  return 0;
}

} // namespace

absl::Status QuantizerRegistry::loadPlugin(const std::string &path) {
  std::lock_guard<std::mutex> lock(pluginMutex_);
  auto cached = plugins_.find(path);
  if (cached != plugins_.end())
    return cached->second;
  auto fail = [&](std::string message) {
    absl::Status st = absl::InvalidArgumentError(std::move(message));
    plugins_[path] = st;
    return st;
  };
  std::string error;
  llvm::sys::DynamicLibrary lib =
      llvm::sys::DynamicLibrary::getPermanentLibrary(path.c_str(), &error);
  if (!lib.isValid())
    return fail(cat("cannot load quantizer plugin '", path,
                             "': ", error));
  auto version = reinterpret_cast<qc_quantizer_plugin_abi_version_fn>(
      lib.getAddressOfSymbol(QC_QUANTIZER_PLUGIN_ABI_VERSION_SYMBOL));
  if (!version)
    return fail(cat("'", path,
                             "' is not a qc quantizer plugin: it does not "
                             "export " QC_QUANTIZER_PLUGIN_ABI_VERSION_SYMBOL));
  int32_t pluginVersion = version();
  if (pluginVersion != QC_QUANTIZER_PLUGIN_ABI_VERSION)
    return fail(cat(
        "quantizer plugin '", path, "' was built for plugin ABI version ",
        pluginVersion, ", but this qc uses ABI version ",
        QC_QUANTIZER_PLUGIN_ABI_VERSION,
        "; rebuild it against this qc's qc/quantizer_plugin.h"));
  auto registerFn = reinterpret_cast<qc_quantizer_plugin_register_fn>(
      lib.getAddressOfSymbol(QC_QUANTIZER_PLUGIN_REGISTER_SYMBOL));
  if (!registerFn)
    return fail(cat("'", path,
                             "' is not a qc quantizer plugin: it does not "
                             "export " QC_QUANTIZER_PLUGIN_REGISTER_SYMBOL));
  RegisterContext ctx{this, path, {}, 0};
  qc_plugin_host host;
  host.abi_version = QC_QUANTIZER_PLUGIN_ABI_VERSION;
  host.context = &ctx;
  host.register_quantizer = &registerQuantizer;
  int32_t rc = registerFn(&host);
  if (!ctx.errors.empty())
    return fail(cat("quantizer plugin '", path,
                             "': ", ctx.errors.front()));
  if (rc != 0)
    return fail(cat("quantizer plugin '", path,
                             "': registration failed (returned ", rc, ")"));
  if (ctx.registered == 0)
    return fail(cat("quantizer plugin '", path,
                             "' registers no quantizer"));
  plugins_[path] = absl::OkStatus();
  return absl::OkStatus();
}

} // namespace qc::quantizer
