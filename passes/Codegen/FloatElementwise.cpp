//===- FloatElementwise.cpp - ONNX math ops as float32 statements ---------===//
//
// The float statements of the elementwise math ops qc compile lowers on
// FloatCodegen.cpp's unary (vector) and binary (broadcasting) paths, each
// the reference kernel's (reference/KernelsElementwise.cpp) scalar
// statement, so compiled code is bit-identical to `qc run`:
//
//   abs         fabs (the sign bit cleared, NaN included)
//   neg         -x (the sign bit flipped)
//   exp, log    ref::expF32 / ref::logF32: support/Math.h on f64 lanes
//   reciprocal  1 / x (IEEE division)
//   floor, ceil, round
//               the IEEE roundings (round: half to even, std::nearbyint in
//               the default rounding mode)
//   leaky_relu  x < 0 ? alpha * x : x
//   prelu       x < 0 ? slope * x : x (slope broadcast)
//   max, min    NaN (the positive quiet NaN) if either is NaN, else
//               std::max / std::min: y if x < y (max) / y < x (min), else x
//
// Every statement works on an f32 or a vector<N x f32> (constants take the
// value's type); max / min / prelu of two dense operands in one row-major
// order run on vectors too (emitDenseMathBinary), element by element
// otherwise.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

namespace mlir::qc::model_codegen {

bool isMathUnaryOp(Operation *op) {
  return isa<AbsOp, NegOp, ExpOp, LogOp, ReciprocalOp, FloorOp, CeilOp,
             RoundOp, LeakyReluOp>(op);
}

bool isMathBinaryOp(Operation *op) {
  return isa<MaxOp, MinOp, PReluOp>(op);
}

namespace {
/// \p v as a constant of \p like's type (f32 or vector<N x f32>).
Value constantLike(OpBuilder &b, Location loc, Value like, float v) {
  if (auto vt = dyn_cast<VectorType>(like.getType()))
    return b.create<arith::ConstantOp>(
        loc, vt, DenseElementsAttr::get(vt, ArrayRef<float>(v)));
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
}

Value lessThan(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
}
} // namespace

std::function<Value(Value)> ModelBuilder::mathUnaryFn(Operation *op) {
  if (isa<AbsOp>(op))
    return [this](Value v) { return b.create<math::AbsFOp>(loc, v); };
  if (isa<NegOp>(op))
    return [this](Value v) { return b.create<arith::NegFOp>(loc, v); };
  if (isa<ExpOp>(op))
    return [this](Value v) { return mathF32(MathFunction::Exp, v); };
  if (isa<LogOp>(op))
    return [this](Value v) { return mathF32(MathFunction::Log, v); };
  if (isa<ReciprocalOp>(op))
    return [this](Value v) {
      return b.create<arith::DivFOp>(loc, constantLike(b, loc, v, 1.0f), v);
    };
  if (isa<FloorOp>(op))
    return [this](Value v) { return b.create<math::FloorOp>(loc, v); };
  if (isa<CeilOp>(op))
    return [this](Value v) { return b.create<math::CeilOp>(loc, v); };
  if (isa<RoundOp>(op))
    return [this](Value v) { return b.create<math::RoundEvenOp>(loc, v); };
  if (auto l = dyn_cast<LeakyReluOp>(op)) {
    float alpha = l.getAlpha().convertToFloat();
    return [this, alpha](Value v) -> Value {
      Value scaled =
          b.create<arith::MulFOp>(loc, constantLike(b, loc, v, alpha), v);
      return b.create<arith::SelectOp>(
          loc, lessThan(b, loc, v, constantLike(b, loc, v, 0.0f)), scaled, v);
    };
  }
  return nullptr;
}

Value ModelBuilder::mathBinary(Operation *op, Value x, Value y) {
  if (isa<PReluOp>(op))
    return b.create<arith::SelectOp>(
        loc, lessThan(b, loc, x, constantLike(b, loc, x, 0.0f)),
        b.create<arith::MulFOp>(loc, y, x), x);
  if (!isa<MaxOp, MinOp>(op))
    return Value();
  Value pick = isa<MaxOp>(op) ? lessThan(b, loc, x, y) : lessThan(b, loc, y, x);
  Value r = b.create<arith::SelectOp>(loc, pick, y, x);
  Value nan = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, y);
  return b.create<arith::SelectOp>(
      loc, nan,
      constantLike(b, loc, x, std::numeric_limits<float>::quiet_NaN()), r);
}

bool ModelBuilder::emitDenseMathBinary(Operation *op, Value lhsBase,
                                       Value rhsBase, ArrayRef<int64_t> sa,
                                       ArrayRef<int64_t> sb) {
  // Both operands and the result dense in one row-major order (no
  // broadcasting): vectors of floatLanes() elements over threads, then the
  // last n mod lanes one by one, as the unary ops.
  const TensorRef &out = refs[op->getResult(0)];
  if (!out.isRowMajor() || !isRowMajorLayout(out.shape, sa) ||
      !isRowMajorLayout(out.shape, sb))
    return false;
  int64_t n = product(out.shape), lanes = floatLanes();
  int64_t vectors = n / lanes, rest = n % lanes;
  auto vt = VectorType::get({lanes}, f32);
  Value outBase = basePointer(out);
  if (vectors > 0)
    parallelLoopNest(
        {vectors}, {lanes}, {lhsBase, rhsBase, outBase},
        [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
          Value at = mulC(ivs[0], lanes);
          Value x = b.create<LLVM::LoadOp>(loc, vt, gep(p[0], at, f32),
                                           /*alignment=*/4);
          Value y = b.create<LLVM::LoadOp>(loc, vt, gep(p[1], at, f32),
                                           /*alignment=*/4);
          b.create<LLVM::StoreOp>(loc, mathBinary(op, x, y),
                                  gep(p[2], at, f32), /*alignment=*/4);
        });
  if (rest > 0)
    parallelLoopNest({rest}, {1}, {lhsBase, rhsBase, outBase},
                     [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                       Value at = add(ivs[0], cI64(vectors * lanes));
                       store(mathBinary(op, load(f32, gep(p[0], at, f32)),
                                        load(f32, gep(p[1], at, f32))),
                             gep(p[2], at, f32));
                     });
  return true;
}

} // namespace mlir::qc::model_codegen
