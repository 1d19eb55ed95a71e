//===- IntConvTranspose.cpp - qc.qconv_transpose2d ------------------------===//
//
// Direct lowering of the integer transposed convolution, in the shape of the
// grouped conv (IntConv.cpp): per output pixel an int32 accumulator row over
// the output channels (the innermost, vectorized loop) starts at the bias;
// each kernel tap (ky, kx) that reaches the pixel from an input pixel,
//   oy = iy * stride_h - pad_top + ky * dilation_h   (and the same for x),
// adds, per group and input channel, the widened (x - zp) times the group's
// weight row to the group's accumulators (loops, not unrolled: the code size
// does not grow with the kernel or the channels);
// then the row is requantized (DESIGN.md's rule, Requantize.h). Integer sums
// are exact, so the order differs from the reference's without changing a
// value: the result equals ref::qconvTranspose2d bit for bit.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/STLExtras.h"

#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

namespace mlir::qc::model_codegen {

LogicalResult ModelBuilder::emitConvTranspose(QConvTranspose2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t groups = op.getGroups();
  int64_t n = in.shape[0], cin = in.shape[1], h = in.shape[2], wd = in.shape[3];
  int64_t og = wType.getDimSize(1), kh = wType.getDimSize(2),
          kw = wType.getDimSize(3);
  int64_t o = out.shape[1], oh = out.shape[2], ow = out.shape[3];
  int64_t cg = cin / groups;
  countFloatWeights(cin * og * kh * kw + (op.getBias() ? o : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), o);
  if (failed(weights) || failed(bias))
    return failure();
  // The worst case must fit int32 as the reference requires (it reports an
  // overflow where native code would wrap): at most kh * kw * cg products of
  // at most 255 * 128 onto the bias.
  int64_t maxBias = 0;
  for (int32_t v : *bias)
    maxBias = std::max<int64_t>(maxBias, std::abs(int64_t{v}));
  if (satMul(satMul(kh * kw, cg), 255 * 128) >
      std::numeric_limits<int32_t>::max() - maxBias)
    return op.emitError() << "qc compile: " << kh * kw * cg
                          << " products per output (with a bias up to "
                          << maxBias
                          << ") are too many for exact int32 accumulation";
  SmallVector<float> mults = op.getRequantMultipliers();
  std::vector<float> multipliers(o);
  for (int64_t oc = 0; oc < o; ++oc)
    multipliers[oc] = mults[mults.size() == 1 ? 0 : oc];
  Value inBase = basePointer(in), outBase = basePointer(out);
  int64_t zp = op.getInputZeroPoint();
  Type inElement = in.element;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  // Stride = kernel, no pads, output_padding, dilation or groups (DBNet's
  // 2x2 / stride 2 upsampling): every output pixel takes exactly one tap,
  // so each tap is a GEMM of the input rows ([W, C_in], NHWC) with that
  // tap's [C_out, C_in] weights, written with a row stride of `stride`
  // pixels into its output phase, requantized in the GEMM's epilogue.
  bool oneTap = groups == 1 && strides[0] == kh && strides[1] == kw &&
                llvm::all_of(pads, [](int64_t v) { return v == 0; }) &&
                llvm::all_of(op.getOutputPadding(),
                             [](int64_t v) { return v == 0; }) &&
                dil[0] == 1 && dil[1] == 1 && in.strides[1] == 1 &&
                out.strides[1] == 1;
  if (oneTap) {
    SmallVector<Value> pointers = {inBase, outBase};
    std::vector<PackedGemm> gemms;
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x) {
        std::vector<int8_t> matrix(o * cin);
        for (int64_t oc = 0; oc < o; ++oc)
          for (int64_t ic = 0; ic < cin; ++ic)
            matrix[oc * cin + ic] = (*weights)[((ic * og + oc) * kh + y) * kw + x];
        FailureOr<PackedGemm> g =
            packGemm(op, in.element, out.element, cin, o, matrix, *bias,
                     multipliers, zp);
        if (failed(g))
          return failure();
        gemms.push_back(*g);
        pointers.append({g->weights, g->bias, g->multipliers});
      }
    parallel(n * h, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
      forRange(begin, end, [&](Value row) {
        Value img = divC(row, h), iy = remC(row, h);
        Value a = gep(p[0], add(mulC(img, in.strides[0]), mulC(iy, in.strides[2])),
                      i8);
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x) {
            size_t t = static_cast<size_t>(y * kw + x);
            Value oy = add(mulC(iy, kh), cI64(y));
            Value c = gep(p[1],
                          add(add(mulC(img, out.strides[0]),
                                  mulC(oy, out.strides[2])),
                              cI64(x * out.strides[3])),
                          i8);
            callGemm(gemms[t], p[2 + 3 * t], p[3 + 3 * t], p[4 + 3 * t], a,
                     in.strides[3], c, kw * out.strides[3], cI64(wd),
                     op.getOutputZeroPoint(), op.getClampMin(),
                     op.getClampMax());
          }
      });
    });
    return success();
  }
  // [ky][kx][ic][oc], widened to int32.
  Value tPtr = constantArray<int32_t>(
      "taps", packTransposedTaps<int32_t>(*weights, o, og, cg, kh, kw));
  Value bPtr = constantArray<int32_t>("bias", *bias);
  Value mPtr = constantArray<float>("mult", multipliers);
  parallel(n * oh * ow, {inBase, outBase, tPtr, bPtr, mPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value acc = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(i32, o), cI32(1), 64);
             Value zpV = cI32(zp);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               forN(o, [&](Value oc) {
                 store(load(i32, gep(p[3], oc, i32)), gep(acc, oc, i32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), i8);
               forEachTransposedTap(
                   px, kh, kw, h, wd, strides, pads, dil,
                   [&](Value y, Value x, Value iy, Value ix) {
                     Value src = gep(srcImg,
                                     add(mulC(iy, in.strides[2]),
                                         mulC(ix, in.strides[3])),
                                     i8);
                     // This tap's weights: [ic][oc] (cg x o).
                     Value tapBase = gep(
                         p[2], mulC(add(mulC(y, kw), x), cg * o), i32);
                     // Per group, per input channel: one widened input value
                     // times the group's weight row, added to its
                     // accumulators (the vectorized loop).
                     forN(groups, [&](Value g) {
                       forN(cg, [&](Value ic) {
                         Value channel = add(mulC(g, cg), ic);
                         Value xv = sub(
                             extend(load(i8, gep(src,
                                                 mulC(channel, in.strides[1]),
                                                 i8)),
                                    inElement),
                             zpV);
                         Value first = mulC(g, og);
                         Value wRow = gep(tapBase, add(mulC(ic, o), first), i32);
                         Value accRow = gep(acc, first, i32);
                         forN(og, [&](Value j) {
                           Value slot = gep(accRow, j, i32);
                           store(add(load(i32, slot),
                                     mul(xv, load(i32, gep(wRow, j, i32)))),
                                 slot);
                         });
                       });
                     });
                   });
               Value dstRow = gep(p[1], mulC(row, o), i8);
               forN(o, [&](Value oc) {
                 Value q = requantize(load(i32, gep(acc, oc, i32)),
                                      load(f32, gep(p[4], oc, f32)),
                                      op.getOutputZeroPoint(),
                                      op.getClampMin(), op.getClampMax());
                 store(q, gep(dstRow, oc, i8));
               });
             });
           });
  return success();
}

void ModelBuilder::forEachTransposedTap(
    const Pixel &px, int64_t kh, int64_t kw, int64_t h, int64_t w,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations,
    function_ref<void(Value ky, Value kx, Value iy, Value ix)> body) {
  // The input coordinate of an output coordinate through tap k:
  // (coord + pad - k * d) / s when that is a whole number in [0, size).
  auto source = [&](Value coord, Value k, int64_t pad, int64_t d, int64_t s,
                    int64_t size) {
    Value t = sub(add(coord, cI64(pad)), mulC(k, d));
    Value nonNegative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, t, cI64(0));
    Value whole = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                          remC(t, s), cI64(0));
    Value i = divC(t, s);
    Value inside =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, i, cI64(size));
    Value ok = b.create<arith::AndIOp>(
        loc, nonNegative, b.create<arith::AndIOp>(loc, whole, inside));
    return std::make_pair(ok, i);
  };
  forN(kh, [&](Value y) {
    std::pair<Value, Value> rowTap =
        source(px.oy, y, pads[0], dilations[0], strides[0], h);
    forN(kw, [&](Value x) {
      std::pair<Value, Value> colTap =
          source(px.ox, x, pads[1], dilations[1], strides[1], w);
      ifThen(b.create<arith::AndIOp>(loc, rowTap.first, colTap.first),
             [&] { body(y, x, rowTap.second, colTap.second); });
    });
  });
}

void ModelBuilder::populateIntConvTransposePatterns(LoweringPatterns &patterns) {
  patterns.add<QConvTranspose2dOp>(
      "qconv_transpose2d", &ModelBuilder::planWeightedStep,
      &ModelBuilder::emitConvTranspose, kNhwcInput,
      &ModelBuilder::isWeightOperand);
}

} // namespace mlir::qc::model_codegen
