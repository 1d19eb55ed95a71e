//===- TestUtil.h - Golden-file helpers for the kernel tests ----*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// Each golden case is data/<name>.npz written by gen_golden.py: inputs,
// attributes and the expected output. GoldenCase loads one and hands out
// its arrays as kernel inputs; expectClose compares float tensors.
//
//===----------------------------------------------------------------------===//

#ifndef QC_TEST_UNIT_EXECUTOR_TESTUTIL_H
#define QC_TEST_UNIT_EXECUTOR_TESTUTIL_H

#include "reference/Kernels.h"
#include "support/Npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

namespace qc::test {

using ref::QTensor;
using ref::Tensor;

/// One golden case. On a missing file or key the test fails (the accessors
/// then return empty values).
class GoldenCase {
public:
  explicit GoldenCase(const std::string &name) : name(name) {
    std::string path = std::string(QC_KERNEL_TEST_DATA_DIR) + "/" + name + ".npz";
    absl::StatusOr<std::map<std::string, NpyArray>> npz = readNpz(path);
    if (!npz.ok()) {
      ADD_FAILURE() << npz.status();
      return;
    }
    arrays = std::move(*npz);
  }

  bool has(const std::string &key) const { return arrays.count(key) != 0; }

  Tensor tensor(const std::string &key) const {
    const NpyArray *a = find(key);
    if (!a)
      return Tensor();
    absl::StatusOr<Tensor> t = toFloatArray(*a, key);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : Tensor();
  }

  QTensor qtensor(const std::string &key) const {
    xt::xarray<int64_t> v = int64s(key);
    QTensor q = QTensor::from_shape(v.shape());
    for (size_t i = 0; i < v.size(); ++i)
      q.data()[i] = static_cast<int32_t>(v.data()[i]);
    return q;
  }

  std::vector<int64_t> ints(const std::string &key) const {
    xt::xarray<int64_t> v = int64s(key);
    return std::vector<int64_t>(v.begin(), v.end());
  }

  template <size_t N>
  std::array<int64_t, N> intArray(const std::string &key) const {
    std::vector<int64_t> v = ints(key);
    std::array<int64_t, N> out{};
    EXPECT_EQ(v.size(), N) << name << ": " << key;
    for (size_t i = 0; i < N && i < v.size(); ++i)
      out[i] = v[i];
    return out;
  }

  int64_t integer(const std::string &key) const {
    std::vector<int64_t> v = ints(key);
    EXPECT_EQ(v.size(), 1u) << name << ": " << key;
    return v.empty() ? 0 : v[0];
  }

  float real(const std::string &key) const {
    Tensor t = tensor(key);
    EXPECT_EQ(t.size(), 1u) << name << ": " << key;
    return t.size() ? t.data()[0] : 0.0f;
  }

  std::vector<float> reals(const std::string &key) const {
    Tensor t = tensor(key);
    return std::vector<float>(t.begin(), t.end());
  }

  const std::string name;

private:
  const NpyArray *find(const std::string &key) const {
    auto it = arrays.find(key);
    if (it == arrays.end()) {
      ADD_FAILURE() << name << ".npz has no array '" << key << "'";
      return nullptr;
    }
    return &it->second;
  }

  xt::xarray<int64_t> int64s(const std::string &key) const {
    const NpyArray *a = find(key);
    if (!a)
      return xt::xarray<int64_t>();
    absl::StatusOr<xt::xarray<int64_t>> v = toInt64Array(*a, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : xt::xarray<int64_t>();
  }

  std::map<std::string, NpyArray> arrays;
};

inline std::string shapeString(const Tensor &t) {
  return shapeToString(ref::shapeOf(t));
}

/// |actual - expected| <= atol + rtol * |expected| everywhere (NaNs must
/// match), with the same shape. Reports the worst element.
inline ::testing::AssertionResult expectClose(const Tensor &actual,
                                              const Tensor &expected,
                                              double rtol, double atol) {
  if (ref::shapeOf(actual) != ref::shapeOf(expected))
    return ::testing::AssertionFailure()
           << "shape " << shapeString(actual) << " != expected "
           << shapeString(expected);
  size_t bad = 0, worst = 0;
  double worstExcess = -1;
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = actual.data()[i], e = expected.data()[i];
    if (std::isnan(a) && std::isnan(e))
      continue;
    double excess = std::fabs(a - e) - (atol + rtol * std::fabs(e));
    if (std::isnan(a) != std::isnan(e) || excess > 0) {
      ++bad;
      if (std::isnan(a) || excess > worstExcess) {
        worstExcess = std::isnan(a) ? INFINITY : excess;
        worst = i;
      }
    }
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << actual.size() << " elements differ; worst at flat "
         << "index " << worst << ": got " << actual.data()[worst]
         << ", expected " << expected.data()[worst] << " (rtol " << rtol
         << ", atol " << atol << ")";
}

/// Exact equality of quantized tensors, reporting the first difference.
inline ::testing::AssertionResult expectEqualQ(const QTensor &actual,
                                               const QTensor &expected) {
  if (ref::shapeOf(actual) != ref::shapeOf(expected))
    return ::testing::AssertionFailure()
           << "shape " << shapeToString(ref::shapeOf(actual)) << " != expected "
           << shapeToString(ref::shapeOf(expected));
  for (size_t i = 0; i < actual.size(); ++i)
    if (actual.data()[i] != expected.data()[i])
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << actual.data()[i]
             << ", expected " << expected.data()[i];
  return ::testing::AssertionSuccess();
}

/// The message of a failed StatusOr (the test fails if it succeeded).
template <typename T>
std::string errorOf(const absl::StatusOr<T> &result) {
  EXPECT_FALSE(result.ok()) << "expected an error";
  if (!result.ok()) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << result.status();
  }
  return std::string(result.status().message());
}

/// A tensor of \p shape filled with a deterministic pseudo-random pattern in
/// [-1, 1).
inline Tensor patternTensor(const std::vector<size_t> &shape, uint32_t seed) {
  Tensor t = Tensor::from_shape(shape);
  uint32_t s = seed * 2654435761u + 12345u;
  for (float &v : t) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return t;
}

} // namespace qc::test

#endif // QC_TEST_UNIT_EXECUTOR_TESTUTIL_H
