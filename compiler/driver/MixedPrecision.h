//===- MixedPrecision.h - automatic mixed precision for qc quantize -*- C++ -*-//
//
// `qc quantize ... --mixed-precision=auto [--target-sqnr=DB]
// [--min-int8-macs=F]`: raise the quantized program's output SQNR (against
// the float model, on calibration samples held out from range estimation)
// towards a target, int8-preserving fixes first: the activation observer of
// each op, then a few ops kept at a higher precision within a MAC budget.
// docs/accuracy.md, "Mixed precision", describes the search for users; in
// short:
//
//  1. The calibration batches are read once and split: the first part sets
//     the ranges, the rest (held out) scores candidates. The float model's
//     outputs on the held-out part are computed once and cached.
//  2. The model is prepared with the user's quantizer and calibrated, once
//     with its own observers and once more per observer kind the search
//     tries (kObserverChoices). Observers watch float tensors (the prepared
//     program runs in float), so an edge's statistics do not depend on which
//     other ops are quantized or how: a candidate program (the same
//     quantizer plus act_observer / keep_float options) reuses the qparams
//     of every observer it shares with the all-int8 program (same spec, same
//     set of observed values), and any other observer merges the per-value
//     statistics kept during the calibrations (exact for min/max,
//     percentile, mse; re-binned for histogram). Only a candidate observing
//     a value no calibration saw is calibrated again. The final program is
//     calibrated normally, on all samples.
//  3. Observers (int8 kept everywhere): each observer kind for all
//     activations (`act_observer=K`), the best kept; then, op by op in
//     program order, each other kind for that op (`act_observer[NAME]=K`),
//     kept when it gains at least kMinGainDb.
//  4. Sensitivity: each candidate op alone at higher precision (with the
//     observers of step 3), scored on the held-out part: int16 activations
//     where the op has them, and then float, which the op takes instead
//     when it scores kMinGainDb more.
//  5. Greedy: ops that help on their own and fit the MAC budget (the share
//     of MACs that stays int8, --min-int8-macs) are tried in order of SQNR
//     gain per cost (share of the MACs, at least 2%); an op is kept when it
//     gains at least kMinFloatGainDb, until the target is met; then each chosen
//     op, most expensive first, is dropped again if the target still holds
//     without it. A target out of reach keeps the best program found and
//     says why the search stopped.
//
// "Higher precision" is int16 activations (act_dtype[NAME]=int16) for the
// ops `qc compile` has a 16x8 form of (conv2d, linear, add, mul, unless a
// user would share the int16 qparams in an op without one, such as a max
// pool), else float (keep_float). higherPrecisionsFor() says which.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_MIXEDPRECISION_H
#define QC_COMPILER_DRIVER_MIXEDPRECISION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlir::qc {

/// The default --target-sqnr, in dB: the output's quantization noise at
/// about 3% of its RMS (10^(-30/20) = 0.032). Measured on the examples
/// (docs/accuracy.md), top-1 / character decisions change on well under 1%
/// of samples there.
constexpr double kDefaultTargetSqnrDb = 30.0;

/// The default --min-int8-macs: the share of the model's multiply-
/// accumulates that must stay int8 (ops kept float may use the rest).
constexpr double kDefaultMinInt8MacShare = 0.9;

/// The smallest output SQNR gain (dB) for which step 3 keeps an observer
/// choice: smaller gains on a few dozen held-out samples are noise more
/// often than improvement.
constexpr double kMinGainDb = 0.1;

/// The smallest output SQNR gain (dB) for which step 5 keeps an op float.
/// Higher than kMinGainDb: a float op costs speed, and on examples/ocr the
/// best float op gained 0.17 dB on the held-out part (ranges from the other
/// part) but nothing once the program was calibrated on all samples, and
/// read 0.27 points fewer characters (docs/accuracy.md).
constexpr double kMinFloatGainDb = 0.5;

/// The observer kinds step 3 tries for activations, in this order (ties go
/// to the earlier). Entropy is not tried: on examples/ocr it scores a higher
/// output SQNR than histogram and mse but reads fewer characters than both
/// (docs/accuracy.md).
inline constexpr const char *kObserverChoices[] = {"histogram", "percentile",
                                                   "mse", "minmax"};

/// The precision of one op.
enum class Precision {
  kInt8,
  /// int16 activations, int8 weights (the quantizers' act_dtype=int16).
  kInt16,
  /// Not quantized (the quantizer's keep_float).
  kFloat,
};
const char *toString(Precision precision);

/// The precisions above int8 that `op` can be given, cheapest first.
std::vector<Precision> higherPrecisionsFor(Operation *op);

/// One op's choice, by node name.
struct OpChoice {
  std::string name;
  std::string opType;
  Precision precision = Precision::kFloat;
  /// The output SQNR with only this op at `precision` (the sensitivity).
  double aloneSqnrDb = 0;
  int64_t macs = 0;
};

struct MixedPrecisionOptions {
  double targetSqnrDb = kDefaultTargetSqnrDb;
  /// The share of MACs that must stay int8, in [0, 1].
  double minInt8MacShare = kDefaultMinInt8MacShare;
  /// Step 3 (observer choice); off with --no-observer-search, and skipped
  /// when --observer forces the activation observer or the quantizer is not
  /// one built-in quantizer (x86 / xnnpack).
  bool observerSearch = true;
  /// Share of the calibration batches held out for scoring (at least one
  /// batch; at least one batch stays for the ranges).
  double heldOutFraction = 0.25;
  /// Progress lines on stderr.
  bool progress = true;
};

/// One op's activation observer, chosen by step 3.
struct ObserverChoice {
  std::string name;
  std::string opType;
  std::string observer;
  /// Output SQNR gain of this choice when it was made.
  double gainDb = 0;
};

struct MixedPrecisionReport {
  double targetSqnrDb = 0;
  double minInt8MacShare = 0;
  /// Output SQNR on the held-out samples: all int8 with the quantizer's
  /// observers / after step 3 / with the final choice.
  double sqnrBeforeDb = 0, sqnrObserversDb = 0, sqnrAfterDb = 0;
  bool reached = false;
  /// Why step 3 did not run ("" when it ran or the target was met).
  std::string observerSearchSkipped;
  /// Step 3: the observer for all activations ("" = the quantizer's) and
  /// the ops given another one.
  std::string globalObserver;
  std::vector<ObserverChoice> observers;
  /// The MAC budget kept some op that helps from going float.
  bool budgetLimited = false;
  /// Ops above int8, in the order they were chosen.
  std::vector<OpChoice> chosen;
  /// The quantizer string that reproduces the result (`--quantizer`).
  std::string quantizer;
  /// Multiply-accumulates of conv / linear / matmul ops (dynamic dimensions
  /// counted as 1), all of them and those still int8.
  int64_t macsTotal = 0, macsInt8 = 0;
  /// Of those, the MACs of ops given int16 activations.
  int64_t macsInt16 = 0;
  /// Candidate programs scored; observers whose qparams came from merged
  /// per-value statistics; candidates calibrated again (no reuse possible).
  int64_t candidates = 0, evaluations = 0, mergedObservers = 0,
          recalibrations = 0;
  int64_t calibrationSamples = 0, heldOutSamples = 0;
  double calibrationSeconds = 0, observerSeconds = 0, searchSeconds = 0;
  double int8MacShare() const {
    return macsTotal ? double(macsInt8) / double(macsTotal) : 1.0;
  }
  double int16MacShare() const {
    return macsTotal ? double(macsInt16) / double(macsTotal) : 0.0;
  }
};

/// The result of --mixed-precision=auto as `qc quantize` prints it on
/// stderr (always: it is the answer the user asked for, and the quantizer
/// string to keep): the SQNR before and after, the observers and ops chosen,
/// the MAC shares, the search's cost and the `--quantizer` to reproduce it.
void printMixedPrecisionReport(llvm::raw_ostream &os,
                               const MixedPrecisionReport &r);

/// The greedy selection of step 5 above, separated from the model so it can
/// be tested on its own. `score(set)` returns the output SQNR with the ops
/// of `set` (indices into the candidates) above int8; `alone[i]` is the
/// score of {i}; `cost[i]` its share of the MACs. Ops whose cost does not fit
/// `budget` (the share of MACs that may leave int8) next to those chosen are
/// skipped (`budgetLimited` then says one that helps alone was); the others
/// that help alone are tried, and one is kept when it gains at least
/// `minGain` over the set before it. Returns the
/// chosen indices in the order chosen, and sets `bestSqnr` to the score of
/// the result and `reached` to whether it meets `target`.
std::vector<size_t>
greedySelect(const std::vector<double> &alone, const std::vector<double> &cost,
             double baseSqnr, double target, double budget, double minGain,
             const std::function<double(const std::vector<size_t> &)> &score,
             double &bestSqnr, bool &reached, bool &budgetLimited);

/// Appends `keep_float=NAME` for every name to every quantizer of
/// `quantizer` (';' separates quantizers; keep_float applies per
/// quantizer), escaping what the option language needs escaped.
std::string withKeepFloat(const std::string &quantizer,
                          const std::vector<std::string> &names);

/// The quantizer string of a choice: `quantizer`, then `act_observer=GLOBAL`
/// (when not empty), `act_observer[NAME]=KIND` for every (NAME, KIND) of
/// `observers`, `keep_float=NAME` for every name of `keepFloat` and
/// `act_dtype[NAME]=int16` for every name of `int16`, appended to every
/// quantizer of `quantizer`.
std::string
withChoices(const std::string &quantizer, const std::string &globalObserver,
            const std::vector<std::pair<std::string, std::string>> &observers,
            const std::vector<std::string> &keepFloat,
            const std::vector<std::string> &int16 = {});

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_MIXEDPRECISION_H
