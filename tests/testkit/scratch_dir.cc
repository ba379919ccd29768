#include "testkit/scratch_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "base/text.h"

namespace datamesh::testkit {

ScratchDir::ScratchDir(std::string_view purpose, const std::filesystem::path& parent) {
  std::filesystem::path folder = parent;
  if (folder.empty()) {
    std::error_code error;
    folder = std::filesystem::temp_directory_path(error);
    if (error) {
      throw std::runtime_error(
          base::cat("no temporary folder for a scratch folder: ", error.message()));
    }
  }
  std::string pattern = (folder / base::cat("datamesh-", purpose, "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(
        base::cat("cannot make a scratch folder ", pattern, ": ", std::strerror(errno)));
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (keep_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::file(std::string_view relative) const {
  return (path_ / relative).string();
}

std::string ScratchDir::write(std::string_view relative, std::string_view text) const {
  const std::filesystem::path full = path_ / relative;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream(full, std::ios::binary) << text;
  return full.string();
}

}  // namespace datamesh::testkit
