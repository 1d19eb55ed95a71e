//===- qc-kernelgen.cpp - emit qc's int8 GEMM kernels ---------------------===//
//
// qc-kernelgen --target=x86-64-avx512vnni [--kernel=u8u8[:6x64][:iclamp]]...
//              [--emit=obj|asm|llvm|llvm-dialect|mlir] [--cpu=C --features=F]
//              -o FILE [--header=H]
//
// Builds the kernels with the passes/Codegen library (the same code
// `qc compile` uses) and writes them as an object file, assembly, LLVM IR or
// MLIR, plus an optional C header. Used by the kernel tests and benchmarks.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmKernel.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <optional>

using namespace mlir;
namespace cg = ::qc::codegen;

static llvm::cl::opt<std::string>
    targetName("target", llvm::cl::Required,
               llvm::cl::desc("x86-64-avx2 | x86-64-avxvnni | "
                              "x86-64-avx512vnni | aarch64-dotprod | "
                              "aarch64-i8mm"));
static llvm::cl::list<std::string> kernelSpecs(
    "kernel",
    llvm::cl::desc("<a><c>[:<mr>x<nr>][:iclamp] with a, c in {u8, s8}, e.g. "
                   "u8u8, s8s8:4x32 or u8u8:6x64:iclamp (the integer-clamp "
                   "epilogue, x86 only; exact when |acc * mult| < 2^30) "
                   "(default: all four type pairs, default tile)"));
static llvm::cl::opt<std::string>
    emit("emit", llvm::cl::init("obj"),
         llvm::cl::desc("obj | asm | llvm | llvm-dialect | mlir"));
static llvm::cl::opt<std::string> output("o", llvm::cl::Required,
                                         llvm::cl::desc("output file"));
static llvm::cl::opt<std::string>
    cpu("cpu", llvm::cl::desc("LLVM CPU to tune for instead of the variant's "
                              "(e.g. sapphirerapids, neoverse-v1)"));
static llvm::cl::opt<std::string> features(
    "features",
    llvm::cl::desc("LLVM feature string instead of the variant's; it must "
                   "keep the variant's instructions"));
static llvm::cl::opt<std::string>
    header("header", llvm::cl::desc("also write a C header declaring the "
                                    "kernels to this file"));

static std::optional<cg::QType> parseType(llvm::StringRef text) {
  if (text == "u8")
    return cg::QType::U8;
  if (text == "s8")
    return cg::QType::S8;
  return std::nullopt;
}

/// Parses one --kernel value; prints an error and returns nullopt if bad.
static std::optional<cg::GemmKernelConfig> parseKernel(llvm::StringRef spec,
                                                       cg::GemmIsa isa) {
  auto [types, rest] = spec.split(':');
  auto [tile, variant] = rest.split(':');
  if (!variant.empty() && variant != "iclamp") {
    llvm::errs() << "qc-kernelgen: error: --kernel=" << spec
                 << ": unknown variant '" << variant << "' (expected iclamp)\n";
    return std::nullopt;
  }
  std::optional<cg::QType> aType, cType;
  if (types.size() == 4) {
    aType = parseType(types.take_front(2));
    cType = parseType(types.drop_front(2));
  }
  if (!aType || !cType) {
    llvm::errs() << "qc-kernelgen: error: --kernel=" << spec
                 << ": expected types u8u8, u8s8, s8u8 or s8s8\n";
    return std::nullopt;
  }
  cg::GemmKernelConfig config =
      cg::getDefaultGemmKernelConfig(isa, *aType, *cType);
  if (!tile.empty()) {
    auto [rows, columns] = tile.split('x');
    int64_t mr = 0, nr = 0;
    int64_t perVector = config.info().columnsPerVector;
    if (rows.getAsInteger(10, mr) || columns.getAsInteger(10, nr) || nr <= 0 ||
        nr % perVector != 0) {
      llvm::errs() << "qc-kernelgen: error: --kernel=" << spec
                   << ": expected a tile <mr>x<nr> with nr a multiple of "
                   << perVector << "\n";
      return std::nullopt;
    }
    config.mr = mr;
    config.nVectors = nr / perVector;
  }
  config.intClamp = variant == "iclamp";
  if (std::string error = cg::verifyGemmKernelConfig(config); !error.empty()) {
    llvm::errs() << "qc-kernelgen: error: --kernel=" << spec << ": " << error
                 << "\n";
    return std::nullopt;
  }
  return config;
}

static bool writeFile(llvm::StringRef path, llvm::StringRef contents) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file) {
    llvm::errs() << "qc-kernelgen: error: " << error << "\n";
    return false;
  }
  file->os() << contents;
  file->keep();
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "qc int8 GEMM kernel generator\n");

  std::optional<cg::GemmIsa> isa = cg::parseGemmIsa(targetName);
  if (!isa) {
    llvm::errs() << "qc-kernelgen: error: unknown --target=" << targetName
                 << "\n";
    return 1;
  }
  std::vector<std::string> specs(kernelSpecs.begin(), kernelSpecs.end());
  if (specs.empty())
    specs = {"u8u8", "u8s8", "s8u8", "s8s8"};
  std::vector<cg::GemmKernelConfig> configs;
  for (const std::string &spec : specs) {
    std::optional<cg::GemmKernelConfig> config = parseKernel(spec, *isa);
    if (!config)
      return 1;
    configs.push_back(*config);
  }

  DialectRegistry registry;
  mlir::qc::registerCodegenDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string text;
  if (emit == "mlir" || emit == "llvm-dialect") {
    OwningOpRef<ModuleOp> module =
        mlir::qc::buildGemmKernelModule(context, configs);
    if (!module)
      return 1;
    if (emit == "llvm-dialect" &&
        failed(mlir::qc::lowerKernelsToLLVMDialect(*module)))
      return 1;
    llvm::raw_string_ostream os(text);
    module->print(os);
  } else {
    mlir::qc::EmitKind kind;
    if (emit == "obj")
      kind = mlir::qc::EmitKind::Object;
    else if (emit == "asm")
      kind = mlir::qc::EmitKind::Assembly;
    else if (emit == "llvm")
      kind = mlir::qc::EmitKind::LLVMIR;
    else {
      llvm::errs() << "qc-kernelgen: error: unknown --emit=" << emit << "\n";
      return 1;
    }
    std::optional<mlir::qc::TargetSpec> target;
    if (!cpu.empty() || features.getNumOccurrences()) {
      target = mlir::qc::getTargetSpec(*isa);
      if (!cpu.empty())
        target->cpu = cpu;
      if (features.getNumOccurrences())
        target->features = features;
    }
    FailureOr<std::string> result =
        mlir::qc::generateGemmKernels(context, configs, kind, target);
    if (failed(result))
      return 1;
    text = std::move(*result);
  }
  if (!writeFile(output, text))
    return 1;
  if (!header.empty()) {
    std::string guard = "QC_GEMM_KERNELS_" +
                        std::string(cg::getGemmIsaInfo(*isa).nameSuffix) + "_H";
    for (char &ch : guard)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!writeFile(header, mlir::qc::getGemmKernelsHeader(configs, guard)))
      return 1;
  }
  return 0;
}
