//===- Target.h - What qc knows about each code-generation target -*- C++ -*-//
//
// One home for the facts about a target that used to be spread over the
// driver, the kernel generator, the model code generator and the tests:
// its `--target` name, LLVM triple / CPU / features, the QC_ISA_* bits of
// qc_model_abi.h the code needs (written into the model descriptor and
// checked by libqcrt at qc_model_create, tested by the x86-64 dispatcher,
// and used to pick the `host` target from libqcrt's CPU detection), the
// vector widths and the register file. The GEMM tile shapes come from
// getDefaultGemmKernelConfig (GemmLayout.h) for a target's ISA.
//
// Plain C++17 (the runtime's C header only for the bit values), part of
// QCGemmLayout. See docs/codegen.md, "Targets".
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_TARGET_H
#define QC_PASSES_CODEGEN_TARGET_H

#include "passes/Codegen/GemmLayout.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc::codegen {

enum class Arch { X86_64, AArch64, Other };

/// One instruction-set target of qc's generated code.
struct Target {
  GemmIsa isa;
  Arch arch;
  /// `--target` spelling, e.g. `x86-64-avx512vnni`.
  std::string_view name;
  /// LLVM target triple and CPU.
  std::string_view triple;
  std::string_view cpu;
  /// LLVM features of the GEMM kernels (qc-kernelgen).
  std::string_view kernelFeatures;
  /// LLVM features of a whole model's functions (qc compile): the kernel
  /// features, and for AVX-512 without LLVM's 256-bit preference, so the
  /// generated loops use zmm registers.
  std::string_view modelFeatures;
  /// Features the kernels' intrinsics cannot be selected without (LLVM
  /// aborts instead of reporting an error, so a CPU override is checked
  /// against them first).
  std::string_view intrinsicFeatures;
  /// The QC_ISA_* bits (qc_model_abi.h) the code needs.
  uint64_t requiredIsaBits;
  /// float32 lanes of the widest vector registers the code uses.
  int64_t floatLanes;
  /// Vector registers of the register file (bounds the GEMM tile).
  int64_t vectorRegisters;
  /// Peak int8 multiply-accumulates per cycle of one core with the ISA's
  /// dot-product instruction on two vector pipes (what profiles compare
  /// against, docs/runtime.md "Profiling"): AVX-512 VNNI 2 x vpdpbusd zmm
  /// (64 MACs each; Zen 5, Xeon with two 512-bit FMA units; cores with one
  /// 512-bit pipe, e.g. Zen 4, reach half); AVX-VNNI 2 x vpdpbusd ymm; AVX2
  /// 2 x vpmaddubsw ymm counted at half, the other half of the slots go to
  /// vpmaddwd / vpaddd widening; dotprod 2 x sdot (16 each); i8mm 2 x smmla
  /// (32 each).
  int64_t int8MacsPerCycle;

  const GemmIsaInfo &gemm() const { return getGemmIsaInfo(isa); }
};

/// The target of \p isa.
const Target &getTarget(GemmIsa isa);

/// The names `--target` accepts, for messages.
extern const char *const kTargetNames;

/// The architecture this process runs on.
Arch hostArch();

/// The best target a CPU with the QC_ISA_* bits \p cpuIsaBits (libqcrt's
/// qc_cpu_features()) of architecture \p arch runs: AVX-512 VNNI, then
/// AVX-VNNI, then AVX2; i8mm, then dotprod. nullopt with \p error naming
/// what is missing.
std::optional<GemmIsa> selectHostTarget(uint64_t cpuIsaBits, Arch arch,
                                        std::string &error);

/// Resolves a `--target` name to the variants a model is compiled with: one,
/// or for `x86-64` the three x86 variants (best first, picked at run time).
/// `host` uses selectHostTarget(\p cpuIsaBits, hostArch()); `aarch64` means
/// `aarch64-dotprod`. nullopt with \p error for an unknown name.
std::optional<std::vector<GemmIsa>> resolveTargetName(std::string_view name,
                                                      uint64_t cpuIsaBits,
                                                      std::string &error);

/// The QC_ISA_* bits \p isa needs that \p cpuIsaBits lacks (0: it runs).
inline uint64_t missingIsaBits(GemmIsa isa, uint64_t cpuIsaBits) {
  return getTarget(isa).requiredIsaBits & ~cpuIsaBits;
}

} // namespace qc::codegen

#endif // QC_PASSES_CODEGEN_TARGET_H
