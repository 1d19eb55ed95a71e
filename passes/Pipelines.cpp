//===- Pipelines.cpp - qc pass pipelines ----------------------------------===//
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

void mlir::qc::buildSimplifyPipeline(OpPassManager &pm,
                                     const SimplifyOptions &options) {
  QCShapeInferenceOptions shapes;
  shapes.inputShapes = llvm::join(options.inputShapes, ";");
  pm.addPass(createQCShapeInference(shapes));
  pm.addPass(createQCFoldBatchNorm());
  pm.addPass(createQCSinkReshapes());
  pm.addPass(createQCFoldConstants());
  pm.addPass(createQCNormalizeQDQ());
  pm.addPass(createQCDeadCodeElimination());
}

void mlir::qc::buildPTQPreparePipeline(OpPassManager &pm,
                                       const PTQOptions &options) {
  buildSimplifyPipeline(pm, options.simplify);
  QCAnnotateOptions annotate;
  annotate.quantizer = options.quantizer;
  annotate.plugins = llvm::join(options.plugins, ";");
  annotate.data = options.calibrationData;
  annotate.maxSamples = options.calibrationMaxSamples;
  annotate.batchSize = options.calibrationBatchSize;
  pm.addPass(createQCAnnotate(annotate));
  pm.addPass(createQCPrepare());
}

void mlir::qc::buildPTQConvertPipeline(OpPassManager &pm) {
  pm.addPass(createQCConvert());
  pm.addPass(createQCDeadCodeElimination());
}

void mlir::qc::buildCompilePipeline(OpPassManager &pm,
                                    const CompileOptions &options) {
  // A dynamic batch: one sample, checked to be independent of the others.
  if (options.maxBatch > 0) {
    QCDynamicBatchOptions batch;
    batch.maxBatch = options.maxBatch;
    pm.addPass(createQCDynamicBatch(batch));
  }
  // The integer form (a no-op on a program that is in it already).
  pm.addNestedPass<func::FuncOp>(createQCLowerToInteger());
  pm.addNestedPass<func::FuncOp>(createQCFuseTables());
  pm.addPass(createQCPlanMemory());
  QCLowerModelOptions lower;
  lower.target = options.target;
  lower.modelName = options.name;
  lower.source = options.source;
  lower.floatFma = options.floatFma;
  pm.addPass(createQCLowerModel(lower));
  pm.addPass(createQCLowerModelToLLVM());
  pm.addPass(createQCAddModelDescriptor());
}

namespace {
struct CompilePipelineOptions
    : public PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("host, x86-64, x86-64-avx2, x86-64-avxvnni, "
                     "x86-64-avx512vnni, aarch64-dotprod or aarch64-i8mm"),
      llvm::cl::init("host")};
  Option<std::string> name{*this, "name",
                           llvm::cl::desc("The model's C identifier"),
                           llvm::cl::init("model")};
  Option<std::string> source{
      *this, "source", llvm::cl::desc("Where the model came from")};
  Option<int64_t> maxBatch{
      *this, "max-batch",
      llvm::cl::desc("0: the program's shapes; N: any batch 1..N at run "
                     "time (qc-dynamic-batch)"),
      llvm::cl::init(0)};
  Option<bool> floatFma{
      *this, "float-fma",
      llvm::cl::desc("Float dot products as fused multiply-adds (not "
                     "bit-identical with the reference executor)"),
      llvm::cl::init(false)};
};

struct SimplifyPipelineOptions
    : public PassPipelineOptions<SimplifyPipelineOptions> {
  Option<std::string> inputShapes{
      *this, "input-shapes",
      llvm::cl::desc("NAME:D0,D1,... bindings; ';' separates several")};
};

struct PTQPipelineOptions : public PassPipelineOptions<PTQPipelineOptions> {
  Option<std::string> inputShapes{
      *this, "input-shapes",
      llvm::cl::desc("NAME:D0,D1,... bindings; ';' separates several")};
  Option<std::string> quantizer{
      *this, "quantizer",
      llvm::cl::desc("Quantizers: NAME[,OPTION=VALUE...] entries separated "
                     "by ';'"),
      llvm::cl::init("x86")};
  Option<std::string> plugins{
      *this, "plugins",
      llvm::cl::desc("Quantizer plugin libraries, separated by ';'")};
  // qc-ptq only: calibration.
  Option<std::string> data{
      *this, "data",
      llvm::cl::desc("Calibration data: FILE.npy, FILE.npz or a directory")};
  Option<std::string> observer{
      *this, "observer",
      llvm::cl::desc("Observer kind for activations (overrides the specs)")};
  Option<int64_t> maxSamples{*this, "max-samples",
                             llvm::cl::desc("Use at most this many samples"),
                             llvm::cl::init(-1)};

  mlir::qc::PTQOptions toOptions() const {
    mlir::qc::PTQOptions options;
    if (!inputShapes.empty())
      options.simplify.inputShapes.push_back(inputShapes);
    options.quantizer = quantizer;
    if (!plugins.empty())
      options.plugins.push_back(plugins);
    options.calibrationData = data;
    options.calibrationMaxSamples = maxSamples;
    return options;
  }
};
} // namespace

void mlir::qc::registerQCPipelines() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "qc-compile",
      "qc compile's passes: lower-to-integer, plan-memory, lower-model, "
      "lower-model-to-llvm, add-model-descriptor",
      [](OpPassManager &pm, const CompilePipelineOptions &o) {
        mlir::qc::CompileOptions options;
        options.target = o.target;
        options.name = o.name;
        options.source = o.source;
        options.maxBatch = o.maxBatch;
        options.floatFma = o.floatFma;
        mlir::qc::buildCompilePipeline(pm, options);
      });
  PassPipelineRegistration<SimplifyPipelineOptions>(
      "qc-simplify",
      "Shape inference, BatchNorm folding, constant folding, dead-code removal",
      [](OpPassManager &pm, const SimplifyPipelineOptions &opts) {
        SimplifyOptions options;
        if (!opts.inputShapes.empty())
          options.inputShapes.push_back(opts.inputShapes);
        buildSimplifyPipeline(pm.nest<func::FuncOp>(), options);
      });
  PassPipelineRegistration<PTQPipelineOptions>(
      "qc-ptq-prepare",
      "Quantization up to calibration: qc-simplify, qc-annotate, qc-prepare",
      [](OpPassManager &pm, const PTQPipelineOptions &opts) {
        buildPTQPreparePipeline(pm.nest<func::FuncOp>(), opts.toOptions());
      });
  PassPipelineRegistration<>(
      "qc-ptq-convert", "Quantization after calibration: qc-convert, qc-dce",
      [](OpPassManager &pm) { buildPTQConvertPipeline(pm.nest<func::FuncOp>()); });
  PassPipelineRegistration<PTQPipelineOptions>(
      "qc-ptq",
      "The whole post-training quantization flow (as `qc quantize`): "
      "qc-ptq-prepare, qc-calibrate with `data`, qc-ptq-convert",
      [](OpPassManager &pm, const PTQPipelineOptions &opts) {
        OpPassManager &fpm = pm.nest<func::FuncOp>();
        buildPTQPreparePipeline(fpm, opts.toOptions());
        QCCalibrateOptions calibrate;
        calibrate.data = opts.data;
        calibrate.observer = opts.observer;
        calibrate.maxSamples = opts.maxSamples;
        fpm.addPass(createQCCalibrate(calibrate));
        QCBiasCorrectionOptions correction;
        correction.data = opts.data;
        correction.maxSamples = opts.maxSamples;
        fpm.addPass(createQCBiasCorrection(correction));
        buildPTQConvertPipeline(fpm);
      });
}
