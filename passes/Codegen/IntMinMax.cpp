//===- IntMinMax.cpp - qc.qmax / qc.qmin as native code -------------------===//
//
// The elementwise maximum / minimum of two 8-bit tensors in one set of
// qparams (the integer form of ONNX Max / Min, qc-lower-to-integer's
// max-min pattern): a loop over the result in its memory order, operands
// broadcast by stride 0, each element the signed (i8) or unsigned (ui8)
// max / min of the two bytes, as the reference's qextreme. The innermost
// loop has constant strides and no calls, so LLVM vectorizes it.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::qc::model_codegen {

LogicalResult ModelBuilder::emitExtreme(Operation *op) {
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<Value> pointers;
  SmallVector<TensorRef> ins = broadcastOperands(op, pointers);
  bool isMax = isa<QMaxOp>(op), unsignedValues = isUnsigned(out.element);
  parallelLoopNest(
      out.shape, out.strides, pointers,
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value x = load(i8, gep(p[0], offsetOf(ivs, ins[0].strides), i8));
        Value y = load(i8, gep(p[1], offsetOf(ivs, ins[1].strides), i8));
        Value r;
        if (isMax)
          r = unsignedValues ? b.create<arith::MaxUIOp>(loc, x, y).getResult()
                             : b.create<arith::MaxSIOp>(loc, x, y).getResult();
        else
          r = unsignedValues ? b.create<arith::MinUIOp>(loc, x, y).getResult()
                             : b.create<arith::MinSIOp>(loc, x, y).getResult();
        store(r, gep(p[2], offsetOf(ivs, out.strides), i8));
      });
  return success();
}

void ModelBuilder::populateIntMinMaxPatterns(LoweringPatterns &patterns) {
  patterns.add<QMaxOp, QMinOp>("qmax-qmin", &ModelBuilder::planArenaStep,
                               &ModelBuilder::emitExtreme);
}

} // namespace mlir::qc::model_codegen
