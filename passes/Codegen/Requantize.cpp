//===- Requantize.cpp - DESIGN.md's requantize rule as MLIR ops -----------===//
#include "passes/Codegen/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::qc {

/// \p like's shape (scalar or vector) with element type \p element.
static Type withElement(Type like, Type element) {
  if (auto vector = dyn_cast<VectorType>(like))
    return vector.clone(element);
  return element;
}

Value emitRequantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                     Value zp, Value lo, Value hi) {
  return emitRequantizeTo(b, loc, acc, multiplier, zp, lo, hi, b.getI8Type());
}

Value emitRequantizeTo(OpBuilder &b, Location loc, Value acc, Value multiplier,
                       Value zp, Value lo, Value hi, Type storage) {
  Value f = b.create<arith::SIToFPOp>(
      loc, withElement(acc.getType(), b.getF32Type()), acc);
  f = b.create<arith::MulFOp>(loc, f, multiplier);
  return emitRoundClampTo(b, loc, f, zp, lo, hi, storage);
}

Value emitRoundClampToI8(OpBuilder &b, Location loc, Value f, Value zp,
                         Value lo, Value hi) {
  return emitRoundClampTo(b, loc, f, zp, lo, hi, b.getI8Type());
}

Value emitRoundClampTo(OpBuilder &b, Location loc, Value f, Value zp,
                       Value lo, Value hi, Type storage) {
  f = b.create<math::RoundEvenOp>(loc, f);
  f = b.create<arith::AddFOp>(loc, f, zp);
  Value below = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, f, lo);
  f = b.create<arith::SelectOp>(loc, below, lo, f);
  Value above = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, f, hi);
  f = b.create<arith::SelectOp>(loc, above, hi, f);
  Value q = b.create<arith::FPToSIOp>(
      loc, withElement(f.getType(), b.getI32Type()), f);
  return b.create<arith::TruncIOp>(
      loc, withElement(f.getType(), getElementTypeOrSelf(storage)), q);
}

namespace {

Value splatOf(OpBuilder &b, Location loc, VectorType type, Value scalar) {
  return b.create<vector::BroadcastOp>(loc, type, scalar);
}

Value callIntrinsic(OpBuilder &b, Location loc, Type result, StringRef name,
                    ValueRange args) {
  return b.create<LLVM::CallIntrinsicOp>(loc, result, name, args).getResult(0);
}

/// The concatenation of \p parts (vectors of one type).
Value concatenate(OpBuilder &b, Location loc, ArrayRef<Value> parts) {
  SmallVector<Value> level(parts.begin(), parts.end());
  while (level.size() > 1) {
    SmallVector<Value> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      int64_t x = cast<VectorType>(level[i].getType()).getNumElements();
      int64_t y = cast<VectorType>(level[i + 1].getType()).getNumElements();
      SmallVector<int64_t> mask;
      for (int64_t j = 0; j < x + y; ++j)
        mask.push_back(j);
      next.push_back(
          b.create<vector::ShuffleOp>(loc, level[i], level[i + 1], mask));
    }
    if (level.size() % 2)
      next.push_back(level.back());
    level = std::move(next);
  }
  return level.front();
}

bool isX86(::qc::codegen::GemmIsa isa) {
  using ::qc::codegen::GemmIsa;
  return isa == GemmIsa::X86Avx2 || isa == GemmIsa::X86AvxVnni ||
         isa == GemmIsa::X86Avx512Vnni;
}

} // namespace

Value emitRequantizePacked(OpBuilder &b, Location loc,
                           ::qc::codegen::GemmIsa isa, ArrayRef<Value> accs,
                           ArrayRef<Value> mults, Value zp, Value lo, Value hi,
                           bool isUnsigned, bool productsFit) {
  auto accType = cast<VectorType>(accs.front().getType());
  int64_t width = accType.getNumElements();
  Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type(),
       f32 = b.getF32Type();
  VectorType floatType = VectorType::get({width}, f32);
  auto toFloat = [&](Value v) {
    return splatOf(b, loc, floatType, b.create<arith::SIToFPOp>(loc, f32, v));
  };
  Value loF = toFloat(b.create<arith::SubIOp>(loc, lo, zp));
  Value hiF = toFloat(b.create<arith::SubIOp>(loc, hi, zp));
  bool x86 = isX86(isa);
  // x86 with products that fit: the clamp on the narrowed integers instead
  // of on the floats (not for a lone zmm, which narrows by truncation).
  bool intClamp = x86 && productsFit && !(width == 16 && accs.size() == 1);

  // round_half_even(clamp(float(acc) * m, lo - zp, hi - zp)) as i32, or
  // (intClamp) round_half_even(float(acc) * m).
  SmallVector<Value> rounded;
  for (auto [acc, mult] : llvm::zip_equal(accs, mults)) {
    Value f = b.create<arith::SIToFPOp>(loc, floatType, acc);
    f = b.create<arith::MulFOp>(loc, f, mult);
    if (intClamp) {
      // Clamped after narrowing (below).
    } else if (x86) {
      // Compare + select is vmaxps / vminps (f is never NaN).
      Value below =
          b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, f, loF);
      f = b.create<arith::SelectOp>(loc, below, loF, f);
      Value above =
          b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, f, hiF);
      f = b.create<arith::SelectOp>(loc, above, hiF, f);
    } else {
      // fmax / fmin (a select would be fcmgt + bit).
      f = b.create<arith::MaximumFOp>(loc, f, loF);
      f = b.create<arith::MinimumFOp>(loc, f, hiF);
    }
    if (!x86) {
      // fcvtns: to nearest, ties to even, whatever FPCR says; on 128-bit
      // pieces (the intrinsic's wider types are not legalized).
      SmallVector<Value> quarters;
      VectorType piece = VectorType::get({4}, i32);
      for (int64_t at = 0; at < width; at += 4) {
        Value part = width == 4 ? f
                                : b.create<vector::ExtractStridedSliceOp>(
                                      loc, f, ArrayRef<int64_t>{at},
                                      ArrayRef<int64_t>{4},
                                      ArrayRef<int64_t>{1});
        quarters.push_back(callIntrinsic(
            b, loc, piece, "llvm.aarch64.neon.fcvtns.v4i32.v4f32",
            ValueRange{part}));
      }
      rounded.push_back(concatenate(b, loc, quarters));
      continue;
    }
    if (width == 16) {
      // vcvtps2dq {rn-sae}: rounding 8 = to nearest even, no exceptions.
      Value passThrough = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
      rounded.push_back(callIntrinsic(
          b, loc, accType, "llvm.x86.avx512.mask.cvtps2dq.512",
          ValueRange{f, passThrough,
                     b.create<arith::ConstantIntOp>(loc, -1, 16),
                     b.create<arith::ConstantIntOp>(loc, 8, 32)}));
    } else {
      rounded.push_back(callIntrinsic(b, loc, accType,
                                      width == 8 ? "llvm.x86.avx.cvt.ps2dq.256"
                                                 : "llvm.x86.sse2.cvtps2dq",
                                      ValueRange{f}));
    }
  }

  Value zp16 = b.create<arith::TruncIOp>(loc, i16, zp);
  if (!x86) {
    // Every value is in [lo - zp, hi - zp]: plain truncations are exact
    // (LLVM narrows with xtn / uzp1).
    Value all = concatenate(b, loc, rounded);
    int64_t total = cast<VectorType>(all.getType()).getNumElements();
    VectorType words = VectorType::get({total}, i16);
    Value w = b.create<arith::TruncIOp>(loc, words, all);
    w = b.create<arith::AddIOp>(loc, w, splatOf(b, loc, words, zp16));
    return b.create<arith::TruncIOp>(loc, VectorType::get({total}, i8), w);
  }

  if (width == 16 && rounded.size() == 1) {
    // One zmm: + zp in int32 and one truncating vpmovdb (2 uops) beat the
    // pack chain (4).
    Value sum = b.create<arith::AddIOp>(loc, rounded.front(),
                                        splatOf(b, loc, accType, zp));
    return b.create<arith::TruncIOp>(loc, VectorType::get({16}, i8), sum);
  }
  // x86: groups of four vectors a, b, c, d. vpackssdw(a, b) holds, per
  // 128-bit lane L, a's and b's dwords of that lane as words; vpackuswb of
  // two such vectors holds per lane L the 4-byte pieces a_L b_L c_L d_L.
  // One dword permutation puts every vector's pieces back together.
  StringRef suffix = width == 16 ? ".512" : width == 8 ? "" : ".128";
  std::string prefix = width == 16  ? "llvm.x86.avx512."
                       : width == 8 ? "llvm.x86.avx2."
                                    : "llvm.x86.sse2.";
  VectorType words = VectorType::get({2 * width}, i16);
  VectorType bytes = VectorType::get({4 * width}, i8);
  Value zpWords = splatOf(b, loc, words, zp16);
  int64_t lanes128 = width / 4;
  // intClamp: lo and hi as bytes, and whether they are the type's bounds
  // (compile-time constants; the saturating packs clamp to those).
  auto isConstant = [](Value v, int64_t expected) {
    APInt value;
    return matchPattern(v, m_ConstantInt(&value)) &&
           value.getSExtValue() == expected;
  };
  bool fullLo = isConstant(lo, isUnsigned ? 0 : -128);
  bool fullHi = isConstant(hi, isUnsigned ? 255 : 127);
  Value loBytes =
      splatOf(b, loc, bytes, b.create<arith::TruncIOp>(loc, i8, lo));
  Value hiBytes =
      splatOf(b, loc, bytes, b.create<arith::TruncIOp>(loc, i8, hi));
  SmallVector<Value> pieces;
  for (size_t first = 0; first < rounded.size(); first += 4) {
    int64_t count =
        std::min<int64_t>(4, static_cast<int64_t>(rounded.size() - first));
    SmallVector<Value> quad;
    for (int64_t v = 0; v < 4; ++v)
      quad.push_back(rounded[first + std::min(v, count - 1)]);
    auto packWords = [&](Value x, Value y) {
      Value w = callIntrinsic(b, loc, words, prefix + "packssdw" + suffix.str(),
                              ValueRange{x, y});
      if (intClamp) // the words saturated: + zp saturating too
        return b.create<LLVM::SAddSat>(loc, w, zpWords).getResult();
      return b.create<arith::AddIOp>(loc, w, zpWords).getResult();
    };
    Value low = packWords(quad[0], quad[1]);
    Value high = count > 2 ? packWords(quad[2], quad[3]) : low;
    Value packed = callIntrinsic(
        b, loc, bytes,
        prefix + (isUnsigned ? "packuswb" : "packsswb") + suffix.str(),
        ValueRange{low, high});
    if (intClamp && !(fullLo && fullHi)) {
      // The bytes saturated to the type's range; clamp to [lo, hi] in it.
      packed = isUnsigned
                   ? b.create<arith::MaxUIOp>(loc, packed, loBytes).getResult()
                   : b.create<arith::MaxSIOp>(loc, packed, loBytes).getResult();
      packed = isUnsigned
                   ? b.create<arith::MinUIOp>(loc, packed, hiBytes).getResult()
                   : b.create<arith::MinSIOp>(loc, packed, hiBytes).getResult();
    }
    Value dwords = b.create<vector::BitCastOp>(
        loc, VectorType::get({width}, i32), packed);
    SmallVector<int64_t> order;
    for (int64_t v = 0; v < count; ++v)
      for (int64_t l = 0; l < lanes128; ++l)
        order.push_back(4 * l + v);
    Value picked = b.create<vector::ShuffleOp>(loc, dwords, dwords, order);
    pieces.push_back(b.create<vector::BitCastOp>(
        loc, VectorType::get({count * width}, i8), picked));
  }
  return concatenate(b, loc, pieces);
}

} // namespace mlir::qc
