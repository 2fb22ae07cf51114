#pragma once
// pfsim's parallel loops: body(i) for every i in [0, n), on the threads of
// the calling oneTBB arena. In a ThreadSanitizer build the same bodies run
// on std::threads pulling indices from a shared counter instead: Debian's
// libtbb is not instrumented, and its task objects and small-object pool
// are reused across threads through synchronisation ThreadSanitizer cannot
// see, which it would report as races in pfsim's loop bodies. std::thread,
// its start and join are what ThreadSanitizer understands, so the tsan
// preset checks pfsim's own sharing (workspaces, samples, statistics), not
// oneTBB's. Results never depend on which threads run which indices.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace pfsim {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif

// Each index is its own task (a simple partitioner with grain 1): the
// engine's blocks and the statistics' columns are coarse already.
template <class Body>
void parallel_for_index(std::size_t n, Body&& body) {
  if constexpr (!kThreadSanitizer) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
                      },
                      tbb::simple_partitioner());
  } else {
    const auto threads = static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
      try {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) body(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t k = 1; k < std::min(threads, n); ++k) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace pfsim
