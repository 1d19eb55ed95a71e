//===- IntMatmul.cpp - qc.qmatmul: int8 GEMM of two run-time tensors -------===//
//
// The step of a qc.qmatmul (attention's QK^T and AV), exact against
// ref::qmatmul (reference/KernelsInt.cpp) because it runs the same int8 GEMM
// kernels as qc.qlinear on operands packed the way packGemmWeights
// (GemmLayout.cpp) packs constants:
//   1. parallel over the batch indices (heads): the rhs matrix [K, N] of
//      each, read through its strides (a transposed K is a view, never
//      copied), is packed into the kernel's tile order in the step's
//      scratch, K and N padded with zeros; the packed bias is
//      -zp_domain * (column sum), zp_domain the lhs zero point in the
//      kernel's activation domain (packGemmWeights' rule), modulo 2^32;
//   2. parallel over (batch index, block of rows): the kernel on the lhs
//      rows (in place when K is contiguous, else a row-major copy) with the
//      per-tensor multiplier, into the row-major result.
// See docs/codegen.md, "Integer attention".
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/GemmLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <algorithm>
#include <limits>

namespace mlir::qc::model_codegen {

namespace {
int64_t alignUp64(int64_t bytes) {
  if (bytes > std::numeric_limits<int64_t>::max() - 63)
    return std::numeric_limits<int64_t>::max();
  return (bytes + 63) / 64 * 64;
}

/// Rows of the lhs one kernel call takes (a multiple of the tile's rows).
int64_t blockRows(int64_t mr) { return mr * std::max<int64_t>(1, 48 / mr); }

/// Bytes of one batch index's packed rhs and bias for \p config.
struct PackedSlot {
  int64_t kPadded = 0, nPadded = 0, weightBytes = 0, bytes = 0;
};
PackedSlot packedSlot(const GemmKernelConfig &config, int64_t k, int64_t n) {
  PackedSlot s;
  s.kPadded = ::qc::codegen::getPaddedK(config, k);
  s.nPadded = ::qc::codegen::getPaddedN(config, n);
  s.weightBytes = alignUp64(satMul(s.kPadded, s.nPadded));
  s.bytes = alignUp64(satMul(s.nPadded, 4));
  s.bytes = s.weightBytes > std::numeric_limits<int64_t>::max() - s.bytes
                ? std::numeric_limits<int64_t>::max()
                : s.weightBytes + s.bytes;
  return s;
}

QType qtypeOf(Type element) {
  return isUnsigned(element) ? QType::U8 : QType::S8;
}
} // namespace

QMatmulScratch getQMatmulScratch(QMatmulOp op, bool copyLhs) {
  auto lt = op.getLhs().getType(), rt = op.getRhs().getType();
  int64_t rank = lt.getRank();
  int64_t k = lt.getDimSize(rank - 1), n = rt.getDimSize(rank - 1);
  int64_t batches = product(lt.getShape().drop_back(2));
  QMatmulScratch s;
  // The largest slot of any variant (the plan is made before the variants
  // are chosen; each packs into the same buffer with its own tile).
  for (GemmIsa isa : ::qc::codegen::allGemmIsas()) {
    GemmKernelConfig config = ::qc::codegen::getDefaultGemmKernelConfig(
        isa, qtypeOf(lt.getElementType()),
        qtypeOf(op.getOutput().getType().getElementType()));
    s.slotBytes = std::max(s.slotBytes, packedSlot(config, k, n).bytes);
  }
  s.bytes = alignUp64(satMul(batches, s.slotBytes));
  if (copyLhs) {
    s.lhsCopy = s.bytes;
    int64_t copy = product(lt.getShape());
    s.bytes = s.bytes > std::numeric_limits<int64_t>::max() - copy
                  ? std::numeric_limits<int64_t>::max()
                  : s.bytes + copy;
  }
  return s;
}

LogicalResult ModelBuilder::emitQMatmul(QMatmulOp op) {
  const TensorRef &lhs = refs[op.getLhs()];
  const TensorRef &rhs = refs[op.getRhs()];
  const TensorRef &out = refs[op.getResult()];
  const int64_t rank = static_cast<int64_t>(lhs.shape.size());
  const int64_t m = lhs.shape[rank - 2], k = lhs.shape[rank - 1],
                n = rhs.shape[rank - 1];
  ArrayRef<int64_t> batchShape = ArrayRef<int64_t>(lhs.shape).drop_back(2);
  const int64_t batches = product(batchShape);

  FailureOr<PackedGemm> kernel = gemmKernelFor(lhs.element, out.element, k, n);
  if (failed(kernel))
    return failure();
  PackedGemm g = *kernel;
  g.panels.push_back({0, n});
  const ::qc::codegen::GemmIsaInfo &info = g.config.info();
  const PackedSlot slot = packedSlot(g.config, k, n);
  const int64_t nr = g.config.nr(), groups = slot.kPadded / info.kGroup;

  // Compile time: the per-tensor multiplier over the padded columns (0 in
  // the padding, as packGemmWeights writes), and the zero point in the
  // kernel's activation domain.
  std::vector<float> mult(static_cast<size_t>(slot.nPadded), 0.0f);
  std::fill(mult.begin(), mult.begin() + n, op.getRequantMultiplier());
  Value multArray = constantArray<float>("qmm_mult", mult);
  int64_t zpDomain = static_cast<int64_t>(op.getLhsZeroPoint());
  if (info.activationDomain && *info.activationDomain != g.config.aType)
    zpDomain += g.config.aType == QType::S8 ? 128 : -128;

  QMatmulScratch sc = getQMatmulScratch(op, qmatmulCopiesLhs(lhs));
  Value scratchBase = arenaPointer(scratch[op.getOperation()]);
  Value lhsBase = basePointer(lhs);
  SmallVector<int64_t> lhsStrides = lhs.strides;
  if (sc.lhsCopy >= 0) {
    Value rows = gep(scratchBase, cI64(sc.lhsCopy), i8);
    copyToRowMajor(lhs, lhsBase, rows);
    lhsBase = rows;
    lhsStrides = rowMajorStrides(lhs.shape);
  }

  // The element offset of batch index `bi` in a tensor of \p strides.
  auto batchOffset = [&](Value bi, ArrayRef<int64_t> strides) {
    Value off = cI64(0), rest = bi;
    for (int64_t d = static_cast<int64_t>(batchShape.size()) - 1; d >= 0;
         --d) {
      if (batchShape[d] == 1)
        continue;
      off = add(off, mulC(remC(rest, batchShape[d]), strides[d]));
      rest = divC(rest, batchShape[d]);
    }
    return off;
  };

  // Step 1: pack each batch index's rhs (parallel over batch indices).
  const int64_t sk = rhs.strides[rank - 2], sn = rhs.strides[rank - 1];
  parallel(batches, {basePointer(rhs), scratchBase},
           [&](Value begin, Value end, ArrayRef<Value> p) {
    forRange(begin, end, [&](Value bi) {
      Value src = gep(p[0], batchOffset(bi, rhs.strides), i8);
      Value dst = gep(p[1], mulC(bi, sc.slotBytes), i8);
      Value biasDst = gep(dst, cI64(slot.weightBytes), i8);
      // packed[tile][group][vector][column in vector][k in group]: zeros
      // first where K or N is padded, then each column's K values at
      // their places (no branch per element), summed on the way for the
      // bias -zpDomain * sum_k rhs[k, col].
      if (slot.kPadded != k || slot.nPadded != n)
        forN(slot.weightBytes / 8,
             [&](Value i) { store(cI64(0), gep(dst, mulC(i, 8), i8)); });
      const int64_t groupStride = g.config.nVectors * info.vectorBytes;
      forN(n, [&](Value col) {
        Value tile = divC(col, nr), inTile = remC(col, nr);
        Value colBase =
            add(add(mulC(tile, groups * groupStride),
                    mulC(divC(inTile, info.columnsPerVector),
                         info.vectorBytes)),
                mulC(remC(inTile, info.columnsPerVector), info.kGroup));
        Value colSrc = gep(src, mulC(col, sn), i8);
        auto sum = b.create<scf::ForOp>(
            loc, cI64(0), cI64(k), cI64(1), ValueRange{cI32(0)},
            [&](OpBuilder &, Location, Value kk, ValueRange acc) {
              Value v = load(i8, gep(colSrc, mulC(kk, sk), i8));
              Value at = add(colBase,
                             add(mulC(divC(kk, info.kGroup), groupStride),
                                 remC(kk, info.kGroup)));
              store(v, gep(dst, at, i8));
              b.create<scf::YieldOp>(
                  loc,
                  ValueRange{add(acc[0], b.create<arith::ExtSIOp>(loc, i32, v))});
            });
        store(b.create<arith::MulIOp>(loc, sum.getResult(0),
                                      cI32(-zpDomain)),
              gep(biasDst, col, i32));
      });
      forRange(cI64(n), cI64(slot.nPadded),
               [&](Value col) { store(cI32(0), gep(biasDst, col, i32)); });
    });
  });

  // Step 2: the kernel on blocks of lhs rows (parallel over batch index x
  // row block).
  const int64_t rowsPerBlock = blockRows(g.config.mr);
  const int64_t blocks = (m + rowsPerBlock - 1) / rowsPerBlock;
  const int64_t lda = lhsStrides[rank - 2];
  parallel(batches * blocks, {lhsBase, scratchBase, multArray,
                              basePointer(out)},
           [&](Value begin, Value end, ArrayRef<Value> p) {
    forRange(begin, end, [&](Value idx) {
      Value bi = divC(idx, blocks), block = remC(idx, blocks);
      Value row0 = mulC(block, rowsPerBlock);
      Value rows = b.create<arith::MinUIOp>(
          loc, cI64(rowsPerBlock), sub(cI64(m), row0));
      Value a = gep(p[0], add(batchOffset(bi, lhsStrides), mulC(row0, lda)),
                    i8);
      Value packed = gep(p[1], mulC(bi, sc.slotBytes), i8);
      Value bias = gep(packed, cI64(slot.weightBytes), i8);
      Value c = gep(p[3], add(mulC(bi, m * n), mulC(row0, n)), i8);
      callGemm(g, packed, bias, p[2], a, lda, c, n, rows,
               op.getOutputZeroPoint(), op.getClampMin(), op.getClampMax());
    });
  });
  return success();
}

LogicalResult ModelBuilder::planQMatmul(QMatmulOp op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  // The rhs packed per batch index (and a row-major lhs copy when its rows
  // are not K-contiguous); the result row-major.
  scratch[op] = newBuffer(
      stepName(op) + "_packed",
      getQMatmulScratch(op, qmatmulCopiesLhs(refs[op.getLhs()])).bytes);
  placeResult(op, /*rowMajor=*/true);
  return success();
}

void ModelBuilder::populateIntMatmulPatterns(LoweringPatterns &patterns) {
  patterns.add<QMatmulOp>("qmatmul", &ModelBuilder::planQMatmul,
                          &ModelBuilder::emitQMatmul);
}

} // namespace mlir::qc::model_codegen
