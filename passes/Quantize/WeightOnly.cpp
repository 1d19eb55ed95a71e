//===- WeightOnly.cpp - qc-weight-only: int8 / int4 weights, float activations
////
//
// Weight-only quantization (PT2E's 4-bit / 8-bit weight-only configs,
// torchao's int4 / int8 weight-only, ONNX Runtime's MatMulNBits): the float
// weight W of a linear / matmul by a constant becomes an integer constant Q
// and a qc.dequantize, per output channel or per group of `group-size`
// input channels; the activations stay float. Each group's qparams follow
// from its min / max with PyTorch's _calculate_qparams (QParams.h), and
// its values are quantized with DESIGN.md's rule as the reference kernels
// compute it (x * (1 / scale), round half to even, + zero point, clamp).
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ActivationProbes.h"
#include "passes/Quantize/CalibrationData.h"
#include "passes/Quantize/Gptq.h"
#include "passes/Quantize/SmoothQuant.h"
#include "quantizers/observers/QParams.h"

#include "llvm/ADT/MapVector.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace mlir::qc {
#define GEN_PASS_DEF_QCWEIGHTONLY
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

/// How the weights are quantized (the pass options, checked).
struct WeightOnlyConfig {
  int64_t bits;
  int64_t groupSize; // 0: per output channel
  bool symmetric;
  int64_t qmin, qmax;
  /// Clip each group's range to the shrink of the grid with the least
  /// squared error (clip=mse) instead of its min / max.
  bool mseClip;
};

/// The MSE clipping grid: shrink factors 1 - i / kClipGrid of a group's
/// min / max for i = 0 .. kClipSteps (1.00, 0.99, ..., 0.50).
constexpr int64_t kClipGrid = 100;
constexpr int64_t kClipSteps = 50;

/// One value quantized as the reference's quantize does (x * (1 / scale),
/// round half to even, + zero point, clamp).
int32_t quantizeValue(float v, const ::qc::QParams &qp,
                      const WeightOnlyConfig &config) {
  const float inv = 1.0f / qp.scale;
  double r = std::nearbyint(v * inv) + static_cast<double>(qp.zeroPoint);
  r = std::min(std::max(r, static_cast<double>(config.qmin)),
               static_cast<double>(config.qmax));
  return static_cast<int32_t>(r);
}

/// Quantizes \p values with \p qp into \p q and returns the squared error
/// of their dequantization ((q - zp) * scale, in float as the reference's
/// dequantize) against the values.
double quantizeGroup(ArrayRef<float> values, const ::qc::QParams &qp,
                     const WeightOnlyConfig &config, std::vector<int32_t> &q) {
  q.resize(values.size());
  double error = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    q[i] = quantizeValue(values[i], qp, config);
    const float dq =
        static_cast<float>(int64_t{q[i]} - qp.zeroPoint) * qp.scale;
    const double d = static_cast<double>(dq) - static_cast<double>(values[i]);
    error += d * d;
  }
  return error;
}

/// The qparams of one group (or channel): from its min / max, or (clip=mse)
/// the shrink of the grid whose dequantized values have the least squared
/// error (ties: the larger range, so a group never gets a worse error than
/// min / max gives it).
absl::StatusOr<::qc::QParams> chooseQParams(ArrayRef<float> values,
                                            const WeightOnlyConfig &config) {
  ::qc::QParamsOptions options;
  options.dtype =
      config.symmetric ? ::qc::QuantDtype::kQInt8 : ::qc::QuantDtype::kQUInt8;
  options.qscheme = config.symmetric ? ::qc::QScheme::kPerTensorSymmetric
                                     : ::qc::QScheme::kPerTensorAffine;
  options.quantMin = config.qmin;
  options.quantMax = config.qmax;
  const float lo = *std::min_element(values.begin(), values.end());
  const float hi = *std::max_element(values.begin(), values.end());
  const int64_t candidates = config.mseClip ? kClipSteps + 1 : 1;
  double bestError = 0;
  ::qc::QParams best{};
  std::vector<int32_t> trial;
  for (int64_t step = 0; step < candidates; ++step) {
    const float shrink = 1.0f - static_cast<float>(step) / kClipGrid;
    absl::StatusOr<::qc::QParams> qp =
        ::qc::calculateQParams(lo * shrink, hi * shrink, options);
    if (!qp.ok())
      return qp.status();
    if (candidates == 1)
      return *qp;
    double error = quantizeGroup(values, *qp, config, trial);
    if (step == 0 || error < bestError) {
      bestError = error;
      best = *qp;
    }
  }
  return best;
}

/// A weight to quantize: the op, the operand and the layout of its constant.
struct WeightUse {
  Operation *op;
  unsigned operand;
  ConstantOp constant;
  /// The axis of the input channels (K): 1 for linear [N, K], 0 for a
  /// matmul's [K, N]; the output channels are the other axis.
  int64_t kAxis;
};

std::optional<WeightUse> matchWeight(Operation *op, bool embeddings) {
  auto weightOf = [&](Value v) -> ConstantOp {
    auto c = v.getDefiningOp<ConstantOp>();
    auto type = c ? dyn_cast<RankedTensorType>(c.getType()) : nullptr;
    if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
        !type.getElementType().isF32())
      return nullptr;
    return c;
  };
  if (auto linear = dyn_cast<LinearOp>(op)) {
    if (ConstantOp c = weightOf(linear.getWeight()))
      return WeightUse{op, 1, c, 1};
    return std::nullopt;
  }
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    if (matmul.getLhs().getDefiningOp<ConstantOp>())
      return std::nullopt;
    if (ConstantOp c = weightOf(matmul.getRhs()))
      return WeightUse{op, 1, c, 0};
  }
  // An embedding table [V, D] read by a gather of rows (axis 0): each row
  // (a token's vector) is a "channel", its groups run along D.
  if (auto gather = dyn_cast<GatherOp>(op); gather && embeddings) {
    int64_t axis = gather.getAxis();
    if (axis != 0 && axis != -2)
      return std::nullopt;
    if (ConstantOp c = weightOf(gather.getInput()))
      return WeightUse{op, 0, c, 1};
  }
  return std::nullopt;
}

/// A weight's float values seen as [channels, K] (channel = output channel,
/// or an embedding row) with groups of `group` along K.
struct WeightLayout {
  RankedTensorType type;
  int64_t kAxis, cols, k, channels, group, groups;

  WeightLayout(WeightUse use, const WeightOnlyConfig &config)
      : type(cast<RankedTensorType>(use.constant.getType())),
        kAxis(use.kAxis), cols(type.getDimSize(1)),
        k(type.getDimSize(use.kAxis)), channels(type.getDimSize(1 - use.kAxis)),
        group(config.groupSize > 0 ? config.groupSize : k),
        groups(k == 0 ? 0 : (k + group - 1) / group) {}
  /// Element (channel c, input i) of the [rows, cols] weight.
  int64_t at(int64_t c, int64_t i) const {
    return kAxis == 1 ? c * cols + i : i * cols + c;
  }
  /// Group (c, g) of the block layout: the weight's shape with the K axis
  /// replaced by `groups`, row-major.
  int64_t qparamIndex(int64_t c, int64_t g) const {
    return kAxis == 1 ? c * groups + g : g * channels + c;
  }
};

/// A weight's integers (in the constant's layout) and qparams (the block
/// dequantize's layout).
struct QuantizedWeight {
  std::vector<int8_t> q;
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;

  explicit QuantizedWeight(const WeightLayout &l)
      : q(static_cast<size_t>(l.type.getNumElements())),
        scales(static_cast<size_t>(l.channels * l.groups)),
        zeroPoints(scales.size()) {}
  void set(const WeightLayout &l, int64_t c, int64_t i, int32_t value) {
    // ui8 storage holds [0, 255]: the byte's bits are the value's.
    q[l.at(c, i)] = static_cast<int8_t>(static_cast<uint8_t>(value & 0xff));
  }
  void setQParams(const WeightLayout &l, int64_t c, int64_t g,
                  const ::qc::QParams &qp) {
    scales[l.qparamIndex(c, g)] = qp.scale;
    zeroPoints[l.qparamIndex(c, g)] = qp.zeroPoint;
  }
};

/// The weight's float values; failure (after a diagnostic) when they
/// cannot be read or one is not finite.
FailureOr<std::vector<float>> weightValues(WeightUse use,
                                           const WeightLayout &l) {
  FailureOr<std::vector<float>> values =
      getConstantValues<float>(use.constant.getValue());
  if (failed(values))
    return use.op->emitError("weight-only: cannot read the weight constant ")
           << l.type;
  for (int64_t c = 0; c < l.channels; ++c)
    for (int64_t i = 0; i < l.k; ++i)
      if (!std::isfinite((*values)[l.at(c, i)]))
        return use.op->emitError("weight-only: the weight has a non-finite "
                                 "value at [")
               << (l.kAxis == 1 ? c : i) << ", " << (l.kAxis == 1 ? i : c)
               << "]";
  return values;
}

/// Round to nearest: each group on its own.
FailureOr<QuantizedWeight> roundToNearest(WeightUse use,
                                          const WeightLayout &l,
                                          const std::vector<float> &values,
                                          const WeightOnlyConfig &config) {
  QuantizedWeight out(l);
  std::vector<float> group_values;
  for (int64_t c = 0; c < l.channels; ++c)
    for (int64_t g = 0; g < l.groups; ++g) {
      const int64_t begin = g * l.group, end = std::min(l.k, begin + l.group);
      group_values.clear();
      for (int64_t i = begin; i < end; ++i)
        group_values.push_back(values[l.at(c, i)]);
      absl::StatusOr<::qc::QParams> qp = chooseQParams(group_values, config);
      if (!qp.ok())
        return use.op->emitError("weight-only: ")
               << std::string(qp.status().message());
      out.setQParams(l, c, g, *qp);
      for (int64_t i = begin; i < end; ++i)
        out.set(l, c, i, quantizeValue(values[l.at(c, i)], *qp, config));
    }
  return out;
}

/// GPTQ with the Hessian `h` [K, K] of the layer's inputs (Gptq.h).
FailureOr<QuantizedWeight> gptqWeight(WeightUse use,
                                      const WeightLayout &l,
                                      const std::vector<float> &values,
                                      const WeightOnlyConfig &config,
                                      const GptqOptions &options,
                                      std::vector<double> h) {
  std::vector<double> w(static_cast<size_t>(l.channels * l.k));
  for (int64_t c = 0; c < l.channels; ++c)
    for (int64_t i = 0; i < l.k; ++i)
      w[c * l.k + i] = values[l.at(c, i)];
  absl::StatusOr<GptqResult> r = gptq(
      std::move(w), l.channels, l.k, std::move(h), options,
      [&](const std::vector<float> &v) { return chooseQParams(v, config); },
      [&](float v, const ::qc::QParams &qp) {
        return quantizeValue(v, qp, config);
      });
  if (!r.ok())
    return use.op->emitError("weight-only: gptq: ")
           << std::string(r.status().message());
  QuantizedWeight out(l);
  for (int64_t c = 0; c < l.channels; ++c) {
    for (int64_t g = 0; g < l.groups; ++g)
      out.setQParams(l, c, g, r->qparams[c * l.groups + g]);
    for (int64_t i = 0; i < l.k; ++i)
      out.set(l, c, i, r->q[c * l.k + i]);
  }
  return out;
}

/// Replaces the weight by the integer constant and a qc.dequantize.
void replaceWeight(WeightUse use, const WeightLayout &l,
                   const WeightOnlyConfig &config, const QuantizedWeight &qw) {
  OpBuilder b(use.op);
  MLIRContext *ctx = b.getContext();
  Type storage = config.symmetric
                     ? IntegerType::get(ctx, 8)
                     : IntegerType::get(ctx, 8, IntegerType::Unsigned);
  auto intType = RankedTensorType::get(l.type.getShape(), storage);
  std::string name = "weight_q";
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(use.constant.getValue()))
    name = (resource.getRawHandle().getKey() + "_q").str();
  ElementsAttr attr = makeConstantAttr<int8_t>(intType, qw.q, name);
  Value qv = b.create<ConstantOp>(use.constant.getLoc(), intType, attr);
  bool blocked = config.groupSize > 0;
  IntegerAttr axis = b.getI64IntegerAttr(blocked ? use.kAxis : 1 - use.kAxis);
  IntegerAttr block =
      blocked ? b.getI64IntegerAttr(config.groupSize) : IntegerAttr();
  auto dq = b.create<DequantizeOp>(
      use.op->getLoc(), l.type, qv, b.getDenseF32ArrayAttr(qw.scales),
      b.getDenseI64ArrayAttr(qw.zeroPoints), axis, block);
  use.op->setOperand(use.operand, dq.getResult());
  if (use.constant->use_empty())
    use.constant->erase();
}

/// Quantizes one weight, with GPTQ when `hessian` is given: returns
/// failure after a diagnostic.
LogicalResult quantizeWeight(WeightUse use, const WeightOnlyConfig &config,
                             const GptqOptions *gptqOptions = nullptr,
                             const std::vector<double> *hessian = nullptr) {
  WeightLayout l(use, config);
  FailureOr<std::vector<float>> values = weightValues(use, l);
  if (failed(values))
    return failure();
  FailureOr<QuantizedWeight> qw =
      hessian ? gptqWeight(use, l, *values, config, *gptqOptions, *hessian)
              : roundToNearest(use, l, *values, config);
  if (failed(qw))
    return failure();
  replaceWeight(use, l, config, *qw);
  return success();
}

/// The layers' input (operand 0 of a linear, the lhs of a matmul) and its
/// feature count K.
Value layerInput(WeightUse use) { return use.op->getOperand(0); }

/// Measures the Hessian of every distinct input of `uses` (the linears /
/// matmuls; embedding tables have none) on the calibration data, through
/// the float program.
FailureOr<llvm::DenseMap<Value, std::vector<double>>>
measureHessians(func::FuncOp func, ArrayRef<WeightUse> uses,
                CalibrationSource &data) {
  llvm::MapVector<Value, SmallVector<OpOperand *>> readers;
  llvm::MapVector<Value, int64_t> features;
  for (WeightUse u : uses) {
    if (isa<GatherOp>(u.op))
      continue;
    Value x = layerInput(u);
    readers[x].push_back(&u.op->getOpOperand(0));
    features[x] = cast<RankedTensorType>(u.constant.getType())
                      .getDimSize(u.kAxis);
  }
  std::vector<HessianAccumulator> acc;
  std::vector<Value> inputs;
  {
    ActivationProbes probes(func.getContext());
    for (auto &[x, ops] : readers) {
      probes.add(x, ops);
      acc.emplace_back(features[x]);
      inputs.push_back(x);
    }
    if (failed(observeCalibrationData(
            func, data,
            [&](ObserveOp op, ArrayRef<float> values,
                ArrayRef<int64_t> shape) -> LogicalResult {
              std::optional<size_t> i = probes.indexOf(op);
              if (!i)
                return success();
              HessianAccumulator &a = acc[*i];
              if (shape.empty() || shape.back() != a.features())
                return op.emitError()
                       << "weight-only: gptq: expected inputs of "
                       << a.features() << " features";
              for (float v : values)
                if (!std::isfinite(v))
                  return op.emitError()
                         << "weight-only: gptq: a layer's input has a "
                            "non-finite value on the calibration data";
              a.add(values.data(),
                    static_cast<int64_t>(values.size()) / a.features());
              return success();
            })))
      return failure();
  }
  llvm::DenseMap<Value, std::vector<double>> hessians;
  for (size_t i = 0; i < inputs.size(); ++i)
    hessians[inputs[i]] = acc[i].hessian();
  return hessians;
}

struct WeightOnlyPass : mlir::qc::impl::QCWeightOnlyBase<WeightOnlyPass> {
  using QCWeightOnlyBase::QCWeightOnlyBase;

  /// The checked configuration of `bits`-bit weights with groups of
  /// `groupSize` (the linears' or, with embedding-bits, the tables').
  FailureOr<WeightOnlyConfig> config(func::FuncOp func, int64_t bits,
                                     int64_t groupSize) {
    // The options' values (streaming an Option prints nothing).
    const int64_t qmin = this->qmin, qmax = this->qmax;
    const bool symmetric = this->symmetric;
    const std::string clipMode = this->clip;
    WeightOnlyConfig c{bits, groupSize, symmetric,
                       qmin, qmax,      clipMode == "mse"};
    if (clipMode != "mse" && clipMode != "minmax")
      return func.emitError("qc-weight-only: clip must be 'minmax' or "
                            "'mse', got '")
             << clipMode << "'";
    if (bits != 4 && bits != 8)
      return func.emitError("qc-weight-only: bits must be 4 or 8, got ")
             << bits;
    if (groupSize < 0)
      return func.emitError("qc-weight-only: group-size must be positive "
                            "(0: per output channel), got ")
             << groupSize;
    if (bits == 4 && groupSize == 0)
      return func.emitError("qc-weight-only: 4-bit weights need a group "
                            "size (per-channel int4 loses too much)");
    if (bits == 4) {
      c.qmin = symmetric ? -8 : 0;
      c.qmax = symmetric ? 7 : 15;
    } else if (!symmetric) {
      c.qmin = 0;
      c.qmax = 255;
    } else if (qmin >= 0 || qmax <= 0 || qmin < -128 || qmax > 127) {
      return func.emitError("qc-weight-only: the symmetric 8-bit range [")
             << qmin << ", " << qmax << "] must contain 0 and fit int8";
    }
    return c;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FailureOr<WeightOnlyConfig> c = config(func, bits, groupSize);
    if (failed(c))
      return signalPassFailure();
    // Embedding tables: 8 bits per row, or 4 bits in the linears' groups.
    const int64_t tableBits = embeddingBits;
    FailureOr<WeightOnlyConfig> tables = c;
    if (tableBits != 0 && tableBits != 4 && tableBits != 8) {
      func.emitError("qc-weight-only: embedding-bits must be 0 (float "
                     "tables), 4 or 8, got ")
          << tableBits;
      return signalPassFailure();
    }
    if (tableBits != 0)
      tables = config(func, tableBits, tableBits == 8 ? 0 : groupSize);
    if (failed(tables))
      return signalPassFailure();
    SmallVector<WeightUse> uses;
    func.walk([&](Operation *op) {
      if (std::optional<WeightUse> u = matchWeight(op, tableBits != 0))
        uses.push_back(*u);
    });
    const std::string mode = method;
    if (mode != "rtn" && mode != "gptq") {
      func.emitError("qc-weight-only: method must be 'rtn' or 'gptq', got '")
          << mode << "'";
      return signalPassFailure();
    }
    if (mode == "rtn") {
      if (actOrder) {
        func.emitError("qc-weight-only: act-order needs method=gptq");
        return signalPassFailure();
      }
      for (WeightUse u : uses)
        if (failed(quantizeWeight(u, isa<GatherOp>(u.op) ? *tables : *c)))
          return signalPassFailure();
      return;
    }
    if (failed(runGptq(func, uses, *c, *tables)))
      signalPassFailure();
  }

  /// method=gptq: the Hessians measured on the calibration data first (the
  /// float program), then each linear / matmul weight by GPTQ; embedding
  /// tables (no input features to weigh) round to nearest.
  LogicalResult runGptq(func::FuncOp func, ArrayRef<WeightUse> uses,
                        const WeightOnlyConfig &linears,
                        const WeightOnlyConfig &tables) {
    GptqOptions options;
    options.groupSize = linears.groupSize;
    options.damp = damp;
    options.actOrder = actOrder;
    if (!(options.damp > 0 && options.damp <= 1))
      return func.emitError("qc-weight-only: damp must be in (0, 1], got ")
             << options.damp;
    CalibrationDataOptions dataOptions;
    dataOptions.maxSamples = maxSamples;
    dataOptions.batchSize = batchSize;
    std::string path = calibrationDataPath(func, data, dataOptions);
    if (path.empty())
      return func.emitError(
          "qc-weight-only: method=gptq needs calibration data (qc quantize "
          "--calib DATA, or qc-weight-only=\"data=...\"): the Hessian of "
          "each layer's inputs is measured on it");
    FailureOr<std::unique_ptr<CalibrationData>> opened =
        CalibrationData::open(func, path, dataOptions);
    if (failed(opened))
      return failure();
    FailureOr<llvm::DenseMap<Value, std::vector<double>>> hessians =
        measureHessians(func, uses, **opened);
    if (failed(hessians))
      return failure();
    for (WeightUse u : uses) {
      if (isa<GatherOp>(u.op)) {
        if (failed(quantizeWeight(u, tables)))
          return failure();
        continue;
      }
      auto h = hessians->find(layerInput(u));
      if (h == hessians->end())
        return u.op->emitError("weight-only: gptq: no Hessian measured for "
                               "this layer's input");
      if (failed(quantizeWeight(u, linears, &options, &h->second)))
        return failure();
    }
    return success();
  }
};

} // namespace
