//===- qc.cpp - the qc command-line tool ----------------------------------===//
//
// `qc <command> [options]`. Each command declares and checks its own flags
// (plus MLIR's pass-manager and printing flags, e.g.
// --mlir-print-ir-after-all) and calls its function of the driver library
// (compiler/driver/Commands.h); the parsing machinery shared by the
// commands is compiler/driver/CommandLine.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/Version.h"
#include "compiler/driver/CommandLine.h"
#include "compiler/driver/Commands.h"
#include "compiler/driver/Debug.h"
#include "compiler/driver/MixedPrecision.h"
#include "compiler/importer/OnnxImporter.h"
#include "passes/Passes.h"
#include "support/OutputFile.h"
#include "support/ShapeBinding.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace cl = llvm::cl;
using namespace mlir;
using mlir::qc::kUsageError;
using mlir::qc::usageError;

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
  compile  MODEL(.q.mlir|.onnx) --target T -o OUTDIR
                                           compile a quantized model to OUTDIR/NAME.o + NAME.h
  bench    MODEL(.q.mlir|.onnx) [--threads N] [--profile]
                                           time the compiled model in-process (median_ms: X);
                                           --profile adds the per-step table
  debug    FLOAT_MODEL MODEL.q.mlir --input NAME=DATA [--compiled] [--html R.html] [--csv F]
                                           compare float and quantized layer by layer (SQNR)
  ops                                      list the ONNX op types qc imports (docs/ops.md)

Run `qc <command> --help` for a command's options; `qc --version` (or
`qc <command> --version`) prints qc's version and the LLVM it was built with.
)";

/// Flags common to the commands that load a model.
/// They are stored into \p source.
struct ModelFlags {
  explicit ModelFlags(mlir::qc::ModelSource &source) : source(source) {}

  mlir::qc::ModelSource &source;
  cl::opt<std::string, true> model{cl::Positional, cl::desc("<model>"),
                                   cl::Required, cl::location(source.path)};
  cl::list<std::string, std::vector<std::string>> inputShapes{
      "input-shape",
      cl::desc("Bind an input's dynamic dimensions: NAME=D0,D1,... "
               "(repeatable)"),
      cl::value_desc("NAME=D0,D1,..."), cl::location(source.load.inputShapes)};
  cl::list<std::string, std::vector<std::string>> constInputs{
      "const-input",
      cl::desc("Bind an ONNX graph input to a constant: NAME=FILE.npy "
               "(repeatable). For inputs a static compiler needs as "
               "constants (shapes, axes, pads, scales given as inputs); the "
               "input is then no input of the program"),
      cl::value_desc("NAME=FILE.npy"), cl::location(source.load.constInputs)};
  cl::opt<bool> noSimplify{
      "no-simplify",
      cl::desc("Do not run qc-simplify (shape inference, BatchNorm and "
               "constant folding, dead-code removal) after import")};
  cl::opt<std::string> maxMemory{
      "max-memory",
      cl::desc("Memory cap for the tensors of a run (reference executor, "
               "constant folding, calibration, a compiled model's arena and "
               "I/O buffers): SIZE in bytes or with K, M, G, T (default: "
               "half the RAM)"),
      cl::value_desc("SIZE")};

  /// Checks the --input-shape bindings (NAME=D0,D1,... with a NAME and
  /// dimensions in [1, 2^31 - 1]) and the --const-input ones, applies
  /// --max-memory and stores --no-simplify. Returns 0, or kUsageError after
  /// saying what is wrong.
  int check();

  /// Parses the command's flags (parseCommandFlags with \p overview) and
  /// checks these. Returns 0, or the exit status of a usage error.
  int parse(int argc, char **argv, const char *overview) {
    if (!mlir::qc::parseCommandFlags(argc, argv, overview))
      return kUsageError;
    return check();
  }
};

int ModelFlags::check() {
  source.load.simplify = !noSimplify;
  if (maxMemory.getNumOccurrences())
    if (int rc = mlir::qc::applyMaxMemoryFlag(maxMemory); rc)
      return rc;
  for (const std::string &binding : source.load.inputShapes)
    if (!::qc::parseShapeBinding(binding))
      return usageError("--input-shape '" + binding +
                        "': expected NAME=D0,D1,... with dimensions from 1 to " +
                        Twine(INT32_MAX));
  for (const std::string &binding : source.load.constInputs)
    if (binding.find('=') == std::string::npos ||
        binding.find('=') == 0 || binding.back() == '=')
      return usageError("--const-input '" + binding +
                        "': expected NAME=FILE.npy");
  return 0;
}

/// Upper bounds of numeric flags: beyond them a value is a typo, not a
/// request.
constexpr int64_t kMaxCalibBatch = 1 << 16;
constexpr double kMaxBenchSeconds = 3600;
constexpr int kMaxBenchRuns = 1000000;

/// The code-generation flags of compile, run --compiled and bench:
/// `--max-batch N`, a dynamic batch of 1 to N samples per run
/// (qc-dynamic-batch), and `--float-fma`.
struct CodegenFlagOptions {
  cl::opt<int> maxBatch{
      "max-batch",
      cl::desc("Compile one sample and accept any batch from 1 to N per run "
               "(dimension 0 of every input and output; the model's samples "
               "must be independent)"),
      cl::value_desc("N"), cl::init(0)};
  cl::opt<bool> floatFma{
      "float-fma",
      cl::desc("Float convolutions, linear layers and matmuls with fused "
               "multiply-adds: faster, but no longer bit-identical with `qc "
               "run` (docs/codegen.md, \"Float steps\")")};

  /// Returns 0, or kUsageError after saying what is wrong.
  int check() const {
    if (maxBatch.getNumOccurrences() && maxBatch < 1)
      return usageError("--max-batch must be in [1, 2147483647], got " +
                        Twine(static_cast<int>(maxBatch)));
    return 0;
  }
  /// Whether a flag was given (`qc run` takes them only with --compiled).
  const char *given() const {
    return maxBatch.getNumOccurrences()   ? "--max-batch"
           : floatFma.getNumOccurrences() ? "--float-fma"
                                          : nullptr;
  }
  mlir::qc::CodegenFlags get() const {
    mlir::qc::CodegenFlags flags;
    flags.maxBatch = maxBatch.getNumOccurrences() ? maxBatch : 0;
    flags.floatFma = floatFma;
    return flags;
  }
};

/// `--target T`, stored into \p target.
struct TargetFlag {
  cl::opt<std::string, true> value;
  TargetFlag(std::string &target, const char *description)
      : value("target", cl::desc(description), cl::value_desc("T"),
              cl::location(target)) {}
};

/// `qc import`: ModelFlags and -o, then runImportCommand.
int importCommand(int argc, char **argv) {
  mlir::qc::ImportCommand command;
  ModelFlags flags(command.model);
  cl::opt<std::string, true> output{
      "o", cl::desc("Output MLIR file ('-' = stdout)"), cl::value_desc("file"),
      cl::location(command.output)};
  if (int rc = flags.parse(
          argc, argv,
          "qc import: read an ONNX model and write it as qc-dialect MLIR\n\n"
          "  qc import MODEL.onnx -o MODEL.mlir [--input-shape "
          "NAME=1,3,224,224]\n\n"
          "Weights are written as resource blobs at the end of the file, so "
          "the ops stay readable.\n");
      rc)
    return rc;
  return mlir::qc::runImportCommand(command);
}

/// `--threads N` of run, bench and debug (extractThreadsFlag): 0 =
/// QC_NUM_THREADS, else all CPUs.
int threads = 0;

/// `qc run`: the inputs, the output directory and --compiled (with
/// --target, --max-batch, --threads), then runRunCommand.
int runCommand(int argc, char **argv) {
  mlir::qc::RunCommand command;
  ModelFlags flags(command.model);
  cl::list<std::string, std::vector<std::string>> inputs{
      "input",
      cl::desc("Bind an input: NAME=FILE.npy (repeatable); a bare "
               "FILE.npy binds a single-input model's input"),
      cl::value_desc("NAME=FILE.npy"), cl::location(command.inputs)};
  cl::opt<std::string, true> outputDir{
      "output-dir", cl::desc("Directory for the outputs, one NAME.npy each"),
      cl::value_desc("dir"), cl::Required, cl::location(command.outputDir)};
  cl::opt<bool, true> compiled{
      "compiled",
      cl::desc("Compile the (quantized) model for this CPU and run the native "
               "code in-process through libqcrt instead of the reference "
               "executor"),
      cl::location(command.compiled)};
  TargetFlag target(command.target, "With --compiled: the target (default "
                                    "host; it must run on this CPU)");
  CodegenFlagOptions codegen;
  if (int rc = flags.parse(
          argc, argv,
          "qc run: run a model with the reference executor (or, with "
          "--compiled, as native code)\n\n"
          "  qc run MODEL(.onnx|.mlir) --input NAME=FILE.npy ... --output-dir "
          "DIR [--compiled [--threads N]]\n\n"
          "Dynamic input dimensions take the sizes of the given arrays. "
          "--threads N (with --compiled): threads of the runtime's pool "
          "(default QC_NUM_THREADS, else all CPUs). Output NAME is written to "
          "DIR/NAME.npy, with '/', '\\', '%' and control characters of NAME "
          "written as %XX.\n");
      rc)
    return rc;
  if (int rc = mlir::qc::checkTargetFlag(command.target); rc)
    return rc;
  if (int rc = codegen.check(); rc)
    return rc;
  if (const char *flag = codegen.given(); flag && !command.compiled)
    return usageError(Twine(flag) + " is an option of --compiled");
  if (command.outputDir.empty())
    return usageError("--output-dir must not be empty");
  command.threads = threads;
  command.codegen = codegen.get();
  return mlir::qc::runRunCommand(command);
}

/// `qc export-onnx`: ModelFlags and -o, then runExportOnnxCommand.
int exportOnnxCommand(int argc, char **argv) {
  mlir::qc::ExportOnnxCommand command;
  ModelFlags flags(command.model);
  cl::opt<std::string, true> output{"o", cl::desc("Output ONNX file"),
                                    cl::value_desc("file"), cl::Required,
                                    cl::location(command.output)};
  if (int rc = flags.parse(
          argc, argv,
          "qc export-onnx: write a qc program (e.g. the Q/DQ output of qc "
          "quantize) as an ONNX model\n\n"
          "  qc export-onnx MODEL.q.mlir -o MODEL.qdq.onnx\n\n"
          "qc.quantize / qc.dequantize become QuantizeLinear / "
          "DequantizeLinear (opset 13); an op without an ONNX form is an "
          "error.\n");
      rc)
    return rc;
  return mlir::qc::runExportOnnxCommand(command);
}

/// `qc quantize`: the quantizer, calibration and output flags and those of
/// --mixed-precision=auto, then runQuantizeCommand.
int quantizeCommand(int argc, char **argv) {
  mlir::qc::QuantizeCommand command;
  mlir::qc::QuantizeOptions &options = command.options;
  mlir::qc::MixedPrecisionOptions mp;
  ModelFlags flags(command.model);
  cl::opt<std::string, true> output{
      "o", cl::desc("Output MLIR file ('-' = stdout)"), cl::value_desc("file"),
      cl::location(command.output)};
  cl::opt<std::string, true> quantizer{
      "quantizer",
      cl::desc("Quantizer and options: x86 | xnnpack[,per_channel=0|1,...]; "
               "';' separates several, applied in order. Dynamic int8: "
               "dynamic=1[,granularity=per_token]; weight-only: "
               "weight_only=int8|int4[,group_size=32|64|128][,symmetric=0]; "
               "attention's activation x activation matmuls run as the int8 "
               "GEMM (int8_attention=1, the default; 0: a float Q/DQ island) "
               "(docs/quantizers.md)"),
      cl::value_desc("NAME[,OPTION=VALUE...]"),
      cl::location(options.quantizer)};
  cl::list<std::string, std::vector<std::string>> plugins{
      "quantizer-plugin",
      cl::desc("Load a Quantizer plugin (shared library) first (repeatable)"),
      cl::value_desc("LIB.so"), cl::location(options.plugins)};
  cl::opt<std::string, true> calib{
      "calib",
      cl::desc(
          "Calibration data: FILE.npy (samples along axis 0), FILE.npz "
          "(one array per input name) or a directory of .npy / .npz "
          "files (one sample or batch each, sorted by name); optional "
          "when every quantized activation is dynamic (dynamic=1) or nothing "
          "but weights is quantized (weight_only, except with "
          "weight_only_method=gptq, which measures the layers' inputs on "
          "it)"),
      cl::value_desc("DATA"), cl::location(options.calibrationData)};
  cl::opt<std::string> observer{
      "observer",
      cl::desc("Observer for activations, overriding the quantizer's: "
               "minmax | moving_average | histogram | percentile | entropy | mse"),
      cl::value_desc("KIND")};
  cl::opt<int64_t, true> maxSamples{
      "max-calib-samples",
      cl::desc("Calibrate with at most N samples (default: all)"),
      cl::value_desc("N"), cl::location(options.data.maxSamples)};
  cl::opt<int64_t, true> calibBatch{
      "calib-batch",
      cl::desc("Samples per calibration run (default: the model's static "
               "batch size, else 1)"),
      cl::value_desc("N"), cl::location(options.data.batchSize)};
  cl::opt<bool, true> quiet{
      "quiet", cl::desc("No progress bar and no calibration summary"),
      cl::location(command.quiet)};
  cl::opt<std::string, true> exportOnnx{
      "export-onnx",
      cl::desc("Also write the Q/DQ program as an ONNX model (opset 13, "
               "QuantizeLinear / DequantizeLinear)"),
      cl::value_desc("MODEL.qdq.onnx"), cl::location(command.exportOnnx)};
  cl::opt<bool, true> lowerToInteger{
      "lower-to-integer",
      cl::desc("Also run qc-lower-to-integer: dq -> conv2d / linear / add -> "
               "q patterns become qc.qconv2d / qc.qlinear / qc.qadd (after "
               "--export-onnx, which writes the Q/DQ form)"),
      cl::location(command.lowerToInteger)};
  cl::opt<std::string> mixedPrecision{
      "mixed-precision",
      cl::desc("auto: raise the output SQNR on held-out calibration samples "
               "towards --target-sqnr: first the activation observer of "
               "each op (int8 everywhere), then the fewest ops in float "
               "within --min-int8-macs; prints the choice as --quantizer "
               "options (docs/accuracy.md)"),
      cl::value_desc("auto")};
  cl::opt<double, true> targetSqnr{
      "target-sqnr",
      cl::desc("With --mixed-precision=auto: the output SQNR to reach, in dB "
               "(default 30)"),
      cl::value_desc("DB"), cl::location(mp.targetSqnrDb)};
  cl::opt<double, true> minInt8Macs{
      "min-int8-macs",
      cl::desc("With --mixed-precision=auto: the share of the model's MACs "
               "(conv / linear / matmul) that must stay int8, in [0, 1] "
               "(default 0.9)"),
      cl::value_desc("FRACTION"), cl::location(mp.minInt8MacShare)};
  cl::opt<bool> noObserverSearch{
      "no-observer-search",
      cl::desc("With --mixed-precision=auto: keep the quantizer's "
               "observers (only ops kept float)")};
  cl::opt<double, true> heldOut{
      "held-out",
      cl::desc("With --mixed-precision=auto: the share of the calibration "
               "batches held out for scoring, in (0, 1) (default 0.25)"),
      cl::value_desc("FRACTION"), cl::location(mp.heldOutFraction)};
  if (int rc = flags.parse(
          argc, argv,
          "qc quantize: post-training int8 quantization\n\n"
          "  qc quantize MODEL.onnx --quantizer x86|xnnpack[,OPTIONS] --calib "
          "DATA -o MODEL.q.mlir\n\n"
          "Runs qc-simplify, qc-annotate (the quantizer), qc-prepare, "
          "calibration with the reference executor and qc-convert. The result "
          "is the Q/DQ program (qc.quantize / qc.dequantize, integer weights) "
          "that `qc run` executes.\n");
      rc)
    return rc;
  if (options.quantizer.empty())
    return usageError("quantize needs a quantizer: --quantizer x86 or "
                      "--quantizer xnnpack (options after a comma, e.g. "
                      "x86,per_channel=0)");
  int64_t samples = options.data.maxSamples, batch = options.data.batchSize;
  if (maxSamples.getNumOccurrences() && samples <= 0)
    return usageError("--max-calib-samples must be positive, got " +
                      Twine(samples));
  if (calibBatch.getNumOccurrences() && (batch <= 0 || batch > kMaxCalibBatch))
    return usageError("--calib-batch must be in [1, " + Twine(kMaxCalibBatch) +
                      "], got " + Twine(batch));
  const std::string &qdqPath = command.exportOnnx;
  if (command.output.empty() ||
      (exportOnnx.getNumOccurrences() && qdqPath.empty()))
    return usageError(command.output.empty()
                          ? "-o must not be empty"
                          : "--export-onnx must not be empty");
  if (!qdqPath.empty() && mlir::qc::sameFile(command.output, qdqPath))
    return usageError("-o and --export-onnx name the same file '" + qdqPath +
                      "'");
  if (observer.getNumOccurrences() && observer.empty())
    return usageError("--observer needs a name (minmax, moving_average, "
                      "histogram, percentile, entropy, mse, ...)");
  if (!observer.empty()) {
    if (std::string m = mlir::qc::checkActivationObserver(observer);
        !m.empty())
      return usageError("--observer '" + observer + "': " + m);
    options.calibration.activationObserver = observer;
  }
  if (command.quiet)
    options.calibration.progress = mlir::qc::CalibrationOptions::Progress::None;

  if (mixedPrecision.getNumOccurrences() && mixedPrecision != "auto")
    return usageError("--mixed-precision expects 'auto', got '" +
                      mixedPrecision + "'");
  if (!mixedPrecision.getNumOccurrences()) {
    for (const auto &[flag, given] :
         {std::pair<const char *, bool>{"--target-sqnr",
                                        targetSqnr.getNumOccurrences() > 0},
          {"--held-out", heldOut.getNumOccurrences() > 0},
          {"--min-int8-macs", minInt8Macs.getNumOccurrences() > 0},
          {"--no-observer-search",
           noObserverSearch.getNumOccurrences() > 0}})
      if (given)
        return usageError(Twine(flag) + " needs --mixed-precision=auto");
  }
  if (!std::isfinite(mp.targetSqnrDb) || mp.targetSqnrDb < -100 ||
      mp.targetSqnrDb > 200)
    return usageError("--target-sqnr must be a number of dB in [-100, 200], "
                      "got " +
                      mlir::qc::formatFlagNumber(mp.targetSqnrDb));
  if (!(mp.minInt8MacShare >= 0.0 && mp.minInt8MacShare <= 1.0))
    return usageError("--min-int8-macs must be in [0, 1], got " +
                      mlir::qc::formatFlagNumber(mp.minInt8MacShare));
  if (!(mp.heldOutFraction > 0.0 && mp.heldOutFraction < 1.0))
    return usageError("--held-out must be in (0, 1), got " +
                      mlir::qc::formatFlagNumber(mp.heldOutFraction));
  if (mixedPrecision.getNumOccurrences()) {
    if (options.calibrationData.empty())
      return usageError("--mixed-precision=auto needs --calib DATA (it "
                        "scores candidates on held-out calibration samples)");
    mp.observerSearch = !noObserverSearch;
    mp.progress = !command.quiet;
    options.mixedPrecision = mp;
  }

  return mlir::qc::runQuantizeCommand(command);
}

/// `qc compile`: the output directory, --target, --name, --with-runtime and
/// --max-batch, then runCompileCommand.
int compileCommand(int argc, char **argv) {
  mlir::qc::CompileCommand command;
  ModelFlags flags(command.model);
  cl::opt<std::string, true> outDir{"o", cl::desc("Output directory"),
                                    cl::value_desc("OUTDIR"), cl::Required,
                                    cl::location(command.outDir)};
  TargetFlag target(
      command.target,
      "host | x86-64 (the three x86 variants, picked at run time) | "
      "x86-64-avx2 | x86-64-avxvnni | x86-64-avx512vnni | "
      "aarch64-dotprod | aarch64-i8mm (aarch64 = aarch64-dotprod)");
  cl::opt<std::string, true> name{
      "name",
      cl::desc("Model name, a C identifier: NAME.o, NAME.h and the "
               "descriptor NAME_desc (default: the file's base name)"),
      cl::value_desc("NAME"), cl::location(command.name)};
  cl::opt<bool, true> withRuntime{
      "with-runtime",
      cl::desc("Also copy libqcrt.a, qc_runtime.h and qc_model_abi.h into "
               "OUTDIR"),
      cl::location(command.withRuntime)};
  CodegenFlagOptions codegen;
  if (int rc = flags.parse(
          argc, argv,
          "qc compile: compile a quantized model to native code\n\n"
          "  qc compile MODEL(.q.mlir|.onnx) --target T -o OUTDIR [--name "
          "NAME]\n\n"
          "MODEL is the output of `qc quantize` (Q/DQ or --lower-to-integer "
          "form) or an ONNX QDQ model (ONNX Runtime's, or a PyTorch QAT "
          "export: docs/importer.md, \"QAT and QDQ models\"). Writes "
          "OUTDIR/NAME.o (code, packed "
          "weights and the qc_model_desc NAME_desc) and OUTDIR/NAME.h; link "
          "them with libqcrt (see examples/embed). The files appear together "
          "or not at all. --max-batch N: one compiled model for any batch of "
          "1 to N samples (dimension 0 of every input must be dynamic, or 1 "
          "with --input-shape giving one sample).\n");
      rc)
    return rc;
  if (int rc = codegen.check(); rc)
    return rc;
  if (int rc = mlir::qc::checkTargetFlag(command.target); rc)
    return rc;
  if (name.getNumOccurrences() && !mlir::qc::isCIdentifier(command.name))
    return usageError("--name '" + command.name + "' is not a C identifier");
  if (command.outDir.empty())
    return usageError("-o must not be empty");
  command.codegen = codegen.get();
  return mlir::qc::runCompileCommand(command);
}

/// `qc bench`: the inputs, --target, the timing and profiling flags, then
/// runBenchCommand.
int benchCommand(int argc, char **argv) {
  mlir::qc::BenchCommand command;
  ModelFlags flags(command.model);
  cl::list<std::string, std::vector<std::string>> inputs{
      "input",
      cl::desc("Input data NAME=FILE.npy (default: random values "
               "in [0, 1) for float inputs, seed 0)"),
      cl::value_desc("NAME=FILE.npy"), cl::location(command.inputs)};
  TargetFlag target(command.target,
                    "Target (default host; it must run on this CPU)");
  cl::opt<double, true> minTime{
      "min-time", cl::desc("Seconds of timed runs at least (default 2)"),
      cl::value_desc("S"), cl::location(command.bench.minSeconds)};
  cl::opt<int, true> minRuns{
      "min-runs", cl::desc("Timed runs at least (default 20)"),
      cl::value_desc("N"), cl::location(command.bench.minRuns)};
  CodegenFlagOptions codegen;
  cl::opt<bool, true> profile{
      "profile",
      cl::desc("After the timing, profile as many runs again and "
               "print the per-step table (docs/runtime.md)"),
      cl::location(command.profile)};
  cl::opt<std::string> profileCsv{
      "profile-csv",
      cl::desc("Profile (as --profile) and write one CSV row per step to "
               "FILE"),
      cl::value_desc("FILE")};
  if (int rc = flags.parse(
          argc, argv,
          "qc bench: latency of the compiled model, run in-process\n\n"
          "  qc bench MODEL(.q.mlir|.onnx) [--threads N] [--input "
          "NAME=FILE.npy]\n\n"
          "--threads N: threads of the runtime's pool (default "
          "QC_NUM_THREADS, else all CPUs). Compiles for this CPU, warms up "
          "(at least 5 runs and 0.2 s), then times single runs until both "
          "--min-runs (1 to 1000000) and --min-time (0 to 3600 s) are "
          "reached. The last line is `median_ms: X`, unless --profile: "
          "then the same number of runs again, with libqcrt's per-step "
          "profile on, and its table (steps by time, then per op kind: ms, "
          "% of the run, MACs per cycle against the ISA's int8 peak, GB/s; "
          "docs/runtime.md, \"Profiling\").\n");
      rc)
    return rc;
  double seconds = command.bench.minSeconds;
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxBenchSeconds)
    return usageError("--min-time must be a number of seconds in [0, " +
                      Twine(static_cast<int>(kMaxBenchSeconds)) + "], got " +
                      mlir::qc::formatFlagNumber(seconds));
  int runs = command.bench.minRuns;
  if (runs < 1 || runs > kMaxBenchRuns)
    return usageError("--min-runs must be in [1, " + Twine(kMaxBenchRuns) +
                      "], got " + Twine(runs));
  if (int rc = codegen.check(); rc)
    return rc;
  if (int rc = mlir::qc::checkTargetFlag(command.target); rc)
    return rc;
  command.threads = threads;
  command.codegen = codegen.get();
  if (profileCsv.getNumOccurrences())
    command.profileCsv = profileCsv.getValue();
  return mlir::qc::runBenchCommand(command);
}

/// `qc debug`: the two models, the data and the report flags, then
/// runDebugCommand.
int debugCommand(int argc, char **argv) {
  mlir::qc::DebugOptions options;
  cl::list<std::string> models{cl::Positional,
                               cl::desc("<float model> <quantized program>"),
                               cl::OneOrMore};
  cl::list<std::string, std::vector<std::string>> inputs{
      "input",
      cl::desc("Data: NAME=DATA where DATA is an .npy (samples along axis "
               "0), an .npz (one array per input) or a directory of them; "
               "or NAME=FILE.npy for each input of a multi-input model"),
      cl::value_desc("NAME=DATA"), cl::location(options.inputs)};
  cl::list<std::string, std::vector<std::string>> inputShapes{
      "input-shape", cl::desc("Bind an input's dynamic dimensions"),
      cl::value_desc("NAME=D0,D1,..."), cl::location(options.inputShapes)};
  cl::opt<bool, true> compiled{
      "compiled",
      cl::desc("Also compile the quantized program for this CPU "
               "and compare its native code layer by layer"),
      cl::location(options.comparator.compiled)};
  TargetFlag target(options.comparator.target,
                    "With --compiled: the target (default host)");
  cl::opt<std::string> html{"html",
                            cl::desc("Write a self-contained HTML report"),
                            cl::value_desc("REPORT.html")};
  cl::opt<std::string> csv{"csv", cl::desc("Write the table as CSV"),
                           cl::value_desc("FILE.csv")};
  cl::opt<int64_t> maxSamples{"max-samples",
                              cl::desc("Use at most N samples (default all)"),
                              cl::value_desc("N"), cl::init(-1)};
  cl::opt<int64_t> batch{"batch",
                         cl::desc("Samples per run (default: the model's "
                                  "static batch, else 1)"),
                         cl::value_desc("N"), cl::init(0)};
  cl::opt<int> worst{"worst", cl::desc("Layers marked as the worst "
                                       "(default 3)"),
                     cl::value_desc("N"), cl::init(3)};
  cl::opt<std::string> maxMemory{"max-memory",
                                 cl::desc("Memory cap of a run (see qc run)"),
                                 cl::value_desc("SIZE")};
  if (!mlir::qc::parseCommandFlags(
          argc, argv,
          "qc debug: find the layers where a quantized program loses "
          "accuracy\n\n"
          "  qc debug FLOAT_MODEL MODEL.q.mlir --input NAME=DATA [--compiled] "
          "[--html REPORT.html] [--csv FILE.csv]\n\n"
          "Runs the float model and the quantized program (qc quantize's "
          "Q/DQ form) on the same samples and prints, for every quantized "
          "op output (matched by node name), in program order: the SQNR of "
          "the quantized program (and of the compiled code) against float, "
          "the error of the op alone (own: inputs from the float run, "
          "quantized; added: float inputs), the largest error in "
          "quantization steps, the calibrated and the seen range and the "
          "fraction clipped. The layers adding the most error are marked. See "
          "docs/accuracy.md.\n"))
    return kUsageError;
  if (models.size() != 2)
    return usageError("debug needs two models: the float model and the "
                      "quantized program (qc quantize's output), got " +
                      Twine(static_cast<int>(models.size())));
  if (options.inputs.empty())
    return usageError("debug needs data: --input NAME=DATA (an .npy of "
                      "samples, an .npz or a directory)");
  if (maxSamples.getNumOccurrences() && maxSamples <= 0)
    return usageError("--max-samples must be positive, got " +
                      Twine(static_cast<int64_t>(maxSamples)));
  if (batch.getNumOccurrences() && (batch <= 0 || batch > kMaxCalibBatch))
    return usageError("--batch must be in [1, " + Twine(kMaxCalibBatch) +
                      "], got " + Twine(static_cast<int64_t>(batch)));
  if (worst < 0 || worst > 1000)
    return usageError("--worst must be in [0, 1000], got " +
                      Twine(static_cast<int>(worst)));
  if ((html.getNumOccurrences() && html.empty()) ||
      (csv.getNumOccurrences() && csv.empty()))
    return usageError(html.getNumOccurrences() && html.empty()
                          ? "--html must not be empty"
                          : "--csv must not be empty");
  if (!html.empty() && !csv.empty() && mlir::qc::sameFile(html, csv))
    return usageError("--html and --csv name the same file '" + csv + "'");
  if (int rc = mlir::qc::checkTargetFlag(options.comparator.target); rc)
    return rc;
  if (maxMemory.getNumOccurrences())
    if (int rc = mlir::qc::applyMaxMemoryFlag(maxMemory); rc)
      return rc;
  options.floatModel = models[0];
  options.quantModel = models[1];
  options.maxSamples = maxSamples;
  options.batchSize = batch;
  options.worst = worst;
  options.htmlPath = html;
  options.csvPath = csv;
  options.comparator.threads = threads;
  return mlir::qc::runDebugCommand(options);
}

/// `qc ops`: the ONNX op types the importer converts (docs/ops.md has each
/// op's status further down the flow; the conformance test checks it
/// against this list).
int opsCommand(int argc, char **argv) {
  if (!mlir::qc::parseCommandFlags(
          argc, argv,
          "qc ops: list the ONNX op types qc imports, one per line "
          "(docs/ops.md gives each op's status: reference executor, "
          "quantized, compiled)\n\n  qc ops\n",
          /*withMLIRFlags=*/false))
    return kUsageError;
  for (StringRef name : mlir::qc::supportedOnnxOps())
    llvm::outs() << name << "\n";
  return 0;
}

/// The commands: name, entry point, and whether it takes --threads.
struct Command {
  const char *name;
  int (*run)(int argc, char **argv);
  bool takesThreads;
};
constexpr Command kCommands[] = {
    {"import", importCommand, false},
    {"run", runCommand, true},
    {"quantize", quantizeCommand, false},
    {"export-onnx", exportOnnxCommand, false},
    {"compile", compileCommand, false},
    {"bench", benchCommand, true},
    {"debug", debugCommand, true},
    {"ops", opsCommand, false},
};
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Past the file-size limit (ulimit -f), a write fails with EFBIG and is
  // reported, instead of SIGXFSZ killing qc.
  ::qc::ignoreFileSizeSignal();
  // An interrupted write (Ctrl-C) removes its temporary file.
  ::qc::setTemporaryFileHooks(
      [](const std::string &path) { llvm::sys::RemoveFileOnSignal(path); },
      [](const std::string &path) { llvm::sys::DontRemoveFileOnSignal(path); });
  // Quantizers may name qc passes in textual pipelines
  // (transformForAnnotation), so the qc passes are registered as in qc-opt.
  mlir::qc::registerQCPasses();
  mlir::qc::registerQCPipelines();
  if (argc < 2) {
    llvm::errs() << "qc: error: no command given\n\n" << kUsage;
    return kUsageError;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    llvm::outs() << kUsage;
    return 0;
  }
  // `qc --version`; `qc <command> --version` reaches the same printer
  // through LLVM's option parser.
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { ::qc::printVersion(os, "qc"); });
  if (command == "--version" || command == "-version" || command == "version") {
    ::qc::printVersion(llvm::outs(), "qc");
    return mlir::qc::finishCommand(0);
  }
  // `qc <command> --help` lists the command's options and MLIR's pass-manager
  // flags, not the hundreds of LLVM backend options libLLVM registers at
  // load time (still accepted; shown by --help-hidden).
  for (auto &entry : llvm::cl::getRegisteredOptions())
    if (entry.second->getOptionHiddenFlag() == llvm::cl::NotHidden)
      entry.second->setHiddenFlag(llvm::cl::Hidden);
  // The command's own parser sees "qc <command>" as the program name.
  std::string program = std::string(argv[0]) + " " + command;
  std::vector<char *> args = {program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  const Command *found = llvm::find_if(
      kCommands, [&](const Command &c) { return command == c.name; });
  if (found == std::end(kCommands)) {
    llvm::errs() << "qc: error: unknown command '"
                 << mlir::qc::escapeForTerminal(command) << "'\n\n"
                 << kUsage;
    return kUsageError;
  }
  if (found->takesThreads && !mlir::qc::extractThreadsFlag(args, threads))
    return kUsageError;
  return mlir::qc::finishCommand(
      found->run(static_cast<int>(args.size()), args.data()));
}
