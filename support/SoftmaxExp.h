//===- SoftmaxExp.h - Constants of softmax's exp, shared --------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The constants of qc::ref::softmaxExp (reference/KernelsElementwise.cpp) and
/// of its vector twin in compiled code (passes/Codegen/FloatNormalize.cpp), so
/// that both compute the same exp bit for bit. Plain C++17, no dependencies.
///
//===----------------------------------------------------------------------===//

#ifndef QC_SUPPORT_SOFTMAXEXP_H
#define QC_SUPPORT_SOFTMAXEXP_H

#include <cstdint>

namespace qc::softmax_exp {

/// Inputs are clamped to [kMin, kMax] first: exp(-746) rounds to 0 and
/// exp(710) overflows, and k stays within [-1076, 1024].
inline constexpr double kMin = -746.0;
inline constexpr double kMax = 710.0;
inline constexpr double kLog2e = 1.4426950408889634;
/// ln 2 split as in fdlibm: kLn2Hi has 32 significant bits, so k * kLn2Hi is
/// exact for |k| < 2^21.
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
/// exp(r) = sum c_i r^i with c_i = 1 / i! = kCoefficients[13 - i], i = 0..13
/// (|r| <= ln(2) / 2: truncation error below 5e-18), evaluated by Estrin's
/// scheme so that the dependency chain is 4 multiply-adds deep, not 13:
///   q_j = c_2j + c_2j+1 * r (j = 0..6), r2 = r * r, r4 = r2 * r2,
///   r8 = r4 * r4, s_k = q_2k + q_2k+1 * r2 (k = 0..2),
///   t0 = s_0 + s_1 * r4, t1 = s_2 + q_6 * r4, p = t0 + t1 * r8
/// (each product rounded, then each sum: no FMA).
inline constexpr double kCoefficients[] = {
    1.0 / 6227020800.0, // 1/13!
    1.0 / 479001600.0,  // 1/12!
    1.0 / 39916800.0,   // 1/11!
    1.0 / 3628800.0,    // 1/10!
    1.0 / 362880.0,     // 1/9!
    1.0 / 40320.0,      // 1/8!
    1.0 / 5040.0,       // 1/7!
    1.0 / 720.0,        // 1/6!
    1.0 / 120.0,        // 1/5!
    1.0 / 24.0,         // 1/4!
    1.0 / 6.0,          // 1/3!
    0.5,                // 1/2!
    1.0,                // 1/1!
    1.0,                // 1/0!
};
/// Softmax's denominator is summed in this many partial sums (element j into
/// sum j mod kSumLanes), combined pairwise: ((s0 + s1) + (s2 + s3)) +
/// ((s4 + s5) + (s6 + s7)).
inline constexpr int64_t kSumLanes = 8;

} // namespace qc::softmax_exp

#endif // QC_SUPPORT_SOFTMAXEXP_H
