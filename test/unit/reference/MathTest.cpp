//===- MathTest.cpp - qc's float exp / erf / tanh / sigmoid ---------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// ref::expF32 / logF32 / erfF32 / tanhF32 / sigmoidF32 (support/Math.h) against the
// C library's long double functions rounded to float (the correctly rounded
// value but for inputs within ~2^-40 of a rounding boundary) and against the
// float functions compiled code called before (expf, erff, tanhf): at most 1
// ulp from the first on a dense sample of every float, and special values
// exactly. The exhaustive check over all 2^32 inputs against libm takes
// minutes per function; it is DISABLED_ (run it with
// --gtest_also_run_disabled_tests --gtest_filter='*Exhaustive*');
// docs/codegen.md ("Transcendentals") has its last result.
//
//===----------------------------------------------------------------------===//

#include "test/unit/reference/TestUtil.h"

#include "absl/base/casts.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <thread>

// The expected values below are float expressions written as the reference
// writes them: no contraction into FMAs, as there.
#pragma STDC FP_CONTRACT OFF

namespace qc::test {
namespace {

const float kInf = std::numeric_limits<float>::infinity();

/// The float's position on the number line in ulps (-0 and +0 both 0).
int64_t ordinal(float x) {
  auto bits = static_cast<int64_t>(absl::bit_cast<uint32_t>(x));
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

/// Ulps between two floats; 0 for two NaNs, huge for one NaN.
int64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b) ? 0 : int64_t{1} << 40;
  return std::abs(ordinal(a) - ordinal(b));
}

long double sigmoidL(long double x) { return 1.0L / (1.0L + std::exp(-x)); }

struct Function {
  const char *name;
  float (*qc)(float);
  float (*libm)(float);
  long double (*oracle)(long double);
};

const Function kFunctions[] = {
    {"erf", ref::erfF32, [](float x) { return std::erf(x); },
     [](long double x) { return std::erf(x); }},
    {"tanh", ref::tanhF32, [](float x) { return std::tanh(x); },
     [](long double x) { return std::tanh(x); }},
    {"sigmoid", ref::sigmoidF32,
     [](float x) {
       return x >= 0.0f ? 1.0f / (1.0f + std::exp(-x))
                        : std::exp(x) / (1.0f + std::exp(x));
     },
     sigmoidL},
    {"exp", ref::expF32, [](float x) { return std::exp(x); },
     [](long double x) { return std::exp(x); }},
    {"log", ref::logF32, [](float x) { return std::log(x); },
     [](long double x) { return std::log(x); }},
};

/// Worst distances over the inputs bits = first, first + step, ...
struct Distances {
  int64_t toOracle = 0, toLibm = 0, notCorrectlyRounded = 0, count = 0;
  float worstX = 0;
};

Distances measure(const Function &f, uint64_t first, uint64_t step,
                  uint64_t end) {
  Distances d;
  for (uint64_t bits = first; bits < end; bits += step) {
    float x = absl::bit_cast<float>(static_cast<uint32_t>(bits));
    float y = f.qc(x);
    float want = static_cast<float>(f.oracle(static_cast<long double>(x)));
    int64_t e = ulps(y, want);
    if (e > d.toOracle) {
      d.toOracle = e;
      d.worstX = x;
    }
    d.notCorrectlyRounded += e != 0;
    d.toLibm = std::max(d.toLibm, ulps(y, f.libm(x)));
    ++d.count;
  }
  return d;
}

TEST(Math, WithinOneUlpOnASampleOfEveryFloat) {
  // Every 2003rd bit pattern (all exponents, both signs, NaNs, subnormals),
  // then every float of the ranges where the sequences change branch.
  for (const Function &f : kFunctions) {
    Distances d = measure(f, 0, 2003, uint64_t{1} << 32);
    EXPECT_LE(d.toOracle, 1) << f.name << " at x = " << d.worstX;
    EXPECT_LE(d.toLibm, 2) << f.name;
    // Nearly always the correctly rounded float.
    EXPECT_LE(d.notCorrectlyRounded, d.count / 10000) << f.name;
    for (float center :
         {0.0625f, 1.0f, 3.92f, 4.0f, 2.8284271f, 88.7f, -87.3f, -103.9f,
          1.4142135f, 0.70710677f, 2.0f, 1.1754944e-38f}) {
      for (float s : {center, -center}) {
        uint32_t c = absl::bit_cast<uint32_t>(s);
        Distances near = measure(f, c - 20000, 1, uint64_t{c} + 20000);
        EXPECT_LE(near.toOracle, 1) << f.name << " at x = " << near.worstX;
      }
    }
  }
}

TEST(Math, SpecialValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float tiny = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(ref::expF32(0.0f), 1.0f);
  EXPECT_EQ(ref::expF32(-0.0f), 1.0f);
  EXPECT_EQ(ref::expF32(-kInf), 0.0f);
  EXPECT_EQ(ref::expF32(kInf), kInf);
  EXPECT_EQ(ref::expF32(88.8f), kInf);   // overflows float
  EXPECT_EQ(ref::expF32(-104.0f), 0.0f); // below half the least subnormal
  EXPECT_EQ(ref::expF32(-103.0f), static_cast<float>(std::exp(-103.0L)));
  EXPECT_TRUE(std::isnan(ref::expF32(nan)));

  EXPECT_EQ(ref::logF32(1.0f), 0.0f);
  EXPECT_FALSE(std::signbit(ref::logF32(1.0f)));
  EXPECT_EQ(ref::logF32(0.0f), -kInf);
  EXPECT_EQ(ref::logF32(-0.0f), -kInf);
  EXPECT_EQ(ref::logF32(kInf), kInf);
  EXPECT_TRUE(std::isnan(ref::logF32(-1.0f)));
  EXPECT_FALSE(std::signbit(ref::logF32(-1.0f))); // the positive quiet NaN
  EXPECT_TRUE(std::isnan(ref::logF32(-kInf)));
  EXPECT_TRUE(std::isnan(ref::logF32(nan)));
  EXPECT_EQ(ref::logF32(tiny),
            static_cast<float>(std::log(static_cast<long double>(tiny))));
  EXPECT_EQ(ref::logF32(2.0f), static_cast<float>(std::log(2.0L)));

  EXPECT_EQ(ref::erfF32(0.0f), 0.0f);
  EXPECT_TRUE(std::signbit(ref::erfF32(-0.0f)));
  EXPECT_EQ(ref::erfF32(kInf), 1.0f);
  EXPECT_EQ(ref::erfF32(-kInf), -1.0f);
  EXPECT_EQ(ref::erfF32(3.92f), 1.0f);
  EXPECT_LT(ref::erfF32(3.9f), 1.0f);
  EXPECT_EQ(ref::erfF32(-5.0f), -1.0f);
  EXPECT_EQ(ref::erfF32(tiny),
            static_cast<float>(std::erf(static_cast<long double>(tiny))));
  EXPECT_TRUE(std::isnan(ref::erfF32(nan)));

  EXPECT_EQ(ref::tanhF32(0.0f), 0.0f);
  EXPECT_TRUE(std::signbit(ref::tanhF32(-0.0f)));
  EXPECT_EQ(ref::tanhF32(kInf), 1.0f);
  EXPECT_EQ(ref::tanhF32(-kInf), -1.0f);
  EXPECT_EQ(ref::tanhF32(10.0f), 1.0f);
  EXPECT_EQ(ref::tanhF32(tiny), tiny);
  EXPECT_EQ(ref::tanhF32(-tiny), -tiny);
  EXPECT_TRUE(std::isnan(ref::tanhF32(nan)));

  EXPECT_EQ(ref::sigmoidF32(0.0f), 0.5f);
  EXPECT_EQ(ref::sigmoidF32(-0.0f), 0.5f);
  EXPECT_EQ(ref::sigmoidF32(kInf), 1.0f);
  EXPECT_EQ(ref::sigmoidF32(-kInf), 0.0f);
  EXPECT_EQ(ref::sigmoidF32(-1000.0f), 0.0f);
  EXPECT_EQ(ref::sigmoidF32(1000.0f), 1.0f);
  EXPECT_TRUE(std::isnan(ref::sigmoidF32(nan)));
}

TEST(Math, TensorOpsUseThem) {
  Tensor x = {-3.5f, -0.25f, 0.03f, 0.7f, 2.0f, 5.0f};
  Tensor s = ref::sigmoid(x), t = ref::tanh(x), e = ref::erf(x);
  Tensor g = ref::gelu(x), gt = ref::gelu(x, ref::GeluApproximation::Tanh);
  for (size_t i = 0; i < x.size(); ++i) {
    float v = x(i);
    EXPECT_EQ(s(i), ref::sigmoidF32(v));
    EXPECT_EQ(t(i), ref::tanhF32(v));
    EXPECT_EQ(e(i), ref::erfF32(v));
    EXPECT_EQ(ref::exp(x)(i), ref::expF32(v));
    // Bit for bit (the negative inputs give NaN).
    EXPECT_EQ(absl::bit_cast<uint32_t>(ref::log(x)(i)),
              absl::bit_cast<uint32_t>(ref::logF32(v)));
    EXPECT_EQ(g(i), 0.5f * v * (1.0f + ref::erfF32(v * 0.70710677f)));
    EXPECT_EQ(gt(i), 0.5f * v *
                         (1.0f + ref::tanhF32(0.7978846f *
                                              (v + 0.044715f * v * v * v))));
  }
}

/// The exhaustive check: every one of the 2^32 inputs against the C
/// library's float function; where the two differ, the long double function
/// rounded to float says which one is the correctly rounded value. Two
/// threads; minutes per function on a quiet core.
TEST(Math, DISABLED_ExhaustiveAgainstLibm) {
  for (const Function &f : kFunctions) {
    struct Part {
      int64_t toLibm = 0, differ = 0, qcRight = 0, libmRight = 0, toOracle = 0;
      float worstX = 0;
    } parts[2];
    auto run = [&f](uint64_t first, uint64_t end, Part &p) {
      for (uint64_t bits = first; bits < end; ++bits) {
        float x = absl::bit_cast<float>(static_cast<uint32_t>(bits));
        float y = f.qc(x), l = f.libm(x);
        int64_t d = ulps(y, l);
        if (d == 0)
          continue;
        ++p.differ;
        if (d > p.toLibm) {
          p.toLibm = d;
          p.worstX = x;
        }
        float want = static_cast<float>(f.oracle(static_cast<long double>(x)));
        int64_t e = ulps(y, want);
        p.toOracle = std::max(p.toOracle, e);
        p.qcRight += e == 0;
        p.libmRight += ulps(l, want) == 0;
      }
    };
    constexpr uint64_t kHalf = uint64_t{1} << 31;
    std::thread other(run, kHalf, 2 * kHalf, std::ref(parts[1]));
    run(0, kHalf, parts[0]);
    other.join();
    Part t;
    for (const Part &p : parts) {
      if (p.toLibm > t.toLibm) {
        t.toLibm = p.toLibm;
        t.worstX = p.worstX;
      }
      t.differ += p.differ;
      t.qcRight += p.qcRight;
      t.libmRight += p.libmRight;
      t.toOracle = std::max(t.toOracle, p.toOracle);
    }
    std::printf("%s: %lld of 2^32 inputs differ from libm, at most %lld ulp "
                "(x = %.9g); of those, qc correctly rounded %lld, libm %lld; "
                "qc at most %lld ulp from the long double rounded there\n",
                f.name, static_cast<long long>(t.differ),
                static_cast<long long>(t.toLibm), t.worstX,
                static_cast<long long>(t.qcRight),
                static_cast<long long>(t.libmRight),
                static_cast<long long>(t.toOracle));
    std::fflush(stdout);
    EXPECT_LE(t.toLibm, 2) << f.name;
    EXPECT_LE(t.toOracle, 1) << f.name;
  }
}

} // namespace
} // namespace qc::test
