//===- Driver.cpp - the qc driver library ---------------------------------===//
#include "compiler/driver/Driver.h"

#include "compiler/importer/OnnxImporter.h"
#include "dialects/qc/IR/QCDialect.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
/// Describes where a diagnostic points: "file:line:col", or for an imported
/// ONNX node "file: node 'NAME'".
void printLocation(Location loc, llvm::raw_ostream &os) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (auto file = dyn_cast<FileLineColLoc>(name.getChildLoc()))
      os << file.getFilename().getValue() << ": ";
    os << "node '" << name.getName().getValue() << "'";
    return;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() != 0)
      os << ":" << file.getLine() << ":" << file.getColumn();
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      return printLocation(fused.getLocations().front(), os);
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return printLocation(callSite.getCallee(), os);
  if (isa<UnknownLoc>(loc))
    return;
  loc.print(os);
}

/// absl::string_view as an LLVM StringRef (a diagnostic would print a
/// string view as a list of characters).
StringRef toStringRef(absl::string_view s) { return {s.data(), s.size()}; }

StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}
} // namespace

void mlir::qc::setUpContext(MLIRContext &context) {
  DialectRegistry registry;
  registry.insert<QCDialect, func::FuncDialect>();
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  // An error at an op already names the file and the ONNX node; MLIR's
  // default note dumping the op (for a pass on a function: all of it) is
  // only shown when asked for with --mlir-print-op-on-diagnostic.
  auto &options = llvm::cl::getRegisteredOptions();
  auto flag = options.find("mlir-print-op-on-diagnostic");
  if (flag == options.end() || flag->second->getNumOccurrences() == 0)
    context.printOpOnDiagnostic(false);
  context.getDiagEngine().registerHandler([](Diagnostic &diag) {
    llvm::raw_ostream &os = llvm::errs();
    auto print = [&](Diagnostic &d) {
      os << "qc: " << severityName(d.getSeverity()) << ": ";
      std::string where;
      llvm::raw_string_ostream whereOs(where);
      printLocation(d.getLocation(), whereOs);
      if (!where.empty())
        os << where << ": ";
      os << d.str() << "\n";
    };
    print(diag);
    for (Diagnostic &note : diag.getNotes())
      print(note);
    return success();
  });
}

OwningOpRef<ModuleOp> mlir::qc::loadModel(MLIRContext &context,
                                          const std::string &path,
                                          const LoadOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (!llvm::sys::fs::exists(path)) {
    emitError(fileLoc) << "no such file";
    return nullptr;
  }
  if (llvm::sys::fs::is_directory(path)) {
    emitError(fileLoc) << "is a directory, expected a model file";
    return nullptr;
  }

  // Bindings are accepted as NAME=dims (the CLI form) or NAME:dims.
  std::vector<std::string> bindings;
  for (const std::string &b : options.inputShapes) {
    std::string s = b;
    size_t eq = s.find('=');
    if (eq != std::string::npos)
      s[eq] = ':';
    bindings.push_back(s);
  }

  OwningOpRef<ModuleOp> module;
  bool isOnnx = llvm::sys::path::extension(path) == ".onnx";
  if (isOnnx) {
    OnnxImportOptions importOptions;
    for (const std::string &b : bindings) {
      auto [name, dims] = StringRef(b).split(':');
      SmallVector<int64_t> shape;
      SmallVector<StringRef> parts;
      dims.split(parts, ',');
      for (StringRef p : parts) {
        int64_t d;
        if (p.trim().getAsInteger(10, d) || d <= 0) {
          emitError(fileLoc) << "--input-shape '" << b
                             << "': expected NAME=D0,D1,... with positive "
                                "integer dimensions";
          return nullptr;
        }
        shape.push_back(d);
      }
      importOptions.inputShapes[name] = shape;
    }
    module = importOnnxFile(context, path, importOptions);
  } else {
    ParserConfig config(&context);
    module = parseSourceFile<ModuleOp>(path, config);
  }
  if (!module)
    return nullptr;
  if (failed(getEntryFunction(*module)))
    return nullptr;

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return nullptr;
  if (isOnnx && options.simplify) {
    SimplifyOptions simplify;
    simplify.inputShapes = bindings;
    buildSimplifyPipeline(pm.nest<func::FuncOp>(), simplify);
  } else if (!bindings.empty()) {
    QCShapeInferenceOptions shapes;
    shapes.inputShapes = llvm::join(bindings, ";");
    pm.nest<func::FuncOp>().addPass(createQCShapeInference(shapes));
  }
  if (failed(pm.run(*module)))
    return nullptr;
  return module;
}

FailureOr<func::FuncOp> mlir::qc::getEntryFunction(ModuleOp module) {
  func::FuncOp only;
  int count = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.getName() == "main")
      return func;
    only = func;
    ++count;
  }
  if (count == 1)
    return only;
  emitError(module.getLoc())
      << (count == 0 ? "the module has no function"
                     : "the module has several functions and none is @main");
  return failure();
}

LogicalResult mlir::qc::writeModule(ModuleOp module, const std::string &path) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file) {
    emitError(FileLineColLoc::get(module.getContext(), path, 0, 0))
        << "cannot write: " << error;
    return failure();
  }
  module.print(file->os());
  file->os() << "\n";
  file->keep();
  return success();
}

namespace {
std::string argumentName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

std::string argumentList(func::FuncOp func) {
  std::string s;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string type;
    llvm::raw_string_ostream os(type);
    os << func.getArgument(i).getType();
    s += (i ? ", " : "") + argumentName(func, i) + " (" + type + ")";
  }
  return s;
}
} // namespace

FailureOr<std::vector<::qc::NpyArray>>
mlir::qc::readInputs(func::FuncOp func, ArrayRef<std::string> bindings) {
  unsigned n = func.getNumArguments();
  std::vector<std::optional<::qc::NpyArray>> byArg(n);
  for (const std::string &binding : bindings) {
    StringRef name, file;
    std::tie(name, file) = StringRef(binding).split('=');
    if (file.empty()) {
      // A bare FILE binds the only input.
      if (n != 1) {
        emitError(func.getLoc())
            << "--input '" << binding << "' has no NAME=; the model has " << n
            << " inputs: " << argumentList(func);
        return failure();
      }
      file = name;
      name = "";
    }
    std::optional<unsigned> index;
    for (unsigned i = 0; i < n; ++i)
      if (name.empty() || argumentName(func, i) == name)
        index = i;
    if (!index) {
      emitError(func.getLoc()) << "--input '" << binding
                               << "': the model has no input named '" << name
                               << "'; inputs: " << argumentList(func);
      return failure();
    }
    if (byArg[*index]) {
      emitError(func.getLoc()) << "input '" << argumentName(func, *index)
                               << "' is bound twice";
      return failure();
    }
    absl::StatusOr<::qc::NpyArray> array = ::qc::readNpy(file.str());
    if (!array.ok()) {
      emitError(func.getLoc()) << toStringRef(array.status().message());
      return failure();
    }
    byArg[*index] = std::move(*array);
  }
  std::vector<::qc::NpyArray> inputs;
  for (unsigned i = 0; i < n; ++i) {
    if (!byArg[i]) {
      emitError(func.getLoc())
          << "input '" << argumentName(func, i)
          << "' is not bound; pass --input " << argumentName(func, i)
          << "=FILE.npy (inputs: " << argumentList(func) << ")";
      return failure();
    }
    inputs.push_back(std::move(*byArg[i]));
  }
  return inputs;
}

std::string mlir::qc::resultName(func::FuncOp func, unsigned i) {
  if (auto name = func.getResultAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "output" + std::to_string(i);
}

LogicalResult
mlir::qc::writeOutputs(func::FuncOp func,
                       const std::vector<::qc::NpyArray> &outputs,
                       const std::string &dir) {
  Location loc = FileLineColLoc::get(func.getContext(), dir, 0, 0);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    emitError(loc) << "cannot create output directory: " << ec.message();
    return failure();
  }
  for (auto [i, array] : llvm::enumerate(outputs)) {
    // Output names come from the model: keep them to one path component.
    std::string name = resultName(func, i);
    for (char &c : name)
      if (c == '/' || c == '\\' || c == '\0')
        c = '_';
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name + ".npy");
    std::string tmp = (path + ".tmp").str();
    if (absl::Status st = ::qc::writeNpy(tmp, array); !st.ok()) {
      llvm::sys::fs::remove(tmp);
      emitError(loc) << toStringRef(st.message());
      return failure();
    }
    if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
      emitError(loc) << "cannot write " << path << ": " << ec.message();
      return failure();
    }
  }
  return success();
}
