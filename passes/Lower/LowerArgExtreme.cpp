//===- LowerArgExtreme.cpp - ArgMax / ArgMin of a quantized tensor --------===//
//
// The pattern of qc-lower-to-integer for ArgMax / ArgMin:
//   dequantize(x: ui8 | i8, per tensor) -> arg_max | arg_min
//       => arg_max | arg_min (x)
// dequantize is (q - zp) * scale with scale > 0: distinct codes give
// distinct, ordered floats as long as no product overflows (checked), so
// the index of the extreme code is the index of the extreme float, ties
// included. The int64 result is not quantized; the dequantize goes when
// nothing else reads it. Rooted at the ArgMax / ArgMin (no qc.quantize
// follows them).
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCOps.h"
#include "passes/Lower/LowerToInteger.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace mlir::qc {
namespace {

struct ArgExtremePattern : RootedPattern<DequantizeOp, ArgMaxOp, ArgMinOp> {
  ArgExtremePattern(MLIRContext *context)
      : RootedPattern(context, "arg-extreme", "input is not dequantized") {}

  LogicalResult rewriteRoot(Operation *root, DequantizeOp dq,
                            PatternRewriter &rewriter) const override {
    Type element =
        cast<RankedTensorType>(dq.getInput().getType()).getElementType();
    if (!element.isInteger(8))
      return rewriter.notifyMatchFailure(root, "input is not 8-bit");
    if (dq.getScale().size() != 1 || dq.getAxis() || dq.getBlockSize())
      return rewriter.notifyMatchFailure(root, "not per tensor");
    // Every (q - zp) * scale finite, so distinct codes stay distinct.
    double span = 255.0 + std::abs(static_cast<double>(dq.getZeroPoint()[0]));
    if (!(static_cast<double>(dq.getScale()[0]) * span <
          std::numeric_limits<float>::max()))
      return rewriter.notifyMatchFailure(root, "a dequantized value overflows");
    rewriter.modifyOpInPlace(root,
                             [&] { root->setOperand(0, dq.getInput()); });
    if (dq->use_empty())
      rewriter.eraseOp(dq);
    return success();
  }
};

} // namespace

void populateArgExtremePatterns(RewritePatternSet &patterns) {
  patterns.add<ArgExtremePattern>(patterns.getContext());
}

} // namespace mlir::qc
