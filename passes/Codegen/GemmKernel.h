//===- GemmKernel.h - Int8 GEMM kernels built in MLIR ------------*- C++
//-*-===//
//
// Builds qc's int8 GEMM kernels as MLIR functions (scf + arith + math +
// vector ops, LLVM-dialect memory accesses, target intrinsics through
// llvm.call_intrinsic / arm_neon) and turns them into object code. The
// packed-weight contract the kernels read is in GemmLayout.h; the whole path
// is described in docs/codegen.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_GEMMKERNEL_H
#define QC_PASSES_CODEGEN_GEMMKERNEL_H

#include "passes/Codegen/GemmLayout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>
#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::qc {

/// Registers the dialects the kernels are built from and lowered through,
/// and their LLVM IR translations.
void registerCodegenDialects(DialectRegistry &registry);

/// Appends the kernel described by \p config to \p module as a public
/// func.func named getGemmKernelName(config) with the C signature of
/// getGemmKernelCDeclaration(config). Emits a diagnostic at the module's
/// location and fails when the tile is invalid or the name is taken.
FailureOr<func::FuncOp>
buildGemmKernel(ModuleOp module, const ::qc::codegen::GemmKernelConfig &config);

/// A new module holding \p configs (which must share one instruction set),
/// verified; null after a diagnostic when a kernel cannot be built.
OwningOpRef<ModuleOp>
buildGemmKernelModule(MLIRContext &context,
                      ArrayRef<::qc::codegen::GemmKernelConfig> configs);

/// Lowers a module of kernels (func/scf/arith/math/vector/llvm/arm_neon) to
/// the LLVM dialect.
LogicalResult lowerKernelsToLLVMDialect(ModuleOp module);
/// The passes of lowerKernelsToLLVMDialect, for a pass manager on a module.
void buildKernelLoweringPipeline(OpPassManager &pm);

/// Where and for what CPU the code is emitted.
struct TargetSpec {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// The target a GEMM variant is compiled for (GemmIsaInfo's triple, CPU and
/// features).
TargetSpec getTargetSpec(::qc::codegen::GemmIsa isa);

/// The CPU and features a whole model's functions for \p isa are compiled
/// with (Target::modelFeatures).
TargetSpec getModelTargetSpec(::qc::codegen::GemmIsa isa);

enum class EmitKind { LLVMIR, Assembly, Object };

/// Translates an LLVM-dialect module to LLVM IR, optimizes it at -O3 for
/// \p target and returns the LLVM IR text, the assembly or the ELF object.
/// Emits a diagnostic at the module's location and fails when the target is
/// unknown or lacks a feature the kernels need. With \p timing, the three
/// stages (translation, -O3, code generation) are timed as its children
/// (`--mlir-timing` of qc compile).
FailureOr<std::string> emitLLVMDialectModule(ModuleOp module,
                                             const TargetSpec &target,
                                             EmitKind kind,
                                             TimingScope *timing = nullptr);

/// Builds, lowers and emits \p configs (which must share one instruction
/// set) as one object / assembly / LLVM IR file, for \p target or, when
/// absent, getTargetSpec of their instruction set (a target may tune for a
/// specific CPU but must have the variant's features). The context must have
/// the dialects of registerCodegenDialects.
FailureOr<std::string> generateGemmKernels(
    MLIRContext &context, ArrayRef<::qc::codegen::GemmKernelConfig> configs,
    EmitKind kind, const std::optional<TargetSpec> &target = std::nullopt);

/// A C header declaring \p configs, guarded by \p guard.
std::string
getGemmKernelsHeader(ArrayRef<::qc::codegen::GemmKernelConfig> configs,
                     StringRef guard);

} // namespace mlir::qc

#endif // QC_PASSES_CODEGEN_GEMMKERNEL_H
