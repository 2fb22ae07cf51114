#include "core/engine.h"

#include "core/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace pfsim {

namespace {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

// Prints "paths done/total, paths per second, ETA" on one line of stderr.
class ProgressBar {
 public:
  ProgressBar(std::uint64_t total, std::uint64_t offset, const std::atomic<std::uint64_t>& done)
      : total_(total), offset_(offset), done_(done), start_(std::chrono::steady_clock::now()), thread_([this] { loop(); }) {}
  ~ProgressBar() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_ = true;
    }
    cv_.notify_all();
    thread_.join();
    draw();
    std::fputc('\n', stderr);
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return finished_; })) draw();
  }
  void draw() {
    const std::uint64_t fresh = done_.load();
    const std::uint64_t d = offset_ + fresh;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(fresh) / elapsed : 0.0;
    const double frac = total_ ? static_cast<double>(d) / static_cast<double>(total_) : 1.0;
    const int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    const double eta = rate > 0 ? static_cast<double>(total_ - d) / rate : -1;
    std::fputs(fmt::format("\r[{}] {}/{} paths  {:.0f} paths/s  ETA {}  ", bar, d, total_, rate,
                           format_duration(eta)).c_str(), stderr);
    std::fflush(stderr);
  }

  std::uint64_t total_;
  std::uint64_t offset_;
  const std::atomic<std::uint64_t>& done_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace

void run_blocks(std::uint64_t first, std::uint64_t n, const EngineOptions& options,
                const std::function<void(std::uint64_t, std::uint64_t)>& block) {
  if (n == 0) return;
  const std::uint64_t grain = options.block_size > 0 ? options.block_size : 1;
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> interrupted{false};
  const int threads = options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  {
    std::unique_ptr<ProgressBar> bar;
    if (options.progress && isatty(STDERR_FILENO))
      bar = std::make_unique<ProgressBar>(options.progress_total ? options.progress_total : n, options.progress_offset, done);
    arena.execute([&] {
      // Blocks are aligned to multiples of the grain from `first`, whatever
      // the partitioner does, so a block is always a fixed id range.
      const std::uint64_t blocks = (n + grain - 1) / grain;
      parallel_for_index(static_cast<std::size_t>(blocks), [&](std::size_t b) {
        if (options.stop && options.stop->load()) {
          interrupted = true;
          return;
        }
        const std::uint64_t lo = first + b * grain;
        const std::uint64_t hi = std::min(first + n, lo + grain);
        block(lo, hi);
        done += hi - lo;
      });
    });
  }
  if (interrupted) throw Interrupted();
}

}  // namespace pfsim
