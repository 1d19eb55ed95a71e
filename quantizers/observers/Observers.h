//===- Observers.h - Calibration observers ----------------------*- C++ -*-===//
//
// Part of qc. Observers accumulate statistics of the float tensors that flow
// through an edge during calibration and turn them into quantization
// parameters. MinMax, MovingAverageMinMax, the two per-channel variants and
// the Histogram observer reproduce PyTorch 1.13's
// torch.ao.quantization.observer classes; Percentile, Entropy and Mse are qc's own
// (docs/observers.md describes exactly what each computes).
//
// Memory is bounded by the configuration (channels, bins), never by the
// number of updates: no samples are stored.
//
// No exceptions, no RTTI: fallible calls return absl::Status(Or).
//
//===----------------------------------------------------------------------===//

#ifndef QC_QUANTIZERS_OBSERVERS_OBSERVERS_H
#define QC_QUANTIZERS_OBSERVERS_OBSERVERS_H

#include "quantizers/observers/QParams.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

enum class ObserverKind {
  kMinMax,
  kMovingAverageMinMax,
  kPerChannelMinMax,
  kMovingAveragePerChannelMinMax,
  kHistogram,
  kPercentile,
  kEntropy,
  kMse,
};

/// Stable names: "minmax", "moving_average_minmax", "per_channel_minmax",
/// "moving_average_per_channel_minmax", "histogram", "percentile", "entropy",
/// "mse".
std::string_view toString(ObserverKind kind);
/// Accepts the names of toString(ObserverKind) and the aliases
/// "moving_average" and "kl" (= entropy).
absl::StatusOr<ObserverKind> parseObserverKind(std::string_view name);
/// True for the two per-channel kinds.
bool isPerChannelKind(ObserverKind kind);

/// Options of every observer kind; each kind reads the fields it documents
/// and ignores the others.
struct ObserverOptions {
  /// dtype, qscheme, reduce_range, custom range, eps. Per-channel kinds need
  /// a per-channel qscheme, all other kinds a per-tensor one.
  QParamsOptions qparams;
  /// Moving-average kinds: weight c of the newest batch,
  /// running = running + c * (batch - running). PyTorch's default 0.01.
  double averagingConstant = 0.01;
  /// Per-channel kinds: the channel axis (negative counts from the back).
  int64_t chAxis = 0;
  /// Histogram, percentile, entropy, mse: number of histogram bins.
  int64_t bins = 2048;
  /// Histogram: upsampling factor used when re-binning (PyTorch's
  /// upsample_rate).
  int64_t upsampleRate = 128;
  /// Histogram: PyTorch 1.13 calls torch.histc with min=int(min_val),
  /// max=int(max_val), i.e. the bin range truncated toward zero (values
  /// outside it are dropped). true reproduces that bit-exactly; false uses
  /// the real float range (what later PyTorch releases do).
  bool torch113HistcRange = true;
  /// Percentile: the percentile kept on each side, in (0, 100].
  double percentile = 99.99;
};

/// What computeQParams() returns.
struct ObserverQParams {
  /// One entry per tensor (per-tensor kinds) or per channel.
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  /// Set for per-channel kinds: the (non-negative) channel axis.
  std::optional<int64_t> axis;
  /// The range the qparams were derived from: the running min/max for the
  /// min/max kinds, the searched / clipped range for histogram, percentile
  /// and entropy.
  std::vector<float> minVals;
  std::vector<float> maxVals;
};

/// A snapshot of an observer's statistics, for reports and tests.
struct ObserverState {
  ObserverKind kind = ObserverKind::kMinMax;
  std::string name;
  /// Updates with at least one element, and the elements they carried.
  int64_t numUpdates = 0;
  int64_t numValues = 0;
  /// Running min / max (averaged for moving-average kinds); one entry per
  /// channel for per-channel kinds; empty before the first update.
  std::vector<float> minVals;
  std::vector<float> maxVals;
  /// Histogram kinds: bin counts. For "histogram" the bins span
  /// [histogramLow, histogramHigh] (PyTorch's min_val/max_val); for
  /// "percentile" and "entropy" they are the 2 * bins magnitude bins
  /// (non-negative values first, then negative values by |x|) over
  /// [0, histogramHigh].
  std::vector<double> histogram;
  double histogramLow = 0.0;
  double histogramHigh = 0.0;
};

/// The common observer interface.
class Observer {
public:
  virtual ~Observer();
  Observer(const Observer &) = delete;
  Observer &operator=(const Observer &) = delete;

  ObserverKind kind() const { return kind_; }
  /// The label used in error messages (e.g. the observed value's name).
  const std::string &name() const { return name_; }
  const ObserverOptions &options() const { return options_; }
  /// True once an update with at least one element was accepted.
  bool hasData() const { return numUpdates_ > 0; }
  int64_t numUpdates() const { return numUpdates_; }

  /// Observes one row-major tensor. `shape` must describe exactly
  /// data.size() elements (an empty shape is a scalar). Empty tensors are
  /// ignored, as PyTorch does. NaN or Inf anywhere in `data` is rejected with
  /// an error naming this observer and counting the non-finite values; the
  /// observer's state is then unchanged.
  absl::Status update(absl::Span<const float> data,
                      absl::Span<const int64_t> shape);
  /// Convenience: a 1-D tensor.
  absl::Status update(absl::Span<const float> data);

  /// Scale / zero point(s) for everything observed so far. Fails before the
  /// first update (PyTorch would silently return scale 1, zero point 0).
  absl::StatusOr<ObserverQParams> computeQParams() const;

  /// Forgets everything observed.
  void reset();

  /// Folds another observer's statistics into this one, e.g. from a
  /// calibration shard run in parallel. `other` must be of the same kind and
  /// configuration. Exact for min/max kinds, percentile and entropy (the
  /// result equals observing both inputs); see docs/observers.md for the
  /// moving-average and histogram rules, which PyTorch does not define.
  absl::Status merge(const Observer &other);

  ObserverState state() const;
  /// One line: kind, name, updates, values, range (and bins).
  std::string describe() const;

protected:
  Observer(ObserverKind kind, ObserverOptions options, std::string name);

  /// Updates statistics from a validated, non-empty, finite tensor.
  virtual absl::Status observe(absl::Span<const float> data,
                               absl::Span<const int64_t> shape) = 0;
  /// Computes qparams; only called when hasData().
  virtual absl::StatusOr<ObserverQParams> compute() const = 0;
  virtual void clear() = 0;
  /// Merges `other` (same kind and options, both with data).
  virtual absl::Status mergeFrom(const Observer &other) = 0;
  virtual void fillState(ObserverState &state) const = 0;
  /// Options that must agree for merge() beyond kind and qparams.
  virtual bool sameConfig(const Observer &other) const = 0;

  /// "observer 'name' (kind): " — the prefix of every error message.
  std::string where() const;

private:
  ObserverKind kind_;
  ObserverOptions options_;
  std::string name_;
  int64_t numUpdates_ = 0;
  int64_t numValues_ = 0;
};

/// Creates an observer of `kind` after validating `options` for that kind
/// (qscheme granularity, reduce_range with symmetric quint8, bins, averaging
/// constant, percentile).
absl::StatusOr<std::unique_ptr<Observer>>
createObserver(ObserverKind kind, const ObserverOptions &options,
               std::string name = "");

//===----------------------------------------------------------------------===//
// PyTorch 1.13 observers
//===----------------------------------------------------------------------===//

/// MinMaxObserver: running min and max of every value seen; qparams from
/// calculateQParams(min, max). Bit-exact with PyTorch.
class MinMaxObserver : public Observer {
public:
  static absl::StatusOr<std::unique_ptr<MinMaxObserver>>
  create(const ObserverOptions &options, std::string name = "");

  float minVal() const { return minVal_; }
  float maxVal() const { return maxVal_; }

protected:
  MinMaxObserver(ObserverKind kind, ObserverOptions options, std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
  absl::StatusOr<ObserverQParams> compute() const override;
  void clear() override;
  absl::Status mergeFrom(const Observer &other) override;
  void fillState(ObserverState &state) const override;
  bool sameConfig(const Observer &other) const override;

  float minVal_;
  float maxVal_;
};

/// MovingAverageMinMaxObserver: the first update takes the batch min/max,
/// later ones move the running values by averagingConstant * (batch -
/// running), in float32 as PyTorch does. Bit-exact with PyTorch.
class MovingAverageMinMaxObserver : public MinMaxObserver {
public:
  static absl::StatusOr<std::unique_ptr<MovingAverageMinMaxObserver>>
  create(const ObserverOptions &options, std::string name = "");

protected:
  MovingAverageMinMaxObserver(ObserverOptions options, std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
  absl::Status mergeFrom(const Observer &other) override;
};

/// PerChannelMinMaxObserver: running min/max per index of options.chAxis;
/// the channel count is fixed by the first update. Bit-exact with PyTorch.
class PerChannelMinMaxObserver : public Observer {
public:
  static absl::StatusOr<std::unique_ptr<PerChannelMinMaxObserver>>
  create(const ObserverOptions &options, std::string name = "");

  const std::vector<float> &minVals() const { return minVals_; }
  const std::vector<float> &maxVals() const { return maxVals_; }

protected:
  PerChannelMinMaxObserver(ObserverKind kind, ObserverOptions options,
                           std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
  absl::StatusOr<ObserverQParams> compute() const override;
  void clear() override;
  absl::Status mergeFrom(const Observer &other) override;
  void fillState(ObserverState &state) const override;
  bool sameConfig(const Observer &other) const override;

  /// Per-channel min/max of one tensor, after checking the axis and the
  /// channel count against earlier updates.
  absl::Status batchMinMax(absl::Span<const float> data,
                           absl::Span<const int64_t> shape,
                           std::vector<float> &mins,
                           std::vector<float> &maxs);

  std::vector<float> minVals_;
  std::vector<float> maxVals_;
  int64_t axis_ = 0;
};

/// MovingAveragePerChannelMinMaxObserver: PerChannelMinMaxObserver with the
/// moving-average rule applied per channel. Bit-exact with PyTorch.
class MovingAveragePerChannelMinMaxObserver : public PerChannelMinMaxObserver {
public:
  static absl::StatusOr<std::unique_ptr<MovingAveragePerChannelMinMaxObserver>>
  create(const ObserverOptions &options, std::string name = "");

protected:
  MovingAveragePerChannelMinMaxObserver(ObserverOptions options,
                                        std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
};

/// HistogramObserver: a `bins`-bin histogram over the running [min, max],
/// re-binned with PyTorch 1.13's upsample / integrate / downsample scheme
/// when the range grows; computeQParams() runs PyTorch's
/// _non_linear_param_search (L2 quantization-error minimisation over the
/// histogram) and converts the chosen range with calculateQParams. Every
/// float32 / double operation follows PyTorch's order, including the
/// summation order of torch.sum, so the histogram, the chosen range and the
/// qparams are bit-exact with PyTorch 1.13 on its default (AVX2) CPU
/// kernels.
class HistogramObserver : public Observer {
public:
  static absl::StatusOr<std::unique_ptr<HistogramObserver>>
  create(const ObserverOptions &options, std::string name = "");

  const std::vector<float> &histogram() const { return histogram_; }
  float minVal() const { return minVal_; }
  float maxVal() const { return maxVal_; }
  /// The range _non_linear_param_search selects (requires hasData()).
  absl::StatusOr<std::pair<float, float>> searchRange() const;

protected:
  HistogramObserver(ObserverOptions options, std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
  absl::StatusOr<ObserverQParams> compute() const override;
  void clear() override;
  absl::Status mergeFrom(const Observer &other) override;
  void fillState(ObserverState &state) const override;
  bool sameConfig(const Observer &other) const override;

private:
  /// torch.histc bounds for [lo, hi] per options.torch113HistcRange.
  std::vector<float> histcForRange(absl::Span<const float> data, float lo,
                                   float hi) const;
  /// _compute_quantization_error(next_start_bin, next_end_bin).
  double quantizationError(int64_t startBin, int64_t endBin) const;

  std::vector<float> histogram_;
  float minVal_;
  float maxVal_;
};

//===----------------------------------------------------------------------===//
// qc observers without a PyTorch twin
//===----------------------------------------------------------------------===//

/// Histogram of |x| kept separately for x >= 0 and x < 0, over [0, R) with
/// R the smallest power of two above every |x| seen. When R must grow it
/// doubles and pairs of bins merge, so bin edges stay aligned: the result is
/// exactly the histogram of all data binned at the final R, independent of
/// how the data was split into batches (this is what makes merges exact).
/// Counts are doubles (exact up to 2^53 values).
class MagnitudeHistogram {
public:
  explicit MagnitudeHistogram(int64_t bins = 2048);
  /// Adds finite values.
  void add(absl::Span<const float> values);
  /// Adds another histogram with the same number of bins.
  void merge(const MagnitudeHistogram &other);
  void clear();

  int64_t bins() const { return bins_; }
  /// R; 0 while only zeros were seen.
  double range() const { return range_; }
  /// Bin counts of values >= 0 and of values < 0 (by |x|). While range()
  /// is 0 all values are zeros and are counted in zeroCount() instead.
  const std::vector<double> &nonNegative() const { return nonNegative_; }
  const std::vector<double> &negative() const { return negative_; }
  double zeroCount() const { return pendingZeros_; }
  /// Values exactly 0 (+0 or -0), wherever they are counted.
  double exactZeros() const { return exactZeros_; }
  double total() const;

private:
  void growTo(double newRange);

  int64_t bins_;
  double range_ = 0.0;
  double pendingZeros_ = 0.0;
  double exactZeros_ = 0.0;
  std::vector<double> nonNegative_;
  std::vector<double> negative_;
};

/// Shared by the percentile, entropy and mse observers: a MagnitudeHistogram plus
/// the exact running min / max.
class MagnitudeHistogramObserver : public Observer {
public:
  const MagnitudeHistogram &magnitudes() const { return hist_; }
  float minVal() const { return minVal_; }
  float maxVal() const { return maxVal_; }

protected:
  MagnitudeHistogramObserver(ObserverKind kind, ObserverOptions options,
                             std::string name);
  absl::Status observe(absl::Span<const float> data,
                       absl::Span<const int64_t> shape) override;
  void clear() override;
  absl::Status mergeFrom(const Observer &other) override;
  void fillState(ObserverState &state) const override;
  bool sameConfig(const Observer &other) const override;
  /// Builds the result for the clipped range [lo, hi].
  absl::StatusOr<ObserverQParams> qparamsFor(float lo, float hi) const;
  /// qparamsFor the chosen range, or the error choosing it.
  absl::StatusOr<ObserverQParams>
  qparamsFor(const absl::StatusOr<std::pair<float, float>> &range) const;

  MagnitudeHistogram hist_;
  float minVal_;
  float maxVal_;
};

/// PercentileObserver: clips each tail of the distribution at the
/// options.percentile-th percentile. With N values and t = N * (100 - p) /
/// 100, the upper bound is the value v such that (by the histogram, values
/// spread uniformly inside a bin) t values lie above v among the values
/// >= 0; the lower bound -v' likewise with v' from the negative values. Each
/// bound is clamped into the observed [min, max], and a side without values
/// of its sign keeps the observed extreme. qparams =
/// calculateQParams(lower, upper).
class PercentileObserver : public MagnitudeHistogramObserver {
public:
  static absl::StatusOr<std::unique_ptr<PercentileObserver>>
  create(const ObserverOptions &options, std::string name = "");

  /// The clipped range [lower, upper] (requires hasData()).
  absl::StatusOr<std::pair<float, float>> clipRange() const;

protected:
  PercentileObserver(ObserverOptions options, std::string name);
  absl::StatusOr<ObserverQParams> compute() const override;
};

/// EntropyObserver: TensorRT-style KL-divergence calibration on the |x|
/// histogram H (bins over [0, R)). The KL search for M target levels on a
/// magnitude histogram H: for every candidate i in [M, last non-empty bin +
/// 1]: P = H[0, i) with the mass of H[i, bins) added to P[i - 1]; Q = H[0,
/// i) quantized into M groups ([floor(j i / M), floor((j + 1) i / M))), each
/// group's mass spread uniformly over the bins where P is non-zero; both are
/// divided by H's total count (so Q's missing clipped mass is penalised) and
/// the candidate with the smallest KL(P || Q) = sum p log(p / q) (first on
/// ties; infinite where Q is 0 but P is not) sets the threshold T = i * R /
/// bins. A candidate whose clipped mass lands in an empty stretch of the
/// histogram has infinite KL, so isolated outliers far from the bulk are
/// kept (no smoothing constant is used).
///
/// Which histogram and how many levels:
///  - symmetric schemes, and data of one sign: one search on the histogram
///    of |x| (both signs added) with M = half the quantized levels when the
///    scheme is symmetric or negative values were seen, else all of them;
///    the range is that of clip(x, -T, T) (threshold()).
///  - affine schemes with values of both signs: the grid spans [lower,
///    upper], not [-T, T], so each side is searched on its own histogram
///    with M = its share of the levels, round(levels * max / (max - min))
///    for the positive side and the rest for the negative side; the range is
///    [-T_neg, T_pos] clamped into [min, max].
class EntropyObserver : public MagnitudeHistogramObserver {
public:
  static absl::StatusOr<std::unique_ptr<EntropyObserver>>
  create(const ObserverOptions &options, std::string name = "");

  /// The single-histogram search: threshold T and the KL divergence at T (0
  /// if no search happened because there were no more occupied bins than
  /// levels). This sets the range unless searchesSidesSeparately().
  absl::StatusOr<std::pair<double, double>> threshold() const;
  /// True for an affine scheme once values of both signs were seen.
  bool searchesSidesSeparately() const;
  /// The chosen range [lower, upper] (requires hasData()).
  absl::StatusOr<std::pair<float, float>> clipRange() const;

protected:
  EntropyObserver(ObserverOptions options, std::string name);
  absl::StatusOr<ObserverQParams> compute() const override;
};

/// MseObserver: the range whose quantize-dequantize error is smallest. The
/// error of a range [lo, hi] is computed on the MagnitudeHistogram with each
/// bin's count spread uniformly over the bin: the qparams calculateQParams
/// gives for [lo, hi] define the grid of representable values, and the
/// squared distance to the nearest grid point (values beyond the grid
/// clamp to its ends) is integrated exactly over every occupied bin.
/// Candidates are fractions k / 256 (k = 1 .. 256) of the observed extremes
/// (of max|x| for symmetric schemes and one-signed data, one bound; of min
/// and max separately for affine schemes with both signs): every eighth
/// fraction first (a 32 x 32 grid when both bounds are free), then each
/// bound refined on the fine grid within one coarse step of the best, the
/// other fixed, twice. Ties keep the wider range.
class MseObserver : public MagnitudeHistogramObserver {
public:
  static absl::StatusOr<std::unique_ptr<MseObserver>>
  create(const ObserverOptions &options, std::string name = "");

  /// The chosen range [lower, upper] (requires hasData()).
  absl::StatusOr<std::pair<float, float>> searchRange() const;
  /// The modelled squared quantization error (summed over the observed
  /// values) of quantizing with the qparams of [lo, hi].
  double quantizationError(float lo, float hi) const;

protected:
  MseObserver(ObserverOptions options, std::string name);
  absl::StatusOr<ObserverQParams> compute() const override;

private:
  /// (signed start, count) of every occupied bin, exact zeros left out.
  std::vector<std::pair<double, double>> occupiedBins() const;
  double errorOver(const std::vector<std::pair<double, double>> &occupied,
                   double width, float lo, float hi) const;
};

} // namespace qc

#endif // QC_QUANTIZERS_OBSERVERS_OBSERVERS_H
