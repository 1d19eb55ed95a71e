//===- Passes.td - qc passes ------------------------------*- tablegen -*-===//
#ifndef QC_PASSES_TD
#define QC_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCShapeInference : Pass<"qc-shape-inference", "func::FuncOp"> {
  let summary = "Bind input shapes and re-infer every qc op's result type";
  let description = [{
    Re-runs each qc op's shape rule in program order, refining dynamic
    dimensions, and updates the function's result types. `input-shapes` binds
    function arguments by name (the `qc.name` argument attribute the importer
    sets, or `argN`): `--qc-shape-inference="input-shapes=input:1,3,224,224"`.
    An op whose shape rule fails reports why, and the pass fails.
  }];
  let options = [
    Option<"inputShapes", "input-shapes", "std::string", /*default=*/"",
           "NAME:D0,D1,... bindings for function arguments; ';' separates several">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCDeadCodeElimination : Pass<"qc-dce", "func::FuncOp"> {
  let summary = "Remove ops whose results are unused";
  let description = [{
    Erases side-effect-free ops with no uses, repeatedly, bottom-up, so a
    whole dead chain (for example the constants of a folded BatchNorm) goes.
  }];
}

def QCFoldBatchNorm : Pass<"qc-fold-batch-norm", "func::FuncOp"> {
  let summary = "Fold inference BatchNorm into the preceding conv2d / linear";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant W, b and statistics becomes
    `conv2d(x, W', b')` with `W'[o] = W[o] * s[o]`,
    `b'[o] = (b[o] - mean[o]) * s[o] + beta[o]`, `s = gamma / sqrt(var + eps)`
    (computed in double, stored as f32). Likewise for `linear` followed by a
    batch_norm over its feature axis (rank-2 output). The conv/linear must
    have no other user; otherwise the pair is left alone.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

#endif // QC_PASSES_TD
