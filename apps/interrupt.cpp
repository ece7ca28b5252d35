#include "apps/interrupt.h"

#include <unistd.h>

#include <csignal>

#include "core/atomic_file.h"

namespace dae {

namespace {

volatile std::sig_atomic_t g_signal = 0;

void on_signal(int signal) {
  if (g_signal != 0) {         // the second: end now, with the signal's default action
    remove_temporary_files();  // a file being written is left as it was, without its temporary
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_signal = signal;
  // write(2) is async-signal-safe; printf is not.
  constexpr char kMessage[] = "\nstopping after this step (press Ctrl-C again to quit at once)\n";
  [[maybe_unused]] const ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a read or write in progress carries on
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return g_signal; }

int interrupted_exit_code() { return 128 + g_signal; }

}  // namespace dae
