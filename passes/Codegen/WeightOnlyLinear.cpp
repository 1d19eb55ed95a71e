//===- WeightOnlyLinear.cpp - weight-only int8 / int4 linear, float activations
//
// The step of a qc.linear / qc.matmul-by-a-constant whose weight is a
// qc.dequantize of an integer constant (qc-weight-only's output, or an
// imported DequantizeLinear): the weights stay packed in the object (8 bits,
// or two 4-bit values per byte) and are dequantized in registers, with the
// statements of the reference (dequantize, then the float GEMM):
//   w = float(q) [- float(zp)] ) * scale      (the subtraction is exact)
//   acc = 0; for k ascending: acc = acc + x[m, k] * w[k, n]   (no FMA)
//   y = acc [+ bias[n]]
// so the result is bit-identical with the reference executor. Register tiles
// as the float GEMM's (FloatGemm.cpp): rows x 2 vectors of output
// channels; a tile's weights are [K][lanes * 2] bytes (8 bits) or
// [K][lanes] bytes (4 bits: column j in the low nibble, column j + lanes in
// the high one, so the two vectors unpack with shifts only), its qparams
// [groups][lanes * 2]. Vector width from the target (AVX-512: 16 floats,
// AVX2: 8, NEON: 4). See docs/codegen.md, "Weight-only quantization".
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"
#include "passes/Codegen/Target.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

namespace mlir::qc::model_codegen {

namespace {
/// Rows of one register tile: as many as the accumulators (2 per row) leave
/// registers for, with 4 for the weights and the broadcast input (AVX-512
/// and NEON: 14, AVX2: 6), so each dequantized weight serves many rows.
int64_t tileRows(int64_t vectorRegisters) {
  return std::clamp<int64_t>((vectorRegisters - 4) / 2, 6, 14);
}
/// Vectors per tile row: 2, so a 4-bit byte holds one column of each.
constexpr int64_t kVectors = 2;
/// Tiles a single row (a GEMV) accumulates at once.
constexpr int64_t kGemvTiles = 4;
} // namespace

FailureOr<ModelBuilder::WeightOnlyWeights>
ModelBuilder::matchWeightOnly(Operation *op) {
  // The weight operand: linear [N, K], matmul [K, N] (a constant rhs).
  auto dq = op->getOperand(1).getDefiningOp<DequantizeOp>();
  auto c = dq ? dq.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return failure();
  auto type = cast<RankedTensorType>(c.getType());
  Type et = type.getElementType();
  if (type.getRank() != 2 || !type.hasStaticShape() ||
      et.getIntOrFloatBitWidth() != 8)
    return failure();
  WeightOnlyWeights w;
  const int64_t kAxis = isa<LinearOp>(op) ? 1 : 0;
  const int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  w.k = type.getDimSize(kAxis);
  w.n = type.getDimSize(1 - kAxis);
  w.isUnsigned = et.isUnsignedInteger();
  std::optional<uint64_t> axis = dq.getAxis();
  std::optional<uint64_t> block = dq.getBlockSize();
  // The qparams as a function of (n, group): groups of `group` along K.
  ArrayRef<float> scales = dq.getScale();
  ArrayRef<int64_t> zps = dq.getZeroPoint();
  std::function<size_t(int64_t, int64_t)> index;
  if (!axis) {
    w.group = std::max<int64_t>(w.k, 1);
    index = [](int64_t, int64_t) { return size_t{0}; };
  } else if (static_cast<int64_t>(*axis) == 1 - kAxis && !block) {
    w.group = std::max<int64_t>(w.k, 1);
    index = [](int64_t n, int64_t) { return static_cast<size_t>(n); };
  } else if (static_cast<int64_t>(*axis) == kAxis && !block) {
    // Per input channel: a group of one k, the same for every column.
    w.group = 1;
    index = [](int64_t, int64_t g) { return static_cast<size_t>(g); };
  } else if (static_cast<int64_t>(*axis) == kAxis) {
    w.group = static_cast<int64_t>(*block);
    int64_t groups = (w.k + w.group - 1) / w.group;
    int64_t n = w.n;
    index = [=](int64_t c, int64_t g) {
      return static_cast<size_t>(kAxis == 1 ? c * groups + g : g * n + c);
    };
  } else {
    return failure(); // blocks along the output channels: the float path
  }
  w.groups = w.k == 0 ? 0 : (w.k + w.group - 1) / w.group;
  FailureOr<std::vector<int8_t>> raw = getConstantValues<int8_t>(c.getValue());
  if (failed(raw) || static_cast<int64_t>(raw->size()) != rows * cols)
    return failure();
  w.q.resize(raw->size());
  int64_t lo = 0, hi = 0;
  for (int64_t nn = 0; nn < w.n; ++nn)
    for (int64_t kk = 0; kk < w.k; ++kk) {
      int8_t v = (*raw)[kAxis == 1 ? nn * cols + kk : kk * cols + nn];
      int32_t x = w.isUnsigned ? static_cast<uint8_t>(v) : v;
      w.q[nn * w.k + kk] = x;
      lo = std::min<int64_t>(lo, x);
      hi = std::max<int64_t>(hi, x);
    }
  w.bits = (w.isUnsigned ? hi <= 15 : lo >= -8 && hi <= 7) ? 4 : 8;
  w.scales.resize(w.n * w.groups);
  w.zeroPoints.resize(w.n * w.groups);
  for (int64_t nn = 0; nn < w.n; ++nn)
    for (int64_t g = 0; g < w.groups; ++g) {
      size_t i = index(nn, g);
      if (i >= scales.size() || i >= zps.size())
        return failure();
      w.scales[nn * w.groups + g] = scales[i];
      w.zeroPoints[nn * w.groups + g] = zps[i];
      w.hasZeroPoint |= zps[i] != 0;
    }
  return w;
}

LogicalResult ModelBuilder::emitWeightOnlyLinear(Operation *op,
                                                 const WeightOnlyWeights &w) {
  const int64_t lanes = floatLanes(), nt = lanes * kVectors;
  const int64_t k = w.k, n = w.n;
  const int64_t tiles = (n + nt - 1) / nt, fullTiles = n / nt;
  std::vector<float> bias;
  if (auto linear = dyn_cast<LinearOp>(op); linear && linear.getBias()) {
    FailureOr<std::vector<float>> bv = foldFloatConstant(op, linear.getBias());
    if (failed(bv) || static_cast<int64_t>(bv->size()) != n)
      return op->emitError("qc compile: cannot read the linear bias");
    bias = *bv;
  }
  countFloatWeights(k * n + static_cast<int64_t>(bias.size()));

  // Compile time: the tiles' packed weights, qparams and bias.
  const int64_t tileBytes = w.bits == 4 ? k * lanes : k * nt;
  std::vector<int8_t> packed(static_cast<size_t>(tiles * tileBytes), 0);
  std::vector<float> scales(static_cast<size_t>(tiles * w.groups * nt), 1.0f);
  std::vector<float> zeros(static_cast<size_t>(tiles * w.groups * nt), 0.0f);
  std::vector<float> paddedBias(static_cast<size_t>(tiles * nt), 0.0f);
  for (int64_t t = 0; t < tiles; ++t)
    for (int64_t j = 0; j < nt && t * nt + j < n; ++j) {
      const int64_t col = t * nt + j;
      for (int64_t kk = 0; kk < k; ++kk) {
        int32_t q = w.q[col * k + kk];
        if (w.bits == 8) {
          packed[t * tileBytes + kk * nt + j] =
              static_cast<int8_t>(static_cast<uint8_t>(q & 0xff));
        } else {
          // Column j < lanes: low nibble of byte j; else high nibble of
          // byte j - lanes.
          auto &byte = packed[t * tileBytes + kk * lanes + j % lanes];
          uint8_t nib = static_cast<uint8_t>(q & 0xf);
          byte = static_cast<int8_t>(static_cast<uint8_t>(byte) |
                                     (j < lanes ? nib : nib << 4));
        }
      }
      for (int64_t g = 0; g < w.groups; ++g) {
        scales[(t * w.groups + g) * nt + j] = w.scales[col * w.groups + g];
        zeros[(t * w.groups + g) * nt + j] =
            static_cast<float>(w.zeroPoints[col * w.groups + g]);
      }
      if (!bias.empty())
        paddedBias[col] = bias[col];
    }
  Value weightsArray =
      constantArray<int8_t>(w.bits == 4 ? "wo_int4" : "wo_int8", packed);
  Value scalesArray = constantArray<float>("wo_scale", scales);
  Value zerosArray =
      w.hasZeroPoint ? constantArray<float>("wo_zero", zeros) : Value();
  Value biasArray =
      bias.empty() ? Value() : constantArray<float>("wo_bias", paddedBias);

  const TensorRef &in = refs[op->getOperand(0)];
  const TensorRef &out = refs[op->getResult(0)];
  const int64_t rows = product(in.shape) / std::max<int64_t>(k, 1);
  Value a = basePointer(in);
  if (scratch.count(op)) {
    Value rowsBase = arenaPointer(scratch[op]);
    copyToRowMajor(in, a, rowsBase);
    a = rowsBase;
  }
  SmallVector<Value> pointers = {a, basePointer(out), weightsArray,
                                 scalesArray};
  pointers.push_back(zerosArray ? zerosArray : scalesArray);
  pointers.push_back(biasArray ? biasArray : scalesArray);

  auto vf = VectorType::get({lanes}, f32);
  auto vb = VectorType::get({lanes}, i8);
  auto vi = VectorType::get({lanes}, i32);
  // One block of `count` rows from `row` times `tileCount` adjacent tiles
  // from tile t (only a single tile may be partial). Accumulator slot
  // (i, s) with s = tile * kVectors + vector.
  auto block = [&](ArrayRef<Value> p, Value row, int64_t count, Value t,
                   int64_t tileCount, bool partial) {
    const int64_t slots = tileCount * kVectors;
    SmallVector<Value> wt, st, zt;
    for (int64_t tt = 0; tt < tileCount; ++tt) {
      Value tile = add(t, cI64(tt));
      wt.push_back(gep(p[2], mulC(tile, tileBytes), i8));
      st.push_back(gep(p[3], mulC(tile, w.groups * nt), f32));
      zt.push_back(gep(p[4], mulC(tile, w.groups * nt), f32));
    }
    SmallVector<Value> aRows;
    for (int64_t i = 0; i < count; ++i)
      aRows.push_back(gep(p[0], mulC(add(row, cI64(i)), k), f32));
    Value zero = b.create<vector::BroadcastOp>(loc, vf, cF32(0));
    SmallVector<Value> init(count * slots, zero);
    // The float value of each 4-bit code, for the AVX-512 table lookup.
    Value nibbleTable;
    if (w.bits == 4 && lanes == 16 && currentIsa == GemmIsa::X86Avx512Vnni) {
      SmallVector<float> table;
      for (int j = 0; j < 16; ++j)
        table.push_back(static_cast<float>(w.isUnsigned || j < 8 ? j : j - 16));
      nibbleTable = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vf, ArrayRef<float>(table)));
    }
    auto toFloat = [&](Value bytes) -> Value {
      if (w.isUnsigned)
        return b.create<arith::UIToFPOp>(loc, vf, bytes);
      return b.create<arith::SIToFPOp>(loc, vf, bytes);
    };
    auto splat32 = [&](int64_t v) -> Value {
      return b.create<vector::BroadcastOp>(
          loc, vi, b.create<arith::ConstantIntOp>(loc, v, 32));
    };
    auto groups = b.create<scf::ForOp>(
        loc, cI64(0), cI64(w.groups), cI64(1), init,
        [&](OpBuilder &, Location, Value g, ValueRange acc0) {
          // The group's scales (and zero points) of every slot.
          SmallVector<Value> sv, zv;
          for (int64_t tt = 0; tt < tileCount; ++tt)
            for (int64_t j = 0; j < kVectors; ++j) {
              Value at = add(mulC(g, nt), cI64(j * lanes));
              sv.push_back(b.create<LLVM::LoadOp>(loc, vf, gep(st[tt], at, f32),
                                                  /*alignment=*/4));
              if (w.hasZeroPoint)
                zv.push_back(b.create<LLVM::LoadOp>(
                    loc, vf, gep(zt[tt], at, f32), /*alignment=*/4));
            }
          Value k0 = mulC(g, w.group);
          Value k1 =
              b.create<arith::MinSIOp>(loc, add(k0, cI64(w.group)), cI64(k));
          auto inner = b.create<scf::ForOp>(
              loc, k0, k1, cI64(1), acc0,
              [&](OpBuilder &, Location, Value kk, ValueRange acc) {
                // Dequantize the slots' weights of this k.
                SmallVector<Value> qv;
                for (int64_t tt = 0; tt < tileCount; ++tt) {
                  if (w.bits == 8) {
                    Value wk = gep(wt[tt], mulC(kk, nt), i8);
                    for (int64_t j = 0; j < kVectors; ++j)
                      qv.push_back(toFloat(b.create<LLVM::LoadOp>(
                          loc, vb, gep(wk, cI64(j * lanes), i8),
                          /*alignment=*/1)));
                    continue;
                  }
                  // Widened to 32-bit lanes first (x86 has no 8-bit
                  // shifts): the low nibble by shifting it to the top and
                  // back, the high one by one shift of the extended byte.
                  Value bytes = b.create<LLVM::LoadOp>(
                      loc, vb, gep(wt[tt], mulC(kk, lanes), i8),
                      /*alignment=*/1);
                  Value lo, hi;
                  if (nibbleTable) {
                    // AVX-512: vpermps reads the low 4 bits of each index,
                    // so a 16-entry table of the nibbles' float values
                    // replaces the shifts and the conversion (exact: the
                    // same small integers).
                    Value v = b.create<arith::ExtUIOp>(loc, vi, bytes);
                    auto permute = [&](Value index) -> Value {
                      return b
                          .create<LLVM::CallIntrinsicOp>(
                              loc, vf, "llvm.x86.avx512.permvar.sf.512",
                              ValueRange{nibbleTable, index})
                          .getResult(0);
                    };
                    qv.push_back(permute(v));
                    qv.push_back(
                        permute(b.create<arith::ShRUIOp>(loc, v, splat32(4))));
                    continue;
                  }
                  if (w.isUnsigned) {
                    Value v = b.create<arith::ExtUIOp>(loc, vi, bytes);
                    lo = b.create<arith::AndIOp>(loc, v, splat32(15));
                    hi = b.create<arith::ShRUIOp>(loc, v, splat32(4));
                  } else {
                    Value v = b.create<arith::ExtSIOp>(loc, vi, bytes);
                    lo = b.create<arith::ShRSIOp>(
                        loc, b.create<arith::ShLIOp>(loc, v, splat32(28)),
                        splat32(28));
                    hi = b.create<arith::ShRSIOp>(loc, v, splat32(4));
                  }
                  qv.push_back(b.create<arith::SIToFPOp>(loc, vf, lo));
                  qv.push_back(b.create<arith::SIToFPOp>(loc, vf, hi));
                }
                SmallVector<Value> wv;
                for (int64_t sl = 0; sl < slots; ++sl) {
                  Value v = qv[sl];
                  if (w.hasZeroPoint)
                    v = b.create<arith::SubFOp>(loc, v, zv[sl]);
                  wv.push_back(b.create<arith::MulFOp>(loc, v, sv[sl]));
                }
                SmallVector<Value> next;
                for (int64_t i = 0; i < count; ++i) {
                  Value x = load(f32, gep(aRows[i], kk, f32));
                  Value xb = b.create<vector::BroadcastOp>(loc, vf, x);
                  for (int64_t sl = 0; sl < slots; ++sl)
                    next.push_back(b.create<arith::AddFOp>(
                        loc, acc[i * slots + sl],
                        b.create<arith::MulFOp>(loc, xb, wv[sl])));
                }
                b.create<scf::YieldOp>(loc, next);
              });
          b.create<scf::YieldOp>(loc, inner.getResults());
        });
    SmallVector<Value> results(groups.getResults());
    if (biasArray) {
      for (int64_t tt = 0; tt < tileCount; ++tt) {
        Value bt = gep(p[5], mulC(add(t, cI64(tt)), nt), f32);
        for (int64_t j = 0; j < kVectors; ++j) {
          Value bj = b.create<LLVM::LoadOp>(
              loc, vf, gep(bt, cI64(j * lanes), f32), /*alignment=*/4);
          for (int64_t i = 0; i < count; ++i) {
            Value &r = results[i * slots + tt * kVectors + j];
            r = b.create<arith::AddFOp>(loc, r, bj);
          }
        }
      }
    }
    for (int64_t i = 0; i < count; ++i) {
      Value cRow = gep(p[1], mulC(add(row, cI64(i)), n), f32);
      if (!partial) {
        Value ct = gep(cRow, mulC(t, nt), f32);
        for (int64_t sl = 0; sl < slots; ++sl)
          b.create<LLVM::StoreOp>(loc, results[i * slots + sl],
                                  gep(ct, cI64(sl * lanes), f32),
                                  /*alignment=*/4);
        continue;
      }
      const int64_t n0 = fullTiles * nt;
      for (int64_t j = 0; n0 + j < n; ++j) {
        Value v = b.create<vector::ExtractOp>(
            loc, results[i * slots + j / lanes], ArrayRef<int64_t>{j % lanes});
        store(v, gep(cRow, cI64(n0 + j), f32));
      }
    }
  };
  const int64_t kRows =
      tileRows(::qc::codegen::getTarget(currentIsa).vectorRegisters);
  parallel(rows, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
    // Tile by tile (its packed weights stay in cache for all rows), blocks
    // of kRows rows; the remaining rows one by one, kGemvTiles full tiles at
    // a time (independent accumulators, so a GEMV is not bound by the
    // latency of one chain of additions).
    Value blocks = divC(sub(end, begin), kRows);
    auto rowsOfTile = [&](Value t, bool partial) {
      forRange(cI64(0), blocks, [&](Value blk) {
        block(p, add(begin, mulC(blk, kRows)), kRows, t, 1, partial);
      });
    };
    if (fullTiles > 0)
      forN(fullTiles, [&](Value t) { rowsOfTile(t, false); });
    if (fullTiles < tiles)
      rowsOfTile(cI64(fullTiles), true);
    const int64_t wide = fullTiles / kGemvTiles;
    forRange(add(begin, mulC(blocks, kRows)), end, [&](Value r) {
      if (wide > 0)
        forN(wide, [&](Value t) {
          block(p, r, 1, mulC(t, kGemvTiles), kGemvTiles, false);
        });
      for (int64_t t = wide * kGemvTiles; t < fullTiles; ++t)
        block(p, r, 1, cI64(t), 1, false);
      if (fullTiles < tiles)
        block(p, r, 1, cI64(fullTiles), 1, true);
    });
  });
  return success();
}

} // namespace mlir::qc::model_codegen
