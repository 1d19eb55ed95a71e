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
  FailureOr<std::vector<float>> bias = foldFloatBias(op, op.getBias(), o);
  if (failed(bias))
    return failure();
  countFloatWeights(cin * og * kh * kw + (op.getBias() ? o : 0));
  Value tPtr = constantArray<float>(
      "taps_f32", packTransposedTaps<float>(*weights, o, og, cg, kh, kw));
  Value bPtr = constantArray<float>("bias_f32", *bias);
  Value inBase = basePointer(in), outBase = basePointer(out);
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
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
               forEachTransposedTap(
                   px, kh, kw, h, wd, strides, pads, dil,
                   [&](Value y, Value x, Value iy, Value ix) {
                     Value src = gep(srcImg,
                                     add(mulC(iy, in.strides[2]),
                                         mulC(ix, in.strides[3])),
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
                           Value wv = load(f32, gep(wRow, j, f32));
                           Value acc = load(f32, slot);
                           store(mulAddF(acc, xv, wv), slot);
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
  return success();
}

void ModelBuilder::populateFloatConvTransposePatterns(LoweringPatterns &patterns) {
  patterns.add<ConvTranspose2dOp>("float-conv_transpose2d",
                                  &ModelBuilder::emitFloatConvTranspose,
                                  kFloatStep);
}

} // namespace mlir::qc::model_codegen
