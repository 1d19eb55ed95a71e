//===- OnnxImporter.h - ONNX model -> qc dialect ----------------*- C++ -*-===//
#ifndef QC_COMPILER_IMPORTER_ONNXIMPORTER_H
#define QC_COMPILER_IMPORTER_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace mlir::qc {

struct OnnxImportOptions {
  /// Bindings for graph inputs' dynamic dimensions (`--input-shape`):
  /// input name -> full shape.
  llvm::StringMap<SmallVector<int64_t>> inputShapes;
  /// Graph inputs bound to constants (`--const-input NAME=FILE.npy`): each
  /// entry is the binding as written. NAME is matched against the graph's
  /// input names (the longest name followed by '=' wins, so names holding
  /// '=' bind); the array becomes an initializer of that name, so shape
  /// sub-graphs that read it are evaluated during import and the input is
  /// no argument of the imported function.
  std::vector<std::string> constInputs;
  /// The arrays a run will feed (`qc run --input`): NAME=FILE.npy bindings
  /// as written, or a bare FILE.npy for a single-input model. An input with
  /// dynamic dimensions and no `inputShapes` entry takes them from its
  /// array's shape (read from the .npy header) when the ranks agree, so a
  /// model whose import needs the batch imports for the data it runs on.
  /// Nothing is checked here: a binding that names no input, a file that
  /// cannot be read or a shape that does not fit is left for the run's own
  /// input check to report.
  std::vector<std::string> inputArrays;
};

/// Reads the ONNX model at `path` and returns a module with one
/// `func.func @main`: graph inputs become arguments (named by the `qc.name`
/// argument attribute), graph outputs the results (`qc.name` result
/// attribute), initializers and Constant nodes `qc.constant` ops (large ones
/// resource-backed), and every node one or more qc ops located at
/// `NameLoc(node name, FileLineColLoc(path))`. Shape sub-graphs whose inputs
/// are known are evaluated during import. On failure an error naming the
/// file, and the node (name and op type) where one is at fault, has been
/// emitted to the context's diagnostic handler and a null module is returned.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context,
                                     const std::string &path,
                                     const OnnxImportOptions &options);

/// The ONNX op types the importer understands, sorted (for error messages
/// and `qc import --list-ops`).
ArrayRef<StringRef> supportedOnnxOps();

} // namespace mlir::qc

#endif // QC_COMPILER_IMPORTER_ONNXIMPORTER_H
