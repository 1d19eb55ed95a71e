//===- IntResize.cpp - qc.qresize and float qc.resize ----------------------===//
//
// Resize of NHWC tensors: per output pixel, the source pixels and weights
// come from compile-time tables built with the reference executor's own
// functions (ref::resizeNearestIndices, ref::resizeLinearTaps), and the
// channel loop (contiguous in NHWC, vectorized by LLVM) computes
//   nearest  a copy of the source pixel (8-bit with shared qparams, or f32),
//            or its requantized value (qc.qresize with other qparams);
//   linear   qc.qresize: the int32 sum of the four taps times their
//            fixed-point weights (ref::resizeFixedWeights), requantized with
//            (input_scale / output_scale) * 2^-22;
//            f32 qc.resize: the reference's expression
//            wy0 * (wx0 * a + wx1 * b) + wy1 * (wx0 * c + wx1 * d), no FMA.
// So every value equals reference/KernelsInt.cpp (qresize) or
// reference/KernelsData.cpp (resize) bit for bit.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"
#include "reference/Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <array>
#include <cmath>
#include <vector>

namespace mlir::qc::model_codegen {

namespace {
/// The attributes of qc.resize / qc.qresize as the reference executor reads
/// them (reference/Executor.cpp, getResizeSetup): the modes, and the
/// scales when they give the output size (else the mapping is out / in).
struct ResizePlan {
  ::qc::ref::ResizeAttrs attrs;
  std::array<float, 2> scale;
};

template <typename ResizeLike>
FailureOr<ResizePlan> getResizePlan(ResizeLike op, ArrayRef<int64_t> inShape,
                                    ArrayRef<int64_t> outShape) {
  namespace ref = ::qc::ref;
  auto str = [](StringRef s) { return std::string_view(s.data(), s.size()); };
  absl::StatusOr<ref::ResizeMode> mode = ref::parseResizeMode(str(op.getMode()));
  absl::StatusOr<ref::CoordinateTransformMode> ctm =
      ref::parseCoordinateTransformMode(
          str(op.getCoordinateTransformationMode()));
  absl::StatusOr<ref::NearestMode> nearest =
      ref::parseNearestMode(str(op.getNearestMode()));
  for (const absl::Status &st : {mode.status(), ctm.status(), nearest.status()})
    if (!st.ok())
      return op.emitError() << "qc compile: "
                            << std::string(st.message());
  ResizePlan plan;
  plan.attrs.mode = *mode;
  plan.attrs.coordinateTransformMode = *ctm;
  plan.attrs.nearestMode = *nearest;
  ::qc::Shape in(inShape.begin(), inShape.end()),
      out(outShape.begin(), outShape.end());
  std::vector<float> scales(op.getScales().begin(), op.getScales().end());
  if (!ref::resizeScalesGiveSizes(in, out, scales))
    scales.clear();
  absl::StatusOr<std::array<float, 2>> scale =
      ref::resizeAxisScales(in, out, scales);
  if (!scale.ok())
    return op.emitError() << "qc compile: "
                          << std::string(scale.status().message());
  plan.scale = *scale;
  return plan;
}
} // namespace

LogicalResult ModelBuilder::emitResize(Operation *op) {
  namespace ref = ::qc::ref;
  auto qop = dyn_cast<QResizeOp>(op);
  Value input = op->getOperand(0), result = op->getResult(0);
  const TensorRef &in = refs[input];
  const TensorRef &out = refs[result];
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  FailureOr<ResizePlan> plan =
      qop ? getResizePlan(qop, in.shape, out.shape)
          : getResizePlan(cast<ResizeOp>(op), in.shape, out.shape);
  if (failed(plan))
    return failure();
  const ref::ResizeAttrs &attrs = plan->attrs;
  bool linear = attrs.mode == ref::ResizeMode::Linear;
  Type element = storageType(in.element);
  // Per output row / column: element offsets of the (two) source rows /
  // columns, and the weights.
  std::vector<int64_t> yOff, xOff;
  std::vector<int32_t> yW, xW;   // qc.qresize linear: fixed point
  std::vector<float> yWf, xWf;   // f32 linear
  auto axis = [&](int64_t outSize, int64_t inSize, float scale,
                  int64_t stride, std::vector<int64_t> &off,
                  std::vector<int32_t> &wi, std::vector<float> &wf) {
    if (!linear) {
      for (int64_t i : ref::resizeNearestIndices(
               outSize, inSize, scale, attrs.coordinateTransformMode,
               attrs.nearestMode))
        off.push_back(i * stride);
      return;
    }
    for (const ref::ResizeTap &t : ref::resizeLinearTaps(
             outSize, inSize, scale, attrs.coordinateTransformMode)) {
      off.push_back(t.i0 * stride);
      off.push_back(t.i1 * stride);
      auto [w0, w1] = ref::resizeFixedWeights(t);
      wi.push_back(w0);
      wi.push_back(w1);
      wf.push_back(t.w0);
      wf.push_back(t.w1);
    }
  };
  axis(oh, h, plan->scale[0], in.strides[2], yOff, yW, yWf);
  axis(ow, w, plan->scale[1], in.strides[3], xOff, xW, xWf);
  Value yOffPtr = constantArray<int64_t>("resize_y", yOff);
  Value xOffPtr = constantArray<int64_t>("resize_x", xOff);
  Value yWPtr, xWPtr;
  if (linear && qop) {
    yWPtr = constantArray<int32_t>("resize_wy", yW);
    xWPtr = constantArray<int32_t>("resize_wx", xW);
  } else if (linear) {
    yWPtr = constantArray<float>("resize_wy", yWf);
    xWPtr = constantArray<float>("resize_wx", xWf);
  } else {
    yWPtr = yOffPtr; // unused
    xWPtr = xOffPtr;
  }
  // qc.qresize: a plain copy when the requantize is the identity.
  bool copy = !qop;
  int64_t zpIn = 0, zpOut = 0, lo = 0, hi = 0;
  float m = 1.0f;
  if (qop) {
    zpIn = qop.getInputZeroPoint();
    zpOut = qop.getOutputZeroPoint();
    lo = qop.getClampMin();
    hi = qop.getClampMax();
    m = qop.getRequantMultiplier();
    auto range = storageRange(in.element);
    copy = !linear && m == 1.0f && zpIn == zpOut &&
           in.element == out.element && succeeded(range) &&
           range->first >= lo && range->second <= hi;
  }
  Value inBase = basePointer(in), outBase = basePointer(out);
  parallel(
      n * oh * ow, {inBase, outBase, yOffPtr, xOffPtr, yWPtr, xWPtr},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        forRange(begin, end, [&](Value row) {
          Pixel px = splitPixel(row, oh, ow);
          Value img = gep(p[0], mulC(px.img, in.strides[0]), element);
          Value dst = gep(p[1], mulC(row, c), element);
          auto at = [&](Value base, Value i) {
            return load(i64, gep(base, i, i64));
          };
          if (!linear) {
            Value src = gep(img, add(at(p[2], px.oy), at(p[3], px.ox)),
                            element);
            forN(c, [&](Value ci) {
              Value v = load(element, gep(src, mulC(ci, in.strides[1]),
                                          element));
              if (!copy)
                v = requantize(sub(extend(v, in.element), cI32(zpIn)),
                               cF32(m), zpOut, lo, hi);
              store(v, gep(dst, ci, element));
            });
            return;
          }
          Value y2 = mulC(px.oy, 2), x2 = mulC(px.ox, 2);
          Value y0 = at(p[2], y2), y1 = at(p[2], add(y2, cI64(1)));
          Value x0 = at(p[3], x2), x1 = at(p[3], add(x2, cI64(1)));
          Value r00 = gep(img, add(y0, x0), element);
          Value r01 = gep(img, add(y0, x1), element);
          Value r10 = gep(img, add(y1, x0), element);
          Value r11 = gep(img, add(y1, x1), element);
          Type wt = qop ? i32 : f32;
          auto weight = [&](Value base, Value i) {
            return load(wt, gep(base, i, wt));
          };
          Value wy0 = weight(p[4], y2), wy1 = weight(p[4], add(y2, cI64(1)));
          Value wx0 = weight(p[5], x2), wx1 = weight(p[5], add(x2, cI64(1)));
          auto tap = [&](Value base, Value ci) {
            return load(element, gep(base, mulC(ci, in.strides[1]), element));
          };
          if (!qop) {
            // The reference's float expression, operation by operation.
            forN(c, [&](Value ci) {
              auto fmul = [&](Value a, Value x) {
                return b.create<arith::MulFOp>(loc, a, x).getResult();
              };
              auto fadd = [&](Value a, Value x) {
                return b.create<arith::AddFOp>(loc, a, x).getResult();
              };
              Value top = fadd(fmul(wx0, tap(r00, ci)), fmul(wx1, tap(r01, ci)));
              Value bottom =
                  fadd(fmul(wx0, tap(r10, ci)), fmul(wx1, tap(r11, ci)));
              store(fadd(fmul(wy0, top), fmul(wy1, bottom)),
                    gep(dst, ci, element));
            });
            return;
          }
          // Products of the fixed-point weights: <= 2^22, exact in i32.
          Value w00 = mul(wy0, wx0), w01 = mul(wy0, wx1);
          Value w10 = mul(wy1, wx0), w11 = mul(wy1, wx1);
          Value zpV = cI32(zpIn);
          Value mLinear = cF32(m * 0x1p-22f);
          forN(c, [&](Value ci) {
            auto term = [&](Value wv, Value base) {
              return mul(wv, sub(extend(tap(base, ci), in.element), zpV));
            };
            Value acc = add(add(term(w00, r00), term(w01, r01)),
                            add(term(w10, r10), term(w11, r11)));
            store(requantize(acc, mLinear, zpOut, lo, hi),
                  gep(dst, ci, element));
          });
        });
      });
  return success();
}

void ModelBuilder::populateIntResizePatterns(LoweringPatterns &patterns) {
  patterns.add<QResizeOp, ResizeOp>("resize", &ModelBuilder::planArenaStep,
                                    &ModelBuilder::emitResize, kNhwcInput);
}

} // namespace mlir::qc::model_codegen
