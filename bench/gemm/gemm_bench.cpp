//===- gemm_bench.cpp - MAC/cycle of qc's generated int8 GEMM kernels -----===//
//
// qc-gemm-bench [--isa=x86-64-avx512vnni,x86-64-avxvnni,x86-64-avx2]
//               [--min-ms=40] [--reps=5] [--no-peer]
//
// Times every kernel of gemm_bench_variants.def that the CPU can run on
// ResNet / MobileNet-like GEMM shapes with K in {64, 256, 1024} (plus a
// fully-connected M = 1 row), single-threaded, and prints MAC/cycle against
//   - the instruction peak: the multiply instruction's documented throughput
//     (assumed) and the same instruction timed here in a loop of independent
//     operations (measured);
//   - a peer measured in the same run: oneDNN's dnnl_gemm_u8s8s32 (int32
//     output, B packed by oneDNN inside each call), loaded with dlopen when
//     libdnnl.so.2 is installed, at the ISA DNNL_MAX_CPU_ISA allows.
// Cycles are core cycles: the core clock is measured with a chain of
// dependent adds (1 cycle each) because the TSC runs at a fixed rate and
// this CPU's performance counters may be unavailable (VMs). Each figure is
// the best of --reps repetitions of at least --min-ms of thread CPU time, to
// keep other processes on a shared machine out of the numbers.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmLayout.h"
#include "test/unit/codegen/CpuFeatures.h"

#include "gemm_bench_kernels_x86_avx2.h"
#include "gemm_bench_kernels_x86_avx512vnni.h"
#include "gemm_bench_kernels_x86_avxvnni.h"

#include <dlfcn.h>
#include <time.h>
#include <cpuid.h>
#include <x86intrin.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace qc::codegen;

namespace {

using KernelFn = void (*)(const uint8_t *a, int64_t lda, const int8_t *packedB,
                          const int32_t *bias, const float *mult, uint8_t *c,
                          int64_t ldc, int64_t m, int64_t n, int64_t k,
                          int32_t zpOut, int32_t qmin, int32_t qmax);

struct Kernel {
  GemmIsa isa;
  int64_t mr, nr;
  const char *name;
  KernelFn fn;
};

#define QC_GEMM_VARIANT(ISA, A, C, MR, NR, SUFFIX)                             \
  Kernel{GemmIsa::ISA, MR, NR,                                                 \
         "qc_gemm_" #A "s8" #C "_" #MR "x" #NR "_" #SUFFIX,                    \
         qc_gemm_##A##s8##C##_##MR##x##NR##_##SUFFIX},
const Kernel kKernels[] = {
#include "bench/gemm/gemm_bench_variants.def"
};
#undef QC_GEMM_VARIANT

struct Shape {
  const char *layer;
  int64_t m, n, k;
};

// M = output pixels, N = output channels, K = input channels x window.
const Shape kShapes[] = {
    {"resnet conv2 56x56", 3136, 64, 64},
    {"resnet conv2 56x56", 3136, 64, 256},
    {"resnet conv3 28x28", 784, 128, 256},
    {"resnet conv3 28x28", 784, 128, 1024},
    {"resnet conv4 14x14", 196, 256, 256},
    {"resnet conv4 14x14", 196, 256, 1024},
    {"resnet conv5 7x7", 49, 512, 1024},
    {"mobilenetv2 28x28", 784, 32, 64},
    {"mobilenetv2 14x14", 196, 64, 256},
    {"mobilenetv2 14x14", 196, 96, 1024},
    {"mobilenetv2 7x7", 49, 320, 1024},
    {"fc (M=1)", 1, 1000, 1024},
};

double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

double wallSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Best (smallest) seconds per call of \p body over \p reps repetitions of
/// at least \p minSeconds each. Calls run in batches of about a millisecond:
/// reading the thread CPU clock is a system call (microseconds in a VM),
/// which must not be charged to short calls.
template <typename F>
double bestSecondsPerCall(F &&body, int reps, double minSeconds) {
  double start = threadSeconds();
  body(); // warm caches and pages
  double once = threadSeconds() - start;
  int64_t batch =
      std::max<int64_t>(1, static_cast<int64_t>(1e-3 / std::max(once, 1e-9)));
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    int64_t calls = 0;
    double elapsed = 0;
    start = threadSeconds();
    do {
      for (int64_t i = 0; i < batch; ++i)
        body();
      calls += batch;
      elapsed = threadSeconds() - start;
    } while (elapsed < minSeconds);
    best = std::min(best, elapsed / static_cast<double>(calls));
  }
  return best;
}

// The core clock is measured with a chain of dependent 64-bit multiplies
// (3 cycles each on every Intel core since Sandy Bridge; a chain of
// immediate adds does not work: Golden Cove and later fold those at
// rename). Under a vector load the loop also issues 8 independent
// multiply-accumulates of the variant per 12 cycles, which keeps the core in
// the frequency licence it runs the kernels at but never limits the loop.
#define QC_IMUL "imul %0, %0\n\t"
#define QC_VNNI512(A, B)                                                       \
  "vpdpbusd %%zmm16, %%zmm17, %%zmm" #A "\n\t"                                 \
  "vpdpbusd %%zmm16, %%zmm17, %%zmm" #B "\n\t"
#define QC_VNNI256(A, B)                                                       \
  "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm" #A "\n\t"                         \
  "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm" #B "\n\t"
#define QC_MADDWD(A, B)                                                        \
  "vpmaddwd %%ymm12, %%ymm13, %%ymm" #A "\n\t"                                 \
  "vpmaddwd %%ymm12, %%ymm13, %%ymm" #B "\n\t"
// 4 multiplies (12 cycles) and 8 independent vector instructions.
#define QC_CLOCK_LOOP(VEC)                                                     \
  "1:\n\t" QC_IMUL VEC(0, 1) QC_IMUL VEC(2, 3) QC_IMUL VEC(4, 5)               \
      QC_IMUL VEC(6, 7) "dec %1\n\tjnz 1b\n\t"
#define QC_NO_VEC(A, B) ""
#define QC_VEC_CLOBBERS                                                        \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7"

/// Core cycles per second, while the core runs \p isa's multiplies or,
/// without one, scalar code.
double measureCoreHz(std::optional<GemmIsa> isa, int reps) {
  const uint64_t iterations = 10'000'000;
  return 12.0 * static_cast<double>(iterations) /
         bestSecondsPerCall(
             [&] {
               uint64_t x = 3, n = iterations;
               if (!isa)
                 __asm__ volatile(QC_CLOCK_LOOP(QC_NO_VEC) : "+r"(x), "+r"(n));
               else if (*isa == GemmIsa::X86Avx512Vnni)
                 __asm__ volatile(
                     "vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
                     "vpxord %%zmm17, %%zmm17, %%zmm17\n\t" QC_CLOCK_LOOP(
                         QC_VNNI512) "vzeroupper"
                     : "+r"(x), "+r"(n)
                     :
                     : QC_VEC_CLOBBERS, "xmm16", "xmm17", "cc");
               else if (*isa == GemmIsa::X86AvxVnni)
                 __asm__ volatile(
                     "vpxor %%ymm12, %%ymm12, %%ymm12\n\t"
                     "vpxor %%ymm13, %%ymm13, %%ymm13\n\t" QC_CLOCK_LOOP(
                         QC_VNNI256) "vzeroupper"
                     : "+r"(x), "+r"(n)
                     :
                     : QC_VEC_CLOBBERS, "xmm12", "xmm13", "cc");
               else
                 __asm__ volatile(
                     "vpxor %%ymm12, %%ymm12, %%ymm12\n\t"
                     "vpxor %%ymm13, %%ymm13, %%ymm13\n\t" QC_CLOCK_LOOP(
                         QC_MADDWD) "vzeroupper"
                     : "+r"(x), "+r"(n)
                     :
                     : QC_VEC_CLOBBERS, "xmm12", "xmm13", "cc");
             },
             reps, 0.0);
}

double measureTscHz() {
  double w0 = wallSeconds();
  uint64_t t0 = __rdtsc();
  while (wallSeconds() - w0 < 0.2) {
  }
  return static_cast<double>(__rdtsc() - t0) / (wallSeconds() - w0);
}

// Throughput loops: 12 independent accumulators, 12 instructions per
// iteration; returns instructions per second.
double measureInstructionRate(GemmIsa isa, int reps) {
  const uint64_t iterations = 5'000'000;
  auto run = [&] {
    uint64_t n = iterations;
    switch (isa) {
    case GemmIsa::X86Avx512Vnni:
      __asm__ volatile("vpxord %%zmm16, %%zmm16, %%zmm16\n\tvpxord %%zmm17, "
                       "%%zmm17, %%zmm17\n\t"
                       "1:\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm0\n\tvpdpbusd %%zmm16, "
                       "%%zmm17, %%zmm1\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm2\n\tvpdpbusd %%zmm16, "
                       "%%zmm17, %%zmm3\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm4\n\tvpdpbusd %%zmm16, "
                       "%%zmm17, %%zmm5\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm6\n\tvpdpbusd %%zmm16, "
                       "%%zmm17, %%zmm7\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm8\n\tvpdpbusd %%zmm16, "
                       "%%zmm17, %%zmm9\n\t"
                       "vpdpbusd %%zmm16, %%zmm17, %%zmm10\n\tvpdpbusd "
                       "%%zmm16, %%zmm17, %%zmm11\n\t"
                       "dec %0\n\tjnz 1b\n\tvzeroupper"
                       : "+r"(n)
                       :
                       : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                         "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm16",
                         "xmm17", "cc");
      break;
    case GemmIsa::X86AvxVnni:
      __asm__ volatile("vpxor %%ymm12, %%ymm12, %%ymm12\n\tvpxor %%ymm13, "
                       "%%ymm13, %%ymm13\n\t"
                       "1:\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm0\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm1\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm2\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm3\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm4\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm5\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm6\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm7\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm8\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm9\n\t"
                       "%{vex%} vpdpbusd %%ymm12, %%ymm13, %%ymm10\n\t%{vex%} "
                       "vpdpbusd %%ymm12, %%ymm13, %%ymm11\n\t"
                       "dec %0\n\tjnz 1b\n\tvzeroupper"
                       : "+r"(n)
                       :
                       : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                         "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
                         "xmm13", "cc");
      break;
    default:
      // vpmaddwd alone (the multiply; the kernel also needs a vpaddd each).
      __asm__ volatile("vpxor %%ymm12, %%ymm12, %%ymm12\n\tvpxor %%ymm13, "
                       "%%ymm13, %%ymm13\n\t"
                       "1:\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm0\n\tvpmaddwd %%ymm12, "
                       "%%ymm13, %%ymm1\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm2\n\tvpmaddwd %%ymm12, "
                       "%%ymm13, %%ymm3\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm4\n\tvpmaddwd %%ymm12, "
                       "%%ymm13, %%ymm5\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm6\n\tvpmaddwd %%ymm12, "
                       "%%ymm13, %%ymm7\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm8\n\tvpmaddwd %%ymm12, "
                       "%%ymm13, %%ymm9\n\t"
                       "vpmaddwd %%ymm12, %%ymm13, %%ymm10\n\tvpmaddwd "
                       "%%ymm12, %%ymm13, %%ymm11\n\t"
                       "dec %0\n\tjnz 1b\n\tvzeroupper"
                       : "+r"(n)
                       :
                       : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                         "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
                         "xmm13", "cc");
      break;
    }
  };
  return 12.0 * static_cast<double>(iterations) /
         bestSecondsPerCall(run, reps, 0.0);
}

/// MACs one multiply instruction performs, and the documented number of
/// them per cycle on this class of core (Intel Xeon since Ice Lake-SP:
/// VPDPBUSD zmm on ports 0 and 5, VPDPBUSD / VPMADDWD ymm on ports 0 and 1;
/// Intel optimization manual and uops.info, reciprocal throughput 0.5).
struct Peak {
  const char *instruction;
  double macsPerInstruction;
  double assumedPerCycle;
};

Peak peakOf(GemmIsa isa) {
  switch (isa) {
  case GemmIsa::X86Avx512Vnni:
    return {"vpdpbusd zmm", 64, 2};
  case GemmIsa::X86AvxVnni:
    return {"{vex} vpdpbusd ymm", 32, 2};
  default:
    return {"vpmaddwd ymm", 16, 2};
  }
}

using DnnlGemmU8S8S32 = int (*)(char transa, char transb, char offsetc,
                                int64_t m, int64_t n, int64_t k, float alpha,
                                const uint8_t *a, int64_t lda, uint8_t ao,
                                const int8_t *b, int64_t ldb, int8_t bo,
                                float beta, int32_t *c, int64_t ldc,
                                const int32_t *co);

std::string cpuModelName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  return "unknown";
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> isaFilter;
  double minMs = 40;
  int reps = 5;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--isa=", 0) == 0) {
      std::string list = arg.substr(6);
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos)
          comma = list.size();
        isaFilter.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (arg.rfind("--min-ms=", 0) == 0) {
      minMs = std::atof(arg.c_str() + 9);
    } else if (arg.rfind("--reps=", 0) == 0) {
      reps = std::max(1, std::atoi(arg.c_str() + 7));
    } else if (arg == "--no-peer") {
      peer = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--isa=T1,T2] [--min-ms=N] [--reps=N] "
                   "[--no-peer]\n",
                   argv[0]);
      return 2;
    }
  }

  // CPUID leaf 1 for the report only (feature checks: CpuFeatures.h).
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  __get_cpuid(1, &eax, &ebx, &ecx, &edx);
  unsigned family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF;
  if (family == 6 || family == 15)
    model += ((eax >> 16) & 0xF) << 4;
  double scalarHz = measureCoreHz(std::nullopt, reps), tscHz = measureTscHz();
  std::printf("machine: %s (CPUID family %u model %u), core clock %.3f GHz "
              "(scalar code), TSC %.3f GHz, single thread\n",
              cpuModelName().c_str(), family, model, scalarHz / 1e9,
              tscHz / 1e9);

  DnnlGemmU8S8S32 dnnl = nullptr;
  if (peer) {
    // One oneDNN thread, like the qc kernels.
    setenv("OMP_NUM_THREADS", "1", 1);
    if (void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL))
      dnnl = reinterpret_cast<DnnlGemmU8S8S32>(dlsym(lib, "dnnl_gemm_u8s8s32"));
    const char *isaEnv = std::getenv("DNNL_MAX_CPU_ISA");
    if (dnnl)
      std::printf("peer: oneDNN dnnl_gemm_u8s8s32 (libdnnl.so.2), "
                  "DNNL_MAX_CPU_ISA=%s\n",
                  isaEnv ? isaEnv : "(unset: best available)");
    else
      std::printf("peer: libdnnl.so.2 not found, no peer column\n");
  }

  std::mt19937 rng(42);
  for (GemmIsa isa :
       {GemmIsa::X86Avx512Vnni, GemmIsa::X86AvxVnni, GemmIsa::X86Avx2}) {
    std::string target(getGemmIsaInfo(isa).targetName);
    if (!isaFilter.empty() && std::find(isaFilter.begin(), isaFilter.end(),
                                        target) == isaFilter.end())
      continue;
    if (std::string why = qc::codegen::test::whyUnavailable(isa);
        !why.empty()) {
      std::printf("\nSKIP %s\n", why.c_str());
      continue;
    }
    Peak peak = peakOf(isa);
    // Cycles of this section are counted at the clock the core holds while
    // it runs this variant's instructions.
    double coreHz = measureCoreHz(isa, reps);
    double measuredPerCycle = measureInstructionRate(isa, reps) / coreHz;
    double assumedPeak = peak.macsPerInstruction * peak.assumedPerCycle;
    double measuredPeak = peak.macsPerInstruction * measuredPerCycle;
    std::printf("\n== %s: core clock %.3f GHz under %s load; peak %s x %.0f "
                "MAC; assumed %.1f/cycle = %.0f MAC/cycle, measured "
                "%.2f/cycle = %.1f MAC/cycle\n",
                target.c_str(), coreHz / 1e9, peak.instruction,
                peak.instruction, peak.macsPerInstruction, peak.assumedPerCycle,
                assumedPeak, measuredPerCycle, measuredPeak);
    std::printf("%-36s %-20s %5s %5s %5s %9s %9s %7s %7s %9s %7s\n", "kernel",
                "layer", "M", "N", "K", "us", "MAC/cyc", "%peak", "%meas",
                "oneDNN", "qc/dnn");

    for (const Kernel &kernel : kKernels) {
      if (kernel.isa != isa)
        continue;
      GemmKernelConfig config =
          getDefaultGemmKernelConfig(isa, QType::U8, QType::U8);
      config.mr = kernel.mr;
      config.nVectors = kernel.nr / config.info().columnsPerVector;
      for (const Shape &shape : kShapes) {
        int64_t m = shape.m, n = shape.n, k = shape.k;
        std::vector<uint8_t> a(static_cast<size_t>(m * k));
        std::vector<int8_t> w(static_cast<size_t>(n * k)), wKn(w.size());
        std::vector<int32_t> bias(static_cast<size_t>(n));
        std::vector<float> mult(static_cast<size_t>(n));
        for (auto &x : a)
          x = static_cast<uint8_t>(rng());
        for (auto &x : w)
          x = static_cast<int8_t>(rng());
        for (int64_t c = 0; c < n; ++c) {
          bias[c] = static_cast<int32_t>(rng() % 20001) - 10000;
          mult[c] = 1e-4f * static_cast<float>(1 + rng() % 10);
          for (int64_t kk = 0; kk < k; ++kk)
            wKn[kk * n + c] = w[c * k + kk];
        }
        PackedGemmWeights packed;
        std::string error = packGemmWeights(config, k, n, w.data(), bias.data(),
                                            mult.data(), n, 128, packed);
        if (!error.empty()) {
          std::fprintf(stderr, "packing failed: %s\n", error.c_str());
          return 1;
        }
        std::vector<uint8_t> c(static_cast<size_t>(m * n));
        double seconds = bestSecondsPerCall(
            [&] {
              kernel.fn(a.data(), k, packed.weights.data(), packed.bias.data(),
                        packed.multipliers.data(), c.data(), n, m, n, k, 3, 0,
                        255);
            },
            reps, minMs / 1e3);
        double macs = static_cast<double>(m * n * k);
        double macPerCycle = macs / (seconds * coreHz);

        std::string peerText = "-", ratioText = "-";
        if (dnnl &&
            &kernel ==
                &*std::find_if(std::begin(kKernels), std::end(kKernels),
                               [&](const Kernel &x) { return x.isa == isa; })) {
          std::vector<int32_t> cPeer(static_cast<size_t>(m * n));
          int32_t co = 0;
          double peerSeconds = bestSecondsPerCall(
              [&] {
                dnnl('N', 'N', 'F', m, n, k, 1.0f, a.data(), k, 128, wKn.data(),
                     n, 0, 0.0f, cPeer.data(), n, &co);
              },
              reps, minMs / 1e3);
          double peerMacPerCycle = macs / (peerSeconds * coreHz);
          char buffer[64];
          std::snprintf(buffer, sizeof(buffer), "%.1f", peerMacPerCycle);
          peerText = buffer;
          std::snprintf(buffer, sizeof(buffer), "%.2f",
                        macPerCycle / peerMacPerCycle);
          ratioText = buffer;
        }
        std::printf("%-36s %-20s %5" PRId64 " %5" PRId64 " %5" PRId64
                    " %9.1f %9.1f %6.1f%% %6.1f%% %9s %7s\n",
                    kernel.name, shape.layer, m, n, k, seconds * 1e6,
                    macPerCycle, 100.0 * macPerCycle / assumedPeak,
                    100.0 * macPerCycle / measuredPeak, peerText.c_str(),
                    ratioText.c_str());
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
