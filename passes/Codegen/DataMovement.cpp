//===- DataMovement.cpp - reshape, flatten, concat and result copies --------===//
//
// Data movement: copies of strided tensors into row-major order (reshape /
// flatten of NHWC tensors, the model's results) and qc.concat. Transpose,
// slice and row-major reshapes are views (MemoryPlan.cpp) and emit nothing.
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

void ModelBuilder::copyToRowMajor(const TensorRef &from, Value fromBase,
                                  Value toBase) {
  Type t = storageType(from.element);
  SmallVector<int64_t> to = rowMajorStrides(from.shape);
  loopNest(from.shape, to, [&](ArrayRef<Value> ivs) {
    Value v = load(t, gep(fromBase, offsetOf(ivs, from.strides), t));
    store(v, gep(toBase, offsetOf(ivs, to), t));
  });
}

LogicalResult ModelBuilder::emitConcat(ConcatOp op) {
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(out.shape.size());
  int64_t axis = op.getAxis() < 0 ? static_cast<int64_t>(op.getAxis()) + rank
                                  : static_cast<int64_t>(op.getAxis());
  Type t = storageType(out.element);
  int64_t at = 0;
  for (Value input : op.getInputs()) {
    const TensorRef &in = refs[input];
    Value src = basePointer(in);
    Value dst = gep(basePointer(out), cI64(at * out.strides[axis]), t);
    loopNest(in.shape, out.strides, [&](ArrayRef<Value> ivs) {
      store(load(t, gep(src, offsetOf(ivs, in.strides), t)),
            gep(dst, offsetOf(ivs, out.strides), t));
    });
    at += in.shape[axis];
  }
  return success();
}


} // namespace mlir::qc::model_codegen
