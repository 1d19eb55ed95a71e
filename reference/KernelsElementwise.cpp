//===- KernelsElementwise.cpp - Activations, arithmetic, normalization ----===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsUtil.h"
#include "support/Math.h"
#include "support/SoftmaxExp.h"

#include "absl/base/casts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>

namespace qc::ref {

using detail::invalid;

namespace {

/// support/Math.h's operations on C++ doubles (this file is built with
/// -ffp-contract=off: every product and sum is rounded on its own, as in
/// compiled code).
struct ScalarMathOps {
  using R = double;
  using I = int64_t;
  R c(double v) { return v; }
  I ci(int64_t v) { return v; }
  R add(R x, R y) { return x + y; }
  R sub(R x, R y) { return x - y; }
  R mul(R x, R y) { return x * y; }
  R div(R x, R y) { return x / y; }
  R neg(R x) { return -x; }
  bool lt(R x, R y) { return x < y; }
  bool isNan(R x) { return x != x; }
  R select(bool c, R x, R y) { return c ? x : y; }
  R roundEven(R x) { return std::nearbyint(x); } // the default rounding mode
  I toInt(R x) { return static_cast<int64_t>(x); }
  I iadd(I x, I y) { return x + y; }
  I isub(I x, I y) { return x - y; }
  I ashr(I x, int64_t n) { return x >> n; } // arithmetic (C++20, and clang)
  I shl(I x, int64_t n) {
    return static_cast<int64_t>(static_cast<uint64_t>(x) << n);
  }
  R bitsToReal(I x) { return absl::bit_cast<double>(x); }
  I realToBits(R x) { return absl::bit_cast<int64_t>(x); }
  R toReal(I x) { return static_cast<double>(x); }
};

template <typename Fn>
Tensor unary(const Tensor &x, Fn fn) {
  Tensor out = Tensor::from_shape(x.shape());
  const float *__restrict in = x.data();
  float *__restrict o = out.data();
  size_t n = x.size();
  for (size_t i = 0; i < n; ++i)
    o[i] = fn(in[i]);
  return out;
}

template <typename Fn>
absl::StatusOr<Tensor> binary(const Tensor &a, const Tensor &b,
                              std::string_view op, Fn fn) {
  Shape sa = shapeOf(a), sb = shapeOf(b);
  absl::StatusOr<Shape> outShape = broadcastShapes(sa, sb);
  if (!outShape.ok())
    return invalid(op, toStd(outShape.status().message()));
  if (absl::Status s = detail::reserveResult(op, *outShape); !s.ok())
    return s;
  Tensor out = detail::uninitialized(*outShape);
  const float *pa = a.data(), *pb = b.data();
  float *o = out.data();
  if (sa == sb) {
    for (size_t i = 0; i < out.size(); ++i)
      o[i] = fn(pa[i], pb[i]);
    return out;
  }
  std::array<std::vector<int64_t>, 3> strides = {
      detail::rowMajorStrides(*outShape),
      detail::broadcastStrides(sa, *outShape),
      detail::broadcastStrides(sb, *outShape)};
  int64_t sA = outShape->empty() ? 0 : strides[1].back();
  int64_t sB = outShape->empty() ? 0 : strides[2].back();
  detail::forEachRow<3>(*outShape, strides,
                        [&](const std::array<int64_t, 3> &off, int64_t count) {
                          float *__restrict dst = o + off[0];
                          const float *ra = pa + off[1], *rb = pb + off[2];
                          if (sA == 1 && sB == 1) {
                            for (int64_t j = 0; j < count; ++j)
                              dst[j] = fn(ra[j], rb[j]);
                          } else if (sA == 1) {
                            float vb = rb[0];
                            for (int64_t j = 0; j < count; ++j)
                              dst[j] = fn(ra[j], vb);
                          } else if (sB == 1) {
                            float va = ra[0];
                            for (int64_t j = 0; j < count; ++j)
                              dst[j] = fn(va, rb[j]);
                          } else {
                            for (int64_t j = 0; j < count; ++j)
                              dst[j] = fn(ra[j * sA], rb[j * sB]);
                          }
                        });
  return out;
}

} // namespace

Tensor relu(const Tensor &x) {
  // std::max(v, 0.0f), as ONNX Runtime and PyTorch: NaN and -0 pass through.
  return unary(x, [](float v) { return v < 0.0f ? 0.0f : v; });
}

Tensor clamp(const Tensor &x, float lo, float hi) {
  return unary(x, [=](float v) { return std::min(std::max(v, lo), hi); });
}

Tensor hardswish(const Tensor &x) {
  return unary(x, [](float v) {
    return v * std::max(0.0f, std::min(1.0f, v / 6.0f + 0.5f));
  });
}

Tensor hardsigmoid(const Tensor &x, float alpha, float beta) {
  return unary(x, [=](float v) {
    float t = alpha * v + beta;
    // NaN propagates, as in ONNX Runtime and PyTorch (std::min(1.0f, NaN)
    // would give 1).
    if (t != t)
      return t;
    return std::max(0.0f, std::min(1.0f, t));
  });
}

float expF32(float x) {
  ScalarMathOps o;
  return static_cast<float>(math::exp(o, static_cast<double>(x)));
}

float logF32(float x) {
  ScalarMathOps o;
  return static_cast<float>(math::log(o, static_cast<double>(x)));
}

float erfF32(float x) {
  ScalarMathOps o;
  return static_cast<float>(math::erf(o, static_cast<double>(x)));
}

float tanhF32(float x) {
  ScalarMathOps o;
  return static_cast<float>(math::tanh(o, static_cast<double>(x)));
}

float sigmoidF32(float x) {
  ScalarMathOps o;
  return static_cast<float>(math::sigmoid(o, static_cast<double>(x)));
}

Tensor sigmoid(const Tensor &x) { return unary(x, sigmoidF32); }

Tensor tanh(const Tensor &x) { return unary(x, tanhF32); }

Tensor erf(const Tensor &x) { return unary(x, erfF32); }

Tensor sqrt(const Tensor &x) {
  return unary(x, [](float v) { return std::sqrt(v); });
}

Tensor abs(const Tensor &x) {
  return unary(x, [](float v) { return std::fabs(v); });
}

Tensor neg(const Tensor &x) {
  return unary(x, [](float v) { return -v; });
}

Tensor exp(const Tensor &x) {
  return unary(x, expF32);
}

Tensor log(const Tensor &x) {
  return unary(x, logF32);
}

Tensor reciprocal(const Tensor &x) {
  return unary(x, [](float v) { return 1.0f / v; });
}

Tensor floor(const Tensor &x) {
  return unary(x, [](float v) { return std::floor(v); });
}

Tensor ceil(const Tensor &x) {
  return unary(x, [](float v) { return std::ceil(v); });
}

Tensor round(const Tensor &x) {
  return unary(x, [](float v) { return std::nearbyint(v); });
}

Tensor sign(const Tensor &x) {
  return unary(x, [](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); });
}

Tensor sin(const Tensor &x) {
  return unary(x, [](float v) { return std::sin(v); });
}

Tensor cos(const Tensor &x) {
  return unary(x, [](float v) { return std::cos(v); });
}

Tensor tan(const Tensor &x) {
  return unary(x, [](float v) { return std::tan(v); });
}

Tensor asin(const Tensor &x) {
  return unary(x, [](float v) { return std::asin(v); });
}

Tensor acos(const Tensor &x) {
  return unary(x, [](float v) { return std::acos(v); });
}

Tensor atan(const Tensor &x) {
  return unary(x, [](float v) { return std::atan(v); });
}

Tensor sinh(const Tensor &x) {
  return unary(x, [](float v) { return std::sinh(v); });
}

Tensor cosh(const Tensor &x) {
  return unary(x, [](float v) { return std::cosh(v); });
}

Tensor asinh(const Tensor &x) {
  return unary(x, [](float v) { return std::asinh(v); });
}

Tensor acosh(const Tensor &x) {
  return unary(x, [](float v) { return std::acosh(v); });
}

Tensor atanh(const Tensor &x) {
  return unary(x, [](float v) { return std::atanh(v); });
}

Tensor softplus(const Tensor &x) {
  return unary(x, [](float v) { return std::log1p(std::exp(v)); });
}

Tensor softsign(const Tensor &x) {
  return unary(x, [](float v) { return v / (1.0f + std::fabs(v)); });
}

Tensor gelu(const Tensor &x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::Tanh) {
    const float k = 0.7978845608028654f; // sqrt(2 / pi)
    return unary(x, [=](float v) {
      return 0.5f * v * (1.0f + tanhF32(k * (v + 0.044715f * v * v * v)));
    });
  }
  const float invSqrt2 = 0.7071067811865476f;
  return unary(
      x, [=](float v) { return 0.5f * v * (1.0f + erfF32(v * invSqrt2)); });
}

absl::StatusOr<Tensor> add(const Tensor &a, const Tensor &b) {
  return binary(a, b, "add", [](float x, float y) { return x + y; });
}

absl::StatusOr<Tensor> sub(const Tensor &a, const Tensor &b) {
  return binary(a, b, "sub", [](float x, float y) { return x - y; });
}

absl::StatusOr<Tensor> mul(const Tensor &a, const Tensor &b) {
  return binary(a, b, "mul", [](float x, float y) { return x * y; });
}

absl::StatusOr<Tensor> div(const Tensor &a, const Tensor &b) {
  return binary(a, b, "div", [](float x, float y) { return x / y; });
}

absl::StatusOr<Tensor> max(const Tensor &a, const Tensor &b) {
  return binary(a, b, "max", [](float x, float y) {
    return std::isnan(x) || std::isnan(y) ? std::numeric_limits<float>::quiet_NaN()
                                          : std::max(x, y);
  });
}

absl::StatusOr<Tensor> min(const Tensor &a, const Tensor &b) {
  return binary(a, b, "min", [](float x, float y) {
    return std::isnan(x) || std::isnan(y) ? std::numeric_limits<float>::quiet_NaN()
                                          : std::min(x, y);
  });
}

float powElement(float x, float y) {
  // The exponents models write for squares, cubes and roots are computed
  // with multiplies and sqrt, as ONNX Runtime and PyTorch do: x * x is the
  // correctly rounded square (the C library's powf is only within ~0.8 ulp),
  // and compiled code computes the same with vector multiplies instead of a
  // call per element (FloatElementwise.cpp, powElement).
  if (y == 2.0f)
    return x * x;
  if (y == 3.0f)
    return x * x * x;
  if (y == 1.0f)
    return x;
  if (y == 0.5f) {
    // pow's special cases where sqrt differs: pow(-0, 0.5) = +0 and
    // pow(-inf, 0.5) = +inf (C99 F.9.4.4).
    if (x == 0.0f)
      return 0.0f;
    if (x == -std::numeric_limits<float>::infinity())
      return std::numeric_limits<float>::infinity();
    return std::sqrt(x);
  }
  return std::pow(x, y);
}

absl::StatusOr<Tensor> pow(const Tensor &a, const Tensor &b) {
  return binary(a, b, "pow", powElement);
}

absl::StatusOr<Tensor> batchNorm(const Tensor &x, const Tensor &scale,
                                 const Tensor &bias, const Tensor &mean,
                                 const Tensor &var, float epsilon) {
  constexpr std::string_view op = "batchNorm";
  if (x.dimension() < 2)
    return invalid(op, strCat("input must have rank >= 2 (N, C, ...), "
                                    "got shape ",
                                    shapeToString(shapeOf(x))));
  int64_t c = x.shape()[1];
  for (auto [t, what] : {std::pair{&scale, "scale"}, std::pair{&bias, "bias"},
                         std::pair{&mean, "mean"}, std::pair{&var, "var"}})
    if (absl::Status s = detail::check1d(*t, c, op, what); !s.ok())
      return s;
  if (!(epsilon >= 0.0f))
    return invalid(op, strCat("epsilon must be >= 0, got ", epsilon));
  if (absl::Status s = detail::reserveResult(op, shapeOf(x)); !s.ok())
    return s;
  Tensor out = Tensor::from_shape(x.shape());
  int64_t n = x.shape()[0];
  if (out.size() == 0)
    return out;
  int64_t inner = static_cast<int64_t>(x.size()) / (n * c);
  for (int64_t ch = 0; ch < c; ++ch) {
    float m = mean.data()[ch], g = scale.data()[ch], b = bias.data()[ch];
    float sd = std::sqrt(var.data()[ch] + epsilon);
    for (int64_t i = 0; i < n; ++i) {
      const float *src = x.data() + (i * c + ch) * inner;
      float *dst = out.data() + (i * c + ch) * inner;
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = (src[j] - m) / sd * g + b;
    }
  }
  return out;
}

absl::StatusOr<Tensor> layerNorm(const Tensor &x, const Tensor &scale,
                                 const Tensor *bias, int64_t axis,
                                 float epsilon) {
  constexpr std::string_view op = "layerNorm";
  int64_t rank = static_cast<int64_t>(x.dimension());
  absl::StatusOr<int64_t> ax = detail::normalizeAxis(axis, rank, op);
  if (!ax.ok())
    return ax.status();
  Shape xs = shapeOf(x);
  Shape normShape(xs.begin() + *ax, xs.end());
  if (absl::Status s = checkUnidirectionalBroadcast(shapeOf(scale), normShape,
                                                    op, "scale");
      !s.ok())
    return s;
  if (bias)
    if (absl::Status s = checkUnidirectionalBroadcast(shapeOf(*bias),
                                                      normShape, op, "bias");
        !s.ok())
      return s;
  if (!(epsilon >= 0.0f))
    return invalid(op, strCat("epsilon must be >= 0, got ", epsilon));

  int64_t inner = shapeNumElements(normShape);
  if (absl::Status s = detail::reserveResult(op, xs); !s.ok())
    return s;
  Tensor out = Tensor::from_shape(x.shape());
  if (out.size() == 0 || inner == 0)
    return out;
  // Expand scale and bias to the normalized shape once.
  std::vector<float> g(inner), b(inner, 0.0f);
  auto expand = [&](const Tensor &t, std::vector<float> &dst) {
    std::array<std::vector<int64_t>, 2> strides = {
        detail::rowMajorStrides(normShape),
        detail::broadcastStrides(shapeOf(t), normShape)};
    int64_t s = strides[1].empty() ? 0 : strides[1].back();
    detail::forEachRow<2>(normShape, strides,
                          [&](const std::array<int64_t, 2> &off, int64_t n) {
                            for (int64_t j = 0; j < n; ++j)
                              dst[off[0] + j] = t.data()[off[1] + j * s];
                          });
  };
  expand(scale, g);
  if (bias)
    expand(*bias, b);
  int64_t outer = static_cast<int64_t>(x.size()) / inner;
  for (int64_t r = 0; r < outer; ++r) {
    const float *src = x.data() + r * inner;
    float *dst = out.data() + r * inner;
    double sum = 0.0;
    for (int64_t j = 0; j < inner; ++j)
      sum += src[j];
    double mean = sum / static_cast<double>(inner);
    double sq = 0.0;
    for (int64_t j = 0; j < inner; ++j) {
      double d = src[j] - mean;
      sq += d * d;
    }
    double invStd = 1.0 / std::sqrt(sq / static_cast<double>(inner) + epsilon);
    for (int64_t j = 0; j < inner; ++j)
      dst[j] = static_cast<float>((src[j] - mean) * invStd) * g[j] + b[j];
  }
  return out;
}

Tensor leakyRelu(const Tensor &t, float alpha) {
  return unary(t, [=](float x) { return x < 0.0f ? alpha * x : x; });
}

Tensor thresholdedRelu(const Tensor &t, float alpha) {
  return unary(t, [=](float x) { return std::isnan(x) || x > alpha ? x : 0.0f; });
}

Tensor elu(const Tensor &t, float alpha) {
  return unary(t, [=](float x) { return x < 0.0f ? alpha * (std::exp(x) - 1.0f) : x; });
}

Tensor celu(const Tensor &t, float alpha) {
  return unary(t, [=](float x) { return std::isnan(x) ? x : std::max(0.0f, x) + std::min(0.0f, alpha * (std::exp(x / alpha) - 1.0f)); });
}

Tensor selu(const Tensor &t, float alpha, float gamma) {
  return unary(t, [=](float x) {
    return x > 0.0f ? gamma * x : gamma * (alpha * std::exp(x) - alpha);
  });
}

absl::StatusOr<Tensor> prelu(const Tensor &a, const Tensor &b) {
  return binary(a, b, "prelu",
                [](float x, float slope) { return x < 0.0f ? slope * x : x; });
}

namespace {

/// Applies `line(src, dst, len, stride)` to every line of `x` along `axis`
/// (len elements `stride` apart), writing a tensor of x's shape: the walk
/// softmax and logSoftmax share.
template <typename Line>
absl::StatusOr<Tensor> mapAlongAxis(const Tensor &x, int64_t axis,
                                    std::string_view op, Line line) {
  int64_t rank = static_cast<int64_t>(x.dimension());
  absl::StatusOr<int64_t> ax = detail::normalizeAxis(axis, rank, op);
  if (!ax.ok())
    return ax.status();
  Shape xs = shapeOf(x);
  int64_t len = xs[*ax];
  int64_t inner = 1;
  for (int64_t d = *ax + 1; d < rank; ++d)
    inner *= xs[d];
  if (absl::Status s = detail::reserveResult(op, xs); !s.ok())
    return s;
  Tensor out = Tensor::from_shape(x.shape());
  if (out.size() == 0)
    return out;
  int64_t outer = static_cast<int64_t>(x.size()) / (len * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      line(x.data() + o * len * inner + i, out.data() + o * len * inner + i,
           len, inner);
  return out;
}

} // namespace

absl::StatusOr<Tensor> logSoftmax(const Tensor &x, int64_t axis) {
  return mapAlongAxis(x, axis, "logSoftmax",
                      [](const float *src, float *dst, int64_t len,
                         int64_t inner) {
                        float mx = src[0];
                        for (int64_t j = 1; j < len; ++j)
                          mx = std::max(mx, src[j * inner]);
                        double sum = 0.0;
                        for (int64_t j = 0; j < len; ++j)
                          sum += std::exp(static_cast<double>(src[j * inner]) - mx);
                        double logSum = std::log(sum);
                        for (int64_t j = 0; j < len; ++j)
                          dst[j * inner] = static_cast<float>(
                              static_cast<double>(src[j * inner]) - mx - logSum);
                      });
}

double softmaxExp(double x) {
  ScalarMathOps o;
  return math::exp(o, x);
}

absl::StatusOr<Tensor> softmax(const Tensor &x, int64_t axis) {
  std::vector<double> e;
  return mapAlongAxis(
      x, axis, "softmax",
      [&e](const float *src, float *dst, int64_t len, int64_t inner) {
        e.resize(len);
        float mx = src[0];
        for (int64_t j = 1; j < len; ++j)
          mx = std::max(mx, src[j * inner]);
        double lane[softmax_exp::kSumLanes] = {};
        for (int64_t j = 0; j < len; ++j) {
          e[j] = softmaxExp(static_cast<double>(src[j * inner]) - mx);
          lane[j % softmax_exp::kSumLanes] += e[j];
        }
        static_assert(softmax_exp::kSumLanes == 8);
        double sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
                     ((lane[4] + lane[5]) + (lane[6] + lane[7]));
        for (int64_t j = 0; j < len; ++j)
          dst[j * inner] = static_cast<float>(e[j] / sum);
      });
}

} // namespace qc::ref
