//===- FloatGemm.cpp - float conv2d, linear and matmul -------------------===//
//
// The float steps that multiply matrices:
//   - conv2d (groups 1), linear and matmul by a constant run a register-tiled
//     GEMM (rows x vector tiles of output channels, FMA) on weights packed at
//     compile time (packFloatGemm, floatGemmBlock, callFloatGemm); other
//     grouped / depthwise convolutions accumulate contiguous rows of output
//     channels; a matmul of two activations runs matmulRows' register tiles;
//   - a linear / matmul weight that is a dequantized 8-bit constant stays
//     packed (WeightOnlyLinear.cpp).
// These differ from the reference kernels (reference/KernelsConv.cpp) only in summation order.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

namespace mlir::qc::model_codegen {

//===----------------------------------------------------------------------===//
// Float GEMM
//===----------------------------------------------------------------------===//

/// Rows of one register tile of the float GEMM.
constexpr int64_t kFloatGemmRows = 6;
/// Vectors per register tile row.
constexpr int64_t kFloatGemmVectors = 2;

ModelBuilder::FloatGemm ModelBuilder::packFloatGemm(int64_t k, int64_t n,
                                                    ArrayRef<float> kByN,
                                                    ArrayRef<float> bias,
                                                    bool biasFirst) {
  // Column tiles of lanes * vectors columns; tile t holds, for each k, its
  // columns contiguously (zero past n). The bias is padded the same way.
  FloatGemm g;
  g.k = k;
  g.n = n;
  g.lanes = floatLanes();
  g.vectors = kFloatGemmVectors;
  g.hasBias = !bias.empty();
  g.biasFirst = biasFirst;
  int64_t nt = g.lanes * g.vectors;
  g.tiles = (n + nt - 1) / nt;
  std::vector<float> packed(g.tiles * k * nt, 0.0f), b(g.tiles * nt, 0.0f);
  for (int64_t t = 0; t < g.tiles; ++t)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < nt && t * nt + j < n; ++j)
        packed[(t * k + kk) * nt + j] = kByN[kk * n + t * nt + j];
  for (int64_t j = 0; j < n && !bias.empty(); ++j)
    b[j] = bias[j];
  g.weights = constantArray<float>("gemm_f32", packed);
  g.bias = constantArray<float>("bias_f32", b);
  return g;
}

void ModelBuilder::floatGemmBlock(const FloatGemm &g, Value w, Value bias,
                                  Value a, int64_t lda, Value c, int64_t ldc,
                                  Value row, int64_t rows, Value t,
                                  bool partial) {
  int64_t nt = g.lanes * g.vectors;
  auto vt = VectorType::get({g.lanes}, f32);
  int64_t fullTiles = g.n / nt;
  {
    // acc[i][j] = bias tile (or 0), then for each k: acc += a[i][k] *
    // w[k][tile], rounded after the multiply and after the add (no FMA;
    // one fused rounding with --float-fma).
    SmallVector<Value> init, biasTile;
    Value bt = gep(bias, mulC(t, nt), f32);
    for (int64_t j = 0; j < g.vectors; ++j)
      biasTile.push_back(
          g.hasBias ? b.create<LLVM::LoadOp>(loc, vt,
                                             gep(bt, cI64(j * g.lanes), f32),
                                             /*alignment=*/4)
                          .getResult()
                    : b.create<vector::BroadcastOp>(loc, vt, cF32(0))
                          .getResult());
    Value zero = b.create<vector::BroadcastOp>(loc, vt, cF32(0));
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < g.vectors; ++j)
        init.push_back(g.biasFirst ? biasTile[j] : zero);
    Value wt = gep(w, mulC(t, g.k * nt), f32);
    SmallVector<Value> aRows;
    for (int64_t i = 0; i < rows; ++i)
      aRows.push_back(gep(a, mulC(add(row, cI64(i)), lda), f32));
    // One k step: the products of a[i][aOffset] and w[kk][tile].
    auto step = [&](Value kk, Value aOffset, ValueRange acc) {
      SmallVector<Value> wv;
      Value wk = gep(wt, mulC(kk, nt), f32);
      for (int64_t j = 0; j < g.vectors; ++j)
        wv.push_back(b.create<LLVM::LoadOp>(
            loc, vt, gep(wk, cI64(j * g.lanes), f32), /*alignment=*/4));
      SmallVector<Value> next;
      for (int64_t i = 0; i < rows; ++i) {
        Value x = load(f32, gep(aRows[i], aOffset, f32));
        Value xb = b.create<vector::BroadcastOp>(loc, vt, x);
        for (int64_t j = 0; j < g.vectors; ++j)
          next.push_back(mulAddF(acc[i * g.vectors + j], xb, wv[j]));
      }
      return next;
    };
    scf::ForOp loop;
    if (g.taps == 1) {
      loop = b.create<scf::ForOp>(
          loc, cI64(0), cI64(g.k), cI64(1), init,
          [&](OpBuilder &, Location, Value kk, ValueRange acc) {
            b.create<scf::YieldOp>(loc, step(kk, kk, acc));
          });
    } else {
      // A rows in (tap, c) order, k in the weights' (c, tap) order: k = c *
      // taps + tap reads a[tap * channels + c].
      int64_t channels = g.k / g.taps;
      loop = b.create<scf::ForOp>(
          loc, cI64(0), cI64(channels), cI64(1), init,
          [&](OpBuilder &, Location, Value ch, ValueRange acc) {
            auto inner = b.create<scf::ForOp>(
                loc, cI64(0), cI64(g.taps), cI64(1), acc,
                [&](OpBuilder &, Location, Value tap, ValueRange acc2) {
                  b.create<scf::YieldOp>(
                      loc, step(add(mulC(ch, g.taps), tap),
                                add(mulC(tap, channels), ch), acc2));
                });
            b.create<scf::YieldOp>(loc, inner.getResults());
          });
    }
    SmallVector<Value> results(loop.getResults());
    if (g.hasBias && !g.biasFirst)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < g.vectors; ++j)
          results[i * g.vectors + j] = b.create<arith::AddFOp>(
              loc, results[i * g.vectors + j], biasTile[j]);
    for (int64_t i = 0; i < rows; ++i) {
      Value cRow = gep(c, mulC(add(row, cI64(i)), ldc), f32);
      if (!partial) {
        Value ct = gep(cRow, mulC(t, nt), f32);
        for (int64_t j = 0; j < g.vectors; ++j)
          b.create<LLVM::StoreOp>(loc, results[i * g.vectors + j],
                                  gep(ct, cI64(j * g.lanes), f32),
                                  /*alignment=*/4);
        continue;
      }
      // The last, partial tile: element by element.
      int64_t n0 = fullTiles * nt;
      for (int64_t j = 0; n0 + j < g.n; ++j) {
        Value v = b.create<vector::ExtractOp>(
            loc, results[i * g.vectors + j / g.lanes],
            ArrayRef<int64_t>{j % g.lanes});
        store(v, gep(cRow, cI64(n0 + j), f32));
      }
    }
  }
}

void ModelBuilder::callFloatGemm(const FloatGemm &g, Value w, Value bias,
                                 Value a, int64_t lda, Value c, int64_t ldc,
                                 Value begin, Value end) {
  // Column tile by column tile (the tile's K x lanes * vectors weights stay
  // in cache for all rows), blocks of kFloatGemmRows rows, then the
  // remaining rows one by one.
  int64_t nt = g.lanes * g.vectors, fullTiles = g.n / nt;
  Value count = sub(end, begin);
  Value blocks = divC(count, kFloatGemmRows);
  auto rowsOfTile = [&](Value t, bool partial) {
    forRange(cI64(0), blocks, [&](Value blk) {
      floatGemmBlock(g, w, bias, a, lda, c, ldc,
                     add(begin, mulC(blk, kFloatGemmRows)), kFloatGemmRows, t,
                     partial);
    });
    forRange(add(begin, mulC(blocks, kFloatGemmRows)), end, [&](Value r) {
      floatGemmBlock(g, w, bias, a, lda, c, ldc, r, 1, t, partial);
    });
  };
  if (fullTiles > 0)
    forN(fullTiles, [&](Value t) { rowsOfTile(t, false); });
  if (fullTiles < g.tiles)
    rowsOfTile(cI64(fullTiles), true);
}

/// Grouped / depthwise convs with at most this many taps get a branch-free
/// channel loop with the taps unrolled.
constexpr int64_t kMaxUnrolledConvTaps = 64;

LogicalResult ModelBuilder::emitFloatConv(Conv2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t o = wType.getDimSize(0), cg = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  int64_t groups = op.getGroups();
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  FailureOr<std::vector<float>> weights = foldFloatConstant(op, op.getWeight());
  if (failed(weights))
    return failure();
  FailureOr<std::vector<float>> biasValues =
      foldFloatBias(op, op.getBias(), o);
  if (failed(biasValues))
    return failure();
  const std::vector<float> &bias = *biasValues;
  countFloatWeights(o * cg * kh * kw + (op.getBias() ? o : 0));
  int64_t m = n * oh * ow;
  Value inBase = basePointer(in), outBase = basePointer(out);
  // For each tap (y, x) of output pixel px, in (ky, kx) order: its input
  // row and column and whether both are inside the image.
  auto forEachTapOf =
      [&](const Pixel &px,
          function_ref<void(int64_t y, int64_t x, Value iy, Value ix, Value ok)>
              tap) {
        for (int64_t y = 0; y < kh; ++y) {
          Value iy = add(mulC(px.oy, strides[0]), cI64(y * dil[0] - pads[0]));
          Value okY = inBounds(iy, h);
          for (int64_t x = 0; x < kw; ++x) {
            Value ix = add(mulC(px.ox, strides[1]), cI64(x * dil[1] - pads[1]));
            tap(y, x, iy, ix,
                b.create<arith::AndIOp>(loc, okY, inBounds(ix, w)));
          }
        }
      };
  // out is NHWC: output pixel `row` starts at row * o.
  if (groups == 1) {
    int64_t k = kh * kw * c;
    // OIHW -> (c, ky, kx) x O: the reference's im2col order, so every
    // output sums its products in the reference's order (padding included
    // as zeros).
    std::vector<float> matrix(k * o);
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t kk = 0; kk < k; ++kk)
        matrix[kk * o + oc] = (*weights)[oc * k + kk];
    FloatGemm g = packFloatGemm(k, o, matrix,
                                op.getBias() ? ArrayRef<float>(bias)
                                             : ArrayRef<float>(),
                                /*biasFirst=*/true);
    bool im2col = scratch.count(op) != 0;
    // im2col rows hold (ky, kx, c) (contiguous copies from NHWC); the GEMM
    // reads them in the weights' (c, ky, kx) order.
    if (im2col)
      g.taps = kh * kw;
    Value colBase = im2col ? arenaPointer(scratch[op]) : inBase;
    int64_t lda = im2col ? k : c;
    parallel(m, {inBase, colBase, outBase, g.weights, g.bias},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               if (!im2col) {
                 callFloatGemm(g, p[3], p[4], p[1], lda, p[2], o, begin, end);
                 return;
               }
               constexpr int64_t blockRows = 64;
               b.create<scf::ForOp>(
                   loc, begin, end, cI64(blockRows), ValueRange{},
                   [&](OpBuilder &, Location, Value r0, ValueRange) {
                     Value r1 = b.create<arith::MinSIOp>(
                         loc, end, add(r0, cI64(blockRows)));
                     forRange(r0, r1, [&](Value row) {
                       Pixel px = splitPixel(row, oh, ow);
                       Value dstRow = gep(p[1], mulC(row, k), f32);
                       Value srcImg =
                           gep(p[0], mulC(px.img, in.strides[0]), f32);
                       forEachTapOf(px, [&](int64_t y, int64_t x, Value iy,
                                            Value ix, Value ok) {
                         Value dst = gep(dstRow, cI64((y * kw + x) * c), f32);
                         ifThen(
                             ok,
                             [&] {
                               Value src = gep(srcImg,
                                               add(mulC(iy, in.strides[2]),
                                                   mulC(ix, in.strides[3])),
                                               f32);
                               forN(c, [&](Value ci) {
                                 store(
                                     load(f32, gep(src, mulC(ci, in.strides[1]),
                                                   f32)),
                                     gep(dst, ci, f32));
                               });
                             },
                             [&] {
                               forN(c, [&](Value ci) {
                                 store(cF32(0), gep(dst, ci, f32));
                               });
                             });
                       });
                     });
                     callFloatGemm(g, p[3], p[4], p[1], lda, p[2], o, r0, r1);
                     b.create<scf::YieldOp>(loc);
                   });
             });
    return success();
  }
  // Grouped / depthwise: per output pixel a row of o accumulators starting
  // at the bias; weights (ic, ky, kx) x O so the channel loop reads them
  // contiguously. The reference's order: a depthwise conv (one input channel
  // per group) adds the in-bounds taps in (ky, kx) order; other groups add
  // every (ic, ky, kx) product, padding as zeros.
  int64_t og = o / groups;
  bool depthwise = cg == 1 && groups == c;
  std::vector<float> wt(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t kk = 0; kk < cg * kh * kw; ++kk)
      wt[kk * o + oc] = (*weights)[oc * cg * kh * kw + kk];
  Value wBase = constantArray<float>("conv_f32", wt);
  Value bBase = constantArray<float>("bias_f32", bias);
  int64_t taps = kh * kw;
  if (taps <= kMaxUnrolledConvTaps) {
    // Per output pixel the taps' offsets and in-bounds flags first (a
    // padded tap reads element 0 and is not added, or adds 0 for grouped
    // convs), then a branch-free channel loop with the accumulator in a
    // register, which LLVM vectorizes over the output channels.
    parallel(m, {inBase, outBase, wBase, bBase},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               forRange(begin, end, [&](Value row) {
                 Pixel px = splitPixel(row, oh, ow);
                 Value dst = gep(p[1], mulC(row, o), f32);
                 Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
                 SmallVector<Value> oks, offsets;
                 forEachTapOf(px, [&](int64_t y, int64_t x, Value iy, Value ix,
                                      Value ok) {
                   oks.push_back(ok);
                   offsets.push_back(b.create<arith::SelectOp>(
                       loc, ok,
                       add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                       cI64(0)));
                 });
                 forN(o, [&](Value oc) {
                   Value group = og == 1 ? oc : divC(oc, og);
                   auto addTaps = [&](Value acc, Value ic) {
                     Value chanOff =
                         mulC(add(mulC(group, cg), ic), in.strides[1]);
                     for (int64_t tp = 0; tp < taps; ++tp) {
                       Value xv = load(
                           f32, gep(srcImg, add(offsets[tp], chanOff), f32));
                       Value wv = load(
                           f32,
                           gep(p[2],
                               add(mulC(add(mulC(ic, taps), cI64(tp)), o), oc),
                               f32));
                       if (!depthwise)
                         xv = b.create<arith::SelectOp>(loc, oks[tp], xv,
                                                        cF32(0));
                       Value sum = mulAddF(acc, wv, xv);
                       acc = depthwise ? b.create<arith::SelectOp>(
                                             loc, oks[tp], sum, acc)
                                             .getResult()
                                       : sum;
                     }
                     return acc;
                   };
                   Value acc = load(f32, gep(p[3], oc, f32));
                   if (cg == 1) {
                     acc = addTaps(acc, cI64(0));
                   } else {
                     acc = b.create<scf::ForOp>(
                                loc, cI64(0), cI64(cg), cI64(1), ValueRange{acc},
                                [&](OpBuilder &, Location, Value ic,
                                    ValueRange a) {
                                  b.create<scf::YieldOp>(loc,
                                                         addTaps(a[0], ic));
                                })
                               .getResult(0);
                   }
                   store(acc, gep(dst, oc, f32));
                 });
               });
             });
    return success();
  }
  parallel(m, {inBase, outBase, wBase, bBase},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value dst = gep(p[1], mulC(row, o), f32);
               forN(o, [&](Value oc) {
                 store(load(f32, gep(p[3], oc, f32)), gep(dst, oc, f32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
               forN(cg, [&](Value ic) {
                 forEachTapOf(px, [&](int64_t y, int64_t x, Value iy, Value ix,
                                      Value ok) {
                   Value wRow = gep(
                       p[2], mulC(add(mulC(ic, kh * kw), cI64(y * kw + x)), o),
                       f32);
                   // A padded tap reads element 0 and uses 0 instead.
                   Value offset = b.create<arith::SelectOp>(
                       loc, ok,
                       add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                       cI64(0));
                   auto accumulate = [&] {
                     Value src = gep(srcImg, offset, f32);
                     forN(o, [&](Value oc) {
                       Value chan = og == 1 ? oc : divC(oc, og);
                       chan = add(mulC(chan, cg), ic);
                       Value xv =
                           load(f32, gep(src, mulC(chan, in.strides[1]), f32));
                       if (!depthwise)
                         xv = b.create<arith::SelectOp>(loc, ok, xv, cF32(0));
                       Value slot = gep(dst, oc, f32);
                       Value wv = load(f32, gep(wRow, oc, f32));
                       Value acc = load(f32, slot);
                       store(mulAddF(acc, wv, xv), slot);
                     });
                   };
                   if (depthwise)
                     ifThen(ok, accumulate);
                   else
                     accumulate();
                 });
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitFloatLinear(Operation *op) {
  // qc.linear (weight [N, K]) and qc.matmul by a constant [K, N]: the GEMM
  // over the input's rows. A dequantized 8-bit weight (weight-only
  // quantization) stays packed and is dequantized in registers.
  if (FailureOr<WeightOnlyWeights> wo = matchWeightOnly(op); succeeded(wo))
    return emitWeightOnlyLinear(op, *wo);
  Value input = op->getOperand(0);
  const TensorRef &out = refs[op->getResult(0)];
  FailureOr<std::vector<float>> wv = foldFloatConstant(op, op->getOperand(1));
  if (failed(wv))
    return failure();
  auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
  int64_t k, n;
  std::vector<float> kByN;
  std::vector<float> bias;
  if (auto linear = dyn_cast<LinearOp>(op)) {
    n = wType.getDimSize(0);
    k = wType.getDimSize(1);
    kByN.resize(k * n);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t kk = 0; kk < k; ++kk)
        kByN[kk * n + j] = (*wv)[j * k + kk];
    if (linear.getBias()) {
      FailureOr<std::vector<float>> bv =
          foldFloatConstant(op, linear.getBias());
      if (failed(bv) || static_cast<int64_t>(bv->size()) != n)
        return op->emitError("qc compile: cannot read the linear bias");
      bias = *bv;
    }
  } else {
    k = wType.getDimSize(0);
    n = wType.getDimSize(1);
    kByN = *wv;
  }
  countFloatWeights(k * n + static_cast<int64_t>(bias.size()));
  const TensorRef &in = refs[input];
  int64_t rows = product(in.shape) / std::max<int64_t>(k, 1);
  FloatGemm g = packFloatGemm(k, n, kByN, bias, /*biasFirst=*/false);
  Value a = basePointer(in);
  if (scratch.count(op)) {
    Value rowsBase = arenaPointer(scratch[op]);
    copyToRowMajor(in, a, rowsBase);
    a = rowsBase;
  }
  parallel(rows, {a, basePointer(out), g.weights, g.bias},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             callFloatGemm(g, p[2], p[3], p[0], k, p[1], n, begin, end);
           });
  return success();
}

/// Output rows per register tile of the matmul of two activations.
constexpr int64_t kMatmulRows = 4;
/// Column vectors per register tile of that matmul.
constexpr int64_t kMatmulVectors = 2;

LogicalResult ModelBuilder::emitFloatMatmul(MatmulOp op) {
  auto bType = cast<RankedTensorType>(op.getRhs().getType());
  if (isFloatConstant(op.getRhs()) && bType.getRank() == 2 &&
      !isFloatConstant(op.getLhs()))
    return emitFloatLinear(op);
  // Batched: out[b..., i, j] = sum_k a[b..., i, k] * b[b..., k, j], per
  // block of output rows a register tile of columns accumulated over k.
  FailureOr<FloatOperand> lhs = floatOperand(op, op.getLhs());
  FailureOr<FloatOperand> rhs = floatOperand(op, op.getRhs());
  if (failed(lhs) || failed(rhs))
    return failure();
  if (auto it = scratch.find(op.getOperation()); it != scratch.end()) {
    // The planned row-major copy of a strided right-hand side (same values,
    // same summation order).
    Value rows = arenaPointer(it->second);
    copyToRowMajor(rhs->ref, rhs->base, rows);
    rhs->base = rows;
    rhs->ref.strides = rowMajorStrides(rhs->ref.shape);
    rhs->ref.offset = 0;
  }
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(out.shape.size());
  int64_t n = out.shape[rank - 1];
  int64_t k = lhs->ref.shape.back();
  // Broadcast batch strides of a and b over the output's batch dimensions.
  auto batchStrides = [&](const TensorRef &r) {
    SmallVector<int64_t> s(rank - 2, 0);
    int64_t rr = static_cast<int64_t>(r.shape.size());
    for (int64_t d = 0; d < rr - 2; ++d)
      s[rank - rr + d] = r.shape[d] == 1 ? 0 : r.strides[d];
    return s;
  };
  SmallVector<int64_t> sa = batchStrides(lhs->ref), sb = batchStrides(rhs->ref);
  int64_t ar = lhs->ref.strides[lhs->ref.shape.size() - 2],
          ak = lhs->ref.strides.back();
  int64_t bk = rhs->ref.strides[rhs->ref.shape.size() - 2],
          bn = rhs->ref.strides.back();
  int64_t m = out.shape[rank - 2];
  SmallVector<int64_t> batchShape(out.shape.begin(), out.shape.end() - 2);
  SmallVector<int64_t> batchOrder = rowMajorStrides(batchShape);
  int64_t batches = product(batchShape);
  // Units of kMatmulRows output rows of one batch (the last unit of a batch
  // may hold fewer): each unit keeps rows x column vectors of accumulators
  // in registers, so the k loop has that many independent chains.
  int64_t unitsPerBatch = (m + kMatmulRows - 1) / kMatmulRows;
  int64_t lastRows = m - (unitsPerBatch - 1) * kMatmulRows;
  int64_t cr = out.strides[rank - 2], cn = out.strides[rank - 1];
  parallel(
      batches * unitsPerBatch, {lhs->base, rhs->base, basePointer(out)},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        forRange(begin, end, [&](Value unit) {
          Value batch = divC(unit, unitsPerBatch);
          Value blk = remC(unit, unitsPerBatch);
          Value aOff = cI64(0), bOff = cI64(0), cOff = cI64(0);
          for (int64_t d = 0; d < rank - 2; ++d) {
            Value idx = remC(divC(batch, batchOrder[d]), batchShape[d]);
            aOff = add(aOff, mulC(idx, sa[d]));
            bOff = add(bOff, mulC(idx, sb[d]));
            cOff = add(cOff, mulC(idx, out.strides[d]));
          }
          Value i0 = mulC(blk, kMatmulRows);
          Value aBlock = gep(p[0], add(aOff, mulC(i0, ar)), f32);
          Value bMat = gep(p[1], bOff, f32);
          Value cBlock = gep(p[2], add(cOff, mulC(i0, cr)), f32);
          auto rowsOf = [&](int64_t rows) {
            matmulRows(aBlock, ar, ak, bMat, bk, bn, cBlock, cr, cn, rows, k,
                       n);
          };
          if (lastRows == kMatmulRows) {
            rowsOf(kMatmulRows);
            return;
          }
          Value last = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                               blk, cI64(unitsPerBatch - 1));
          ifThen(
              last, [&] { rowsOf(lastRows); },
              [&] { rowsOf(kMatmulRows); });
        });
      });
  return success();
}

void ModelBuilder::matmulRows(Value a, int64_t ar, int64_t ak, Value bMat,
                              int64_t bk, int64_t bn, Value c, int64_t cr,
                              int64_t cn, int64_t rows, int64_t k, int64_t n) {
  // Columns [j0, j0 + vectors * lanes) of `rows` output rows in registers
  // (lanes 1: scalars), each summed over k from 0 in k order: every output
  // is ((0 + a0*b0) + a1*b1) + ..., rounded after every multiply and add
  // (no FMA, as the reference executor; one fused rounding with --float-fma).
  auto columns = [&](Value j0, int64_t lanes, int64_t vectors) {
    Type vt = lanes == 1 ? Type(f32) : Type(VectorType::get({lanes}, f32));
    Value zero = lanes == 1
                     ? cF32(0)
                     : b.create<vector::BroadcastOp>(loc, vt, cF32(0))
                           .getResult();
    SmallVector<Value> init(rows * vectors, zero);
    Value bCol = gep(bMat, mulC(j0, bn), f32);
    auto loop = b.create<scf::ForOp>(
        loc, cI64(0), cI64(k), cI64(1), init,
        [&](OpBuilder &, Location, Value kk, ValueRange acc) {
          Value bRow = gep(bCol, mulC(kk, bk), f32);
          SmallVector<Value> bv;
          for (int64_t v = 0; v < vectors; ++v) {
            Value at = gep(bRow, cI64(v * lanes * bn), f32);
            if (lanes == 1) {
              bv.push_back(load(f32, at));
            } else if (bn == 1) {
              bv.push_back(b.create<LLVM::LoadOp>(loc, vt, at,
                                                  /*alignment=*/4));
            } else {
              SmallVector<Value> elems;
              for (int64_t l = 0; l < lanes; ++l)
                elems.push_back(load(f32, gep(at, cI64(l * bn), f32)));
              bv.push_back(b.create<vector::FromElementsOp>(
                  loc, cast<VectorType>(vt), elems));
            }
          }
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value x = load(f32, gep(a, add(cI64(r * ar), mulC(kk, ak)), f32));
            Value xv = lanes == 1
                           ? x
                           : b.create<vector::BroadcastOp>(loc, vt, x)
                                 .getResult();
            for (int64_t v = 0; v < vectors; ++v)
              next.push_back(mulAddF(acc[r * vectors + v], xv, bv[v]));
          }
          b.create<scf::YieldOp>(loc, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        Value sum = loop.getResult(r * vectors + v);
        Value at = gep(c, add(cI64(r * cr), mulC(add(j0, cI64(v * lanes)), cn)),
                       f32);
        if (lanes == 1)
          store(sum, at);
        else if (cn == 1)
          b.create<LLVM::StoreOp>(loc, sum, at, /*alignment=*/4);
        else
          for (int64_t l = 0; l < lanes; ++l)
            store(b.create<vector::ExtractOp>(loc, sum, ArrayRef<int64_t>{l}),
                  gep(at, cI64(l * cn), f32));
      }
  };
  int64_t lanes = floatLanes(), full = n / lanes;
  int64_t tiles = full / kMatmulVectors;
  if (tiles > 0)
    forN(tiles, [&](Value t) {
      columns(mulC(t, kMatmulVectors * lanes), lanes, kMatmulVectors);
    });
  for (int64_t v = tiles * kMatmulVectors; v < full; ++v)
    columns(cI64(v * lanes), lanes, 1);
  if (full * lanes < n)
    forRange(cI64(full * lanes), cI64(n), [&](Value j) { columns(j, 1, 1); });
}

void ModelBuilder::populateFloatGemmPatterns(LoweringPatterns &patterns) {
  patterns
      .add<Conv2dOp>("float-conv2d", &ModelBuilder::emitFloatConv, kFloatStep)
      .add<LinearOp>("float-linear", &ModelBuilder::emitFloatLinear,
                     kFloatStep)
      .add<MatmulOp>("float-matmul", &ModelBuilder::emitFloatMatmul,
                     kFloatStep);
}

} // namespace mlir::qc::model_codegen
