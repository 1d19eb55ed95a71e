//===- Calibrate.h - run calibration data through observers -----*- C++ -*-===//
//
// Calibration: stream samples through a prepared program (one with
// qc.observe ops, see qc-prepare) with the reference executor, feed each
// observer the tensors at its qc.observe ops, then record the resulting
// `scale` / `zero_point` on them (qc-convert consumes those).
//
// calibrate() reads batches from a CalibrationSource its caller opened
// (CalibrationData.h reads files); it never opens files itself. Memory is
// bounded by one batch; observers keep fixed-size statistics.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_CALIBRATE_H
#define QC_PASSES_QUANTIZE_CALIBRATE_H

#include "support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// Where calibration samples come from: calibrate() reads batches from a
/// source the caller opened. The driver (and the qc-calibrate pass) open
/// CalibrationData (CalibrationData.h: .npy / .npz files, directories);
/// anything else that can deliver batches (arrays in memory, a generator)
/// implements the same two functions.
class CalibrationSource {
public:
  struct Batch {
    /// One array per function argument, in order.
    std::vector<::qc::NpyArray> inputs;
    /// Samples in this batch.
    int64_t samples = 0;
    /// Where it came from, for messages ("calib.npy rows 8..15").
    std::string source;
  };

  virtual ~CalibrationSource() = default;

  /// Samples that `next` will deliver in total (for progress).
  virtual int64_t numSamples() const = 0;

  /// The next batch, or std::nullopt after the last one. Fails after a
  /// diagnostic (unreadable data, a sample of the wrong shape or dtype).
  virtual FailureOr<std::optional<Batch>> next() = 0;
};

struct CalibrationOptions {
  /// Overrides the observer kind of activation observers (those not fed by
  /// a constant): the `--observer` flag. Per-channel specs map min/max kinds
  /// to their per-channel variants.
  std::optional<std::string> activationObserver;
  enum class Progress {
    /// A redrawn bar on stderr when it is a terminal, else a plain line at
    /// every tenth of the samples.
    Auto,
    Lines,
    None
  };
  Progress progress = Progress::Auto;
};

struct CalibrationStats {
  int64_t samples = 0;
  int64_t batches = 0;
  /// Distinct observer ids, and qc.observe ops.
  int64_t observers = 0;
  int64_t observeOps = 0;
  /// Wall time of the runs (reading data included), in seconds.
  double seconds = 0;
};

/// Runs every batch of `data` through `func` with the reference executor,
/// updating one observer per qc.observe id (observers fed by a constant, the
/// weights, only on the first batch), then stores each observer's
/// `scale` / `zero_point` on its qc.observe ops. Errors (after a
/// diagnostic): no samples, data that does not fit the inputs, NaN / Inf
/// reaching an observer (at the observer's location: the ONNX node), qc.observe
/// ops of one id with different specs, an invalid observer override.
FailureOr<CalibrationStats> calibrate(func::FuncOp func,
                                      CalibrationSource &data,
                                      const CalibrationOptions &options = {});

/// Calibration of a program whose only observers are fed by constants
/// (weights), e.g. a dynamically quantized one: each observer sees its
/// constant once. Fails (at the qc.observe) when an observer watches an
/// activation, which needs data.
FailureOr<CalibrationStats>
calibrateWithoutData(func::FuncOp func, const CalibrationOptions &options = {});

/// True when some qc.observe of `func` is not fed by a constant, i.e.
/// calibration needs data.
bool needsCalibrationData(func::FuncOp func);

/// Checks an `--observer` value: a per-tensor observer kind of
/// quantizers/observers ("minmax", "moving_average", "histogram",
/// "percentile", "entropy", ...). Returns the error message, or "" when valid.
std::string checkActivationObserver(StringRef kind);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_CALIBRATE_H
