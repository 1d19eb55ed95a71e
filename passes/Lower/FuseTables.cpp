//===- FuseTables.cpp - Elementwise chains of one 8-bit input as one table ===//
//
// qc-fuse-tables (passes/Passes.td): qc.qlut of a qc.qlut, and qc.qmul of a
// value and a table of that same value, become one qc.qlut whose entries are
// the chain's integer rules applied to each of the 256 codes (exact).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qc {
#define GEN_PASS_DEF_QCFUSETABLES
#include "passes/Passes.h.inc"

namespace {

/// ref::qmul's requantize of one product (reference/KernelsInt.cpp,
/// roundAndClamp): round half to even in double, + zp, clamped.
int32_t requantizeProduct(int64_t p, float m, int64_t zp, int64_t lo,
                          int64_t hi) {
  double r = std::nearbyint(static_cast<double>(static_cast<float>(p) * m)) +
             static_cast<double>(zp);
  if (r <= static_cast<double>(lo))
    return static_cast<int32_t>(lo);
  if (r >= static_cast<double>(hi))
    return static_cast<int32_t>(hi);
  return static_cast<int32_t>(r);
}

bool sameShape(Value a, Value b) {
  return cast<RankedTensorType>(a.getType()).getShape() ==
         cast<RankedTensorType>(b.getType()).getShape();
}

/// qc.qlut(qc.qlut(x)) -> qc.qlut(x), the inner table used by nothing else.
bool fuseLutOfLut(QLutOp outer) {
  auto inner = outer.getInput().getDefiningOp<QLutOp>();
  if (!inner || !inner.getResult().hasOneUse())
    return false;
  ArrayRef<int32_t> t1 = inner.getTable(), t2 = outer.getTable();
  std::vector<int32_t> table;
  int64_t min2 = outer.getInputMin();
  for (int32_t v : t1) {
    int64_t k = static_cast<int64_t>(v) - min2;
    if (k < 0 || k > 255 || t1.size() != 256 || t2.size() != 256)
      return false;
    table.push_back(t2[k]);
  }
  OpBuilder b(outer);
  auto fused = b.create<QLutOp>(
      outer.getLoc(), outer.getResult().getType(), inner.getInput(),
      b.getStringAttr((outer.getFunction() + "(" + inner.getFunction() + ")")
                          .str()),
      b.getDenseI32ArrayAttr(table));
  outer.getResult().replaceAllUsesWith(fused.getResult());
  outer.erase();
  inner.erase();
  return true;
}

/// qc.qmul(a, qc.qlut(a)) (or swapped) -> qc.qlut(a).
bool fuseMulOfLut(QMulOp mul) {
  Value lhs = mul.getLhs(), rhs = mul.getRhs();
  QLutOp lut;
  bool lutIsRhs = false;
  if (auto l = rhs.getDefiningOp<QLutOp>(); l && l.getInput() == lhs) {
    lut = l;
    lutIsRhs = true;
  } else if (auto l = lhs.getDefiningOp<QLutOp>(); l && l.getInput() == rhs) {
    lut = l;
  }
  if (!lut || !lut.getResult().hasOneUse() || lut.getTable().size() != 256 ||
      !sameShape(lhs, rhs) || !sameShape(lhs, mul.getResult()))
    return false;
  Value x = lut.getInput();
  int64_t xMin = lut.getInputMin();
  float m = mul.getRequantMultiplier();
  int64_t za = mul.getLhsZeroPoint(), zb = mul.getRhsZeroPoint();
  std::vector<int32_t> table;
  for (int64_t k = 0; k < 256; ++k) {
    int64_t v = k + xMin, u = lut.getTable()[k];
    int64_t p = lutIsRhs ? (v - za) * (u - zb) : (u - za) * (v - zb);
    table.push_back(requantizeProduct(p, m, mul.getOutputZeroPoint(),
                                      mul.getClampMin(), mul.getClampMax()));
  }
  OpBuilder b(mul);
  auto fused = b.create<QLutOp>(
      mul.getLoc(), mul.getResult().getType(), x,
      b.getStringAttr(("mul(x, " + lut.getFunction() + ")").str()),
      b.getDenseI32ArrayAttr(table));
  mul.getResult().replaceAllUsesWith(fused.getResult());
  mul.erase();
  lut.erase();
  return true;
}

struct FuseTablesPass : impl::QCFuseTablesBase<FuseTablesPass> {
  void runOnOperation() override {
    // Program order: a chain's inner ops are fused before its outer ones,
    // and every op a fusion erases comes before the op being visited.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<QLutOp, QMulOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto lut = dyn_cast<QLutOp>(op))
        fuseLutOfLut(lut);
      else if (auto mul = dyn_cast<QMulOp>(op))
        fuseMulOfLut(mul);
    }
  }
};

} // namespace
} // namespace mlir::qc
