//===- Quantize.h - the `qc quantize` flow ----------------------*- C++ -*-===//
//
// Post-training quantization of a model file, as the driver runs it:
//   load (ONNX import, or MLIR text)
//   -> buildPTQPreparePipeline (qc-simplify, qc-annotate, qc-prepare)
//   -> calibrate (passes/Quantize/Calibrate.h; progress on stderr)
//   -> buildPTQConvertPipeline (qc-convert, qc-dce)
// giving the Q/DQ contract form. The same pipeline builders back qc-opt's
// `qc-ptq-prepare`, `qc-ptq-convert` and `qc-ptq`.
//
// Exporters (ONNX QDQ) take the returned module: they run after
// quantizeModel and before or instead of writeModule.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_QUANTIZE_H
#define QC_COMPILER_DRIVER_QUANTIZE_H

#include "compiler/driver/Driver.h"
#include "passes/Quantize/CalibrationData.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

struct QuantizeOptions {
  /// Input-shape bindings (the `simplify` flag is ignored: the PTQ pipeline
  /// always starts with qc-simplify).
  LoadOptions load;
  /// Quantizers for qc-annotate ("x86", "xnnpack,per_channel=0", ...; ';'
  /// separates several) and plugin libraries to load first.
  std::string quantizer;
  std::vector<std::string> plugins;
  /// Calibration data (.npy, .npz or a directory) and how to read it. May be
  /// empty when no activation is observed (a fully dynamic model): weights
  /// are then calibrated from their constants alone.
  std::string calibrationData;
  CalibrationDataOptions data;
  /// Observer override for activations, progress display.
  CalibrationOptions calibration;
};

/// What a quantization did, for the user.
struct QuantizeReport {
  CalibrationStats calibration;
  /// Calibration ran without data (weights only).
  bool withoutData = false;
  /// qc.dynamic_fake_quant ops in the result (dynamically quantized edges).
  int64_t dynamicEdges = 0;
  /// Biases changed by bias correction (bias_correction=1).
  int64_t correctedBiases = 0;
};

/// Quantizes the model at `path`; emits a diagnostic and returns null on
/// failure. `report` (optional) receives the calibration statistics.
OwningOpRef<ModuleOp> quantizeModel(MLIRContext &context,
                                    const std::string &path,
                                    const QuantizeOptions &options,
                                    QuantizeReport *report = nullptr);

/// The summary `qc quantize` prints (without --quiet): observers, samples,
/// runs and throughput of the calibration, or what was calibrated without
/// data.
void printQuantizeReport(llvm::raw_ostream &os, const QuantizeReport &report);

/// Runs qc-lower-to-integer on every function of \p module (`qc quantize
/// --lower-to-integer`), honouring the pass-manager flags
/// (--mlir-print-ir-after-all, ...). Emits a diagnostic on failure.
LogicalResult lowerToInteger(ModuleOp module);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_QUANTIZE_H
