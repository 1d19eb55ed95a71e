//===- QuantizerRegistry.h - quantizer registry, options, composition -*- C++ -*-===//
//
// Part of qc. The host side of the Quantizer API (qc/Quantizer.h): the
// registry of quantizers (built-in and loaded from plugins), the quantizer
// option language (`x86,per_channel=0,keep_float=/classifier.*/;xnnpack`,
// docs/quantizers.md), ComposableQuantizer (runs several quantizers in
// order, resolves per-node options, reports conflicting annotations) and the
// checks every annotation passes before it reaches the IR.
//
// No MLIR here (the qc-annotate pass builds the Graph from a func.func);
// LLVM Support provides regexes and dynamic loading. No exceptions: errors
// are absl::Status or Diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef QC_QUANTIZERS_QUANTIZERREGISTRY_H
#define QC_QUANTIZERS_QUANTIZERREGISTRY_H

#include "qc/Quantizer.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llvm {
class Regex;
} // namespace llvm

namespace qc::quantizer {

//===----------------------------------------------------------------------===//
// Option language
//===----------------------------------------------------------------------===//

/// Which nodes an override or keep_float applies to.
class Selector {
public:
  enum class Kind {
    kName,   ///< NAME: the node named exactly NAME
    kRegex,  ///< /REGEX/: nodes whose whole name matches REGEX
    kOpType, ///< op:TYPE: nodes of op type TYPE ("conv2d" or "qc.conv2d")
  };

  /// Parses a selector; an invalid regex is an error naming it.
  static absl::StatusOr<Selector> parse(std::string_view text);

  Kind kind() const { return kind_; }
  /// The selector as written.
  const std::string &text() const { return text_; }
  bool matches(const Node &node) const;

private:
  Kind kind_ = Kind::kName;
  std::string text_;
  /// kName: the name; kOpType: the op type without "qc."; kRegex: unused.
  std::string value_;
  std::shared_ptr<llvm::Regex> regex_;
};

/// `OPTION[SELECTOR]=VALUE`: OPTION's value for the selected nodes.
struct OptionOverride {
  std::string option;
  Selector selector;
  std::string value;
};

/// One quantizer of a quantizer list, as written (not yet checked against
/// the quantizer's declared options).
struct QuantizerSpec {
  std::string name;
  /// `OPTION=VALUE`, in order (a later one wins).
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<OptionOverride> overrides;
  /// `keep_float=SELECTOR` (repeatable).
  std::vector<Selector> keepFloat;
};

/// Parses `NAME[,OPTION=VALUE|OPTION[SELECTOR]=VALUE|keep_float=SELECTOR]*`
/// entries separated by ';'. A backslash escapes the next character (write
/// `\,` or `\;` inside a regex). Errors name the offending text.
absl::StatusOr<std::vector<QuantizerSpec>>
parseQuantizerList(std::string_view text);

/// The option every quantizer accepts (handled by qc, not the quantizer).
inline constexpr const char *kKeepFloatOption = "keep_float";

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

/// Known quantizers by name. Thread-safe.
class QuantizerRegistry {
public:
  /// An empty registry (tests); global() is the one qc uses.
  QuantizerRegistry() = default;
  QuantizerRegistry(const QuantizerRegistry &) = delete;
  QuantizerRegistry &operator=(const QuantizerRegistry &) = delete;

  /// The process-wide registry, with the built-in quantizers registered.
  static QuantizerRegistry &global();

  /// Adds a definition; `origin` ("built-in", a plugin path) is named in
  /// errors. Fails when the name is taken or the definition is malformed.
  absl::Status add(QuantizerDefinition def, std::string origin);

  /// The definition named `name`, or null.
  std::shared_ptr<const QuantizerDefinition> lookup(std::string_view name) const;
  /// Where `name` came from ("built-in" or the plugin path); "" if unknown.
  std::string origin(std::string_view name) const;
  /// Registered names, sorted.
  std::vector<std::string> names() const;

  /// Loads a plugin (once per path; later calls return the first result):
  /// checks its ABI version and registers its quantizers.
  absl::Status loadPlugin(const std::string &path);

private:
  mutable std::mutex mutex_;
  /// Guards plugins_ (held while a plugin registers, which takes mutex_).
  std::mutex pluginMutex_;
  struct Entry {
    std::shared_ptr<const QuantizerDefinition> def;
    std::string origin;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, absl::Status> plugins_;
};

//===----------------------------------------------------------------------===//
// Checking annotations
//===----------------------------------------------------------------------===//

/// Checks `annotation` for `node` and canonicalizes it in place (observer
/// aliases become canonical names, observer option values are normalized):
/// one spec per operand and result, specs only on f32 edges, ranges inside
/// the dtype, known observer kinds with their own options, per-channel axes
/// inside the edge's rank, shared / derived references to quantized input
/// edges, positive fixed scales. The message names the edge.
absl::Status checkAnnotation(const Node &node, Annotation &annotation);

/// The value type of an observer option ("eps", "bins", ...), or nullopt
/// for an unknown name. checkAnnotation() writes floats in their shortest
/// round-trip decimal form, integers in decimal and bools as true / false.
enum class ObserverOptionType { kFloat, kInt, kBool };
std::optional<ObserverOptionType> observerOptionType(std::string_view name);

/// Checks `value` against `decl` and returns its canonical form (bools
/// "0" / "1", observer kinds by canonical name). The message names the
/// option and the expected values.
absl::StatusOr<std::string> checkOptionValue(const OptionDecl &decl,
                                             std::string_view value);

//===----------------------------------------------------------------------===//
// Composition
//===----------------------------------------------------------------------===//

/// A message about one node (node >= 0) or the whole run.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  int64_t node = -1;
  std::string message;
};

/// Runs a list of quantizers in order on one Graph. Each sees the
/// annotations of the ones before it (built-in quantizers skip annotated
/// nodes); a quantizer that changes an annotation another one made is a
/// conflict, reported with the node and both quantizers. Per-node options
/// and keep_float are resolved for each quantizer before it runs.
class ComposableQuantizer {
public:
  /// Parses `quantizerList`, looks each quantizer up in `registry`, checks
  /// options and override values against its declarations, and creates the
  /// instances. Errors name the quantizer and the option.
  static absl::StatusOr<std::unique_ptr<ComposableQuantizer>>
  create(std::string_view quantizerList, const QuantizerRegistry &registry);

  /// The quantizers' transformForAnnotation pipelines, in order, as
  /// (quantizer name, pipeline) pairs; empty pipelines are left out.
  std::vector<std::pair<std::string, std::string>> transforms() const;

  /// Annotates `graph` (existing annotations are kept, and protected like
  /// those of an earlier quantizer), checks every annotation, then runs each
  /// quantizer's validate on the result. Returns false if any error was
  /// added to `diagnostics` (warnings: selectors that matched no node).
  bool annotate(Graph &graph, std::vector<Diagnostic> &diagnostics) const;

  /// The quantizer names, in order.
  std::vector<std::string> names() const;

private:
  struct Stage {
    std::string name;
    std::shared_ptr<const QuantizerDefinition> def;
    /// Declared options with their global values.
    OptionValues globals;
    std::vector<OptionOverride> overrides;
    std::vector<Selector> keepFloat;
    std::unique_ptr<Quantizer> instance;
  };
  /// Sets keepFloat and the resolved options of every node for `stage`;
  /// records which selectors matched something.
  void prepareNodes(const Stage &stage, Graph &graph,
                    std::vector<bool> &overrideUsed,
                    std::vector<bool> &keepFloatUsed) const;

  std::vector<Stage> stages_;
};

/// "a, b, c".
std::string joinNames(const std::vector<std::string> &names);

} // namespace qc::quantizer

#endif // QC_QUANTIZERS_QUANTIZERREGISTRY_H
