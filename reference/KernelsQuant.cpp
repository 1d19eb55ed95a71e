//===- KernelsQuant.cpp - Quantize, dequantize, requantize ----------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsUtil.h"
#include "dialects/qc/IR/QCQParams.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc::ref {

using detail::invalid;

QuantRange quantRange(QuantType type) {
  switch (type) {
  case QuantType::U8:
    return {0, 255};
  case QuantType::S8:
    return {-128, 127};
  case QuantType::S16:
    return {-32768, 32767};
  case QuantType::S32:
    return {std::numeric_limits<int32_t>::min(),
            std::numeric_limits<int32_t>::max()};
  }
  return {0, 0};
}

namespace {

absl::Status checkRange(QuantRange range, std::string_view op) {
  if (range.qmin > range.qmax || range.qmin < std::numeric_limits<int32_t>::min() ||
      range.qmax > std::numeric_limits<int32_t>::max())
    return invalid(op, strCat("invalid quantized range [", range.qmin,
                                    ", ", range.qmax,
                                    "] (need qmin <= qmax within int32)"));
  return absl::OkStatus();
}

absl::Status checkScale(float scale, std::string_view op,
                        std::string_view what) {
  if (!mlir::qc::isValidQuantScale(scale))
    return invalid(op, strCat(what, " ", scale, " ",
                              mlir::qc::kQuantScaleRule));
  return absl::OkStatus();
}

absl::Status checkZeroPoint(int64_t zp, QuantRange range, std::string_view op,
                            std::string_view what) {
  if (zp < range.qmin || zp > range.qmax)
    return invalid(op, strCat(what, " ", zp, " is outside the range [",
                                    range.qmin, ", ", range.qmax, "]"));
  return absl::OkStatus();
}

/// clamp(nearbyint(v) + zp, qmin, qmax) for an already scaled value v.
inline int32_t roundAndClamp(float v, int64_t zp, QuantRange range) {
  // Compare in double (exact for every float and every bound) before
  // converting, so huge values and infinities cannot overflow.
  double r = std::nearbyint(v);
  if (r <= static_cast<double>(range.qmin - zp))
    return static_cast<int32_t>(range.qmin);
  if (r >= static_cast<double>(range.qmax - zp))
    return static_cast<int32_t>(range.qmax);
  int64_t q = static_cast<int64_t>(r) + zp;
  return static_cast<int32_t>(std::min(std::max(q, range.qmin), range.qmax));
}

/// Splits \p shape around \p axis into (outer, channels, inner).
void splitAxis(const Shape &shape, int64_t axis, int64_t &outer,
               int64_t &channels, int64_t &inner) {
  outer = 1;
  inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  channels = shape[axis];
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
}

absl::Status nanError(std::string_view op, size_t index) {
  return invalid(op, strCat("element ", index,
                                  " is NaN and cannot be quantized"));
}

} // namespace

absl::StatusOr<QTensor> quantizePerTensor(const Tensor &x, float scale,
                                          int64_t zeroPoint,
                                          QuantRange range) {
  constexpr std::string_view op = "quantize";
  if (absl::Status s = checkRange(range, op); !s.ok())
    return s;
  if (absl::Status s = checkScale(scale, op, "scale"); !s.ok())
    return s;
  if (absl::Status s = checkZeroPoint(zeroPoint, range, op, "zero point");
      !s.ok())
    return s;
  QTensor out = QTensor::from_shape(x.shape());
  float invScale = 1.0f / scale;
  const float *in = x.data();
  int32_t *o = out.data();
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(in[i]))
      return nanError(op, i);
    o[i] = roundAndClamp(in[i] * invScale, zeroPoint, range);
  }
  return out;
}

absl::StatusOr<Tensor> dequantizePerTensor(const QTensor &q, float scale,
                                           int64_t zeroPoint) {
  if (absl::Status s = checkScale(scale, "dequantize", "scale"); !s.ok())
    return s;
  Tensor out = Tensor::from_shape(q.shape());
  const int32_t *in = q.data();
  float *o = out.data();
  for (size_t i = 0; i < q.size(); ++i)
    o[i] = static_cast<float>(in[i] - zeroPoint) * scale;
  return out;
}

namespace {

/// Validates per-channel parameters and returns the normalized axis.
absl::StatusOr<int64_t> checkPerChannel(const Shape &shape,
                                        const std::vector<float> &scales,
                                        const std::vector<int64_t> &zeroPoints,
                                        int64_t axis, const QuantRange *range,
                                        std::string_view op) {
  absl::StatusOr<int64_t> ax =
      detail::normalizeAxis(axis, static_cast<int64_t>(shape.size()), op);
  if (!ax.ok())
    return ax.status();
  int64_t channels = shape[*ax];
  if (static_cast<int64_t>(scales.size()) != channels ||
      static_cast<int64_t>(zeroPoints.size()) != channels)
    return invalid(op, strCat("axis ", axis, " of shape ",
                                    shapeToString(shape), " has ", channels,
                                    " channels but got ", scales.size(),
                                    " scales and ", zeroPoints.size(),
                                    " zero points"));
  for (int64_t c = 0; c < channels; ++c) {
    if (absl::Status s =
            checkScale(scales[c], op, strCat("scale of channel ", c));
        !s.ok())
      return s;
    if (range)
      if (absl::Status s =
              checkZeroPoint(zeroPoints[c], *range, op,
                             strCat("zero point of channel ", c));
          !s.ok())
        return s;
  }
  return *ax;
}

} // namespace

absl::StatusOr<QTensor>
quantizePerChannel(const Tensor &x, const std::vector<float> &scales,
                   const std::vector<int64_t> &zeroPoints, int64_t axis,
                   QuantRange range) {
  constexpr std::string_view op = "quantizePerChannel";
  if (absl::Status s = checkRange(range, op); !s.ok())
    return s;
  Shape shape = shapeOf(x);
  absl::StatusOr<int64_t> ax =
      checkPerChannel(shape, scales, zeroPoints, axis, &range, op);
  if (!ax.ok())
    return ax.status();
  int64_t outer, channels, inner;
  splitAxis(shape, *ax, outer, channels, inner);
  QTensor out = QTensor::from_shape(x.shape());
  const float *in = x.data();
  int32_t *o = out.data();
  for (int64_t i = 0; i < outer; ++i) {
    for (int64_t c = 0; c < channels; ++c) {
      float invScale = 1.0f / scales[c];
      int64_t base = (i * channels + c) * inner;
      for (int64_t j = 0; j < inner; ++j) {
        if (std::isnan(in[base + j]))
          return nanError(op, base + j);
        o[base + j] = roundAndClamp(in[base + j] * invScale, zeroPoints[c],
                                    range);
      }
    }
  }
  return out;
}

absl::StatusOr<Tensor>
dequantizePerChannel(const QTensor &q, const std::vector<float> &scales,
                     const std::vector<int64_t> &zeroPoints, int64_t axis) {
  constexpr std::string_view op = "dequantizePerChannel";
  Shape shape = shapeOf(q);
  absl::StatusOr<int64_t> ax =
      checkPerChannel(shape, scales, zeroPoints, axis, nullptr, op);
  if (!ax.ok())
    return ax.status();
  int64_t outer, channels, inner;
  splitAxis(shape, *ax, outer, channels, inner);
  Tensor out = Tensor::from_shape(q.shape());
  const int32_t *in = q.data();
  float *o = out.data();
  for (int64_t i = 0; i < outer; ++i)
    for (int64_t c = 0; c < channels; ++c) {
      int64_t base = (i * channels + c) * inner;
      for (int64_t j = 0; j < inner; ++j)
        o[base + j] =
            static_cast<float>(in[base + j] - zeroPoints[c]) * scales[c];
    }
  return out;
}

absl::StatusOr<Tensor> dequantizeBlocked(const QTensor &q,
                                         const std::vector<float> &scales,
                                         const std::vector<int64_t> &zeroPoints,
                                         int64_t axis, int64_t blockSize) {
  constexpr std::string_view op = "dequantizeBlocked";
  Shape shape = shapeOf(q);
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank || blockSize < 1)
    return invalid(op, strCat("axis ", axis, " / block size ", blockSize,
                              " do not fit shape ", shapeToString(shape)));
  int64_t outer, channels, inner;
  splitAxis(shape, axis, outer, channels, inner);
  const int64_t blocks = (channels + blockSize - 1) / blockSize;
  if (static_cast<int64_t>(scales.size()) != outer * blocks * inner ||
      zeroPoints.size() != scales.size())
    return invalid(op, strCat("needs ", outer * blocks * inner,
                              " scales and zero points, got ", scales.size(),
                              " and ", zeroPoints.size()));
  for (float s : scales)
    if (absl::Status st = checkScale(s, op, "scale"); !st.ok())
      return st;
  Tensor out = Tensor::from_shape(q.shape());
  const int32_t *in = q.data();
  float *o = out.data();
  for (int64_t i = 0; i < outer; ++i)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t j = 0; j < inner; ++j) {
        int64_t e = (i * channels + c) * inner + j;
        size_t p =
            static_cast<size_t>((i * blocks + c / blockSize) * inner + j);
        o[e] = static_cast<float>(in[e] - zeroPoints[p]) * scales[p];
      }
  return out;
}

absl::StatusOr<QTensor> requantize(const QTensor &acc,
                                   const std::vector<float> &multipliers,
                                   int64_t axis, int64_t zeroPoint,
                                   QuantRange range) {
  constexpr std::string_view op = "requantize";
  if (absl::Status s = checkRange(range, op); !s.ok())
    return s;
  if (absl::Status s = checkZeroPoint(zeroPoint, range, op, "zero point");
      !s.ok())
    return s;
  Shape shape = shapeOf(acc);
  int64_t outer = 1, channels = 1, inner = static_cast<int64_t>(acc.size());
  if (multipliers.size() != 1) {
    absl::StatusOr<int64_t> ax =
        detail::normalizeAxis(axis, static_cast<int64_t>(shape.size()), op);
    if (!ax.ok())
      return ax.status();
    splitAxis(shape, *ax, outer, channels, inner);
    if (static_cast<int64_t>(multipliers.size()) != channels)
      return invalid(op, strCat("axis ", axis, " of shape ",
                                      shapeToString(shape), " has ", channels,
                                      " channels but got ", multipliers.size(),
                                      " multipliers"));
  }
  for (size_t c = 0; c < multipliers.size(); ++c)
    if (!(multipliers[c] > 0.0f) || !std::isfinite(multipliers[c]))
      return invalid(op, strCat("multiplier ", multipliers[c], " (index ",
                                      c, ") must be finite and > 0"));
  QTensor out = QTensor::from_shape(acc.shape());
  const int32_t *in = acc.data();
  int32_t *o = out.data();
  for (int64_t i = 0; i < outer; ++i)
    for (int64_t c = 0; c < channels; ++c) {
      float m = multipliers[c];
      int64_t base = (i * channels + c) * inner;
      for (int64_t j = 0; j < inner; ++j)
        o[base + j] =
            roundAndClamp(static_cast<float>(in[base + j]) * m, zeroPoint, range);
    }
  return out;
}

absl::StatusOr<DynamicQParams> chooseQuantizationParams(float lo, float hi,
                                                        QuantRange range) {
  constexpr std::string_view op = "chooseQuantizationParams";
  if (absl::Status s = checkRange(range, op); !s.ok())
    return s;
  if (range.qmin >= range.qmax)
    return invalid(op,
                   strCat("empty range [", range.qmin, ", ", range.qmax, "]"));
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return invalid(op, strCat("min ", lo, " and max ", hi,
                              " must be finite with min <= max"));
  // The statements follow PyTorch 1.13's QuantUtils.h, so the roundings
  // (double scale, f32 bounds) are the same.
  constexpr float kSmallScale = 6.1e-5f;
  const int64_t qmin = range.qmin, qmax = range.qmax;
  float mn = std::min(lo, 0.0f);
  float mx = std::max(hi, 0.0f);
  double scale =
      (static_cast<double>(mx) - mn) / static_cast<double>(qmax - qmin);
  if (static_cast<float>(scale) == 0.0f ||
      std::isinf(1.0f / static_cast<float>(scale)))
    scale = 0.1;
  if (scale < kSmallScale) {
    double orgScale = scale;
    scale = kSmallScale;
    if (mn == 0.0f) {
      mx = kSmallScale * static_cast<float>(qmax - qmin);
    } else if (mx == 0.0f) {
      mn = -kSmallScale * static_cast<float>(qmax - qmin);
    } else {
      float amplifier = static_cast<float>(kSmallScale / orgScale);
      mn *= amplifier;
      mx *= amplifier;
    }
  }
  double zpFromMin = static_cast<double>(qmin) - mn / scale;
  double zpFromMax = static_cast<double>(qmax) - mx / scale;
  double zpFromMinError =
      std::abs(static_cast<double>(qmin)) - std::abs(mn / scale);
  double zpFromMaxError =
      std::abs(static_cast<double>(qmax)) - std::abs(mx / scale);
  double zp = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
  int64_t nudged;
  if (zp < static_cast<double>(qmin))
    nudged = qmin;
  else if (zp > static_cast<double>(qmax))
    nudged = qmax;
  else
    nudged = static_cast<int64_t>(std::nearbyint(zp));
  return DynamicQParams{static_cast<float>(scale), nudged};
}

absl::StatusOr<Tensor> dynamicFakeQuant(const Tensor &x, QuantRange range,
                                        DynamicQParams *chosen) {
  constexpr std::string_view op = "qc.dynamic_fake_quant";
  const float *in = x.data();
  absl::StatusOr<std::pair<float, float>> minMax = detail::finiteRange(
      in, static_cast<int64_t>(x.size()), 0, op);
  if (!minMax.ok())
    return minMax.status();
  absl::StatusOr<DynamicQParams> qp =
      chooseQuantizationParams(minMax->first, minMax->second, range);
  if (!qp.ok())
    return qp.status();
  if (chosen)
    *chosen = *qp;
  absl::StatusOr<QTensor> q =
      quantizePerTensor(x, qp->scale, qp->zeroPoint, range);
  if (!q.ok())
    return q.status();
  return dequantizePerTensor(*q, qp->scale, qp->zeroPoint);
}

} // namespace qc::ref
