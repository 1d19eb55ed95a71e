//===- qc.cpp - the qc command-line tool ----------------------------------===//
//
// `qc <command> [options]`. Each command parses its own flags (plus MLIR's
// pass-manager and printing flags, e.g. --mlir-print-ir-after-all) and calls
// the driver library.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"
#include "compiler/driver/Quantize.h"
#include "compiler/executor/Executor.h"
#include "compiler/exporter/OnnxExporter.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
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
  quantize MODEL(.onnx|.mlir) --quantizer x86|xnnpack[,OPTIONS] --calib DATA -o MODEL.q.mlir
                                           post-training int8 quantization (Q/DQ form);
                                           --export-onnx M.qdq.onnx also writes it as ONNX QDQ
  export-onnx MODEL.mlir -o MODEL.onnx     write a qc program (Q/DQ) as an ONNX model (opset 13)

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
int exportOnnxCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output ONNX file"),
                              cl::value_desc("file"), cl::Required};
  registerMLIRFlags();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qc export-onnx: write a qc program (e.g. the Q/DQ output of qc "
      "quantize) as an ONNX model\n\n"
      "  qc export-onnx MODEL.q.mlir -o MODEL.qdq.onnx\n\n"
      "qc.quantize / qc.dequantize become QuantizeLinear / DequantizeLinear "
      "(opset 13); an op without an ONNX form is an error.\n");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  // Export the program as written: qc-simplify would fold the dequantize of
  // constant weights back into float constants.
  mlir::qc::LoadOptions load = flags.loadOptions();
  load.simplify = false;
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, load);
  if (!module || failed(mlir::qc::exportOnnx(*module, output)))
    return 1;
  return 0;
}

int quantizeCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output MLIR file ('-' = stdout)"),
                              cl::value_desc("file"), cl::init("-")};
  cl::opt<std::string> quantizer{
      "quantizer",
      cl::desc("Quantizer and options: x86 | xnnpack[,per_channel=0|1,...]; "
               "';' separates several, applied in order"),
      cl::value_desc("NAME[,OPTION=VALUE...]")};
  cl::list<std::string> plugins{
      "quantizer-plugin",
      cl::desc("Load a Quantizer plugin (shared library) first (repeatable)"),
      cl::value_desc("LIB.so")};
  cl::opt<std::string> calib{
      "calib",
      cl::desc("Calibration data: FILE.npy (samples along axis 0), FILE.npz "
               "(one array per input name) or a directory of .npy / .npz "
               "files (one sample or batch each, sorted by name); optional "
               "when every quantized activation is dynamic (dynamic=1)"),
      cl::value_desc("DATA")};
  cl::opt<std::string> observer{
      "observer",
      cl::desc("Observer for activations, overriding the quantizer's: "
               "minmax | moving_average | histogram | percentile | entropy"),
      cl::value_desc("KIND")};
  cl::opt<int64_t> maxSamples{
      "max-calib-samples",
      cl::desc("Calibrate with at most N samples (default: all)"),
      cl::value_desc("N"), cl::init(-1)};
  cl::opt<int64_t> calibBatch{
      "calib-batch",
      cl::desc("Samples per calibration run (default: the model's static "
               "batch size, else 1)"),
      cl::value_desc("N"), cl::init(0)};
  cl::opt<bool> quiet{"quiet",
                      cl::desc("No progress bar and no calibration summary")};
  cl::opt<std::string> exportOnnx{
      "export-onnx",
      cl::desc("Also write the Q/DQ program as an ONNX model (opset 13, "
               "QuantizeLinear / DequantizeLinear)"),
      cl::value_desc("MODEL.qdq.onnx")};
  cl::opt<bool> lowerToInteger{
      "lower-to-integer",
      cl::desc("Also run qc-lower-to-integer: dq -> conv2d / linear / add -> "
               "q patterns become qc.qconv2d / qc.qlinear / qc.qadd (after "
               "--export-onnx, which writes the Q/DQ form)")};
  registerMLIRFlags();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qc quantize: post-training int8 quantization\n\n"
      "  qc quantize MODEL.onnx --quantizer x86|xnnpack[,OPTIONS] --calib DATA "
      "-o MODEL.q.mlir\n\n"
      "Runs qc-simplify, qc-annotate (the quantizer), qc-prepare, calibration "
      "with the reference executor and qc-convert. The result is the Q/DQ "
      "program (qc.quantize / qc.dequantize, integer weights) that `qc run` "
      "executes.\n");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  auto fail = [&](const Twine &message) {
    emitError(UnknownLoc::get(&context)) << message;
    return 1;
  };
  if (quantizer.empty())
    return fail("quantize needs a quantizer: --quantizer x86 or --quantizer "
                "xnnpack (options after a comma, e.g. x86,per_channel=0)");
  if (maxSamples.getNumOccurrences() && maxSamples <= 0)
    return fail("--max-calib-samples must be positive, got " +
                Twine(static_cast<int64_t>(maxSamples)));
  if (calibBatch < 0)
    return fail("--calib-batch must be positive, got " +
                Twine(static_cast<int64_t>(calibBatch)));

  mlir::qc::QuantizeOptions options;
  options.load = flags.loadOptions();
  options.quantizer = quantizer;
  options.plugins.assign(plugins.begin(), plugins.end());
  options.calibrationData = calib;
  options.data.maxSamples = maxSamples;
  options.data.batchSize = calibBatch;
  if (!observer.empty()) {
    if (std::string m = mlir::qc::checkActivationObserver(observer);
        !m.empty())
      return fail("--observer '" + observer + "': " + m);
    options.calibration.activationObserver = observer;
  }
  if (quiet)
    options.calibration.progress = mlir::qc::CalibrationOptions::Progress::None;

  mlir::qc::QuantizeReport report;
  OwningOpRef<ModuleOp> module =
      mlir::qc::quantizeModel(context, flags.model, options, &report);
  if (!module)
    return 1;
  if (!exportOnnx.empty() &&
      failed(mlir::qc::exportOnnx(*module, exportOnnx)))
    return 1;
  if (lowerToInteger) {
    PassManager pm(&context, ModuleOp::getOperationName());
    if (failed(applyPassManagerCLOptions(pm)))
      return 1;
    pm.nest<func::FuncOp>().addPass(mlir::qc::createQCLowerToInteger());
    if (failed(pm.run(*module)))
      return 1;
  }
  if (failed(mlir::qc::writeModule(*module, output)))
    return 1;
  if (!quiet && report.withoutData) {
    llvm::errs() << llvm::format(
        "qc: no calibration data needed: %lld weight observers from their "
        "constants, %lld dynamically quantized activations\n",
        static_cast<long long>(report.calibration.observers),
        static_cast<long long>(report.dynamicEdges));
  } else if (!quiet) {
    const mlir::qc::CalibrationStats &s = report.calibration;
    llvm::errs() << llvm::format(
        "qc: calibrated %lld observers (%lld qc.observe ops) with %lld "
        "samples in %lld runs, %.2f s (%.1f samples/s)\n",
        static_cast<long long>(s.observers),
        static_cast<long long>(s.observeOps),
        static_cast<long long>(s.samples), static_cast<long long>(s.batches),
        s.seconds, s.seconds > 0 ? s.samples / s.seconds : 0.0);
  }
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Quantizers may name qc passes in textual pipelines
  // (transformForAnnotation), so the qc passes are registered as in qc-opt.
  mlir::qc::registerQCPasses();
  mlir::qc::registerQCPipelines();
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
  if (command == "quantize")
    return quantizeCommand(n, args.data());
  if (command == "export-onnx")
    return exportOnnxCommand(n, args.data());
  llvm::errs() << "qc: error: unknown command '" << command << "'\n\n"
               << kUsage;
  return 2;
}
