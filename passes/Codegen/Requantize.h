//===- Requantize.h - DESIGN.md's requantize rule as MLIR ops ---*- C++ -*-===//
//
// The one emitter of the requantize epilogue, for scalars (the model's
// steps) and vectors (the GEMM kernels) alike:
//   q = narrow(clamp(round_half_even(float(acc) * m) + zp, lo, hi))
// with the clamp on floats (exact: the bounds are small integers), so an
// out-of-range value never reaches fptosi. Every generated requantize goes
// through here, so all of them equal reference/KernelsInt.cpp bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_REQUANTIZE_H
#define QC_PASSES_CODEGEN_REQUANTIZE_H

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

} // namespace mlir::qc

#endif // QC_PASSES_CODEGEN_REQUANTIZE_H
