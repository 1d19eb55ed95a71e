//===- ObserverConfig.cpp - observers for quantization specs --------------===//
#include "passes/Quantize/ObserverConfig.h"

#include "absl/strings/str_cat.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qc;

namespace {
absl::string_view av(StringRef s) { return {s.data(), s.size()}; }

std::string attrString(Attribute attr) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << attr;
  return s;
}

/// Reads a numeric option (integer or float attribute) as double.
std::optional<double> numeric(Attribute attr) {
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return static_cast<double>(i.getInt());
  return std::nullopt;
}
} // namespace

absl::StatusOr<::qc::QuantDtype> mlir::qc::toQuantDtype(Type dtype) {
  auto it = dyn_cast<IntegerType>(dtype);
  if (it && it.getWidth() == 8 && it.isUnsigned())
    return ::qc::QuantDtype::kQUInt8;
  if (it && !it.isUnsigned()) {
    switch (it.getWidth()) {
    case 8:
      return ::qc::QuantDtype::kQInt8;
    case 16:
      return ::qc::QuantDtype::kQInt16;
    case 32:
      return ::qc::QuantDtype::kQInt32;
    default:
      break;
    }
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << dtype;
  return absl::InvalidArgumentError(
      absl::StrCat("quantization dtype must be ui8, i8, i16 or i32, got ", s));
}

absl::StatusOr<ObserverConfig>
mlir::qc::getObserverConfig(QuantSpecAttr spec,
                            std::optional<std::string> overrideKind) {
  ObserverConfig config;
  std::string kindName =
      overrideKind ? *overrideKind : spec.getObserver().str();
  absl::StatusOr<::qc::ObserverKind> kind =
      ::qc::parseObserverKind(kindName);
  if (!kind.ok())
    return kind.status();
  bool perChannel = spec.getAxis() >= 0;
  if (perChannel && *kind == ::qc::ObserverKind::kMinMax)
    *kind = ::qc::ObserverKind::kPerChannelMinMax;
  if (perChannel && *kind == ::qc::ObserverKind::kMovingAverageMinMax)
    *kind = ::qc::ObserverKind::kMovingAveragePerChannelMinMax;
  if (perChannel != ::qc::isPerChannelKind(*kind))
    return absl::InvalidArgumentError(absl::StrCat(
        "observer '", kindName, "' is ",
        perChannel ? "per-tensor but the spec is per-channel (axis = "
                   : "per-channel but the spec is per-tensor (axis = ",
        spec.getAxis(), ")"));
  config.kind = *kind;

  ::qc::QParamsOptions &q = config.options.qparams;
  absl::StatusOr<::qc::QuantDtype> dtype = toQuantDtype(spec.getDtype());
  if (!dtype.ok())
    return dtype.status();
  q.dtype = *dtype;
  if (perChannel)
    q.qscheme = spec.getSymmetric() ? ::qc::QScheme::kPerChannelSymmetric
                                    : ::qc::QScheme::kPerChannelAffine;
  else
    q.qscheme = spec.getSymmetric() ? ::qc::QScheme::kPerTensorSymmetric
                                    : ::qc::QScheme::kPerTensorAffine;
  ::qc::QuantRange full = ::qc::dtypeRange(q.dtype);
  int64_t lo = spec.getQuantMin(), hi = spec.getQuantMax();
  bool symmetricU8 =
      spec.getSymmetric() && q.dtype == ::qc::QuantDtype::kQUInt8;
  if (lo == full.qmin && hi == full.qmax) {
    // PyTorch's default range: no custom quant_min / quant_max.
  } else if (q.dtype != ::qc::QuantDtype::kQInt32 && !symmetricU8 &&
             lo == full.qmin / 2 && hi == full.qmax / 2) {
    q.reduceRange = true;
  } else {
    q.quantMin = lo;
    q.quantMax = hi;
  }
  config.options.chAxis = perChannel ? spec.getAxis() : 0;

  if (DictionaryAttr options = spec.getObserverOptions()) {
    for (NamedAttribute entry : options) {
      StringRef key = entry.getName().getValue();
      Attribute value = entry.getValue();
      std::optional<double> number = numeric(value);
      auto bad = [&](absl::string_view expected) {
        return absl::InvalidArgumentError(
            absl::StrCat("observer option '", av(key), "' must be ", expected,
                         ", got ", attrString(value)));
      };
      if (key == "averaging_constant") {
        if (!number)
          return bad("a number");
        config.options.averagingConstant = *number;
      } else if (key == "bins" || key == "upsample_rate") {
        auto i = dyn_cast<IntegerAttr>(value);
        if (!i)
          return bad("an integer");
        (key == "bins" ? config.options.bins : config.options.upsampleRate) =
            i.getInt();
      } else if (key == "percentile") {
        if (!number)
          return bad("a number");
        config.options.percentile = *number;
      } else if (key == "eps") {
        if (!number)
          return bad("a number");
        q.eps = static_cast<float>(*number);
      } else if (key == "torch113_histc_range") {
        auto b = dyn_cast<BoolAttr>(value);
        if (!b)
          return bad("true or false");
        config.options.torch113HistcRange = b.getValue();
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "unknown observer option '", av(key),
            "' (expected averaging_constant, bins, upsample_rate, percentile, "
            "eps or torch113_histc_range)"));
      }
    }
  }
  // Let the observer library check the combination (reduce_range with
  // symmetric quint8, bins, percentile, ...).
  absl::StatusOr<std::unique_ptr<::qc::Observer>> probe =
      ::qc::createObserver(config.kind, config.options, "spec");
  if (!probe.ok())
    return probe.status();
  return config;
}
