//===- Commands.cpp - what each `qc` command does -------------------------===//
#include "compiler/driver/Commands.h"

#include "compiler/driver/Artifacts.h"
#include "compiler/driver/CommandLine.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/MixedPrecision.h"
#include "compiler/exporter/OnnxExporter.h"
#include "reference/Executor.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace mlir::qc {

namespace {
/// A context set up for qc (setUpContext) with the model loaded; `module`
/// is null after an error was printed.
struct LoadedSource {
  MLIRContext context;
  OwningOpRef<ModuleOp> module;

  explicit LoadedSource(const ModelSource &source) {
    setUpContext(context);
    module = loadModel(context, source.path, source.load);
  }
};

/// Prints `NAME: DTYPE[D0,D1,...] -> PATH` for each output `qc run` wrote.
void printRunOutputs(llvm::raw_ostream &os, func::FuncOp func,
                     const std::vector<::qc::NpyArray> &results,
                     const std::vector<std::string> &paths) {
  for (auto [i, array] : llvm::enumerate(results)) {
    os << escapeForTerminal(resultName(func, i)) << ": "
       << ::qc::dtypeName(array.dtype) << "[";
    for (auto [j, d] : llvm::enumerate(array.shape))
      os << (j ? "," : "") << d;
    os << "] -> " << escapeForTerminal(paths[i]) << "\n";
  }
}
} // namespace

int runImportCommand(const ImportCommand &command) {
  LoadedSource source(command.model);
  if (!source.module || failed(writeModule(*source.module, command.output)))
    return 1;
  return 0;
}

int runExportOnnxCommand(const ExportOnnxCommand &command) {
  // Export the program as written: qc-simplify would fold the dequantize of
  // constant weights back into float constants.
  ModelSource model = command.model;
  model.load.simplify = false;
  LoadedSource source(model);
  if (!source.module || failed(exportOnnx(*source.module, command.output)))
    return 1;
  return 0;
}

int runRunCommand(const RunCommand &command) {
  // An ONNX model's dynamic input dimensions are bound from the given
  // arrays before import (LoadOptions::inputArrays).
  ModelSource model = command.model;
  model.load.inputArrays = command.inputs;
  LoadedSource source(model);
  if (!source.module)
    return 1;
  ModuleOp module = *source.module;
  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func) || failed(checkOutputNames(*func)))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays =
      readInputs(*func, command.inputs);
  if (failed(arrays))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> results;
  if (command.compiled) {
    std::vector<::qc::NpyArray> outs;
    if (failed(runCompiled(module, command.model.path, command.target,
                           command.threads, *arrays, outs, command.codegen)))
      return 1;
    results = std::move(outs);
    // The entry function after lowering (same signature, names kept).
    func = getEntryFunction(module);
  } else {
    results = runFunction(*func, *arrays);
  }
  if (failed(results))
    return 1;
  FailureOr<std::vector<std::string>> paths =
      writeOutputs(*func, *results, command.outputDir);
  if (failed(paths))
    return 1;
  printRunOutputs(llvm::outs(), *func, *results, *paths);
  return 0;
}

int runQuantizeCommand(const QuantizeCommand &command) {
  MLIRContext context;
  setUpContext(context);
  QuantizeOptions options = command.options;
  options.load = command.model.load;
  QuantizeReport report;
  OwningOpRef<ModuleOp> module =
      quantizeModel(context, command.model.path, options, &report);
  if (!module)
    return 1;
  if (command.options.mixedPrecision)
    printMixedPrecisionReport(llvm::errs(), report.mixedPrecision);
  // --export-onnx writes the Q/DQ form; with --lower-to-integer, a copy of
  // it. The -o program is written first, so that an export error (an op
  // without an ONNX form, a full disk) does not lose it.
  OwningOpRef<ModuleOp> qdq;
  if (command.lowerToInteger) {
    if (!command.exportOnnx.empty())
      qdq = module->clone();
    if (failed(lowerToInteger(*module)))
      return 1;
  }
  if (failed(writeModule(*module, command.output)))
    return 1;
  if (!command.exportOnnx.empty() &&
      failed(exportOnnx(qdq ? *qdq : *module, command.exportOnnx)))
    return 1;
  if (!command.quiet && !command.options.mixedPrecision)
    printQuantizeReport(llvm::errs(), report);
  return 0;
}

int runCompileCommand(const CompileCommand &command) {
  LoadedSource source(command.model);
  if (!source.module)
    return 1;
  CompileOptions options =
      compileOptionsFor(command.model.path, command.target, command.name);
  options.maxBatch = command.codegen.maxBatch;
  options.floatFma = command.codegen.floatFma;
  FailureOr<CompiledModel> compiled = compileModel(*source.module, options);
  if (failed(compiled) ||
      failed(writeCompiledModel(&source.context, *compiled, command.outDir,
                                options.name, command.withRuntime)))
    return 1;
  printCompileSummary(llvm::outs(), *compiled, command.outDir, options.name);
  return 0;
}

int runBenchCommand(const BenchCommand &command) {
  // The CSV file is opened before anything is compiled, so a bad path fails
  // at once.
  std::unique_ptr<FILE, int (*)(FILE *)> csv(nullptr, &std::fclose);
  if (command.profileCsv) {
    csv.reset(std::fopen(command.profileCsv->c_str(), "w"));
    if (!csv)
      return usageError("--profile-csv: cannot write '" + *command.profileCsv +
                        "': " + std::strerror(errno));
  }
  LoadedSource source(command.model);
  auto fail = [&](const Twine &message) {
    emitError(UnknownLoc::get(&source.context)) << message;
    return 1;
  };
  if (!source.module)
    return 1;
  ModuleOp module = *source.module;
  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays =
      command.inputs.empty() ? randomInputs(*func, command.codegen.maxBatch)
                             : readInputs(*func, command.inputs);
  if (failed(arrays))
    return 1;
  CompiledModel info;
  std::unique_ptr<LoadedModel> loaded =
      compileAndLoad(module, command.model.path, command.target,
                     command.threads, &info, command.codegen);
  if (!loaded)
    return 1;
  std::string error;
  FailureOr<BenchResult> result =
      benchModel(*loaded, *arrays, command.bench, error);
  if (failed(result))
    return fail("the compiled model failed: " + error);
  printBenchReport(llvm::outs(), command.model.path, info, *loaded, *result);
  if (!command.profile && !csv)
    return 0;
  // The profiled runs are timed separately: the hooks cost a clock read per
  // step, which the timing above does not include.
  if (!loaded->setProfiling(true, error))
    return fail("cannot profile the compiled model: " + error);
  if (failed(benchModel(*loaded, *arrays, command.bench, error)))
    return fail("the compiled model failed: " + error);
  llvm::outs() << "\n";
  llvm::outs().flush();
  if (command.profile && !loaded->printProfile(stdout, /*csv=*/false, error))
    return fail("cannot print the profile: " + error);
  if (csv && (!loaded->printProfile(csv.get(), /*csv=*/true, error) ||
              std::fflush(csv.get()) != 0))
    return fail("--profile-csv: cannot write '" + *command.profileCsv + "'" +
                (error.empty() ? std::string() : ": " + error));
  return 0;
}

int runDebugCommand(const DebugOptions &options) {
  MLIRContext context;
  setUpContext(context);
  return runDebug(context, options);
}

} // namespace mlir::qc
