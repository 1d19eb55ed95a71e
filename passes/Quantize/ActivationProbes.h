//===- ActivationProbes.h - see activations over calibration data -*- C++ -*-===//
//
// The measuring step of the weight-side corrections (cross-layer
// equalization, SmoothQuant, bias correction): put temporary qc.observe ops
// on the activations a correction needs, stream the calibration data through
// the float program with the reference executor, and collect what flows
// through them in the executor's observe hook. calibrate() (Calibrate.h) has
// its own loop (observers, progress, statistics); everything else that only
// needs to look at activations uses this one.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_QUANTIZE_ACTIVATIONPROBES_H
#define QC_PASSES_QUANTIZE_ACTIVATIONPROBES_H

#include "dialects/qc/IR/QCOps.h"
#include "passes/Quantize/Calibrate.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>
#include <optional>

namespace mlir::qc {

/// Called at every qc.observe the executor passes, with the f32 tensor
/// flowing through it (row-major values and shape). Failure (after a
/// diagnostic) stops the run.
using ObserveHook =
    std::function<LogicalResult(ObserveOp, ArrayRef<float>, ArrayRef<int64_t>)>;

/// Runs every batch of `data` through `func` in the reference executor with
/// `hook` at its qc.observe ops. Fails after a diagnostic (unreadable data, a
/// failing run, the hook failing).
LogicalResult observeCalibrationData(func::FuncOp func, CalibrationSource &data,
                                     const ObserveHook &hook);

/// Temporary qc.observe probes: add() puts one on a value (right after its
/// definition) and makes the given operands read through it; the destructor
/// takes every probe out again, the operands reading the value as before.
/// The probes carry a min/max spec only because qc.observe needs one; they
/// never reach calibration or conversion.
class ActivationProbes {
public:
  explicit ActivationProbes(MLIRContext *context);
  ~ActivationProbes();
  ActivationProbes(const ActivationProbes &) = delete;
  ActivationProbes &operator=(const ActivationProbes &) = delete;

  /// Probes `value` for the `readers` (operands that read it); returns the
  /// probe's index (0, 1, ... in the order of the calls).
  size_t add(Value value, ArrayRef<OpOperand *> readers);

  /// The index add() returned for `probe`, or none when it is another
  /// qc.observe.
  std::optional<size_t> indexOf(ObserveOp probe) const;

private:
  MLIRContext *context;
  SmallVector<ObserveOp> probes;
  llvm::DenseMap<Operation *, size_t> index;
};

} // namespace mlir::qc

#endif // QC_PASSES_QUANTIZE_ACTIVATIONPROBES_H
