//===- ExecutorBench.cpp - time the reference executor on a model ---------===//
//
//   qc-executor-bench MODEL(.onnx|.mlir) --input NAME=FILE.npy ... [--repeat N]
//
// Loads the model as `qc run` does (import + qc-simplify), then runs it N
// times with one Executor and prints, on one line each:
//   load_ms <t>            import and simplify
//   first_run_ms <t>       first run: decodes the constants, then computes
//                          (what `qc run` spends in the executor)
//   run_ms_min <t>         fastest later run (constants already decoded)
//   run_ms_median <t>
//   peak_live_mib <m>      largest total of live intermediate tensors
//   constant_mib <m>       decoded constants held by the Executor
// Exit status 1 on any error (diagnostics as in `qc`), 2 on usage errors.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"
#include "reference/Executor.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::opt<std::string> model{cl::Positional, cl::desc("<model>"), cl::Required};
  cl::list<std::string> inputs{"input",
                               cl::desc("Bind an input: NAME=FILE.npy"),
                               cl::value_desc("NAME=FILE.npy")};
  cl::opt<unsigned> repeat{
      "repeat", cl::desc("Runs after the first (default 5)"), cl::init(5)};
  // loadModel applies the pass-manager flags, as `qc` does.
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv,
                              "time qc's reference executor on a model\n");

  MLIRContext context;
  mlir::qc::setUpContext(context);
  auto start = std::chrono::steady_clock::now();
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, model, mlir::qc::LoadOptions());
  if (!module)
    return 1;
  double loadMs = msSince(start);
  FailureOr<func::FuncOp> func = mlir::qc::getEntryFunction(*module);
  if (failed(func))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays = mlir::qc::readInputs(
      *func, std::vector<std::string>(inputs.begin(), inputs.end()));
  if (failed(arrays))
    return 1;

  mlir::qc::Executor executor(*func);
  start = std::chrono::steady_clock::now();
  if (failed(executor.run(*arrays)))
    return 1;
  double firstMs = msSince(start);
  std::vector<double> times;
  for (unsigned i = 0; i < repeat; ++i) {
    start = std::chrono::steady_clock::now();
    if (failed(executor.run(*arrays)))
      return 1;
    times.push_back(msSince(start));
  }
  std::sort(times.begin(), times.end());
  const mlir::qc::Executor::Stats &stats = executor.lastRunStats();
  llvm::outs() << "load_ms " << llvm::format("%.1f", loadMs) << "\n"
               << "first_run_ms " << llvm::format("%.1f", firstMs) << "\n";
  if (!times.empty())
    llvm::outs() << "run_ms_min " << llvm::format("%.1f", times.front()) << "\n"
                 << "run_ms_median "
                 << llvm::format("%.1f", times[times.size() / 2]) << "\n";
  llvm::outs() << "peak_live_mib "
               << llvm::format("%.2f", stats.peakLiveBytes / 1048576.0) << "\n"
               << "constant_mib "
               << llvm::format("%.2f", stats.constantBytes / 1048576.0) << "\n";
  return 0;
}
