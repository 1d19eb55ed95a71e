//===- CommandLine.cpp - flag parsing shared by qc's commands -------------===//
#include "compiler/driver/CommandLine.h"

#include "compiler/driver/Compile.h"
#include "compiler/driver/Driver.h"
#include "support/MemoryLimit.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <climits>
#include <cstdint>
#include <optional>

#include <sys/mman.h>
#include <unistd.h>

namespace mlir::qc {

int usageError(const Twine &message) {
  llvm::errs() << "qc: error: " << escapeForTerminal(message.str()) << "\n";
  return kUsageError;
}

namespace {
/// Calls \p parse with stderr (fd 2) redirected into a memory file, appends
/// what was written there to \p captured and returns parse()'s result.
/// LLVM's option parser prints some of its errors (a value that does not
/// parse) to llvm::errs() directly, not to the stream it is given.
template <typename Fn> bool captureStderr(Fn parse, std::string &captured) {
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
} // namespace

bool parseCommandFlags(int argc, char **argv, const char *overview,
                       bool withMLIRFlags) {
  if (withMLIRFlags) {
    registerAsmPrinterCLOptions();
    registerMLIRContextCLOptions();
    registerPassManagerCLOptions();
    registerDefaultTimingManagerCLOptions();
  }
  std::string errors;
  bool ok = captureStderr(
      [&] {
        llvm::raw_string_ostream os(errors);
        return llvm::cl::ParseCommandLineOptions(argc, argv, overview, &os);
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
      llvm::errs() << "qc: warning: " << escapeForTerminal(line.trim()) << "\n";
    else
      usageError(line.trim());
  }
  if (!ok && lines.empty())
    usageError("invalid command line");
  return ok;
}

bool extractThreadsFlag(std::vector<char *> &args, int &threads) {
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

int applyMaxMemoryFlag(StringRef value) {
  std::optional<int64_t> bytes = ::qc::parseMemorySize(value.str());
  if (!bytes)
    return usageError("--max-memory: '" + value +
                      "' is not a memory size (a positive number of bytes "
                      "with an optional K, M, G or T, e.g. 512M or 8G)");
  ::qc::setMaxMemory(*bytes);
  return 0;
}

int checkTargetFlag(StringRef target) {
  if (target == "host")
    return 0;
  std::string error;
  if (failed(resolveCompileTarget(target, error)))
    return usageError("--target: " + error);
  return 0;
}

bool sameFile(StringRef a, StringRef b) {
  if (a == b)
    return true;
  bool result = false;
  return !llvm::sys::fs::equivalent(a, b, result) && result;
}

bool isCIdentifier(StringRef name) {
  return !name.empty() &&
         (std::isalpha(static_cast<unsigned char>(name[0])) ||
          name[0] == '_') &&
         llvm::all_of(name, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

std::string formatFlagNumber(double value) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%g", value);
  return s;
}

int finishCommand(int status) {
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

} // namespace mlir::qc
