/* Checks vnni_emulation.c against a scalar reference: {vex} vpdpbusd,
 * vpdpbusds, vpdpwssd and vpdpwssds with ymm and xmm operands, the high registers (VEX.R, VEX.vvvv,
 * VEX.B), memory operands (base, base + index * scale + disp8 / disp32,
 * RIP-relative), and that registers the instruction does not write keep
 * their values. On a CPU with AVX-VNNI the instructions run natively and the
 * emulator is not needed: the test then exits 77 (ctest SKIP) after checking
 * the reference against the hardware. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern volatile uint64_t qc_vnni_emulated_instructions;

static uint8_t a[32], b[32], c[32], got[32], keep[32], keptAfter[32];
static uint8_t ripData[32] __attribute__((aligned(32)));
static int failures;

/* words: vpdpwssd(s), two s16 x s16 products a lane; else vpdpbusd(s). */
static void reference(const uint8_t *acc, const uint8_t *u, const uint8_t *s, int lanes,
                      int saturate, int words, uint8_t *out) {
  memset(out, 0, 32);
  for (int i = 0; i < lanes; ++i) {
    int32_t x;
    memcpy(&x, acc + 4 * i, 4);
    int64_t sum = 0;
    for (int k = 0; k < 4 && !words; ++k)
      sum += (int64_t)u[4 * i + k] * (int8_t)s[4 * i + k];
    for (int k = 0; k < 2 && words; ++k) {
      int16_t p, q;
      memcpy(&p, u + 4 * i + 2 * k, 2);
      memcpy(&q, s + 4 * i + 2 * k, 2);
      sum += (int64_t)p * q;
    }
    int64_t r = (int64_t)x + sum;
    int32_t y = saturate ? (r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : (int32_t)r)
                         : (int32_t)(uint32_t)((uint32_t)x + (uint32_t)(int32_t)sum);
    memcpy(out + 4 * i, &y, 4);
  }
}

static void checkOp(const char *what, int lanes, int saturate, int words, const uint8_t *s) {
  uint8_t want[32];
  reference(c, a, s, lanes, saturate, words, want);
  if (memcmp(want, got, 32) != 0) {
    printf("FAIL %s\n", what);
    ++failures;
  }
}

static void check(const char *what, int lanes, int saturate, const uint8_t *s) {
  checkOp(what, lanes, saturate, 0, s);
}

static void fill(void) {
  for (int i = 0; i < 32; ++i) {
    a[i] = (uint8_t)rand();
    b[i] = (uint8_t)rand();
    c[i] = (uint8_t)rand();
    keep[i] = (uint8_t)rand();
  }
  /* Accumulators at the edges make vpdpbusds saturate. */
  int32_t big = INT32_MAX - 1000, small = INT32_MIN + 1000;
  memcpy(c, &big, 4);
  memcpy(c + 4, &small, 4);
  memset(a + 8, 255, 8);
  memset(b + 8, 127, 4);
  memset(b + 12, 0x80, 4);
  memcpy(ripData, b, 32);
}

int main(void) {
  unsigned ea, eb, ec, ed;
  int native = __get_cpuid_count(7, 1, &ea, &eb, &ec, &ed) && (ea & (1u << 4));
  srand(7);
  for (int round = 0; round < 200; ++round) {
    fill();
    /* ymm, register operands, low registers. */
    __asm__ volatile("vmovdqu %1, %%ymm0\n\tvmovdqu %2, %%ymm1\n\tvmovdqu %3, %%ymm2\n\t"
                     "%{vex%} vpdpbusd %%ymm1, %%ymm0, %%ymm2\n\tvmovdqu %%ymm2, %0"
                     : "=m"(got) : "m"(a), "m"(b), "m"(c) : "xmm0", "xmm1", "xmm2", "memory");
    check("ymm reg", 8, 0, b);
    /* ymm, high registers everywhere (VEX.R, ~vvvv bit 3, VEX.B), and a
     * register it must not touch (ymm7). */
    __asm__ volatile("vmovdqu %2, %%ymm9\n\tvmovdqu %3, %%ymm12\n\tvmovdqu %4, %%ymm15\n\t"
                     "vmovdqu %5, %%ymm7\n\t"
                     "%{vex%} vpdpbusds %%ymm12, %%ymm9, %%ymm15\n\tvmovdqu %%ymm15, %0\n\t"
                     "vmovdqu %%ymm7, %1"
                     : "=m"(got), "=m"(keptAfter) : "m"(a), "m"(b), "m"(c), "m"(keep)
                     : "xmm7", "xmm9", "xmm12", "xmm15", "memory");
    check("ymm reg, high registers, saturating", 8, 1, b);
    if (memcmp(keep, keptAfter, 32) != 0) {
      printf("FAIL ymm7 changed\n");
      ++failures;
    }
    /* xmm (VEX.128): 4 lanes, upper half of the destination zeroed. */
    __asm__ volatile("vmovdqu %1, %%ymm3\n\tvmovdqu %2, %%ymm4\n\tvmovdqu %3, %%ymm5\n\t"
                     "%{vex%} vpdpbusd %%xmm4, %%xmm3, %%xmm5\n\tvmovdqu %%ymm5, %0"
                     : "=m"(got) : "m"(a), "m"(b), "m"(c) : "xmm3", "xmm4", "xmm5", "memory");
    check("xmm reg", 4, 0, b);
    /* Memory operand: base + index * 4 + disp8 (SIB), base r13 (VEX.B). */
    {
      /* Addresses outside b, formed as integers: pointer arithmetic past an
       * array is undefined (UBSan's bounds check stopped here). */
      uintptr_t base = (uintptr_t)b - 8;
      long index = 1;
      __asm__ volatile("vmovdqu %1, %%ymm6\n\tvmovdqu %2, %%ymm8\n\t"
                       "%{vex%} vpdpbusd 4(%3,%4,4), %%ymm6, %%ymm8\n\tvmovdqu %%ymm8, %0"
                       : "=m"(got) : "m"(a), "m"(c), "r"(base), "r"(index), "m"(b)
                       : "xmm6", "xmm8", "memory");
      check("ymm mem sib disp8", 8, 0, b);
      register uintptr_t r13 __asm__("r13") = (uintptr_t)b + 1000;
      __asm__ volatile("vmovdqu %1, %%ymm10\n\tvmovdqu %2, %%ymm11\n\t"
                       "%{vex%} vpdpbusds -1000(%3), %%ymm10, %%ymm11\n\tvmovdqu %%ymm11, %0"
                       : "=m"(got) : "m"(a), "m"(c), "r"(r13), "m"(b)
                       : "xmm10", "xmm11", "memory");
      check("ymm mem r13 disp32, saturating", 8, 1, b);
      __asm__ volatile("vmovdqu %1, %%ymm13\n\tvmovdqu %2, %%ymm14\n\t"
                       "%{vex%} vpdpbusd %3, %%ymm13, %%ymm14\n\tvmovdqu %%ymm14, %0"
                       : "=m"(got) : "m"(a), "m"(c), "m"(ripData)
                       : "xmm13", "xmm14", "memory");
      check("ymm mem rip-relative", 8, 0, ripData);
    }
    /* vpdpwssd(s): register and memory operands, ymm and xmm. */
    __asm__ volatile("vmovdqu %1, %%ymm0\n\tvmovdqu %2, %%ymm1\n\tvmovdqu %3, %%ymm2\n\t"
                     "%{vex%} vpdpwssd %%ymm1, %%ymm0, %%ymm2\n\tvmovdqu %%ymm2, %0"
                     : "=m"(got) : "m"(a), "m"(b), "m"(c) : "xmm0", "xmm1", "xmm2", "memory");
    checkOp("vpdpwssd ymm reg", 8, 0, 1, b);
    __asm__ volatile("vmovdqu %1, %%ymm9\n\tvmovdqu %2, %%ymm15\n\t"
                     "%{vex%} vpdpwssds %3, %%ymm9, %%ymm15\n\tvmovdqu %%ymm15, %0"
                     : "=m"(got) : "m"(a), "m"(c), "m"(b) : "xmm9", "xmm15", "memory");
    checkOp("vpdpwssds ymm mem, high registers, saturating", 8, 1, 1, b);
    __asm__ volatile("vmovdqu %1, %%ymm3\n\tvmovdqu %2, %%ymm4\n\tvmovdqu %3, %%ymm5\n\t"
                     "%{vex%} vpdpwssd %%xmm4, %%xmm3, %%xmm5\n\tvmovdqu %%ymm5, %0"
                     : "=m"(got) : "m"(a), "m"(b), "m"(c) : "xmm3", "xmm4", "xmm5", "memory");
    checkOp("vpdpwssd xmm reg", 4, 0, 1, b);
  }
  __asm__ volatile("vzeroupper");
  if (failures) {
    printf("%d failures\n", failures);
    return 1;
  }
  if (native) {
    printf("this CPU has AVX-VNNI: the reference agrees with the hardware; the emulator "
           "was not exercised\n");
    return 77;
  }
  if (qc_vnni_emulated_instructions != 200 * 9) {
    printf("FAIL: %llu instructions emulated, expected %d\n",
           (unsigned long long)qc_vnni_emulated_instructions, 200 * 9);
    return 1;
  }
  printf("PASS: %llu VEX vpdpbusd(s)/vpdpwssd(s) emulated, all equal to the reference\n",
         (unsigned long long)qc_vnni_emulated_instructions);
  return 0;
}
