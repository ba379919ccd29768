// Reading a whole file in a test: what the server wrote to its log, a secrets file, a dump.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace datamesh {

// The file's bytes as they are on disk; "" when it cannot be opened (the test then fails on
// what it expected to find).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace datamesh
