//===- IntElementwise.cpp - quantize, dequantize, elementwise integer ops ---===//
//
// Lowering of qc.quantize / qc.dequantize (per tensor), qc.qadd, qc.qmul,
// qc.qrequantize and qc.qlut; every requantize goes through Requantize.h.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Target.h"
#include "support/Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <numeric>

namespace mlir::qc::model_codegen {

using ::qc::codegen::GemmIsa;

LogicalResult ModelBuilder::emitQuantize(QuantizeOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  float scale = op.getScale()[0];
  int64_t zp = op.getZeroPoint()[0];
  // x * (1 / scale) as the reference does, NaN reported as an error.
  float inv = 1.0f / scale;
  Value inBase = basePointer(in), outBase = basePointer(out);
  int64_t lo = op.getQuantMin(), hi = op.getQuantMax();
  // Per chunk a NaN flag, or-ed into the entry's status at the end.
  Value flag;
  parallelLoopNest(
      out.shape, out.strides, {inBase, outBase, statusSlot},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value x = load(f32, gep(p[0], offsetOf(ivs, in.strides), f32));
        Value nan =
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
        Value seen = load(i32, flag);
        store(b.create<arith::SelectOp>(loc, nan, cI32(1), seen), flag);
        Value v = b.create<arith::MulFOp>(loc, x, cF32(inv));
        Type st = storageType(out.element); // i8, or i16 (int16 activations)
        store(roundClampTo(v, zp, lo, hi, st),
              gep(p[1], offsetOf(ivs, out.strides), st));
      },
      [&](ArrayRef<Value>) {
        flag = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
        store(cI32(0), flag);
      },
      [&](ArrayRef<Value> p) {
        // Chunks may finish together: an atomic or.
        b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                    load(i32, flag),
                                    LLVM::AtomicOrdering::monotonic);
      });
  return success();
}

LogicalResult ModelBuilder::emitDequantize(DequantizeOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  Value scale = cF32(op.getScale()[0]);
  Value inBase = basePointer(in), outBase = basePointer(out);
  Type inT = storageType(in.element);
  // q - zp as the reference computes it: exact in int32 for 8-bit values,
  // in int64 for int32 ones (an int32 difference could wrap).
  bool wide64 = inT == i32;
  Value zp = wide64 ? cI64(op.getZeroPoint()[0]) : cI32(op.getZeroPoint()[0]);
  loopNest(out.shape, out.strides, [&](ArrayRef<Value> ivs) {
    Value q = load(inT, gep(inBase, offsetOf(ivs, in.strides), inT));
    Value wide = wide64 ? b.create<arith::ExtSIOp>(loc, i64, q).getResult()
                        : extend(q, in.element);
    Value f = b.create<arith::SIToFPOp>(loc, f32, sub(wide, zp));
    store(b.create<arith::MulFOp>(loc, f, scale),
          gep(outBase, offsetOf(ivs, out.strides), f32));
  });
  return success();
}

LogicalResult ModelBuilder::emitAdd(QAddOp op) {
  const TensorRef &l = refs[op.getLhs()];
  const TensorRef &r = refs[op.getRhs()];
  const TensorRef &out = refs[op.getResult()];
  float so = op.getOutputScale().convertToFloat();
  float ml = op.getLhsScale().convertToFloat() / so;
  float mr = op.getRhsScale().convertToFloat() / so;
  int64_t zl = op.getLhsZeroPoint(), zr = op.getRhsZeroPoint();
  Value lBase = basePointer(l), rBase = basePointer(r),
        oBase = basePointer(out);
  parallelLoopNest(
      out.shape, out.strides, {lBase, rBase, oBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        auto side = [&](const TensorRef &t, Value base, int64_t zp,
                        float m) {
          Value q = extend(load(i8, gep(base, offsetOf(ivs, t.strides), i8)),
                           t.element);
          Value f = b.create<arith::SIToFPOp>(loc, f32, sub(q, cI32(zp)));
          return b.create<arith::MulFOp>(loc, f, cF32(m));
        };
        Value v = b.create<arith::AddFOp>(loc, side(l, p[0], zl, ml),
                                          side(r, p[1], zr, mr));
        store(roundClampToI8(v, op.getOutputZeroPoint(), op.getClampMin(),
                             op.getClampMax()),
              gep(p[2], offsetOf(ivs, out.strides), i8));
      });
  return success();
}

LogicalResult ModelBuilder::emitElementwise(Operation *op) {
  // qc.qmul: (a - za) * (b - zb) in int32, requantized with m;
  // qc.qrequantize: (x - zp) requantized with s_in / s_out.
  // Operands broadcast to the result (qc.qmul): a dimension an operand
  // lacks or has as 1 gets stride 0.
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<TensorRef> ins;
  SmallVector<Value> pointers;
  for (Value operand : op->getOperands()) {
    TensorRef in = refs[operand];
    pointers.push_back(basePointer(in));
    size_t rank = out.shape.size(), lead = rank - in.shape.size();
    SmallVector<int64_t> strides(rank, 0);
    for (size_t i = lead; i < rank; ++i)
      if (in.shape[i - lead] != 1 || out.shape[i] == 1)
        strides[i] = in.strides[i - lead];
    in.shape = out.shape;
    in.strides = std::move(strides);
    ins.push_back(std::move(in));
  }
  pointers.push_back(basePointer(out));
  float m;
  SmallVector<int64_t> zps;
  int64_t zpOut, lo, hi;
  if (auto mulOp = dyn_cast<QMulOp>(op)) {
    m = mulOp.getRequantMultiplier();
    zps = {static_cast<int64_t>(mulOp.getLhsZeroPoint()),
           static_cast<int64_t>(mulOp.getRhsZeroPoint())};
    zpOut = mulOp.getOutputZeroPoint();
    lo = mulOp.getClampMin();
    hi = mulOp.getClampMax();
  } else {
    auto rq = cast<QRequantizeOp>(op);
    m = rq.getRequantMultiplier();
    zps = {static_cast<int64_t>(rq.getInputZeroPoint())};
    zpOut = rq.getOutputZeroPoint();
    lo = rq.getClampMin();
    hi = rq.getClampMax();
  }
  parallelLoopNest(out.shape, out.strides, pointers,
                   [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                     Value acc;
                     for (auto [i, t] : llvm::enumerate(ins)) {
                       Value v = sub(extend(load(i8, gep(p[i],
                                                          offsetOf(ivs, t.strides),
                                                          i8)),
                                            t.element),
                                     cI32(zps[i]));
                       acc = acc ? mul(acc, v) : v;
                     }
                     store(requantize(acc, cF32(m), zpOut, lo, hi),
                           gep(p[ins.size()], offsetOf(ivs, out.strides), i8));
                   });
  return success();
}

LogicalResult ModelBuilder::emitLut(QLutOp op) {
  // y = table[x - qmin_in]: the table as 256 bytes of the result's storage.
  const TensorRef &in = refs[op.getInput()], &out = refs[op.getResult()];
  SmallVector<int8_t> bytes;
  for (int32_t v : op.getTable())
    bytes.push_back(static_cast<int8_t>(static_cast<uint8_t>(v & 0xff)));
  int64_t inputMin = op.getInputMin();
  parallelLoopNest(
      out.shape, out.strides, {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value table = constantArray<int8_t>("lut", bytes);
        Value x = extend(load(i8, gep(p[0], offsetOf(ivs, in.strides), i8)),
                         in.element);
        Value index = b.create<arith::ExtUIOp>(loc, i64, sub(x, cI32(inputMin)));
        store(load(i8, gep(table, index, i8)),
              gep(p[1], offsetOf(ivs, out.strides), i8));
      });
  return success();
}


} // namespace mlir::qc::model_codegen
