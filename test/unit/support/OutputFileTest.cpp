//===- OutputFileTest.cpp - Tests of files written in full or not at all --===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/OutputFile.h"
#include "support/Npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace qc {
namespace {

using ::testing::HasSubstr;

/// A fresh directory for this test.
std::string testDir() {
  const ::testing::TestInfo *info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "qc_output_" +
                    info->test_suite_name() + "_" + info->name() + "_" +
                    std::to_string(getpid());
  std::string command = "rm -rf '" + dir + "'";
  (void)std::system(command.c_str());
  ::mkdir(dir.c_str(), 0777);
  return dir;
}

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeText(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (dirent *e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
        names.push_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

TEST(OutputFile, AppearsOnlyOnCommit) {
  std::string dir = testDir(), path = dir + "/out.txt";
  writeText(path, "previous");
  OutputFile file;
  ASSERT_TRUE(file.open(path).ok());
  ASSERT_TRUE(file.write("new ").ok());
  ASSERT_TRUE(file.write("content").ok());
  EXPECT_EQ(readText(path), "previous");
  EXPECT_EQ(listDir(dir).size(), 2u); // out.txt and the temporary file
  ASSERT_TRUE(file.commit().ok());
  EXPECT_EQ(readText(path), "new content");
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"out.txt"});
}

TEST(OutputFile, DiscardKeepsThePreviousFile) {
  std::string dir = testDir(), path = dir + "/out.txt";
  writeText(path, "previous");
  {
    OutputFile file;
    ASSERT_TRUE(file.open(path).ok());
    ASSERT_TRUE(file.write("half").ok());
    // Destroyed without commit().
  }
  EXPECT_EQ(readText(path), "previous");
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"out.txt"});
}

TEST(OutputFile, KeepsPermissionsAndFollowsSymlinks) {
  std::string dir = testDir(), path = dir + "/tool.sh",
              link = dir + "/link.sh";
  writeText(path, "old");
  ::chmod(path.c_str(), 0751);
  ASSERT_EQ(::symlink("tool.sh", link.c_str()), 0);
  ASSERT_TRUE(writeFileAtomically(link, "new").ok());
  struct stat st, lst;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0751u);
  EXPECT_EQ(readText(path), "new");
  ASSERT_EQ(::lstat(link.c_str(), &lst), 0);
  EXPECT_TRUE(S_ISLNK(lst.st_mode));
}

TEST(OutputFile, Errors) {
  std::string dir = testDir();
  absl::Status s = writeFileAtomically(dir, "x");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("cannot write '" + dir + "': Is a directory"));
  s = writeFileAtomically(dir + "/no/such/dir/x", "x");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("No such file or directory"));
  s = writeFileAtomically("/dev/full", "x");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("cannot write '/dev/full': No space left on device"));
  EXPECT_TRUE(writeFileAtomically("/dev/null", "x").ok());
}

/// In a child process (the limit and the signal are process-wide): writes
/// \p bytes bytes to \p path under a 1000-byte file-size limit and returns
/// the child's exit status: 0 when the write failed with EFBIG and the
/// previous content survived.
int writePastFileSizeLimit(const std::string &path, size_t bytes) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ignoreFileSizeSignal();
    struct rlimit limit = {1000, 1000};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    absl::Status s = writeFileAtomically(path, std::string(bytes, 'x'));
    bool ok = !s.ok() &&
              std::string(s.message()).find("File too large") !=
                  std::string::npos &&
              readText(path) == "previous";
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(OutputFile, FileSizeLimit) {
  std::string dir = testDir(), path = dir + "/big.bin";
  writeText(path, "previous");
  EXPECT_EQ(writePastFileSizeLimit(path, 5000), 0);
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"big.bin"});
}

TEST(OutputFileSet, AllOrNothing) {
  std::string base = testDir(), dir = base + "/new/deep";
  {
    OutputFileSet files;
    ASSERT_TRUE(files.createDirectory(dir).ok());
    ASSERT_TRUE(files.add(dir + "/a.txt", "a").ok());
    ASSERT_TRUE(files.add(dir + "/b.txt", "b").ok());
    EXPECT_FALSE(exists(dir + "/a.txt"));
    // Not committed: the files and the directories it created go away.
  }
  EXPECT_FALSE(exists(base + "/new"));

  writeText(base + "/source.txt", "copied");
  OutputFileSet files;
  ASSERT_TRUE(files.createDirectory(dir).ok());
  ASSERT_TRUE(files.add(dir + "/a.txt", "a").ok());
  ASSERT_TRUE(files.addCopy(dir + "/b.txt", base + "/source.txt").ok());
  ASSERT_TRUE(files.commit().ok());
  EXPECT_EQ(readText(dir + "/a.txt"), "a");
  EXPECT_EQ(readText(dir + "/b.txt"), "copied");
  EXPECT_EQ(listDir(dir), (std::vector<std::string>{"a.txt", "b.txt"}));
}

TEST(OutputFileSet, Errors) {
  std::string base = testDir();
  writeText(base + "/file", "x");
  OutputFileSet files;
  absl::Status s = files.createDirectory(base + "/file/sub");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("'" + base + "/file' exists and is not a directory"));
  s = files.addCopy(base + "/copy", base + "/missing");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("cannot open '" + base +
                        "/missing': No such file or directory"));
}

TEST(ReadRegularFile, RefusesWhatIsNotAFile) {
  std::string dir = testDir(), fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0666), 0);
  std::string bytes;
  absl::Status s = readRegularFile(fifo, bytes);
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a regular file"));
  s = readRegularFile(dir, bytes);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is a directory"));
  // The .npy readers too (a FIFO would block them).
  EXPECT_THAT(std::string(readNpy(fifo).status().message()),
              HasSubstr("not a regular file"));
  EXPECT_THAT(std::string(readNpyHeader(fifo).status().message()),
              HasSubstr("not a regular file"));
  EXPECT_THAT(std::string(readNpz(dir).status().message()),
              HasSubstr("is a directory"));
}

} // namespace
} // namespace qc
