//===- LowerToInteger.h - Q/DQ patterns to integer ops ----------*- C++ -*-===//
//
// The rewrite patterns of qc-lower-to-integer, one per fused form, for
// passes that want them in their own pattern sets.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_LOWER_LOWERTOINTEGER_H
#define QC_PASSES_LOWER_LOWERTOINTEGER_H

#include "mlir/IR/PatternMatch.h"

#include <string>

namespace mlir::qc {

/// The patterns' debug names, which `qc-lower-to-integer="patterns=..."`
/// selects by: lut (qc.qlut, benefit 2), conv2d, linear, add, mul,
/// max-pool, avg-pool, data-movement, requantize, dynamic-linear,
/// conv-transpose2d, resize, matmul, max-min, arg-extreme.
extern const char *const kLowerToIntegerPatterns[15];

/// Adds the patterns. Each matches a qc.quantize at the end of its form and
/// replaces it; the float ops only it used are erased.
void populateLowerToIntegerPatterns(RewritePatternSet &patterns);

/// dynamic_fake_quant -> linear / matmul by a symmetric int8 constant =>
/// qc.dynamic_qlinear (LowerDynamic.cpp; debug name dynamic-linear, rooted
/// at the linear / matmul). Part of populateLowerToIntegerPatterns.
void populateDynamicLinearPatterns(RewritePatternSet &patterns);

/// dequantize (8-bit, per tensor) -> arg_max / arg_min => the same op on the
/// 8-bit values (LowerArgExtreme.cpp; debug name arg-extreme, rooted at the
/// arg_max / arg_min). Part of populateLowerToIntegerPatterns.
void populateArgExtremePatterns(RewritePatternSet &patterns);

/// A pattern rooted at any op of \p RootOps whose operand 0 an \p InputOp
/// produces (benefit 1), for the patterns not rooted at a qc.quantize:
/// rewriteRoot sees only those (an MLIR RewritePattern roots at one op name
/// or at every op); another input is the match failure \p noInput.
template <typename InputOp, typename... RootOps>
struct RootedPattern : RewritePattern {
  RootedPattern(MLIRContext *context, StringRef name, StringRef noInput)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        noInput(noInput.str()) {
    setDebugName(name);
  }
  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const final {
    if (!isa<RootOps...>(root))
      return failure();
    auto input = root->getOperand(0).getDefiningOp<InputOp>();
    if (!input)
      return rewriter.notifyMatchFailure(root, noInput);
    return rewriteRoot(root, input, rewriter);
  }
  virtual LogicalResult rewriteRoot(Operation *root, InputOp input,
                                    PatternRewriter &rewriter) const = 0;

private:
  std::string noInput;
};

} // namespace mlir::qc

#endif // QC_PASSES_LOWER_LOWERTOINTEGER_H
