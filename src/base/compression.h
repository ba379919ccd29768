// zlib's deflate, for data a store keeps compressed (the AWS writer lock's large plans) and
// for the console's pages, which are built gzip-compressed and inflated for a client that
// does not accept gzip. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
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

// The data `compressed` holds, which must be exactly `bytes` long (a size recorded beside it,
// which bounds the inflating): DataLoss otherwise, "<what> is damaged: it does not inflate to
// its <bytes> bytes", with the cause, and for a negative size.
absl::StatusOr<std::string> inflated_exactly(std::string_view compressed, std::int64_t bytes,
                                             std::string_view what);

}  // namespace datamesh::base
