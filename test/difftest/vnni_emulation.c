/* AVX-VNNI emulation for the differential tests (test/difftest) on x86-64
 * hosts without AVX-VNNI (most AMD CPUs, older Intel ones).
 *
 * The x86-64-avxvnni target's code is AVX2 plus the VEX-encoded dot-product
 * instructions {vex} vpdpbusd / vpdpbusds (the GEMM kernels) and
 * vpdpwssd / vpdpwssds (LLVM fuses vpmaddwd + vpaddd, the depthwise
 * convolutions, into them). On a CPU without AVX-VNNI those raise SIGILL; the handler below decodes the faulting instruction, computes
 * its result from the saved register state and writes it back into the
 * signal frame, then resumes after it. Everything else runs natively, so the
 * generated code is checked as it is, except for the encoding of those two
 * instructions (difftest.py checks that separately: VEX form, no zmm).
 *
 * Linked into the difftest runner of the emulated target only, together
 * with a libqcrt built with -DQCRT_TEST_EMULATED_ISA=QC_ISA_X86_AVXVNNI so
 * that the runtime's CPU check lets the model run. Not part of libqcrt.
 *
 * Register state: the kernel saves it in the signal frame in the XSAVE
 * standard format: xmm0-15 at byte 160 of the legacy area, the upper halves
 * of ymm0-15 in the YMM_Hi128 component and of zmm0-15 in ZMM_Hi256 (their
 * offsets from CPUID leaf 0xD), and which components hold live state in the
 * XSAVE header's XSTATE_BV (byte 512); a clear bit means all zeros. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* Instructions emulated so far (read by the unit test). */
volatile uint64_t qc_vnni_emulated_instructions;

static uint32_t ymmHiOffset, zmmHiOffset;

enum { kFxsaveXmm = 160, kSwBytes = 464, kXsaveHeader = 512 };
enum { kFpXstateMagic1 = 0x46505853u, kXfeatureYmm = 1u << 2, kXfeatureZmmHi = 1u << 6 };

/* ucontext's general registers in the instruction encoding's order. */
static const int kGpr[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                             REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                             REG_R12, REG_R13, REG_R14, REG_R15};

static void die(const char *why) {
  /* write(2) only: this runs in a signal handler. */
  static const char prefix[] = "vnni_emulation: ";
  ssize_t ignored = write(2, prefix, sizeof prefix - 1);
  ignored = write(2, why, strlen(why));
  ignored = write(2, "\n", 1);
  (void)ignored;
  signal(SIGILL, SIG_DFL);
  raise(SIGILL);
  _exit(132);
}

static uint64_t gpr(const ucontext_t *uc, unsigned r) {
  return (uint64_t)uc->uc_mcontext.gregs[kGpr[r]];
}

static void onSigill(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)info;
  ucontext_t *uc = context;
  uint8_t *xsave = (uint8_t *)uc->uc_mcontext.fpregs;
  const uint8_t *p = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];

  /* VEX3 (C4), map 0F38, pp = 66, W0: 50 = vpdpbusd, 51 = vpdpbusds,
   * 52 = vpdpwssd, 53 = vpdpwssds. */
  if (p[0] != 0xC4 || (p[1] & 0x1F) != 2 || (p[2] & 3) != 1 || (p[2] & 0x80) ||
      p[3] < 0x50 || p[3] > 0x53)
    die("illegal instruction that is not a VEX vpdpbusd(s)/vpdpwssd(s)");
  unsigned rBit = !(p[1] & 0x80), xBit = !(p[1] & 0x40), bBit = !(p[1] & 0x20);
  unsigned vvvv = (~p[2] >> 3) & 15, wide = (p[2] >> 2) & 1;
  int saturate = p[3] & 1, words = p[3] >= 0x52;
  uint8_t modrm = p[4];
  unsigned mod = modrm >> 6, reg = ((modrm >> 3) & 7) | rBit << 3, rm = modrm & 7;
  size_t len = 5;
  int memory = mod != 3, ripRelative = 0;
  uint64_t addr = 0;
  if (memory) {
    if (rm == 4) {
      uint8_t sib = p[len++];
      unsigned index = ((sib >> 3) & 7) | xBit << 3, base = sib & 7;
      if (index != 4)
        addr += gpr(uc, index) << (sib >> 6);
      if (base == 5 && mod == 0) {
        int32_t d;
        memcpy(&d, p + len, 4);
        len += 4;
        addr += (uint64_t)(int64_t)d;
      } else {
        addr += gpr(uc, base | bBit << 3);
      }
    } else if (rm == 5 && mod == 0) {
      ripRelative = 1;
    } else {
      addr = gpr(uc, rm | bBit << 3);
    }
    if (mod == 1) {
      addr += (uint64_t)(int64_t)(int8_t)p[len++];
    } else if (mod == 2 || ripRelative) {
      int32_t d;
      memcpy(&d, p + len, 4);
      len += 4;
      addr += (uint64_t)(int64_t)d;
    }
    if (ripRelative)
      addr += (uint64_t)(uintptr_t)(p + len);
  }

  if (!xsave || *(uint32_t *)(xsave + kSwBytes) != kFpXstateMagic1)
    die("the signal frame has no XSAVE state");
  uint64_t *xstateBv = (uint64_t *)(xsave + kXsaveHeader);
  uint8_t *ymmHi = xsave + ymmHiOffset;
  if (!(*xstateBv & kXfeatureYmm)) {
    /* Upper halves in their initial state (zero); the area is stale. */
    memset(ymmHi, 0, 16 * 16);
    *xstateBv |= kXfeatureYmm;
  }

  /* dst += u8(src1) . s8(src2), 4 bytes a 32-bit lane; or (words)
   * s16(src1) . s16(src2), 2 words a lane. */
  uint8_t src1[32], src2[32], acc[32];
  unsigned src2Reg = rm | bBit << 3;
  memcpy(src1, xsave + kFxsaveXmm + 16 * vvvv, 16);
  memcpy(src1 + 16, ymmHi + 16 * vvvv, 16);
  memcpy(acc, xsave + kFxsaveXmm + 16 * reg, 16);
  memcpy(acc + 16, ymmHi + 16 * reg, 16);
  if (memory) {
    memcpy(src2, (const void *)(uintptr_t)addr, wide ? 32 : 16);
  } else {
    memcpy(src2, xsave + kFxsaveXmm + 16 * src2Reg, 16);
    memcpy(src2 + 16, ymmHi + 16 * src2Reg, 16);
  }
  unsigned lanes = wide ? 8 : 4;
  for (unsigned i = 0; i < lanes; ++i) {
    int32_t a;
    memcpy(&a, acc + 4 * i, 4);
    int64_t sum = 0;
    if (words) {
      for (unsigned k = 0; k < 2; ++k) {
        int16_t x, y;
        memcpy(&x, src1 + 4 * i + 2 * k, 2);
        memcpy(&y, src2 + 4 * i + 2 * k, 2);
        sum += (int64_t)x * y;
      }
    } else {
      for (unsigned k = 0; k < 4; ++k)
        sum += (int64_t)src1[4 * i + k] * (int8_t)src2[4 * i + k];
    }
    int32_t r;
    if (saturate) {
      int64_t s = (int64_t)a + sum;
      r = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
    } else {
      r = (int32_t)(uint32_t)((uint32_t)a + (uint32_t)(int32_t)sum);
    }
    memcpy(acc + 4 * i, &r, 4);
  }
  if (!wide)
    memset(acc + 16, 0, 16); /* VEX.128 zeroes bits 128 and up */
  memcpy(xsave + kFxsaveXmm + 16 * reg, acc, 16);
  memcpy(ymmHi + 16 * reg, acc + 16, 16);
  if (zmmHiOffset && (*xstateBv & kXfeatureZmmHi))
    memset(xsave + zmmHiOffset + 32 * reg, 0, 32); /* and VEX.256 bits 256 and up */

  uc->uc_mcontext.gregs[REG_RIP] += (greg_t)len;
  ++qc_vnni_emulated_instructions;
}

__attribute__((constructor)) static void installVnniEmulation(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(0xD, 2, &a, &b, &c, &d) || a != 256) {
    fprintf(stderr, "vnni_emulation: CPUID reports no YMM state component\n");
    exit(1);
  }
  ymmHiOffset = b;
  if (__get_cpuid_count(0xD, 6, &a, &b, &c, &d) && a == 512)
    zmmHiOffset = b;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onSigill;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGILL, &sa, NULL) != 0) {
    perror("vnni_emulation: sigaction");
    exit(1);
  }
}
