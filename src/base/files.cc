#include "base/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/text.h"

namespace datamesh::base {

std::optional<std::string> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      content.append(buffer, static_cast<size_t>(got));
    } else if (got == 0) {
      break;
    } else if (errno != EINTR) {
      const int error = errno;
      ::close(fd);
      errno = error;  // close() must not hide why the read failed
      return std::nullopt;
    }
  }
  ::close(fd);
  return content;
}

absl::Status check_ca_bundle(const std::string& path, std::string_view named_by) {
  const std::optional<std::string> bundle = read_whole_file(path);
  if (!bundle) {
    return absl::NotFoundError(
        cat("cannot read the CA bundle ", path, " (", named_by, "): ", std::strerror(errno)));
  }
  if (bundle->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InvalidArgumentError(cat("the CA bundle ", path, " (", named_by,
                                          ") holds no PEM certificate (a block that begins "
                                          "-----BEGIN CERTIFICATE-----)"));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::base
