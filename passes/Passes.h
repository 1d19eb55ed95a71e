//===- Passes.h - qc passes and pipelines -----------------------*- C++ -*-===//
#ifndef QC_PASSES_PASSES_H
#define QC_PASSES_PASSES_H

#include "dialects/qc/IR/QCDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::qc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// Options of the simplify pipeline (shape inference, BatchNorm folding,
/// constant folding, dead-code removal).
struct SimplifyOptions {
  /// NAME:D0,D1,... bindings for dynamic input dimensions.
  std::vector<std::string> inputShapes;
};

/// Adds the `qc-simplify` sequence to `pm` (which must nest on func.func).
void buildSimplifyPipeline(OpPassManager &pm, const SimplifyOptions &options);

/// Registers the qc pipelines (`qc-simplify`, ...) with the global registry;
/// the generated `registerQCPasses()` below registers the single passes.
void registerQCPipelines();

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace mlir::qc

#endif // QC_PASSES_PASSES_H
