#include "base/compression.h"

#include <zlib.h>

#include "base/text.h"

namespace datamesh::base {

std::string deflated(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  // Only a buffer shorter than compressBound's or a bad level fail; neither can happen here.
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
            Z_DEFAULT_COMPRESSION);
  out.resize(size);
  return out;
}

absl::StatusOr<std::string> inflated(std::string_view compressed, std::size_t max_bytes) {
  z_stream stream{};
  // 15 window bits, +32: zlib's or gzip's header, whichever the data has.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) {
    return absl::ResourceExhaustedError("zlib could not start inflating: out of memory");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[64 * 1024];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    result = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof(chunk) - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return absl::ResourceExhaustedError(
          cat("compressed data inflates to more than ", max_bytes, " bytes"));
    }
    out.append(chunk, produced);
  }
  // Z_BUF_ERROR: no progress with room to write, so the input ended before the stream did.
  const std::string problem = result == Z_BUF_ERROR ? std::string("cut short")
                              : cat("corrupt (zlib: ",
                                    stream.msg != nullptr ? stream.msg : "no message", ")");
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return absl::DataLossError(cat("compressed data is ", problem));
  return out;
}

absl::StatusOr<std::string> inflated_exactly(std::string_view compressed, std::int64_t bytes,
                                             std::string_view what) {
  if (bytes < 0) {
    return absl::DataLossError(cat(what, " is damaged: it records a size of ", bytes, " bytes"));
  }
  absl::StatusOr<std::string> data = inflated(compressed, static_cast<std::size_t>(bytes));
  if (data.ok() && data->size() == static_cast<std::size_t>(bytes)) return data;
  return absl::DataLossError(
      cat(what, " is damaged: it does not inflate to its ", bytes, " bytes",
          data.ok() ? cat(" (it holds ", data->size(), ")") : cat(": ", data.status().message())));
}

}  // namespace datamesh::base
