//===- ObserverConfig.h - observers for quantization specs ------*- C++ -*-===//
//
// Maps a #qc.spec (what a Quantizer asks for at an edge) to the observer
// library's configuration (quantizers/observers), and names the attributes
// of the quantization flow. Shared by qc-prepare (which validates specs
// early) and calibration (which creates the observers).
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_OBSERVERCONFIG_H
#define QC_PASSES_QUANTIZE_OBSERVERCONFIG_H

#include "dialects/qc/IR/QCAttrs.h"
#include "quantizers/observers/Observers.h"

#include "absl/status/statusor.h"

#include <optional>
#include <string>

namespace mlir::qc {

/// The annotations a Quantizer writes on ops: one entry per operand / result
/// (#qc.spec, #qc.shared, #qc.derived, #qc.fixed, or `unit` for float).
constexpr const char kInputSpecsAttr[] = "qc.input_specs";
constexpr const char kOutputSpecsAttr[] = "qc.output_specs";

/// How to build the observer of one spec.
struct ObserverConfig {
  ::qc::ObserverKind kind;
  ::qc::ObserverOptions options;
};

/// The observer for `spec`:
///  - kind: `spec.observer` (the names of quantizers/observers, e.g.
///    "minmax", "histogram", "per_channel_minmax"), or `overrideKind` when
///    given (the `--observer` flag for activations). A per-tensor min/max
///    kind on a spec with an axis becomes its per-channel variant;
///    histogram-based kinds need a per-tensor spec.
///  - qparams: dtype from `spec.dtype`; symmetric / affine and per tensor /
///    per channel from `spec.symmetric` and `spec.axis`. The range
///    [quant_min, quant_max] is passed so that the qparams equal PyTorch's
///    for the observer PyTorch would build: the dtype's full range means no
///    custom range, the reduced range (u8 [0, 127], i8 [-64, 63], i16
///    [-16384, 16383]) means reduce_range, anything else is a custom
///    quant_min / quant_max.
///  - `spec.observer_options` keys: averaging_constant (float), bins (int),
///    upsample_rate (int), percentile (float), eps (float),
///    torch113_histc_range (bool). Other keys are errors.
/// Errors name the offending field.
absl::StatusOr<ObserverConfig>
getObserverConfig(QuantSpecAttr spec,
                  std::optional<std::string> overrideKind = std::nullopt);

/// The storage type of a spec's dtype as the observer library names it.
absl::StatusOr<::qc::QuantDtype> toQuantDtype(Type dtype);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_OBSERVERCONFIG_H
