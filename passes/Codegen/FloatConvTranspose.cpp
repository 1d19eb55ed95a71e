//===- FloatConvTranspose.cpp - qc.conv_transpose2d in float32 ------------===//
//
// The float transposed convolution, bit-identical with
// ref::convTranspose2d. The reference computes, per group, the columns
// col[(c, ky, kx), pixel] = sum over the group's input channels ic, in
// ascending order from 0, of w[ic][c][ky][kx] * x[ic][pixel] (its sgemm),
// then sets each output to the bias and adds the columns that reach it in
// ascending (ky, kx) order (col2im). Here, per output pixel, a row of
// accumulators over the output channels starts at the bias; each kernel
// tap that reaches the pixel from an input pixel,
//   oy = iy * stride_h - pad_top + ky * dilation_h   (and the same for x),
// in (ky, kx) order, computes that tap's column values for the group's
// channels (from 0, input channels ascending, a separate multiply and add)
// and adds them: the same operations in the same order per output element,
// without the column buffer. The channel loops are the innermost ones, over
// contiguous weights ([ky][kx][ic][oc]) and accumulators, so LLVM
// vectorizes them (no FMA contraction: the operations stay separate).
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <utility>
#include <vector>

namespace mlir::qc::model_codegen {

LogicalResult ModelBuilder::emitFloatConvTranspose(ConvTranspose2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t groups = op.getGroups();
  int64_t n = in.shape[0], cin = in.shape[1], h = in.shape[2],
          wd = in.shape[3];
  int64_t og = wType.getDimSize(1), kh = wType.getDimSize(2),
          kw = wType.getDimSize(3);
  int64_t o = out.shape[1], oh = out.shape[2], ow = out.shape[3];
  int64_t cg = cin / groups;
  FailureOr<std::vector<float>> weights = foldFloatConstant(op, op.getWeight());
  if (failed(weights))
    return failure();
  std::vector<float> bias(o, 0.0f);
  if (op.getBias()) {
    FailureOr<std::vector<float>> bv = foldFloatConstant(op, op.getBias());
    if (failed(bv) || static_cast<int64_t>(bv->size()) != o)
      return op->emitError("qc compile: cannot read the transposed conv's "
                           "bias");
    bias = *bv;
  }
  countFloatWeights(cin * og * kh * kw + (op.getBias() ? o : 0));
  // [ky][kx][ic][oc]: w[g * cg + ic][oc % og][ky][kx] for oc in group g.
  std::vector<float> taps(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc) {
    int64_t g = oc / og, ocg = oc % og;
    for (int64_t ic = 0; ic < cg; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          taps[((y * kw + x) * cg + ic) * o + oc] =
              (*weights)[(((g * cg + ic) * og + ocg) * kh + y) * kw + x];
  }
  Value tPtr = constantArray<float>("taps_f32", taps);
  Value bPtr = constantArray<float>("bias_f32", bias);
  Value inBase = basePointer(in), outBase = basePointer(out);
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
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
  parallel(n * oh * ow, {inBase, outBase, tPtr, bPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             // One tap's column values for one group's channels.
             Value column = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(f32, og), cI32(1), 64);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value acc = gep(p[1],
                               add(add(mulC(px.img, out.strides[0]),
                                       mulC(px.oy, out.strides[2])),
                                   mulC(px.ox, out.strides[3])),
                               f32);
               forN(o, [&](Value oc) {
                 store(load(f32, gep(p[3], oc, f32)),
                       gep(acc, mulC(oc, out.strides[1]), f32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
               forN(kh, [&](Value y) {
                 std::pair<Value, Value> rowTap =
                     source(px.oy, y, pads[0], dil[0], strides[0], h);
                 forN(kw, [&](Value x) {
                   std::pair<Value, Value> colTap =
                       source(px.ox, x, pads[1], dil[1], strides[1], wd);
                   Value ok =
                       b.create<arith::AndIOp>(loc, rowTap.first, colTap.first);
                   ifThen(ok, [&] {
                     Value src = gep(srcImg,
                                     add(mulC(rowTap.second, in.strides[2]),
                                         mulC(colTap.second, in.strides[3])),
                                     f32);
                     Value tapBase =
                         gep(p[2], mulC(add(mulC(y, kw), x), cg * o), f32);
                     forN(groups, [&](Value g) {
                       Value first = mulC(g, og);
                       forN(og, [&](Value j) {
                         store(cF32(0), gep(column, j, f32));
                       });
                       forN(cg, [&](Value ic) {
                         Value xv = load(
                             f32, gep(src, mulC(add(mulC(g, cg), ic),
                                                in.strides[1]),
                                      f32));
                         Value wRow =
                             gep(tapBase, add(mulC(ic, o), first), f32);
                         forN(og, [&](Value j) {
                           Value slot = gep(column, j, f32);
                           Value product = b.create<arith::MulFOp>(
                               loc, xv, load(f32, gep(wRow, j, f32)));
                           store(b.create<arith::AddFOp>(
                                     loc, load(f32, slot), product),
                                 slot);
                         });
                       });
                       forN(og, [&](Value j) {
                         Value slot = gep(
                             acc, mulC(add(first, j), out.strides[1]), f32);
                         store(b.create<arith::AddFOp>(
                                   loc, load(f32, slot),
                                   load(f32, gep(column, j, f32))),
                               slot);
                       });
                     });
                   });
                 });
               });
             });
           });
  return success();
}

} // namespace mlir::qc::model_codegen
