//===- Convert.cpp - qc-convert: observers to quantize / dequantize -------===//
//
// Turns the calibrated program into the reference Q/DQ form (DESIGN.md,
// "Numerics"):
//   - each qc.observe becomes qc.quantize -> qc.dequantize with its recorded
//     scale / zero point (per channel along the spec's axis);
//   - an observed constant (a weight) becomes an integer qc.constant,
//     quantized here with the reference kernel, followed by qc.dequantize;
//   - fixed specs left on ops by qc-prepare get quantize / dequantize with
//     their fixed qparams;
//   - derived specs (the bias of conv / linear) get zero point 0 and
//     scale[c] = product of the scales of the listed input edges (f32
//     multiplications, in order), e.g. s_in * s_w[c]; a constant bias is
//     stored as an int32 constant;
//   - dynamic specs (activation inputs of linear / matmul) become a
//     qc.dynamic_fake_quant before the op: qparams chosen per run.
//
//===----------------------------------------------------------------------===//
#include "reference/Kernels.h"
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ObserverConfig.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCCONVERT
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace ref = ::qc::ref;

namespace {

/// The quantization of one edge.
struct EdgeQParams {
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  /// Per-channel axis, or -1 for per tensor.
  int64_t axis = -1;
  /// Storage type (ui8, i8, i16, i32) and range.
  Type dtype;
  int64_t qmin = 0;
  int64_t qmax = 0;
};

StringRef toStringRef(absl::string_view s) { return {s.data(), s.size()}; }

/// A name for the blob of a quantized constant: the float blob's name plus
/// "_q" (the resource manager makes names unique).
std::string quantizedBlobName(ElementsAttr attr, Location loc) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return (resource.getRawHandle().getKey() + "_q").str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return (name.getName().getValue() + "_q").str();
  return "qc_quantized";
}

template <typename T>
ElementsAttr packInts(RankedTensorType type, const ref::QTensor &q,
                      StringRef name) {
  std::vector<T> values(q.begin(), q.end());
  return makeConstantAttr<T>(type, values, name);
}

class Converter {
public:
  explicit Converter(func::FuncOp func)
      : func(func), builder(func.getContext()) {}
  LogicalResult run();

private:
  /// Inserts quantize -> dequantize of `x` at the builder's insertion point
  /// (an integer constant -> dequantize when `x` is a float constant) and
  /// returns the dequantized value. `op` receives diagnostics.
  FailureOr<Value> quantizeDequantize(Value x, const EdgeQParams &qp,
                                      Location loc, Operation *op);
  FailureOr<ElementsAttr> quantizeConstant(ConstantOp cst,
                                           const EdgeQParams &qp,
                                           RankedTensorType intType,
                                           Location loc, Operation *op);
  LogicalResult convertObserver(ObserveOp observe);
  LogicalResult convertAnnotated(Operation *op);
  FailureOr<EdgeQParams> derivedQParams(Operation *op, DerivedSpecAttr spec,
                                        Value value, StringRef what);

  func::FuncOp func;
  OpBuilder builder;
  /// Fixed-qparams (or dynamic) results already made for a value, so
  /// several consumers with the same fixed (dynamic) input spec share one
  /// quantize / dequantize (qc.dynamic_fake_quant).
  llvm::DenseMap<std::pair<Value, Attribute>, Value> fixedInputs;
};

FailureOr<ElementsAttr>
Converter::quantizeConstant(ConstantOp cst, const EdgeQParams &qp,
                            RankedTensorType intType, Location loc,
                            Operation *op) {
  ElementsAttr attr = cst.getValue();
  auto type = cast<RankedTensorType>(attr.getType());
  if (!type.hasStaticShape())
    return op->emitError() << "cannot quantize a constant of dynamic shape "
                           << type;
  FailureOr<std::vector<float>> values = getConstantValues<float>(attr);
  if (failed(values))
    return op->emitError() << "cannot read the f32 constant " << type
                           << " to quantize it (missing or short blob)";
  std::vector<size_t> shape(type.getShape().begin(), type.getShape().end());
  ref::Tensor t = ref::Tensor::from_shape(shape);
  std::copy(values->begin(), values->end(), t.begin());
  ref::QuantRange range{qp.qmin, qp.qmax};
  absl::StatusOr<ref::QTensor> q =
      qp.axis < 0
          ? ref::quantizePerTensor(t, qp.scales[0], qp.zeroPoints[0], range)
          : ref::quantizePerChannel(
                t, std::vector<float>(qp.scales.begin(), qp.scales.end()),
                std::vector<int64_t>(qp.zeroPoints.begin(),
                                     qp.zeroPoints.end()),
                qp.axis, range);
  if (!q.ok())
    return op->emitError() << "cannot quantize constant " << type << ": "
                           << toStringRef(q.status().message());
  std::string name = quantizedBlobName(attr, loc);
  auto it = cast<IntegerType>(qp.dtype);
  switch (it.getWidth()) {
  case 8:
    return it.isUnsigned() ? packInts<uint8_t>(intType, *q, name)
                           : packInts<int8_t>(intType, *q, name);
  case 16:
    return packInts<int16_t>(intType, *q, name);
  default:
    return packInts<int32_t>(intType, *q, name);
  }
}

FailureOr<Value> Converter::quantizeDequantize(Value x, const EdgeQParams &qp,
                                               Location loc, Operation *op) {
  auto floatType = cast<RankedTensorType>(x.getType());
  auto intType = RankedTensorType::get(floatType.getShape(), qp.dtype);
  DenseF32ArrayAttr scale = builder.getDenseF32ArrayAttr(qp.scales);
  DenseI64ArrayAttr zp = builder.getDenseI64ArrayAttr(qp.zeroPoints);
  IntegerAttr axis = qp.axis >= 0 ? builder.getI64IntegerAttr(qp.axis)
                                  : IntegerAttr();
  Value q;
  if (auto cst = x.getDefiningOp<ConstantOp>()) {
    FailureOr<ElementsAttr> values =
        quantizeConstant(cst, qp, intType, loc, op);
    if (failed(values))
      return failure();
    q = builder.create<ConstantOp>(cst.getLoc(), intType, *values);
  } else {
    q = builder.create<QuantizeOp>(loc, intType, x, scale, zp, axis,
                                   builder.getI64IntegerAttr(qp.qmin),
                                   builder.getI64IntegerAttr(qp.qmax));
  }
  return builder
      .create<DequantizeOp>(loc, floatType, q, scale, zp, axis, IntegerAttr())
      .getResult();
}

LogicalResult Converter::convertObserver(ObserveOp observe) {
  if (!observe.getScale() || !observe.getZeroPoint())
    return observe.emitError()
           << "observer " << observe.getId()
           << " has no calibrated qparams (scale / zero_point); calibrate "
              "the prepared program before qc-convert";
  QuantSpecAttr spec = observe.getSpec();
  EdgeQParams qp;
  qp.scales.assign(observe.getScale()->begin(), observe.getScale()->end());
  qp.zeroPoints.assign(observe.getZeroPoint()->begin(),
                       observe.getZeroPoint()->end());
  qp.axis = spec.getAxis();
  qp.dtype = spec.getDtype();
  qp.qmin = spec.getQuantMin();
  qp.qmax = spec.getQuantMax();
  builder.setInsertionPoint(observe);
  FailureOr<Value> dq = quantizeDequantize(observe.getInput(), qp,
                                           observe.getLoc(), observe);
  if (failed(dq))
    return failure();
  observe.getResult().replaceAllUsesWith(*dq);
  observe.erase();
  return success();
}

FailureOr<EdgeQParams> Converter::derivedQParams(Operation *op,
                                                 DerivedSpecAttr spec,
                                                 Value value, StringRef what) {
  EdgeQParams qp;
  qp.dtype = spec.getDtype();
  qp.qmin = spec.getQuantMin();
  qp.qmax = spec.getQuantMax();
  SmallVector<float> scales{1.0f};
  bool first = true;
  for (int64_t k : spec.getInputs().asArrayRef()) {
    if (k < 0 || k >= static_cast<int64_t>(op->getNumOperands()))
      return op->emitError() << "derived spec on " << what
                             << " refers to input #" << k << ", but '"
                             << op->getName() << "' has "
                             << op->getNumOperands() << " operands";
    auto dq = op->getOperand(k).getDefiningOp<DequantizeOp>();
    if (!dq)
      return op->emitError()
             << "derived spec on " << what << " needs input #" << k
             << " to be quantized (a qc.dequantize), but it is not; run "
                "qc-prepare and calibration before qc-convert";
    ArrayRef<float> s = dq.getScale();
    if (first) {
      scales.assign(s.begin(), s.end());
      first = false;
      continue;
    }
    if (s.size() != 1 && scales.size() != 1 && s.size() != scales.size())
      return op->emitError() << "derived spec on " << what
                             << " multiplies " << scales.size()
                             << " scales by the " << s.size()
                             << " scales of input #" << k;
    SmallVector<float> product(std::max(scales.size(), s.size()));
    for (size_t c = 0; c < product.size(); ++c)
      product[c] = scales[scales.size() == 1 ? 0 : c] * s[s.size() == 1 ? 0 : c];
    scales = std::move(product);
  }
  auto type = cast<RankedTensorType>(value.getType());
  if (scales.size() > 1) {
    int64_t axis = spec.getAxis();
    if (axis < 0 || axis >= type.getRank())
      return op->emitError() << "derived spec on " << what << " has "
                             << scales.size()
                             << " per-channel scales but no valid axis";
    int64_t dim = type.getDimSize(axis);
    if (!ShapedType::isDynamic(dim) &&
        dim != static_cast<int64_t>(scales.size()))
      return op->emitError()
             << "derived spec on " << what << " has " << scales.size()
             << " per-channel scales, but dimension " << axis << " of "
             << type << " is " << dim;
    qp.axis = axis;
  }
  for (float s : scales)
    if (!(s > 0.0f) || !std::isfinite(s))
      return op->emitError() << "derived scale " << s << " of " << what
                             << " is not positive and finite";
  qp.scales = std::move(scales);
  qp.zeroPoints.assign(qp.scales.size(), 0);
  return qp;
}

EdgeQParams fixedQParams(FixedSpecAttr spec) {
  EdgeQParams qp;
  qp.scales = {spec.getScale().getValue().convertToFloat()};
  qp.zeroPoints = {spec.getZeroPoint()};
  qp.dtype = spec.getDtype();
  qp.qmin = spec.getQuantMin();
  qp.qmax = spec.getQuantMax();
  return qp;
}

LogicalResult Converter::convertAnnotated(Operation *op) {
  auto entriesOf = [&](StringRef name) {
    SmallVector<Attribute> entries;
    if (auto array = op->getAttrOfType<ArrayAttr>(name))
      entries.assign(array.begin(), array.end());
    return entries;
  };
  SmallVector<Attribute> ins = entriesOf(kInputSpecsAttr);
  SmallVector<Attribute> outs = entriesOf(kOutputSpecsAttr);
  if ((!ins.empty() && ins.size() != op->getNumOperands()) ||
      (!outs.empty() && outs.size() != op->getNumResults()))
    return op->emitError() << "quantization annotations do not have one "
                              "entry per operand / result";
  auto isDynamic = [](Attribute entry) {
    auto spec = dyn_cast<QuantSpecAttr>(entry);
    return spec && spec.getDynamic();
  };
  for (Attribute entry : outs)
    if (isDynamic(entry))
      return op->emitError() << "dynamic spec " << entry
                             << " on an output; only inputs of qc.linear / "
                                "qc.matmul can be quantized dynamically";
  for (Attribute entry : llvm::concat<Attribute>(ins, outs))
    if (isa<SharedSpecAttr>(entry) ||
        (isa<QuantSpecAttr>(entry) && !isDynamic(entry)))
      return op->emitError()
             << "unprepared spec " << entry
             << " reached qc-convert; run qc-prepare (which turns it into a "
                "qc.observe) and calibration first";

  // Inputs: fixed ones first, then derived ones (which read the scales of
  // their inputs' qc.dequantize).
  for (bool derivedPass : {false, true}) {
    for (auto [i, entry] : llvm::enumerate(ins)) {
      std::string what = "input #" + std::to_string(i);
      Value x = op->getOperand(i);
      builder.setInsertionPoint(op);
      if (auto fixed = dyn_cast<FixedSpecAttr>(entry); fixed && !derivedPass) {
        Value &cached = fixedInputs[{x, fixed}];
        if (!cached) {
          FailureOr<Value> dq =
              quantizeDequantize(x, fixedQParams(fixed), op->getLoc(), op);
          if (failed(dq))
            return failure();
          cached = *dq;
        }
        op->setOperand(i, cached);
      }
      if (auto spec = dyn_cast<QuantSpecAttr>(entry); spec && !derivedPass) {
        // A dynamic activation: qparams from each run's min / max.
        Value &cached = fixedInputs[{x, spec}];
        if (!cached)
          cached = builder.create<DynamicFakeQuantOp>(
              op->getLoc(), x, TypeAttr::get(spec.getDtype()),
              builder.getI64IntegerAttr(spec.getQuantMin()),
              builder.getI64IntegerAttr(spec.getQuantMax()),
              builder.getBoolAttr(spec.getPerToken()));
        op->setOperand(i, cached);
      }
      if (auto derived = dyn_cast<DerivedSpecAttr>(entry);
          derived && derivedPass) {
        FailureOr<EdgeQParams> qp = derivedQParams(op, derived, x, what);
        if (failed(qp))
          return failure();
        FailureOr<Value> dq = quantizeDequantize(x, *qp, op->getLoc(), op);
        if (failed(dq))
          return failure();
        op->setOperand(i, *dq);
      }
    }
  }
  for (auto [i, entry] : llvm::enumerate(outs)) {
    std::string what = "output #" + std::to_string(i);
    Value r = op->getResult(i);
    std::optional<EdgeQParams> qp;
    if (auto fixed = dyn_cast<FixedSpecAttr>(entry))
      qp = fixedQParams(fixed);
    if (auto derived = dyn_cast<DerivedSpecAttr>(entry)) {
      FailureOr<EdgeQParams> d = derivedQParams(op, derived, r, what);
      if (failed(d))
        return failure();
      qp = *d;
    }
    if (!qp)
      continue;
    builder.setInsertionPointAfter(op);
    FailureOr<Value> dq = quantizeDequantize(r, *qp, op->getLoc(), op);
    if (failed(dq))
      return failure();
    // Every user, the function's return included, reads the dequantized
    // value; only the new quantize reads the float result.
    Operation *quantize = dq->getDefiningOp()->getOperand(0).getDefiningOp();
    r.replaceAllUsesExcept(*dq, quantize);
  }
  op->removeAttr(kInputSpecsAttr);
  op->removeAttr(kOutputSpecsAttr);
  return success();
}

LogicalResult Converter::run() {
  SmallVector<ObserveOp> observers;
  SmallVector<Operation *> annotated;
  func.walk([&](Operation *op) {
    if (auto observe = dyn_cast<ObserveOp>(op))
      observers.push_back(observe);
    else if (op->hasAttr(kInputSpecsAttr) || op->hasAttr(kOutputSpecsAttr))
      annotated.push_back(op);
  });
  // Float constants that lose their last user (weights now stored as
  // integers) are erased.
  llvm::SetVector<Operation *> maybeDead;
  for (ObserveOp observe : observers) {
    if (auto cst = observe.getInput().getDefiningOp<ConstantOp>())
      maybeDead.insert(cst);
    if (failed(convertObserver(observe)))
      return failure();
  }
  for (Operation *op : annotated) {
    for (Value v : op->getOperands())
      if (auto cst = v.getDefiningOp<ConstantOp>())
        maybeDead.insert(cst);
    if (failed(convertAnnotated(op)))
      return failure();
  }
  for (Operation *cst : maybeDead)
    if (cst->use_empty())
      cst->erase();
  return success();
}

struct QCConvertPass : public mlir::qc::impl::QCConvertBase<QCConvertPass> {
  void runOnOperation() override {
    if (failed(Converter(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
