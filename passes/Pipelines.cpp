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
  pm.addPass(createQCFoldConstants());
  pm.addPass(createQCDeadCodeElimination());
}

namespace {
struct SimplifyPipelineOptions
    : public PassPipelineOptions<SimplifyPipelineOptions> {
  Option<std::string> inputShapes{
      *this, "input-shapes",
      llvm::cl::desc("NAME:D0,D1,... bindings; ';' separates several")};
};
} // namespace

void mlir::qc::registerQCPipelines() {
  PassPipelineRegistration<SimplifyPipelineOptions>(
      "qc-simplify",
      "Shape inference, BatchNorm folding, constant folding, dead-code removal",
      [](OpPassManager &pm, const SimplifyPipelineOptions &opts) {
        SimplifyOptions options;
        if (!opts.inputShapes.empty())
          options.inputShapes.push_back(opts.inputShapes);
        buildSimplifyPipeline(pm.nest<func::FuncOp>(), options);
      });
}
