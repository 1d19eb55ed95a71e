//===- ActivationProbes.cpp - see activations over calibration data -------===//

#include "passes/Quantize/ActivationProbes.h"

#include "reference/Executor.h"


#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::qc;

LogicalResult mlir::qc::observeCalibrationData(func::FuncOp func,
                                               CalibrationSource &data,
                                               const ObserveHook &hook) {
  Executor executor(func);
  RunOptions run;
  run.onObserve = hook;
  while (true) {
    FailureOr<std::optional<CalibrationSource::Batch>> batch = data.next();
    if (failed(batch))
      return failure();
    if (!*batch)
      return success();
    if (failed(executor.run((*batch)->inputs, run)))
      return failure();
  }
}

ActivationProbes::ActivationProbes(MLIRContext *context) : context(context) {}

ActivationProbes::~ActivationProbes() {
  for (ObserveOp probe : probes) {
    probe.getResult().replaceAllUsesWith(probe.getInput());
    probe.erase();
  }
}

size_t ActivationProbes::add(Value value, ArrayRef<OpOperand *> readers) {
  auto spec = QuantSpecAttr::get(
      context, IntegerType::get(context, 8, IntegerType::Unsigned), 0, 255,
      false, -1, "minmax", nullptr, false, false);
  OpBuilder b(context);
  b.setInsertionPointAfterValue(value);
  size_t i = probes.size();
  auto probe = b.create<ObserveOp>(
      value.getLoc(), value.getType(), value,
      b.getI64IntegerAttr(static_cast<int64_t>(i)), spec, DenseF32ArrayAttr(),
      DenseI64ArrayAttr());
  for (OpOperand *reader : readers)
    reader->set(probe.getResult());
  index[probe.getOperation()] = i;
  probes.push_back(probe);
  return i;
}

std::optional<size_t> ActivationProbes::indexOf(ObserveOp probe) const {
  auto it = index.find(probe.getOperation());
  if (it == index.end())
    return std::nullopt;
  return it->second;
}
