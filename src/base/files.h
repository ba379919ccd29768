// Reading a whole file into memory: config files, credentials, certificates, JSON arguments.
#pragma once

#include <optional>
#include <string>

namespace datamesh::base {

// The bytes of the file at `path`, or nullopt when it cannot be opened or read; errno then says
// why (for std::strerror in the caller's message, whose wording and status code are its own).
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace datamesh::base
