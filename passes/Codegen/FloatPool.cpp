//===- FloatPool.cpp - float max_pool2d and avg_pool2d -------------------===//
//
// qc.max_pool2d and qc.avg_pool2d on float32 tensors: per output pixel a row
// of channels, the taps in the reference's (ky, kx) order; average pooling
// accumulates in double in the reference's order, so both are bit-identical
// to `qc run` (reference/KernelsPool.cpp).
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "support/Shapes.h"

#include <limits>

namespace mlir::qc::model_codegen {

LogicalResult ModelBuilder::emitFloatMaxPool(MaxPool2dOp op) {
  // Per output pixel a row of channels: -inf, then per in-bounds tap (ky,
  // kx order) best = (v > best || v != v) ? v : best, as the reference.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads(), dil = op.getDilations();
  parallel(out.shape[0] * oh * ow, {basePointer(in), basePointer(out)},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value dst =
                   gep(p[1],
                       add(mulC(px.img, out.strides[0]),
                           add(mulC(px.oy, out.strides[2]),
                               mulC(px.ox, out.strides[3]))),
                       f32);
               forN(c, [&](Value ci) {
                 store(cF32(-std::numeric_limits<float>::infinity()),
                       gep(dst, mulC(ci, out.strides[1]), f32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
               forEachWindowTap(
                   in, srcImg, px.oy, px.ox, kernel, strides, pads, dil,
                   [&](int64_t, int64_t, Value src) {
                     forN(c, [&](Value ci) {
                       Value v =
                           load(f32, gep(src, mulC(ci, in.strides[1]), f32));
                       Value slot = gep(dst, mulC(ci, out.strides[1]), f32);
                       Value best = load(f32, slot);
                       Value take = b.create<arith::OrIOp>(
                           loc,
                           b.create<arith::CmpFOp>(
                               loc, arith::CmpFPredicate::OGT, v, best),
                           b.create<arith::CmpFOp>(
                               loc, arith::CmpFPredicate::UNO, v, v));
                       store(b.create<arith::SelectOp>(loc, take, v, best),
                             slot);
                     });
                   });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitFloatAvgPool(AvgPool2dOp op) {
  // The reference's window and divisor (qc::avgPoolWindow) per output
  // position, as a compile-time table; per window a double sum per channel
  // in row-major order, divided in double, rounded to f32.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ::qc::Pool2dAttrs attrs;
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads();
  std::copy(kernel.begin(), kernel.end(), attrs.kernel.begin());
  std::copy(strides.begin(), strides.end(), attrs.strides.begin());
  std::copy(pads.begin(), pads.end(), attrs.pads.begin());
  attrs.ceilMode = op.getCeilMode();
  std::vector<int64_t> windows;
  for (int64_t oy = 0; oy < oh; ++oy)
    for (int64_t ox = 0; ox < ow; ++ox) {
      ::qc::AvgPoolWindow win = ::qc::avgPoolWindow(
          h, w, attrs, op.getCountIncludePad(), oy, ox);
      windows.insert(windows.end(), {win.ys, win.ye, win.xs, win.xe,
                                     win.count});
    }
  Value table = constantArray<int64_t>("avgpool", windows);
  Type f64 = b.getF64Type();
  Value acc;
  parallel(
      out.shape[0] * oh * ow, {basePointer(in), basePointer(out), table},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        acc = b.create<LLVM::AllocaOp>(
            loc, ptr, LLVM::LLVMArrayType::get(f64, c), cI32(1), 64);
        forRange(begin, end, [&](Value row) {
          Pixel px = splitPixel(row, oh, ow);
          Value entry = gep(p[2], mulC(px.pix, 5), i64);
          Value ys = load(i64, gep(entry, cI64(0), i64)),
                ye = load(i64, gep(entry, cI64(1), i64)),
                xs = load(i64, gep(entry, cI64(2), i64)),
                xe = load(i64, gep(entry, cI64(3), i64)),
                count = load(i64, gep(entry, cI64(4), i64));
          Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0));
          forN(c, [&](Value ci) { store(zero, gep(acc, ci, f64)); });
          Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
          forRange(ys, ye, [&](Value iy) {
            forRange(xs, xe, [&](Value ix) {
              Value src = gep(srcImg,
                              add(mulC(iy, in.strides[2]),
                                  mulC(ix, in.strides[3])),
                              f32);
              forN(c, [&](Value ci) {
                Value v = b.create<arith::ExtFOp>(
                    loc, f64, load(f32, gep(src, mulC(ci, in.strides[1]), f32)));
                Value slot = gep(acc, ci, f64);
                store(b.create<arith::AddFOp>(loc, load(f64, slot), v), slot);
              });
            });
          });
          Value dst = gep(p[1],
                          add(mulC(px.img, out.strides[0]),
                              add(mulC(px.oy, out.strides[2]),
                                  mulC(px.ox, out.strides[3]))),
                          f32);
          Value positive = b.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::sgt, count, cI64(0));
          Value countF = b.create<arith::SIToFPOp>(loc, f64, count);
          forN(c, [&](Value ci) {
            Value mean = b.create<arith::TruncFOp>(
                loc, f32,
                b.create<arith::DivFOp>(loc, load(f64, gep(acc, ci, f64)),
                                        countF));
            store(b.create<arith::SelectOp>(loc, positive, mean, cF32(0)),
                  gep(dst, mulC(ci, out.strides[1]), f32));
          });
        });
      });
  return success();
}

LogicalResult ModelBuilder::planFloatMaxPool(MaxPool2dOp op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  if (cast<RankedTensorType>(op.getResult().getType()).getRank() != 4)
    return op.emitError("qc compile: qc.max_pool2d needs a 4-D input");
  placeResult(op);
  return success();
}

LogicalResult ModelBuilder::planFloatAvgPool(AvgPool2dOp op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  if (cast<RankedTensorType>(op.getResult().getType()).getRank() != 4 ||
      llvm::any_of(op.getStrides(), [](int64_t s) { return s < 1; }))
    return op.emitError("qc compile: qc.avg_pool2d needs a 4-D input");
  placeResult(op);
  return success();
}

void ModelBuilder::populateFloatPoolPatterns(LoweringPatterns &patterns) {
  patterns
      .add<MaxPool2dOp>("float-max_pool2d", &ModelBuilder::planFloatMaxPool,
                        &ModelBuilder::emitFloatMaxPool,
                        kFloatStep | kNhwcInput)
      .add<AvgPool2dOp>("float-avg_pool2d", &ModelBuilder::planFloatAvgPool,
                        &ModelBuilder::emitFloatAvgPool,
                        kFloatStep | kNhwcInput);
}

} // namespace mlir::qc::model_codegen
