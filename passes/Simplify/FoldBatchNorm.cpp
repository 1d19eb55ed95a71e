//===- FoldBatchNorm.cpp - fold inference BatchNorm into conv / linear ----===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"

#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCFOLDBATCHNORM
#include "passes/Passes.h.inc"

namespace {
std::string nameHint(Operation *op, StringRef suffix) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return (loc.getName().getValue() + suffix).str();
  return ("folded" + suffix).str();
}

/// Folds `bn` into the conv2d / linear `producer` whose output channels are
/// dimension 0 of its weight; `result` (the producer's output, or a reshape
/// of it that keeps the channel axis) replaces the BatchNorm's. Returns
/// failure (and leaves the IR alone) if any value is not a constant or the
/// shapes are not the expected ones.
template <typename OpTy>
LogicalResult foldInto(OpTy producer, BatchNormOp bn, Value result) {
  auto weight = getConstantFloats(producer.getWeight());
  auto gamma = getConstantFloats(bn.getScale());
  auto beta = getConstantFloats(bn.getBias());
  auto mean = getConstantFloats(bn.getMean());
  auto var = getConstantFloats(bn.getVar());
  if (failed(weight) || failed(gamma) || failed(beta) || failed(mean) ||
      failed(var))
    return failure();
  auto wType = cast<RankedTensorType>(producer.getWeight().getType());
  int64_t channels = wType.getDimSize(0);
  // The verifier cannot compare the statistics with the channel count when
  // the producer's result type leaves that dimension dynamic.
  auto hasChannels = [&](const std::vector<float> &v) {
    return static_cast<int64_t>(v.size()) == channels;
  };
  if (channels <= 0 || !hasChannels(*gamma) || !hasChannels(*beta) ||
      !hasChannels(*mean) || !hasChannels(*var) ||
      weight->size() % channels != 0)
    return failure();
  std::vector<float> bias(channels, 0.0f);
  if (producer.getBias()) {
    auto b = getConstantFloats(producer.getBias());
    if (failed(b) || static_cast<int64_t>(b->size()) != channels)
      return failure();
    bias = *b;
  }
  double eps = bn.getEpsilon().convertToDouble();
  size_t perChannel = weight->size() / channels;
  std::vector<float> newWeight(weight->size()), newBias(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double s = (*gamma)[c] / std::sqrt(static_cast<double>((*var)[c]) + eps);
    for (size_t i = 0; i < perChannel; ++i)
      newWeight[c * perChannel + i] =
          static_cast<float>((*weight)[c * perChannel + i] * s);
    newBias[c] = static_cast<float>(
        (static_cast<double>(bias[c]) - (*mean)[c]) * s + (*beta)[c]);
  }

  OpBuilder builder(producer);
  auto biasType = RankedTensorType::get({channels}, builder.getF32Type());
  Value w = builder.create<ConstantOp>(
      producer.getWeight().getLoc(), wType,
      makeConstantAttr<float>(wType, newWeight, nameHint(producer, "_weight")));
  Value b = builder.create<ConstantOp>(
      bn.getLoc(), biasType,
      makeConstantAttr<float>(biasType, newBias, nameHint(producer, "_bias")));
  producer.getWeightMutable().assign(w);
  if (producer.getBias())
    producer.getBiasMutable().assign(b);
  else
    producer.getBiasMutable().append(b);
  bn.getOutput().replaceAllUsesWith(result);
  bn.erase();
  return success();
}

struct FoldBatchNorm : impl::QCFoldBatchNormBase<FoldBatchNorm> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms) {
      Value result = bn.getInput();
      Operation *producer = result.getDefiningOp();
      if (!producer || !producer->hasOneUse())
        continue;
      // The producer's result replaces the BatchNorm's; a BatchNorm result
      // type that refines it would be lost (qc-shape-inference makes them
      // equal).
      if (result.getType() != bn.getType())
        continue;
      // A 1-D convolution is imported as a conv2d over a unit height and a
      // reshape that drops it (N, C, 1, L -> N, C, L): the channels stay
      // axis 1, so its BatchNorm folds through the reshape.
      if (auto drop = dyn_cast<ReshapeOp>(producer)) {
        auto from = cast<RankedTensorType>(drop.getInput().getType());
        auto to = cast<RankedTensorType>(drop.getType());
        Operation *conv = drop.getInput().getDefiningOp();
        if (!conv || !isa<Conv2dOp>(conv) || !conv->hasOneUse() ||
            from.getRank() != 4 || to.getRank() != 3 ||
            from.getDimSize(2) != 1 || from.getDimSize(1) != to.getDimSize(1))
          continue;
        producer = conv;
      }
      if (auto conv = dyn_cast<Conv2dOp>(producer)) {
        (void)foldInto(conv, bn, result);
      } else if (auto linear = dyn_cast<LinearOp>(producer)) {
        // BatchNorm normalizes axis 1, which is the feature axis of a linear
        // layer only when the output is 2-D.
        if (linear.getType().getRank() == 2)
          (void)foldInto(linear, bn, result);
      }
    }
  }
};
} // namespace
} // namespace mlir::qc
