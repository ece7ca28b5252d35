// See atomic_file.h. Plain POSIX calls rather than std::ofstream: a stream can neither fsync
// nor say reliably why it failed (errno), and both matter here.
#include "core/atomic_file.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "core/error.h"

namespace dae {
namespace {

// The longest file name (one path component) of every Linux file system we write to.
constexpr size_t kMaxNameBytes = NAME_MAX;
// Tries at a free temporary name before giving up (a taken one is a leftover of a killed
// process that had our pid).
constexpr int kNameAttempts = 100;

// ---- The temporary files being written, for remove_temporary_files() ----
// A signal handler may neither allocate nor lock, so each temp path is copied into a fixed
// slot, and a slot's state, changed only by atomic compare-and-swap, says who may touch it:
//   Free -> Filling (a writer claims it and copies its path in) -> Active
//   Active -> Free                         the writer is done (renamed or removed the file)
//   Active -> Removing -> Removed -> Free  remove_temporary_files() unlinked it first
// Writes beyond kSlots at once (threads) go unregistered: a signal may leave their temp file.
enum SlotState : int { kFree, kFilling, kActive, kRemoving, kRemoved };
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");
constexpr int kSlots = 64;
struct Slot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
Slot g_slots[kSlots];
std::atomic<unsigned long> g_temp_counter{0};

// A temp path held in a slot for as long as the write is in progress.
class Registration {
 public:
  explicit Registration(const std::string& temp) {
    if (temp.size() >= PATH_MAX) return;  // open() refuses it anyway (ENAMETOOLONG)
    for (Slot& slot : g_slots) {
      int expected = kFree;
      if (!slot.state.compare_exchange_strong(expected, kFilling)) continue;
      std::memcpy(slot.path, temp.c_str(), temp.size() + 1);
      slot.state.store(kActive);
      slot_ = &slot;
      return;
    }
  }
  ~Registration() {
    if (!slot_) return;
    for (;;) {
      int expected = kActive;
      if (slot_->state.compare_exchange_strong(expected, kFree)) return;
      if (expected == kRemoved) {
        slot_->state.store(kFree);
        return;
      }
      std::this_thread::yield();  // Removing: a handler on another thread is unlinking it
    }
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  bool removed_by_signal() const { return slot_ && slot_->state.load() != kActive; }

 private:
  Slot* slot_ = nullptr;
};

// ".<name>.<pid>.<n>.tmp": hidden, and telling whose file it is. The pid and the counter keep
// two processes or two threads writing the same target apart; the name is cut (never inside a
// UTF-8 character) so that the whole stays within kMaxNameBytes.
std::string temporary_name(const std::string& name, unsigned long counter) {
  const std::string suffix = "." + std::to_string(::getpid()) + "." + std::to_string(counter) + ".tmp";
  size_t keep = std::min(name.size(), kMaxNameBytes - 1 - suffix.size());
  while (keep > 0 && keep < name.size() && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return "." + name.substr(0, keep) + suffix;
}

// See the header: a file-size limit must end in an error, not in a silent death.
void ignore_file_size_signal_by_default() {
  struct sigaction current {};
  if (::sigaction(SIGXFSZ, nullptr, &current) != 0) return;
  if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) return;
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGXFSZ, &ignore, nullptr);
}

// Why a write failed, with what the user can do about the usual causes.
std::string reason(int error) {
  switch (error) {
    case EINTR: return "interrupted by a signal";
    case ENOENT: return std::string(std::strerror(error)) + " (does the output directory exist?)";
    case EACCES:
    case EPERM:
    case EROFS: return std::string(std::strerror(error)) + " (is the output directory writable?)";
    case ENOSPC:
    case EDQUOT: return std::string(std::strerror(error)) + " (is the disk full?)";
    case EFBIG: return std::string(std::strerror(error)) + " (file size limit reached: see ulimit -f)";
    default: return std::strerror(error);
  }
}

// Returns 0, or the errno of the first failing write. write() may write less than asked
// (signals, a limit reached part way), hence the loop.
int write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno;
    if (written == 0) return ENOSPC;  // no progress and no reason: never loop forever
    data += written;
    size -= static_cast<size_t>(written);
  }
  return 0;
}

// Creates the temporary file for `path` beside it, registered before it exists so that no
// moment has it on disk unknown to remove_temporary_files(). Returns the fd, or -errno.
int create_temporary(const std::string& directory_prefix, const std::string& name, std::string& temp,
                     std::optional<Registration>& registration) {
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    temp = directory_prefix + temporary_name(name, g_temp_counter++);
    registration.emplace(temp);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd >= 0 ? fd : -errno;
  }
  return -EEXIST;
}

// Writes the temp file whole and durable: without fsync the rename can reach the disk before
// the data, and a power cut would leave an empty file under the final name. Returns 0 or errno.
int write_durably(int fd, const void* data, size_t size) {
  int error = write_all(fd, static_cast<const char*>(data), size);
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

// A rename is a change of the directory, on disk only once the directory is synced. A
// directory we may not open for reading, or a file system that cannot sync one (EINVAL), is
// no failure of the write: the new file is in place either way. Returns 0 or errno.
int sync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;
  const int error = ::fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

void write_file_atomically(const std::string& path, const void* data, size_t size) {
  ignore_file_size_signal_by_default();
  const size_t slash = path.rfind('/');
  const std::string directory_prefix = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = path.substr(directory_prefix.size());
  DAE_CHECK(!name.empty(), "cannot write " << path << ": the path names a directory, not a file");
  DAE_CHECK(name.size() <= kMaxNameBytes, "cannot write " << path << ": " << reason(ENAMETOOLONG)
                                                          << " (a file name has at most " << kMaxNameBytes
                                                          << " bytes)");
  std::string temp;
  std::optional<Registration> registration;
  const int fd = create_temporary(directory_prefix, name, temp, registration);
  int error = fd < 0 ? -fd : write_durably(fd, data, size);
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    if (fd >= 0) ::unlink(temp.c_str());
    DAE_THROW("cannot write " << path << ": " << reason(registration->removed_by_signal() ? EINTR : error));
  }
  error = sync_directory(directory_prefix.empty() ? "." : directory_prefix);
  DAE_CHECK(error == 0, "cannot write " << path << ": " << reason(error)
                                        << " while syncing its directory (the new file is in place "
                                           "but may not survive a crash)");
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  write_file_atomically(path, contents.data(), contents.size());
}

void remove_temporary_files() noexcept {
  const int saved_errno = errno;  // a handler must leave errno as it found it
  for (Slot& slot : g_slots) {
    int expected = kActive;
    if (!slot.state.compare_exchange_strong(expected, kRemoving)) continue;
    ::unlink(slot.path);
    slot.state.store(kRemoved);
  }
  errno = saved_errno;
}

}  // namespace dae
