//===- GemmLayout.cpp - Int8 GEMM kernel variants and weight packing ------===//
#include "passes/Codegen/GemmLayout.h"
#include "passes/Codegen/Target.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace qc::codegen {
namespace {

const GemmIsaInfo kIsaInfos[] = {
    {GemmIsa::X86Avx2, "x86-64-avx2", "x86_avx2", /*kGroup=*/2,
     /*columnsPerVector=*/8, /*vectorBytes=*/16, /*outputLanes=*/8,
     /*activationDomain=*/QType::U8},
    {GemmIsa::X86AvxVnni, "x86-64-avxvnni", "x86_avxvnni", 4, 8, 32, 8,
     QType::U8},
    {GemmIsa::X86Avx512Vnni, "x86-64-avx512vnni", "x86_avx512vnni", 4, 16, 64,
     16, QType::U8},
    {GemmIsa::Aarch64Dotprod, "aarch64-dotprod", "aarch64_dotprod", 4, 4, 16, 4,
     QType::S8},
    // smmla: one weight vector holds 2 columns x 8 K values; the epilogue
    // regroups the 2x2 accumulator blocks into rows of 4 columns.
    {GemmIsa::Aarch64I8mm, "aarch64-i8mm", "aarch64_i8mm", 8, 2, 16, 4,
     QType::S8},
};

int64_t roundUp(int64_t x, int64_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

const char *typeName(QType t) {
  return t == QType::U8 ? "u8" : t == QType::S8 ? "s8" : "s32";
}

} // namespace

const GemmIsaInfo &getGemmIsaInfo(GemmIsa isa) {
  return kIsaInfos[static_cast<int>(isa)];
}

const std::vector<GemmIsa> &allGemmIsas() {
  static const std::vector<GemmIsa> isas = {
      GemmIsa::X86Avx2, GemmIsa::X86AvxVnni, GemmIsa::X86Avx512Vnni,
      GemmIsa::Aarch64Dotprod, GemmIsa::Aarch64I8mm};
  return isas;
}

std::optional<GemmIsa> parseGemmIsa(std::string_view name) {
  for (const GemmIsaInfo &info : kIsaInfos)
    if (name == info.targetName || name == info.nameSuffix)
      return info.isa;
  return std::nullopt;
}

GemmKernelConfig getDefaultGemmKernelConfig(GemmIsa isa, QType aType,
                                            QType cType) {
  GemmKernelConfig config;
  config.isa = isa;
  config.aType = aType;
  config.cType = cType;
  switch (isa) {
  case GemmIsa::X86Avx2:
    config.mr = 4;
    config.nVectors = 2;
    break;
  case GemmIsa::X86AvxVnni:
    config.mr = 6;
    config.nVectors = 2;
    break;
  case GemmIsa::X86Avx512Vnni:
    config.mr = 6;
    config.nVectors = 4;
    break;
  case GemmIsa::Aarch64Dotprod:
    config.mr = 4;
    config.nVectors = 4;
    break;
  case GemmIsa::Aarch64I8mm:
    config.mr = 4;
    config.nVectors = 8;
    break;
  }
  return config;
}

std::string verifyGemmKernelConfig(const GemmKernelConfig &config) {
  if (config.aType == QType::S32)
    return "activations must be u8 or s8 (s32 is an output type only)";
  if (config.mr < 1 || config.mr > 16)
    return "tile rows (mr) must be in [1, 16], got " +
           std::to_string(config.mr);
  if (config.nVectors < 1 || config.nVectors > 16)
    return "tile weight vectors must be in [1, 16], got " +
           std::to_string(config.nVectors);
  bool i8mm = config.isa == GemmIsa::Aarch64I8mm;
  if (i8mm && config.nVectors % 2 != 0)
    return "aarch64-i8mm tiles need an even number of weight vectors (2 "
           "columns each, stored as rows of 4 columns), got " +
           std::to_string(config.nVectors);
  bool x86 = config.isa == GemmIsa::X86Avx2 ||
             config.isa == GemmIsa::X86AvxVnni ||
             config.isa == GemmIsa::X86Avx512Vnni;
  if (config.intClamp && !x86)
    return "the integer-clamp epilogue (iclamp) exists only for x86 targets, "
           "not " +
           std::string(config.info().targetName);
  if (config.intClamp && config.cType == QType::S32)
    return "the integer-clamp epilogue (iclamp) needs 8-bit outputs, not s32";
  int64_t accumulators =
      (i8mm ? (config.mr + 1) / 2 : config.mr) * config.nVectors;
  int64_t registers = getTarget(config.isa).vectorRegisters;
  if (accumulators > registers - 2)
    return "tile " + std::to_string(config.mr) + "x" +
           std::to_string(config.nr()) + " needs " +
           std::to_string(accumulators) + " accumulator registers; " +
           std::string(config.info().targetName) + " has " +
           std::to_string(registers) +
           " vector registers and needs 2 for operands";
  return "";
}

std::string getGemmKernelName(const GemmKernelConfig &config) {
  return std::string("qc_gemm_") + typeName(config.aType) + "s8" +
         typeName(config.cType) + "_" + std::to_string(config.mr) + "x" +
         std::to_string(config.nr()) + (config.intClamp ? "_iclamp_" : "_") +
         std::string(config.info().nameSuffix);
}

std::string getGemmKernelCDeclaration(const GemmKernelConfig &config) {
  const char *aType = config.aType == QType::U8 ? "uint8_t" : "int8_t";
  const char *cType = config.cType == QType::U8   ? "uint8_t"
                      : config.cType == QType::S8 ? "int8_t"
                                                  : "int32_t";
  return std::string("void ") + getGemmKernelName(config) + "(const " + aType +
         " *a, int64_t lda, const int8_t *packed_b, const int32_t *bias, "
         "const float *mult, " +
         cType +
         " *c, int64_t ldc, int64_t m, int64_t n, int64_t k, int32_t zp_out, "
         "int32_t qmin, int32_t qmax);";
}

int64_t getPaddedK(const GemmKernelConfig &config, int64_t k) {
  return roundUp(k, config.info().kGroup);
}

int64_t getPaddedN(const GemmKernelConfig &config, int64_t n) {
  return roundUp(n, config.nr());
}

namespace {
/// The cost of the kernel on \p rows rows of one column tile, in row units
/// (getColumnSplitThreads).
int64_t rowBlocksCost(int64_t mr, int64_t rows) {
  constexpr int64_t kBlockCost = 2;
  int64_t cost = rows / mr * (mr + kBlockCost);
  int64_t left = rows % mr;
  for (int64_t block = 4; block >= 1; block /= 2)
    if (block < mr && (left & block))
      cost += block + kBlockCost;
  return cost;
}
} // namespace

uint64_t getColumnSplitThreads(const GemmKernelConfig &config, int64_t m,
                               int64_t n) {
  int64_t tiles = getPaddedN(config, n) / config.nr();
  if (m < 1 || tiles < 2)
    return 0;
  uint64_t mask = 0;
  for (int64_t t = 2; t <= 62; ++t) {
    int64_t byRows = rowBlocksCost(config.mr, (m + t - 1) / t) * tiles;
    int64_t byColumns = (tiles + t - 1) / t * rowBlocksCost(config.mr, m);
    if (byColumns < byRows)
      mask |= uint64_t{1} << t;
  }
  return mask;
}

int64_t getPackedTileBytes(const GemmKernelConfig &config, int64_t k) {
  return getPaddedK(config, k) * config.nr();
}

std::string packGemmWeights(const GemmKernelConfig &config, int64_t k,
                            int64_t n, const int8_t *weights,
                            const int32_t *bias, const float *multipliers,
                            int64_t nMultipliers, int32_t zpA,
                            PackedGemmWeights &out) {
  if (std::string error = verifyGemmKernelConfig(config); !error.empty())
    return error;
  if (k < 0 || n < 0)
    return "GEMM dimensions must not be negative (K=" + std::to_string(k) +
           ", N=" + std::to_string(n) + ")";
  if (nMultipliers != 1 && nMultipliers != n)
    return "expected 1 or N=" + std::to_string(n) +
           " requantization multipliers, got " + std::to_string(nMultipliers);
  for (int64_t c = 0; c < nMultipliers; ++c)
    if (!(multipliers[c] > 0.0f) || !std::isfinite(multipliers[c]))
      return "requantization multiplier " + std::to_string(multipliers[c]) +
             " (column " + std::to_string(c) + ") must be finite and > 0";
  int32_t zpMin = config.aType == QType::U8 ? 0 : -128;
  int32_t zpMax = config.aType == QType::U8 ? 255 : 127;
  if (zpA < zpMin || zpA > zpMax)
    return "activation zero point " + std::to_string(zpA) +
           " is outside the range [" + std::to_string(zpMin) + ", " +
           std::to_string(zpMax) + "] of " + typeName(config.aType);
  // |(a - zpA) * w| <= 255 * 128 per product; the int32 accumulator, bias
  // included, must not overflow for any activation.
  int64_t maxBias = 0;
  for (int64_t c = 0; bias && c < n; ++c)
    maxBias = std::max<int64_t>(maxBias, std::abs(int64_t{bias[c]}));
  if (k * 255 * 128 + maxBias > std::numeric_limits<int32_t>::max())
    return "K=" + std::to_string(k) +
           " is too large for exact int32 accumulation (at most " +
           std::to_string((std::numeric_limits<int32_t>::max() - maxBias) /
                          (255 * 128)) +
           " with this bias)";

  const GemmIsaInfo &info = config.info();
  int64_t kPadded = getPaddedK(config, k);
  int64_t nPadded = getPaddedN(config, n);
  int64_t nr = config.nr();
  int64_t groups = kPadded / info.kGroup;
  out.k = k;
  out.n = n;
  out.weights.assign(static_cast<size_t>(kPadded * nPadded), 0);
  out.bias.assign(static_cast<size_t>(nPadded), 0);
  out.multipliers.assign(static_cast<size_t>(nPadded), 0.0f);

  // packed[tile][group][vector][column in vector][k in group]: one multiply
  // instruction's worth of weights is one contiguous vector.
  for (int64_t col = 0; col < n; ++col) {
    int64_t tile = col / nr;
    int64_t vec = (col % nr) / info.columnsPerVector;
    int64_t lane = col % info.columnsPerVector;
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t group = kk / info.kGroup;
      int64_t offset =
          ((tile * groups + group) * config.nVectors + vec) * info.vectorBytes +
          lane * info.kGroup + kk % info.kGroup;
      out.weights[static_cast<size_t>(offset)] = weights[col * k + kk];
    }
  }

  // The kernel multiplies activations in its domain: shifting a by +-128
  // shifts the zero point with it, and sum_k (a - zp) w = sum_k a w -
  // zp * sum_k w, so the column sums times the zero point move into the bias.
  // Arithmetic is modulo 2^32, like the kernel's accumulator.
  int64_t zpDomain = zpA;
  if (info.activationDomain && *info.activationDomain != config.aType)
    zpDomain += config.aType == QType::S8 ? 128 : -128;
  for (int64_t col = 0; col < n; ++col) {
    int64_t columnSum = 0;
    for (int64_t kk = 0; kk < k; ++kk)
      columnSum += weights[col * k + kk];
    uint32_t folded = static_cast<uint32_t>(bias ? bias[col] : 0) -
                      static_cast<uint32_t>(zpDomain * columnSum);
    out.bias[static_cast<size_t>(col)] = static_cast<int32_t>(folded);
    out.multipliers[static_cast<size_t>(col)] =
        multipliers[nMultipliers == 1 ? 0 : col];
  }

  // The integer clamp's bound (PackedGemmWeights::integerClampExact), from
  // the true accumulator: |bias + sum_k (a - zpA) w| <= |bias| + maxA *
  // sum_k |w|.
  double maxA = std::max(zpA - zpMin, zpMax - zpA);
  out.integerClampExact = true;
  for (int64_t col = 0; col < n; ++col) {
    int64_t absSum = 0;
    for (int64_t kk = 0; kk < k; ++kk)
      absSum += std::abs(int64_t{weights[col * k + kk]});
    double bound = std::abs(static_cast<double>(bias ? bias[col] : 0)) +
                   maxA * static_cast<double>(absSum);
    double m = multipliers[nMultipliers == 1 ? 0 : col];
    if (!(bound * m < 0x1.0p30))
      out.integerClampExact = false;
  }
  return "";
}

} // namespace qc::codegen
