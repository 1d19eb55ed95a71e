//===- Calibrate.h - run calibration data through observers -----*- C++ -*-===//
//
// Calibration: stream samples through a prepared program (one with
// qc.observe ops, see qc-prepare) with the reference executor, feed each
// observer the tensors at its qc.observe ops, then record the resulting
// `scale` / `zero_point` on them (qc-convert consumes those).
//
// Memory is bounded by one batch: samples are read from disk batch by batch
// (an .npy file row range, or one file of a directory), never all at once;
// observers keep fixed-size statistics.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_CALIBRATE_H
#define QC_PASSES_QUANTIZE_CALIBRATE_H

#include "support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

struct CalibrationDataOptions {
  /// Samples per executor run; 0 takes the model's static batch dimension
  /// (dimension 0 of the inputs), or 1 when it is dynamic. Ignored for a
  /// directory, whose files are one sample or one batch each.
  int64_t batchSize = 0;
  /// Use at most this many samples (-1: all).
  int64_t maxSamples = -1;
};

/// Calibration samples for one function, read one batch at a time:
///  - FILE.npy: samples along axis 0 (single-input models). The array is
///    [N, d1, ...] for an input [B, d1, ...] (batches of B rows), or, for an
///    input without a batch dimension, one more dimension than the input.
///  - FILE.npz: one such array per input, named as the input (its
///    `qc.name`, else argN), all with the same N. An .npz is read whole.
///  - a directory: its .npy files (single-input models) or .npz files (one
///    array per input), sorted by name; each holds one sample (the input's
///    shape without the batch dimension, or with batch 1) or one batch.
/// Element types must equal the inputs' (f32 for float models); shapes must
/// fit the inputs' static dimensions. Errors name the file, the input and
/// the expected type.
class CalibrationData {
public:
  struct Batch {
    /// One array per function argument, in order.
    std::vector<::qc::NpyArray> inputs;
    /// Samples in this batch.
    int64_t samples = 0;
    /// Where it came from, for messages ("calib.npy rows 8..15").
    std::string source;
  };

  /// Opens `path` for `func`, checking every input's dtype and shape that can
  /// be checked without reading the samples. Emits a diagnostic and fails on
  /// bad data (no samples included).
  static FailureOr<std::unique_ptr<CalibrationData>>
  open(func::FuncOp func, StringRef path,
       const CalibrationDataOptions &options = {});

  /// Batches read before (by `next` of another CalibrationData, so already
  /// checked against the function's inputs), delivered in order.
  static std::unique_ptr<CalibrationData> fromBatches(std::vector<Batch> batches);

  /// Samples that `next` will deliver in total.
  int64_t numSamples() const { return total; }

  /// The next batch, or std::nullopt after the last one. Fails after a
  /// diagnostic (unreadable file, a sample of the wrong shape or dtype).
  FailureOr<std::optional<Batch>> next();

  ~CalibrationData();

  /// Where batches come from (defined in Calibrate.cpp).
  struct Source;

private:
  CalibrationData() = default;
  std::unique_ptr<Source> source;
  int64_t total = 0;
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
  /// Optional: called after every observer update with the qc.observe op and
  /// the tensor the observer was given (weights only on the first batch, as
  /// the observers see them), for tools that keep statistics of their own
  /// (the mixed-precision search keeps one per observed value). Failure
  /// (after a diagnostic) stops the calibration.
  std::function<LogicalResult(Operation *observe, ArrayRef<float> values,
                              ArrayRef<int64_t> shape)>
      onUpdate;
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
                                      CalibrationData &data,
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
/// "percentile", "entropy", "mse", ...). Returns the error message, or "" when valid.
std::string checkActivationObserver(StringRef kind);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_CALIBRATE_H
