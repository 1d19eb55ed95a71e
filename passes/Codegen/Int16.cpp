//===- Int16.cpp - the 16x8 steps: int16 activations, int8 weights --------===//
//
// Lowering of the integer ops qc-lower-to-integer forms for int16
// activations (docs/codegen.md, "int16"): qc.qconv2d and qc.qlinear with an
// i16 input or result, and qc.qadd / qc.qmul / qc.qrequantize with an i16
// operand or result. Int16 inputs are symmetric (zero point 0); the int8
// weights are sign-extended to i16 at compile time, so the inner loop is
// sum_k sext(x[k]) * sext(w[k]) in i32 -- the form LLVM's vectorizer and
// instruction selection turn into vpmaddwd (x86 AVX2 / AVX-512) and
// smlal / smull (AArch64 NEON), for every target variant alike. The sum is
// DESIGN.md's int32 accumulator; one product is at most 2^22 in magnitude,
// so a layer whose weights allow a sum beyond int32 (int16WeightsFit fails)
// sums chunks of kInt16Chunk products in i32 (exact) into an i64 and reports
// a result outside int32 as the reference does: status bit
// kInt16OverflowStatus of the run, never a wrapped value. Every result goes
// through Requantize.h, as the 8-bit steps do, so the code equals
// reference/KernelsInt.cpp bit for bit.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <cstdlib>
#include <limits>

namespace mlir::qc::model_codegen {

namespace {
bool isI16(Value v) {
  return cast<ShapedType>(v.getType()).getElementType().isInteger(16);
}

/// Products summed in i32 before widening: 256 * 2^22 = 2^30 < 2^31.
constexpr int64_t kInt16Chunk = 256;

/// Whether no sum of \p perChannel products of |x| <= 32768 with the
/// weights of one output channel, plus its bias, can leave int32:
/// 32768 * sum_k |w[c, k]| + |bias[c]| <= INT32_MAX for every c (weights
/// [C, perChannel]).
bool int16WeightsFit(ArrayRef<int8_t> weights, ArrayRef<int32_t> bias,
                     int64_t perChannel) {
  for (size_t c = 0; c < bias.size(); ++c) {
    int64_t sum = std::abs(int64_t{bias[c]});
    for (int64_t k = 0; k < perChannel; ++k)
      sum += 32768 * std::abs(int64_t{weights[c * perChannel + k]});
    if (sum > std::numeric_limits<int32_t>::max())
      return false;
  }
  return true;
}
} // namespace

bool ModelBuilder::isInt16Step(Operation *op) {
  if (!isa<QConv2dOp, QLinearOp, QAddOp, QMulOp, QRequantizeOp>(op))
    return false;
  return llvm::any_of(op->getOperands(), isI16) ||
         llvm::any_of(op->getResults(), isI16);
}

func::FuncOp ModelBuilder::getDot16Kernel(Type xElement, bool wide) {
  // One function per variant, input type and accumulator width:
  // (x, x stride, w, count, zero point) -> sum_k (x[k * stride] - zp) * w[k].
  std::string name = prefix + "_dot16_" +
                     (xElement.isInteger(16) ? "s16"
                      : isUnsigned(xElement) ? "u8"
                                             : "s8") +
                     (wide ? "_wide" : "");
  if (auto it = kernels.find(name); it != kernels.end())
    return it->second;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  Type accT = wide ? i64 : i32;
  auto fn = b.create<func::FuncOp>(
      loc, name, b.getFunctionType({ptr, i64, ptr, i64, i32}, {accT}));
  // Internal (two compiled models can be linked into one program), and
  // called, not inlined into every step: one vectorized loop per model
  // instead of one per output channel loop (code size and compile time).
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  fn->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline")}));
  Block *block = fn.addEntryBlock();
  b.setInsertionPointToStart(block);
  Value x = block->getArgument(0), xStride = block->getArgument(1),
        w = block->getArgument(2), count = block->getArgument(3),
        zp = block->getArgument(4);
  Type xT = storageType(xElement);
  auto term = [&](Value k) {
    Value xv = extend(load(xT, gep(x, mul(k, xStride), xT)), xElement);
    Value wv = b.create<arith::ExtSIOp>(loc, i32, load(i16, gep(w, k, i16)));
    return mul(sub(xv, zp), wv);
  };
  // sum_{k in [lo, hi)} in i32.
  auto dot = [&](Value lo, Value hi) {
    auto loop = b.create<scf::ForOp>(
        loc, lo, hi, cI64(1), ValueRange{cI32(0)},
        [&](OpBuilder &, Location, Value k, ValueRange sum) {
          b.create<scf::YieldOp>(loc, add(sum[0], term(k)));
        });
    return loop.getResult(0);
  };
  Value result;
  if (!wide) {
    result = dot(cI64(0), count);
  } else {
    auto chunks = b.create<scf::ForOp>(
        loc, cI64(0), count, cI64(kInt16Chunk), ValueRange{cI64(0)},
        [&](OpBuilder &, Location, Value k0, ValueRange sum) {
          Value end = b.create<arith::MinSIOp>(
              loc, add(k0, cI64(kInt16Chunk)), count);
          Value part = b.create<arith::ExtSIOp>(loc, i64, dot(k0, end));
          b.create<scf::YieldOp>(loc, add(sum[0], part));
        });
    result = chunks.getResult(0);
  }
  b.create<func::ReturnOp>(loc, result);
  kernels[name] = fn;
  return fn;
}

Value ModelBuilder::emitDot16(Value x, int64_t xStride, Type xElement,
                              int64_t zp, Value w, int64_t count, bool wide) {
  if (count == 1) {
    // A depthwise tap: one product, inline.
    Type xT = storageType(xElement);
    Value xv = extend(load(xT, x), xElement);
    if (zp != 0)
      xv = sub(xv, cI32(zp));
    Value wv = b.create<arith::ExtSIOp>(loc, i32, load(i16, w));
    Value p = mul(xv, wv);
    return wide ? b.create<arith::ExtSIOp>(loc, i64, p).getResult() : p;
  }
  func::FuncOp kernel = getDot16Kernel(xElement, wide);
  return b
      .create<func::CallOp>(loc, kernel,
                            ValueRange{x, cI64(xStride), w, cI64(count),
                                       cI32(zp)})
      .getResult(0);
}

Value ModelBuilder::narrowInt16Accumulator(Value acc, Value flag) {
  if (acc.getType() == i32)
    return acc;
  Value lo = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::slt, acc,
      cI64(std::numeric_limits<int32_t>::min()));
  Value hi = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::sgt, acc,
      cI64(std::numeric_limits<int32_t>::max()));
  Value bad = b.create<arith::OrIOp>(loc, lo, hi);
  store(b.create<arith::SelectOp>(loc, bad, cI32(kInt16OverflowStatus),
                                  load(i32, flag)),
        flag);
  return b.create<arith::TruncIOp>(loc, i32, acc);
}

LogicalResult ModelBuilder::emitConv16(QConv2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  FailureOr<ConvParts> parts = getConvParts(op);
  if (failed(parts))
    return failure();
  int64_t o = parts->o, cg = parts->cg, kh = parts->kh, kw = parts->kw;
  int64_t n = parts->n, oh = parts->oh, ow = parts->ow;
  int64_t groups = static_cast<int64_t>(op.getGroups()), og = o / groups;
  int64_t taps = kh * kw;
  // OIHW -> O x (ky, kx, c), sign-extended: per tap the channels of a group
  // are contiguous, like the input's channels in NHWC.
  std::vector<int16_t> weights(o * taps * cg);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t ic = 0; ic < cg; ++ic)
      for (int64_t t = 0; t < taps; ++t)
        weights[(oc * taps + t) * cg + ic] =
            parts->weights[(oc * cg + ic) * taps + t];
  int64_t zp = op.getInputZeroPoint(), zpOut = op.getOutputZeroPoint();
  int64_t lo = op.getClampMin(), hi = op.getClampMax();
  Type inT = storageType(in.element), outT = storageType(out.element);
  bool wide = !int16WeightsFit(parts->weights, parts->bias, cg * taps);
  Type accT = wide ? i64 : i32;
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  parallel(n * oh * ow, {basePointer(in), basePointer(out), statusSlot},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             Value w = constantArray<int16_t>("w16", weights);
             Value bias = constantArray<int32_t>("bias16", parts->bias);
             Value mult = constantArray<float>("mult16", parts->multipliers);
             Value acc = b.create<LLVM::AllocaOp>(loc, ptr, accT, cI32(1), 8);
             Value flag = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
             store(cI32(0), flag);
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value image = gep(p[0], mulC(px.img, in.strides[0]), inT);
               Value dst = gep(p[1],
                               add(add(mulC(px.img, out.strides[0]),
                                       mulC(px.oy, out.strides[2])),
                                   mulC(px.ox, out.strides[3])),
                               outT);
               forN(o, [&](Value oc) {
                 Value b0 = load(i32, gep(bias, oc, i32));
                 store(wide ? b.create<arith::ExtSIOp>(loc, i64, b0).getResult()
                            : b0,
                       acc);
                 Value group = groups == 1 ? cI64(0) : divC(oc, og);
                 Value channel0 = mulC(group, cg * in.strides[1]);
                 Value wRow = gep(w, mulC(oc, taps * cg), i16);
                 // The window's taps in run-time loops (one dot-product
                 // loop in the code per conv, not one per tap).
                 forN(kh, [&](Value ky) {
                   Value iy = add(mulC(px.oy, strides[0]),
                                  sub(mulC(ky, dil[0]), cI64(pads[0])));
                   ifThen(inBounds(iy, in.shape[2]), [&] {
                     forN(kw, [&](Value kx) {
                       Value ix = add(mulC(px.ox, strides[1]),
                                      sub(mulC(kx, dil[1]), cI64(pads[1])));
                       ifThen(inBounds(ix, in.shape[3]), [&] {
                         Value src = gep(image,
                                         add(mulC(iy, in.strides[2]),
                                             mulC(ix, in.strides[3])),
                                         inT);
                         Value tap = add(mulC(ky, kw), kx);
                         Value dot = emitDot16(
                             gep(src, channel0, inT), in.strides[1],
                             in.element, zp,
                             gep(wRow, mulC(tap, cg), i16), cg, wide);
                         store(add(load(accT, acc), dot), acc);
                       });
                     });
                   });
                 });
                 Value q = requantizeTo(
                     narrowInt16Accumulator(load(accT, acc), flag),
                     load(f32, gep(mult, oc, f32)), zpOut, lo, hi, outT);
                 store(q, gep(dst, mulC(oc, out.strides[1]), outT));
               });
             });
             // Chunks may finish together: an atomic or.
             b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                         load(i32, flag),
                                         LLVM::AtomicOrdering::monotonic);
           });
  return success();
}

LogicalResult ModelBuilder::emitLinear16(QLinearOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t nOut = wType.getDimSize(0), k = wType.getDimSize(1);
  countFloatWeights(nOut * k + (op.getBias() ? nOut : 0));
  FailureOr<std::vector<int8_t>> weights = getWeights(op, op.getWeight());
  FailureOr<std::vector<int32_t>> bias = getBias(op, op.getBias(), nOut);
  if (failed(weights) || failed(bias))
    return failure();
  std::vector<int16_t> weights16(weights->begin(), weights->end());
  SmallVector<float> mults = op.getRequantMultipliers();
  std::vector<float> multipliers;
  for (int64_t c = 0; c < nOut; ++c)
    multipliers.push_back(mults.size() == 1 ? mults[0] : mults[c]);
  int64_t zp = op.getInputZeroPoint(), zpOut = op.getOutputZeroPoint();
  int64_t lo = op.getClampMin(), hi = op.getClampMax();
  Type inT = storageType(in.element), outT = storageType(out.element);
  // One row per index of the leading dimensions; x and y at any strides.
  size_t rank = in.shape.size();
  SmallVector<int64_t> rows(in.shape.begin(), in.shape.end() - 1);
  SmallVector<int64_t> inRowStrides(in.strides.begin(),
                                    in.strides.begin() + (rank - 1));
  SmallVector<int64_t> outRowStrides(out.strides.begin(),
                                     out.strides.begin() + (rank - 1));
  if (rows.empty()) {
    rows = {1};
    inRowStrides = {0};
    outRowStrides = {0};
  }
  int64_t xStride = in.strides.back(), yStride = out.strides.back();
  bool wideAcc = !int16WeightsFit(*weights, *bias, k);
  Value flag;
  parallelLoopNest(
      rows, outRowStrides, {basePointer(in), basePointer(out), statusSlot},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value w = constantArray<int16_t>("w16", weights16);
        Value biasG = constantArray<int32_t>("bias16", *bias);
        Value mult = constantArray<float>("mult16", multipliers);
        Value x = gep(p[0], offsetOf(ivs, inRowStrides), inT);
        Value y = gep(p[1], offsetOf(ivs, outRowStrides), outT);
        forN(nOut, [&](Value c) {
          Value dot = emitDot16(x, xStride, in.element, zp,
                                gep(w, mulC(c, k), i16), k, wideAcc);
          Value b0 = load(i32, gep(biasG, c, i32));
          Value acc = add(wideAcc ? b.create<arith::ExtSIOp>(loc, i64, b0)
                                        .getResult()
                                  : b0,
                          dot);
          store(requantizeTo(narrowInt16Accumulator(acc, flag),
                             load(f32, gep(mult, c, f32)), zpOut, lo, hi,
                             outT),
                gep(y, mulC(c, yStride), outT));
        });
      },
      [&](ArrayRef<Value>) {
        flag = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
        store(cI32(0), flag);
      },
      [&](ArrayRef<Value> p) {
        b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::_or, p[2],
                                    load(i32, flag),
                                    LLVM::AtomicOrdering::monotonic);
      });
  return success();
}

LogicalResult ModelBuilder::emitElementwise16(Operation *op) {
  // As the 8-bit emitAdd / emitElementwise, with each operand read at its
  // own width: qc.qadd: float(a - za) * ma + float(b - zb) * mb; qc.qmul:
  // (a - za) * (b - zb) in i32, then * m; qc.qrequantize: (x - zx) * m.
  // Operands broadcast to the result (qc.qmul): a dimension an operand
  // lacks or has as 1 gets stride 0.
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<Value> pointers;
  SmallVector<TensorRef> ins = broadcastOperands(op, pointers);
  SmallVector<int64_t> zps;
  SmallVector<float> addMultipliers;
  float m = 0;
  int64_t zpOut, lo, hi;
  if (auto addOp = dyn_cast<QAddOp>(op)) {
    float so = addOp.getOutputScale().convertToFloat();
    addMultipliers = {addOp.getLhsScale().convertToFloat() / so,
                      addOp.getRhsScale().convertToFloat() / so};
    zps = {static_cast<int64_t>(addOp.getLhsZeroPoint()),
           static_cast<int64_t>(addOp.getRhsZeroPoint())};
    zpOut = addOp.getOutputZeroPoint();
    lo = addOp.getClampMin();
    hi = addOp.getClampMax();
  } else {
    ElementwiseRequantize r = elementwiseRequantize(op);
    m = r.multiplier;
    zps = r.zeroPoints;
    zpOut = r.outputZeroPoint;
    lo = r.clampMin;
    hi = r.clampMax;
  }
  Type outT = storageType(out.element);
  parallelLoopNest(
      out.shape, out.strides, pointers,
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        SmallVector<Value> centered;
        for (auto [i, t] : llvm::enumerate(ins)) {
          Type st = storageType(t.element);
          centered.push_back(
              sub(extend(load(st, gep(p[i], offsetOf(ivs, t.strides), st)),
                         t.element),
                  cI32(zps[i])));
        }
        Value q;
        if (!addMultipliers.empty()) {
          auto side = [&](int i) {
            Value f = b.create<arith::SIToFPOp>(loc, f32, centered[i]);
            return b.create<arith::MulFOp>(loc, f, cF32(addMultipliers[i]));
          };
          Value v = b.create<arith::AddFOp>(loc, side(0), side(1));
          q = roundClampTo(v, zpOut, lo, hi, outT);
        } else {
          Value acc = centered[0];
          for (size_t i = 1; i < centered.size(); ++i)
            acc = mul(acc, centered[i]);
          q = requantizeTo(acc, cF32(m), zpOut, lo, hi, outT);
        }
        store(q, gep(p[ins.size()], offsetOf(ivs, out.strides), outT));
      });
  return success();
}

LogicalResult ModelBuilder::refuseUnloweredInt16(Operation *op) {
  // The Q/DQ form of a quantized op (one a quantizer annotated; a float op
  // no quantizer took is a float island and compiles as such) with int16
  // activations that no 16x8 form took: an operand dequantized from i16 or
  // a result quantized to i16 (through at most a relu / clamp).
  if (!op->hasAttr("qc.annotated_by"))
    return success();
  auto fromInt16 = [](Value v) {
    auto dq = v.getDefiningOp<DequantizeOp>();
    return dq && isI16(dq.getInput());
  };
  auto toInt16 = [](Value v) {
    for (Operation *user : v.getUsers()) {
      if (auto q = dyn_cast<QuantizeOp>(user); q && isI16(q.getResult()))
        return true;
      if (isa<ReluOp, ClampOp>(user))
        for (Operation *next : user->getResult(0).getUsers())
          if (auto q = dyn_cast<QuantizeOp>(next); q && isI16(q.getResult()))
            return true;
    }
    return false;
  };
  if (!llvm::any_of(op->getOperands(), fromInt16) &&
      !llvm::any_of(op->getResults(), toInt16))
    return success();
  std::string name = nodeName(op->getLoc());
  std::string selector = name.empty() ? "NAME" : name;
  // (The diagnostic handler prefixes the node's name.)
  return op->emitError()
         << "qc compile: '" << op->getName()
         << "' has int16 activations but no 16x8 integer form (int16 is "
            "compiled for conv2d, linear, add, mul, relu / clamp and data "
            "movement: docs/codegen.md, \"int16 activations\"); quantize it "
            "with int8 (act_dtype["
         << selector << "]=int8) or keep it float (keep_float=" << selector
         << ")";
}

void ModelBuilder::populateInt16Patterns(LoweringPatterns &patterns) {
  patterns
      .add("qconv2d-16x8",
           [](Operation *op) { return isa<QConv2dOp>(op) && isInt16Step(op); },
           &ModelBuilder::planWeightedStep, &ModelBuilder::emitConv16,
           kNhwcInput, &ModelBuilder::isWeightOperand)
      .add("qlinear-16x8",
           [](Operation *op) { return isa<QLinearOp>(op) && isInt16Step(op); },
           &ModelBuilder::planWeightedStep, &ModelBuilder::emitLinear16, 0,
           &ModelBuilder::isWeightOperand)
      .add(
          "elementwise-16x8",
          [](Operation *op) {
            return isa<QAddOp, QMulOp, QRequantizeOp>(op) && isInt16Step(op);
          },
          &ModelBuilder::planArenaStep, &ModelBuilder::emitElementwise16);
}

} // namespace mlir::qc::model_codegen
