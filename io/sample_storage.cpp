#include "io/sample_storage.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>

#include <fmt/format.h>

#include "core/error.h"
#include "core/spill_file.h"
#include "models/simulation.h"

namespace pfsim {

namespace fs = std::filesystem;

namespace {
std::string human(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.3g} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.3g} MB", bytes / 1e6);
  return fmt::format("{:.3g} kB", bytes / 1e3);
}
}  // namespace

std::uint64_t sample_bytes(const PensionModel& model, std::uint64_t paths) {
  return paths * PathSample::bytes_per_path(model.year_metrics().size(), model.years(), model.scalar_metrics().size());
}

SampleStorage resolve_storage(const RunSettings& run, const std::string& output, std::uint64_t bytes) {
  SampleStorage s;
  s.memory_limit = run.memory_limit == 0 ? available_memory() / 2 : run.memory_limit;
  if (s.fits(bytes)) return s;
  SourceLocation where = run.spill_dir_origin;
  std::string key = where.file == "--spill-dir" ? "" : "run.spill_dir";
  if (!run.spill_dir.empty()) {
    s.spill_dir = run.spill_dir;
  } else if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) {
    s.spill_dir = tmp;
    where = {"TMPDIR", 0, 0};
    key = "";
  } else {
    const auto parent = fs::path(output).parent_path();
    s.spill_dir = parent.empty() ? "." : parent.string();
    where = {output, 0, 0};
    key = "";
  }
  std::error_code ec;
  if (!fs::is_directory(s.spill_dir, ec) || ::access(s.spill_dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(where, key,
                     fmt::format("the spill directory '{}' is not a writable directory; the per-path sample ({}) "
                                 "exceeds the memory limit ({}) and needs one (run.spill_dir or --spill-dir)",
                                 s.spill_dir, human(static_cast<double>(bytes)), human(static_cast<double>(s.memory_limit))));
  return s;
}

std::string describe_storage(const SampleStorage& storage, std::uint64_t bytes) {
  if (storage.fits(bytes))
    return fmt::format("per-path sample {} in memory", human(static_cast<double>(bytes)));
  return fmt::format("per-path sample {} exceeds the memory limit ({}): spilled to a temporary file in {}",
                     human(static_cast<double>(bytes)), human(static_cast<double>(storage.memory_limit)), storage.spill_dir);
}

PathSample simulate_sample(const PensionModel& model, std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                           const EngineOptions& options, const SampleStorage& storage) {
  if (storage.fits(sample_bytes(model, n))) return simulate_paths(model, seed, first, n, options);
  SampleBuilder builder(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), first, n, storage);
  // Two part buffers, reused: one is simulated into while the other is
  // written (fresh memory for every part would be first touched every time).
  // Declared after the builder and before the write in flight, so that an
  // exception waits for that write before the buffers and the builder go.
  std::array<PathSample, 2> buffers;
  std::future<void> writing;
  std::size_t k = 0;
  for (std::uint64_t lo = first; lo < first + n; lo += builder.part_paths(), ++k) {
    const std::uint64_t len = std::min(builder.part_paths(), first + n - lo);
    EngineOptions eo = options;
    eo.progress_offset = options.progress_offset + (lo - first);
    eo.progress_total = options.progress_total ? options.progress_total : n;
    PathSample& part = buffers[k % 2];  // its last write finished before the previous part's began
    if (part.paths() == 0)
      part = PathSample(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), lo, len);
    else
      part.reshape(lo, len);
    simulate_paths_into(model, seed, part, eo);
    if (writing.valid()) writing.get();
    writing = std::async(std::launch::async, [&builder, &part] { builder.add(part); });
  }
  if (writing.valid()) writing.get();
  return builder.finish();
}

}  // namespace pfsim
