// base::read_whole_file: every byte of a file, and errno for one it cannot read.
#include "base/files.h"

#include <cerrno>
#include <string>

#include "gtest/gtest.h"
#include "testkit/scratch_dir.h"

namespace datamesh::base {
namespace {

TEST(ReadWholeFileTest, ReadsEveryByteOfAFileLargerThanItsBuffer) {
  testkit::ScratchDir dir("read-whole-file");
  std::string content(100 * 1024 + 7, 'x');
  content[5] = '\0';
  content[70000] = '\n';
  const std::string path = dir.write("big.bin", content);
  const std::optional<std::string> read = read_whole_file(path);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, content);
  EXPECT_EQ(read_whole_file(dir.write("empty", "")), std::string());
}

TEST(ReadWholeFileTest, AFileThatCannotBeReadIsNulloptWithErrnoSayingWhy) {
  testkit::ScratchDir dir("read-whole-file");
  errno = 0;
  EXPECT_FALSE(read_whole_file(dir.file("missing")).has_value());
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_FALSE(read_whole_file(dir.path().string()).has_value());  // a folder
  EXPECT_EQ(errno, EISDIR);
}

}  // namespace
}  // namespace datamesh::base
