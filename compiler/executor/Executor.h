//===- Executor.h - qc's reference executor ---------------------*- C++ -*-===//
//
// Interprets a qc program op by op with the reference kernels (Kernels.h).
// It defines what every qc op computes: generated code and exported models
// are compared against it.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXECUTOR_EXECUTOR_H
#define QC_COMPILER_EXECUTOR_EXECUTOR_H

#include "compiler/support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <vector>

namespace mlir::qc {

/// Runs `func` on `inputs` (one per argument, in order). Input dtypes and
/// shapes are checked against the argument types (dynamic dimensions accept
/// any size); a mismatch is an error naming the input (its `qc.name`). Any
/// failure is emitted as a diagnostic at the offending op's location and
/// returns failure. Returns one array per function result.
FailureOr<std::vector<::qc::NpyArray>>
runFunction(func::FuncOp func, const std::vector<::qc::NpyArray> &inputs);

/// Evaluates one op whose operands are all known, for constant folding.
/// Returns failure without a diagnostic when the op is not one the executor
/// can evaluate; emits one when evaluation itself fails.
FailureOr<std::vector<::qc::NpyArray>>
evaluateOp(Operation *op, const std::vector<::qc::NpyArray> &operands);

} // namespace mlir::qc

#endif // QC_COMPILER_EXECUTOR_EXECUTOR_H
