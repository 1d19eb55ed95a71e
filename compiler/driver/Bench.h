//===- Bench.h - run and time a compiled model in-process -------*- C++ -*-===//
//
// `qc run --compiled` and `qc bench`: compile a module for this CPU, load the
// object with LLVM's ORC linker (LoadedModel, Compile.h), run it through
// libqcrt, and time it.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_BENCH_H
#define QC_COMPILER_DRIVER_BENCH_H

#include "compiler/driver/Compile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::qc {

/// The CompileOptions for \p path: \p name, or the file's base name made a
/// C identifier.
CompileOptions compileOptionsFor(StringRef path, StringRef target,
                                 StringRef name = "");

/// The code-generation flags `qc run --compiled`, `qc bench` and `qc
/// compile` share (CompileOptions' fields of the same names).
struct CodegenFlags {
  /// > 0: one sample compiled for runs of 1..maxBatch (qc-dynamic-batch,
  /// `--max-batch`).
  int64_t maxBatch = 0;
  /// `--float-fma`: float dot products as fused multiply-adds.
  bool floatFma = false;
};

/// Compiles \p module for \p target and loads it into this process with a
/// session of \p threads threads (0: QC_NUM_THREADS, else all CPUs). Emits
/// an error and returns null on failure; \p info receives what compiling
/// produced.
std::unique_ptr<LoadedModel> compileAndLoad(ModuleOp module, StringRef path,
                                            StringRef target, int threads,
                                            CompiledModel *info = nullptr,
                                            const CodegenFlags &flags = {});

/// compileAndLoad, then one run on \p inputs.
LogicalResult runCompiled(ModuleOp module, StringRef path, StringRef target,
                          int threads,
                          const std::vector<::qc::NpyArray> &inputs,
                          std::vector<::qc::NpyArray> &outputs,
                          const CodegenFlags &flags = {});

/// Inputs for `qc bench` without --input: uniform values in [0, 1) (seed 0)
/// for each static f32 argument of \p func (with \p batch > 0, a dynamic
/// dimension 0 is \p batch). Fails, naming the input, for any other argument
/// or one larger than the memory cap.
FailureOr<std::vector<::qc::NpyArray>> randomInputs(func::FuncOp func,
                                                     int64_t batch = 0);

struct BenchOptions {
  /// Timed runs continue until both are reached.
  double minSeconds = 2.0;
  int minRuns = 20;
};

struct BenchResult {
  /// Milliseconds per timed run, sorted.
  std::vector<double> times;
  double median() const;
};

/// Warms \p model up (at least 5 runs and 0.2 s), then times single runs on
/// \p inputs. Sets \p error and fails when a run fails.
FailureOr<BenchResult> benchModel(LoadedModel &model,
                                  const std::vector<::qc::NpyArray> &inputs,
                                  const BenchOptions &options,
                                  std::string &error);

/// The report `qc bench` prints; the last line is `median_ms: X`.
void printBenchReport(llvm::raw_ostream &os, StringRef modelPath,
                      const CompiledModel &info, const LoadedModel &model,
                      const BenchResult &result);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_BENCH_H
