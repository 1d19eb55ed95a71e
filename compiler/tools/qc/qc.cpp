//===- qc.cpp - the qc command-line tool ----------------------------------===//
//
// `qc <command> [options]`. Each command parses its own flags (plus MLIR's
// pass-manager and printing flags, e.g. --mlir-print-ir-after-all) and calls
// the driver library.
//
//===----------------------------------------------------------------------===//
#include "compiler/Version.h"
#include "compiler/driver/Artifacts.h"
#include "compiler/driver/Bench.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/Debug.h"
#include "compiler/driver/Driver.h"
#include "compiler/driver/Quantize.h"
#include "reference/Executor.h"
#include "support/MemoryLimit.h"
#include "compiler/exporter/OnnxExporter.h"
#include "compiler/importer/OnnxImporter.h"
#include "support/OutputFile.h"
#include "support/ShapeBinding.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <cmath>
#include <climits>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

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
struct ModelFlags {
  cl::opt<std::string> model{cl::Positional, cl::desc("<model>"),
                             cl::Required};
  cl::list<std::string> inputShapes{
      "input-shape",
      cl::desc("Bind an input's dynamic dimensions: NAME=D0,D1,... "
               "(repeatable)"),
      cl::value_desc("NAME=D0,D1,...")};
  cl::list<std::string> constInputs{
      "const-input",
      cl::desc("Bind an ONNX graph input to a constant: NAME=FILE.npy "
               "(repeatable). For inputs a static compiler needs as "
               "constants (shapes, axes, pads, scales given as inputs); the "
               "input is then no input of the program"),
      cl::value_desc("NAME=FILE.npy")};
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

  /// Checks the --input-shape bindings: NAME=D0,D1,... with a NAME and
  /// dimensions in [1, 2^31 - 1]. Returns 0, or kUsageError after saying
  /// what is wrong.
  int check() const;

  mlir::qc::LoadOptions loadOptions() const {
    mlir::qc::LoadOptions options;
    options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
    options.constInputs.assign(constInputs.begin(), constInputs.end());
    options.simplify = !noSimplify;
    return options;
  }
};

void registerMLIRFlags() {
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
}

/// Exit status of a usage error (docs/cli.md): unknown flags, missing or bad
/// values, an unknown command.
constexpr int kUsageError = 2;

/// Prints a usage error as `qc: error: MESSAGE` and returns kUsageError.
int usageError(const Twine &message) {
  llvm::errs() << "qc: error: " << mlir::qc::escapeForTerminal(message.str())
               << "\n";
  return kUsageError;
}

/// Calls \p parse with stderr (fd 2) redirected into a memory file, appends
/// what was written there to \p captured and returns parse()'s result.
/// LLVM's option parser prints some of its errors (a value that does not
/// parse) to llvm::errs() directly, not to the stream it is given.
template <typename Fn>
bool captureStderr(Fn parse, std::string &captured) {
  llvm::errs().flush();
  int file = ::memfd_create("qc-flags", MFD_CLOEXEC);
  int saved = file >= 0 ? ::dup(STDERR_FILENO) : -1;
  if (file < 0 || saved < 0 || ::dup2(file, STDERR_FILENO) < 0) {
    if (file >= 0)
      ::close(file);
    if (saved >= 0)
      ::close(saved);
    return parse();
  }
  bool ok = parse();
  llvm::errs().flush();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  char buffer[4096];
  ssize_t n;
  ::lseek(file, 0, SEEK_SET);
  while ((n = ::read(file, buffer, sizeof(buffer))) > 0)
    captured.append(buffer, static_cast<size_t>(n));
  ::close(file);
  return ok;
}

/// Parses a command's flags. The option parser's complaints (unknown flags,
/// values that do not parse, a missing positional argument) are printed as
/// `qc: error:` lines and give false: the command then exits with
/// kUsageError. --help prints the options and exits 0.
bool parseFlags(int argc, char **argv, const char *overview) {
  std::string errors;
  bool ok = captureStderr(
      [&] {
        llvm::raw_string_ostream os(errors);
        return cl::ParseCommandLineOptions(argc, argv, overview, &os);
      },
      errors);
  if (ok && errors.empty())
    return true;
  // The parser's lines start with the program name ("qc import: ...").
  std::string program = llvm::sys::path::filename(argv[0]).str() + ": ";
  SmallVector<StringRef> lines;
  StringRef(errors).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    line.consume_front(program);
    if (ok)
      llvm::errs() << "qc: warning: "
                   << mlir::qc::escapeForTerminal(line.trim()) << "\n";
    else
      usageError(line.trim());
  }
  if (!ok && lines.empty())
    usageError("invalid command line");
  return ok;
}

int ModelFlags::check() const {
  // --max-memory SIZE ("512M", "8G", ...; see qc::parseMemorySize) sets the
  // process-wide cap.
  if (maxMemory.getNumOccurrences()) {
    std::optional<int64_t> bytes = ::qc::parseMemorySize(maxMemory);
    if (!bytes)
      return usageError("--max-memory: '" + maxMemory +
                        "' is not a memory size (a positive number of bytes "
                        "with an optional K, M, G or T, e.g. 512M or 8G)");
    ::qc::setMaxMemory(*bytes);
  }
  for (const std::string &binding : inputShapes)
    if (!::qc::parseShapeBinding(binding))
      return usageError("--input-shape '" + binding +
                        "': expected NAME=D0,D1,... with dimensions from 1 to " +
                        Twine(INT32_MAX));
  for (const std::string &binding : constInputs)
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

/// A --target flag names a known target (whether this CPU runs it is
/// checked when compiling). Returns 0, or kUsageError after printing why.
int checkTargetFlag(StringRef target) {
  if (target == "host")
    return 0;
  std::string error;
  if (failed(mlir::qc::resolveCompileTarget(target, error)))
    return usageError("--target: " + error);
  return 0;
}

/// `--max-batch N` of compile, run --compiled and bench: a dynamic batch of
/// 1 to N samples per run (qc-dynamic-batch). 0 when not given.
struct MaxBatchFlag {
  cl::opt<int> value{
      "max-batch",
      cl::desc("Compile one sample and accept any batch from 1 to N per run "
               "(dimension 0 of every input and output; the model's samples "
               "must be independent)"),
      cl::value_desc("N"), cl::init(0)};

  /// Returns 0, or kUsageError after saying what is wrong.
  int check() const {
    if (value.getNumOccurrences() && value < 1)
      return usageError("--max-batch must be in [1, 2147483647], got " +
                        Twine(static_cast<int>(value)));
    return 0;
  }
  int64_t get() const { return value.getNumOccurrences() ? value : 0; }
};

/// True when \p a and \p b name one file (the same path, or two paths of
/// an existing file).
bool sameFile(StringRef a, StringRef b) {
  if (a == b)
    return true;
  bool result = false;
  return !llvm::sys::fs::equivalent(a, b, result) && result;
}

/// True when \p name is a C identifier (qc compile --name).
bool isCIdentifier(StringRef name) {
  return !name.empty() &&
         (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
         llvm::all_of(name, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

int importCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output MLIR file ('-' = stdout)"),
                              cl::value_desc("file"), cl::init("-")};
  registerMLIRFlags();
  if (!parseFlags(
          argc, argv,
          "qc import: read an ONNX model and write it as qc-dialect MLIR\n\n"
          "  qc import MODEL.onnx -o MODEL.mlir [--input-shape "
          "NAME=1,3,224,224]\n\n"
          "Weights are written as resource blobs at the end of the file, so "
          "the ops stay readable.\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
  MLIRContext context;
  mlir::qc::setUpContext(context);
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, flags.loadOptions());
  if (!module || failed(mlir::qc::writeModule(*module, output)))
    return 1;
  return 0;
}

/// `--threads N` of run and bench. libLLVM already registers a global
/// `--threads` option, so qc takes it out of argv before the command's
/// parser sees it. 0 = QC_NUM_THREADS, else all CPUs.
int threads = 0;

bool extractThreads(std::vector<char *> &args) {
  for (size_t i = 1; i < args.size(); ++i) {
    StringRef arg(args[i]);
    StringRef value;
    size_t count = 1;
    if (arg == "--threads" || arg == "-threads") {
      if (i + 1 >= args.size()) {
        usageError("--threads needs a value");
        return false;
      }
      value = args[i + 1];
      count = 2;
    } else if (arg.consume_front("--threads=") ||
               arg.consume_front("-threads=")) {
      value = arg;
    } else {
      continue;
    }
    if (value.getAsInteger(10, threads) || threads < 0 || threads > 1024) {
      usageError("--threads must be an integer in [0, 1024], got '" + value +
                 "'");
      return false;
    }
    args.erase(args.begin() + i, args.begin() + i + count);
    --i;
  }
  return true;
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
  cl::opt<bool> compiled{
      "compiled",
      cl::desc("Compile the (quantized) model for this CPU and run the native "
               "code in-process through libqcrt instead of the reference "
               "executor")};
  cl::opt<std::string> target{
      "target", cl::desc("With --compiled: the target (default host; it must "
                         "run on this CPU)"),
      cl::value_desc("T"), cl::init("host")};
  MaxBatchFlag maxBatch;
  registerMLIRFlags();
  if (!parseFlags(
          argc, argv,
          "qc run: run a model with the reference executor (or, with "
          "--compiled, as native code)\n\n"
          "  qc run MODEL(.onnx|.mlir) --input NAME=FILE.npy ... --output-dir "
          "DIR [--compiled [--threads N]]\n\n"
          "Dynamic input dimensions take the sizes of the given arrays. "
          "--threads N (with --compiled): threads of the runtime's pool "
          "(default QC_NUM_THREADS, else all CPUs). Output NAME is written to "
          "DIR/NAME.npy, with '/', '\\', '%' and control characters of NAME "
          "written as %XX.\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
  if (int rc = checkTargetFlag(target); rc)
    return rc;
  if (int rc = maxBatch.check(); rc)
    return rc;
  if (maxBatch.get() && !compiled)
    return usageError("--max-batch is an option of --compiled");
  if (outputDir.empty())
    return usageError("--output-dir must not be empty");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  mlir::qc::LoadOptions load = flags.loadOptions();
  load.inputArrays.assign(inputs.begin(), inputs.end());
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, load);
  if (!module)
    return 1;
  FailureOr<func::FuncOp> func = mlir::qc::getEntryFunction(*module);
  if (failed(func) || failed(mlir::qc::checkOutputNames(*func)))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays =
      mlir::qc::readInputs(*func, std::vector<std::string>(inputs.begin(),
                                                     inputs.end()));
  if (failed(arrays))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> results;
  if (compiled) {
    std::vector<::qc::NpyArray> outs;
    if (failed(mlir::qc::runCompiled(*module, flags.model, target, threads,
                                     *arrays, outs, maxBatch.get())))
      return 1;
    results = std::move(outs);
    // The entry function after lowering (same signature, names kept).
    func = mlir::qc::getEntryFunction(*module);
  } else {
    results = mlir::qc::runFunction(*func, *arrays);
  }
  if (failed(results))
    return 1;
  FailureOr<std::vector<std::string>> paths =
      mlir::qc::writeOutputs(*func, *results, outputDir);
  if (failed(paths))
    return 1;
  for (auto [i, array] : llvm::enumerate(*results)) {
    llvm::outs() << mlir::qc::escapeForTerminal(mlir::qc::resultName(*func, i))
                 << ": " << ::qc::dtypeName(array.dtype) << "[";
    for (auto [j, d] : llvm::enumerate(array.shape))
      llvm::outs() << (j ? "," : "") << d;
    llvm::outs() << "] -> " << mlir::qc::escapeForTerminal((*paths)[i])
                 << "\n";
  }
  return 0;
}
int exportOnnxCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output ONNX file"),
                              cl::value_desc("file"), cl::Required};
  registerMLIRFlags();
  if (!parseFlags(
          argc, argv,
          "qc export-onnx: write a qc program (e.g. the Q/DQ output of qc "
          "quantize) as an ONNX model\n\n"
          "  qc export-onnx MODEL.q.mlir -o MODEL.qdq.onnx\n\n"
          "qc.quantize / qc.dequantize become QuantizeLinear / "
          "DequantizeLinear (opset 13); an op without an ONNX form is an "
          "error.\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
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

/// A flag's number as written back in a message ("1000", "0.5").
std::string formatNumber(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%g", v);
  return s;
}

/// The result of --mixed-precision=auto, on stderr (always: it is the
/// answer the user asked for, and the quantizer string to keep).
void printMixedPrecision(const mlir::qc::MixedPrecisionReport &r) {
  auto db = [](double v) {
    std::string s;
    llvm::raw_string_ostream os(s);
    if (std::isinf(v))
      os << (v > 0 ? "inf" : "-inf");
    else
      os << llvm::format("%.2f", v);
    return s;
  };
  llvm::raw_ostream &os = llvm::errs();
  os << "qc: mixed precision: output SQNR on " << r.heldOutSamples
     << " held-out samples: " << db(r.sqnrBeforeDb) << " dB all int8";
  if (r.sqnrObserversDb != r.sqnrBeforeDb)
    os << " -> " << db(r.sqnrObserversDb) << " dB with observers";
  os << " -> " << db(r.sqnrAfterDb) << " dB (target " << db(r.targetSqnrDb)
     << " dB)\n";
  if (!r.reached) {
    os << "qc: warning: mixed precision: the target " << db(r.targetSqnrDb)
       << " dB is out of reach (best found: " << db(r.sqnrAfterDb)
       << " dB with " << r.chosen.size() << " ops in float; ";
    os << "every other op in float gains less than "
       << llvm::format("%.2f", mlir::qc::kMinFloatGainDb) << " dB";
    if (r.budgetLimited)
      os << " or exceeds the MAC budget, --min-int8-macs="
         << llvm::format("%g", r.minInt8MacShare);
    os << "); writing the best program found\n";
  }
  if (!r.observerSearchSkipped.empty())
    os << "qc: mixed precision: observer choice skipped ("
       << r.observerSearchSkipped << ")\n";
  if (!r.globalObserver.empty())
    os << "qc: mixed precision: activation observer: " << r.globalObserver
       << " (all ops)\n";
  if (!r.observers.empty()) {
    os << "qc: mixed precision: " << r.observers.size()
       << " op(s) with their own observer:\n";
    for (const mlir::qc::ObserverChoice &o : r.observers)
      os << "    " << mlir::qc::escapeForTerminal(o.name) << " (" << o.opType
         << ") -> " << o.observer << ", +" << db(o.gainDb) << " dB\n";
  }
  if (r.chosen.empty()) {
    os << "qc: mixed precision: no op kept above int8\n";
  } else {
    os << "qc: mixed precision: " << r.chosen.size()
       << " op(s) kept above int8:\n";
    for (const mlir::qc::OpChoice &c : r.chosen)
      os << "    " << mlir::qc::escapeForTerminal(c.name) << " ("
         << c.opType << ") -> " << mlir::qc::toString(c.precision)
         << ", alone: " << db(c.aloneSqnrDb) << " dB\n";
  }
  os << llvm::format("qc: mixed precision: %.1f%% of MACs int8 (%lld of "
                     "%lld), %.1f%% int16 activations\n",
                     100.0 * r.int8MacShare(),
                     static_cast<long long>(r.macsInt8),
                     static_cast<long long>(r.macsTotal),
                     100.0 * r.int16MacShare());
  os << llvm::format("qc: mixed precision: %lld candidates, %lld program "
                     "evaluations, %lld merged observers, %lld "
                     "recalibrations; calibration %.2f s, observers %.2f s, "
                     "search %.2f s\n",
                     static_cast<long long>(r.candidates),
                     static_cast<long long>(r.evaluations),
                     static_cast<long long>(r.mergedObservers),
                     static_cast<long long>(r.recalibrations),
                     r.calibrationSeconds, r.observerSeconds,
                     r.searchSeconds);
  os << "qc: mixed precision: reproduce with --quantizer '"
     << mlir::qc::escapeForTerminal(r.quantizer) << "'\n";
}

int quantizeCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> output{"o", cl::desc("Output MLIR file ('-' = stdout)"),
                              cl::value_desc("file"), cl::init("-")};
  cl::opt<std::string> quantizer{
      "quantizer",
      cl::desc("Quantizer and options: x86 | xnnpack[,per_channel=0|1,...]; "
               "';' separates several, applied in order. Dynamic int8: "
               "dynamic=1[,granularity=per_token]; weight-only: "
               "weight_only=int8|int4[,group_size=32|64|128][,symmetric=0] "
               "(docs/quantizers.md)"),
      cl::value_desc("NAME[,OPTION=VALUE...]")};
  cl::list<std::string> plugins{
      "quantizer-plugin",
      cl::desc("Load a Quantizer plugin (shared library) first (repeatable)"),
      cl::value_desc("LIB.so")};
  cl::opt<std::string> calib{
      "calib",
      cl::desc(
          "Calibration data: FILE.npy (samples along axis 0), FILE.npz "
          "(one array per input name) or a directory of .npy / .npz "
          "files (one sample or batch each, sorted by name); optional "
          "when every quantized activation is dynamic (dynamic=1) or nothing "
          "but weights is quantized (weight_only)"),
      cl::value_desc("DATA")};
  cl::opt<std::string> observer{
      "observer",
      cl::desc("Observer for activations, overriding the quantizer's: "
               "minmax | moving_average | histogram | percentile | entropy | mse"),
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
  cl::opt<std::string> mixedPrecision{
      "mixed-precision",
      cl::desc("auto: raise the output SQNR on held-out calibration samples "
               "towards --target-sqnr: first the activation observer of "
               "each op (int8 everywhere), then the fewest ops in float "
               "within --min-int8-macs; prints the choice as --quantizer "
               "options (docs/accuracy.md)"),
      cl::value_desc("auto")};
  cl::opt<double> targetSqnr{
      "target-sqnr",
      cl::desc("With --mixed-precision=auto: the output SQNR to reach, in dB "
               "(default 30)"),
      cl::value_desc("DB"), cl::init(mlir::qc::kDefaultTargetSqnrDb)};
  cl::opt<double> minInt8Macs{
      "min-int8-macs",
      cl::desc("With --mixed-precision=auto: the share of the model's MACs "
               "(conv / linear / matmul) that must stay int8, in [0, 1] "
               "(default 0.9)"),
      cl::value_desc("FRACTION"),
      cl::init(mlir::qc::kDefaultMinInt8MacShare)};
  cl::opt<bool> noObserverSearch{
      "no-observer-search",
      cl::desc("With --mixed-precision=auto: keep the quantizer's "
               "observers (only ops kept float)")};
  cl::opt<double> heldOut{
      "held-out",
      cl::desc("With --mixed-precision=auto: the share of the calibration "
               "batches held out for scoring, in (0, 1) (default 0.25)"),
      cl::value_desc("FRACTION"), cl::init(0.25)};
  registerMLIRFlags();
  if (!parseFlags(
          argc, argv,
          "qc quantize: post-training int8 quantization\n\n"
          "  qc quantize MODEL.onnx --quantizer x86|xnnpack[,OPTIONS] --calib "
          "DATA -o MODEL.q.mlir\n\n"
          "Runs qc-simplify, qc-annotate (the quantizer), qc-prepare, "
          "calibration with the reference executor and qc-convert. The result "
          "is the Q/DQ program (qc.quantize / qc.dequantize, integer weights) "
          "that `qc run` executes.\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
  MLIRContext context;
  mlir::qc::setUpContext(context);
  if (quantizer.empty())
    return usageError("quantize needs a quantizer: --quantizer x86 or "
                      "--quantizer xnnpack (options after a comma, e.g. "
                      "x86,per_channel=0)");
  if (maxSamples.getNumOccurrences() && maxSamples <= 0)
    return usageError("--max-calib-samples must be positive, got " +
                      Twine(static_cast<int64_t>(maxSamples)));
  if (calibBatch.getNumOccurrences() &&
      (calibBatch <= 0 || calibBatch > kMaxCalibBatch))
    return usageError("--calib-batch must be in [1, " + Twine(kMaxCalibBatch) +
                      "], got " + Twine(static_cast<int64_t>(calibBatch)));
  if (output.empty() || (exportOnnx.getNumOccurrences() && exportOnnx.empty()))
    return usageError(output.empty() ? "-o must not be empty"
                                     : "--export-onnx must not be empty");
  if (!exportOnnx.empty() && sameFile(output, exportOnnx))
    return usageError("-o and --export-onnx name the same file '" +
                      exportOnnx + "'");

  mlir::qc::QuantizeOptions options;
  options.load = flags.loadOptions();
  options.quantizer = quantizer;
  options.plugins.assign(plugins.begin(), plugins.end());
  options.calibrationData = calib;
  options.data.maxSamples = maxSamples;
  options.data.batchSize = calibBatch;
  if (observer.getNumOccurrences() && observer.empty())
    return usageError("--observer needs a name (minmax, moving_average, "
                      "histogram, percentile, entropy, mse, ...)");
  if (!observer.empty()) {
    if (std::string m = mlir::qc::checkActivationObserver(observer);
        !m.empty())
      return usageError("--observer '" + observer + "': " + m);
    options.calibration.activationObserver = observer;
  }
  if (quiet)
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
  if (!std::isfinite(targetSqnr) || targetSqnr < -100 || targetSqnr > 200)
    return usageError("--target-sqnr must be a number of dB in [-100, 200], "
                      "got " + formatNumber(targetSqnr));
  if (!(minInt8Macs >= 0.0 && minInt8Macs <= 1.0))
    return usageError("--min-int8-macs must be in [0, 1], got " +
                      formatNumber(minInt8Macs));
  if (!(heldOut > 0.0 && heldOut < 1.0))
    return usageError("--held-out must be in (0, 1), got " +
                      formatNumber(heldOut));
  if (mixedPrecision.getNumOccurrences()) {
    if (calib.empty())
      return usageError("--mixed-precision=auto needs --calib DATA (it "
                        "scores candidates on held-out calibration samples)");
    mlir::qc::MixedPrecisionOptions mp;
    mp.targetSqnrDb = targetSqnr;
    mp.heldOutFraction = heldOut;
    mp.minInt8MacShare = minInt8Macs;
    mp.observerSearch = !noObserverSearch;
    mp.progress = !quiet;
    options.mixedPrecision = mp;
  }

  mlir::qc::QuantizeReport report;
  OwningOpRef<ModuleOp> module =
      mlir::qc::quantizeModel(context, flags.model, options, &report);
  if (!module)
    return 1;
  if (options.mixedPrecision)
    printMixedPrecision(report.mixedPrecision);
  // --export-onnx writes the Q/DQ form; with --lower-to-integer, a copy of
  // it. The -o program is written first, so that an export error (an op
  // without an ONNX form, a full disk) does not lose it.
  OwningOpRef<ModuleOp> qdq;
  if (lowerToInteger) {
    if (!exportOnnx.empty())
      qdq = module->clone();
    if (failed(mlir::qc::lowerToInteger(*module)))
      return 1;
  }
  if (failed(mlir::qc::writeModule(*module, output)))
    return 1;
  if (!exportOnnx.empty() &&
      failed(mlir::qc::exportOnnx(qdq ? *qdq : *module, exportOnnx)))
    return 1;
  if (!quiet && !options.mixedPrecision)
    mlir::qc::printQuantizeReport(llvm::errs(), report);
  return 0;
}

int compileCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::opt<std::string> outDir{"o", cl::desc("Output directory"),
                              cl::value_desc("OUTDIR"), cl::Required};
  cl::opt<std::string> target{
      "target",
      cl::desc("host | x86-64 (the three x86 variants, picked at run time) | "
               "x86-64-avx2 | x86-64-avxvnni | x86-64-avx512vnni | "
               "aarch64-dotprod | aarch64-i8mm (aarch64 = aarch64-dotprod)"),
      cl::value_desc("T"), cl::init("host")};
  cl::opt<std::string> name{
      "name",
      cl::desc("Model name, a C identifier: NAME.o, NAME.h and the "
               "descriptor NAME_desc (default: the file's base name)"),
      cl::value_desc("NAME")};
  cl::opt<bool> withRuntime{
      "with-runtime",
      cl::desc("Also copy libqcrt.a, qc_runtime.h and qc_model_abi.h into "
               "OUTDIR")};
  MaxBatchFlag maxBatch;
  registerMLIRFlags();
  if (!parseFlags(
          argc, argv,
          "qc compile: compile a quantized model to native code\n\n"
          "  qc compile MODEL(.q.mlir|.onnx) --target T -o OUTDIR [--name "
          "NAME]\n\n"
          "MODEL is the output of `qc quantize` (Q/DQ or --lower-to-integer "
          "form) or an ONNX QDQ model (ONNX Runtime's, or a PyTorch QAT "
          "export: docs/importer.md, \"QAT and QDQ models\"). Writes OUTDIR/NAME.o (code, packed "
          "weights and the qc_model_desc NAME_desc) and OUTDIR/NAME.h; link "
          "them with libqcrt (see examples/embed). The files appear together "
          "or not at all. --max-batch N: one compiled model for any batch of "
          "1 to N samples (dimension 0 of every input must be dynamic, or 1 "
          "with --input-shape giving one sample).\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
  if (int rc = maxBatch.check(); rc)
    return rc;
  if (int rc = checkTargetFlag(target); rc)
    return rc;
  if (name.getNumOccurrences() && !isCIdentifier(name))
    return usageError("--name '" + name + "' is not a C identifier");
  if (outDir.empty())
    return usageError("-o must not be empty");
  MLIRContext context;
  mlir::qc::setUpContext(context);
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, flags.loadOptions());
  if (!module)
    return 1;
  mlir::qc::CompileOptions options =
      mlir::qc::compileOptionsFor(flags.model, target, name);
  options.maxBatch = maxBatch.get();
  FailureOr<mlir::qc::CompiledModel> compiled =
      mlir::qc::compileModel(*module, options);
  if (failed(compiled) ||
      failed(mlir::qc::writeCompiledModel(&context, *compiled, outDir,
                                          options.name, withRuntime)))
    return 1;
  mlir::qc::printCompileSummary(llvm::outs(), *compiled, outDir,
                                options.name);
  return 0;
}

int benchCommand(int argc, char **argv) {
  ModelFlags flags;
  cl::list<std::string> inputs{
      "input", cl::desc("Input data NAME=FILE.npy (default: random values "
                        "in [0, 1) for float inputs, seed 0)"),
      cl::value_desc("NAME=FILE.npy")};
  cl::opt<std::string> target{"target",
                              cl::desc("Target (default host; it must run on "
                                       "this CPU)"),
                              cl::value_desc("T"), cl::init("host")};
  cl::opt<double> minTime{"min-time",
                          cl::desc("Seconds of timed runs at least "
                                   "(default 2)"),
                          cl::value_desc("S"), cl::init(2.0)};
  cl::opt<int> minRuns{"min-runs",
                       cl::desc("Timed runs at least (default 20)"),
                       cl::value_desc("N"), cl::init(20)};
  MaxBatchFlag maxBatch;
  cl::opt<bool> profile{
      "profile", cl::desc("After the timing, profile as many runs again and "
                          "print the per-step table (docs/runtime.md)")};
  cl::opt<std::string> profileCsv{
      "profile-csv",
      cl::desc("Profile (as --profile) and write one CSV row per step to "
               "FILE"),
      cl::value_desc("FILE")};
  registerMLIRFlags();
  if (!parseFlags(
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
          "docs/runtime.md, \"Profiling\").\n"))
    return kUsageError;
  if (int rc = flags.check(); rc)
    return rc;
  if (!std::isfinite(minTime) || minTime < 0 || minTime > kMaxBenchSeconds) {
    char value[32];
    std::snprintf(value, sizeof(value), "%g", static_cast<double>(minTime));
    return usageError("--min-time must be a number of seconds in [0, " +
                      Twine(static_cast<int>(kMaxBenchSeconds)) + "], got " +
                      value);
  }
  if (minRuns < 1 || minRuns > kMaxBenchRuns)
    return usageError("--min-runs must be in [1, " + Twine(kMaxBenchRuns) +
                      "], got " + Twine(static_cast<int>(minRuns)));
  if (int rc = maxBatch.check(); rc)
    return rc;
  if (int rc = checkTargetFlag(target); rc)
    return rc;
  // The CSV file is opened before anything is compiled, so a bad path fails
  // at once.
  std::unique_ptr<FILE, int (*)(FILE *)> csv(nullptr, &std::fclose);
  if (profileCsv.getNumOccurrences()) {
    csv.reset(std::fopen(profileCsv.c_str(), "w"));
    if (!csv)
      return usageError("--profile-csv: cannot write '" +
                        profileCsv.getValue() + "': " + std::strerror(errno));
  }
  MLIRContext context;
  mlir::qc::setUpContext(context);
  auto fail = [&](const Twine &message) {
    emitError(UnknownLoc::get(&context)) << message;
    return 1;
  };
  OwningOpRef<ModuleOp> module =
      mlir::qc::loadModel(context, flags.model, flags.loadOptions());
  if (!module)
    return 1;
  FailureOr<func::FuncOp> func = mlir::qc::getEntryFunction(*module);
  if (failed(func))
    return 1;
  FailureOr<std::vector<::qc::NpyArray>> arrays =
      inputs.empty() ? mlir::qc::randomInputs(*func, maxBatch.get())
                     : mlir::qc::readInputs(*func, std::vector<std::string>(
                                                       inputs.begin(),
                                                       inputs.end()));
  if (failed(arrays))
    return 1;
  mlir::qc::CompiledModel info;
  std::unique_ptr<mlir::qc::LoadedModel> loaded = mlir::qc::compileAndLoad(
      *module, flags.model, target, threads, &info, maxBatch.get());
  if (!loaded)
    return 1;
  mlir::qc::BenchOptions options;
  options.minSeconds = minTime;
  options.minRuns = minRuns;
  std::string error;
  FailureOr<mlir::qc::BenchResult> result =
      mlir::qc::benchModel(*loaded, *arrays, options, error);
  if (failed(result))
    return fail("the compiled model failed: " + error);
  mlir::qc::printBenchReport(llvm::outs(), flags.model, info, *loaded,
                             *result);
  if (!profile && !csv)
    return 0;
  // The profiled runs are timed separately: the hooks cost a clock read per
  // step, which the timing above does not include.
  if (!loaded->setProfiling(true, error))
    return fail("cannot profile the compiled model: " + error);
  if (failed(mlir::qc::benchModel(*loaded, *arrays, options, error)))
    return fail("the compiled model failed: " + error);
  llvm::outs() << "\n";
  llvm::outs().flush();
  if (profile && !loaded->printProfile(stdout, /*csv=*/false, error))
    return fail("cannot print the profile: " + error);
  if (csv && (!loaded->printProfile(csv.get(), /*csv=*/true, error) ||
              std::fflush(csv.get()) != 0))
    return fail("--profile-csv: cannot write '" + profileCsv.getValue() +
                "'" + (error.empty() ? std::string() : ": " + error));
  return 0;
}

int debugCommand(int argc, char **argv) {
  cl::list<std::string> models{cl::Positional, cl::desc("<float model> <quantized program>"),
                               cl::OneOrMore};
  cl::list<std::string> inputs{
      "input",
      cl::desc("Data: NAME=DATA where DATA is an .npy (samples along axis "
               "0), an .npz (one array per input) or a directory of them; "
               "or NAME=FILE.npy for each input of a multi-input model"),
      cl::value_desc("NAME=DATA")};
  cl::list<std::string> inputShapes{
      "input-shape", cl::desc("Bind an input's dynamic dimensions"),
      cl::value_desc("NAME=D0,D1,...")};
  cl::opt<bool> compiled{
      "compiled", cl::desc("Also compile the quantized program for this CPU "
                           "and compare its native code layer by layer")};
  cl::opt<std::string> target{"target",
                              cl::desc("With --compiled: the target "
                                       "(default host)"),
                              cl::value_desc("T"), cl::init("host")};
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
  registerMLIRFlags();
  if (!parseFlags(
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
  if (inputs.empty())
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
  if (!html.empty() && !csv.empty() && sameFile(html, csv))
    return usageError("--html and --csv name the same file '" + csv + "'");
  if (int rc = checkTargetFlag(target); rc)
    return rc;
  if (maxMemory.getNumOccurrences()) {
    std::optional<int64_t> bytes = ::qc::parseMemorySize(maxMemory);
    if (!bytes)
      return usageError("--max-memory: '" + maxMemory +
                        "' is not a memory size (a positive number of bytes "
                        "with an optional K, M, G or T, e.g. 512M or 8G)");
    ::qc::setMaxMemory(*bytes);
  }
  mlir::qc::DebugOptions options;
  options.floatModel = models[0];
  options.quantModel = models[1];
  options.inputs.assign(inputs.begin(), inputs.end());
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  options.maxSamples = maxSamples;
  options.batchSize = batch;
  options.worst = worst;
  options.htmlPath = html;
  options.csvPath = csv;
  options.comparator.compiled = compiled;
  options.comparator.target = target;
  options.comparator.threads = threads;
  MLIRContext context;
  mlir::qc::setUpContext(context);
  return mlir::qc::runDebug(context, options);
}
} // namespace

/// Flushes stdout; a failed write (e.g. `qc run ... > /dev/full`) is an
/// error naming stdout instead of LLVM's fatal "IO failure on output stream"
/// at exit.
int finish(int status) {
  llvm::outs().flush();
  if (std::error_code ec = llvm::outs().error()) {
    llvm::outs().clear_error();
    llvm::errs() << "qc: error: cannot write '<stdout>': " << ec.message()
                 << "\n";
    return status ? status : 1;
  }
  // Nowhere to report a failed write to stderr.
  llvm::errs().clear_error();
  return status;
}

/// `qc ops`: the ONNX op types the importer converts (docs/ops.md has each
/// op's status further down the flow; the conformance test checks it
/// against this list).
int opsCommand(int argc, char **argv) {
  if (!parseFlags(argc, argv,
                  "qc ops: list the ONNX op types qc imports, one per line "
                  "(docs/ops.md gives each op's status: reference executor, "
                  "quantized, compiled)\n\n  qc ops\n"))
    return kUsageError;
  for (StringRef name : mlir::qc::supportedOnnxOps())
    llvm::outs() << name << "\n";
  return 0;
}

int runCommandNamed(const std::string &command, int n, char **args) {
  if (command == "import")
    return importCommand(n, args);
  if (command == "run")
    return runCommand(n, args);
  if (command == "quantize")
    return quantizeCommand(n, args);
  if (command == "export-onnx")
    return exportOnnxCommand(n, args);
  if (command == "compile")
    return compileCommand(n, args);
  if (command == "bench")
    return benchCommand(n, args);
  if (command == "debug")
    return debugCommand(n, args);
  if (command == "ops")
    return opsCommand(n, args);
  return -1;
}

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
    return finish(0);
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
  if ((command == "run" || command == "bench" || command == "debug") &&
      !extractThreads(args))
    return kUsageError;
  int n = static_cast<int>(args.size());
  int status = runCommandNamed(command, n, args.data());
  if (status >= 0)
    return finish(status);
  llvm::errs() << "qc: error: unknown command '"
               << mlir::qc::escapeForTerminal(command) << "'\n\n"
               << kUsage;
  return kUsageError;
}
