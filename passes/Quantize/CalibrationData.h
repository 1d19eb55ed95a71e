//===- CalibrationData.h - calibration samples from files -------*- C++ -*-===//
//
// The calibration source of `qc quantize --calib DATA` and of qc-calibrate's
// `data=` option: .npy / .npz files or a directory of them, streamed one
// batch at a time (an .npy file row range, or one file of a directory), never
// all at once. calibrate() (Calibrate.h) takes it as a CalibrationSource.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_CALIBRATIONDATA_H
#define QC_PASSES_QUANTIZE_CALIBRATIONDATA_H

#include "passes/Quantize/Calibrate.h"

#include <memory>

namespace mlir::qc {

/// Function attribute qc-annotate sets while quantizer transforms run:
/// {path, max_samples, batch_size} of the calibration data (qc quantize
/// --calib), for transforms that measure activations.
inline constexpr const char *kCalibrationDataAttr = "qc.calibration_data";

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
class CalibrationData : public CalibrationSource {
public:
  /// Opens `path` for `func`, checking every input's dtype and shape that can
  /// be checked without reading the samples. Emits a diagnostic and fails on
  /// bad data (no samples included).
  static FailureOr<std::unique_ptr<CalibrationData>>
  open(func::FuncOp func, StringRef path,
       const CalibrationDataOptions &options = {});

  int64_t numSamples() const override { return total; }
  FailureOr<std::optional<Batch>> next() override;

  ~CalibrationData() override;

  /// Where batches come from (defined in CalibrationData.cpp).
  struct Source;

private:
  CalibrationData() = default;
  std::unique_ptr<Source> source;
  int64_t total = 0;
};

/// The calibration data a transform reads: \p explicitPath (its pass
/// option) when given, else the kCalibrationDataAttr of \p func, whose
/// max_samples / batch_size then replace those of \p options. "" when
/// there is none.
std::string calibrationDataPath(func::FuncOp func, StringRef explicitPath,
                                CalibrationDataOptions &options);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_CALIBRATIONDATA_H
