//===- MixedPrecision.cpp - automatic mixed precision for qc quantize -----===//
//
// The search described in MixedPrecision.h. The model is simplified once;
// each candidate is the simplified float module, annotated with the user's
// quantizer plus act_observer / keep_float options for its ops, prepared,
// given the qparams of the calibrations (one per observer kind), converted
// and run over the held-out batches.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/MixedPrecision.h"

#include "compiler/driver/Debug.h"
#include "compiler/driver/Driver.h"
#include "compiler/driver/Quantize.h"
#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ObserverConfig.h"
#include "quantizers/observers/Observers.h"
#include "reference/Executor.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::qc;

const char *mlir::qc::toString(Precision precision) {
  switch (precision) {
  case Precision::kInt8:
    return "int8";
  case Precision::kInt16:
    return "int16";
  case Precision::kFloat:
    return "float";
  }
  return "unknown";
}

/// Whether the int16 result of `op` reaches only ops that compile with it:
/// users that take their own qparams, or that share them and have a 16x8
/// form (relu / clamp, data movement), through those (docs/codegen.md,
/// "int16"). A max pool, average pool, reduce_mean, resize or pad would
/// share the int16 qparams and has no 16x8 form.
static bool int16ResultCompiles(Operation *op, int depth = 0) {
  if (depth > 16)
    return false;
  for (Value result : op->getResults())
    for (Operation *user : result.getUsers()) {
      if (isa<MaxPool2dOp, AvgPool2dOp, GlobalAvgPool2dOp, ReduceMeanOp,
              ResizeOp, PadOp>(user))
        return false;
      if (isa<ReluOp, ClampOp, ReshapeOp, FlattenOp, TransposeOp, SliceOp,
              ConcatOp>(user) &&
          !int16ResultCompiles(user, depth + 1))
        return false;
    }
  return true;
}

std::vector<Precision> mlir::qc::higherPrecisionsFor(Operation *op) {
  // The 16x8 forms of qc-lower-to-integer (a conv / linear with constant
  // weights; add; mul), offered before float (issue 9, item 2).
  bool weighted = isa<Conv2dOp, LinearOp>(op) && op->getNumOperands() > 1 &&
                  op->getOperand(1).getDefiningOp<ConstantOp>();
  if ((weighted || isa<AddOp, MulOp>(op)) && int16ResultCompiles(op))
    return {Precision::kInt16, Precision::kFloat};
  return {Precision::kFloat};
}

//===----------------------------------------------------------------------===//
// The quantizer string
//===----------------------------------------------------------------------===//

namespace {

/// Splits a quantizer string at the ';' between quantizers (outside [...],
/// not escaped), keeping every character of each part.
std::vector<std::string> splitQuantizers(const std::string &text) {
  std::vector<std::string> parts(1);
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      parts.back() += c;
      parts.back() += text[++i];
      continue;
    }
    if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    if (c == ';' && depth == 0) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

/// A selector that matches exactly the node `name`.
std::string selectorFor(const std::string &name) {
  const bool looksLikeRegex =
      name.size() >= 2 && name.front() == '/' && name.back() == '/';
  std::string out;
  if (looksLikeRegex) {
    // A name written /.../ would be read as a regex: match it literally.
    out += '/';
    for (char c : name) {
      if (std::strchr(".[]{}()*+?^$|\\", c))
        out += '\\';
      if (c == ',' || c == ';')
        out += '\\';
      out += c;
    }
    out += '/';
    return out;
  }
  for (char c : name) {
    if (c == ',' || c == ';')
      out += '\\';
    out += c;
  }
  return out;
}

} // namespace

std::string mlir::qc::withChoices(
    const std::string &quantizer, const std::string &globalObserver,
    const std::vector<std::pair<std::string, std::string>> &observers,
    const std::vector<std::string> &keepFloat,
    const std::vector<std::string> &int16) {
  std::string options;
  if (!globalObserver.empty())
    options += ",act_observer=" + globalObserver;
  for (const auto &[name, kind] : observers)
    options += ",act_observer[" + selectorFor(name) + "]=" + kind;
  for (const std::string &name : keepFloat)
    options += ",keep_float=" + selectorFor(name);
  for (const std::string &name : int16)
    options += ",act_dtype[" + selectorFor(name) + "]=int16";
  if (options.empty())
    return quantizer;
  std::string out;
  std::vector<std::string> parts = splitQuantizers(quantizer);
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? ";" : "") + parts[i] + options;
  return out;
}

std::string mlir::qc::withKeepFloat(const std::string &quantizer,
                                    const std::vector<std::string> &names) {
  return withChoices(quantizer, "", {}, names);
}

//===----------------------------------------------------------------------===//
// Greedy selection
//===----------------------------------------------------------------------===//

std::vector<size_t> mlir::qc::greedySelect(
    const std::vector<double> &alone, const std::vector<double> &cost,
    double baseSqnr, double target, double budget, double minGain,
    const std::function<double(const std::vector<size_t> &)> &score,
    double &bestSqnr, bool &reached, bool &budgetLimited) {
  bestSqnr = baseSqnr;
  reached = baseSqnr >= target;
  budgetLimited = false;
  if (reached)
    return {};
  auto costOf = [&](size_t i) { return i < cost.size() ? cost[i] : 0.0; };
  // Most helpful first; ops that do not help on their own are not tried.
  std::vector<size_t> order;
  for (size_t i = 0; i < alone.size(); ++i)
    if (alone[i] > baseSqnr)
      order.push_back(i);
  // Gain per cost: an op's cost is its share of the MACs, at least
  // kCostFloor (a float op also costs a dequantize / quantize and a float
  // kernel), so cheap ops that help come first.
  constexpr double kCostFloor = 0.02;
  auto ratio = [&](size_t i) {
    return (alone[i] - baseSqnr) / std::max(costOf(i), kCostFloor);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return ratio(a) > ratio(b); });
  // A little slack so that a budget of exactly an op's share admits it.
  constexpr double kBudgetSlack = 1e-9;
  std::vector<size_t> set;
  double current = baseSqnr, spent = 0.0;
  for (size_t i : order) {
    if (spent + costOf(i) > budget + kBudgetSlack) {
      budgetLimited = true;
      continue;
    }
    set.push_back(i);
    const double s = set.size() == 1 ? alone[i] : score(set);
    if (s < current + minGain) {
      set.pop_back();
      continue;
    }
    current = s;
    spent += costOf(i);
    if (current >= target) {
      reached = true;
      break;
    }
  }
  bestSqnr = current;
  if (!reached)
    return set;
  // Prune: an op chosen early may be unnecessary once later ones are in;
  // the most expensive are tried first.
  std::vector<size_t> byCost = set;
  std::stable_sort(byCost.begin(), byCost.end(),
                   [&](size_t a, size_t b) { return costOf(a) > costOf(b); });
  for (size_t drop : byCost) {
    if (set.size() <= 1)
      break;
    std::vector<size_t> trial = set;
    trial.erase(std::find(trial.begin(), trial.end(), drop));
    const double s = trial.size() == 1 ? alone[trial[0]] : score(trial);
    if (s >= target) {
      set = std::move(trial);
      current = s;
    }
  }
  bestSqnr = current;
  return set;
}

//===----------------------------------------------------------------------===//
// The search on a model
//===----------------------------------------------------------------------===//

namespace {

/// Calibration batches kept in memory (the search reads the data once and
/// calibrates several times from parts of it).
class MemorySource : public CalibrationSource {
public:
  explicit MemorySource(std::vector<Batch> batches)
      : batches(std::move(batches)) {
    for (const Batch &b : this->batches)
      total += b.samples;
  }
  int64_t numSamples() const override { return total; }
  FailureOr<std::optional<Batch>> next() override {
    if (pos >= batches.size())
      return std::optional<Batch>();
    return std::optional<Batch>(batches[pos++]);
  }

private:
  std::vector<Batch> batches;
  size_t pos = 0;
  int64_t total = 0;
};

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


/// Dimension d of a ranked type, dynamic counted as 1.
int64_t dimOr1(Type type, int64_t d) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || d < 0 || d >= t.getRank() || t.isDynamicDim(d))
    return 1;
  return t.getDimSize(d);
}

int64_t elementsOr1(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return 0;
  int64_t n = 1;
  for (int64_t d = 0; d < t.getRank(); ++d)
    n *= dimOr1(type, d);
  return n;
}

/// Multiply-accumulates of one op (0 for ops without a contraction).
int64_t macsOf(Operation *op) {
  if (op->getNumResults() == 0 || op->getNumOperands() < 2)
    return 0;
  Type out = op->getResult(0).getType();
  Type w = op->getOperand(1).getType();
  if (isa<Conv2dOp>(op)) // weight OIHW: K = I * kh * kw
    return elementsOr1(out) * dimOr1(w, 1) * dimOr1(w, 2) * dimOr1(w, 3);
  if (isa<ConvTranspose2dOp>(op)) // every input element meets a kernel slice
    return elementsOr1(op->getOperand(0).getType()) * dimOr1(w, 1) *
           dimOr1(w, 2) * dimOr1(w, 3);
  if (isa<LinearOp>(op)) // weight [N, K]
    return elementsOr1(out) * dimOr1(w, 1);
  if (isa<MatmulOp>(op)) { // lhs [..., M, K]
    Type lhs = op->getOperand(0).getType();
    auto t = dyn_cast<RankedTensorType>(lhs);
    return t ? elementsOr1(out) * dimOr1(lhs, t.getRank() - 1) : 0;
  }
  return 0;
}

/// Where an observed value comes from, the same in every candidate (they
/// all start from the same simplified module): the argument number, or the
/// position of its defining op among the ops that are not qc.observe plus
/// the result number.
class ValueKeys {
public:
  explicit ValueKeys(func::FuncOp func) {
    func.walk([&](Operation *op) {
      if (isa<ObserveOp>(op) || op == func.getOperation())
        return;
      index[op] = static_cast<int64_t>(index.size());
      signature.push_back(op->getName().getStringRef().str());
    });
  }
  std::string key(Value v) const {
    // A qc.observe passes its input through (two specs observing one value
    // chain their observes): the value is its input's.
    while (auto observe = v.getDefiningOp<ObserveOp>())
      v = observe.getInput();
    if (auto arg = dyn_cast<BlockArgument>(v))
      return "arg" + std::to_string(arg.getArgNumber());
    Operation *def = v.getDefiningOp();
    auto it = index.find(def);
    if (it == index.end())
      return "";
    return "op" + std::to_string(it->second) + "#" +
           std::to_string(cast<OpResult>(v).getResultNumber());
  }
  /// The op names in order: equal signatures mean keys are comparable.
  std::vector<std::string> signature;

private:
  llvm::DenseMap<Operation *, int64_t> index;
};

/// An observer's statistics depend only on the values it sees: a group of
/// qc.observe ops with one id is identified by its spec and the set of
/// values (ValueKeys) its ops observe. Two groups with the same identity
/// compute the same qparams.
struct GroupIdentity {
  const void *spec = nullptr;
  std::vector<std::string> values; // sorted, unique
  bool operator==(const GroupIdentity &o) const {
    return spec == o.spec && values == o.values;
  }
};

/// Calibrated qparams of a prepared program, by observer group.
struct QParamsTable {
  std::vector<std::string> signature;
  std::map<int64_t, GroupIdentity> groups;
  /// (value, spec) -> the ids of the groups observing it.
  std::map<std::pair<std::string, const void *>, std::vector<int64_t>> byValue;
  std::map<int64_t, std::pair<DenseF32ArrayAttr, DenseI64ArrayAttr>> qparams;
};

std::map<int64_t, GroupIdentity> groupsOf(func::FuncOp func,
                                          const ValueKeys &keys) {
  std::map<int64_t, GroupIdentity> groups;
  func.walk([&](ObserveOp o) {
    GroupIdentity &g = groups[o.getId()];
    g.spec = o.getSpecAttr().getAsOpaquePointer();
    g.values.push_back(keys.key(o.getInput()));
  });
  for (auto &[id, g] : groups) {
    llvm::sort(g.values);
    g.values.erase(std::unique(g.values.begin(), g.values.end()),
                   g.values.end());
  }
  return groups;
}

QParamsTable tableOf(func::FuncOp func) {
  QParamsTable t;
  ValueKeys keys(func);
  t.signature = keys.signature;
  t.groups = groupsOf(func, keys);
  for (const auto &[id, g] : t.groups)
    for (const std::string &v : g.values)
      t.byValue[{v, g.spec}].push_back(id);
  func.walk([&](ObserveOp o) {
    t.qparams[o.getId()] = {o.getScaleAttr(), o.getZeroPointAttr()};
  });
  return t;
}

/// Statistics of every observed value on its own (one observer per value
/// and spec), kept during the calibrations.
using PerValueObservers =
    std::map<std::pair<std::string, const void *>,
             std::unique_ptr<::qc::Observer>>;

/// Gives the observers of `func` their qparams without running it:
///  - a group with the identity of a group of one of `tables` (the
///    calibrated programs) takes its qparams
///    (exact: the same statistics);
///  - any other group (keep_float changed which values share an observer)
///    merges the per-value statistics of its values (exact for min/max,
///    percentile, entropy and mse; the histogram observer's merge re-bins);
/// Returns false (after changing nothing) when some value was not observed
/// with that spec during the calibration; `merged` counts the merges.
bool transferQParams(func::FuncOp func, const std::vector<QParamsTable> &tables,
                     const PerValueObservers &perValue, int64_t &merged) {
  ValueKeys keys(func);
  if (tables.empty() || keys.signature != tables.front().signature)
    return false;
  std::map<int64_t, GroupIdentity> groups = groupsOf(func, keys);
  std::map<int64_t, std::pair<DenseF32ArrayAttr, DenseI64ArrayAttr>> qparams;
  int64_t merges = 0;
  for (const auto &entry : groups) {
    const int64_t id = entry.first;
    const GroupIdentity &g = entry.second;
    if (g.values.empty() || g.values.front().empty())
      return false;
    bool found = false;
    for (const QParamsTable &table : tables) {
      auto it = table.byValue.find({g.values.front(), g.spec});
      if (it == table.byValue.end())
        continue;
      auto twin = llvm::find_if(it->second, [&](int64_t baseId) {
        return table.groups.at(baseId) == g;
      });
      if (twin == it->second.end())
        continue;
      qparams[id] = table.qparams.at(*twin);
      if (!qparams[id].first || !qparams[id].second)
        return false;
      found = true;
      break;
    }
    if (found)
      continue;
    // A group of one value takes that value's observer as it is (exact for
    // every kind); a larger one merges them into a fresh observer (a
    // histogram re-bins).
    std::unique_ptr<::qc::Observer> merged;
    const ::qc::Observer *observer = nullptr;
    for (const std::string &v : g.values) {
      auto it = perValue.find({v, g.spec});
      if (it == perValue.end())
        return false;
      if (g.values.size() == 1) {
        observer = it->second.get();
        break;
      }
      if (!merged) {
        absl::StatusOr<std::unique_ptr<::qc::Observer>> o =
            ::qc::createObserver(it->second->kind(), it->second->options());
        if (!o.ok())
          return false;
        merged = std::move(*o);
        observer = merged.get();
      }
      if (!merged->merge(*it->second).ok())
        return false;
    }
    absl::StatusOr<::qc::ObserverQParams> q = observer->computeQParams();
    if (!q.ok())
      return false;
    qparams[id] = {DenseF32ArrayAttr::get(func.getContext(), q->scales),
                   DenseI64ArrayAttr::get(func.getContext(), q->zeroPoints)};
    ++merges;
  }
  func.walk([&](ObserveOp o) {
    const auto &[scale, zp] = qparams.at(o.getId());
    o.setScaleAttr(scale);
    o.setZeroPointAttr(zp);
  });
  merged += merges;
  return true;
}

/// Output SQNR over batches: per output, Debug.h's ErrorStats (the same
/// SQNR `qc debug` reports); the smallest over the outputs.
class SqnrAccumulator {
public:
  void add(const std::vector<::qc::NpyArray> &ref,
           const std::vector<::qc::NpyArray> &got) {
    stats.resize(ref.size());
    for (size_t k = 0; k < ref.size() && k < got.size(); ++k) {
      if (ref[k].dtype != ::qc::DType::F32 || got[k].dtype != ::qc::DType::F32)
        continue;
      const int64_t n = std::min(ref[k].numElements(), got[k].numElements());
      const float *r = reinterpret_cast<const float *>(ref[k].data.data());
      const float *g = reinterpret_cast<const float *>(got[k].data.data());
      ErrorStats &s = stats[k];
      for (int64_t i = 0; i < n; ++i) {
        const double e = double(r[i]) - double(g[i]);
        s.signal += double(r[i]) * r[i];
        s.noise += e * e;
        s.maxAbs = std::max(s.maxAbs, std::fabs(e));
      }
      s.count += n;
    }
  }
  double db() const {
    double worst = std::numeric_limits<double>::infinity();
    for (const ErrorStats &s : stats)
      worst = std::min(worst, s.sqnrDb());
    return worst;
  }

private:
  std::vector<ErrorStats> stats;
};

std::string formatDb(double db) {
  if (std::isinf(db))
    return db > 0 ? "inf" : "-inf";
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.2f", db);
  return s;
}

class Search {
public:
  Search(MLIRContext &context, ModuleOp simplified,
         const QuantizeOptions &options, std::vector<CalibrationData::Batch> calib,
         std::vector<CalibrationData::Batch> heldOut,
         MixedPrecisionReport &report)
      : context(context), simplified(simplified), options(options),
        calib(std::move(calib)), heldOut(std::move(heldOut)), report(report) {}

  /// Steps 1-2: float outputs of the held-out part, the calibration with the
  /// quantizer's observers, the candidates.
  LogicalResult setUp();
  /// Steps 3-5; returns the final converted module.
  OwningOpRef<ModuleOp> run();

private:
  /// A candidate program: the user's quantizer plus these options.
  struct Choice {
    /// act_observer for all activations ("" = the quantizer's).
    std::string globalObserver;
    /// Candidate index -> act_observer of that op.
    std::map<size_t, std::string> observers;
    /// Candidate indices kept above int8.
    std::vector<size_t> floatSet;
  };

  void progress(const Twine &line) {
    if (options.mixedPrecision->progress)
      llvm::errs() << "qc: mixed precision: " << line << "\n";
  }
  /// Prepared (annotated + observed) copy of the simplified module for
  /// `quantizer`; null after a diagnostic.
  OwningOpRef<ModuleOp> prepare(const std::string &quantizer,
                                bool observe = true);
  /// Calibrates `module` on the calibration part.
  LogicalResult calibrateOn(ModuleOp module);
  /// Calibrates the prepared `module` on the calibration part and keeps the
  /// statistics of every observed value and spec not seen before in
  /// perValue.
  LogicalResult collect(ModuleOp module);
  /// Identifies a prepared program: its ops, their attributes (annotations
  /// included) and the observers' specs. Two choices with one fingerprint
  /// are the same program (an option that changes nothing).
  static std::string fingerprint(ModuleOp prepared);
  /// Output SQNR of `choice` on the held-out part (cached by fingerprint);
  /// -inf after a diagnostic.
  double score(const Choice &choice);
  /// Output SQNR of a converted program on the held-out part; NaN after a
  /// diagnostic.
  double scoreConverted(ModuleOp converted);
  std::string quantizerFor(const Choice &choice) const {
    std::vector<std::pair<std::string, std::string>> observers;
    for (const auto &[i, kind] : choice.observers)
      if (!llvm::is_contained(choice.floatSet, i))
        observers.emplace_back(candidates[i].name, kind);
    std::vector<std::string> names, int16;
    for (size_t i : choice.floatSet)
      (candidates[i].precision == Precision::kInt16 ? int16 : names)
          .push_back(candidates[i].name);
    return withChoices(options.quantizer, choice.globalObserver, observers,
                       names, int16);
  }
  /// Why step 3 cannot run ("" when it can).
  std::string observerSearchBlocker() const;
  /// Step 3: sets `choice`'s observers, returns its score.
  double searchObservers(Choice &choice, double current);

  MLIRContext &context;
  ModuleOp simplified;
  const QuantizeOptions &options;
  std::vector<CalibrationData::Batch> calib, heldOut;
  MixedPrecisionReport &report;
  std::vector<std::vector<::qc::NpyArray>> floatOutputs;
  /// The calibrated programs: the all-int8 one, then one per observer kind.
  std::vector<QParamsTable> tables;
  std::string baseFingerprint;
  PerValueObservers perValue;
  std::vector<OpChoice> candidates;
  std::map<std::string, double> cache;
  bool failedOnce = false;
};

OwningOpRef<ModuleOp> Search::prepare(const std::string &quantizer,
                                      bool observe) {
  OwningOpRef<ModuleOp> module = simplified.clone();
  PTQOptions ptq;
  ptq.quantizer = quantizer;
  ptq.plugins = options.plugins;
  PassManager pm(&context, ModuleOp::getOperationName());
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  QCAnnotateOptions annotate;
  annotate.quantizer = ptq.quantizer;
  annotate.plugins = llvm::join(ptq.plugins, ";");
  fpm.addPass(createQCAnnotate(annotate));
  if (observe)
    fpm.addPass(createQCPrepare());
  if (failed(pm.run(*module)))
    return nullptr;
  return module;
}

LogicalResult Search::calibrateOn(ModuleOp module) {
  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func))
    return failure();
  auto data = std::make_unique<MemorySource>(calib);
  CalibrationOptions copt = options.calibration;
  copt.progress = CalibrationOptions::Progress::None;
  return success(succeeded(calibrate(*func, *data, copt)));
}

LogicalResult Search::collect(ModuleOp module) {
  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func))
    return failure();
  // Besides the program's observers, one observer per observed value and
  // spec (see transferQParams); those an earlier calibration kept are not
  // fed again.
  ValueKeys keys(*func);
  std::set<std::pair<std::string, const void *>> known;
  for (const auto &entry : perValue)
    known.insert(entry.first);
  auto data = std::make_unique<MemorySource>(calib);
  CalibrationOptions copt = options.calibration;
  copt.progress = CalibrationOptions::Progress::None;
  copt.onUpdate = [&](Operation *op, ArrayRef<float> values,
                      ArrayRef<int64_t> shape) -> LogicalResult {
    auto o = cast<ObserveOp>(op);
    std::pair<std::string, const void *> key{
        keys.key(o.getInput()), o.getSpecAttr().getAsOpaquePointer()};
    if (known.count(key))
      return success();
    auto &slot = perValue[key];
    if (!slot) {
      const bool activation = !o.getInput().getDefiningOp<ConstantOp>();
      absl::StatusOr<ObserverConfig> config = getObserverConfig(
          o.getSpec(), activation ? options.calibration.activationObserver
                                  : std::nullopt);
      if (!config.ok())
        return o.emitError() << std::string(config.status().message());
      absl::StatusOr<std::unique_ptr<::qc::Observer>> obs =
          ::qc::createObserver(config->kind, config->options);
      if (!obs.ok())
        return o.emitError() << std::string(obs.status().message());
      slot = std::move(*obs);
    }
    absl::Status st =
        slot->update(absl::MakeConstSpan(values.data(), values.size()),
                     absl::MakeConstSpan(shape.data(), shape.size()));
    if (!st.ok())
      return o.emitError() << std::string(st.message());
    return success();
  };
  return calibrate(*func, *data, copt);
}

std::string Search::fingerprint(ModuleOp prepared) {
  std::string out;
  llvm::raw_string_ostream os(out);
  prepared.walk([&](Operation *op) {
    os << op->getName().getStringRef() << '('
       << op->getRawDictionaryAttrs().getAsOpaquePointer() << ':'
       << op->getPropertiesAsAttribute().getAsOpaquePointer() << ':'
       << op->getNumOperands() << ')';
  });
  return out;
}

double Search::scoreConverted(ModuleOp converted) {
  FailureOr<func::FuncOp> func = getEntryFunction(converted);
  if (failed(func))
    return std::nan("");
  Executor executor(*func);
  SqnrAccumulator acc;
  for (size_t b = 0; b < heldOut.size(); ++b) {
    FailureOr<std::vector<::qc::NpyArray>> out =
        executor.run(heldOut[b].inputs);
    if (failed(out))
      return std::nan("");
    acc.add(floatOutputs[b], *out);
  }
  ++report.evaluations;
  return acc.db();
}

double Search::score(const Choice &choice) {
  const double kFailed = -std::numeric_limits<double>::infinity();
  OwningOpRef<ModuleOp> module = prepare(quantizerFor(choice));
  if (!module) {
    failedOnce = true;
    return kFailed;
  }
  std::string key = fingerprint(*module);
  if (auto it = cache.find(key); it != cache.end())
    return it->second;
  double s = std::nan("");
  FailureOr<func::FuncOp> func = getEntryFunction(*module);
  if (succeeded(func)) {
    bool ready = true;
    if (!transferQParams(*func, tables, perValue, report.mergedObservers)) {
      ++report.recalibrations;
      ready = succeeded(calibrateOn(*module));
    }
    PassManager convert(&context, ModuleOp::getOperationName());
    buildPTQConvertPipeline(convert.nest<func::FuncOp>());
    if (ready && succeeded(convert.run(*module)))
      s = scoreConverted(*module);
  }
  if (std::isnan(s)) {
    failedOnce = true;
    s = kFailed;
  }
  cache[key] = s;
  return s;
}

LogicalResult Search::setUp() {
  Clock::time_point start = Clock::now();
  // The float model's outputs on the held-out part (the simplified float
  // module is the reference: qc-simplify preserves values).
  FailureOr<func::FuncOp> floatFunc = getEntryFunction(simplified);
  if (failed(floatFunc))
    return failure();
  {
    Executor executor(*floatFunc);
    for (const CalibrationData::Batch &b : heldOut) {
      FailureOr<std::vector<::qc::NpyArray>> out = executor.run(b.inputs);
      if (failed(out))
        return failure();
      floatOutputs.push_back(std::move(*out));
    }
  }
  // The calibration of the all-int8 program with the quantizer's observers.
  OwningOpRef<ModuleOp> base = prepare(options.quantizer);
  if (!base)
    return failure();
  baseFingerprint = fingerprint(*base);
  progress("calibrating the all-int8 program on " +
           Twine(report.calibrationSamples) + " samples, scoring on " +
           Twine(report.heldOutSamples) + " held-out samples");
  if (failed(collect(*base)))
    return failure();
  FailureOr<func::FuncOp> func = getEntryFunction(*base);
  if (failed(func))
    return failure();
  tables.push_back(tableOf(*func));
  report.calibrationSeconds = secondsSince(start);

  // Candidates: named quantized ops that observe something of their own
  // (ops whose outputs all share their input's qparams, such as pools and
  // reshapes, gain nothing from float), grouped by name. A fused unit's
  // MACs count for its first op.
  OwningOpRef<ModuleOp> annotated = prepare(options.quantizer, false);
  if (!annotated)
    return failure();
  FailureOr<func::FuncOp> annotatedFunc = getEntryFunction(*annotated);
  if (failed(annotatedFunc))
    return failure();
  std::map<std::string, size_t> byName;
  annotatedFunc->walk([&](Operation *op) {
    if (!op->hasAttr("qc.annotated_by"))
      return;
    const int64_t macs = macsOf(op);
    report.macsTotal += macs;
    report.macsInt8 += macs;
    std::string name = nodeName(op->getLoc());
    if (name.empty() || higherPrecisionsFor(op).empty())
      return;
    // Ops that share their input's qparams and only move or select values
    // (max pool, reshape, ...) add no error of their own. Averaging ops with
    // shared qparams (avg pools, reduce_mean, resize) do: their results are
    // finer than the input's step and are rounded to it.
    if (auto outs = op->getAttrOfType<ArrayAttr>("qc.output_specs"))
      if (!outs.empty() &&
          llvm::all_of(outs,
                       [](Attribute a) { return isa<SharedSpecAttr>(a); }) &&
          isa<MaxPool2dOp, ReshapeOp, FlattenOp, TransposeOp, SliceOp, PadOp,
              ConcatOp, ReluOp, ClampOp>(op))
        return;
    // The second op of a fused unit (conv + relu: its input is `unit`):
    // keeping it float only splits the unit; its first op is the candidate.
    if (auto ins = op->getAttrOfType<ArrayAttr>("qc.input_specs"))
      if (!ins.empty() &&
          llvm::all_of(ins, [](Attribute a) { return isa<UnitAttr>(a); }))
        return;
    auto [it, inserted] = byName.try_emplace(name, candidates.size());
    if (inserted) {
      OpChoice c;
      c.name = name;
      c.opType = op->getName().getStringRef().str();
      c.precision = higherPrecisionsFor(op).front();
      // A name with brackets cannot be written as act_dtype[NAME].
      if (c.precision == Precision::kInt16 &&
          name.find_first_of("[]") != std::string::npos)
        c.precision = Precision::kFloat;
      candidates.push_back(c);
    }
    candidates[it->second].macs += macs;
  });
  // MACs of float ops (not annotated) count in the total only.
  annotatedFunc->walk([&](Operation *op) {
    if (!op->hasAttr("qc.annotated_by"))
      report.macsTotal += macsOf(op);
  });
  report.candidates = static_cast<int64_t>(candidates.size());
  return success();
}

std::string Search::observerSearchBlocker() const {
  if (!options.mixedPrecision->observerSearch)
    return "--no-observer-search";
  if (options.calibration.activationObserver)
    return "--observer sets every activation observer";
  std::vector<std::string> parts = splitQuantizers(options.quantizer);
  if (parts.size() != 1)
    return "more than one quantizer";
  llvm::StringRef name = llvm::StringRef(parts[0]).split(',').first.trim();
  if (name != "x86" && name != "xnnpack")
    return "quantizer '" + name.str() + "' is not x86 or xnnpack";
  return "";
}

double Search::searchObservers(Choice &choice, double current) {
  Clock::time_point start = Clock::now();
  // One calibration per observer kind keeps every value's statistics with
  // that kind (a kind the quantizer already uses adds nothing new).
  progress("observers: calibrating with each of " +
           Twine(std::size(kObserverChoices)) + " observer kinds");
  for (const char *kind : kObserverChoices) {
    OwningOpRef<ModuleOp> m =
        prepare(withChoices(options.quantizer, kind, {}, {}));
    if (m && fingerprint(*m) == baseFingerprint)
      continue; // the quantizer's own observers: calibrated already
    if (!m || failed(collect(*m))) {
      failedOnce = true;
      return current;
    }
    FailureOr<func::FuncOp> func = getEntryFunction(*m);
    if (failed(func)) {
      failedOnce = true;
      return current;
    }
    tables.push_back(tableOf(*func));
  }
  // Every activation with one kind.
  std::string bestKind;
  double best = current;
  for (const char *kind : kObserverChoices) {
    Choice c = choice;
    c.globalObserver = kind;
    const double s = score(c);
    progress("  act_observer=" + Twine(kind) + ": " + formatDb(s) + " dB");
    if (s > best) {
      best = s;
      bestKind = kind;
    }
  }
  if (failedOnce)
    return current;
  if (!bestKind.empty() && best >= current + kMinGainDb) {
    choice.globalObserver = bestKind;
    report.globalObserver = bestKind;
    current = best;
  }
  // Op by op, in program order: each other kind for that op.
  progress("observers: trying each kind on " + Twine(candidates.size()) +
           " ops, starting from " + formatDb(current) + " dB");
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string &name = candidates[i].name;
    // A name with brackets cannot be written as act_observer[NAME].
    if (name.find_first_of("[]") != std::string::npos)
      continue;
    std::string nodeKind;
    double nodeBest = current;
    for (const char *kind : kObserverChoices) {
      Choice c = choice;
      c.observers[i] = kind;
      const double s = score(c);
      if (s > nodeBest) {
        nodeBest = s;
        nodeKind = kind;
      }
    }
    if (failedOnce)
      return current;
    if (!nodeKind.empty() && nodeBest >= current + kMinGainDb) {
      choice.observers[i] = nodeKind;
      report.observers.push_back(
          {name, candidates[i].opType, nodeKind, nodeBest - current});
      current = nodeBest;
    }
    if (options.mixedPrecision->progress &&
        (i + 1 == candidates.size() || (i + 1) % 10 == 0))
      progress("  " + Twine(i + 1) + "/" + Twine(candidates.size()) +
               " done: " + formatDb(current) + " dB, " +
               Twine(report.observers.size()) + " op(s) with their own "
               "observer, " + formatDb(secondsSince(start)) + " s");
  }
  report.observerSeconds = secondsSince(start);
  return current;
}

OwningOpRef<ModuleOp> Search::run() {
  Clock::time_point start = Clock::now();
  const double target = options.mixedPrecision->targetSqnrDb;
  report.targetSqnrDb = target;
  report.minInt8MacShare = options.mixedPrecision->minInt8MacShare;
  Choice choice;
  const double base = score(choice);
  if (failedOnce)
    return nullptr;
  report.sqnrBeforeDb = base;
  progress("all int8: output SQNR " + formatDb(base) + " dB (target " +
           formatDb(target) + " dB)");

  // Step 3: observers.
  double current = base;
  if (base < target) {
    report.observerSearchSkipped = observerSearchBlocker();
    if (report.observerSearchSkipped.empty()) {
      current = searchObservers(choice, base);
      if (failedOnce)
        return nullptr;
    } else {
      progress("observer choice skipped: " + report.observerSearchSkipped);
    }
  }
  report.sqnrObserversDb = current;

  // Steps 4-5: ops above int8, within the MAC budget.
  std::vector<double> cost;
  for (const OpChoice &c : candidates)
    cost.push_back(report.macsTotal ? double(c.macs) / double(report.macsTotal)
                                    : 0.0);
  const double budget = 1.0 - options.mixedPrecision->minInt8MacShare;
  std::vector<double> alone(candidates.size(), current);
  if (current < target) {
    progress("sensitivity of " + Twine(candidates.size()) +
             " candidate ops (one executor run over the held-out samples "
             "each, two for ops offered int16 and float)");
    for (size_t i = 0; i < candidates.size(); ++i) {
      Choice c = choice;
      c.floatSet = {i};
      alone[i] = score(c);
      // int16 first; float instead where it scores kMinGainDb more (int16
      // keeps the weights' int8 error, which can dominate).
      if (candidates[i].precision == Precision::kInt16) {
        candidates[i].precision = Precision::kFloat;
        const double asFloat = score(c);
        if (asFloat >= alone[i] + kMinGainDb)
          alone[i] = asFloat;
        else
          candidates[i].precision = Precision::kInt16;
      }
      candidates[i].aloneSqnrDb = alone[i];
      if (options.mixedPrecision->progress &&
          (i + 1 == candidates.size() || (i + 1) % 10 == 0))
        progress("  " + Twine(i + 1) + "/" + Twine(candidates.size()) +
                 " done, " + formatDb(secondsSince(start)) + " s");
    }
    if (failedOnce)
      return nullptr;
  }
  double best = current;
  bool reached = false, budgetLimited = false;
  std::vector<size_t> chosen = greedySelect(
      alone, cost, current, target, budget, kMinFloatGainDb,
      [&](const std::vector<size_t> &set) {
        Choice c = choice;
        c.floatSet = set;
        double s = score(c);
        progress("  " + Twine(set.size()) + " ops above int8: " +
                 formatDb(s) + " dB");
        return s;
      },
      best, reached, budgetLimited);
  if (failedOnce)
    return nullptr;
  report.reached = reached;
  report.budgetLimited = budgetLimited;
  report.sqnrAfterDb = best;
  choice.floatSet = chosen;
  for (size_t i : chosen) {
    report.chosen.push_back(candidates[i]);
    report.macsInt8 -= candidates[i].macs;
    if (candidates[i].precision == Precision::kInt16)
      report.macsInt16 += candidates[i].macs;
  }
  // An observer chosen for an op that went float no longer applies.
  llvm::erase_if(report.observers, [&](const ObserverChoice &o) {
    return llvm::any_of(chosen,
                        [&](size_t i) { return candidates[i].name == o.name; });
  });
  report.quantizer = quantizerFor(choice);
  report.searchSeconds = secondsSince(start);
  // The result is calibrated on every sample (ranges and held-out part), as
  // `qc quantize --quantizer REPORTED_STRING` with the same data would: the
  // printed string reproduces this program exactly.
  progress("calibrating the chosen program on all " +
           Twine(report.calibrationSamples + report.heldOutSamples) +
           " samples");
  OwningOpRef<ModuleOp> result = prepare(report.quantizer);
  if (!result)
    return nullptr;
  FailureOr<func::FuncOp> func = getEntryFunction(*result);
  if (failed(func))
    return nullptr;
  std::vector<CalibrationData::Batch> all = calib;
  all.insert(all.end(), heldOut.begin(), heldOut.end());
  auto data = std::make_unique<MemorySource>(std::move(all));
  CalibrationOptions copt = options.calibration;
  copt.progress = CalibrationOptions::Progress::None;
  if (failed(calibrate(*func, *data, copt)))
    return nullptr;
  PassManager convert(&context, ModuleOp::getOperationName());
  buildPTQConvertPipeline(convert.nest<func::FuncOp>());
  if (failed(convert.run(*result)))
    return nullptr;
  return result;
}
} // namespace

OwningOpRef<ModuleOp>
mlir::qc::quantizeMixedPrecision(MLIRContext &context, ModuleOp simplified,
                                 const QuantizeOptions &options,
                                 QuantizeReport &report) {
  MixedPrecisionReport &mp = report.mixedPrecision;
  Location loc = UnknownLoc::get(&context);
  FailureOr<func::FuncOp> func = getEntryFunction(simplified);
  if (failed(func))
    return nullptr;
  // Read every calibration batch once.
  FailureOr<std::unique_ptr<CalibrationData>> data =
      CalibrationData::open(*func, options.calibrationData, options.data);
  if (failed(data))
    return nullptr;
  std::vector<CalibrationData::Batch> batches;
  while (true) {
    FailureOr<std::optional<CalibrationData::Batch>> b = (*data)->next();
    if (failed(b))
      return nullptr;
    if (!*b)
      break;
    batches.push_back(std::move(**b));
  }
  if (batches.size() < 2) {
    emitError(loc) << "--mixed-precision needs at least 2 calibration "
                      "batches (one part sets the ranges, the other scores "
                      "the choice), got "
                   << batches.size()
                   << "; give more samples or a smaller --calib-batch";
    return nullptr;
  }
  size_t held = static_cast<size_t>(std::llround(
      options.mixedPrecision->heldOutFraction * double(batches.size())));
  held = std::clamp<size_t>(held, 1, batches.size() - 1);
  std::vector<CalibrationData::Batch> calib(
      std::make_move_iterator(batches.begin()),
      std::make_move_iterator(batches.end() - static_cast<std::ptrdiff_t>(held)));
  std::vector<CalibrationData::Batch> heldOut(
      std::make_move_iterator(batches.end() - static_cast<std::ptrdiff_t>(held)),
      std::make_move_iterator(batches.end()));
  for (const auto &b : calib)
    mp.calibrationSamples += b.samples;
  for (const auto &b : heldOut)
    mp.heldOutSamples += b.samples;
  report.calibration.samples = mp.calibrationSamples;
  report.calibration.batches = static_cast<int64_t>(calib.size());

  Search search(context, simplified, options, std::move(calib),
                std::move(heldOut), mp);
  if (failed(search.setUp()))
    return nullptr;
  OwningOpRef<ModuleOp> result = search.run();
  if (!result)
    return nullptr;
  // Record the choice in the program, so it can be reproduced from it.
  Builder b(&context);
  (*result)->setAttr("qc.mixed_precision.quantizer",
                     b.getStringAttr(mp.quantizer));
  (*result)->setAttr("qc.mixed_precision.target_sqnr_db",
                     b.getF64FloatAttr(mp.targetSqnrDb));
  (*result)->setAttr("qc.mixed_precision.sqnr_db",
                     b.getF64FloatAttr(mp.sqnrAfterDb));
  return result;
}

void mlir::qc::printMixedPrecisionReport(llvm::raw_ostream &os,
                                         const MixedPrecisionReport &r) {
  auto db = [](double v) {
    std::string s;
    llvm::raw_string_ostream out(s);
    if (std::isinf(v))
      out << (v > 0 ? "inf" : "-inf");
    else
      out << llvm::format("%.2f", v);
    return s;
  };
  os << "qc: mixed precision: output SQNR on " << r.heldOutSamples
     << " held-out samples: " << db(r.sqnrBeforeDb) << " dB all int8";
  if (r.sqnrObserversDb != r.sqnrBeforeDb)
    os << " -> " << db(r.sqnrObserversDb) << " dB with observers";
  os << " -> " << db(r.sqnrAfterDb) << " dB (target " << db(r.targetSqnrDb)
     << " dB)\n";
  if (!r.reached) {
    os << "qc: warning: mixed precision: the target " << db(r.targetSqnrDb)
       << " dB is out of reach (best found: " << db(r.sqnrAfterDb)
       << " dB with " << r.chosen.size() << " ops in float; ";
    os << "every other op in float gains less than "
       << llvm::format("%.2f", kMinFloatGainDb) << " dB";
    if (r.budgetLimited)
      os << " or exceeds the MAC budget, --min-int8-macs="
         << llvm::format("%g", r.minInt8MacShare);
    os << "); writing the best program found\n";
  }
  if (!r.observerSearchSkipped.empty())
    os << "qc: mixed precision: observer choice skipped ("
       << r.observerSearchSkipped << ")\n";
  if (!r.globalObserver.empty())
    os << "qc: mixed precision: activation observer: " << r.globalObserver
       << " (all ops)\n";
  if (!r.observers.empty()) {
    os << "qc: mixed precision: " << r.observers.size()
       << " op(s) with their own observer:\n";
    for (const ObserverChoice &o : r.observers)
      os << "    " << escapeForTerminal(o.name) << " (" << o.opType << ") -> "
         << o.observer << ", +" << db(o.gainDb) << " dB\n";
  }
  if (r.chosen.empty()) {
    os << "qc: mixed precision: no op kept above int8\n";
  } else {
    os << "qc: mixed precision: " << r.chosen.size()
       << " op(s) kept above int8:\n";
    for (const OpChoice &c : r.chosen)
      os << "    " << escapeForTerminal(c.name) << " (" << c.opType << ") -> "
         << toString(c.precision) << ", alone: " << db(c.aloneSqnrDb)
         << " dB\n";
  }
  os << llvm::format(
      "qc: mixed precision: %.1f%% of MACs int8 (%lld of "
      "%lld), %.1f%% int16 activations\n",
      100.0 * r.int8MacShare(), static_cast<long long>(r.macsInt8),
      static_cast<long long>(r.macsTotal), 100.0 * r.int16MacShare());
  os << llvm::format("qc: mixed precision: %lld candidates, %lld program "
                     "evaluations, %lld merged observers, %lld "
                     "recalibrations; calibration %.2f s, observers %.2f s, "
                     "search %.2f s\n",
                     static_cast<long long>(r.candidates),
                     static_cast<long long>(r.evaluations),
                     static_cast<long long>(r.mergedObservers),
                     static_cast<long long>(r.recalibrations),
                     r.calibrationSeconds, r.observerSeconds, r.searchSeconds);
  os << "qc: mixed precision: reproduce with --quantizer '"
     << escapeForTerminal(r.quantizer) << "'\n";
}
