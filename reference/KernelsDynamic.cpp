//===- KernelsDynamic.cpp - qc.dynamic_qlinear, the integer dynamic linear -===//
//
// The reference of native dynamic quantization: run-time qparams per tensor
// or per row (token), the int8 product in int32 with the zero-point
// correction, and the float epilogue. Written literally; the generated code
// (passes/Codegen/DynamicLinear.cpp) follows the same statements.
//
//===----------------------------------------------------------------------===//
#include "reference/KernelsInt.h"
#include "reference/KernelsUtil.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc::ref {

using detail::invalid;

absl::StatusOr<Tensor> dynamicFakeQuantPerToken(const Tensor &x,
                                                QuantRange range) {
  constexpr std::string_view op = "qc.dynamic_fake_quant";
  if (x.dimension() == 0)
    return dynamicFakeQuant(x, range);
  const float *in = x.data();
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(in[i]))
      return invalid(op, strCat("element ", i, " of the input is ",
                                std::isnan(in[i]) ? "NaN"
                                : in[i] > 0       ? "+Inf"
                                                  : "-Inf",
                                "; run-time qparams need finite values"));
  const size_t k = x.shape().back();
  Tensor y = Tensor::from_shape(x.shape());
  if (k == 0)
    return y;
  for (size_t r = 0; r < x.size() / k; ++r) {
    Tensor row = Tensor::from_shape({k});
    std::copy(in + r * k, in + (r + 1) * k, row.data());
    absl::StatusOr<Tensor> fq = dynamicFakeQuant(row, range);
    if (!fq.ok())
      return fq.status();
    std::copy(fq->data(), fq->data() + k, y.data() + r * k);
  }
  return y;
}

absl::StatusOr<Tensor> dynamicQLinear(const Tensor &x, const QTensor &w,
                                      const std::vector<float> &weightScales,
                                      const Tensor *bias, QuantRange range,
                                      bool perToken,
                                      std::vector<DynamicQParams> *chosen) {
  constexpr std::string_view op = "qc.dynamic_qlinear";
  Shape xs = shapeOf(x), ws = shapeOf(w);
  if (xs.empty() || ws.size() != 2 || xs.back() != ws[1])
    return invalid(op, strCat("needs x [..., K] and w [N, K], got ",
                              shapeToString(xs), " and ", shapeToString(ws)));
  const int64_t k = ws[1], nOut = ws[0];
  const int64_t rows = shapeNumElements(Shape(xs.begin(), xs.end() - 1));
  if (weightScales.size() != 1 &&
      static_cast<int64_t>(weightScales.size()) != nOut)
    return invalid(op, strCat("needs 1 or ", nOut, " weight scales, got ",
                              weightScales.size()));
  if (bias && (bias->dimension() != 1 ||
               static_cast<int64_t>(bias->size()) != nOut))
    return invalid(op, strCat("the bias must be 1-D of size ", nOut));
  if (k > std::numeric_limits<int32_t>::max() / (255 * 128))
    return invalid(op, strCat("K = ", k, " is too large for exact int32 "
                                         "accumulation"));
  Shape yDims(xs.begin(), xs.end());
  yDims.back() = nOut;
  if (absl::Status s = detail::reserveResult(op, yDims); !s.ok())
    return s;

  // Run-time qparams: one group (the tensor) or one per row.
  const float *xp = x.data();
  const int64_t groups = perToken ? rows : 1;
  const int64_t groupSize = perToken ? k : rows * k;
  std::vector<DynamicQParams> qparams;
  qparams.reserve(static_cast<size_t>(groups));
  for (int64_t g = 0; g < groups; ++g) {
    absl::StatusOr<std::pair<float, float>> minMax =
        detail::finiteRange(xp + g * groupSize, groupSize, g * groupSize, op);
    if (!minMax.ok())
      return minMax.status();
    absl::StatusOr<DynamicQParams> qp =
        chooseQuantizationParams(minMax->first, minMax->second, range);
    if (!qp.ok())
      return qp.status();
    qparams.push_back(*qp);
  }

  // Quantize: DESIGN.md's rule with x * (1 / scale), as quantizePerTensor.
  std::vector<int32_t> q(static_cast<size_t>(rows * k));
  for (int64_t r = 0; r < rows; ++r) {
    const DynamicQParams &qp = qparams[static_cast<size_t>(perToken ? r : 0)];
    float inv = 1.0f / qp.scale;
    for (int64_t i = 0; i < k; ++i) {
      double v = std::nearbyint(static_cast<double>(xp[r * k + i] * inv)) +
                 static_cast<double>(qp.zeroPoint);
      v = std::min(std::max(v, static_cast<double>(range.qmin)),
                   static_cast<double>(range.qmax));
      q[static_cast<size_t>(r * k + i)] = static_cast<int32_t>(v);
    }
  }

  const int32_t *wp = w.data();
  std::vector<int64_t> columnSums(static_cast<size_t>(nOut), 0);
  for (int64_t n = 0; n < nOut; ++n)
    for (int64_t i = 0; i < k; ++i)
      columnSums[static_cast<size_t>(n)] += wp[n * k + i];

  std::vector<size_t> yShape(yDims.begin(), yDims.end());
  Tensor y = Tensor::from_shape(yShape);
  float *yp = y.data();
  for (int64_t r = 0; r < rows; ++r) {
    const DynamicQParams &qp = qparams[static_cast<size_t>(perToken ? r : 0)];
    for (int64_t n = 0; n < nOut; ++n) {
      int64_t acc = 0;
      for (int64_t i = 0; i < k; ++i)
        acc += static_cast<int64_t>(q[static_cast<size_t>(r * k + i)]) *
               wp[n * k + i];
      acc -= qp.zeroPoint * columnSums[static_cast<size_t>(n)];
      // |acc| <= K * 255 * 128 fits int32 (checked above).
      float m = qp.scale * weightScales[weightScales.size() == 1 ? 0 : n];
      float v = static_cast<float>(static_cast<int32_t>(acc)) * m;
      if (bias)
        v = v + bias->data()[n];
      yp[r * nOut + n] = v;
    }
  }
  if (chosen)
    *chosen = std::move(qparams);
  return y;
}

} // namespace qc::ref
