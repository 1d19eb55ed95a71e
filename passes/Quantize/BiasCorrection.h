//===- BiasCorrection.h - weight-quantization bias correction ---*- C++ -*-===//
//
// `bias_correction=1` of the built-in quantizers: qc-request-bias-correction
// (in the quantizer's transformForAnnotation) records the quantizer's name
// in the function attribute `qc.bias_correction`; after calibration,
// correctBiases() subtracts E[(W_q - W) x], measured on the calibration
// data, from the float bias of every conv2d / linear that quantizer
// annotated (observed input, observed constant weight, constant bias), so
// qc-convert stores the corrected int32 bias. See BiasCorrection.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_BIASCORRECTION_H
#define QC_PASSES_QUANTIZE_BIASCORRECTION_H

#include "passes/Quantize/CalibrationData.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir::qc {

/// Function attribute: the quantizers that asked for bias correction.
inline constexpr const char *kBiasCorrectionAttr = "qc.bias_correction";

/// The quantizer names in `func`'s qc.bias_correction attribute.
std::vector<std::string> biasCorrectionRequests(func::FuncOp func);

/// Corrects the biases of the calibrated (prepared, weight qparams recorded)
/// `func` as requested by its qc.bias_correction attribute, which it
/// removes; reads every batch of `data` once. Returns the number of biases
/// corrected (0 without a request). An error (after a diagnostic) when a
/// layer is to be corrected and `data` is null, or the executor fails.
FailureOr<int64_t> correctBiases(func::FuncOp func, CalibrationSource *data);

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_BIASCORRECTION_H
