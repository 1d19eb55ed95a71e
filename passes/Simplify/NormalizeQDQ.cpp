//===- NormalizeQDQ.cpp - imported Q/DQ programs to qc's converted form ---===//
//
// A Q/DQ model written by another tool (PyTorch's QAT export, ONNX Runtime's
// quantizer) differs from what qc-convert writes in three ways; this pass
// removes them, so qc-lower-to-integer finds its dq -> op -> q patterns:
//
//   1. quantize(constant f32): the weight fake-quant of a QAT model exports
//      as QuantizeLinear of the float weight. It becomes the integer
//      constant, quantized with the reference kernel (as qc-convert does).
//   2. The conv-bn simulation of a QAT model: PyTorch 1.13's ConvBn2d in eval
//      mode exports as
//        BatchNorm(Add(Div(Conv(x, dq(w * k)), k), b))   k = gamma / std
//      where the fake-quantized weight already holds the BatchNorm's scale.
//      The chain is one per-channel affine map y = conv * m + c with m = 1
//      up to rounding; it folds into the conv's bias (m stays in the weight's
//      dequantize scale when it differs from 1, as with a plain BatchNorm
//      after a conv whose weight is quantized).
//   3. A float constant bias of a conv2d / linear whose input and weight are
//      dequantized: stored as int32 with zero point 0 and scale
//      s_in * s_w[c] (f32 product), what qc-convert and PyTorch's convert do.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "reference/Kernels.h"

#include <cmath>
#include <limits>

namespace mlir::qc {
#define GEN_PASS_DEF_QCNORMALIZEQDQ
#include "passes/Passes.h.inc"

namespace {
namespace ref = ::qc::ref;

/// A per-channel constant operand of an elementwise op on an NCHW (or
/// [N, C]) tensor: one value per channel (shape [C], [C, 1, 1] or
/// [1, C, 1, 1]) or a single value; expanded to `channels` values.
FailureOr<std::vector<float>> channelConstant(Value v, int64_t channels,
                                              int64_t rank) {
  FailureOr<std::vector<float>> values = getConstantFloats(v);
  if (failed(values))
    return failure();
  auto type = cast<RankedTensorType>(v.getType());
  if (values->size() == 1)
    return std::vector<float>(channels, values->front());
  if (static_cast<int64_t>(values->size()) != channels || type.getRank() > rank)
    return failure();
  // The channel axis (1 of the result) right-aligned in the constant.
  int64_t axis = type.getRank() - (rank - 1);
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.getDimSize(i) != (i == axis ? channels : 1))
      return failure();
  return values;
}

std::string nameHint(Operation *op, StringRef suffix) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return (loc.getName().getValue() + suffix).str();
  return ("qdq" + suffix).str();
}

/// A quantized weight: dequantize of an i8 constant, zero point 0, per
/// tensor or per output channel (axis 0).
DequantizeOp quantizedWeight(Value w) {
  auto dq = w.getDefiningOp<DequantizeOp>();
  if (!dq || !dq.getInput().getDefiningOp<ConstantOp>() ||
      !cast<RankedTensorType>(dq.getInput().getType())
           .getElementType()
           .isSignlessInteger(8))
    return nullptr;
  if (dq.getBlockSize() ||
      (dq.getAxis() ? *dq.getAxis() != 0 : dq.getScale().size() != 1))
    return nullptr;
  for (int64_t zp : dq.getZeroPoint())
    if (zp != 0)
      return nullptr;
  return dq;
}

struct NormalizeQDQ : impl::QCNormalizeQDQBase<NormalizeQDQ> {
  void runOnOperation() override {
    SmallVector<QuantizeOp> quantizes;
    getOperation().walk([&](QuantizeOp q) { quantizes.push_back(q); });
    for (QuantizeOp q : quantizes)
      if (q.getInput().getDefiningOp<ConstantOp>() &&
          failed(foldQuantizedConstant(q)))
        return signalPassFailure();

    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms)
      foldSimulatedBatchNorm(bn);

    SmallVector<Operation *> layers;
    getOperation().walk([&](Operation *op) {
      if (isa<Conv2dOp, LinearOp>(op))
        layers.push_back(op);
    });
    for (Operation *op : layers)
      if (failed(quantizeBias(op)))
        return signalPassFailure();
  }

  /// Step 1: quantize(constant) -> integer constant.
  LogicalResult foldQuantizedConstant(QuantizeOp q) {
    auto cst = q.getInput().getDefiningOp<ConstantOp>();
    auto type = cast<RankedTensorType>(cst.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return success();
    FailureOr<std::vector<float>> values =
        getConstantValues<float>(cst.getValue());
    if (failed(values))
      return success(); // A missing blob is reported where it is read.
    std::vector<size_t> shape(type.getShape().begin(), type.getShape().end());
    ref::Tensor t = ref::Tensor::from_shape(shape);
    std::copy(values->begin(), values->end(), t.begin());
    ref::QuantRange range{static_cast<int64_t>(q.getQuantMin()),
                          static_cast<int64_t>(q.getQuantMax())};
    std::vector<float> scales(q.getScale().begin(), q.getScale().end());
    std::vector<int64_t> zps(q.getZeroPoint().begin(), q.getZeroPoint().end());
    absl::StatusOr<ref::QTensor> r =
        q.getAxis()
            ? ref::quantizePerChannel(t, scales, zps,
                                      static_cast<int64_t>(*q.getAxis()), range)
            : ref::quantizePerTensor(t, scales[0], zps[0], range);
    if (!r.ok())
      return q.emitError() << "cannot quantize the constant " << type << ": "
                           << std::string(r.status().message());
    auto intType = cast<RankedTensorType>(q.getType());
    bool isUnsigned = intType.getElementType().isUnsignedInteger();
    // Flat element i is data()[i]: xtensor's operator[](i) is operator()(i),
    // which indexes the last dimension (and reads element 0 again and again
    // when that dimension has size 1, as in a [Cout, Cin, 1, 1] weight).
    std::vector<char> bytes(r->size());
    const int32_t *codes = r->data();
    for (size_t i = 0; i < r->size(); ++i)
      bytes[i] = isUnsigned ? static_cast<char>(static_cast<uint8_t>(codes[i]))
                            : static_cast<char>(static_cast<int8_t>(codes[i]));
    OpBuilder builder(q);
    auto out = builder.create<ConstantOp>(
        q.getLoc(), intType,
        makeConstantAttr(intType, ArrayRef<char>(bytes), nameHint(q, "_q")));
    q.getResult().replaceAllUsesWith(out.getResult());
    q.erase();
    return success();
  }

  /// Step 2: BatchNorm [<- Add(const)] [<- Div(const) | Mul(const)] <- a
  /// conv2d / linear with a quantized weight. Leaves the IR alone when the
  /// chain does not match.
  void foldSimulatedBatchNorm(BatchNormOp bn) {
    Value v = bn.getInput();
    auto single = [](Value x) {
      return x.hasOneUse() ? x.getDefiningOp() : nullptr;
    };
    Operation *add = nullptr, *scaleOp = nullptr;
    Operation *op = single(v);
    if (op && isa<AddOp>(op)) {
      add = op;
      op = single(op->getOperand(0));
    }
    if (op && isa<DivOp, MulOp>(op)) {
      scaleOp = op;
      op = single(op->getOperand(0));
    }
    if (!op || !isa<Conv2dOp, LinearOp>(op))
      return;
    Value weight = op->getOperand(1);
    Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
    DequantizeOp wdq = quantizedWeight(weight);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    int64_t rank = resultType.getRank();
    if (!wdq || !weight.hasOneUse() || (isa<LinearOp>(op) && rank != 2))
      return;
    int64_t channels = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    if (resultType != bn.getType())
      return;

    auto gamma = getConstantFloats(bn.getScale());
    auto beta = getConstantFloats(bn.getBias());
    auto mean = getConstantFloats(bn.getMean());
    auto var = getConstantFloats(bn.getVar());
    if (failed(gamma) || failed(beta) || failed(mean) || failed(var))
      return;
    auto perChannel = [&](const std::vector<float> &x) {
      return static_cast<int64_t>(x.size()) == channels;
    };
    if (!perChannel(*gamma) || !perChannel(*beta) || !perChannel(*mean) ||
        !perChannel(*var))
      return;
    std::vector<float> b0(channels, 0.0f), shift(channels, 0.0f),
        divisor(channels, 1.0f);
    if (bias) {
      auto b = getConstantFloats(bias);
      if (failed(b) || !perChannel(*b))
        return;
      b0 = *b;
    }
    if (add) {
      auto a = channelConstant(add->getOperand(1), channels, rank);
      if (failed(a))
        return;
      shift = *a;
    }
    if (scaleOp) {
      auto d = channelConstant(scaleOp->getOperand(1), channels, rank);
      if (failed(d))
        return;
      for (int64_t c = 0; c < channels; ++c)
        divisor[c] = isa<DivOp>(scaleOp) ? (*d)[c] : 1.0f / (*d)[c];
    }

    // y = ((conv + b0) / d + a - mean) * k + beta, k = gamma / sqrt(var + eps)
    //   = conv * m + (b0 * m + (a - mean) * k + beta),  m = k / d.
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<double> m(channels);
    std::vector<float> newBias(channels);
    bool unit = true;
    for (int64_t c = 0; c < channels; ++c) {
      double k = (*gamma)[c] / std::sqrt(static_cast<double>((*var)[c]) + eps);
      m[c] = k / divisor[c];
      if (!std::isfinite(m[c]) || m[c] <= 0)
        return;
      unit &= std::fabs(m[c] - 1.0) <= 1e-5;
      newBias[c] = static_cast<float>(
          b0[c] * m[c] + (static_cast<double>(shift[c]) - (*mean)[c]) * k +
          (*beta)[c]);
    }
    OpBuilder builder(op);
    if (!unit) {
      // m > 0 moves into the dequantize scale: dq(q, s * m) = dq(q, s) * m.
      SmallVector<float> scales(channels);
      for (int64_t c = 0; c < channels; ++c)
        scales[c] = static_cast<float>(
            wdq.getScale()[wdq.getScale().size() == 1 ? 0 : c] * m[c]);
      SmallVector<int64_t> zps(channels, 0);
      auto newDq = builder.create<DequantizeOp>(
          wdq.getLoc(), wdq.getType(), wdq.getInput(),
          builder.getDenseF32ArrayAttr(scales),
          builder.getDenseI64ArrayAttr(zps), builder.getI64IntegerAttr(0),
          IntegerAttr());
      op->setOperand(1, newDq.getResult());
      wdq.erase();
    }
    auto biasType = RankedTensorType::get({channels}, builder.getF32Type());
    Value newBiasValue = builder.create<ConstantOp>(
        bn.getLoc(), biasType,
        makeConstantAttr<float>(biasType, newBias, nameHint(op, "_bias")));
    if (bias)
      op->setOperand(2, newBiasValue);
    else if (auto conv = dyn_cast<Conv2dOp>(op))
      conv.getBiasMutable().append(newBiasValue);
    else
      cast<LinearOp>(op).getBiasMutable().append(newBiasValue);
    bn.getOutput().replaceAllUsesWith(op->getResult(0));
    bn.erase();
    if (add)
      add->erase();
    if (scaleOp)
      scaleOp->erase();
  }

  /// Step 3: a float constant bias of a layer with a dequantized input (per
  /// tensor) and a quantized weight becomes dequantize(int32 constant).
  LogicalResult quantizeBias(Operation *op) {
    if (op->getNumOperands() < 3)
      return success();
    auto in = op->getOperand(0).getDefiningOp<DequantizeOp>();
    DequantizeOp wdq = quantizedWeight(op->getOperand(1));
    Value bias = op->getOperand(2);
    auto cst = bias.getDefiningOp<ConstantOp>();
    if (!in || in.getAxis() || in.getScale().size() != 1 || !wdq || !cst ||
        !cst.getType().getElementType().isF32() || cst.getType().getRank() != 1)
      return success();
    FailureOr<std::vector<float>> values =
        getConstantValues<float>(cst.getValue());
    if (failed(values))
      return success();
    int64_t channels = static_cast<int64_t>(values->size());
    ArrayRef<float> ws = wdq.getScale();
    if (ws.size() != 1 && static_cast<int64_t>(ws.size()) != channels)
      return success();
    std::vector<float> scales(ws.size());
    for (size_t c = 0; c < ws.size(); ++c)
      scales[c] = in.getScale()[0] * ws[c];
    ref::Tensor t = ref::Tensor::from_shape({static_cast<size_t>(channels)});
    std::copy(values->begin(), values->end(), t.begin());
    ref::QuantRange range{std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max()};
    absl::StatusOr<ref::QTensor> r =
        scales.size() == 1
            ? ref::quantizePerTensor(t, scales[0], 0, range)
            : ref::quantizePerChannel(
                  t, scales, std::vector<int64_t>(channels, 0), 0, range);
    if (!r.ok())
      return op->emitError() << "cannot quantize the bias to int32 with scale "
                                "s_in * s_w: "
                             << std::string(r.status().message());
    std::vector<int32_t> ints(r->begin(), r->end());
    OpBuilder builder(op);
    auto intType =
        RankedTensorType::get({channels}, builder.getIntegerType(32));
    Value q = builder.create<ConstantOp>(
        cst.getLoc(), intType,
        makeConstantAttr<int32_t>(intType, ints, nameHint(op, "_bias_q")));
    IntegerAttr axis =
        scales.size() == 1 ? IntegerAttr() : builder.getI64IntegerAttr(0);
    auto dq = builder.create<DequantizeOp>(
        op->getLoc(), cst.getType(), q, builder.getDenseF32ArrayAttr(scales),
        builder.getDenseI64ArrayAttr(SmallVector<int64_t>(scales.size(), 0)),
        axis, IntegerAttr());
    op->setOperand(2, dq.getResult());
    return success();
  }
};
} // namespace
} // namespace mlir::qc
