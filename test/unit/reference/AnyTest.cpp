//===- AnyTest.cpp - kernels of any element type (KernelsAny.h) -----------===//
//
// Hand-computed cases: ONNX's integer semantics (truncating division,
// Python / C modulo, wrapping, shifts, pow), comparisons with NaN,
// broadcasting, select, gather / gather_elements with negative and
// out-of-range indices, trilu, and nll_loss reductions with ignore_index.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsAny.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace qc::test {
namespace {

using ::testing::HasSubstr;
using ref::F64Tensor;
using ref::I64Tensor;
using ref::QTensor;

template <typename T>
xt::xarray<T> t(std::vector<size_t> shape, std::vector<T> values) {
  xt::xarray<T> a = xt::xarray<T>::from_shape(shape);
  std::copy(values.begin(), values.end(), a.data());
  return a;
}

template <typename T> std::vector<T> values(const xt::xarray<T> &a) {
  return std::vector<T>(a.data(), a.data() + a.size());
}

TEST(Arith, IntegerDivisionTruncatesAndModuloFollowsTheDivisorOrDividend) {
  I64Tensor a = t<int64_t>({4}, {7, -7, 7, -7});
  I64Tensor b = t<int64_t>({4}, {2, 2, -2, -2});
  auto div = ref::arith(a, b, ref::ArithKind::Div, 32);
  ASSERT_TRUE(div.ok()) << div.status();
  EXPECT_EQ(values(*div), (std::vector<int64_t>{3, -3, -3, 3}));
  auto mod = ref::arith(a, b, ref::ArithKind::Mod, 32);
  ASSERT_TRUE(mod.ok()) << mod.status();
  EXPECT_EQ(values(*mod), (std::vector<int64_t>{1, 1, -1, -1}));
  auto fmod = ref::arith(a, b, ref::ArithKind::Fmod, 32);
  ASSERT_TRUE(fmod.ok()) << fmod.status();
  EXPECT_EQ(values(*fmod), (std::vector<int64_t>{1, -1, 1, -1}));
}

TEST(Arith, ZeroDivisorAndNegativeExponentAreErrors) {
  I64Tensor a = t<int64_t>({2}, {5, 6});
  I64Tensor b = t<int64_t>({2}, {1, 0});
  auto div = ref::arith(a, b, ref::ArithKind::Div, 64);
  ASSERT_FALSE(div.ok());
  EXPECT_THAT(std::string(div.status().message()),
              HasSubstr("integer division of 6 by zero"));
  auto pow = ref::arith(a, t<int64_t>({1}, {-1}), ref::ArithKind::Pow, 64);
  ASSERT_FALSE(pow.ok());
  EXPECT_THAT(std::string(pow.status().message()),
              HasSubstr("negative exponent"));
}

TEST(Arith, WrapsModulo2To64AndBroadcasts) {
  int64_t max = std::numeric_limits<int64_t>::max();
  int64_t min = std::numeric_limits<int64_t>::min();
  I64Tensor a = t<int64_t>({2, 1}, {max, min});
  I64Tensor b = t<int64_t>({2}, {1, -1});
  auto add = ref::arith(a, b, ref::ArithKind::Add, 64);
  ASSERT_TRUE(add.ok()) << add.status();
  EXPECT_EQ(values(*add), (std::vector<int64_t>{min, max - 1, min + 1, max}));
  // INT64_MIN / -1 wraps to INT64_MIN, as 2^63 does in int64.
  auto div = ref::arith(t<int64_t>({1}, {min}), t<int64_t>({1}, {-1}),
                        ref::ArithKind::Div, 64);
  ASSERT_TRUE(div.ok()) << div.status();
  EXPECT_EQ(values(*div), (std::vector<int64_t>{min}));
  auto pow = ref::arith(t<int64_t>({2}, {3, 2}), t<int64_t>({2}, {4, 64}),
                        ref::ArithKind::Pow, 64);
  ASSERT_TRUE(pow.ok()) << pow.status();
  EXPECT_EQ(values(*pow), (std::vector<int64_t>{81, 0}));
}

TEST(Arith, ShiftsWithinTheWidth) {
  I64Tensor a = t<int64_t>({4}, {16, 4, 1, 255});
  I64Tensor s = t<int64_t>({4}, {1, 2, 8, 4});
  auto shl = ref::arith(a, s, ref::ArithKind::Shl, 8);
  ASSERT_TRUE(shl.ok()) << shl.status();
  EXPECT_EQ(values(*shl), (std::vector<int64_t>{32, 16, 0, 240}));
  auto shr = ref::arith(a, s, ref::ArithKind::Shr, 8);
  ASSERT_TRUE(shr.ok()) << shr.status();
  EXPECT_EQ(values(*shr), (std::vector<int64_t>{8, 1, 0, 15}));
}

TEST(Arith, FloatModuloAndNaNPropagation) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  F64Tensor a = t<double>({3}, {-4.5, 4.5, 1.0});
  F64Tensor b = t<double>({3}, {2.0, -2.0, nan});
  auto m = ref::arith(a, b, ref::ArithKind::Mod);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)(0), 1.5);
  EXPECT_EQ((*m)(1), -1.5);
  EXPECT_TRUE(std::isnan((*m)(2)));
  auto f = ref::arith(a, b, ref::ArithKind::Fmod);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)(0), -0.5);
  EXPECT_EQ((*f)(1), 0.5);
  auto mx = ref::arith(a, b, ref::ArithKind::Max);
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_EQ((*mx)(0), 2.0);
  EXPECT_TRUE(std::isnan((*mx)(2)));
  EXPECT_FALSE(ref::arith(a, b, ref::ArithKind::Shl).ok());
}

TEST(Compare, BroadcastsAndNaNIsFalse) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  F64Tensor a = t<double>({2, 2}, {1, 2, nan, 4});
  F64Tensor b = t<double>({2}, {2, 2});
  auto lt = ref::compare(a, b, ref::CompareKind::Lt);
  ASSERT_TRUE(lt.ok()) << lt.status();
  EXPECT_EQ(values(*lt), (std::vector<int32_t>{1, 0, 0, 0}));
  auto ge = ref::compare(a, b, ref::CompareKind::Ge);
  ASSERT_TRUE(ge.ok()) << ge.status();
  EXPECT_EQ(values(*ge), (std::vector<int32_t>{0, 1, 0, 1}));
  auto bad = ref::compare(a, t<double>({3}, {1, 2, 3}), ref::CompareKind::Eq);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("do not broadcast"));
}

TEST(Logical, AndOrXorNot) {
  QTensor a = t<int32_t>({4}, {0, 0, 1, 1});
  QTensor b = t<int32_t>({4}, {0, 1, 0, 1});
  EXPECT_EQ(values(*ref::logical(a, b, ref::LogicalKind::And)),
            (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_EQ(values(*ref::logical(a, b, ref::LogicalKind::Or)),
            (std::vector<int32_t>{0, 1, 1, 1}));
  EXPECT_EQ(values(*ref::logical(a, b, ref::LogicalKind::Xor)),
            (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(values(ref::logicalNot(a)), (std::vector<int32_t>{1, 1, 0, 0}));
}

TEST(Select, BroadcastsAllThree) {
  QTensor c = t<int32_t>({2, 1}, {1, 0});
  I64Tensor x = t<int64_t>({3}, {1, 2, 3});
  I64Tensor y = t<int64_t>({1}, {-1});
  auto r = ref::select(c, x, y);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->shape()[0], 2u);
  EXPECT_EQ(values(*r), (std::vector<int64_t>{1, 2, 3, -1, -1, -1}));
}

TEST(Gather, NegativeIndicesAndOutOfRange) {
  xt::xarray<float> x = t<float>({3, 2}, {0, 1, 10, 11, 20, 21});
  auto g = ref::gather(x, t<int64_t>({2, 2}, {2, -3, -1, 1}), 0);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(values(*g), (std::vector<float>{20, 21, 0, 1, 20, 21, 10, 11}));
  auto col = ref::gather(x, t<int64_t>({}, {1}), -1);
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_EQ(col->dimension(), 1u);
  EXPECT_EQ(values(*col), (std::vector<float>{1, 11, 21}));
  auto bad = ref::gather(x, t<int64_t>({2}, {0, 3}), 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("index 3 (element 1 of the indices) is out of range "
                        "for axis 0 of size 3"));
}

TEST(GatherElements, AlongAnAxis) {
  I64Tensor x = t<int64_t>({2, 2}, {1, 2, 3, 4});
  auto g = ref::gatherElements(x, t<int64_t>({2, 2}, {0, 0, 1, -2}), 1);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(values(*g), (std::vector<int64_t>{1, 1, 4, 3}));
  auto rows = ref::gatherElements(x, t<int64_t>({1, 2}, {1, 0}), 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(values(*rows), (std::vector<int64_t>{3, 2}));
  EXPECT_FALSE(ref::gatherElements(x, t<int64_t>({2}, {0, 1}), 0).ok());
}

TEST(Trilu, UpperAndLowerWithK) {
  I64Tensor x = t<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(values(*ref::trilu(x, true, 0)),
            (std::vector<int64_t>{1, 2, 3, 0, 5, 6}));
  EXPECT_EQ(values(*ref::trilu(x, true, 1)),
            (std::vector<int64_t>{0, 2, 3, 0, 0, 6}));
  EXPECT_EQ(values(*ref::trilu(x, false, -1)),
            (std::vector<int64_t>{0, 0, 0, 4, 0, 0}));
  EXPECT_EQ(values(*ref::trilu(x, false, std::numeric_limits<int64_t>::max())),
            values(x));
}

TEST(NllLoss, ReductionsWeightsAndIgnoreIndex) {
  // input (N=2, C=3), target [2, 0]; weight [1, 2, 4].
  xt::xarray<float> in = t<float>({2, 3}, {-1, -2, -3, -4, -5, -6});
  I64Tensor target = t<int64_t>({2}, {2, 0});
  xt::xarray<float> w = t<float>({3}, {1, 2, 4});
  auto none = ref::nllLoss(in, target, &w, "none", std::nullopt);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(values(*none), (std::vector<float>{12, 4}));
  auto mean = ref::nllLoss(in, target, &w, "mean", std::nullopt);
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_FLOAT_EQ((*mean)(), 16.0f / 5.0f);
  // Ignoring class 2: only the second sample counts.
  auto ignored = ref::nllLoss(in, target, &w, "mean", int64_t(2));
  ASSERT_TRUE(ignored.ok()) << ignored.status();
  EXPECT_FLOAT_EQ((*ignored)(), 4.0f);
  auto sum = ref::nllLoss(in, target, nullptr, "sum", std::nullopt);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_FLOAT_EQ((*sum)(), 7.0f);
  auto bad = ref::nllLoss(in, t<int64_t>({2}, {3, 0}), nullptr, "sum",
                          std::nullopt);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("target 3 (element 0) is not a class index in [0, 3)"));
}

} // namespace
} // namespace qc::test
