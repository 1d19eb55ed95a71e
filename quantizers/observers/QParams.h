//===- QParams.h - Quantization ranges and scale/zero-point math -*- C++ -*-===//
//
// Part of qc. Quantized dtype ranges, quantization schemes and the
// computation of (scale, zero_point) from an observed [min, max] range,
// reproducing torch.ao.quantization.observer (PyTorch 1.13) bit for bit.
//
// This library does not depend on MLIR/LLVM and builds with
// -fno-exceptions -fno-rtti: every fallible function returns absl::Status(Or).
//
//===----------------------------------------------------------------------===//

#ifndef QC_QUANTIZERS_OBSERVERS_QPARAMS_H
#define QC_QUANTIZERS_OBSERVERS_QPARAMS_H

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

/// Quantized storage types. The names follow PyTorch (quint8 = u8, qint8 = s8,
/// qint32 = s32); qint16 (s16) has no PyTorch 1.13 twin.
enum class QuantDtype { kQUInt8, kQInt8, kQInt16, kQInt32 };

/// How scale / zero point are derived and whether they are per tensor or per
/// channel. Matches torch.per_tensor_affine, ... (float_qparams is not
/// supported: qc stores integer zero points).
enum class QScheme {
  kPerTensorAffine,
  kPerTensorSymmetric,
  kPerChannelAffine,
  kPerChannelSymmetric,
};

/// Canonical names: "quint8", "qint8", "qint16", "qint32".
std::string_view toString(QuantDtype dtype);
/// Canonical names: "per_tensor_affine", "per_tensor_symmetric", ...
std::string_view toString(QScheme qscheme);
/// Accepts the canonical names and the short forms "u8", "s8", "s16", "s32".
absl::StatusOr<QuantDtype> parseQuantDtype(std::string_view name);
/// Accepts the canonical names of toString(QScheme).
absl::StatusOr<QScheme> parseQScheme(std::string_view name);

bool isPerChannel(QScheme qscheme);
bool isSymmetric(QScheme qscheme);
/// Number of bits of the storage type (8, 8, 16, 32); also what PyTorch's
/// torch.iinfo(dtype).bits returns for the quantized types.
int dtypeBits(QuantDtype dtype);
bool isSignedDtype(QuantDtype dtype);

/// An inclusive integer range [qmin, qmax].
struct QuantRange {
  int64_t qmin = 0;
  int64_t qmax = 0;
};

/// The full representable range of `dtype`: u8 [0, 255], s8 [-128, 127],
/// s16 [-32768, 32767], s32 [-2^31, 2^31 - 1].
QuantRange dtypeRange(QuantDtype dtype);

/// Everything that decides how (scale, zero_point) follow from [min, max].
struct QParamsOptions {
  QuantDtype dtype = QuantDtype::kQUInt8;
  QScheme qscheme = QScheme::kPerTensorAffine;
  /// Drops one bit of range: u8 -> [0, 127], s8 -> [-64, 63], s16 ->
  /// [-16384, 16383]. PyTorch ignores it for qint32 (default range) and so
  /// does qc. With a custom range both ends are floor-divided by two.
  bool reduceRange = false;
  /// Custom range (PyTorch's quant_min / quant_max): give both or neither.
  std::optional<int64_t> quantMin;
  std::optional<int64_t> quantMax;
  /// Floor on the scale; PyTorch's default torch.finfo(torch.float32).eps.
  float eps = std::numeric_limits<float>::epsilon();
};

/// Checks `options` (custom range inside the dtype, containing zero, qmin <
/// qmax, positive finite eps).
absl::Status validateQParamsOptions(const QParamsOptions &options);

/// The effective [qmin, qmax] after the custom range and reduce_range, as
/// torch.ao.quantization.utils.calculate_qmin_qmax computes it.
absl::StatusOr<QuantRange> calculateQuantRange(const QParamsOptions &options);

/// One scale / zero point pair.
struct QParams {
  float scale = 1.0f;
  int64_t zeroPoint = 0;
};

/// One pair per channel.
struct PerChannelQParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
};

/// Scale and zero point for the range [minVal, maxVal], equal to PyTorch 1.13's
/// UniformQuantizationObserverBase._calculate_qparams:
///  - the range is widened to include zero;
///  - symmetric: scale = max(-min, max) / ((qmax - qmin) / 2), zero point 0,
///    or 128 for quint8 (the floored midpoint for a custom quint8 range);
///  - affine: scale = (max - min) / (qmax - qmin),
///    zero point = clamp(qmin - round_half_even(min / scale), qmin, qmax);
///  - scale is floored at options.eps.
/// All scale arithmetic is float32 in PyTorch's operation order (the
/// denominators are formed in double and rounded to float first, as Python
/// does), so results are bit-equal to PyTorch's.
/// Errors: non-finite min/max, min > max, invalid options, a non-finite scale.
/// The qscheme's per-tensor/per-channel part is ignored here.
absl::StatusOr<QParams> calculateQParams(float minVal, float maxVal,
                                         const QParamsOptions &options);

/// calculateQParams for each channel; `minVals` and `maxVals` must have the
/// same non-zero length. Errors name the offending channel.
absl::StatusOr<PerChannelQParams>
calculatePerChannelQParams(absl::Span<const float> minVals,
                           absl::Span<const float> maxVals,
                           const QParamsOptions &options);

/// quantize(x) = clamp(round_half_even(x / scale) + zeroPoint, qmin, qmax),
/// the numerics contract of docs (float32 division). Provided so tools and
/// tests can check qparams by quantizing data.
int64_t quantizeValue(float x, const QParams &qparams, const QuantRange &range);
/// dequantize(q) = (q - zeroPoint) * scale, in float32.
float dequantizeValue(int64_t q, const QParams &qparams);

} // namespace qc

#endif // QC_QUANTIZERS_OBSERVERS_QPARAMS_H
