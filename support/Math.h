//===- Math.h - qc's exp, erf, tanh and sigmoid, defined once ---*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The transcendental functions of qc's float programs (exp, log, erf, tanh,
/// sigmoid) as one sequence of
/// IEEE double operations each, written once as templates over an operation
/// set `Ops`:
///   - the reference executor instantiates them with C++ doubles
///     (reference/KernelsElementwise.cpp, built with -ffp-contract=off);
///   - compiled code instantiates them with MLIR arith ops on f64 or
///     vector<N x f64> (passes/Codegen/FloatElementwise.cpp, MlirMathOps), without
///     fast-math flags, so LLVM neither contracts nor reassociates;
/// so the two compute the same bits on every lane, on every target, and no
/// C library call is left in compiled float code.
///
/// The float functions (erf, tanh, sigmoid of a float, and exp of a float)
/// widen the float to double (exact), run the double sequence, and round
/// once to float. The double sequences are accurate to about 1e-14
/// relative, so the float result is the correctly rounded value except when
/// the exact value lies within ~1e-14 of a rounding boundary: at most 1 ulp
/// from the correctly rounded float (glibc's expf / erff are within 1 ulp
/// of it, its tanhf within 2; docs/codegen.md, "Transcendentals", has the
/// measured distances). Overflow, underflow and subnormal results come from
/// that one rounding (IEEE round to nearest even), NaN propagates, +-inf and
/// +-0 give the limits (documented per function).
///
/// `Ops` provides (R: real lanes, B: their predicates, I: int64 lanes):
///   R c(double)               a constant in every lane
///   I ci(int64_t)
///   R add(R, R), sub(R, R), mul(R, R), div(R, R), neg(R)
///   B lt(R, R)                ordered x < y (false when either is NaN)
///   B isNan(R)
///   R select(B, R, R)
///   R roundEven(R)            round half to even
///   I toInt(R)                exact conversion of an integral value
///   I iadd(I, I), isub(I, I), ashr(I, int64_t), shl(I, int64_t)
///   R bitsToReal(I)           reinterpret the 64 bits as a double
///   I realToBits(R)           the 64 bits of a double as an integer
///   R toReal(I)               an integer (|v| < 2^53) as a double, exact
/// Every function evaluates exactly the operations written, in that order:
/// keep the two instantiations in step by changing only this file.
///
/// Polynomial coefficients: scripts/gen_math_coefficients.py.
///
//===----------------------------------------------------------------------===//

#ifndef QC_SUPPORT_MATH_H
#define QC_SUPPORT_MATH_H

#include "support/SoftmaxExp.h"

#include <cstddef>
#include <cstdint>

namespace qc::math {

/// erf(x) = x * P(u) with u = x * x * 0.125 - 1 for |x| <= 4 (x^2 in
/// [0, 16]); P = sum kErfCoefficients[i] u^i interpolates erf(sqrt(s)) /
/// sqrt(s) at 25 Chebyshev nodes (scripts/gen_math_coefficients.py),
/// relative error below 1e-14 on [0, 4]. erf(4) = 1 - 1.5e-8 rounds to
/// 1.0f, and so does erf beyond: |x| > 4 gives +-1.
inline constexpr double kErfCoefficients[] = {
    0.35353099564340495,     -0.17657623330130645,    0.13167511689468112,
    -0.10771044253534588,    0.09020899411407204,     -0.07472786553616904,
    0.05988690492345173,     -0.04576511340256077,    0.03306063349320292,
    -0.022473544656357074,   0.01434959246109288,     -0.008606338067955617,
    0.0048535834651676395,   -0.002577846611250372,   0.0012925067184882686,
    -0.0006137606235525727,  0.00027577056977207826,  -0.00011653664526997821,
    4.751330675829427e-05,   -1.9631487154950747e-05, 7.17946533355761e-06,
    -1.7848993024438428e-06, 6.435055673730993e-07,   -4.877086856145344e-07,
    1.470596054227332e-07,
};
inline constexpr double kErfLimit = 4.0;

/// tanh(x) for |x| < kTanhSmall: x * (1 + x2 * Q(x2)), Q = sum
/// kTanhCoefficients[i] x2^i (the Taylor series to x^11, truncation below
/// 1e-17 relative); otherwise sign(x) * (1 - 2 / (exp(2|x|) + 1)), whose
/// cancellation costs at most 5 bits at |x| = 1/16.
inline constexpr double kTanhSmall = 0.0625;
inline constexpr double kTanhCoefficients[] = {
    -0.3333333333333333,  0.13333333333333333,   -0.05396825396825397,
    0.021869488536155203, -0.008863235529902197,
};

/// sum c[i] u^i, i = 0 .. N-1, by Estrin's scheme in a fixed order: pairs
/// q_j = c[2j] + c[2j+1] * u (a lone last coefficient stays c[N-1]), then
/// with u2 = u * u the pairs of q combine as q_2j + q_2j+1 * u2, then with
/// u4 = u2 * u2, and so on until one value is left. Each product is rounded,
/// then each sum (no FMA). Short dependency chains: vector code overlaps the
/// independent products.
template <typename Ops, std::size_t N>
typename Ops::R polynomial(Ops &o, typename Ops::R u, const double (&c)[N]) {
  using R = typename Ops::R;
  static_assert(N >= 1 && N <= 32);
  R level[N];
  std::size_t n = 0;
  for (std::size_t i = 0; i < N; i += 2)
    level[n++] =
        i + 1 < N ? o.add(o.c(c[i]), o.mul(o.c(c[i + 1]), u)) : o.c(c[i]);
  R power = u;
  while (n > 1) {
    power = o.mul(power, power);
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; i += 2)
      level[m++] =
          i + 1 < n ? o.add(level[i], o.mul(level[i + 1], power)) : level[i];
    n = m;
  }
  return level[0];
}

/// exp(x) in double (ref::softmaxExp; constants and the evaluation order in
/// support/SoftmaxExp.h): x clamped to [-746, 710] (NaN passes through),
/// k = roundeven(x * log2(e)), r = (x - k * ln2_hi) - k * ln2_lo, p = the
/// degree-13 Taylor polynomial of exp(r) by Estrin's scheme, result =
/// (p * 2^(k >> 1)) * 2^(k - (k >> 1)). Within 2 ulp (double) of exp on
/// [-745, 709]; 0 at -inf, +inf above 709.8.
template <typename Ops> typename Ops::R exp(Ops &o, typename Ops::R x) {
  using namespace softmax_exp;
  using R = typename Ops::R;
  using I = typename Ops::I;
  auto nan = o.isNan(x);
  R t = o.select(o.lt(x, o.c(kMin)), o.c(kMin), x);
  t = o.select(o.lt(o.c(kMax), t), o.c(kMax), t);
  t = o.select(nan, o.c(0.0), t);
  R k = o.roundEven(o.mul(t, o.c(kLog2e)));
  R r = o.sub(o.sub(t, o.mul(k, o.c(kLn2Hi))), o.mul(k, o.c(kLn2Lo)));
  // Estrin's scheme as written out in support/SoftmaxExp.h.
  auto c = [&](int i) { return o.c(kCoefficients[13 - i]); };
  R q[7];
  for (int j = 0; j < 7; ++j)
    q[j] = o.add(c(2 * j), o.mul(c(2 * j + 1), r));
  R r2 = o.mul(r, r);
  R r4 = o.mul(r2, r2);
  R r8 = o.mul(r4, r4);
  R s0 = o.add(q[0], o.mul(q[1], r2));
  R s1 = o.add(q[2], o.mul(q[3], r2));
  R s2 = o.add(q[4], o.mul(q[5], r2));
  R t0 = o.add(s0, o.mul(s1, r4));
  R t1 = o.add(s2, o.mul(q[6], r4));
  R p = o.add(t0, o.mul(t1, r8));
  // k in [-1076, 1024]: k1, k2 in [-538, 512] are normal powers of two.
  I ki = o.toInt(k);
  I k1 = o.ashr(ki, 1);
  I k2 = o.isub(ki, k1);
  auto pow2 = [&](I e) {
    return o.bitsToReal(o.shl(o.iadd(e, o.ci(1023)), 52));
  };
  R y = o.mul(o.mul(p, pow2(k1)), pow2(k2));
  return o.select(nan, x, y);
}

/// erf of a float widened to double (the constants above): -0 -> -0,
/// +-inf -> +-1, NaN -> NaN.
template <typename Ops> typename Ops::R erf(Ops &o, typename Ops::R x) {
  using R = typename Ops::R;
  R s = o.mul(x, x); // exact: x has 24 significant bits
  s = o.select(o.lt(o.c(kErfLimit * kErfLimit), s), o.c(kErfLimit * kErfLimit),
               s);
  R u = o.sub(o.mul(s, o.c(0.125)), o.c(1.0));
  R y = o.mul(x, polynomial(o, u, kErfCoefficients));
  y = o.select(o.lt(o.c(kErfLimit), x), o.c(1.0), y);
  return o.select(o.lt(x, o.c(-kErfLimit)), o.c(-1.0), y);
}

/// tanh of a float widened to double (the constants above): -0 -> -0,
/// +-inf -> +-1, NaN -> NaN.
template <typename Ops> typename Ops::R tanh(Ops &o, typename Ops::R x) {
  using R = typename Ops::R;
  auto negative = o.lt(x, o.c(0.0));
  R a = o.select(negative, o.neg(x), x);
  R x2 = o.mul(x, x);
  R small = o.mul(
      x, o.add(o.c(1.0), o.mul(x2, polynomial(o, x2, kTanhCoefficients))));
  R e = exp(o, o.add(a, a));
  R large = o.sub(o.c(1.0), o.div(o.c(2.0), o.add(e, o.c(1.0))));
  large = o.select(negative, o.neg(large), large);
  return o.select(o.lt(a, o.c(kTanhSmall)), small, large);
}

/// 1 / (1 + exp(-x)) of a float widened to double, as 1 / (1 + e) for
/// x >= 0 and e / (1 + e) for x < 0 with e = exp(-|x|) (neither overflows):
/// -inf -> 0, +inf -> 1, NaN -> NaN.
template <typename Ops> typename Ops::R sigmoid(Ops &o, typename Ops::R x) {
  using R = typename Ops::R;
  auto negative = o.lt(x, o.c(0.0));
  R e = exp(o, o.select(negative, x, o.neg(x)));
  R den = o.add(o.c(1.0), e);
  return o.select(negative, o.div(e, den), o.div(o.c(1.0), den));
}

/// log(m) for m in [sqrt(1/2), sqrt(2)] is 2 atanh(s) with s = (m - 1) /
/// (m + 1), |s| <= 0.1716: s * P(s^2), P = sum kLogCoefficients[i] z^i, the
/// series 2 / (2i + 1) to i = 10 (truncation below 1e-18 relative, as
/// s^2 <= 0.0295).
inline constexpr double kLogCoefficients[] = {
    2.0,        2.0 / 3.0,  2.0 / 5.0,  2.0 / 7.0,  2.0 / 9.0,  2.0 / 11.0,
    2.0 / 13.0, 2.0 / 15.0, 2.0 / 17.0, 2.0 / 19.0, 2.0 / 21.0,
};
inline constexpr double kSqrt2 = 1.4142135623730951;
inline constexpr double kLn2 = 0.6931471805599453;

/// Natural log of a float widened to double (normal as a double: float
/// subnormals included): x = 2^e * m with m in [sqrt(1/2), sqrt(2)) taken
/// from the bits, f = m - 1 (exact), s = f / (2 + f), log x = e * ln2 +
/// s * P(s * s) (kLogCoefficients), relative error about 3e-16. +0 and -0
/// -> -inf, x < 0 (and -inf) -> the quiet NaN 0x7ff8..., +inf -> +inf, NaN
/// -> NaN (itself).
template <typename Ops> typename Ops::R log(Ops &o, typename Ops::R x) {
  using R = typename Ops::R;
  using I = typename Ops::I;
  constexpr double inf = __builtin_inf();
  // Finite positive x; 1 elsewhere (its lanes are replaced at the end).
  R t = o.select(o.lt(o.c(0.0), x), x, o.c(1.0));
  t = o.select(o.lt(t, o.c(inf)), t, o.c(1.0));
  I bits = o.realToBits(t);
  I e = o.isub(o.ashr(bits, 52), o.ci(1023)); // t > 0: the sign bit is 0
  R m = o.bitsToReal(o.isub(bits, o.shl(e, 52)));
  R er = o.toReal(e);
  auto big = o.lt(o.c(kSqrt2), m);
  m = o.select(big, o.mul(m, o.c(0.5)), m);
  er = o.select(big, o.add(er, o.c(1.0)), er);
  R f = o.sub(m, o.c(1.0));
  R s = o.div(f, o.add(o.c(2.0), f));
  R y = o.add(o.mul(er, o.c(kLn2)),
              o.mul(s, polynomial(o, o.mul(s, s), kLogCoefficients)));
  R special = o.select(o.isNan(x), x,
                       o.select(o.lt(x, o.c(0.0)), o.c(__builtin_nan("")),
                                o.c(-inf)));
  y = o.select(o.lt(o.c(0.0), x), y, special);
  return o.select(o.lt(x, o.c(inf)), y, x);
}

} // namespace qc::math

#endif // QC_SUPPORT_MATH_H
