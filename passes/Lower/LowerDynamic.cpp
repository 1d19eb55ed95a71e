//===- LowerDynamic.cpp - dynamic quantization to qc.dynamic_qlinear ------===//
//
// The pattern of qc-lower-to-integer for dynamic quantization:
//   dynamic_fake_quant(x), dequantize(w const, symmetric) [, b f32 const]
//       -> linear                          => qc.dynamic_qlinear(x, w, b)
//   dynamic_fake_quant(x), dequantize(w const [K, N], symmetric)
//       -> matmul                          => qc.dynamic_qlinear(x, w^T)
// The weight keeps its int8 values (a matmul's is transposed to [N, K], its
// per-channel axis 1 becoming the output channel); the activation is then
// quantized at run time by the integer op (QCIntOps.td). The rule of the
// integer op is not the float Q/DQ program's (the products are summed in
// int32 and scaled once, not dequantized one by one), as for every other
// integer op: they agree to float rounding, see docs/quantization.md.
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Lower/LowerToInteger.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

#include <vector>

namespace mlir::qc {
namespace {

/// A symmetric int8 constant weight behind a dequantize: the constant, its
/// scales and the per-channel axis (nullopt: per tensor).
struct DynamicWeight {
  ConstantOp constant;
  ArrayRef<float> scales;
  std::optional<int64_t> axis;
};

std::optional<DynamicWeight> matchWeight(Value v) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || dq.getBlockSize())
    return std::nullopt;
  auto c = dq.getInput().getDefiningOp<ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(dq.getInput().getType());
  if (!c || !type || type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isSignlessInteger(8))
    return std::nullopt;
  for (int64_t zp : dq.getZeroPoint())
    if (zp != 0)
      return std::nullopt;
  std::optional<int64_t> axis;
  if (dq.getAxis())
    axis = static_cast<int64_t>(*dq.getAxis());
  else if (dq.getScale().size() != 1)
    return std::nullopt;
  return DynamicWeight{c, dq.getScale(), axis};
}

/// Rooted at the linear / matmul (a dynamically quantized op has no
/// qc.quantize after it); qc-lower-to-integer visits them in program order.
struct DynamicLinearPattern
    : RootedPattern<DynamicFakeQuantOp, LinearOp, MatmulOp> {
  DynamicLinearPattern(MLIRContext *context)
      : RootedPattern(context, "dynamic-linear", "input is not dynamic") {}

  LogicalResult rewriteRoot(Operation *root, DynamicFakeQuantOp dfq,
                            PatternRewriter &rewriter) const override {
    std::optional<DynamicWeight> w = matchWeight(root->getOperand(1));
    if (!w)
      return rewriter.notifyMatchFailure(root, "weight does not fit");
    auto wType = cast<RankedTensorType>(w->constant.getType());
    bool isMatmul = isa<MatmulOp>(root);
    // linear: w [N, K], per channel along 0; matmul: w [K, N], along 1.
    int64_t channelAxis = isMatmul ? 1 : 0;
    if (w->axis && *w->axis != channelAxis)
      return rewriter.notifyMatchFailure(root, "per-channel axis is not N");
    Value bias;
    if (auto linear = dyn_cast<LinearOp>(root); linear && linear.getBias()) {
      bias = linear.getBias();
      auto bType = cast<RankedTensorType>(bias.getType());
      if (!bias.getDefiningOp<ConstantOp>() || !bType.getElementType().isF32())
        return rewriter.notifyMatchFailure(root, "bias is not a float constant");
    }
    auto xType = cast<RankedTensorType>(dfq.getInput().getType());
    auto yType = cast<RankedTensorType>(root->getResult(0).getType());
    if (xType.getRank() < 1 || yType.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(root, "not a [..., K] input");

    rewriter.setInsertionPoint(root);
    Value weight = w->constant.getResult();
    if (isMatmul) {
      FailureOr<std::vector<int8_t>> values =
          getConstantValues<int8_t>(w->constant.getValue());
      if (failed(values))
        return rewriter.notifyMatchFailure(root, "unreadable weight");
      int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
      std::vector<int8_t> transposed(values->size());
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < n; ++c)
          transposed[c * k + r] = (*values)[r * n + c];
      auto tType = RankedTensorType::get({n, k}, wType.getElementType());
      weight = rewriter.create<ConstantOp>(
          w->constant.getLoc(), tType,
          makeConstantAttr(tType, ArrayRef<int8_t>(transposed),
                           "dynamic_weight_t"));
    }
    auto op = rewriter.create<DynamicQLinearOp>(
        root->getLoc(), yType, dfq.getInput(), weight, bias,
        TypeAttr::get(dfq.getDtype()),
        rewriter.getI64IntegerAttr(static_cast<int64_t>(dfq.getQuantMin())),
        rewriter.getI64IntegerAttr(static_cast<int64_t>(dfq.getQuantMax())),
        rewriter.getBoolAttr(dfq.getPerToken()),
        rewriter.getDenseF32ArrayAttr(w->scales));
    Operation *weightDq = root->getOperand(1).getDefiningOp();
    rewriter.replaceOp(root, op.getResult());
    if (weightDq->use_empty())
      rewriter.eraseOp(weightDq);
    if (dfq->use_empty())
      rewriter.eraseOp(dfq);
    if (w->constant->use_empty())
      rewriter.eraseOp(w->constant);
    return success();
  }
};

} // namespace

void populateDynamicLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<DynamicLinearPattern>(patterns.getContext());
}

} // namespace mlir::qc
