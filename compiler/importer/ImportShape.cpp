//===- ImportShape.cpp - constants, data movement, shape sub-graphs -------===//
//
// Converters for the ops exporters use to compute shapes (Shape, Gather,
// Cast, Range, ConstantOfShape, Concat, (Un)Squeeze, Slice, arithmetic,
// Equal, Where, Expand) and for data movement (Reshape, Flatten,
// Transpose, Pad). When every input is known at import time the node is
// evaluated (KnownTensor folds) and never reaches the IR; otherwise the
// data-movement ops become qc ops, and the rest report that the value is
// computed at run time.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include "dialects/qc/IR/TensorSize.h"
#include "support/Shapes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

/// Normalizes `axes` against `rank`; fails on out-of-range or repeated axes.
LogicalResult normalizeAxes(Importer &imp, const NodeRef &n,
                            SmallVectorImpl<int64_t> &axes, int64_t rank,
                            StringRef what = "axis") {
  SmallVector<bool> seen(rank, false);
  for (int64_t &a : axes) {
    if (a < -rank || a >= rank)
      return imp.error(n) << what << " " << a << " is out of range for rank "
                          << rank;
    if (a < 0)
      a += rank;
    if (seen[a])
      return imp.error(n) << what << " " << a << " is repeated";
    seen[a] = true;
  }
  return success();
}

/// The axes of (Un)Squeeze / ReduceMean style ops: an attribute before
/// `inputOpset`, the optional input #1 from then on.
FailureOr<std::optional<SmallVector<int64_t>>>
axesOperand(Importer &imp, const NodeRef &n, int64_t inputOpset) {
  if (imp.opset() < inputOpset)
    return imp.intsAttr(n, "axes");
  if (imp.attr(n, "axes"))
    return imp.error(n) << "attribute 'axes' was replaced by an input in "
                           "opset "
                        << inputOpset << " (the model imports opset "
                        << imp.opset() << ")";
  if (!imp.hasInput(n, 1))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = imp.requireInts(n, 1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}
} // namespace

LogicalResult Importer::importConstant(const NodeRef &n) {
  if (n.node.attributes.size() != 1)
    return error(n) << "expected exactly one value attribute, got "
                    << n.node.attributes.size();
  const OnnxAttribute &a = n.node.attributes.front();
  using K = OnnxAttribute::Kind;
  StringRef name = a.name;
  auto expect = [&](K kind) -> LogicalResult {
    if (a.kind == kind)
      return success();
    return error(n) << "attribute '" << name << "' must be "
                    << onnxAttributeKindName(kind) << ", got "
                    << onnxAttributeKindName(a.kind);
  };
  const std::string &out = n.node.outputs.empty() ? "" : n.node.outputs[0];
  if (name == "value") {
    if (failed(expect(K::Tensor)))
      return failure();
    int64_t size = onnxDataTypeSize(a.tensor->dataType);
    if (size == 0)
      return error(n) << "a constant of element type "
                      << onnxDataTypeName(a.tensor->dataType)
                      << " is not supported";
    if (!out.empty())
      values[out] = ValueEntry{Value(), std::nullopt, a.tensor.get()};
    return success();
  }
  if (name == "value_float" || name == "value_floats") {
    if (failed(expect(name == "value_float" ? K::Float : K::Floats)))
      return failure();
    if (name == "value_float")
      setKnown(n, 0, KnownTensor::ofFloats({}, {a.f}));
    else
      setKnown(n, 0,
               KnownTensor::ofFloats(
                   {static_cast<int64_t>(a.floats.size())},
                   std::vector<double>(a.floats.begin(), a.floats.end())));
    return success();
  }
  if (name == "value_int" || name == "value_ints") {
    if (failed(expect(name == "value_int" ? K::Int : K::Ints)))
      return failure();
    if (name == "value_int")
      setKnown(n, 0, KnownTensor::ofInts({}, {a.i}));
    else
      setKnown(n, 0, KnownTensor::vector(a.ints));
    return success();
  }
  if (name == "value_string" || name == "value_strings" ||
      name == "sparse_value")
    return error(n) << "attribute '" << name
                    << "' is not supported (qc imports numeric dense "
                       "constants only)";
  return error(n) << "unknown attribute '" << name
                  << "'; expected value, value_float(s) or value_int(s)";
}

LogicalResult Importer::importIdentity(const NodeRef &n) {
  if (!hasInput(n, 0))
    return error(n) << "input #0 is required but missing";
  forward(n, 0, 0);
  return success();
}

LogicalResult Importer::importDropout(const NodeRef &n) {
  if (!hasInput(n, 0))
    return error(n) << "input #0 is required but missing";
  if (opset() >= 12 && hasInput(n, 2)) {
    FailureOr<double> training = requireScalar(n, 2, "training_mode");
    if (failed(training))
      return failure();
    // Training with a ratio of 0 drops nothing: the identity as well.
    double ratio = 0.5;
    if (*training != 0 && hasInput(n, 1)) {
      FailureOr<double> r = requireScalar(n, 1, "ratio");
      if (failed(r))
        return failure();
      ratio = *r;
    }
    if (*training != 0 && ratio != 0)
      return error(n) << "training_mode = true is not supported; qc imports "
                         "inference graphs (Dropout is the identity)";
  }
  if (outputUsed(n, 1)) {
    // The mask of the identity: all true, of the input's (static) shape.
    FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
    if (failed(shape))
      return failure();
    int64_t count = elementCount(*shape);
    if (count > kMaxKnownElements)
      return error(n) << "output #1 ('" << n.node.outputs[1]
                      << "') is used, but the mask of a tensor of shape "
                      << shapeText(*shape)
                      << " is not computed (qc imports Dropout as the "
                         "identity; masks of up to "
                      << kMaxKnownElements << " elements of a static shape)";
    KnownTensor mask;
    mask.kind = KnownTensor::Kind::Bool;
    mask.shape = *shape;
    mask.ints.assign(count, 1);
    setKnown(n, 1, std::move(mask));
  }
  forward(n, 0, 0);
  return success();
}

LogicalResult Importer::importShape(const NodeRef &n) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  FailureOr<int64_t> start = intAttr(n, "start", 0);
  FailureOr<int64_t> end = intAttr(n, "end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampAxis = [&](int64_t a) {
    if (a < 0)
      a += rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  int64_t s = clampAxis(*start), e = std::max(clampAxis(*end), s);
  SmallVector<int64_t> dims(shape->begin() + s, shape->begin() + e);
  KnownTensor k = KnownTensor::vector(dims);
  Value source = values[n.node.inputs[0]].value;
  for (int64_t i = 0; i < e - s; ++i)
    if (ShapedType::isDynamic(dims[i])) {
      k.ints[i] = 0;
      k.setUnknown(i, DimOrigin{source, s + i});
    }
  setKnown(n, 0, std::move(k));
  return success();
}

LogicalResult Importer::importSize(const NodeRef &n) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  int64_t count = 1;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (ShapedType::isDynamic(d))
      return error(n) << "the input's dimension " << i
                      << " is dynamic; Size needs a static shape (bind it "
                         "with --input-shape)";
    count *= d;
  }
  setKnown(n, 0, KnownTensor::ofInts({}, {count}));
  return success();
}

LogicalResult Importer::importGather(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", 0);
  if (failed(axis))
    return failure();
  if (!known(n, 1))
    return importRuntimeGather(n, *axis);
  FailureOr<const KnownTensor *> indices = requireKnown(n, 1, "indices");
  if (failed(axis) || failed(indices))
    return failure();
  if ((*indices)->isFloat())
    return error(n) << "indices must be integers";
  std::string message;
  const KnownTensor *knownData = known(n, 0);
  if (knownData && !knownData->shape.empty()) {
    // Too large to evaluate at import time: gather by slices below.
    int64_t rank = knownData->shape.size();
    int64_t a = *axis < 0 ? *axis + rank : *axis;
    if (a >= 0 && a < rank && knownData->shape[a] > 0 &&
        knownData->numElements() / knownData->shape[a] *
                (*indices)->numElements() >
            kMaxKnownElements)
      knownData = nullptr;
  }
  if (knownData) {
    FailureOr<KnownTensor> r =
        foldGather(*knownData, **indices, *axis, message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  // Run-time data, known indices: one slice per index.
  FailureOr<Value> data = anyInput(n, 0);
  if (failed(data))
    return failure();
  auto type = cast<RankedTensorType>(data->getType());
  int64_t rank = type.getRank();
  if (*axis < -rank || *axis >= rank)
    return error(n) << "axis " << *axis << " is out of range for rank " << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  int64_t dim = type.getDimSize(a);
  int64_t count = (*indices)->numElements();
  if (count > 256)
    return error(n) << "gathering " << count
                    << " slices of a tensor computed at run time is not "
                       "supported (at most 256)";
  if (!(*indices)->isFullyKnown())
    return error(n) << "the indices depend on a dynamic dimension";
  // Normalized indices, then one slice per run of consecutive indices.
  SmallVector<int64_t> idxs;
  for (int64_t k = 0; k < count; ++k) {
    int64_t idx = (*indices)->ints[k];
    if (ShapedType::isDynamic(dim) && idx < 0)
      return error(n) << "negative index " << idx << " on axis " << a
                      << ", whose size is not known at import time";
    if (!ShapedType::isDynamic(dim) && (idx < -dim || idx >= dim))
      return error(n) << "index " << idx << " is out of range for axis " << a
                      << " of size " << dim;
    idxs.push_back(idx < 0 ? idx + dim : idx);
  }
  SmallVector<Value> slices;
  for (size_t k = 0; k < idxs.size();) {
    size_t end = k + 1;
    while (end < idxs.size() && idxs[end] == idxs[end - 1] + 1)
      ++end;
    int64_t first = idxs[k], last = idxs[end - 1] + 1;
    k = end;
    if (first == 0 && last == dim) { // the whole axis
      slices.push_back(*data);
      continue;
    }
    FailureOr<Value> s =
        create<SliceOp>(n, *data,
                        {i64s("starts", {first}), i64s("ends", {last}),
                         i64s("axes", {a}), i64s("steps", {1})});
    if (failed(s))
      return failure();
    slices.push_back(*s);
  }
  Value joined = slices.empty() ? Value() : slices.front();
  if (slices.size() > 1) {
    FailureOr<Value> c =
        create<ConcatOp>(n, slices, {named("axis", b().getI64IntegerAttr(a))});
    if (failed(c))
      return failure();
    joined = *c;
  }
  if (!joined)
    return error(n) << "gathering no indices is not supported";
  // Replace the gathered axis by the indices' shape.
  ArrayRef<int64_t> idxShape = (*indices)->shape;
  if (idxShape.size() == 1) {
    setOutput(n, 0, joined);
    return success();
  }
  SmallVector<int64_t> target, copyOf;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == a) {
      for (int64_t d : idxShape) {
        target.push_back(d);
        copyOf.push_back(-1);
      }
      continue;
    }
    target.push_back(type.getDimSize(i));
    copyOf.push_back(i);
  }
  FailureOr<Value> r = reshapeKeepingDims(n, joined, target, copyOf);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importCast(const NodeRef &n) {
  FailureOr<int64_t> to = intAttr(n, "to", std::nullopt);
  if (failed(to))
    return failure();
  if (*to < 0 || *to > std::numeric_limits<int32_t>::max())
    return badAttr(n, "to", Twine(*to)) << "; expected an ONNX data type";
  if (const KnownTensor *k = known(n, 0)) {
    std::string message;
    FailureOr<KnownTensor> r = foldCast(*k, static_cast<int32_t>(*to), message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  std::optional<Type> target = elementTypeOf(static_cast<int32_t>(*to));
  if (!target)
    return error(n) << "casting a tensor computed at run time to "
                    << onnxDataTypeName(static_cast<int32_t>(*to))
                    << " is not supported; qc computes run-time tensors of "
                       "FLOAT, DOUBLE, INT8, UINT8, INT16, INT32, INT64 and "
                       "BOOL";
  return importRuntimeCast(n, *target);
}

LogicalResult Importer::importRange(const NodeRef &n) {
  FailureOr<const KnownTensor *> start = requireKnown(n, 0, "start");
  FailureOr<const KnownTensor *> limit = requireKnown(n, 1, "limit");
  FailureOr<const KnownTensor *> delta = requireKnown(n, 2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  for (const KnownTensor *k : {*start, *limit, *delta})
    if (k->numElements() != 1 || !k->isFullyKnown())
      return error(n) << "start, limit and delta must be scalars known at "
                         "import time";
  bool isFloat =
      (*start)->isFloat() || (*limit)->isFloat() || (*delta)->isFloat();
  if (isFloat) {
    double s = (*start)->asDouble(0), l = (*limit)->asDouble(0),
           d = (*delta)->asDouble(0);
    for (auto [name, v] : {std::make_pair("start", s),
                           std::make_pair("limit", l),
                           std::make_pair("delta", d)})
      if (!std::isfinite(v))
        return error(n) << name << " is " << numberText(v)
                        << "; Range needs finite numbers";
    if (d == 0)
      return error(n) << "delta must not be 0";
    double count = std::max(std::ceil((l - s) / d), 0.0);
    if (!(count <= kMaxKnownElements))
      return error(n) << "the range from " << numberText(s) << " to "
                      << numberText(l) << " by " << numberText(d) << " has "
                      << numberText(count) << " elements; qc evaluates at most "
                      << kMaxKnownElements << " at import time";
    int64_t num = static_cast<int64_t>(count);
    std::vector<double> v(num);
    for (int64_t i = 0; i < num; ++i)
      v[i] = s + i * d;
    setKnown(n, 0, KnownTensor::ofFloats({num}, std::move(v)));
    return success();
  }
  // Integers: count = max(ceil((limit - start) / delta), 0), exactly (in
  // 128 bits, where limit - start cannot overflow).
  int64_t s = (*start)->ints[0], l = (*limit)->ints[0], d = (*delta)->ints[0];
  if (d == 0)
    return error(n) << "delta must not be 0";
  __int128 distance = static_cast<__int128>(l) - s;
  __int128 count = distance / d + (distance % d != 0 && (distance < 0) == (d < 0));
  if (count < 0)
    count = 0;
  if (count > kMaxKnownElements)
    return error(n) << "the range from " << s << " to " << l << " by " << d
                    << " has " << numberText(static_cast<double>(count))
                    << " elements; qc evaluates at most " << kMaxKnownElements
                    << " at import time";
  int64_t num = static_cast<int64_t>(count);
  std::vector<int64_t> v(num);
  for (int64_t i = 0; i < num; ++i) // within [start, limit): no overflow
    v[i] = static_cast<int64_t>(s + static_cast<__int128>(i) * d);
  setKnown(n, 0, KnownTensor::ofInts({num}, std::move(v)));
  return success();
}

LogicalResult Importer::importConstantOfShape(const NodeRef &n) {
  FailureOr<SmallVector<int64_t>> shape = requireInts(n, 0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return error(n) << "shape entries must be non-negative, got " << d;
  int64_t count = elementCount(*shape);
  std::string why;
  if (!checkTensorSize(*shape, 4, why))
    return error(n) << "the shape (input #0, '" << n.node.inputs[0] << "') "
                    << shapeText(*shape) << " " << why;
  KnownTensor fill = KnownTensor::ofFloats({}, {0.0});
  if (const OnnxAttribute *a = attr(n, "value")) {
    if (a->kind != OnnxAttribute::Kind::Tensor)
      return error(n) << "attribute 'value' must be a TENSOR";
    const OnnxTensor &t = *a->tensor;
    if (t.numElements() != 1)
      return error(n) << "attribute 'value' must hold one element, got "
                      << t.numElements();
    std::optional<KnownTensor> k = decodeTensor(t);
    if (!k)
      return error(n) << "attribute 'value' has unsupported element type "
                      << onnxDataTypeName(t.dataType);
    fill = std::move(*k);
  }
  if (count > kMaxKnownElements) {
    // Large fills become one splat constant.
    if (!fill.isFloat())
      return error(n) << "an integer fill of " << count
                      << " elements is not supported";
    auto type = RankedTensorType::get(*shape, b().getF32Type());
    auto attr = DenseElementsAttr::get(
        type, b().getF32FloatAttr(static_cast<float>(fill.floats[0])));
    FailureOr<Value> c = create<ConstantOp>(n, {}, {named("value", attr)});
    if (failed(c))
      return failure();
    setOutput(n, 0, *c);
    return success();
  }
  KnownTensor out;
  out.kind = fill.kind;
  out.shape = *shape;
  if (fill.isFloat())
    out.floats.assign(count, fill.floats[0]);
  else
    out.ints.assign(count, fill.ints[0]);
  setKnown(n, 0, std::move(out));
  return success();
}

LogicalResult Importer::importConcat(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", std::nullopt);
  if (failed(axis))
    return failure();
  if (numInputs(n) == 0)
    return error(n) << "needs at least one input";
  SmallVector<const KnownTensor *> knowns;
  for (size_t i = 0; i < numInputs(n); ++i)
    if (const KnownTensor *k = known(n, i))
      knowns.push_back(k);
  if (knowns.size() == numInputs(n)) {
    std::string message;
    FailureOr<KnownTensor> r = foldConcat(knowns, *axis, message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  SmallVector<Value> operands;
  SmallVector<size_t> all;
  for (size_t i = 0; i < numInputs(n); ++i)
    all.push_back(i);
  // The run-time inputs' element type (known integers are int64 until
  // materialized with it).
  Type elem = runtimeElementType(n, all);
  if (!elem)
    elem = b().getF32Type();
  for (size_t i = 0; i < numInputs(n); ++i) {
    // Inputs known to be empty along the axis contribute nothing.
    if (const KnownTensor *k = known(n, i))
      if (k->numElements() == 0)
        continue;
    FailureOr<Value> v = typedInput(n, i, elem);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (operands.size() == 1) {
    setOutput(n, 0, operands.front());
    return success();
  }
  return setOutput(
      n, create<ConcatOp>(n, operands,
                          {named("axis", b().getI64IntegerAttr(*axis))}));
}

LogicalResult Importer::importSqueezeUnsqueeze(const NodeRef &n) {
  bool unsqueeze = n.node.opType == "Unsqueeze";
  FailureOr<std::optional<SmallVector<int64_t>>> axesOr =
      axesOperand(*this, n, 13);
  if (failed(axesOr))
    return failure();
  FailureOr<SmallVector<int64_t>> inShape = inputShape(n, 0);
  if (failed(inShape))
    return failure();
  int64_t rank = inShape->size();
  SmallVector<int64_t> target, copyOf;
  if (unsqueeze) {
    if (!*axesOr)
      return error(n) << "the axes are required";
    SmallVector<int64_t> axes = **axesOr;
    int64_t outRank = rank + axes.size();
    if (failed(normalizeAxes(*this, n, axes, outRank)))
      return failure();
    SmallVector<bool> isNew(outRank, false);
    for (int64_t a : axes)
      isNew[a] = true;
    int64_t next = 0;
    for (int64_t i = 0; i < outRank; ++i) {
      if (isNew[i]) {
        target.push_back(1);
        copyOf.push_back(-1);
      } else {
        target.push_back((*inShape)[next]);
        copyOf.push_back(next++);
      }
    }
  } else {
    SmallVector<bool> drop(rank, false);
    if (*axesOr && !(*axesOr)->empty()) {
      SmallVector<int64_t> axes = **axesOr;
      if (failed(normalizeAxes(*this, n, axes, rank)))
        return failure();
      for (int64_t a : axes) {
        int64_t d = (*inShape)[a];
        if (!ShapedType::isDynamic(d) && d != 1)
          return error(n) << "cannot squeeze axis " << a << " of size " << d;
        drop[a] = true;
      }
    } else {
      for (int64_t i = 0; i < rank; ++i) {
        if (ShapedType::isDynamic((*inShape)[i]))
          return error(n) << "without axes, Squeeze needs every dimension to "
                             "be known at import time (dimension "
                          << i << " is dynamic)";
        drop[i] = (*inShape)[i] == 1;
      }
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i]) {
        target.push_back((*inShape)[i]);
        copyOf.push_back(i);
      }
  }
  if (const KnownTensor *k = known(n, 0)) {
    setKnown(n, 0, k->reshaped(target));
    return success();
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  return setOutput(n, reshapeKeepingDims(n, *v, target, copyOf));
}

LogicalResult Importer::importSlice(const NodeRef &n) {
  SmallVector<int64_t> starts, ends, axes, steps;
  bool hasAxes = false, hasSteps = false;
  if (opset() < 10) {
    auto s = intsAttr(n, "starts"), e = intsAttr(n, "ends"),
         a = intsAttr(n, "axes");
    if (failed(s) || failed(e) || failed(a))
      return failure();
    if (!*s || !*e)
      return error(n) << "attributes 'starts' and 'ends' are required";
    starts = **s;
    ends = **e;
    if (*a) {
      axes = **a;
      hasAxes = true;
    }
  } else {
    auto s = requireInts(n, 1, "starts");
    auto e = requireInts(n, 2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (hasInput(n, 3)) {
      auto a = requireInts(n, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
      hasAxes = true;
    }
    if (hasInput(n, 4)) {
      auto st = requireInts(n, 4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
      hasSteps = true;
    }
  }
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  if (!hasAxes)
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (!hasSteps)
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return error(n) << "starts, ends, axes and steps must have the same "
                       "length (got "
                    << starts.size() << ", " << ends.size() << ", "
                    << axes.size() << ", " << steps.size() << ")";
  if (failed(normalizeAxes(*this, n, axes, rank)))
    return failure();
  for (int64_t s : steps)
    if (s == 0)
      return error(n) << "steps must not be 0";
  if (const KnownTensor *k = known(n, 0)) {
    std::string message;
    FailureOr<KnownTensor> r =
        foldSlice(*k, starts, ends, axes, steps, message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  // Clamp the bounds of static dimensions as ONNX does, so the IR carries
  // no INT64 sentinels. A backward slice that runs past index 0 ends at
  // -dim-1 (which ONNX clamps to "before the first element").
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t dim = (*shape)[axes[i]];
    if (ShapedType::isDynamic(dim))
      continue;
    absl::StatusOr<::qc::SliceAxis> taken =
        ::qc::sliceAxis(dim, starts[i], ends[i], steps[i]);
    if (!taken.ok())
      return error(n) << std::string(taken.status().message());
    starts[i] = taken->start;
    ends[i] = taken->end;
    if (steps[i] < 0 && ends[i] == -1)
      ends[i] = -dim - 1;
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  return setOutput(n,
                   create<SliceOp>(n, *v,
                                   {i64s("starts", starts), i64s("ends", ends),
                                    i64s("axes", axes), i64s("steps", steps)}));
}

LogicalResult Importer::importSplit(const NodeRef &n) {
  // Split = one Slice per output along `axis`: sizes from input 1 (opset
  // >= 13) or the `split` attribute (older opsets); without them, equal
  // parts (opset 18's `num_outputs` lets the last one be smaller).
  size_t outputs = n.node.outputs.size();
  if (outputs == 0)
    return error(n) << "needs at least one output";
  if (!hasInput(n, 0))
    return error(n) << "input #0 is required but missing";
  FailureOr<int64_t> axisAttr = intAttr(n, "axis", 0);
  if (failed(axisAttr))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  SmallVector<int64_t> axes = {*axisAttr};
  if (failed(normalizeAxes(*this, n, axes, shape->size())))
    return failure();
  int64_t axis = axes[0];
  int64_t dim = (*shape)[axis];
  SmallVector<int64_t> sizes;
  if (opset() >= 13 && hasInput(n, 1)) {
    FailureOr<SmallVector<int64_t>> s = requireInts(n, 1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (opset() < 13) {
    FailureOr<std::optional<SmallVector<int64_t>>> s = intsAttr(n, "split");
    if (failed(s))
      return failure();
    if (*s)
      sizes = **s;
  }
  if (sizes.empty()) {
    if (ShapedType::isDynamic(dim))
      return error(n) << "splitting dynamic dimension " << axis
                      << " into equal parts needs explicit sizes";
    FailureOr<int64_t> numOutputs =
        intAttr(n, "num_outputs", static_cast<int64_t>(outputs));
    if (failed(numOutputs))
      return failure();
    if (*numOutputs != static_cast<int64_t>(outputs))
      return error(n) << "num_outputs = " << *numOutputs << " but the node has "
                      << outputs << " outputs";
    int64_t parts = static_cast<int64_t>(outputs);
    bool uneven = opset() >= 18 && attr(n, "num_outputs");
    if (!uneven && dim % parts != 0)
      return error(n) << "dimension " << axis << " of size " << dim
                      << " does not split into " << parts << " equal parts";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  if (sizes.size() != outputs)
    return error(n) << sizes.size() << " split sizes for " << outputs
                    << " outputs";
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s <= 0)
      return error(n) << "split sizes must be positive, got " << s;
    if (llvm::AddOverflow(total, s, total))
      return error(n) << "split sizes add up to more than int64 holds";
  }
  if (!ShapedType::isDynamic(dim) && total != dim)
    return error(n) << "split sizes add up to " << total << ", but dimension "
                    << axis << " has size " << dim;
  const KnownTensor *k = known(n, 0);
  FailureOr<Value> v = failure();
  if (!k) {
    v = anyInput(n, 0);
    if (failed(v))
      return failure();
  }
  int64_t start = 0;
  for (size_t i = 0; i < outputs; ++i) {
    int64_t end = start + sizes[i];
    if (k) {
      std::string message;
      FailureOr<KnownTensor> r =
          foldSlice(*k, {start}, {end}, {axis}, {1}, message);
      if (failed(r))
        return error(n) << message;
      setKnown(n, i, std::move(*r));
    } else {
      // Each output is a layer of its own: slice i is named "NODE:i", so
      // qc debug and selectors tell q, k and v of a fused projection apart.
      Location loc = n.loc;
      if (auto named = dyn_cast<NameLoc>(n.loc))
        loc = NameLoc::get(b().getStringAttr(named.getName().getValue() + ":" +
                                             std::to_string(i)),
                           named.getChildLoc());
      NodeRef part{n.node, loc, n.label};
      FailureOr<Value> r = create<SliceOp>(
          part, *v,
          {i64s("starts", {start}), i64s("ends", {end}), i64s("axes", {axis}),
           i64s("steps", {1})});
      if (failed(r))
        return failure();
      setOutput(n, i, *r);
    }
    start = end;
  }
  return success();
}

LogicalResult Importer::importExpand(const NodeRef &n) {
  FailureOr<SmallVector<int64_t>> shape = requireInts(n, 1, "shape");
  if (failed(shape))
    return failure();
  std::string message;
  const KnownTensor *k = known(n, 0);
  FailureOr<SmallVector<int64_t>> outShape =
      k ? broadcastShapes(k->shape, *shape)
        : FailureOr<SmallVector<int64_t>>(failure());
  if (k && (failed(outShape) || elementCount(*outShape) <= kMaxKnownElements)) {
    FailureOr<KnownTensor> r = foldExpand(*k, *shape, message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  for (int64_t d : *shape)
    if (d < 0)
      return error(n) << "the shape (input #1) has a negative entry " << d;
  if (Type t = runtimeElementType(n, {0}); t && !t.isF32()) {
    // Integer / bool / f64 tensors: qc.select(all true, x, x) broadcasts x
    // to the output shape (the broadcast of both, which must be static).
    FailureOr<Value> x = anyInput(n, 0);
    if (failed(x))
      return failure();
    ArrayRef<int64_t> in = cast<RankedTensorType>(x->getType()).getShape();
    if (llvm::any_of(in, ShapedType::isDynamic))
      return error(n) << "the input " << shapeText(in)
                      << " has a dynamic dimension; bind it with "
                         "--input-shape";
    FailureOr<SmallVector<int64_t>> out = broadcastShapes(in, *shape);
    if (failed(out))
      return error(n) << "input shape " << shapeText(in)
                      << " does not broadcast to the requested shape "
                      << listText(*shape);
    if (llvm::any_of(*out, ShapedType::isDynamic))
      return error(n) << "the output shape " << shapeText(*out)
                      << " is not static; bind the input's dimensions with "
                         "--input-shape";
    std::string why;
    if (!checkTensorSize(*out, 8, why))
      return error(n) << "the shape (input #1, '" << n.node.inputs[1]
                      << "') makes an output of shape " << shapeText(*out)
                      << ", which " << why;
    auto condType = RankedTensorType::get(*out, b().getI1Type());
    FailureOr<Value> all = create<ConstantOp>(
        n, {},
        {named("value", DenseElementsAttr::get(condType, true))});
    if (failed(all))
      return failure();
    return setOutput(n, create<SelectOp>(n, {*all, *x, *x}));
  }
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  ArrayRef<int64_t> in = type.getShape();
  size_t rank = std::max(in.size(), shape->size());
  {
    // The output is the broadcast of both shapes (dynamic input dims count
    // as 1): refuse a huge one here, naming the shape input.
    SmallVector<int64_t> outShape;
    for (size_t i = 0; i < rank; ++i) {
      int64_t di = i < rank - in.size() ? 1 : in[i - (rank - in.size())];
      int64_t ds =
          i < rank - shape->size() ? 1 : (*shape)[i - (rank - shape->size())];
      outShape.push_back(ds != 1 ? ds : (ShapedType::isDynamic(di) ? 1 : di));
    }
    std::string why;
    if (!checkTensorSize(outShape, 4, why))
      return error(n) << "the shape (input #1, '" << n.node.inputs[1]
                      << "') makes an output of shape "
                      << shapeText(outShape) << ", which " << why;
  }
  // The broadcast shape, and a ones tensor that is 1 wherever x already has
  // the full size: x * ones broadcasts x without changing any value.
  SmallVector<int64_t> ones;
  bool grows = in.size() < shape->size();
  for (size_t i = 0; i < rank; ++i) {
    int64_t di = i < rank - in.size() ? 1 : in[i - (rank - in.size())];
    int64_t ds =
        i < rank - shape->size() ? 1 : (*shape)[i - (rank - shape->size())];
    if (ds == 1 || di == ds || (ShapedType::isDynamic(di) && ds != 1)) {
      ones.push_back(1);
      continue;
    }
    if (di != 1)
      return error(n) << "input shape does not broadcast to the requested "
                         "shape (dimension "
                      << i << ": " << di << " vs " << ds << ")";
    ones.push_back(ds);
    grows = true;
  }
  if (!grows) {
    setOutput(n, 0, *x);
    return success();
  }
  auto onesType = RankedTensorType::get(ones, b().getF32Type());
  auto attr = DenseElementsAttr::get(onesType, b().getF32FloatAttr(1.0f));
  FailureOr<Value> c = create<ConstantOp>(n, {}, {named("value", attr)});
  if (failed(c))
    return failure();
  return setOutput(n, create<MulOp>(n, ValueRange{*x, *c}));
}

LogicalResult Importer::importReshape(const NodeRef &n) {
  FailureOr<const KnownTensor *> shapeOr = requireKnown(n, 1, "shape");
  if (failed(shapeOr))
    return failure();
  const KnownTensor &shape = **shapeOr;
  if (shape.isFloat() || shape.shape.size() != 1)
    return error(n) << "the shape must be a 1-D integer tensor";
  FailureOr<int64_t> allowZero = flagAttr(n, "allowzero", 0);
  FailureOr<SmallVector<int64_t>> inShape = inputShape(n, 0);
  if (failed(allowZero) || failed(inShape))
    return failure();
  Value data = lookup(n, 0)->value;
  int64_t rank = inShape->size();
  SmallVector<int64_t> target, copyOf;
  int inferred = 0;
  for (int64_t i = 0; i < shape.numElements(); ++i) {
    int64_t d = shape.ints[i];
    if (shape.isUnknown(i)) {
      const DimOrigin &o = shape.origins[i];
      if (data && o.source == data && o.dim < rank) {
        target.push_back((*inShape)[o.dim]);
        copyOf.push_back(o.dim);
      } else {
        target.push_back(kDyn);
        copyOf.push_back(-1);
      }
    } else if (d == 0) {
      if (*allowZero)
        return error(n) << "allowzero = 1 with a 0 in the shape (an empty "
                           "dimension) is not supported";
      if (i >= rank)
        return error(n) << "shape entry " << i
                        << " is 0 (copy the input dimension), but the input "
                           "has rank "
                        << rank;
      target.push_back((*inShape)[i]);
      copyOf.push_back(i);
    } else if (d == -1) {
      if (++inferred > 1)
        return error(n) << "the shape has more than one -1 entry";
      target.push_back(-1);
      copyOf.push_back(-1);
    } else if (d < 0) {
      return error(n) << "invalid shape entry " << d;
    } else {
      target.push_back(d);
      copyOf.push_back(-1);
    }
  }
  if (const KnownTensor *k = known(n, 0)) {
    if (llvm::any_of(target,
                     [](int64_t d) { return ShapedType::isDynamic(d); }))
      return error(n) << "the target shape depends on a dimension that is "
                         "not known at import time";
    int64_t total = k->numElements();
    auto at = llvm::find(target, -1);
    if (at != target.end()) {
      *at = 1;
      int64_t product = elementCount(target);
      *at = product > 0 && total % product == 0 ? total / product : 0;
    }
    std::string why;
    if (!checkTensorSize(target, 8, why))
      return error(n) << "the target shape " << listText(target) << " " << why;
    if (elementCount(target) != total)
      return error(n) << "cannot reshape " << total << " elements into the "
                      << "requested shape";
    setKnown(n, 0, k->reshaped(target));
    return success();
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  return setOutput(n, reshapeKeepingDims(n, *v, target, copyOf));
}

LogicalResult Importer::importFlatten(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", 1);
  if (failed(axis))
    return failure();
  if (const KnownTensor *k = known(n, 0)) {
    absl::StatusOr<::qc::Shape> flat = ::qc::flattenShape(
        ::qc::Shape(k->shape.begin(), k->shape.end()), *axis);
    if (!flat.ok())
      return error(n) << std::string(flat.status().message());
    setKnown(n, 0, k->reshaped(*flat));
    return success();
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  return setOutput(
      n,
      create<FlattenOp>(n, *v, {named("axis", b().getI64IntegerAttr(*axis))}));
}

LogicalResult Importer::importTranspose(const NodeRef &n) {
  FailureOr<std::optional<SmallVector<int64_t>>> permOr = intsAttr(n, "perm");
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(permOr) || failed(shape))
    return failure();
  int64_t rank = shape->size();
  SmallVector<int64_t> perm;
  if (*permOr) {
    perm = **permOr;
  } else {
    for (int64_t i = rank - 1; i >= 0; --i) // default: reverse the axes
      perm.push_back(i);
  }
  absl::StatusOr<::qc::Shape> transposed = ::qc::transposeShape(
      ::qc::Shape(shape->begin(), shape->end()),
      std::vector<int64_t>(perm.begin(), perm.end()));
  if (!transposed.ok())
    return error(n) << "attribute "
                    << std::string(transposed.status().message());
  if (const KnownTensor *k = known(n, 0)) {
    std::string message;
    FailureOr<KnownTensor> r = foldTranspose(*k, perm, message);
    if (failed(r))
      return error(n) << message;
    setKnown(n, 0, std::move(*r));
    return success();
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  return setOutput(n, create<TransposeOp>(n, *v, {i64s("perm", perm)}));
}

LogicalResult Importer::importPad(const NodeRef &n) {
  FailureOr<std::string> mode = stringAttr(n, "mode", StringRef("constant"));
  if (failed(mode))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return badAttr(n, "mode", "\"" + *mode + "\"")
           << "; expected constant, reflect or edge";
  FailureOr<SmallVector<int64_t>> shape = inputShape(n, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  SmallVector<int64_t> pads;
  double value = 0;
  if (opset() < 11) {
    auto p = intsAttr(n, "pads");
    auto v = floatAttr(n, "value", 0.0f);
    if (failed(p) || failed(v))
      return failure();
    if (!*p)
      return error(n) << "attribute 'pads' is required";
    pads = **p;
    value = *v;
  } else {
    auto p = requireInts(n, 1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (hasInput(n, 2)) {
      auto v = requireScalar(n, 2, "constant_value");
      if (failed(v))
        return failure();
      value = *v;
    }
    if (hasInput(n, 3)) {
      // opset 18: pads cover only the listed axes.
      auto axesOr = requireInts(n, 3, "axes");
      if (failed(axesOr))
        return failure();
      SmallVector<int64_t> axes = *axesOr;
      if (failed(normalizeAxes(*this, n, axes, rank)))
        return failure();
      if (pads.size() != 2 * axes.size())
        return error(n) << "expected " << 2 * axes.size() << " pads for "
                        << axes.size() << " axes, got " << pads.size();
      SmallVector<int64_t> full(2 * rank, 0);
      for (size_t i = 0; i < axes.size(); ++i) {
        full[axes[i]] = pads[i];
        full[axes[i] + rank] = pads[i + axes.size()];
      }
      pads = full;
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return error(n) << "expected " << 2 * rank << " pads for rank " << rank
                    << ", got " << pads.size();
  if (std::isnan(value))
    return error(n) << "the constant_value is NaN";
  {
    // Refuse pads that make a huge (or overflowing) output here, naming
    // them; the shape rule would only see the result.
    const char *what = opset() < 11 ? "attribute 'pads'" : "the pads (input #1)";
    SmallVector<int64_t> outShape;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = (*shape)[i];
      std::optional<int64_t> o =
          ShapedType::isDynamic(d) ? std::optional<int64_t>(1) : d;
      o = o ? checkedAdd(*o, pads[i]) : o;
      o = o ? checkedAdd(*o, pads[i + rank]) : o;
      if (!o)
        return error(n) << what << " " << listText(pads)
                        << " overflow 64-bit sizes in dimension " << i;
      outShape.push_back(ShapedType::isDynamic(d) ? kDyn : *o);
    }
    std::string why;
    if (!checkTensorSize(outShape, 4, why))
      return error(n) << what << " " << listText(pads)
                      << " make an output of shape " << shapeText(outShape)
                      << ", which " << why;
  }
  FailureOr<Value> v = anyInput(n, 0);
  if (failed(v))
    return failure();
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; })) {
    setOutput(n, 0, *v);
    return success();
  }
  return setOutput(
      n, create<PadOp>(
             n, *v,
             {i64s("pads", pads), named("mode", b().getStringAttr(*mode)),
              named("value", b().getF32FloatAttr(static_cast<float>(value)))}));
}
