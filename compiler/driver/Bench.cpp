//===- Bench.cpp - run and time a compiled model in-process ---------------===//
#include "compiler/driver/Bench.h"

#include "compiler/driver/CompileCache.h"
#include "compiler/driver/Driver.h"
#include "support/MemoryLimit.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <random>

namespace mlir::qc {

namespace {
/// The model's base name as a C identifier ("mnist_cnn.q.mlir" ->
/// "mnist_cnn").
std::string defaultModelName(StringRef path) {
  std::string stem = llvm::sys::path::filename(path).str();
  stem = stem.substr(0, stem.find('.'));
  std::string name;
  for (char c : stem)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    name = "m_" + name;
  return name;
}
} // namespace

CompileOptions compileOptionsFor(StringRef path, StringRef target,
                                 StringRef name) {
  CompileOptions options;
  options.target = target.str();
  options.name = name.empty() ? defaultModelName(path) : name.str();
  options.source = llvm::sys::path::filename(path).str();
  return options;
}

std::unique_ptr<LoadedModel> compileAndLoad(ModuleOp module, StringRef path,
                                            StringRef target, int threads,
                                            CompiledModel *info,
                                            const CodegenFlags &flags) {
  CompileOptions options = compileOptionsFor(path, target);
  options.maxBatch = flags.maxBatch;
  options.floatFma = flags.floatFma;
  FailureOr<CompiledModel> compiled = compileModelCached(module, options);
  if (failed(compiled))
    return nullptr;
  if (info)
    *info = *compiled;
  std::string error;
  std::unique_ptr<LoadedModel> loaded =
      LoadedModel::load(compiled->object, options.name, error);
  if (!loaded || !loaded->startSession(threads, error)) {
    emitError(module.getLoc()) << "cannot run the compiled model: " << error;
    return nullptr;
  }
  return loaded;
}

LogicalResult runCompiled(ModuleOp module, StringRef path, StringRef target,
                          int threads,
                          const std::vector<::qc::NpyArray> &inputs,
                          std::vector<::qc::NpyArray> &outputs,
                          const CodegenFlags &flags) {
  std::unique_ptr<LoadedModel> loaded =
      compileAndLoad(module, path, target, threads, nullptr, flags);
  if (!loaded)
    return failure();
  std::string error;
  if (!loaded->run(inputs, outputs, error)) {
    emitError(module.getLoc()) << "the compiled model failed: " << error;
    return failure();
  }
  return success();
}

FailureOr<std::vector<::qc::NpyArray>> randomInputs(func::FuncOp func,
                                                     int64_t batch) {
  std::vector<::qc::NpyArray> arrays;
  std::mt19937 rng(0);
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (type && batch > 0 && type.getRank() >= 1 && type.isDynamicDim(0)) {
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = batch;
      type = RankedTensorType::get(shape, type.getElementType());
    }
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return emitError(UnknownLoc::get(func.getContext()))
             << "input '" << argumentName(func, arg.getArgNumber())
             << "' is not a static f32 tensor: pass --input NAME=FILE.npy "
                "(and --input-shape for dynamic dimensions)";
    ::qc::NpyArray a;
    a.dtype = ::qc::DType::F32;
    a.shape.assign(type.getShape().begin(), type.getShape().end());
    std::optional<int64_t> bytes = ::qc::tensorBytes(a.shape, 4);
    if (!bytes || *bytes > ::qc::maxMemory())
      return emitError(UnknownLoc::get(func.getContext()))
             << "input #" << arg.getArgNumber() << " of shape "
             << ::qc::shapeToString(a.shape)
             << " is larger than the memory cap of "
             << ::qc::formatBytes(::qc::maxMemory())
             << " (raise it with --max-memory SIZE)";
    a.data.resize(type.getNumElements() * 4);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (int64_t i = 0; i < type.getNumElements(); ++i) {
      float v = u(rng);
      std::memcpy(a.data.data() + 4 * i, &v, 4);
    }
    arrays.push_back(std::move(a));
  }
  return arrays;
}

double BenchResult::median() const {
  if (times.empty())
    return 0;
  size_t n = times.size();
  return n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
}

FailureOr<BenchResult> benchModel(LoadedModel &model,
                                  const std::vector<::qc::NpyArray> &inputs,
                                  const BenchOptions &options,
                                  std::string &error) {
  using Clock = std::chrono::steady_clock;
  std::vector<::qc::NpyArray> outputs;
  auto once = [&]() -> double {
    auto t0 = Clock::now();
    bool ok = model.run(inputs, outputs, error);
    double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    return ok ? ms : -1;
  };
  auto elapsed = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  auto start = Clock::now();
  for (int i = 0; i < 5 || elapsed(start) < 0.2; ++i)
    if (once() < 0)
      return failure();
  BenchResult result;
  start = Clock::now();
  while (static_cast<int>(result.times.size()) < options.minRuns ||
         elapsed(start) < options.minSeconds) {
    double ms = once();
    if (ms < 0)
      return failure();
    result.times.push_back(ms);
  }
  std::sort(result.times.begin(), result.times.end());
  return result;
}

void printBenchReport(llvm::raw_ostream &os, StringRef modelPath,
                      const CompiledModel &info, const LoadedModel &model,
                      const BenchResult &result) {
  os << "model: " << escapeForTerminal(modelPath) << "\n"
     << "target: " << info.target << "\n"
     << "threads: " << model.threads() << "\n"
     << llvm::format("compile_s: %.2f\n", info.seconds)
     << "compile_cache: " << info.cache << "\n"
     << "runs: " << result.times.size() << "\n"
     << llvm::format("min_ms: %.4f\n", result.times.front())
     << llvm::format("max_ms: %.4f\n", result.times.back())
     << llvm::format("median_ms: %.4f\n", result.median());
}

} // namespace mlir::qc
