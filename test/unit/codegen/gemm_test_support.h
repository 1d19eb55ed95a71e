/*===- gemm_test_support.h - GEMM kernel test helpers (C99) ---------------===*
 *
 * Shared by the x86 GoogleTest suite and the AArch64 harness (which is
 * cross-compiled as C and run under qemu): the portable scalar reference of
 * the kernel contract, guarded buffers and the case-file format.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QC_TEST_UNIT_CODEGEN_GEMM_TEST_SUPPORT_H
#define QC_TEST_UNIT_CODEGEN_GEMM_TEST_SUPPORT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel contract on unpacked operands (DESIGN.md's requantize):
 *   acc = bias[c] + sum_k (a[m,k] - zp_a) * w[c,k]        (int32, wraps)
 *   q   = clamp(round_half_to_even(float(acc) * mult[c]) + zp_out,
 *               qmin, qmax)
 * a: M x K (u8 when a_signed == 0, else s8), row stride lda bytes;
 * w: N x K s8; bias: N int32 (or NULL); mult: n_mult (1 or N) floats;
 * c: M x N (u8 when c_signed == 0, else s8), row stride ldc bytes. */
static inline void qc_reference_gemm(int a_signed, int c_signed, int64_t m,
                                     int64_t n, int64_t k, const void *a,
                                     int64_t lda, const int8_t *w,
                                     const int32_t *bias, const float *mult,
                                     int64_t n_mult, int32_t zp_a,
                                     int32_t zp_out, int32_t qmin, int32_t qmax,
                                     void *c, int64_t ldc) {
  const uint8_t *au = (const uint8_t *)a;
  const int8_t *as = (const int8_t *)a;
  for (int64_t row = 0; row < m; ++row) {
    for (int64_t col = 0; col < n; ++col) {
      uint32_t acc = bias ? (uint32_t)bias[col] : 0u;
      for (int64_t kk = 0; kk < k; ++kk) {
        int32_t x = a_signed ? (int32_t)as[row * lda + kk]
                             : (int32_t)au[row * lda + kk];
        acc += (uint32_t)((x - zp_a) * (int32_t)w[col * k + kk]);
      }
      float scaled = (float)(int32_t)acc * mult[n_mult == 1 ? 0 : col];
      /* Compared in double before converting: exact, and safe for huge
       * values. */
      double r = (double)nearbyintf(scaled);
      int32_t q;
      if (r <= (double)(qmin - zp_out))
        q = qmin;
      else if (r >= (double)(qmax - zp_out))
        q = qmax;
      else
        q = (int32_t)r + zp_out;
      if (c_signed)
        ((int8_t *)c)[row * ldc + col] = (int8_t)q;
      else
        ((uint8_t *)c)[row * ldc + col] = (uint8_t)q;
    }
  }
}

/* A buffer of `bytes` whose end touches an inaccessible page, so any read
 * past the end faults. Release with qc_guarded_free. */
typedef struct {
  void *data;
  void *mapping;
  size_t mapped;
} qc_guarded_buffer;

static inline int qc_guarded_alloc(size_t bytes, qc_guarded_buffer *buffer) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t dataPages = (bytes + page - 1) / page;
  size_t mapped = (dataPages + 1) * page;
  void *mapping = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    return 0;
  char *guard = (char *)mapping + dataPages * page;
  if (mprotect(guard, page, PROT_NONE) != 0) {
    munmap(mapping, mapped);
    return 0;
  }
  buffer->data = guard - bytes;
  buffer->mapping = mapping;
  buffer->mapped = mapped;
  return 1;
}

static inline void qc_guarded_free(qc_guarded_buffer *buffer) {
  if (buffer->mapping)
    munmap(buffer->mapping, buffer->mapped);
  buffer->data = buffer->mapping = NULL;
}

/* The byte the output buffer is pre-filled with, to catch stray stores into
 * the gaps between rows (ldc > n) and past the last row. */
#define QC_GEMM_CANARY 0xA5

/* Case files (written on the host by qc-gemm-casegen, read by the AArch64
 * harness), little endian:
 *   "QCGEMM01" int64 case_count, then per case:
 *   int64 name_length, name bytes, int64 m, n, k, lda, ldc, a_signed,
 *   c_signed, zp_a, zp_out, qmin, qmax, n_mult, packed_bytes, padded_n;
 *   a (m * lda bytes), w (n * k), bias (n int32), mult (n_mult float),
 *   packed weights (packed_bytes), packed bias (padded_n int32),
 *   packed mult (padded_n float), expected c (m * ldc bytes, canaries in
 *   the gaps). */
#define QC_GEMM_CASE_MAGIC "QCGEMM01"

#ifdef __cplusplus
}
#endif

#endif /* QC_TEST_UNIT_CODEGEN_GEMM_TEST_SUPPORT_H */
