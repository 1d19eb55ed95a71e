//===- KernelsPool.cpp - Pooling and reductions ---------------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsUtil.h"

#include <algorithm>
#include <limits>

namespace qc::ref {

using detail::invalid;

absl::StatusOr<Tensor> maxPool2d(const Tensor &x, const Pool2dAttrs &attrs) {
  absl::StatusOr<Shape> outShape = pool2dOutputShape(shapeOf(x), attrs);
  if (!outShape.ok())
    return invalid("maxPool2d", toStd(outShape.status().message()));
  const Shape &os = *outShape;
  int64_t planes = os[0] * os[1], oh = os[2], ow = os[3];
  int64_t h = x.shape()[2], w = x.shape()[3];
  int64_t kh = attrs.kernel[0], kw = attrs.kernel[1];
  int64_t sh = attrs.strides[0], sw = attrs.strides[1];
  int64_t dh = attrs.dilations[0], dw = attrs.dilations[1];
  int64_t pt = attrs.pads[0], pl = attrs.pads[1];
  if (absl::Status s = detail::reserveResult("maxPool2d", os); !s.ok())
    return s;
  Tensor out = detail::uninitialized(os);
  for (int64_t p = 0; p < planes; ++p) {
    const float *src = x.data() + p * h * w;
    float *dst = out.data() + p * oh * ow;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        // A window with no input element (only possible with dilation)
        // yields -inf.
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t ky = 0; ky < kh; ++ky) {
          int64_t iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h)
            continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= w)
              continue;
            float v = src[iy * w + ix];
            // NaN propagates, as in PyTorch.
            if (v > best || v != v)
              best = v;
          }
        }
        dst[oy * ow + ox] = best;
      }
    }
  }
  return out;
}

absl::StatusOr<Tensor> avgPool2d(const Tensor &x, const Pool2dAttrs &attrs,
                                 bool countIncludePad) {
  if (attrs.dilations[0] != 1 || attrs.dilations[1] != 1)
    return invalid("avgPool2d", "dilations are not supported (must be [1, 1])");
  absl::StatusOr<Shape> outShape = pool2dOutputShape(shapeOf(x), attrs);
  if (!outShape.ok())
    return invalid("avgPool2d", toStd(outShape.status().message()));
  const Shape &os = *outShape;
  int64_t planes = os[0] * os[1], oh = os[2], ow = os[3];
  int64_t h = x.shape()[2], w = x.shape()[3];
  if (absl::Status s = detail::reserveResult("avgPool2d", os); !s.ok())
    return s;
  Tensor out = detail::uninitialized(os);
  for (int64_t p = 0; p < planes; ++p) {
    const float *src = x.data() + p * h * w;
    float *dst = out.data() + p * oh * ow;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        AvgPoolWindow win = avgPoolWindow(h, w, attrs, countIncludePad, oy, ox);
        double sum = 0.0;
        for (int64_t iy = win.ys; iy < win.ye; ++iy)
          for (int64_t ix = win.xs; ix < win.xe; ++ix)
            sum += src[iy * w + ix];
        dst[oy * ow + ox] =
            win.count > 0
                ? static_cast<float>(sum / static_cast<double>(win.count))
                : 0.0f;
      }
    }
  }
  return out;
}

absl::StatusOr<Tensor> globalAvgPool(const Tensor &x) {
  absl::StatusOr<Shape> pooled = globalPoolShape(shapeOf(x));
  if (!pooled.ok())
    return invalid("globalAvgPool", pooled.status());
  const Shape &os = *pooled;
  int64_t spatial = 1;
  for (size_t d = 2; d < x.dimension(); ++d)
    spatial *= static_cast<int64_t>(x.shape()[d]);
  if (spatial == 0)
    return invalid("globalAvgPool",
                   strCat("empty spatial dimensions in shape ",
                                shapeToString(shapeOf(x))));
  Tensor out = detail::uninitialized(os);
  int64_t planes = os[0] * os[1];
  for (int64_t p = 0; p < planes; ++p) {
    const float *src = x.data() + p * spatial;
    double sum = 0.0;
    for (int64_t i = 0; i < spatial; ++i)
      sum += src[i];
    out.data()[p] = static_cast<float>(sum / static_cast<double>(spatial));
  }
  return out;
}

absl::StatusOr<Tensor> reduceMean(const Tensor &x,
                                  const std::vector<int64_t> &axes,
                                  bool keepdims) {
  constexpr std::string_view op = "reduceMean";
  int64_t rank = static_cast<int64_t>(x.dimension());
  Shape xs = shapeOf(x);
  std::vector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes) {
    absl::StatusOr<int64_t> ax = detail::normalizeAxis(a, rank, op);
    if (!ax.ok())
      return ax.status();
    if (reduced[*ax])
      return invalid(op, strCat("axis ", a, " appears twice in axes ",
                                      detail::listToString(axes)));
    reduced[*ax] = true;
  }
  Shape keptShape; // Output shape with keepdims.
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    keptShape.push_back(reduced[d] ? 1 : xs[d]);
    if (reduced[d])
      count *= xs[d];
  }
  if (count == 0)
    return invalid(op, strCat("reducing over an empty dimension of "
                                    "shape ",
                                    shapeToString(xs)));
  if (absl::Status s = reserveMemory(op, "sums", keptShape, sizeof(double));
      !s.ok())
    return s;
  if (absl::Status s = detail::reserveResult(op, keptShape); !s.ok())
    return s;
  std::vector<double> sums(shapeNumElements(keptShape), 0.0);
  // Walk the input in order; each row adds into the output slots given by
  // the kept-shape strides (0 along reduced dimensions).
  std::array<std::vector<int64_t>, 2> strides = {
      detail::rowMajorStrides(xs), detail::rowMajorStrides(keptShape)};
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      strides[1][d] = 0;
  int64_t so = rank ? strides[1].back() : 0;
  detail::forEachRow<2>(xs, strides,
                        [&](const std::array<int64_t, 2> &off, int64_t n) {
                          const float *src = x.data() + off[0];
                          for (int64_t j = 0; j < n; ++j)
                            sums[off[1] + j * so] += src[j];
                        });
  Shape outShape;
  for (int64_t d = 0; d < rank; ++d)
    if (keepdims || !reduced[d])
      outShape.push_back(keptShape[d]);
  Tensor out = detail::uninitialized(outShape);
  for (size_t i = 0; i < sums.size(); ++i)
    out.data()[i] = static_cast<float>(sums[i] / static_cast<double>(count));
  return out;
}

} // namespace qc::ref
