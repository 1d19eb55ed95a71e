//===- GemmLayout.h - Int8 GEMM kernel variants and weight packing -*- C++ -*-//
//
// The contract shared by qc's generated int8 GEMM kernels, the compile-time
// weight packer and every caller (tests, benchmarks, later `qc compile` and
// the runtime): which instruction-set variants exist, how the weights are laid
// out in a kernel's tile order, and how the activation zero point is folded
// into the bias.
//
// Plain C++17 without MLIR, LLVM or Abseil, so the same code can run inside
// `qc compile`, inside libqcrt (which must not link LLVM) and inside test
// generators. See docs/codegen.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_GEMMLAYOUT_H
#define QC_PASSES_CODEGEN_GEMMLAYOUT_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc::codegen {

/// The instruction-set variants of the GEMM kernel.
enum class GemmIsa {
  /// x86-64-v3 (AVX2, FMA, BMI2) without VNNI: u8 activations (s8 shifted
  /// by +128) and s8 weights widened to 16 bits and multiplied with
  /// vpmaddwd, which cannot saturate (vpmaddubsw could: 255 * 127 * 2 >
  /// 32767).
  X86Avx2,
  /// x86-64-v3 plus AVX-VNNI: 256-bit VEX vpdpbusd (u8 x s8).
  X86AvxVnni,
  /// x86-64-v4 (AVX-512 F/BW/CD/DQ/VL) plus AVX512-VNNI: 512-bit vpdpbusd.
  X86Avx512Vnni,
  /// AArch64 Armv8.2-A with the dot-product extension: sdot (s8 x s8).
  Aarch64Dotprod,
  /// AArch64 Armv8.6-A with the int8 matrix-multiply extension: smmla.
  Aarch64I8mm,
};

/// Element type of the activations (A) or of the output (C). Weights are
/// always s8. S32 (outputs only): the int32 accumulators plus the packed
/// bias are stored as they are, with no requantize (the dynamic linear's
/// float epilogue runs after the kernel; `mult`, zp_out, qmin and qmax are
/// then unused and ldc counts bytes as always).
enum class QType { U8, S8, S32 };

/// Everything a kernel variant implies about the packed weight layout and the
/// arithmetic domain of the activations.
struct GemmIsaInfo {
  GemmIsa isa;
  /// `--target` spelling (`x86-64-avx512vnni`) and kernel-name suffix
  /// (`x86_avx512vnni`).
  std::string_view targetName;
  std::string_view nameSuffix;
  /// Consecutive K values that one multiply instruction reduces per output
  /// lane; packed K is padded to a multiple of it.
  int64_t kGroup;
  /// Output columns held by one packed weight vector.
  int64_t columnsPerVector;
  /// Bytes of one packed weight vector (columnsPerVector * kGroup).
  int64_t vectorBytes;
  /// Output columns per result vector after the multiply (the epilogue's
  /// vector width).
  int64_t outputLanes;
  /// The domain the kernel converts activations into before multiplying:
  /// U8 for vpdpbusd (u8 x s8) and the AVX2 zero-extension, S8 for
  /// sdot/smmla (s8 x s8); nullopt would use them in their own type.
  std::optional<QType> activationDomain;
  // Triple, CPU, features and ISA bits: getTarget(isa) (Target.h).
};

/// Properties of \p isa.
const GemmIsaInfo &getGemmIsaInfo(GemmIsa isa);
/// All variants, in declaration order.
const std::vector<GemmIsa> &allGemmIsas();
/// Parses a `--target` name (`x86-64-avx2`, ..., `aarch64-i8mm`) or a kernel
/// suffix (`x86_avx2`, ...); nullopt when unknown.
std::optional<GemmIsa> parseGemmIsa(std::string_view name);

/// One kernel: instruction set, activation and output types, and the
/// register tile (mr rows x nVectors packed weight vectors).
struct GemmKernelConfig {
  GemmIsa isa = GemmIsa::X86Avx512Vnni;
  QType aType = QType::U8;
  QType cType = QType::U8;
  int64_t mr = 0;
  int64_t nVectors = 0;
  /// The epilogue clamps on integers instead of floats (x86, 8-bit outputs):
  /// float(acc) * m is rounded to int32 unclamped, and the saturating packs
  /// plus a byte max / min clamp to [qmin, qmax] (Requantize.h,
  /// emitRequantizePacked's productsFit), two float ops fewer per output
  /// vector. Exact only when |acc * m| < 2^30 for every column, which
  /// packGemmWeights decides (PackedGemmWeights::integerClampExact); the
  /// kernel name carries `_iclamp`. verifyGemmKernelConfig rejects it on
  /// AArch64 and for s32 outputs (their epilogues have no such form).
  bool intClamp = false;

  const GemmIsaInfo &info() const { return getGemmIsaInfo(isa); }
  /// Columns per tile (NR).
  int64_t nr() const { return nVectors * info().columnsPerVector; }
};

/// The tile each variant uses unless told otherwise (tuned in
/// bench/gemm; see docs/codegen.md).
GemmKernelConfig getDefaultGemmKernelConfig(GemmIsa isa, QType aType,
                                            QType cType);

/// Checks the tile against the variant's limits; returns a message naming
/// what is wrong, or an empty string.
std::string verifyGemmKernelConfig(const GemmKernelConfig &config);

/// `qc_gemm_<a>s8<c>_<mr>x<nr>[_iclamp]_<arch>_<isa>`, e.g.
/// `qc_gemm_u8s8u8_6x64_x86_avx512vnni`,
/// `qc_gemm_u8s8u8_6x64_iclamp_x86_avx512vnni` (intClamp).
std::string getGemmKernelName(const GemmKernelConfig &config);

/// The C prototype of the kernel (one line, ending in ';'). Its ABI:
///   a       M rows of K activations, row stride lda bytes;
///   packedB the output of packGemmWeights;
///   bias    padded int32 bias with the zero-point correction folded in;
///   mult    padded float32 requantization multipliers;
///   c       M rows of N outputs, row stride ldc bytes;
///   zp_out, qmin, qmax  output zero point and clamp (the clamp also applies
///                        a fused relu / relu6).
/// c must not overlap the inputs. Rows may be split across threads by
/// offsetting a, c and m; columns by offsetting packedB by
/// getPackedTileBytes * tile, bias/mult/c by nr * tile.
std::string getGemmKernelCDeclaration(const GemmKernelConfig &config);

/// K rounded up to the variant's K group.
int64_t getPaddedK(const GemmKernelConfig &config, int64_t k);
/// N rounded up to the tile width.
int64_t getPaddedN(const GemmKernelConfig &config, int64_t n);
/// Bytes of packed weights for one tile of nr columns.
int64_t getPackedTileBytes(const GemmKernelConfig &config, int64_t k);

/// Thread counts (bit T of the result, 2 <= T <= 62) for which a GEMM of
/// \p m rows and \p n columns is better split over threads by column
/// tiles (each thread: all rows, a contiguous run of tiles) than by rows
/// (each thread: m/T rows, every tile). The cost model counts the kernel's
/// row blocks per tile: mr rows, then the binary decomposition of the rest
/// (4, 2, 1), each costing its rows plus 2 (its weight loads, shared by
/// fewer rows); a split costs its largest chunk. Small M over wide N (a
/// ResNet's 7x7 stage, M = 49; a classifier, M = 1) splits by columns
/// when the tile count divides well by T. 0 when n is one tile or m < 1.
uint64_t getColumnSplitThreads(const GemmKernelConfig &config, int64_t m,
                               int64_t n);

/// Weights in the kernel's tile order plus the epilogue vectors, all padded
/// to getPaddedN columns.
struct PackedGemmWeights {
  int64_t k = 0;
  int64_t n = 0;
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;
  std::vector<float> multipliers;
  /// Whether a kernel with GemmKernelConfig::intClamp computes these
  /// operands exactly: for every column c,
  ///   (|bias[c]| + maxA * sum_k |w[c][k]|) * m[c] < 2^30,
  /// maxA the largest |a - zpA| of the activation type (the true
  /// accumulator's bound; the kernel's, with the zero point folded into the
  /// bias, is the same modulo 2^32 and fits int32). Then float(acc) * m
  /// stays below 2^30 after rounding, far from vcvtps2dq's out-of-range
  /// 2^31, and every saturation of the narrowing packs lands on the same
  /// side of [qmin, qmax] as the exact value.
  bool integerClampExact = false;
};

/// Compile-time packing of one GEMM's constants for \p config.
///   weights     N x K row-major s8 (one row per output channel, as PyTorch
///               stores Linear weights and flattened conv weights),
///               symmetric (zero point 0);
///   bias        N int32 values with scale s_in * s_w[c], or null for none;
///   multipliers nMultipliers (1 = per tensor, or N) float32 values
///               s_in * s_w[c] / s_out, finite and > 0;
///   zpA         the activations' zero point, in the range of aType.
/// Returns an error message, or an empty string on success.
std::string packGemmWeights(const GemmKernelConfig &config, int64_t k,
                            int64_t n, const int8_t *weights,
                            const int32_t *bias, const float *multipliers,
                            int64_t nMultipliers, int32_t zpA,
                            PackedGemmWeights &out);

} // namespace qc::codegen

#endif // QC_PASSES_CODEGEN_GEMMLAYOUT_H
