// testkit::ScratchDir (tests/testkit/scratch_dir.h), the scratch folder every suite and
// benchmark uses: where it is made, what it writes, that it goes with everything in it, that
// keep() leaves it, and that a folder it cannot make is an error that says so.
#include "testkit/scratch_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace datamesh::testkit {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ScratchDirTest, IsANewPrivateFolderNamedForItsPurposeUnderTheParent) {
  const ScratchDir parent;
  const ScratchDir first("unit", parent.path());
  const ScratchDir second("unit", parent.path());
  EXPECT_NE(first.path(), second.path());
  EXPECT_EQ(first.path().parent_path(), parent.path());
  EXPECT_TRUE(first.path().filename().string().starts_with("datamesh-unit-"));
  ASSERT_TRUE(fs::is_directory(first.path()));
  struct stat status {};
  ASSERT_EQ(::stat(first.path().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0700) << "only its owner may enter it";
}

TEST(ScratchDirTest, WriteMakesTheFoldersOnTheWayAndReturnsTheFilesPath) {
  const ScratchDir dir;
  const std::string path = dir.write("a/b/c.txt", "text\n");
  EXPECT_EQ(path, dir.file("a/b/c.txt"));
  EXPECT_EQ(path, (dir.path() / "a" / "b" / "c.txt").string());
  EXPECT_EQ(read(path), "text\n");
}

TEST(ScratchDirTest, GoesWithEverythingInItUnlessKept) {
  std::optional<ScratchDir> removed(std::in_place);
  const fs::path removed_path = removed->path();
  removed->write("nested/file", "x");
  removed.reset();
  EXPECT_FALSE(fs::exists(removed_path));

  const ScratchDir parent;
  std::optional<ScratchDir> kept(std::in_place, "kept", parent.path());
  const fs::path kept_path = kept->path();
  kept->write("log", "kept");
  kept->keep();
  kept.reset();
  EXPECT_EQ(read(kept_path / "log"), "kept");  // and the parent removes it at the end
}

TEST(ScratchDirTest, AFolderItCannotMakeThrowsNamingIt) {
  const ScratchDir parent;
  const fs::path missing = parent.path() / "no" / "such";
  try {
    const ScratchDir dir("unit", missing);
    FAIL() << "made " << dir.path();
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot make a scratch folder " + (missing / "datamesh-unit-").string()),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace datamesh::testkit
