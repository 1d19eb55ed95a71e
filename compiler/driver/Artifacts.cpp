//===- Artifacts.cpp - what qc compile writes -----------------------------===//
#include "compiler/driver/Artifacts.h"

#include "compiler/driver/Driver.h"
#include "support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

namespace mlir::qc {

namespace {
/// The three files under \p lib and \p include, if all exist.
std::optional<RuntimeFiles> runtimeIn(StringRef library, StringRef include) {
  RuntimeFiles files;
  files.library = library.str();
  llvm::SmallString<256> path(include);
  llvm::sys::path::append(path, "qc_runtime.h");
  files.runtimeHeader = path.str().str();
  path = include;
  llvm::sys::path::append(path, "qc_model_abi.h");
  files.abiHeader = path.str().str();
  for (const std::string &file :
       {files.library, files.runtimeHeader, files.abiHeader})
    if (!llvm::sys::fs::is_regular_file(file))
      return std::nullopt;
  return files;
}
} // namespace

FailureOr<RuntimeFiles> findRuntimeFiles(std::string &error) {
  // /proc/self/exe on Linux: the real path of the running qc.
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  std::string looked;
  if (!exe.empty()) {
    llvm::SmallString<256> prefix(llvm::sys::path::parent_path(
        llvm::sys::path::parent_path(exe)));
    llvm::SmallString<256> library(prefix), include(prefix);
    llvm::sys::path::append(library, "lib", "libqcrt.a");
    llvm::sys::path::append(include, "include");
    if (std::optional<RuntimeFiles> files = runtimeIn(library, include))
      return *files;
    looked = (library + " and " + include + "/").str();
  }
#if defined(QC_RUNTIME_LIBRARY) && defined(QC_RUNTIME_INCLUDE_DIR)
  // A qc run from its build tree.
  if (std::optional<RuntimeFiles> files =
          runtimeIn(QC_RUNTIME_LIBRARY, QC_RUNTIME_INCLUDE_DIR))
    return *files;
  looked += std::string(looked.empty() ? "" : "; ") + QC_RUNTIME_LIBRARY +
            " and " + QC_RUNTIME_INCLUDE_DIR "/";
#endif
  error = "cannot find the runtime (libqcrt.a, qc_runtime.h, qc_model_abi.h) "
          "for --with-runtime; looked in " +
          looked;
  return failure();
}

LogicalResult writeCompiledModel(MLIRContext *context,
                                 const CompiledModel &compiled,
                                 StringRef outDir, StringRef name,
                                 bool withRuntime) {
  auto fail = [&](absl::string_view message) {
    return emitFileError(context, message);
  };
  RuntimeFiles runtime;
  if (withRuntime) {
    std::string error;
    FailureOr<RuntimeFiles> found = findRuntimeFiles(error);
    if (failed(found))
      return fail(error);
    runtime = *found;
  }
  ::qc::OutputFileSet files;
  auto inOutDir = [&](StringRef file) {
    llvm::SmallString<256> path(outDir);
    llvm::sys::path::append(path, file);
    return path.str().str();
  };
  if (absl::Status s = files.createDirectory(outDir.str()); !s.ok())
    return fail(s.message());
  if (absl::Status s = files.add(inOutDir(name.str() + ".o"), compiled.object);
      !s.ok())
    return fail(s.message());
  if (absl::Status s = files.add(inOutDir(name.str() + ".h"), compiled.header);
      !s.ok())
    return fail(s.message());
  if (withRuntime) {
    for (const std::string &file :
         {runtime.library, runtime.runtimeHeader, runtime.abiHeader})
      if (absl::Status s = files.addCopy(
              inOutDir(llvm::sys::path::filename(file)), file);
          !s.ok())
        return fail(s.message());
  }
  if (absl::Status s = files.commit(); !s.ok())
    return fail(s.message());
  return success();
}

void printCompileSummary(llvm::raw_ostream &os, const CompiledModel &compiled,
                         StringRef outDir, StringRef name) {
  std::string n = name.str();
  os << llvm::format(
      "qc: compiled %s for %s in %.2f s: %s/%s.o (%llu bytes), %s.h\n",
      n.c_str(), compiled.target.c_str(), compiled.seconds,
      escapeForTerminal(outDir).c_str(), n.c_str(),
      static_cast<unsigned long long>(compiled.object.size()), n.c_str());
  os << llvm::format(
      "qc: %lld steps; arena %llu bytes; constants %llu bytes (float "
      "weights and biases: %llu bytes, %.2fx smaller)\n",
      static_cast<long long>(compiled.steps),
      static_cast<unsigned long long>(compiled.arenaBytes),
      static_cast<unsigned long long>(compiled.constantBytes),
      static_cast<unsigned long long>(compiled.floatWeightBytes),
      compiled.constantBytes
          ? double(compiled.floatWeightBytes) / compiled.constantBytes
          : 0.0);
}

} // namespace mlir::qc
