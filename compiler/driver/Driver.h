//===- Driver.h - the qc driver library -------------------------*- C++ -*-===//
//
// What the `qc` tool does, as functions: load a model (ONNX or MLIR text),
// run the pipelines, write results. The `qc` main only parses flags.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_DRIVER_H
#define QC_COMPILER_DRIVER_DRIVER_H

#include "support/Npy.h"
#include "passes/Codegen/ModelCodegen.h"

#include "absl/strings/string_view.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace mlir::qc {

/// Registers qc's dialects with `context` and installs the diagnostic
/// handler every qc command uses: `qc: error: <where>: <message>`, where
/// <where> names the file and, for ONNX models, the node.
void setUpContext(MLIRContext &context);

struct LoadOptions {
  /// NAME=D0,D1,... (or NAME:D0,...) bindings for dynamic input dimensions.
  std::vector<std::string> inputShapes;
  /// NAME=FILE.npy bindings of graph inputs to constants (ONNX models only;
  /// OnnxImportOptions::constInputs).
  std::vector<std::string> constInputs;
  /// The --input bindings of a run (NAME=FILE.npy or a bare FILE.npy): an
  /// ONNX input with dynamic dimensions and no --input-shape takes them from
  /// its array (OnnxImportOptions::inputArrays).
  std::vector<std::string> inputArrays;
  /// Run the qc-simplify pipeline after import (ONNX input only; MLIR text
  /// is taken as it is, apart from the input-shape bindings).
  bool simplify = true;
};

/// Loads `path`: `.onnx` through the importer (then qc-simplify unless
/// disabled), anything else as MLIR text or bytecode. Emits an error and
/// returns null on failure.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, const std::string &path,
                                const LoadOptions &options);

// getEntryFunction (the function a command works on: `@main`, or the only
// function) is declared in passes/Codegen/ModelCodegen.h.

/// Writes `module` as MLIR text (with its resource blobs, so the file can be
/// read back) to `path` ("-" is stdout). A regular file is written to a
/// temporary file and renamed when complete (support/OutputFile.h):
/// a failure keeps the previous file. Errors name the file and the reason.
LogicalResult writeModule(ModuleOp module, const std::string &path);

/// Emits the error of a failed file operation of support/ (whose
/// message names the file and the reason) as `qc: error: MESSAGE`.
LogicalResult emitFileError(MLIRContext *context, absl::string_view message);

/// Parses `NAME=FILE` (or a bare FILE for a single-input model) bindings,
/// reads the arrays (.npy) and orders them as `func`'s arguments. Every
/// argument must be bound exactly once. NAME is matched against the model's
/// input names, so a name containing '=' binds too (`--input a=b=x.npy`
/// binds input `a=b` when the model has one; the longest matching name
/// wins).
FailureOr<std::vector<::qc::NpyArray>>
readInputs(func::FuncOp func, ArrayRef<std::string> bindings);

/// The name of result `i` of `func` (its `qc.name`, else "output<i>").
/// The model's name of input \p i (its qc.name, else "argI").
std::string argumentName(func::FuncOp func, unsigned i);

std::string resultName(func::FuncOp func, unsigned i);

/// The file name of an output called \p name: the name, with every byte
/// that cannot or should not be in a file name ('/', '\\', '%', control
/// characters) written as %XX (two upper-case hex digits), then ".npy".
/// Different names give different files: "a/b" -> "a%2Fb.npy", "a_b" ->
/// "a_b.npy".
std::string outputFileName(StringRef name);

/// Checks that `func`'s outputs can be written one file each: no two
/// outputs share a name and every file name fits the file system's limit.
LogicalResult checkOutputNames(func::FuncOp func);

/// Writes each output to DIR/outputFileName(<name>), creating DIR. Every
/// file is written to a temporary name first and all are renamed at the
/// end: a failure leaves no partial file, and a DIR this call created is
/// removed again. Returns the paths written, in output order.
FailureOr<std::vector<std::string>>
writeOutputs(func::FuncOp func, const std::vector<::qc::NpyArray> &outputs,
             const std::string &dir);

/// \p text made safe to print on a terminal: control characters (C0 except
/// tab, DEL, C1), invalid UTF-8 and bidirectional-override characters are
/// written as \xNN escapes, so a model's names cannot move the cursor,
/// change colours or forge lines. Used for every name qc prints.
std::string escapeForTerminal(StringRef text);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_DRIVER_H
