//===- BiasCorrection.cpp - fold the weight-quantization shift into biases -===//
//
// Empirical bias correction (Nagel et al. 2019, "Data-Free Quantization
// Through Weight Equalization and Bias Correction", section 4.2, with the
// input statistics measured on calibration data instead of derived from
// BatchNorm): quantizing a weight W to W_q shifts a layer's output by
// E[(W_q - W) x], a per-output-channel constant in expectation. Between
// calibration (which fixed the weight qparams) and qc-convert (which makes
// the bias int32 with scale s_in * s_w[c]), this subtracts that expectation,
// measured with the float inputs x of the calibration data, from the float
// bias. By linearity, E[conv(x, dW)] = conv(E[x], dW): one pass over the data
// accumulates the mean input of each corrected layer (per position for
// conv2d, per feature for linear).
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize/BiasCorrection.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ActivationProbes.h"
#include "reference/Kernels.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <optional>

namespace mlir::qc {
#define GEN_PASS_DEF_QCREQUESTBIASCORRECTION
#define GEN_PASS_DEF_QCBIASCORRECTION
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
namespace ref = ::qc::ref;

namespace {

/// One layer whose bias is corrected.
struct Target {
  Operation *op;
  ObserveOp input;
  SmallVector<int64_t> weightShape;
  /// dequantize(quantize(W)) - W.
  std::vector<float> weightError;
  std::vector<float> bias;
};

/// The mean of the tensors seen at one qc.observe: per position of a
/// sample (conv2d: [C, H, W], samples along axis 0) or per feature
/// (linear: the last axis, every other index a sample).
struct MeanInput {
  bool perFeature = false;
  SmallVector<int64_t> shape; // of one sample (conv) / [K] (linear)
  std::vector<double> sum;
  int64_t count = 0;
};

/// dequantize(quantize(w)) - w with the calibrated qparams of `observe`
/// (DESIGN.md's quantize: x * (1 / scale), round half to even).
std::optional<std::vector<float>> weightError(ObserveOp observe,
                                              ArrayRef<int64_t> shape,
                                              const std::vector<float> &w) {
  if (!observe.getScale() || !observe.getZeroPoint())
    return std::nullopt;
  ArrayRef<float> scales = *observe.getScale();
  ArrayRef<int64_t> zps = *observe.getZeroPoint();
  QuantSpecAttr spec = observe.getSpec();
  int64_t axis = spec.getAxis();
  int64_t channels = axis >= 0 ? shape[axis] : 1;
  if (static_cast<int64_t>(scales.size()) != channels ||
      zps.size() != scales.size())
    return std::nullopt;
  int64_t inner = 1;
  for (int64_t d = axis + 1; axis >= 0 && d < static_cast<int64_t>(shape.size());
       ++d)
    inner *= shape[d];
  std::vector<float> err(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % channels : 0;
    float s = scales[c];
    double q = std::nearbyint(w[i] * (1.0f / s)) + static_cast<double>(zps[c]);
    q = std::clamp(q, static_cast<double>(spec.getQuantMin()),
                   static_cast<double>(spec.getQuantMax()));
    float dq = static_cast<float>(q - static_cast<double>(zps[c])) * s;
    err[i] = dq - w[i];
  }
  return err;
}

/// The conv2d / linear `op` as a Target, if it was annotated by one of
/// `quantizers` and its input and constant weight are observed and its bias
/// is a constant.
std::optional<Target> asTarget(Operation *op, ArrayRef<std::string> quantizers) {
  if (!isa<Conv2dOp, LinearOp>(op) || op->getNumOperands() < 3)
    return std::nullopt;
  auto by = op->getAttrOfType<StringAttr>("qc.annotated_by");
  if (!by || !llvm::is_contained(quantizers, by.getValue().str()))
    return std::nullopt;
  auto input = op->getOperand(0).getDefiningOp<ObserveOp>();
  auto wObserve = op->getOperand(1).getDefiningOp<ObserveOp>();
  if (!input || !wObserve)
    return std::nullopt;
  auto wType = dyn_cast<RankedTensorType>(wObserve.getInput().getType());
  auto w = getConstantFloats(wObserve.getInput());
  auto bias = getConstantFloats(op->getOperand(2));
  if (!wType || !wType.hasStaticShape() || failed(w) || failed(bias) ||
      static_cast<int64_t>(bias->size()) != wType.getDimSize(0))
    return std::nullopt;
  Target t{op, input, SmallVector<int64_t>(wType.getShape()), {}, std::move(*bias)};
  auto err = weightError(wObserve, t.weightShape, *w);
  if (!err)
    return std::nullopt;
  t.weightError = std::move(*err);
  return t;
}

/// E[(W_q - W) x] per output channel, from the mean input.
FailureOr<std::vector<double>> expectedShift(const Target &t,
                                             const MeanInput &m) {
  std::vector<double> shift(t.bias.size(), 0.0);
  if (m.count == 0)
    return failure();
  if (auto linear = dyn_cast<LinearOp>(t.op)) {
    int64_t outF = t.weightShape[0], inF = t.weightShape[1];
    if (m.shape.size() != 1 || m.shape[0] != inF)
      return failure();
    for (int64_t o = 0; o < outF; ++o)
      for (int64_t k = 0; k < inF; ++k)
        shift[o] += t.weightError[o * inF + k] * (m.sum[k] / m.count);
    return shift;
  }
  auto conv = cast<Conv2dOp>(t.op);
  ref::Tensor x = ref::zeros({1, m.shape[0], m.shape[1], m.shape[2]});
  for (size_t i = 0; i < m.sum.size(); ++i)
    x.data()[i] = static_cast<float>(m.sum[i] / m.count);
  ref::Tensor w = ref::zeros({t.weightShape[0], t.weightShape[1],
                              t.weightShape[2], t.weightShape[3]});
  std::copy(t.weightError.begin(), t.weightError.end(), w.data());
  ::qc::Conv2dAttrs attrs;
  ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                    dilations = conv.getDilations();
  if (strides.size() != 2 || pads.size() != 4 || dilations.size() != 2)
    return failure();
  std::copy(strides.begin(), strides.end(), attrs.strides.begin());
  std::copy(pads.begin(), pads.end(), attrs.pads.begin());
  std::copy(dilations.begin(), dilations.end(), attrs.dilations.begin());
  attrs.groups = conv.getGroups();
  absl::StatusOr<ref::Tensor> y = ref::conv2d(x, w, nullptr, attrs);
  if (!y.ok() || y->dimension() != 4)
    return failure();
  int64_t channels = y->shape()[1], positions = y->shape()[2] * y->shape()[3];
  if (channels != static_cast<int64_t>(shift.size()) || positions == 0)
    return failure();
  for (int64_t c = 0; c < channels; ++c) {
    double s = 0;
    for (int64_t p = 0; p < positions; ++p)
      s += y->data()[c * positions + p];
    shift[c] = s / positions;
  }
  return shift;
}

std::string nameHint(Operation *op) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return (loc.getName().getValue() + "_corrected_bias").str();
  return "corrected_bias";
}

/// Adds every batch of `data`'s inputs at the qc.observe ops of `means`.
LogicalResult accumulateMeans(func::FuncOp func, CalibrationSource &data,
                              llvm::DenseMap<Operation *, MeanInput> &means) {
  auto accumulate = [&](ObserveOp op, ArrayRef<float> values,
                        ArrayRef<int64_t> shape) -> LogicalResult {
    auto it = means.find(op.getOperation());
    if (it == means.end())
      return success();
    MeanInput &m = it->second;
    SmallVector<int64_t> sample;
    int64_t samples;
    if (m.perFeature) {
      if (shape.empty())
        return op.emitError() << "bias correction: a scalar input";
      sample = {shape.back()};
      samples = shape.back() ? static_cast<int64_t>(values.size()) / shape.back() : 0;
    } else {
      if (shape.size() != 4)
        return op.emitError() << "bias correction: expected a 4-D conv input";
      sample.assign(shape.begin() + 1, shape.end());
      samples = shape[0];
    }
    if (m.sum.empty()) {
      m.shape = sample;
      int64_t n = 1;
      for (int64_t d : sample)
        n *= d;
      m.sum.assign(n, 0.0);
    } else if (m.shape != sample) {
      return op.emitError() << "bias correction: the input's shape changes "
                               "between calibration batches";
    }
    size_t n = m.sum.size();
    for (int64_t s = 0; s < samples; ++s)
      for (size_t i = 0; i < n; ++i)
        m.sum[i] += values[s * n + i];
    m.count += samples;
    return success();
  };
  return observeCalibrationData(func, data, accumulate);
}

} // namespace

std::vector<std::string> mlir::qc::biasCorrectionRequests(func::FuncOp func) {
  std::vector<std::string> names;
  if (auto list = func->getAttrOfType<ArrayAttr>(kBiasCorrectionAttr))
    for (Attribute a : list)
      if (auto s = dyn_cast<StringAttr>(a))
        names.push_back(s.getValue().str());
  return names;
}

FailureOr<int64_t> mlir::qc::correctBiases(func::FuncOp func,
                                           CalibrationSource *data) {
  std::vector<std::string> quantizers = biasCorrectionRequests(func);
  if (quantizers.empty())
    return 0;
  func->removeAttr(kBiasCorrectionAttr);
  SmallVector<Target> targets;
  func.walk([&](Operation *op) {
    if (std::optional<Target> t = asTarget(op, quantizers))
      targets.push_back(std::move(*t));
  });
  if (targets.empty())
    return 0;
  if (!data)
    return func.emitError()
           << "bias_correction=1 (quantizer '" << quantizers.front()
           << "') needs calibration data: the shift is measured on it";

  llvm::DenseMap<Operation *, MeanInput> means;
  for (Target &t : targets)
    means[t.input.getOperation()].perFeature = isa<LinearOp>(t.op);
  if (failed(accumulateMeans(func, *data, means)))
    return failure();


  int64_t corrected = 0;
  for (Target &t : targets) {
    FailureOr<std::vector<double>> shift =
        expectedShift(t, means[t.input.getOperation()]);
    if (failed(shift))
      continue;
    std::vector<float> bias(t.bias.size());
    for (size_t c = 0; c < bias.size(); ++c)
      bias[c] = static_cast<float>(t.bias[c] - (*shift)[c]);
    Value old = t.op->getOperand(2);
    auto type = cast<RankedTensorType>(old.getType());
    OpBuilder b(t.op);
    Value v = b.create<ConstantOp>(old.getLoc(), type,
                                   makeConstantAttr<float>(type, bias,
                                                           nameHint(t.op)));
    t.op->setOperand(2, v);
    if (Operation *def = old.getDefiningOp(); def && def->use_empty())
      def->erase();
    ++corrected;
  }
  return corrected;
}

namespace {

struct RequestBiasCorrection
    : mlir::qc::impl::QCRequestBiasCorrectionBase<RequestBiasCorrection> {
  using QCRequestBiasCorrectionBase::QCRequestBiasCorrectionBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::vector<std::string> names = biasCorrectionRequests(func);
    std::string name = quantizer;
    if (!llvm::is_contained(names, name))
      names.push_back(name);
    Builder b(func.getContext());
    SmallVector<Attribute> attrs;
    for (const std::string &n : names)
      attrs.push_back(b.getStringAttr(n));
    func->setAttr(kBiasCorrectionAttr, b.getArrayAttr(attrs));
  }
};

struct BiasCorrection : mlir::qc::impl::QCBiasCorrectionBase<BiasCorrection> {
  using QCBiasCorrectionBase::QCBiasCorrectionBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (biasCorrectionRequests(func).empty())
      return;
    std::unique_ptr<CalibrationData> owned;
    if (!data.empty()) {
      CalibrationDataOptions options;
      options.maxSamples = maxSamples;
      options.batchSize = batchSize;
      FailureOr<std::unique_ptr<CalibrationData>> opened =
          CalibrationData::open(func, data, options);
      if (failed(opened))
        return signalPassFailure();
      owned = std::move(*opened);
    }
    if (failed(correctBiases(func, owned.get())))
      signalPassFailure();
  }
};

} // namespace
