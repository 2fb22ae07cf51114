#pragma once
// The parallel engine: oneTBB over blocks of path ids. Every path writes only
// its own column of the PathSample and draws only from streams addressed by
// its id, so no thread count, block size or schedule changes a result bit;
// statistics are computed afterwards from the whole sample in path-id order.
#include <atomic>
#include <cstdint>
#include <functional>

#include "core/error.h"

namespace pfsim {

struct EngineOptions {
  int threads = 0;                  // 0: all hardware threads
  std::uint64_t block_size = 64;    // paths per task
  bool progress = false;            // one-line progress bar on stderr
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: stop after the running blocks
  // For a run made of several calls (checkpoint chunks): the progress bar
  // counts progress_offset paths as done out of progress_total (0: this call's n).
  std::uint64_t progress_offset = 0;
  std::uint64_t progress_total = 0;
};

// Calls block(first_id, end_id) for consecutive blocks covering [first, first + n).
// Throws Interrupted when *stop was set, after the blocks already started finish.
void run_blocks(std::uint64_t first, std::uint64_t n, const EngineOptions& options,
                const std::function<void(std::uint64_t, std::uint64_t)>& block);

}  // namespace pfsim
