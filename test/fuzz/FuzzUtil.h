//===- FuzzUtil.h - helpers shared by qc's libFuzzer targets ----*- C++ -*-===//
//
// Part of the qc project. See docs/robustness.md, "Fuzzing and sanitizers".
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_FUZZ_FUZZUTIL_H
#define QC_TEST_FUZZ_FUZZUTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace qcfuzz {

/// True when QC_FUZZ_VERBOSE is set: targets then print the diagnostics they
/// otherwise swallow (useful when replaying a reproducer).
inline bool verbose() {
  static const bool value = [] {
    const char *v = std::getenv("QC_FUZZ_VERBOSE");
    return v && *v && *v != '0';
  }();
  return value;
}

/// A private directory (created once per process, in /dev/shm when it exists,
/// so that the file-based entry points cost no disk I/O) and a file in it
/// that holds the current input.
class ScratchFile {
public:
  explicit ScratchFile(const char *fileName) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
    if (!base)
      base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string templ = std::string(base) + "/qc-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) {
      std::perror("qc fuzz: mkdtemp");
      std::abort();
    }
    dir = templ;
    path = dir + "/" + fileName;
  }
  ~ScratchFile() {
    unlink(path.c_str());
    rmdir(dir.c_str());
  }

  /// Replaces the file's content with `data`.
  const std::string &write(const uint8_t *data, size_t size) {
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f || (size && std::fwrite(data, 1, size, f) != size) ||
        std::fclose(f) != 0) {
      std::perror("qc fuzz: writing the scratch file");
      std::abort();
    }
    return path;
  }

  std::string dir;
  std::string path;
};

} // namespace qcfuzz

#endif // QC_TEST_FUZZ_FUZZUTIL_H
