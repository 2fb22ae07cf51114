#include "run/sample_producer.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include "core/error.h"
#include "core/spill_file.h"
#include "io/partial.h"

namespace pfsim {

namespace {
struct Worker {
  Workspace ws;
  std::array<PathRecord, kLanes> recs;
  bool ready = false;
};

// A path whose figures are not finite, or beyond what the sample's float32
// year values hold, stops the run: it names the path, the year and the
// variable (a bad input, such as a population cell of 1e300, shows here
// first).
// The year values are checked as they are stored (PathSample::store_records
// says whether a group of paths had a bad one); `search` looks for it.
void require_finite(const PensionModel& model, std::uint64_t path, const PathRecord& rec, bool search) {
  constexpr double kFloatMax = 3.4028234663852886e38;
  const auto years = static_cast<std::size_t>(rec.years);
  const std::size_t metrics = years ? rec.year_values.size() / years : 0;
  if (search) {
    // The earliest year, and in it the first metric, that went wrong.
    for (std::size_t t = 0; t < years; ++t)
      for (std::size_t m = 0; m < metrics; ++m) {
        const double x = rec.year_values[m * years + t];
        if (std::isfinite(x) && std::abs(x) <= kFloatMax) continue;
        throw SimulationError(path, model.params().start_year + static_cast<int>(t),
                              fmt::format("'{}' is {} (not a finite number a results file can hold); "
                                          "check the inputs that feed it", model.year_metrics()[m].name, x));
      }
  }
  const std::size_t doubles = model.shape().double_scalars();
  for (std::size_t s = doubles; s < rec.scalars.size(); ++s)  // float scalars: as the year values
    if (!(std::abs(rec.scalars[s]) <= kFloatMax))
      throw SimulationError(path, model.params().end_year,
                            fmt::format("'{}' is {} (not a finite number a results file can hold); check the inputs that feed it",
                                        model.scalar_metrics()[s].name, rec.scalars[s]));
  for (std::size_t s = 0; s < doubles; ++s)
    if (!std::isfinite(rec.scalars[s]) && !(rec.scalars[s] == HUGE_VAL && model.scalar_metrics()[s].may_be_infinite) &&
        !(std::isnan(rec.scalars[s]) && model.scalar_metrics()[s].may_be_undefined))
      throw SimulationError(path, model.params().end_year,
                            fmt::format("'{}' is {}; check the inputs that feed it", model.scalar_metrics()[s].name, rec.scalars[s]));
}
}  // namespace

PathSample simulate_paths(const PensionModel& model, std::uint64_t seed, std::uint64_t first_path,
                          std::uint64_t paths, const EngineOptions& options) {
  PathSample sample(model.shape(), first_path, paths);
  simulate_paths_into(model, seed, sample, options);
  return sample;
}

void simulate_paths_into(const PensionModel& model, std::uint64_t seed, PathSample& sample, const EngineOptions& options) {
  if (sample.shape() != model.shape())
    throw std::logic_error("simulate_paths_into: the sample's shape is not the model's");
  const std::uint64_t first_path = sample.first_path(), paths = sample.paths();
  tbb::enumerable_thread_specific<Worker> workers;
  run_blocks(first_path, paths, options, [&](std::uint64_t lo, std::uint64_t hi) {
    auto& w = workers.local();
    if (!w.ready) {
      for (auto& rec : w.recs) model.prepare(w.ws, rec);
      w.ready = true;
    }
    // Groups of kLanes paths; a short last group repeats its last path in
    // the spare lanes, whose results are dropped.
    for (std::uint64_t p0 = lo; p0 < hi; p0 += kLanes) {
      std::array<std::uint64_t, kLanes> ids;
      for (int l = 0; l < kLanes; ++l) ids[l] = std::min<std::uint64_t>(p0 + static_cast<std::uint64_t>(l), hi - 1);
      model.simulate(seed, ids, false, w.ws, w.recs);
      const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(kLanes, hi - p0));
      const bool finite = sample.store_records(p0, count, w.recs.data());
      for (std::size_t l = 0; l < count; ++l) require_finite(model, p0 + l, w.recs[l], !finite);
    }
  });
}

namespace fs = std::filesystem;

namespace {
std::string human(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.3g} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.3g} MB", bytes / 1e6);
  return fmt::format("{:.3g} kB", bytes / 1e3);
}
}  // namespace

std::uint64_t sample_bytes(const PensionModel& model, std::uint64_t paths) {
  return paths * model.shape().bytes_per_path();
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

std::string describe_in_place(const SampleStorage& storage, std::uint64_t bytes, std::size_t files) {
  return fmt::format("per-path sample {} exceeds the memory limit ({}): the statistics read it from the {} partial files "
                     "where they are",
                     human(static_cast<double>(bytes)), human(static_cast<double>(storage.memory_limit)), files);
}

namespace {
// In memory or, beyond the limit, a part at a time into a spill file (the
// next part simulated while the last one is written).
PathSample simulate_sample(const PensionModel& model, std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                           const EngineOptions& options, const SampleStorage& storage) {
  if (storage.fits(sample_bytes(model, n))) return simulate_paths(model, seed, first, n, options);
  SampleBuilder builder(model.shape(), first, n, storage);
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
      part = PathSample(model.shape(), lo, len);
    else
      part.reshape(lo, len);
    simulate_paths_into(model, seed, part, eo);
    if (writing.valid()) writing.get();
    writing = std::async(std::launch::async, [&builder, &part] { builder.add(part); });
  }
  if (writing.valid()) writing.get();
  return builder.finish();
}
}  // namespace

void check_read_sample(const PensionModel& model, const PathSample& sample, const std::string& file) {
  // The partial reader has checked that values are finite, +inf or NaN;
  // +inf and NaN only where the scalar allows them, and a year-valued
  // scalar (depletion_year) must moreover be a year of the run or +inf.
  // The float scalars were held to the year values' rule (finite).
  const auto& specs = model.scalar_metrics();
  const double first = model.params().start_year, last = model.params().end_year;
  for (std::size_t s = 0; s < sample.double_scalars(); ++s) {
    if (specs[s].unit != "year") {
      const auto col = sample.scalar_column(s);
      for (std::size_t i = 0; i < col.size(); ++i) {
        const double v = col[i];
        if (std::isfinite(v) || (std::isnan(v) && specs[s].may_be_undefined) || (v == HUGE_VAL && specs[s].may_be_infinite)) continue;
        throw InputError({file, 0, 0}, "", fmt::format("'{}' of path {} is {}, which it cannot be: damaged file", specs[s].name,
                                                       sample.first_path() + i, v));
      }
      continue;
    }
    const auto col = sample.scalar_column(s);
    for (std::size_t i = 0; i < col.size(); ++i) {
      const double y = col[i];
      if ((y >= first && y <= last && y == std::floor(y)) || (std::isinf(y) && y > 0 && specs[s].may_be_infinite)) continue;
      throw InputError({file, 0, 0}, "",
                       fmt::format("'{}' of path {} is {}, not a year of the run ({}-{}){}: damaged file", specs[s].name,
                                   sample.first_path() + i, y, first, last, specs[s].may_be_infinite ? " or +inf" : ""));
    }
  }
}

std::uint64_t checkpoint_chunk(std::uint64_t n) { return std::max<std::uint64_t>(256, (n + 49) / 50); }

namespace {

// Chunks saved to `dir` as partial files as soon as each is complete (under a
// temporary name, then renamed); chunks found there are read back instead of
// simulated.
PathSample simulate_with_checkpoints(const PensionModel& model, const RunConfig& cfg, std::uint64_t first,
                                     std::uint64_t n, const EngineOptions& options, const std::string& dir,
                                     std::uint64_t* resumed_paths, const SampleStorage& storage) {
  fs::create_directories(dir);
  SampleBuilder whole(model.shape(), first, n, storage);
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
      if (part.shape() != model.shape())
        throw InputError({file, 0, 0}, "", "chunk holds other metrics than this pfsim's model (made by another version?); remove the checkpoint directory");
      check_read_sample(model, part, file);
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

}  // namespace

PathSample produce_sample(const PensionModel& model, const RunConfig& cfg, const SamplePlan& plan,
                          SampleReport* report) {
  if (!plan.checkpoint_dir.empty()) {
    std::uint64_t resumed = 0;
    auto sample = simulate_with_checkpoints(model, cfg, plan.first, plan.count, plan.engine, plan.checkpoint_dir,
                                            &resumed, plan.storage);
    if (report) report->resumed_paths = resumed;
    return sample;
  }
  return simulate_sample(model, cfg.run.seed, plan.first, plan.count, plan.engine, plan.storage);
}

}  // namespace pfsim
