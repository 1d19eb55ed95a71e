//===- SmoothQuant.h - SmoothQuant for linear / matmul layers ---*- C++ -*-===//
//
// `smoothquant=ALPHA` of the built-in quantizers runs qc-smooth-quant before
// annotation: it measures max |X_j| of the inputs of linear / constant-rhs
// matmul layers on the calibration data and moves s_j = max|X_j|^alpha /
// max|W_.j|^(1-alpha) from the activation into the weights. See
// SmoothQuant.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_SMOOTHQUANT_H
#define QC_PASSES_QUANTIZE_SMOOTHQUANT_H

#include "passes/Quantize/CalibrationData.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::qc {

/// Smooths every group of linear / matmul layers reading the same
/// activation (float program, before annotation). Returns the number of
/// activations smoothed.
FailureOr<int64_t> smoothQuant(func::FuncOp func, double alpha,
                               CalibrationSource &data);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_SMOOTHQUANT_H
