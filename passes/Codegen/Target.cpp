//===- Target.cpp - What qc knows about each code-generation target -------===//
#include "passes/Codegen/Target.h"

#include "runtime/include/qc_model_abi.h"

namespace qc::codegen {
namespace {

constexpr uint64_t kX86V3 = QC_ISA_X86_AVX2 | QC_ISA_X86_FMA | QC_ISA_X86_BMI2;
constexpr uint64_t kX86V4Vnni =
    kX86V3 | QC_ISA_X86_AVX512F | QC_ISA_X86_AVX512BW | QC_ISA_X86_AVX512VL |
    QC_ISA_X86_AVX512DQ | QC_ISA_X86_AVX512CD | QC_ISA_X86_AVX512VNNI;

// In GemmIsa's declaration order.
const Target kTargets[] = {
    {GemmIsa::X86Avx2, Arch::X86_64, "x86-64-avx2", "x86_64-unknown-linux-gnu",
     "x86-64-v3", /*kernelFeatures=*/"", /*modelFeatures=*/"",
     /*intrinsicFeatures=*/"+avx2", kX86V3, /*floatLanes=*/8,
     /*vectorRegisters=*/16, /*int8MacsPerCycle=*/32},
    {GemmIsa::X86AvxVnni, Arch::X86_64, "x86-64-avxvnni",
     "x86_64-unknown-linux-gnu", "x86-64-v3", "+avxvnni", "+avxvnni",
     "+avxvnni", kX86V3 | QC_ISA_X86_AVXVNNI, 8, 16, 64},
    {GemmIsa::X86Avx512Vnni, Arch::X86_64, "x86-64-avx512vnni",
     "x86_64-unknown-linux-gnu", "x86-64-v4", "+avx512vnni",
     "+avx512vnni,-prefer-256-bit", "+avx512vnni,+avx512bw", kX86V4Vnni, 16,
     32, 128},
    {GemmIsa::Aarch64Dotprod, Arch::AArch64, "aarch64-dotprod",
     "aarch64-unknown-linux-gnu", "generic", "+v8.2a,+neon,+dotprod",
     "+v8.2a,+neon,+dotprod", "+neon,+dotprod", QC_ISA_AARCH64_DOTPROD, 4,
     32, 32},
    {GemmIsa::Aarch64I8mm, Arch::AArch64, "aarch64-i8mm",
     "aarch64-unknown-linux-gnu", "generic", "+v8.6a,+neon,+dotprod,+i8mm",
     "+v8.6a,+neon,+dotprod,+i8mm", "+neon,+i8mm",
     QC_ISA_AARCH64_DOTPROD | QC_ISA_AARCH64_I8MM, 4, 32, 64},
};

} // namespace

const char *const kTargetNames =
    "host, x86-64, x86-64-avx2, x86-64-avxvnni, x86-64-avx512vnni, "
    "aarch64-dotprod, aarch64-i8mm";

const Target &getTarget(GemmIsa isa) {
  return kTargets[static_cast<int>(isa)];
}

Arch hostArch() {
#if defined(__x86_64__) || defined(_M_X64)
  return Arch::X86_64;
#elif defined(__aarch64__)
  return Arch::AArch64;
#else
  return Arch::Other;
#endif
}

std::optional<GemmIsa> selectHostTarget(uint64_t cpuIsaBits, Arch arch,
                                        std::string &error) {
  // Best first.
  static const GemmIsa x86[] = {GemmIsa::X86Avx512Vnni, GemmIsa::X86AvxVnni,
                                GemmIsa::X86Avx2};
  static const GemmIsa aarch64[] = {GemmIsa::Aarch64I8mm,
                                    GemmIsa::Aarch64Dotprod};
  auto best = [&](const auto &order) -> std::optional<GemmIsa> {
    for (GemmIsa isa : order)
      if (missingIsaBits(isa, cpuIsaBits) == 0)
        return isa;
    return std::nullopt;
  };
  switch (arch) {
  case Arch::X86_64:
    if (std::optional<GemmIsa> isa = best(x86))
      return isa;
    error = "this x86-64 CPU lacks AVX2/FMA/BMI2, which every qc x86 target "
            "needs";
    return std::nullopt;
  case Arch::AArch64:
    if (std::optional<GemmIsa> isa = best(aarch64))
      return isa;
    error = "this AArch64 CPU lacks the dot-product extension, which every "
            "qc AArch64 target needs";
    return std::nullopt;
  case Arch::Other:
    break;
  }
  error = "no qc target for this host's architecture";
  return std::nullopt;
}

std::optional<std::vector<GemmIsa>> resolveTargetName(std::string_view name,
                                                      uint64_t cpuIsaBits,
                                                      std::string &error) {
  // x86-64: the three x86 variants in one artifact, best first.
  if (name == "x86-64")
    return std::vector<GemmIsa>{GemmIsa::X86Avx512Vnni, GemmIsa::X86AvxVnni,
                                GemmIsa::X86Avx2};
  if (name == "host") {
    std::optional<GemmIsa> isa = selectHostTarget(cpuIsaBits, hostArch(), error);
    if (!isa)
      return std::nullopt;
    return std::vector<GemmIsa>{*isa};
  }
  if (name == "aarch64")
    name = "aarch64-dotprod";
  std::optional<GemmIsa> isa = parseGemmIsa(name);
  if (!isa) {
    error = "unknown target '" + std::string(name) + "'; expected one of " +
            kTargetNames;
    return std::nullopt;
  }
  return std::vector<GemmIsa>{*isa};
}

} // namespace qc::codegen
