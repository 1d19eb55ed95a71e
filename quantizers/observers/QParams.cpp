//===- QParams.cpp - Quantization ranges and scale/zero-point math --------===//
//
// Part of qc. See QParams.h. The arithmetic below follows PyTorch 1.13's
// torch/ao/quantization/observer.py and utils.py operation by operation; the
// comments name the Python expression each line reproduces.
//
//===----------------------------------------------------------------------===//

#include "quantizers/observers/QParams.h"

#include "absl/strings/str_cat.h"

#include <algorithm>
#include <cmath>

namespace qc {

namespace {

/// absl::StrCat takes absl::string_view, which is not std::string_view in
/// Debian's abseil build.
absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

} // namespace

std::string_view toString(QuantDtype dtype) {
  switch (dtype) {
  case QuantDtype::kQUInt8:
    return "quint8";
  case QuantDtype::kQInt8:
    return "qint8";
  case QuantDtype::kQInt16:
    return "qint16";
  case QuantDtype::kQInt32:
    return "qint32";
  }
  return "unknown";
}

std::string_view toString(QScheme qscheme) {
  switch (qscheme) {
  case QScheme::kPerTensorAffine:
    return "per_tensor_affine";
  case QScheme::kPerTensorSymmetric:
    return "per_tensor_symmetric";
  case QScheme::kPerChannelAffine:
    return "per_channel_affine";
  case QScheme::kPerChannelSymmetric:
    return "per_channel_symmetric";
  }
  return "unknown";
}

absl::StatusOr<QuantDtype> parseQuantDtype(std::string_view name) {
  if (name == "quint8" || name == "u8")
    return QuantDtype::kQUInt8;
  if (name == "qint8" || name == "s8")
    return QuantDtype::kQInt8;
  if (name == "qint16" || name == "s16")
    return QuantDtype::kQInt16;
  if (name == "qint32" || name == "s32")
    return QuantDtype::kQInt32;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown quantized dtype '", av(name),
                   "' (expected quint8/u8, qint8/s8, qint16/s16 or "
                   "qint32/s32)"));
}

absl::StatusOr<QScheme> parseQScheme(std::string_view name) {
  for (QScheme q :
       {QScheme::kPerTensorAffine, QScheme::kPerTensorSymmetric,
        QScheme::kPerChannelAffine, QScheme::kPerChannelSymmetric})
    if (name == toString(q))
      return q;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown qscheme '", av(name),
      "' (expected per_tensor_affine, per_tensor_symmetric, "
      "per_channel_affine or per_channel_symmetric)"));
}

bool isPerChannel(QScheme qscheme) {
  return qscheme == QScheme::kPerChannelAffine ||
         qscheme == QScheme::kPerChannelSymmetric;
}

bool isSymmetric(QScheme qscheme) {
  return qscheme == QScheme::kPerTensorSymmetric ||
         qscheme == QScheme::kPerChannelSymmetric;
}

int dtypeBits(QuantDtype dtype) {
  switch (dtype) {
  case QuantDtype::kQUInt8:
  case QuantDtype::kQInt8:
    return 8;
  case QuantDtype::kQInt16:
    return 16;
  case QuantDtype::kQInt32:
    return 32;
  }
  return 8;
}

bool isSignedDtype(QuantDtype dtype) { return dtype != QuantDtype::kQUInt8; }

QuantRange dtypeRange(QuantDtype dtype) {
  switch (dtype) {
  case QuantDtype::kQUInt8:
    return {0, 255};
  case QuantDtype::kQInt8:
    return {-128, 127};
  case QuantDtype::kQInt16:
    return {-32768, 32767};
  case QuantDtype::kQInt32:
    return {-(int64_t(1) << 31), (int64_t(1) << 31) - 1};
  }
  return {0, 255};
}

namespace {

/// Python's floor division for integers.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

} // namespace

absl::Status validateQParamsOptions(const QParamsOptions &options) {
  if (!(options.eps > 0.0f) || !std::isfinite(options.eps))
    return absl::InvalidArgumentError(
        absl::StrCat("eps must be a positive finite float, got ", options.eps));
  if (options.quantMin.has_value() != options.quantMax.has_value())
    return absl::InvalidArgumentError(
        "quant_min and quant_max must be given together (only one was set)");
  if (!options.quantMin)
    return absl::OkStatus();
  int64_t qmin = *options.quantMin, qmax = *options.quantMax;
  QuantRange full = dtypeRange(options.dtype);
  // utils._validate_qmin_qmax.
  if (!(qmin <= 0 && 0 <= qmax))
    return absl::InvalidArgumentError(
        absl::StrCat("custom quantization range [", qmin, ", ", qmax,
                     "] must include 0"));
  if (!(qmin < qmax))
    return absl::InvalidArgumentError(
        absl::StrCat("custom quantization range [", qmin, ", ", qmax,
                     "]: quant_min must be strictly less than quant_max"));
  // Stricter than PyTorch (which only checks the length for qint8/qint32):
  // the range must be representable in the dtype.
  if (qmin < full.qmin || qmax > full.qmax)
    return absl::InvalidArgumentError(absl::StrCat(
        "custom quantization range [", qmin, ", ", qmax, "] exceeds ",
        av(toString(options.dtype)), " range [", full.qmin, ", ", full.qmax, "]"));
  return absl::OkStatus();
}

absl::StatusOr<QuantRange> calculateQuantRange(const QParamsOptions &options) {
  if (absl::Status st = validateQParamsOptions(options); !st.ok())
    return st;
  // utils.calculate_qmin_qmax.
  if (options.quantMin) {
    int64_t qmin = *options.quantMin, qmax = *options.quantMax;
    if (options.reduceRange) {
      qmin = floorDiv(qmin, 2);
      qmax = floorDiv(qmax, 2);
    }
    return QuantRange{qmin, qmax};
  }
  QuantRange full = dtypeRange(options.dtype);
  if (!options.reduceRange || options.dtype == QuantDtype::kQInt32)
    return full;
  switch (options.dtype) {
  case QuantDtype::kQUInt8:
    return QuantRange{0, 127};
  case QuantDtype::kQInt8:
    return QuantRange{-64, 63};
  case QuantDtype::kQInt16:
    return QuantRange{-16384, 16383};
  case QuantDtype::kQInt32:
    break;
  }
  return full;
}

namespace {

/// The core of _calculate_qparams for one (min, max) pair, given an already
/// validated range. `what` names the value in error messages.
absl::StatusOr<QParams> computeOne(float minVal, float maxVal,
                                   const QParamsOptions &options,
                                   const QuantRange &range,
                                   const std::string &what) {
  if (!std::isfinite(minVal) || !std::isfinite(maxVal))
    return absl::InvalidArgumentError(
        absl::StrCat(what, "min/max must be finite, got min=", minVal,
                     " max=", maxVal));
  if (!(minVal <= maxVal))
    return absl::InvalidArgumentError(
        absl::StrCat(what, "min ", minVal, " must not exceed max ", maxVal));
  const int64_t qmin = range.qmin, qmax = range.qmax;
  // min_val_neg = torch.min(min_val, 0); max_val_pos = torch.max(max_val, 0)
  float minValNeg = std::min(minVal, 0.0f);
  float maxValPos = std::max(maxVal, 0.0f);
  QParams result;
  if (isSymmetric(options.qscheme)) {
    // max_val_pos = torch.max(-min_val_neg, max_val_pos)
    maxValPos = std::max(-minValNeg, maxValPos);
    // scale = max_val_pos / (float(quant_max - quant_min) / 2): the divisor
    // is a Python float (double) that the tensor op rounds to float32.
    float denom = static_cast<float>(static_cast<double>(qmax - qmin) / 2.0);
    result.scale = std::max(maxValPos / denom, options.eps);
    result.zeroPoint = 0;
    if (options.dtype == QuantDtype::kQUInt8)
      result.zeroPoint = options.quantMin ? floorDiv(qmin + qmax, 2) : 128;
  } else {
    // scale = (max_val_pos - min_val_neg) / float(quant_max - quant_min)
    float denom = static_cast<float>(static_cast<double>(qmax - qmin));
    result.scale = std::max((maxValPos - minValNeg) / denom, options.eps);
    // zero_point = quant_min - torch.round(min_val_neg / scale).to(torch.int)
    // torch.round rounds half to even, as nearbyint does in the default
    // rounding mode. The subtraction is done in int64 (PyTorch narrows to
    // int32 first, which only matters for qint32 ranges, see docs).
    float rounded = std::nearbyint(minValNeg / result.scale);
    int64_t zp = qmin - static_cast<int64_t>(rounded);
    result.zeroPoint = std::clamp(zp, qmin, qmax);
  }
  if (!std::isfinite(result.scale))
    return absl::InvalidArgumentError(absl::StrCat(
        what, "range [", minVal, ", ", maxVal,
        "] is too wide for float32: the scale is not finite"));
  return result;
}

} // namespace

absl::StatusOr<QParams> calculateQParams(float minVal, float maxVal,
                                         const QParamsOptions &options) {
  absl::StatusOr<QuantRange> range = calculateQuantRange(options);
  if (!range.ok())
    return range.status();
  return computeOne(minVal, maxVal, options, *range, "");
}

absl::StatusOr<PerChannelQParams>
calculatePerChannelQParams(absl::Span<const float> minVals,
                           absl::Span<const float> maxVals,
                           const QParamsOptions &options) {
  if (minVals.size() != maxVals.size())
    return absl::InvalidArgumentError(
        absl::StrCat("per-channel qparams: ", minVals.size(),
                     " min values but ", maxVals.size(), " max values"));
  if (minVals.empty())
    return absl::InvalidArgumentError(
        "per-channel qparams: no channels (min/max are empty)");
  absl::StatusOr<QuantRange> range = calculateQuantRange(options);
  if (!range.ok())
    return range.status();
  PerChannelQParams result;
  result.scales.reserve(minVals.size());
  result.zeroPoints.reserve(minVals.size());
  for (size_t c = 0; c < minVals.size(); ++c) {
    absl::StatusOr<QParams> one =
        computeOne(minVals[c], maxVals[c], options, *range,
                   absl::StrCat("channel ", c, ": "));
    if (!one.ok())
      return one.status();
    result.scales.push_back(one->scale);
    result.zeroPoints.push_back(one->zeroPoint);
  }
  return result;
}

int64_t quantizeValue(float x, const QParams &qparams,
                      const QuantRange &range) {
  float q = std::nearbyint(x / qparams.scale);
  // Saturate before converting so huge quotients cannot overflow int64.
  double shifted = static_cast<double>(q) + static_cast<double>(qparams.zeroPoint);
  if (!(shifted >= static_cast<double>(range.qmin)))
    return range.qmin;
  if (shifted > static_cast<double>(range.qmax))
    return range.qmax;
  return static_cast<int64_t>(shifted);
}

float dequantizeValue(int64_t q, const QParams &qparams) {
  return static_cast<float>(q - qparams.zeroPoint) * qparams.scale;
}

} // namespace qc
