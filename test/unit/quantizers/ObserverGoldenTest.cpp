//===- ObserverGoldenTest.cpp - Observers against PyTorch 1.13 ------------===//
//
// Part of qc's unit tests. Feeds the batches recorded by
// gen_observer_golden.py to qc's observers and compares with what PyTorch
// 1.13 (or, for percentile / entropy, the numpy reference) produced:
//  - scales, mins and maxes bit for bit (IEEE bit patterns),
//  - zero points exactly,
//  - the histogram observer's histogram, min_val and max_val bit for bit,
//  - the entropy threshold and KL divergence bit for bit.
// No tolerance anywhere: every compared value is required to be identical.
//
//===----------------------------------------------------------------------===//

#include "test/unit/quantizers/GoldenFixtures.h"

#include "quantizers/observers/Observers.h"
#include "quantizers/observers/TorchNumerics.h"

#include <gtest/gtest.h>

#include <set>

#ifndef QC_OBSERVER_GOLDEN_DIR
#error "QC_OBSERVER_GOLDEN_DIR must point at test/unit/quantizers/data"
#endif

namespace qc::test {
namespace {

/// The fixture, loaded once. Holds the load error if any.
const absl::StatusOr<GoldenFile> &golden() {
  static const absl::StatusOr<GoldenFile> *file =
      new absl::StatusOr<GoldenFile>(loadGolden(QC_OBSERVER_GOLDEN_DIR));
  return *file;
}

std::vector<std::string> caseIds() {
  std::vector<std::string> ids;
  if (golden().ok())
    for (const GoldenCase &c : golden()->cases)
      ids.push_back(c.id);
  return ids;
}

const GoldenCase *findCase(const std::string &id) {
  for (const GoldenCase &c : golden()->cases)
    if (c.id == id)
      return &c;
  return nullptr;
}

/// Bit patterns of floats, printed as hex plus value on mismatch.
std::vector<std::string> describeBits(const std::vector<float> &values) {
  std::vector<std::string> out;
  for (float v : values) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%08x(%.9g)", bitsOfFloat(v), v);
    out.push_back(buf);
  }
  return out;
}

std::vector<std::string> describeBits(const std::vector<uint32_t> &bits) {
  std::vector<float> values;
  for (uint32_t b : bits)
    values.push_back(floatFromBits(b));
  return describeBits(values);
}

TEST(ObserverGolden, FixtureLoadsAndCoversEveryKind) {
  ASSERT_TRUE(golden().ok()) << golden().status();
  EXPECT_GE(golden()->cases.size(), 300u);
  std::set<ObserverKind> kinds;
  for (const GoldenCase &c : golden()->cases)
    kinds.insert(c.kind);
  EXPECT_EQ(kinds.size(), 7u) << "every observer kind must have golden cases";
}

TEST(ObserverGolden, CascadeSumMatchesTorchSum) {
  ASSERT_TRUE(golden().ok()) << golden().status();
  ASSERT_GE(golden()->sums.size(), 5u);
  for (const GoldenSum &s : golden()->sums) {
    absl::StatusOr<NpyArray> v = readNpyFloat32(golden()->dir + "/" + s.file);
    ASSERT_TRUE(v.ok()) << v.status();
    const float got = torch_numerics::cascadeSum(v->data);
    EXPECT_EQ(bitsOfFloat(got), s.sumBits)
        << s.file << ": got " << got << " want " << floatFromBits(s.sumBits);
  }
}

TEST(ObserverGolden, FloorDivideMatchesTorch) {
  ASSERT_TRUE(golden().ok()) << golden().status();
  ASSERT_GE(golden()->floorDivs.size(), 16u);
  for (const GoldenFloorDiv &d : golden()->floorDivs) {
    const float a = floatFromBits(d.aBits), b = floatFromBits(d.bBits);
    EXPECT_EQ(bitsOfFloat(torch_numerics::floorDivide(a, b)), d.resultBits)
        << a << " // " << b << " want " << floatFromBits(d.resultBits);
  }
}

class ObserverGoldenCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ObserverGoldenCase, MatchesReference) {
  ASSERT_TRUE(golden().ok()) << golden().status();
  const GoldenCase *c = findCase(GetParam());
  ASSERT_NE(c, nullptr);
  absl::StatusOr<std::unique_ptr<Observer>> obs =
      createObserver(c->kind, c->options, c->id);
  ASSERT_TRUE(obs.ok()) << obs.status();
  const GoldenDataset &ds = golden()->datasets.at(c->dataset);
  ASSERT_FALSE(ds.batches.empty());
  for (const NpyArray &batch : ds.batches)
    ASSERT_TRUE((*obs)->update(batch.data, batch.shape).ok());

  absl::StatusOr<ObserverQParams> q = (*obs)->computeQParams();
  ASSERT_TRUE(q.ok()) << q.status();

  std::vector<uint32_t> scaleBits, minBits, maxBits;
  for (float s : q->scales)
    scaleBits.push_back(bitsOfFloat(s));
  for (float v : q->minVals)
    minBits.push_back(bitsOfFloat(v));
  for (float v : q->maxVals)
    maxBits.push_back(bitsOfFloat(v));
  EXPECT_EQ(scaleBits, c->scaleBits)
      << "scales: got " << ::testing::PrintToString(describeBits(q->scales))
      << " want " << ::testing::PrintToString(describeBits(c->scaleBits));
  EXPECT_EQ(q->zeroPoints, c->zeroPoints);
  // min / max compare as values: PyTorch's aminmax and qc's may pick either
  // zero when both +0 and -0 occur; everything else must match bit for bit.
  ASSERT_EQ(q->minVals.size(), c->minBits.size());
  ASSERT_EQ(q->maxVals.size(), c->maxBits.size());
  for (size_t i = 0; i < c->minBits.size(); ++i) {
    EXPECT_EQ(q->minVals[i], floatFromBits(c->minBits[i])) << "min " << i;
    EXPECT_EQ(q->maxVals[i], floatFromBits(c->maxBits[i])) << "max " << i;
  }
  if (isPerChannelKind(c->kind)) {
    ASSERT_TRUE(q->axis.has_value());
    const int64_t rank =
        static_cast<int64_t>(ds.batches.front().shape.size());
    EXPECT_EQ(*q->axis, c->options.chAxis < 0 ? c->options.chAxis + rank
                                               : c->options.chAxis);
  }

  if (c->kind == ObserverKind::kHistogram) {
    ObserverState st = (*obs)->state();
    ASSERT_TRUE(c->histMinBits && c->histMaxBits);
    EXPECT_EQ(bitsOfFloat(static_cast<float>(st.histogramLow)),
              *c->histMinBits);
    EXPECT_EQ(bitsOfFloat(static_cast<float>(st.histogramHigh)),
              *c->histMaxBits);
    ASSERT_FALSE(c->histogramFile.empty());
    absl::StatusOr<NpyArray> want =
        readNpyFloat32(golden()->dir + "/" + c->histogramFile);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_EQ(st.histogram.size(), want->data.size());
    int64_t mismatches = 0, first = -1;
    for (size_t i = 0; i < want->data.size(); ++i)
      if (bitsOfFloat(static_cast<float>(st.histogram[i])) !=
          bitsOfFloat(want->data[i])) {
        if (first < 0)
          first = static_cast<int64_t>(i);
        ++mismatches;
      }
    EXPECT_EQ(mismatches, 0)
        << "first differing bin " << first << ": got "
        << (first >= 0 ? st.histogram[first] : 0.0) << " want "
        << (first >= 0 ? want->data[first] : 0.0f);
  }

  if (c->kind == ObserverKind::kEntropy) {
    const auto &entropy = static_cast<const EntropyObserver &>(**obs);
    absl::StatusOr<std::pair<double, double>> t = entropy.threshold();
    ASSERT_TRUE(t.ok()) << t.status();
    ASSERT_TRUE(c->thresholdBits && c->klBits);
    EXPECT_EQ(bitsOfDouble(t->first), *c->thresholdBits)
        << "threshold " << t->first << " want "
        << doubleFromBits(*c->thresholdBits);
    EXPECT_EQ(bitsOfDouble(t->second), *c->klBits)
        << "kl " << t->second << " want " << doubleFromBits(*c->klBits);
  }
}

INSTANTIATE_TEST_SUITE_P(
    PyTorch113, ObserverGoldenCase, ::testing::ValuesIn(caseIds()),
    [](const ::testing::TestParamInfo<std::string> &info) {
      return info.param;
    });

} // namespace
} // namespace qc::test
