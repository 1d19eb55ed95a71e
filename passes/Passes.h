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

/// Re-runs every op's shape rule in program order on \p func's current
/// argument types (qc-shape-inference without the bindings) and updates the
/// function's result types. Emits the failing rule's diagnostic.
LogicalResult reinferShapes(func::FuncOp func);

/// Adds the `qc-simplify` sequence to `pm` (which must nest on func.func).
void buildSimplifyPipeline(OpPassManager &pm, const SimplifyOptions &options);

/// Options of post-training quantization (PyTorch PT2E's flow): simplify,
/// annotate with a Quantizer, prepare (observers), calibrate, convert.
struct PTQOptions {
  SimplifyOptions simplify;
  /// Quantizers for qc-annotate: NAME[,OPTION=VALUE...] entries separated by
  /// ';' (e.g. "x86,per_channel=0").
  std::string quantizer = "x86";
  /// Quantizer plugin libraries to load first.
  std::vector<std::string> plugins;
  /// Calibration data for quantizer transforms that measure activations
  /// (smoothquant); "" for none.
  std::string calibrationData;
  int64_t calibrationMaxSamples = -1;
  int64_t calibrationBatchSize = 0;
};

/// The first part, up to calibration: qc-simplify, qc-annotate, qc-prepare
/// (on func.func; `pm` must nest on func.func).
void buildPTQPreparePipeline(OpPassManager &pm, const PTQOptions &options);

/// The part after calibration: qc-convert, then qc-dce (float weights that
/// became integer constants).
void buildPTQConvertPipeline(OpPassManager &pm);

/// What `qc compile` makes of a program.
struct CompileOptions {
  /// A `--target` name (Target.h): host, x86-64, x86-64-avx2, ...
  std::string target = "host";
  /// Model name (a C identifier); the descriptor is `<name>_desc`.
  std::string name = "model";
  /// For the header's comment.
  std::string source;
  /// 0: the program's shapes as they are. N >= 1: a dynamic batch
  /// (qc-dynamic-batch): one sample compiled, any batch 1..N at run time.
  int64_t maxBatch = 0;
  /// `--float-fma`: float dot products as fused multiply-adds (faster, not
  /// bit-identical with the reference executor; docs/codegen.md).
  bool floatFma = false;
};

/// Adds `qc compile`'s sequence to \p pm (on builtin.module):
/// qc-dynamic-batch (with maxBatch), qc-lower-to-integer (on func.func), qc-plan-memory, qc-lower-model,
/// qc-lower-model-to-llvm, qc-add-model-descriptor. The result is an
/// LLVM-dialect module with `qc.model`, ready for emitLLVMDialectModule.
void buildCompilePipeline(OpPassManager &pm, const CompileOptions &options);

/// Registers the qc pipelines (`qc-simplify`, ...) with the global registry;
/// the generated `registerQCPasses()` below registers the single passes.
void registerQCPipelines();

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace mlir::qc

#endif // QC_PASSES_PASSES_H
