/*===- gemm_harness_aarch64.c - AArch64 GEMM kernels vs the reference -----===*
 *
 * gemm_harness_aarch64 <kernel name> <case file>
 *
 * Cross-compiled with clang --target=aarch64-linux-gnu, linked with the
 * kernels qc-kernelgen generated for AArch64 and run under qemu-aarch64 by
 * ctest. For every case of the file (written on the host by
 * qc-gemm-casegen) it runs the kernel on the host-packed weights and
 * requires the output to equal, byte for byte, both the reference output
 * computed on the host (the x86 tests compare against the same) and
 * qc_reference_gemm recomputed here. Operands end at inaccessible pages;
 * gaps between output rows hold canaries. Exit 0 = pass, 1 = fail,
 * 77 = skipped (the CPU lacks the extension), 2 = usage or I/O error.
 *
 *===----------------------------------------------------------------------===*/
/* mmap's MAP_ANONYMOUS under -std=c11. */
#define _DEFAULT_SOURCE

#include "test/unit/codegen/gemm_test_support.h"

#include "gemm_kernels_aarch64_dotprod.h"
#include "gemm_kernels_aarch64_i8mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif

typedef void (*kernel_fn)(const void *a, int64_t lda, const int8_t *packed_b,
                          const int32_t *bias, const float *mult, void *c,
                          int64_t ldc, int64_t m, int64_t n, int64_t k,
                          int32_t zp_out, int32_t qmin, int32_t qmax);

enum { ISA_Aarch64Dotprod, ISA_Aarch64I8mm };

typedef struct {
  const char *name;
  int isa;
  int a_signed, c_signed;
  kernel_fn fn;
} variant;

#define QC_SIGNED_u8 0
#define QC_SIGNED_s8 1
/* The kernels take typed pointers; the table calls them through one
 * signature with void pointers (identical in the AArch64 procedure call
 * standard), so each gets a small wrapper. */
#define QC_CTYPE_u8 uint8_t
#define QC_CTYPE_s8 int8_t
#define QC_GEMM_VARIANT(ISA, A, C, MR, NR, SUFFIX)                             \
  static void call_##A##C##_##MR##x##NR##_##SUFFIX(                            \
      const void *a, int64_t lda, const int8_t *b, const int32_t *bias,        \
      const float *mult, void *c, int64_t ldc, int64_t m, int64_t n,           \
      int64_t k, int32_t zp, int32_t qmin, int32_t qmax) {                     \
    qc_gemm_##A##s8##C##_##MR##x##NR##_##SUFFIX(                               \
        (const QC_CTYPE_##A *)a, lda, b, bias, mult, (QC_CTYPE_##C *)c, ldc,   \
        m, n, k, zp, qmin, qmax);                                              \
  }
#include "test/unit/codegen/gemm_variants_aarch64.def"
#undef QC_GEMM_VARIANT

#define QC_GEMM_VARIANT(ISA, A, C, MR, NR, SUFFIX)                             \
  {"qc_gemm_" #A "s8" #C "_" #MR "x" #NR "_" #SUFFIX, ISA_##ISA,               \
   QC_SIGNED_##A, QC_SIGNED_##C, call_##A##C##_##MR##x##NR##_##SUFFIX},
static const variant variants[] = {
#include "test/unit/codegen/gemm_variants_aarch64.def"
};
#undef QC_GEMM_VARIANT

static int read_exact(FILE *f, void *dst, size_t bytes) {
  return bytes == 0 || fread(dst, 1, bytes, f) == bytes;
}

static int read_i64(FILE *f, int64_t *v) { return read_exact(f, v, 8); }

/* Reads `bytes` from the file into a buffer that ends at a guard page. */
static int read_guarded(FILE *f, size_t bytes, qc_guarded_buffer *buffer) {
  if (!qc_guarded_alloc(bytes, buffer))
    return 0;
  return read_exact(f, buffer->data, bytes);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <kernel name> <case file>\n", argv[0]);
    return 2;
  }
  const variant *v = NULL;
  for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); ++i)
    if (strcmp(variants[i].name, argv[1]) == 0)
      v = &variants[i];
  if (!v) {
    fprintf(stderr, "unknown kernel %s\n", argv[1]);
    return 2;
  }
  if (v->isa == ISA_Aarch64Dotprod && !(getauxval(AT_HWCAP) & HWCAP_ASIMDDP)) {
    printf("SKIP %s: the CPU lacks the dot-product extension\n", v->name);
    return 77;
  }
  if (v->isa == ISA_Aarch64I8mm && !(getauxval(AT_HWCAP2) & HWCAP2_I8MM)) {
    printf("SKIP %s: the CPU lacks the int8 matrix-multiply extension\n",
           v->name);
    return 77;
  }

  FILE *f = fopen(argv[2], "rb");
  char magic[8];
  int64_t count = 0;
  if (!f || !read_exact(f, magic, 8) ||
      memcmp(magic, QC_GEMM_CASE_MAGIC, 8) != 0 || !read_i64(f, &count)) {
    fprintf(stderr, "cannot read case file %s\n", argv[2]);
    return 2;
  }
  int failed = 0;
  for (int64_t index = 0; index < count; ++index) {
    int64_t name_length = 0, h[14];
    char name[256] = {0};
    if (!read_i64(f, &name_length) || name_length >= (int64_t)sizeof(name) ||
        !read_exact(f, name, (size_t)name_length)) {
      fprintf(stderr, "truncated case file\n");
      return 2;
    }
    for (int i = 0; i < 14; ++i)
      if (!read_i64(f, &h[i])) {
        fprintf(stderr, "truncated case file\n");
        return 2;
      }
    int64_t m = h[0], n = h[1], k = h[2], lda = h[3], ldc = h[4];
    int a_signed = (int)h[5], c_signed = (int)h[6];
    int32_t zp_a = (int32_t)h[7], zp_out = (int32_t)h[8];
    int32_t qmin = (int32_t)h[9], qmax = (int32_t)h[10];
    int64_t n_mult = h[11], packed_bytes = h[12], padded_n = h[13];
    if (a_signed != v->a_signed || c_signed != v->c_signed) {
      fprintf(stderr, "case file types do not match %s\n", v->name);
      return 2;
    }
    qc_guarded_buffer a = {0}, pw = {0}, pb = {0}, pm = {0};
    size_t out_bytes = (size_t)(m * ldc);
    int8_t *w = malloc((size_t)(n * k) + 1);
    int32_t *bias = malloc((size_t)n * 4 + 4);
    float *mult = malloc((size_t)n_mult * 4 + 4);
    uint8_t *expected = malloc(out_bytes + 1);
    uint8_t *recomputed = malloc(out_bytes + 1);
    uint8_t *out = malloc(out_bytes + 64);
    if (!read_guarded(f, (size_t)(m * lda), &a) ||
        !read_exact(f, w, (size_t)(n * k)) ||
        !read_exact(f, bias, (size_t)n * 4) ||
        !read_exact(f, mult, (size_t)n_mult * 4) ||
        !read_guarded(f, (size_t)packed_bytes, &pw) ||
        !read_guarded(f, (size_t)padded_n * 4, &pb) ||
        !read_guarded(f, (size_t)padded_n * 4, &pm) ||
        !read_exact(f, expected, out_bytes)) {
      fprintf(stderr, "truncated case file\n");
      return 2;
    }
    memset(out, QC_GEMM_CANARY, out_bytes + 64);
    memset(recomputed, QC_GEMM_CANARY, out_bytes);
    v->fn(a.data, lda, (const int8_t *)pw.data, (const int32_t *)pb.data,
          (const float *)pm.data, out, ldc, m, n, k, zp_out, qmin, qmax);
    qc_reference_gemm(a_signed, c_signed, m, n, k, a.data, lda, w, bias, mult,
                      n_mult, zp_a, zp_out, qmin, qmax, recomputed, ldc);

    int mismatches = 0;
    for (size_t i = 0; i < out_bytes; ++i) {
      if (expected[i] != recomputed[i]) {
        if (mismatches++ < 5)
          printf("  %s: host and target references differ at byte %zu\n", name,
                 i);
      } else if (out[i] != expected[i] && mismatches++ < 5) {
        printf("  %s: [row %lld, col %lld] got %d want %d%s\n", name,
               (long long)(i / (size_t)ldc), (long long)(i % (size_t)ldc),
               out[i], expected[i],
               (int64_t)(i % (size_t)ldc) >= n ? " (gap canary)" : "");
      }
    }
    for (size_t i = 0; i < 64; ++i)
      if (out[out_bytes + i] != QC_GEMM_CANARY && mismatches++ < 5)
        printf("  %s: store past the last row (byte %zu)\n", name, i);
    if (mismatches) {
      printf("FAIL %s %s (M=%lld N=%lld K=%lld): %d mismatches\n", v->name,
             name, (long long)m, (long long)n, (long long)k, mismatches);
      ++failed;
    }
    qc_guarded_free(&a);
    qc_guarded_free(&pw);
    qc_guarded_free(&pb);
    qc_guarded_free(&pm);
    free(w);
    free(bias);
    free(mult);
    free(expected);
    free(recomputed);
    free(out);
  }
  fclose(f);
  printf("%s %s: %lld cases, %d failed\n", failed ? "FAIL" : "PASS", v->name,
         (long long)count, failed);
  return failed ? 1 : 0;
}
