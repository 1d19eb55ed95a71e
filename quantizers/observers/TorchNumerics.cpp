//===- TorchNumerics.cpp - PyTorch 1.13 CPU kernels, reproduced -----------===//
//
// Part of qc. See TorchNumerics.h. This file is compiled with
// -ffp-contract=off (see CMakeLists.txt) so that no multiply-add is fused:
// ATen's kernels used here do not fuse either.
//
//===----------------------------------------------------------------------===//

#include "quantizers/observers/TorchNumerics.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace qc::torch_numerics {

namespace {

/// c10's CeilLog2 as used by SumKernel.cpp (returns 1 for x <= 2).
int64_t ceilLog2(int64_t x) {
  if (x <= 2)
    return 1;
  uint64_t v = static_cast<uint64_t>(x) - 1;
  int64_t lastSet = 0;
  while (v >>= 1)
    ++lastSet;
  return lastSet + 1;
}

/// A row of `count` items, each item being `width` float lanes stored
/// contiguously (item i occupies values[i * width, (i + 1) * width)).
struct LaneRow {
  const float *data;
  int64_t width;
};

using Lanes = std::vector<float>;

void addItem(Lanes &acc, const LaneRow &row, int64_t item) {
  const float *p = row.data + item * row.width;
  for (int64_t l = 0; l < row.width; ++l)
    acc[l] += p[l];
}

void addLanes(Lanes &acc, const Lanes &other) {
  for (size_t l = 0; l < acc.size(); ++l)
    acc[l] += other[l];
}

/// multi_row_sum<acc, nrows = 4>: sums items (i * 4 + k) for i < size into
/// chain k, with four cascade levels.
std::array<Lanes, 4> multiRowSum(const LaneRow &row, int64_t size) {
  constexpr int64_t kLevels = 4, kRows = 4;
  const int64_t levelPower = std::max<int64_t>(4, ceilLog2(size) / kLevels);
  const int64_t levelStep = int64_t(1) << levelPower;
  const int64_t levelMask = levelStep - 1;
  std::array<std::array<Lanes, kRows>, kLevels> acc;
  for (auto &level : acc)
    for (auto &chain : level)
      chain.assign(row.width, 0.0f);

  int64_t i = 0;
  for (; i + levelStep <= size;) {
    for (int64_t j = 0; j < levelStep; ++j, ++i)
      for (int64_t k = 0; k < kRows; ++k)
        addItem(acc[0][k], row, i * kRows + k);
    for (int64_t j = 1; j < kLevels; ++j) {
      for (int64_t k = 0; k < kRows; ++k) {
        addLanes(acc[j][k], acc[j - 1][k]);
        std::fill(acc[j - 1][k].begin(), acc[j - 1][k].end(), 0.0f);
      }
      const int64_t mask = levelMask << (j * levelPower);
      if ((i & mask) != 0)
        break;
    }
  }
  for (; i < size; ++i)
    for (int64_t k = 0; k < kRows; ++k)
      addItem(acc[0][k], row, i * kRows + k);
  for (int64_t j = 1; j < kLevels; ++j)
    for (int64_t k = 0; k < kRows; ++k)
      addLanes(acc[0][k], acc[j][k]);
  return acc[0];
}

/// row_sum with ilp_factor 4 over `size` items.
Lanes rowSum(const LaneRow &row, int64_t size) {
  constexpr int64_t kIlp = 4;
  const int64_t sizeIlp = size / kIlp;
  std::array<Lanes, 4> partial = multiRowSum(row, sizeIlp);
  for (int64_t i = sizeIlp * kIlp; i < size; ++i)
    addItem(partial[0], row, i);
  for (int64_t k = 1; k < kIlp; ++k)
    addLanes(partial[0], partial[k]);
  return partial[0];
}

} // namespace

float cascadeSum(absl::Span<const float> values, int64_t vectorWidth) {
  const int64_t n = static_cast<int64_t>(values.size());
  if (vectorWidth < 1)
    vectorWidth = 1;
  float finalAcc = 0.0f;
  if (n >= vectorWidth) {
    // vectorized_inner_sum: row_sum over whole vectors, then the scalar tail,
    // then the lanes of the vector accumulator in order.
    const int64_t vecCount = n / vectorWidth;
    Lanes lanes = rowSum(LaneRow{values.data(), vectorWidth}, vecCount);
    for (int64_t k = vecCount * vectorWidth; k < n; ++k)
      finalAcc += values[k];
    for (float lane : lanes)
      finalAcc += lane;
  } else {
    // scalar_inner_sum.
    finalAcc = rowSum(LaneRow{values.data(), 1}, n)[0];
  }
  // CastStoreAccumulate adds into the zero-filled output.
  float out = 0.0f;
  out += finalAcc;
  return out;
}

std::vector<float> cumsumFloat(absl::Span<const float> values) {
  std::vector<float> out(values.size());
  double acc = 0.0;
  for (size_t i = 0; i < values.size(); ++i) {
    acc += static_cast<double>(values[i]);
    out[i] = static_cast<float>(acc);
  }
  return out;
}

float floorDivide(float a, float b) {
  if (b == 0.0f)
    return a / b;
  float mod = std::fmod(a, b);
  float div = (a - mod) / b;
  if ((mod != 0.0f) && ((b < 0.0f) != (mod < 0.0f)))
    div -= 1.0f;
  float floordiv;
  if (div != 0.0f) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5f)
      floordiv += 1.0f;
  } else {
    floordiv = std::copysign(0.0f, a / b);
  }
  return floordiv;
}

std::vector<float> histc(absl::Span<const float> x, int64_t bins, double lo,
                         double hi) {
  std::vector<float> hist(static_cast<size_t>(std::max<int64_t>(bins, 0)),
                          0.0f);
  if (bins < 1)
    return hist;
  // histc_select_outer_bin_edges.
  if (lo == hi && !x.empty()) {
    auto [mn, mx] = aminmax(x);
    lo = mn;
    hi = mx;
  }
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  // linspace(lo, hi, bins + 1) in float32: its first and last elements are
  // exactly the float-converted ends.
  const float left = static_cast<float>(lo);
  const float right = static_cast<float>(hi);
  const float binCount = static_cast<float>(bins);
  for (float elt : x) {
    if (!(elt >= left && elt <= right))
      continue;
    const float scaled = (elt - left) * binCount / (right - left);
    // A range wider than FLT_MAX makes `scaled` NaN or Inf; ATen would then
    // index out of bounds. Clamp instead of converting a non-finite float.
    int64_t pos;
    if (!(scaled >= 0.0f))
      pos = 0;
    else if (scaled >= binCount)
      pos = bins - 1;
    else
      pos = static_cast<int64_t>(scaled);
    hist[static_cast<size_t>(pos)] += 1.0f;
  }
  return hist;
}

std::pair<float, float> aminmax(absl::Span<const float> x) {
  float mn = x.empty() ? 0.0f : x[0], mx = mn;
  for (float v : x) {
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  return {mn, mx};
}

} // namespace qc::torch_numerics
