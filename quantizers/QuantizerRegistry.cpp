//===- QuantizerRegistry.cpp - quantizer registry, options, composition ---===//
#include "quantizers/QuantizerRegistry.h"

#include "quantizers/Strings.h"
#include "quantizers/builtin/BuiltinQuantizers.h"
#include "quantizers/observers/Observers.h"

#include "absl/strings/str_join.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace qc::quantizer {

std::string joinNames(const std::vector<std::string> &names) {
  return absl::StrJoin(names, ", ");
}

namespace {

absl::Status invalid(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Splits `text` at `sep` outside [...] brackets; a backslash before `,` or
/// `;` makes it literal (the backslash is dropped), other backslash
/// sequences are kept for the regex. `\[` and `\]` do not count as brackets.
std::vector<std::string> splitTopLevel(std::string_view text, char sep) {
  std::vector<std::string> parts(1);
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char n = text[i + 1];
      if (n == ',' || n == ';') {
        // Keep the escape until the last split so an inner split does not
        // see a bare separator.
        if (n == sep)
          parts.back() += n;
        else
          parts.back().append({c, n});
      } else {
        parts.back().append({c, n});
      }
      ++i;
      continue;
    }
    if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    if (c == sep && depth == 0) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

/// Removes the escapes of `\,` and `\;` (other backslashes stay).
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == ',' || s[i + 1] == ';'))
      continue;
    out += s[i];
  }
  return out;
}

/// Position of the first '=' outside brackets, or npos.
size_t findAssign(std::string_view item) {
  int depth = 0;
  for (size_t i = 0; i < item.size(); ++i) {
    char c = item[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    else if (c == '=' && depth == 0)
      return i;
  }
  return std::string_view::npos;
}

bool parseInt(std::string_view s, int64_t &out) {
  std::string str(s);
  if (str.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(str.c_str(), &end, 10);
  if (errno || *end != '\0')
    return false;
  out = v;
  return true;
}

bool parseDouble(std::string_view s, double &out) {
  std::string str(s);
  if (str.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(str.c_str(), &end);
  if (errno || *end != '\0' || !std::isfinite(v))
    return false;
  out = v;
  return true;
}

bool parseBool(std::string_view s, bool &out) {
  if (s == "1" || s == "true") {
    out = true;
    return true;
  }
  if (s == "0" || s == "false") {
    out = false;
    return true;
  }
  return false;
}

std::vector<std::string> optionNames(const QuantizerDefinition &def) {
  std::vector<std::string> names;
  for (const OptionDecl &o : def.options)
    names.push_back(o.name);
  names.push_back(kKeepFloatOption);
  return names;
}

} // namespace

//===----------------------------------------------------------------------===//
// Option language
//===----------------------------------------------------------------------===//

absl::StatusOr<Selector> Selector::parse(std::string_view text) {
  Selector sel;
  sel.text_ = std::string(text);
  if (text.empty())
    return invalid("empty selector (expected NAME, /REGEX/ or op:TYPE)");
  if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
    std::string body(text.substr(1, text.size() - 2));
    if (body.empty())
      return invalid("empty regex in selector '//'");
    sel.kind_ = Kind::kRegex;
    sel.regex_ = std::make_shared<llvm::Regex>("^(" + body + ")$");
    std::string error;
    if (!sel.regex_->isValid(error))
      return invalid(cat("invalid regex in selector '", text,
                                  "': ", error));
    return sel;
  }
  if (text.substr(0, 3) == "op:") {
    std::string_view type = text.substr(3);
    if (type.substr(0, 3) == "qc.")
      type.remove_prefix(3);
    if (type.empty())
      return invalid(cat("selector '", text, "' names no op type"));
    sel.kind_ = Kind::kOpType;
    sel.value_ = std::string(type);
    return sel;
  }
  sel.kind_ = Kind::kName;
  sel.value_ = std::string(text);
  return sel;
}

bool Selector::matches(const Node &node) const {
  switch (kind_) {
  case Kind::kName:
    return node.name == value_;
  case Kind::kOpType:
    return node.opType == value_;
  case Kind::kRegex:
    return !node.name.empty() && regex_->match(node.name);
  }
  return false;
}

absl::StatusOr<std::vector<QuantizerSpec>>
parseQuantizerList(std::string_view text) {
  std::vector<QuantizerSpec> out;
  if (trim(text).empty())
    return invalid("no quantizer given");
  std::vector<std::string> entries = splitTopLevel(text, ';');
  for (size_t e = 0; e < entries.size(); ++e) {
    std::string_view entry = trim(entries[e]);
    if (entry.empty()) {
      // A trailing ';' is harmless; an empty entry in the middle is not.
      if (e + 1 == entries.size() && !out.empty())
        continue;
      return invalid(cat("empty quantizer in quantizer list '", text,
                                  "' (expected NAME[,OPTION=VALUE...] "
                                  "entries separated by ';')"));
    }
    std::vector<std::string> items = splitTopLevel(entry, ',');
    QuantizerSpec spec;
    spec.name = std::string(trim(items[0]));
    if (spec.name.empty() || spec.name.find('=') != std::string::npos)
      return invalid(cat("quantizer entry '", entry,
                                  "' must start with a quantizer name"));
    for (size_t i = 1; i < items.size(); ++i) {
      std::string_view item = trim(items[i]);
      if (item.empty())
        return invalid(cat("quantizer '", spec.name,
                                    "': empty option in '", entry, "'"));
      size_t eq = findAssign(item);
      if (eq == std::string_view::npos && item.find('[') != std::string_view::npos)
        return invalid(cat("quantizer '", spec.name, "': option '", item,
                           "' is malformed (expected OPTION[SELECTOR]=VALUE)"));
      if (eq == std::string_view::npos)
        return invalid(cat("quantizer '", spec.name, "': option '",
                                    item, "' needs a value (OPTION=VALUE)"));
      std::string_view key = trim(item.substr(0, eq));
      std::string value = unescape(trim(item.substr(eq + 1)));
      size_t bracket = key.find('[');
      if (bracket == std::string_view::npos) {
        if (key.empty())
          return invalid(cat("quantizer '", spec.name,
                                      "': option '", item, "' has no name"));
        if (key == kKeepFloatOption) {
          auto sel = Selector::parse(value);
          if (!sel.ok())
            return invalid(cat("quantizer '", spec.name,
                                        "': keep_float: ", sel.status().message()));
          spec.keepFloat.push_back(*std::move(sel));
          continue;
        }
        spec.options.emplace_back(std::string(key), value);
        continue;
      }
      if (key.back() != ']')
        return invalid(cat("quantizer '", spec.name, "': option '",
                                    item,
                                    "' is malformed (expected "
                                    "OPTION[SELECTOR]=VALUE)"));
      std::string option(trim(key.substr(0, bracket)));
      std::string selText =
          unescape(key.substr(bracket + 1, key.size() - bracket - 2));
      if (option.empty())
        return invalid(cat("quantizer '", spec.name, "': option '",
                                    item, "' has no name"));
      if (option == kKeepFloatOption)
        return invalid(cat("quantizer '", spec.name, "': write '",
                                    kKeepFloatOption, "=", selText,
                                    "' to keep nodes float (no [SELECTOR])"));
      auto sel = Selector::parse(selText);
      if (!sel.ok())
        return invalid(cat("quantizer '", spec.name, "': option '",
                                    option, "': ", sel.status().message()));
      spec.overrides.push_back(OptionOverride{option, *std::move(sel), value});
    }
    out.push_back(std::move(spec));
  }
  return out;
}

absl::StatusOr<std::string> checkOptionValue(const OptionDecl &decl,
                                             std::string_view value) {
  switch (decl.kind) {
  case OptionKind::kBool: {
    bool b;
    if (!parseBool(value, b))
      return invalid(cat("option '", decl.name,
                                  "' expects 0 or 1, got '", value, "'"));
    return std::string(b ? "1" : "0");
  }
  case OptionKind::kInt: {
    int64_t i;
    if (!parseInt(value, i))
      return invalid(cat("option '", decl.name,
                                  "' expects an integer, got '", value, "'"));
    return std::to_string(i);
  }
  case OptionKind::kFloat: {
    double d;
    if (!parseDouble(value, d))
      return invalid(cat("option '", decl.name,
                                  "' expects a number, got '", value, "'"));
    return std::string(value);
  }
  case OptionKind::kString:
    return std::string(value);
  case OptionKind::kEnum: {
    std::vector<std::string> choices = splitTopLevel(decl.choices, '|');
    if (std::find(choices.begin(), choices.end(), value) == choices.end())
      return invalid(cat("option '", decl.name, "' expects one of ",
                                  absl::StrJoin(choices, ", "), ", got '",
                                  value, "'"));
    return std::string(value);
  }
  case OptionKind::kObserver: {
    auto kind = parseObserverKind(value);
    if (!kind.ok() || isPerChannelKind(*kind))
      return invalid(cat(
          "option '", decl.name,
          "' expects a per-tensor observer (minmax, moving_average_minmax, "
          "histogram, percentile, entropy, mse), got '",
          value, "'"));
    return std::string(toString(*kind));
  }
  }
  return invalid(cat("option '", decl.name, "' has an unknown kind"));
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

QuantizerRegistry &QuantizerRegistry::global() {
  static QuantizerRegistry *registry = [] {
    auto *r = new QuantizerRegistry();
    for (QuantizerDefinition &def : builtinQuantizerDefinitions()) {
      absl::Status st = r->add(std::move(def), "built-in");
      (void)st; // Built-in definitions are unit-tested to register.
    }
    return r;
  }();
  return *registry;
}

absl::Status QuantizerRegistry::add(QuantizerDefinition def,
                                    std::string origin) {
  if (def.name.empty())
    return invalid(cat("a quantizer from ", origin, " has no name"));
  for (char c : def.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.'))
      return invalid(cat("quantizer name '", def.name, "' from ",
                                  origin,
                                  " may only use letters, digits, '_', '-' "
                                  "and '.'"));
  if (!def.create)
    return invalid(cat("quantizer '", def.name, "' from ", origin,
                                " has no factory"));
  std::vector<std::string> seen;
  for (const OptionDecl &o : def.options) {
    if (o.name.empty() || o.name == kKeepFloatOption ||
        std::find(seen.begin(), seen.end(), o.name) != seen.end())
      return invalid(cat("quantizer '", def.name, "' from ", origin,
                                  " declares option '", o.name,
                                  "' (empty, duplicate or reserved)"));
    seen.push_back(o.name);
    if (auto st = checkOptionValue(o, o.defaultValue); !st.ok())
      return invalid(cat("quantizer '", def.name, "' from ", origin,
                                  ": default value: ", st.status().message()));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(def.name);
  if (it != entries_.end())
    return absl::AlreadyExistsError(
        cat("quantizer '", def.name, "' from ", origin,
                     " is already registered (from ", it->second.origin, ")"));
  std::string name = def.name;
  entries_[name] = Entry{
      std::make_shared<const QuantizerDefinition>(std::move(def)),
      std::move(origin)};
  return absl::OkStatus();
}

std::shared_ptr<const QuantizerDefinition>
QuantizerRegistry::lookup(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.def;
}

std::string QuantizerRegistry::origin(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? std::string() : it->second.origin;
}

std::vector<std::string> QuantizerRegistry::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto &[name, entry] : entries_)
    names.push_back(name);
  return names;
}

//===----------------------------------------------------------------------===//
// Checking annotations
//===----------------------------------------------------------------------===//

std::optional<ObserverOptionType> observerOptionType(std::string_view name) {
  if (name == "eps" || name == "averaging_constant" || name == "percentile")
    return ObserverOptionType::kFloat;
  if (name == "bins" || name == "upsample_rate")
    return ObserverOptionType::kInt;
  if (name == "torch113_histc_range")
    return ObserverOptionType::kBool;
  return std::nullopt;
}

namespace {

QuantDtype toObserverDtype(Dtype dtype) {
  switch (dtype) {
  case Dtype::kU8:
    return QuantDtype::kQUInt8;
  case Dtype::kS8:
    return QuantDtype::kQInt8;
  case Dtype::kS16:
    return QuantDtype::kQInt16;
  case Dtype::kS32:
    return QuantDtype::kQInt32;
  }
  return QuantDtype::kQUInt8;
}

bool validDtype(Dtype dtype) {
  int d = static_cast<int>(dtype);
  return d >= QC_DTYPE_U8 && d <= QC_DTYPE_S32;
}

absl::Status checkRange(Dtype dtype, int64_t qmin, int64_t qmax) {
  if (!validDtype(dtype))
    return invalid(cat("unknown dtype ", static_cast<int>(dtype)));
  auto [lo, hi] = dtypeRange(dtype);
  if (qmin >= qmax || qmin < lo || qmax > hi)
    return invalid(cat("quantization range [", qmin, ", ", qmax,
                                "] is empty or does not fit ", toString(dtype),
                                " [", lo, ", ", hi, "]"));
  return absl::OkStatus();
}

absl::Status checkAxis(int64_t axis, const Value &edge) {
  if (axis == -1)
    return absl::OkStatus();
  if (axis < -1)
    return invalid(cat("axis must be >= 0 or -1 (per tensor), got ",
                                axis));
  if (edge.ranked && axis >= edge.rank())
    return invalid(cat("axis ", axis, " is out of range for a rank-",
                                edge.rank(), " tensor"));
  return absl::OkStatus();
}

/// Checks (and canonicalizes) an observed spec on `edge`.
absl::Status checkQuantizationSpec(QuantizationSpec &q, const Value &edge) {
  if (absl::Status st = checkRange(q.dtype, q.quantMin, q.quantMax); !st.ok())
    return st;
  if (absl::Status st = checkAxis(q.axis, edge); !st.ok())
    return st;
  auto kind = parseObserverKind(q.observer);
  if (!kind.ok())
    return kind.status();
  q.observer = std::string(toString(*kind));
  bool perChannel = isPerChannelKind(*kind);
  if (perChannel && q.axis < 0)
    return invalid(cat("observer '", q.observer,
                                "' needs a per-channel axis (axis >= 0)"));
  if (!perChannel && q.axis >= 0)
    return invalid(cat("observer '", q.observer,
                                "' is per tensor but axis is ", q.axis,
                                " (use per_channel_minmax or "
                                "moving_average_per_channel_minmax)"));
  if (q.dynamic && (q.axis >= 0 || *kind != ObserverKind::kMinMax))
    return invalid("a dynamic spec must be per tensor with observer "
                   "'minmax' (qparams come from each tensor's min and max "
                   "at run time)");
  if (q.perToken && !q.dynamic)
    return invalid("per_token needs a dynamic spec (qparams chosen at run "
                   "time)");

  // Build the observer the spec describes: its validation (PyTorch's
  // constraints on qscheme, range, eps, bins, ...) is the final word.
  ObserverOptions options;
  options.qparams.dtype = toObserverDtype(q.dtype);
  options.qparams.qscheme =
      perChannel ? (q.symmetric ? QScheme::kPerChannelSymmetric
                                : QScheme::kPerChannelAffine)
                 : (q.symmetric ? QScheme::kPerTensorSymmetric
                                : QScheme::kPerTensorAffine);
  options.qparams.quantMin = q.quantMin;
  options.qparams.quantMax = q.quantMax;
  options.chAxis = perChannel ? q.axis : 0;
  std::map<std::string, std::string> canonical;
  for (const auto &[key, value] : q.observerOptions) {
    auto type = observerOptionType(key);
    if (!type)
      return invalid(cat(
          "unknown observer option '", key,
          "' (known: averaging_constant, bins, eps, percentile, "
          "torch113_histc_range, upsample_rate)"));
    bool applies = key == "eps";
    if (key == "averaging_constant")
      applies = *kind == ObserverKind::kMovingAverageMinMax ||
                *kind == ObserverKind::kMovingAveragePerChannelMinMax;
    if (key == "bins")
      applies = *kind == ObserverKind::kHistogram ||
                *kind == ObserverKind::kPercentile ||
                *kind == ObserverKind::kEntropy ||
                *kind == ObserverKind::kMse;
    if (key == "upsample_rate" || key == "torch113_histc_range")
      applies = *kind == ObserverKind::kHistogram;
    if (key == "percentile")
      applies = *kind == ObserverKind::kPercentile;
    if (!applies)
      return invalid(cat("observer option '", key,
                                  "' does not apply to observer '",
                                  q.observer, "'"));
    switch (*type) {
    case ObserverOptionType::kFloat: {
      double d;
      if (!parseDouble(value, d))
        return invalid(cat("observer option '", key,
                                    "' expects a number, got '", value, "'"));
      if (key == "eps")
        options.qparams.eps = static_cast<float>(d);
      else if (key == "averaging_constant")
        options.averagingConstant = d;
      else
        options.percentile = d;
      canonical[key] = cat(d);
      break;
    }
    case ObserverOptionType::kInt: {
      int64_t i;
      if (!parseInt(value, i))
        return invalid(cat("observer option '", key,
                                    "' expects an integer, got '", value,
                                    "'"));
      if (key == "bins")
        options.bins = i;
      else
        options.upsampleRate = i;
      canonical[key] = std::to_string(i);
      break;
    }
    case ObserverOptionType::kBool: {
      bool b;
      if (!parseBool(value, b))
        return invalid(cat("observer option '", key,
                                    "' expects true or false, got '", value,
                                    "'"));
      options.torch113HistcRange = b;
      canonical[key] = b ? "true" : "false";
      break;
    }
    }
  }
  q.observerOptions = std::move(canonical);
  auto observer = createObserver(*kind, options);
  if (!observer.ok())
    return observer.status();
  return absl::OkStatus();
}

/// True when input edge `k` carries its own qparams (observed or fixed),
/// so that shared / derived specs may refer to it.
bool isQParamsSource(const Annotation &a, int64_t k) {
  const EdgeSpec &s = a.inputs[static_cast<size_t>(k)];
  // A dynamic edge's qparams exist only at run time: nothing can share or
  // derive from them.
  if (const auto *q = std::get_if<QuantizationSpec>(&s))
    return !q->dynamic;
  return std::get_if<FixedQParamsQuantizationSpec>(&s) != nullptr;
}

bool isDynamic(const EdgeSpec &s) {
  const auto *q = std::get_if<QuantizationSpec>(&s);
  return q && q->dynamic;
}

absl::Status checkEdge(const Node &node, Annotation &a, EdgeSpec &spec,
                       const Value &edge) {
  if (std::get_if<FloatSpec>(&spec))
    return absl::OkStatus();
  if (!edge.isFloat32())
    return invalid(cat("is a ", edge.elementType,
                                " tensor; only f32 edges can be quantized"));
  int64_t numInputs = static_cast<int64_t>(node.operands.size());
  if (auto *q = std::get_if<QuantizationSpec>(&spec))
    return checkQuantizationSpec(*q, edge);
  if (auto *sh = std::get_if<SharedQuantizationSpec>(&spec)) {
    if (sh->input < 0 || sh->input >= numInputs)
      return invalid(cat("shares input ", sh->input, ", but the op has ",
                                  numInputs, " inputs"));
    if (&a.inputs[static_cast<size_t>(sh->input)] == &spec)
      return invalid("shares qparams with itself");
    if (!isQParamsSource(a, sh->input))
      return invalid(cat(
          "shares input ", sh->input, ", which is ",
          toString(a.inputs[static_cast<size_t>(sh->input)]),
          " (a shared edge must refer to an observed or fixed input)"));
    return absl::OkStatus();
  }
  if (auto *d = std::get_if<DerivedQuantizationSpec>(&spec)) {
    if (absl::Status st = checkRange(d->dtype, d->quantMin, d->quantMax);
        !st.ok())
      return st;
    if (absl::Status st = checkAxis(d->axis, edge); !st.ok())
      return st;
    if (d->inputs.empty())
      return invalid("derives its qparams from no input");
    for (int64_t k : d->inputs) {
      if (k < 0 || k >= numInputs)
        return invalid(cat("derives from input ", k,
                                    ", but the op has ", numInputs,
                                    " inputs"));
      const EdgeSpec &src = a.inputs[static_cast<size_t>(k)];
      if (&src == &spec || !(isQParamsSource(a, k) ||
                             std::get_if<SharedQuantizationSpec>(&src)))
        return invalid(cat("derives from input ", k, ", which is ",
                                    toString(src),
                                    " (derived qparams need quantized "
                                    "inputs)"));
    }
    return absl::OkStatus();
  }
  auto &f = std::get<FixedQParamsQuantizationSpec>(spec);
  if (absl::Status st = checkRange(f.dtype, f.quantMin, f.quantMax); !st.ok())
    return st;
  // The IR stores the scale as f32.
  f.scale = static_cast<double>(static_cast<float>(f.scale));
  if (!(std::isfinite(f.scale) && f.scale > 0.0))
    return invalid(cat("fixed scale must be positive and finite, got ",
                                f.scale));
  if (f.zeroPoint < f.quantMin || f.zeroPoint > f.quantMax)
    return invalid(cat("fixed zero point ", f.zeroPoint,
                                " is outside [", f.quantMin, ", ", f.quantMax,
                                "]"));
  return absl::OkStatus();
}

} // namespace

absl::Status checkAnnotation(const Node &node, Annotation &annotation) {
  if (annotation.inputs.size() != node.operands.size() ||
      annotation.outputs.size() != node.results.size())
    return invalid(cat(
        "annotation has ", annotation.inputs.size(), " input and ",
        annotation.outputs.size(), " output specs, but the op has ",
        node.operands.size(), " operands and ", node.results.size(),
        " results"));
  for (size_t i = 0; i < annotation.inputs.size(); ++i)
    if (absl::Status st = checkEdge(node, annotation, annotation.inputs[i],
                                    node.operands[i]);
        !st.ok())
      return invalid(cat("input ", i, " ", st.message()));
  // Dynamic quantization is defined for the activation input of a matrix
  // product only (PyTorch's dynamic quantized linear); outputs stay float.
  for (size_t i = 0; i < annotation.inputs.size(); ++i) {
    if (!isDynamic(annotation.inputs[i]))
      continue;
    if (node.opType != "linear" && node.opType != "matmul")
      return invalid(cat("input ", i,
                         " has a dynamic spec, but dynamic "
                         "quantization applies to the activation input of "
                         "linear / matmul only (not ",
                         node.opType, ")"));
    if (node.opType == "linear" && i != 0)
      return invalid(cat("input ", i,
                         " of linear has a dynamic spec; only "
                         "input 0 (the activation) can be dynamic"));
  }
  for (size_t r = 0; r < annotation.outputs.size(); ++r)
    if (isDynamic(annotation.outputs[r]))
      return invalid(cat("output ", r,
                         " has a dynamic spec; outputs of "
                         "dynamically quantized ops stay float (only the "
                         "activation input of linear / matmul can be "
                         "dynamic)"));
  for (size_t r = 0; r < annotation.outputs.size(); ++r)
    if (absl::Status st = checkEdge(node, annotation, annotation.outputs[r],
                                    node.results[r]);
        !st.ok())
      return invalid(cat("output ", r, " ", st.message()));
  return absl::OkStatus();
}

//===----------------------------------------------------------------------===//
// Composition
//===----------------------------------------------------------------------===//

absl::StatusOr<std::unique_ptr<ComposableQuantizer>>
ComposableQuantizer::create(std::string_view quantizerList,
                            const QuantizerRegistry &registry) {
  auto specs = parseQuantizerList(quantizerList);
  if (!specs.ok())
    return specs.status();
  auto composed = std::unique_ptr<ComposableQuantizer>(new ComposableQuantizer());
  for (QuantizerSpec &spec : *specs) {
    Stage stage;
    stage.name = spec.name;
    stage.def = registry.lookup(spec.name);
    if (!stage.def)
      return invalid(cat("unknown quantizer '", spec.name,
                                  "'; known quantizers: ",
                                  joinNames(registry.names())));
    const QuantizerDefinition &def = *stage.def;
    auto findDecl = [&](const std::string &name) -> const OptionDecl * {
      for (const OptionDecl &o : def.options)
        if (o.name == name)
          return &o;
      return nullptr;
    };
    auto unknown = [&](const std::string &name) {
      return invalid(cat("quantizer '", spec.name,
                                  "': unknown option '", name,
                                  "'; options: ", joinNames(optionNames(def))));
    };
    for (const OptionDecl &o : def.options)
      stage.globals[o.name] = *checkOptionValue(o, o.defaultValue);
    for (const auto &[name, value] : spec.options) {
      const OptionDecl *decl = findDecl(name);
      if (!decl)
        return unknown(name);
      auto v = checkOptionValue(*decl, value);
      if (!v.ok())
        return invalid(cat("quantizer '", spec.name, "': ",
                                    v.status().message()));
      stage.globals[name] = *v;
    }
    for (OptionOverride &o : spec.overrides) {
      const OptionDecl *decl = findDecl(o.option);
      if (!decl)
        return unknown(o.option);
      auto v = checkOptionValue(*decl, o.value);
      if (!v.ok())
        return invalid(cat("quantizer '", spec.name, "': ",
                                    v.status().message(), " (in '", o.option,
                                    "[", o.selector.text(), "]')"));
      o.value = *v;
    }
    stage.overrides = std::move(spec.overrides);
    stage.keepFloat = std::move(spec.keepFloat);
    Status st = def.create(stage.globals, stage.instance);
    if (!st.ok())
      return invalid(cat("quantizer '", spec.name, "': ",
                                  st.message()));
    if (!stage.instance)
      return invalid(cat("quantizer '", spec.name,
                                  "': its factory returned no quantizer"));
    composed->stages_.push_back(std::move(stage));
  }
  return composed;
}

std::vector<std::pair<std::string, std::string>>
ComposableQuantizer::transforms() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Stage &stage : stages_) {
    std::string pipeline = stage.instance->transformForAnnotation();
    if (!pipeline.empty())
      out.emplace_back(stage.name, std::move(pipeline));
  }
  return out;
}

std::vector<std::string> ComposableQuantizer::names() const {
  std::vector<std::string> names;
  for (const Stage &stage : stages_)
    names.push_back(stage.name);
  return names;
}

void ComposableQuantizer::prepareNodes(const Stage &stage, Graph &graph,
                                       std::vector<bool> &overrideUsed,
                                       std::vector<bool> &keepFloatUsed) const {
  // Precedence: exact name > regex > op type > global; among overrides of the
  // same precedence the last one written wins.
  auto rank = [](Selector::Kind kind) {
    switch (kind) {
    case Selector::Kind::kName:
      return 3;
    case Selector::Kind::kRegex:
      return 2;
    case Selector::Kind::kOpType:
      return 1;
    }
    return 0;
  };
  for (Node &node : graph.nodes) {
    node.options = stage.globals;
    node.keepFloat = false;
    for (size_t k = 0; k < stage.keepFloat.size(); ++k)
      if (stage.keepFloat[k].matches(node)) {
        node.keepFloat = true;
        keepFloatUsed[k] = true;
      }
    std::map<std::string, int> best;
    for (size_t o = 0; o < stage.overrides.size(); ++o) {
      const OptionOverride &ov = stage.overrides[o];
      if (!ov.selector.matches(node))
        continue;
      overrideUsed[o] = true;
      int r = rank(ov.selector.kind());
      auto it = best.find(ov.option);
      if (it != best.end() && it->second > r)
        continue;
      best[ov.option] = r;
      node.options[ov.option] = ov.value;
    }
  }
}

namespace {

/// Describes how `after` differs from `before` (the first differing edge).
std::string describeChange(const Annotation &before,
                           const std::optional<Annotation> &after,
                           const std::string &newQuantizer) {
  if (!after)
    return cat("'", newQuantizer, "' removes the annotation");
  for (size_t i = 0; i < before.inputs.size() && i < after->inputs.size(); ++i)
    if (before.inputs[i] != after->inputs[i])
      return cat("input ", i, ": '", before.quantizer, "' gives ",
                          toString(before.inputs[i]), ", '", newQuantizer,
                          "' gives ", toString(after->inputs[i]));
  for (size_t r = 0; r < before.outputs.size() && r < after->outputs.size();
       ++r)
    if (before.outputs[r] != after->outputs[r])
      return cat("output ", r, ": '", before.quantizer, "' gives ",
                          toString(before.outputs[r]), ", '", newQuantizer,
                          "' gives ", toString(after->outputs[r]));
  return "the number of specs differs";
}

} // namespace

bool ComposableQuantizer::annotate(Graph &graph,
                                   std::vector<Diagnostic> &diagnostics) const {
  bool ok = true;
  auto error = [&](int64_t node, std::string message) {
    diagnostics.push_back(
        Diagnostic{Diagnostic::Severity::kError, node, std::move(message)});
    ok = false;
  };
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    graph.nodes[i].index = static_cast<int64_t>(i);
    Node &node = graph.nodes[i];
    if (!node.annotation)
      continue;
    if (absl::Status st = checkAnnotation(node, *node.annotation); !st.ok())
      error(node.index, cat("op ", node.label(),
                                     ": existing annotation (by '",
                                     node.annotation->quantizer,
                                     "') is invalid: ", st.message()));
  }
  if (!ok)
    return false;

  for (const Stage &stage : stages_) {
    std::vector<bool> overrideUsed(stage.overrides.size(), false);
    std::vector<bool> keepFloatUsed(stage.keepFloat.size(), false);
    prepareNodes(stage, graph, overrideUsed, keepFloatUsed);
    std::vector<std::optional<Annotation>> before;
    before.reserve(graph.nodes.size());
    for (const Node &node : graph.nodes)
      before.push_back(node.annotation);

    Status st = stage.instance->annotate(graph);
    if (!st.ok()) {
      std::string where;
      if (st.node() >= 0 && st.node() < static_cast<int64_t>(graph.nodes.size()))
        where = cat("op ", graph.node(st.node()).label(), ": ");
      error(st.node(), cat("quantizer '", stage.name, "': ", where,
                                    st.message()));
      return false;
    }
    if (graph.nodes.size() != before.size()) {
      error(-1, cat("quantizer '", stage.name,
                             "' added or removed nodes of the graph view"));
      return false;
    }
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      Node &node = graph.nodes[i];
      std::optional<Annotation> &now = node.annotation;
      const std::optional<Annotation> &old = before[i];
      if (!now && !old)
        continue;
      if (old && now) {
        // Compare after canonicalization, so spelling differences (observer
        // aliases, "1e-3" vs "0.001") are not conflicts.
        Annotation canonical = *now;
        if (checkAnnotation(node, canonical).ok() && old->sameSpecs(canonical)) {
          now = old;
          continue;
        }
      }
      if (old) {
        error(node.index,
              cat("op ", node.label(),
                           " is annotated differently by quantizer '",
                           old->quantizer, "' and quantizer '", stage.name,
                           "': ", describeChange(*old, now, stage.name)));
        now = old;
        continue;
      }
      now->quantizer = stage.name;
      if (node.keepFloat) {
        error(node.index,
              cat("quantizer '", stage.name, "' annotated op ",
                           node.label(), ", which keep_float keeps float"));
        now.reset();
        continue;
      }
      if (absl::Status cst = checkAnnotation(node, *now); !cst.ok()) {
        error(node.index, cat("quantizer '", stage.name, "': op ",
                                       node.label(), ": ", cst.message()));
        now.reset();
      }
    }
    for (size_t k = 0; k < stage.keepFloat.size(); ++k)
      if (!keepFloatUsed[k])
        diagnostics.push_back(Diagnostic{
            Diagnostic::Severity::kWarning, -1,
            cat("quantizer '", stage.name, "': keep_float selector '",
                         stage.keepFloat[k].text(), "' matches no op")});
    for (size_t o = 0; o < stage.overrides.size(); ++o)
      if (!overrideUsed[o])
        diagnostics.push_back(Diagnostic{
            Diagnostic::Severity::kWarning, -1,
            cat("quantizer '", stage.name, "': override '",
                         stage.overrides[o].option, "[",
                         stage.overrides[o].selector.text(),
                         "]' matches no op")});
    if (!ok)
      return false;
  }

  for (const Stage &stage : stages_) {
    Status st = stage.instance->validate(graph);
    if (!st.ok()) {
      std::string where;
      if (st.node() >= 0 && st.node() < static_cast<int64_t>(graph.nodes.size()))
        where = cat("op ", graph.node(st.node()).label(), ": ");
      error(st.node(), cat("quantizer '", stage.name,
                                    "' rejects the annotations: ", where,
                                    st.message()));
    }
  }
  return ok;
}

} // namespace qc::quantizer
