/*===- profile.c - Per-step profiles of a session (qc_session_print_profile) -===*
 *
 * The clock, the core-clock measurement and the report. The counters are
 * filled by qc_exec_context.profile_step (runtime.c), which the entry
 * function calls as each step of the descriptor's step table begins.
 *
 * Units (printed with every report): times are wall-clock nanoseconds of
 * CLOCK_MONOTONIC on the calling thread, summed over the profiled runs and
 * shown as the mean per run; MAC/cyc divides a step's multiply-accumulates
 * by its time times the core clock, which is measured here with a chain of
 * dependent integer multiplies (x86-64) or adds (AArch64) of known latency,
 * not taken from a nominal frequency or the TSC (whose rate is not the core
 * clock under boost).
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L

#include "runtime/lib/qcrt_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t qcrt_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint32_t qcrt_profile_capacity(uint32_t steps) {
  uint32_t runs = steps ? (1u << 22) / steps : 10000;
  return runs < 16 ? 16 : runs > 10000 ? 10000 : runs;
}

void qcrt_profile_begin_run(qcrt_profile *p) {
  p->row = p->window + (size_t)(p->runs % p->capacity) * p->numSteps;
  memset(p->row, 0, sizeof(uint32_t) * p->numSteps);
  p->current = p->numSteps;
}

void qcrt_profile_end_run(qcrt_profile *p, uint64_t now, uint64_t runNs) {
  qcrt_profile_step(p, now, p->numSteps);
  p->runWindow[p->runs % p->capacity] = runNs;
  p->runNs += runNs;
  ++p->runs;
}

/* --- core clock ----------------------------------------------------------*/

#if defined(__x86_64__) || defined(__aarch64__)
/* x86-64: 64-bit imul, 3 cycles of latency on every Intel core since Sandy
 * Bridge and every AMD Zen (a chain of adds is no clock there: Golden Cove
 * and later fold immediate adds at rename; bench/README.md). AArch64: add,
 * 1 cycle. */
#if defined(__x86_64__)
enum { kCyclesPerIteration = 16 * 3 };
#define QCRT_LINK "imul %2, %0\n\t"
#else
enum { kCyclesPerIteration = 16 };
#define QCRT_LINK "add %0, %0, %2\n\t"
#endif
#define QCRT_LINK4 QCRT_LINK QCRT_LINK QCRT_LINK QCRT_LINK

/* `iterations` x 16 dependent links (the loop's counter and branch run
 * beside the chain). */
static uint64_t dependentChain(uint64_t iterations) {
  uint64_t x = 1, one = 1;
#if defined(__x86_64__)
  __asm__ volatile("1:\n\t" QCRT_LINK4 QCRT_LINK4 QCRT_LINK4 QCRT_LINK4
                   "dec %1\n\t"
                   "jnz 1b\n\t"
                   : "+r"(x), "+r"(iterations)
                   : "r"(one)
                   : "cc");
#else
  __asm__ volatile("1:\n\t" QCRT_LINK4 QCRT_LINK4 QCRT_LINK4 QCRT_LINK4
                   "subs %1, %1, #1\n\t"
                   "b.ne 1b\n\t"
                   : "+r"(x), "+r"(iterations)
                   : "r"(one)
                   : "cc");
#endif
  return x;
}
#undef QCRT_LINK4
#undef QCRT_LINK

double qcrt_measure_core_ghz(void) {
  /* ~3 M cycles, ~1 ms. */
  const uint64_t iterations = 3000000 / kCyclesPerIteration;
  dependentChain(iterations); /* wake the core up */
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    uint64_t t0 = qcrt_now_ns();
    dependentChain(iterations);
    uint64_t ns = qcrt_now_ns() - t0;
    if (ns < best)
      best = ns;
  }
  if (best == 0)
    return 0;
  double ghz = (double)(iterations * kCyclesPerIteration) / (double)best;
  return ghz >= 0.2 && ghz <= 10 ? ghz : 0;
}
#else
double qcrt_measure_core_ghz(void) { return 0; }
#endif

/* --- the multiply instruction's rate --------------------------------------*/

/* The int8 peak a variant's table states (int8_macs_per_cycle) is the
 * documented rate of its multiply instruction on the fastest cores of its
 * class; a core may issue fewer (`vpdpbusd zmm`: 2 per cycle on Xeons since
 * Ice Lake-SP and Zen 5, 1 on Zen 4, which splits a 512-bit op in two). The
 * report therefore times the instruction itself: 12 independent
 * accumulators, best of 5 x ~1 ms, divided by the core clock, rounded to the
 * nearest quarter per cycle (a preempted repetition reads low; the best of 5
 * is the one least disturbed). x86-64 only; 0 elsewhere (the table's peak is
 * used then). */
typedef struct {
  const char *instruction;
  double macsPerInstruction;
  double perCycle; /* 0 when not measured */
} MultiplyRate;

#if defined(__x86_64__)
#define QCRT_ACC(op, r, a, b) op " %%" a ", %%" b ", %%" r "\n\t"
#define QCRT_TWELVE(op, reg, a, b)                                             \
  QCRT_ACC(op, reg "0", a, b) QCRT_ACC(op, reg "1", a, b)                      \
  QCRT_ACC(op, reg "2", a, b) QCRT_ACC(op, reg "3", a, b)                      \
  QCRT_ACC(op, reg "4", a, b) QCRT_ACC(op, reg "5", a, b)                      \
  QCRT_ACC(op, reg "6", a, b) QCRT_ACC(op, reg "7", a, b)                      \
  QCRT_ACC(op, reg "8", a, b) QCRT_ACC(op, reg "9", a, b)                      \
  QCRT_ACC(op, reg "10", a, b) QCRT_ACC(op, reg "11", a, b)
#define QCRT_CLOBBER12                                                         \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",       \
      "xmm9", "xmm10", "xmm11"

enum { kMultiplyKind512Vnni, kMultiplyKindVexVnni, kMultiplyKindMaddwd };

/* The two ymm kinds: 12 x `op` on ymm0-11 from ymm12, ymm13. */
#define QCRT_YMM_LOOP(op)                                                      \
  __asm__ volatile("vpxor %%ymm12, %%ymm12, %%ymm12\n\t"                        \
                   "vpxor %%ymm13, %%ymm13, %%ymm13\n\t"                        \
                   "1:\n\t" QCRT_TWELVE(op, "ymm", "ymm12", "ymm13")           \
                   "dec %0\n\tjnz 1b\n\tvzeroupper"                            \
                   : "+r"(iterations)                                          \
                   :                                                           \
                   : QCRT_CLOBBER12, "xmm12", "xmm13", "cc")

/* `iterations` x 12 independent multiplies of the given kind. */
static void multiplyLoop(int kind, uint64_t iterations) {
  switch (kind) {
  case kMultiplyKind512Vnni:
    __asm__ volatile("vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
                     "vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
                     "1:\n\t" QCRT_TWELVE("vpdpbusd", "zmm", "zmm16", "zmm17")
                     "dec %0\n\tjnz 1b\n\tvzeroupper"
                     : "+r"(iterations)
                     :
                     : QCRT_CLOBBER12, "xmm16", "xmm17", "cc");
    break;
  case kMultiplyKindVexVnni:
    QCRT_YMM_LOOP("%{vex%} vpdpbusd");
    break;
  default:
    QCRT_YMM_LOOP("vpmaddwd");
    break;
  }
}
#undef QCRT_YMM_LOOP
#undef QCRT_CLOBBER12
#undef QCRT_TWELVE
#undef QCRT_ACC

static MultiplyRate measureMultiplyRate(uint64_t requiredIsa,
                                        uint64_t cpuFeatures, double ghz) {
  MultiplyRate r = {NULL, 0, 0};
  int kind;
  if (requiredIsa & QC_ISA_X86_AVX512VNNI) {
    kind = kMultiplyKind512Vnni;
    r.instruction = "vpdpbusd zmm";
    r.macsPerInstruction = 64;
  } else if (requiredIsa & QC_ISA_X86_AVXVNNI) {
    kind = kMultiplyKindVexVnni;
    r.instruction = "{vex} vpdpbusd ymm";
    r.macsPerInstruction = 32;
  } else if (requiredIsa & QC_ISA_X86_AVX2) {
    kind = kMultiplyKindMaddwd;
    r.instruction = "vpmaddwd ymm";
    r.macsPerInstruction = 16;
  } else {
    return r;
  }
  /* Never run an instruction the CPU lacks (the report may describe a
   * variant other than the one that ran, see qcrt_profile_print). */
  if ((requiredIsa & cpuFeatures) != requiredIsa || ghz <= 0)
    return r;
  const uint64_t iterations = 300000; /* 3.6 M instructions, ~1 ms */
  multiplyLoop(kind, iterations);     /* wake the unit up */
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    uint64_t t0 = qcrt_now_ns();
    multiplyLoop(kind, iterations);
    uint64_t ns = qcrt_now_ns() - t0;
    if (ns < best)
      best = ns;
  }
  if (best == 0 || best == UINT64_MAX)
    return r;
  double perCycle = 12.0 * (double)iterations / ((double)best * ghz);
  perCycle = (double)(int64_t)(perCycle * 4 + 0.5) / 4;
  r.perCycle = perCycle >= 0.25 && perCycle <= 8 ? perCycle : 0;
  return r;
}
#else
static MultiplyRate measureMultiplyRate(uint64_t requiredIsa,
                                        uint64_t cpuFeatures, double ghz) {
  (void)requiredIsa;
  (void)cpuFeatures;
  (void)ghz;
  MultiplyRate r = {NULL, 0, 0};
  return r;
}
#endif

/* --- report --------------------------------------------------------------*/

typedef struct {
  uint32_t step;
  double ms;
} StepTime;

static int byTimeDescending(const void *a, const void *b) {
  const StepTime *x = (const StepTime *)a, *y = (const StepTime *)b;
  if (x->ms != y->ms)
    return x->ms < y->ms ? 1 : -1;
  return x->step < y->step ? -1 : (x->step > y->step);
}

static int compareU64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place), in ms; 0 when n is 0. */
static double medianMs(uint64_t *v, uint32_t n) {
  if (!n)
    return 0;
  qsort(v, n, sizeof *v, compareU64);
  double mid = n % 2 ? (double)v[n / 2]
                     : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
  return mid / 1e6;
}

/* The numbers of one row (a step or a kind). */
typedef struct {
  double ms;      /* median per run */
  double percent; /* of the sum of the steps' medians */
  double gmacs;   /* 1e9 MACs per second, < 0 when no MACs */
  double macsPerCycle, percentPeak; /* < 0 when unknown */
  double gbps;    /* 1e9 bytes per second, < 0 when no time */
} Rates;

static Rates rates(double ms, uint64_t macs, uint64_t bytes, double totalMs,
                   double ghz, double peak) {
  Rates r;
  r.ms = ms;
  r.percent = totalMs > 0 ? 100.0 * r.ms / totalMs : 0;
  double seconds = r.ms / 1e3;
  r.gmacs = macs && seconds > 0 ? (double)macs / seconds / 1e9 : -1;
  r.macsPerCycle = r.gmacs >= 0 && ghz > 0 ? r.gmacs / ghz : -1;
  r.percentPeak = r.macsPerCycle >= 0 && peak > 0
                      ? 100.0 * r.macsPerCycle / peak
                      : -1;
  r.gbps = seconds > 0 ? (double)bytes / seconds / 1e9 : -1;
  return r;
}

/* "%*.*f" or "-" right-aligned in `width`. */
static void number(FILE *out, double v, int width, int decimals) {
  if (v < 0)
    fprintf(out, " %*s", width, "-");
  else
    fprintf(out, " %*.*f", width, decimals, v);
}

static void rateColumns(FILE *out, Rates r) {
  number(out, r.ms, 7, 4);
  number(out, r.percent, 6, 1);
  number(out, r.gmacs, 8, 1);
  number(out, r.macsPerCycle, 7, 1);
  number(out, r.percentPeak, 6, 1);
  number(out, r.gbps, 7, 1);
}

static void csvString(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; ++s) {
    if (*s == '"')
      fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void csvNumber(FILE *out, double v) {
  if (v >= 0)
    fprintf(out, ",%.6g", v);
  else
    fputc(',', out);
}

static const char *str(const char *s) { return s ? s : ""; }

#define QCRT_RATE_COLUMNS "      ms      %   GMAC/s MAC/cyc  %peak    GB/s"

void qcrt_profile_print(const qcrt_profile *p, const char *model,
                        int32_t threads, uint64_t cpu_features, FILE *out,
                        qc_profile_format format) {
  /* The variant the entry runs: the first whose bits the CPU has. */
  const qc_variant_desc *variant = NULL;
  for (uint32_t v = 0; v < p->numVariants && !variant; ++v)
    if (!(p->variants[v].required_isa & ~cpu_features))
      variant = &p->variants[v];
  if (!variant && p->numVariants)
    variant = &p->variants[p->numVariants - 1];
  double ghz = qcrt_measure_core_ghz();
  /* %peak: of the rate this core measures for the variant's multiply
   * instruction when it can be measured, else of the variant's table. */
  MultiplyRate rate = variant ? measureMultiplyRate(variant->required_isa,
                                                    cpu_features, ghz)
                              : (MultiplyRate){NULL, 0, 0};
  double corePeak = rate.perCycle > 0
                        ? rate.perCycle * rate.macsPerInstruction
                        : variant ? (double)variant->int8_macs_per_cycle : 0;
  double peak = corePeak * threads;

  /* Medians over the window of the last `filled` runs. */
  uint32_t filled =
      p->runs < p->capacity ? (uint32_t)p->runs : p->capacity;
  uint32_t n = p->numSteps ? p->numSteps : 1;
  uint64_t *scratch = (uint64_t *)malloc(sizeof(uint64_t) *
                                         (filled ? filled : 1));
  double *stepMs = (double *)malloc(sizeof(double) * n);
  /* The fastest run of each step (CSV min_ms): on a shared machine, the
   * runs no other process interrupted. */
  double *stepMinMs = (double *)malloc(sizeof(double) * n);
  StepTime *order = (StepTime *)malloc(sizeof(StepTime) * n);
  uint32_t *kinds = (uint32_t *)malloc(sizeof(uint32_t) * n);
  StepTime *kindOrder = (StepTime *)malloc(sizeof(StepTime) * n);
  if (!scratch || !stepMs || !stepMinMs || !order || !kinds || !kindOrder) {
    fprintf(out, "qc profile: out of memory for the report\n");
    goto done;
  }
  for (uint32_t r = 0; r < filled; ++r)
    scratch[r] = p->runWindow[r];
  double runMs = medianMs(scratch, filled);
  double stepsMs = 0;
  for (uint32_t i = 0; i < p->numSteps; ++i) {
    for (uint32_t r = 0; r < filled; ++r)
      scratch[r] = p->window[(size_t)r * p->numSteps + i];
    stepMs[i] = medianMs(scratch, filled);
    stepMinMs[i] = filled ? (double)scratch[0] / 1e6 : 0; /* sorted */
    stepsMs += stepMs[i];
  }
  double meanRunMs = p->runs ? (double)p->runNs / 1e6 / (double)p->runs : 0;

  if (format == QC_PROFILE_CSV) {
    fprintf(out, "step,kind,name,shapes,ms,percent,mean_ms,macs,bytes,"
                 "gmac_per_s,macs_per_cycle,percent_peak,gb_per_s,min_ms\n");
    for (uint32_t i = 0; i < p->numSteps; ++i) {
      const qc_step_desc *s = &p->steps[i];
      Rates r = rates(stepMs[i], s->macs, s->bytes, stepsMs, ghz, peak);
      double meanMs =
          p->runs ? (double)p->stepNs[i] / 1e6 / (double)p->runs : 0;
      fprintf(out, "%u,", i);
      csvString(out, str(s->kind));
      fputc(',', out);
      csvString(out, str(s->name));
      fputc(',', out);
      csvString(out, str(s->shapes));
      fprintf(out, ",%.6f,%.3f,%.6f,%llu,%llu", r.ms, r.percent, meanMs,
              (unsigned long long)s->macs, (unsigned long long)s->bytes);
      csvNumber(out, r.gmacs);
      csvNumber(out, r.macsPerCycle);
      csvNumber(out, r.percentPeak);
      csvNumber(out, r.gbps);
      fprintf(out, ",%.6f\n", stepMinMs[i]);
    }
    goto done;
  }

  fprintf(out,
          "qc profile: model '%s', %d thread(s), %llu profiled run(s), %u "
          "steps, code variant %s\n",
          model, (int)threads, (unsigned long long)p->runs, p->numSteps,
          variant ? str(variant->name) : "(unknown)");
  fprintf(out,
          "run: %.4f ms (entry call, median of the last %u runs; mean %.4f "
          "ms); steps: %.4f ms (sum of the steps' medians, %.1f%% of the "
          "run's)\n",
          runMs, filled, meanRunMs, stepsMs,
          runMs > 0 ? 100.0 * stepsMs / runMs : 0.0);
  fprintf(out,
          "units: ms = median per run of the wall clock (CLOCK_MONOTONIC) on "
          "the calling thread around each step (a parallel step is timed as "
          "a whole); %% = of the steps' sum; GB/s = the step's operand + "
          "result bytes / time\n");
  if (ghz > 0)
    fprintf(out,
            "clock: %.2f GHz core clock, measured now on this thread (a "
            "chain of dependent integer ops); MAC/cyc = MACs / (time x "
            "clock)",
            ghz);
  else
    fprintf(out, "clock: not measurable here; MAC/cyc not shown");
  if (variant && peak > 0 && rate.perCycle > 0)
    fprintf(out,
            "; %%peak of %.0f int8 MACs/cycle (%s: %.0f per core x %d "
            "thread(s); per core measured now: %.2f %s per cycle x %.0f "
            "MACs, against the ISA's nominal %llu)\n",
            peak, str(variant->name), corePeak, (int)threads, rate.perCycle,
            rate.instruction, rate.macsPerInstruction,
            (unsigned long long)variant->int8_macs_per_cycle);
  else if (variant && peak > 0)
    fprintf(out,
            "; %%peak of %.0f int8 MACs/cycle (%s: %llu per core x %d "
            "thread(s))\n",
            peak, str(variant->name),
            (unsigned long long)variant->int8_macs_per_cycle, (int)threads);
  else
    fprintf(out, "\n");
  /* The physical floor: every MAC of the model at that peak. */
  uint64_t totalMacs = 0;
  for (uint32_t i = 0; i < p->numSteps; ++i)
    totalMacs += p->steps[i].macs;
  if (totalMacs && ghz > 0 && peak > 0) {
    double floorMs = (double)totalMacs / (peak * ghz * 1e9) * 1e3;
    fprintf(out,
            "floor: %.4f ms = the steps' %.4g MACs at that peak and clock; "
            "the run is %.2fx the floor, the steps' sum %.2fx\n",
            floorMs, (double)totalMacs, runMs / floorMs, stepsMs / floorMs);
  }

  for (uint32_t i = 0; i < p->numSteps; ++i) {
    order[i].step = i;
    order[i].ms = stepMs[i];
  }
  qsort(order, p->numSteps, sizeof *order, byTimeDescending);
  fprintf(out, "\n step  %-22s%s  name  [shapes]\n", "kind",
          QCRT_RATE_COLUMNS);
  for (uint32_t k = 0; k < p->numSteps; ++k) {
    uint32_t i = order[k].step;
    const qc_step_desc *s = &p->steps[i];
    fprintf(out, "%5u  %-22s", i, str(s->kind));
    rateColumns(out, rates(stepMs[i], s->macs, s->bytes, stepsMs, ghz, peak));
    fprintf(out, "  %s  [%s]\n", *str(s->name) ? s->name : "-",
            str(s->shapes));
  }

  /* Per kind (in order of first appearance, then by time). */
  uint32_t numKinds = 0;
  for (uint32_t i = 0; i < p->numSteps; ++i) {
    uint32_t k = 0;
    while (k < numKinds &&
           strcmp(str(p->steps[kinds[k]].kind), str(p->steps[i].kind)) != 0)
      ++k;
    if (k == numKinds)
      kinds[numKinds++] = i;
  }
  for (uint32_t k = 0; k < numKinds; ++k) {
    kindOrder[k].step = k;
    kindOrder[k].ms = 0;
    for (uint32_t i = 0; i < p->numSteps; ++i)
      if (!strcmp(str(p->steps[i].kind), str(p->steps[kinds[k]].kind)))
        kindOrder[k].ms += stepMs[i];
  }
  qsort(kindOrder, numKinds, sizeof *kindOrder, byTimeDescending);
  fprintf(out, "\n by kind                steps%s\n", QCRT_RATE_COLUMNS);
  for (uint32_t j = 0; j < numKinds; ++j) {
    const char *kind = str(p->steps[kinds[kindOrder[j].step]].kind);
    uint64_t macs = 0, bytes = 0, count = 0;
    for (uint32_t i = 0; i < p->numSteps; ++i)
      if (!strcmp(str(p->steps[i].kind), kind)) {
        macs += p->steps[i].macs;
        bytes += p->steps[i].bytes;
        ++count;
      }
    fprintf(out, " %-22s %5llu", kind, (unsigned long long)count);
    rateColumns(out, rates(kindOrder[j].ms, macs, bytes, stepsMs, ghz, peak));
    fprintf(out, "\n");
  }
done:
  free(scratch);
  free(stepMs);
  free(stepMinMs);
  free(order);
  free(kinds);
  free(kindOrder);
  fflush(out);
}
