//===- CpuFeatures.h - x86 feature detection for the kernel tests -*- C++ -*-=//
//
// CPUID + XGETBV checks of exactly what each x86 GEMM variant is compiled for
// (see GemmIsaInfo: x86-64-v3, x86-64-v3 + AVX-VNNI, x86-64-v4 +
// AVX512-VNNI), plus QC_TEST_DISABLE_ISA=<target>[,<target>...|all] to force
// variants off and exercise the skip path.
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_UNIT_CODEGEN_CPUFEATURES_H
#define QC_TEST_UNIT_CODEGEN_CPUFEATURES_H

#include "passes/Codegen/GemmLayout.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace qc::codegen::test {

#if defined(__x86_64__)
struct CpuidRegs {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

inline CpuidRegs cpuid(unsigned leaf, unsigned subleaf) {
  CpuidRegs r;
  if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx))
    return CpuidRegs{};
  return r;
}

inline uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

inline bool bit(unsigned value, int index) { return (value >> index) & 1u; }

/// Why the CPU cannot run \p isa, or "" when it can.
inline std::string missingCpuFeatures(GemmIsa isa) {
  CpuidRegs l1 = cpuid(1, 0), l7 = cpuid(7, 0), l71 = cpuid(7, 1),
            ext = cpuid(0x80000001u, 0);
  bool osxsave = bit(l1.ecx, 27);
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  bool v3 = bit(l1.ecx, 12) /*FMA*/ && bit(l1.ecx, 22) /*MOVBE*/ &&
            bit(l1.ecx, 23) /*POPCNT*/ && bit(l1.ecx, 28) /*AVX*/ &&
            bit(l1.ecx, 29) /*F16C*/ && bit(l7.ebx, 3) /*BMI1*/ &&
            bit(l7.ebx, 5) /*AVX2*/ && bit(l7.ebx, 8) /*BMI2*/ &&
            bit(ext.ecx, 5) /*LZCNT*/ && osxsave && (xcr0 & 0x6) == 0x6;
  bool v4 = v3 && bit(l7.ebx, 16) /*AVX512F*/ && bit(l7.ebx, 17) /*DQ*/ &&
            bit(l7.ebx, 28) /*CD*/ && bit(l7.ebx, 30) /*BW*/ &&
            bit(l7.ebx, 31) /*VL*/ && (xcr0 & 0xE0) == 0xE0;
  switch (isa) {
  case GemmIsa::X86Avx2:
    return v3 ? "" : "the CPU lacks x86-64-v3 (AVX2, FMA, BMI1/2, ...)";
  case GemmIsa::X86AvxVnni:
    if (!v3)
      return "the CPU lacks x86-64-v3 (AVX2, FMA, BMI1/2, ...)";
    return bit(l71.eax, 4) ? "" : "the CPU lacks AVX-VNNI";
  case GemmIsa::X86Avx512Vnni:
    if (!v4)
      return "the CPU (or OS) lacks x86-64-v4 (AVX-512 F/BW/CD/DQ/VL)";
    return bit(l7.ecx, 11) ? "" : "the CPU lacks AVX512-VNNI";
  default:
    return "not an x86 variant";
  }
}
#else
inline std::string missingCpuFeatures(GemmIsa) { return "not an x86 host"; }
#endif

/// Why \p isa must not run here (QC_TEST_DISABLE_ISA or the CPU), or "".
inline std::string whyUnavailable(GemmIsa isa) {
  std::string target(getGemmIsaInfo(isa).targetName);
  if (const char *disabled = std::getenv("QC_TEST_DISABLE_ISA")) {
    std::stringstream list(disabled);
    std::string item;
    while (std::getline(list, item, ','))
      if (item == "all" || item == target)
        return target + " disabled by QC_TEST_DISABLE_ISA=" + disabled;
  }
  std::string missing = missingCpuFeatures(isa);
  return missing.empty() ? "" : target + ": " + missing;
}

} // namespace qc::codegen::test

#endif // QC_TEST_UNIT_CODEGEN_CPUFEATURES_H
