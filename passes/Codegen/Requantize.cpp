//===- Requantize.cpp - DESIGN.md's requantize rule as MLIR ops -----------===//
#include "passes/Codegen/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::qc {

/// \p like's shape (scalar or vector) with element type \p element.
static Type withElement(Type like, Type element) {
  if (auto vector = dyn_cast<VectorType>(like))
    return vector.clone(element);
  return element;
}

Value emitRequantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                     Value zp, Value lo, Value hi) {
  return emitRequantizeTo(b, loc, acc, multiplier, zp, lo, hi, b.getI8Type());
}

Value emitRequantizeTo(OpBuilder &b, Location loc, Value acc, Value multiplier,
                       Value zp, Value lo, Value hi, Type storage) {
  Value f = b.create<arith::SIToFPOp>(
      loc, withElement(acc.getType(), b.getF32Type()), acc);
  f = b.create<arith::MulFOp>(loc, f, multiplier);
  return emitRoundClampTo(b, loc, f, zp, lo, hi, storage);
}

Value emitRoundClampToI8(OpBuilder &b, Location loc, Value f, Value zp,
                         Value lo, Value hi) {
  return emitRoundClampTo(b, loc, f, zp, lo, hi, b.getI8Type());
}

Value emitRoundClampTo(OpBuilder &b, Location loc, Value f, Value zp,
                       Value lo, Value hi, Type storage) {
  f = b.create<math::RoundEvenOp>(loc, f);
  f = b.create<arith::AddFOp>(loc, f, zp);
  Value below = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, f, lo);
  f = b.create<arith::SelectOp>(loc, below, lo, f);
  Value above = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, f, hi);
  f = b.create<arith::SelectOp>(loc, above, hi, f);
  Value q = b.create<arith::FPToSIOp>(
      loc, withElement(f.getType(), b.getI32Type()), f);
  return b.create<arith::TruncIOp>(
      loc, withElement(f.getType(), getElementTypeOrSelf(storage)), q);
}

} // namespace mlir::qc
