//===- Executor.h - qc's reference executor ---------------------*- C++ -*-===//
//
// Interprets a qc program op by op with the reference kernels (Kernels.h).
// It defines what every qc op computes: generated code and exported models
// are compared against it.
//
// Values are tensors tagged with their element type: f32; the integer
// storage types of quantized programs (ui8, i8, i16, i32), which
// qc.quantize / qc.dequantize / integer constants produce and consume; and
// the run-time integer / bool / f64 tensors of ONNX models (i64 indices and
// labels, i1 masks, ...), which the ops of QCOps.td's "Tensors of any element
// type" compute on (reference/KernelsAny.h). Inputs and outputs are .npy
// arrays of the matching dtype (float32, float64, uint8, int8, int16, int32,
// int64, bool); an input of another dtype is an error naming it.
// qc.observe is the identity; a RunOptions callback sees the tensor at each
// one (calibration).
//
// Memory: an intermediate tensor is freed right after the last op that reads
// it, so a run holds only the tensors that are still live (plus the decoded
// constants, see `Executor`). Every tensor is checked against the memory cap
// (support/MemoryLimit.h) before it is allocated: inputs, decoded
// constants and op results count together, and a result the cap has no room
// for is an error at its op naming the shape and the bytes; so is a kernel
// workspace. Constant folding (evaluateOp) checks against the cap as well.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXECUTOR_EXECUTOR_H
#define QC_COMPILER_EXECUTOR_EXECUTOR_H

#include "support/Npy.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace mlir::qc {

/// Per-run hooks of the executor.
struct RunOptions {
  /// Called at every qc.observe with the f32 tensor flowing through it
  /// (row-major values and shape) before it is passed on. Returning failure
  /// (after emitting a diagnostic) stops the run.
  std::function<LogicalResult(ObserveOp, ArrayRef<float>, ArrayRef<int64_t>)>
      onObserve;
  /// The memory cap of the run in bytes; 0 = the process-wide cap
  /// (::qc::maxMemory(), `--max-memory`). See "Memory" above.
  int64_t maxMemory = 0;
};

/// Runs `func` on `inputs` (one per argument, in order). Input dtypes and
/// shapes are checked against the argument types (dynamic dimensions accept
/// any size); a mismatch is an error naming the input (its `qc.name`). Any
/// failure is emitted as a diagnostic at the offending op's location and
/// returns failure. Returns one array per function result.
FailureOr<std::vector<::qc::NpyArray>>
runFunction(func::FuncOp func, const std::vector<::qc::NpyArray> &inputs);

/// Evaluates one op whose operands are all known, for constant folding.
/// Returns failure without a diagnostic when the op is not one the executor
/// can evaluate (another dialect, an operand dtype it does not handle, the
/// quantization ops, which mark edges and are never folded away);
/// emits one when evaluation itself fails (e.g. a kernel rejects a shape).
FailureOr<std::vector<::qc::NpyArray>>
evaluateOp(Operation *op, const std::vector<::qc::NpyArray> &operands);

/// The elements of a constant attribute (inline `dense` or `dense_resource`)
/// as an array of its element type. Failure, without a diagnostic, for
/// element types other than f32 (so constant folding leaves the integer
/// weights of quantized programs alone) and for resources whose blob is
/// missing or of the wrong size.
FailureOr<::qc::NpyArray> constantToArray(ElementsAttr attr);

/// The DType (support/DType.h) of an MLIR element type: f32, f64, ui8, i8,
/// i16, i32, i64, i1 (signless integers are signed); nullopt for any other
/// type. The one mapping the executor, calibration and the driver use.
std::optional<::qc::DType> dtypeOf(Type elementType);

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

  /// As `runFunction`, with `options`' hooks.
  FailureOr<std::vector<::qc::NpyArray>>
  run(const std::vector<::qc::NpyArray> &inputs,
      const RunOptions &options = {});

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
