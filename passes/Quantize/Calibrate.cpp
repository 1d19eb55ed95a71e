//===- Calibrate.cpp - run calibration data through observers -------------===//
#include "passes/Quantize/Calibrate.h"
#include "passes/Quantize/CalibrationData.h"

#include "reference/Executor.h"
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ObserverConfig.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

namespace mlir::qc {
#define GEN_PASS_DEF_QCCALIBRATE
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
StringRef toStringRef(absl::string_view s) { return {s.data(), s.size()}; }
} // namespace

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

namespace {
class Progress {
public:
  Progress(CalibrationOptions::Progress mode, int64_t total) : total(total) {
    if (mode == CalibrationOptions::Progress::Auto)
      mode = llvm::sys::Process::StandardErrIsDisplayed()
                 ? CalibrationOptions::Progress::Auto
                 : CalibrationOptions::Progress::Lines;
    bar = mode == CalibrationOptions::Progress::Auto;
    enabled = mode != CalibrationOptions::Progress::None;
  }

  void update(int64_t done) {
    if (!enabled)
      return;
    auto now = std::chrono::steady_clock::now();
    if (bar) {
      // Redraw at most ten times a second, and always at the end.
      if (done < total && now - lastDraw < std::chrono::milliseconds(100))
        return;
      lastDraw = now;
      constexpr int kWidth = 30;
      int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
      llvm::errs() << "\rcalibrating [" << std::string(filled, '#')
                   << std::string(kWidth - filled, ' ') << "] " << done << "/"
                   << total << " samples";
      if (done >= total)
        llvm::errs() << "\n";
      llvm::errs().flush();
      return;
    }
    // A line at every tenth of the samples.
    int64_t tenth = total ? 10 * done / total : 10;
    if (tenth > lastTenth || done >= total) {
      lastTenth = tenth;
      if (done != lastLine) {
        llvm::errs() << "calibrating: " << done << "/" << total
                     << " samples\n";
        lastLine = done;
      }
    }
  }

  /// Ends a bar that stopped early (an error).
  void abort() {
    if (enabled && bar)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool bar = false;
  bool enabled = true;
  std::chrono::steady_clock::time_point lastDraw;
  int64_t lastTenth = 0;
  int64_t lastLine = -1;
};

/// One observer and the qc.observe ops that feed it.
struct ObserverEntry {
  SmallVector<ObserveOp, 2> ops;
  std::unique_ptr<::qc::Observer> observer;
};
} // namespace

std::string mlir::qc::checkActivationObserver(StringRef kind) {
  absl::StatusOr<::qc::ObserverKind> parsed =
      ::qc::parseObserverKind(std::string_view(kind.data(), kind.size()));
  if (!parsed.ok())
    return std::string(parsed.status().message());
  if (::qc::isPerChannelKind(*parsed))
    return "observer '" + kind.str() +
           "' is per-channel; activations take a per-tensor observer "
           "(minmax, moving_average, histogram, percentile, entropy)";
  return "";
}

namespace {
/// calibrate() and calibrateWithoutData(): `data` is null for the latter.
FailureOr<CalibrationStats> calibrateImpl(func::FuncOp func,
                                          CalibrationSource *data,
                                          const CalibrationOptions &options) {
  CalibrationStats stats;
  if (options.activationObserver)
    if (std::string m = checkActivationObserver(*options.activationObserver);
        !m.empty())
      return func.emitError() << "invalid activation observer: " << m;

  // One observer per id; observers fed only by constants are weights.
  llvm::MapVector<int64_t, ObserverEntry> entries;
  llvm::DenseSet<Operation *> constantFed;
  func.walk([&](ObserveOp op) {
    entries[static_cast<int64_t>(op.getId())].ops.push_back(op);
    if (op.getInput().getDefiningOp<ConstantOp>())
      constantFed.insert(op);
  });
  for (auto &[id, entry] : entries) {
    ObserveOp first = entry.ops.front();
    bool activation = false;
    for (ObserveOp op : entry.ops) {
      if (op.getSpec() != first.getSpec())
        return op.emitError()
               << "qc.observe ops of observer " << id
               << " have different specs: " << op.getSpec() << " and "
               << first.getSpec();
      activation |= !constantFed.contains(op);
    }
    absl::StatusOr<ObserverConfig> config =
        getObserverConfig(first.getSpec(), activation
                                               ? options.activationObserver
                                               : std::nullopt);
    if (!config.ok())
      return first.emitError() << "observer " << id << ": "
                               << toStringRef(config.status().message());
    absl::StatusOr<std::unique_ptr<::qc::Observer>> observer =
        ::qc::createObserver(config->kind, config->options,
                             std::to_string(id));
    if (!observer.ok())
      return first.emitError() << "observer " << id << ": "
                               << toStringRef(observer.status().message());
    entry.observer = std::move(*observer);
    stats.observeOps += entry.ops.size();
  }
  stats.observers = entries.size();

  if (!data) {
    // Only weights: feed each constant-fed observer its constant.
    for (auto &[id, entry] : entries) {
      for (ObserveOp op : entry.ops) {
        auto cst = op.getInput().getDefiningOp<ConstantOp>();
        if (!cst)
          return op.emitError()
                 << "observer " << id
                 << " observes an activation, which needs calibration data "
                    "(--calib DATA / qc-calibrate=\"data=...\"); only "
                    "weights and dynamically quantized activations do without";
        auto type = cast<RankedTensorType>(cst.getType());
        FailureOr<std::vector<float>> values =
            getConstantValues<float>(cst.getValue());
        if (!type.hasStaticShape() || failed(values))
          return op.emitError() << "cannot read the constant " << type
                                << " observed by observer " << id;
        SmallVector<int64_t> shape(type.getShape());
        absl::Status st = entry.observer->update(absl::MakeConstSpan(*values),
                                                 absl::MakeConstSpan(shape));
        if (!st.ok())
          return op.emitError() << toStringRef(st.message());
      }
    }
  }

  Executor executor(func);
  RunOptions run;
  const CalibrationData::Batch *current = nullptr;
  run.onObserve = [&](ObserveOp op, ArrayRef<float> values,
                      ArrayRef<int64_t> shape) -> LogicalResult {
    // Weights are the same every run: observe them once.
    if (stats.batches > 0 && constantFed.contains(op))
      return success();
    ::qc::Observer &observer =
        *entries[static_cast<int64_t>(op.getId())].observer;
    absl::Status st = observer.update(absl::MakeConstSpan(values),
                                      absl::MakeConstSpan(shape));
    if (!st.ok())
      return op.emitError() << toStringRef(st.message())
                            << " (calibration data: " << current->source
                            << ")";
    return success();
  };

  Progress progress(data ? options.progress
                         : CalibrationOptions::Progress::None,
                    data ? data->numSamples() : 0);
  auto start = std::chrono::steady_clock::now();
  while (data) {
    FailureOr<std::optional<CalibrationSource::Batch>> batch = data->next();
    if (failed(batch)) {
      progress.abort();
      return failure();
    }
    if (!*batch)
      break;
    current = &**batch;
    if (failed(executor.run((*batch)->inputs, run))) {
      progress.abort();
      return failure();
    }
    stats.samples += (*batch)->samples;
    ++stats.batches;
    progress.update(stats.samples);
  }
  stats.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  if (data && stats.samples == 0)
    return func.emitError() << "no calibration samples";

  for (auto &[id, entry] : entries) {
    absl::StatusOr<::qc::ObserverQParams> qparams =
        entry.observer->computeQParams();
    if (!qparams.ok())
      return entry.ops.front().emitError()
             << "cannot compute the qparams of observer " << id << ": "
             << toStringRef(qparams.status().message());
    for (ObserveOp op : entry.ops) {
      op.setScaleAttr(DenseF32ArrayAttr::get(func.getContext(),
                                             qparams->scales));
      op.setZeroPointAttr(DenseI64ArrayAttr::get(func.getContext(),
                                                 qparams->zeroPoints));
      if (failed(op.verify()))
        return failure();
    }
  }
  return stats;
}
} // namespace

FailureOr<CalibrationStats>
mlir::qc::calibrate(func::FuncOp func, CalibrationSource &data,
                    const CalibrationOptions &options) {
  return calibrateImpl(func, &data, options);
}

FailureOr<CalibrationStats>
mlir::qc::calibrateWithoutData(func::FuncOp func,
                               const CalibrationOptions &options) {
  return calibrateImpl(func, nullptr, options);
}

bool mlir::qc::needsCalibrationData(func::FuncOp func) {
  bool needs = false;
  func.walk([&](ObserveOp op) {
    needs |= !op.getInput().getDefiningOp<ConstantOp>();
  });
  return needs;
}

//===----------------------------------------------------------------------===//
// qc-calibrate
//===----------------------------------------------------------------------===//

namespace {
struct QCCalibratePass
    : public mlir::qc::impl::QCCalibrateBase<QCCalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (data.empty()) {
      // Weights only (every activation dynamic or float): no data needed.
      if (needsCalibrationData(func)) {
        func.emitError() << "qc-calibrate needs data=PATH (.npy, .npz or a "
                            "directory): the function observes activations";
        return signalPassFailure();
      }
      if (failed(calibrateWithoutData(func)))
        return signalPassFailure();
      return;
    }
    CalibrationDataOptions dataOptions;
    dataOptions.batchSize = batchSize;
    dataOptions.maxSamples = maxSamples;
    FailureOr<std::unique_ptr<CalibrationData>> samples =
        CalibrationData::open(func, data, dataOptions);
    if (failed(samples))
      return signalPassFailure();
    CalibrationOptions options;
    if (!observer.empty())
      options.activationObserver = observer;
    options.progress = CalibrationOptions::Progress::None;
    if (failed(calibrate(func, **samples, options)))
      return signalPassFailure();
  }
};
} // namespace
