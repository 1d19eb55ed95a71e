//===- FuzzMLIR.h - MLIR helpers of qc's libFuzzer targets ------*- C++ -*-===//
//
// Part of the qc project. See docs/robustness.md, "Fuzzing and sanitizers".
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_FUZZ_FUZZMLIR_H
#define QC_TEST_FUZZ_FUZZMLIR_H

#include "FuzzUtil.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/raw_ostream.h"

/// LLVM's BumpPtrAllocator poisons its slabs in code built with ASan (these
/// targets) but not in libMLIR (built without), so MLIR writing into a slab
/// started here would be a false use-after-poison: no user poisoning.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

namespace qcfuzz {

/// An MLIR context for one input: no threads (a context per input would
/// otherwise start a thread pool each time), diagnostics swallowed unless
/// QC_FUZZ_VERBOSE is set.
inline void setUpContext(mlir::MLIRContext &context) {
  context.printOpOnDiagnostic(false);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
    if (verbose())
      llvm::errs() << "diagnostic: " << diag.str() << "\n";
    return mlir::success();
  });
}

} // namespace qcfuzz

#endif // QC_TEST_FUZZ_FUZZMLIR_H
