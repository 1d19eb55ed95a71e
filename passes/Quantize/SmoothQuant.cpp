//===- SmoothQuant.cpp - migrate activation outliers into weights ----------===//
//
// SmoothQuant (Xiao et al. 2023, "SmoothQuant: Accurate and Efficient
// Post-Training Quantization for Large Language Models"): a linear layer
// y = X W^T whose input X has a few channels with much larger magnitudes
// quantizes badly per tensor. With s_j = max|X_j|^alpha / max|W_.j|^(1-alpha)
// the layer computes the same y from X' = X / s (per input channel j) and
// W' = W * s, and X' has flatter channels. The division by s is folded into
// the op producing X when that is a layer norm (its scale and bias) or the
// `mul(·, const) -> add(·, const)` tail of a layer norm written as ops (an
// opset-13 export); otherwise a qc.mul by the constant 1/s is inserted.
// max|X_j| is measured on the calibration data with the float program.
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize/SmoothQuant.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ActivationProbes.h"

#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mlir::qc {
#define GEN_PASS_DEF_QCSMOOTHQUANT
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

/// A layer reading X: linear (weight [O, K], K = input channel) or matmul
/// with a constant rhs [K, N].
struct Consumer {
  Operation *op;
  unsigned weightOperand;
  SmallVector<int64_t> weightShape;
  std::vector<float> weight;
  bool channelIsRow; // matmul rhs: channel j is row j; linear: column j
};

/// All consumers of one activation X, which share the smoothing scales.
struct Group {
  Value x;
  int64_t channels = 0;
  SmallVector<Consumer> consumers;
  std::vector<double> actMax;
};

std::optional<Consumer> asConsumer(Operation *op) {
  Consumer c;
  c.op = op;
  c.weightOperand = 1;
  if (isa<LinearOp>(op)) {
    c.channelIsRow = false;
  } else if (isa<MatmulOp>(op)) {
    c.channelIsRow = true;
  } else {
    return std::nullopt;
  }
  auto type = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  if (!type || !type.hasStaticShape() || type.getRank() != 2)
    return std::nullopt;
  auto w = getConstantFloats(op->getOperand(1));
  if (failed(w) || op->getOperand(0).getDefiningOp<ConstantOp>())
    return std::nullopt;
  c.weightShape.assign(type.getShape().begin(), type.getShape().end());
  c.weight = std::move(*w);
  return c;
}

int64_t channelCount(const Consumer &c) {
  return c.channelIsRow ? c.weightShape[0] : c.weightShape[1];
}

/// max_o |W[o, j]| (linear) or max_n |W[j, n]| (matmul).
double weightMax(const Consumer &c, int64_t j) {
  double m = 0;
  int64_t rows = c.weightShape[0], cols = c.weightShape[1];
  if (c.channelIsRow)
    for (int64_t n = 0; n < cols; ++n)
      m = std::max(m, std::fabs(static_cast<double>(c.weight[j * cols + n])));
  else
    for (int64_t o = 0; o < rows; ++o)
      m = std::max(m, std::fabs(static_cast<double>(c.weight[o * cols + j])));
  return m;
}

std::string nameHint(Operation *op, StringRef suffix) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return (loc.getName().getValue() + suffix).str();
  return ("smoothed" + suffix).str();
}

Value makeConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   const std::vector<float> &values, const std::string &hint) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return b.create<ConstantOp>(loc, type,
                              makeConstantAttr<float>(type, values, hint));
}

/// Divides channel j of the last axis of constant `v` (shape [K] or
/// [1, ..., K]) by s_j in place of operand `operand` of `op`. False if the
/// constant does not have that form.
bool divideConstant(Operation *op, unsigned operand,
                    const std::vector<double> &s) {
  Value v = op->getOperand(operand);
  auto type = dyn_cast<RankedTensorType>(v.getType());
  auto values = getConstantFloats(v);
  if (!type || failed(values) || !type.hasStaticShape() ||
      static_cast<int64_t>(values->size()) != static_cast<int64_t>(s.size()) ||
      type.getRank() < 1 || type.getShape().back() != static_cast<int64_t>(s.size()))
    return false;
  for (size_t j = 0; j < s.size(); ++j)
    (*values)[j] = static_cast<float>((*values)[j] / s[j]);
  OpBuilder b(op);
  op->setOperand(operand, makeConstant(b, v.getLoc(), type.getShape(), *values,
                                       nameHint(op, "_smoothed")));
  if (Operation *def = v.getDefiningOp(); def && def->use_empty())
    def->erase();
  return true;
}

/// Index of the constant operand of a binary op, if exactly one is.
std::optional<unsigned> constantOperand(Operation *op) {
  if (op->getNumOperands() != 2)
    return std::nullopt;
  bool c0 = succeeded(getConstantFloats(op->getOperand(0)));
  bool c1 = succeeded(getConstantFloats(op->getOperand(1)));
  if (c0 == c1)
    return std::nullopt;
  return c0 ? 0u : 1u;
}

/// Folds X / s into X's producer when it is a layer norm (scale, bias) or
/// the `mul(norm, gamma) -> add(·, beta)` tail of a decomposed one, and X
/// has no other users than the group. False when it cannot.
bool foldIntoProducer(Group &g, const std::vector<double> &s) {
  Operation *p = g.x.getDefiningOp();
  if (!p)
    return false;
  for (Operation *user : g.x.getUsers())
    if (llvm::none_of(g.consumers,
                      [&](const Consumer &c) { return c.op == user; }))
      return false;
  if (auto ln = dyn_cast<LayerNormOp>(p)) {
    // Normalized over the last axis only (scale [K]).
    auto st = dyn_cast<RankedTensorType>(ln.getScale().getType());
    if (!st || st.getRank() != 1 || failed(getConstantFloats(ln.getScale())) ||
        (ln.getBias() && failed(getConstantFloats(ln.getBias()))))
      return false;
    if (!divideConstant(p, 1, s))
      return false;
    if (ln.getBias())
      (void)divideConstant(p, 2, s);
    return true;
  }
  if (isa<AddOp>(p)) {
    std::optional<unsigned> betaIdx = constantOperand(p);
    if (!betaIdx)
      return false;
    Operation *mul = p->getOperand(1 - *betaIdx).getDefiningOp();
    if (!mul || !isa<MulOp>(mul) || !mul->getResult(0).hasOneUse())
      return false;
    std::optional<unsigned> gammaIdx = constantOperand(mul);
    if (!gammaIdx)
      return false;
    // Both constants must be per-channel vectors of the last axis.
    auto bt = dyn_cast<RankedTensorType>(p->getOperand(*betaIdx).getType());
    auto gt = dyn_cast<RankedTensorType>(mul->getOperand(*gammaIdx).getType());
    auto n = static_cast<int64_t>(s.size());
    if (!bt || !gt || bt.getNumElements() != n || gt.getNumElements() != n ||
        bt.getShape().back() != n || gt.getShape().back() != n)
      return false;
    return divideConstant(mul, *gammaIdx, s) && divideConstant(p, *betaIdx, s);
  }
  return false;
}

/// X * (1 / s) before the consumers.
void insertScale(Group &g, const std::vector<double> &s) {
  OpBuilder b(g.x.getContext());
  b.setInsertionPointAfterValue(g.x);
  auto type = cast<RankedTensorType>(g.x.getType());
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape.back() = g.channels;
  std::vector<float> inv(s.size());
  for (size_t j = 0; j < s.size(); ++j)
    inv[j] = static_cast<float>(1.0 / s[j]);
  Operation *first = g.consumers.front().op;
  Value c = makeConstant(b, first->getLoc(), shape, inv,
                         nameHint(first, "_smooth_scale"));
  auto mul = b.create<MulOp>(first->getLoc(), g.x.getType(), g.x, c);
  for (Consumer &con : g.consumers)
    con.op->setOperand(0, mul.getResult());
}

void scaleWeights(Consumer &c, const std::vector<double> &s) {
  int64_t rows = c.weightShape[0], cols = c.weightShape[1];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) {
      double sj = c.channelIsRow ? s[r] : s[k];
      c.weight[r * cols + k] = static_cast<float>(c.weight[r * cols + k] * sj);
    }
  Value old = c.op->getOperand(c.weightOperand);
  OpBuilder b(c.op);
  c.op->setOperand(c.weightOperand,
                   makeConstant(b, old.getLoc(), c.weightShape, c.weight,
                                nameHint(c.op, "_smoothed_weight")));
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

/// Measures max |X_j| of every group on the calibration data.
LogicalResult measure(func::FuncOp func, SmallVector<Group> &groups,
                      CalibrationSource &data) {
  ActivationProbes probes(func.getContext());
  for (Group &g : groups) {
    SmallVector<OpOperand *> readers;
    for (Consumer &c : g.consumers)
      readers.push_back(&c.op->getOpOperand(0));
    probes.add(g.x, readers);
    g.actMax.assign(g.channels, 0.0);
  }
  return observeCalibrationData(
      func, data,
      [&](ObserveOp op, ArrayRef<float> values,
          ArrayRef<int64_t> shape) -> LogicalResult {
        std::optional<size_t> i = probes.indexOf(op);
        if (!i)
          return success();
        Group &g = groups[*i];
        if (shape.empty() || shape.back() != g.channels)
          return op.emitError() << "smoothquant: unexpected input shape";
        for (size_t k = 0; k < values.size(); ++k) {
          double &m = g.actMax[k % g.channels];
          m = std::max(m, std::fabs(static_cast<double>(values[k])));
        }
        return success();
      });
}

} // namespace

FailureOr<int64_t> mlir::qc::smoothQuant(func::FuncOp func, double alpha,
                                         CalibrationSource &data) {
  // Group the consumers by the activation they read.
  llvm::MapVector<Value, Group> byInput;
  func.walk([&](Operation *op) {
    std::optional<Consumer> c = asConsumer(op);
    if (!c)
      return;
    Value x = op->getOperand(0);
    auto xt = dyn_cast<RankedTensorType>(x.getType());
    if (!xt || xt.getRank() < 1 || xt.isDynamicDim(xt.getRank() - 1) ||
        xt.getShape().back() != channelCount(*c))
      return;
    Group &g = byInput[x];
    g.x = x;
    g.channels = channelCount(*c);
    g.consumers.push_back(std::move(*c));
  });
  SmallVector<Group> groups;
  for (auto &[x, g] : byInput)
    groups.push_back(std::move(g));
  if (groups.empty())
    return 0;
  if (failed(measure(func, groups, data)))
    return failure();

  int64_t smoothed = 0;
  for (Group &g : groups) {
    std::vector<double> s(g.channels, 1.0);
    bool any = false;
    for (int64_t j = 0; j < g.channels; ++j) {
      double w = 0;
      for (const Consumer &c : g.consumers)
        w = std::max(w, weightMax(c, j));
      double a = g.actMax[j];
      if (!(a > 0) || !(w > 0))
        continue;
      double sj = std::pow(a, alpha) / std::pow(w, 1.0 - alpha);
      if (!std::isfinite(sj) || sj <= 0)
        continue;
      s[j] = std::clamp(sj, 1e-5, 1e5);
      any = true;
    }
    if (!any)
      continue;
    if (!foldIntoProducer(g, s))
      insertScale(g, s);
    for (Consumer &c : g.consumers)
      scaleWeights(c, s);
    ++smoothed;
  }
  return smoothed;
}

namespace {
struct SmoothQuantPass : mlir::qc::impl::QCSmoothQuantBase<SmoothQuantPass> {
  using QCSmoothQuantBase::QCSmoothQuantBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!(alpha >= 0.0 && alpha <= 1.0)) {
      func.emitError() << "smoothquant: alpha must be in [0, 1], got " << alpha;
      return signalPassFailure();
    }
    CalibrationDataOptions options;
    options.maxSamples = maxSamples;
    options.batchSize = batchSize;
    std::string path = calibrationDataPath(func, data, options);
    if (path.empty()) {
      func.emitError() << "smoothquant needs calibration data (qc quantize "
                          "--calib DATA, or qc-smooth-quant=\"data=...\"): "
                          "the activation ranges are measured on it";
      return signalPassFailure();
    }
    FailureOr<std::unique_ptr<CalibrationData>> opened =
        CalibrationData::open(func, path, options);
    if (failed(opened) || failed(smoothQuant(func, alpha, **opened)))
      return signalPassFailure();
  }
};
} // namespace
