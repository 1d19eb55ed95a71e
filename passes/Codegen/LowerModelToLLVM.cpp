//===- LowerModelToLLVM.cpp - qc-lower-model-to-llvm ----------------------===//
//
// The model's functions (scf / arith / math / vector / func, GEMM kernels
// included) to the LLVM dialect with the conversions of
// lowerKernelsToLLVMDialect (TargetEmitter.cpp), then each function of
// variant I (`qc.variant = I`, set by qc-lower-model) gets the
// `target-cpu` / `target-features` of `qc.model`'s I-th target
// (Target::modelFeatures), so one object can hold code for several ISAs.
// Internal functions equal in all but their names become one
// (mergeIdenticalFunctions), first on func.func before the conversions and
// again on llvm.func after them: steps of one shape (a transformer's
// repeated blocks, an unrolled RNN's timesteps, a network's repeated
// stages; their zero points, multipliers, clamps and tables are step
// parameters, ModelBuilder::stepParam) reach the conversions, LLVM's
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
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERMODELTOLLVM
#include "passes/Passes.h.inc"

namespace {
/// A function's attributes but its name (types, linkage, variant or target
/// CPU and features, ...): two functions merge only when these are equal.
DictionaryAttr attributesButName(FunctionOpInterface fn) {
  NamedAttrList attrs(fn->getAttrDictionary());
  attrs.erase(SymbolTable::getSymbolAttrName());
  return attrs.getDictionary(fn->getContext());
}

/// Whether nothing outside the module can name \p fn: an internal or
/// private llvm.func, a func.func with internal / private `llvm.linkage`.
bool isInternal(FunctionOpInterface fn) {
  auto internal = [](LLVM::Linkage l) {
    return l == LLVM::Linkage::Internal || l == LLVM::Linkage::Private;
  };
  if (auto llvmFn = dyn_cast<LLVM::LLVMFuncOp>(fn.getOperation()))
    return internal(llvmFn.getLinkage());
  if (auto linkage = fn->getAttrOfType<LLVM::LinkageAttr>("llvm.linkage"))
    return internal(linkage.getLinkage());
  return false;
}

/// Every internal function whose attributes (but its name) and body equal an
/// earlier one's is replaced by that one: every symbol reference to it
/// (func.call, func.constant, llvm.call, llvm.mlir.addressof) names the
/// first, and the copy is erased. Runs on func.func before the conversions
/// to the LLVM dialect (which then convert each body once) and on llvm.func
/// after them.
void mergeIdenticalFunctions(ModuleOp module) {
  // Candidates grouped by a hash of their attributes and of every op of
  // their bodies (names, attributes, types; not the SSA values), then
  // compared exactly.
  llvm::DenseMap<unsigned, SmallVector<FunctionOpInterface, 1>> buckets;
  DenseMap<StringAttr, FlatSymbolRefAttr> replacement;
  SmallVector<FunctionOpInterface> copies;
  auto flags = OperationEquivalence::IgnoreLocations;
  for (FunctionOpInterface fn : module.getOps<FunctionOpInterface>()) {
    if (fn.isExternal() || !isInternal(fn))
      continue;
    DictionaryAttr attrs = attributesButName(fn);
    llvm::hash_code hash = hash_value(attrs);
    fn.getFunctionBody().walk([&](Operation *op) {
      hash = llvm::hash_combine(
          hash, OperationEquivalence::computeHash(
                    op, OperationEquivalence::ignoreHashValue,
                    OperationEquivalence::ignoreHashValue, flags));
    });
    SmallVector<FunctionOpInterface, 1> &bucket =
        buckets[static_cast<unsigned>(static_cast<size_t>(hash))];
    auto same = llvm::find_if(bucket, [&](FunctionOpInterface first) {
      return attributesButName(first) == attrs &&
             OperationEquivalence::isRegionEquivalentTo(
                 &first.getFunctionBody(), &fn.getFunctionBody(), flags);
    });
    if (same == bucket.end()) {
      bucket.push_back(fn);
      continue;
    }
    replacement[fn.getNameAttr()] =
        FlatSymbolRefAttr::get(same->getNameAttr());
    copies.push_back(fn);
  }
  if (copies.empty())
    return;
  // Every attribute of an op that names a copy is renamed.
  module.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs()) {
      auto ref = dyn_cast<FlatSymbolRefAttr>(attr.getValue());
      if (!ref)
        continue;
      auto it = replacement.find(ref.getAttr());
      if (it != replacement.end())
        op->setAttr(attr.getName(), it->second);
    }
  });
  // A copy some other op still names (in a nested reference) stays:
  // correct, only not merged.
  llvm::StringSet<> stillUsed;
  if (std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(&module.getBodyRegion()))
    for (const SymbolTable::SymbolUse &use : *uses)
      stillUsed.insert(use.getSymbolRef().getRootReference().getValue());
  for (FunctionOpInterface fn : copies)
    if (!stillUsed.contains(fn.getName()))
      fn->erase();
}

struct LowerModelToLLVMPass
    : impl::QCLowerModelToLLVMBase<LowerModelToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ModelInfo> info = getModelInfo(module);
    if (failed(info))
      return signalPassFailure();
    // Steps of one shape whose immediates are step parameters are equal
    // here already: merged before the conversions, which then convert one.
    mergeIdenticalFunctions(module);
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
