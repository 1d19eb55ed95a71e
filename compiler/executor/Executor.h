//===- Executor.h - qc's reference executor ---------------------*- C++ -*-===//
//
// Interprets a qc program op by op with the reference kernels (Kernels.h).
// It defines what every qc op computes: generated code and exported models
// are compared against it.
//
// Values are tensors tagged with their element type. Only f32 programs run
// today; the quantized forms (int8 / int32 tensors) are further alternatives
// of the executor's internal tensor type, so inputs, outputs and the public
// functions below stay as they are when they arrive.
//
// Memory: an intermediate tensor is freed right after the last op that reads
// it, so a run holds only the tensors that are still live (plus the decoded
// constants, see `Executor`).
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXECUTOR_EXECUTOR_H
#define QC_COMPILER_EXECUTOR_EXECUTOR_H

#include "compiler/support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <memory>
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
/// can evaluate (another dialect, an operand dtype it does not handle);
/// emits one when evaluation itself fails (e.g. a kernel rejects a shape).
FailureOr<std::vector<::qc::NpyArray>>
evaluateOp(Operation *op, const std::vector<::qc::NpyArray> &operands);

/// The elements of a constant attribute (inline `dense` or `dense_resource`)
/// as an array of its element type. Failure, without a diagnostic, for
/// element types the executor does not handle (only f32 today) and for
/// resources whose blob is missing or of the wrong size.
FailureOr<::qc::NpyArray> constantToArray(ElementsAttr attr);

/// Runs one function any number of times. Decoded constants are kept between
/// runs, so repeated runs (calibration over many batches) decode each weight
/// once; `runFunction` is a single run of a fresh Executor. `func` must
/// outlive the Executor and must not be modified while it is in use.
class Executor {
public:
  explicit Executor(func::FuncOp func);
  ~Executor();
  Executor(Executor &&) noexcept;
  Executor &operator=(Executor &&) noexcept;

  /// As `runFunction`.
  FailureOr<std::vector<::qc::NpyArray>>
  run(const std::vector<::qc::NpyArray> &inputs);

  /// What the last `run` did.
  struct Stats {
    /// Ops evaluated (constants included).
    int64_t opsExecuted = 0;
    /// Largest total size, in bytes, of the live non-constant tensors (inputs
    /// and op results) at any point of the run.
    int64_t peakLiveBytes = 0;
    /// Bytes of decoded constants held by this Executor.
    int64_t constantBytes = 0;
  };
  const Stats &lastRunStats() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::qc

#endif // QC_COMPILER_EXECUTOR_EXECUTOR_H
