// Reading a whole file into memory (config files, credentials, certificates, JSON arguments),
// and checking that a file is a CA bundle before a TLS client is told to trust it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace datamesh::base {

// The bytes of the file at `path`, or nullopt when it cannot be opened or read; errno then says
// why (for std::strerror in the caller's message, whose wording and status code are its own).
std::optional<std::string> read_whole_file(const std::string& path);

// OK when the file at `path` can be read and holds a PEM certificate, as a CA bundle (the
// authorities a TLS client trusts) must. NotFound, saying why, when it cannot be read;
// InvalidArgument when it holds no certificate. Both name the file and, in parentheses,
// `named_by`: where the path came from ("--ca-bundle or DATAMESH_CA_BUNDLE", "AWS_CA_BUNDLE").
absl::Status check_ca_bundle(const std::string& path, std::string_view named_by);

}  // namespace datamesh::base
