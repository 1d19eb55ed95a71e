/*===- qcrt_internal.h - libqcrt internals shared with its unit tests -----===*
 *
 * The thread pool, CPU-feature detection and error-message plumbing behind
 * qc_runtime.h. Not installed; C, so the tests (C++) and the AArch64 cross
 * build (C only) use the same code.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QC_RUNTIME_LIB_QCRT_INTERNAL_H
#define QC_RUNTIME_LIB_QCRT_INTERNAL_H

#include "runtime/include/qc_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- errors --------------------------------------------------------------*/
/* Records a printf-style message for qc_last_error_message(); returns status.*/
qc_status qcrt_fail(qc_status status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void qcrt_clear_error(void);

/* --- CPU features --------------------------------------------------------*/
/* Features the hardware and OS provide (cached; no QC_DISABLE_ISA). */
uint64_t qcrt_detect_cpu_features(void);
/* Parses a QC_DISABLE_ISA value into QC_ISA_* bits. Unknown names are
 * reported in *unknown (the first one, NUL-terminated, truncated to
 * unknown_size) and otherwise ignored. */
uint64_t qcrt_parse_isa_list(const char *list, char *unknown,
                             size_t unknown_size);
/* Writes the names of the bits in `features` ("avx512bw, avx512vnni"). */
void qcrt_format_isa_list(uint64_t features, char *buffer, size_t size);

/* --- thread pool ---------------------------------------------------------*/
typedef struct qcrt_pool qcrt_pool;
/* Starts num_threads - 1 workers (the caller is thread 0). */
qc_status qcrt_pool_create(int32_t num_threads, qcrt_pool **out_pool);
void qcrt_pool_destroy(qcrt_pool *pool);
int32_t qcrt_pool_num_threads(const qcrt_pool *pool);
/* The partition of qc_exec_context.parallel_for: chunk `index` of
 * [begin, end) split `parts` ways, as [*chunk_begin, *chunk_end). */
void qcrt_partition(int64_t begin, int64_t end, int32_t parts, int32_t index,
                    int64_t *chunk_begin, int64_t *chunk_end);
/* Runs fn over [begin, end) as documented in qc_model_abi.h. Calls from
 * several threads at once are serialized; nested calls run serially. */
void qcrt_pool_parallel_for(qcrt_pool *pool, int64_t begin, int64_t end,
                            qc_range_fn fn, void *user);
/* Index of the pool thread running the current chunk (0 = caller), or -1
 * outside a pool. */
int32_t qcrt_current_thread_index(void);

/* --- profiling (profile.c) ----------------------------------------------*/
typedef struct qcrt_profile {
  const qc_step_desc *steps; /* the model's step table */
  uint32_t numSteps;
  const qc_variant_desc *variants;
  uint32_t numVariants;
  uint64_t *stepNs;  /* numSteps sums of nanoseconds over the runs */
  uint64_t runs;     /* profiled runs */
  uint64_t runNs;    /* their entry calls' wall time, summed */
  /* The last `capacity` runs, for medians (robust to preemption on a busy
   * machine, which a mean is not): per run its steps' ns (run-major) and
   * its entry call's ns. `row` is the current run's row. */
  uint32_t capacity;
  uint32_t *window;
  uint64_t *runWindow;
  uint32_t *row;
  uint32_t current;  /* the running step; numSteps when none */
  uint64_t last;     /* when it began (ns) */
} qcrt_profile;

/* Runs the window of a profile with `steps` steps holds: at most 2^22
 * step times (16 MiB), at least 16 runs, at most 10000. */
uint32_t qcrt_profile_capacity(uint32_t steps);
/* Before a profiled run: clears the run's row. */
void qcrt_profile_begin_run(qcrt_profile *p);
/* After it: closes the last step, records the run's wall time. */
void qcrt_profile_end_run(qcrt_profile *p, uint64_t now, uint64_t runNs);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t qcrt_now_ns(void);
/* qc_exec_context.profile_step's work: closes the running step, opens `step`
 * (steps >= numSteps open nothing). */
static inline void qcrt_profile_step(qcrt_profile *p, uint64_t now,
                                     uint32_t step) {
  if (p->current < p->numSteps) {
    uint64_t ns = now - p->last;
    p->stepNs[p->current] += ns;
    p->row[p->current] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
  }
  p->current = step < p->numSteps ? step : p->numSteps;
  p->last = now;
}
/* The core clock in GHz, measured with a chain of dependent integer ops of
 * known latency (x86-64 imul: 3 cycles, AArch64 add: 1) on the calling
 * thread; 0 when it cannot be measured (another architecture, or an
 * implausible result). */
double qcrt_measure_core_ghz(void);
/* Writes `p` (runs of a session with `threads` threads on a CPU with
 * `cpu_features`) to `out`. */
void qcrt_profile_print(const qcrt_profile *p, const char *model,
                        int32_t threads, uint64_t cpu_features, FILE *out,
                        qc_profile_format format);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QC_RUNTIME_LIB_QCRT_INTERNAL_H */
