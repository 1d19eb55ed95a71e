//===- EqualizeCrossLayer.cpp - cross-layer weight equalization -----------===//
//
// Data-free cross-layer equalization (Nagel et al., "Data-Free Quantization
// Through Weight Equalization and Bias Correction", ICCV 2019, section 4.1):
// for a pair  layer1 -> [relu | relu6] -> layer2  where layer1's output
// channel i feeds layer2's input channel i, dividing channel i of layer1
// (weights and bias) by s_i and multiplying the input-channel-i weights of
// layer2 by s_i leaves the program's function unchanged (relu is positively
// homogeneous), and s_i = sqrt(r1_i / r2_i) (r = the channel's max |w|)
// gives both channels the same range sqrt(r1_i * r2_i): per-tensor weight
// quantization no longer wastes its range on a few wide channels.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Quantize/ActivationProbes.h"
#include "passes/Quantize/CalibrationData.h"
#include "passes/Quantize/SmoothQuant.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mlir::qc {
#define GEN_PASS_DEF_QCEQUALIZECROSSLAYER
#include "passes/Passes.h.inc"

namespace {

/// A weighted layer of a pair: conv2d (weight [O, I/groups, kh, kw]) or
/// linear (weight [O, I]), with constant f32 weight and (optional) bias.
struct Layer {
  Operation *op = nullptr;
  std::vector<float> weight;
  std::vector<float> bias; // empty: no bias
  int64_t outChannels = 0;
  int64_t inPerGroup = 0;  // weight dimension 1
  int64_t groups = 1;
  int64_t kernel = 1;      // kh * kw (1 for linear)

  Value weightValue() const { return op->getOperand(1); }
  Value biasValue() const {
    return op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  }
  int64_t inChannels() const { return inPerGroup * groups; }
};

/// `op` as a Layer, if it is a conv2d / linear with constant weights of the
/// expected ranks.
std::optional<Layer> asLayer(Operation *op) {
  Layer l;
  l.op = op;
  auto conv = dyn_cast<Conv2dOp>(op);
  auto linear = dyn_cast<LinearOp>(op);
  if (!conv && !linear)
    return std::nullopt;
  auto wType = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  if (!wType || !wType.hasStaticShape() ||
      wType.getRank() != (conv ? 4 : 2))
    return std::nullopt;
  auto w = getConstantFloats(op->getOperand(1));
  if (failed(w))
    return std::nullopt;
  l.weight = std::move(*w);
  l.outChannels = wType.getDimSize(0);
  l.inPerGroup = wType.getDimSize(1);
  if (conv) {
    l.groups = conv.getGroups();
    l.kernel = wType.getDimSize(2) * wType.getDimSize(3);
  }
  if (l.groups < 1 || l.outChannels % l.groups != 0 || l.outChannels < 1)
    return std::nullopt;
  if (Value b = l.biasValue()) {
    auto bias = getConstantFloats(b);
    if (failed(bias) || static_cast<int64_t>(bias->size()) != l.outChannels)
      return std::nullopt;
    l.bias = std::move(*bias);
  }
  return l;
}

/// max |w| of output channel o of `l`.
double outputRange(const Layer &l, int64_t o) {
  int64_t per = l.inPerGroup * l.kernel;
  double r = 0;
  for (int64_t k = 0; k < per; ++k)
    r = std::max(r, std::fabs(static_cast<double>(l.weight[o * per + k])));
  return r;
}

/// Calls f(index) for every weight element of `l` that multiplies input
/// channel i.
template <typename F>
void forInputChannel(const Layer &l, int64_t i, F f) {
  int64_t outPerGroup = l.outChannels / l.groups;
  int64_t g = i / l.inPerGroup, j = i % l.inPerGroup;
  for (int64_t o = g * outPerGroup; o < (g + 1) * outPerGroup; ++o)
    for (int64_t k = 0; k < l.kernel; ++k)
      f((o * l.inPerGroup + j) * l.kernel + k);
}

double inputRange(const Layer &l, int64_t i) {
  double r = 0;
  forInputChannel(l, i, [&](int64_t idx) {
    r = std::max(r, std::fabs(static_cast<double>(l.weight[idx])));
  });
  return r;
}

/// A pair layer1 -> [act] -> layer2 CLE can rescale.
struct Pair {
  Layer first, second;
  Operation *act = nullptr; // relu, clamp(0, hi) or null
};

/// The pair starting at `op`, if `op` is a layer whose only user is a relu /
/// relu6-style clamp (min 0) whose only user is a layer taking it as input
/// 0 (or directly such a layer), with matching channel counts.
std::optional<Pair> pairAt(Operation *op) {
  std::optional<Layer> first = asLayer(op);
  if (!first || !op->getResult(0).hasOneUse())
    return std::nullopt;
  Pair p;
  p.first = std::move(*first);
  Operation *next = *op->getResult(0).getUsers().begin();
  if (isa<ReluOp>(next)) {
    p.act = next;
    if (!next->getResult(0).hasOneUse())
      return std::nullopt;
    next = *next->getResult(0).getUsers().begin();
  }
  Value feeding = p.act ? p.act->getResult(0) : op->getResult(0);
  if (next->getNumOperands() < 2 || next->getOperand(0) != feeding ||
      next->getOperand(1) == feeding)
    return std::nullopt;
  std::optional<Layer> second = asLayer(next);
  if (!second || second->inChannels() != p.first.outChannels)
    return std::nullopt;
  // A linear consumes its input's last axis: layer1 must be a linear too
  // (a conv's channels are axis 1).
  if (isa<LinearOp>(next) != isa<LinearOp>(op))
    return std::nullopt;
  p.second = std::move(*second);
  return p;
}

std::string nameHint(Operation *op, StringRef suffix) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return (loc.getName().getValue() + suffix).str();
  return ("equalized" + suffix).str();
}

void replaceConstant(Operation *op, unsigned operand,
                     const std::vector<float> &values, StringRef suffix) {
  Value old = op->getOperand(operand);
  auto type = cast<RankedTensorType>(old.getType());
  OpBuilder b(op);
  Value v = b.create<ConstantOp>(
      old.getLoc(), type,
      makeConstantAttr<float>(type, values, nameHint(op, suffix)));
  op->setOperand(operand, v);
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

struct EqualizeCrossLayer
    : impl::QCEqualizeCrossLayerBase<EqualizeCrossLayer> {
  using QCEqualizeCrossLayerBase::QCEqualizeCrossLayerBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (failed(convertClamps(func)))
      return signalPassFailure();
    SmallVector<Operation *> starts;
    func.walk([&](Operation *op) {
      if (isa<Conv2dOp, LinearOp>(op))
        starts.push_back(op);
    });
    // Chains (a -> b -> c) share layer b: iterate until the scales settle.
    for (int64_t iter = 0; iter < iterations; ++iter) {
      double maxChange = 0;
      int64_t pairs = 0;
      for (Operation *op : starts) {
        std::optional<Pair> p = pairAt(op);
        if (!p)
          continue;
        ++pairs;
        maxChange = std::max(maxChange, equalize(*p));
      }
      if (pairs == 0 || maxChange < 1e-6)
        break;
    }
  }

  /// relu6 (a clamp with min 0) between two layers cannot follow
  /// per-channel scales (channel i would saturate at hi / s_i). It becomes a
  /// relu, so the pair can be equalized, when that changes nothing: with
  /// `relu6-to-relu` always (the DFQ paper's choice), otherwise when
  /// calibration data (`data`, else the qc.calibration_data attribute) shows
  /// its input never above the bound. Without data such pairs are skipped.
  LogicalResult convertClamps(func::FuncOp func) {
    SmallVector<ClampOp> clamps;
    func.walk([&](ClampOp c) {
      Operation *prod = c.getInput().getDefiningOp();
      if (c.getMin().convertToDouble() == 0.0 && prod &&
          isa<Conv2dOp, LinearOp>(prod) && prod->getResult(0).hasOneUse() &&
          c.getOutput().hasOneUse() &&
          isa<Conv2dOp, LinearOp>(*c.getOutput().getUsers().begin()))
        clamps.push_back(c);
    });
    if (clamps.empty())
      return success();
    SmallVector<ClampOp> convert;
    if (relu6ToRelu) {
      convert = clamps;
    } else {
      CalibrationDataOptions options;
      std::string path = calibrationDataPath(func, data, options);
      if (path.empty())
        return success();
      FailureOr<std::unique_ptr<CalibrationData>> opened =
          CalibrationData::open(func, path, options);
      if (failed(opened))
        return failure();
      std::vector<double> maxIn(clamps.size(), -INFINITY);
      if (failed(measureMax(func, clamps, **opened, maxIn)))
        return failure();
      for (size_t i = 0; i < clamps.size(); ++i) {
        ClampOp c = clamps[i];
        if (maxIn[i] <= c.getMax().convertToDouble())
          convert.push_back(c);
      }
    }
    for (ClampOp c : convert) {
      OpBuilder builder(c);
      auto relu = builder.create<ReluOp>(c.getLoc(), c.getType(), c.getInput());
      c.getOutput().replaceAllUsesWith(relu.getOutput());
      c.erase();
    }
    return success();
  }

  /// The largest input of each clamp over the calibration data.
  static LogicalResult measureMax(func::FuncOp func, ArrayRef<ClampOp> clamps,
                                  CalibrationSource &data,
                                  std::vector<double> &maxIn) {
    ActivationProbes probes(func.getContext());
    for (ClampOp clamp : clamps)
      probes.add(clamp.getInput(), {&clamp->getOpOperand(0)});
    return observeCalibrationData(
        func, data,
        [&](ObserveOp op, ArrayRef<float> values,
            ArrayRef<int64_t>) -> LogicalResult {
          std::optional<size_t> i = probes.indexOf(op);
          if (!i)
            return success();
          for (float v : values)
            maxIn[*i] = std::max(maxIn[*i], static_cast<double>(v));
          return success();
        });
  }

  /// Rescales one pair; returns max |log s_i|.
  double equalize(Pair &p) {
    Layer &a = p.first, &b = p.second;
    double maxChange = 0;
    for (int64_t i = 0; i < a.outChannels; ++i) {
      double r1 = outputRange(a, i), r2 = inputRange(b, i);
      if (!(r1 > 0) || !(r2 > 0))
        continue; // a dead channel: nothing to balance
      double s = std::sqrt(r1 / r2);
      if (!std::isfinite(s) || s <= 0)
        continue;
      maxChange = std::max(maxChange, std::fabs(std::log(s)));
      int64_t per = a.inPerGroup * a.kernel;
      for (int64_t k = 0; k < per; ++k)
        a.weight[i * per + k] = static_cast<float>(a.weight[i * per + k] / s);
      if (!a.bias.empty())
        a.bias[i] = static_cast<float>(a.bias[i] / s);
      forInputChannel(b, i, [&](int64_t idx) {
        b.weight[idx] = static_cast<float>(b.weight[idx] * s);
      });
    }
    if (maxChange == 0)
      return 0;
    replaceConstant(a.op, 1, a.weight, "_cle_weight");
    if (!a.bias.empty())
      replaceConstant(a.op, 2, a.bias, "_cle_bias");
    replaceConstant(b.op, 1, b.weight, "_cle_weight");
    return maxChange;
  }
};

} // namespace
} // namespace mlir::qc
