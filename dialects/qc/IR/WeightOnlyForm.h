//===- WeightOnlyForm.h - the weight-only linear form -----------*- C++ -*-===//
//
// A qc.linear (weight [N, K]) or a qc.matmul by a 2-D right-hand side
// ([K, N]) whose weight is a qc.dequantize of an 8-bit integer constant with
// qparams per tensor, per output channel, per input channel or in blocks
// along K (qc-weight-only's output, or an imported DequantizeLinear). Such an
// op has its own numerics rule (docs/quantization.md, "The reference rule"):
// per output y and group g of K, p = sum over k of fma(float(q - zp), x, p),
// y = fma(scale, p, y), then y + bias. The reference executor and the
// compiled code (passes/Codegen/WeightOnlyLinear.cpp) both decide with
// matchWeightOnlyForm whether an op has that form, so they always agree.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECTS_QC_IR_WEIGHTONLYFORM_H
#define QC_DIALECTS_QC_IR_WEIGHTONLYFORM_H

#include "dialects/qc/IR/QCOps.h"

#include <cstddef>
#include <optional>

namespace mlir::qc {

struct WeightOnlyForm {
  DequantizeOp dequantize;
  ConstantOp constant;
  /// The constant's K axis: 1 for a linear ([N, K]), 0 for a matmul.
  int64_t kAxis = 1;
  int64_t k = 0, n = 0;
  /// K is cut into `groups` groups of `group` values (the last may be
  /// shorter); per tensor and per output channel: one group of K, per input
  /// channel: groups of 1.
  int64_t group = 1, groups = 0;
  /// ui8 storage (asymmetric weights), else i8.
  bool isUnsigned = false;
  enum class Layout { PerTensor, PerColumn, PerInput, Blocked } layout;

  /// The index into the dequantize's scale / zero_point of output column
  /// `col`, group `g`.
  size_t qparamIndex(int64_t col, int64_t g) const;
  /// The index into the constant's values of (column col, input k).
  int64_t valueIndex(int64_t col, int64_t kk) const {
    return kAxis == 1 ? col * k + kk : kk * n + col;
  }
};

/// The weight-only form of `op` (a qc.linear, or a qc.matmul whose
/// left-hand side is not a constant), or nullopt when `op` is an ordinary
/// float op.
std::optional<WeightOnlyForm> matchWeightOnlyForm(Operation *op);

} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_WEIGHTONLYFORM_H
