//===- ImportComposite.cpp - ONNX ops imported as compositions -----------===//
//
// ONNX ops that are short compositions of qc ops, so that they need no op
// (and no kernel) of their own: DepthToSpace / SpaceToDepth (reshape,
// transpose, reshape), Tile (concat), Hardmax (arg_max == iota), OneHot
// (compare with an iota, select), IsNaN / IsInf (compare), Shrink (compare,
// select), EyeLike (a constant).
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"
#include "dialects/qc/IR/TensorSize.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

/// A constant i64 iota 0..count-1 laid out along dimension `at` of a tensor
/// of rank `rank` (count there, 1 elsewhere, leading dimensions dropped), so
/// that it broadcasts against a tensor with size 1 at `at`.
static FailureOr<Value> iotaAlong(Importer &im, const NodeRef &n,
                                  int64_t count, int64_t at, int64_t rank) {
  SmallVector<int64_t> shape(rank - at, 1);
  shape[0] = count;
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = i;
  return im.materializeAs(n, KnownTensor::ofInts(shape, std::move(values)),
                          im.b().getI64Type(), "iota");
}

/// A scalar constant of element type `elem`.
static FailureOr<Value> scalar(Importer &im, const NodeRef &n, double v,
                               Type elem) {
  KnownTensor k = isa<FloatType>(elem)
                      ? KnownTensor::ofFloats({}, {v})
                      : KnownTensor::ofInts({}, {static_cast<int64_t>(v)});
  return im.materializeAs(n, k, elem, "scalar");
}

/// The static dimensions of `v` (dimension 0 may be dynamic, as -1).
static FailureOr<SmallVector<int64_t>>
staticDims(Importer &im, const NodeRef &n, Value v, int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() != rank)
    return im.error(n) << "expects a rank-" << rank << " input, got "
                       << v.getType();
  SmallVector<int64_t> dims(type.getShape());
  for (int64_t i = 1; i < rank; ++i)
    if (ShapedType::isDynamic(dims[i]))
      return im.error(n) << "dimension " << i
                         << " of the input is dynamic; bind it with "
                            "--input-shape";
  if (ShapedType::isDynamic(dims[0]))
    dims[0] = -1;
  return dims;
}

LogicalResult Importer::importDepthSpace(const NodeRef &n) {
  bool toSpace = n.node.opType == "DepthToSpace";
  FailureOr<int64_t> b = intAttr(n, "blocksize", std::nullopt);
  FailureOr<std::string> mode = stringAttr(n, "mode", "DCR");
  if (failed(b) || failed(mode))
    return failure();
  if (*b <= 0 || *b > (1 << 20))
    return badAttr(n, "blocksize", Twine(*b)) << "; expected a positive size";
  if (toSpace && *mode != "DCR" && *mode != "CRD")
    return badAttr(n, "mode", "\"" + *mode + "\"")
           << "; expected \"DCR\" or \"CRD\"";
  FailureOr<Value> x = anyInput(n, 0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> d = staticDims(*this, n, *x, 4);
  if (failed(d))
    return failure();
  int64_t N = (*d)[0], C = (*d)[1], H = (*d)[2], W = (*d)[3], bs = *b;
  SmallVector<int64_t> split, perm, merged;
  if (toSpace) {
    if (C % (bs * bs) != 0)
      return error(n) << C << " channels are not a multiple of blocksize^2 = "
                      << bs * bs;
    if (*mode == "DCR") {
      split = {N, bs, bs, C / (bs * bs), H, W};
      perm = {0, 3, 4, 1, 5, 2};
    } else {
      split = {N, C / (bs * bs), bs, bs, H, W};
      perm = {0, 1, 4, 2, 5, 3};
    }
    merged = {N, C / (bs * bs), H * bs, W * bs};
  } else {
    if (H % bs != 0 || W % bs != 0)
      return error(n) << "the spatial size " << H << "x" << W
                      << " is not a multiple of the blocksize " << bs;
    split = {N, C, H / bs, bs, W / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    merged = {N, C * bs * bs, H / bs, W / bs};
  }
  FailureOr<Value> r = reshape(n, *x, split);
  if (failed(r))
    return failure();
  r = create<TransposeOp>(n, *r, {i64s("perm", perm)});
  if (failed(r))
    return failure();
  r = reshape(n, *r, merged);
  return setOutput(n, r);
}

LogicalResult Importer::importTile(const NodeRef &n) {
  FailureOr<SmallVector<int64_t>> repeats = requireInts(n, 1, "repeats");
  if (failed(repeats))
    return failure();
  FailureOr<Value> x = anyInput(n, 0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (static_cast<int64_t>(repeats->size()) != type.getRank())
    return error(n) << "repeats has " << repeats->size()
                    << " entries, but the input has rank " << type.getRank();
  SmallVector<int64_t> out(type.getShape());
  for (auto [i, r] : llvm::enumerate(*repeats)) {
    // (One qc.concat of r operands per axis.)
    if (r < 1 || r > 1024)
      return error(n) << "repeats[" << i << "] is " << r
                      << "; qc tiles 1 to 1024 times per axis";
    if (!ShapedType::isDynamic(out[i]))
      out[i] *= r;
  }
  std::string why;
  if (!checkTensorSize(out, 8, why))
    return error(n) << "the result " << shapeText(out) << " " << why;
  Value acc = *x;
  for (auto [i, r] : llvm::enumerate(*repeats)) {
    if (r == 1)
      continue;
    SmallVector<Value> copies(r, acc);
    FailureOr<Value> c = create<ConcatOp>(
        n, copies, {named("axis", b().getI64IntegerAttr(i))});
    if (failed(c))
      return failure();
    acc = *c;
  }
  setOutput(n, 0, acc);
  return success();
}

LogicalResult Importer::importHardmax(const NodeRef &n) {
  if (opset() < 13)
    return error(n) << "Hardmax before opset 13 (on the input flattened to "
                       "2-D) is not supported; the model imports opset "
                    << opset();
  FailureOr<int64_t> axis = intAttr(n, "axis", -1);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(axis) || failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (*axis < -rank || *axis >= rank)
    return error(n) << "axis " << *axis << " is out of range for rank "
                    << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (type.isDynamicDim(a))
    return error(n) << "dimension " << a
                    << " (the axis) is dynamic; bind it with --input-shape";
  // One-hot of the first maximum: arg_max (keepdims) == iota along the axis.
  FailureOr<Value> am = create<ArgMaxOp>(
      n, *x,
      {named("axis", b().getI64IntegerAttr(a)),
       named("keepdims", b().getBoolAttr(true)),
       named("select_last_index", b().getBoolAttr(false))});
  FailureOr<Value> iota = iotaAlong(*this, n, type.getDimSize(a), a, rank);
  if (failed(am) || failed(iota))
    return failure();
  FailureOr<Value> eq = create<CompareOp>(
      n, {*am, *iota}, {named("predicate", b().getStringAttr("eq"))});
  if (failed(eq))
    return failure();
  FailureOr<Value> y =
      create<CastOp>(n, *eq, {named("to", TypeAttr::get(b().getF32Type()))});
  if (failed(y))
    return failure();
  setOutput(n, 0, *y);
  return success();
}

LogicalResult Importer::importOneHot(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", -1);
  FailureOr<double> depthValue = requireScalar(n, 1, "depth");
  FailureOr<const KnownTensor *> values = requireKnown(n, 2, "values");
  if (failed(axis) || failed(depthValue) || failed(values))
    return failure();
  if ((*values)->numElements() != 2 || !(*values)->isFullyKnown())
    return error(n) << "values must hold two elements [off, on]";
  if (!(*depthValue >= 1 && *depthValue <= (1 << 20)))
    return error(n) << "depth is " << numberText(*depthValue)
                    << "; expected 1 to 2^20";
  int64_t depth = static_cast<int64_t>(*depthValue);
  // The output's element type is the values' (an initializer's ONNX type,
  // else what the importer holds: f32 for floats, i64 for integers).
  Type elem = (*values)->isFloat() ? Type(b().getF32Type())
                                   : Type(b().getI64Type());
  if (ValueEntry *e = lookup(n, 2); e && e->tensor)
    if (std::optional<Type> t = elementTypeOf(e->tensor->dataType))
      elem = *t;
  FailureOr<Value> idx = anyInput(n, 0);
  if (failed(idx))
    return failure();
  auto idxType = cast<RankedTensorType>(idx->getType());
  int64_t rank = idxType.getRank() + 1;
  if (*axis < -rank || *axis >= rank)
    return error(n) << "axis " << *axis << " is out of range for rank "
                    << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  // Indices as int64 (floats truncate), negative ones counted from depth.
  Value i64 = *idx;
  if (!idxType.getElementType().isInteger(64)) {
    FailureOr<Value> c = create<CastOp>(
        n, *idx, {named("to", TypeAttr::get(b().getI64Type()))});
    if (failed(c))
      return failure();
    i64 = *c;
  }
  FailureOr<Value> zero = scalar(*this, n, 0, b().getI64Type());
  FailureOr<Value> d = scalar(*this, n, depth, b().getI64Type());
  if (failed(zero) || failed(d))
    return failure();
  FailureOr<Value> negative = create<CompareOp>(
      n, {i64, *zero}, {named("predicate", b().getStringAttr("lt"))});
  FailureOr<Value> wrapped = arith(n, "add", i64, *d);
  if (failed(negative) || failed(wrapped))
    return failure();
  FailureOr<Value> index = create<SelectOp>(n, {*negative, *wrapped, i64});
  if (failed(index))
    return failure();
  // Unsqueeze at the axis, compare with the iota along it.
  SmallVector<int64_t> shape(idxType.getShape());
  for (int64_t &s : shape)
    if (ShapedType::isDynamic(s))
      return error(n) << "the indices have a dynamic shape "
                      << shapeText(idxType.getShape())
                      << "; bind it with --input-shape";
  shape.insert(shape.begin() + a, 1);
  FailureOr<Value> u = reshape(n, *index, shape);
  FailureOr<Value> iota = iotaAlong(*this, n, depth, a, rank);
  if (failed(u) || failed(iota))
    return failure();
  FailureOr<Value> hot = create<CompareOp>(
      n, {*u, *iota}, {named("predicate", b().getStringAttr("eq"))});
  FailureOr<Value> off =
      scalar(*this, n, (*values)->asDouble(0), elem);
  FailureOr<Value> on = scalar(*this, n, (*values)->asDouble(1), elem);
  if (failed(hot) || failed(off) || failed(on))
    return failure();
  FailureOr<Value> y = create<SelectOp>(n, {*hot, *on, *off});
  if (failed(y))
    return failure();
  setOutput(n, 0, *y);
  return success();
}

LogicalResult Importer::importIsNaNIsInf(const NodeRef &n) {
  FailureOr<Value> x = anyInput(n, 0);
  if (failed(x))
    return failure();
  Type elem = cast<RankedTensorType>(x->getType()).getElementType();
  if (!elem.isF32() && !elem.isF64())
    return error(n) << "input #0 must be a float tensor, got " << x->getType();
  FailureOr<Value> r = failure();
  if (n.node.opType == "IsNaN") {
    // x != x exactly for NaN.
    FailureOr<Value> same = create<CompareOp>(
        n, {*x, *x}, {named("predicate", b().getStringAttr("eq"))});
    if (failed(same))
      return failure();
    r = create<NotOp>(n, *same);
  } else {
    FailureOr<int64_t> neg = flagAttr(n, "detect_negative", 1);
    FailureOr<int64_t> pos = flagAttr(n, "detect_positive", 1);
    if (failed(neg) || failed(pos))
      return failure();
    double inf = std::numeric_limits<double>::infinity();
    SmallVector<Value, 2> hits;
    for (auto [on, v] : {std::make_pair(*pos, inf), std::make_pair(*neg, -inf)}) {
      if (!on)
        continue;
      FailureOr<Value> c = scalar(*this, n, v, elem);
      if (failed(c))
        return failure();
      FailureOr<Value> eq = create<CompareOp>(
          n, {*x, *c}, {named("predicate", b().getStringAttr("eq"))});
      if (failed(eq))
        return failure();
      hits.push_back(*eq);
    }
    if (hits.empty()) {
      // Neither sign detected: all false (x < x never holds).
      r = create<CompareOp>(n, {*x, *x},
                            {named("predicate", b().getStringAttr("lt"))});
    } else if (hits.size() == 1) {
      r = hits[0];
    } else {
      r = create<LogicalOp>(n, {hits[0], hits[1]},
                            {named("kind", b().getStringAttr("or"))});
    }
  }
  return setOutput(n, r);
}

LogicalResult Importer::importShrink(const NodeRef &n) {
  FailureOr<float> lambd = finiteFloatAttr(n, "lambd", 0.5f);
  FailureOr<float> bias = finiteFloatAttr(n, "bias", 0.0f);
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(lambd) || failed(bias) || failed(x))
    return failure();
  // y = x + bias where x < -lambd, x - bias where x > lambd, else 0.
  Type f32 = b().getF32Type();
  FailureOr<Value> lo = scalar(*this, n, -*lambd, f32);
  FailureOr<Value> hi = scalar(*this, n, *lambd, f32);
  FailureOr<Value> bv = scalar(*this, n, *bias, f32);
  FailureOr<Value> zero = scalar(*this, n, 0.0, f32);
  if (failed(lo) || failed(hi) || failed(bv) || failed(zero))
    return failure();
  FailureOr<Value> below = create<CompareOp>(
      n, {*x, *lo}, {named("predicate", b().getStringAttr("lt"))});
  FailureOr<Value> above = create<CompareOp>(
      n, {*x, *hi}, {named("predicate", b().getStringAttr("gt"))});
  FailureOr<Value> plus = create<AddOp>(n, {*x, *bv});
  FailureOr<Value> minus = create<SubOp>(n, {*x, *bv});
  if (failed(below) || failed(above) || failed(plus) || failed(minus))
    return failure();
  FailureOr<Value> inner = create<SelectOp>(n, {*above, *minus, *zero});
  if (failed(inner))
    return failure();
  FailureOr<Value> y = create<SelectOp>(n, {*below, *plus, *inner});
  if (failed(y))
    return failure();
  setOutput(n, 0, *y);
  return success();
}

LogicalResult Importer::importEyeLike(const NodeRef &n) {
  FailureOr<int64_t> k = intAttr(n, "k", 0);
  if (failed(k))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  if (shape->size() != 2 || ShapedType::isDynamic((*shape)[0]) ||
      ShapedType::isDynamic((*shape)[1]))
    return error(n) << "expects a static 2-D input, got " << shapeText(*shape);
  int64_t rows = (*shape)[0], cols = (*shape)[1];
  if (elementCount(*shape) > kMaxKnownElements)
    return error(n) << "the result " << shapeText(*shape) << " has more than "
                    << kMaxKnownElements
                    << " elements, which qc evaluates at import time";
  // The output type: `dtype`, else the input's.
  int32_t dtype = 0;
  if (attr(n, "dtype")) {
    FailureOr<int64_t> d = intAttr(n, "dtype", std::nullopt);
    if (failed(d))
      return failure();
    dtype = static_cast<int32_t>(*d);
  }
  bool isFloat;
  if (dtype != 0) {
    std::optional<Type> t = elementTypeOf(dtype);
    if (!t)
      return badAttr(n, "dtype", onnxDataTypeName(dtype));
    isFloat = isa<FloatType>(*t);
  } else {
    Type in = runtimeElementType(n, {0});
    const KnownTensor *kn = known(n, 0);
    isFloat = in ? isa<FloatType>(in) : (kn && kn->isFloat());
  }
  std::vector<int64_t> ints(rows * cols, 0);
  for (int64_t r = 0; r < rows; ++r) {
    __int128 c = static_cast<__int128>(r) + *k;
    if (c >= 0 && c < cols)
      ints[r * cols + static_cast<int64_t>(c)] = 1;
  }
  if (isFloat) {
    std::vector<double> f(ints.begin(), ints.end());
    setKnown(n, 0, KnownTensor::ofFloats(*shape, std::move(f)));
  } else {
    setKnown(n, 0, KnownTensor::ofInts(*shape, std::move(ints)));
  }
  return success();
}

LogicalResult Importer::importGlobalMaxPool(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank < 3)
    return error(n) << "the input must have rank >= 3 (N, C, spatial...), "
                       "got "
                    << rank;
  // The maximum over the spatial dimensions, kept as size 1.
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  return setOutput(
      n, create<ReduceMaxOp>(
             n, *x,
             {i64s("axes", axes), named("keepdims", b().getBoolAttr(true))}));
}

LogicalResult Importer::importInstanceNormalization(const NodeRef &n) {
  FailureOr<float> epsilon = finiteFloatAttr(n, "epsilon", 1e-5f, 0.0f);
  if (failed(epsilon))
    return failure();
  if (failed(checkFiniteConstant(n, 1, "scale")) ||
      failed(checkFiniteConstant(n, 2, "bias")))
    return failure();
  FailureOr<Value> x = floatInput(n, 0);
  FailureOr<Value> scale = floatInput(n, 1);
  FailureOr<Value> bias = floatInput(n, 2);
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (rank < 3 || type.isDynamicDim(1))
    return error(n) << "expects an input (N, C, spatial...) with a static C, "
                       "got "
                    << x->getType();
  int64_t c = type.getDimSize(1);
  // y = (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c], mean and var
  // over the spatial dimensions of each (n, c).
  SmallVector<int64_t> axes, perChannel = {c};
  for (int64_t i = 2; i < rank; ++i) {
    axes.push_back(i);
    perChannel.push_back(1);
  }
  SmallVector<NamedAttribute> reduceAttrs = {
      i64s("axes", axes), named("keepdims", b().getBoolAttr(true))};
  FailureOr<Value> mean = create<ReduceMeanOp>(n, *x, reduceAttrs);
  if (failed(mean))
    return failure();
  FailureOr<Value> dev = create<SubOp>(n, {*x, *mean});
  if (failed(dev))
    return failure();
  FailureOr<Value> sq = create<MulOp>(n, {*dev, *dev});
  if (failed(sq))
    return failure();
  FailureOr<Value> var = create<ReduceMeanOp>(n, *sq, reduceAttrs);
  FailureOr<Value> eps = makeConstant(n, {}, {*epsilon}, "epsilon");
  if (failed(var) || failed(eps))
    return failure();
  FailureOr<Value> sum = create<AddOp>(n, {*var, *eps});
  if (failed(sum))
    return failure();
  FailureOr<Value> stdDev = create<SqrtOp>(n, *sum);
  if (failed(stdDev))
    return failure();
  FailureOr<Value> normalized = create<DivOp>(n, {*dev, *stdDev});
  FailureOr<Value> s = reshape(n, *scale, perChannel);
  FailureOr<Value> bb = reshape(n, *bias, perChannel);
  if (failed(normalized) || failed(s) || failed(bb))
    return failure();
  FailureOr<Value> scaled = create<MulOp>(n, {*normalized, *s});
  if (failed(scaled))
    return failure();
  FailureOr<Value> y = create<AddOp>(n, {*scaled, *bb});
  if (failed(y))
    return failure();
  setOutput(n, 0, *y);
  return success();
}
