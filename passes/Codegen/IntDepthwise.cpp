//===- IntDepthwise.cpp - depthwise int8 convolutions ---------------------===//
//
// qc.qconv2d with one input channel per output channel (MobileNet's 3x3
// layers). NHWC activations put a pixel's channels side by side, so the
// channels are the vector lanes:
//
//   parallel over output rows (or pairs of them, see below):
//     the input row of each kernel row (a row of zero points when outside
//     the image)
//     for each block of L channels (the last block ends at C, overlapping
//     the one before when L does not divide C; it rewrites the same values):
//       the weight vectors, the bias and multiplier vectors
//       left border columns, one at a time (a tap left of the image reads
//         the zero-point row)
//       interior columns, R at a time (the rest R/2, R/4, ... at a time):
//         R int32 accumulators in registers; each input column of a kernel
//         row is loaded and widened once and multiplied into every
//         accumulator whose window contains it; no bounds checks
//       right border columns, one at a time
//       the accumulators requantized in vector registers, four at a time
//       (emitRequantizePacked, Requantize.h; clamped on integers when the
//       compile-time bound of |float(acc) * m| allows), and stored as L
//       bytes each
//
// acc = bias' + sum_t x_t * w_t with bias' = bias - zp * sum_t w_t (mod 2^32,
// exact whenever the true accumulator fits int32, which checkAccumulator
// guarantees): a padded tap reads zp, whose product bias' cancels.
//
// The multiply, per ISA: x86 puts a group of kernel rows into each 32-bit
// lane, in the u8 domain (s8 x flipped to x + 128, bias' corrected by
// -128 * sum_t w_t): 4 rows as its bytes for vpdpbusd (AVX-512 VNNI,
// AVX-VNNI; a 3x3 kernel needs 3 multiplies per output instead of 9), 2
// rows as its 16-bit halves for vpmaddwd + vpaddd (AVX2), against weights
// packed the same way (missing rows 0); a column's lane is built once per
// group (widen each row, shift, or) and used by every output whose window
// holds it. With AVX-512 VNNI, when the input rows of two output rows fit
// one 4-row lane (a 3x3 kernel at stride 1: input rows oy-1 .. oy+2 for
// output rows oy and oy+1), an iteration computes both rows: each column
// lane is built once and multiplied by two weight vectors, (w0,w1,w2,0)
// for row oy and (0,w0,w1,w2) for row oy+1 (half the widening per output;
// an odd height's last pair stores its first row only). No sum of products
// can overflow its lane. AArch64 widens x to 16 bits and multiply-
// accumulates into 32 bits against 16-bit weights (smlal / smlal2). See
// docs/codegen.md, "Depthwise convolutions".
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "passes/Codegen/Requantize.h"
#include "passes/Codegen/Target.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mlir::qc::model_codegen {

// IntConv.cpp.
LogicalResult checkAccumulator(Operation *op, int64_t taps,
                               ArrayRef<int32_t> bias);

namespace {

/// How a variant multiplies a channel block (see the file comment).
enum class DepthwiseMultiply { X86Vpdpbusd, X86Vpmaddwd, Neon };

/// A variant's depthwise schedule: the widest channel block (int32 lanes of
/// one accumulator), interior output pixels per iteration, the multiply,
/// how many input rows one multiply covers, and whether two output rows
/// share the widened input columns when their rows fit one such group.
struct DepthwiseSchedule {
  int64_t maxLanes;
  int64_t pixels;
  DepthwiseMultiply multiply;
  int64_t groupRows;
  bool pairRows;
};

DepthwiseSchedule getDepthwiseSchedule(GemmIsa isa) {
  switch (isa) {
  case GemmIsa::X86Avx512Vnni:
    // 32 zmm registers: 8 accumulators per output row (16 for two), the
    // weight vectors (3 per output row for a 3x3 kernel) and the input
    // columns.
    return {16, 8, DepthwiseMultiply::X86Vpdpbusd, 4, true};
  case GemmIsa::X86AvxVnni:
    // 16 ymm registers: one output row.
    return {8, 4, DepthwiseMultiply::X86Vpdpbusd, 4, false};
  case GemmIsa::X86Avx2:
    // 16 ymm registers: 4 accumulators + 6 weights + columns; two kernel
    // rows per vpmaddwd (the 16-bit halves of each lane).
    return {8, 4, DepthwiseMultiply::X86Vpmaddwd, 2, false};
  case GemmIsa::Aarch64Dotprod:
  case GemmIsa::Aarch64I8mm:
    // 32 q registers: an 8-lane accumulator is two of them.
    return {8, 4, DepthwiseMultiply::Neon, 1, false};
  }
  return {8, 4, DepthwiseMultiply::X86Vpmaddwd, 1, false};
}

/// The channel block for \p channels: the widest power of two up to the
/// schedule's that does not exceed them, 0 below 4 (the scalar loop).
int64_t getDepthwiseLanes(const DepthwiseSchedule &s, int64_t channels) {
  for (int64_t lanes = s.maxLanes; lanes >= 4; lanes /= 2)
    if (lanes <= channels)
      return lanes;
  return 0;
}

} // namespace

struct ModelBuilder::DepthwiseParts {
  ConvParts conv;
  int64_t taps = 0;
  /// bias - zp * sum_t w_t, modulo 2^32.
  std::vector<int32_t> foldedBias;
  /// Output columns whose taps all lie inside the row: [oxLo, oxHi).
  int64_t oxLo = 0, oxHi = 0;
};

LogicalResult ModelBuilder::emitDepthwiseConv(QConv2dOp op) {
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  DepthwiseParts d;
  d.conv = std::move(*parts);
  const ConvParts &c = d.conv;
  d.taps = c.kh * c.kw;
  if (failed(checkAccumulator(op, d.taps, c.bias)))
    return failure();
  int64_t zp = op.getInputZeroPoint();
  d.foldedBias = c.bias;
  for (int64_t ch = 0; ch < c.o; ++ch) {
    // The generated adds wrap, so bias' is taken modulo 2^32: the sum with
    // the taps is exact whenever the true accumulator fits int32, even if
    // bias' alone does not.
    int64_t f = c.bias[ch];
    for (int64_t t = 0; t < d.taps; ++t)
      f -= zp * c.weights[ch * d.taps + t];
    d.foldedBias[ch] = static_cast<int32_t>(static_cast<uint32_t>(f));
  }
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  int64_t sw = strides[1], dw = dil[1], pl = pads[1];
  d.oxLo = std::min(c.ow, (pl + sw - 1) / sw);
  int64_t hiNum = c.w - 1 - (c.kw - 1) * dw + pl;
  d.oxHi = hiNum < 0 ? d.oxLo : std::min(c.ow, hiNum / sw + 1);
  d.oxHi = std::max(d.oxHi, d.oxLo);
  int64_t lanes =
      getDepthwiseLanes(getDepthwiseSchedule(currentIsa), /*channels=*/c.o);
  if (lanes == 0)
    emitDepthwiseScalar(op, d);
  else
    emitDepthwiseVector(op, d, lanes);
  return success();
}

void ModelBuilder::emitDepthwiseVector(QConv2dOp op, const DepthwiseParts &d,
                                       int64_t lanes) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  const ConvParts &cp = d.conv;
  int64_t c = cp.o, kh = cp.kh, kw = cp.kw, taps = d.taps;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  int64_t sh = strides[0], dh = dil[0], ph = pads[0];
  int64_t sw = strides[1], dw = dil[1], pl = pads[1];
  DepthwiseSchedule schedule = getDepthwiseSchedule(currentIsa);
  bool neon = schedule.multiply == DepthwiseMultiply::Neon;
  bool unsignedInput = isUnsigned(in.element);
  // Bits between a group's rows in a lane (x86).
  int64_t rowBits =
      schedule.multiply == DepthwiseMultiply::X86Vpdpbusd ? 8 : 16;
  // The output rows of one iteration: two when the input rows both read
  // fit one lane group (a 3x3 kernel at stride 1: input rows oy-1 .. oy+2
  // serve output rows oy and oy+1), else one.
  int64_t span = sh + (kh - 1) * dh + 1;
  int64_t outRows =
      schedule.pairRows && span <= schedule.groupRows && cp.oh >= 2 ? 2 : 1;
  // The input rows an iteration reads, as offsets from its first output
  // row's top input row (oy * sh - ph), and the groups of them that share
  // one multiply (x86: the group's rows as the bytes (vpdpbusd) or 16-bit
  // halves (vpmaddwd) of each 32-bit lane, activations in the u8 domain).
  SmallVector<int64_t> rowOffsets;
  SmallVector<SmallVector<int64_t>> rowGroups;
  if (outRows == 2) {
    rowGroups.emplace_back();
    for (int64_t j = 0; j < span; ++j) {
      rowOffsets.push_back(j);
      rowGroups.back().push_back(j);
    }
  } else {
    for (int64_t y = 0; y < kh; ++y) {
      rowOffsets.push_back(y * dh);
      if (y % schedule.groupRows == 0)
        rowGroups.emplace_back();
      rowGroups.back().push_back(y);
    }
  }
  int64_t groups = static_cast<int64_t>(rowGroups.size());
  // The kernel row that output row r of an iteration applies to the input
  // row at offset j, or -1.
  auto kernelRow = [&](int64_t r, int64_t j) -> int64_t {
    int64_t rel = j - r * sh;
    if (rel < 0 || rel % dh != 0 || rel / dh >= kh)
      return -1;
    return rel / dh;
  };
  auto weightAt = [&](int64_t ch, int64_t y, int64_t x) -> int32_t {
    return cp.weights[(ch * kh + y) * kw + x];
  };
  // One weight vector per (output row, group, kx): index weightIndex.
  auto weightIndex = [&](int64_t r, int64_t g, int64_t x) {
    return (r * groups + g) * kw + x;
  };

  // Weights [output row][group][kx][channel]: 16-bit values (AArch64: one
  // row per group, one output row), or 32-bit lanes holding the weights
  // of the group's rows as bytes (vpdpbusd) or 16-bit halves (vpmaddwd),
  // 0 where the output row has no tap.
  Value wPtr;
  std::vector<int32_t> bias = d.foldedBias;
  if (neon) {
    std::vector<int16_t> w16(taps * c);
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t t = 0; t < taps; ++t)
        w16[t * c + ch] = cp.weights[ch * taps + t];
    wPtr = constantArray<int16_t>("dw_taps", w16);
  } else {
    std::vector<int32_t> lanesOfWeights(outRows * groups * kw * c);
    for (int64_t r = 0; r < outRows; ++r)
      for (int64_t g = 0; g < groups; ++g)
        for (int64_t x = 0; x < kw; ++x)
          for (int64_t ch = 0; ch < c; ++ch) {
            uint32_t lane = 0;
            for (auto [k, j] : llvm::enumerate(rowGroups[g])) {
              int64_t y = kernelRow(r, rowOffsets[j]);
              if (y < 0)
                continue;
              uint32_t w = static_cast<uint32_t>(weightAt(ch, y, x));
              w &= rowBits == 8 ? 0xFFu : 0xFFFFu;
              lane |= w << (rowBits * k);
            }
            lanesOfWeights[weightIndex(r, g, x) * c + ch] =
                static_cast<int32_t>(lane);
          }
    wPtr = constantArray<int32_t>("dw_taps", lanesOfWeights);
    // The multiplies take u8 activations: s8 ones are flipped to x + 128,
    // and bias' takes - 128 * sum(w) more (modulo 2^32, like bias').
    if (!unsignedInput)
      for (int64_t ch = 0; ch < c; ++ch) {
        int64_t sum = 0;
        for (int64_t t = 0; t < taps; ++t)
          sum += cp.weights[ch * taps + t];
        bias[ch] = static_cast<int32_t>(static_cast<uint32_t>(bias[ch]) -
                                        static_cast<uint32_t>(128 * sum));
      }
  }
  Value bPtr = constantArray<int32_t>("dw_bias", bias);
  Value mPtr = constantArray<float>("dw_mult", cp.multipliers);
  // A row of zero points as wide as an input row: what rows above / below
  // the image and taps left / right of it read.
  std::vector<int8_t> zpRow(std::max<int64_t>(cp.w, 1) * c,
                            static_cast<int8_t>(op.getInputZeroPoint()));
  Value zPtr = constantArray<int8_t>("dw_zp", zpRow);
  // |acc| <= |bias| + taps * 255 * 128 (x - zp and w have 8 bits each):
  // whether every |float(acc) * m| stays below 2^30, so the requantize may
  // clamp on integers (emitRequantizePacked).
  bool productsFit = true;
  for (int64_t ch = 0; ch < c; ++ch) {
    double bound = std::abs(static_cast<double>(cp.bias[ch])) +
                   static_cast<double>(taps) * 255.0 * 128.0;
    productsFit &= bound * std::abs(static_cast<double>(cp.multipliers[ch])) <
                   std::ldexp(1.0, 30);
  }

  VectorType accType = VectorType::get({lanes}, i32);
  VectorType floatType = VectorType::get({lanes}, f32);
  VectorType byteType = VectorType::get({lanes}, i8);
  VectorType halfType = VectorType::get({lanes}, i16);
  VectorType pairType = VectorType::get({2 * lanes}, i16);
  Type weightElement = neon ? i16 : i32;
  VectorType weightType = neon ? halfType : accType;

  // The multiply's input operand from the bytes of a group's rows at one
  // column.
  auto operand = [&](ArrayRef<Value> rows) -> Value {
    if (neon) {
      if (unsignedInput)
        return b.create<arith::ExtUIOp>(loc, halfType, rows[0]);
      return b.create<arith::ExtSIOp>(loc, halfType, rows[0]);
    }
    Value lane;
    for (auto [k, bytes] : llvm::enumerate(rows)) {
      Value row = bytes;
      if (!unsignedInput) // s8 -> u8: x ^ 0x80
        row = b.create<arith::XOrIOp>(
            loc, row,
            b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(byteType,
                                            b.getI8IntegerAttr(-128))));
      Value v = b.create<arith::ExtUIOp>(loc, accType, row);
      if (k > 0)
        v = b.create<arith::ShLIOp>(
            loc, v,
            b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(
                         accType,
                         b.getI32IntegerAttr(rowBits * int64_t(k)))));
      lane = lane ? b.create<arith::OrIOp>(loc, lane, v).getResult() : v;
    }
    return lane;
  };
  auto multiplyAdd = [&](Value acc, Value x, Value w) -> Value {
    switch (schedule.multiply) {
    case DepthwiseMultiply::X86Vpdpbusd: {
      // acc[i] += sum_k u8(x.byte[4i+k]) * s8(w.byte[4i+k]); the 256- and
      // 128-bit forms select the VEX encoding on AVX-VNNI.
      const char *name = lanes == 16  ? "llvm.x86.avx512.vpdpbusd.512"
                         : lanes == 8 ? "llvm.x86.avx512.vpdpbusd.256"
                                      : "llvm.x86.avx512.vpdpbusd.128";
      return b
          .create<LLVM::CallIntrinsicOp>(loc, accType, name,
                                         ValueRange{acc, x, w})
          .getResult(0);
    }
    case DepthwiseMultiply::X86Vpmaddwd: {
      // acc[i] += x.lo16[i] * w.lo16[i] + x.hi16[i] * w.hi16[i]: u8 x
      // s8 products, no pair sum can overflow.
      const char *name =
          lanes == 8 ? "llvm.x86.avx2.pmadd.wd" : "llvm.x86.sse2.pmadd.wd";
      Value products =
          b.create<LLVM::CallIntrinsicOp>(
               loc, accType, name,
               ValueRange{b.create<vector::BitCastOp>(loc, pairType, x),
                          b.create<vector::BitCastOp>(loc, pairType, w)})
              .getResult(0);
      return add(acc, products);
    }
    case DepthwiseMultiply::Neon:
      return add(acc, mul(b.create<arith::ExtSIOp>(loc, accType, x),
                          b.create<arith::ExtSIOp>(loc, accType, w)));
    }
    return acc;
  };
  auto forStep = [&](Value lb, Value ub, int64_t step,
                     const std::function<void(Value)> &body) {
    b.create<scf::ForOp>(loc, lb, ub, cI64(step), ValueRange{},
                         [&](OpBuilder &, Location, Value iv, ValueRange) {
                           body(iv);
                           b.create<scf::YieldOp>(loc);
                         });
  };

  int64_t rowStride = in.strides[2];
  int64_t blocks = (c + lanes - 1) / lanes;
  int64_t pixels = schedule.pixels;
  int64_t interiorBlocks = (d.oxHi - d.oxLo) / pixels;
  int64_t interiorEnd = d.oxLo + interiorBlocks * pixels;
  // Iterations per image; with two output rows and an odd height the last
  // one has only its first row.
  int64_t iterations = (cp.oh + outRows - 1) / outRows;
  parallel(
      cp.n * iterations,
      {basePointer(in), basePointer(out), wPtr, bPtr, mPtr, zPtr},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        // The op's integer attributes are uint64_t (signless I64Attr):
        // cI32 takes them as int64_t.
        Value zpOut = cI32(op.getOutputZeroPoint());
        Value lo = cI32(op.getClampMin());
        Value hi = cI32(op.getClampMax());
        forRange(begin, end, [&](Value item) {
          Value img = divC(item, iterations);
          Value oy = mulC(remC(item, iterations), outRows);
          Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
          SmallVector<Value> rowBase;
          for (int64_t offset : rowOffsets) {
            Value iy = add(mulC(oy, sh), cI64(offset - ph));
            Value okY = inBounds(iy, cp.h);
            Value cy = b.create<arith::SelectOp>(loc, okY, iy, cI64(0));
            Value real = gep(srcImg, mulC(cy, rowStride), i8);
            rowBase.push_back(b.create<arith::SelectOp>(loc, okY, real, p[5]));
          }
          SmallVector<Value> dstRows = {
              gep(p[1], mulC(add(mulC(img, cp.oh), oy), cp.ow * c), i8)};
          if (outRows == 2)
            dstRows.push_back(gep(dstRows[0], cI64(cp.ow * c), i8));
          // Whether the second output row exists (odd heights).
          Value hasSecond;
          if (outRows == 2 && cp.oh % 2 != 0)
            hasSecond = b.create<arith::CmpIOp>(
                loc, arith::CmpIPredicate::slt, add(oy, cI64(1)),
                cI64(cp.oh));
          forN(blocks, [&](Value block) {
            Value c0 = b.create<arith::MinSIOp>(loc, mulC(block, lanes),
                                                cI64(c - lanes));
            Value biasV = load(accType, gep(p[3], c0, i32));
            Value mult = load(floatType, gep(p[4], c0, f32));
            SmallVector<Value> weights;
            for (int64_t i = 0; i < outRows * groups * kw; ++i)
              weights.push_back(load(
                  weightType, gep(p[2], add(c0, cI64(i * c)), weightElement)));
            // Requantizes and stores the accumulators of output columns
            // ox0, ox0 + 1, ... of output row r: up to four pixels are
            // requantized and narrowed together (emitRequantizePacked),
            // then stored L bytes each.
            auto storeRow = [&](ArrayRef<Value> accs, Value ox0, int64_t r) {
              Value dstRow = dstRows[r];
              for (size_t r0 = 0; r0 < accs.size(); r0 += 4) {
                ArrayRef<Value> part =
                    accs.slice(r0, std::min<size_t>(4, accs.size() - r0));
                SmallVector<Value> mults(part.size(), mult);
                Value q = emitRequantizePacked(
                    b, loc, currentIsa, part, mults, zpOut, lo, hi,
                    isUnsigned(out.element), productsFit);
                for (size_t i = 0; i < part.size(); ++i) {
                  int64_t at = static_cast<int64_t>(i) * lanes;
                  Value bytes = b.create<vector::ExtractStridedSliceOp>(
                      loc, q, ArrayRef<int64_t>{at}, ArrayRef<int64_t>{lanes},
                      ArrayRef<int64_t>{1});
                  Value column =
                      add(ox0, cI64(static_cast<int64_t>(r0 + i)));
                  this->store(bytes,
                              gep(dstRow, add(mulC(column, c), c0), i8));
                }
              }
            };
            // accs[r]: output row r's accumulators.
            auto store = [&](ArrayRef<SmallVector<Value>> accs, Value ox0) {
              storeRow(accs[0], ox0, 0);
              if (outRows < 2)
                return;
              if (hasSecond)
                ifThen(hasSecond, [&] { storeRow(accs[1], ox0, 1); });
              else
                storeRow(accs[1], ox0, 1);
            };
            // One output column whose taps may lie outside the row.
            auto borderPixel = [&](Value ox) {
              SmallVector<SmallVector<Value>> accs(
                  outRows, SmallVector<Value>(1, biasV));
              for (int64_t g = 0; g < groups; ++g)
                for (int64_t x = 0; x < kw; ++x) {
                  Value ix = add(mulC(ox, sw), cI64(x * dw - pl));
                  Value ok = inBounds(ix, cp.w);
                  Value cx = b.create<arith::SelectOp>(loc, ok, ix, cI64(0));
                  SmallVector<Value> bytes;
                  for (int64_t j : rowGroups[g]) {
                    Value real = gep(rowBase[j], mulC(cx, c), i8);
                    Value tap = b.create<arith::SelectOp>(loc, ok, real, p[5]);
                    bytes.push_back(load(byteType, gep(tap, c0, i8)));
                  }
                  Value column = operand(bytes);
                  for (int64_t r = 0; r < outRows; ++r)
                    accs[r][0] = multiplyAdd(accs[r][0], column,
                                             weights[weightIndex(r, g, x)]);
                }
              store(accs, ox);
            };
            // \p count interior output columns from ox0: every input
            // column of a row group is loaded and widened once for all the
            // output rows and columns whose windows hold it.
            auto interior = [&](int64_t count, Value ox0) {
              SmallVector<SmallVector<Value>> accs(
                  outRows, SmallVector<Value>(count, biasV));
              Value ix0 = add(mulC(ox0, sw), cI64(-pl));
              Value offset = add(mulC(ix0, c), c0);
              for (int64_t g = 0; g < groups; ++g) {
                SmallVector<Value> rowPtrs;
                for (int64_t j : rowGroups[g])
                  rowPtrs.push_back(gep(rowBase[j], offset, i8));
                std::map<int64_t, Value> columns;
                for (int64_t x = 0; x < kw; ++x)
                  for (int64_t i = 0; i < count; ++i) {
                    int64_t j = i * sw + x * dw;
                    auto it = columns.find(j);
                    if (it == columns.end()) {
                      SmallVector<Value> bytes;
                      for (Value rowPtr : rowPtrs)
                        bytes.push_back(
                            load(byteType, gep(rowPtr, cI64(j * c), i8)));
                      it = columns.emplace(j, operand(bytes)).first;
                    }
                    for (int64_t r = 0; r < outRows; ++r)
                      accs[r][i] = multiplyAdd(accs[r][i], it->second,
                                               weights[weightIndex(r, g, x)]);
                  }
              }
              store(accs, ox0);
            };
            if (d.oxLo > 0)
              forRange(cI64(0), cI64(d.oxLo), borderPixel);
            if (interiorBlocks > 0)
              forStep(cI64(d.oxLo), cI64(interiorEnd), pixels,
                      [&](Value ox0) { interior(pixels, ox0); });
            // The interior columns left over: blocks of R/2, R/4, ..., 1
            // (their count is known here).
            int64_t ox = interiorEnd;
            for (int64_t part = pixels / 2; part >= 1; part /= 2)
              if (d.oxHi - ox >= part) {
                interior(part, cI64(ox));
                ox += part;
              }
            if (d.oxHi < cp.ow)
              forRange(cI64(d.oxHi), cI64(cp.ow), borderPixel);
          });
        });
      });
}

void ModelBuilder::emitDepthwiseScalar(QConv2dOp op, const DepthwiseParts &d) {
  // Per output pixel, the kh x kw tap pointers are chosen first (a tap
  // outside the image reads the zero-point row), then a branch-free channel
  // loop with the accumulator in a register.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  const ConvParts &cp = d.conv;
  int64_t c = cp.o, kh = cp.kh, kw = cp.kw, taps = d.taps;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  std::vector<int16_t> tapWeights(taps * c);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t t = 0; t < taps; ++t)
      tapWeights[t * c + ch] = cp.weights[ch * taps + t];
  std::vector<int8_t> zpRow(std::max<int64_t>(cp.w, 1) * c,
                            static_cast<int8_t>(op.getInputZeroPoint()));
  Value tPtr = constantArray<int16_t>("dw_taps", tapWeights);
  Value bPtr = constantArray<int32_t>("dw_bias", d.foldedBias);
  Value mPtr = constantArray<float>("dw_mult", cp.multipliers);
  Value zPtr = constantArray<int8_t>("dw_zp", zpRow);
  Type inElement = in.element;
  int64_t sw = strides[1], dw = dil[1], pl = pads[1];
  int64_t rowStride = in.strides[2];
  auto channels = [&](ArrayRef<Value> tapPtrs, Value dstPixel,
                      ArrayRef<Value> p) {
    forN(c, [&](Value ch) {
      Value acc = load(i32, gep(p[3], ch, i32));
      for (int64_t t = 0; t < taps; ++t) {
        // An 8-bit x 8-bit product fits in 16 bits (|255 * -128| < 2^15).
        Value xb = load(i8, gep(tapPtrs[t], ch, i8));
        Value xv = isUnsigned(inElement)
                       ? b.create<arith::ExtUIOp>(loc, i16, xb).getResult()
                       : b.create<arith::ExtSIOp>(loc, i16, xb).getResult();
        Value wv = load(i16, gep(p[2], add(ch, cI64(t * c)), i16));
        Value prod = b.create<arith::MulIOp>(loc, xv, wv);
        acc = add(acc, b.create<arith::ExtSIOp>(loc, i32, prod));
      }
      store(requantize(acc, load(f32, gep(p[4], ch, f32)),
                       op.getOutputZeroPoint(), op.getClampMin(),
                       op.getClampMax()),
            gep(dstPixel, ch, i8));
    });
  };
  parallel(cp.n * cp.oh,
           {basePointer(in), basePointer(out), tPtr, bPtr, mPtr, zPtr},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Value img = divC(row, cp.oh), oy = remC(row, cp.oh);
               Value srcImg = gep(p[0], mulC(img, in.strides[0]), i8);
               SmallVector<Value> rowBase;
               for (int64_t y = 0; y < kh; ++y) {
                 Value iy =
                     add(mulC(oy, strides[0]), cI64(y * dil[0] - pads[0]));
                 Value okY = inBounds(iy, cp.h);
                 Value cy = b.create<arith::SelectOp>(loc, okY, iy, cI64(0));
                 Value real = gep(srcImg, mulC(cy, rowStride), i8);
                 rowBase.push_back(
                     b.create<arith::SelectOp>(loc, okY, real, p[5]));
               }
               Value dstRow = gep(p[1], mulC(row, cp.ow * c), i8);
               auto pixel = [&](Value ox, bool interior) {
                 SmallVector<Value> tapPtrs;
                 for (int64_t y = 0; y < kh; ++y)
                   for (int64_t x = 0; x < kw; ++x) {
                     Value ix = add(mulC(ox, sw), cI64(x * dw - pl));
                     if (interior) {
                       tapPtrs.push_back(gep(rowBase[y], mulC(ix, c), i8));
                       continue;
                     }
                     Value ok = inBounds(ix, cp.w);
                     Value cx = b.create<arith::SelectOp>(loc, ok, ix, cI64(0));
                     Value real = gep(rowBase[y], mulC(cx, c), i8);
                     tapPtrs.push_back(
                         b.create<arith::SelectOp>(loc, ok, real, p[5]));
                   }
                 channels(tapPtrs, gep(dstRow, mulC(ox, c), i8), p);
               };
               forRange(cI64(0), cI64(d.oxLo),
                        [&](Value ox) { pixel(ox, false); });
               forRange(cI64(d.oxLo), cI64(d.oxHi),
                        [&](Value ox) { pixel(ox, true); });
               forRange(cI64(d.oxHi), cI64(cp.ow),
                        [&](Value ox) { pixel(ox, false); });
             });
           });
}

} // namespace mlir::qc::model_codegen
