//===- GemmCases.cpp - Edge-shape cases for the GEMM kernel tests ---------===//
#include "test/unit/codegen/GemmCases.h"

#include "test/unit/codegen/gemm_test_support.h"

#include <algorithm>
#include <cmath>

namespace qc::codegen::test {
namespace {

/// splitmix64: small, portable, the same sequence everywhere.
class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  uint64_t state;
};

int32_t typeMin(QType t) { return t == QType::U8 ? 0 : -128; }
int32_t typeMax(QType t) { return t == QType::U8 ? 255 : 127; }

} // namespace

std::vector<GemmCase> makeGemmCases(QType aType, QType cType) {
  const int32_t aMin = typeMin(aType), aMax = typeMax(aType);
  const int32_t cMin = typeMin(cType), cMax = typeMax(cType);
  const int32_t aMid = (aMin + aMax + 1) / 2, cMid = (cMin + cMax + 1) / 2;
  std::vector<GemmCase> cases;
  uint64_t seed = 1;
  auto add = [&](std::string name, int64_t m, int64_t n,
                 int64_t k) -> GemmCase & {
    GemmCase c;
    c.name = std::move(name);
    c.m = m;
    c.n = n;
    c.k = k;
    c.lda = k;
    c.ldc = n;
    c.zpA = aMid;
    c.zpOut = cMid;
    c.qmin = cMin;
    c.qmax = cMax;
    c.seed = seed++;
    cases.push_back(c);
    return cases.back();
  };
  auto shape = [](const char *what, int64_t m, int64_t n, int64_t k) {
    return std::string(what) + "_m" + std::to_string(m) + "_n" +
           std::to_string(n) + "_k" + std::to_string(k);
  };

  // K below, at and above the K group (2, 4, 8) and the unrolled block (4
  // groups), K not a multiple of 4 or 8, K = 0 (bias only).
  for (int64_t k : {0,  1,  2,  3,  4,  5,  7,  8,   9,   12,  13,  15,
                    16, 17, 31, 32, 33, 64, 67, 130, 256, 301, 1027})
    add(shape("k", 7, 19, k), 7, 19, k);
  // N around every tile width (4 ... 64) and its multiples.
  for (int64_t n : {1,  2,  3,  4,  5,  7,  8,  9,  15,  16,  17,
                    24, 31, 32, 33, 48, 63, 64, 65, 100, 128, 129})
    add(shape("n", 5, n, 37), 5, n, 37);
  // M: one row, every remainder of the row blocks (1 ... 6) and several
  // blocks.
  for (int64_t m : {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 25})
    add(shape("m", m, 40, 29), m, 40, 29);

  // Zero points at the limits of their types.
  for (int32_t zpA : {aMin, aMax})
    for (int32_t zpOut : {cMin, cMax}) {
      GemmCase &c =
          add("zp_a" + std::to_string(zpA) + "_out" + std::to_string(zpOut), 9,
              35, 45);
      c.zpA = zpA;
      c.zpOut = zpOut;
    }
  // Fused activations: relu clamps at the zero point, relu6 also at 6.0
  // (with s_out = 6/100, 6.0 is 100 steps above the zero point).
  for (int32_t zpOut : {cMin, cMid, cMax - 20}) {
    GemmCase &relu = add("relu_out" + std::to_string(zpOut), 6, 33, 70);
    relu.zpOut = zpOut;
    relu.qmin = zpOut;
    GemmCase &relu6 = add("relu6_out" + std::to_string(zpOut), 6, 33, 70);
    relu6.zpOut = zpOut;
    relu6.qmin = zpOut;
    relu6.qmax = std::min(cMax, zpOut + 100);
  }
  add("per_tensor", 8, 50, 90).perChannel = false;
  add("no_bias", 8, 50, 90).hasBias = false;
  {
    GemmCase &c = add("strided", 11, 37, 53);
    c.lda = 53 + 13;
    c.ldc = 37 + 7;
  }
  // Largest accumulators (beyond 2^24, so the int -> float conversion
  // rounds) with zero points at both limits.
  for (int32_t zpA : {aMin, aMax}) {
    GemmCase &c = add("extremes_zp" + std::to_string(zpA), 7, 33, 1027);
    c.zpA = zpA;
    c.data = DataKind::Extremes;
  }
  // Saturation in every narrowing step of the integer-clamp epilogue (16
  // bits, + zp, 8 bits, the fused clamp): N = 16 / 24 (a lone vector, a
  // partial tile), K not a multiple of 4, relu and relu6 clamps; and one
  // case beyond that epilogue's bound.
  add("saturating_n70_k40", 7, 70, 40).data = DataKind::Saturating;
  add("saturating_n16_k27", 9, 16, 27).data = DataKind::Saturating;
  add("saturating_n24_k16", 13, 24, 16).data = DataKind::Saturating;
  {
    GemmCase &c = add("saturating_relu6_n48_k13", 8, 48, 13);
    c.data = DataKind::Saturating;
    c.qmin = c.zpOut;
    c.qmax = std::min(cMax, c.zpOut + 100);
  }
  add("overflowing_n40_k24", 6, 40, 24).data = DataKind::Overflowing;
  add("ties", 9, 40, 24).data = DataKind::Ties;
  add("ties_per_tensor", 9, 40, 24).data = DataKind::Ties;
  cases.back().perChannel = false;
  add("layer_m64_n256_k512", 64, 256, 512);

  // A deterministic sweep of random shapes, zero points and clamps.
  Rng rng(0x51CEC0DEull + static_cast<uint64_t>(aType) * 2 +
          static_cast<uint64_t>(cType));
  for (int i = 0; i < 40; ++i) {
    int64_t m = rng.range(1, 20), n = rng.range(1, 150), k = rng.range(0, 300);
    GemmCase &c =
        add("sweep" + std::to_string(i) + "_" + shape("", m, n, k), m, n, k);
    c.lda = k + rng.range(0, 3);
    c.ldc = n + rng.range(0, 3);
    c.zpA = static_cast<int32_t>(rng.range(aMin, aMax));
    c.zpOut = static_cast<int32_t>(rng.range(cMin, cMax));
    c.qmin = static_cast<int32_t>(rng.range(cMin, c.zpOut));
    c.qmax = static_cast<int32_t>(rng.range(c.zpOut, cMax));
    c.perChannel = rng.range(0, 3) != 0;
    c.hasBias = rng.range(0, 4) != 0;
  }
  return cases;
}

GemmCaseData makeGemmCaseData(const GemmCase &c, QType aType) {
  Rng rng(c.seed * 0x2545F4914F6CDD1Dull + 7);
  GemmCaseData data;
  const int32_t aMin = typeMin(aType), aMax = typeMax(aType);
  data.a.resize(static_cast<size_t>(std::max<int64_t>(c.m * c.lda, 0)));
  data.weights.resize(static_cast<size_t>(c.n * c.k));
  for (int64_t row = 0; row < c.m; ++row)
    for (int64_t kk = 0; kk < c.lda; ++kk) {
      int64_t value = rng.range(aMin, aMax);
      if (c.data == DataKind::Extremes)
        value = ((row + kk) % 3 == 0) ? aMin : aMax;
      else if (c.data == DataKind::Ties)
        value = std::clamp<int64_t>(c.zpA + rng.range(-3, 3), aMin, aMax);
      data.a[static_cast<size_t>(row * c.lda + kk)] =
          static_cast<uint8_t>(value);
    }
  for (int64_t col = 0; col < c.n; ++col)
    for (int64_t kk = 0; kk < c.k; ++kk) {
      int64_t value = rng.range(-128, 127);
      if (c.data == DataKind::Extremes)
        value = (col % 2 == 0) == ((kk % 5) != 0) ? -128 : 127;
      else if (c.data == DataKind::Ties)
        value = rng.range(-3, 3);
      data.weights[static_cast<size_t>(col * c.k + kk)] =
          static_cast<int8_t>(value);
    }

  // Accumulators spread about sqrt(K) * 75 * 74; aim the outputs at +-40
  // steps so the clamps are hit but most values are inside.
  double spread =
      std::sqrt(static_cast<double>(std::max<int64_t>(c.k, 1))) * 75.0 * 74.0;
  if (c.hasBias) {
    // Small accumulators for the ties: about +-30, so halving them lands on
    // .5 often and inside the output range.
    int64_t limit =
        c.data == DataKind::Ties ? 20 : static_cast<int64_t>(spread);
    for (int64_t col = 0; col < c.n; ++col)
      data.bias.push_back(static_cast<int32_t>(rng.range(-limit, limit)));
  }
  int64_t count = c.perChannel ? c.n : 1;
  for (int64_t col = 0; col < count; ++col) {
    float mult;
    if (c.data == DataKind::Ties)
      mult = (col % 2 == 0) ? 0.5f : 0.25f;
    else if (c.data == DataKind::Extremes)
      mult = static_cast<float>(100.0 / (c.k * 255.0 * 128.0) *
                                (0.5 + 1.5 * rng.unit()));
    else if (c.data == DataKind::Saturating)
      // Below 2^30 / (|bias| + 255 * 128 * K), the worst accumulator.
      mult = static_cast<float>(
          0x1.0p30 / (spread + 255.0 * 128.0 * static_cast<double>(c.k)) *
          (0.25 + 0.7 * rng.unit()));
    else if (c.data == DataKind::Overflowing)
      mult = static_cast<float>(1.0e6 * (0.5 + rng.unit()));
    else
      mult = static_cast<float>(40.0 / spread * (0.5 + 1.5 * rng.unit()));
    data.multipliers.push_back(mult);
  }
  return data;
}

std::vector<uint8_t> referenceOutput(const GemmCase &c,
                                     const GemmCaseData &data, QType aType,
                                     QType cType) {
  std::vector<uint8_t> out(static_cast<size_t>(c.m * c.ldc), QC_GEMM_CANARY);
  qc_reference_gemm(aType == QType::S8, cType == QType::S8, c.m, c.n, c.k,
                    data.a.data(), c.lda, data.weights.data(),
                    data.bias.empty() ? nullptr : data.bias.data(),
                    data.multipliers.data(),
                    static_cast<int64_t>(data.multipliers.size()), c.zpA,
                    c.zpOut, c.qmin, c.qmax, out.data(), c.ldc);
  return out;
}

} // namespace qc::codegen::test
