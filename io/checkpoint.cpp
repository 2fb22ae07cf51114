#include "io/checkpoint.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.h"
#include "io/partial.h"
#include "models/simulation.h"

namespace pfsim {

namespace fs = std::filesystem;

std::uint64_t checkpoint_chunk(std::uint64_t n) { return std::max<std::uint64_t>(256, (n + 49) / 50); }

PathSample simulate_with_checkpoints(const PensionModel& model, const RunConfig& cfg, std::uint64_t first,
                                     std::uint64_t n, const EngineOptions& options, const std::string& dir,
                                     std::uint64_t* resumed_paths, const SampleStorage& storage) {
  fs::create_directories(dir);
  SampleBuilder whole(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), first, n, storage);
  const PathSample shape(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), first, 0);
  const std::uint64_t chunk = checkpoint_chunk(n);
  std::uint64_t resumed = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> todo;
  for (std::uint64_t lo = first; lo < first + n; lo += chunk) {
    const std::uint64_t len = std::min(chunk, first + n - lo);
    const std::string file = (fs::path(dir) / fmt::format("chunk-{:012}.h5", lo)).string();
    if (fs::exists(file)) {
      const auto info = read_partial_info(file);
      if (info.resolved != cfg.resolved || info.seed != cfg.run.seed || info.total_paths != cfg.run.paths)
        throw InputError({file, 0, 0}, "", fmt::format("this checkpoint belongs to another config or seed; remove {} or choose another --checkpoint directory", dir));
      if (info.build != this_build())
        throw InputError({file, 0, 0}, "", fmt::format("this checkpoint was written by {}, not {}; remove {} to start over with this build",
                                                       info.build.empty() ? "an unrecorded build" : info.build, this_build(), dir));
      if (info.first_path != lo || info.paths != len)
        throw InputError({file, 0, 0}, "", "chunk does not cover the expected paths (made by another pfsim version?)");
      const auto part = read_partial_sample(file);
      if (part.year_metrics() != shape.year_metrics() || part.scalars() != shape.scalars() || part.years() != shape.years())
        throw InputError({file, 0, 0}, "", "chunk holds other metrics than this pfsim's model (made by another version?); remove the checkpoint directory");
      whole.add(part);
      resumed += len;
    } else {
      todo.emplace_back(lo, len);
    }
  }
  if (resumed_paths) *resumed_paths = resumed;
  std::uint64_t done = resumed;
  for (const auto& [lo, len] : todo) {
    EngineOptions eo = options;
    eo.progress_offset = done;
    eo.progress_total = n;
    const auto part = simulate_paths(model, cfg.run.seed, lo, len, eo);
    write_partial((fs::path(dir) / fmt::format("chunk-{:012}.h5", lo)).string(), cfg, part);
    whole.add(part);
    done += len;
  }
  return whole.finish();
}

}  // namespace pfsim
