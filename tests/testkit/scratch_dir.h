// ScratchDir: a new folder of a test's or a benchmark's own, removed with everything in it when
// the object goes, unless keep() was called.
//
// It is made by mkdtemp (so only its owner may enter it) as <parent>/datamesh-<purpose>-XXXXXX,
// parent being the system's temporary folder ($TMPDIR, else /tmp) unless given. A folder that
// cannot be made throws std::runtime_error saying which and why: GoogleTest reports that as the
// test's failure, and a benchmark stops with the message. Removal ignores errors, so that a
// test's own failure is what it reports.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace datamesh::testkit {

class ScratchDir {
 public:
  explicit ScratchDir(std::string_view purpose = "test", const std::filesystem::path& parent = {});
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / relative, as text.
  std::string file(std::string_view relative) const;
  // Writes text to path() / relative, making the folders on the way; returns file(relative).
  std::string write(std::string_view relative, std::string_view text) const;
  // Leaves the folder and what it holds on disk when the object goes (a failed run's logs).
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace datamesh::testkit
