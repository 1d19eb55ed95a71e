//===- ImportNN.cpp - convolution, matmul, norms, activations, pooling ----===//
#include "compiler/importer/ImporterImpl.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/TensorSize.h"
#include "support/Shapes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

/// An INTS attribute describing the spatial axes (strides, dilations,
/// kernel_shape, output_padding, ...) in its 2-D form (`count` entries);
/// `dflt` (2-D form) when absent. A 1-D op (`oneD`: a rank-3 input) has
/// half the entries and gains a leading unit axis: [k] becomes [1, k], pads
/// [b, e] become [0, b, 0, e] (see addUnitHeight).
FailureOr<SmallVector<int64_t>> spatialInts(Importer &imp, const NodeRef &n,
                                            StringRef name,
                                            ArrayRef<int64_t> dflt,
                                            size_t count = 2,
                                            bool oneD = false) {
  FailureOr<std::optional<SmallVector<int64_t>>> v = imp.intsAttr(n, name);
  if (failed(v))
    return failure();
  if (!*v) {
    if (dflt.empty())
      return imp.error(n) << "required attribute '" << name << "' is missing";
    return SmallVector<int64_t>(dflt);
  }
  size_t expected = oneD ? count / 2 : count;
  if ((*v)->size() != expected)
    return imp.error(n) << "attribute '" << name << "' must have " << expected
                        << (expected == 1 ? " entry (" : " entries (")
                        << (oneD ? "a 1-D" : "a 2-D")
                        << " op: rank-" << (oneD ? 3 : 4)
                        << " input), got " << (*v)->size();
  // Paddings may be 0; kernel sizes, strides and dilations must be positive.
  bool isPadding = name == "pads" || name == "output_padding";
  for (int64_t e : **v)
    if (e < (isPadding ? 0 : 1))
      return imp.error(n) << "attribute '" << name << "' has entry " << e
                          << "; expected "
                          << (isPadding ? "non-negative" : "positive")
                          << " entries";
  if (!oneD)
    return **v;
  // The unit height: kernel, stride and dilation 1, no padding.
  int64_t unit = isPadding ? 0 : 1;
  const SmallVector<int64_t> &e = **v;
  if (count == 4) // [begin, end] of each axis
    return SmallVector<int64_t>{unit, e[0], unit, e[1]};
  return SmallVector<int64_t>{unit, e[0]};
}

/// Whether `v` is a 1-D spatial input (N, C, L); otherwise it must be 2-D
/// (N, C, H, W), which is what qc's windowed ops take.
FailureOr<bool> spatialRank(Importer &imp, const NodeRef &n, Value v,
                            StringRef what) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  if (rank != 3 && rank != 4)
    return imp.error(n) << "qc supports 1-D and 2-D " << what
                        << " only (a rank-3 NCL or rank-4 NCHW input), got a "
                           "rank-"
                        << rank << " input";
  return rank == 3;
}

/// 1-D convolution and pooling run as their 2-D ops over a unit height:
/// (N, C, L) becomes (N, C, 1, L). The shapes keep their dynamic
/// dimensions.
FailureOr<Value> addUnitHeight(Importer &imp, const NodeRef &n, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  return imp.reshapeKeepingDims(
      n, v, {t.getDimSize(0), t.getDimSize(1), 1, t.getDimSize(2)},
      {0, 1, -1, 2});
}

/// A 1-D op's constant weight (O, I, K) as (O, I, 1, K), made a constant
/// here so that the BatchNorm folding, which runs before constants are
/// folded, sees it; any other weight is reshaped like an input.
FailureOr<Value> weightWithUnitHeight(Importer &imp, const NodeRef &n,
                                      Value w) {
  auto t = cast<RankedTensorType>(w.getType());
  if (auto cst = w.getDefiningOp<ConstantOp>(); cst && t.hasStaticShape()) {
    FailureOr<std::vector<float>> values =
        getConstantValues<float>(cst.getValue());
    if (succeeded(values))
      return imp.makeConstant(
          n, {t.getDimSize(0), t.getDimSize(1), 1, t.getDimSize(2)}, *values,
          n.node.inputs[1]);
  }
  return addUnitHeight(imp, n, w);
}

/// The input and weight of a Conv / ConvTranspose (`what`) in their 2-D
/// form: a 1-D op's (rank-3) operands gain the unit height. Returns whether
/// the op is 1-D.
FailureOr<bool> convOperands2D(Importer &imp, const NodeRef &n,
                               FailureOr<Value> &x, FailureOr<Value> &w,
                               StringRef what) {
  FailureOr<bool> oneD = spatialRank(imp, n, *x, what);
  if (failed(oneD))
    return failure();
  int64_t xRank = *oneD ? 3 : 4;
  int64_t wRank = cast<RankedTensorType>(w->getType()).getRank();
  if (wRank != xRank)
    return imp.error(n) << "the weight must have the input's rank " << xRank
                        << ", got rank " << wRank;
  if (*oneD) {
    x = addUnitHeight(imp, n, *x);
    w = weightWithUnitHeight(imp, n, *w);
    if (failed(x) || failed(w))
      return failure();
  }
  return oneD;
}

/// The 2-D op's (N, C, 1, L) result back to (N, C, L).
FailureOr<Value> dropUnitHeight(Importer &imp, const NodeRef &n,
                                FailureOr<Value> v) {
  if (failed(v))
    return failure();
  auto t = cast<RankedTensorType>(v->getType());
  return imp.reshapeKeepingDims(
      n, *v, {t.getDimSize(0), t.getDimSize(1), t.getDimSize(3)}, {0, 1, 3});
}

/// Fails unless `t` is a 4-D (NCHW) tensor.
LogicalResult require4D(Importer &imp, const NodeRef &n, Value v,
                        StringRef what) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  if (rank != 4)
    return imp.error(n) << "qc supports 2-D " << what
                        << " only (a 4-D NCHW input), got a rank-" << rank
                        << " input";
  return success();
}

/// Turns `auto_pad` into explicit [top, left, bottom, right] pads for a
/// windowed op (Conv, MaxPool, AveragePool). NOTSET keeps `pads`.
LogicalResult resolveAutoPad(Importer &imp, const NodeRef &n,
                             RankedTensorType in, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> dilations,
                             SmallVectorImpl<int64_t> &pads) {
  FailureOr<std::string> autoPad =
      imp.stringAttr(n, "auto_pad", StringRef("NOTSET"));
  if (failed(autoPad))
    return failure();
  if (*autoPad == "NOTSET")
    return success();
  if (*autoPad == "VALID") {
    pads.assign(4, 0);
    return success();
  }
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return imp.badAttr(n, "auto_pad", "\"" + *autoPad + "\"")
           << "; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID";
  pads.assign(4, 0);
  for (int i = 0; i < 2; ++i) {
    int64_t size = in.getDimSize(2 + i);
    if (ShapedType::isDynamic(size))
      return imp.error(n) << "auto_pad " << *autoPad
                          << " needs static spatial dimensions, but "
                             "dimension "
                          << 2 + i
                          << " of the input is dynamic; bind it with "
                             "--input-shape";
    // out = ceil(size / stride); total = (out - 1) * stride + span - size.
    int64_t out = size / strides[i] + (size % strides[i] != 0);
    std::optional<int64_t> span = checkedMul(kernel[i] - 1, dilations[i]);
    std::optional<int64_t> covered = checkedMul(out - 1, strides[i]);
    std::optional<int64_t> total =
        span && covered ? checkedAdd(*covered, *span + 1) : std::nullopt;
    if (!total)
      return imp.error(n) << "auto_pad " << *autoPad << " with kernel "
                          << kernel[i] << ", stride " << strides[i]
                          << " and dilation " << dilations[i]
                          << " overflows 64-bit sizes";
    *total = std::max<int64_t>(0, *total - size);
    int64_t small = *total / 2, large = *total - small;
    pads[i] = *autoPad == "SAME_UPPER" ? small : large;
    pads[i + 2] = *autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

FloatAttr f32(Builder &b, double v) {
  return b.getF32FloatAttr(static_cast<float>(v));
}
} // namespace

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

LogicalResult Importer::importConv(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0), w = floatInput(n, 1);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<bool> oneD = convOperands2D(*this, n, x, w, "convolution");
  if (failed(oneD))
    return failure();
  auto wType = cast<RankedTensorType>(w->getType());
  SmallVector<int64_t> wKernel = {wType.getDimSize(2), wType.getDimSize(3)};
  auto kernel = spatialInts(*this, n, "kernel_shape", wKernel, 2, *oneD);
  auto strides = spatialInts(*this, n, "strides", {1, 1}, 2, *oneD);
  auto dilations = spatialInts(*this, n, "dilations", {1, 1}, 2, *oneD);
  auto pads = spatialInts(*this, n, "pads", {0, 0, 0, 0}, 4, *oneD);
  FailureOr<int64_t> group = intAttr(n, "group", 1);
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(group))
    return failure();
  if (*kernel != ArrayRef<int64_t>(wKernel))
    return error(n) << "attribute 'kernel_shape' [" << (*kernel)[0] << ","
                    << (*kernel)[1] << "] does not match the weight's ["
                    << wKernel[0] << "," << wKernel[1] << "]";
  if (failed(checkFiniteConstant(n, 1, "weight")) ||
      failed(checkFiniteConstant(n, 2, "bias")))
    return failure();
  if (failed(resolveAutoPad(*this, n, cast<RankedTensorType>(x->getType()),
                            *kernel, *strides, *dilations, *pads)))
    return failure();
  SmallVector<Value> operands = {*x, *w};
  if (hasInput(n, 2)) {
    FailureOr<Value> bias = floatInput(n, 2);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  FailureOr<Value> y =
      create<Conv2dOp>(n, operands,
                       {i64s("strides", *strides), i64s("pads", *pads),
                        i64s("dilations", *dilations),
                        named("groups", b().getI64IntegerAttr(*group))});
  return setOutput(n, *oneD ? dropUnitHeight(*this, n, y) : y);
}

LogicalResult Importer::importConvTranspose(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0), w = floatInput(n, 1);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<bool> oneD =
      convOperands2D(*this, n, x, w, "transposed convolution");
  if (failed(oneD))
    return failure();
  auto wType = cast<RankedTensorType>(w->getType());
  auto xType = cast<RankedTensorType>(x->getType());
  SmallVector<int64_t> wKernel = {wType.getDimSize(2), wType.getDimSize(3)};
  auto kernel = spatialInts(*this, n, "kernel_shape", wKernel, 2, *oneD);
  auto strides = spatialInts(*this, n, "strides", {1, 1}, 2, *oneD);
  auto dilations = spatialInts(*this, n, "dilations", {1, 1}, 2, *oneD);
  auto pads = spatialInts(*this, n, "pads", {0, 0, 0, 0}, 4, *oneD);
  auto outPad = spatialInts(*this, n, "output_padding", {0, 0}, 2, *oneD);
  FailureOr<int64_t> group = intAttr(n, "group", 1);
  FailureOr<std::string> autoPad =
      stringAttr(n, "auto_pad", StringRef("NOTSET"));
  FailureOr<std::optional<SmallVector<int64_t>>> outShape =
      intsAttr(n, "output_shape");
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(outPad) || failed(group) || failed(autoPad) || failed(outShape))
    return failure();
  if (*kernel != ArrayRef<int64_t>(wKernel))
    return error(n) << "attribute 'kernel_shape' does not match the weight";
  if (failed(checkFiniteConstant(n, 1, "weight")) ||
      failed(checkFiniteConstant(n, 2, "bias")))
    return failure();
  if (*autoPad != "NOTSET" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER" && *autoPad != "VALID")
    return badAttr(n, "auto_pad", "\"" + *autoPad + "\"")
           << "; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID";
  if (*autoPad == "VALID")
    pads->assign(4, 0);
  // output_shape, or SAME padding, fixes the output size; the padding that
  // yields it is split as ONNX Runtime does (the extra one goes to the end
  // for SAME_UPPER, to the beginning otherwise).
  std::optional<SmallVector<int64_t>> target;
  if (*outShape) {
    // The spatial sizes, optionally preceded by N and C.
    SmallVector<int64_t> s = **outShape;
    size_t spatial = *oneD ? 1 : 2;
    if (s.size() == spatial + 2)
      s.erase(s.begin(), s.begin() + 2);
    if (s.size() != spatial)
      return error(n) << "attribute 'output_shape' must have " << spatial
                      << " entries, got " << (*outShape)->size();
    if (*oneD)
      s.insert(s.begin(), 1);
    for (int64_t d : s)
      if (d <= 0)
        return error(n) << "attribute 'output_shape' has entry " << d
                        << "; expected positive entries";
    target = s;
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    target = SmallVector<int64_t>{kDyn, kDyn};
    for (int i = 0; i < 2; ++i) {
      if (xType.isDynamicDim(2 + i))
        continue;
      std::optional<int64_t> t =
          checkedMul(xType.getDimSize(2 + i), (*strides)[i]);
      if (!t)
        return error(n) << "attribute 'strides' entry " << (*strides)[i]
                        << " makes a SAME-padded output that overflows "
                           "64-bit sizes";
      (*target)[i] = *t;
    }
  }
  if (target) {
    for (int i = 0; i < 2; ++i) {
      int64_t in = xType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic((*target)[i]))
        return error(n) << "output_shape / SAME padding needs static spatial "
                           "input dimensions; bind them with --input-shape";
      // full = strides * (in - 1) + output_padding + (k - 1) * dil + 1
      std::optional<int64_t> full = checkedMul((*strides)[i], in - 1);
      std::optional<int64_t> span =
          checkedMul((*kernel)[i] - 1, (*dilations)[i]);
      full = full && span ? checkedAdd(*full, *span) : std::nullopt;
      full = full ? checkedAdd(*full, (*outPad)[i]) : full;
      full = full ? checkedAdd(*full, 1) : full;
      if (!full)
        return error(n) << "attributes 'strides', 'dilations' and "
                           "'output_padding' make an output size that "
                           "overflows 64-bit sizes";
      int64_t total = *full - (*target)[i];
      if (total < 0)
        return error(n) << "the requested output size " << (*target)[i]
                        << " exceeds the " << *full
                        << " the transposed convolution produces";
      int64_t small = total / 2, large = total - small;
      (*pads)[i] = *autoPad == "SAME_UPPER" ? small : large;
      (*pads)[i + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
  }
  SmallVector<Value> operands = {*x, *w};
  if (hasInput(n, 2)) {
    FailureOr<Value> bias = floatInput(n, 2);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  FailureOr<Value> y = create<ConvTranspose2dOp>(
      n, operands,
      {i64s("strides", *strides), i64s("pads", *pads),
       i64s("dilations", *dilations),
       named("groups", b().getI64IntegerAttr(*group)),
       i64s("output_padding", *outPad)});
  return setOutput(n, *oneD ? dropUnitHeight(*this, n, y) : y);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

LogicalResult Importer::importGemm(const NodeRef &n) {
  FailureOr<float> alpha = finiteFloatAttr(n, "alpha", 1.0f);
  FailureOr<float> beta = finiteFloatAttr(n, "beta", 1.0f);
  FailureOr<int64_t> transA = flagAttr(n, "transA", 0);
  FailureOr<int64_t> transB = flagAttr(n, "transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  if (failed(checkFiniteConstant(n, 1, "B")) ||
      failed(checkFiniteConstant(n, 2, "C")))
    return failure();
  FailureOr<Value> a = floatInput(n, 0);
  if (failed(a))
    return failure();
  auto aType = cast<RankedTensorType>(a->getType());
  if (aType.getRank() != 2)
    return error(n) << "input A must be 2-D, got rank " << aType.getRank();
  if (*transA) {
    FailureOr<Value> t = create<TransposeOp>(n, *a, {i64s("perm", {1, 0})});
    if (failed(t))
      return failure();
    a = t;
  }

  // B as a [N, K] weight: a constant B is transposed and scaled by alpha
  // here, so the product is a qc.linear whenever B is a constant.
  Value weight;
  bool alphaApplied = false;
  SmallVector<int64_t> bShape;
  std::vector<float> bData;
  if (constantFloats(n, 1, bShape, bData) && bShape.size() == 2 &&
      (!*transB || *alpha != 1.0f)) {
    int64_t rows = bShape[0], cols = bShape[1];
    std::vector<float> w(bData.size());
    if (*transB) {
      for (size_t i = 0; i < w.size(); ++i)
        w[i] = bData[i] * *alpha;
    } else {
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          w[c * rows + r] = bData[r * cols + c] * *alpha;
      std::swap(rows, cols);
    }
    FailureOr<Value> c =
        makeConstant(n, {rows, cols}, w, n.node.inputs[1] + "_nk");
    if (failed(c))
      return failure();
    weight = *c;
    alphaApplied = true;
  } else if (*transB && *alpha == 1.0f) {
    FailureOr<Value> bv = floatInput(n, 1);
    if (failed(bv))
      return failure();
    if (cast<RankedTensorType>(bv->getType()).getRank() != 2)
      return error(n) << "input B must be 2-D";
    weight = *bv;
    alphaApplied = true;
  }

  // C: a 1-D bias of N entries (after beta) fits qc.linear; anything else
  // is added after the product.
  Value bias, addend;
  bool useC = hasInput(n, 2) && *beta != 0.0f;
  int64_t nOut =
      weight ? cast<RankedTensorType>(weight.getType()).getDimSize(0) : kDyn;
  if (useC) {
    SmallVector<int64_t> cShape;
    std::vector<float> cData;
    if (constantFloats(n, 2, cShape, cData)) {
      for (float &v : cData)
        v *= *beta;
      int64_t count = static_cast<int64_t>(cData.size());
      bool isVector =
          !ShapedType::isDynamic(nOut) && count == nOut &&
          (cShape.size() == 1 || (cShape.size() == 2 && cShape[0] == 1));
      if (isVector && weight) {
        FailureOr<Value> c = makeConstant(n, {nOut}, cData, n.node.inputs[2]);
        if (failed(c))
          return failure();
        bias = *c;
      } else {
        FailureOr<Value> c = makeConstant(n, cShape, cData, n.node.inputs[2]);
        if (failed(c))
          return failure();
        addend = *c;
      }
    } else {
      FailureOr<Value> c = floatInput(n, 2);
      if (failed(c))
        return failure();
      auto cType = cast<RankedTensorType>(c->getType());
      if (*beta == 1.0f && weight && cType.getRank() == 1 &&
          cType.getDimSize(0) == nOut) {
        bias = *c;
      } else {
        addend = *c;
        if (*beta != 1.0f) {
          FailureOr<Value> s = makeConstant(n, {}, {*beta}, "beta");
          FailureOr<Value> m =
              failed(s) ? s : create<MulOp>(n, ValueRange{*c, *s});
          if (failed(m))
            return failure();
          addend = *m;
        }
      }
    }
  }

  Value result;
  if (weight) {
    SmallVector<Value> operands = {*a, weight};
    if (bias)
      operands.push_back(bias);
    FailureOr<Value> r = create<LinearOp>(n, operands);
    if (failed(r))
      return failure();
    result = *r;
  } else {
    FailureOr<Value> bv = floatInput(n, 1);
    if (failed(bv))
      return failure();
    Value rhs = *bv;
    if (*transB) {
      FailureOr<Value> t = create<TransposeOp>(n, rhs, {i64s("perm", {1, 0})});
      if (failed(t))
        return failure();
      rhs = *t;
    }
    FailureOr<Value> r = create<MatmulOp>(n, ValueRange{*a, rhs});
    if (failed(r))
      return failure();
    result = *r;
  }
  if (!alphaApplied && *alpha != 1.0f) {
    FailureOr<Value> s = makeConstant(n, {}, {*alpha}, "alpha");
    FailureOr<Value> m =
        failed(s) ? s : create<MulOp>(n, ValueRange{result, *s});
    if (failed(m))
      return failure();
    result = *m;
  }
  if (addend) {
    FailureOr<Value> r = create<AddOp>(n, ValueRange{result, addend});
    if (failed(r))
      return failure();
    result = *r;
  }
  setOutput(n, 0, result);
  return success();
}

LogicalResult Importer::importMatMul(const NodeRef &n) {
  FailureOr<Value> a = floatInput(n, 0);
  if (failed(a))
    return failure();
  // A constant 2-D right-hand side is a weight: x @ W becomes
  // qc.linear(x, Wᵀ), PyTorch's nn.Linear (which exports MatMul for inputs
  // of rank > 2). A following Add of a constant vector becomes its bias
  // (fuseLinearBias).
  SmallVector<int64_t> bShape;
  std::vector<float> bData;
  if (failed(checkFiniteConstant(n, 1, "right-hand side")))
    return failure();
  if (cast<RankedTensorType>(a->getType()).getRank() >= 2 &&
      constantFloats(n, 1, bShape, bData) && bShape.size() == 2) {
    int64_t k = bShape[0], cols = bShape[1];
    std::vector<float> w(bData.size());
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < cols; ++c)
        w[c * k + r] = bData[r * cols + c];
    FailureOr<Value> c =
        makeConstant(n, {cols, k}, w, n.node.inputs[1] + "_nk");
    if (failed(c))
      return failure();
    return setOutput(n, create<LinearOp>(n, ValueRange{*a, *c}));
  }
  FailureOr<Value> bv = floatInput(n, 1);
  if (failed(bv))
    return failure();
  return setOutput(n, create<MatmulOp>(n, ValueRange{*a, *bv}));
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult Importer::importBatchNormalization(const NodeRef &n) {
  FailureOr<float> epsilon = finiteFloatAttr(n, "epsilon", 1e-5f, 0.0f);
  FailureOr<int64_t> training = flagAttr(n, "training_mode", 0);
  if (failed(epsilon) || failed(training))
    return failure();
  if (failed(checkFiniteConstant(n, 1, "scale")) ||
      failed(checkFiniteConstant(n, 2, "bias")) ||
      failed(checkFiniteConstant(n, 3, "mean")) ||
      failed(checkFiniteConstant(n, 4, "var", /*nonNegative=*/true)))
    return failure();
  if (*training)
    return badAttr(n, "training_mode", Twine(*training))
           << "; qc imports inference graphs";
  if (failed(rejectUsedOutputs(n, 1,
                               "qc imports inference BatchNormalization "
                               "(no running statistics outputs)")))
    return failure();
  SmallVector<Value> operands;
  for (size_t i = 0; i < 5; ++i) {
    FailureOr<Value> v = floatInput(n, i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  return setOutput(n, create<BatchNormOp>(
                          n, operands, {named("epsilon", f32(b(), *epsilon))}));
}

LogicalResult Importer::importLayerNormalization(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", -1);
  FailureOr<float> epsilon = finiteFloatAttr(n, "epsilon", 1e-5f, 0.0f);
  if (failed(axis) || failed(epsilon))
    return failure();
  if (failed(checkFiniteConstant(n, 1, "scale")) ||
      failed(checkFiniteConstant(n, 2, "bias")))
    return failure();
  SmallVector<Value> operands;
  for (size_t i = 0; i < 3; ++i) {
    if (i == 2 && !hasInput(n, 2))
      break;
    FailureOr<Value> v = floatInput(n, i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  FailureOr<Value> r =
      create<LayerNormOp>(n, operands,
                          {named("axis", b().getI64IntegerAttr(*axis)),
                           named("epsilon", f32(b(), *epsilon))});
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  if (!outputUsed(n, 1) && !outputUsed(n, 2))
    return success();
  // Mean and InvStdDev (training outputs, kept dimensions of size 1):
  // mean = ReduceMean(x), var = ReduceMean((x - mean)^2) over [axis, rank),
  // inv_std_dev = 1 / sqrt(var + epsilon), as ONNX's reference computes them.
  Value x = operands[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  SmallVector<int64_t> axes;
  for (int64_t d = a; d < rank; ++d)
    axes.push_back(d);
  SmallVector<NamedAttribute> reduceAttrs = {
      i64s("axes", axes), named("keepdims", b().getBoolAttr(true))};
  FailureOr<Value> mean = create<ReduceMeanOp>(n, x, reduceAttrs);
  if (failed(mean))
    return failure();
  FailureOr<Value> dev = create<SubOp>(n, {x, *mean});
  if (failed(dev))
    return failure();
  FailureOr<Value> sq = create<MulOp>(n, {*dev, *dev});
  if (failed(sq))
    return failure();
  FailureOr<Value> var = create<ReduceMeanOp>(n, *sq, reduceAttrs);
  if (failed(var))
    return failure();
  FailureOr<Value> eps = makeConstant(n, {}, {*epsilon}, "epsilon");
  if (failed(eps))
    return failure();
  FailureOr<Value> sum = create<AddOp>(n, {*var, *eps});
  if (failed(sum))
    return failure();
  FailureOr<Value> stdDev = create<SqrtOp>(n, *sum);
  if (failed(stdDev))
    return failure();
  FailureOr<Value> inv = create<ReciprocalOp>(n, *stdDev);
  if (failed(inv))
    return failure();
  setOutput(n, 1, *mean);
  setOutput(n, 2, *inv);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult Importer::importUnary(const NodeRef &n) {
  StringRef op = n.node.opType;
  if (op == "Neg")
    if (const KnownTensor *k = known(n, 0); k && k->isFullyKnown()) {
      // A shape value's negation (ONNX's function bodies, e.g. the expanded
      // LayerNormalization's NumReducedAxes).
      KnownTensor r = *k;
      for (double &v : r.floats)
        v = -v;
      if (r.kind == KnownTensor::Kind::Int)
        for (int64_t &v : r.ints)
          v = static_cast<int64_t>(0ull - static_cast<uint64_t>(v));
      if (r.kind != KnownTensor::Kind::Bool) {
        setKnown(n, 0, std::move(r));
        return success();
      }
    }
  if (op == "Sqrt")
    if (const KnownTensor *k = known(n, 0); k && k->isFloat()) {
      KnownTensor r = *k;
      for (double &v : r.floats)
        v = std::sqrt(v);
      setKnown(n, 0, std::move(r));
      return success();
    }
  if (op == "Relu")
    if (ValueEntry *e = lookup(n, 0);
        e && e->value &&
        isa<IntegerType>(getElementTypeOrSelf(e->value.getType())))
      return importIntegerClamp(n, e->value, 0.0,
                                std::numeric_limits<double>::infinity());
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> r = failure();
  if (op == "Relu")
    r = create<ReluOp>(n, *x);
  else if (op == "Sigmoid")
    r = create<SigmoidOp>(n, *x);
  else if (op == "Tanh")
    r = create<TanhOp>(n, *x);
  else if (op == "Erf")
    r = create<ErfOp>(n, *x);
  else if (op == "Sqrt")
    r = create<SqrtOp>(n, *x);
  else if (op == "HardSwish")
    r = create<HardswishOp>(n, *x);
  else if (op == "Abs")
    r = create<AbsOp>(n, *x);
  else if (op == "Neg")
    r = create<NegOp>(n, *x);
  else if (op == "Exp")
    r = create<ExpOp>(n, *x);
  else if (op == "Log")
    r = create<LogOp>(n, *x);
  else if (op == "Reciprocal")
    r = create<ReciprocalOp>(n, *x);
  else if (op == "Floor")
    r = create<FloorOp>(n, *x);
  else if (op == "Ceil")
    r = create<CeilOp>(n, *x);
  else if (op == "Round")
    r = create<RoundOp>(n, *x);
  else if (op == "Sign")
    r = create<SignOp>(n, *x);
  else if (op == "Sin")
    r = create<SinOp>(n, *x);
  else if (op == "Cos")
    r = create<CosOp>(n, *x);
  else if (op == "Tan")
    r = create<TanOp>(n, *x);
  else if (op == "Asin")
    r = create<AsinOp>(n, *x);
  else if (op == "Acos")
    r = create<AcosOp>(n, *x);
  else if (op == "Atan")
    r = create<AtanOp>(n, *x);
  else if (op == "Sinh")
    r = create<SinhOp>(n, *x);
  else if (op == "Cosh")
    r = create<CoshOp>(n, *x);
  else if (op == "Asinh")
    r = create<AsinhOp>(n, *x);
  else if (op == "Acosh")
    r = create<AcoshOp>(n, *x);
  else if (op == "Atanh")
    r = create<AtanhOp>(n, *x);
  else if (op == "Softplus")
    r = create<SoftplusOp>(n, *x);
  else if (op == "Softsign")
    r = create<SoftsignOp>(n, *x);
  else
    return error(n) << "internal error: no unary mapping";
  return setOutput(n, r);
}

LogicalResult Importer::importClip(const NodeRef &n) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  if (opset() < 11) {
    FailureOr<float> mn = floatAttr(n, "min", -INFINITY);
    FailureOr<float> mx = floatAttr(n, "max", INFINITY);
    if (failed(mn) || failed(mx))
      return failure();
    lo = *mn;
    hi = *mx;
  } else {
    if (attr(n, "min") || attr(n, "max"))
      return error(n) << "attributes 'min'/'max' were replaced by inputs in "
                         "opset 11 (the model imports opset "
                      << opset() << ")";
    if (hasInput(n, 1)) {
      FailureOr<double> v = requireScalar(n, 1, "min");
      if (failed(v))
        return failure();
      lo = *v;
    }
    if (hasInput(n, 2)) {
      FailureOr<double> v = requireScalar(n, 2, "max");
      if (failed(v))
        return failure();
      hi = *v;
    }
  }
  // A quantized tensor (or an integer constant, which is refused there).
  if (ValueEntry *e = lookup(n, 0);
      e && e->value &&
      isa<IntegerType>(getElementTypeOrSelf(e->value.getType())) &&
      (e->value.getDefiningOp<QuantizeOp>() || !runtimeElementType(n, {0})))
    return importIntegerClamp(n, e->value, lo, hi);
  if (Type t = runtimeElementType(n, {0}); t && !t.isF32()) {
    // Integer / f64 tensors: max(x, min) then min(., max), with the bounds
    // given (ONNX's defaults are the type's own limits: no clamp).
    FailureOr<Value> x = anyInput(n, 0);
    if (failed(x))
      return failure();
    Value acc = *x;
    for (auto [i, kind] : {std::make_pair(size_t(1), "max"),
                           std::make_pair(size_t(2), "min")}) {
      if (opset() < 11 || !hasInput(n, i))
        continue;
      FailureOr<Value> bound = typedInput(n, i, t);
      if (failed(bound))
        return failure();
      FailureOr<Value> r = arith(n, kind, acc, *bound);
      if (failed(r))
        return failure();
      acc = *r;
    }
    if (opset() < 11 && (std::isfinite(lo) || std::isfinite(hi)))
      return error(n) << "Clip of " << t
                      << " tensors with 'min' / 'max' attributes (opset < 11) "
                         "is not supported";
    setOutput(n, 0, acc);
    return success();
  }
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  return setOutput(
      n, create<ClampOp>(
             n, *x, {named("min", f32(b(), lo)), named("max", f32(b(), hi))}));
}

LogicalResult Importer::importHardSigmoid(const NodeRef &n) {
  FailureOr<float> alpha = finiteFloatAttr(n, "alpha", 0.2f);
  FailureOr<float> beta = finiteFloatAttr(n, "beta", 0.5f);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(alpha) || failed(beta) || failed(x))
    return failure();
  return setOutput(n, create<HardsigmoidOp>(n, *x,
                                            {named("alpha", f32(b(), *alpha)),
                                             named("beta", f32(b(), *beta))}));
}

LogicalResult Importer::importGelu(const NodeRef &n) {
  FailureOr<std::string> approximate =
      stringAttr(n, "approximate", StringRef("none"));
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(approximate) || failed(x))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return badAttr(n, "approximate", "\"" + *approximate + "\"")
           << "; expected none or tanh";
  return setOutput(
      n, create<GeluOp>(
             n, *x, {named("approximate", b().getStringAttr(*approximate))}));
}

LogicalResult Importer::importSoftmax(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", opset() < 13 ? 1 : -1);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(axis) || failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (*axis < -rank || *axis >= rank)
    return error(n) << "axis " << *axis << " is out of range for rank " << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  bool isLog = n.node.opType == "LogSoftmax";
  auto softmax = [&](Value v, int64_t ax) {
    NamedAttribute axisAttr = named("axis", b().getI64IntegerAttr(ax));
    return isLog ? create<LogSoftmaxOp>(n, v, {axisAttr})
                 : create<SoftmaxOp>(n, v, {axisAttr});
  };
  if (opset() >= 13 || a == rank - 1) {
    return setOutput(n, softmax(*x, opset() >= 13 ? *axis : -1));
  }
  // Before opset 13, Softmax normalizes over all of [axis, rank) at once:
  // flatten to 2-D at the axis, softmax the last axis, restore the shape.
  FailureOr<Value> flat =
      create<FlattenOp>(n, *x, {named("axis", b().getI64IntegerAttr(a))});
  FailureOr<Value> s = failed(flat) ? flat : softmax(*flat, 1);
  if (failed(s))
    return failure();
  SmallVector<int64_t> copyOf;
  for (int64_t i = 0; i < rank; ++i)
    copyOf.push_back(type.isDynamicDim(i) ? -1 : i);
  return setOutput(n, reshapeKeepingDims(n, *s, type.getShape(), copyOf));
}

LogicalResult Importer::importAlphaActivation(const NodeRef &n) {
  StringRef op = n.node.opType;
  float defaultAlpha = op == "LeakyRelu" ? 0.01f
                       : op == "Selu"    ? 1.67326319217681884765625f
                                         : 1.0f;
  FailureOr<float> alpha = finiteFloatAttr(n, "alpha", defaultAlpha);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(alpha) || failed(x))
    return failure();
  if (op == "Celu" && *alpha == 0.0f)
    return badAttr(n, "alpha", "0") << "; Celu divides by alpha";
  NamedAttribute alphaAttr = named("alpha", f32(b(), *alpha));
  FailureOr<Value> r = failure();
  if (op == "LeakyRelu")
    r = create<LeakyReluOp>(n, *x, {alphaAttr});
  else if (op == "ThresholdedRelu")
    r = create<ThresholdedReluOp>(n, *x, {alphaAttr});
  else if (op == "Elu")
    r = create<EluOp>(n, *x, {alphaAttr});
  else if (op == "Celu")
    r = create<CeluOp>(n, *x, {alphaAttr});
  else {
    FailureOr<float> gamma =
        finiteFloatAttr(n, "gamma", 1.05070102214813232421875f);
    if (failed(gamma))
      return failure();
    r = create<SeluOp>(n, *x, {alphaAttr, named("gamma", f32(b(), *gamma))});
  }
  return setOutput(n, r);
}

LogicalResult Importer::importPRelu(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0);
  FailureOr<Value> slope = failed(x) ? x : floatInput(n, 1);
  if (failed(slope))
    return failure();
  return setOutput(n, create<PReluOp>(n, SmallVector<Value, 2>{*x, *slope}));
}

LogicalResult Importer::importVariadic(const NodeRef &n) {
  StringRef op = n.node.opType;
  if (n.node.inputs.empty())
    return error(n) << "needs at least one input";
  SmallVector<size_t> all;
  for (size_t i = 0; i < n.node.inputs.size(); ++i)
    all.push_back(i);
  if (Type t = runtimeElementType(n, all); t && !t.isF32())
    return importTypedVariadic(n, t);
  FailureOr<Value> acc = floatInput(n, 0);
  if (failed(acc))
    return failure();
  for (size_t i = 1; i < n.node.inputs.size(); ++i) {
    FailureOr<Value> next = floatInput(n, i);
    if (failed(next))
      return failure();
    SmallVector<Value, 2> operands = {*acc, *next};
    acc = op == "Max"   ? create<MaxOp>(n, operands)
          : op == "Min" ? create<MinOp>(n, operands)
                        : create<AddOp>(n, operands);
    if (failed(acc))
      return failure();
  }
  if (op == "Mean" && n.node.inputs.size() > 1) {
    // sum / count, as ONNX defines Mean.
    auto type = RankedTensorType::get({}, b().getF32Type());
    auto attr = DenseElementsAttr::get(
        type, b().getF32FloatAttr(static_cast<float>(n.node.inputs.size())));
    FailureOr<Value> count = create<ConstantOp>(n, {}, {named("value", attr)});
    if (failed(count))
      return failure();
    acc = create<DivOp>(n, SmallVector<Value, 2>{*acc, *count});
    if (failed(acc))
      return failure();
  }
  setOutput(n, 0, *acc);
  return success();
}

LogicalResult Importer::importBinary(const NodeRef &n) {
  StringRef op = n.node.opType;
  const KnownTensor *l = known(n, 0), *r = known(n, 1);
  FailureOr<SmallVector<int64_t>> folded =
      l && r ? broadcastShapes(l->shape, r->shape)
             : FailureOr<SmallVector<int64_t>>(failure());
  // Large results are computed by the IR (qc-simplify may fold them).
  if (l && r &&
      (failed(folded) || elementCount(*folded) <= kMaxKnownElements)) {
    BinaryFold kind = op == "Add"   ? BinaryFold::Add
                      : op == "Sub" ? BinaryFold::Sub
                      : op == "Mul" ? BinaryFold::Mul
                      : op == "Div" ? BinaryFold::Div
                                    : BinaryFold::Pow;
    std::string message;
    FailureOr<KnownTensor> out = foldBinary(kind, *l, *r, message);
    if (failed(out))
      return error(n) << message;
    setKnown(n, 0, std::move(*out));
    return success();
  }
  // Integer and f64 tensors: qc.arith (the base's type for Pow, whose
  // exponent has its own).
  if (Type t = op == "Pow" ? runtimeElementType(n, {0})
                           : runtimeElementType(n, {0, 1});
      t && !t.isF32())
    return importTypedBinary(n, t);
  FailureOr<Value> lhs = floatInput(n, 0);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = failure();
  if (Type e = runtimeElementType(n, {1});
      op == "Pow" && e && !e.isF32()) {
    // A run-time exponent of another type, converted to f32.
    rhs = anyInput(n, 1);
    if (succeeded(rhs))
      rhs = create<CastOp>(n, *rhs,
                           {named("to", TypeAttr::get(b().getF32Type()))});
  } else if (op == "Pow" && r && !r->isFloat()) {
    // Pow's exponent may have its own (integer) type.
    std::string message;
    FailureOr<KnownTensor> asFloat =
        foldCast(*r, static_cast<int32_t>(OnnxDataType::Float), message);
    if (failed(asFloat))
      return error(n) << "the exponent: " << message;
    rhs = materialize(n, *asFloat, n.node.inputs[1]);
  } else {
    rhs = floatInput(n, 1);
  }
  if (failed(rhs))
    return failure();
  SmallVector<Value, 2> operands = {*lhs, *rhs};
  FailureOr<Value> res = op == "Add"   ? create<AddOp>(n, operands)
                         : op == "Sub" ? create<SubOp>(n, operands)
                         : op == "Mul" ? create<MulOp>(n, operands)
                         : op == "Div" ? create<DivOp>(n, operands)
                                       : create<PowOp>(n, operands);
  if (failed(res))
    return failure();
  setOutput(n, 0, *res);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

LogicalResult Importer::importPool(const NodeRef &n) {
  bool isMax = n.node.opType == "MaxPool";
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  FailureOr<bool> oneD = spatialRank(*this, n, *x, "pooling");
  if (failed(oneD))
    return failure();
  if (*oneD && failed(x = addUnitHeight(*this, n, *x)))
    return failure();
  auto kernel = spatialInts(*this, n, "kernel_shape", {}, 2, *oneD);
  auto strides = spatialInts(*this, n, "strides", {1, 1}, 2, *oneD);
  auto dilations = spatialInts(*this, n, "dilations", {1, 1}, 2, *oneD);
  auto pads = spatialInts(*this, n, "pads", {0, 0, 0, 0}, 4, *oneD);
  FailureOr<int64_t> ceilMode = flagAttr(n, "ceil_mode", 0);
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(ceilMode))
    return failure();
  if (failed(resolveAutoPad(*this, n, cast<RankedTensorType>(x->getType()),
                            *kernel, *strides, *dilations, *pads)))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      i64s("kernel", *kernel), i64s("strides", *strides), i64s("pads", *pads),
      named("ceil_mode", b().getBoolAttr(*ceilMode != 0))};
  FailureOr<Value> r = failure();
  if (isMax) {
    FailureOr<int64_t> order = intAttr(n, "storage_order", 0);
    if (failed(order))
      return failure();
    if (*order != 0)
      return badAttr(n, "storage_order", Twine(*order))
             << "; qc supports row-major (0) only";
    if (failed(rejectUsedOutputs(n, 1,
                                 "qc's MaxPool does not compute the "
                                 "Indices output")))
      return failure();
    attrs.push_back(i64s("dilations", *dilations));
    r = create<MaxPool2dOp>(n, *x, attrs);
  } else {
    if (llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
      return badAttr(n, "dilations",
                     "[" + Twine((*dilations)[0]) + "," +
                         Twine((*dilations)[1]) + "]")
             << "; qc's average pooling has no dilation";
    FailureOr<int64_t> include = flagAttr(n, "count_include_pad", 0);
    if (failed(include))
      return failure();
    attrs.push_back(named("count_include_pad", b().getBoolAttr(*include != 0)));
    r = create<AvgPool2dOp>(n, *x, attrs);
  }
  return setOutput(n, *oneD ? dropUnitHeight(*this, n, r) : r);
}

LogicalResult Importer::importGlobalAveragePool(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank < 3)
    return error(n) << "the input must have rank >= 3 (N, C, spatial...), "
                       "got "
                    << rank;
  FailureOr<Value> r = failure();
  if (rank == 4) {
    r = create<GlobalAvgPool2dOp>(n, *x);
  } else {
    SmallVector<int64_t> axes;
    for (int64_t i = 2; i < rank; ++i)
      axes.push_back(i);
    r = create<ReduceMeanOp>(
        n, *x, {i64s("axes", axes), named("keepdims", b().getBoolAttr(true))});
  }
  return setOutput(n, r);
}

LogicalResult Importer::importReduce(const NodeRef &n) {
  StringRef op = n.node.opType;
  // The opset where `axes` became an input (ReduceSum 13, the others 18).
  int64_t axesInput = op == "ReduceSum" ? 13 : 18;
  FailureOr<int64_t> keepdims = flagAttr(n, "keepdims", 1);
  FailureOr<int64_t> noop = flagAttr(n, "noop_with_empty_axes", 0);
  if (failed(keepdims) || failed(noop))
    return failure();
  std::optional<SmallVector<int64_t>> axes;
  if (opset() < axesInput) {
    auto a = intsAttr(n, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    if (attr(n, "axes"))
      return error(n) << "attribute 'axes' was replaced by an input in "
                         "opset "
                      << axesInput << " (the model imports opset "
                      << opset() << ")";
    if (hasInput(n, 1)) {
      auto a = requireInts(n, 1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  }
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  if ((!axes || axes->empty()) && *noop) {
    setOutput(n, 0, *x);
    return success();
  }
  SmallVector<int64_t> list = axes ? *axes : SmallVector<int64_t>();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  for (int64_t &a : list) {
    if (a < -rank || a >= rank)
      return error(n) << (opset() < axesInput ? "attribute 'axes'" : "the axes (input #1)")
                      << " has axis " << a << ", out of range for rank "
                      << rank;
    if (a < 0)
      a += rank;
  }
  SmallVector<NamedAttribute> attrs = {
      i64s("axes", list), named("keepdims", b().getBoolAttr(*keepdims != 0))};
  using Create = FailureOr<Value> (Importer::*)(const NodeRef &, ValueRange,
                                                ArrayRef<NamedAttribute>);
  Create create =
      llvm::StringSwitch<Create>(op)
          .Case("ReduceMean", &Importer::create<ReduceMeanOp>)
          .Case("ReduceMax", &Importer::create<ReduceMaxOp>)
          .Case("ReduceMin", &Importer::create<ReduceMinOp>)
          .Case("ReduceSum", &Importer::create<ReduceSumOp>)
          .Case("ReduceProd", &Importer::create<ReduceProdOp>)
          .Case("ReduceSumSquare", &Importer::create<ReduceSumSquareOp>)
          .Case("ReduceL1", &Importer::create<ReduceL1Op>)
          .Case("ReduceL2", &Importer::create<ReduceL2Op>)
          .Case("ReduceLogSum", &Importer::create<ReduceLogSumOp>)
          .Case("ReduceLogSumExp", &Importer::create<ReduceLogSumExpOp>)
          .Default(nullptr);
  if (!create)
    return error(n) << "internal error: no reduction mapping";
  return setOutput(n, (this->*create)(n, *x, attrs));
}

LogicalResult Importer::importArgExtreme(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", 0);
  FailureOr<int64_t> keepdims = flagAttr(n, "keepdims", 1);
  FailureOr<int64_t> last = flagAttr(n, "select_last_index", 0);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(axis) || failed(keepdims) || failed(last) || failed(x))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      named("axis", b().getI64IntegerAttr(*axis)),
      named("keepdims", b().getBoolAttr(*keepdims != 0)),
      named("select_last_index", b().getBoolAttr(*last != 0))};
  return setOutput(n, n.node.opType == "ArgMax"
                          ? create<ArgMaxOp>(n, *x, attrs)
                          : create<ArgMinOp>(n, *x, attrs));
}

//===----------------------------------------------------------------------===//
// Resize / Upsample
//===----------------------------------------------------------------------===//

LogicalResult Importer::importResize(const NodeRef &n) {
  bool upsample = n.node.opType == "Upsample";
  // Upsample and Resize-10 have only X and scales, and map output to input
  // coordinates as `asymmetric` with floor rounding for nearest.
  bool legacy = upsample || opset() < 11;
  FailureOr<std::string> mode = stringAttr(n, "mode", StringRef("nearest"));
  if (failed(mode))
    return failure();
  std::string ctm = "asymmetric", nearest = "floor";
  if (*mode == "bilinear" && upsample)
    *mode = "linear";
  if (*mode == "cubic")
    return badAttr(n, "mode", "\"cubic\"")
           << "; qc resizes with nearest or linear interpolation";
  if (*mode != "nearest" && *mode != "linear")
    return badAttr(n, "mode", "\"" + *mode + "\"")
           << "; expected nearest or linear";
  if (!legacy) {
    FailureOr<std::string> c = stringAttr(n, "coordinate_transformation_mode",
                                          StringRef("half_pixel"));
    FailureOr<std::string> nm =
        stringAttr(n, "nearest_mode", StringRef("round_prefer_floor"));
    FailureOr<int64_t> antialias = flagAttr(n, "antialias", 0);
    FailureOr<std::string> policy =
        stringAttr(n, "keep_aspect_ratio_policy", StringRef("stretch"));
    if (failed(c) || failed(nm) || failed(antialias) || failed(policy))
      return failure();
    ctm = *c;
    nearest = *nm;
    if (ctm != "half_pixel" && ctm != "pytorch_half_pixel" &&
        ctm != "align_corners" && ctm != "asymmetric")
      return badAttr(n, "coordinate_transformation_mode", "\"" + ctm + "\"")
             << "; expected half_pixel, pytorch_half_pixel, align_corners or "
                "asymmetric";
    if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" &&
        nearest != "floor" && nearest != "ceil")
      return badAttr(n, "nearest_mode", "\"" + nearest + "\"")
             << "; expected round_prefer_floor, round_prefer_ceil, floor or "
                "ceil";
    if (*antialias && *mode != "nearest")
      return badAttr(n, "antialias", Twine(*antialias))
             << "; qc does not antialias";
    if (*policy != "stretch")
      return badAttr(n, "keep_aspect_ratio_policy", "\"" + *policy + "\"")
             << "; qc supports stretch only";
  }
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  if (failed(require4D(*this, n, *x, "resizing")))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());

  // Scales or sizes, for all four dimensions.
  size_t scalesIdx = legacy ? 1 : 2, sizesIdx = 3;
  auto present = [&](size_t i) {
    if (!hasInput(n, i))
      return false;
    const KnownTensor *k = known(n, i);
    return !k || k->numElements() > 0; // an empty tensor means "not given"
  };
  std::optional<SmallVector<int64_t>> axes;
  if (!legacy && opset() >= 18) {
    auto a = intsAttr(n, "axes");
    if (failed(a))
      return failure();
    axes = *a;
    if (axes) {
      SmallVector<bool> seen(4, false);
      for (int64_t &ax : *axes) {
        if (ax < -4 || ax >= 4)
          return error(n) << "axis " << ax << " is out of range for rank 4";
        if (ax < 0)
          ax += 4;
        if (seen[ax])
          return badAttr(n, "axes", shapeText(*axes)) << " (axis " << ax
                                                      << " is repeated)";
        seen[ax] = true;
      }
    }
  }
  auto spread = [&](ArrayRef<double> given,
                    double fill) -> FailureOr<SmallVector<double>> {
    size_t expected = axes ? axes->size() : 4;
    if (given.size() != expected)
      return error(n) << "expected " << expected << " scales or sizes, got "
                      << given.size();
    if (!axes)
      return SmallVector<double>(given);
    SmallVector<double> all(4, fill);
    for (size_t i = 0; i < axes->size(); ++i)
      all[(*axes)[i]] = given[i];
    return all;
  };
  SmallVector<int64_t> sizes(4);
  SmallVector<float> scales(4);
  bool hasSizes = !legacy && present(sizesIdx);
  if (hasSizes) {
    if (present(scalesIdx))
      return error(n) << "only one of scales and sizes may be given";
    auto s = requireInts(n, sizesIdx, "sizes");
    if (failed(s))
      return failure();
    for (int64_t d : *s)
      if (d <= 0)
        return error(n) << "the sizes (input #" << sizesIdx << ", '"
                        << n.node.inputs[sizesIdx] << "') have entry " << d
                        << "; expected positive sizes";
    // Sizes are kept as integers (a double would round 2^63 - 1 up).
    SmallVector<int64_t> all(4, -1);
    if (axes) {
      if (s->size() != axes->size())
        return error(n) << "expected " << axes->size()
                        << " scales or sizes, got " << s->size();
      for (size_t i = 0; i < axes->size(); ++i)
        all[(*axes)[i]] = (*s)[i];
    } else if (s->size() != 4) {
      return error(n) << "expected 4 scales or sizes, got " << s->size();
    } else {
      all.assign(s->begin(), s->end());
    }
    for (int i = 0; i < 4; ++i) {
      int64_t in = type.getDimSize(i);
      int64_t out = all[i] < 0 ? in : all[i];
      if (i >= 2 && (ShapedType::isDynamic(in) || ShapedType::isDynamic(out)))
        return error(n) << "resizing needs static spatial dimensions; bind "
                           "them with --input-shape";
      sizes[i] = out;
      scales[i] = ShapedType::isDynamic(in) || in == 0
                      ? 1.0f
                      : static_cast<float>(static_cast<double>(out) / in);
    }
  } else {
    if (!present(scalesIdx))
      return error(n) << "either scales or sizes must be given";
    FailureOr<const KnownTensor *> k = requireKnown(n, scalesIdx, "scales");
    if (failed(k))
      return failure();
    if (!(*k)->isFloat())
      return error(n) << "scales must be floats";
    auto all = spread((*k)->floats, 1.0);
    if (failed(all))
      return failure();
    for (int i = 0; i < 4; ++i) {
      double s = (*all)[i];
      if (!(s > 0))
        return error(n) << "scales must be positive, got " << numberText(s);
      int64_t in = type.getDimSize(i);
      if (!ShapedType::isDynamic(in) && in * s > double(kMaxTensorBytes))
        return error(n) << "scale " << numberText(s) << " makes dimension "
                        << i << " too large (" << in << " x " << numberText(s)
                        << ")";
      scales[i] = static_cast<float>(s);
      if (ShapedType::isDynamic(in)) {
        if (i >= 2)
          return error(n) << "resizing needs static spatial dimensions; bind "
                             "them with --input-shape";
        sizes[i] = kDyn;
        continue;
      }
      // floor(in * scale) in f32 (support/Shapes.h).
      absl::StatusOr<int64_t> size = ::qc::resizedDimSize(in, scales[i]);
      if (!size.ok())
        return error(n) << std::string(size.status().message());
      sizes[i] = *size;
    }
  }
  {
    SmallVector<int64_t> outShape;
    for (int i = 0; i < 4; ++i)
      outShape.push_back(i < 2 ? type.getDimSize(i) : sizes[i]);
    std::string why;
    if (!checkTensorSize(outShape, 4, why))
      return error(n) << "the " << (hasSizes ? "sizes" : "scales") << " ("
                      << (hasSizes ? "input #3" : (legacy ? "input #1" : "input #2"))
                      << ") make an output of shape " << shapeText(outShape)
                      << ", which " << why;
  }
  for (int i = 0; i < 2; ++i) {
    int64_t in = type.getDimSize(i);
    if (sizes[i] != in && !(ShapedType::isDynamic(in) && scales[i] == 1.0f))
      return error(n) << "resizing the batch or channel dimension is not "
                         "supported (dimension "
                      << i << ": scale " << scales[i] << ")";
    sizes[i] = ShapedType::isDynamic(in) ? -1 : in;
    scales[i] = 1.0f;
  }
  return setOutput(
      n, create<ResizeOp>(
             n, *x,
             {i64s("sizes", sizes),
              named("scales", b().getDenseF32ArrayAttr(scales)),
              named("mode", b().getStringAttr(*mode)),
              named("coordinate_transformation_mode", b().getStringAttr(ctm)),
              named("nearest_mode", b().getStringAttr(nearest))}));
}
