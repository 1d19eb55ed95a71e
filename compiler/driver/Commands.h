//===- Commands.h - what each `qc` command does -----------------*- C++ -*-===//
//
// One function per `qc` command, called by the `qc` main once the command's
// flags are parsed and checked (compiler/tools/qc/qc.cpp). Each creates the
// MLIRContext (after flag parsing, so MLIR's context and pass-manager flags
// apply), runs the command, prints what the command prints and returns the
// exit status: 0, 1 after an error printed as `qc: error: ...`, or
// kUsageError (CommandLine.h) for a bad flag value found only here.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_COMMANDS_H
#define QC_COMPILER_DRIVER_COMMANDS_H

#include "compiler/driver/Bench.h"
#include "compiler/driver/Debug.h"
#include "compiler/driver/Driver.h"
#include "compiler/driver/Quantize.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// A model file and how to load it (the flags every loading command takes).
struct ModelSource {
  std::string path;
  LoadOptions load;
};

/// `qc import MODEL -o FILE`: load (import + qc-simplify) and write as MLIR
/// text.
struct ImportCommand {
  ModelSource model;
  std::string output = "-";
};
int runImportCommand(const ImportCommand &command);

/// `qc export-onnx MODEL -o FILE.onnx`: the program as written (no
/// qc-simplify) as an ONNX model.
struct ExportOnnxCommand {
  ModelSource model;
  std::string output;
};
int runExportOnnxCommand(const ExportOnnxCommand &command);

/// `qc run`: run the model (reference executor, or compiled with
/// `compiled`) on the bound inputs, write one .npy per output into
/// outputDir and print `NAME: DTYPE[SHAPE] -> PATH` per output.
struct RunCommand {
  ModelSource model;
  std::vector<std::string> inputs;
  std::string outputDir;
  bool compiled = false;
  std::string target = "host";
  int threads = 0;
  CodegenFlags codegen;
};
int runRunCommand(const RunCommand &command);

/// `qc quantize`: quantizeModel, then (with lowerToInteger) the integer
/// lowering, writing `output` and, with exportOnnx, the Q/DQ form as ONNX;
/// prints the mixed-precision choice or (unless quiet) the calibration
/// summary on stderr.
struct QuantizeCommand {
  /// The file and its input bindings (they replace options.load).
  ModelSource model;
  QuantizeOptions options;
  std::string output = "-";
  std::string exportOnnx;
  bool lowerToInteger = false;
  bool quiet = false;
};
int runQuantizeCommand(const QuantizeCommand &command);

/// `qc compile`: compile for `target` and write OUTDIR/NAME.o and NAME.h
/// (and the runtime with withRuntime); prints the summary.
struct CompileCommand {
  ModelSource model;
  std::string outDir;
  std::string target = "host";
  /// Empty: the file's base name made a C identifier.
  std::string name;
  bool withRuntime = false;
  CodegenFlags codegen;
};
int runCompileCommand(const CompileCommand &command);

/// `qc bench`: compile for this CPU, load in-process, time (benchModel) and
/// print the report; with profile / profileCsv, time as many runs again
/// with libqcrt's per-step profile on and print its table / write its CSV.
/// profileCsv is opened before anything is compiled, so a bad path fails at
/// once (kUsageError).
struct BenchCommand {
  ModelSource model;
  /// NAME=FILE.npy bindings; none: randomInputs.
  std::vector<std::string> inputs;
  std::string target = "host";
  int threads = 0;
  CodegenFlags codegen;
  BenchOptions bench;
  bool profile = false;
  /// --profile-csv FILE (an empty name is an error).
  std::optional<std::string> profileCsv;
};
int runBenchCommand(const BenchCommand &command);

/// `qc debug`: runDebug (Debug.h) in a context of its own.
int runDebugCommand(const DebugOptions &options);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_COMMANDS_H
