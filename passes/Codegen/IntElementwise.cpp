//===- IntElementwise.cpp - quantize, dequantize, elementwise integer ops ---===//
//
// Lowering of qc.quantize / qc.dequantize (per tensor), qc.qadd, qc.qmul,
// qc.qrequantize and qc.qlut; every requantize goes through Requantize.h.
// qc.qlut on a dense tensor is a vector table lookup (byte shuffles on x86,
// tbl / tbx on AArch64), exact by construction; quantize / dequantize,
// qc.qmul and qc.qrequantize of dense tensors in one order (no broadcast)
// run on explicit vectors (the same statements on each lane), and so does
// the quantize of a few-channel NCHW image into the NHWC codes of a conv.
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
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <numeric>

namespace mlir::qc::model_codegen {

using ::qc::codegen::GemmIsa;

namespace {
/// Whether \p a and \p b lay out the same dense block of elements in the
/// same order (element i of one is element i of the other).
bool sameDenseLayout(const TensorRef &a, const TensorRef &b) {
  if (a.shape != b.shape)
    return false;
  // A dimension of extent 1 has no stride that matters (a slice of one
  // timestep keeps its source's strides there).
  int64_t span = 1;
  for (size_t d = 0; d < a.shape.size(); ++d) {
    if (a.shape[d] == 1)
      continue;
    if (a.strides[d] != b.strides[d] || a.strides[d] < 0)
      return false;
    span += (a.shape[d] - 1) * a.strides[d];
  }
  return span == product(a.shape);
}

/// ORs "any lane of \p nanMask is set" into the i32 status flag at \p slot
/// (the vector quantize loops' NaN check).
void orNanIntoFlag(OpBuilder &b, Location loc, Value slot, Value nanMask) {
  Type i32 = b.getI32Type();
  Value any =
      b.create<vector::ReductionOp>(loc, vector::CombiningKind::OR, nanMask);
  Value flag = b.create<LLVM::LoadOp>(loc, i32, slot, /*alignment=*/1);
  b.create<LLVM::StoreOp>(
      loc, b.create<arith::OrIOp>(loc, flag,
                                  b.create<arith::ExtUIOp>(loc, i32, any)),
      slot, /*alignment=*/1);
}

/// Whether \p in is a row-major NCHW tensor with 2-4 channels and \p out
/// the same tensor in dense NHWC order (a model's image quantized for the
/// first conv): a pixel's channels are then interleaved in \p out.
bool isFewChannelsNchwToNhwc(const TensorRef &in, const TensorRef &out) {
  if (in.shape.size() != 4 || in.shape != out.shape || !in.isRowMajor())
    return false;
  int64_t c = out.shape[1], h = out.shape[2], w = out.shape[3];
  return c >= 2 && c <= 4 && out.strides[1] == 1 && out.strides[3] == c &&
         out.strides[2] == w * c && (out.shape[0] == 1 ||
                                     out.strides[0] == h * w * c);
}
} // namespace

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
  int64_t n = product(out.shape), width = floatLanes();
  // The vector form stores 8-bit codes; int16 results take the loop below.
  if (storageType(out.element) == i8 && n >= width &&
      sameDenseLayout(in, out)) {
    // Whole vectors in memory order over threads (the same statements on
    // each lane), then the last n % width elements one by one.
    auto vf = VectorType::get({width}, f32);
    // Used in the step function: scale, zero point and bounds are step
    // parameters (the quantize steps of one length share one function).
    auto splat = [&](float v) {
      return b.create<vector::BroadcastOp>(loc, vf, stepF32(v)).getResult();
    };
    auto element = [&](Value src, Value dst, Value slot, Value i) {
      Value x = load(f32, gep(src, i, f32));
      Value nan = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
      store(b.create<arith::SelectOp>(loc, nan, cI32(1), load(i32, slot)),
            slot);
      store(roundClampToI8(b.create<arith::MulFOp>(loc, x, cF32(inv)), zp, lo,
                           hi),
            gep(dst, i, i8));
    };
    int64_t chunks = n / width;
    parallel(chunks, {inBase, outBase, statusSlot},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               Value slot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
               store(cI32(0), slot);
               forRange(begin, end, [&](Value c) {
                 Value off = mulC(c, width);
                 Value x = b.create<LLVM::LoadOp>(loc, vf, gep(p[0], off, f32),
                                                  /*alignment=*/4);
                 Value nan = b.create<arith::CmpFOp>(
                     loc, arith::CmpFPredicate::UNO, x, x);
                 orNanIntoFlag(b, loc, slot, nan);
                 Value v = b.create<arith::MulFOp>(loc, x, splat(inv));
                 Value q = emitRoundClampToI8(
                     b, loc, v, splat(static_cast<float>(zp)),
                     splat(static_cast<float>(lo)),
                     splat(static_cast<float>(hi)));
                 b.create<LLVM::StoreOp>(loc, q, gep(p[1], off, i8),
                                         /*alignment=*/1);
               });
               b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                           load(i32, slot),
                                           LLVM::AtomicOrdering::monotonic);
             });
    if (n % width) {
      Value slot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
      store(cI32(0), slot);
      forRange(cI64(chunks * width), cI64(n),
               [&](Value i) { element(inBase, outBase, slot, i); });
      store(b.create<arith::OrIOp>(loc, load(i32, statusSlot),
                                   load(i32, slot)),
            statusSlot);
    }
    return success();
  }
  if (storageType(out.element) == i8 && isFewChannelsNchwToNhwc(in, out) &&
      out.shape[3] >= width) {
    emitQuantizeNchwToNhwc(op, inv, zp, lo, hi);
    return success();
  }
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

void ModelBuilder::emitQuantizeNchwToNhwc(QuantizeOp op, float inv,
                                          int64_t zp, int64_t lo, int64_t hi) {
  // Parallel over the N x H rows; per row, chunks of `width` pixels: one
  // vector of floats per channel plane, quantized as the dense form does,
  // the C byte vectors interleaved into C x width bytes and stored at once.
  // W % width pixels: a last chunk ending at W, overlapping the one before
  // (it rewrites the same codes).
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = out.shape[1], h = out.shape[2], w = out.shape[3];
  int64_t width = floatLanes();
  auto vf = VectorType::get({width}, f32);
  // Byte i * c + ch of the interleaved chunk is pixel i of channel ch,
  // byte ch * width + i of the channels' codes one after the other.
  SmallVector<int64_t> interleave;
  for (int64_t i = 0; i < width; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      interleave.push_back(ch * width + i);
  int64_t chunks = (w + width - 1) / width;
  parallel(
      out.shape[0] * h, {basePointer(in), basePointer(out), statusSlot},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        auto splat = [&](float v) {
          return b.create<vector::BroadcastOp>(loc, vf, stepF32(v))
              .getResult();
        };
        Value scale = splat(inv), zpV = splat(static_cast<float>(zp));
        Value loV = splat(static_cast<float>(lo));
        Value hiV = splat(static_cast<float>(hi));
        Value slot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
        store(cI32(0), slot);
        forRange(begin, end, [&](Value row) {
          Value img = divC(row, h), y = remC(row, h);
          Value src = gep(p[0], add(mulC(img, in.strides[0]), mulC(y, w)), f32);
          Value dst = gep(p[1], mulC(row, w * c), i8);
          forN(chunks, [&](Value k) {
            Value x0 =
                b.create<arith::MinSIOp>(loc, mulC(k, width), cI64(w - width));
            Value nan;
            Value codes;
            for (int64_t ch = 0; ch < c; ++ch) {
              Value x = b.create<LLVM::LoadOp>(
                  loc, vf, gep(src, add(x0, cI64(ch * in.strides[1])), f32),
                  /*alignment=*/4);
              Value isNan = b.create<arith::CmpFOp>(
                  loc, arith::CmpFPredicate::UNO, x, x);
              nan = nan ? b.create<arith::OrIOp>(loc, nan, isNan).getResult()
                        : isNan;
              Value q = emitRoundClampToI8(
                  b, loc, b.create<arith::MulFOp>(loc, x, scale), zpV, loV,
                  hiV);
              if (!codes) {
                codes = q;
                continue;
              }
              // Append q: [codes..., q...].
              int64_t have = cast<VectorType>(codes.getType()).getShape()[0];
              SmallVector<int64_t> concat(have + width);
              std::iota(concat.begin(), concat.end(), 0);
              codes = b.create<vector::ShuffleOp>(loc, codes, q, concat);
            }
            orNanIntoFlag(b, loc, slot, nan);
            Value pixels =
                b.create<vector::ShuffleOp>(loc, codes, codes, interleave);
            b.create<LLVM::StoreOp>(loc, pixels, gep(dst, mulC(x0, c), i8),
                                    /*alignment=*/1);
          });
        });
        b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                    load(i32, slot),
                                    LLVM::AtomicOrdering::monotonic);
      });
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
  int64_t n = product(out.shape), width = floatLanes();
  // The vector form loads 8-bit codes; int16 and int32 take the loop below.
  if (inT == i8 && n >= width && sameDenseLayout(in, out)) {
    // Whole vectors in memory order over threads, then the last n % width
    // elements one by one; the same statements on each lane.
    auto v8 = VectorType::get({width}, i8), v32 = VectorType::get({width}, i32),
         vf = VectorType::get({width}, f32);
    int64_t chunks = n / width;
    parallel(chunks, {inBase, outBase},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               forRange(begin, end, [&](Value c) {
                 Value off = mulC(c, width);
                 Value q = b.create<LLVM::LoadOp>(loc, v8, gep(p[0], off, i8),
                                                  /*alignment=*/1);
                 Value wide =
                     isUnsigned(in.element)
                         ? b.create<arith::ExtUIOp>(loc, v32, q).getResult()
                         : b.create<arith::ExtSIOp>(loc, v32, q).getResult();
                 // Zero point and scale are step parameters (the
                 // dequantize steps of one length share one function).
                 Value d = b.create<arith::SubIOp>(
                     loc, wide,
                     b.create<vector::BroadcastOp>(
                         loc, v32, stepI32(op.getZeroPoint()[0])));
                 Value f = b.create<arith::MulFOp>(
                     loc, b.create<arith::SIToFPOp>(loc, vf, d),
                     b.create<vector::BroadcastOp>(
                         loc, vf, stepF32(op.getScale()[0])));
                 b.create<LLVM::StoreOp>(loc, f, gep(p[1], off, f32),
                                         /*alignment=*/4);
               });
             });
    if (n % width == 0)
      return success();
    forRange(cI64(chunks * width), cI64(n), [&](Value i) {
      Value q = load(inT, gep(inBase, i, inT));
      Value f = b.create<arith::SIToFPOp>(loc, f32, sub(extend(q, in.element), zp));
      store(b.create<arith::MulFOp>(loc, f, scale), gep(outBase, i, f32));
    });
    return success();
  }
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
  int64_t zpOut = op.getOutputZeroPoint(), lo = op.getClampMin(),
          hi = op.getClampMax();
  int64_t n = product(out.shape), width = floatLanes();
  if (n >= width && sameDenseLayout(l, out) && sameDenseLayout(r, out)) {
    // Both operands in the output's dense order: whole vectors over
    // threads (the same statements on each lane as the loop below), scales
    // and zero points as step parameters, then the last n % width elements
    // one by one.
    auto v8 = VectorType::get({width}, i8), v32 = VectorType::get({width}, i32),
         vf = VectorType::get({width}, f32);
    int64_t chunks = n / width;
    parallel(chunks, {lBase, rBase, oBase},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               auto splatF = [&](float v) {
                 return b.create<vector::BroadcastOp>(loc, vf, stepF32(v))
                     .getResult();
               };
               Value zlV = b.create<vector::BroadcastOp>(loc, v32, stepI32(zl));
               Value mlV = splatF(ml);
               Value zrV = b.create<vector::BroadcastOp>(loc, v32, stepI32(zr));
               Value mrV = splatF(mr);
               Value zpOutV = splatF(static_cast<float>(zpOut)),
                     loV = splatF(static_cast<float>(lo)),
                     hiV = splatF(static_cast<float>(hi));
               forRange(begin, end, [&](Value c) {
                 Value off = mulC(c, width);
                 auto side = [&](const TensorRef &t, Value base, Value zp,
                                 Value m) {
                   Value q = b.create<LLVM::LoadOp>(loc, v8, gep(base, off, i8),
                                                    /*alignment=*/1);
                   Value wide =
                       isUnsigned(t.element)
                           ? b.create<arith::ExtUIOp>(loc, v32, q).getResult()
                           : b.create<arith::ExtSIOp>(loc, v32, q).getResult();
                   Value f = b.create<arith::SIToFPOp>(
                       loc, vf, b.create<arith::SubIOp>(loc, wide, zp));
                   return b.create<arith::MulFOp>(loc, f, m);
                 };
                 Value v = b.create<arith::AddFOp>(loc, side(l, p[0], zlV, mlV),
                                                   side(r, p[1], zrV, mrV));
                 Value y = emitRoundClampToI8(b, loc, v, zpOutV, loV, hiV);
                 b.create<LLVM::StoreOp>(loc, y, gep(p[2], off, i8),
                                         /*alignment=*/1);
               });
             });
    if (n % width == 0)
      return success();
    forRange(cI64(chunks * width), cI64(n), [&](Value e) {
      auto side = [&](const TensorRef &t, Value base, int64_t zp, float m) {
        Value q = extend(load(i8, gep(base, e, i8)), t.element);
        Value f = b.create<arith::SIToFPOp>(loc, f32, sub(q, cI32(zp)));
        return b.create<arith::MulFOp>(loc, f, cF32(m));
      };
      Value v = b.create<arith::AddFOp>(loc, side(l, lBase, zl, ml),
                                        side(r, rBase, zr, mr));
      store(roundClampToI8(v, zpOut, lo, hi), gep(oBase, e, i8));
    });
    return success();
  }
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

SmallVector<TensorRef>
ModelBuilder::broadcastOperands(Operation *op, SmallVectorImpl<Value> &pointers) {
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<TensorRef> ins;
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
  return ins;
}

ElementwiseRequantize elementwiseRequantize(Operation *op) {
  if (auto mulOp = dyn_cast<QMulOp>(op))
    return {mulOp.getRequantMultiplier(),
            {static_cast<int64_t>(mulOp.getLhsZeroPoint()),
             static_cast<int64_t>(mulOp.getRhsZeroPoint())},
            static_cast<int64_t>(mulOp.getOutputZeroPoint()),
            static_cast<int64_t>(mulOp.getClampMin()),
            static_cast<int64_t>(mulOp.getClampMax())};
  auto rq = cast<QRequantizeOp>(op);
  return {rq.getRequantMultiplier(),
          {static_cast<int64_t>(rq.getInputZeroPoint())},
          static_cast<int64_t>(rq.getOutputZeroPoint()),
          static_cast<int64_t>(rq.getClampMin()),
          static_cast<int64_t>(rq.getClampMax())};
}

LogicalResult ModelBuilder::emitElementwise(Operation *op) {
  // qc.qmul: (a - za) * (b - zb) in int32, requantized with m;
  // qc.qrequantize: (x - zp) requantized with s_in / s_out.
  // Operands broadcast to the result (qc.qmul): a dimension an operand
  // lacks or has as 1 gets stride 0.
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<Value> pointers;
  SmallVector<TensorRef> ins = broadcastOperands(op, pointers);
  ElementwiseRequantize r = elementwiseRequantize(op);
  float m = r.multiplier;
  ArrayRef<int64_t> zps = r.zeroPoints;
  int64_t zpOut = r.outputZeroPoint, lo = r.clampMin, hi = r.clampMax;
  int64_t n = product(out.shape), width = floatLanes();
  if (n >= width && llvm::all_of(ins, [&](const TensorRef &t) {
        return sameDenseLayout(t, out);
      })) {
    // No operand broadcast and every operand in the output's dense order:
    // whole vectors over threads (the same statements on each lane), then
    // the last n % width elements one by one.
    auto v8 = VectorType::get({width}, i8), v32 = VectorType::get({width}, i32),
         vf = VectorType::get({width}, f32);
    int64_t chunks = n / width;
    parallel(chunks, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
      // Zero points, multiplier and clamp are step parameters: the steps of
      // one length share one function.
      SmallVector<Value> zpVectors;
      for (int64_t zp : zps)
        zpVectors.push_back(
            b.create<vector::BroadcastOp>(loc, v32, stepI32(zp)));
      auto splatF = [&](float v) {
        return b.create<vector::BroadcastOp>(loc, vf, stepF32(v)).getResult();
      };
      Value mV = splatF(m), zpOutV = splatF(static_cast<float>(zpOut)),
            loV = splatF(static_cast<float>(lo)),
            hiV = splatF(static_cast<float>(hi));
      forRange(begin, end, [&](Value c) {
        Value off = mulC(c, width);
        Value acc;
        for (auto [i, t] : llvm::enumerate(ins)) {
          Value q = b.create<LLVM::LoadOp>(loc, v8, gep(p[i], off, i8),
                                           /*alignment=*/1);
          Value wide = isUnsigned(t.element)
                           ? b.create<arith::ExtUIOp>(loc, v32, q).getResult()
                           : b.create<arith::ExtSIOp>(loc, v32, q).getResult();
          Value v = b.create<arith::SubIOp>(loc, wide, zpVectors[i]);
          acc = acc ? b.create<arith::MulIOp>(loc, acc, v).getResult() : v;
        }
        Value y = emitRequantize(b, loc, acc, mV, zpOutV, loV, hiV);
        b.create<LLVM::StoreOp>(loc, y, gep(p[ins.size()], off, i8),
                                /*alignment=*/1);
      });
    });
    if (n % width == 0)
      return success();
    forRange(cI64(chunks * width), cI64(n), [&](Value e) {
      Value acc;
      for (auto [i, t] : llvm::enumerate(ins)) {
        Value v = sub(extend(load(i8, gep(pointers[i], e, i8)), t.element),
                      cI32(zps[i]));
        acc = acc ? mul(acc, v) : v;
      }
      store(requantize(acc, cF32(m), zpOut, lo, hi),
            gep(pointers[ins.size()], e, i8));
    });
    return success();
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


std::vector<int8_t> ModelBuilder::lutParts(ArrayRef<int8_t> table) const {
  if (::qc::codegen::getTarget(currentIsa).arch ==
      ::qc::codegen::Arch::AArch64)
    return std::vector<int8_t>(table.begin(), table.end());
  std::vector<int8_t> parts;
  int64_t width = lutVectorBytes();
  for (int64_t h = 0; h < 16; ++h)
    for (int64_t l = 0; l < width / 16; ++l)
      parts.insert(parts.end(), table.begin() + 16 * h,
                   table.begin() + 16 * h + 16);
  return parts;
}

Value ModelBuilder::lutLookup(Value index, ArrayRef<Value> parts) {
  // index: a vector of bytes, each 0..255. x86: 16 byte shuffles, each over
  // the 16 entries of one high nibble (broadcast to every 128-bit lane),
  // each selected where the index has that high nibble (AVX-512: masked
  // vpshufb; AVX2: vpblendvb). AArch64: one 64-entry tbl and three tbx.
  auto vt = cast<VectorType>(index.getType());
  auto splat = [&](int64_t v) {
    return b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(
                         vt, b.getIntegerAttr(i8, static_cast<int8_t>(v))))
        .getResult();
  };
  if (::qc::codegen::getTarget(currentIsa).arch ==
      ::qc::codegen::Arch::AArch64) {
    auto quarter = [&](int64_t t, int64_t q) { return parts[4 * t + q]; };
    Value res;
    for (int64_t t = 0; t < 4; ++t) {
      Value idx = t == 0 ? index : sub(index, splat(64 * t));
      SmallVector<Value> args;
      if (t > 0)
        args.push_back(res);
      for (int64_t q = 0; q < 4; ++q)
        args.push_back(quarter(t, q));
      args.push_back(idx);
      res = b.create<LLVM::CallIntrinsicOp>(
                 loc, vt,
                 t == 0 ? "llvm.aarch64.neon.tbl4.v16i8"
                        : "llvm.aarch64.neon.tbx4.v16i8",
                 args)
                .getResult(0);
    }
    return res;
  }
  StringRef shuffle = vt.getNumElements() == 64 ? "llvm.x86.avx512.pshuf.b.512"
                                                : "llvm.x86.avx2.pshuf.b";
  Value lo = b.create<arith::AndIOp>(loc, index, splat(15));
  Value hi = b.create<arith::ShRUIOp>(loc, index, splat(4));
  Value res = splat(0);
  for (int64_t h = 0; h < 16; ++h) {
    Value t = b.create<LLVM::CallIntrinsicOp>(loc, vt, shuffle,
                                              ValueRange{parts[h], lo})
                  .getResult(0);
    Value here = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, hi,
                                         splat(h));
    res = b.create<arith::SelectOp>(loc, here, t, res);
  }
  return res;
}

int64_t ModelBuilder::lutVectorBytes() const {
  switch (currentIsa) {
  case GemmIsa::X86Avx512Vnni:
    return 64;
  case GemmIsa::X86Avx2:
  case GemmIsa::X86AvxVnni:
    return 32;
  case GemmIsa::Aarch64Dotprod:
  case GemmIsa::Aarch64I8mm:
    return 16;
  }
  return 0;
}

LogicalResult ModelBuilder::emitLut(QLutOp op) {
  // y = table[x - qmin_in]: the table as 256 bytes of the result's storage.
  const TensorRef &in = refs[op.getInput()], &out = refs[op.getResult()];
  SmallVector<int8_t> bytes;
  for (int32_t v : op.getTable())
    bytes.push_back(static_cast<int8_t>(static_cast<uint8_t>(v & 0xff)));
  int64_t inputMin = op.getInputMin();
  int64_t n = product(out.shape), width = lutVectorBytes();
  if (width > 0 && n >= width && bytes.size() == 256 &&
      sameDenseLayout(in, out)) {
    // Whole vectors of bytes in memory order (x - qmin_in is x ^ 0x80 for
    // i8 and x for ui8), split over threads, then the last n % width
    // elements one by one (no overlapping vector: the output may be the
    // input's buffer).
    auto vt = VectorType::get({width}, i8);
    int64_t chunks = n / width;
    Value inBase = basePointer(in), outBase = basePointer(out);
    // The table's vectors are a global whose address is a step parameter:
    // the lookups of one length share one function.
    std::vector<int8_t> partBytes = lutParts(bytes);
    std::string partsGlobal = addConstant(
        "lut_parts", ArrayRef<char>(reinterpret_cast<const char *>(
                                        partBytes.data()),
                                    partBytes.size()));
    parallel(chunks, {inBase, outBase},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               Value table = stepAddress(partsGlobal);
               SmallVector<Value> parts;
               for (int64_t i = 0; i < 16; ++i)
                 parts.push_back(b.create<LLVM::LoadOp>(
                     loc, vt, gep(table, cI64(i * width), i8),
                     /*alignment=*/width));
               forRange(begin, end, [&](Value c) {
                 Value off = mulC(c, width);
                 Value x = b.create<LLVM::LoadOp>(loc, vt, gep(p[0], off, i8),
                                                  /*alignment=*/1);
                 if (inputMin != 0)
                   x = b.create<arith::XOrIOp>(
                       loc, x,
                       b.create<arith::ConstantOp>(
                           loc, DenseElementsAttr::get(
                                    vt, b.getIntegerAttr(i8, -128))));
                 b.create<LLVM::StoreOp>(loc, lutLookup(x, parts),
                                         gep(p[1], off, i8),
                                         /*alignment=*/1);
               });
             });
    if (n % width) {
      Value table = constantArray<int8_t>("lut", bytes);
      forRange(cI64(chunks * width), cI64(n), [&](Value i) {
        Value x = extend(load(i8, gep(inBase, i, i8)), in.element);
        Value index =
            b.create<arith::ExtUIOp>(loc, i64, sub(x, cI32(inputMin)));
        store(load(i8, gep(table, index, i8)), gep(outBase, i, i8));
      });
    }
    return success();
  }
  parallelLoopNest(
      out.shape, out.strides, {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value table = stepAddress(addConstant(
            "lut", ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                                  bytes.size())));
        Value x = extend(load(i8, gep(p[0], offsetOf(ivs, in.strides), i8)),
                         in.element);
        Value index = b.create<arith::ExtUIOp>(loc, i64, sub(x, cI32(inputMin)));
        store(load(i8, gep(table, index, i8)),
              gep(p[1], offsetOf(ivs, out.strides), i8));
      });
  return success();
}

LogicalResult ModelBuilder::planKeepingRowMajor(Operation *op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  placeKeepingRowMajor(op);
  return success();
}

void ModelBuilder::placeKeepingRowMajor(Operation *op) {
  // A (de)quantize or table lookup between ops that do not prefer NHWC
  // (attention's 4-D scores between matmul, softmax and their Q/DQ pairs)
  // keeps its row-major input's order: a contiguous vector loop, not a
  // transpose.
  bool nhwcUser = llvm::any_of(op->getResult(0).getUsers(), [](Operation *user) {
    const LoweringPattern *pattern = findPattern(user);
    return pattern && pattern->nhwcInput();
  });
  placeResult(op, refs[op->getOperand(0)].isRowMajor() && !nhwcUser);
}

LogicalResult ModelBuilder::planQuantize(QuantizeOp op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  if (op.getScale().size() != 1)
    return op.emitError()
           << "qc compile: per-channel quantization of an activation is "
              "not supported (only weights are quantized per channel)";
  placeKeepingRowMajor(op);
  return success();
}

LogicalResult ModelBuilder::planDequantize(DequantizeOp op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  if (op.getScale().size() != 1)
    return op.emitError() << "qc compile: per-channel dequantization of "
                             "an activation is not supported";
  placeKeepingRowMajor(op);
  return success();
}

void ModelBuilder::populateIntElementwisePatterns(LoweringPatterns &patterns) {
  // The 16x8 forms of qadd / qmul / qrequantize are Int16.cpp's.
  patterns
      .add<QuantizeOp>("quantize", &ModelBuilder::planQuantize,
                       &ModelBuilder::emitQuantize)
      .add<DequantizeOp>("dequantize", &ModelBuilder::planDequantize,
                         &ModelBuilder::emitDequantize)
      .add("qadd",
           [](Operation *op) { return isa<QAddOp>(op) && !isInt16Step(op); },
           &ModelBuilder::planArenaStep, &ModelBuilder::emitAdd)
      .add("qmul",
           [](Operation *op) { return isa<QMulOp>(op) && !isInt16Step(op); },
           &ModelBuilder::planArenaStep, &ModelBuilder::emitElementwise)
      .add("qrequantize",
           [](Operation *op) {
             return isa<QRequantizeOp>(op) && !isInt16Step(op);
           },
           &ModelBuilder::planKeepingRowMajor, &ModelBuilder::emitElementwise)
      .add<QLutOp>("qlut", &ModelBuilder::planKeepingRowMajor,
                   &ModelBuilder::emitLut);
}

} // namespace mlir::qc::model_codegen
