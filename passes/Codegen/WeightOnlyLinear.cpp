//===- WeightOnlyLinear.cpp - weight-only int8 / int4 linear, float activations
//
// The step of a qc.linear / qc.matmul-by-a-constant whose weight is a
// qc.dequantize of an integer constant (qc-weight-only's output, or an
// imported DequantizeLinear; WeightOnlyForm.h decides): the weights stay
// packed in the object (8 bits, or two 4-bit values per byte) and are
// converted in registers, with the statements of the weight-only rule that
// the reference executor also runs (ref::weightOnlyLinear):
//   y = 0; for each group g of K:
//     p = 0; for k in g ascending: p = fma(float(q) [- float(zp)], x[m, k], p)
//     y = fma(scale[n, g], p, y)
//   y = y [+ bias[n]]
// (float(q) - float(zp) is exact; fma is correctly rounded everywhere),
// so the result is bit-identical with the reference executor. Register tiles
// as the float GEMM's (FloatGemm.cpp): rows x 2 vectors of output
// channels; a tile's weights are [K][lanes * 2] bytes (8 bits) or
// [K][lanes] bytes (4 bits: column j in the low nibble, column j + lanes in
// the high one, so the two vectors unpack with shifts only; on AVX-512 with
// groups of 8n "k-octets" instead: dwords of 8 k of one column, looked up
// with vpermd), its qparams [groups][lanes * 2]. Vector width from the target
// (AVX-512: 16 floats, AVX2: 8, NEON: 4). See docs/codegen.md, "Weight-only
// quantization".
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"
#include "passes/Codegen/Target.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/WeightOnlyForm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

namespace mlir::qc::model_codegen {

namespace {
/// Rows of one register tile: each row holds 2 vectors of group partials
/// and 2 of outputs, with 4 registers left for the weights and the
/// broadcast input (AVX-512 and NEON: 7 rows, AVX2: 3), so each unpacked
/// weight vector serves several rows.
int64_t tileRows(int64_t vectorRegisters) {
  return std::clamp<int64_t>((vectorRegisters - 4) / 4, 2, 7);
}
/// Vectors per tile row: 2, so a 4-bit byte holds one column of each.
constexpr int64_t kVectors = 2;
/// Tiles a single row (a GEMV) accumulates at once: 4 (8 independent FMA
/// chains) when 32 registers hold their partials and outputs, 3 on AVX2.
int64_t gemvTiles(int64_t vectorRegisters) {
  return std::clamp<int64_t>((vectorRegisters - 4) / 4, 1, 4);
}
} // namespace

FailureOr<ModelBuilder::WeightOnlyWeights>
ModelBuilder::matchWeightOnly(Operation *op) {
  // The same test as the reference executor's (WeightOnlyForm.h), so both
  // use the weight-only rule on exactly the same ops.
  std::optional<WeightOnlyForm> form = matchWeightOnlyForm(op);
  if (!form)
    return failure();
  WeightOnlyWeights w;
  w.k = form->k;
  w.n = form->n;
  w.group = form->group;
  w.groups = form->groups;
  w.isUnsigned = form->isUnsigned;
  FailureOr<std::vector<int8_t>> raw =
      getConstantValues<int8_t>(form->constant.getValue());
  if (failed(raw) || static_cast<int64_t>(raw->size()) != w.k * w.n)
    return failure();
  w.q.resize(raw->size());
  int64_t lo = 0, hi = 0;
  for (int64_t nn = 0; nn < w.n; ++nn)
    for (int64_t kk = 0; kk < w.k; ++kk) {
      int8_t v = (*raw)[form->valueIndex(nn, kk)];
      int32_t x = w.isUnsigned ? static_cast<uint8_t>(v) : v;
      w.q[nn * w.k + kk] = x;
      lo = std::min<int64_t>(lo, x);
      hi = std::max<int64_t>(hi, x);
    }
  w.bits = (w.isUnsigned ? hi <= 15 : lo >= -8 && hi <= 7) ? 4 : 8;
  ArrayRef<float> scales = form->dequantize.getScale();
  ArrayRef<int64_t> zps = form->dequantize.getZeroPoint();
  w.scales.resize(w.n * w.groups);
  w.zeroPoints.resize(w.n * w.groups);
  for (int64_t nn = 0; nn < w.n; ++nn)
    for (int64_t g = 0; g < w.groups; ++g) {
      size_t i = form->qparamIndex(nn, g);
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

  // AVX-512 looks 4-bit codes up with vpermd, which reads an index's low 4
  // bits. When every group starts at a multiple of 8 (groups of 8n, or one
  // group), a tile's 4-bit weights are dwords of 8 consecutive k of one
  // column ("k-octets": [ceil(K / 8)][2 vectors][16 columns] dwords, k = 8c
  // + s in bits 4s..4s+3), so 8 k take one load per vector and a shift by
  // an immediate per k, with no widening; else bytes as on the other ISAs.
  const bool avx512Nibbles =
      w.bits == 4 && lanes == 16 && currentIsa == GemmIsa::X86Avx512Vnni;
  const bool octets = avx512Nibbles && (w.group % 8 == 0 || w.groups == 1);
  const int64_t octetBytes = kVectors * lanes * 4;
  // Compile time: the tiles' packed weights, qparams and bias.
  const int64_t tileBytes = octets        ? (k + 7) / 8 * octetBytes
                            : w.bits == 4 ? k * lanes
                                          : k * nt;
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
        } else if (octets) {
          // Column j's dword of octet kk / 8, nibble kk % 8 (little endian).
          const int64_t s8 = kk % 8;
          auto &byte =
              packed[t * tileBytes + kk / 8 * octetBytes + j * 4 + s8 / 2];
          uint8_t nib = static_cast<uint8_t>(q & 0xf);
          byte = static_cast<int8_t>(static_cast<uint8_t>(byte) |
                                     (s8 % 2 == 0 ? nib : nib << 4));
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
    if (avx512Nibbles) {
      SmallVector<float> table;
      for (int j = 0; j < 16; ++j)
        table.push_back(static_cast<float>(w.isUnsigned || j < 8 ? j : j - 16));
      nibbleTable = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vf, ArrayRef<float>(table)));
    }
    // vpermps reads the low 4 bits of each index: the table's float value of
    // each index's low nibble.
    auto permute = [&](Value index) -> Value {
      return b
          .create<LLVM::CallIntrinsicOp>(loc, vf,
                                         "llvm.x86.avx512.permvar.sf.512",
                                         ValueRange{nibbleTable, index})
          .getResult(0);
    };
    auto toFloat = [&](Value bytes) -> Value {
      if (w.isUnsigned)
        return b.create<arith::UIToFPOp>(loc, vf, bytes);
      return b.create<arith::SIToFPOp>(loc, vf, bytes);
    };
    auto splat32 = [&](int64_t v) -> Value {
      return b.create<vector::BroadcastOp>(
          loc, vi, b.create<arith::ConstantIntOp>(loc, v, 32));
    };
    // y (the outputs) is carried across the groups, p (the group's
    // partials) across the group's k, starting at +0 each group.
    auto groups = b.create<scf::ForOp>(
        loc, cI64(0), cI64(w.groups), cI64(1), init,
        [&](OpBuilder &, Location, Value g, ValueRange y0) {
          // The group's float zero points of every slot.
          SmallVector<Value> zv;
          if (w.hasZeroPoint)
            for (int64_t tt = 0; tt < tileCount; ++tt)
              for (int64_t j = 0; j < kVectors; ++j)
                zv.push_back(b.create<LLVM::LoadOp>(
                    loc, vf,
                    gep(zt[tt], add(mulC(g, nt), cI64(j * lanes)), f32),
                    /*alignment=*/4));
          Value k0 = mulC(g, w.group);
          Value k1 =
              b.create<arith::MinSIOp>(loc, add(k0, cI64(w.group)), cI64(k));
          // The rows' partials after k: p = fma(float(q - zp), x[k], p) with
          // the slots' float(q) in qv.
          auto fmaRows = [&](SmallVector<Value> qv, Value kk,
                             ValueRange acc) -> SmallVector<Value> {
            // float(q) - float(zp) is float(q - zp) exactly.
            if (w.hasZeroPoint)
              for (int64_t sl = 0; sl < slots; ++sl)
                qv[sl] = b.create<arith::SubFOp>(loc, qv[sl], zv[sl]);
            SmallVector<Value> next;
            for (int64_t i = 0; i < count; ++i) {
              Value x = load(f32, gep(aRows[i], kk, f32));
              Value xb = b.create<vector::BroadcastOp>(loc, vf, x);
              for (int64_t sl = 0; sl < slots; ++sl)
                next.push_back(b.create<LLVM::FMAOp>(loc, qv[sl], xb,
                                                     acc[i * slots + sl]));
            }
            return next;
          };
          SmallVector<Value> partials;
          if (!octets) {
            auto bytesLoop = b.create<scf::ForOp>(
                loc, k0, k1, cI64(1), init,
                [&](OpBuilder &, Location, Value kk, ValueRange acc) {
                  // The slots' integer weights of this k as floats.
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
                      qv.push_back(permute(v));
                      qv.push_back(permute(
                          b.create<arith::ShRUIOp>(loc, v, splat32(4))));
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
                  SmallVector<Value> next = fmaRows(qv, kk, acc);
                  b.create<scf::YieldOp>(loc, next);
                });
            partials.assign(bytesLoop.getResults().begin(),
                            bytesLoop.getResults().end());
          } else {
            // k-octets: whole octets of the group, 8 k unrolled (a load per
            // slot, then per k an immediate shift and vpermd), then the k
            // after the last whole octet (only in a last group of K % 8 k)
            // one at a time with a variable shift.
            auto octetWords = [&](Value c) {
              SmallVector<Value> words;
              for (int64_t tt = 0; tt < tileCount; ++tt)
                for (int64_t j = 0; j < kVectors; ++j)
                  words.push_back(b.create<LLVM::LoadOp>(
                      loc, vi,
                      gep(wt[tt], add(mulC(c, octetBytes), cI64(j * lanes * 4)),
                          i8),
                      /*alignment=*/4));
              return words;
            };
            Value c0 = divC(k0, 8), c1 = divC(k1, 8);
            auto whole = b.create<scf::ForOp>(
                loc, c0, c1, cI64(1), init,
                [&](OpBuilder &, Location, Value c, ValueRange acc) {
                  SmallVector<Value> words = octetWords(c);
                  SmallVector<Value> cur(acc.begin(), acc.end());
                  for (int64_t s8 = 0; s8 < 8; ++s8) {
                    SmallVector<Value> qv;
                    for (Value word : words)
                      qv.push_back(
                          permute(s8 == 0 ? word
                                          : b.create<arith::ShRUIOp>(
                                                 loc, word, splat32(4 * s8))
                                                .getResult()));
                    cur = fmaRows(qv, add(mulC(c, 8), cI64(s8)), cur);
                  }
                  b.create<scf::YieldOp>(loc, cur);
                });
            auto rest = b.create<scf::ForOp>(
                loc, mulC(c1, 8), k1, cI64(1), whole.getResults(),
                [&](OpBuilder &, Location, Value kk, ValueRange acc) {
                  SmallVector<Value> words = octetWords(divC(kk, 8));
                  Value shift = b.create<vector::BroadcastOp>(
                      loc, vi,
                      b.create<arith::TruncIOp>(loc, b.getI32Type(),
                                                mulC(remC(kk, 8), 4)));
                  SmallVector<Value> qv;
                  for (Value word : words)
                    qv.push_back(
                        permute(b.create<arith::ShRUIOp>(loc, word, shift)));
                  b.create<scf::YieldOp>(loc, fmaRows(qv, kk, acc));
                });
            partials.assign(rest.getResults().begin(), rest.getResults().end());
          }
          // y = fma(scale, p, y) with the group's scales.
          SmallVector<Value> sv;
          for (int64_t tt = 0; tt < tileCount; ++tt)
            for (int64_t j = 0; j < kVectors; ++j) {
              Value at = add(mulC(g, nt), cI64(j * lanes));
              sv.push_back(b.create<LLVM::LoadOp>(loc, vf, gep(st[tt], at, f32),
                                                  /*alignment=*/4));
            }
          SmallVector<Value> y;
          for (int64_t i = 0; i < count; ++i)
            for (int64_t sl = 0; sl < slots; ++sl)
              y.push_back(b.create<LLVM::FMAOp>(
                  loc, sv[sl], partials[i * slots + sl], y0[i * slots + sl]));
          b.create<scf::YieldOp>(loc, y);
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
  const int64_t registers =
      ::qc::codegen::getTarget(currentIsa).vectorRegisters;
  const int64_t kRows =
      octets ? std::min<int64_t>(tileRows(registers), 6) : tileRows(registers);
  const int64_t kGemvTiles = gemvTiles(registers);
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
