//===- CpuFeatures.h - Which GEMM variants this CPU runs, for tests -*- C++ -*-//
//
// A variant runs when libqcrt's CPU detection (qc_cpu_features(), the same
// check qc_model_create makes) reports every QC_ISA_* bit its Target
// requires (passes/Codegen/Target.h); QC_TEST_DISABLE_ISA=<target>[,...|all]
// forces variants off to exercise the skip path (libqcrt's own
// QC_DISABLE_ISA applies as well).
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_UNIT_CODEGEN_CPUFEATURES_H
#define QC_TEST_UNIT_CODEGEN_CPUFEATURES_H

#include "passes/Codegen/GemmLayout.h"
#include "passes/Codegen/Target.h"
#include "runtime/include/qc_runtime.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

namespace qc::codegen::test {

/// Instructions test/difftest/vnni_emulation.c has emulated: defined only in
/// test binaries that link the emulator (QCGemmKernelTestsVnniEmulated),
/// where AVX-VNNI then counts as present.
extern "C" __attribute__((weak)) volatile uint64_t qc_vnni_emulated_instructions;

/// qc_cpu_features(), plus AVX-VNNI where the emulator is linked in.
inline uint64_t testedCpuFeatures() {
  uint64_t features = qc_cpu_features();
  if (&qc_vnni_emulated_instructions != nullptr)
    features |= QC_ISA_X86_AVXVNNI;
  return features;
}

/// Why the CPU cannot run \p isa ("the CPU lacks avx512vnni"), or "" when
/// it can.
inline std::string missingCpuFeatures(GemmIsa isa) {
  if (getTarget(isa).arch != hostArch())
    return "not a target of this host's architecture";
  uint64_t missing = missingIsaBits(isa, testedCpuFeatures());
  if (!missing)
    return "";
  std::string names;
  for (int bit = 0; bit < 64; ++bit)
    if (missing & (uint64_t{1} << bit))
      if (const char *name = qc_isa_feature_name(uint64_t{1} << bit))
        names += (names.empty() ? "" : ", ") + std::string(name);
  return "the CPU (or OS, or QC_DISABLE_ISA) lacks " + names;
}

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
