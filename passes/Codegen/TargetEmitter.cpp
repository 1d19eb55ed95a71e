//===- TargetEmitter.cpp - Kernels: MLIR -> LLVM IR -> object code --------===//
//
// MLIR kernels are lowered to the LLVM dialect by the upstream conversion
// passes, translated with translateModuleToLLVMIR, optimized by LLVM's -O3
// pipeline for the target machine and emitted through
// TargetMachine::addPassesToEmitFile.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Target.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <memory>
#include <mutex>

namespace mlir::qc {

using ::qc::codegen::GemmIsa;
using ::qc::codegen::GemmKernelConfig;

void registerCodegenDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, arm_neon::ArmNeonDialect,
                  cf::ControlFlowDialect, func::FuncDialect, LLVM::LLVMDialect,
                  math::MathDialect, scf::SCFDialect, vector::VectorDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerArmNeonDialectTranslation(registry);
}

LogicalResult lowerKernelsToLLVMDialect(ModuleOp module) {
  PassManager pm(module->getName());
  buildKernelLoweringPipeline(pm);
  return pm.run(module);
}

void buildKernelLoweringPipeline(OpPassManager &pm) {
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

TargetSpec getTargetSpec(GemmIsa isa) {
  const ::qc::codegen::Target &target = ::qc::codegen::getTarget(isa);
  return {std::string(target.triple), std::string(target.cpu),
          std::string(target.kernelFeatures)};
}

TargetSpec getModelTargetSpec(GemmIsa isa) {
  const ::qc::codegen::Target &target = ::qc::codegen::getTarget(isa);
  return {std::string(target.triple), std::string(target.cpu),
          std::string(target.modelFeatures)};
}

namespace {

void initializeTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
  });
}

/// LLVM features a variant's intrinsics cannot be selected without (LLVM
/// aborts instead of reporting an error, so they are checked first).
std::string getRequiredFeatures(GemmIsa isa) {
  return std::string(::qc::codegen::getTarget(isa).intrinsicFeatures);
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(ModuleOp module, const TargetSpec &target) {
  initializeTargets();
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(target.triple, error);
  if (!llvmTarget)
    return module.emitError()
           << "unknown target triple '" << target.triple << "': " << error;
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      target.triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return module.emitError()
           << "cannot create a target machine for '" << target.triple << "'";
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(target.cpu))
    return module.emitError() << "unknown CPU '" << target.cpu << "' for '"
                              << target.triple << "'";
  return machine;
}

} // namespace

FailureOr<std::string> emitLLVMDialectModule(ModuleOp module,
                                             const TargetSpec &target,
                                             EmitKind kind,
                                             TimingScope *timing) {
  // Children of the caller's scope, or no-ops.
  TimingScope none;
  TimingScope &parent = timing ? *timing : none;
  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(module, target);
  if (failed(machine))
    return failure();

  llvm::LLVMContext llvmContext;
  TimingScope translateTiming = parent.nest("translate to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  translateTiming.stop();
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(target.triple);
  llvmModule->setDataLayout((*machine)->createDataLayout());
  // The functions carry their CPU and features, so the IR keeps them when it
  // is linked into other modules (LTO) or compiled by other tools.
  // Functions that name their own CPU (a multi-variant model) keep it.
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration() || function.hasFnAttribute("target-cpu"))
      continue;
    function.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      function.addFnAttr("target-features", target.features);
  }

  {
    // The standard -O3 pipeline, with the target's cost model.
    TimingScope optTiming = parent.nest("LLVM -O3");
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder passBuilder(machine->get());
    passBuilder.registerModuleAnalyses(mam);
    passBuilder.registerCGSCCAnalyses(cgam);
    passBuilder.registerFunctionAnalyses(fam);
    passBuilder.registerLoopAnalyses(lam);
    passBuilder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager mpm =
        passBuilder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
    mpm.run(*llvmModule, mam);
  }

  llvm::SmallString<0> buffer;
  if (kind == EmitKind::LLVMIR) {
    llvm::raw_svector_ostream os(buffer);
    llvmModule->print(os, nullptr);
    return std::string(buffer.str());
  }
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(
          codegen, os, nullptr,
          kind == EmitKind::Object ? llvm::CodeGenFileType::ObjectFile
                                   : llvm::CodeGenFileType::AssemblyFile))
    return module.emitError()
           << "the target machine cannot emit "
           << (kind == EmitKind::Object ? "objects" : "assembly");
  TimingScope codegenTiming = parent.nest("LLVM code generation");
  codegen.run(*llvmModule);
  return std::string(buffer.str());
}

OwningOpRef<ModuleOp>
buildGemmKernelModule(MLIRContext &context,
                      ArrayRef<GemmKernelConfig> configs) {
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(&context, "qc-gemm-kernels", 0, 0));
  if (configs.empty()) {
    (*module).emitError() << "no kernels to generate";
    return nullptr;
  }
  GemmIsa isa = configs.front().isa;
  for (const GemmKernelConfig &config : configs) {
    if (config.isa != isa) {
      (*module).emitError()
          << "kernels of one module must share an instruction set: "
          << ::qc::codegen::getGemmKernelName(config) << " is not "
          << ::qc::codegen::getGemmIsaInfo(isa).targetName;
      return nullptr;
    }
    if (failed(buildGemmKernel(*module, config)))
      return nullptr;
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

FailureOr<std::string>
generateGemmKernels(MLIRContext &context, ArrayRef<GemmKernelConfig> configs,
                    EmitKind kind,
                    const std::optional<TargetSpec> &targetOverride) {
  OwningOpRef<ModuleOp> module = buildGemmKernelModule(context, configs);
  if (!module)
    return failure();
  if (failed(lowerKernelsToLLVMDialect(*module)))
    return failure();

  GemmIsa isa = configs.front().isa;
  TargetSpec target = targetOverride ? *targetOverride : getTargetSpec(isa);
  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(*module, target);
  if (failed(machine))
    return failure();
  if (!(*machine)->getMCSubtargetInfo()->checkFeatures(
          getRequiredFeatures(isa)))
    return (*module).emitError()
           << "target '" << target.cpu << "' with '" << target.features
           << "' lacks " << getRequiredFeatures(isa);
  return emitLLVMDialectModule(*module, target, kind);
}

std::string getGemmKernelsHeader(ArrayRef<GemmKernelConfig> configs,
                                 StringRef guard) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by qc (passes/Codegen): do not edit. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  for (const GemmKernelConfig &config : configs)
    os << ::qc::codegen::getGemmKernelCDeclaration(config) << "\n";
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

} // namespace mlir::qc
