//===- Gather.cpp - qc.gather with run-time indices (embedding lookups) ---===//
//
// The token path of a language model: the ids arrive as an int64 / int32
// model input and qc.gather takes rows of a table (the embedding, a
// constant of the object, or a row-major tensor of an earlier step) at
// those ids. The step first checks and normalizes every index (ONNX's rule,
// the reference's `ref::gather`: a negative index counts from the end, one
// outside [-dim, dim) fails the run), then copies the slices with memcpy.
// An index out of range never reads memory: its slice is zero-filled and
// the run's status gets kGatherIndexStatus, so qc_session_run fails with
// QC_STATUS_MODEL_ERROR as `qc run` fails on the same input.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "runtime/include/qc_model_abi.h"

namespace mlir::qc::model_codegen {

namespace {
/// The element types a gathered table may have (the storage types data
/// movement copies).
bool isGatherable(Type t) {
  return t.isF32() || t.isInteger(8) || t.isInteger(16) || t.isInteger(32) ||
         t.isInteger(64);
}
} // namespace

LogicalResult ModelBuilder::planGather(GatherOp op) {
  Value data = op.getInput(), indices = op.getIndices();
  auto dataType = cast<RankedTensorType>(data.getType());
  Type indexType = cast<RankedTensorType>(indices.getType()).getElementType();
  if (!indexType.isSignlessInteger(64) && !indexType.isSignlessInteger(32))
    return op.emitError() << "qc compile: the indices of qc.gather are "
                          << indexType
                          << "; the native code takes i64 or i32 indices";
  if (!isGatherable(dataType.getElementType()))
    return op.emitError() << "qc compile: qc.gather of a "
                          << dataType.getElementType()
                          << " tensor is not supported by the native code "
                             "(f32, 8-, 16-, 32- and 64-bit integers)";
  int64_t rank = dataType.getRank();
  auto axis = static_cast<int64_t>(op.getAxis());
  if (rank < 1 || axis < -rank || axis >= rank)
    return op.emitError() << "qc compile: qc.gather axis " << axis
                          << " is out of range for a rank-" << rank
                          << " input";
  if (auto c = data.getDefiningOp<ConstantOp>(); c && !refs.count(data)) {
    FailureOr<TensorRef> r = constantOperand(c);
    if (failed(r))
      return op.emitError("qc compile: cannot read the table of qc.gather");
    refs[data] = *r;
  }
  if (failed(requireRef(op, data, "the table")) ||
      failed(requireRef(op, indices, "the indices")))
    return failure();
  if (!refs[data].isRowMajor())
    return op.emitError("qc compile: qc.gather reads a row-major table (a "
                        "constant, or a tensor in row-major order)");
  std::string stepName = ("gather_" + Twine(step)).str();
  Value result = op.getResult();
  refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
  return success();
}

LogicalResult ModelBuilder::emitGather(GatherOp op) {
  const TensorRef &table = refs[op.getInput()];
  const TensorRef &idx = refs[op.getIndices()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(table.shape.size());
  auto axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = product(ArrayRef<int64_t>(table.shape).take_front(axis));
  int64_t dim = table.shape[axis];
  int64_t inner = product(ArrayRef<int64_t>(table.shape).drop_front(axis + 1));
  int64_t count = product(idx.shape);
  int64_t eb = elementBytes(table.element);
  Type indexStorage = storageType(idx.element);
  if (table.kind == TensorRef::Constant && table.element.isF32())
    countFloatWeights(product(table.shape));

  // Every index, normalized, into a scratch row of i64 (an alloca: counts
  // are token counts) and its check, in the reference's order.
  Value tableBase = basePointer(table), idxBase = basePointer(idx),
        outBase = basePointer(out);
  Value norm = b.create<LLVM::AllocaOp>(
      loc, ptr, LLVM::LLVMArrayType::get(i64, std::max<int64_t>(count, 1)),
      cI32(1), 8);
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), badSlot);
  SmallVector<int64_t> dense = rowMajorStrides(idx.shape);
  loopNest(idx.shape, dense, [&](ArrayRef<Value> ivs) {
    Value raw = load(indexStorage, gep(idxBase, offsetOf(ivs, idx.strides),
                                       indexStorage));
    if (indexStorage != i64)
      raw = b.create<arith::ExtSIOp>(loc, i64, raw);
    Value negative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, raw, cI64(0));
    Value i = b.create<arith::SelectOp>(loc, negative, add(raw, cI64(dim)), raw);
    Value ok = inBounds(i, dim);
    // Out of range: the index of an all-zero slice is -1 (never read).
    store(b.create<arith::SelectOp>(loc, ok, i, cI64(-1)),
          gep(norm, offsetOf(ivs, dense), i64));
    store(b.create<arith::SelectOp>(loc, ok, load(i32, badSlot),
                                    cI32(kGatherIndexStatus)),
          badSlot);
  });
  store(b.create<arith::OrIOp>(loc, load(i32, statusSlot), load(i32, badSlot)),
        statusSlot);

  // out[p, k, :] = table[p, norm[k], :], one memcpy per slice.
  Value sliceBytes = cI64(inner * eb);
  forN(outer, [&](Value p) {
    forN(count, [&](Value k) {
      Value i = load(i64, gep(norm, k, i64));
      Value dst = gep(outBase, mul(add(mulC(p, count), k), sliceBytes), i8);
      Value valid =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, i, cI64(0));
      ifThen(
          valid,
          [&] {
            Value src = gep(tableBase,
                            mul(add(mulC(p, dim), i), sliceBytes), i8);
            b.create<LLVM::MemcpyOp>(loc, dst, src, sliceBytes,
                                     /*isVolatile=*/false);
          },
          [&] {
            b.create<LLVM::MemsetOp>(
                loc, dst, b.create<arith::ConstantIntOp>(loc, 0, 8),
                sliceBytes, /*isVolatile=*/false);
          });
    });
  });
  return success();
}

} // namespace mlir::qc::model_codegen
