//===- KernelsConv.cpp - Convolutions and matrix products -----------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/Gemm.h"
#include "reference/KernelsUtil.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace qc::ref {

using detail::invalid;
using detail::MatrixView;

Shape shapeOf(const Tensor &t) {
  return Shape(t.shape().begin(), t.shape().end());
}

Shape shapeOf(const QTensor &t) {
  return Shape(t.shape().begin(), t.shape().end());
}

Tensor zeros(const Shape &shape) {
  Tensor t = detail::uninitialized(shape);
  std::fill(t.begin(), t.end(), 0.0f);
  return t;
}

namespace {

/// First and one-past-last output index o in [0, outSize) for which
/// o * stride + offset lies in [0, inSize).
inline void validRange(int64_t offset, int64_t stride, int64_t inSize,
                       int64_t outSize, int64_t &lo, int64_t &hi) {
  // o * stride + offset >= 0  <=>  o >= ceil(-offset / stride)
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  // o * stride + offset <= inSize - 1  <=>  o <= floor((inSize-1-offset)/s)
  int64_t last = inSize - 1 - offset;
  hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, outSize);
  hi = std::clamp(hi, lo, outSize);
}

/// im2col for one image and one group: col is (cin * kH * kW) x (oH * oW),
/// row (c, ky, kx) holding the input pixels each output position reads
/// (zero for padding).
void im2col(const float *x, int64_t cin, int64_t h, int64_t w, int64_t kh,
            int64_t kw, int64_t oh, int64_t ow, const Conv2dAttrs &a,
            float *col) {
  int64_t sh = a.strides[0], sw = a.strides[1];
  int64_t dh = a.dilations[0], dw = a.dilations[1];
  int64_t pt = a.pads[0], pl = a.pads[1];
  for (int64_t c = 0; c < cin; ++c) {
    const float *xc = x + c * h * w;
    for (int64_t ky = 0; ky < kh; ++ky) {
      for (int64_t kx = 0; kx < kw; ++kx) {
        float *row = col + ((c * kh + ky) * kw + kx) * oh * ow;
        int64_t xOff = kx * dw - pl;
        int64_t lo, hi;
        validRange(xOff, sw, w, ow, lo, hi);
        for (int64_t oy = 0; oy < oh; ++oy) {
          float *dst = row + oy * ow;
          int64_t iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) {
            std::fill(dst, dst + ow, 0.0f);
            continue;
          }
          const float *src = xc + iy * w;
          std::fill(dst, dst + lo, 0.0f);
          if (sw == 1) {
            if (hi > lo)
              std::memcpy(dst + lo, src + lo + xOff, sizeof(float) * (hi - lo));
          } else {
            for (int64_t ox = lo; ox < hi; ++ox)
              dst[ox] = src[ox * sw + xOff];
          }
          std::fill(dst + hi, dst + ow, 0.0f);
        }
      }
    }
  }
}

/// Direct depthwise convolution of one image: every group has one input
/// channel and `mult` output channels. Each output accumulates bias, then
/// the in-range taps in (ky, kx) order, the same order the GEMM path uses.
void depthwiseConv(const float *x, const float *w, const float *bias,
                   float *out, int64_t channels, int64_t mult, int64_t h,
                   int64_t wd, int64_t kh, int64_t kw, int64_t oh, int64_t ow,
                   const Conv2dAttrs &a) {
  int64_t sh = a.strides[0], sw = a.strides[1];
  int64_t dh = a.dilations[0], dw = a.dilations[1];
  int64_t pt = a.pads[0], pl = a.pads[1];
  for (int64_t co = 0; co < channels * mult; ++co) {
    const float *xc = x + (co / mult) * h * wd;
    const float *wc = w + co * kh * kw;
    float *oc = out + co * oh * ow;
    float b = bias ? bias[co] : 0.0f;
    std::fill(oc, oc + oh * ow, b);
    for (int64_t oy = 0; oy < oh; ++oy) {
      float *__restrict dst = oc + oy * ow;
      for (int64_t ky = 0; ky < kh; ++ky) {
        int64_t iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h)
          continue;
        const float *xrow = xc + iy * wd;
        for (int64_t kx = 0; kx < kw; ++kx) {
          float wv = wc[ky * kw + kx];
          int64_t xOff = kx * dw - pl;
          int64_t lo, hi;
          validRange(xOff, sw, wd, ow, lo, hi);
          const float *__restrict src = xrow;
          if (sw == 1) {
            for (int64_t ox = lo; ox < hi; ++ox)
              dst[ox] += wv * src[ox + xOff];
          } else {
            for (int64_t ox = lo; ox < hi; ++ox)
              dst[ox] += wv * src[ox * sw + xOff];
          }
        }
      }
    }
  }
}

} // namespace

absl::StatusOr<Tensor> conv2d(const Tensor &x, const Tensor &w,
                              const Tensor *bias, const Conv2dAttrs &attrs) {
  absl::StatusOr<Shape> outShape =
      conv2dOutputShape(shapeOf(x), shapeOf(w), attrs);
  if (!outShape.ok())
    return outShape.status();
  const Shape &os = *outShape;
  int64_t n = os[0], cout = os[1], oh = os[2], ow = os[3];
  int64_t cin = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  int64_t kh = w.shape()[2], kw = w.shape()[3];
  int64_t groups = attrs.groups;
  if (bias)
    if (absl::Status s = detail::check1d(*bias, cout, "conv2d", "bias");
        !s.ok())
      return s;
  if (absl::Status s = detail::reserveResult("conv2d", os); !s.ok())
    return s;

  Tensor out = detail::uninitialized(os);
  if (out.size() == 0)
    return out;
  int64_t cinG = cin / groups, coutG = cout / groups;
  int64_t spatial = oh * ow;
  const float *b = bias ? bias->data() : nullptr;

  if (cinG == 1 && groups == cin) {
    for (int64_t i = 0; i < n; ++i)
      depthwiseConv(x.data() + i * cin * h * wd, w.data(), b,
                    out.data() + i * cout * spatial, cin, coutG, h, wd, kh, kw,
                    oh, ow, attrs);
    return out;
  }

  int64_t k = cinG * kh * kw;
  bool direct = kh == 1 && kw == 1 && attrs.strides[0] == 1 &&
                attrs.strides[1] == 1 && attrs.pads[0] == 0 &&
                attrs.pads[1] == 0 && attrs.pads[2] == 0 && attrs.pads[3] == 0;
  std::unique_ptr<float[]> col;
  if (!direct) {
    if (absl::Status s = reserveMemory("conv2d", "im2col workspace",
                                       Shape{k, spatial}, sizeof(float));
        !s.ok())
      return s;
    col.reset(new float[k * spatial]);
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t g = 0; g < groups; ++g) {
      const float *xg = x.data() + (i * cin + g * cinG) * h * wd;
      float *og = out.data() + (i * cout + g * coutG) * spatial;
      const float *bmat = xg;
      if (!direct) {
        im2col(xg, cinG, h, wd, kh, kw, oh, ow, attrs, col.get());
        bmat = col.get();
      }
      if (b)
        for (int64_t c = 0; c < coutG; ++c)
          std::fill(og + c * spatial, og + (c + 1) * spatial, b[g * coutG + c]);
      detail::sgemm(coutG, spatial, k, MatrixView{w.data() + g * coutG * k, k, 1},
                    MatrixView{bmat, spatial, 1}, og, spatial, b != nullptr);
    }
  }
  return out;
}

absl::StatusOr<Tensor> convTranspose2d(const Tensor &x, const Tensor &w,
                                       const Tensor *bias,
                                       const ConvTranspose2dAttrs &attrs) {
  absl::StatusOr<Shape> outShape =
      convTranspose2dOutputShape(shapeOf(x), shapeOf(w), attrs);
  if (!outShape.ok())
    return outShape.status();
  const Shape &os = *outShape;
  int64_t n = os[0], cout = os[1], oh = os[2], ow = os[3];
  int64_t cin = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  int64_t kh = w.shape()[2], kw = w.shape()[3];
  int64_t groups = attrs.groups;
  if (bias)
    if (absl::Status s =
            detail::check1d(*bias, cout, "convTranspose2d", "bias");
        !s.ok())
      return s;
  if (absl::Status s = detail::reserveResult("convTranspose2d", os); !s.ok())
    return s;

  Tensor out = detail::uninitialized(os);
  if (out.size() == 0)
    return out;
  int64_t cinG = cin / groups, coutG = cout / groups;
  int64_t m = coutG * kh * kw, spatialIn = h * wd, spatialOut = oh * ow;
  int64_t sh = attrs.strides[0], sw = attrs.strides[1];
  int64_t dh = attrs.dilations[0], dw = attrs.dilations[1];
  int64_t pt = attrs.pads[0], pl = attrs.pads[1];
  if (absl::Status s = reserveMemory("convTranspose2d", "col2im workspace",
                                     Shape{m, spatialIn}, sizeof(float));
      !s.ok())
    return s;
  std::unique_ptr<float[]> col(new float[m * spatialIn]);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t g = 0; g < groups; ++g) {
      const float *xg = x.data() + (i * cin + g * cinG) * spatialIn;
      const float *wg = w.data() + g * cinG * m;
      float *og = out.data() + (i * cout + g * coutG) * spatialOut;
      // col (m x spatialIn) = W_g^T (m x cinG) * X_g (cinG x spatialIn).
      detail::sgemm(m, spatialIn, cinG, MatrixView{wg, 1, m},
                    MatrixView{xg, spatialIn, 1}, col.get(), spatialIn, false);
      // col2im: scatter-add every column into the output.
      for (int64_t c = 0; c < coutG; ++c) {
        float *oc = og + c * spatialOut;
        std::fill(oc, oc + spatialOut, bias ? bias->data()[g * coutG + c] : 0.f);
        for (int64_t ky = 0; ky < kh; ++ky) {
          for (int64_t kx = 0; kx < kw; ++kx) {
            const float *row = col.get() + ((c * kh + ky) * kw + kx) * spatialIn;
            // Output x = ix * sw - pl + kx * dw must lie in [0, ow).
            int64_t xOff = kx * dw - pl;
            int64_t lo = xOff >= 0 ? 0 : (-xOff + sw - 1) / sw;
            int64_t hi = ow - 1 - xOff < 0 ? 0 : (ow - 1 - xOff) / sw + 1;
            lo = std::min(lo, wd);
            hi = std::clamp(hi, lo, wd);
            for (int64_t iy = 0; iy < h; ++iy) {
              int64_t oy = iy * sh - pt + ky * dh;
              if (oy < 0 || oy >= oh)
                continue;
              float *dst = oc + oy * ow;
              const float *src = row + iy * wd;
              for (int64_t ix = lo; ix < hi; ++ix)
                dst[ix * sw + xOff] += src[ix];
            }
          }
        }
      }
    }
  }
  return out;
}

absl::StatusOr<Tensor> matmul(const Tensor &a, const Tensor &b) {
  Shape sa = shapeOf(a), sb = shapeOf(b);
  absl::StatusOr<Shape> outShape = matmulOutputShape(sa, sb);
  if (!outShape.ok())
    return outShape.status();
  if (absl::Status s = detail::reserveResult("matmul", *outShape); !s.ok())
    return s;
  Tensor out = detail::uninitialized(*outShape);
  if (sa.size() == 1)
    sa.insert(sa.begin(), 1);
  if (sb.size() == 1)
    sb.push_back(1);
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  if (out.size() == 0)
    return out;

  // With an unbatched B, A's batch dimensions fold into M.
  if (sb.size() == 2) {
    int64_t rows = shapeNumElements(sa) / std::max<int64_t>(k, 1);
    if (k == 0)
      rows = static_cast<int64_t>(out.size()) / n;
    detail::sgemm(rows, n, k, MatrixView{a.data(), k, 1},
                  MatrixView{b.data(), n, 1}, out.data(), n, false);
    return out;
  }

  Shape batchA(sa.begin(), sa.end() - 2), batchB(sb.begin(), sb.end() - 2);
  Shape batch = *broadcastShapes(batchA, batchB);
  std::array<std::vector<int64_t>, 2> strides = {
      detail::broadcastStrides(batchA, batch),
      detail::broadcastStrides(batchB, batch)};
  // Batch strides count matrices; scale to elements below.
  int64_t outMatrix = m * n, aMatrix = m * k, bMatrix = k * n;
  int64_t outIndex = 0;
  Shape batchRows = batch;
  batchRows.push_back(1); // One "row" per matrix.
  strides[0].push_back(0);
  strides[1].push_back(0);
  detail::forEachRow<2>(batchRows, strides,
                        [&](const std::array<int64_t, 2> &off, int64_t) {
                          detail::sgemm(
                              m, n, k,
                              MatrixView{a.data() + off[0] * aMatrix, k, 1},
                              MatrixView{b.data() + off[1] * bMatrix, n, 1},
                              out.data() + outIndex * outMatrix, n, false);
                          ++outIndex;
                        });
  return out;
}

absl::StatusOr<Tensor> gemm(const Tensor &a, const Tensor &b, const Tensor *c,
                            float alpha, float beta, bool transA,
                            bool transB) {
  Shape sa = shapeOf(a), sb = shapeOf(b);
  absl::StatusOr<Shape> outShape = gemmOutputShape(sa, sb, transA, transB);
  if (!outShape.ok())
    return outShape.status();
  int64_t m = (*outShape)[0], n = (*outShape)[1];
  int64_t k = transA ? sa[0] : sa[1];
  if (c)
    if (absl::Status s = checkUnidirectionalBroadcast(shapeOf(*c), *outShape,
                                                      "gemm", "C");
        !s.ok())
      return s;
  if (absl::Status s = detail::reserveResult("gemm", *outShape); !s.ok())
    return s;
  Tensor out = detail::uninitialized(*outShape);
  if (out.size() == 0)
    return out;
  MatrixView av = transA ? MatrixView{a.data(), 1, m} : MatrixView{a.data(), k, 1};
  MatrixView bv = transB ? MatrixView{b.data(), 1, k} : MatrixView{b.data(), n, 1};
  detail::sgemm(m, n, k, av, bv, out.data(), n, false);
  float *o = out.data();
  if (alpha != 1.0f)
    for (size_t i = 0; i < out.size(); ++i)
      o[i] *= alpha;
  if (c) {
    Shape sc = shapeOf(*c);
    std::array<std::vector<int64_t>, 2> strides = {
        detail::rowMajorStrides(*outShape),
        detail::broadcastStrides(sc, *outShape)};
    const float *cd = c->data();
    detail::forEachRow<2>(
        *outShape, strides,
        [&](const std::array<int64_t, 2> &off, int64_t count) {
          int64_t cs = strides[1].back();
          for (int64_t j = 0; j < count; ++j)
            o[off[0] + j] += beta * cd[off[1] + j * cs];
        });
  }
  return out;
}

} // namespace qc::ref
