// What the libFuzzer targets of tests/fuzz share: a fuzz input held as a file the readers can
// open, and the way a target reports a broken property. A target's whole contract is: for
// every input, either success with the property checked, or a dae::Error (a UsageError for
// the options) whose message says which file it is about. Any other exception escaping,
// a crash, a leak or undefined behaviour is a finding (libFuzzer saves the input).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dae::fuzz {

// Stops the run with a message: libFuzzer then reports the input as a crash.
[[noreturn]] inline void broken(const std::string& property, const std::string& detail) {
  std::fprintf(stderr, "fuzz: property broken: %s\n  %s\n", property.c_str(), detail.c_str());
  std::abort();
}

inline void require(bool condition, const std::string& property, const std::string& detail = "") {
  if (!condition) broken(property, detail);
}

// An error must say which file it is about: the path appears in its message.
inline void require_names(const std::string& message, const std::string& path) {
  require(message.find(path) != std::string::npos, "an error names the file it is about",
          "'" + message + "' does not name " + path);
}

// A file in memory (memfd): readers open it by path like any file, and no disk is touched.
class MemoryFile {
 public:
  explicit MemoryFile(const char* name) : fd_(::memfd_create(name, MFD_CLOEXEC)) {
    require(fd_ >= 0, "memfd_create works");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Makes the file hold exactly `size` bytes of `data`.
  const std::string& hold(const uint8_t* data, size_t size) {
    require(::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, data, size, 0) == static_cast<ssize_t>(size),
            "the memory file takes the input");
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace dae::fuzz
