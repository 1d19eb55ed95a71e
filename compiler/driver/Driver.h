//===- Driver.h - the qc driver library -------------------------*- C++ -*-===//
//
// What the `qc` tool does, as functions: load a model (ONNX or MLIR text),
// run the pipelines, write results. The `qc` main only parses flags.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_DRIVER_H
#define QC_COMPILER_DRIVER_DRIVER_H

#include "compiler/support/Npy.h"

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
  /// Run the qc-simplify pipeline after import (ONNX input only; MLIR text
  /// is taken as it is, apart from the input-shape bindings).
  bool simplify = true;
};

/// Loads `path`: `.onnx` through the importer (then qc-simplify unless
/// disabled), anything else as MLIR text or bytecode. Emits an error and
/// returns null on failure.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, const std::string &path,
                                const LoadOptions &options);

/// The function a command works on: `@main`, or the only function.
FailureOr<func::FuncOp> getEntryFunction(ModuleOp module);

/// Writes `module` as MLIR text (with its resource blobs, so the file can be
/// read back) to `path` ("-" is stdout). The file appears only when complete.
LogicalResult writeModule(ModuleOp module, const std::string &path);

/// Parses `NAME=FILE` (or a bare FILE for a single-input model) bindings,
/// reads the arrays (.npy) and orders them as `func`'s arguments. Every
/// argument must be bound exactly once.
FailureOr<std::vector<::qc::NpyArray>>
readInputs(func::FuncOp func, ArrayRef<std::string> bindings);

/// The name of result `i` of `func` (its `qc.name`, else "output<i>").
std::string resultName(func::FuncOp func, unsigned i);

/// Writes each output to DIR/<name>.npy, creating DIR. Files are written
/// to a temporary name and renamed, so a failure leaves no partial file.
LogicalResult writeOutputs(func::FuncOp func,
                           const std::vector<::qc::NpyArray> &outputs,
                           const std::string &dir);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_DRIVER_H
