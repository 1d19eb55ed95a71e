//===- DynamicLinear.cpp - dynamic quantization: qparams chosen at run time ===//
//
// The steps whose qparams come from the data at run time, bit-exact with
// the reference executor (reference/KernelsDynamic.cpp): qc.dynamic_fake_quant
// (the min / max of the tensor, chooseQParams, quantize and dequantize) and
// qc.dynamic_qlinear, written with the statements of ref::dynamicQLinear:
//   1. in the entry function (per tensor; per token in each thread's chunk
//      of rows, before its GEMM): min / max of the tensor (or of each row;
//      a NaN or infinity makes the entry return 1; in vector lanes, see
//      minMaxVector), the qparams by
//      chooseQParams (ref::chooseQuantizationParams), the rows quantized to
//      8 bits with x * (1 / scale);
//   2. parallel over rows: the int8 GEMM kernel with int32 output (QType::S32,
//      no zero-point correction: it depends on the run), then the float
//      epilogue y = float(acc - z * colsum[n]) * (s * s_w[n]) (+ bias[n]),
//      a product and a sum with no FMA.
// See docs/codegen.md, "Dynamic quantization".
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

namespace mlir::qc::model_codegen {

// IntConv.cpp: the int8 weight constant of an integer op.
FailureOr<std::vector<int8_t>> getWeights(Operation *op, Value weight);

namespace {
int64_t alignUp(int64_t bytes) {
  constexpr int64_t align = 64;
  if (bytes > std::numeric_limits<int64_t>::max() - align)
    return std::numeric_limits<int64_t>::max();
  return (bytes + align - 1) / align * align;
}
int64_t satAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::numeric_limits<int64_t>::max();
  return r;
}
} // namespace

DynamicLinearScratch getDynamicLinearScratch(int64_t m, int64_t k, int64_t n,
                                             bool copyInput) {
  DynamicLinearScratch s;
  int64_t at = 0;
  auto part = [&](int64_t bytes) {
    int64_t offset = at;
    at = alignUp(satAdd(at, std::max<int64_t>(bytes, 1)));
    return offset;
  };
  s.quantized = part(satMul(m, k));
  s.accumulators = part(satMul(satMul(m, n), 4));
  s.scales = part(satMul(m, 4));
  s.zeroPoints = part(satMul(m, 4));
  if (copyInput)
    s.inputCopy = part(satMul(satMul(m, k), 4));
  s.bytes = at;
  return s;
}

LogicalResult ModelBuilder::emitDynamicLinear(DynamicQLinearOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = op.getWeight().getType();
  const int64_t nOut = wType.getDimSize(0), k = wType.getDimSize(1);
  const int64_t m = product(in.shape) / k;
  const bool perToken = op.getPerToken();
  const int64_t qmin = static_cast<int64_t>(op.getQuantMin()),
                qmax = static_cast<int64_t>(op.getQuantMax());
  Type aElement = op.getDtype();
  countFloatWeights(nOut * k + (op.getBias() ? nOut : 0));

  // Compile time: the weights packed for an s32-output kernel (zero point 0:
  // the packed bias holds only the kernel's own domain correction), the
  // column sums, the weight scales per column and the float bias.
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  if (failed(weights))
    return failure();
  std::vector<int32_t> columnSums(static_cast<size_t>(nOut), 0);
  for (int64_t c = 0; c < nOut; ++c)
    for (int64_t i = 0; i < k; ++i)
      columnSums[static_cast<size_t>(c)] += (*weights)[c * k + i];
  ArrayRef<float> scales = op.getWeightScale();
  std::vector<float> columnScales(static_cast<size_t>(nOut));
  for (int64_t c = 0; c < nOut; ++c)
    columnScales[static_cast<size_t>(c)] = scales[scales.size() == 1 ? 0 : c];
  std::vector<float> bias;
  if (Value bv = op.getBias()) {
    auto c = bv.getDefiningOp<ConstantOp>();
    FailureOr<std::vector<float>> values =
        c ? getConstantValues<float>(c.getValue())
          : FailureOr<std::vector<float>>(failure());
    if (failed(values) || static_cast<int64_t>(values->size()) != nOut)
      return op.emitError("qc compile: the bias of qc.dynamic_qlinear must "
                          "be a float constant of the output's features");
    bias = std::move(*values);
  }
  FailureOr<PackedGemm> gemm =
      packGemm(op, aElement, i32, k, nOut, *weights,
               std::vector<int32_t>(static_cast<size_t>(nOut), 0), {1.0f},
               /*zpA=*/0);
  if (failed(gemm))
    return failure();
  Value sumsArray = constantArray<int32_t>("colsum", columnSums);
  Value scalesArray = constantArray<float>("wscale", columnScales);
  Value biasArray =
      bias.empty() ? Value() : constantArray<float>("fbias", bias);

  // Run time, step 1 (entry function): qparams and quantized rows.
  DynamicLinearScratch sc =
      getDynamicLinearScratch(m, k, nOut, !in.isRowMajor());
  int64_t buffer = scratch[op.getOperation()];
  Value x = basePointer(in);
  if (sc.inputCopy >= 0) {
    Value rows = arenaPointer(buffer, sc.inputCopy);
    copyToRowMajor(in, x, rows);
    x = rows;
  }
  Value qBase = arenaPointer(buffer, sc.quantized);
  Value accBase = arenaPointer(buffer, sc.accumulators);
  Value scaleBase = arenaPointer(buffer, sc.scales);
  Value zpBase = arenaPointer(buffer, sc.zeroPoints);
  auto sel = [&](Value c, Value t, Value f) {
    return b.create<arith::SelectOp>(loc, c, t, f).getResult();
  };
  auto cmpF = [&](arith::CmpFPredicate pred, Value l, Value r) {
    return b.create<arith::CmpFOp>(loc, pred, l, r).getResult();
  };
  Value loSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value hiSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), badSlot);
  Value inf = cF32(std::numeric_limits<float>::infinity());
  Value loF = cF32(static_cast<float>(qmin)),
        hiF = cF32(static_cast<float>(qmax));
  // The min / max of the group's first `full` elements in vector lanes:
  // each lane keeps `v < lo ? v : lo` (and `v > hi ? v : hi`) over its
  // elements, then the lanes are combined in order with the same selects,
  // and any non-finite element sets the bad flag. For finite values this is
  // the sequential loop's min and max: only which of +0 / -0 a zero bound
  // keeps may differ, and chooseQParams gives the same scale and zero point
  // for both (every use of the bound is a comparison with 0, a difference
  // with a value of the other sign or zero, or a quotient of it that is
  // added to an integer). With a NaN or infinity the run fails (status 1)
  // as before.
  const int64_t lanes = floatLanes();
  auto minMaxVector = [&](Value first, int64_t full, Value x0) {
    auto vf = VectorType::get({lanes}, f32);
    auto vb = VectorType::get({lanes}, b.getI1Type());
    Value x0v = b.create<vector::BroadcastOp>(loc, vf, x0);
    Value infV = b.create<vector::BroadcastOp>(loc, vf, inf);
    Value noneBad = b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vb, false));
    auto loop = b.create<scf::ForOp>(
        loc, first, add(first, cI64(full)), cI64(lanes),
        ValueRange{x0v, x0v, noneBad},
        [&](OpBuilder &, Location, Value i, ValueRange acc) {
          Value v =
              b.create<LLVM::LoadOp>(loc, vf, gep(x, i, f32), /*alignment=*/4);
          Value lo = sel(cmpF(arith::CmpFPredicate::OLT, v, acc[0]), v, acc[0]);
          Value hi = sel(cmpF(arith::CmpFPredicate::OGT, v, acc[1]), v, acc[1]);
          Value bad = b.create<arith::OrIOp>(
              loc, acc[2],
              cmpF(arith::CmpFPredicate::UEQ, b.create<math::AbsFOp>(loc, v),
                   infV));
          b.create<scf::YieldOp>(loc, ValueRange{lo, hi, bad});
        });
    Value lo = b.create<vector::ExtractOp>(loc, loop.getResult(0),
                                           ArrayRef<int64_t>{0});
    Value hi = b.create<vector::ExtractOp>(loc, loop.getResult(1),
                                           ArrayRef<int64_t>{0});
    Value bad = b.create<vector::ExtractOp>(loc, loop.getResult(2),
                                            ArrayRef<int64_t>{0});
    for (int64_t l = 1; l < lanes; ++l) {
      Value vl = b.create<vector::ExtractOp>(loc, loop.getResult(0),
                                             ArrayRef<int64_t>{l});
      Value vh = b.create<vector::ExtractOp>(loc, loop.getResult(1),
                                             ArrayRef<int64_t>{l});
      lo = sel(cmpF(arith::CmpFPredicate::OLT, vl, lo), vl, lo);
      hi = sel(cmpF(arith::CmpFPredicate::OGT, vh, hi), vh, hi);
      bad = b.create<arith::OrIOp>(
          loc, bad,
          b.create<vector::ExtractOp>(loc, loop.getResult(2),
                                      ArrayRef<int64_t>{l}));
    }
    store(lo, loSlot);
    store(hi, hiSlot);
    store(sel(bad, cI32(1), load(i32, badSlot)), badSlot);
  };
  // ref::dynamicQLinear's loop over one group of `count` elements.
  auto quantizeGroup = [&](Value first, int64_t count, Value slot) {
    Value x0 = load(f32, gep(x, first, f32));
    store(x0, loSlot);
    store(x0, hiSlot);
    int64_t full = count >= 2 * lanes ? count / lanes * lanes : 0;
    if (full)
      minMaxVector(first, full, x0);
    forRange(add(first, cI64(full)), add(first, cI64(count)), [&](Value i) {
      Value v = load(f32, gep(x, i, f32));
      Value lo = load(f32, loSlot), hi = load(f32, hiSlot);
      store(sel(cmpF(arith::CmpFPredicate::OLT, v, lo), v, lo), loSlot);
      store(sel(cmpF(arith::CmpFPredicate::OGT, v, hi), v, hi), hiSlot);
      // !isfinite(v): |v| == inf or NaN.
      Value bad = cmpF(arith::CmpFPredicate::UEQ,
                       b.create<math::AbsFOp>(loc, v), inf);
      store(sel(bad, cI32(1), load(i32, badSlot)), badSlot);
    });
    auto [scaleF, zpF] =
        chooseQParams(load(f32, loSlot), load(f32, hiSlot), qmin, qmax);
    store(scaleF, gep(scaleBase, slot, f32));
    store(b.create<arith::FPToSIOp>(loc, i32, zpF), gep(zpBase, slot, i32));
    Value inv = b.create<arith::DivFOp>(loc, cF32(1), scaleF);
    forRange(first, add(first, cI64(count)), [&](Value i) {
      Value v = load(f32, gep(x, i, f32));
      Value scaled = b.create<arith::MulFOp>(loc, v, inv);
      store(emitRoundClampToI8(b, loc, scaled, zpF, loF, hiF),
            gep(qBase, i, i8));
    });
  };
  // Per tensor: the whole tensor's qparams first, in the entry function.
  // Per token: each thread quantizes its own rows (below), before its GEMM.
  if (!perToken) {
    quantizeGroup(cI64(0), m * k, cI64(0));
    store(b.create<arith::OrIOp>(loc, load(i32, statusSlot),
                                 load(i32, badSlot)),
          statusSlot);
  }

  // Step 2 (parallel over rows): [per token: the rows' qparams and
  // quantization,] the s32 GEMM, then the float epilogue.
  SmallVector<Value> pointers = {qBase,          accBase,
                                 gemm->weights,  gemm->bias,
                                 gemm->multipliers, scaleBase,
                                 zpBase,         sumsArray,
                                 scalesArray,    basePointer(out),
                                 x,              statusSlot};
  if (biasArray)
    pointers.push_back(biasArray);
  parallel(m, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
    if (perToken) {
      // quantizeGroup on this function's copies of the pointers and its own
      // min / max / flag slots; a bad row sets the run's status (bit 1, the
      // only bit written here, so concurrent chunks agree on the value).
      Value entryX = x, entryQ = qBase, entryScale = scaleBase,
            entryZp = zpBase, entryLo = loSlot, entryHi = hiSlot,
            entryBad = badSlot, entryInf = inf, entryLoF = loF,
            entryHiF = hiF;
      // Constants of the entry function are not visible here: new ones.
      inf = cF32(std::numeric_limits<float>::infinity());
      loF = cF32(static_cast<float>(qmin));
      hiF = cF32(static_cast<float>(qmax));
      x = p[10];
      qBase = p[0];
      scaleBase = p[5];
      zpBase = p[6];
      loSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
      hiSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
      badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
      store(cI32(0), badSlot);
      forRange(begin, end, [&](Value r) { quantizeGroup(mulC(r, k), k, r); });
      ifThen(b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne,
                                     load(i32, badSlot), cI32(0)),
             [&] {
               store(b.create<arith::OrIOp>(loc, load(i32, p[11]), cI32(1)),
                     p[11]);
             });
      x = entryX;
      qBase = entryQ;
      scaleBase = entryScale;
      zpBase = entryZp;
      loSlot = entryLo;
      hiSlot = entryHi;
      badSlot = entryBad;
      inf = entryInf;
      loF = entryLoF;
      hiF = entryHiF;
    }
    callGemm(*gemm, p[2], p[3], p[4], gep(p[0], mulC(begin, k), i8), k,
             gep(p[1], mulC(begin, nOut), i32), nOut * 4, sub(end, begin),
             0, 0, 0);
    forRange(begin, end, [&](Value r) {
      Value slot = perToken ? r : cI64(0);
      Value s = load(f32, gep(p[5], slot, f32));
      Value z = load(i32, gep(p[6], slot, i32));
      Value accRow = gep(p[1], mulC(r, nOut), i32);
      Value outRow = gep(p[9], mulC(r, nOut), f32);
      forN(nOut, [&](Value c) {
        Value acc = sub(load(i32, gep(accRow, c, i32)),
                        b.create<arith::MulIOp>(
                            loc, z, load(i32, gep(p[7], c, i32))));
        Value mult =
            b.create<arith::MulFOp>(loc, s, load(f32, gep(p[8], c, f32)));
        Value y = b.create<arith::MulFOp>(
            loc, b.create<arith::SIToFPOp>(loc, f32, acc), mult);
        if (biasArray)
          y = b.create<arith::AddFOp>(loc, y, load(f32, gep(p[12], c, f32)));
        store(y, gep(outRow, c, f32));
      });
    });
  });
  return success();
}

std::pair<Value, Value> ModelBuilder::chooseQParams(Value lo, Value hi,
                                                    int64_t qmin,
                                                    int64_t qmax) {
  // ref::chooseQuantizationParams written statement by statement (double
  // scale, f32 bounds); lo / hi are the finite f32 min and max.
  Type f64 = b.getF64Type();
  auto cF64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v)).getResult();
  };
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto cmpF = [&](arith::CmpFPredicate pred, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, pred, x, y).getResult();
  };
  Value inf = cF32(std::numeric_limits<float>::infinity());
  Value zero = cF32(0);
  // mn = std::min(lo, 0.0f), mx = std::max(hi, 0.0f).
  Value mn = sel(cmpF(arith::CmpFPredicate::OLT, zero, lo), zero, lo);
  Value mx = sel(cmpF(arith::CmpFPredicate::OLT, hi, zero), zero, hi);
  auto ext = [&](Value v) { return b.create<arith::ExtFOp>(loc, f64, v); };
  auto trunc = [&](Value v) { return b.create<arith::TruncFOp>(loc, f32, v); };
  Value scale = b.create<arith::DivFOp>(
      loc, b.create<arith::SubFOp>(loc, ext(mx), ext(mn)),
      cF64(static_cast<double>(qmax - qmin)));
  Value sf = trunc(scale);
  Value degenerate = b.create<arith::OrIOp>(
      loc, cmpF(arith::CmpFPredicate::OEQ, sf, zero),
      cmpF(arith::CmpFPredicate::OEQ,
           b.create<math::AbsFOp>(loc, b.create<arith::DivFOp>(loc, cF32(1),
                                                               sf)),
           inf));
  scale = sel(degenerate, cF64(0.1), scale);
  constexpr float kSmallScale = 6.1e-5f;
  Value small = cmpF(arith::CmpFPredicate::OLT, scale,
                     cF64(static_cast<double>(kSmallScale)));
  Value range = cF32(static_cast<float>(qmax - qmin));
  Value mnZero = cmpF(arith::CmpFPredicate::OEQ, mn, zero);
  Value mxZero = cmpF(arith::CmpFPredicate::OEQ, mx, zero);
  Value amplifier = trunc(b.create<arith::DivFOp>(
      loc, cF64(static_cast<double>(kSmallScale)), scale));
  Value kRange = b.create<arith::MulFOp>(loc, cF32(kSmallScale), range);
  Value mnSmall =
      sel(mnZero, mn,
          sel(mxZero, b.create<arith::MulFOp>(loc, cF32(-kSmallScale), range),
              b.create<arith::MulFOp>(loc, mn, amplifier)));
  Value mxSmall = sel(mnZero, kRange,
                      sel(mxZero, mx,
                          b.create<arith::MulFOp>(loc, mx, amplifier)));
  mn = sel(small, mnSmall, mn);
  mx = sel(small, mxSmall, mx);
  scale = sel(small, cF64(static_cast<double>(kSmallScale)), scale);
  Value qminD = cF64(static_cast<double>(qmin)),
        qmaxD = cF64(static_cast<double>(qmax));
  Value mnS = b.create<arith::DivFOp>(loc, ext(mn), scale);
  Value mxS = b.create<arith::DivFOp>(loc, ext(mx), scale);
  Value zpFromMin = b.create<arith::SubFOp>(loc, qminD, mnS);
  Value zpFromMax = b.create<arith::SubFOp>(loc, qmaxD, mxS);
  Value errMin = b.create<arith::SubFOp>(
      loc, cF64(std::abs(static_cast<double>(qmin))),
      b.create<math::AbsFOp>(loc, mnS));
  Value errMax = b.create<arith::SubFOp>(
      loc, cF64(std::abs(static_cast<double>(qmax))),
      b.create<math::AbsFOp>(loc, mxS));
  Value zp = sel(cmpF(arith::CmpFPredicate::OLT, errMin, errMax), zpFromMin,
                 zpFromMax);
  Value nudged =
      sel(cmpF(arith::CmpFPredicate::OLT, zp, qminD), qminD,
          sel(cmpF(arith::CmpFPredicate::OGT, zp, qmaxD), qmaxD,
              b.create<math::RoundEvenOp>(loc, zp)));
  Value zpF = trunc(nudged); // an integer in [qmin, qmax]: exact
  return {trunc(scale), zpF};
}

LogicalResult ModelBuilder::emitDynamicFakeQuant(DynamicFakeQuantOp op) {
  // ref::dynamicFakeQuant: min / max of the tensor (a non-finite element
  // makes the entry return 1), chooseQParams, then quantize and dequantize
  // with them.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  if (op.getPerToken())
    return op.emitError("qc compile: a per-token qc.dynamic_fake_quant is "
                        "compiled only inside qc.dynamic_qlinear (run "
                        "qc-lower-to-integer)");
  int64_t qmin = static_cast<int64_t>(op.getQuantMin()),
          qmax = static_cast<int64_t>(op.getQuantMax());
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto cmpF = [&](arith::CmpFPredicate pred, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, pred, x, y).getResult();
  };
  if (product(in.shape) == 0)
    return success();
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value loSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value hiSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  Value first = load(f32, inBase);
  store(first, loSlot);
  store(first, hiSlot);
  store(cI32(0), badSlot);
  Value inf = cF32(std::numeric_limits<float>::infinity());
  loopNest(in.shape, in.strides, [&](ArrayRef<Value> ivs) {
    Value x = load(f32, gep(inBase, offsetOf(ivs, in.strides), f32));
    Value lo = load(f32, loSlot), hi = load(f32, hiSlot);
    store(sel(cmpF(arith::CmpFPredicate::OLT, x, lo), x, lo), loSlot);
    store(sel(cmpF(arith::CmpFPredicate::OGT, x, hi), x, hi), hiSlot);
    // !isfinite(x): |x| == inf or NaN.
    Value absX = b.create<math::AbsFOp>(loc, x);
    Value bad = cmpF(arith::CmpFPredicate::UEQ, absX, inf);
    store(sel(bad, cI32(1), load(i32, badSlot)), badSlot);
  });
  Value bad = load(i32, badSlot);
  store(b.create<arith::OrIOp>(loc, load(i32, statusSlot), bad), statusSlot);
  auto [scaleF, zpF] =
      chooseQParams(load(f32, loSlot), load(f32, hiSlot), qmin, qmax);
  Value inv = b.create<arith::DivFOp>(loc, cF32(1), scaleF);
  Value loF = cF32(static_cast<float>(qmin)),
        hiF = cF32(static_cast<float>(qmax));
  loopNest(out.shape, out.strides, [&](ArrayRef<Value> ivs) {
    Value x = load(f32, gep(inBase, offsetOf(ivs, in.strides), f32));
    Value q = b.create<math::RoundEvenOp>(
        loc, b.create<arith::MulFOp>(loc, x, inv));
    q = b.create<arith::AddFOp>(loc, q, zpF);
    q = sel(cmpF(arith::CmpFPredicate::OLT, q, loF), loF, q);
    q = sel(cmpF(arith::CmpFPredicate::OGT, q, hiF), hiF, q);
    Value y = b.create<arith::MulFOp>(
        loc, b.create<arith::SubFOp>(loc, q, zpF), scaleF);
    store(y, gep(outBase, offsetOf(ivs, out.strides), f32));
  });
  return success();
}

LogicalResult ModelBuilder::planDynamicLinear(DynamicQLinearOp op) {
  if (failed(bindOperands(op, op->getOperands().take_front())))
    return failure();
  const TensorRef &in = refs[op.getInput()];
  int64_t k = in.shape.back();
  int64_t n = op.getWeight().getType().getDimSize(0);
  int64_t m = k > 0 ? product(in.shape) / k : 0;
  scratch[op] =
      newBuffer(stepName(op) + "_scratch",
                getDynamicLinearScratch(m, k, n, !in.isRowMajor()).bytes);
  placeResult(op, /*rowMajor=*/true);
  return success();
}

LogicalResult ModelBuilder::planDynamicFakeQuant(DynamicFakeQuantOp op) {
  if (failed(checkFloatOperands(op)))
    return failure();
  int64_t lo = static_cast<int64_t>(op.getQuantMin()),
          hi = static_cast<int64_t>(op.getQuantMax());
  if (lo >= hi || lo < std::numeric_limits<int32_t>::min() ||
      hi > std::numeric_limits<int32_t>::max())
    return op.emitError("qc compile: qc.dynamic_fake_quant needs "
                        "quant_min < quant_max within int32");
  // NHWC when it reads an NHWC tensor of its shape, else row-major.
  auto type = cast<RankedTensorType>(op.getResult().getType());
  placeResult(op, !(type.getRank() == 4 && hasNhwcOperand(op)));
  return success();
}

void ModelBuilder::populateDynamicQuantPatterns(LoweringPatterns &patterns) {
  patterns
      .add<DynamicQLinearOp>("dynamic_qlinear",
                             &ModelBuilder::planDynamicLinear,
                             &ModelBuilder::emitDynamicLinear, 0,
                             &ModelBuilder::isWeightOperand)
      .add<DynamicFakeQuantOp>("dynamic_fake_quant",
                               &ModelBuilder::planDynamicFakeQuant,
                               &ModelBuilder::emitDynamicFakeQuant,
                               kFloatStep);
}

} // namespace mlir::qc::model_codegen
