//===- Observers.cpp - Calibration observers ------------------------------===//
//
// Part of qc. See Observers.h and docs/observers.md.
//
// The PyTorch-twin observers follow torch/ao/quantization/observer.py of
// PyTorch 1.13 operation by operation; comments quote the Python expression a
// line reproduces. PyTorch does that arithmetic on float32 tensors (Python
// floats are rounded to float32 when they meet a tensor) and in double for
// Python scalars; the code below uses float and double in exactly the same
// places. This file is compiled with -ffp-contract=off so that the compiler
// cannot fuse a multiply and an add that PyTorch rounds separately.
//
//===----------------------------------------------------------------------===//

#include "quantizers/observers/Observers.h"

#include "quantizers/observers/TorchNumerics.h"

#include "absl/strings/str_cat.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc {

namespace tn = torch_numerics;

namespace {

/// absl::StrCat takes absl::string_view, which is not std::string_view in
/// Debian's abseil build.
absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();
/// Upper bound on histogram bins: keeps bin arithmetic exact (see
/// MagnitudeHistogram::add) and memory reasonable.
constexpr int64_t kMaxBins = int64_t(1) << 24;

bool sameQParamsOptions(const QParamsOptions &a, const QParamsOptions &b) {
  return a.dtype == b.dtype && a.qscheme == b.qscheme &&
         a.reduceRange == b.reduceRange && a.quantMin == b.quantMin &&
         a.quantMax == b.quantMax && a.eps == b.eps;
}

/// Product of `shape` or an error (negative dim, overflow).
absl::StatusOr<int64_t> numElements(absl::Span<const int64_t> shape) {
  int64_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("dimension ", i, " of the shape is negative (", d, ")"));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return absl::InvalidArgumentError("shape has too many elements");
    n *= d;
  }
  return n;
}

std::string shapeToString(absl::Span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    absl::StrAppend(&s, i ? ", " : "", shape[i]);
  return s + "]";
}

ObserverQParams perTensorResult(const QParams &q, float lo, float hi) {
  ObserverQParams r;
  r.scales = {q.scale};
  r.zeroPoints = {q.zeroPoint};
  r.minVals = {lo};
  r.maxVals = {hi};
  return r;
}

/// Common option checks; `perChannel` is what the kind requires.
absl::Status validateCommon(ObserverKind kind, const ObserverOptions &o,
                            bool forbidSymmetricReducedQUInt8) {
  std::string prefix = absl::StrCat(av(toString(kind)), " observer: ");
  if (absl::Status st = validateQParamsOptions(o.qparams); !st.ok())
    return absl::InvalidArgumentError(absl::StrCat(prefix, st.message()));
  bool perChannel = isPerChannelKind(kind);
  if (perChannel != isPerChannel(o.qparams.qscheme))
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "qscheme ", av(toString(o.qparams.qscheme)), " is not supported; ",
        perChannel ? "use per_channel_affine or per_channel_symmetric"
                   : "use per_tensor_affine or per_tensor_symmetric"));
  // PyTorch raises NotImplementedError for this combination in the min/max
  // observers (not in HistogramObserver).
  if (forbidSymmetricReducedQUInt8 && isSymmetric(o.qparams.qscheme) &&
      o.qparams.reduceRange && o.qparams.dtype == QuantDtype::kQUInt8)
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "cannot reduce range for symmetric quantization of quint8"));
  return absl::OkStatus();
}

absl::Status validateAveraging(ObserverKind kind, const ObserverOptions &o) {
  if (!(o.averagingConstant > 0.0 && o.averagingConstant <= 1.0))
    return absl::InvalidArgumentError(
        absl::StrCat(av(toString(kind)), " observer: averaging_constant must be in "
                                     "(0, 1], got ",
                     o.averagingConstant));
  return absl::OkStatus();
}

/// The checks of every histogram observer: validateCommon (per tensor) and
/// the number of bins.
absl::Status validateHistogram(ObserverKind kind, const ObserverOptions &o) {
  if (absl::Status st = validateCommon(kind, o, false); !st.ok())
    return st;
  if (o.bins < 1 || o.bins > kMaxBins)
    return absl::InvalidArgumentError(
        absl::StrCat(av(toString(kind)), " observer: bins must be in [1, ",
                     kMaxBins, "], got ", o.bins));
  return absl::OkStatus();
}

} // namespace

//===----------------------------------------------------------------------===//
// Kinds
//===----------------------------------------------------------------------===//

std::string_view toString(ObserverKind kind) {
  switch (kind) {
  case ObserverKind::kMinMax:
    return "minmax";
  case ObserverKind::kMovingAverageMinMax:
    return "moving_average_minmax";
  case ObserverKind::kPerChannelMinMax:
    return "per_channel_minmax";
  case ObserverKind::kMovingAveragePerChannelMinMax:
    return "moving_average_per_channel_minmax";
  case ObserverKind::kHistogram:
    return "histogram";
  case ObserverKind::kPercentile:
    return "percentile";
  case ObserverKind::kEntropy:
    return "entropy";
  case ObserverKind::kMse:
    return "mse";
  }
  return "unknown";
}

absl::StatusOr<ObserverKind> parseObserverKind(std::string_view name) {
  for (ObserverKind k :
       {ObserverKind::kMinMax, ObserverKind::kMovingAverageMinMax,
        ObserverKind::kPerChannelMinMax,
        ObserverKind::kMovingAveragePerChannelMinMax, ObserverKind::kHistogram,
        ObserverKind::kPercentile, ObserverKind::kEntropy, ObserverKind::kMse})
    if (name == toString(k))
      return k;
  if (name == "moving_average")
    return ObserverKind::kMovingAverageMinMax;
  if (name == "kl")
    return ObserverKind::kEntropy;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown observer '", av(name),
      "' (expected minmax, moving_average_minmax, per_channel_minmax, "
      "moving_average_per_channel_minmax, histogram, percentile, entropy or "
      "mse)"));
}

bool isPerChannelKind(ObserverKind kind) {
  return kind == ObserverKind::kPerChannelMinMax ||
         kind == ObserverKind::kMovingAveragePerChannelMinMax;
}

//===----------------------------------------------------------------------===//
// Observer
//===----------------------------------------------------------------------===//

Observer::Observer(ObserverKind kind, ObserverOptions options, std::string name)
    : kind_(kind), options_(std::move(options)), name_(std::move(name)) {}

Observer::~Observer() = default;

std::string Observer::where() const {
  if (name_.empty())
    return absl::StrCat(av(toString(kind_)), " observer: ");
  return absl::StrCat("observer '", name_, "' (", av(toString(kind_)), "): ");
}

absl::Status Observer::update(absl::Span<const float> data) {
  int64_t n = static_cast<int64_t>(data.size());
  return update(data, absl::MakeConstSpan(&n, 1));
}

absl::Status Observer::update(absl::Span<const float> data,
                              absl::Span<const int64_t> shape) {
  absl::StatusOr<int64_t> n = numElements(shape);
  if (!n.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(where(), "bad shape ", shapeToString(shape), ": ",
                     n.status().message()));
  if (*n != static_cast<int64_t>(data.size()))
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "shape ", shapeToString(shape), " describes ", *n,
        " elements but the buffer holds ", data.size()));
  if (data.empty())
    return absl::OkStatus();
  int64_t nonFinite = 0, firstBad = -1;
  for (size_t i = 0; i < data.size(); ++i) {
    if (!std::isfinite(data[i])) {
      if (firstBad < 0)
        firstBad = static_cast<int64_t>(i);
      ++nonFinite;
    }
  }
  if (nonFinite > 0)
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "input of shape ", shapeToString(shape), " contains ",
        nonFinite, " non-finite value(s) (NaN/Inf) out of ", data.size(),
        "; first at flat index ", firstBad, " (", data[firstBad],
        "); statistics left unchanged"));
  if (absl::Status st = observe(data, shape); !st.ok())
    return st;
  ++numUpdates_;
  numValues_ += static_cast<int64_t>(data.size());
  return absl::OkStatus();
}

absl::StatusOr<ObserverQParams> Observer::computeQParams() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet; run calibration before "
                              "computing quantization parameters"));
  absl::StatusOr<ObserverQParams> r = compute();
  if (!r.ok())
    return absl::Status(r.status().code(),
                        absl::StrCat(where(), r.status().message()));
  return r;
}

void Observer::reset() {
  clear();
  numUpdates_ = 0;
  numValues_ = 0;
}

absl::Status Observer::merge(const Observer &other) {
  if (&other == this)
    return absl::InvalidArgumentError(
        absl::StrCat(where(), "cannot merge an observer into itself"));
  if (other.kind_ != kind_)
    return absl::InvalidArgumentError(
        absl::StrCat(where(), "cannot merge a ", av(toString(other.kind_)),
                     " observer ('", other.name_, "')"));
  if (!sameQParamsOptions(options_.qparams, other.options_.qparams) ||
      !sameConfig(other))
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "cannot merge observer '", other.name_,
        "': its configuration differs"));
  if (!other.hasData())
    return absl::OkStatus();
  if (absl::Status st = mergeFrom(other); !st.ok())
    return st;
  numUpdates_ += other.numUpdates_;
  numValues_ += other.numValues_;
  return absl::OkStatus();
}

ObserverState Observer::state() const {
  ObserverState s;
  s.kind = kind_;
  s.name = name_;
  s.numUpdates = numUpdates_;
  s.numValues = numValues_;
  if (hasData())
    fillState(s);
  return s;
}

std::string Observer::describe() const {
  ObserverState s = state();
  std::string out = absl::StrCat(av(toString(kind_)), " observer");
  if (!name_.empty())
    absl::StrAppend(&out, " '", name_, "'");
  absl::StrAppend(&out, ": ", s.numUpdates, " updates, ", s.numValues,
                  " values");
  if (!hasData())
    return out + ", no data";
  if (s.minVals.size() == 1) {
    absl::StrAppend(&out, ", min ", s.minVals[0], ", max ", s.maxVals[0]);
  } else {
    float lo = *std::min_element(s.minVals.begin(), s.minVals.end());
    float hi = *std::max_element(s.maxVals.begin(), s.maxVals.end());
    absl::StrAppend(&out, ", ", s.minVals.size(), " channels (axis ",
                    options_.chAxis, ") spanning [", lo, ", ", hi, "]");
  }
  if (!s.histogram.empty())
    absl::StrAppend(&out, ", ", options_.bins, " bins over [", s.histogramLow,
                    ", ", s.histogramHigh, "]");
  return out;
}

absl::StatusOr<std::unique_ptr<Observer>>
createObserver(ObserverKind kind, const ObserverOptions &options,
               std::string name) {
  auto up = [](auto r) -> absl::StatusOr<std::unique_ptr<Observer>> {
    if (!r.ok())
      return r.status();
    return std::unique_ptr<Observer>(std::move(*r));
  };
  switch (kind) {
  case ObserverKind::kMinMax:
    return up(MinMaxObserver::create(options, std::move(name)));
  case ObserverKind::kMovingAverageMinMax:
    return up(MovingAverageMinMaxObserver::create(options, std::move(name)));
  case ObserverKind::kPerChannelMinMax:
    return up(PerChannelMinMaxObserver::create(options, std::move(name)));
  case ObserverKind::kMovingAveragePerChannelMinMax:
    return up(MovingAveragePerChannelMinMaxObserver::create(options,
                                                            std::move(name)));
  case ObserverKind::kHistogram:
    return up(HistogramObserver::create(options, std::move(name)));
  case ObserverKind::kPercentile:
    return up(PercentileObserver::create(options, std::move(name)));
  case ObserverKind::kEntropy:
    return up(EntropyObserver::create(options, std::move(name)));
  case ObserverKind::kMse:
    return up(MseObserver::create(options, std::move(name)));
  }
  return absl::InvalidArgumentError("unknown observer kind");
}

//===----------------------------------------------------------------------===//
// MinMaxObserver / MovingAverageMinMaxObserver
//===----------------------------------------------------------------------===//

MinMaxObserver::MinMaxObserver(ObserverKind kind, ObserverOptions options,
                               std::string name)
    : Observer(kind, std::move(options), std::move(name)), minVal_(kInf),
      maxVal_(-kInf) {}

absl::StatusOr<std::unique_ptr<MinMaxObserver>>
MinMaxObserver::create(const ObserverOptions &options, std::string name) {
  if (absl::Status st = validateCommon(ObserverKind::kMinMax, options, true);
      !st.ok())
    return st;
  return std::unique_ptr<MinMaxObserver>(
      new MinMaxObserver(ObserverKind::kMinMax, options, std::move(name)));
}

absl::Status MinMaxObserver::observe(absl::Span<const float> data,
                                     absl::Span<const int64_t>) {
  // min_val = torch.min(min_val_cur, self.min_val), likewise max.
  auto [mn, mx] = tn::aminmax(data);
  minVal_ = std::min(mn, minVal_);
  maxVal_ = std::max(mx, maxVal_);
  return absl::OkStatus();
}

absl::StatusOr<ObserverQParams> MinMaxObserver::compute() const {
  absl::StatusOr<QParams> q =
      calculateQParams(minVal_, maxVal_, options().qparams);
  if (!q.ok())
    return q.status();
  return perTensorResult(*q, minVal_, maxVal_);
}

void MinMaxObserver::clear() {
  minVal_ = kInf;
  maxVal_ = -kInf;
}

absl::Status MinMaxObserver::mergeFrom(const Observer &other) {
  const auto &o = static_cast<const MinMaxObserver &>(other);
  minVal_ = std::min(minVal_, o.minVal_);
  maxVal_ = std::max(maxVal_, o.maxVal_);
  return absl::OkStatus();
}

void MinMaxObserver::fillState(ObserverState &state) const {
  state.minVals = {minVal_};
  state.maxVals = {maxVal_};
}

bool MinMaxObserver::sameConfig(const Observer &other) const {
  return kind() != ObserverKind::kMovingAverageMinMax ||
         options().averagingConstant == other.options().averagingConstant;
}

MovingAverageMinMaxObserver::MovingAverageMinMaxObserver(ObserverOptions options,
                                                         std::string name)
    : MinMaxObserver(ObserverKind::kMovingAverageMinMax, std::move(options),
                     std::move(name)) {}

absl::StatusOr<std::unique_ptr<MovingAverageMinMaxObserver>>
MovingAverageMinMaxObserver::create(const ObserverOptions &options,
                                    std::string name) {
  if (absl::Status st = validateCommon(ObserverKind::kMovingAverageMinMax,
                                       options, true);
      !st.ok())
    return st;
  if (absl::Status st =
          validateAveraging(ObserverKind::kMovingAverageMinMax, options);
      !st.ok())
    return st;
  return std::unique_ptr<MovingAverageMinMaxObserver>(
      new MovingAverageMinMaxObserver(options, std::move(name)));
}

absl::Status MovingAverageMinMaxObserver::observe(absl::Span<const float> data,
                                                  absl::Span<const int64_t>) {
  auto [mn, mx] = tn::aminmax(data);
  if (minVal_ == kInf && maxVal_ == -kInf) {
    minVal_ = mn;
    maxVal_ = mx;
    return absl::OkStatus();
  }
  // min_val = min_val + self.averaging_constant * (min_val_cur - min_val):
  // three float32 tensor ops; the Python float constant becomes float32.
  const float c = static_cast<float>(options().averagingConstant);
  minVal_ = minVal_ + c * (mn - minVal_);
  maxVal_ = maxVal_ + c * (mx - maxVal_);
  return absl::OkStatus();
}

absl::Status MovingAverageMinMaxObserver::mergeFrom(const Observer &other) {
  const auto &o = static_cast<const MovingAverageMinMaxObserver &>(other);
  if (!hasData()) {
    minVal_ = o.minVal_;
    maxVal_ = o.maxVal_;
    return absl::OkStatus();
  }
  // Update-count-weighted mean of the two running averages.
  double a = static_cast<double>(numUpdates());
  double b = static_cast<double>(o.numUpdates());
  minVal_ = static_cast<float>((a * minVal_ + b * o.minVal_) / (a + b));
  maxVal_ = static_cast<float>((a * maxVal_ + b * o.maxVal_) / (a + b));
  return absl::OkStatus();
}

//===----------------------------------------------------------------------===//
// Per-channel observers
//===----------------------------------------------------------------------===//

PerChannelMinMaxObserver::PerChannelMinMaxObserver(ObserverKind kind,
                                                   ObserverOptions options,
                                                   std::string name)
    : Observer(kind, std::move(options), std::move(name)) {}

absl::StatusOr<std::unique_ptr<PerChannelMinMaxObserver>>
PerChannelMinMaxObserver::create(const ObserverOptions &options,
                                 std::string name) {
  if (absl::Status st =
          validateCommon(ObserverKind::kPerChannelMinMax, options, true);
      !st.ok())
    return st;
  return std::unique_ptr<PerChannelMinMaxObserver>(new PerChannelMinMaxObserver(
      ObserverKind::kPerChannelMinMax, options, std::move(name)));
}

absl::Status PerChannelMinMaxObserver::batchMinMax(
    absl::Span<const float> data, absl::Span<const int64_t> shape,
    std::vector<float> &mins, std::vector<float> &maxs) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  const int64_t chAxis = options().chAxis;
  if (rank == 0)
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "per-channel observation needs a tensor of rank >= 1, got a "
                 "scalar"));
  int64_t axis = chAxis < 0 ? chAxis + rank : chAxis;
  if (axis < 0 || axis >= rank)
    return absl::InvalidArgumentError(
        absl::StrCat(where(), "ch_axis ", chAxis, " is out of range for shape ",
                     shapeToString(shape)));
  const int64_t channels = shape[axis];
  if (!minVals_.empty() &&
      (static_cast<int64_t>(minVals_.size()) != channels || axis != axis_))
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "shape ", shapeToString(shape), " has ", channels,
        " channels on axis ", axis, " but earlier updates had ",
        minVals_.size(), " channels on axis ", axis_));
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= shape[i];
  mins.assign(channels, kInf);
  maxs.assign(channels, -kInf);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float *p = data.data() + (o * channels + c) * inner;
      float mn = mins[c], mx = maxs[c];
      for (int64_t i = 0; i < inner; ++i) {
        mn = std::min(mn, p[i]);
        mx = std::max(mx, p[i]);
      }
      mins[c] = mn;
      maxs[c] = mx;
    }
  axis_ = axis;
  return absl::OkStatus();
}

absl::Status PerChannelMinMaxObserver::observe(absl::Span<const float> data,
                                               absl::Span<const int64_t> shape) {
  std::vector<float> mins, maxs;
  if (absl::Status st = batchMinMax(data, shape, mins, maxs); !st.ok())
    return st;
  if (minVals_.empty()) {
    minVals_ = std::move(mins);
    maxVals_ = std::move(maxs);
    return absl::OkStatus();
  }
  for (size_t c = 0; c < mins.size(); ++c) {
    minVals_[c] = std::min(mins[c], minVals_[c]);
    maxVals_[c] = std::max(maxs[c], maxVals_[c]);
  }
  return absl::OkStatus();
}

absl::StatusOr<ObserverQParams> PerChannelMinMaxObserver::compute() const {
  absl::StatusOr<PerChannelQParams> q =
      calculatePerChannelQParams(minVals_, maxVals_, options().qparams);
  if (!q.ok())
    return q.status();
  ObserverQParams r;
  r.scales = std::move(q->scales);
  r.zeroPoints = std::move(q->zeroPoints);
  r.axis = axis_;
  r.minVals = minVals_;
  r.maxVals = maxVals_;
  return r;
}

void PerChannelMinMaxObserver::clear() {
  minVals_.clear();
  maxVals_.clear();
  axis_ = 0;
}

absl::Status PerChannelMinMaxObserver::mergeFrom(const Observer &other) {
  const auto &o = static_cast<const PerChannelMinMaxObserver &>(other);
  if (!hasData()) {
    minVals_ = o.minVals_;
    maxVals_ = o.maxVals_;
    axis_ = o.axis_;
    return absl::OkStatus();
  }
  if (o.minVals_.size() != minVals_.size() || o.axis_ != axis_)
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "cannot merge observer '", o.name(), "': it has ",
        o.minVals_.size(), " channels on axis ", o.axis_, ", this one ",
        minVals_.size(), " on axis ", axis_));
  if (kind() == ObserverKind::kMovingAveragePerChannelMinMax) {
    double a = static_cast<double>(numUpdates());
    double b = static_cast<double>(o.numUpdates());
    for (size_t c = 0; c < minVals_.size(); ++c) {
      minVals_[c] =
          static_cast<float>((a * minVals_[c] + b * o.minVals_[c]) / (a + b));
      maxVals_[c] =
          static_cast<float>((a * maxVals_[c] + b * o.maxVals_[c]) / (a + b));
    }
    return absl::OkStatus();
  }
  for (size_t c = 0; c < minVals_.size(); ++c) {
    minVals_[c] = std::min(minVals_[c], o.minVals_[c]);
    maxVals_[c] = std::max(maxVals_[c], o.maxVals_[c]);
  }
  return absl::OkStatus();
}

void PerChannelMinMaxObserver::fillState(ObserverState &state) const {
  state.minVals = minVals_;
  state.maxVals = maxVals_;
}

bool PerChannelMinMaxObserver::sameConfig(const Observer &other) const {
  if (options().chAxis != other.options().chAxis)
    return false;
  return kind() != ObserverKind::kMovingAveragePerChannelMinMax ||
         options().averagingConstant == other.options().averagingConstant;
}

MovingAveragePerChannelMinMaxObserver::MovingAveragePerChannelMinMaxObserver(
    ObserverOptions options, std::string name)
    : PerChannelMinMaxObserver(ObserverKind::kMovingAveragePerChannelMinMax,
                               std::move(options), std::move(name)) {}

absl::StatusOr<std::unique_ptr<MovingAveragePerChannelMinMaxObserver>>
MovingAveragePerChannelMinMaxObserver::create(const ObserverOptions &options,
                                              std::string name) {
  constexpr ObserverKind kind = ObserverKind::kMovingAveragePerChannelMinMax;
  if (absl::Status st = validateCommon(kind, options, true); !st.ok())
    return st;
  if (absl::Status st = validateAveraging(kind, options); !st.ok())
    return st;
  return std::unique_ptr<MovingAveragePerChannelMinMaxObserver>(
      new MovingAveragePerChannelMinMaxObserver(options, std::move(name)));
}

absl::Status MovingAveragePerChannelMinMaxObserver::observe(
    absl::Span<const float> data, absl::Span<const int64_t> shape) {
  std::vector<float> mins, maxs;
  if (absl::Status st = batchMinMax(data, shape, mins, maxs); !st.ok())
    return st;
  if (minVals_.empty()) {
    minVals_ = std::move(mins);
    maxVals_ = std::move(maxs);
    return absl::OkStatus();
  }
  const float c = static_cast<float>(options().averagingConstant);
  for (size_t i = 0; i < mins.size(); ++i) {
    minVals_[i] = minVals_[i] + c * (mins[i] - minVals_[i]);
    maxVals_[i] = maxVals_[i] + c * (maxs[i] - maxVals_[i]);
  }
  return absl::OkStatus();
}

//===----------------------------------------------------------------------===//
// HistogramObserver
//===----------------------------------------------------------------------===//

namespace {

/// _combine_histograms without materialising the bins * downsampleRate
/// upsampled grid: the double-precision prefix sum is accumulated in the same
/// order (zeros outside the inserted range leave it unchanged) and sampled at
/// every downsampleRate-th position. `newHist` is the histc of the new data
/// over the combined range, `oldHist` the previous histogram.
absl::StatusOr<std::vector<float>>
combineHistograms(const std::vector<float> &newHist,
                  const std::vector<float> &oldHist, int64_t upsampleRate,
                  int64_t downsampleRate, int64_t startIdx, int64_t bins) {
  const int64_t outLen = bins * downsampleRate; // overflow checked by caller
  const int64_t insertedLen = bins * upsampleRate;
  if (startIdx < 0 || startIdx > outLen - insertedLen)
    return absl::InternalError(absl::StrCat(
        "histogram re-binning does not fit: the old histogram starts at fine "
        "bin ",
        startIdx, " and spans ", insertedLen, " fine bins, the combined grid ",
        "has ", outLen, " (PyTorch 1.13 fails on this input as well)"));
  std::vector<double> integral(static_cast<size_t>(bins));
  double acc = 0.0;
  int64_t k = 0;
  int64_t nextSample = downsampleRate - 1;
  auto emitUpTo = [&](int64_t pos) {
    while (k < bins && nextSample <= pos) {
      integral[k++] = acc;
      nextSample += downsampleRate;
    }
  };
  emitUpTo(startIdx - 1);
  int64_t pos = startIdx;
  for (int64_t b = 0; b < bins; ++b) {
    const double v = static_cast<double>(oldHist[b]);
    for (int64_t r = 0; r < upsampleRate; ++r, ++pos) {
      acc += v;
      if (pos == nextSample && k < bins) {
        integral[k++] = acc;
        nextSample += downsampleRate;
      }
    }
  }
  emitUpTo(outLen - 1);
  // shifted_integral_histogram is a float32 tensor: the assignment rounds.
  // interpolated = (integral - shifted) / upsample_rate in double, then
  // .to(torch.float); orig_hist + interpolated in float32.
  std::vector<float> out(static_cast<size_t>(bins));
  for (int64_t i = 0; i < bins; ++i) {
    double shifted = i == 0 ? 0.0 : static_cast<double>(static_cast<float>(integral[i - 1]));
    float interpolated = static_cast<float>(
        (integral[i] - shifted) / static_cast<double>(upsampleRate));
    out[i] = newHist[i] + interpolated;
  }
  return out;
}

} // namespace

HistogramObserver::HistogramObserver(ObserverOptions options, std::string name)
    : Observer(ObserverKind::kHistogram, std::move(options), std::move(name)),
      histogram_(static_cast<size_t>(this->options().bins), 0.0f),
      minVal_(kInf), maxVal_(-kInf) {}

absl::StatusOr<std::unique_ptr<HistogramObserver>>
HistogramObserver::create(const ObserverOptions &options, std::string name) {
  constexpr ObserverKind kind = ObserverKind::kHistogram;
  if (absl::Status st = validateHistogram(kind, options); !st.ok())
    return st;
  if (options.upsampleRate < 1 || options.upsampleRate > kMaxBins / options.bins)
    return absl::InvalidArgumentError(absl::StrCat(
        "histogram observer: upsample_rate must be >= 1 and bins * "
        "upsample_rate at most ",
        kMaxBins, ", got upsample_rate ", options.upsampleRate));
  return std::unique_ptr<HistogramObserver>(
      new HistogramObserver(options, std::move(name)));
}

std::vector<float>
HistogramObserver::histcForRange(absl::Span<const float> data, float lo,
                                 float hi) const {
  // PyTorch 1.13: torch.histc(x, bins, min=int(min_val), max=int(max_val)).
  double l = lo, h = hi;
  if (options().torch113HistcRange) {
    l = std::trunc(l);
    h = std::trunc(h);
  }
  return tn::histc(data, options().bins, l, h);
}

absl::Status HistogramObserver::observe(absl::Span<const float> data,
                                        absl::Span<const int64_t>) {
  const int64_t bins = options().bins;
  const int64_t upsampleRate = options().upsampleRate;
  auto [newMin, newMax] = tn::aminmax(data);
  const bool sameValues = minVal_ == maxVal_;
  const bool uninitialized = minVal_ == kInf && maxVal_ == -kInf;
  if (uninitialized || sameValues) {
    minVal_ = newMin;
    maxVal_ = newMax;
    histogram_ = histcForRange(data, newMin, newMax);
    return absl::OkStatus();
  }
  float combinedMin = std::min(newMin, minVal_);
  float combinedMax = std::max(newMax, maxVal_);
  // _adjust_min_max.
  // hist_bin_width = (self.max_val - self.min_val) / (self.bins * upsample_rate)
  const float histBinWidth =
      (maxVal_ - minVal_) / static_cast<float>(bins * upsampleRate);
  // downsample_rate = int(ceil((combined_max - combined_min) /
  //                            (self.bins * hist_bin_width)))
  const float binsTimesWidth = static_cast<float>(bins) * histBinWidth;
  const float ratio = std::ceil((combinedMax - combinedMin) / binsTimesWidth);
  const double maxRate =
      static_cast<double>(std::numeric_limits<int64_t>::max() / 2 / bins);
  if (!std::isfinite(ratio) || !(ratio >= 1.0f) ||
      static_cast<double>(ratio) > maxRate)
    return absl::InvalidArgumentError(absl::StrCat(
        where(), "cannot re-bin the histogram from range [", minVal_, ", ",
        maxVal_, "] to [", combinedMin, ", ", combinedMax,
        "]: the ranges differ by too many orders of magnitude"));
  const int64_t downsampleRate = static_cast<int64_t>(ratio);
  // e = downsample_rate * (self.bins * hist_bin_width) -
  //     (combined_max - combined_min); combined_max = combined_max + e
  const float e = static_cast<float>(downsampleRate) * binsTimesWidth -
                  (combinedMax - combinedMin);
  combinedMax = combinedMax + e;
  // start_idx = int(torch.round((self.min_val - combined_min) / hist_bin_width))
  const int64_t startIdx = static_cast<int64_t>(
      std::nearbyint((minVal_ - combinedMin) / histBinWidth));

  std::vector<float> combined = histcForRange(data, combinedMin, combinedMax);
  if (combinedMin == minVal_ && combinedMax == maxVal_) {
    for (int64_t i = 0; i < bins; ++i)
      combined[i] += histogram_[i];
  } else {
    absl::StatusOr<std::vector<float>> merged =
        combineHistograms(combined, histogram_, upsampleRate, downsampleRate,
                          startIdx, bins);
    if (!merged.ok())
      return absl::Status(merged.status().code(),
                          absl::StrCat(where(), merged.status().message()));
    combined = std::move(*merged);
  }
  histogram_ = std::move(combined);
  minVal_ = combinedMin;
  maxVal_ = combinedMax;
  return absl::OkStatus();
}

double HistogramObserver::quantizationError(int64_t startBin,
                                            int64_t endBin) const {
  const int64_t bins = options().bins;
  const double dstNbins =
      std::ldexp(1.0, dtypeBits(options().qparams.dtype)); // 2 ** bits
  // bin_width = (self.max_val.item() - self.min_val.item()) / self.bins
  const double binWidth =
      (static_cast<double>(maxVal_) - static_cast<double>(minVal_)) /
      static_cast<double>(bins);
  // dst_bin_width = bin_width * (next_end_bin - next_start_bin + 1) / dst_nbins
  const double dstBinWidth =
      binWidth * static_cast<double>(endBin - startBin + 1) / dstNbins;
  if (dstBinWidth == 0.0)
    return 0.0;
  // Python floats meeting float32 tensors are rounded to float32.
  const float binWidthF = static_cast<float>(binWidth);
  const float dstBinWidthF = static_cast<float>(dstBinWidth);
  const float halfDstF = static_cast<float>(dstBinWidth / 2);
  const float negHalfDstF = static_cast<float>(-dstBinWidth / 2);
  const float lastDstBin = static_cast<float>(dstNbins - 1);
  // self._get_norm(torch.tensor(-dst_bin_width / 2),
  //                torch.tensor(dst_bin_width / 2), density) / density:
  const float middleNorm =
      (halfDstF * halfDstF * halfDstF - negHalfDstF * negHalfDstF * negHalfDstF) /
      3.0f;
  std::vector<float> norm(static_cast<size_t>(bins));
  for (int64_t k = 0; k < bins; ++k) {
    // src_bin_begin = (src_bin - next_start_bin) * bin_width
    const float srcBegin = static_cast<float>(k - startBin) * binWidthF;
    const float srcEnd = srcBegin + binWidthF;
    const float dstOfBegin = std::min(
        std::max(tn::floorDivide(srcBegin, dstBinWidthF), 0.0f), lastDstBin);
    const float dstOfBeginCenter = (dstOfBegin + 0.5f) * dstBinWidthF;
    const float dstOfEnd = std::min(
        std::max(tn::floorDivide(srcEnd, dstBinWidthF), 0.0f), lastDstBin);
    const float density = histogram_[k] / binWidthF;

    float n = 0.0f;
    // norm += _get_norm(delta_begin, ones * delta_end, density)
    const float deltaBegin = srcBegin - dstOfBeginCenter;
    const float deltaEnd = 1.0f * halfDstF;
    n += density * ((deltaEnd * deltaEnd * deltaEnd -
                     deltaBegin * deltaBegin * deltaBegin) /
                    3.0f);
    // norm += (dst_bin_of_end - dst_bin_of_begin - 1) * _get_norm(...)
    n += ((dstOfEnd - dstOfBegin) - 1.0f) * (density * middleNorm);
    // dst_bin_of_end_center = dst_bin_of_end * dst_bin_width + dst_bin_width / 2
    const float dstOfEndCenter = dstOfEnd * dstBinWidthF + halfDstF;
    // norm += _get_norm(tensor(-dst_bin_width / 2), src_bin_end -
    //                   dst_bin_of_end_center, density)
    const float deltaEnd2 = srcEnd - dstOfEndCenter;
    n += density * ((deltaEnd2 * deltaEnd2 * deltaEnd2 -
                     negHalfDstF * negHalfDstF * negHalfDstF) /
                    3.0f);
    norm[k] = n;
  }
  // norm.sum().item()
  return static_cast<double>(tn::cascadeSum(norm));
}

absl::StatusOr<std::pair<float, float>> HistogramObserver::searchRange() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet"));
  // _non_linear_param_search.
  const int64_t bins = options().bins;
  const float binWidth = (maxVal_ - minVal_) / static_cast<float>(bins);
  const double total = static_cast<double>(tn::cascadeSum(histogram_));
  const std::vector<float> cSum = tn::cumsumFloat(histogram_);
  const double stepsize = 1e-5;
  double alpha = 0.0, beta = 1.0;
  int64_t startBin = 0, endBin = bins - 1;
  double normMin = std::numeric_limits<double>::infinity();
  while (alpha < beta) {
    const double nextAlpha = alpha + stepsize;
    const double nextBeta = beta - stepsize;
    // cSum[l] < next_alpha * total compares in float32.
    const float alphaMass = static_cast<float>(nextAlpha * total);
    const float betaMass = static_cast<float>(nextBeta * total);
    int64_t l = startBin, r = endBin;
    while (l < endBin && cSum[l] < alphaMass)
      ++l;
    while (r > startBin && cSum[r] > betaMass)
      --r;
    int64_t nextStartBin = startBin, nextEndBin = endBin;
    if ((l - startBin) > (endBin - r)) {
      nextStartBin = l;
      alpha = nextAlpha;
    } else {
      nextEndBin = r;
      beta = nextBeta;
    }
    if (nextStartBin == startBin && nextEndBin == endBin)
      continue;
    const double norm = quantizationError(nextStartBin, nextEndBin);
    if (norm > normMin)
      break;
    normMin = norm;
    startBin = nextStartBin;
    endBin = nextEndBin;
  }
  // new_min = self.min_val + bin_width * start_bin, likewise new_max.
  const float newMin = minVal_ + binWidth * static_cast<float>(startBin);
  const float newMax = minVal_ + binWidth * static_cast<float>(endBin + 1);
  return std::make_pair(newMin, newMax);
}

absl::StatusOr<ObserverQParams> HistogramObserver::compute() const {
  absl::StatusOr<std::pair<float, float>> range = searchRange();
  if (!range.ok())
    return range.status();
  absl::StatusOr<QParams> q =
      calculateQParams(range->first, range->second, options().qparams);
  if (!q.ok())
    return q.status();
  return perTensorResult(*q, range->first, range->second);
}

void HistogramObserver::clear() {
  std::fill(histogram_.begin(), histogram_.end(), 0.0f);
  minVal_ = kInf;
  maxVal_ = -kInf;
}

absl::Status HistogramObserver::mergeFrom(const Observer &other) {
  const auto &o = static_cast<const HistogramObserver &>(other);
  if (!hasData()) {
    histogram_ = o.histogram_;
    minVal_ = o.minVal_;
    maxVal_ = o.maxVal_;
    return absl::OkStatus();
  }
  const int64_t bins = options().bins;
  const double lo = std::min(minVal_, o.minVal_);
  const double hi = std::max(maxVal_, o.maxVal_);
  if (lo == hi) {
    for (int64_t i = 0; i < bins; ++i)
      histogram_[i] += o.histogram_[i];
    return absl::OkStatus();
  }
  // Mass-preserving re-binning of both histograms onto [lo, hi]: each source
  // bin's count is spread over the target bins in proportion to overlap.
  std::vector<double> acc(static_cast<size_t>(bins), 0.0);
  const double width = (hi - lo) / static_cast<double>(bins);
  auto targetBin = [&](double x) {
    double t = std::floor((x - lo) / width);
    return static_cast<int64_t>(std::clamp(t, 0.0, double(bins - 1)));
  };
  auto spread = [&](const std::vector<float> &hist, double srcLo,
                    double srcHi) {
    if (srcLo == srcHi) {
      double mass = 0.0;
      for (float v : hist)
        mass += v;
      acc[targetBin(srcLo)] += mass;
      return;
    }
    const double srcWidth = (srcHi - srcLo) / static_cast<double>(bins);
    for (int64_t k = 0; k < bins; ++k) {
      const double count = hist[k];
      if (count == 0.0)
        continue;
      const double a = srcLo + srcWidth * static_cast<double>(k);
      const double b = a + srcWidth;
      const int64_t j0 = targetBin(a), j1 = targetBin(b);
      double assigned = 0.0;
      for (int64_t j = j0; j < j1; ++j) {
        const double edge = lo + width * static_cast<double>(j + 1);
        const double overlap = std::max(0.0, std::min(b, edge) - std::max(a, lo + width * static_cast<double>(j)));
        const double part = count * (overlap / srcWidth);
        acc[j] += part;
        assigned += part;
      }
      acc[j1] += count - assigned;
    }
  };
  spread(histogram_, minVal_, maxVal_);
  spread(o.histogram_, o.minVal_, o.maxVal_);
  for (int64_t i = 0; i < bins; ++i)
    histogram_[i] = static_cast<float>(acc[i]);
  minVal_ = static_cast<float>(lo);
  maxVal_ = static_cast<float>(hi);
  return absl::OkStatus();
}

void HistogramObserver::fillState(ObserverState &state) const {
  state.minVals = {minVal_};
  state.maxVals = {maxVal_};
  state.histogram.assign(histogram_.begin(), histogram_.end());
  state.histogramLow = minVal_;
  state.histogramHigh = maxVal_;
}

bool HistogramObserver::sameConfig(const Observer &other) const {
  const ObserverOptions &a = options(), &b = other.options();
  return a.bins == b.bins && a.upsampleRate == b.upsampleRate &&
         a.torch113HistcRange == b.torch113HistcRange;
}

//===----------------------------------------------------------------------===//
// MagnitudeHistogram
//===----------------------------------------------------------------------===//

MagnitudeHistogram::MagnitudeHistogram(int64_t bins)
    : bins_(std::max<int64_t>(bins, 1)),
      nonNegative_(static_cast<size_t>(bins_), 0.0),
      negative_(static_cast<size_t>(bins_), 0.0) {}

void MagnitudeHistogram::clear() {
  range_ = 0.0;
  pendingZeros_ = 0.0;
  exactZeros_ = 0.0;
  std::fill(nonNegative_.begin(), nonNegative_.end(), 0.0);
  std::fill(negative_.begin(), negative_.end(), 0.0);
}

double MagnitudeHistogram::total() const {
  double t = pendingZeros_;
  for (int64_t i = 0; i < bins_; ++i)
    t += nonNegative_[i] + negative_[i];
  return t;
}

void MagnitudeHistogram::growTo(double newRange) {
  if (range_ == 0.0) {
    range_ = newRange;
    nonNegative_[0] += pendingZeros_;
    pendingZeros_ = 0.0;
    return;
  }
  // Each doubling merges bins (2j, 2j + 1) into j: floor(floor(a) / 2) =
  // floor(a / 2), so this equals binning at the doubled range directly.
  auto halve = [this](std::vector<double> &h) {
    for (int64_t j = 0; j < bins_; ++j) {
      double v = 0.0;
      if (2 * j < bins_)
        v += h[2 * j];
      if (2 * j + 1 < bins_)
        v += h[2 * j + 1];
      h[j] = v;
    }
  };
  while (range_ < newRange) {
    halve(nonNegative_);
    halve(negative_);
    range_ *= 2.0;
  }
}

void MagnitudeHistogram::add(absl::Span<const float> values) {
  double maxAbs = 0.0;
  for (float v : values)
    maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(v)));
  if (maxAbs > 0.0) {
    // The smallest power of two strictly above maxAbs.
    int exponent = 0;
    std::frexp(maxAbs, &exponent);
    const double newRange = std::ldexp(1.0, exponent);
    if (newRange > range_)
      growTo(newRange);
  }
  if (range_ == 0.0) {
    pendingZeros_ += static_cast<double>(values.size());
    exactZeros_ += static_cast<double>(values.size());
    return;
  }
  // bins / range is an exact power-of-two scaling of bins, and |x| * it is
  // exact (24 + 24 significant bits), so the bin index is exact.
  const double scale = static_cast<double>(bins_) / range_;
  for (float v : values) {
    double a = std::fabs(static_cast<double>(v));
    int64_t idx = static_cast<int64_t>(a * scale);
    idx = std::min(idx, bins_ - 1);
    (v < 0.0f ? negative_ : nonNegative_)[idx] += 1.0;
    if (v == 0.0f)
      exactZeros_ += 1.0;
  }
}

void MagnitudeHistogram::merge(const MagnitudeHistogram &other) {
  exactZeros_ += other.exactZeros_;
  if (other.range_ == 0.0) {
    if (range_ == 0.0)
      pendingZeros_ += other.pendingZeros_;
    else
      nonNegative_[0] += other.pendingZeros_;
    return;
  }
  if (other.range_ > range_)
    growTo(other.range_);
  MagnitudeHistogram aligned = other;
  aligned.growTo(range_);
  for (int64_t i = 0; i < bins_; ++i) {
    nonNegative_[i] += aligned.nonNegative_[i];
    negative_[i] += aligned.negative_[i];
  }
}

//===----------------------------------------------------------------------===//
// Percentile and entropy observers
//===----------------------------------------------------------------------===//

MagnitudeHistogramObserver::MagnitudeHistogramObserver(ObserverKind kind,
                                                       ObserverOptions options,
                                                       std::string name)
    : Observer(kind, std::move(options), std::move(name)),
      hist_(this->options().bins), minVal_(kInf), maxVal_(-kInf) {}

absl::Status MagnitudeHistogramObserver::observe(absl::Span<const float> data,
                                                 absl::Span<const int64_t>) {
  auto [mn, mx] = tn::aminmax(data);
  minVal_ = std::min(minVal_, mn);
  maxVal_ = std::max(maxVal_, mx);
  hist_.add(data);
  return absl::OkStatus();
}

void MagnitudeHistogramObserver::clear() {
  hist_.clear();
  minVal_ = kInf;
  maxVal_ = -kInf;
}

absl::Status MagnitudeHistogramObserver::mergeFrom(const Observer &other) {
  const auto &o = static_cast<const MagnitudeHistogramObserver &>(other);
  hist_.merge(o.hist_);
  minVal_ = std::min(minVal_, o.minVal_);
  maxVal_ = std::max(maxVal_, o.maxVal_);
  return absl::OkStatus();
}

void MagnitudeHistogramObserver::fillState(ObserverState &state) const {
  state.minVals = {minVal_};
  state.maxVals = {maxVal_};
  state.histogram = hist_.nonNegative();
  state.histogram[0] += hist_.zeroCount();
  state.histogram.insert(state.histogram.end(), hist_.negative().begin(),
                         hist_.negative().end());
  state.histogramLow = 0.0;
  state.histogramHigh = hist_.range();
}

bool MagnitudeHistogramObserver::sameConfig(const Observer &other) const {
  const ObserverOptions &a = options(), &b = other.options();
  return a.bins == b.bins &&
         (kind() != ObserverKind::kPercentile || a.percentile == b.percentile);
}

absl::StatusOr<ObserverQParams>
MagnitudeHistogramObserver::qparamsFor(float lo, float hi) const {
  absl::StatusOr<QParams> q = calculateQParams(lo, hi, options().qparams);
  if (!q.ok())
    return q.status();
  return perTensorResult(*q, lo, hi);
}

absl::StatusOr<ObserverQParams> MagnitudeHistogramObserver::qparamsFor(
    const absl::StatusOr<std::pair<float, float>> &range) const {
  if (!range.ok())
    return range.status();
  return qparamsFor(range->first, range->second);
}

PercentileObserver::PercentileObserver(ObserverOptions options,
                                       std::string name)
    : MagnitudeHistogramObserver(ObserverKind::kPercentile, std::move(options),
                                 std::move(name)) {}

absl::StatusOr<std::unique_ptr<PercentileObserver>>
PercentileObserver::create(const ObserverOptions &options, std::string name) {
  constexpr ObserverKind kind = ObserverKind::kPercentile;
  if (absl::Status st = validateHistogram(kind, options); !st.ok())
    return st;
  if (!(options.percentile > 0.0 && options.percentile <= 100.0))
    return absl::InvalidArgumentError(absl::StrCat(
        "percentile observer: percentile must be in (0, 100], got ",
        options.percentile));
  return std::unique_ptr<PercentileObserver>(
      new PercentileObserver(options, std::move(name)));
}

namespace {

/// The magnitude v such that `tail` of the counts in `hist` (bins over
/// [0, range)) lie above v, spreading each bin's count uniformly over it.
/// Returns 0 when the histogram holds no more than `tail`.
double magnitudeAboveTail(const std::vector<double> &hist, double range,
                          double tail) {
  const int64_t bins = static_cast<int64_t>(hist.size());
  const double width = range / static_cast<double>(bins);
  double cum = 0.0;
  for (int64_t b = bins - 1; b >= 0; --b) {
    const double c = hist[b];
    if (c > 0.0 && cum + c > tail) {
      const double frac = (tail - cum) / c;
      return (static_cast<double>(b + 1) - frac) * width;
    }
    cum += c;
  }
  return 0.0;
}

} // namespace

absl::StatusOr<std::pair<float, float>> PercentileObserver::clipRange() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet"));
  const double total = hist_.total();
  const double tail = total * ((100.0 - options().percentile) / 100.0);
  float upper = maxVal_, lower = minVal_;
  if (maxVal_ > 0.0f) {
    const float v = static_cast<float>(
        magnitudeAboveTail(hist_.nonNegative(), hist_.range(), tail));
    upper = std::clamp(v, minVal_, maxVal_);
  }
  if (minVal_ < 0.0f) {
    const float v = static_cast<float>(
        magnitudeAboveTail(hist_.negative(), hist_.range(), tail));
    lower = std::clamp(-v, minVal_, maxVal_);
  }
  return std::make_pair(lower, upper);
}

absl::StatusOr<ObserverQParams> PercentileObserver::compute() const {
  return qparamsFor(clipRange());
}

EntropyObserver::EntropyObserver(ObserverOptions options, std::string name)
    : MagnitudeHistogramObserver(ObserverKind::kEntropy, std::move(options),
                                 std::move(name)) {}

absl::StatusOr<std::unique_ptr<EntropyObserver>>
EntropyObserver::create(const ObserverOptions &options, std::string name) {
  constexpr ObserverKind kind = ObserverKind::kEntropy;
  if (absl::Status st = validateHistogram(kind, options); !st.ok())
    return st;
  // The KL search is quadratic in the number of bins.
  constexpr int64_t kMaxEntropyBins = int64_t(1) << 16;
  if (options.bins > kMaxEntropyBins)
    return absl::InvalidArgumentError(
        absl::StrCat("entropy observer: bins must be at most ",
                     kMaxEntropyBins, " (the KL search is quadratic), got ",
                     options.bins));
  return std::unique_ptr<EntropyObserver>(
      new EntropyObserver(options, std::move(name)));
}

namespace {

/// The KL search over one magnitude histogram `h` (bins of equal width from
/// 0) for `targetBins` quantization levels: the candidate bin count i in
/// [targetBins, last occupied bin + 1] minimising KL(P || Q) as described at
/// EntropyObserver, with P and Q divided by the histogram's own total.
/// Returns (i, KL); (last + 1, 0) when no more bins are occupied than there
/// are levels.
std::pair<int64_t, double> klSearch(const std::vector<double> &h,
                                    int64_t targetBins) {
  const int64_t bins = static_cast<int64_t>(h.size());
  int64_t last = bins - 1;
  while (last > 0 && h[last] == 0.0)
    --last;
  targetBins = std::max<int64_t>(targetBins, 1);
  if (last + 1 <= targetBins)
    return {last + 1, 0.0};

  double total = 0.0;
  for (double v : h)
    total += v;
  // suffix[i] = sum of h[i, bins): the outliers folded into bin i - 1.
  std::vector<double> suffix(static_cast<size_t>(bins) + 1, 0.0);
  for (int64_t k = bins - 1; k >= 0; --k)
    suffix[k] = suffix[k + 1] + h[k];

  std::vector<double> p;
  double bestKl = std::numeric_limits<double>::infinity();
  int64_t bestI = last + 1;
  for (int64_t i = targetBins; i <= last + 1; ++i) {
    // Reference P: the first i bins with the clipped mass in the last one.
    p.assign(h.begin(), h.begin() + i);
    p[i - 1] += suffix[i];
    // Candidate Q: the unclipped first i bins quantized into targetBins
    // groups, each group's mass spread over the bins where P is non-zero.
    // Q is normalised by the same total as P, so the clipped mass counts as
    // lost (TensorRT normalises Q separately, which scores "clip everything
    // into one bin" as KL = 0 on data bounded away from zero).
    double kl = 0.0;
    for (int64_t j = 0; j < targetBins && kl != kInfD; ++j) {
      const int64_t begin = j * i / targetBins;
      const int64_t end = (j + 1) * i / targetBins;
      double groupSum = 0.0, nonZero = 0.0;
      for (int64_t k = begin; k < end; ++k) {
        groupSum += h[k];
        nonZero += p[k] != 0.0 ? 1.0 : 0.0;
      }
      for (int64_t k = begin; k < end; ++k) {
        if (p[k] == 0.0)
          continue;
        if (groupSum == 0.0) { // P has mass where Q has none.
          kl = kInfD;
          break;
        }
        const double pk = p[k] / total;
        const double qk = (groupSum / nonZero) / total;
        kl += pk * std::log(pk / qk);
      }
    }
    if (kl < bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return {bestI, bestKl};
}

} // namespace

absl::StatusOr<std::pair<double, double>> EntropyObserver::threshold() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet"));
  absl::StatusOr<QuantRange> range = calculateQuantRange(options().qparams);
  if (!range.ok())
    return range.status();
  const int64_t bins = hist_.bins();
  if (hist_.range() == 0.0)
    return std::make_pair(0.0, 0.0); // only zeros were observed
  std::vector<double> h(static_cast<size_t>(bins));
  for (int64_t k = 0; k < bins; ++k)
    h[k] = hist_.nonNegative()[k] + hist_.negative()[k];
  // Exact zeros are represented exactly by every range (the zero point):
  // they must not weigh on the choice (after a ReLU they are half the
  // values and their spike made the search clip hard).
  h[0] -= hist_.exactZeros();
  const int64_t levels = range->qmax - range->qmin + 1;
  const bool halfLevels =
      isSymmetric(options().qparams.qscheme) || minVal_ < 0.0f;
  const int64_t targetBins = halfLevels ? levels / 2 : levels;
  const double width = hist_.range() / static_cast<double>(bins);
  auto [bestI, bestKl] = klSearch(h, targetBins);
  return std::make_pair(static_cast<double>(bestI) * width, bestKl);
}

bool EntropyObserver::searchesSidesSeparately() const {
  return !isSymmetric(options().qparams.qscheme) && minVal_ < 0.0f &&
         maxVal_ > 0.0f;
}

absl::StatusOr<std::pair<float, float>> EntropyObserver::clipRange() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet"));
  if (!searchesSidesSeparately()) {
    absl::StatusOr<std::pair<double, double>> t = threshold();
    if (!t.ok())
      return t.status();
    // The range of clip(x, -T, T).
    const float threshold = static_cast<float>(t->first);
    return std::make_pair(std::clamp(minVal_, -threshold, threshold),
                          std::clamp(maxVal_, -threshold, threshold));
  }
  // Affine scheme, values of both signs: the grid spans [lower, upper], so
  // each side gets the share of the levels its extent takes of the observed
  // range and is searched on its own histogram (normalised by its own mass).
  // One histogram of |x| would let the dense side choose the threshold of
  // the sparse one: logits whose few large positive values (the winning
  // classes) are a small share of all values were clipped together with
  // the negative bulk, making every winner equal.
  absl::StatusOr<QuantRange> range = calculateQuantRange(options().qparams);
  if (!range.ok())
    return range.status();
  const int64_t levels = range->qmax - range->qmin + 1;
  const double span = static_cast<double>(maxVal_) - minVal_;
  int64_t upperLevels = static_cast<int64_t>(
      std::llround(static_cast<double>(levels) * maxVal_ / span));
  upperLevels = std::clamp<int64_t>(upperLevels, 1, levels - 1);
  const int64_t lowerLevels = levels - upperLevels;
  const double width = hist_.range() / static_cast<double>(hist_.bins());
  std::vector<double> nonNegative = hist_.nonNegative();
  nonNegative[0] -= hist_.exactZeros(); // see threshold()
  const float upperT = static_cast<float>(
      static_cast<double>(klSearch(nonNegative, upperLevels).first) * width);
  const float lowerT = static_cast<float>(
      static_cast<double>(klSearch(hist_.negative(), lowerLevels).first) *
      width);
  return std::make_pair(std::clamp(-lowerT, minVal_, 0.0f),
                        std::clamp(upperT, 0.0f, maxVal_));
}

absl::StatusOr<ObserverQParams> EntropyObserver::compute() const {
  return qparamsFor(clipRange());
}

//===----------------------------------------------------------------------===//
// MSE observer
//===----------------------------------------------------------------------===//

MseObserver::MseObserver(ObserverOptions options, std::string name)
    : MagnitudeHistogramObserver(ObserverKind::kMse, std::move(options),
                                 std::move(name)) {}

absl::StatusOr<std::unique_ptr<MseObserver>>
MseObserver::create(const ObserverOptions &options, std::string name) {
  constexpr ObserverKind kind = ObserverKind::kMse;
  if (absl::Status st = validateHistogram(kind, options); !st.ok())
    return st;
  return std::unique_ptr<MseObserver>(new MseObserver(options, std::move(name)));
}

namespace {

/// Integral over [u, v] of (x - c)^2.
double squareIntegral(double u, double v, double c) {
  const double a = u - c, b = v - c;
  return (b * b * b - a * a * a) / 3.0;
}

/// The squared error, integrated over [u, v] (u <= v), of rounding x to the
/// nearest point of the grid {g0 + k * step : k = 0 .. n - 1} (clamping to
/// its ends): the quantize-dequantize error of a uniform density.
double gridError(double u, double v, double g0, double step, int64_t n) {
  const double gEnd = g0 + step * static_cast<double>(n - 1);
  double err = 0.0;
  if (u < g0) { // below the grid: everything rounds to g0
    const double e = std::min(v, g0);
    err += squareIntegral(u, e, g0);
    u = e;
  }
  if (v > gEnd) { // above the grid: everything rounds to gEnd
    const double b = std::max(u, gEnd);
    err += squareIntegral(b, v, gEnd);
    v = b;
  }
  if (v <= u)
    return err;
  // Inside: cell k is [g_k - step / 2, g_k + step / 2).
  const double half = step / 2.0;
  const auto cellOf = [&](double x) {
    return std::clamp<int64_t>(
        static_cast<int64_t>(std::floor((x - g0 + half) / step)), 0, n - 1);
  };
  const int64_t k0 = cellOf(u), k1 = cellOf(v);
  if (k0 == k1)
    return err + squareIntegral(u, v, g0 + step * static_cast<double>(k0));
  const double c0 = g0 + step * static_cast<double>(k0);
  const double c1 = g0 + step * static_cast<double>(k1);
  err += squareIntegral(u, c0 + half, c0);
  err += squareIntegral(c1 - half, v, c1);
  // Whole cells between: step^3 / 12 each.
  err += static_cast<double>(k1 - k0 - 1) * step * step * step / 12.0;
  return err;
}

} // namespace

std::vector<std::pair<double, double>> MseObserver::occupiedBins() const {
  const int64_t bins = hist_.bins();
  const double width = hist_.range() / static_cast<double>(bins);
  std::vector<std::pair<double, double>> occupied;
  for (int64_t k = 0; k < bins; ++k) {
    // Exact zeros have no quantization error (the zero point).
    const double pos =
        hist_.nonNegative()[k] - (k == 0 ? hist_.exactZeros() : 0.0);
    if (pos > 0.0)
      occupied.push_back({width * static_cast<double>(k), pos});
    if (hist_.negative()[k] > 0.0)
      occupied.push_back(
          {-width * static_cast<double>(k + 1), hist_.negative()[k]});
  }
  return occupied;
}

double MseObserver::quantizationError(float lo, float hi) const {
  const double width = hist_.range() / static_cast<double>(hist_.bins());
  return errorOver(occupiedBins(), width, lo, hi);
}

double MseObserver::errorOver(
    const std::vector<std::pair<double, double>> &occupied, double width,
    float lo, float hi) const {
  absl::StatusOr<QParams> q = calculateQParams(lo, hi, options().qparams);
  absl::StatusOr<QuantRange> range = calculateQuantRange(options().qparams);
  if (!q.ok() || !range.ok())
    return kInfD;
  const double step = q->scale;
  const double g0 = static_cast<double>(range->qmin - q->zeroPoint) *
                    static_cast<double>(q->scale);
  const int64_t n = range->qmax - range->qmin + 1;
  double err = 0.0;
  // Each bin's count spread uniformly over it: count / width * integral.
  for (const auto &[start, count] : occupied)
    err += count / width * gridError(start, start + width, g0, step, n);
  return err;
}

absl::StatusOr<std::pair<float, float>> MseObserver::searchRange() const {
  if (!hasData())
    return absl::FailedPreconditionError(
        absl::StrCat(where(), "no data observed yet"));
  if (hist_.range() == 0.0 || minVal_ == maxVal_)
    return std::make_pair(minVal_, maxVal_);
  const double width = hist_.range() / static_cast<double>(hist_.bins());
  const std::vector<std::pair<double, double>> occupied = occupiedBins();
  // Candidates are fractions f = k / kFine (k = 1 .. kFine) of the observed
  // extremes. A coarse pass tries every kFine / kCoarse-th fraction (jointly
  // for the two bounds of an affine scheme with values of both signs), then
  // each bound is refined on the fine grid within one coarse step of the
  // best, the other bound fixed, twice. Ties keep the wider range.
  constexpr int64_t kFine = 256, kCoarse = 32, kRatio = kFine / kCoarse;
  const bool symmetric = isSymmetric(options().qparams.qscheme);
  const bool twoSided = !symmetric && minVal_ < 0.0f && maxVal_ > 0.0f;
  const double maxAbs = std::max(-static_cast<double>(minVal_),
                                 static_cast<double>(maxVal_));
  // Range for the fractions (i of the lower extreme, j of the upper).
  auto rangeFor = [&](int64_t i, int64_t j) -> std::pair<float, float> {
    if (!twoSided) {
      const float t = static_cast<float>(maxAbs * static_cast<double>(j) /
                                         static_cast<double>(kFine));
      return {std::clamp(minVal_, -t, t), std::clamp(maxVal_, -t, t)};
    }
    return {static_cast<float>(static_cast<double>(minVal_) * i / kFine),
            static_cast<float>(static_cast<double>(maxVal_) * j / kFine)};
  };
  int64_t bestI = kFine, bestJ = kFine;
  double bestErr = kInfD;
  auto consider = [&](int64_t i, int64_t j) {
    auto [lo, hi] = rangeFor(i, j);
    const double e = errorOver(occupied, width, lo, hi);
    if (e < bestErr) {
      bestErr = e;
      bestI = i;
      bestJ = j;
    }
  };
  for (int64_t i = kFine; i >= kRatio; i -= kRatio) {
    for (int64_t j = kFine; j >= kRatio; j -= kRatio)
      consider(i, j);
    if (!twoSided)
      break;
  }
  for (int round = 0; round < 2; ++round) {
    const int64_t ci = bestI, cj = bestJ;
    for (int64_t j = std::min(kFine, cj + kRatio);
         j >= std::max<int64_t>(1, cj - kRatio); --j)
      consider(ci, j);
    if (!twoSided)
      break;
    const int64_t cj2 = bestJ;
    for (int64_t i = std::min(kFine, ci + kRatio);
         i >= std::max<int64_t>(1, ci - kRatio); --i)
      consider(i, cj2);
  }
  return rangeFor(bestI, bestJ);
}

absl::StatusOr<ObserverQParams> MseObserver::compute() const {
  return qparamsFor(searchRange());
}

} // namespace qc
