// Ctrl-C (SIGINT) and SIGTERM while a command trains. The first asks training to stop at the
// next step boundary (TrainingObserver::should_stop), so the command can say where its last
// checkpoint is and how to resume; a second ends the program at once, as it would without
// these handlers. Exit codes follow the shell's convention: 130 for SIGINT, 143 for SIGTERM.
#pragma once

namespace dae {

// Installs the handlers for the rest of the process (idempotent).
void install_interrupt_handlers();

// 0 until a signal asked to stop; then SIGINT or SIGTERM.
int interrupt_signal();

// 128 + the signal: the exit code of a command stopped by it.
int interrupted_exit_code();

}  // namespace dae
