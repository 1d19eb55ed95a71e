//===- FloatElementwise.cpp - float32 elementwise steps and math ---------===//
//
// The float elementwise steps: unary ops (relu, clamp, sigmoid, tanh,
// hardswish, hardsigmoid, gelu, erf, sqrt and the math ops below) run on
// vectors of floatLanes() floats over dense tensors, element by element
// otherwise; binary ops (add, sub, mul, div, pow and max / min / prelu) loop
// over the output in its memory order with numpy broadcasting (stride 0
// along broadcast dimensions). Every statement is the reference kernel's
// (reference/KernelsElementwise.cpp) and no multiply-add is contracted, so
// compiled code is bit-identical to `qc run`:
//
//   abs         fabs (the sign bit cleared, NaN included)
//   neg         -x (the sign bit flipped)
//   exp, log    ref::expF32 / ref::logF32: support/Math.h on f64 lanes
//               (erf, tanh, sigmoid alike; MlirMathOps below instantiates
//               support/Math.h's templates on MLIR values, no libm call)
//   reciprocal  1 / x (IEEE division)
//   floor, ceil, round
//               the IEEE roundings (round: half to even, std::nearbyint in
//               the default rounding mode)
//   leaky_relu  x < 0 ? alpha * x : x
//   prelu       x < 0 ? slope * x : x (slope broadcast)
//   max, min    NaN (the positive quiet NaN) if either is NaN, else
//               std::max / std::min: y if x < y (max) / y < x (min), else x
//   pow         by 2, 3, 1 or 0.5 multiplies / sqrt as the reference does,
//               powf (called as the reference calls it) otherwise
//
// Every statement works on an f32 or a vector<N x f32> (constants take the
// value's type); max / min / prelu of two dense operands in one row-major
// order run on vectors too (emitDenseMathBinary), element by element
// otherwise.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"
#include "support/Math.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

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

bool isUnaryFloatOp(Operation *op) {
  return isa<ReluOp, ClampOp, SigmoidOp, TanhOp, HardswishOp, HardsigmoidOp,
             GeluOp, ErfOp, SqrtOp>(op) ||
         isMathUnaryOp(op);
}

bool isBinaryFloatOp(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp>(op) ||
         isMathBinaryOp(op);
}

LogicalResult ModelBuilder::emitFloatUnary(Operation *op) {
  FailureOr<FloatOperand> in = floatOperand(op, op->getOperand(0));
  if (failed(in))
    return failure();
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<int64_t> inStrides = broadcastStrides(in->ref, out.shape);
  // Every statement below works on an f32 or on a vector<N x f32> (its
  // constants take the value's type), so the same sequence runs on the
  // vector body and the scalar tail.
  auto k = [&](Value like, float v) -> Value {
    if (auto vt = dyn_cast<VectorType>(like.getType()))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<float>(v)));
    return cF32(v);
  };
  auto lt = [&](Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
  };
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto fmul = [&](Value x, Value y) {
    return b.create<arith::MulFOp>(loc, x, y).getResult();
  };
  auto fadd = [&](Value x, Value y) {
    return b.create<arith::AddFOp>(loc, x, y).getResult();
  };
  auto fdiv = [&](Value x, Value y) {
    return b.create<arith::DivFOp>(loc, x, y).getResult();
  };
  // std::min(x, y) = y < x ? y : x; std::max(x, y) = x < y ? y : x.
  auto stdMin = [&](Value x, Value y) { return sel(lt(y, x), y, x); };
  auto stdMax = [&](Value x, Value y) { return sel(lt(x, y), y, x); };
  std::function<Value(Value)> fn;
  if (isa<ReluOp>(op)) {
    // v < 0 ? 0 : v: NaN and -0 pass through, as in the reference.
    fn = [&](Value v) { return sel(lt(v, k(v, 0)), k(v, 0), v); };
  } else if (auto c = dyn_cast<ClampOp>(op)) {
    float lo = c.getMin().convertToFloat(), hi = c.getMax().convertToFloat();
    fn = [&, lo, hi](Value v) { return stdMin(stdMax(v, k(v, lo)), k(v, hi)); };
  } else if (isa<HardswishOp>(op)) {
    fn = [&](Value v) {
      Value t = fadd(fdiv(v, k(v, 6.0f)), k(v, 0.5f));
      return fmul(v, stdMax(k(v, 0), stdMin(k(v, 1), t)));
    };
  } else if (auto h = dyn_cast<HardsigmoidOp>(op)) {
    float alpha = h.getAlpha().convertToFloat(),
          beta = h.getBeta().convertToFloat();
    fn = [&, alpha, beta](Value v) {
      Value t = fadd(fmul(k(v, alpha), v), k(v, beta));
      // NaN propagates, as in the reference.
      Value nan =
          b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, t, t);
      return sel(nan, t, stdMax(k(v, 0), stdMin(k(v, 1), t)));
    };
  } else if (isa<SigmoidOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Sigmoid, v); };
  } else if (isa<TanhOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Tanh, v); };
  } else if (isa<ErfOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Erf, v); };
  } else if (isa<SqrtOp>(op)) {
    // Correctly rounded, as sqrtf.
    fn = [&](Value v) { return b.create<math::SqrtOp>(loc, v).getResult(); };
  } else if (auto g = dyn_cast<GeluOp>(op)) {
    // ref::gelu's float statements around ref::tanhF32 / ref::erfF32.
    if (g.getApproximate() == "tanh") {
      fn = [&](Value v) {
        Value cube = fmul(fmul(fmul(k(v, 0.044715f), v), v), v);
        Value t = mathF32(MathFunction::Tanh,
                          fmul(k(v, 0.7978845608028654f), fadd(v, cube)));
        return fmul(fmul(k(v, 0.5f), v), fadd(k(v, 1), t));
      };
    } else {
      fn = [&](Value v) {
        Value e =
            mathF32(MathFunction::Erf, fmul(v, k(v, 0.7071067811865476f)));
        return fmul(fmul(k(v, 0.5f), v), fadd(k(v, 1), e));
      };
    }
  } else {
    fn = mathUnaryFn(op); // FloatElementwise.cpp
  }
  // A dense input and output in the same row-major order: vectors of
  // floatLanes() elements over the flat array, split over threads, then the
  // last n mod lanes elements one by one. Otherwise element by element in
  // the output's order.
  if (out.isRowMajor() && isRowMajorLayout(out.shape, inStrides)) {
    int64_t n = product(out.shape), lanes = floatLanes();
    int64_t vectors = n / lanes, rest = n % lanes;
    auto vt = VectorType::get({lanes}, f32);
    if (vectors > 0)
      parallelLoopNest({vectors}, {lanes}, {in->base, basePointer(out)},
                       [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                         Value at = mulC(ivs[0], lanes);
                         Value x =
                             b.create<LLVM::LoadOp>(loc, vt, gep(p[0], at, f32),
                                                    /*alignment=*/4);
                         b.create<LLVM::StoreOp>(loc, fn(x), gep(p[1], at, f32),
                                                 /*alignment=*/4);
                       });
    if (rest > 0)
      parallelLoopNest({rest}, {1}, {in->base, basePointer(out)},
                       [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                         Value at = add(ivs[0], cI64(vectors * lanes));
                         store(fn(load(f32, gep(p[0], at, f32))),
                               gep(p[1], at, f32));
                       });
    return success();
  }
  parallelLoopNest(out.shape, out.strides, {in->base, basePointer(out)},
                   [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                     Value x = load(f32, gep(p[0], offsetOf(ivs, inStrides),
                                             f32));
                     store(fn(x), gep(p[1], offsetOf(ivs, out.strides), f32));
                   });
  return success();
}

LogicalResult ModelBuilder::emitFloatBinary(Operation *op) {
  FailureOr<FloatOperand> lhs = floatOperand(op, op->getOperand(0));
  FailureOr<FloatOperand> rhs = floatOperand(op, op->getOperand(1));
  if (failed(lhs) || failed(rhs))
    return failure();
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<int64_t> sa = broadcastStrides(lhs->ref, out.shape),
                       sb = broadcastStrides(rhs->ref, out.shape);
  if (isMathBinaryOp(op) &&
      emitDenseMathBinary(op, lhs->base, rhs->base, sa, sb))
    return success(); // FloatElementwise.cpp
  // A constant exponent (LayerNorm's x^2) is applied without the call: a
  // loop of multiplies LLVM vectorizes.
  std::optional<float> exponent;
  if (isa<PowOp>(op) && isFloatConstant(op->getOperand(1))) {
    FailureOr<std::vector<float>> e = foldFloatConstant(op, op->getOperand(1));
    if (succeeded(e) && !e->empty() &&
        llvm::all_of(*e, [&](float v) { return v == (*e)[0]; }))
      exponent = (*e)[0];
  }
  parallelLoopNest(
      out.shape, out.strides, {lhs->base, rhs->base, basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value x = load(f32, gep(p[0], offsetOf(ivs, sa), f32));
        Value r;
        if (exponent) {
          r = powElement(x, cF32(*exponent), exponent);
        } else {
          Value y = load(f32, gep(p[1], offsetOf(ivs, sb), f32));
          if (isa<AddOp>(op))
            r = b.create<arith::AddFOp>(loc, x, y);
          else if (isa<SubOp>(op))
            r = b.create<arith::SubFOp>(loc, x, y);
          else if (isa<MulOp>(op))
            r = b.create<arith::MulFOp>(loc, x, y);
          else if (isa<DivOp>(op))
            r = b.create<arith::DivFOp>(loc, x, y);
          else if (isa<PowOp>(op))
            r = powElement(x, y, std::nullopt);
          else
            r = mathBinary(op, x, y); // FloatElementwise.cpp
        }
        store(r, gep(p[2], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

Value ModelBuilder::powElement(Value x, Value y,
                               std::optional<float> exponent) {
  // ref::powElement: x * x for 2, (x * x) * x for 3, x for 1, sqrt for 0.5
  // (with pow's +0 at -0 and +inf at -inf), powf otherwise. With a known
  // exponent only its case is emitted; otherwise every case, selected by y.
  auto fmul = [&](Value u, Value v) {
    return b.create<arith::MulFOp>(loc, u, v).getResult();
  };
  auto sel = [&](Value c, Value u, Value v) {
    return b.create<arith::SelectOp>(loc, c, u, v).getResult();
  };
  auto eq = [&](Value u, float v) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, cF32(v))
        .getResult();
  };
  auto square = [&] { return fmul(x, x); };
  auto cube = [&] { return fmul(fmul(x, x), x); };
  auto root = [&] {
    Value inf = cF32(std::numeric_limits<float>::infinity());
    return sel(eq(x, 0.0f), cF32(0.0f),
               sel(eq(x, -std::numeric_limits<float>::infinity()), inf,
                   b.create<math::SqrtOp>(loc, x).getResult()));
  };
  if (exponent) {
    if (*exponent == 2.0f)
      return square();
    if (*exponent == 3.0f)
      return cube();
    if (*exponent == 1.0f)
      return x;
    if (*exponent == 0.5f)
      return root();
    return callLibm("powf", {x, y});
  }
  Value r = callLibm("powf", {x, y});
  r = sel(eq(y, 0.5f), root(), r);
  r = sel(eq(y, 1.0f), x, r);
  r = sel(eq(y, 3.0f), cube(), r);
  return sel(eq(y, 2.0f), square(), r);
}

namespace {
/// support/Math.h's operations as arith / math ops on f64 or vector<N x f64>
/// (and i64 lanes of the same shape). No fast-math flags: LLVM rounds every
/// product and sum on its own, as the reference (-ffp-contract=off) does.
struct MlirMathOps {
  using R = Value;
  using I = Value;
  OpBuilder &b;
  Location loc;
  Type real;    // f64 or vector<N x f64>
  Type integer; // i64 or vector<N x i64>

  MlirMathOps(OpBuilder &b, Location loc, Type real)
      : b(b), loc(loc), real(real), integer(b.getI64Type()) {
    if (auto vt = dyn_cast<VectorType>(real))
      integer = VectorType::get(vt.getShape(), b.getI64Type());
  }
  R c(double v) {
    if (auto vt = dyn_cast<VectorType>(real))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<double>(v)));
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  }
  I ci(int64_t v) {
    if (auto vt = dyn_cast<VectorType>(integer))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<int64_t>(v)));
    return b.create<arith::ConstantIntOp>(loc, v, 64);
  }
  R add(R x, R y) { return b.create<arith::AddFOp>(loc, x, y); }
  R sub(R x, R y) { return b.create<arith::SubFOp>(loc, x, y); }
  R mul(R x, R y) { return b.create<arith::MulFOp>(loc, x, y); }
  R div(R x, R y) { return b.create<arith::DivFOp>(loc, x, y); }
  R neg(R x) { return b.create<arith::NegFOp>(loc, x); }
  Value lt(R x, R y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value isNan(R x) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  }
  R select(Value c, R x, R y) {
    return b.create<arith::SelectOp>(loc, c, x, y);
  }
  R roundEven(R x) { return b.create<math::RoundEvenOp>(loc, x); }
  I toInt(R x) { return b.create<arith::FPToSIOp>(loc, integer, x); }
  I iadd(I x, I y) { return b.create<arith::AddIOp>(loc, x, y); }
  I isub(I x, I y) { return b.create<arith::SubIOp>(loc, x, y); }
  I ashr(I x, int64_t n) { return b.create<arith::ShRSIOp>(loc, x, ci(n)); }
  I shl(I x, int64_t n) { return b.create<arith::ShLIOp>(loc, x, ci(n)); }
  R bitsToReal(I x) { return b.create<arith::BitcastOp>(loc, real, x); }
  I realToBits(R x) { return b.create<arith::BitcastOp>(loc, integer, x); }
  R toReal(I x) { return b.create<arith::SIToFPOp>(loc, real, x); }
};
} // namespace

Value ModelBuilder::softmaxExp(Value x) {
  // ref::softmaxExp: qc::math::exp (support/Math.h) on each lane.
  MlirMathOps o(b, loc, x.getType());
  return ::qc::math::exp(o, x);
}

Value ModelBuilder::mathF32(MathFunction fn, Value x) {
  Type f64 = b.getF64Type();
  Type wide = f64;
  if (auto vt = dyn_cast<VectorType>(x.getType()))
    wide = VectorType::get(vt.getShape(), f64);
  MlirMathOps o(b, loc, wide);
  Value d = b.create<arith::ExtFOp>(loc, wide, x);
  Value y;
  switch (fn) {
  case MathFunction::Exp:
    y = ::qc::math::exp(o, d);
    break;
  case MathFunction::Log:
    y = ::qc::math::log(o, d);
    break;
  case MathFunction::Erf:
    y = ::qc::math::erf(o, d);
    break;
  case MathFunction::Tanh:
    y = ::qc::math::tanh(o, d);
    break;
  case MathFunction::Sigmoid:
    y = ::qc::math::sigmoid(o, d);
    break;
  }
  return b.create<arith::TruncFOp>(loc, x.getType(), y);
}

LogicalResult ModelBuilder::planFloatElementwise(Operation *op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  if (auto gelu = dyn_cast<GeluOp>(op);
      gelu && gelu.getApproximate() != "none" &&
      gelu.getApproximate() != "tanh")
    return op->emitError() << "qc compile: gelu approximate must be "
                              "\"none\" or \"tanh\"";
  // NHWC when it reads an NHWC tensor of its shape (a loop over both in
  // one order), else row-major.
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  placeResult(op, !(type.getRank() == 4 && hasNhwcOperand(op)));
  return success();
}

void ModelBuilder::populateFloatElementwisePatterns(LoweringPatterns &patterns) {
  patterns
      .add("float-unary", &isUnaryFloatOp, &ModelBuilder::planFloatElementwise,
           &ModelBuilder::emitFloatUnary, kFloatStep)
      .add("float-binary", &isBinaryFloatOp,
           &ModelBuilder::planFloatElementwise, &ModelBuilder::emitFloatBinary,
           kFloatStep);
}

} // namespace mlir::qc::model_codegen
