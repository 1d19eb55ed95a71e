//===- Compile.h - qc compile: an integer program to one object file ------===//
//
// Compiles a quantized program (the Q/DQ form of `qc quantize`, or its
// qc-lower-to-integer form, or an imported ONNX QDQ model) to native code:
// qc-lower-to-integer, then passes/Codegen/ModelCodegen.h, then LLVM's -O3
// and object emission for the target. `qc compile` writes NAME.o + NAME.h;
// `qc run --compiled` and `qc bench` load the same object in-process (LLVM
// ORC) and run it through libqcrt. See docs/cli.md and docs/codegen.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_COMPILE_H
#define QC_COMPILER_DRIVER_COMPILE_H

#include "support/Npy.h"
#include "passes/Codegen/GemmLayout.h"
#include "passes/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

struct qc_model_desc;

namespace mlir::qc {

/// The `--target` names qc compile accepts, for messages.
extern const char *const kCompileTargets;

/// Resolves a `--target` name to the GEMM variants the model is compiled
/// with: one, or for `x86-64` the three x86 variants (best first, picked at
/// run time). `host` picks the best variant this CPU runs (AVX-512 VNNI,
/// then AVX-VNNI, then AVX2; i8mm, then dotprod), from LLVM's host feature
/// detection; an error message names what is missing.
FailureOr<std::vector<::qc::codegen::GemmIsa>>
resolveCompileTarget(StringRef target, std::string &error);

// CompileOptions (target, name, source): passes/Passes.h, shared with
// buildCompilePipeline.

/// What compiling produced.
struct CompiledModel {
  /// The target's name for messages.
  std::string target;
  std::string object;
  std::string header;
  uint64_t arenaBytes = 0, constantBytes = 0, floatWeightBytes = 0;
  int64_t steps = 0;
  double seconds = 0;
  /// compileModelCached (CompileCache.h): "hit", "miss" or "off".
  std::string cache = "off";
};

/// Lowers \p module to integer ops and compiles its entry function. Errors
/// are emitted as MLIR diagnostics (naming the unsupported ops).
FailureOr<CompiledModel> compileModel(ModuleOp module,
                                      const CompileOptions &options);

/// A compiled model loaded into this process with LLVM's ORC JIT linker
/// (the object of compileModel, for the host).
class LoadedModel {
public:
  ~LoadedModel();
  const qc_model_desc *descriptor() const { return desc; }

  /// Links \p object; returns null and sets \p error on failure.
  static std::unique_ptr<LoadedModel> load(const std::string &object,
                                           const std::string &name,
                                           std::string &error);

  /// Runs the model once per call through libqcrt with \p threads threads
  /// (0: QC_NUM_THREADS, else all CPUs). Inputs must match the descriptor's
  /// dtypes and shapes; returns the outputs, or sets \p error.
  bool startSession(int threads, std::string &error);
  bool run(const std::vector<::qc::NpyArray> &inputs,
           std::vector<::qc::NpyArray> &outputs, std::string &error);
  int threads() const;
  /// libqcrt's per-step profile of the session (docs/runtime.md,
  /// "Profiling"): on (counters cleared) or off, and its report (the table,
  /// or CSV) written to \p out.
  bool setProfiling(bool enabled, std::string &error);
  bool printProfile(FILE *out, bool csv, std::string &error);

private:
  LoadedModel() = default;
  struct Impl;
  std::unique_ptr<Impl> impl;
  const qc_model_desc *desc = nullptr;
};

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_COMPILE_H
