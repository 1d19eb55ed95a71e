//===- Requantize.h - DESIGN.md's requantize rule as MLIR ops ---*- C++ -*-===//
//
// The one home of the requantize epilogue, for scalars (the model's steps)
// and vectors (the GEMM and depthwise kernels, emitRequantizePacked) alike:
//   q = narrow(clamp(round_half_even(float(acc) * m) + zp, lo, hi))
// with the clamp on floats (exact: the bounds are small integers), so an
// out-of-range value never reaches fptosi. Every generated requantize goes
// through here, so all of them equal reference/KernelsInt.cpp bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_REQUANTIZE_H
#define QC_PASSES_CODEGEN_REQUANTIZE_H

#include "passes/Codegen/GemmLayout.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace mlir::qc {

/// float(\p acc) * \p multiplier, then emitRoundClampToI8. \p acc is i32 or
/// a vector of i32; \p multiplier, \p zp, \p lo and \p hi are f32 values of
/// the same shape.
Value emitRequantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                     Value zp, Value lo, Value hi);

/// round_half_even(\p f) + \p zp, clamped to [\p lo, \p hi] on floats,
/// converted to i32 and truncated to i8 (or the same as vectors). \p f is
/// f32 or a vector of f32; \p zp, \p lo, \p hi have its type.
Value emitRoundClampToI8(OpBuilder &b, Location loc, Value f, Value zp,
                         Value lo, Value hi);

/// emitRequantize / emitRoundClampToI8 with the result narrowed to
/// \p storage (i8 or i16, or vectors of them): the 16x8 steps' results.
Value emitRequantizeTo(OpBuilder &b, Location loc, Value acc, Value multiplier,
                       Value zp, Value lo, Value hi, Type storage);
Value emitRoundClampTo(OpBuilder &b, Location loc, Value f, Value zp, Value lo,
                       Value hi, Type storage);

/// The same rule for several i32 vectors at once, in fewer instructions
/// (the GEMM and depthwise epilogues): returns one vector of
/// accs.size() x W 8-bit codes, accs[0]'s lanes first, where W is the lane
/// count of every acc (4, 8 or 16) and mults[i] holds accs[i]'s f32
/// multipliers. \p zp, \p lo and \p hi are i32 scalars; \p isUnsigned
/// selects u8 codes. Per vector: f = float(acc) * m, clamped on floats to
/// [lo - zp, hi - zp], then rounded half to even and converted in one
/// instruction (vcvtps2dq, {rn-sae} on AVX-512; fcvtns on AArch64); the
/// zero point is added after narrowing to 16 bits, and x86 narrows four
/// vectors with two vpackssdw, one vpackuswb / vpacksswb and one vpermd
/// instead of four vpmovdb (a lone zmm: + zp in int32, one vpmovdb).
/// Equal to emitRequantize bit for bit: the bounds are integers, so
/// clamping before rounding gives the same integer, and every value after
/// the clamp fits 16 bits. vcvtps2dq on AVX2 rounds in
/// MXCSR's mode, as the f32 multiply does (round to nearest even, the
/// default every qc program runs with).
/// \p productsFit: the caller guarantees |float(acc) * m| < 2^30 for every
/// lane (from the accumulator's bound and the multipliers at compile time).
/// x86 then clamps on integers instead of floats, in fewer instructions:
/// vpackssdw saturates to 16 bits, + zp saturating (vpaddsw), vpackuswb /
/// vpacksswb saturate to the type's range, and a byte max / min clamps to
/// [lo, hi] unless those are the type's bounds (constants). Equal bit for
/// bit: every saturation keeps values on the same side of the bounds, and
/// without the float clamp vcvtps2dq sees no value out of int32's range.
Value emitRequantizePacked(OpBuilder &b, Location loc,
                           ::qc::codegen::GemmIsa isa, ArrayRef<Value> accs,
                           ArrayRef<Value> mults, Value zp, Value lo, Value hi,
                           bool isUnsigned, bool productsFit = false);

} // namespace mlir::qc

#endif // QC_PASSES_CODEGEN_REQUANTIZE_H
