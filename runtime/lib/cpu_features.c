/*===- cpu_features.c - Instruction-set detection for libqcrt ------------===*
 *
 * x86-64: CPUID leaves 1, 7.0, 7.1 plus XGETBV(0) (the OS must save YMM state
 * for AVX2 / AVX-VNNI, and opmask + ZMM state for AVX-512). AArch64 Linux:
 * getauxval(AT_HWCAP / AT_HWCAP2). QC_DISABLE_ISA removes features, so tests
 * can exercise the QC_STATUS_UNSUPPORTED_ISA path on any machine.
 *
 *===----------------------------------------------------------------------===*/
/* posix_memalign, sysconf, getauxval under strict -std=c11 too. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "runtime/lib/qcrt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1ul << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1ul << 13)
#endif
#endif

static const struct {
  uint64_t bit;
  const char *name;
} kFeatureNames[] = {
    {QC_ISA_X86_AVX2, "avx2"},
    {QC_ISA_X86_FMA, "fma"},
    {QC_ISA_X86_BMI2, "bmi2"},
    {QC_ISA_X86_AVX512F, "avx512f"},
    {QC_ISA_X86_AVX512BW, "avx512bw"},
    {QC_ISA_X86_AVX512VL, "avx512vl"},
    {QC_ISA_X86_AVX512DQ, "avx512dq"},
    {QC_ISA_X86_AVX512CD, "avx512cd"},
    {QC_ISA_X86_AVX512VNNI, "avx512vnni"},
    {QC_ISA_X86_AVXVNNI, "avxvnni"},
    {QC_ISA_AARCH64_DOTPROD, "asimddp"},
    {QC_ISA_AARCH64_I8MM, "i8mm"},
};
#define QCRT_NUM_FEATURES (sizeof(kFeatureNames) / sizeof(kFeatureNames[0]))

const char *qc_isa_feature_name(uint64_t feature) {
  for (size_t i = 0; i < QCRT_NUM_FEATURES; ++i)
    if (kFeatureNames[i].bit == feature)
      return kFeatureNames[i].name;
  return NULL;
}

#if defined(__x86_64__) || defined(_M_X64)
static int bitOf(unsigned value, int index) { return (value >> index) & 1u; }

static uint64_t detectNow(void) {
  unsigned a1 = 0, b1 = 0, c1 = 0, d1 = 0;
  unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
  unsigned a71 = 0, b71 = 0, c71 = 0, d71 = 0;
  if (!__get_cpuid_count(1, 0, &a1, &b1, &c1, &d1))
    return 0;
  unsigned maxLeaf = __get_cpuid_max(0, NULL);
  if (maxLeaf >= 7) {
    __get_cpuid_count(7, 0, &a7, &b7, &c7, &d7);
    if (a7 >= 1)
      __get_cpuid_count(7, 1, &a71, &b71, &c71, &d71);
  }
  uint64_t xcr0 = 0;
  if (bitOf(c1, 27) /*OSXSAVE*/) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = ((uint64_t)hi << 32) | lo;
  }
  int ymm = (xcr0 & 0x6) == 0x6;   /* SSE + AVX state */
  int zmm = (xcr0 & 0xE6) == 0xE6; /* + opmask, ZMM_Hi256, Hi16_ZMM */
  int avx = bitOf(c1, 28) && ymm;
  uint64_t f = 0;
  if (avx && bitOf(b7, 5))
    f |= QC_ISA_X86_AVX2;
  if (avx && bitOf(c1, 12))
    f |= QC_ISA_X86_FMA;
  if (bitOf(b7, 8))
    f |= QC_ISA_X86_BMI2;
  if (avx && zmm && bitOf(b7, 16)) {
    f |= QC_ISA_X86_AVX512F;
    if (bitOf(b7, 30))
      f |= QC_ISA_X86_AVX512BW;
    if (bitOf(b7, 31))
      f |= QC_ISA_X86_AVX512VL;
    if (bitOf(b7, 17))
      f |= QC_ISA_X86_AVX512DQ;
    if (bitOf(b7, 28))
      f |= QC_ISA_X86_AVX512CD;
    if (bitOf(c7, 11))
      f |= QC_ISA_X86_AVX512VNNI;
  }
  if (avx && bitOf(a71, 4))
    f |= QC_ISA_X86_AVXVNNI;
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
static uint64_t detectNow(void) {
  unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  uint64_t f = 0;
  if (hw & HWCAP_ASIMDDP)
    f |= QC_ISA_AARCH64_DOTPROD;
  if (hw2 & HWCAP2_I8MM)
    f |= QC_ISA_AARCH64_I8MM;
  return f;
}
#else
static uint64_t detectNow(void) { return 0; }
#endif

uint64_t qcrt_detect_cpu_features(void) {
  /* Detection is idempotent, so a benign race only repeats it. */
  static volatile int done = 0;
  static volatile uint64_t cached = 0;
  if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&cached, detectNow(), __ATOMIC_RELAXED);
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
  }
  return __atomic_load_n(&cached, __ATOMIC_RELAXED);
}

uint64_t qcrt_parse_isa_list(const char *list, char *unknown,
                             size_t unknown_size) {
  if (unknown && unknown_size)
    unknown[0] = '\0';
  if (!list)
    return 0;
  uint64_t bits = 0;
  const char *p = list;
  while (*p) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    /* Trim spaces. */
    while (len && *p == ' ')
      ++p, --len;
    while (len && p[len - 1] == ' ')
      --len;
    if (len == 3 && strncmp(p, "all", 3) == 0) {
      bits = ~0ull;
    } else if (len) {
      int found = 0;
      for (size_t i = 0; i < QCRT_NUM_FEATURES; ++i)
        if (strlen(kFeatureNames[i].name) == len &&
            strncmp(kFeatureNames[i].name, p, len) == 0) {
          bits |= kFeatureNames[i].bit;
          found = 1;
        }
      if (!found && unknown && unknown_size && !unknown[0])
        snprintf(unknown, unknown_size, "%.*s", (int)len, p);
    }
    if (!end)
      break;
    p = end + 1;
  }
  return bits;
}

void qcrt_format_isa_list(uint64_t features, char *buffer, size_t size) {
  if (!buffer || !size)
    return;
  buffer[0] = '\0';
  size_t used = 0;
  for (int b = 0; b < 64; ++b) {
    uint64_t bit = 1ull << b;
    if (!(features & bit))
      continue;
    const char *name = qc_isa_feature_name(bit);
    char unknownName[32];
    if (!name) {
      snprintf(unknownName, sizeof unknownName, "bit%d", b);
      name = unknownName;
    }
    int n =
        snprintf(buffer + used, size - used, "%s%s", used ? ", " : "", name);
    if (n < 0 || (size_t)n >= size - used)
      return;
    used += (size_t)n;
  }
}

uint64_t qc_cpu_features(void) {
  uint64_t features = qcrt_detect_cpu_features();
#ifdef QCRT_TEST_EMULATED_ISA
  /* Test builds only (never the shipped libqcrt): features a test harness
   * emulates in a signal handler, e.g. AVX-VNNI in test/difftest's runner on
   * a CPU without it (test/difftest/vnni_emulation.c). */
  features |= (uint64_t)(QCRT_TEST_EMULATED_ISA);
#endif
  features &= ~qcrt_parse_isa_list(getenv("QC_DISABLE_ISA"), NULL, 0);
  return features;
}
