// zlib's deflate, for data a store keeps compressed (the AWS writer lock's large plans) and
// for the console's pages, which are built gzip-compressed and inflated for a client that
// does not accept gzip. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::base {

// `data` deflated in zlib's format, at zlib's default level.
std::string deflated(std::string_view data);

// The data `compressed` holds, in zlib's or gzip's format (told by its header). DataLoss when it
// is neither, is cut short or is corrupt; ResourceExhausted when it would inflate to more than
// `max_bytes`.
absl::StatusOr<std::string> inflated(std::string_view compressed, std::size_t max_bytes);

}  // namespace datamesh::base
