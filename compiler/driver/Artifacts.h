//===- Artifacts.h - what qc compile writes ---------------------*- C++ -*-===//
//
// The files of `qc compile`: NAME.o, NAME.h and, with --with-runtime, the
// runtime (libqcrt.a, qc_runtime.h, qc_model_abi.h), written together or not
// at all; and where an installed or built qc finds that runtime.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_ARTIFACTS_H
#define QC_COMPILER_DRIVER_ARTIFACTS_H

#include "compiler/driver/Compile.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::qc {

/// The runtime files `qc compile --with-runtime` copies.
struct RuntimeFiles {
  std::string library;       // libqcrt.a
  std::string runtimeHeader; // qc_runtime.h
  std::string abiHeader;     // qc_model_abi.h
};

/// Finds the runtime relative to the running executable: PREFIX/lib and
/// PREFIX/include when qc runs as PREFIX/bin/qc (an installed qc, wherever
/// the prefix was moved), else the build tree this qc was built in. Fails
/// with a message listing where it looked.
FailureOr<RuntimeFiles> findRuntimeFiles(std::string &error);

/// Writes OUTDIR/NAME.o and OUTDIR/NAME.h of \p compiled (and the runtime
/// with \p withRuntime), creating OUTDIR. The files are written to temporary
/// names and renamed together; on failure none appears and an OUTDIR this
/// call created is removed. Errors are emitted as `qc: error:` diagnostics.
LogicalResult writeCompiledModel(MLIRContext *context,
                                 const CompiledModel &compiled,
                                 StringRef outDir, StringRef name,
                                 bool withRuntime);

/// The two summary lines `qc compile` prints after writing.
void printCompileSummary(llvm::raw_ostream &os, const CompiledModel &compiled,
                         StringRef outDir, StringRef name);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_ARTIFACTS_H
