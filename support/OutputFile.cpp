//===- OutputFile.cpp - files written in full or not at all ---------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/OutputFile.h"

#include "support/StrCat.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace qc {

void ignoreFileSizeSignal() {
#ifdef SIGXFSZ
  std::signal(SIGXFSZ, SIG_IGN);
#endif
}

namespace {
TemporaryFileHook createdHook = nullptr, releasedHook = nullptr;
} // namespace

void setTemporaryFileHooks(TemporaryFileHook created,
                           TemporaryFileHook released) {
  createdHook = created;
  releasedHook = released;
}

namespace {

/// A name for a temporary file next to \p destination: "NAME.tmp-XXXXXXXX"
/// (or ".qc-tmp-XXXXXXXX" when NAME is too long to take the suffix).
std::string temporaryName(const std::string &destination) {
  static std::atomic<uint64_t> counter{0};
  uint64_t seed =
      static_cast<uint64_t>(
          std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (static_cast<uint64_t>(::getpid()) << 32) ^
      (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull);
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string suffix = ".tmp-";
  for (int i = 0; i < 10; ++i) {
    suffix.push_back(kDigits[seed % 36]);
    seed /= 36;
  }
  size_t slash = destination.rfind('/');
  std::string dir =
      slash == std::string::npos ? "" : destination.substr(0, slash + 1);
  std::string base =
      slash == std::string::npos ? destination : destination.substr(slash + 1);
  if (base.size() + suffix.size() > NAME_MAX)
    base = ".qc";
  return dir + base + suffix;
}

/// The descriptor a path like /dev/stdout or /dev/fd/3 names, else -1.
int descriptorNamed(const std::string &path) {
  if (path == "/dev/stdin")
    return STDIN_FILENO;
  if (path == "/dev/stdout")
    return STDOUT_FILENO;
  if (path == "/dev/stderr")
    return STDERR_FILENO;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.compare(0, prefix.size(), prefix) != 0)
      continue;
    std::string_view digits = std::string_view(path).substr(prefix.size());
    if (digits.empty() || digits.size() > 6 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      return -1;
    return std::atoi(std::string(digits).c_str());
  }
  return -1;
}

absl::Status osError(std::string_view verb, const std::string &path,
                     int error) {
  return absl::UnavailableError(
      strCat("cannot ", verb, " '", path, "': ", std::strerror(error)));
}

} // namespace

OutputFile::~OutputFile() { discard(); }

absl::Status OutputFile::fail(std::string_view what, int error) {
  absl::Status status = osError(what, displayPath, error);
  reason = std::strerror(error);
  failed = true;
  discard();
  return status;
}

absl::Status OutputFile::notOpen() {
  if (reason.empty())
    reason = "the file is not open";
  return absl::FailedPreconditionError(
      strCat("cannot write '", displayPath, "': ", reason));
}

void OutputFile::discard() {
  if (fd >= 0 && ownsFd)
    ::close(fd);
  fd = -1;
  if (!temporary.empty()) {
    ::unlink(temporary.c_str());
    if (releasedHook)
      releasedHook(temporary);
  }
  temporary.clear();
}

absl::Status OutputFile::open(const std::string &path) {
  discard();
  displayPath = path;
  destination = path;
  reason.clear();
  failed = false;
  direct = false;
  ownsFd = true;
  if (path.empty())
    return fail("write", ENOENT);
  if (path == "-") {
    displayPath = "<stdout>";
    fd = STDOUT_FILENO;
    direct = true;
    ownsFd = false;
    return absl::OkStatus();
  }

  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && errno != ENOENT)
    return fail("write", errno);
  if (exists && S_ISDIR(st.st_mode))
    return fail("write", EISDIR);
  // An open file descriptor by name (/dev/stdout, /dev/fd/N), maybe a file
  // opened in append mode (`>> log`): written through that descriptor.
  if (int descriptor = descriptorNamed(path); exists && descriptor >= 0 &&
                                              ::fcntl(descriptor, F_GETFD) != -1) {
    fd = descriptor;
    direct = true;
    ownsFd = false;
    return absl::OkStatus();
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, a FIFO or a socket: written in place (there is nothing to
    // keep), e.g. -o /dev/stdout or -o /dev/null.
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return fail("write", errno);
    direct = true;
    return absl::OkStatus();
  }
  // A regular file, or a new one. A symbolic link is followed: the file it
  // names is replaced, the link stays.
  struct stat lst;
  if (exists && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    if (char *real = ::realpath(path.c_str(), nullptr)) {
      destination = real;
      std::free(real);
    }
  }
  if (exists && ::access(destination.c_str(), W_OK) != 0)
    return fail("write", errno);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = temporaryName(destination);
    fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      temporary = name;
      if (createdHook)
        createdHook(temporary);
      break;
    }
    if (errno != EEXIST) {
      // The file may be writable while its directory is not: say why.
      if (exists && (errno == EACCES || errno == EPERM || errno == EROFS))
        return fail("create a temporary file next to", errno);
      return fail("write", errno);
    }
  }
  if (fd < 0)
    return fail("write", EEXIST);
  // The new file keeps the permissions of the one it replaces.
  if (exists)
    (void)::fchmod(fd, st.st_mode & 07777);
  return absl::OkStatus();
}

absl::Status OutputFile::write(std::string_view bytes) {
  if (failed || fd < 0)
    return notOpen();
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    // Linux writes at most 0x7ffff000 bytes at once.
    ssize_t n = ::write(fd, p, left < (size_t(1) << 30) ? left : size_t(1) << 30);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail("write", errno);
    }
    if (n == 0)
      return fail("write", EIO);
    p += n;
    left -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status OutputFile::commit() {
  if (failed || fd < 0)
    return notOpen();
  if (ownsFd) {
    int rc = ::close(fd);
    fd = -1;
    // A network file system may report a full disk only here.
    if (rc != 0 && errno != EINTR)
      return fail("write", errno);
  } else {
    fd = -1;
  }
  if (direct)
    return absl::OkStatus();
  if (::rename(temporary.c_str(), destination.c_str()) != 0)
    return fail("write", errno);
  if (releasedHook)
    releasedHook(temporary);
  temporary.clear();
  return absl::OkStatus();
}

absl::Status writeFileAtomically(const std::string &path,
                                 std::string_view bytes) {
  OutputFile file;
  if (absl::Status s = file.open(path); !s.ok())
    return s;
  if (absl::Status s = file.write(bytes); !s.ok())
    return s;
  return file.commit();
}

//===----------------------------------------------------------------------===//
// OutputFileSet
//===----------------------------------------------------------------------===//

OutputFileSet::~OutputFileSet() {
  if (!committed)
    rollback();
}

void OutputFileSet::rollback() {
  for (std::unique_ptr<OutputFile> &file : files)
    file->discard();
  files.clear();
  // Innermost first; a directory someone else put files into stays.
  for (auto it = createdDirectories.rbegin(); it != createdDirectories.rend();
       ++it)
    ::rmdir(it->c_str());
  createdDirectories.clear();
}

absl::Status OutputFileSet::createDirectory(const std::string &dir) {
  if (dir.empty())
    return absl::InvalidArgumentError(
        "cannot create directory '': empty name");
  // Every prefix ending before a '/', then the whole path.
  for (size_t end = 0; end != std::string::npos;) {
    end = dir.find('/', end + 1);
    std::string prefix = dir.substr(0, end);
    if (prefix.empty() || prefix.back() == '/')
      continue;
    struct stat st;
    if (::stat(prefix.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return absl::FailedPreconditionError(
            strCat("cannot create directory '", dir, "': '", prefix,
                   "' exists and is not a directory"));
      continue;
    }
    if (errno != ENOENT)
      return osError("create directory", dir, errno);
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST)
      return osError("create directory", dir, errno);
    createdDirectories.push_back(prefix);
  }
  return absl::OkStatus();
}

absl::Status OutputFileSet::add(const std::string &path,
                                std::string_view bytes) {
  auto file = std::make_unique<OutputFile>();
  if (absl::Status s = file->open(path); !s.ok())
    return s;
  if (absl::Status s = file->write(bytes); !s.ok())
    return s;
  files.push_back(std::move(file));
  return absl::OkStatus();
}

absl::Status OutputFileSet::addCopy(const std::string &path,
                                    const std::string &from) {
  std::string bytes;
  if (absl::Status s = readRegularFile(from, bytes); !s.ok())
    return s;
  return add(path, bytes);
}

absl::Status OutputFileSet::commit() {
  for (size_t i = 0; i < files.size(); ++i) {
    if (absl::Status s = files[i]->commit(); !s.ok()) {
      // Files renamed already stay (their previous versions are gone); the
      // rest are removed.
      if (i == 0) {
        rollback();
      } else {
        for (size_t j = i + 1; j < files.size(); ++j)
          files[j]->discard();
        committed = true;
      }
      return s;
    }
  }
  committed = true;
  return absl::OkStatus();
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
absl::Status checkStat(const std::string &path, const struct stat &st) {
  if (S_ISDIR(st.st_mode))
    return absl::InvalidArgumentError(
        strCat("cannot read '", path, "': is a directory, expected a file"));
  if (!S_ISREG(st.st_mode))
    return absl::InvalidArgumentError(strCat(
        "cannot read '", path,
        "': not a regular file (a FIFO, device or socket); qc reads only "
        "regular files"));
  return absl::OkStatus();
}
} // namespace

absl::Status checkReadableFile(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return absl::NotFoundError(
        strCat("cannot open '", path, "': ", std::strerror(errno)));
  if (absl::Status s = checkStat(path, st); !s.ok())
    return s;
  if (::access(path.c_str(), R_OK) != 0)
    return osError("open", path, errno);
  return absl::OkStatus();
}

absl::Status readRegularFile(const std::string &path, std::string &bytes) {
  if (absl::Status s = checkReadableFile(path); !s.ok())
    return s;
  // O_NONBLOCK: a FIFO swapped in after the check does not block the open.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return osError("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int error = errno;
    ::close(fd);
    return osError("read", path, error);
  }
  if (absl::Status s = checkStat(path, st); !s.ok()) {
    ::close(fd);
    return s;
  }
  bytes.clear();
  bytes.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int error = errno;
      ::close(fd);
      return osError("read", path, error);
    }
    if (n == 0)
      break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return absl::OkStatus();
}

} // namespace qc
