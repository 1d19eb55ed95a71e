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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QC_RUNTIME_LIB_QCRT_INTERNAL_H */
