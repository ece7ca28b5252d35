// See atomic_file.h. Plain POSIX calls rather than std::ofstream: a stream can neither fsync
// nor say reliably why it failed (errno), and both matter here.
#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace dae {
namespace {

// What the user can do about the usual failures; empty when we have no advice.
std::string hint_for(int error) {
  switch (error) {
    case ENOENT:
      return " (does the output directory exist?)";
    case EACCES:
    case EPERM:
    case EROFS:
      return " (is the output directory writable?)";
    case ENOSPC:
    case EDQUOT:
      return " (is the disk full?)";
    default:
      return "";
  }
}

// Returns 0, or the errno of the first failing write. write() may write less than asked
// (signals, pipes), hence the loop.
int write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return 0;
}

}  // namespace

void write_file_atomically(const std::string& path, const void* data, size_t size) {
  // The pid keeps two processes writing the same target from sharing a temp file.
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  int error = 0;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = errno;
  } else {
    error = write_all(fd, static_cast<const char*>(data), size);
    // Without fsync the rename can reach the disk before the data, and a power cut would leave
    // an empty file under the final name: the very thing this function exists to prevent.
    if (error == 0 && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) ::unlink(temp.c_str());
  }
  DAE_CHECK(error == 0, "cannot write " << path << ": " << std::strerror(error) << hint_for(error));
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  write_file_atomically(path, contents.data(), contents.size());
}

}  // namespace dae
