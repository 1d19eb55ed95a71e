//===- ImportTyped.cpp - ONNX ops on tensors of any element type ---------===//
//
// Converters for the ops that compute on run-time integer, boolean and
// float64 tensors (QCOps.td, "Tensors of any element type"): comparisons,
// Where, And / Or / Xor / Not, integer arithmetic (Mod, BitShift and the
// integer forms of Add / Sub / Mul / Div / Pow / Max / Min), Cast / CastLike,
// Gather / GatherElements with run-time indices, Trilu, and the losses
// NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss (int64 labels).
//
// ONNX gives an op's inputs one type T; a constant input (an initializer, a
// Constant node, a value the importer folded) is materialized with the
// element type of the run-time inputs (`typedInput`), since the importer
// holds known integers as int64 whatever their ONNX type.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

std::optional<Type> Importer::elementTypeOf(int32_t onnxType) {
  MLIRContext *ctx = &context;
  switch (static_cast<OnnxDataType>(onnxType)) {
  case OnnxDataType::Float:
    return Float32Type::get(ctx);
  case OnnxDataType::Double:
    return Float64Type::get(ctx);
  case OnnxDataType::Int8:
    return IntegerType::get(ctx, 8);
  case OnnxDataType::Uint8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case OnnxDataType::Int16:
    return IntegerType::get(ctx, 16);
  case OnnxDataType::Int32:
    return IntegerType::get(ctx, 32);
  case OnnxDataType::Int64:
    return IntegerType::get(ctx, 64);
  case OnnxDataType::Bool:
    return IntegerType::get(ctx, 1);
  default:
    return std::nullopt;
  }
}

Type Importer::runtimeElementType(const NodeRef &n,
                                  ArrayRef<size_t> inputs) {
  for (size_t i : inputs) {
    if (!hasInput(n, i) || known(n, i))
      continue;
    ValueEntry *e = lookup(n, i);
    if (e && e->value)
      return cast<RankedTensorType>(e->value.getType()).getElementType();
  }
  return nullptr;
}

FailureOr<Value> Importer::materializeAs(const NodeRef &n,
                                         const KnownTensor &value, Type elem,
                                         StringRef nameHint) {
  if (!value.isFullyKnown())
    return error(n) << "'" << nameHint
                    << "' depends on a dynamic dimension that is not known at "
                       "import time; bind the model's dynamic input "
                       "dimensions with --input-shape";
  int64_t count = value.numElements();
  auto type = RankedTensorType::get(value.shape, elem);
  DenseElementsAttr attr;
  if (elem.isF32()) {
    SmallVector<float> v;
    for (int64_t i = 0; i < count; ++i)
      v.push_back(static_cast<float>(value.asDouble(i)));
    attr = DenseElementsAttr::get(type, ArrayRef<float>(v));
  } else if (elem.isF64()) {
    SmallVector<double> v;
    for (int64_t i = 0; i < count; ++i)
      v.push_back(value.asDouble(i));
    attr = DenseElementsAttr::get(type, ArrayRef<double>(v));
  } else if (elem.isInteger(1)) {
    SmallVector<bool> v;
    for (int64_t i = 0; i < count; ++i)
      v.push_back(value.isFloat() ? value.floats[i] != 0 : value.ints[i] != 0);
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(v));
  } else if (auto it = dyn_cast<IntegerType>(elem)) {
    SmallVector<APInt> v;
    for (int64_t i = 0; i < count; ++i) {
      int64_t x = value.asInt(i);
      // The value must be one of the type (ONNX gives the input type T).
      APInt a(it.getWidth(), static_cast<uint64_t>(x), !it.isUnsigned());
      bool fits = it.isUnsigned() ? a.getZExtValue() == static_cast<uint64_t>(x)
                                  : a.getSExtValue() == x;
      if (!fits || value.isFloat())
        return error(n) << "'" << nameHint << "' holds " << x
                        << (value.isFloat() ? " (a float)" : "")
                        << ", which is not a value of " << elem;
      v.push_back(a);
    }
    attr = DenseElementsAttr::get(type, v);
  } else {
    return error(n) << "cannot make a constant of element type " << elem;
  }
  return create<ConstantOp>(n, {}, {named("value", attr)});
}

FailureOr<Value> Importer::typedInput(const NodeRef &n, size_t i, Type elem) {
  if (const KnownTensor *k = known(n, i)) {
    ValueEntry *e = lookup(n, i);
    if (e->value &&
        cast<RankedTensorType>(e->value.getType()).getElementType() == elem)
      return e->value;
    return materializeAs(n, *k, elem, n.node.inputs[i]);
  }
  FailureOr<Value> v = anyInput(n, i);
  if (failed(v))
    return failure();
  Type got = cast<RankedTensorType>(v->getType()).getElementType();
  if (got == elem)
    return *v;
  // A large initializer, materialized as f32 or i64: converted exactly
  // (its values are of the ONNX type T the node gives its inputs).
  if (v->getDefiningOp<ConstantOp>())
    return create<CastOp>(n, *v, {named("to", TypeAttr::get(elem))});
  return error(n) << "input #" << i << " ('" << n.node.inputs[i]
                  << "') is a tensor of " << got << ", expected " << elem
                  << " (ONNX gives these inputs one type)";
}

/// The element type the node computes in: its run-time inputs' among
/// `inputs`, else f32 when one of the known ones is a float, else i64.
static Type computeType(Importer &im, const NodeRef &n,
                        ArrayRef<size_t> inputs) {
  if (Type t = im.runtimeElementType(n, inputs))
    return t;
  for (size_t i : inputs)
    if (const KnownTensor *k = im.known(n, i); k && k->isFloat())
      return im.b().getF32Type();
  return im.b().getI64Type();
}

LogicalResult Importer::importCompare(const NodeRef &n) {
  StringRef op = n.node.opType;
  const KnownTensor *l = known(n, 0), *r = known(n, 1);
  if (op == "Equal" && l && r) {
    std::string message;
    FailureOr<KnownTensor> out = foldBinary(BinaryFold::Equal, *l, *r, message);
    if (failed(out))
      return error(n) << message;
    setKnown(n, 0, std::move(*out));
    return success();
  }
  StringRef predicate = llvm::StringSwitch<StringRef>(op)
                            .Case("Equal", "eq")
                            .Case("Less", "lt")
                            .Case("LessOrEqual", "le")
                            .Case("Greater", "gt")
                            .Default("ge");
  Type t = computeType(*this, n, {0, 1});
  FailureOr<Value> lhs = typedInput(n, 0, t);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = typedInput(n, 1, t);
  if (failed(rhs))
    return failure();
  FailureOr<Value> res = create<CompareOp>(
      n, {*lhs, *rhs}, {named("predicate", b().getStringAttr(predicate))});
  if (failed(res))
    return failure();
  setOutput(n, 0, *res);
  return success();
}

LogicalResult Importer::importWhere(const NodeRef &n) {
  const KnownTensor *c = known(n, 0), *x = known(n, 1), *y = known(n, 2);
  if (c && x && y) {
    std::string message;
    FailureOr<KnownTensor> out = foldWhere(*c, *x, *y, message);
    if (failed(out))
      return error(n) << message;
    setKnown(n, 0, std::move(*out));
    return success();
  }
  FailureOr<Value> cond = typedInput(n, 0, b().getI1Type());
  if (failed(cond))
    return failure();
  Type t = computeType(*this, n, {1, 2});
  FailureOr<Value> lhs = typedInput(n, 1, t);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = typedInput(n, 2, t);
  if (failed(rhs))
    return failure();
  FailureOr<Value> res = create<SelectOp>(n, {*cond, *lhs, *rhs});
  if (failed(res))
    return failure();
  setOutput(n, 0, *res);
  return success();
}

LogicalResult Importer::importLogical(const NodeRef &n) {
  Type i1 = b().getI1Type();
  if (n.node.opType == "Not") {
    FailureOr<Value> x = typedInput(n, 0, i1);
    if (failed(x))
      return failure();
    FailureOr<Value> res = create<NotOp>(n, *x);
    if (failed(res))
      return failure();
    setOutput(n, 0, *res);
    return success();
  }
  FailureOr<Value> lhs = typedInput(n, 0, i1);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = typedInput(n, 1, i1);
  if (failed(rhs))
    return failure();
  std::string kind = StringRef(n.node.opType).lower();
  FailureOr<Value> res = create<LogicalOp>(
      n, {*lhs, *rhs}, {named("kind", b().getStringAttr(kind))});
  if (failed(res))
    return failure();
  setOutput(n, 0, *res);
  return success();
}

FailureOr<Value> Importer::arith(const NodeRef &n, StringRef kind, Value lhs,
                                 Value rhs) {
  return create<ArithOp>(n, {lhs, rhs},
                         {named("kind", b().getStringAttr(kind))});
}

LogicalResult Importer::importTypedBinary(const NodeRef &n, Type t) {
  StringRef op = n.node.opType;
  FailureOr<Value> lhs = typedInput(n, 0, t);
  if (failed(lhs))
    return failure();
  if (op == "Pow") {
    // The exponent has its own type. An integer base with a float exponent
    // is computed in f64 and truncated back (numpy's power then astype); an
    // exponent of another integer type is converted to the base's.
    Type e = computeType(*this, n, {1});
    FailureOr<Value> rhs = typedInput(n, 1, e);
    if (failed(rhs))
      return failure();
    if (isa<FloatType>(e) && isa<IntegerType>(t)) {
      Type f64 = b().getF64Type();
      FailureOr<Value> x =
          create<CastOp>(n, *lhs, {named("to", TypeAttr::get(f64))});
      FailureOr<Value> y =
          e == f64 ? *rhs
                   : create<CastOp>(n, *rhs, {named("to", TypeAttr::get(f64))});
      if (failed(x) || failed(y))
        return failure();
      FailureOr<Value> p = arith(n, "pow", *x, *y);
      if (failed(p))
        return failure();
      FailureOr<Value> r =
          create<CastOp>(n, *p, {named("to", TypeAttr::get(t))});
      if (failed(r))
        return failure();
      setOutput(n, 0, *r);
      return success();
    }
    if (e != t) {
      rhs = create<CastOp>(n, *rhs, {named("to", TypeAttr::get(t))});
      if (failed(rhs))
        return failure();
    }
    FailureOr<Value> r = t.isF32() ? create<PowOp>(n, {*lhs, *rhs})
                                   : arith(n, "pow", *lhs, *rhs);
    if (failed(r))
      return failure();
    setOutput(n, 0, *r);
    return success();
  }
  FailureOr<Value> rhs = typedInput(n, 1, t);
  if (failed(rhs))
    return failure();
  StringRef kind = op == "Add"   ? "add"
                   : op == "Sub" ? "sub"
                   : op == "Mul" ? "mul"
                                 : "div";
  FailureOr<Value> r = arith(n, kind, *lhs, *rhs);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importTypedVariadic(const NodeRef &n, Type t) {
  StringRef op = n.node.opType;
  if (op == "Mean")
    return error(n) << "Mean of " << t
                    << " tensors is not supported (ONNX defines it on floats)";
  StringRef kind = op == "Max" ? "max" : op == "Min" ? "min" : "add";
  FailureOr<Value> acc = typedInput(n, 0, t);
  if (failed(acc))
    return failure();
  for (size_t i = 1; i < numInputs(n); ++i) {
    FailureOr<Value> next = typedInput(n, i, t);
    if (failed(next))
      return failure();
    acc = arith(n, kind, *acc, *next);
    if (failed(acc))
      return failure();
  }
  setOutput(n, 0, *acc);
  return success();
}

LogicalResult Importer::importMod(const NodeRef &n) {
  FailureOr<int64_t> fmod = flagAttr(n, "fmod", 0);
  if (failed(fmod))
    return failure();
  Type t = computeType(*this, n, {0, 1});
  if (isa<FloatType>(t) && !*fmod)
    return error(n) << "fmod must be 1 for float inputs (ONNX Mod)";
  FailureOr<Value> lhs = typedInput(n, 0, t);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = typedInput(n, 1, t);
  if (failed(rhs))
    return failure();
  FailureOr<Value> r = arith(n, *fmod ? "fmod" : "mod", *lhs, *rhs);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importBitShift(const NodeRef &n) {
  FailureOr<std::string> direction = stringAttr(n, "direction", std::nullopt);
  if (failed(direction))
    return failure();
  if (*direction != "LEFT" && *direction != "RIGHT")
    return badAttr(n, "direction", "\"" + *direction + "\"")
           << "; expected \"LEFT\" or \"RIGHT\"";
  Type t = computeType(*this, n, {0, 1});
  if (!t.isUnsignedInteger())
    return error(n) << "BitShift takes unsigned integers, got " << t;
  FailureOr<Value> lhs = typedInput(n, 0, t);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = typedInput(n, 1, t);
  if (failed(rhs))
    return failure();
  FailureOr<Value> r =
      arith(n, *direction == "LEFT" ? "shl" : "shr", *lhs, *rhs);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importRuntimeCast(const NodeRef &n, Type to) {
  FailureOr<Value> x = anyInput(n, 0);
  if (failed(x))
    return failure();
  if (cast<RankedTensorType>(x->getType()).getElementType() == to) {
    setOutput(n, 0, *x);
    return success();
  }
  FailureOr<Value> r = create<CastOp>(n, *x, {named("to", TypeAttr::get(to))});
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importCastLike(const NodeRef &n) {
  if (!hasInput(n, 1))
    return error(n) << "input #1 (the tensor whose type to take) is required "
                       "but missing";
  // The target type is input 1's: a run-time input's element type, or an
  // initializer's ONNX type.
  Type to = runtimeElementType(n, {1});
  if (!to) {
    ValueEntry *e = lookup(n, 1);
    if (e && e->tensor)
      if (std::optional<Type> t = elementTypeOf(e->tensor->dataType))
        to = *t;
  }
  if (!to)
    return error(n) << "the type of input #1 ('" << n.node.inputs[1]
                    << "') is not one qc computes in (FLOAT, DOUBLE, INT8, "
                       "UINT8, INT16, INT32, INT64 or BOOL)";
  if (const KnownTensor *k = known(n, 0)) {
    FailureOr<Value> v = materializeAs(n, *k, to, n.node.inputs[0]);
    if (failed(v))
      return failure();
    setOutput(n, 0, *v);
    return success();
  }
  return importRuntimeCast(n, to);
}

LogicalResult Importer::importRuntimeGather(const NodeRef &n, int64_t axis) {
  FailureOr<Value> data = anyInput(n, 0);
  if (failed(data))
    return failure();
  FailureOr<Value> indices = anyInput(n, 1);
  if (failed(indices))
    return failure();
  FailureOr<Value> r = create<GatherOp>(
      n, {*data, *indices}, {named("axis", b().getI64IntegerAttr(axis))});
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importGatherElements(const NodeRef &n) {
  FailureOr<int64_t> axis = intAttr(n, "axis", 0);
  if (failed(axis))
    return failure();
  FailureOr<Value> data = anyInput(n, 0);
  if (failed(data))
    return failure();
  FailureOr<Value> indices = anyInput(n, 1);
  if (failed(indices))
    return failure();
  FailureOr<Value> r = create<GatherElementsOp>(
      n, {*data, *indices}, {named("axis", b().getI64IntegerAttr(*axis))});
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importTrilu(const NodeRef &n) {
  FailureOr<int64_t> upper = flagAttr(n, "upper", 1);
  if (failed(upper))
    return failure();
  int64_t k = 0;
  if (hasInput(n, 1)) {
    FailureOr<SmallVector<int64_t>> ks = requireInts(n, 1, "k");
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return error(n) << "k must hold one integer, got " << ks->size();
    k = ks->front();
  }
  FailureOr<Value> x = anyInput(n, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> r =
      create<TriluOp>(n, *x,
                      {named("upper", b().getBoolAttr(*upper != 0)),
                       named("k", b().getI64IntegerAttr(k))});
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

FailureOr<Value> Importer::nllLoss(const NodeRef &n, Value logProb,
                                   size_t targetInput, size_t weightInput) {
  FailureOr<std::string> reduction = stringAttr(n, "reduction", "mean");
  if (failed(reduction))
    return failure();
  if (*reduction != "none" && *reduction != "sum" && *reduction != "mean")
    return badAttr(n, "reduction", "\"" + *reduction + "\"")
           << "; expected \"none\", \"sum\" or \"mean\"";
  const OnnxAttribute *ignore = attr(n, "ignore_index");
  FailureOr<int64_t> ignoreIndex = intAttr(n, "ignore_index", 0);
  if (failed(ignoreIndex))
    return failure();
  FailureOr<Value> target = anyInput(n, targetInput);
  if (failed(target))
    return failure();
  SmallVector<Value, 3> operands = {logProb, *target};
  if (hasInput(n, weightInput)) {
    FailureOr<Value> w = floatInput(n, weightInput);
    if (failed(w))
      return failure();
    operands.push_back(*w);
  }
  return create<NllLossOp>(
      n, operands,
      {named("reduction", b().getStringAttr(*reduction)),
       named("ignore_index", b().getI64IntegerAttr(*ignoreIndex)),
       named("has_ignore_index", b().getBoolAttr(ignore != nullptr))});
}

LogicalResult Importer::importNegativeLogLikelihoodLoss(const NodeRef &n) {
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> r = nllLoss(n, *x, 1, 2);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  return success();
}

LogicalResult Importer::importSoftmaxCrossEntropyLoss(const NodeRef &n) {
  // loss = NegativeLogLikelihoodLoss(LogSoftmax(scores, axis 1), labels),
  // as ONNX defines it; output 1 is the log-probabilities.
  FailureOr<Value> x = floatInput(n, 0);
  if (failed(x))
    return failure();
  if (cast<RankedTensorType>(x->getType()).getRank() < 2)
    return error(n) << "scores must have shape (N, C, ...), got "
                    << x->getType();
  FailureOr<Value> logProb =
      create<LogSoftmaxOp>(n, *x, {named("axis", b().getI64IntegerAttr(1))});
  if (failed(logProb))
    return failure();
  FailureOr<Value> r = nllLoss(n, *logProb, 1, 2);
  if (failed(r))
    return failure();
  setOutput(n, 0, *r);
  if (outputUsed(n, 1))
    setOutput(n, 1, *logProb);
  return success();
}
