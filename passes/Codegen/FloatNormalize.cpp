//===- FloatNormalize.cpp - softmax, log_softmax, layer and batch norm ---===//
//
// The float steps that normalize along an axis or a channel, each the
// reference kernel's statements (reference/KernelsElementwise.cpp),
// bit-identical to `qc run`:
//   - softmax is vectorized: the reference's exp (ref::softmaxExp, no libm
//     call) on vectors of 8 doubles and its 8 partial sums as the 8 lanes of
//     one vector;
//   - log_softmax: ref::logSoftmax statement by statement: per line along the
//     axis, mx = the line's maximum from x[0] (`mx < v ? v : mx`, std::max's
//     rule, so a NaN after x[0] is skipped as the reference skips it),
//     sum = the sum of exp(double(x) - mx) in line order with the C library's
//     double `exp`, logSum = the C library's double `log`, then
//     out = float((double(x) - mx) - logSum). Lines run in parallel; the line
//     itself is scalar (its exp / log calls dominate);
//   - layer_norm keeps the reference's double accumulation in its order;
//   - batch_norm: (x - mean) / sqrt(var + eps) * scale + bias per channel.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "support/SoftmaxExp.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

namespace mlir::qc::model_codegen {

namespace {

/// Row-major strides of \p shape broadcast to \p outShape (compile-time
/// expansion of constants).
SmallVector<int64_t> broadcastRowMajor(ArrayRef<int64_t> shape,
                                       ArrayRef<int64_t> outShape) {
  TensorRef r;
  r.shape.assign(shape.begin(), shape.end());
  r.strides = rowMajorStrides(r.shape);
  return broadcastStrides(r, outShape);
}

/// \p values (row-major, \p shape) expanded to row-major \p outShape.
std::vector<float> expandTo(ArrayRef<float> values, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> from = broadcastRowMajor(shape, outShape);
  int64_t n = product(outShape);
  std::vector<float> out(n);
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < outShape.size(); ++d)
      off += index[d] * from[d];
    out[i] = values[off];
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

} // namespace

/// Softmax axes up to this length keep their exp values in a stack array.
constexpr int64_t kSoftmaxStackLength = 8192;

AxisLines axisLines(const TensorRef &in, const TensorRef &out, int64_t axis) {
  int64_t rank = static_cast<int64_t>(in.shape.size());
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> outer(in.shape.begin(), in.shape.end());
  outer[axis] = 1;
  return {in.shape[axis], std::move(outer), in.strides[axis],
          out.strides[axis]};
}

LogicalResult ModelBuilder::emitSoftmax(SoftmaxOp op) {
  // ref::softmax on vectors of kSumLanes doubles: mx = max of the line,
  // e[j] = softmaxExp(double(x[j]) - mx), lane l of the running vector sum
  // holds the reference's partial sum l (e[j] with j mod 8 = l, in j order),
  // combined pairwise as the reference, out[j] = float(e[j] / sum). The max
  // is taken lane-wise then across lanes: a different order than the
  // reference's, with the same value (a NaN anywhere makes every output NaN
  // either way; +0 / -0 give the same differences).
  using ::qc::softmax_exp::kSumLanes;
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  AxisLines lines = axisLines(in, out, op.getAxis());
  int64_t len = lines.length, is = lines.inStride, os = lines.outStride;
  const SmallVector<int64_t> &outer = lines.outer;
  Type f64 = b.getF64Type();
  auto vf = VectorType::get({kSumLanes}, f32);
  auto vd = VectorType::get({kSumLanes}, f64);
  int64_t full = len / kSumLanes, tail = len % kSumLanes;
  int64_t chunks = full + (tail ? 1 : 0);
  Value e;
  auto sel = [&](Value c, Value u, Value v) {
    return b.create<arith::SelectOp>(loc, c, u, v).getResult();
  };
  auto less = [&](Value u, Value v) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, u, v)
        .getResult();
  };
  // Chunk c (elements [8c, 8c + 8)) of a line as a vector; lanes past the
  // line (the tail chunk, `lanes` < 8) hold `pad`.
  auto loadChunk = [&](Value src, Value c, int64_t lanes, Value pad) -> Value {
    Value first = gep(src, mulC(mulC(c, kSumLanes), is), f32);
    if (is == 1 && lanes == kSumLanes)
      return b.create<LLVM::LoadOp>(loc, vf, first, /*alignment=*/4)
          .getResult();
    SmallVector<Value> elems;
    for (int64_t l = 0; l < kSumLanes; ++l)
      elems.push_back(l < lanes ? load(f32, gep(first, cI64(l * is), f32))
                                : pad);
    return b.create<vector::FromElementsOp>(loc, vf, elems).getResult();
  };
  auto storeChunk = [&](Value dst, Value c, int64_t lanes, Value v) {
    Value first = gep(dst, mulC(mulC(c, kSumLanes), os), f32);
    if (os == 1 && lanes == kSumLanes) {
      b.create<LLVM::StoreOp>(loc, v, first, /*alignment=*/4);
      return;
    }
    for (int64_t l = 0; l < lanes; ++l)
      store(b.create<vector::ExtractOp>(loc, v, ArrayRef<int64_t>{l}),
            gep(first, cI64(l * os), f32));
  };
  // Runs body(chunk, lanes) over the full chunks (a loop) and the tail.
  auto forChunks = [&](const std::function<void(Value, int64_t)> &body) {
    if (full > 0)
      forN(full, [&](Value c) { body(c, kSumLanes); });
    if (tail)
      body(cI64(full), tail);
  };
  parallelLoopNest(
      outer, rowMajorStrides(outer), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        Value x0 = load(f32, src);
        // Lane-wise max (m < v ? v : m), the tail padded with x[0].
        Value vmx = b.create<vector::BroadcastOp>(loc, vf, x0);
        auto maxWith = [&](Value m, Value v) { return sel(less(m, v), v, m); };
        if (full > 0)
          vmx = b.create<scf::ForOp>(
                     loc, cI64(0), cI64(full), cI64(1), ValueRange{vmx},
                     [&](OpBuilder &, Location, Value c, ValueRange acc) {
                       b.create<scf::YieldOp>(
                           loc, maxWith(acc[0],
                                        loadChunk(src, c, kSumLanes, x0)));
                     })
                    .getResult(0);
        if (tail)
          vmx = maxWith(vmx, loadChunk(src, cI64(full), tail, x0));
        // Across lanes pairwise (the max does not depend on the order).
        SmallVector<Value> level;
        for (int64_t l = 0; l < kSumLanes; ++l)
          level.push_back(
              b.create<vector::ExtractOp>(loc, vmx, ArrayRef<int64_t>{l}));
        while (level.size() > 1) {
          SmallVector<Value> next;
          for (size_t l = 0; l + 1 < level.size(); l += 2)
            next.push_back(maxWith(level[l], level[l + 1]));
          level = std::move(next);
        }
        Value mx = level[0];
        Value mxv = b.create<vector::BroadcastOp>(
            loc, vd, b.create<arith::ExtFOp>(loc, f64, mx));
        Value zero = b.create<vector::BroadcastOp>(
            loc, vd, b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0)));
        // exp of a chunk; lanes past the line are 0 (they add nothing).
        auto expChunk = [&](Value c, int64_t lanes) {
          Value xv = b.create<arith::ExtFOp>(loc, vd,
                                             loadChunk(src, c, lanes, mx));
          Value ev = softmaxExp(b.create<arith::SubFOp>(loc, xv, mxv));
          if (lanes < kSumLanes) {
            SmallVector<bool> live(kSumLanes, false);
            std::fill(live.begin(), live.begin() + lanes, true);
            Value mask = b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(
                         VectorType::get({kSumLanes}, b.getI1Type()),
                         ArrayRef<bool>(live)));
            ev = sel(mask, ev, zero);
          }
          return ev;
        };
        auto sumStep = [&](Value acc, Value c, int64_t lanes) {
          Value ev = expChunk(c, lanes);
          if (e)
            b.create<LLVM::StoreOp>(loc, ev, gep(e, mulC(c, kSumLanes), f64),
                                    /*alignment=*/8);
          return b.create<arith::AddFOp>(loc, acc, ev).getResult();
        };
        Value acc = zero;
        if (full > 0)
          acc = b.create<scf::ForOp>(
                     loc, cI64(0), cI64(full), cI64(1), ValueRange{acc},
                     [&](OpBuilder &, Location, Value c, ValueRange a) {
                       b.create<scf::YieldOp>(loc,
                                              sumStep(a[0], c, kSumLanes));
                     })
                    .getResult(0);
        if (tail)
          acc = sumStep(acc, cI64(full), tail);
        static_assert(kSumLanes == 8, "the pairwise combination below");
        auto lane = [&](int64_t l) {
          return b.create<vector::ExtractOp>(loc, acc, ArrayRef<int64_t>{l})
              .getResult();
        };
        auto fadd = [&](Value u, Value v) {
          return b.create<arith::AddFOp>(loc, u, v).getResult();
        };
        Value sum = fadd(fadd(fadd(lane(0), lane(1)), fadd(lane(2), lane(3))),
                         fadd(fadd(lane(4), lane(5)), fadd(lane(6), lane(7))));
        Value sumv = b.create<vector::BroadcastOp>(loc, vd, sum);
        forChunks([&](Value c, int64_t lanes) {
          // A long axis recomputes exp (the same values) instead of keeping
          // them on the stack.
          Value ev = e ? b.create<LLVM::LoadOp>(
                             loc, vd, gep(e, mulC(c, kSumLanes), f64),
                             /*alignment=*/8)
                             .getResult()
                       : expChunk(c, lanes);
          Value q = b.create<arith::TruncFOp>(
              loc, vf, b.create<arith::DivFOp>(loc, ev, sumv));
          storeChunk(dst, c, lanes, q);
        });
      },
      [&](ArrayRef<Value>) {
        if (len <= kSoftmaxStackLength)
          e = b.create<LLVM::AllocaOp>(
              loc, ptr, LLVM::LLVMArrayType::get(f64, chunks * kSumLanes),
              cI32(1), 64);
      });
  return success();
}

LogicalResult ModelBuilder::emitLayerNorm(LayerNormOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  axis = axis < 0 ? axis + rank : axis;
  SmallVector<int64_t> outer(in.shape.begin(), in.shape.end()),
      inner(rank, 1);
  SmallVector<int64_t> normShape(in.shape.begin() + axis, in.shape.end());
  for (int64_t d = axis; d < rank; ++d) {
    inner[d] = in.shape[d];
    outer[d] = 1;
  }
  int64_t count = product(normShape);
  // Scale and bias expanded to the normalized shape at compile time.
  auto expanded = [&](Value v) -> FailureOr<std::vector<float>> {
    if (!v)
      return std::vector<float>(count, 0.0f);
    FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
    if (failed(values))
      return failure();
    auto t = cast<RankedTensorType>(v.getType());
    return expandTo(*values, t.getShape(), normShape);
  };
  if (!isFloatConstant(op.getScale()) ||
      (op.getBias() && !isFloatConstant(op.getBias())))
    return op->emitError("qc compile: qc.layer_norm needs a constant scale "
                         "and bias");
  FailureOr<std::vector<float>> g = expanded(op.getScale()),
                                bv = expanded(op.getBias());
  if (failed(g) || failed(bv))
    return failure();
  countFloatWeights(2 * count);
  Value gBase = constantArray<float>("ln_scale", *g);
  Value bBase = constantArray<float>("ln_bias", *bv);
  SmallVector<int64_t> innerRm = rowMajorStrides(inner);
  Type f64 = b.getF64Type();
  auto cF64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v)).getResult();
  };
  double eps = op.getEpsilon().convertToFloat();
  Value slot;
  parallelLoopNest(
      outer, rowMajorStrides(outer),
      {basePointer(in), basePointer(out), gBase, bBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        auto srcAt = [&](ArrayRef<Value> jv) {
          return b.create<arith::ExtFOp>(
              loc, f64, load(f32, gep(src, offsetOf(jv, in.strides), f32)));
        };
        store(cF64(0), slot);
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          store(b.create<arith::AddFOp>(loc, load(f64, slot), srcAt(jv)), slot);
        });
        Value mean = b.create<arith::DivFOp>(loc, load(f64, slot),
                                             cF64(static_cast<double>(count)));
        store(cF64(0), slot);
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          Value d = b.create<arith::SubFOp>(loc, srcAt(jv), mean);
          store(b.create<arith::AddFOp>(loc, load(f64, slot),
                                        b.create<arith::MulFOp>(loc, d, d)),
                slot);
        });
        Value var = b.create<arith::AddFOp>(
            loc,
            b.create<arith::DivFOp>(loc, load(f64, slot),
                                    cF64(static_cast<double>(count))),
            cF64(eps));
        Value invStd = b.create<arith::DivFOp>(
            loc, cF64(1.0), b.create<math::SqrtOp>(loc, var));
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          Value j = offsetOf(jv, innerRm);
          Value nrm = b.create<arith::TruncFOp>(
              loc, f32,
              b.create<arith::MulFOp>(
                  loc, b.create<arith::SubFOp>(loc, srcAt(jv), mean), invStd));
          Value y = b.create<arith::AddFOp>(
              loc,
              b.create<arith::MulFOp>(loc, nrm, load(f32, gep(p[2], j, f32))),
              load(f32, gep(p[3], j, f32)));
          store(y, gep(dst, offsetOf(jv, out.strides), f32));
        });
      },
      [&](ArrayRef<Value>) {
        slot = b.create<LLVM::AllocaOp>(loc, ptr, f64, cI32(1), 8);
      });
  return success();
}

LogicalResult ModelBuilder::emitBatchNorm(BatchNormOp op) {
  // (x - mean) / sqrt(var + eps) * scale + bias per channel (dimension 1),
  // the square root taken at compile time as the reference does.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1];
  SmallVector<std::vector<float>> params;
  for (Value v : {op.getScale(), op.getBias(), op.getMean(), op.getVar()}) {
    FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
    if (failed(values) || static_cast<int64_t>(values->size()) != c)
      return op->emitError("qc compile: qc.batch_norm needs constant "
                           "per-channel parameters");
    params.push_back(*values);
  }
  float eps = op.getEpsilon().convertToFloat();
  std::vector<float> sd(c);
  for (int64_t ch = 0; ch < c; ++ch)
    sd[ch] = std::sqrt(params[3][ch] + eps);
  countFloatWeights(4 * c);
  Value gB = constantArray<float>("bn_scale", params[0]);
  Value bB = constantArray<float>("bn_bias", params[1]);
  Value mB = constantArray<float>("bn_mean", params[2]);
  Value sB = constantArray<float>("bn_sd", sd);
  parallelLoopNest(
      out.shape, out.strides,
      {basePointer(in), basePointer(out), gB, bB, mB, sB},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value ch = ivs[1];
        Value x = load(f32, gep(p[0], offsetOf(ivs, in.strides), f32));
        Value v = b.create<arith::SubFOp>(loc, x, load(f32, gep(p[4], ch, f32)));
        v = b.create<arith::DivFOp>(loc, v, load(f32, gep(p[5], ch, f32)));
        v = b.create<arith::MulFOp>(loc, v, load(f32, gep(p[2], ch, f32)));
        v = b.create<arith::AddFOp>(loc, v, load(f32, gep(p[3], ch, f32)));
        store(v, gep(p[1], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

LogicalResult ModelBuilder::emitLogSoftmax(LogSoftmaxOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  AxisLines lines = axisLines(in, out, op.getAxis());
  int64_t len = lines.length, is = lines.inStride, os = lines.outStride;
  const SmallVector<int64_t> &outer = lines.outer;
  Type f64 = b.getF64Type();
  auto extD = [&](Value v) {
    return b.create<arith::ExtFOp>(loc, f64, v).getResult();
  };
  auto subD = [&](Value u, Value v) {
    return b.create<arith::SubFOp>(loc, u, v).getResult();
  };
  // A scalar loop over the line carrying one value.
  auto fold = [&](int64_t from, Value init,
                  const std::function<Value(Value, Value)> &step) {
    return b
        .create<scf::ForOp>(
            loc, cI64(from), cI64(len), cI64(1), ValueRange{init},
            [&](OpBuilder &, Location, Value j, ValueRange acc) {
              b.create<scf::YieldOp>(loc, step(acc[0], j));
            })
        .getResult(0);
  };
  parallelLoopNest(
      outer, rowMajorStrides(outer), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        auto x = [&](Value j) { return load(f32, gep(src, mulC(j, is), f32)); };
        Value mx = fold(1, load(f32, src), [&](Value m, Value j) {
          Value v = x(j);
          Value less =
              b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, m, v);
          return b.create<arith::SelectOp>(loc, less, v, m).getResult();
        });
        Value mxd = extD(mx);
        Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0));
        Value sum = fold(0, zero, [&](Value s, Value j) {
          Value e = callLibm("exp", {subD(extD(x(j)), mxd)});
          return b.create<arith::AddFOp>(loc, s, e).getResult();
        });
        Value logSum = callLibm("log", {sum});
        forN(len, [&](Value j) {
          Value r = subD(subD(extD(x(j)), mxd), logSum);
          store(b.create<arith::TruncFOp>(loc, f32, r),
                gep(dst, mulC(j, os), f32));
        });
      });
  return success();
}

void ModelBuilder::populateFloatNormalizePatterns(LoweringPatterns &patterns) {
  patterns
      .add<SoftmaxOp>("softmax", &ModelBuilder::planFloatRowMajor,
                      &ModelBuilder::emitSoftmax, kFloatStep)
      .add<LogSoftmaxOp>("log_softmax", &ModelBuilder::planFloatRowMajor,
                         &ModelBuilder::emitLogSoftmax, kFloatStep)
      .add<LayerNormOp>("layer_norm", &ModelBuilder::planFloatRowMajor,
                        &ModelBuilder::emitLayerNorm, kFloatStep)
      .add<BatchNormOp>("batch_norm", &ModelBuilder::planFloatNhwc,
                        &ModelBuilder::emitBatchNorm, kFloatStep | kNhwcInput);
}

} // namespace mlir::qc::model_codegen
