//===- KernelsInt.cpp - reference integer kernels ------------------------===//
#include "reference/KernelsInt.h"

#include "reference/KernelsUtil.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace qc::ref {
namespace {
using detail::invalid;

absl::Status checkEpilogue(const Requantize &e, int64_t channels,
                           std::string_view op) {
  if (e.multipliers.size() != 1 &&
      static_cast<int64_t>(e.multipliers.size()) != channels)
    return invalid(op, strCat("needs 1 or ", channels,
                              " requantize multipliers, got ",
                              e.multipliers.size()));
  for (float m : e.multipliers)
    if (!(m > 0.0f) || !std::isfinite(m))
      return invalid(op, strCat("requantize multiplier ", m,
                                " must be finite and > 0"));
  if (e.clampMin > e.clampMax)
    return invalid(op, strCat("clamp range [", e.clampMin, ", ", e.clampMax,
                              "] is empty"));
  return absl::OkStatus();
}

/// checkEpilogue of \p e with the one multiplier \p m (the ops whose
/// multiplier is a scalar argument).
absl::Status checkScalarEpilogue(const Requantize &e, float m,
                                 std::string_view op) {
  Requantize check = e;
  check.multipliers = {m};
  return checkEpilogue(check, 1, op);
}

/// The numpy broadcast shape of \p a and \p b, or an error naming both.
absl::StatusOr<Shape> broadcastShape(std::string_view op, const QTensor &a,
                                     const QTensor &b) {
  absl::StatusOr<Shape> shape = broadcastShapes(shapeOf(a), shapeOf(b));
  if (!shape.ok())
    return invalid(op, strCat("operand shapes ", shapeToString(shapeOf(a)),
                              " and ", shapeToString(shapeOf(b)),
                              " do not broadcast"));
  return shape;
}

/// \p a and \p b expanded to \p shape (numpy broadcasting), each and the
/// result reserved against the memory limit first.
absl::StatusOr<std::pair<QTensor, QTensor>>
expandBoth(std::string_view op, const Shape &shape, const QTensor &a,
           const QTensor &b) {
  for (int i = 0; i < 3; ++i)
    if (absl::Status s = detail::reserveResult(op, shape); !s.ok())
      return s;
  return std::pair<QTensor, QTensor>(xt::broadcast(a, shape),
                                     xt::broadcast(b, shape));
}

/// clamp(round_half_to_even(v) + zp, lo, hi); compared in double so that
/// huge values cannot overflow.
int32_t roundAndClamp(float v, const Requantize &e) {
  double r = std::nearbyint(static_cast<double>(v)) +
             static_cast<double>(e.zeroPoint);
  if (r <= static_cast<double>(e.clampMin))
    return static_cast<int32_t>(e.clampMin);
  if (r >= static_cast<double>(e.clampMax))
    return static_cast<int32_t>(e.clampMax);
  return static_cast<int32_t>(r);
}

/// The int32 accumulator DESIGN.md specifies; a sum outside int32 is an
/// error rather than a silent wrap.
absl::StatusOr<int32_t> toAcc(int64_t acc, std::string_view op) {
  if (acc < std::numeric_limits<int32_t>::min() ||
      acc > std::numeric_limits<int32_t>::max())
    return invalid(op, strCat("accumulator ", acc, " overflows int32"));
  return static_cast<int32_t>(acc);
}

/// DESIGN.md's requantize of an integer sum: the int32 accumulator (an
/// error outside int32) times \p m, rounded half to even and clamped.
absl::StatusOr<int32_t> requantizeAcc(int64_t acc, float m,
                                      const Requantize &e,
                                      std::string_view op) {
  absl::StatusOr<int32_t> acc32 = toAcc(acc, op);
  if (!acc32.ok())
    return acc32.status();
  return roundAndClamp(static_cast<float>(*acc32) * m, e);
}

absl::Status checkBias(const QTensor *bias, int64_t channels,
                       std::string_view op) {
  if (bias && (bias->dimension() != 1 ||
               static_cast<int64_t>(bias->size()) != channels))
    return invalid(op, strCat("bias must be 1-D of size ", channels,
                              ", got ", shapeToString(shapeOf(*bias))));
  return absl::OkStatus();
}

/// An integer conv's operand shapes, its output shape by its shape rule
/// (whose error comes first) and the input's channels, height and width.
struct ConvShapes {
  Shape xs, ws, ys;
  int64_t c = 0, h = 0, w = 0;
};
template <typename Attrs>
absl::StatusOr<ConvShapes>
convShapes(const QTensor &x, const QTensor &w, const Attrs &attrs,
           absl::StatusOr<Shape> (*rule)(const Shape &, const Shape &,
                                         const Attrs &)) {
  ConvShapes s;
  s.xs = shapeOf(x);
  s.ws = shapeOf(w);
  absl::StatusOr<Shape> ys = rule(s.xs, s.ws, attrs);
  if (!ys.ok())
    return ys.status();
  s.ys = *std::move(ys);
  s.c = s.xs[1];
  s.h = s.xs[2];
  s.w = s.xs[3];
  return s;
}

/// What every integer conv shares after its shape rule: checks the epilogue
/// and bias against the output channels of `ys` ([N, O, OH, OW]), and for
/// each output element adds the bias to `sum(b, oc, oy, ox)` (the int64 sum
/// of (x - zp) * w over the taps that reach it), checks that the total fits
/// the int32 accumulator and requantizes it.
template <typename Sum>
absl::StatusOr<QTensor> convOutput(std::string_view op, const Shape &ys,
                                   const QTensor *bias, const Requantize &e,
                                   Sum sum) {
  int64_t n = ys[0], o = ys[1], oh = ys[2], ow = ys[3];
  if (absl::Status s = checkEpilogue(e, o, op); !s.ok())
    return s;
  if (absl::Status s = checkBias(bias, o, op); !s.ok())
    return s;
  if (absl::Status s = detail::reserveResult(op, ys); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(std::vector<size_t>(ys.begin(), ys.end()));
  int32_t *yp = y.data();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < o; ++oc) {
      float m = e.multipliers[e.multipliers.size() == 1 ? 0 : oc];
      int64_t biasValue = bias ? bias->data()[oc] : 0;
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          absl::StatusOr<int32_t> v =
              requantizeAcc(biasValue + sum(b, oc, oy, ox), m, e, op);
          if (!v.ok())
            return v.status();
          yp[((b * o + oc) * oh + oy) * ow + ox] = *v;
        }
    }
  return y;
}
} // namespace

absl::StatusOr<QTensor> qconv2d(const QTensor &x, int64_t xZeroPoint,
                                const QTensor &w, const QTensor *bias,
                                const Conv2dAttrs &attrs,
                                const Requantize &e) {
  absl::StatusOr<ConvShapes> s = convShapes(x, w, attrs, conv2dOutputShape);
  if (!s.ok())
    return s.status();
  int64_t c = s->c, h = s->h, wd = s->w;
  int64_t o = s->ws[0], cg = s->ws[1], kh = s->ws[2], kw = s->ws[3];
  int64_t og = o / attrs.groups;
  const int32_t *xp = x.data(), *wp = w.data();
  return convOutput("qconv2d", s->ys, bias, e,
                    [&](int64_t b, int64_t oc, int64_t oy, int64_t ox) {
    int64_t g = oc / og, acc = 0;
    for (int64_t ic = 0; ic < cg; ++ic) {
      int64_t xc = g * cg + ic;
      for (int64_t ky = 0; ky < kh; ++ky) {
        int64_t iy = oy * attrs.strides[0] - attrs.pads[0] +
                     ky * attrs.dilations[0];
        if (iy < 0 || iy >= h)
          continue; // padding: x - zp = 0
        for (int64_t kx = 0; kx < kw; ++kx) {
          int64_t ix = ox * attrs.strides[1] - attrs.pads[1] +
                       kx * attrs.dilations[1];
          if (ix < 0 || ix >= wd)
            continue;
          int64_t xv = xp[((b * c + xc) * h + iy) * wd + ix];
          int64_t wv = wp[((oc * cg + ic) * kh + ky) * kw + kx];
          acc += (xv - xZeroPoint) * wv;
        }
      }
    }
    return acc;
  });
}

absl::StatusOr<QTensor> qlinear(const QTensor &x, int64_t xZeroPoint,
                                const QTensor &w, const QTensor *bias,
                                const Requantize &e) {
  constexpr std::string_view op = "qlinear";
  Shape xs = shapeOf(x), ws = shapeOf(w);
  if (xs.empty() || ws.size() != 2 || xs.back() != ws[1])
    return invalid(op, strCat("needs x [..., K] and w [N, K], got ",
                              shapeToString(xs), " and ", shapeToString(ws)));
  int64_t k = ws[1], nOut = ws[0];
  int64_t rows = shapeNumElements(Shape(xs.begin(), xs.end() - 1));
  if (absl::Status s = checkEpilogue(e, nOut, op); !s.ok())
    return s;
  if (absl::Status s = checkBias(bias, nOut, op); !s.ok())
    return s;
  std::vector<size_t> yShape(xs.begin(), xs.end());
  yShape.back() = static_cast<size_t>(nOut);
  Shape yDims(xs.begin(), xs.end());
  yDims.back() = nOut;
  if (absl::Status s = detail::reserveResult(op, yDims); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(yShape);
  const int32_t *xp = x.data(), *wp = w.data();
  int32_t *yp = y.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < nOut; ++j) {
      int64_t acc = bias ? bias->data()[j] : 0;
      for (int64_t i = 0; i < k; ++i)
        acc += (static_cast<int64_t>(xp[r * k + i]) - xZeroPoint) *
               static_cast<int64_t>(wp[j * k + i]);
      float m = e.multipliers[e.multipliers.size() == 1 ? 0 : j];
      absl::StatusOr<int32_t> v = requantizeAcc(acc, m, e, op);
      if (!v.ok())
        return v.status();
      yp[r * nOut + j] = *v;
    }
  return y;
}

absl::StatusOr<QTensor> qadd(const QTensor &a, int64_t aZeroPoint, float ma,
                             const QTensor &b, int64_t bZeroPoint, float mb,
                             const Requantize &e) {
  constexpr std::string_view op = "qadd";
  if (shapeOf(a) != shapeOf(b))
    return invalid(op, strCat("operands must have the same shape, got ",
                              shapeToString(shapeOf(a)), " and ",
                              shapeToString(shapeOf(b))));
  if (absl::Status s = checkScalarEpilogue(e, ma, op); !s.ok())
    return s;
  if (absl::Status s = checkScalarEpilogue(e, mb, op); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(a.shape());
  const int32_t *ap = a.data(), *bp = b.data();
  int32_t *yp = y.data();
  for (size_t i = 0; i < a.size(); ++i) {
    float va = static_cast<float>(ap[i] - aZeroPoint) * ma;
    float vb = static_cast<float>(bp[i] - bZeroPoint) * mb;
    yp[i] = roundAndClamp(va + vb, e);
  }
  return y;
}

absl::StatusOr<QTensor> qmul(const QTensor &a, int64_t aZeroPoint,
                             const QTensor &b, int64_t bZeroPoint, float m,
                             const Requantize &e) {
  constexpr std::string_view op = "qmul";
  absl::StatusOr<Shape> shape = broadcastShape(op, a, b);
  if (!shape.ok())
    return shape.status();
  if (absl::Status s = checkScalarEpilogue(e, m, op); !s.ok())
    return s;
  // Numpy broadcasting: both operands expanded to the result's shape.
  absl::StatusOr<std::pair<QTensor, QTensor>> ab = expandBoth(op, *shape, a, b);
  if (!ab.ok())
    return ab.status();
  QTensor y = QTensor::from_shape(*shape);
  const int32_t *ap = ab->first.data(), *bp = ab->second.data();
  int32_t *yp = y.data();
  for (size_t i = 0; i < y.size(); ++i) {
    int64_t p = (static_cast<int64_t>(ap[i]) - aZeroPoint) *
                (static_cast<int64_t>(bp[i]) - bZeroPoint);
    absl::StatusOr<int32_t> v = requantizeAcc(p, m, e, op);
    if (!v.ok())
      return v.status();
    yp[i] = *v;
  }
  return y;
}

absl::StatusOr<QTensor> qextreme(const QTensor &a, const QTensor &b,
                                 bool isMax) {
  std::string_view op = isMax ? "qmax" : "qmin";
  absl::StatusOr<Shape> shape = broadcastShape(op, a, b);
  if (!shape.ok())
    return shape.status();
  absl::StatusOr<std::pair<QTensor, QTensor>> ab = expandBoth(op, *shape, a, b);
  if (!ab.ok())
    return ab.status();
  QTensor y = QTensor::from_shape(*shape);
  const int32_t *ap = ab->first.data(), *bp = ab->second.data();
  int32_t *yp = y.data();
  for (size_t i = 0; i < y.size(); ++i)
    yp[i] = isMax ? std::max(ap[i], bp[i]) : std::min(ap[i], bp[i]);
  return y;
}

absl::StatusOr<QTensor> qmatmul(const QTensor &a, int64_t aZeroPoint,
                                const QTensor &b, float m,
                                const Requantize &e) {
  constexpr std::string_view op = "qmatmul";
  Shape as = shapeOf(a), bs = shapeOf(b);
  size_t rank = as.size();
  if (rank < 2 || bs.size() != rank ||
      !std::equal(as.begin(), as.end() - 2, bs.begin()) ||
      as[rank - 1] != bs[rank - 2])
    return invalid(op, strCat("needs a [..., M, K] and b [..., K, N] with the "
                              "same batch dimensions, got ",
                              shapeToString(as), " and ", shapeToString(bs)));
  if (absl::Status s = checkScalarEpilogue(e, m, op); !s.ok())
    return s;
  int64_t rows = as[rank - 2], k = as[rank - 1], n = bs[rank - 1];
  int64_t batches = shapeNumElements(Shape(as.begin(), as.end() - 2));
  Shape ys = as;
  ys.back() = n;
  if (absl::Status s = detail::reserveResult(op, ys); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(std::vector<size_t>(ys.begin(), ys.end()));
  const int32_t *ap = a.data(), *bp = b.data();
  int32_t *yp = y.data();
  for (int64_t t = 0; t < batches; ++t)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = 0;
        for (int64_t i = 0; i < k; ++i)
          acc += (static_cast<int64_t>(ap[(t * rows + r) * k + i]) -
                  aZeroPoint) *
                 static_cast<int64_t>(bp[(t * k + i) * n + j]);
        absl::StatusOr<int32_t> v = requantizeAcc(acc, m, e, op);
        if (!v.ok())
          return v.status();
        yp[(t * rows + r) * n + j] = *v;
      }
  return y;
}

absl::StatusOr<QTensor> qrequantize(const QTensor &x, int64_t xZeroPoint,
                                    float m, const Requantize &e) {
  if (absl::Status s = checkScalarEpilogue(e, m, "qrequantize"); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(x.shape());
  for (size_t i = 0; i < x.size(); ++i)
    y.data()[i] = roundAndClamp(
        static_cast<float>(static_cast<int64_t>(x.data()[i]) - xZeroPoint) *
            m,
        e);
  return y;
}

absl::StatusOr<QTensor> qlut(const QTensor &x, int64_t inputMin,
                             const std::vector<int32_t> &table) {
  if (table.size() != 256)
    return invalid("qlut", strCat("the table has ", table.size(),
                                  " entries, not 256"));
  QTensor y = QTensor::from_shape(x.shape());
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t index = static_cast<int64_t>(x.data()[i]) - inputMin;
    if (index < 0 || index > 255)
      return invalid("qlut", strCat("value ", x.data()[i],
                                    " is not an 8-bit input"));
    y.data()[i] = table[index];
  }
  return y;
}

absl::StatusOr<QTensor> qmaxPool2d(const QTensor &x, const Pool2dAttrs &attrs,
                                   int32_t storageMin) {
  constexpr int32_t exact = 1 << 24;
  if (absl::Status s = reserveMemory("qmax_pool2d", "float copy", shapeOf(x),
                                     sizeof(float));
      !s.ok())
    return s;
  Tensor xf = Tensor::from_shape(x.shape());
  for (size_t i = 0; i < x.size(); ++i) {
    if (x.data()[i] > exact || x.data()[i] < -exact)
      return invalid("qmax_pool2d", strCat("value ", x.data()[i],
                                           " is not exact in f32"));
    xf.data()[i] = static_cast<float>(x.data()[i]);
  }
  absl::StatusOr<Tensor> yf = maxPool2d(xf, attrs);
  if (!yf.ok())
    return yf.status();
  QTensor y = QTensor::from_shape(yf->shape());
  // A (dilated) window that covers no input has max -inf: the storage
  // minimum, as quantize(-inf) of the Q/DQ form gives.
  for (size_t i = 0; i < y.size(); ++i)
    y.data()[i] = std::isfinite(yf->data()[i])
                      ? static_cast<int32_t>(yf->data()[i])
                      : storageMin;
  return y;
}

float avgPoolMultiplier(float inputScale, float outputScale, int64_t count) {
  float divisor = outputScale * static_cast<float>(count);
  return inputScale / divisor;
}

absl::StatusOr<QTensor> qavgPool2d(const QTensor &x, int64_t xZeroPoint,
                                   float inputScale, const Pool2dAttrs &attrs,
                                   bool countIncludePad, float outputScale,
                                   const Requantize &e) {
  constexpr std::string_view op = "qavg_pool2d";
  if (attrs.dilations[0] != 1 || attrs.dilations[1] != 1)
    return invalid(op, "dilations are not supported (must be [1, 1])");
  absl::StatusOr<Shape> outShape = pool2dOutputShape(shapeOf(x), attrs);
  if (!outShape.ok())
    return invalid(op, std::string(outShape.status().message()));
  if (absl::Status s = checkScalarEpilogue(e, 1.0f, op); !s.ok())
    return s;
  if (!(inputScale > 0.0f) || !std::isfinite(inputScale) ||
      !(outputScale > 0.0f) || !std::isfinite(outputScale))
    return invalid(op, strCat("scales ", inputScale, " and ", outputScale,
                              " must be finite and > 0"));
  const Shape &os = *outShape;
  int64_t planes = os[0] * os[1], oh = os[2], ow = os[3];
  int64_t h = shapeOf(x)[2], w = shapeOf(x)[3];
  if (absl::Status s = detail::reserveResult(op, os); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(std::vector<size_t>(os.begin(), os.end()));
  for (int64_t p = 0; p < planes; ++p) {
    const int32_t *src = x.data() + p * h * w;
    int32_t *dst = y.data() + p * oh * ow;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        // The float kernel's window and divisor.
        AvgPoolWindow win = avgPoolWindow(h, w, attrs, countIncludePad, oy, ox);
        int64_t sum = 0;
        for (int64_t iy = win.ys; iy < win.ye; ++iy)
          for (int64_t ix = win.xs; ix < win.xe; ++ix)
            sum += static_cast<int64_t>(src[iy * w + ix]) - xZeroPoint;
        int64_t count = win.count;
        if (count < 1)
          return invalid(op, "a window covers no input element");
        float m = avgPoolMultiplier(inputScale, outputScale, count);
        absl::StatusOr<int32_t> v = requantizeAcc(sum, m, e, op);
        if (!v.ok())
          return v.status();
        dst[oy * ow + ox] = *v;
      }
    }
  }
  return y;
}

} // namespace qc::ref

namespace qc::ref {

absl::StatusOr<QTensor> qresize(const QTensor &x, int64_t xZeroPoint,
                                const Shape &outShape,
                                const ResizeAttrs &attrs,
                                const std::vector<float> &scales, float m,
                                const Requantize &e) {
  constexpr std::string_view op = "qresize";
  Shape xs = shapeOf(x);
  absl::StatusOr<std::array<float, 2>> scale =
      resizeAxisScales(xs, outShape, scales);
  if (!scale.ok())
    return scale.status();
  if (!(m > 0.0f) || !std::isfinite(m))
    return invalid(op, strCat("requantize multiplier ", m,
                              " must be finite and > 0"));
  if (e.clampMin > e.clampMax)
    return invalid(op, strCat("clamp range [", e.clampMin, ", ", e.clampMax,
                              "] is empty"));
  if (absl::Status s = detail::reserveResult(op, outShape); !s.ok())
    return s;
  QTensor y = QTensor::from_shape(
      std::vector<size_t>(outShape.begin(), outShape.end()));
  int64_t planes = xs[0] * xs[1], h = xs[2], w = xs[3];
  int64_t oh = outShape[2], ow = outShape[3];
  const int32_t *xp = x.data();
  int32_t *yp = y.data();
  if (attrs.mode == ResizeMode::Nearest) {
    std::vector<int64_t> ys = resizeNearestIndices(
        oh, h, (*scale)[0], attrs.coordinateTransformMode, attrs.nearestMode);
    std::vector<int64_t> xsrc = resizeNearestIndices(
        ow, w, (*scale)[1], attrs.coordinateTransformMode, attrs.nearestMode);
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t v = xp[(p * h + ys[oy]) * w + xsrc[ox]] - xZeroPoint;
          yp[(p * oh + oy) * ow + ox] =
              roundAndClamp(static_cast<float>(v) * m, e);
        }
    return y;
  }
  // Linear: fixed-point weights with 11 fraction bits per axis; the
  // products sum to 2^22, so |acc| <= 255 * 2^22 < 2^31.
  float mLinear = m * 0x1p-22f;
  if (!(mLinear >= std::numeric_limits<float>::min()))
    return invalid(op, strCat("requantize multiplier ", m,
                              " * 2^-22 is not a normal f32"));
  std::vector<ResizeTap> ty = resizeLinearTaps(
      oh, h, (*scale)[0], attrs.coordinateTransformMode);
  std::vector<ResizeTap> tx = resizeLinearTaps(
      ow, w, (*scale)[1], attrs.coordinateTransformMode);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy) {
      const ResizeTap &a = ty[oy];
      auto [wy0, wy1] = resizeFixedWeights(a);
      const int32_t *r0 = xp + (p * h + a.i0) * w, *r1 = xp + (p * h + a.i1) * w;
      for (int64_t ox = 0; ox < ow; ++ox) {
        const ResizeTap &b = tx[ox];
        auto [wx0, wx1] = resizeFixedWeights(b);
        int64_t acc = int64_t(wy0) * wx0 * (r0[b.i0] - xZeroPoint) +
                      int64_t(wy0) * wx1 * (r0[b.i1] - xZeroPoint) +
                      int64_t(wy1) * wx0 * (r1[b.i0] - xZeroPoint) +
                      int64_t(wy1) * wx1 * (r1[b.i1] - xZeroPoint);
        absl::StatusOr<int32_t> v = requantizeAcc(acc, mLinear, e, op);
        if (!v.ok())
          return v.status();
        yp[(p * oh + oy) * ow + ox] = *v;
      }
    }
  return y;
}

absl::StatusOr<QTensor> qconvTranspose2d(const QTensor &x, int64_t xZeroPoint,
                                         const QTensor &w, const QTensor *bias,
                                         const ConvTranspose2dAttrs &attrs,
                                         const Requantize &e) {
  absl::StatusOr<ConvShapes> s =
      convShapes(x, w, attrs, convTranspose2dOutputShape);
  if (!s.ok())
    return s.status();
  int64_t c = s->c, h = s->h, wd = s->w;
  int64_t cg = c / attrs.groups, og = s->ws[1], kh = s->ws[2],
          kw = s->ws[3];
  const int32_t *xp = x.data(), *wp = w.data();
  int64_t sh = attrs.strides[0], sw = attrs.strides[1];
  int64_t dh = attrs.dilations[0], dw = attrs.dilations[1];
  int64_t pt = attrs.pads[0], pl = attrs.pads[1];
  return convOutput("qconv_transpose2d", s->ys, bias, e,
                    [&](int64_t b, int64_t oc, int64_t oy, int64_t ox) {
    // Output (oy, ox) receives input (iy, ix) through tap (ky, kx) when
    // oy = iy * sh - pt + ky * dh (and the same for x).
    int64_t g = oc / og, ocg = oc % og, acc = 0;
    for (int64_t ky = 0; ky < kh; ++ky) {
      int64_t ty = oy + pt - ky * dh;
      if (ty < 0 || ty % sh != 0 || ty / sh >= h)
        continue;
      int64_t iy = ty / sh;
      for (int64_t kx = 0; kx < kw; ++kx) {
        int64_t tx = ox + pl - kx * dw;
        if (tx < 0 || tx % sw != 0 || tx / sw >= wd)
          continue;
        int64_t ix = tx / sw;
        for (int64_t ic = 0; ic < cg; ++ic) {
          int64_t xc = g * cg + ic;
          int64_t xv = xp[((b * c + xc) * h + iy) * wd + ix];
          int64_t wv = wp[((xc * og + ocg) * kh + ky) * kw + kx];
          acc += (xv - xZeroPoint) * wv;
        }
      }
    }
    return acc;
  });
}

} // namespace qc::ref
