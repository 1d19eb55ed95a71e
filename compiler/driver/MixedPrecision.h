//===- MixedPrecision.h - automatic mixed precision for qc quantize -*- C++ -*-//
//
// `qc quantize ... --mixed-precision=auto [--target-sqnr=DB]`: find a
// small, cheap set of ops to keep at a higher precision so that the
// quantized program's output SQNR (against the float model, on calibration samples held out from
// range estimation) reaches a target. docs/accuracy.md, "Mixed precision",
// describes the search for users; in short:
//
//  1. The calibration batches are read once and split: the first part sets
//     the ranges, the rest (held out) scores candidates. The float model's
//     outputs on the held-out part are computed once and cached.
//  2. The model is prepared with the user's quantizer and calibrated ONCE.
//     Observers watch float tensors (the prepared program runs in float), so
//     an edge's statistics do not depend on which other ops are quantized:
//     a candidate program (the same quantizer plus keep_float for some ops)
//     reuses the calibrated qparams of every observer it shares with the
//     all-int8 program (same spec, same set of observed values). keep_float
//     can regroup observers (a pool after a float conv no longer shares the
//     conv's observer), so the calibration also keeps one observer per
//     observed value; a regrouped observer merges those (exact for min/max,
//     percentile, entropy, mse; re-binned for histogram). Only a candidate
//     observing a value the all-int8 program did not is calibrated again.
//     The final program is calibrated normally, on all samples.
//  3. Sensitivity: each candidate op alone at higher precision, scored on
//     the held-out part (one executor run over it per candidate).
//  4. Greedy: ops that help on their own are added in order of SQNR gain
//     per cost (share of the MACs, at least 2%) until the target is met,
//     then each chosen op, most expensive first, is dropped again if the
//     target still holds without it. An unreachable target keeps the best
//     program found and says so.
//
// "Higher precision" is float (keep_float) today: `qc compile` refuses int16
// activations. Precision lists the choices; higherPrecisionsFor() says which
// an op supports, so int16 slots in there when ops gain it.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_MIXEDPRECISION_H
#define QC_COMPILER_DRIVER_MIXEDPRECISION_H

#include "mlir/IR/BuiltinOps.h"

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

/// The precision of one op.
enum class Precision {
  kInt8,
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
  /// Share of the calibration batches held out for scoring (at least one
  /// batch; at least one batch stays for the ranges).
  double heldOutFraction = 0.25;
  /// Progress lines on stderr.
  bool progress = true;
};

struct MixedPrecisionReport {
  double targetSqnrDb = 0;
  /// Output SQNR on the held-out samples, all int8 / with the choice.
  double sqnrBeforeDb = 0, sqnrAfterDb = 0;
  bool reached = false;
  /// Ops above int8, in the order they were chosen.
  std::vector<OpChoice> chosen;
  /// The quantizer string that reproduces the result (`--quantizer`).
  std::string quantizer;
  /// Multiply-accumulates of conv / linear / matmul ops (dynamic dimensions
  /// counted as 1), all of them and those still int8.
  int64_t macsTotal = 0, macsInt8 = 0;
  /// Candidate programs scored; observers whose qparams came from merged
  /// per-value statistics; candidates calibrated again (no reuse possible).
  int64_t candidates = 0, evaluations = 0, mergedObservers = 0,
          recalibrations = 0;
  int64_t calibrationSamples = 0, heldOutSamples = 0;
  double calibrationSeconds = 0, searchSeconds = 0;
  double int8MacShare() const {
    return macsTotal ? double(macsInt8) / double(macsTotal) : 1.0;
  }
};

/// The greedy selection of step 4 above, separated from the model so it can
/// be tested on its own. `score(set)` returns the output SQNR with the ops
/// of `set` (indices into the candidates) above int8; `alone[i]` is the
/// score of {i}; `cost[i]` its share of the MACs. Returns the chosen indices in the order chosen, and sets
/// `bestSqnr` to the score of the result (or of the best set seen when the
/// target is out of reach, `reached` false).
std::vector<size_t>
greedySelect(const std::vector<double> &alone, const std::vector<double> &cost,
             double baseSqnr, double target,
             const std::function<double(const std::vector<size_t> &)> &score,
             double &bestSqnr, bool &reached);

/// Appends `keep_float=NAME` for every name to every quantizer of
/// `quantizer` (';' separates quantizers; keep_float applies per
/// quantizer), escaping what the option language needs escaped.
std::string withKeepFloat(const std::string &quantizer,
                          const std::vector<std::string> &names);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_MIXEDPRECISION_H
