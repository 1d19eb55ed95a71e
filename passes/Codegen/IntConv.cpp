//===- IntConv.cpp - integer convolutions and linear layers -----------------===//
//
// Lowering of qc.qconv2d (groups 1: im2col + the int8 GEMM kernels; depthwise;
// other groups) and qc.qlinear (the GEMM), with the weights packed at compile
// time for the current variant. See docs/codegen.md, "Steps".
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

func::FuncOp ModelBuilder::getKernel(const GemmKernelConfig &config) {
  std::string name = ::qc::codegen::getGemmKernelName(config);
  auto it = kernels.find(name);
  if (it != kernels.end())
    return it->second;
  FailureOr<func::FuncOp> fn = buildGemmKernel(module, config);
  if (failed(fn))
    return nullptr;
  // Internal: two compiled models can be linked into one program.
  (*fn)->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  kernels[name] = *fn;
  return *fn;
}

/// The default kernel of \p isa for \p aElement activations and \p cElement
/// results (8-bit, or i32 accumulators).
static GemmKernelConfig defaultGemmConfig(GemmIsa isa, Type aElement,
                                          Type cElement) {
  return ::qc::codegen::getDefaultGemmKernelConfig(
      isa, isUnsigned(aElement) ? QType::U8 : QType::S8,
      cElement.isInteger(32) ? QType::S32
      : isUnsigned(cElement) ? QType::U8
                             : QType::S8);
}

FailureOr<ModelBuilder::PackedGemm>
ModelBuilder::gemmKernelFor(Type aElement, Type cElement, int64_t k, int64_t n,
                            bool intClamp) {
  PackedGemm g;
  g.config = defaultGemmConfig(currentIsa, aElement, cElement);
  // The integer-clamp epilogue where the variant has one (x86, 8-bit
  // outputs).
  GemmKernelConfig clamped = g.config;
  clamped.intClamp = true;
  if (intClamp && ::qc::codegen::verifyGemmKernelConfig(clamped).empty())
    g.config = clamped;
  g.kernel = getKernel(g.config);
  if (!g.kernel)
    return failure();
  g.k = k;
  g.n = n;
  g.tileBytes = ::qc::codegen::getPackedTileBytes(g.config, k);
  return g;
}

/// Bytes of packed weights one kernel call should touch (a share of L2): the
/// kernel walks all column tiles for every block of mr rows, so a panel is
/// reused from cache by all rows of a call instead of streaming K x N bytes
/// per mr rows.
constexpr int64_t kPanelBytes = 512 * 1024;

FailureOr<ModelBuilder::PackedGemm>
ModelBuilder::packGemm(Operation *op, Type aElement, Type cElement, int64_t k,
                       int64_t n, ArrayRef<int8_t> matrix,
                       ArrayRef<int32_t> bias, ArrayRef<float> multipliers,
                       int64_t zpA) {
  // The packed layout does not depend on the epilogue: pack for the
  // default kernel, then pick the integer-clamp variant when the operands
  // allow it (PackedGemmWeights::integerClampExact).
  PackedGemmWeights packed;
  std::string error = ::qc::codegen::packGemmWeights(
      defaultGemmConfig(currentIsa, aElement, cElement), k, n, matrix.data(),
      bias.data(), multipliers.data(), static_cast<int64_t>(multipliers.size()),
      static_cast<int32_t>(zpA), packed);
  if (!error.empty())
    return op->emitError() << "qc compile: " << error;
  FailureOr<PackedGemm> kernel =
      gemmKernelFor(aElement, cElement, k, n, packed.integerClampExact);
  if (failed(kernel))
    return failure();
  PackedGemm g = *kernel;
  // Column panels: whole tiles, each at most kPanelBytes (at least a tile).
  int64_t panelColumns =
      std::max<int64_t>(1, kPanelBytes / g.tileBytes) * g.config.nr();
  for (int64_t n0 = 0; n0 < n; n0 += panelColumns)
    g.panels.push_back({n0, std::min(n - n0, panelColumns)});
  g.weights = constantArray<int8_t>("weights", packed.weights);
  g.bias = constantArray<int32_t>("bias", packed.bias);
  g.multipliers = constantArray<float>("mult", packed.multipliers);
  return g;
}

void ModelBuilder::callGemm(const PackedGemm &g, Value w, Value bias,
                            Value mult, Value a, int64_t lda, Value c,
                            int64_t ldc, Value rows, int64_t zpOut, int64_t lo,
                            int64_t hi) {
  // Step parameters: GEMM steps of one shape share one function.
  Value zpV = stepI32(zpOut), loV = stepI32(lo), hiV = stepI32(hi);
  for (auto [n0, width] : g.panels)
    b.create<func::CallOp>(
        loc, g.kernel,
        ValueRange{a, cI64(lda),
                   gep(w, cI64(n0 / g.config.nr() * g.tileBytes), i8),
                   gep(bias, cI64(n0), i32), gep(mult, cI64(n0), f32),
                   gep(c, cI64(n0), g.config.cType == QType::S32 ? i32 : i8),
                   cI64(ldc), rows, cI64(width),
                   cI64(g.k), zpV, loV, hiV});
}

void ModelBuilder::gemmByColumns(const PackedGemm &g, int64_t m, Value a,
                                 int64_t lda, Value c, int64_t ldc,
                                 int64_t zpOut, int64_t lo, int64_t hi) {
  int64_t nr = g.config.nr();
  int64_t tiles = (g.n + nr - 1) / nr;
  // callGemm's panels, counted in tiles from each chunk's first tile: one
  // thread (one chunk of every tile) calls the kernel exactly as callGemm.
  int64_t panelTiles = g.panels.front().second / nr;
  if (g.panels.size() > 1)
    panelTiles = g.panels[1].first / nr;
  Type cElement = g.config.cType == QType::S32 ? i32 : i8;
  parallel(tiles, {a, c, g.weights, g.bias, g.multipliers},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value zpV = stepI32(zpOut), loV = stepI32(lo), hiV = stepI32(hi);
             b.create<scf::ForOp>(
                 loc, begin, end, cI64(panelTiles), ValueRange{},
                 [&](OpBuilder &, Location, Value t0, ValueRange) {
                   Value t1 = b.create<arith::MinSIOp>(
                       loc, end, add(t0, cI64(panelTiles)));
                   Value n0 = mulC(t0, nr);
                   Value n1 =
                       b.create<arith::MinSIOp>(loc, mulC(t1, nr), cI64(g.n));
                   b.create<func::CallOp>(
                       loc, g.kernel,
                       ValueRange{p[0], cI64(lda),
                                  gep(p[2], mulC(t0, g.tileBytes), i8),
                                  gep(p[3], n0, i32), gep(p[4], n0, f32),
                                  gep(p[1], n0, cElement), cI64(ldc), cI64(m),
                                  sub(n1, n0), cI64(g.k), zpV, loV, hiV});
                   b.create<scf::YieldOp>(loc);
                 });
           });
}

void ModelBuilder::splitGemm(const PackedGemm &g, int64_t m, bool columnsOk,
                             const std::function<void()> &byRows,
                             const std::function<void()> &byColumns) {
  uint64_t threads =
      columnsOk ? ::qc::codegen::getColumnSplitThreads(g.config, m, g.n) : 0;
  if (!threads) {
    byRows();
    return;
  }
  // Bit min(num_threads, 63) of the compile-time mask (bit 63 is 0: rows).
  Value count = b.create<arith::ExtSIOp>(
      loc, i64,
      load(i32, gep(ctxArg, cI64(offsetof(qc_exec_context, num_threads)), i8)));
  Value bit = b.create<arith::AndIOp>(
      loc,
      b.create<arith::ShRUIOp>(loc, cI64(static_cast<int64_t>(threads)),
                               b.create<arith::MinUIOp>(loc, count, cI64(63))),
      cI64(1));
  ifThen(b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, bit, cI64(0)),
         byColumns, byRows);
}

/// The int32 bias of a qconv2d / qlinear (zeros when absent).
FailureOr<std::vector<int32_t>> getBias(Operation *op, Value bias,
                                        int64_t n) {
  if (!bias)
    return std::vector<int32_t>(n, 0);
  auto c = bias.getDefiningOp<ConstantOp>();
  if (!c)
    return op->emitError("qc compile: the bias must be a constant");
  auto values = getConstantValues<int32_t>(c.getValue());
  if (failed(values) || static_cast<int64_t>(values->size()) != n)
    return op->emitError("qc compile: cannot read the bias constant");
  return *values;
}

FailureOr<std::vector<int8_t>> getWeights(Operation *op, Value weight) {
  auto c = weight.getDefiningOp<ConstantOp>();
  if (!c)
    return op->emitError("qc compile: the weights must be a constant");
  auto values = getConstantValues<int8_t>(c.getValue());
  if (failed(values))
    return op->emitError("qc compile: cannot read the weight constant");
  return *values;
}

/// The direct conv steps (depthwise, grouped) sum \p taps products of at
/// most 255 * 128 in magnitude onto the bias in int32, as the GEMM kernels
/// do; the rule of packGemmWeights: the worst case must fit int32, else the
/// generated code could wrap where the reference reports an overflow.
LogicalResult checkAccumulator(Operation *op, int64_t taps,
                               ArrayRef<int32_t> bias) {
  int64_t maxBias = 0;
  for (int32_t v : bias)
    maxBias = std::max<int64_t>(maxBias, std::abs(int64_t{v}));
  if (satMul(taps, 255 * 128) >
      std::numeric_limits<int32_t>::max() - maxBias)
    return op->emitError()
           << "qc compile: " << taps
           << " products per output (with a bias up to " << maxBias
           << ") are too many for exact int32 accumulation";
  return success();
}

FailureOr<ModelBuilder::ConvParts> ModelBuilder::getConvParts(QConv2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  ConvParts c;
  c.o = wType.getDimSize(0);
  c.cg = wType.getDimSize(1);
  c.kh = wType.getDimSize(2);
  c.kw = wType.getDimSize(3);
  c.n = in.shape[0];
  c.h = in.shape[2];
  c.w = in.shape[3];
  c.oh = out.shape[2];
  c.ow = out.shape[3];
  countFloatWeights(c.o * c.cg * c.kh * c.kw + (op.getBias() ? c.o : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), c.o);
  if (failed(weights) || failed(bias))
    return failure();
  c.weights = std::move(*weights);
  c.bias = std::move(*bias);
  SmallVector<float> mults = op.getRequantMultipliers();
  for (int64_t oc = 0; oc < c.o; ++oc)
    c.multipliers.push_back(mults.size() == 1 ? mults[0] : mults[oc]);
  return c;
}

void ModelBuilder::forEachWindowTap(
    const TensorRef &in, Value image, Value oy, Value ox,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations,
    const std::function<void(int64_t, int64_t, Value)> &tap) {
  for (int64_t y = 0; y < kernel[0]; ++y) {
    Value iy = add(mulC(oy, strides[0]), cI64(y * dilations[0] - pads[0]));
    Value okY = inBounds(iy, in.shape[2]);
    for (int64_t x = 0; x < kernel[1]; ++x) {
      Value ix = add(mulC(ox, strides[1]), cI64(x * dilations[1] - pads[1]));
      Value ok = b.create<arith::AndIOp>(loc, okY, inBounds(ix, in.shape[3]));
      ifThen(ok, [&] {
        tap(y, x,
            gep(image, add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                storageType(in.element)));
      });
    }
  }
}

LogicalResult ModelBuilder::emitConv(QConv2dOp op) {
  if (op.getGroups() != 1) {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    const TensorRef &in = refs[op.getInput()];
    bool depthwise = wType.getDimSize(1) == 1 &&
                     wType.getDimSize(0) == in.shape[1] &&
                     static_cast<int64_t>(op.getGroups()) == in.shape[1] &&
                     in.isNhwc() && in.strides[2] == in.shape[3] * in.shape[1] &&
                     wType.getDimSize(2) * wType.getDimSize(3) <= 64;
    return depthwise ? emitDepthwiseConv(op) : emitGroupedConv(op);
  }
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t o = parts->o, c = parts->cg, kh = parts->kh, kw = parts->kw;
  int64_t n = parts->n, h = parts->h, w = parts->w, oh = parts->oh,
          ow = parts->ow;
  int64_t k = kh * kw * c, m = n * oh * ow;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  bool im2col = scratch.count(op) != 0;
  // The GEMM's K: an im2col row is padded to im2colRowBytes (zero weights
  // in the padding columns, whatever bytes the activations hold there).
  int64_t kGemm = im2col ? im2colRowBytes(k) : k;
  // OIHW -> O x (ky, kx, c): the im2col column order of an NHWC input.
  std::vector<int8_t> matrix(o * kGemm, 0);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t ic = 0; ic < c; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          matrix[oc * kGemm + (y * kw + x) * c + ic] =
              parts->weights[((oc * c + ic) * kh + y) * kw + x];
  int64_t zp = op.getInputZeroPoint();
  FailureOr<PackedGemm> gemm =
      packGemm(op, in.element, out.element, kGemm, o, matrix, parts->bias,
               parts->multipliers, zp);
  if (failed(gemm))
    return failure();
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value colBase = im2col ? arenaPointer(scratch[op]) : inBase;
  int64_t lda = im2col ? kGemm : c;
  auto callKernel = [&](Value a, Value cOut, Value rows,
                        ArrayRef<Value> ptrs) {
    callGemm(*gemm, ptrs[3], ptrs[4], ptrs[5], a, lda, cOut, o, rows,
             op.getOutputZeroPoint(), op.getClampMin(), op.getClampMax());
  };
  // Few rows read in place (a 1x1 conv over a 7x7 map): the threads may
  // split the column tiles instead (splitGemm). Not with im2col: splitting
  // their columns needs an im2col step of all rows first (split by rows, so
  // each thread then reads half of A from the other's cache, plus one more
  // wait), measured slower than the row split below (ResNet-18's 7x7 stage,
  // docs/codegen.md "Threads: few rows, many columns").
  if (!im2col && m <= kIm2colBlockRows) {
    auto byRows = [&] {
      parallel(
          m, {inBase, outBase, gemm->weights, gemm->bias, gemm->multipliers},
          [&](Value begin, Value end, ArrayRef<Value> p) {
            callGemm(*gemm, p[2], p[3], p[4], gep(p[0], mulC(begin, c), i8),
                     lda, gep(p[1], mulC(begin, o), i8), o, sub(end, begin),
                     op.getOutputZeroPoint(), op.getClampMin(),
                     op.getClampMax());
          });
    };
    auto byColumns = [&] {
      gemmByColumns(*gemm, m, inBase, lda, outBase, o, op.getOutputZeroPoint(),
                    op.getClampMin(), op.getClampMax());
    };
    splitGemm(*gemm, m, /*columnsOk=*/true, byRows, byColumns);
    return success();
  }
  parallel(m, {inBase, colBase, outBase, gemm->weights, gemm->bias,
               gemm->multipliers},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             if (!im2col) {
               callKernel(gep(p[0], mulC(begin, c), i8),
                          gep(p[2], mulC(begin, o), i8), sub(end, begin), p);
               return;
             }
             // Blocks of rows: im2col, then the kernel on them.
             b.create<scf::ForOp>(
                 loc, begin, end, cI64(kIm2colBlockRows), ValueRange{},
                 [&](OpBuilder &, Location, Value r0, ValueRange) {
                   Value r1 = b.create<arith::MinSIOp>(
                       loc, end, add(r0, cI64(kIm2colBlockRows)));
                   forRange(r0, r1, [&](Value row) {
                     Pixel px = splitPixel(row, oh, ow);
                     Value img = px.img, oy = px.oy, ox = px.ox;
                     Value dstRow = gep(p[1], mulC(row, kGemm), i8);
                     Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
                     // NHWC input: a tap's C channels are contiguous (one
                     // memcpy), and so is a whole window row when it is
                     // inside the image and undilated (one memcpy of kw*C).
                     bool contiguous = in.strides[1] == 1;
                     bool rowRuns = contiguous && dil[1] == 1 &&
                                    in.strides[3] == c && kw > 1;
                     Value pad =
                         b.create<arith::ConstantIntOp>(loc, static_cast<int8_t>(zp), 8);
                     auto copyTap = [&](Value iy, Value ix, Value dst) {
                       Value src = gep(srcImg,
                                       add(mulC(iy, in.strides[2]),
                                           mulC(ix, in.strides[3])),
                                       i8);
                       if (contiguous) {
                         b.create<LLVM::MemcpyOp>(loc, dst, src, cI64(c),
                                                  /*isVolatile=*/false);
                         return;
                       }
                       forN(c, [&](Value ci) {
                         store(load(i8, gep(src, mulC(ci, in.strides[1]), i8)),
                               gep(dst, ci, i8));
                       });
                     };
                     auto fillTap = [&](Value dst, int64_t bytes) {
                       b.create<LLVM::MemsetOp>(loc, dst, pad, cI64(bytes),
                                                /*isVolatile=*/false);
                     };
                     auto tapsOfRow = [&](int64_t y, Value iy, Value okY) {
                       for (int64_t x = 0; x < kw; ++x) {
                         Value ix = add(mulC(ox, strides[1]),
                                        cI64(x * dil[1] - pads[1]));
                         Value ok = b.create<arith::AndIOp>(
                             loc, okY, inBounds(ix, w));
                         Value dst = gep(dstRow, cI64((y * kw + x) * c), i8);
                         ifThen(
                             ok, [&] { copyTap(iy, ix, dst); },
                             [&] { fillTap(dst, c); });
                       }
                     };
                     for (int64_t y = 0; y < kh; ++y) {
                       Value iy = add(mulC(oy, strides[0]),
                                      cI64(y * dil[0] - pads[0]));
                       Value okY = inBounds(iy, h);
                       if (!rowRuns) {
                         tapsOfRow(y, iy, okY);
                         continue;
                       }
                       Value ix0 = add(mulC(ox, strides[1]), cI64(-pads[1]));
                       Value inside = b.create<arith::AndIOp>(
                           loc, okY,
                           b.create<arith::AndIOp>(
                               loc, inBounds(ix0, w),
                               inBounds(add(ix0, cI64(kw - 1)), w)));
                       ifThen(
                           inside,
                           [&] {
                             Value src = gep(srcImg,
                                             add(mulC(iy, in.strides[2]),
                                                 mulC(ix0, in.strides[3])),
                                             i8);
                             b.create<LLVM::MemcpyOp>(
                                 loc, gep(dstRow, cI64(y * kw * c), i8), src,
                                 cI64(kw * c), /*isVolatile=*/false);
                           },
                           [&] { tapsOfRow(y, iy, okY); });
                     }
                     // The padding columns (zero weights): defined bytes.
                     if (kGemm > k)
                       fillTap(gep(dstRow, cI64(k), i8), kGemm - k);
                   });
                   callKernel(gep(p[1], mulC(r0, kGemm), i8),
                              gep(p[2], mulC(r0, o), i8), sub(r1, r0), p);
                   b.create<scf::YieldOp>(loc);
                 });
           });
  return success();
}

LogicalResult ModelBuilder::emitGroupedConv(QConv2dOp op) {
  // Direct: per output pixel, an int32 accumulator row over the output
  // channels (the innermost, vectorized loop), taps accumulated in order.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t o = parts->o, cg = parts->cg, kh = parts->kh, kw = parts->kw;
  int64_t og = o / static_cast<int64_t>(op.getGroups());
  if (failed(checkAccumulator(op, satMul(cg, satMul(kh, kw)), parts->bias)))
    return failure();
  // [ky][kx][ci][o], widened to int32.
  std::vector<int32_t> taps(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t ic = 0; ic < cg; ++ic)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          taps[((y * kw + x) * cg + ic) * o + oc] =
              parts->weights[((oc * cg + ic) * kh + y) * kw + x];
  Value tPtr = constantArray<int32_t>("taps", taps);
  Value bPtr = constantArray<int32_t>("bias", parts->bias);
  Value mPtr = constantArray<float>("mult", parts->multipliers);
  Value inBase = basePointer(in), outBase = basePointer(out);
  int64_t zp = op.getInputZeroPoint();
  Type inElement = in.element;
  parallel(parts->n * parts->oh * parts->ow, {inBase, outBase, tPtr, bPtr, mPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value acc = b.create<LLVM::AllocaOp>(
                 loc, ptr, LLVM::LLVMArrayType::get(i32, o), cI32(1), 64);
             Value zpV = cI32(zp);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, parts->oh, parts->ow);
               Value img = px.img, oy = px.oy, ox = px.ox;
               forN(o, [&](Value oc) {
                 store(load(i32, gep(p[3], oc, i32)), gep(acc, oc, i32));
               });
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               forEachWindowTap(
                   in, srcImg, oy, ox, {kh, kw}, op.getStrides(), op.getPads(),
                   op.getDilations(), [&](int64_t y, int64_t x, Value src) {
                     for (int64_t ic = 0; ic < cg; ++ic) {
                       Value tapRow =
                           gep(p[2], cI64(((y * kw + x) * cg + ic) * o), i32);
                       forN(o, [&](Value oc) {
                         Value channel = add(mulC(divC(oc, og), cg), cI64(ic));
                         Value xv = extend(
                             load(i8, gep(src, mulC(channel, in.strides[1]),
                                          i8)),
                             inElement);
                         Value prod = mul(sub(xv, zpV),
                                          load(i32, gep(tapRow, oc, i32)));
                         Value slot = gep(acc, oc, i32);
                         store(add(load(i32, slot), prod), slot);
                       });
                     }
                   });
               Value dstRow = gep(p[1], mulC(row, o), i8);
               forN(o, [&](Value oc) {
                 Value q = requantize(load(i32, gep(acc, oc, i32)),
                                      load(f32, gep(p[4], oc, f32)),
                                      op.getOutputZeroPoint(),
                                      op.getClampMin(), op.getClampMax());
                 store(q, gep(dstRow, oc, i8));
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitLinear(QLinearOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t nOut = wType.getDimSize(0), k = wType.getDimSize(1);
  int64_t m = product(in.shape) / k;
  countFloatWeights(nOut * k + (op.getBias() ? nOut : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), nOut);
  if (failed(weights) || failed(bias))
    return failure();
  FailureOr<PackedGemm> gemm =
      packGemm(op, in.element, out.element, k, nOut, *weights, *bias,
               op.getRequantMultipliers(), op.getInputZeroPoint());
  if (failed(gemm))
    return failure();
  Value inBase = basePointer(in);
  if (scratch.count(op)) {
    Value rows = arenaPointer(scratch[op]);
    copyToRowMajor(in, inBase, rows);
    inBase = rows;
  }
  Value outBase = basePointer(out);
  auto byRows = [&] {
    parallel(m, {inBase, outBase, gemm->weights, gemm->bias, gemm->multipliers},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               callGemm(*gemm, p[2], p[3], p[4], gep(p[0], mulC(begin, k), i8),
                        k, gep(p[1], mulC(begin, nOut), i8), nOut,
                        sub(end, begin), op.getOutputZeroPoint(),
                        op.getClampMin(), op.getClampMax());
             });
  };
  auto byColumns = [&] {
    gemmByColumns(*gemm, m, inBase, k, outBase, nOut, op.getOutputZeroPoint(),
                  op.getClampMin(), op.getClampMax());
  };
  splitGemm(*gemm, m, m <= kIm2colBlockRows, byRows, byColumns);
  return success();
}

LogicalResult ModelBuilder::planConv(QConv2dOp op) {
  if (failed(bindOperands(op, op->getOperands().take_front())))
    return failure();
  planIm2col(op, cast<RankedTensorType>(op.getResult().getType()),
             stepName(op), /*elementBytes=*/1);
  placeResult(op);
  return success();
}

LogicalResult ModelBuilder::planLinear(QLinearOp op) {
  if (failed(bindOperands(op, op->getOperands().take_front())))
    return failure();
  // Rows of a strided input are copied row-major first.
  const TensorRef &in = refs[op.getInput()];
  if (!in.isRowMajor())
    scratch[op] = newBuffer(stepName(op) + "_rows", product(in.shape));
  placeResult(op);
  return success();
}

void ModelBuilder::populateIntConvPatterns(LoweringPatterns &patterns) {
  // The 16x8 forms are Int16.cpp's.
  patterns
      .add("qconv2d",
           [](Operation *op) { return isa<QConv2dOp>(op) && !isInt16Step(op); },
           &ModelBuilder::planConv, &ModelBuilder::emitConv, kNhwcInput,
           &ModelBuilder::isWeightOperand)
      .add("qlinear",
           [](Operation *op) { return isa<QLinearOp>(op) && !isInt16Step(op); },
           &ModelBuilder::planLinear, &ModelBuilder::emitLinear, 0,
           &ModelBuilder::isWeightOperand);
}

} // namespace mlir::qc::model_codegen
