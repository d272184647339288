#include "cli/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace pm::cli {
namespace {

// Lock-free atomics are the state a signal handler may touch (C++20 [support.signal]).
std::atomic<bool> signal_received{false};
std::atomic<int> polling_depth{0};
std::atomic<bool> temporary_registered{false};
char temporary_path[PATH_MAX];  // written only while temporary_registered is false

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int signal_number) {
  bool second = signal_received.exchange(true);
  if (temporary_registered.load()) unlink(temporary_path);
  if (polling_depth.load() > 0 && !second) {
    // The loop stops at its next poll; a temporary file it was writing is gone, so make sure
    // the write it was in fails rather than renames nothing into place: the writer checks
    // interrupted() before its rename.
    return;
  }
  _exit(128 + signal_number);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // Block the other signal while handling one, so one handler runs at a time.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return signal_received.load(); }

InterruptPolling::InterruptPolling() { polling_depth.fetch_add(1); }
InterruptPolling::~InterruptPolling() { polling_depth.fetch_sub(1); }

bool register_temporary_file(const std::string& path) {
  if (path.size() + 1 > sizeof temporary_path) return false;
  temporary_registered.store(false);
  std::memcpy(temporary_path, path.c_str(), path.size() + 1);
  temporary_registered.store(true);
  return true;
}

void clear_temporary_file() { temporary_registered.store(false); }

}  // namespace pm::cli
