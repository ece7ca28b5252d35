// Tests of core/atomic_file: a write replaces the file whole or not at all, and leaves no
// temporary file behind, whatever stops it: a missing directory, a name at the 255-byte
// limit, a file-size limit (ulimit -f), a signal in the middle, writers racing on one target.
// The limit and signal cases run in a forked child, so that they cannot disturb the test
// process; the child reports through its exit code.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using Catch::Contains;
using dae::test::TempDir;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What the child's exit codes mean.
constexpr int kChildAsExpected = 0, kChildWrongMessage = 1, kChildNoError = 2, kChildInHandler = 42;
// Small enough that the old file fits under it, far below the megabyte the child writes.
constexpr rlim_t kFileSizeLimit = 4096;

// Runs `body` in a forked child under a file-size limit and returns its wait status.
int run_in_child_with_file_size_limit(const std::function<int()>& body) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const rlimit limit{kFileSizeLimit, kFileSizeLimit};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(100);
    ::_exit(body());
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return status;
}

// In the child: writes a megabyte to `path` and checks the error's message.
int write_expecting_error(const std::string& path, const std::string& expected) {
  try {
    dae::write_file_atomically(path, std::string(1 << 20, 'x'));
  } catch (const dae::Error& e) {
    const std::string message = e.what();
    return message.find(expected) != std::string::npos && message.find(path) != std::string::npos ? kChildAsExpected
                                                                                                  : kChildWrongMessage;
  }
  return kChildNoError;
}

void require_exit_code(int status, int code) {
  INFO("child " << (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                        : "exited with " + std::to_string(WEXITSTATUS(status))));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == code);
}

void set_signal_handler(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  ::sigaction(signal, &action, nullptr);
}

}  // namespace

TEST_CASE("write_file_atomically replaces the file and leaves no temp file", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.file("losses.csv");
  dae::write_file_atomically(path, "step,loss\n");
  dae::write_file_atomically(path, "step,loss\n1,0.5\n");
  CHECK(read_text(path) == "step,loss\n1,0.5\n");
  CHECK(dir.names() == std::vector<std::string>{"losses.csv"});
}

TEST_CASE("write_file_atomically reports failures with the path", "[atomic_file]") {
  TempDir dir;
  SECTION("into a directory that does not exist") {
    const std::string path = dir.file("no_such_dir/conv.safetensors");
    REQUIRE_ERROR(dae::write_file_atomically(path, "x"), "cannot write " + path + ": No such file or directory");
  }
  SECTION("over a directory: the rename fails and the temp file is removed") {
    fs::create_directory(dir.file("taken"));
    REQUIRE_ERROR(dae::write_file_atomically(dir.file("taken"), "x"), "cannot write " + dir.file("taken"));
    CHECK(dir.names() == std::vector<std::string>{"taken"});
  }
  SECTION("a path that names a directory") {
    REQUIRE_ERROR(dae::write_file_atomically(dir.path() + "/", "x"), "names a directory");
  }
}

TEST_CASE("write_file_atomically takes any legal file name, up to 255 bytes", "[atomic_file]") {
  TempDir dir;
  // 255 bytes in ASCII, and 255 bytes of two-byte UTF-8 characters (plus one), which the
  // temporary name must not cut in half.
  std::string accented;
  for (int i = 0; i < 127; ++i) accented += "\xc3\xa9";
  for (const std::string& name : {std::string(251, 'n') + ".csv", accented + "x"}) {
    REQUIRE(name.size() == 255);
    const std::string path = dir.file(name);
    dae::write_file_atomically(path, "first");
    dae::write_file_atomically(path, "second");
    CHECK(read_text(path) == "second");
    CHECK(dir.names() == std::vector<std::string>{name});
    fs::remove(path);
  }
  const std::string too_long = dir.file(std::string(256, 'n'));
  REQUIRE_ERROR(dae::write_file_atomically(too_long, "x"), "cannot write " + too_long, "File name too long");
  CHECK(dir.names().empty());
}

TEST_CASE("write_file_atomically under a file-size limit fails with a clear error", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.file("conv.safetensors");
  dae::write_file_atomically(path, "the previous checkpoint");
  // SIGXFSZ at its default action, as a program that never heard of it has it: without the
  // writer's care the child dies of the signal instead of reporting.
  const int status = run_in_child_with_file_size_limit([&] {
    set_signal_handler(SIGXFSZ, SIG_DFL);
    return write_expecting_error(path, "file size limit reached");
  });
  require_exit_code(status, kChildAsExpected);
  CHECK(read_text(path) == "the previous checkpoint");
  CHECK(dir.names() == std::vector<std::string>{"conv.safetensors"});
}

namespace signal_during_write {

// The program's handler as the application installs it: clean up, then end the process.
void handler_that_exits(int) {
  dae::remove_temporary_files();
  ::_exit(kChildInHandler);
}

// A handler that cleans up and returns, so that the interrupted write goes on.
void handler_that_returns(int) { dae::remove_temporary_files(); }

}  // namespace signal_during_write

TEST_CASE("write_file_atomically cut by a signal leaves no temp file", "[atomic_file]") {
  // The signal comes from the kernel in the middle of write(): a handled SIGXFSZ is raised
  // when a write crosses the file-size limit, at a moment the test controls exactly.
  TempDir dir;
  const std::string path = dir.file("conv.safetensors");
  dae::write_file_atomically(path, "the previous checkpoint");
  SECTION("the handler ends the process") {
    const int status = run_in_child_with_file_size_limit([&] {
      set_signal_handler(SIGXFSZ, signal_during_write::handler_that_exits);
      return write_expecting_error(path, "");
    });
    require_exit_code(status, kChildInHandler);
  }
  SECTION("the handler returns and the write goes on") {
    const int status = run_in_child_with_file_size_limit([&] {
      set_signal_handler(SIGXFSZ, signal_during_write::handler_that_returns);
      return write_expecting_error(path, "interrupted by a signal");
    });
    require_exit_code(status, kChildAsExpected);
  }
  CHECK(read_text(path) == "the previous checkpoint");
  CHECK(dir.names() == std::vector<std::string>{"conv.safetensors"});
}

TEST_CASE("write_file_atomically keeps racing writers of one file apart", "[atomic_file]") {
  // Threads of one process share a pid: each write still needs a temporary file of its own,
  // or one thread's rename would publish another's half-written bytes.
  TempDir dir;
  const std::string path = dir.file("losses.csv");
  constexpr int kThreads = 4, kWrites = 10;
  const auto contents = [](int thread) { return std::string(size_t{1} << 16, char('a' + thread)); };
  std::vector<std::thread> writers;
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      try {
        for (int i = 0; i < kWrites; ++i) dae::write_file_atomically(path, contents(t));
      } catch (const dae::Error& e) {
        failures[t] = e.what();
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  CHECK(failures == std::vector<std::string>(kThreads));
  const std::string final_text = read_text(path);
  REQUIRE(final_text.size() == contents(0).size());
  CHECK(final_text == contents(final_text[0] - 'a'));
  CHECK(dir.names() == std::vector<std::string>{"losses.csv"});
}
