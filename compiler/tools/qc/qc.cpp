//===- qc.cpp - the qc command-line tool ----------------------------------===//
//
// `qc <command> [options]`. Each command parses its own flags (plus MLIR's
// pass-manager and printing flags, e.g. --mlir-print-ir-after-all) and calls
// the driver library.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"
#include "compiler/executor/Executor.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cl = llvm::cl;
using namespace mlir;

namespace {
constexpr const char *kUsage = R"(qc - graph-mode quantization compiler

usage: qc <command> [options]

commands:
  import   MODEL.onnx -o MODEL.mlir        import an ONNX model into the qc dialect
  run      MODEL(.onnx|.mlir) --input NAME=FILE.npy ... --output-dir DIR
                                           run a model with the reference executor

Run `qc <command> --help` for a command's options.
)";

/// Flags common to the commands that load a model.
struct ModelFlags {
  cl::opt<std::string> model{cl::Positional, cl::desc("<model>"),
                             cl::Required};
  cl::list<std::string> inputShapes{
      "input-shape",
      cl::desc("Bind an input's dynamic dimensions: NAME=D0,D1,... "
               "(repeatable)"),
      cl::value_desc("NAME=D0,D1,...")};
  cl::opt<bool> noSimplify{
      "no-simplify",
      cl::desc("Do not run qc-simplify (shape inference, BatchNorm and "
               "constant folding, dead-code removal) after import")};

  mlir::qc::LoadOptions loadOptions() const {
    mlir::qc::LoadOptions options;
    options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
    options.simplify = !noSimplify;
    return options;
  }
};

void registerMLIRFlags() {
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
}

int importCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output MLIR file ('-' = stdout)"),
                              cl::value_desc("file"), cl::init("-")};
  registerMLIRFlags();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qc import: read an ONNX model and write it as qc-dialect MLIR\n\n"
      "  qc import MODEL.onnx -o MODEL.mlir [--input-shape NAME=1,3,224,224]\n\n"
      "Weights are written as resource blobs at the end of the file, so the "
      "ops stay readable.\n");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, flags.loadOptions());
  if (!module || failed(mlir::qc::writeModule(*module, output)))
    return 1;
  return 0;
}

int runCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::list<std::string> inputs{
      "input", cl::desc("Bind an input: NAME=FILE.npy (repeatable); a bare "
                        "FILE.npy binds a single-input model's input"),
      cl::value_desc("NAME=FILE.npy")};
  cl::opt<std::string> outputDir{
      "output-dir", cl::desc("Directory for the outputs, one NAME.npy each"),
      cl::value_desc("dir"), cl::Required};
  registerMLIRFlags();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qc run: run a model with the reference executor\n\n"
      "  qc run MODEL(.onnx|.mlir) --input NAME=FILE.npy ... --output-dir DIR\n\n"
      "Dynamic input dimensions take the sizes of the given arrays.\n");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, flags.loadOptions());
  if (!module)
    return 1;
  FailureOr<func::FuncOp> func = mlir::qc::getEntryFunction(*module);
  if (failed(func))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays =
      mlir::qc::readInputs(*func, std::vector<std::string>(inputs.begin(),
                                                     inputs.end()));
  if (failed(arrays))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> results =
      mlir::qc::runFunction(*func, *arrays);
  if (failed(results) ||
      failed(mlir::qc::writeOutputs(*func, *results, outputDir)))
    return 1;
  for (auto [i, array] : llvm::enumerate(*results)) {
    llvm::outs() << mlir::qc::resultName(*func, i) << ": "
                 << ::qc::dtypeName(array.dtype) << "[";
    for (auto [j, d] : llvm::enumerate(array.shape))
      llvm::outs() << (j ? "," : "") << d;
    llvm::outs() << "] -> " << outputDir << "/" << mlir::qc::resultName(*func, i)
                 << ".npy\n";
  }
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc < 2) {
    llvm::errs() << kUsage;
    return 2;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    llvm::outs() << kUsage;
    return 0;
  }
  // The command's own parser sees "qc <command>" as the program name.
  std::string program = std::string(argv[0]) + " " + command;
  std::vector<char *> args = {program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  int n = static_cast<int>(args.size());
  if (command == "import")
    return importCommand(n, args.data());
  if (command == "run")
    return runCommand(n, args.data());
  llvm::errs() << "qc: error: unknown command '" << command << "'\n\n"
               << kUsage;
  return 2;
}
