//===- KernelsData.cpp - Reshape, transpose, concat, slice, pad, resize ---===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "reference/KernelsUtil.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace qc::ref {

using detail::invalid;
using detail::listToString;

namespace {

/// Builds an output tensor of \p outShape where every output element reads
/// input offset sum_d maps[d][index_d], or \p fill where some map is -1.
Tensor gather(const Tensor &x, const Shape &outShape,
              const std::vector<std::vector<int64_t>> &maps, float fill) {
  Tensor out = detail::uninitialized(outShape);
  int64_t total = static_cast<int64_t>(out.size());
  if (total == 0)
    return out;
  size_t rank = outShape.size();
  if (rank == 0) {
    out.data()[0] = x.data()[0];
    return out;
  }
  std::vector<int64_t> index(rank, 0);
  // Partial offsets of the outer dimensions; -1 marks a fill element.
  std::vector<int64_t> partial(rank, 0);
  auto recompute = [&](size_t from) {
    for (size_t d = from; d + 1 < rank; ++d) {
      int64_t prev = d == 0 ? 0 : partial[d - 1];
      int64_t m = maps[d][index[d]];
      partial[d] = (prev < 0 || m < 0) ? -1 : prev + m;
    }
  };
  recompute(0);
  const std::vector<int64_t> &innerMap = maps[rank - 1];
  int64_t inner = outShape[rank - 1];
  float *o = out.data();
  const float *in = x.data();
  for (int64_t r = 0; r < total / inner; ++r) {
    int64_t base = rank >= 2 ? partial[rank - 2] : 0;
    float *dst = o + r * inner;
    if (base < 0) {
      std::fill(dst, dst + inner, fill);
    } else {
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = innerMap[j] < 0 ? fill : in[base + innerMap[j]];
    }
    // Advance the outer index.
    for (size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < outShape[d]) {
        recompute(d);
        break;
      }
      index[d] = 0;
      if (d == 0)
        recompute(0);
    }
  }
  return out;
}

/// Checks, before a gather-based kernel builds its index maps, that the
/// result of \p outShape and the maps (one int64 per output index of every
/// dimension) fit the memory cap.
absl::Status reserveGather(std::string_view op, const Shape &outShape) {
  if (absl::Status s = detail::reserveResult(op, outShape); !s.ok())
    return s;
  int64_t mapEntries = 0;
  for (int64_t d : outShape)
    if (d < 0 || __builtin_add_overflow(mapEntries, d, &mapEntries))
      return invalid(op, strCat("output shape ", shapeToString(outShape),
                                " is not a valid size"));
  return reserveMemory(op, "index maps", mapEntries, sizeof(int64_t));
}

} // namespace

absl::StatusOr<Tensor> reshape(const Tensor &x, const Shape &shape,
                               bool allowZero) {
  constexpr std::string_view op = "reshape";
  Shape xs = shapeOf(x);
  Shape out = shape;
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (inferred >= 0)
        return invalid(op, strCat("more than one -1 in target shape ",
                                        listToString(shape)));
      inferred = static_cast<int64_t>(i);
      continue;
    }
    if (out[i] == 0 && !allowZero) {
      if (i >= xs.size())
        return invalid(op, strCat("0 at index ", i, " of target shape ",
                                        listToString(shape),
                                        " has no input dimension to copy "
                                        "(input shape ",
                                        shapeToString(xs), ")"));
      out[i] = xs[i];
    }
    if (out[i] < 0)
      return invalid(op, strCat("invalid dimension ", out[i],
                                      " in target shape ",
                                      listToString(shape)));
    if (__builtin_mul_overflow(known, out[i], &known))
      return invalid(op, strCat("target shape ", listToString(shape),
                                " has more elements than an int64 holds"));
  }
  int64_t total = static_cast<int64_t>(x.size());
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return invalid(op, strCat("cannot infer the -1 in ",
                                      listToString(shape), " for input shape ",
                                      shapeToString(xs)));
    out[inferred] = total / known;
  } else if (known != total) {
    return invalid(op, strCat("target shape ", listToString(shape),
                                    " has ", known, " elements but input ",
                                    shapeToString(xs), " has ", total));
  }
  if (absl::Status s = detail::reserveResult(op, out); !s.ok())
    return s;
  Tensor result = detail::uninitialized(out);
  if (total)
    std::memcpy(result.data(), x.data(), sizeof(float) * total);
  return result;
}

absl::StatusOr<Tensor> transpose(const Tensor &x,
                                 const std::vector<int64_t> &perm) {
  Shape xs = shapeOf(x);
  size_t rank = xs.size();
  std::vector<int64_t> p = perm;
  if (p.empty())
    for (size_t i = 0; i < rank; ++i)
      p.push_back(static_cast<int64_t>(rank - 1 - i));
  absl::StatusOr<Shape> transposed = transposeShape(xs, p);
  if (!transposed.ok()) // the rule's one error, in this kernel's words
    return invalid("transpose", strCat("perm ", listToString(perm),
                                       " is not a permutation of the "
                                       "dimensions of shape ",
                                       shapeToString(xs)));
  const Shape &outShape = *transposed;
  std::vector<int64_t> inStrides = detail::rowMajorStrides(xs);
  std::vector<std::vector<int64_t>> maps(rank);
  if (absl::Status s = reserveGather("transpose", outShape); !s.ok())
    return s;
  for (size_t d = 0; d < rank; ++d) {
    for (int64_t i = 0; i < outShape[d]; ++i)
      maps[d].push_back(i * inStrides[p[d]]);
  }
  return gather(x, outShape, maps, 0.0f);
}

absl::StatusOr<Tensor> concat(const std::vector<Tensor> &inputs,
                              int64_t axis) {
  constexpr std::string_view op = "concat";
  if (inputs.empty())
    return invalid(op, "needs at least one input");
  Shape first = shapeOf(inputs[0]);
  int64_t rank = static_cast<int64_t>(first.size());
  if (rank == 0)
    return invalid(op, "inputs must have rank >= 1");
  absl::StatusOr<int64_t> ax = detail::normalizeAxis(axis, rank, op);
  if (!ax.ok())
    return ax.status();
  // This kernel's message names whole shapes; concatShape checks the same
  // and adds up the axis.
  std::vector<Shape> shapes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Shape s = shapeOf(inputs[i]);
    bool ok = static_cast<int64_t>(s.size()) == rank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *ax || s[d] == first[d];
    if (!ok)
      return invalid(op, strCat("input ", i, " has shape ",
                                      shapeToString(s),
                                      ", which does not match input 0's ",
                                      shapeToString(first),
                                      " outside axis ", *ax));
    shapes.push_back(std::move(s));
  }
  absl::StatusOr<Shape> concatenated = concatShape(shapes, axis);
  if (!concatenated.ok())
    return invalid(op, concatenated.status());
  const Shape &outShape = *concatenated;
  if (absl::Status s = detail::reserveResult(op, outShape); !s.ok())
    return s;
  Tensor out = detail::uninitialized(outShape);
  int64_t outer = 1;
  for (int64_t d = 0; d < *ax; ++d)
    outer *= outShape[d];
  int64_t innerOut = out.size() == 0 ? 0 : static_cast<int64_t>(out.size()) / outer;
  int64_t offset = 0;
  for (const Tensor &t : inputs) {
    int64_t chunk = outer == 0 ? 0 : static_cast<int64_t>(t.size()) / outer;
    for (int64_t o = 0; o < outer && chunk > 0; ++o)
      std::memcpy(out.data() + o * innerOut + offset, t.data() + o * chunk,
                  sizeof(float) * chunk);
    offset += chunk;
  }
  return out;
}

absl::StatusOr<Tensor> slice(const Tensor &x, const std::vector<int64_t> &starts,
                             const std::vector<int64_t> &ends,
                             const std::vector<int64_t> &axes,
                             const std::vector<int64_t> &steps) {
  constexpr std::string_view op = "slice";
  Shape xs = shapeOf(x);
  int64_t rank = static_cast<int64_t>(xs.size());
  size_t n = starts.size();
  if (ends.size() != n || (!axes.empty() && axes.size() != n) ||
      (!steps.empty() && steps.size() != n))
    return invalid(op, strCat("starts ", listToString(starts),
                                    ", ends ", listToString(ends), ", axes ",
                                    listToString(axes), " and steps ",
                                    listToString(steps),
                                    " must have the same length"));
  std::vector<int64_t> start(rank, 0), step(rank, 1), count(xs);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < n; ++i) {
    int64_t a = axes.empty() ? static_cast<int64_t>(i) : axes[i];
    absl::StatusOr<int64_t> ax = detail::normalizeAxis(a, rank, op);
    if (!ax.ok())
      return ax.status();
    if (seen[*ax])
      return invalid(op, strCat("axis ", a, " appears twice in axes ",
                                      listToString(axes)));
    seen[*ax] = true;
    int64_t st = steps.empty() ? 1 : steps[i];
    if (st == 0)
      return invalid(op, strCat("step for axis ", a, " is 0"));
    absl::StatusOr<SliceAxis> taken = sliceAxis(xs[*ax], starts[i], ends[i], st);
    if (!taken.ok())
      return invalid(op, taken.status());
    count[*ax] = taken->count;
    start[*ax] = taken->start;
    step[*ax] = st;
  }
  if (absl::Status s = reserveGather(op, count); !s.ok())
    return s;
  std::vector<int64_t> inStrides = detail::rowMajorStrides(xs);
  std::vector<std::vector<int64_t>> maps(rank);
  for (int64_t d = 0; d < rank; ++d)
    for (int64_t i = 0; i < count[d]; ++i)
      maps[d].push_back((start[d] + i * step[d]) * inStrides[d]);
  return gather(x, count, maps, 0.0f);
}

absl::StatusOr<PadMode> parsePadMode(std::string_view mode) {
  if (mode == "constant")
    return PadMode::Constant;
  if (mode == "reflect")
    return PadMode::Reflect;
  if (mode == "edge")
    return PadMode::Edge;
  if (mode == "wrap")
    return PadMode::Wrap;
  return invalid("pad", strCat("unknown mode '", mode,
                                     "' (expected constant, reflect, edge or "
                                     "wrap)"));
}

absl::StatusOr<Tensor> pad(const Tensor &x, const std::vector<int64_t> &pads,
                           PadMode mode, float value) {
  constexpr std::string_view op = "pad";
  Shape xs = shapeOf(x);
  int64_t rank = static_cast<int64_t>(xs.size());
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return invalid(op, strCat("pads ", listToString(pads), " must have ",
                                    2 * rank, " values for shape ",
                                    shapeToString(xs)));
  std::vector<int64_t> inStrides = detail::rowMajorStrides(xs);
  Shape outShape(rank);
  std::vector<std::vector<int64_t>> maps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = xs[d], before = pads[d], after = pads[rank + d];
    if (__builtin_add_overflow(dim, before, &outShape[d]) ||
        __builtin_add_overflow(outShape[d], after, &outShape[d]))
      return invalid(op, strCat("pads ", listToString(pads),
                                " overflow dimension ", d, " of shape ",
                                shapeToString(xs)));
    if (outShape[d] < 0)
      return invalid(op, strCat("pads ", listToString(pads),
                                      " remove more than dimension ", d,
                                      " of shape ", shapeToString(xs)));
    bool grows = before > 0 || after > 0;
    if (mode != PadMode::Constant && grows && dim == 0)
      return invalid(op, strCat("cannot pad empty dimension ", d,
                                      " of shape ", shapeToString(xs),
                                      " in a non-constant mode"));
  }
  // The checks above word this kernel's messages; the shape is padShape's.
  absl::StatusOr<Shape> padded = padShape(xs, pads);
  if (!padded.ok())
    return invalid(op, padded.status());
  outShape = *padded;
  if (absl::Status s = reserveGather(op, outShape); !s.ok())
    return s;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = xs[d], before = pads[d];
    for (int64_t i = 0; i < outShape[d]; ++i) {
      int64_t src = i - before;
      if (src < 0 || src >= dim) {
        switch (mode) {
        case PadMode::Constant:
          src = -1;
          break;
        case PadMode::Edge:
          src = std::clamp<int64_t>(src, 0, dim - 1);
          break;
        case PadMode::Wrap:
          src = ((src % dim) + dim) % dim;
          break;
        case PadMode::Reflect: {
          if (dim == 1) {
            src = 0;
            break;
          }
          int64_t period = 2 * (dim - 1);
          src = ((src % period) + period) % period;
          if (src >= dim)
            src = period - src;
          break;
        }
        }
      }
      maps[d].push_back(src < 0 ? -1 : src * inStrides[d]);
    }
  }
  if (rank == 0)
    return Tensor(x);
  return gather(x, outShape, maps, value);
}

absl::StatusOr<ResizeMode> parseResizeMode(std::string_view mode) {
  if (mode == "nearest")
    return ResizeMode::Nearest;
  if (mode == "linear")
    return ResizeMode::Linear;
  return invalid("resize", strCat("unsupported mode '", mode,
                                        "' (expected nearest or linear)"));
}

absl::StatusOr<CoordinateTransformMode>
parseCoordinateTransformMode(std::string_view mode) {
  if (mode == "half_pixel")
    return CoordinateTransformMode::HalfPixel;
  if (mode == "asymmetric")
    return CoordinateTransformMode::Asymmetric;
  if (mode == "align_corners")
    return CoordinateTransformMode::AlignCorners;
  if (mode == "pytorch_half_pixel")
    return CoordinateTransformMode::PytorchHalfPixel;
  return invalid("resize",
                 strCat("unsupported coordinate_transformation_mode '",
                              mode,
                              "' (expected half_pixel, asymmetric, "
                              "align_corners or pytorch_half_pixel)"));
}

absl::StatusOr<NearestMode> parseNearestMode(std::string_view mode) {
  if (mode == "round_prefer_floor")
    return NearestMode::RoundPreferFloor;
  if (mode == "round_prefer_ceil")
    return NearestMode::RoundPreferCeil;
  if (mode == "floor")
    return NearestMode::Floor;
  if (mode == "ceil")
    return NearestMode::Ceil;
  return invalid("resize", strCat("unsupported nearest_mode '", mode,
                                        "' (expected round_prefer_floor, "
                                        "round_prefer_ceil, floor or ceil)"));
}

namespace {

/// Source coordinate of output index \p o (ONNX Resize, float arithmetic as
/// in ONNX Runtime).
float sourceCoordinate(int64_t o, float scale, int64_t inSize,
                       int64_t outSize, CoordinateTransformMode mode) {
  float x = static_cast<float>(o);
  switch (mode) {
  case CoordinateTransformMode::HalfPixel:
    return (x + 0.5f) / scale - 0.5f;
  case CoordinateTransformMode::Asymmetric:
    return x / scale;
  case CoordinateTransformMode::AlignCorners:
    return outSize == 1 ? 0.0f
                        : x * static_cast<float>(inSize - 1) /
                              static_cast<float>(outSize - 1);
  case CoordinateTransformMode::PytorchHalfPixel:
    return outSize > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
  }
  return 0.0f;
}

int64_t nearestIndex(float x, NearestMode mode, int64_t inSize) {
  float f = std::floor(x);
  float frac = x - f; // Exact.
  float r = f;
  switch (mode) {
  case NearestMode::Floor:
    r = f;
    break;
  case NearestMode::Ceil:
    r = std::ceil(x);
    break;
  case NearestMode::RoundPreferFloor:
    r = frac > 0.5f ? f + 1.0f : f;
    break;
  case NearestMode::RoundPreferCeil:
    r = frac >= 0.5f ? f + 1.0f : f;
    break;
  }
  if (!(r > 0.0f))
    return 0;
  if (r >= static_cast<float>(inSize - 1))
    return inSize - 1;
  return static_cast<int64_t>(r);
}

} // namespace

bool resizeScalesGiveSizes(const Shape &inShape, const Shape &outShape,
                           const std::vector<float> &scales) {
  if (scales.size() != 4 || inShape.size() != 4 || outShape.size() != 4 ||
      scales[0] != 1.0f || scales[1] != 1.0f)
    return false;
  for (size_t i = 2; i < 4; ++i) {
    absl::StatusOr<int64_t> size = resizedDimSize(inShape[i], scales[i]);
    if (!size.ok() || *size != outShape[i])
      return false;
  }
  return true;
}

absl::StatusOr<std::array<float, 2>>
resizeAxisScales(const Shape &xs, const Shape &outShape,
                 const std::vector<float> &scales) {
  constexpr std::string_view op = "resize";
  if (xs.size() != 4 || outShape.size() != 4)
    return invalid(op, strCat("input and output must be 4-D NCHW, got ",
                                    shapeToString(xs), " -> ",
                                    listToString(outShape)));
  if (outShape[0] != xs[0] || outShape[1] != xs[1])
    return invalid(op, strCat("only H and W may be resized: ",
                                    shapeToString(xs), " -> ",
                                    listToString(outShape)));
  if (!scales.empty() && scales.size() != 4)
    return invalid(op, strCat("scales must have 4 values, got ",
                                    scales.size()));
  std::array<float, 2> scale;
  for (int i = 0; i < 2; ++i) {
    int64_t in = xs[2 + i], out = outShape[2 + i];
    if (in < 1 || out < 1)
      return invalid(op, strCat("empty spatial size: ",
                                      shapeToString(xs), " -> ",
                                      listToString(outShape)));
    if (scales.empty()) {
      scale[i] = static_cast<float>(out) / static_cast<float>(in);
      continue;
    }
    scale[i] = scales[2 + i];
    absl::StatusOr<int64_t> size = resizedDimSize(in, scale[i]);
    if (!size.ok() || *size != out)
      return invalid(op, strCat("scale ", scale[i], " for axis ", 2 + i,
                                      " does not give output size ", out,
                                      " from input size ", in));
  }
  if (!scales.empty() && (scales[0] != 1.0f || scales[1] != 1.0f))
    return invalid(op, "scales for N and C must be 1");
  return scale;
}

std::vector<int64_t> resizeNearestIndices(int64_t outSize, int64_t inSize,
                                          float scale,
                                          CoordinateTransformMode ctm,
                                          NearestMode nearest) {
  std::vector<int64_t> idx(outSize);
  for (int64_t o = 0; o < outSize; ++o)
    idx[o] = nearestIndex(sourceCoordinate(o, scale, inSize, outSize, ctm),
                          nearest, inSize);
  return idx;
}

std::vector<ResizeTap> resizeLinearTaps(int64_t outSize, int64_t inSize,
                                        float scale,
                                        CoordinateTransformMode ctm) {
  std::vector<ResizeTap> t(outSize);
  for (int64_t o = 0; o < outSize; ++o) {
    float c = sourceCoordinate(o, scale, inSize, outSize, ctm);
    c = std::clamp(c, 0.0f, static_cast<float>(inSize - 1));
    int64_t i0 = std::min(static_cast<int64_t>(c), inSize - 1);
    int64_t i1 = std::min(i0 + 1, inSize - 1);
    float l = c - static_cast<float>(i0);
    t[o] = {i0, i1, 1.0f - l, l};
  }
  return t;
}

absl::StatusOr<Tensor> resize(const Tensor &x, const Shape &outShape,
                              const ResizeAttrs &attrs,
                              const std::vector<float> &scales) {
  constexpr std::string_view op = "resize";
  Shape xs = shapeOf(x);
  absl::StatusOr<std::array<float, 2>> scale =
      resizeAxisScales(xs, outShape, scales);
  if (!scale.ok())
    return scale.status();

  int64_t planes = xs[0] * xs[1], h = xs[2], w = xs[3];
  int64_t oh = outShape[2], ow = outShape[3];
  if (absl::Status s = detail::reserveResult(op, outShape); !s.ok())
    return s;
  Tensor out = detail::uninitialized(outShape);
  if (out.size() == 0)
    return out;

  if (attrs.mode == ResizeMode::Nearest) {
    std::vector<int64_t> ys = resizeNearestIndices(
        oh, h, (*scale)[0], attrs.coordinateTransformMode, attrs.nearestMode);
    std::vector<int64_t> xsrc = resizeNearestIndices(
        ow, w, (*scale)[1], attrs.coordinateTransformMode, attrs.nearestMode);
    for (int64_t p = 0; p < planes; ++p) {
      const float *src = x.data() + p * h * w;
      float *dst = out.data() + p * oh * ow;
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox)
          dst[oy * ow + ox] = src[ys[oy] * w + xsrc[ox]];
    }
    return out;
  }

  // Bilinear: per axis, two source indices and their weights.
  std::vector<ResizeTap> ty = resizeLinearTaps(
      oh, h, (*scale)[0], attrs.coordinateTransformMode);
  std::vector<ResizeTap> tx = resizeLinearTaps(
      ow, w, (*scale)[1], attrs.coordinateTransformMode);
  for (int64_t p = 0; p < planes; ++p) {
    const float *src = x.data() + p * h * w;
    float *dst = out.data() + p * oh * ow;
    for (int64_t oy = 0; oy < oh; ++oy) {
      const ResizeTap &a = ty[oy];
      const float *r0 = src + a.i0 * w, *r1 = src + a.i1 * w;
      for (int64_t ox = 0; ox < ow; ++ox) {
        const ResizeTap &b = tx[ox];
        dst[oy * ow + ox] = a.w0 * (b.w0 * r0[b.i0] + b.w1 * r0[b.i1]) +
                            a.w1 * (b.w0 * r1[b.i0] + b.w1 * r1[b.i1]);
      }
    }
  }
  return out;
}

} // namespace qc::ref
