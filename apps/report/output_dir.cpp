#include "apps/report/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace dae {

void prepare_output_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  DAE_CHECK(!error,
            "cannot create the output directory " << dir << ": " << error.message() << " (choose another with --out)");
  const std::string probe = dir + "/.write-test";
  try {
    write_file_atomically(probe, std::string("ok"));
  } catch (const Error& e) {
    DAE_THROW("the output directory " << dir << " is not writable: " << e.what() << " (choose another with --out)");
  }
  std::filesystem::remove(probe, error);
}

void check_output_file(const std::string& path, const std::string& flag) {
  std::error_code error;
  DAE_CHECK(!std::filesystem::is_directory(path, error),
            flag << " " << path << ": is a directory, expected a file name");
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string folder = parent.empty() ? "." : parent.string();
  DAE_CHECK(std::filesystem::is_directory(folder, error),
            flag << " " << path << ": the folder " << folder << " does not exist (create it first)");
  DAE_CHECK(access(folder.c_str(), W_OK) == 0,
            flag << " " << path << ": the folder " << folder << " is not writable (" << std::strerror(errno) << ")");
}

OutputDirLock::OutputDirLock(const std::string& dir) {
  const std::string path = dir + "/.mnist_dae.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  DAE_CHECK(fd_ >= 0, "cannot create the lock file " << path << ": " << std::strerror(errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char pid[32] = {};
    if (::pread(fd_, pid, sizeof pid - 1, 0) > 0) pid[std::strcspn(pid, "\n")] = '\0';
    ::close(fd_);
    fd_ = -1;
    DAE_CHECK(error != EWOULDBLOCK, "another mnist_dae (process " << (pid[0] ? pid : "?") << ") is writing into " << dir
                                                                  << ": wait for it, or choose another --out");
    DAE_THROW("cannot lock " << path << ": " << std::strerror(error));
  }
  const std::string own = std::to_string(getpid()) + "\n";
  if (ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, own.data(), own.size(), 0);
  }
}

OutputDirLock::~OutputDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace dae
