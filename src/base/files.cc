#include "base/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace datamesh::base
