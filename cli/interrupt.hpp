// Ctrl-C (SIGINT) and SIGTERM: stop cleanly, keeping nothing half-written (issue 7, CLI.md
// exit codes).
//
// install_interrupt_handlers() (called once by main) sets a handler for both signals. On a
// signal the handler
//   1. sets the flag that interrupted() reads,
//   2. removes every temporary file registered here: the one write_file_atomically is
//      writing and those an OutputSet has staged (the final files only ever appear by
//      rename, complete; a file already renamed stays, whole),
//   3. and ends the process with status 128 + the signal's number (130 for SIGINT, 143 for
//      SIGTERM, as shells report a death by signal) -- unless a long-running loop has said,
//      by holding an InterruptPolling, that it polls interrupted() and will stop by itself.
//      Then the handler returns and the loop winds down (the CLI then exits
//      kExitInterrupted); a second signal ends the process at once.
//
// Everything the handler does is async-signal-safe (POSIX.1-2017 2.4.3): lock-free atomics,
// unlink() and _exit(). The temporary path lives in a fixed buffer registered before the
// file is created, so the handler never reads memory that is being allocated or freed.
#pragma once

#include <string>

namespace pm::cli {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT

void install_interrupt_handlers();

// True once SIGINT or SIGTERM has arrived. Loops poll it between steps.
bool interrupted();

// While one of these exists, a first signal only sets the flag (the holder promises to poll
// interrupted() often, at least every fraction of a second, and to return early).
class InterruptPolling {
 public:
  InterruptPolling();
  ~InterruptPolling();
  InterruptPolling(const InterruptPolling&) = delete;
  InterruptPolling& operator=(const InterruptPolling&) = delete;
};

// A temporary file of an atomic write, removed by the handler if a signal arrives while it
// is registered. Several may be registered at once (an OutputSet stages every output before
// renaming them all). Registering returns the slot to clear, or -1 for a path longer than
// PATH_MAX (or out of memory); the caller then does not create the file. Call from the main
// thread only.
int register_temporary_file(const std::string& path);
void clear_temporary_file(int slot);

}  // namespace pm::cli
