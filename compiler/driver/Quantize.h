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
#include "compiler/driver/MixedPrecision.h"
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
  /// `--mixed-precision=auto`: search which ops to keep above int8
  /// (MixedPrecision.h). Needs calibration data.
  std::optional<MixedPrecisionOptions> mixedPrecision;
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
  /// Weight-only quantization (weight_only=int8|int4): linear / matmul
  /// weights and gather tables (embeddings) kept as integers behind a
  /// dequantize with float activations, their values, and their bytes as
  /// float32 and as stored (4-bit values packed two per byte, plus float32
  /// scales and nonzero zero points).
  int64_t weightOnlyLayers = 0, weightOnlyValues = 0;
  int64_t weightOnlyFloatBytes = 0, weightOnlyBytes = 0;
  /// Filled when QuantizeOptions::mixedPrecision was set.
  MixedPrecisionReport mixedPrecision;
};

/// Quantizes the model at `path`; emits a diagnostic and returns null on
/// failure. `report` (optional) receives the calibration statistics.
OwningOpRef<ModuleOp> quantizeModel(MLIRContext &context,
                                    const std::string &path,
                                    const QuantizeOptions &options,
                                    QuantizeReport *report = nullptr);

/// The mixed-precision flow (MixedPrecision.cpp): `simplified` is the
/// loaded model after qc-simplify; returns the converted program of the
/// choice (null after a diagnostic) and fills report.mixedPrecision.
OwningOpRef<ModuleOp> quantizeMixedPrecision(MLIRContext &context,
                                             ModuleOp simplified,
                                             const QuantizeOptions &options,
                                             QuantizeReport &report);

/// The summary `qc quantize` prints (without --quiet): observers, samples,
/// runs and throughput of the calibration, or what was calibrated without
/// data.
void printQuantizeReport(llvm::raw_ostream &os, const QuantizeReport &report);

/// Adds the weight-only weights of \p module (8-bit constants dequantized
/// into the weight of a linear / matmul with a float input) to \p report.
void countWeightOnly(ModuleOp module, QuantizeReport &report);

/// Runs qc-lower-to-integer on every function of \p module (`qc quantize
/// --lower-to-integer`), honouring the pass-manager flags
/// (--mlir-print-ir-after-all, ...). Emits a diagnostic on failure.
LogicalResult lowerToInteger(ModuleOp module);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_QUANTIZE_H
