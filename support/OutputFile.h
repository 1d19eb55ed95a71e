//===- OutputFile.h - files written in full or not at all -------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Every file qc writes goes through these classes, so that a failure (a full
/// disk, a file-size limit, an error of the program) never leaves a truncated
/// file and never destroys the user's previous file:
///
///  - OutputFile writes a regular file to a temporary file next to it and
///    renames it over the destination on commit(); until then, or when
///    anything fails, the previous file is untouched and the temporary file
///    is removed. A destination that is not a regular file (`-` for stdout,
///    /dev/stdout, /dev/null, a FIFO) is written directly, and every write is
///    checked.
///  - OutputFileSet writes several files into one directory the same way and
///    renames them together; a failure removes the temporary files and the
///    directories the set created, so a failed run leaves nothing behind.
///
/// Errors are absl::Status values whose message names the file and the
/// operating system's reason, as the rest of support/ does:
/// "cannot write 'PATH': No space left on device". Nothing throws. Writing to
/// a file past RLIMIT_FSIZE raises SIGXFSZ, which kills the process by
/// default: a program using these classes should ignore it
/// (ignoreFileSizeSignal()) so that the write fails with EFBIG instead.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_SUPPORT_OUTPUTFILE_H
#define QC_COMPILER_SUPPORT_OUTPUTFILE_H

#include "absl/status/status.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

/// Ignores SIGXFSZ, so that a write past the file-size limit (ulimit -f)
/// fails with EFBIG and is reported instead of killing the process.
void ignoreFileSizeSignal();

/// Functions called with the path of each temporary file when it is created
/// and when it is renamed or removed; qc registers LLVM's
/// RemoveFileOnSignal / DontRemoveFileOnSignal, so that an interrupted run
/// (Ctrl-C) leaves no temporary file either. Null: nothing is called.
using TemporaryFileHook = void (*)(const std::string &path);
void setTemporaryFileHooks(TemporaryFileHook created,
                           TemporaryFileHook released);

class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~OutputFile();

  /// Opens \p path for writing ("-" is stdout). A directory is an error.
  absl::Status open(const std::string &path);
  /// Appends \p bytes. After a failure every later call fails too.
  absl::Status write(std::string_view bytes);
  /// Closes the file and renames the temporary file over the destination.
  absl::Status commit();
  /// Closes and removes the temporary file (nothing is written).
  void discard();

  /// The path given to open().
  const std::string &path() const { return displayPath; }
  /// True when the destination is written directly (not a regular file).
  bool isDirect() const { return direct; }
  /// After a failure: the operating system's reason alone ("File too
  /// large"), for callers that name the file themselves.
  const std::string &errorReason() const { return reason; }

private:
  absl::Status fail(std::string_view what, int error);
  absl::Status notOpen();

  std::string displayPath;
  /// Where the file ends up (symbolic links resolved) and the temporary
  /// file written until commit().
  std::string destination, temporary;
  std::string reason;
  int fd = -1;
  bool direct = false, ownsFd = false, failed = false;
};

/// Writes \p bytes to \p path through an OutputFile.
absl::Status writeFileAtomically(const std::string &path,
                                 std::string_view bytes);

/// Files written into one directory, all or none: add() writes each to a
/// temporary file, commit() renames them all. If commit() is not reached,
/// the destructor removes the temporary files and every directory
/// createDirectory() created.
class OutputFileSet {
public:
  OutputFileSet() = default;
  OutputFileSet(const OutputFileSet &) = delete;
  OutputFileSet &operator=(const OutputFileSet &) = delete;
  ~OutputFileSet();

  /// Creates \p dir and its missing parents (remembering which, to remove
  /// them on failure). An existing non-directory is an error.
  absl::Status createDirectory(const std::string &dir);
  /// Writes \p bytes to a temporary file for \p path.
  absl::Status add(const std::string &path, std::string_view bytes);
  /// Copies the file \p from to a temporary file for \p path.
  absl::Status addCopy(const std::string &path, const std::string &from);
  /// Renames every temporary file over its destination.
  absl::Status commit();

private:
  void rollback();

  std::vector<std::string> createdDirectories;
  std::vector<std::unique_ptr<OutputFile>> files;
  bool committed = false;
};

/// Reads the whole regular file at \p path. Errors name the file and the
/// reason: no such file, a directory, not a regular file (a FIFO or a device,
/// which could block or never end), unreadable.
absl::Status readRegularFile(const std::string &path, std::string &bytes);

/// Checks that \p path names a regular file that can be opened for reading:
/// the same errors as readRegularFile, without reading.
absl::Status checkReadableFile(const std::string &path);

} // namespace qc

#endif // QC_COMPILER_SUPPORT_OUTPUTFILE_H
