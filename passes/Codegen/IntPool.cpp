//===- IntPool.cpp - integer pooling ----------------------------------------===//
//
// Lowering of qc.qmax_pool2d, qc.qavg_pool2d and the float
// qc.global_avg_pool2d of integer programs.
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

LogicalResult ModelBuilder::emitMaxPool(QMaxPool2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads(), dil = op.getDilations();
  bool u = isUnsigned(in.element);
  // A window with no tap inside the input (a dilation beyond the input)
  // keeps the storage minimum: the Q/DQ form's quantize(max = -inf) with the
  // full-range output lower-to-integer requires.
  Value inBase = basePointer(in), outBase = basePointer(out);
  parallel(n * oh * ow, {inBase, outBase},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value img = px.img, oy = px.oy, ox = px.ox;
               Value dst = gep(p[1], mulC(row, c), i8);
               Value lowest =
                   b.create<arith::ConstantIntOp>(loc, u ? 0 : -128, 8);
               forN(c, [&](Value ci) { store(lowest, gep(dst, ci, i8)); });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               forEachWindowTap(
                   in, srcImg, oy, ox, kernel, strides, pads, dil,
                   [&](int64_t, int64_t, Value src) {
                     forN(c, [&](Value ci) {
                       Value v =
                           load(i8, gep(src, mulC(ci, in.strides[1]), i8));
                       Value slot = gep(dst, ci, i8);
                       Value cur = load(i8, slot);
                       Value best =
                           u ? b.create<arith::MaxUIOp>(loc, cur, v).getResult()
                             : b.create<arith::MaxSIOp>(loc, cur, v).getResult();
                       store(best, slot);
                     });
                   });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitGlobalAvgPool(GlobalAvgPool2dOp op) {
  // The reference's order: per plane, a double sum over H x W in row-major
  // order, divided by H * W in double, rounded to f32. The channel loop is
  // innermost (vectorized); each channel's sum keeps that order.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  Type f64 = b.getF64Type();
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value acc = b.create<LLVM::AllocaOp>(loc, ptr, LLVM::LLVMArrayType::get(f64, c),
                                       cI32(1), 64);
  Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0));
  Value count = b.create<arith::ConstantOp>(
      loc, b.getF64FloatAttr(static_cast<double>(h * w)));
  forN(n, [&](Value img) {
    forN(c, [&](Value ci) { store(zero, gep(acc, ci, f64)); });
    Value src = gep(inBase, mulC(img, in.strides[0]), f32);
    forN(h, [&](Value y) {
      forN(w, [&](Value x) {
        Value pixel =
            gep(src, add(mulC(y, in.strides[2]), mulC(x, in.strides[3])), f32);
        forN(c, [&](Value ci) {
          Value v = b.create<arith::ExtFOp>(
              loc, f64, load(f32, gep(pixel, mulC(ci, in.strides[1]), f32)));
          Value slot = gep(acc, ci, f64);
          store(b.create<arith::AddFOp>(loc, load(f64, slot), v), slot);
        });
      });
    });
    Value dst = gep(outBase, mulC(img, out.strides[0]), f32);
    forN(c, [&](Value ci) {
      Value mean = b.create<arith::DivFOp>(loc, load(f64, gep(acc, ci, f64)),
                                           count);
      store(b.create<arith::TruncFOp>(loc, f32, mean),
            gep(dst, mulC(ci, out.strides[1]), f32));
    });
  });
  return success();
}

LogicalResult ModelBuilder::emitAvgPool(QAvgPool2dOp op) {
  // Per output pixel an int32 sum of (x - zp) over the window's input
  // elements (channels innermost), times that pixel's multiplier, which the
  // op's divisor rule fixes at compile time (a table over output positions,
  // made with QAvgPool2dOp::requantMultiplier).
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads();
  float si = op.getInputScale().convertToFloat(),
        so = op.getOutputScale().convertToFloat();
  ::qc::Pool2dAttrs attrs;
  std::copy(kernel.begin(), kernel.end(), attrs.kernel.begin());
  std::copy(strides.begin(), strides.end(), attrs.strides.begin());
  std::copy(pads.begin(), pads.end(), attrs.pads.begin());
  std::vector<float> mult(oh * ow);
  for (int64_t oy = 0; oy < oh; ++oy)
    for (int64_t ox = 0; ox < ow; ++ox) {
      // The reference's window and divisor.
      ::qc::AvgPoolWindow win = ::qc::avgPoolWindow(
          h, w, attrs, op.getCountIncludePad(), oy, ox);
      if (win.count < 1 || win.ye <= win.ys || win.xe <= win.xs)
        return op.emitError()
               << "qc compile: the window at output (" << oy << ", " << ox
               << ") covers no input element";
      mult[oy * ow + ox] = QAvgPool2dOp::requantMultiplier(si, so, win.count);
    }
  Value mPtr = constantArray<float>("avg_mult", mult);
  Value inBase = basePointer(in), outBase = basePointer(out);
  Type inElement = in.element;
  int64_t zp = op.getInputZeroPoint();
  // Channels contiguous (NHWC): whole vectors of `width` channels first,
  // then the last c % width one by one. Written as vectors rather than
  // left to LLVM's loop vectorizer, which interleaves each channel loop and
  // gives it a vector and a scalar remainder (several times the code, and
  // compile time, per pooling step).
  int64_t width = floatLanes();
  int64_t vecC = in.strides[1] == 1 ? c / width * width : 0;
  auto v8 = VectorType::get({width}, i8), v32 = VectorType::get({width}, i32),
       vf = VectorType::get({width}, f32);
  auto splat = [&](VectorType t, Value v) {
    return b.create<vector::BroadcastOp>(loc, t, v).getResult();
  };
  parallel(n * oh * ow, {inBase, outBase, mPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value acc = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(i32, c), cI32(1), 64);
             Value zpV = cI32(zp);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value img = px.img, pix = px.pix, oy = px.oy, ox = px.ox;
               forN(c, [&](Value ci) { store(cI32(0), gep(acc, ci, i32)); });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               auto accumulate = [&](Value src) {
                 if (vecC)
                   forN(vecC / width, [&](Value k) {
                     Value off = mulC(k, width);
                     Value q = b.create<LLVM::LoadOp>(loc, v8, gep(src, off, i8),
                                                      /*alignment=*/1);
                     Value v =
                         isUnsigned(inElement)
                             ? b.create<arith::ExtUIOp>(loc, v32, q).getResult()
                             : b.create<arith::ExtSIOp>(loc, v32, q).getResult();
                     Value slot = gep(acc, off, i32);
                     Value cur = b.create<LLVM::LoadOp>(loc, v32, slot,
                                                        /*alignment=*/4);
                     b.create<LLVM::StoreOp>(
                         loc, add(cur, sub(v, splat(v32, zpV))), slot,
                         /*alignment=*/4);
                   });
                 forRange(cI64(vecC), cI64(c), [&](Value ci) {
                   Value v = extend(
                       load(i8, gep(src, mulC(ci, in.strides[1]), i8)),
                       inElement);
                   Value slot = gep(acc, ci, i32);
                   store(add(load(i32, slot), sub(v, zpV)), slot);
                 });
               };
               if (kernel[0] * kernel[1] <= kMaxUnrolledAvgPoolTaps) {
                 forEachWindowTap(in, srcImg, oy, ox, kernel, strides, pads,
                                  {1, 1}, [&](int64_t, int64_t, Value src) {
                                    accumulate(src);
                                  });
               } else {
                 // A larger window (global pooling): loops over its rows
                 // and columns, clipped to the input.
                 auto span = [&](Value o, int64_t stride, int64_t pad,
                                 int64_t k, int64_t size) {
                   Value start = add(mulC(o, stride), cI64(-pad));
                   Value lo = b.create<arith::MaxSIOp>(loc, start, cI64(0));
                   Value hi = b.create<arith::MinSIOp>(
                       loc, add(start, cI64(k)), cI64(size));
                   return std::make_pair(lo, hi);
                 };
                 std::pair<Value, Value> ys =
                     span(oy, strides[0], pads[0], kernel[0], h);
                 std::pair<Value, Value> xs =
                     span(ox, strides[1], pads[1], kernel[1], w);
                 forRange(ys.first, ys.second, [&](Value iy) {
                   forRange(xs.first, xs.second, [&](Value ix) {
                     accumulate(gep(srcImg,
                                    add(mulC(iy, in.strides[2]),
                                        mulC(ix, in.strides[3])),
                                    i8));
                   });
                 });
               }
               Value m = load(f32, gep(p[2], pix, f32));
               Value dst = gep(p[1], mulC(row, c), i8);
               if (vecC) {
                 auto f = [&](int64_t v) {
                   return splat(vf, cF32(static_cast<float>(v)));
                 };
                 Value mv = splat(vf, m), zo = f(op.getOutputZeroPoint()),
                       lo = f(op.getClampMin()), hi = f(op.getClampMax());
                 forN(vecC / width, [&](Value k) {
                   Value off = mulC(k, width);
                   Value a = b.create<LLVM::LoadOp>(
                       loc, v32, gep(acc, off, i32), /*alignment=*/4);
                   b.create<LLVM::StoreOp>(
                       loc, emitRequantize(b, loc, a, mv, zo, lo, hi),
                       gep(dst, off, i8), /*alignment=*/1);
                 });
               }
               forRange(cI64(vecC), cI64(c), [&](Value ci) {
                 store(requantize(load(i32, gep(acc, ci, i32)), m,
                                  op.getOutputZeroPoint(), op.getClampMin(),
                                  op.getClampMax()),
                       gep(dst, ci, i8));
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::planGlobalAvgPool(GlobalAvgPool2dOp op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  if (resultType.getRank() != 4 || !resultType.getElementType().isF32())
    return op.emitError("qc compile: qc.global_avg_pool2d needs a 4-D "
                        "f32 input");
  placeResult(op);
  return success();
}

void ModelBuilder::populateIntPoolPatterns(LoweringPatterns &patterns) {
  patterns
      .add<QMaxPool2dOp>("qmax_pool2d", &ModelBuilder::planArenaStep,
                         &ModelBuilder::emitMaxPool, kNhwcInput)
      .add<QAvgPool2dOp>("qavg_pool2d", &ModelBuilder::planArenaStep,
                         &ModelBuilder::emitAvgPool, kNhwcInput)
      .add<GlobalAvgPool2dOp>("global_avg_pool2d",
                              &ModelBuilder::planGlobalAvgPool,
                              &ModelBuilder::emitGlobalAvgPool, kNhwcInput);
}

} // namespace mlir::qc::model_codegen
