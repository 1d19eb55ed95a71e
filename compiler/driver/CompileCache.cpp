//===- CompileCache.cpp - compiled models kept by content hash ------------===//
#include "compiler/driver/CompileCache.h"

#include "support/OutputFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <utime.h>

namespace mlir::qc {

namespace {
constexpr size_t kMaxEntries = 64;
constexpr uint64_t kMaxBytes = 1ull << 30;
constexpr StringLiteral kMagic = "qc-compile-cache 1\n";
constexpr StringLiteral kSuffix = ".qcc";

/// A raw_ostream that feeds BLAKE3 (the printed program is never held).
class HashStream : public llvm::raw_ostream {
public:
  explicit HashStream(llvm::BLAKE3 &hasher) : hasher(hasher) {
    SetUnbuffered();
  }
  ~HashStream() override { flush(); }

private:
  void write_impl(const char *ptr, size_t size) override {
    hasher.update(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(ptr), size));
    pos += size;
  }
  uint64_t current_pos() const override { return pos; }
  llvm::BLAKE3 &hasher;
  uint64_t pos = 0;
};

/// Each field is length-prefixed so that no two field lists hash alike.
void addField(llvm::BLAKE3 &hasher, StringRef field) {
  uint64_t size = field.size();
  hasher.update(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(&size), sizeof(size)));
  hasher.update(field);
}

/// BLAKE3 of this executable's bytes, computed once; empty if unreadable.
const std::string &executableDigest() {
  static const std::string digest = [] {
    auto buffer = llvm::MemoryBuffer::getFile("/proc/self/exe",
                                              /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return std::string();
    llvm::BLAKE3 hasher;
    hasher.update((*buffer)->getBuffer());
    return llvm::toHex(hasher.final());
  }();
  return digest;
}

void appendU64(std::string &out, uint64_t value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof(value));
}
void appendString(std::string &out, StringRef text) {
  appendU64(out, text.size());
  out.append(text.data(), text.size());
}

/// Reads what appendU64 / appendString wrote, refusing to run past the end.
struct Reader {
  StringRef rest;
  bool ok = true;
  uint64_t u64() {
    uint64_t value = 0;
    if (rest.size() < sizeof(value)) {
      ok = false;
      return 0;
    }
    std::memcpy(&value, rest.data(), sizeof(value));
    rest = rest.drop_front(sizeof(value));
    return value;
  }
  std::string string() {
    uint64_t size = u64();
    if (!ok || size > rest.size()) {
      ok = false;
      return {};
    }
    std::string text = rest.take_front(size).str();
    rest = rest.drop_front(size);
    return text;
  }
};

void warn(const Twine &message) {
  llvm::errs() << "qc: warning: compile cache: " << message << "\n";
}

/// Removes the least recently used entries beyond the limits. Best effort:
/// another qc may be pruning the same directory.
void prune(StringRef dir) {
  struct Entry {
    std::string path;
    uint64_t size;
    llvm::sys::TimePoint<> used;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (!StringRef(it->path()).ends_with(kSuffix))
      continue;
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status))
      continue;
    entries.push_back({it->path(), status.getSize(),
                       status.getLastModificationTime()});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.used > b.used; });
  uint64_t total = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    total += entries[i].size;
    if (i >= kMaxEntries || total > kMaxBytes)
      llvm::sys::fs::remove(entries[i].path);
  }
}
} // namespace

std::optional<std::string> compileCacheDir() {
  if (const char *use = std::getenv("QC_CACHE"); use && StringRef(use) == "0")
    return std::nullopt;
  if (const char *dir = std::getenv("QC_CACHE_DIR"); dir && *dir)
    return std::string(dir);
  llvm::SmallString<256> path;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    path = xdg;
  else if (const char *home = std::getenv("HOME"); home && *home)
    llvm::sys::path::append(path, home, ".cache");
  else
    return std::nullopt;
  llvm::sys::path::append(path, "qc");
  return std::string(path);
}

std::optional<std::string> compileCacheKey(ModuleOp module,
                                           const CompileOptions &options) {
  const std::string &exe = executableDigest();
  if (exe.empty())
    return std::nullopt;
  std::string error;
  FailureOr<std::vector<::qc::codegen::GemmIsa>> isas =
      resolveCompileTarget(options.target, error);
  if (failed(isas))
    return std::nullopt;
  llvm::BLAKE3 hasher;
  addField(hasher, kMagic);
  addField(hasher, exe);
  addField(hasher, LLVM_VERSION_STRING);
  addField(hasher, llvm::sys::getHostCPUName());
  addField(hasher, options.target);
  // `host` (and QC_DISABLE_ISA) resolve to the variants compiled.
  for (::qc::codegen::GemmIsa isa : *isas)
    addField(hasher, ::qc::codegen::getGemmIsaInfo(isa).targetName);
  addField(hasher, options.name);
  addField(hasher, options.source);
  addField(hasher, std::to_string(options.maxBatch));
  addField(hasher, options.floatFma ? "float-fma" : "exact-float");
  {
    HashStream stream(hasher);
    // Generic form with locations: node names become step names, and the
    // dialect_resources section carries the weights.
    module->print(stream,
                  OpPrintingFlags().enableDebugInfo().printGenericOpForm());
  }
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

std::string serializeCompiledModel(const CompiledModel &model) {
  std::string out(kMagic);
  appendString(out, model.target);
  appendU64(out, model.arenaBytes);
  appendU64(out, model.constantBytes);
  appendU64(out, model.floatWeightBytes);
  appendU64(out, static_cast<uint64_t>(model.steps));
  appendString(out, model.header);
  appendString(out, model.object);
  return out;
}

std::optional<CompiledModel> parseCompiledModel(StringRef bytes) {
  if (!bytes.consume_front(kMagic))
    return std::nullopt;
  Reader in{bytes};
  CompiledModel model;
  model.target = in.string();
  model.arenaBytes = in.u64();
  model.constantBytes = in.u64();
  model.floatWeightBytes = in.u64();
  model.steps = static_cast<int64_t>(in.u64());
  model.header = in.string();
  model.object = in.string();
  if (!in.ok || !in.rest.empty() || model.object.empty() || model.steps < 0)
    return std::nullopt;
  return model;
}

FailureOr<CompiledModel> compileModelCached(ModuleOp module,
                                            const CompileOptions &options) {
  std::optional<std::string> dir = compileCacheDir();
  std::optional<std::string> key;
  if (dir)
    key = compileCacheKey(module, options);
  if (!key)
    return compileModel(module, options);

  auto start = std::chrono::steady_clock::now();
  llvm::SmallString<256> path(*dir);
  llvm::sys::path::append(path, *key + kSuffix.str());
  if (auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false)) {
    if (std::optional<CompiledModel> cached =
            parseCompiledModel((*buffer)->getBuffer())) {
      // Touch it: pruning drops the least recently used.
      ::utime(path.c_str(), nullptr);
      cached->cache = "hit";
      cached->seconds = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count();
      return *cached;
    }
    warn("discarding the unreadable entry " + path);
    llvm::sys::fs::remove(path);
  }

  FailureOr<CompiledModel> compiled = compileModel(module, options);
  if (failed(compiled))
    return failure();
  compiled->cache = "miss";
  // A cache that cannot be written (read-only home, full disk, ulimit -f)
  // costs only the next compile: no message, the run goes on.
  if (llvm::sys::fs::create_directories(*dir) ||
      !::qc::writeFileAtomically(std::string(path),
                                 serializeCompiledModel(*compiled))
           .ok())
    return compiled;
  prune(*dir);
  return compiled;
}

} // namespace mlir::qc
