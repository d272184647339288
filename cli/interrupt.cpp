#include "cli/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace pm::cli {
namespace {

// Lock-free atomics are the state a signal handler may touch (C++20 [support.signal]).
std::atomic<bool> signal_received{false};
std::atomic<int> polling_depth{0};

// The temporary files in flight: an OutputSet (cli/common.hpp) stages every output of a run
// before renaming them all, so there may be many (one per data set of `pm sample -n`). Slots
// live in chunks that are allocated once and never freed, so the handler only ever reads
// memory that stays valid: a chunk pointer, then a slot's path pointer, published with a
// release store once its text is complete and cleared before the text is freed.
constexpr std::size_t kChunkSlots = 1024;
constexpr std::size_t kChunks = 1024;  // up to about a million files in flight
struct Chunk {
  std::atomic<char*> paths[kChunkSlots];
};
std::atomic<Chunk*> chunks[kChunks];
std::atomic<std::size_t> slots_used{0};  // a bound on the slots ever filled (high-water mark)
std::size_t lowest_free_slot = 0;        // every slot below it is taken (main thread only)

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
              std::atomic<char*>::is_always_lock_free && std::atomic<std::size_t>::is_always_lock_free);

void remove_registered_temporaries() {
  const std::size_t used = slots_used.load();
  for (std::size_t slot = 0; slot < used; ++slot) {
    Chunk* chunk = chunks[slot / kChunkSlots].load();
    if (!chunk) continue;
    if (char* path = chunk->paths[slot % kChunkSlots].load()) unlink(path);
  }
}

extern "C" void on_interrupt(int signal_number) {
  bool second = signal_received.exchange(true);
  remove_registered_temporaries();
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

int register_temporary_file(const std::string& path) {
  if (path.size() + 1 > PATH_MAX) return -1;
  // Slots are taken in order and reused from the lowest free one (writes are sequential, on
  // the main thread), so the scan is short in practice.
  const std::size_t used = slots_used.load();
  std::size_t slot = lowest_free_slot;
  for (; slot < used; ++slot) {
    Chunk* chunk = chunks[slot / kChunkSlots].load();
    if (chunk && chunk->paths[slot % kChunkSlots].load() == nullptr) break;
  }
  if (slot >= kChunks * kChunkSlots) return -1;
  if (!chunks[slot / kChunkSlots].load()) chunks[slot / kChunkSlots].store(new Chunk{});
  char* copy = static_cast<char*>(std::malloc(path.size() + 1));
  if (!copy) return -1;
  std::memcpy(copy, path.c_str(), path.size() + 1);
  chunks[slot / kChunkSlots].load()->paths[slot % kChunkSlots].store(copy);
  lowest_free_slot = slot + 1;
  if (slot >= used) slots_used.store(slot + 1);
  return static_cast<int>(slot);
}

void clear_temporary_file(int slot) {
  if (slot < 0) return;
  Chunk* chunk = chunks[static_cast<std::size_t>(slot) / kChunkSlots].load();
  if (!chunk) return;
  char* path = chunk->paths[static_cast<std::size_t>(slot) % kChunkSlots].exchange(nullptr);
  std::free(path);
  lowest_free_slot = std::min(lowest_free_slot, static_cast<std::size_t>(slot));
}

}  // namespace pm::cli
