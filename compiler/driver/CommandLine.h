//===- CommandLine.h - flag parsing shared by qc's commands -----*- C++ -*-===//
//
// The parts of `qc <command>` that are the same for every command: parsing
// a command's flags with LLVM's option parser (its complaints become
// `qc: error:` lines and exit status 2), the checks of flags several
// commands share (--threads, --target, --max-memory), and the final flush of
// stdout. The `qc` main declares each command's flags and calls these.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_COMMANDLINE_H
#define QC_COMPILER_DRIVER_COMMANDLINE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <string>
#include <vector>

namespace mlir::qc {

/// Exit status of a usage error (docs/cli.md): unknown flags, missing or bad
/// values, an unknown command.
constexpr int kUsageError = 2;

/// Prints a usage error as `qc: error: MESSAGE` (escaped for the terminal)
/// and returns kUsageError.
int usageError(const Twine &message);

/// Parses a command's flags, with \p withMLIRFlags also MLIR's printing,
/// context, pass-manager and timing flags (--mlir-print-ir-after-all,
/// --mlir-timing, ...). The option parser's complaints (unknown flags,
/// values that do not parse, a missing positional argument) are printed as
/// `qc: error:` lines and give false: the command then exits with
/// kUsageError. Its warnings are printed as `qc: warning:` lines. --help
/// prints the options and exits 0.
bool parseCommandFlags(int argc, char **argv, const char *overview,
                       bool withMLIRFlags = true);

/// Takes `--threads N` (`--threads=N`, `-threads ...`) out of \p args
/// (args[0] is the program) and stores N, in [0, 1024], in \p threads.
/// libLLVM already registers a global `--threads` option, so qc removes it
/// before the command's parser sees it. Prints a usage error and returns
/// false for a missing or bad value.
bool extractThreadsFlag(std::vector<char *> &args, int &threads);

/// --max-memory SIZE ("512M", "8G", ...; qc::parseMemorySize) sets the
/// process-wide memory cap. Returns 0, or kUsageError after saying what is
/// wrong.
int applyMaxMemoryFlag(StringRef value);

/// A --target flag names a known target (whether this CPU runs it is
/// checked when compiling). Returns 0, or kUsageError after printing why.
int checkTargetFlag(StringRef target);

/// True when \p a and \p b name one file (the same path, or two paths of
/// an existing file).
bool sameFile(StringRef a, StringRef b);

/// True when \p name is a C identifier (qc compile --name).
bool isCIdentifier(StringRef name);

/// A flag's number as written back in a message ("1000", "0.5"; printf's
/// %g).
std::string formatFlagNumber(double value);

/// Flushes stdout and returns \p status; a failed write (e.g. `qc run ... >
/// /dev/full`) is an error naming stdout (status 1 when \p status was 0)
/// instead of LLVM's fatal "IO failure on output stream" at exit.
int finishCommand(int status);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_COMMANDLINE_H
