//===- FloatLogSoftmax.cpp - qc.log_softmax as float32 code ---------------===//
//
// ref::logSoftmax statement by statement, so compiled code is bit-identical
// to `qc run`: per line along the axis, mx = the line's maximum from x[0]
// (`mx < v ? v : mx`, std::max's rule, so a NaN after x[0] is skipped as the
// reference skips it), sum = Σ exp(double(x) - mx) in line order with the C
// library's double `exp`, logSum = the C library's double `log`, then
// out = float((double(x) - mx) - logSum). Lines run in parallel; the line
// itself is scalar (its exp / log calls dominate; a CRNN's 40 classes per
// column).
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::qc::model_codegen {

LogicalResult ModelBuilder::emitLogSoftmax(LogSoftmaxOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  AxisLines lines = axisLines(in, out, op.getAxis());
  int64_t len = lines.length, is = lines.inStride, os = lines.outStride;
  const SmallVector<int64_t> &outer = lines.outer;
  Type f64 = b.getF64Type();
  auto extD = [&](Value v) {
    return b.create<arith::ExtFOp>(loc, f64, v).getResult();
  };
  auto subD = [&](Value u, Value v) {
    return b.create<arith::SubFOp>(loc, u, v).getResult();
  };
  // A scalar loop over the line carrying one value.
  auto fold = [&](int64_t from, Value init,
                  const std::function<Value(Value, Value)> &step) {
    return b
        .create<scf::ForOp>(
            loc, cI64(from), cI64(len), cI64(1), ValueRange{init},
            [&](OpBuilder &, Location, Value j, ValueRange acc) {
              b.create<scf::YieldOp>(loc, step(acc[0], j));
            })
        .getResult(0);
  };
  parallelLoopNest(
      outer, rowMajorStrides(outer), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        auto x = [&](Value j) { return load(f32, gep(src, mulC(j, is), f32)); };
        Value mx = fold(1, load(f32, src), [&](Value m, Value j) {
          Value v = x(j);
          Value less =
              b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, m, v);
          return b.create<arith::SelectOp>(loc, less, v, m).getResult();
        });
        Value mxd = extD(mx);
        Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0));
        Value sum = fold(0, zero, [&](Value s, Value j) {
          Value e = callLibm("exp", {subD(extD(x(j)), mxd)});
          return b.create<arith::AddFOp>(loc, s, e).getResult();
        });
        Value logSum = callLibm("log", {sum});
        forN(len, [&](Value j) {
          Value r = subD(subD(extD(x(j)), mxd), logSum);
          store(b.create<arith::TruncFOp>(loc, f32, r),
                gep(dst, mulC(j, os), f32));
        });
      });
  return success();
}

} // namespace mlir::qc::model_codegen
