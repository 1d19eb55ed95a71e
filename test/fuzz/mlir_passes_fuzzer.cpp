//===- mlir_passes_fuzzer.cpp - libFuzzer target: MLIR text -> qc passes --===//
//
// Bytes -> the MLIR parser with the dialects qc tools register (qc, func),
// the verifiers of every qc op, then, on copies of the verified module:
//  - the simplify pipeline (shape inference, BatchNorm folding, constant
//    folding with the reference executor, DCE), then qc-annotate (x86) and
//    qc-prepare, then qc-convert (which must refuse observers without data);
//  - qc-lower-to-integer and DCE (the Q/DQ -> integer lowering).
// Passes either succeed or emit a diagnostic; a crash, a sanitizer report,
// a hang or a pass that leaves IR the verifier rejects is a finding (the pass
// manager verifies after each pass; QC_FUZZ_VERBOSE=1 prints diagnostics).
//
//===----------------------------------------------------------------------===//
#include "FuzzMLIR.h"

#include "dialects/qc/IR/QCDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "mlir/Pass/PassInstrumentation.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlir;

namespace {

/// After every pass that succeeds, the IR must verify: a pass either does
/// its job or fails with a diagnostic, it never leaves broken IR.
struct VerifyAfterEachPass : public PassInstrumentation {
  void runAfterPass(Pass *pass, Operation *op) override {
    if (succeeded(verify(op)))
      return;
    std::fprintf(stderr, "pass %s succeeded but left IR that does not verify\n",
                 pass->getArgument().str().c_str());
    std::abort();
  }
};

void runOnCopy(ModuleOp module, PassManager &pm) {
  OwningOpRef<ModuleOp> copy = module.clone();
  pm.enableVerifier(false);
  pm.addInstrumentation(std::make_unique<VerifyAfterEachPass>());
  (void)pm.run(*copy);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  DialectRegistry registry;
  registry.insert<mlir::qc::QCDialect, func::FuncDialect>();
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  qcfuzz::setUpContext(context);
  context.loadAllAvailableDialects();

  // MLIR's lexer expects a NUL after the buffer (files are read that way);
  // libFuzzer's buffer has none.
  std::string text(reinterpret_cast<const char *>(data), size);
  ParserConfig config(&context);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, config, "fuzz.mlir");
  if (!module)
    return 0;

  {
    PassManager pm(&context);
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    mlir::qc::PTQOptions options;
    mlir::qc::buildPTQPreparePipeline(fpm, options);
    mlir::qc::buildPTQConvertPipeline(fpm);
    runOnCopy(*module, pm);
  }
  {
    PassManager pm(&context);
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(mlir::qc::createQCLowerToInteger());
    fpm.addPass(mlir::qc::createQCDeadCodeElimination());
    runOnCopy(*module, pm);
  }
  return 0;
}
