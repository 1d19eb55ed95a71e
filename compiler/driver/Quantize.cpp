//===- Quantize.cpp - the `qc quantize` flow ------------------------------===//
#include "compiler/driver/Quantize.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/BiasCorrection.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::qc;

OwningOpRef<ModuleOp> mlir::qc::quantizeModel(MLIRContext &context,
                                              const std::string &path,
                                              const QuantizeOptions &options,
                                              QuantizeReport *report) {
  // Load without simplifying: the PTQ pipeline starts with qc-simplify, so
  // `qc quantize` and `qc-opt --qc-ptq-prepare` run the same sequence.
  // The shape bindings are applied before import (an ONNX model whose shape
  // arithmetic, e.g. a ConstantOfShape of the batch, needs them imports
  // only then), and again by the pipeline's qc-shape-inference, which finds
  // them already in place.
  LoadOptions load = options.load;
  load.simplify = false;
  std::vector<std::string> bindings = load.inputShapes;
  OwningOpRef<ModuleOp> module = loadModel(context, path, load);
  if (!module)
    return nullptr;
  FailureOr<func::FuncOp> func = getEntryFunction(*module);
  if (failed(func))
    return nullptr;

  PTQOptions ptq;
  // qc-shape-inference parses NAME=D0,... as the command line does
  // (support/ShapeBinding.h).
  ptq.simplify.inputShapes = bindings;
  ptq.quantizer = options.quantizer;
  ptq.plugins = options.plugins;
  ptq.calibrationData = options.calibrationData;
  ptq.calibrationMaxSamples = options.data.maxSamples;
  ptq.calibrationBatchSize = options.data.batchSize;
  if (options.mixedPrecision) {
    if (options.calibrationData.empty()) {
      emitError(UnknownLoc::get(&context))
          << "--mixed-precision needs calibration data (--calib DATA): it "
             "scores candidate programs on held-out calibration samples";
      return nullptr;
    }
    PassManager simplify(&context, ModuleOp::getOperationName());
    if (failed(applyPassManagerCLOptions(simplify)))
      return nullptr;
    buildSimplifyPipeline(simplify.nest<func::FuncOp>(), ptq.simplify);
    if (failed(simplify.run(*module)))
      return nullptr;
    QuantizeReport local;
    QuantizeReport &r = report ? *report : local;
    return quantizeMixedPrecision(context, *module, options, r);
  }
  PassManager prepare(&context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(prepare)))
    return nullptr;
  // --mlir-timing: one report per pipeline.
  DefaultTimingManager prepareTiming, convertTiming;
  applyDefaultTimingManagerCLOptions(prepareTiming);
  TimingScope prepareScope = prepareTiming.getRootScope();
  prepare.enableTiming(prepareScope);
  buildPTQPreparePipeline(prepare.nest<func::FuncOp>(), ptq);
  if (failed(prepare.run(*module)))
    return nullptr;

  FailureOr<CalibrationStats> stats = failure();
  if (options.calibrationData.empty()) {
    if (needsCalibrationData(*func)) {
      emitError(UnknownLoc::get(&context))
          << "quantize needs calibration data: --calib DATA (.npy, .npz or a "
             "directory of .npy / .npz files); the quantizer asks for static "
             "activation qparams. Only a fully dynamic quantization (e.g. "
             "--quantizer x86,dynamic=1, where every quantized activation is "
             "dynamic) runs without --calib";
      return nullptr;
    }
    stats = calibrateWithoutData(*func, options.calibration);
  } else {
    FailureOr<std::unique_ptr<CalibrationData>> data =
        CalibrationData::open(*func, options.calibrationData, options.data);
    if (failed(data))
      return nullptr;
    stats = calibrate(*func, **data, options.calibration);
  }
  if (failed(stats))
    return nullptr;
  // bias_correction=1: one more pass over the calibration data.
  if (!biasCorrectionRequests(*func).empty()) {
    std::unique_ptr<CalibrationData> data;
    if (!options.calibrationData.empty()) {
      FailureOr<std::unique_ptr<CalibrationData>> opened =
          CalibrationData::open(*func, options.calibrationData, options.data);
      if (failed(opened))
        return nullptr;
      data = std::move(*opened);
    }
    FailureOr<int64_t> corrected = correctBiases(*func, data.get());
    if (failed(corrected))
      return nullptr;
    if (report)
      report->correctedBiases = *corrected;
  }
  if (report) {
    report->calibration = *stats;
    report->withoutData = options.calibrationData.empty();
  }

  PassManager convert(&context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(convert)))
    return nullptr;
  applyDefaultTimingManagerCLOptions(convertTiming);
  TimingScope convertScope = convertTiming.getRootScope();
  convert.enableTiming(convertScope);
  buildPTQConvertPipeline(convert.nest<func::FuncOp>());
  if (failed(convert.run(*module)))
    return nullptr;
  if (report) {
    module->walk([&](DynamicFakeQuantOp) { ++report->dynamicEdges; });
    countWeightOnly(*module, *report);
  }
  return module;
}

/// Fills the weight-only fields of \p report: dequantized 8-bit constants
/// read as the weight of a linear / matmul whose input is float (not a
/// dequantize), or as the table of a gather (an embedding); the values
/// stored 4 bits each when every value fits ([-8, 7] / [0, 15]).
void mlir::qc::countWeightOnly(ModuleOp module, QuantizeReport &report) {
  module->walk([&](DequantizeOp dq) {
    auto c = dq.getInput().getDefiningOp<ConstantOp>();
    auto type = cast<RankedTensorType>(dq.getInput().getType());
    Type et = type.getElementType();
    if (!c || !et.isInteger(8) || !type.hasStaticShape())
      return;
    bool weightOnly = llvm::any_of(dq->getUses(), [](OpOperand &use) {
      Operation *user = use.getOwner();
      if (isa<GatherOp>(user))
        return use.getOperandNumber() == 0;
      return isa<LinearOp, MatmulOp>(user) && use.getOperandNumber() == 1 &&
             !user->getOperand(0).getDefiningOp<DequantizeOp>() &&
             !user->getOperand(0).getDefiningOp<DynamicFakeQuantOp>();
    });
    FailureOr<std::vector<int8_t>> v = getConstantValues<int8_t>(c.getValue());
    if (!weightOnly || failed(v))
      return;
    bool fourBit = true;
    for (int8_t x : *v) {
      int value = et.isUnsignedInteger() ? static_cast<uint8_t>(x) : x;
      fourBit &=
          et.isUnsignedInteger() ? value <= 15 : value >= -8 && value <= 7;
    }
    bool zeroPoints =
        llvm::any_of(dq.getZeroPoint(), [](int64_t z) { return z != 0; });
    int64_t n = type.getNumElements();
    int64_t q = static_cast<int64_t>(dq.getScale().size());
    ++report.weightOnlyLayers;
    report.weightOnlyValues += n;
    report.weightOnlyFloatBytes += 4 * n;
    report.weightOnlyBytes += (fourBit ? (n + 1) / 2 : n) + 4 * q +
                              (zeroPoints ? (fourBit ? (q + 1) / 2 : q) : 0);
  });
}

LogicalResult mlir::qc::lowerToInteger(ModuleOp module) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.nest<func::FuncOp>().addPass(createQCLowerToInteger());
  return pm.run(module);
}

void mlir::qc::printQuantizeReport(llvm::raw_ostream &os,
                                   const QuantizeReport &report) {
  if (report.withoutData) {
    os << llvm::format(
        "qc: no calibration data needed: %lld weight observers from their "
        "constants, %lld dynamically quantized activations\n",
        static_cast<long long>(report.calibration.observers),
        static_cast<long long>(report.dynamicEdges));
  } else {
    const CalibrationStats &s = report.calibration;
    os << llvm::format(
        "qc: calibrated %lld observers (%lld qc.observe ops) with %lld "
        "samples in %lld runs, %.2f s (%.1f samples/s)\n",
        static_cast<long long>(s.observers),
        static_cast<long long>(s.observeOps),
        static_cast<long long>(s.samples), static_cast<long long>(s.batches),
        s.seconds, s.seconds > 0 ? s.samples / s.seconds : 0.0);
  }
  if (report.weightOnlyLayers > 0)
    os << llvm::format(
        "qc: weight-only: %lld weights, %lld values: %.2f MB as float32, "
        "%.2f MB stored (values, scales, zero points): %.2fx smaller\n",
        static_cast<long long>(report.weightOnlyLayers),
        static_cast<long long>(report.weightOnlyValues),
        report.weightOnlyFloatBytes / 1e6, report.weightOnlyBytes / 1e6,
        report.weightOnlyBytes > 0
            ? static_cast<double>(report.weightOnlyFloatBytes) /
                  report.weightOnlyBytes
            : 0.0);
  if (report.correctedBiases > 0)
    os << llvm::format("qc: bias correction changed %lld biases\n",
                       static_cast<long long>(report.correctedBiases));
}
