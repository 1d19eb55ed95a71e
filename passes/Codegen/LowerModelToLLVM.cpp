//===- LowerModelToLLVM.cpp - qc-lower-model-to-llvm ----------------------===//
//
// The model's functions (scf / arith / math / vector / func, GEMM kernels
// included) to the LLVM dialect with the conversions of
// lowerKernelsToLLVMDialect (TargetEmitter.cpp), then each function of
// variant I (`qc.variant = I`, set by qc-lower-model) gets the
// `target-cpu` / `target-features` of `qc.model`'s I-th target
// (Target::modelFeatures), so one object can hold code for several ISAs.
// Last, internal functions equal in all but their names become one
// (mergeIdenticalFunctions): steps of one shape and the same constants (a
// transformer's repeated blocks, a network's repeated stages) reach LLVM's
// optimizer and code generator, where compile time goes, once.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERMODELTOLLVM
#include "passes/Passes.h.inc"

namespace {
/// A function's attributes but its name (types, linkage, target CPU and
/// features, ...): two functions merge only when these are equal.
DictionaryAttr attributesButName(LLVM::LLVMFuncOp fn) {
  NamedAttrList attrs(fn->getAttrDictionary());
  attrs.erase(fn.getSymNameAttrName());
  return attrs.getDictionary(fn.getContext());
}

/// Every internal function whose attributes (but its name) and body equal an
/// earlier one's is replaced by that one: calls and address-of's name the
/// first, and the copy is erased.
void mergeIdenticalFunctions(ModuleOp module) {
  // Candidates grouped by a hash of their attributes and of every op of
  // their bodies (names, attributes, types; not the SSA values), then
  // compared exactly.
  llvm::DenseMap<unsigned, SmallVector<LLVM::LLVMFuncOp, 1>> buckets;
  llvm::StringMap<StringAttr> replacement;
  SmallVector<LLVM::LLVMFuncOp> copies;
  auto flags = OperationEquivalence::IgnoreLocations;
  for (LLVM::LLVMFuncOp fn : module.getOps<LLVM::LLVMFuncOp>()) {
    if (fn.isExternal())
      continue;
    if (fn.getLinkage() != LLVM::Linkage::Internal &&
        fn.getLinkage() != LLVM::Linkage::Private)
      continue;
    DictionaryAttr attrs = attributesButName(fn);
    llvm::hash_code hash = hash_value(attrs);
    fn.getBody().walk([&](Operation *op) {
      hash = llvm::hash_combine(
          hash, OperationEquivalence::computeHash(
                    op, OperationEquivalence::ignoreHashValue,
                    OperationEquivalence::ignoreHashValue, flags));
    });
    SmallVector<LLVM::LLVMFuncOp, 1> &bucket =
        buckets[static_cast<unsigned>(static_cast<size_t>(hash))];
    auto same = llvm::find_if(bucket, [&](LLVM::LLVMFuncOp first) {
      return attributesButName(first) == attrs &&
             OperationEquivalence::isRegionEquivalentTo(
                 &first.getBody(), &fn.getBody(), flags);
    });
    if (same == bucket.end()) {
      bucket.push_back(fn);
      continue;
    }
    replacement[fn.getSymName()] = same->getSymNameAttr();
    copies.push_back(fn);
  }
  if (copies.empty())
    return;
  // Functions are named by llvm.call and llvm.mlir.addressof (the entry's
  // parallel steps); each use is renamed.
  module.walk([&](Operation *op) {
    if (auto call = dyn_cast<LLVM::CallOp>(op)) {
      if (std::optional<StringRef> callee = call.getCallee())
        if (auto it = replacement.find(*callee); it != replacement.end())
          call.setCalleeAttr(FlatSymbolRefAttr::get(it->second));
    } else if (auto address = dyn_cast<LLVM::AddressOfOp>(op)) {
      if (auto it = replacement.find(address.getGlobalName());
          it != replacement.end())
        address.setGlobalName(it->second.getValue());
    }
  });
  // A copy some other op still names stays (correct, only not merged).
  llvm::StringSet<> stillUsed;
  if (std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(&module.getBodyRegion()))
    for (const SymbolTable::SymbolUse &use : *uses)
      stillUsed.insert(use.getSymbolRef().getRootReference().getValue());
  for (LLVM::LLVMFuncOp fn : copies)
    if (!stillUsed.contains(fn.getSymName()))
      fn.erase();
}

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
      return signalPassFailure();
    mergeIdenticalFunctions(module);
  }
};
} // namespace
} // namespace mlir::qc
