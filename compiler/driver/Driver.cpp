//===- Driver.cpp - the qc driver library ---------------------------------===//
#include "compiler/driver/Driver.h"

#include "compiler/importer/OnnxImporter.h"
#include "support/OutputFile.h"
#include "support/ShapeBinding.h"
#include "dialects/qc/IR/QCDialect.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>

#include <unistd.h>

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
      // Names in the location and the message come from the model and the
      // command line: printed escaped (escapeForTerminal).
      os << "qc: " << severityName(d.getSeverity()) << ": ";
      std::string where;
      llvm::raw_string_ostream whereOs(where);
      printLocation(d.getLocation(), whereOs);
      if (!where.empty())
        os << escapeForTerminal(where) << ": ";
      os << escapeForTerminal(d.str()) << "\n";
    };
    print(diag);
    for (Diagnostic &note : diag.getNotes())
      print(note);
    return success();
  });
}

namespace {
/// A saved program keeps the locations it was printed with: its ops' node
/// names (NameLoc), whose file is the ONNX model they came from, and that
/// model's bare file location on the module, the function, its arguments and
/// the return. Every file location of another file is re-pointed at this one
/// (line 0: no line), so a message about the program names the file that was
/// read ("q.mlir: node 'conv1': ..."); node names and the line:col the parser
/// gave ops without a location stay.
Location relocate(Location loc, StringRef path, Location here) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().getValue() == path ? loc : here;
  if (auto name = dyn_cast<NameLoc>(loc))
    return NameLoc::get(name.getName(),
                        relocate(name.getChildLoc(), path, here));
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    SmallVector<Location> inner;
    for (Location l : fused.getLocations())
      inner.push_back(relocate(l, path, here));
    return FusedLoc::get(loc.getContext(), inner, fused.getMetadata());
  }
  return loc;
}

void relocateToFile(ModuleOp module, StringRef path) {
  Location here = FileLineColLoc::get(module.getContext(), path, 0, 0);
  module->walk([&](Operation *op) {
    op->setLoc(relocate(op->getLoc(), path, here));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setLoc(relocate(arg.getLoc(), path, here));
  });
}
} // namespace

OwningOpRef<ModuleOp> mlir::qc::loadModel(MLIRContext &context,
                                          const std::string &path,
                                          const LoadOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status)) {
    if (ec == std::errc::no_such_file_or_directory)
      emitError(fileLoc) << "no such file";
    else
      emitError(fileLoc) << "cannot read: " << ec.message();
    return nullptr;
  }
  if (status.type() == llvm::sys::fs::file_type::directory_file) {
    emitError(fileLoc) << "is a directory, expected a model file";
    return nullptr;
  }
  // A FIFO or a device could block or never end: models are files.
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    emitError(fileLoc) << "not a regular file (a FIFO, device or socket); "
                          "give the model as a file";
    return nullptr;
  }
  if (::access(path.c_str(), R_OK) != 0) {
    emitError(fileLoc) << "cannot read: "
                       << std::error_code(errno, std::generic_category())
                              .message();
    return nullptr;
  }
  if (status.getSize() == 0) {
    emitError(fileLoc) << "the file is empty, expected "
                       << (llvm::sys::path::extension(path) == ".onnx"
                               ? "an ONNX model"
                               : "MLIR text or bytecode");
    return nullptr;
  }

  // Bindings (support/ShapeBinding.h): NAME=dims (the CLI form) or
  // NAME:dims, checked here so that a bad one names the flag.
  std::vector<std::string> bindings(options.inputShapes.begin(),
                                    options.inputShapes.end());
  std::vector<::qc::ShapeBinding> parsed;
  for (const std::string &given : bindings) {
    std::string error;
    std::optional<::qc::ShapeBinding> b = ::qc::parseShapeBinding(given, &error);
    if (!b) {
      emitError(fileLoc) << "--input-shape '" << given << "': " << error;
      return nullptr;
    }
    parsed.push_back(std::move(*b));
  }

  OwningOpRef<ModuleOp> module;
  bool isOnnx = llvm::sys::path::extension(path) == ".onnx";
  if (isOnnx) {
    OnnxImportOptions importOptions;
    for (const ::qc::ShapeBinding &b : parsed)
      importOptions.inputShapes[b.name] =
          SmallVector<int64_t>(b.dims.begin(), b.dims.end());
    importOptions.constInputs = options.constInputs;
    importOptions.inputArrays = options.inputArrays;
    module = importOnnxFile(context, path, importOptions);
  } else if (!options.constInputs.empty()) {
    emitError(fileLoc) << "--const-input binds inputs of ONNX models only; "
                          "this is an MLIR program (bind the input with "
                          "--input, or import the ONNX model with "
                          "--const-input)";
    return nullptr;
  } else {
    ParserConfig config(&context);
    module = parseSourceFile<ModuleOp>(path, config);
    if (module)
      relocateToFile(*module, path);
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

namespace {
/// A raw_ostream over a ::qc::OutputFile; the first write error is kept.
class OutputFileStream : public llvm::raw_ostream {
public:
  explicit OutputFileStream(::qc::OutputFile &file) : file(file) {
    SetBufferSize(1 << 16);
  }
  ~OutputFileStream() override { flush(); }
  absl::Status status;

private:
  void write_impl(const char *ptr, size_t size) override {
    pos += size;
    if (status.ok())
      status = file.write({ptr, size});
  }
  uint64_t current_pos() const override { return pos; }

  ::qc::OutputFile &file;
  uint64_t pos = 0;
};
} // namespace

LogicalResult mlir::qc::emitFileError(MLIRContext *context,
                                      absl::string_view message) {
  return emitError(UnknownLoc::get(context)) << toStringRef(message);
}

LogicalResult mlir::qc::writeModule(ModuleOp module, const std::string &path) {
  MLIRContext *context = module.getContext();
  ::qc::OutputFile file;
  if (absl::Status s = file.open(path); !s.ok())
    return emitFileError(context, s.message());
  if (file.isDirect())
    llvm::outs().flush();
  {
    OutputFileStream os(file);
    // Locations carry each op's ONNX node name (the importer's NameLoc):
    // printed, as #loc aliases defined at the end of the file, so a saved
    // program parsed back keeps its layer names (quantizer selectors, error
    // messages, the integer ops' names all read them).
    OpPrintingFlags flags;
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    module.print(os, flags);
    os << "\n";
    os.flush();
    if (!os.status.ok())
      return emitFileError(context, os.status.message());
  }
  if (absl::Status s = file.commit(); !s.ok())
    return emitFileError(context, s.message());
  return success();
}

namespace {

std::string argumentList(func::FuncOp func) {
  std::string s;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string type;
    llvm::raw_string_ostream os(type);
    os << func.getArgument(i).getType();
    s += (i ? ", " : "") + mlir::qc::argumentName(func, i) + " (" + type + ")";
  }
  return s;
}
} // namespace

FailureOr<std::vector<::qc::NpyArray>>
mlir::qc::readInputs(func::FuncOp func, ArrayRef<std::string> bindings) {
  unsigned n = func.getNumArguments();
  std::vector<std::optional<::qc::NpyArray>> byArg(n);
  for (const std::string &binding : bindings) {
    // NAME=FILE: the longest input name followed by '=' (names may hold
    // '='); a bare FILE binds the only input.
    StringRef text(binding), file;
    std::optional<unsigned> index;
    size_t matched = 0;
    for (unsigned i = 0; i < n; ++i) {
      std::string name = argumentName(func, i);
      if (text.size() > name.size() && text.starts_with(name) &&
          text[name.size()] == '=' && (!index || name.size() > matched)) {
        index = i;
        matched = name.size();
      }
    }
    if (index) {
      file = text.drop_front(matched + 1);
    } else if (n == 1 && (!text.contains('=') ||
                          llvm::sys::fs::exists(binding))) {
      index = 0;
      file = text;
    } else if (!text.contains('=')) {
      emitError(func.getLoc())
          << "--input '" << binding << "' has no NAME=; the model has " << n
          << " inputs: " << argumentList(func);
      return failure();
    } else {
      emitError(func.getLoc())
          << "--input '" << binding << "': the model has no input named '"
          << text.split('=').first << "'; inputs: " << argumentList(func);
      return failure();
    }
    if (file.empty()) {
      emitError(func.getLoc())
          << "--input '" << binding << "': no file after '=' for input '"
          << argumentName(func, *index) << "'";
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

std::string mlir::qc::argumentName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

std::string mlir::qc::resultName(func::FuncOp func, unsigned i) {
  if (auto name = func.getResultAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "output" + std::to_string(i);
}

std::string mlir::qc::outputFileName(StringRef name) {
  std::string file;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || c == '%' || u < 0x20 || u == 0x7f) {
      static const char kHex[] = "0123456789ABCDEF";
      file += '%';
      file += kHex[u >> 4];
      file += kHex[u & 15];
    } else {
      file += c;
    }
  }
  return file + ".npy";
}

LogicalResult mlir::qc::checkOutputNames(func::FuncOp func) {
  llvm::StringMap<unsigned> seen;
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    std::string name = resultName(func, i);
    auto [it, inserted] = seen.try_emplace(name, i);
    if (!inserted)
      return emitError(func.getLoc())
             << "outputs #" << it->second << " and #" << i
             << " are both named '" << name
             << "'; qc writes one file per output name, so output names "
                "must be unique";
    std::string file = outputFileName(name);
    if (file.size() > NAME_MAX)
      return emitError(func.getLoc())
             << "output #" << i << " '" << name << "': its file name is "
             << file.size() << " bytes long, more than the file system's "
             << NAME_MAX;
  }
  return success();
}

FailureOr<std::vector<std::string>>
mlir::qc::writeOutputs(func::FuncOp func,
                       const std::vector<::qc::NpyArray> &outputs,
                       const std::string &dir) {
  MLIRContext *context = func.getContext();
  if (failed(checkOutputNames(func)))
    return failure();
  ::qc::OutputFileSet files;
  if (absl::Status s = files.createDirectory(dir); !s.ok())
    return emitFileError(context, s.message());
  std::vector<std::string> paths;
  for (auto [i, array] : llvm::enumerate(outputs)) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, outputFileName(resultName(func, i)));
    absl::StatusOr<std::string> bytes = ::qc::serializeNpy(array);
    if (!bytes.ok())
      return emitFileError(context, "cannot write '" + path.str().str() +
                                        "': " +
                                        std::string(bytes.status().message()));
    if (absl::Status s = files.add(path.str().str(), *bytes); !s.ok())
      return emitFileError(context, s.message());
    paths.push_back(path.str().str());
  }
  if (absl::Status s = files.commit(); !s.ok())
    return emitFileError(context, s.message());
  return paths;
}

std::string mlir::qc::escapeForTerminal(StringRef text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  auto escape = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  const auto *p = reinterpret_cast<const llvm::UTF8 *>(text.data());
  const llvm::UTF8 *end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        escape(c);
      else
        out += static_cast<char>(c);
      ++p;
      continue;
    }
    unsigned length = llvm::getNumBytesForUTF8(c);
    bool legal = length <= static_cast<unsigned>(end - p) &&
                 llvm::isLegalUTF8Sequence(p, p + length);
    // C1 controls (U+0080..U+009F, e.g. U+009B CSI) and the bidirectional
    // embedding / override / isolate characters (U+202A..U+202E,
    // U+2066..U+2069) are escaped although legal.
    if (legal && length == 2 && c == 0xc2 && p[1] <= 0x9f)
      legal = false;
    if (legal && length == 3 && c == 0xe2 &&
        ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
         (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
      legal = false;
    if (!legal) {
      // Each byte of an escaped sequence; invalid UTF-8 byte by byte.
      unsigned count = length >= 2 && length <= static_cast<unsigned>(end - p) &&
                               llvm::isLegalUTF8Sequence(p, p + length)
                           ? length
                           : 1;
      for (unsigned k = 0; k < count; ++k)
        escape(p[k]);
      p += count;
      continue;
    }
    out.append(reinterpret_cast<const char *>(p), length);
    p += length;
  }
  return out;
}
