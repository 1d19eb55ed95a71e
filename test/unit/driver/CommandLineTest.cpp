//===- CommandLineTest.cpp - the flag checks every qc command shares ------===//
//
// compiler/driver/CommandLine.h: --threads is taken out of the arguments
// (every spelling, bounds, missing value), --max-memory sets the cap or is
// a usage error, usage errors print `qc: error:` (escaped) and return 2,
// and the small predicates (C identifiers, one file under two names, a
// number written back) give what the messages rely on.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/CommandLine.h"
#include "support/MemoryLimit.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mqc = mlir::qc;

namespace {

/// argv of `qc run` with \p rest after the program name.
struct Args {
  std::vector<std::string> storage;
  std::vector<char *> argv;
  explicit Args(std::vector<std::string> rest) : storage(std::move(rest)) {
    storage.insert(storage.begin(), "qc run");
    for (std::string &s : storage)
      argv.push_back(s.data());
  }
  std::vector<std::string> remaining() const {
    return std::vector<std::string>(argv.begin(), argv.end());
  }
};

/// stderr while \p fn runs.
template <typename Fn> std::string stderrOf(Fn fn) {
  testing::internal::CaptureStderr();
  fn();
  llvm::errs().flush();
  return testing::internal::GetCapturedStderr();
}

TEST(CommandLine, ThreadsFlagIsTakenOutInEverySpelling) {
  Args args({"m.mlir", "--threads", "3", "--input", "x.npy", "-threads=2",
             "--threads=0"});
  int threads = -1;
  ASSERT_TRUE(mqc::extractThreadsFlag(args.argv, threads));
  // The last one given wins, as for a cl::opt.
  EXPECT_EQ(threads, 0);
  EXPECT_EQ(args.remaining(),
            (std::vector<std::string>{"qc run", "m.mlir", "--input", "x.npy"}));
}

TEST(CommandLine, ThreadsFlagWithoutOneLeavesArgumentsAlone) {
  Args args({"m.mlir", "--threadsx=4", "--input=threads"});
  int threads = 7;
  ASSERT_TRUE(mqc::extractThreadsFlag(args.argv, threads));
  EXPECT_EQ(threads, 7);
  EXPECT_EQ(args.argv.size(), 4u);
}

TEST(CommandLine, ThreadsFlagBadValuesAreUsageErrors) {
  for (const char *bad : {"--threads=-1", "--threads=1025", "--threads=two",
                          "--threads="}) {
    Args args({"m.mlir", bad});
    int threads = 0;
    std::string err =
        stderrOf([&] { EXPECT_FALSE(mqc::extractThreadsFlag(args.argv, threads)); });
    EXPECT_NE(err.find("qc: error: --threads must be an integer in [0, 1024], "
                       "got '"),
              std::string::npos)
        << bad << ": " << err;
  }
  Args missing({"m.mlir", "--threads"});
  int threads = 0;
  std::string err = stderrOf(
      [&] { EXPECT_FALSE(mqc::extractThreadsFlag(missing.argv, threads)); });
  EXPECT_EQ(err, "qc: error: --threads needs a value\n");
}

TEST(CommandLine, UsageErrorEscapesAndReturnsTwo) {
  int status = 0;
  std::string err =
      stderrOf([&] { status = mqc::usageError("bad name 'a\x1b[31m'"); });
  EXPECT_EQ(status, mqc::kUsageError);
  EXPECT_EQ(status, 2);
  EXPECT_EQ(err, "qc: error: bad name 'a\\x1b[31m'\n");
}

TEST(CommandLine, MaxMemoryFlag) {
  int64_t before = ::qc::maxMemory();
  EXPECT_EQ(mqc::applyMaxMemoryFlag("512M"), 0);
  EXPECT_EQ(::qc::maxMemory(), int64_t(512) << 20);
  int status = 0;
  std::string err =
      stderrOf([&] { status = mqc::applyMaxMemoryFlag("lots"); });
  EXPECT_EQ(status, 2);
  EXPECT_EQ(err, "qc: error: --max-memory: 'lots' is not a memory size (a "
                 "positive number of bytes with an optional K, M, G or T, "
                 "e.g. 512M or 8G)\n");
  EXPECT_EQ(::qc::maxMemory(), int64_t(512) << 20);
  ::qc::setMaxMemory(before);
}

TEST(CommandLine, CIdentifiers) {
  EXPECT_TRUE(mqc::isCIdentifier("mnist_cnn"));
  EXPECT_TRUE(mqc::isCIdentifier("_m1"));
  EXPECT_FALSE(mqc::isCIdentifier(""));
  EXPECT_FALSE(mqc::isCIdentifier("1m"));
  EXPECT_FALSE(mqc::isCIdentifier("a-b"));
  EXPECT_FALSE(mqc::isCIdentifier("a.b"));
}

TEST(CommandLine, SameFileUnderTwoNames) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qc-cl-test", dir));
  std::string a = (dir + "/a.txt").str(), dotted = (dir + "/./a.txt").str(),
              b = (dir + "/b.txt").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream(a, ec) << "x";
    ASSERT_FALSE(ec);
  }
  EXPECT_TRUE(mqc::sameFile(a, a));
  EXPECT_TRUE(mqc::sameFile(a, dotted));
  // b does not exist: two names of no file are not one file.
  EXPECT_FALSE(mqc::sameFile(a, b));
  llvm::sys::fs::remove(a);
  llvm::sys::fs::remove(dir);
}

TEST(CommandLine, FlagNumbersAreWrittenBackAsPrintfG) {
  EXPECT_EQ(mqc::formatFlagNumber(1000), "1000");
  EXPECT_EQ(mqc::formatFlagNumber(0.5), "0.5");
  EXPECT_EQ(mqc::formatFlagNumber(1e300), "1e+300");
}

} // namespace
