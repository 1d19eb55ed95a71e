//===- LowerModelToLLVM.cpp - qc-lower-model-to-llvm ----------------------===//
//
// The model's functions (scf / arith / math / vector / func, GEMM kernels
// included) to the LLVM dialect with the conversions of
// lowerKernelsToLLVMDialect (TargetEmitter.cpp), then each function of
// variant I (`qc.variant = I`, set by qc-lower-model) gets the
// `target-cpu` / `target-features` of `qc.model`'s I-th target
// (Target::modelFeatures), so one object can hold code for several ISAs.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERMODELTOLLVM
#include "passes/Passes.h.inc"

namespace {
struct LowerModelToLLVMPass
    : impl::QCLowerModelToLLVMBase<LowerModelToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ModelInfo> info = getModelInfo(module);
    if (failed(info))
      return signalPassFailure();
    OpPassManager lowering(ModuleOp::getOperationName());
    buildKernelLoweringPipeline(lowering);
    if (failed(runPipeline(lowering, module)))
      return signalPassFailure();
    auto variantAttr = StringAttr::get(&getContext(), "qc.variant");
    WalkResult walk = module->walk([&](LLVM::LLVMFuncOp fn) {
      auto v = fn->getAttrOfType<IntegerAttr>(variantAttr);
      if (!v)
        return WalkResult::advance();
      if (v.getInt() < 0 ||
          v.getInt() >= static_cast<int64_t>(info->isas.size())) {
        fn.emitError() << "qc compile: variant " << v.getInt()
                       << " is not one of the model's "
                       << info->isas.size() << " targets";
        return WalkResult::interrupt();
      }
      TargetSpec spec = getModelTargetSpec(info->isas[v.getInt()]);
      fn.setTargetCpuAttr(StringAttr::get(&getContext(), spec.cpu));
      fn.setTargetFeaturesAttr(
          LLVM::TargetFeaturesAttr::get(&getContext(), spec.features));
      fn->removeAttr(variantAttr);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::qc
