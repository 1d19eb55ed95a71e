//===- ObserversTest.cpp - Observer behaviour beyond the golden data ------===//
//
// Part of qc's unit tests: option validation, error reporting (bad shapes,
// NaN/Inf, no data), reset, merge, bounded state, the PyTorch 1.13 histc
// quirk, and the percentile / entropy observers on inputs whose answer is
// known in closed form.
//
//===----------------------------------------------------------------------===//

#include "quantizers/observers/Observers.h"
#include "quantizers/observers/TorchNumerics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace qc {
namespace {

ObserverOptions perTensor(QuantDtype dtype = QuantDtype::kQUInt8,
                          QScheme qscheme = QScheme::kPerTensorAffine) {
  ObserverOptions o;
  o.qparams.dtype = dtype;
  o.qparams.qscheme = qscheme;
  return o;
}

ObserverOptions perChannel(int64_t axis,
                           QScheme qscheme = QScheme::kPerChannelSymmetric) {
  ObserverOptions o;
  o.qparams.dtype = QuantDtype::kQInt8;
  o.qparams.qscheme = qscheme;
  o.chAxis = axis;
  return o;
}

std::unique_ptr<Observer> make(ObserverKind kind, const ObserverOptions &o,
                               std::string name = "") {
  absl::StatusOr<std::unique_ptr<Observer>> obs =
      createObserver(kind, o, std::move(name));
  EXPECT_TRUE(obs.ok()) << obs.status();
  return obs.ok() ? std::move(*obs) : nullptr;
}

std::vector<float> normalData(size_t n, float stddev, float mean,
                              unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(mean, stddev);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

bool contains(const absl::Status &st, const std::string &needle) {
  return std::string(st.message()).find(needle) != std::string::npos;
}

const ObserverKind kAllKinds[] = {
    ObserverKind::kMinMax,           ObserverKind::kMovingAverageMinMax,
    ObserverKind::kPerChannelMinMax, ObserverKind::kMovingAveragePerChannelMinMax,
    ObserverKind::kHistogram,        ObserverKind::kPercentile,
    ObserverKind::kEntropy,
};

ObserverOptions defaultsFor(ObserverKind kind) {
  return isPerChannelKind(kind) ? perChannel(0) : perTensor();
}

TEST(ObserverKinds, NamesRoundTrip) {
  for (ObserverKind k : kAllKinds) {
    absl::StatusOr<ObserverKind> p = parseObserverKind(toString(k));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, k);
  }
  EXPECT_EQ(*parseObserverKind("moving_average"),
            ObserverKind::kMovingAverageMinMax);
  EXPECT_EQ(*parseObserverKind("kl"), ObserverKind::kEntropy);
  absl::StatusOr<ObserverKind> bad = parseObserverKind("minmaxx");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.status(), "'minmaxx'"));
}

TEST(ObserverOptionsValidation, RejectsWhatPyTorchRejects) {
  // Granularity must match the kind.
  absl::StatusOr<std::unique_ptr<Observer>> o =
      createObserver(ObserverKind::kPerChannelMinMax, perTensor());
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(contains(o.status(), "per_channel_affine or per_channel_symmetric"))
      << o.status();
  o = createObserver(ObserverKind::kHistogram, perChannel(0));
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(contains(o.status(), "histogram observer")) << o.status();

  // reduce_range with symmetric quint8: rejected by the min/max observers,
  // accepted by HistogramObserver (as in PyTorch).
  ObserverOptions symRr =
      perTensor(QuantDtype::kQUInt8, QScheme::kPerTensorSymmetric);
  symRr.qparams.reduceRange = true;
  o = createObserver(ObserverKind::kMinMax, symRr);
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(contains(o.status(), "cannot reduce range")) << o.status();
  EXPECT_TRUE(createObserver(ObserverKind::kHistogram, symRr).ok());

  ObserverOptions bad = perTensor();
  bad.averagingConstant = 0.0;
  EXPECT_FALSE(createObserver(ObserverKind::kMovingAverageMinMax, bad).ok());
  bad = perTensor();
  bad.bins = 0;
  for (ObserverKind k : {ObserverKind::kHistogram, ObserverKind::kPercentile,
                         ObserverKind::kEntropy})
    EXPECT_FALSE(createObserver(k, bad).ok()) << toString(k);
  bad = perTensor();
  bad.bins = 1 << 20;
  EXPECT_TRUE(createObserver(ObserverKind::kPercentile, bad).ok());
  EXPECT_FALSE(createObserver(ObserverKind::kEntropy, bad).ok());
  bad = perTensor();
  bad.upsampleRate = 0;
  EXPECT_FALSE(createObserver(ObserverKind::kHistogram, bad).ok());
  for (double p : {0.0, -1.0, 100.5}) {
    bad = perTensor();
    bad.percentile = p;
    EXPECT_FALSE(createObserver(ObserverKind::kPercentile, bad).ok()) << p;
  }
  bad = perTensor();
  bad.qparams.quantMin = 0;
  EXPECT_FALSE(createObserver(ObserverKind::kMinMax, bad).ok());
}

TEST(ObserverUpdate, RejectsNonFiniteValuesAndNamesTheObserver) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (ObserverKind k : kAllKinds) {
    std::unique_ptr<Observer> obs = make(k, defaultsFor(k), "conv1.out");
    ASSERT_TRUE(obs);
    std::vector<float> good = {-1.0f, 0.5f, 2.0f, 0.25f};
    ASSERT_TRUE(obs->update(good, {2, 2}).ok());
    absl::StatusOr<ObserverQParams> before = obs->computeQParams();
    ASSERT_TRUE(before.ok()) << before.status();

    std::vector<float> badData = {1.0f, nan, -inf, 3.0f};
    absl::Status st = obs->update(badData, {2, 2});
    ASSERT_FALSE(st.ok()) << toString(k);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(contains(st, "observer 'conv1.out'")) << st;
    EXPECT_TRUE(contains(st, std::string(toString(k)))) << st;
    EXPECT_TRUE(contains(st, "2 non-finite value(s)")) << st;
    EXPECT_TRUE(contains(st, "flat index 1")) << st;

    // The rejected update left no trace.
    EXPECT_EQ(obs->numUpdates(), 1);
    absl::StatusOr<ObserverQParams> after = obs->computeQParams();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->scales, before->scales);
    EXPECT_EQ(after->zeroPoints, before->zeroPoints);
  }
}

TEST(ObserverUpdate, RejectsShapeMismatch) {
  std::unique_ptr<Observer> obs = make(ObserverKind::kMinMax, perTensor(), "x");
  std::vector<float> data(6, 1.0f);
  absl::Status st = obs->update(data, {2, 2});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "shape [2, 2] describes 4 elements but the buffer "
                           "holds 6"))
      << st;
  st = obs->update(data, {-2, -3});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "negative")) << st;
  EXPECT_FALSE(obs->hasData());
}

TEST(ObserverUpdate, EmptyTensorsAreIgnored) {
  for (ObserverKind k : kAllKinds) {
    std::unique_ptr<Observer> obs = make(k, defaultsFor(k));
    ASSERT_TRUE(obs->update({}, {0, 3}).ok());
    EXPECT_FALSE(obs->hasData());
    absl::StatusOr<ObserverQParams> q = obs->computeQParams();
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(contains(q.status(), "no data observed")) << q.status();
  }
}

TEST(ObserverReset, BehavesLikeAFreshObserver) {
  std::vector<float> a = normalData(500, 3.0f, 1.0f, 1);
  std::vector<float> b = normalData(500, 0.5f, -0.2f, 2);
  for (ObserverKind k : kAllKinds) {
    std::unique_ptr<Observer> used = make(k, defaultsFor(k));
    std::unique_ptr<Observer> fresh = make(k, defaultsFor(k));
    ASSERT_TRUE(used->update(a, {5, 100}).ok());
    used->reset();
    EXPECT_FALSE(used->hasData());
    ASSERT_TRUE(used->update(b, {5, 100}).ok());
    ASSERT_TRUE(fresh->update(b, {5, 100}).ok());
    absl::StatusOr<ObserverQParams> q1 = used->computeQParams();
    absl::StatusOr<ObserverQParams> q2 = fresh->computeQParams();
    ASSERT_TRUE(q1.ok() && q2.ok()) << toString(k);
    EXPECT_EQ(q1->scales, q2->scales) << toString(k);
    EXPECT_EQ(q1->zeroPoints, q2->zeroPoints) << toString(k);
    EXPECT_EQ(used->state().histogram, fresh->state().histogram);
  }
}

TEST(ObserverMerge, ExactForMinMaxPercentileAndEntropy) {
  std::vector<float> a = normalData(3000, 1.0f, 0.0f, 3);
  std::vector<float> b = normalData(3000, 4.0f, 1.0f, 4);
  b[17] = -30.0f;
  std::vector<float> all = a;
  all.insert(all.end(), b.begin(), b.end());
  for (ObserverKind k : {ObserverKind::kMinMax, ObserverKind::kPerChannelMinMax,
                         ObserverKind::kPercentile, ObserverKind::kEntropy}) {
    // Channels on axis 1, so concatenating the buffers stacks along axis 0.
    ObserverOptions o = isPerChannelKind(k) ? perChannel(1) : perTensor();
    std::unique_ptr<Observer> left = make(k, o), right = make(k, o),
                              whole = make(k, o);
    ASSERT_TRUE(left->update(a, {1000, 3}).ok());
    ASSERT_TRUE(right->update(b, {1000, 3}).ok());
    ASSERT_TRUE(whole->update(all, {2000, 3}).ok());
    ASSERT_TRUE(left->merge(*right).ok());
    EXPECT_EQ(left->numUpdates(), 2);
    ObserverState sl = left->state(), sw = whole->state();
    EXPECT_EQ(sl.numValues, sw.numValues);
    EXPECT_EQ(sl.minVals, sw.minVals) << toString(k);
    EXPECT_EQ(sl.maxVals, sw.maxVals) << toString(k);
    EXPECT_EQ(sl.histogram, sw.histogram) << toString(k);
    absl::StatusOr<ObserverQParams> ql = left->computeQParams();
    absl::StatusOr<ObserverQParams> qw = whole->computeQParams();
    ASSERT_TRUE(ql.ok() && qw.ok());
    EXPECT_EQ(ql->scales, qw->scales) << toString(k);
    EXPECT_EQ(ql->zeroPoints, qw->zeroPoints) << toString(k);
  }
}

TEST(ObserverMerge, MovingAverageIsUpdateWeighted) {
  ObserverOptions o = perTensor();
  std::unique_ptr<Observer> x = make(ObserverKind::kMovingAverageMinMax, o);
  std::unique_ptr<Observer> y = make(ObserverKind::kMovingAverageMinMax, o);
  std::vector<float> a = {-1.0f, 1.0f}, b = {-4.0f, 7.0f};
  ASSERT_TRUE(x->update(a).ok());
  ASSERT_TRUE(x->update(a).ok());
  ASSERT_TRUE(x->update(a).ok());
  ASSERT_TRUE(y->update(b).ok());
  ASSERT_TRUE(x->merge(*y).ok());
  ObserverState s = x->state();
  EXPECT_FLOAT_EQ(s.minVals[0], (3 * -1.0f + 1 * -4.0f) / 4);
  EXPECT_FLOAT_EQ(s.maxVals[0], (3 * 1.0f + 1 * 7.0f) / 4);
  EXPECT_EQ(x->numUpdates(), 4);
}

TEST(ObserverMerge, HistogramPreservesMassAndSpansBothRanges) {
  ObserverOptions o = perTensor();
  std::unique_ptr<Observer> x = make(ObserverKind::kHistogram, o);
  std::unique_ptr<Observer> y = make(ObserverKind::kHistogram, o);
  std::vector<float> a = normalData(4000, 0.3f, 0.0f, 5);
  std::vector<float> b = normalData(4000, 2.0f, 3.0f, 6);
  ASSERT_TRUE(x->update(a).ok());
  ASSERT_TRUE(y->update(b).ok());
  const ObserverState sx = x->state(), sy = y->state();
  const double massX = std::accumulate(sx.histogram.begin(), sx.histogram.end(), 0.0);
  const double massY = std::accumulate(sy.histogram.begin(), sy.histogram.end(), 0.0);
  ASSERT_TRUE(x->merge(*y).ok());
  ObserverState s = x->state();
  EXPECT_EQ(s.histogram.size(), static_cast<size_t>(o.bins));
  EXPECT_NEAR(std::accumulate(s.histogram.begin(), s.histogram.end(), 0.0),
              massX + massY, 1e-2);
  EXPECT_EQ(s.minVals[0], std::min(sx.minVals[0], sy.minVals[0]));
  EXPECT_EQ(s.maxVals[0], std::max(sx.maxVals[0], sy.maxVals[0]));
  EXPECT_TRUE(x->computeQParams().ok());
}

TEST(ObserverMerge, RejectsIncompatibleObservers) {
  std::unique_ptr<Observer> mm = make(ObserverKind::kMinMax, perTensor(), "a");
  std::unique_ptr<Observer> hist =
      make(ObserverKind::kHistogram, perTensor(), "b");
  absl::Status st = mm->merge(*hist);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "cannot merge a histogram observer ('b')")) << st;
  EXPECT_FALSE(mm->merge(*mm).ok());
  std::unique_ptr<Observer> s8 = make(
      ObserverKind::kMinMax, perTensor(QuantDtype::kQInt8), "c");
  st = mm->merge(*s8);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "configuration differs")) << st;
  // Merging an observer without data is a no-op.
  std::unique_ptr<Observer> empty = make(ObserverKind::kMinMax, perTensor());
  EXPECT_TRUE(mm->merge(*empty).ok());
  EXPECT_FALSE(mm->hasData());

  std::unique_ptr<Observer> pc4 = make(ObserverKind::kPerChannelMinMax,
                                       perChannel(0));
  std::unique_ptr<Observer> pc2 = make(ObserverKind::kPerChannelMinMax,
                                       perChannel(0));
  ASSERT_TRUE(pc4->update(std::vector<float>(8, 1.0f), {4, 2}).ok());
  ASSERT_TRUE(pc2->update(std::vector<float>(8, 1.0f), {2, 4}).ok());
  st = pc4->merge(*pc2);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "2 channels")) << st;
}

TEST(PerChannelObserver, AxisHandlingAndErrors) {
  // [2, 3, 2] tensor, channel axis 1 (and -2, the same axis).
  std::vector<float> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (int64_t axis : {1, -2}) {
    std::unique_ptr<Observer> obs =
        make(ObserverKind::kPerChannelMinMax, perChannel(axis), "w");
    ASSERT_TRUE(obs->update(x, {2, 3, 2}).ok());
    ObserverState s = obs->state();
    // channel c holds {2c, 2c+1, 6+2c, 7+2c}.
    EXPECT_EQ(s.minVals, (std::vector<float>{0, 2, 4}));
    EXPECT_EQ(s.maxVals, (std::vector<float>{7, 9, 11}));
    absl::StatusOr<ObserverQParams> q = obs->computeQParams();
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->axis, 1);
    EXPECT_EQ(q->scales.size(), 3u);
  }
  std::unique_ptr<Observer> obs =
      make(ObserverKind::kPerChannelMinMax, perChannel(3), "w");
  absl::Status st = obs->update(x, {2, 3, 2});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "ch_axis 3 is out of range for shape [2, 3, 2]"))
      << st;
  st = obs->update({1.0f}, {});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "scalar")) << st;

  std::unique_ptr<Observer> ma =
      make(ObserverKind::kMovingAveragePerChannelMinMax, perChannel(0), "w");
  ASSERT_TRUE(ma->update(x, {3, 4}).ok());
  st = ma->update(x, {4, 3});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "has 4 channels on axis 0 but earlier updates had 3"))
      << st;
}

TEST(HistogramObserver, Torch113TruncatedHistcRangeDropsValues) {
  // PyTorch 1.13 bins with torch.histc(min=int(min), max=int(max)): for data
  // in [-0.5, 3.75] only [0, 3] is histogrammed. torch113HistcRange = false
  // keeps every value.
  std::vector<float> x;
  for (int i = 0; i <= 170; ++i)
    x.push_back(-0.5f + 0.025f * static_cast<float>(i));
  ObserverOptions o = perTensor();
  std::unique_ptr<Observer> torch113 = make(ObserverKind::kHistogram, o);
  o.torch113HistcRange = false;
  std::unique_ptr<Observer> exact = make(ObserverKind::kHistogram, o);
  ASSERT_TRUE(torch113->update(x).ok());
  ASSERT_TRUE(exact->update(x).ok());
  auto mass = [](const ObserverState &s) {
    return std::accumulate(s.histogram.begin(), s.histogram.end(), 0.0);
  };
  size_t inside = 0;
  for (float v : x)
    inside += (v >= 0.0f && v <= 3.0f);
  EXPECT_EQ(mass(torch113->state()), static_cast<double>(inside));
  EXPECT_EQ(mass(exact->state()), static_cast<double>(x.size()));
  EXPECT_LT(inside, x.size());
}

TEST(HistogramObserver, StateStaysBoundedOverManyUpdates) {
  ObserverOptions o = perTensor(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric);
  std::unique_ptr<Observer> obs = make(ObserverKind::kHistogram, o);
  double fed = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<float> x = normalData(256, 0.5f + 0.02f * i, 0.0f, 100 + i);
    ASSERT_TRUE(obs->update(x).ok());
    fed += x.size();
  }
  ObserverState s = obs->state();
  EXPECT_EQ(s.histogram.size(), static_cast<size_t>(o.bins));
  EXPECT_EQ(s.numValues, static_cast<int64_t>(fed));
  // Re-binning interpolates, so the histogram holds about as many values as
  // were fed (those dropped by the int() range quirk aside).
  double mass = std::accumulate(s.histogram.begin(), s.histogram.end(), 0.0);
  EXPECT_GT(mass, 0.9 * fed);
  EXPECT_LE(mass, fed + 1.0);
  EXPECT_TRUE(obs->computeQParams().ok());
}

TEST(Observers, RangeWiderThanFloatIsAnErrorNotACrash) {
  // max - min overflows float32: every affine observer must fail cleanly.
  for (ObserverKind k : kAllKinds) {
    ObserverOptions o = isPerChannelKind(k)
                            ? perChannel(0, QScheme::kPerChannelAffine)
                            : perTensor();
    std::unique_ptr<Observer> obs = make(k, o, "wide");
    absl::Status st = obs->update({-3e38f, 0.0f, 3e38f, 1.0f}, {1, 4});
    if (!st.ok()) {
      EXPECT_TRUE(contains(st, "observer 'wide'")) << st;
      continue;
    }
    absl::StatusOr<ObserverQParams> q = obs->computeQParams();
    ASSERT_FALSE(q.ok()) << toString(k);
    EXPECT_TRUE(contains(q.status(), "observer 'wide'")) << q.status();
  }
}

TEST(HistogramObserver, HugeRangeJumpIsAnErrorNotAnAllocation) {
  std::unique_ptr<Observer> obs =
      make(ObserverKind::kHistogram, perTensor(), "act");
  ASSERT_TRUE(obs->update({0.0f, 1e-20f}).ok());
  absl::Status st = obs->update({1e20f});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st, "observer 'act' (histogram): cannot re-bin")) << st;
  // The failed update did not change the state.
  EXPECT_EQ(obs->state().maxVals[0], 1e-20f);
}

TEST(HistogramObserver, SearchTrimsALongTailButKeepsAFarOutlier) {
  // Exponential data: the L2 search trims the sparse tail.
  std::mt19937 gen(9);
  std::exponential_distribution<float> expo(1.0f);
  std::vector<float> x(20000);
  for (float &v : x)
    v = expo(gen);
  float observedMax = *std::max_element(x.begin(), x.end());
  std::unique_ptr<Observer> obs = make(ObserverKind::kHistogram, perTensor());
  ASSERT_TRUE(obs->update(x).ok());
  absl::StatusOr<ObserverQParams> q = obs->computeQParams();
  ASSERT_TRUE(q.ok());
  EXPECT_LT(q->maxVals[0], observedMax);
  EXPECT_GT(q->maxVals[0], 3.0f);
  // One value at 80 among N(0, 1): clipping it would cost (80 - 4)^2 in L2,
  // more than the rounding error it saves, so PyTorch's search keeps it.
  std::vector<float> y = normalData(20000, 1.0f, 0.0f, 10);
  y[123] = 80.0f;
  std::unique_ptr<Observer> far = make(ObserverKind::kHistogram, perTensor());
  ASSERT_TRUE(far->update(y).ok());
  q = far->computeQParams();
  ASSERT_TRUE(q.ok());
  EXPECT_GT(q->maxVals[0], 79.0f);
}

TEST(MagnitudeHistogram, IndependentOfBatchSplit) {
  std::vector<float> x = normalData(5000, 2.0f, 0.3f, 11);
  x[5] = 0.0f;
  x[6] = -0.0f;
  MagnitudeHistogram whole(2048), pieces(2048);
  whole.add(x);
  // Growing batches force several range doublings.
  size_t pos = 0;
  for (size_t len : {3u, 10u, 100u, 887u, 4000u}) {
    pieces.add(absl::MakeConstSpan(x.data() + pos, len));
    pos += len;
  }
  ASSERT_EQ(pos, x.size());
  EXPECT_EQ(whole.range(), pieces.range());
  EXPECT_EQ(whole.nonNegative(), pieces.nonNegative());
  EXPECT_EQ(whole.negative(), pieces.negative());
  EXPECT_EQ(whole.total(), 5000.0);
  // The range is the smallest power of two strictly above max |x|.
  float maxAbs = 0;
  for (float v : x)
    maxAbs = std::max(maxAbs, std::fabs(v));
  EXPECT_GT(whole.range(), maxAbs);
  EXPECT_LE(whole.range() / 2, maxAbs);
  EXPECT_EQ(std::log2(whole.range()), std::round(std::log2(whole.range())));
}

TEST(PercentileObserver, ClipsEachTail) {
  // 0, 1, ..., 9999 and -1, ..., -100: 10100 values.
  std::vector<float> x;
  for (int i = 0; i < 10000; ++i)
    x.push_back(static_cast<float>(i));
  for (int i = 1; i <= 100; ++i)
    x.push_back(static_cast<float>(-i));
  ObserverOptions o = perTensor(QuantDtype::kQInt8, QScheme::kPerTensorAffine);
  o.percentile = 99.0;
  absl::StatusOr<std::unique_ptr<PercentileObserver>> obs =
      PercentileObserver::create(o, "p");
  ASSERT_TRUE(obs.ok());
  ASSERT_TRUE((*obs)->update(x).ok());
  absl::StatusOr<std::pair<float, float>> r = (*obs)->clipRange();
  ASSERT_TRUE(r.ok());
  // 1% of 10100 values = 101 above the upper bound: about 9899 (bins are
  // 16384 / 2048 = 8 wide). All 100 negatives fit in the lower tail, so the
  // lower bound clips them away entirely (to 0).
  EXPECT_NEAR(r->second, 9899.0f, 8.0f);
  EXPECT_EQ(r->first, 0.0f);
  // 100 percent keeps the observed range.
  o.percentile = 100.0;
  std::unique_ptr<Observer> all = make(ObserverKind::kPercentile, o);
  ASSERT_TRUE(all->update(x).ok());
  absl::StatusOr<ObserverQParams> q = all->computeQParams();
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->minVals[0], -100.0f);
  EXPECT_EQ(q->maxVals[0], 9999.0f);
}

TEST(EntropyObserver, ClipsHeavyTailButNotBoundedData) {
  // Laplace data: the threshold falls below the largest magnitude.
  std::mt19937 gen(21);
  std::exponential_distribution<float> expo(1.0f);
  std::vector<float> x(50000);
  float maxAbs = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = expo(gen) * (i % 2 ? 1.0f : -1.0f);
    maxAbs = std::max(maxAbs, std::fabs(x[i]));
  }
  ObserverOptions o = perTensor(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric);
  absl::StatusOr<std::unique_ptr<EntropyObserver>> obs =
      EntropyObserver::create(o, "e");
  ASSERT_TRUE(obs.ok());
  ASSERT_TRUE((*obs)->update(x).ok());
  absl::StatusOr<std::pair<double, double>> t = (*obs)->threshold();
  ASSERT_TRUE(t.ok());
  EXPECT_LT(t->first, 0.9 * maxAbs);
  EXPECT_GT(t->first, 3.0);
  EXPECT_GT(t->second, 0.0);

  // Data bounded away from zero is not collapsed onto one bin.
  std::vector<float> neg(4000);
  std::uniform_real_distribution<float> u(-7.5f, -0.5f);
  for (float &v : neg)
    v = u(gen);
  std::unique_ptr<Observer> e2 = make(ObserverKind::kEntropy, o);
  ASSERT_TRUE(e2->update(neg).ok());
  absl::StatusOr<ObserverQParams> q = e2->computeQParams();
  ASSERT_TRUE(q.ok());
  EXPECT_LT(q->minVals[0], -6.0f);
}

TEST(EntropyObserver, AllZeroInput) {
  std::unique_ptr<Observer> obs = make(ObserverKind::kEntropy, perTensor());
  ASSERT_TRUE(obs->update(std::vector<float>(64, 0.0f)).ok());
  absl::StatusOr<ObserverQParams> q = obs->computeQParams();
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->scales[0], std::numeric_limits<float>::epsilon());
  EXPECT_EQ(q->zeroPoints[0], 0);
}

//===----------------------------------------------------------------------===//
// Realistic activations: entropy on signed affine data, mse
//===----------------------------------------------------------------------===//

/// Box-Muller normal samples from a fixed LCG: the same values with every
/// standard library (std::normal_distribution is implementation-defined).
std::vector<double> portableNormal(size_t n, uint64_t seed) {
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto uniform = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (static_cast<double>(state >> 11) + 0.5) * 0x1.0p-53;
  };
  std::vector<double> v(n);
  for (size_t i = 0; i < n; i += 2) {
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double a = 2.0 * M_PI * uniform();
    v[i] = r * std::cos(a);
    if (i + 1 < n)
      v[i + 1] = r * std::sin(a);
  }
  return v;
}

/// GELU (tanh form) of N(0, 1) pre-activations: a transformer FFN's hidden
/// activation, in [-0.17, ~5], most of the mass below 1.
std::vector<float> geluActivations(size_t n, uint64_t seed) {
  std::vector<float> out;
  for (double z : portableNormal(n, seed))
    out.push_back(static_cast<float>(
        0.5 * z * (1.0 + std::tanh(0.7978845608 * (z + 0.044715 * z * z * z)))));
  return out;
}

/// Hardswish of conv outputs N(0.3, 1.2^2): values in [-0.375, ~6].
std::vector<float> hardswishActivations(size_t n, uint64_t seed) {
  std::vector<float> out;
  for (double z : portableNormal(n, seed)) {
    const double x = 0.3 + 1.2 * z;
    out.push_back(static_cast<float>(x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0));
  }
  return out;
}

/// SQNR (dB) of x after quantize-dequantize with the observer's qparams.
double sqnrWith(const Observer &obs, const std::vector<float> &x) {
  absl::StatusOr<ObserverQParams> q = obs.computeQParams();
  EXPECT_TRUE(q.ok()) << q.status();
  if (!q.ok())
    return 0.0;
  absl::StatusOr<QuantRange> r = calculateQuantRange(obs.options().qparams);
  EXPECT_TRUE(r.ok());
  const double s = q->scales[0];
  const int64_t zp = q->zeroPoints[0];
  double signal = 0.0, noise = 0.0;
  for (float v : x) {
    const double qv = std::clamp<double>(std::nearbyint(v / s) + zp,
                                         static_cast<double>(r->qmin),
                                         static_cast<double>(r->qmax));
    const double d = (qv - zp) * s;
    signal += double(v) * v;
    noise += (v - d) * (v - d);
  }
  return 10.0 * std::log10(signal / noise);
}

double sqnrOf(ObserverKind kind, const ObserverOptions &o,
              const std::vector<float> &x) {
  std::unique_ptr<Observer> obs = make(kind, o);
  EXPECT_TRUE(obs->update(x).ok());
  return sqnrWith(*obs, x);
}

TEST(EntropyObserver, SignedAffineActivationsKeepTheirPositiveRange) {
  // The failure this guards against: one |x| histogram for both signs with
  // half the levels (128 for u8) chose a threshold for the negative bulk
  // near zero and clipped the positive side of u8-affine GELU outputs at
  // 3.2 (of 5.6): 34 dB, 5 dB below plain min/max. Searching each side on
  // its own histogram with its share of the levels keeps the tail.
  const std::vector<float> gelu = geluActivations(200000, 7);
  const ObserverOptions u8 = perTensor();
  absl::StatusOr<std::unique_ptr<EntropyObserver>> e =
      EntropyObserver::create(u8, "ffn.gelu");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE((*e)->update(gelu).ok());
  EXPECT_TRUE((*e)->searchesSidesSeparately());
  absl::StatusOr<std::pair<float, float>> r = (*e)->clipRange();
  ASSERT_TRUE(r.ok());
  const float maxVal = *std::max_element(gelu.begin(), gelu.end());
  EXPECT_GT(r->second, 0.7f * maxVal);
  EXPECT_LE(r->second, maxVal);
  const double entropy = sqnrWith(**e, gelu);
  const double minmax = sqnrOf(ObserverKind::kMinMax, u8, gelu);
  EXPECT_GT(entropy, 38.0);
  EXPECT_GT(entropy, minmax - 1.0) << "minmax " << minmax;

  const std::vector<float> hs = hardswishActivations(200000, 8);
  const double hsEntropy = sqnrOf(ObserverKind::kEntropy, u8, hs);
  const double hsMinmax = sqnrOf(ObserverKind::kMinMax, u8, hs);
  EXPECT_GT(hsEntropy, 41.0);
  EXPECT_GT(hsEntropy, hsMinmax - 1.0) << "minmax " << hsMinmax;
}

TEST(EntropyObserver, ExactZerosOfReluDoNotPullTheRangeIn) {
  // ReLU of N(0, 1): half the values are exactly 0. Counted in bin 0 they
  // dominated P, and only candidates whose first group was bin 0 alone
  // scored well: the range fell to ~1/3 of the data (MNIST lost 0.8 points,
  // its output SQNR fell to 7 dB). Zeros are exact in every range, so they
  // are left out of the search.
  std::vector<float> relu;
  for (double z : portableNormal(100000, 21))
    relu.push_back(static_cast<float>(std::max(z, 0.0)));
  const ObserverOptions u8 = perTensor();
  absl::StatusOr<std::unique_ptr<EntropyObserver>> e =
      EntropyObserver::create(u8, "relu");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE((*e)->update(relu).ok());
  EXPECT_EQ((*e)->magnitudes().exactZeros(),
            static_cast<double>(std::count(relu.begin(), relu.end(), 0.0f)));
  absl::StatusOr<std::pair<float, float>> r = (*e)->clipRange();
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->second, 0.6f * (*e)->maxVal());
  EXPECT_GT(sqnrWith(**e, relu), sqnrOf(ObserverKind::kMinMax, u8, relu) - 1.0);
  // Zeros still count when merging.
  std::unique_ptr<Observer> a = make(ObserverKind::kEntropy, u8);
  std::unique_ptr<Observer> b = make(ObserverKind::kEntropy, u8);
  ASSERT_TRUE(a->update(std::vector<float>(10, 0.0f)).ok());
  ASSERT_TRUE(b->update(absl::MakeConstSpan(relu)).ok());
  ASSERT_TRUE(a->merge(*b).ok());
  EXPECT_EQ(static_cast<const EntropyObserver &>(*a).magnitudes().exactZeros(),
            (*e)->magnitudes().exactZeros() + 10.0);
}

TEST(EntropyObserver, SymmetricSchemeStillUsesOneThreshold) {
  const std::vector<float> gelu = geluActivations(50000, 9);
  absl::StatusOr<std::unique_ptr<EntropyObserver>> e = EntropyObserver::create(
      perTensor(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric), "s");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE((*e)->update(gelu).ok());
  EXPECT_FALSE((*e)->searchesSidesSeparately());
  absl::StatusOr<std::pair<double, double>> t = (*e)->threshold();
  absl::StatusOr<std::pair<float, float>> r = (*e)->clipRange();
  ASSERT_TRUE(t.ok() && r.ok());
  EXPECT_EQ(r->second, std::min<float>(static_cast<float>(t->first),
                                       (*e)->maxVal()));
}

TEST(EntropyObserver, LogitsWithSparseWinnersKeepEveryArgmax) {
  // CTC-style logits: 66 classes, every row's winner (the blank, or a
  // character) far above a compact negative bulk; the winners are 1.5% of
  // the values. Clipping them would make winners equal and argmax constant.
  const size_t rows = 512, classes = 66;
  std::vector<double> z = portableNormal(rows * classes + 2 * rows, 11);
  std::vector<float> logits(rows * classes);
  for (size_t i = 0; i < rows * classes; ++i)
    logits[i] = static_cast<float>(-2.0 + 0.7 * z[i]);
  for (size_t r = 0; r < rows; ++r) {
    const double a = z[rows * classes + 2 * r], b = z[rows * classes + 2 * r + 1];
    const size_t cls = r % 3 ? 0 : 1 + r % (classes - 1);
    logits[r * classes + cls] = static_cast<float>((cls ? 5.0 : 8.0) + 1.2 * a);
    (void)b;
  }
  for (ObserverKind kind : {ObserverKind::kEntropy, ObserverKind::kMse,
                            ObserverKind::kPercentile}) {
    std::unique_ptr<Observer> obs = make(kind, perTensor());
    ASSERT_TRUE(obs->update(logits).ok());
    absl::StatusOr<ObserverQParams> q = obs->computeQParams();
    ASSERT_TRUE(q.ok());
    const double s = q->scales[0];
    const int64_t zp = q->zeroPoints[0];
    size_t agree = 0;
    for (size_t r = 0; r < rows; ++r) {
      size_t bestF = 0, bestQ = 0;
      int64_t bestQv = -1;
      for (size_t c = 0; c < classes; ++c) {
        const float v = logits[r * classes + c];
        const int64_t qv = std::clamp<int64_t>(
            static_cast<int64_t>(std::nearbyint(v / s)) + zp, 0, 255);
        if (v > logits[r * classes + bestF])
          bestF = c;
        if (qv > bestQv) {
          bestQv = qv;
          bestQ = c;
        }
      }
      agree += bestF == bestQ;
    }
    EXPECT_GE(agree, rows * 99 / 100) << toString(kind);
  }
}

TEST(MseObserver, BestSqnrOfAllObserversOnHeavyTailsAndBoundedData) {
  // Hardswish of a normal scale mixture (1% of the conv outputs 8x wider):
  // rare large values. SQNR = signal / squared error, so the observer with
  // the smallest squared error has the best SQNR: mse must match or beat
  // every other observer (within 0.2 dB for its coarse-to-fine search).
  std::vector<double> z = portableNormal(200000, 12);
  std::vector<double> w = portableNormal(200000, 13);
  std::vector<float> heavy;
  for (size_t i = 0; i < z.size(); ++i) {
    const double x = z[i] * (std::fabs(w[i]) > 2.576 ? 8.0 : 0.8);
    heavy.push_back(static_cast<float>(x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0));
  }
  const ObserverOptions u8 = perTensor();
  const double mse = sqnrOf(ObserverKind::kMse, u8, heavy);
  for (ObserverKind other :
       {ObserverKind::kMinMax, ObserverKind::kHistogram,
        ObserverKind::kEntropy, ObserverKind::kPercentile}) {
    const double s = sqnrOf(other, u8, heavy);
    EXPECT_GT(mse, s - 0.2) << toString(other) << " " << s;
  }
  EXPECT_GT(mse, sqnrOf(ObserverKind::kMinMax, u8, heavy) + 0.5);

  // Bounded, dense data: nothing to clip; mse stays within 0.3 dB of
  // min/max (which is optimal up to rounding there).
  const std::vector<float> hs = hardswishActivations(100000, 14);
  EXPECT_GT(sqnrOf(ObserverKind::kMse, u8, hs),
            sqnrOf(ObserverKind::kMinMax, u8, hs) - 0.3);
  // Symmetric s8 on GELU outputs.
  const ObserverOptions s8 =
      perTensor(QuantDtype::kQInt8, QScheme::kPerTensorSymmetric);
  const std::vector<float> gelu = geluActivations(100000, 15);
  EXPECT_GT(sqnrOf(ObserverKind::kMse, s8, gelu),
            sqnrOf(ObserverKind::kMinMax, s8, gelu) - 0.3);
}

TEST(MseObserver, SearchedRangeMinimisesTheModelledError) {
  const std::vector<float> gelu = geluActivations(50000, 16);
  absl::StatusOr<std::unique_ptr<MseObserver>> m =
      MseObserver::create(perTensor(), "m");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE((*m)->update(gelu).ok());
  absl::StatusOr<std::pair<float, float>> r = (*m)->searchRange();
  ASSERT_TRUE(r.ok());
  const double best = (*m)->quantizationError(r->first, r->second);
  EXPECT_LE(best, (*m)->quantizationError((*m)->minVal(), (*m)->maxVal()));
  // Moving either bound by 5% makes it worse (the search is finer).
  EXPECT_LT(best, (*m)->quantizationError(r->first, r->second * 0.95f));
  EXPECT_LT(best, (*m)->quantizationError(r->first, r->second * 1.05f));
  // The modelled error is the data's actual squared error, within 10%.
  absl::StatusOr<ObserverQParams> q = (*m)->computeQParams();
  ASSERT_TRUE(q.ok());
  double actual = 0.0;
  for (float v : gelu) {
    const double qv = std::clamp<double>(
        std::nearbyint(v / q->scales[0]) + q->zeroPoints[0], 0.0, 255.0);
    const double d = (qv - q->zeroPoints[0]) * q->scales[0];
    actual += (v - d) * (v - d);
  }
  EXPECT_NEAR(best / actual, 1.0, 0.1);
}

TEST(MseObserver, EdgeCasesAndMerge) {
  // Only zeros, a constant, one-signed data.
  std::unique_ptr<Observer> zeros = make(ObserverKind::kMse, perTensor());
  ASSERT_TRUE(zeros->update(std::vector<float>(16, 0.0f)).ok());
  ASSERT_TRUE(zeros->computeQParams().ok());
  std::unique_ptr<Observer> constant = make(ObserverKind::kMse, perTensor());
  ASSERT_TRUE(constant->update(std::vector<float>(16, 3.0f)).ok());
  absl::StatusOr<ObserverQParams> c = constant->computeQParams();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->maxVals[0], 3.0f);
  std::unique_ptr<Observer> before = make(ObserverKind::kMse, perTensor());
  EXPECT_FALSE(before->computeQParams().ok());
  // Merging two halves equals observing everything.
  const std::vector<float> x = hardswishActivations(20000, 17);
  std::unique_ptr<Observer> all = make(ObserverKind::kMse, perTensor());
  std::unique_ptr<Observer> a = make(ObserverKind::kMse, perTensor());
  std::unique_ptr<Observer> b = make(ObserverKind::kMse, perTensor());
  ASSERT_TRUE(all->update(x).ok());
  ASSERT_TRUE(a->update(absl::MakeConstSpan(x).subspan(0, 7000)).ok());
  ASSERT_TRUE(b->update(absl::MakeConstSpan(x).subspan(7000)).ok());
  ASSERT_TRUE(a->merge(*b).ok());
  absl::StatusOr<ObserverQParams> qa = a->computeQParams(),
                                  qall = all->computeQParams();
  ASSERT_TRUE(qa.ok() && qall.ok());
  EXPECT_EQ(qa->scales[0], qall->scales[0]);
  EXPECT_EQ(qa->zeroPoints[0], qall->zeroPoints[0]);
  // Names and options.
  EXPECT_EQ(parseObserverKind("mse").value(), ObserverKind::kMse);
  ObserverOptions bad = perTensor();
  bad.bins = 0;
  EXPECT_FALSE(MseObserver::create(bad).ok());
}

TEST(ObserverDescribe, MentionsKindNameAndRange) {
  std::unique_ptr<Observer> obs =
      make(ObserverKind::kHistogram, perTensor(), "fc1.out");
  EXPECT_NE(obs->describe().find("no data"), std::string::npos);
  ASSERT_TRUE(obs->update({-1.0f, 2.0f}).ok());
  std::string d = obs->describe();
  EXPECT_NE(d.find("histogram observer 'fc1.out'"), std::string::npos) << d;
  EXPECT_NE(d.find("1 updates, 2 values"), std::string::npos) << d;
  EXPECT_NE(d.find("2048 bins"), std::string::npos) << d;
}

TEST(TorchNumerics, HistcEdgesAndFallbacks) {
  // The right edge belongs to the last bin; values outside are dropped.
  std::vector<float> h =
      torch_numerics::histc({0.0f, 0.5f, 1.0f, 1.5f, -0.1f}, 4, 0.0, 1.0);
  EXPECT_EQ(h, (std::vector<float>{1, 0, 1, 1}));
  // min == max: the data's own range is used, then widened by 1 if flat.
  h = torch_numerics::histc({2.0f, 4.0f}, 2, 0.0, 0.0);
  EXPECT_EQ(h, (std::vector<float>{1, 1}));
  h = torch_numerics::histc({3.0f, 3.0f}, 2, 0.0, 0.0);
  EXPECT_EQ(h, (std::vector<float>{0, 2}));
}

TEST(TorchNumerics, CumsumRoundsDoublePrefixes) {
  // 2^24 + 1 is not a float; the double prefix is rounded when stored.
  std::vector<float> c = torch_numerics::cumsumFloat({16777216.0f, 1.0f, 1.0f});
  EXPECT_EQ(c, (std::vector<float>{16777216.0f, 16777216.0f, 16777218.0f}));
}

} // namespace
} // namespace qc
