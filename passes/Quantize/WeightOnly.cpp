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
#include "quantizers/observers/QParams.h"

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

/// Quantizes \p values with \p qp as the reference's quantize does
/// (x * (1 / scale), round half to even, + zero point, clamp) into \p q and
/// returns the squared error of their dequantization ((q - zp) * scale, in
/// float as the reference's dequantize) against the values.
double quantizeGroup(ArrayRef<float> values, const ::qc::QParams &qp,
                     const WeightOnlyConfig &config, std::vector<int32_t> &q) {
  q.resize(values.size());
  const float inv = 1.0f / qp.scale;
  double error = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double r =
        std::nearbyint(values[i] * inv) + static_cast<double>(qp.zeroPoint);
    r = std::min(std::max(r, static_cast<double>(config.qmin)),
                 static_cast<double>(config.qmax));
    q[i] = static_cast<int32_t>(r);
    const float dq =
        static_cast<float>(int64_t{q[i]} - qp.zeroPoint) * qp.scale;
    const double d = static_cast<double>(dq) - static_cast<double>(values[i]);
    error += d * d;
  }
  return error;
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

/// Quantizes one weight: returns failure after a diagnostic.
LogicalResult quantizeWeight(WeightUse use, const WeightOnlyConfig &config) {
  auto type = cast<RankedTensorType>(use.constant.getType());
  FailureOr<std::vector<float>> values =
      getConstantValues<float>(use.constant.getValue());
  if (failed(values))
    return use.op->emitError("weight-only: cannot read the weight constant ")
           << type;
  const int64_t cols = type.getDimSize(1);
  const int64_t k = type.getDimSize(use.kAxis);
  const int64_t channels = type.getDimSize(1 - use.kAxis);
  const int64_t group = config.groupSize > 0 ? config.groupSize : k;
  const int64_t groups = k == 0 ? 0 : (k + group - 1) / group;
  // Element (channel c, input i) of the [rows, cols] weight.
  auto at = [&](int64_t c, int64_t i) {
    return use.kAxis == 1 ? c * cols + i : i * cols + c;
  };
  // Group (c, g) of the block layout: the weight's shape with the K axis
  // replaced by `groups`, row-major.
  auto qparamIndex = [&](int64_t c, int64_t g) {
    return use.kAxis == 1 ? c * groups + g : g * channels + c;
  };

  ::qc::QParamsOptions options;
  options.dtype =
      config.symmetric ? ::qc::QuantDtype::kQInt8 : ::qc::QuantDtype::kQUInt8;
  options.qscheme = config.symmetric ? ::qc::QScheme::kPerTensorSymmetric
                                     : ::qc::QScheme::kPerTensorAffine;
  options.quantMin = config.qmin;
  options.quantMax = config.qmax;
  std::vector<float> scales(static_cast<size_t>(channels * groups));
  std::vector<int64_t> zeroPoints(scales.size());
  std::vector<int8_t> q(values->size());
  std::vector<float> group_values;
  std::vector<int32_t> trial, best;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t begin = g * group, end = std::min(k, begin + group);
      group_values.clear();
      for (int64_t i = begin; i < end; ++i) {
        float v = (*values)[at(c, i)];
        if (!std::isfinite(v))
          return use.op->emitError("weight-only: the weight has a non-finite "
                                   "value at [")
                 << (use.kAxis == 1 ? c : i) << ", " << (use.kAxis == 1 ? i : c)
                 << "]";
        group_values.push_back(v);
      }
      float lo = *std::min_element(group_values.begin(), group_values.end());
      float hi = *std::max_element(group_values.begin(), group_values.end());
      // Min / max: one candidate, shrink 1. MSE: every shrink of the grid,
      // the least squared error wins (ties: the larger range, so a group
      // never gets a worse error than min / max gives it).
      const int64_t candidates = config.mseClip ? kClipSteps + 1 : 1;
      double bestError = 0;
      ::qc::QParams bestQp{};
      for (int64_t step = 0; step < candidates; ++step) {
        const float shrink = 1.0f - static_cast<float>(step) / kClipGrid;
        absl::StatusOr<::qc::QParams> qp =
            ::qc::calculateQParams(lo * shrink, hi * shrink, options);
        if (!qp.ok())
          return use.op->emitError("weight-only: ")
                 << std::string(qp.status().message());
        double error = quantizeGroup(group_values, *qp, config, trial);
        if (step == 0 || error < bestError) {
          bestError = error;
          bestQp = *qp;
          best.swap(trial);
        }
      }
      scales[qparamIndex(c, g)] = bestQp.scale;
      zeroPoints[qparamIndex(c, g)] = bestQp.zeroPoint;
      for (int64_t i = begin; i < end; ++i)
        // ui8 storage holds [0, 255]: the byte's bits are the value's.
        q[at(c, i)] = static_cast<int8_t>(
            static_cast<uint8_t>(best[static_cast<size_t>(i - begin)] & 0xff));
    }

  OpBuilder b(use.op);
  MLIRContext *ctx = b.getContext();
  Type storage = config.symmetric
                     ? IntegerType::get(ctx, 8)
                     : IntegerType::get(ctx, 8, IntegerType::Unsigned);
  auto intType = RankedTensorType::get(type.getShape(), storage);
  std::string name = "weight_q";
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(use.constant.getValue()))
    name = (resource.getRawHandle().getKey() + "_q").str();
  ElementsAttr attr = makeConstantAttr<int8_t>(intType, q, name);
  Value qv = b.create<ConstantOp>(use.constant.getLoc(), intType, attr);
  bool blocked = config.groupSize > 0;
  IntegerAttr axis = b.getI64IntegerAttr(blocked ? use.kAxis : 1 - use.kAxis);
  IntegerAttr block =
      blocked ? b.getI64IntegerAttr(config.groupSize) : IntegerAttr();
  auto dq = b.create<DequantizeOp>(
      use.op->getLoc(), type, qv, b.getDenseF32ArrayAttr(scales),
      b.getDenseI64ArrayAttr(zeroPoints), axis, block);
  use.op->setOperand(use.operand, dq.getResult());
  if (use.constant->use_empty())
    use.constant->erase();
  return success();
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
    for (WeightUse u : uses)
      if (failed(quantizeWeight(u, isa<GatherOp>(u.op) ? *tables : *c)))
        return signalPassFailure();
  }
};

} // namespace
