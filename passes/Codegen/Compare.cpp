//===- Compare.cpp - qc.compare and qc.select as native code --------------===//
//
// ONNX Equal / Less / LessOrEqual / Greater / GreaterOrEqual (qc.compare)
// and Where (qc.select) with numpy broadcasting, as ModelBuilder steps equal
// to the reference executor (reference/KernelsAny.cpp):
//
//   - qc.compare of f32 operands is an ordered comparison (a NaN compares
//     false, as the reference's comparison of the values widened to double);
//     of integer operands (i8 / ui8 / i16 / i32 / i64) a comparison of the
//     values widened to i64 as their types say;
//   - the i1 result is stored as one byte per element (0 or 1) in the arena;
//     a bool is read as `byte != 0`. Bool values live inside the model only:
//     a bool model input or output is refused (the runtime ABI has no bool
//     dtype), so a mask is computed and consumed inside the program (a
//     causal mask `positions < length`, `x > threshold` feeding Where);
//   - qc.select copies the chosen operand's element (any element type the
//     arena stores: f32, 8- to 64-bit integers, bool) bit for bit.
// Constant operands (a threshold, a mask folded at import time) are
// globals of the object. The loops run over the result in row-major order,
// the innermost dimension contiguous, for LLVM to vectorize.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::qc::model_codegen {

namespace {
/// The element types a compare operand or a select branch may have.
bool isCompiledElement(Type t) {
  return t.isF32() || t.isInteger(1) || t.isInteger(8) || t.isInteger(16) ||
         t.isInteger(32) || t.isInteger(64);
}
} // namespace

LogicalResult ModelBuilder::planCompareSelect(Operation *op) {
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    Type et = cast<RankedTensorType>(v.getType()).getElementType();
    if (!isCompiledElement(et))
      return op->emitError() << "qc compile: '" << op->getName()
                             << "' with operand #" << i << " of element type "
                             << et
                             << " is not supported by the native code (f32, "
                                "bool and 8- to 64-bit integers)";
    if (auto cmp = dyn_cast<CompareOp>(op); cmp && et.isInteger(1))
      return op->emitError() << "qc compile: qc.compare of bool operands is "
                                "not supported by the native code";
    if (auto c = v.getDefiningOp<ConstantOp>(); c && !refs.count(v)) {
      FailureOr<TensorRef> r = constantOperand(c);
      if (failed(r))
        return op->emitError() << "qc compile: cannot read the constant "
                                  "operand #"
                               << i << " of '" << op->getName() << "'";
      refs[v] = *r;
    }
    if (failed(requireRef(op, v, "an operand")))
      return failure();
  }
  if (auto cmp = dyn_cast<CompareOp>(op)) {
    StringRef p = cmp.getPredicate();
    if (p != "eq" && p != "lt" && p != "le" && p != "gt" && p != "ge")
      return op->emitError() << "qc compile: unknown qc.compare predicate '"
                             << p << "'";
  }
  std::string stepName =
      (op->getName().stripDialect() + "_" + Twine(step)).str();
  Value result = op->getResult(0);
  refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
  return success();
}

LogicalResult ModelBuilder::emitCompareSelect(Operation *op) {
  SmallVector<Value> pointers;
  SmallVector<TensorRef> ins = broadcastOperands(op, pointers);
  const TensorRef &out = refs[op->getResult(0)];
  // A bool is one byte in memory.
  auto memoryType = [&](Type t) { return t.isInteger(1) ? i8 : storageType(t); };
  auto loadAt = [&](ArrayRef<Value> p, size_t i, ArrayRef<Value> ivs) {
    Type t = memoryType(ins[i].element);
    return load(t, gep(p[i], offsetOf(ivs, ins[i].strides), t));
  };
  if (auto cmp = dyn_cast<CompareOp>(op)) {
    StringRef p = cmp.getPredicate();
    Type et = ins[0].element;
    bool isFloat = et.isF32();
    arith::CmpFPredicate fp = p == "eq"   ? arith::CmpFPredicate::OEQ
                              : p == "lt" ? arith::CmpFPredicate::OLT
                              : p == "le" ? arith::CmpFPredicate::OLE
                              : p == "gt" ? arith::CmpFPredicate::OGT
                                          : arith::CmpFPredicate::OGE;
    arith::CmpIPredicate ip = p == "eq"   ? arith::CmpIPredicate::eq
                              : p == "lt" ? arith::CmpIPredicate::slt
                              : p == "le" ? arith::CmpIPredicate::sle
                              : p == "gt" ? arith::CmpIPredicate::sgt
                                          : arith::CmpIPredicate::sge;
    auto widen = [&](Value v, Type element) -> Value {
      if (v.getType() == i64)
        return v;
      if (isUnsigned(element))
        return b.create<arith::ExtUIOp>(loc, i64, v);
      return b.create<arith::ExtSIOp>(loc, i64, v);
    };
    parallelLoopNest(out.shape, rowMajorStrides(out.shape), pointers,
                     [&](ArrayRef<Value> ivs, ArrayRef<Value> ptrs) {
                       Value a = loadAt(ptrs, 0, ivs), c = loadAt(ptrs, 1, ivs);
                       Value r =
                           isFloat
                               ? b.create<arith::CmpFOp>(loc, fp, a, c)
                                     .getResult()
                               : b.create<arith::CmpIOp>(
                                      loc, ip, widen(a, ins[0].element),
                                      widen(c, ins[1].element))
                                     .getResult();
                       store(b.create<arith::ExtUIOp>(loc, i8, r),
                             gep(ptrs[2], offsetOf(ivs, out.strides), i8));
                     });
    return success();
  }
  Type t = memoryType(out.element);
  parallelLoopNest(
      out.shape, rowMajorStrides(out.shape), pointers,
      [&](ArrayRef<Value> ivs, ArrayRef<Value> ptrs) {
        Value cond = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne,
                                             loadAt(ptrs, 0, ivs),
                                             b.create<arith::ConstantIntOp>(
                                                 loc, 0, 8));
        Value v = b.create<arith::SelectOp>(loc, cond, loadAt(ptrs, 1, ivs),
                                            loadAt(ptrs, 2, ivs));
        store(v, gep(ptrs[3], offsetOf(ivs, out.strides), t));
      });
  return success();
}

void ModelBuilder::populateComparePatterns(LoweringPatterns &patterns) {
  patterns.add<CompareOp, SelectOp>("compare-select",
                                    &ModelBuilder::planCompareSelect,
                                    &ModelBuilder::emitCompareSelect);
}

} // namespace mlir::qc::model_codegen
